/* Strict DER (X.690 10.1: definite form, minimal length octets) on top of core/bytes.h. */
#include "x509/der.h"

void der_init(der_rd *d, const uint8_t *p, size_t len)
{
    rd_init(&d->r, p, len);
    d->depth = 0;
}

int der_peek(const der_rd *d)
{
    if (rd_remaining(&d->r) == 0) return -1;
    return *rd_cursor(&d->r);
}

/* Reads one TLV header and returns the tag and the content length (checked to fit). */
static int der_header(ctls_reader *r, uint8_t *tag, size_t *len)
{
    uint8_t t, l0;
    CTLS_GUARD(rd_u8(r, &t));
    /* High tag numbers (0x1f) never occur in the certificate profile of RFC 5280. */
    CTLS_ENSURE((t & 0x1f) != 0x1f, CTLS_ERR_DECODE);
    CTLS_GUARD(rd_u8(r, &l0));
    size_t n;
    if (l0 < 0x80) {
        n = l0;
    } else {
        size_t k = l0 & 0x7f;
        /* 0x80 is the indefinite form (BER only); more than 3 octets exceeds DER_MAX_LEN. */
        CTLS_ENSURE(k >= 1 && k <= 3, CTLS_ERR_DECODE);
        n = 0;
        for (size_t i = 0; i < k; i++) {
            uint8_t b;
            CTLS_GUARD(rd_u8(r, &b));
            /* X.690 10.1: the minimum number of octets, no leading zero */
            CTLS_ENSURE(i > 0 || b != 0, CTLS_ERR_DECODE);
            n = (n << 8) | b;
        }
        CTLS_ENSURE(n >= 0x80, CTLS_ERR_DECODE); /* would have fit the short form */
    }
    CTLS_ENSURE(n <= DER_MAX_LEN && n <= rd_remaining(r), CTLS_ERR_DECODE);
    *tag = t;
    *len = n;
    return 0;
}

int der_any(der_rd *d, uint8_t *tag, ctls_slice *content, ctls_slice *whole)
{
    const uint8_t *start = rd_cursor(&d->r);
    size_t off0 = rd_offset(&d->r);
    uint8_t t;
    size_t n;
    int rc = der_header(&d->r, &t, &n);
    if (rc < 0) {
        d->r.err = CTLS_ERR_DECODE;
        return CTLS_ERR_DECODE;
    }
    const uint8_t *body;
    CTLS_GUARD(rd_bytes(&d->r, n, &body));
    if (tag) *tag = t;
    if (content) {
        content->p = body;
        content->len = n;
    }
    if (whole) {
        whole->p = start;
        whole->len = rd_offset(&d->r) - off0;
    }
    return 0;
}

int der_get(der_rd *d, uint8_t tag, ctls_slice *content, ctls_slice *whole)
{
    uint8_t t;
    CTLS_ENSURE(der_peek(d) == tag, CTLS_ERR_DECODE);
    return der_any(d, &t, content, whole);
}

int der_enter(der_rd *d, uint8_t tag, der_rd *sub)
{
    ctls_slice c;
    CTLS_ENSURE((tag & 0x20) != 0, CTLS_ERR_DECODE);
    CTLS_ENSURE(d->depth < DER_MAX_DEPTH, CTLS_ERR_DECODE);
    CTLS_GUARD(der_get(d, tag, &c, NULL));
    rd_init(&sub->r, c.p, c.len);
    sub->depth = d->depth + 1;
    return 0;
}

int der_opt(der_rd *d, uint8_t tag, ctls_slice *content, int *present)
{
    *present = 0;
    if (der_peek(d) != tag) return 0;
    *present = 1;
    return der_get(d, tag, content, NULL);
}

int der_done(const der_rd *d)
{
    return rd_expect_empty(&d->r);
}

int der_bool(der_rd *d, int *v)
{
    ctls_slice c;
    CTLS_GUARD(der_get(d, DER_BOOLEAN, &c, NULL));
    /* X.690 11.1: TRUE is encoded as 0xff */
    CTLS_ENSURE(c.len == 1 && (c.p[0] == 0x00 || c.p[0] == 0xff), CTLS_ERR_DECODE);
    *v = c.p[0] != 0;
    return 0;
}

