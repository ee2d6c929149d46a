/* Record framing on the write side: fragmentation at 2^14 and protection. */
#include <string.h>

#include "api/internal.h"
#include "core/mem.h"
#include "record/record.h"

/* c->out is a wire buffer (released without a wipe): a record that could not be protected
 * must not leave its plaintext behind (rec_seal12 moves it there first). */
static int sealed(int rc, uint8_t *at, size_t total)
{
    if (rc < 0) ctls_wipe(at, total);
    return rc;
}

int rec_write(ctls_conn *c, uint8_t type, const uint8_t *data, size_t len)
{
    do {
        size_t n = len > REC_MAX_PLAIN ? REC_MAX_PLAIN : len;
        uint8_t *at;
        if (c->wr.aead && c->version == CTLS_TLS1_2) {
            size_t total = REC_HEADER_LEN + rec_overhead12(&c->wr) + n;
            CTLS_GUARD(buf_reserve(&c->out, total, REC_OUT_MAX, &at));
            CTLS_GUARD(sealed(rec_seal12(&c->wr, type, data, n, at), at, total));
            buf_commit(&c->out, total);
        } else if (c->wr.aead) {
            size_t total = REC_HEADER_LEN + n + 1 + CTLS_AEAD_TAG_LEN;
            CTLS_GUARD(buf_reserve(&c->out, total, REC_OUT_MAX, &at));
            CTLS_GUARD(sealed(rec_seal13(&c->wr, type, data, n, at), at, total));
            buf_commit(&c->out, total);
        } else {
            if (type == CT_APPLICATION_DATA) return CTLS_ERR_INTERNAL;
            CTLS_GUARD(buf_reserve(&c->out, REC_HEADER_LEN + n, REC_OUT_MAX, &at));
            at[0] = type;
            /* RFC 8446 5.1: 0x0301 is allowed for the initial ClientHello for compatibility
             * with middleboxes; 0x0303 everywhere else (the CCS sent before early data too:
             * OpenSSL refuses it with decode_error otherwise) */
            at[1] = 0x03;
            at[2] =
                (c->role == CTLS_CLIENT && c->version == 0 && type == CT_HANDSHAKE) ? 0x01 : 0x03;
            at[3] = (uint8_t)(n >> 8);
            at[4] = (uint8_t)n;
            if (n) memcpy(at + REC_HEADER_LEN, data, n);
            buf_commit(&c->out, REC_HEADER_LEN + n);
        }
        data += n;
        len -= n;
    } while (len > 0);
    return 0;
}

int rec_send_alert(ctls_conn *c, int level, int desc)
{
    uint8_t a[2] = {(uint8_t)level, (uint8_t)desc};
    return rec_write(c, CT_ALERT, a, sizeof a);
}
