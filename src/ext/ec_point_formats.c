/* ec_point_formats (RFC 8422 5.1.2): ECPointFormat ec_point_format_list<1..2^8-1>. Whether
 * "uncompressed" is in it is the state machine's question (RFC 8422 5.1). */
#include "ext/ext.h"

int ext_ec_point_formats_decode(unsigned ctx, void *m, ctls_reader *r)
{
    ctls_slice s;
    CTLS_GUARD(rd_vec8_slice(r, 1, 255, &s));
    if (ctx == EXT_IN_CH)
        ((msg_client_hello *)m)->ec_point_formats = s;
    else
        ((msg_server_hello *)m)->ec_point_formats = s;
    return 0;
}

int ext_ec_point_formats_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    ctls_slice s = ctx == EXT_IN_CH ? ((const msg_client_hello *)m)->ec_point_formats
                                    : ((const msg_server_hello *)m)->ec_point_formats;
    if (s.len < 1 || s.len > 255) return CTLS_ERR_INVALID_ARG;
    return wr_vec8(w, s.p, s.len);
}