int der_integer(der_rd *d, ctls_slice *v)
{
    CTLS_GUARD(der_get(d, DER_INTEGER, v, NULL));
    CTLS_ENSURE(v->len >= 1, CTLS_ERR_DECODE);
    /* X.690 8.3.2: the first nine bits are never all zeros or all ones */
    if (v->len >= 2) {
        CTLS_ENSURE(!(v->p[0] == 0x00 && (v->p[1] & 0x80) == 0), CTLS_ERR_DECODE);
        CTLS_ENSURE(!(v->p[0] == 0xff && (v->p[1] & 0x80) != 0), CTLS_ERR_DECODE);
    }
    return 0;
}

int der_small_uint(der_rd *d, int64_t *v)
{
    ctls_slice c;
    CTLS_GUARD(der_integer(d, &c));
    CTLS_ENSURE((c.p[0] & 0x80) == 0 && c.len <= 8, CTLS_ERR_DECODE);
    uint64_t x = 0;
    for (size_t i = 0; i < c.len; i++)
        x = (x << 8) | c.p[i];
    *v = (int64_t)x;
    return 0;
}

int der_oid(der_rd *d, ctls_slice *oid)
{
    CTLS_GUARD(der_get(d, DER_OID, oid, NULL));
    CTLS_ENSURE(oid->len >= 1, CTLS_ERR_DECODE);
    /* X.690 8.19.2: sub-identifiers use the fewest octets (no leading 0x80) */
    int start = 1;
    for (size_t i = 0; i < oid->len; i++) {
        if (start) CTLS_ENSURE(oid->p[i] != 0x80, CTLS_ERR_DECODE);
        start = (oid->p[i] & 0x80) == 0;
    }
    CTLS_ENSURE(start, CTLS_ERR_DECODE);
    return 0;
}

int der_bits(der_rd *d, ctls_slice *bits, unsigned *unused)
{
    ctls_slice c;
    CTLS_GUARD(der_get(d, DER_BIT_STRING, &c, NULL));
    CTLS_ENSURE(c.len >= 1 && c.p[0] <= 7, CTLS_ERR_DECODE);
    unsigned u = c.p[0];
    CTLS_ENSURE(c.len > 1 || u == 0, CTLS_ERR_DECODE);
    /* X.690 11.2.1: unused bits are zero */
    if (u) CTLS_ENSURE((c.p[c.len - 1] & ((1u << u) - 1)) == 0, CTLS_ERR_DECODE);
    bits->p = c.p + 1;
    bits->len = c.len - 1;
    *unused = u;
    return 0;
}

int der_null(der_rd *d)
{
    ctls_slice c;
    CTLS_GUARD(der_get(d, DER_NULL, &c, NULL));
    CTLS_ENSURE(c.len == 0, CTLS_ERR_DECODE);
    return 0;
}

static int der_check_level(der_rd *d, unsigned max_depth)
{
    while (!der_empty(d)) {
        uint8_t t;
        ctls_slice c;
        CTLS_GUARD(der_any(d, &t, &c, NULL));
        if (t & 0x20) {
            CTLS_ENSURE(d->depth + 1 < max_depth, CTLS_ERR_DECODE);
            der_rd sub;
            rd_init(&sub.r, c.p, c.len);
            sub.depth = d->depth + 1;
            CTLS_GUARD(der_check_level(&sub, max_depth));
        }
    }
    return der_done(d);
}

int der_check_tree(const uint8_t *p, size_t len, unsigned max_depth)
{
    der_rd d;
    der_init(&d, p, len);
    uint8_t t;
    ctls_slice c;
    CTLS_GUARD(der_any(&d, &t, &c, NULL));
    CTLS_GUARD(der_done(&d));
    if (t & 0x20) {
        der_rd sub;
        rd_init(&sub.r, c.p, c.len);
        sub.depth = 1;
        CTLS_ENSURE(max_depth > 1, CTLS_ERR_DECODE);
        CTLS_GUARD(der_check_level(&sub, max_depth));
    }
    return 0;
}
