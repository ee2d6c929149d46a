/* supported_versions (RFC 8446 4.2.1): ClientHello: ProtocolVersion versions<2..254>;
 * ServerHello and HelloRetryRequest: one ProtocolVersion selected_version. */
#include "ext/ext.h"

int ext_supported_versions_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx != EXT_IN_CH) return rd_u16(r, &((msg_server_hello *)m)->selected_version);
    ctls_slice s;
    CTLS_GUARD(rd_vec8_slice(r, 2, 254, &s));
    CTLS_GUARD(ext_check_u16_list(s));
    ((msg_client_hello *)m)->supported_versions = s;
    return 0;
}

int ext_supported_versions_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx != EXT_IN_CH) return wr_u16(w, ((const msg_server_hello *)m)->selected_version);
    ctls_slice s = ((const msg_client_hello *)m)->supported_versions;
    if (ext_check_u16_list(s) < 0 || s.len > 254) return CTLS_ERR_INVALID_ARG;
    return wr_vec8(w, s.p, s.len);
}
