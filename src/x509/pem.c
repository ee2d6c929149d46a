/* PEM (RFC 7468 strict-ish): base64 decoded here, bounded, no libcrypto. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "x509/x509.h"

#define PEM_MAX_BLOCKS 8192
#define PEM_MAX_FILE (64u << 20)

static int b64_value(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Decodes base64 text (whitespace ignored, '=' only as final padding, no stray characters,
 * zero pad bits) into a fresh buffer. */
static int b64_decode(const uint8_t *p, size_t n, uint8_t **out, size_t *out_len)
{
    uint8_t *buf = ctls_malloc(n / 4 * 3 + 3);
    CTLS_ENSURE(buf != NULL, CTLS_ERR_NOMEM);
    size_t o = 0, quad = 0, pad = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (is_space(c)) continue;
        int v;
        if (c == '=') {
            if (quad < 2) goto bad;
            pad++;
            v = 0;
        } else {
            v = b64_value(c);
            if (v < 0 || pad) goto bad;
        }
        acc = (acc << 6) | (uint32_t)v;
        if (++quad == 4) {
            if (pad > 2) goto bad;
            /* RFC 4648 3.5: the bits dropped by padding are zero */
            if ((pad == 1 && (acc & 0xff)) || (pad == 2 && (acc & 0xffff))) goto bad;
            buf[o++] = (uint8_t)(acc >> 16);
            if (pad < 2) buf[o++] = (uint8_t)(acc >> 8);
            if (pad < 1) buf[o++] = (uint8_t)acc;
            quad = 0;
            if (pad) {
                /* only whitespace may follow the padding */
                for (size_t j = i + 1; j < n; j++)
                    if (!is_space(p[j])) goto bad;
                break;
            }
            acc = 0;
        }
    }
    if (quad != 0 || o == 0) goto bad;
    *out = buf;
    *out_len = o;
    return 0;
bad:
    ctls_free(buf);
    return CTLS_ERR_DECODE;
}

static int list_push(ctls_der_list *l, uint8_t *der, size_t len)
{
    if (l->count >= PEM_MAX_BLOCKS) return CTLS_ERR_LIMIT;
    if ((l->count & (l->count - 1)) == 0) { /* grow at powers of two */
        size_t cap = l->count ? l->count * 2 : 1;
        uint8_t **d = ctls_realloc(l->der, cap * sizeof *d);
        if (!d) return CTLS_ERR_NOMEM;
        l->der = d;
        size_t *n = ctls_realloc(l->len, cap * sizeof *n);
        if (!n) return CTLS_ERR_NOMEM;
        l->len = n;
    }
    l->der[l->count] = der;
    l->len[l->count] = len;
    l->count++;
    return 0;
}

int ctls_pem_decode(const void *pem, size_t len, const char *label, ctls_der_list *out)
{
    memset(out, 0, sizeof *out);
    CTLS_ENSURE(pem != NULL && label != NULL, CTLS_ERR_DECODE);
    char begin[96], end[96];
    int bl = snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    int el = snprintf(end, sizeof end, "-----END %s-----", label);
    CTLS_ENSURE(bl > 0 && (size_t)bl < sizeof begin && el > 0 && (size_t)el < sizeof end,
                CTLS_ERR_DECODE);
    const uint8_t *p = pem, *stop = p + len;
    int rc = 0;
    while (p < stop) {
        const uint8_t *b = memmem(p, (size_t)(stop - p), begin, (size_t)bl);
        if (!b) break;
        const uint8_t *body = b + bl;
        const uint8_t *e = memmem(body, (size_t)(stop - body), end, (size_t)el);
        if (!e) {
            rc = CTLS_ERR_DECODE; /* an unterminated block */
            break;
        }
        uint8_t *der;
        size_t dlen;
        rc = b64_decode(body, (size_t)(e - body), &der, &dlen);
        if (rc < 0) break;
        rc = list_push(out, der, dlen);
        if (rc < 0) {
            ctls_free(der);
            break;
        }
        p = e + el;
    }
    if (rc < 0) ctls_der_list_free(out);
    return rc;
}

void ctls_der_list_free(ctls_der_list *l)
{
    if (!l) return;
    for (size_t i = 0; i < l->count; i++)
        ctls_free(l->der[i]);
    ctls_free(l->der);
    ctls_free(l->len);
    memset(l, 0, sizeof *l);
}

int ctls_read_file(const char *path, uint8_t **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    FILE *f = path ? fopen(path, "rb") : NULL;
    CTLS_ENSURE(f != NULL, CTLS_ERR_FILE);
    struct stat st;
    size_t cap = 4096;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        cap = (size_t)st.st_size + 1;
    if (cap > PEM_MAX_FILE) {
        fclose(f);
        return CTLS_ERR_FILE;
    }
    uint8_t *buf = ctls_malloc(cap);
    size_t n = 0;
    int rc = buf ? 0 : CTLS_ERR_NOMEM;
    while (rc == 0) {
        if (n == cap) {
            if (cap >= PEM_MAX_FILE) {
                rc = CTLS_ERR_FILE;
                break;
            }
            uint8_t *nb = ctls_realloc(buf, cap * 2);
            if (!nb) {
                rc = CTLS_ERR_NOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) rc = CTLS_ERR_FILE;
            break;
        }
    }
    fclose(f);
    if (rc < 0) {
        ctls_free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}

int ctls_pem_file_certs(const char *path, int allow_empty, ctls_der_list *out)
{
    uint8_t *buf;
    size_t len;
    memset(out, 0, sizeof *out);
    CTLS_GUARD(ctls_read_file(path, &buf, &len));
    int rc = ctls_pem_decode(buf, len, "CERTIFICATE", out);
    ctls_free(buf);
    CTLS_GUARD(rc);
    if (out->count == 0 && !allow_empty) return CTLS_ERR_DECODE;
    return 0;
}
