/* renegotiation_info (RFC 5746 3.2): opaque renegotiated_connection<0..255>. */
#include "ext/ext.h"

static ctls_slice *field(unsigned ctx, void *m)
{
    return ctx == EXT_IN_CH ? &((msg_client_hello *)m)->renegotiation_info
                            : &((msg_server_hello *)m)->renegotiation_info;
}

int ext_renegotiation_info_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return rd_vec8_slice(r, 0, 255, field(ctx, m));
}

int ext_renegotiation_info_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    ctls_slice s = *field(ctx, (void *)(uintptr_t)m); /* read only */
    if (s.len > 255) return CTLS_ERR_INVALID_ARG;
    return wr_vec8(w, s.p, s.len);
}
