/* The key log: one SSLKEYLOGFILE line (RFC 9850 2) per secret. */
#include "hs/keylog.h"

#include <string.h>

#include "core/mem.h"

/* label, client_random (32 bytes) and a secret of at most 48 bytes, in lowercase hex */
#define KEYLOG_LINE_MAX (sizeof KEYLOG_C_HS + 1 + 2 * 32 + 1 + 2 * KS_MAX + 1)

static char *hex(char *p, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        *p++ = digits[b[i] >> 4];
        *p++ = digits[b[i] & 15];
    }
    return p;
}

void keylog_emit(const ctls_conn *c, const char *label, const uint8_t client_random[32],
                 const uint8_t *secret, size_t len)
{
    char line[KEYLOG_LINE_MAX];
    size_t llen = strlen(label);
    if (llen > sizeof KEYLOG_C_HS - 1 || len > KS_MAX) return; /* never: the labels above */
    char *p = line;
    memcpy(p, label, llen);
    p += llen;
    *p++ = ' ';
    p = hex(p, client_random, 32);
    *p++ = ' ';
    p = hex(p, secret, len);
    *p = '\0';
    c->cfg->keylog(c->cfg->keylog_ctx, c, line);
    ctls_wipe(line, sizeof line); /* it held a key */
}
