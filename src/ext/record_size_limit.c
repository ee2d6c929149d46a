/* record_size_limit (RFC 8449 4): uint16 RecordSizeLimit. "An endpoint MUST treat receipt of
 * a smaller value [than 64] as a fatal error and generate an illegal_parameter alert." */
#include "ext/ext.h"

#define RSL_MIN 64

static uint16_t *field(unsigned ctx, void *m)
{
    if (ctx == EXT_IN_CH) return &((msg_client_hello *)m)->record_size_limit;
    if (ctx == EXT_IN_EE) return &((msg_encrypted_extensions *)m)->record_size_limit;
    return &((msg_server_hello *)m)->record_size_limit;
}

int ext_record_size_limit_decode(unsigned ctx, void *m, ctls_reader *r)
{
    uint16_t v;
    CTLS_GUARD(rd_u16(r, &v));
    CTLS_GUARD(rd_expect_empty(r));
    if (v < RSL_MIN) return CTLS_ERR_ILLEGAL_PARAMETER;
    *field(ctx, m) = v;
    return 0;
}

int ext_record_size_limit_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    uint16_t v = *field(ctx, (void *)(uintptr_t)m); /* read only */
    if (v < RSL_MIN) return CTLS_ERR_INVALID_ARG;
    return wr_u16(w, v);
}
