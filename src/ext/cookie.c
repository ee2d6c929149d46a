/* cookie (RFC 8446 4.2.2): opaque cookie<1..2^16-1>, in HelloRetryRequest and echoed in the
 * second ClientHello. */
#include "ext/ext.h"

static ctls_slice *field(unsigned ctx, void *m)
{
    return ctx == EXT_IN_CH ? &((msg_client_hello *)m)->cookie : &((msg_server_hello *)m)->cookie;
}

int ext_cookie_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return rd_vec16_slice(r, 1, 0xffff, field(ctx, m));
}

int ext_cookie_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    ctls_slice s = *field(ctx, (void *)(uintptr_t)m); /* read only */
    if (s.len < 1 || s.len > 0xffff) return CTLS_ERR_INVALID_ARG;
    return wr_vec16(w, s.p, s.len);
}
