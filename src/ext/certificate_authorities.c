/* certificate_authorities (RFC 8446 4.2.4):
 * DistinguishedName authorities<3..2^16-1>, DistinguishedName opaque<1..2^16-1>. */
#include "ext/ext.h"

static int check_dns(ctls_slice s)
{
    ctls_reader r;
    rd_init(&r, s.p, s.len);
    if (s.len < 3) return CTLS_ERR_DECODE;
    while (rd_remaining(&r) > 0) {
        ctls_slice dn;
        CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &dn));
    }
    return rd_expect_empty(&r);
}

static ctls_slice *field(unsigned ctx, void *m)
{
    return ctx == EXT_IN_CH ? &((msg_client_hello *)m)->certificate_authorities
                            : &((msg_certificate_request *)m)->certificate_authorities;
}

int ext_certificate_authorities_decode(unsigned ctx, void *m, ctls_reader *r)
{
    ctls_slice s;
    CTLS_GUARD(rd_vec16_slice(r, 3, 0xffff, &s));
    CTLS_GUARD(check_dns(s));
    *field(ctx, m) = s;
    return 0;
}

int ext_certificate_authorities_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    ctls_slice s = *field(ctx, (void *)(uintptr_t)m); /* read only */
    if (check_dns(s) < 0) return CTLS_ERR_INVALID_ARG;
    return wr_vec16(w, s.p, s.len);
}
