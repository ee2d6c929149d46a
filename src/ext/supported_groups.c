/* supported_groups (RFC 8446 4.2.7): NamedGroup named_group_list<2..2^16-1>. */
#include "ext/ext.h"

int ext_supported_groups_decode(unsigned ctx, void *m, ctls_reader *r)
{
    ctls_slice s;
    CTLS_GUARD(rd_vec16_slice(r, 2, 0xfffe, &s));
    CTLS_GUARD(ext_check_u16_list(s));
    if (ctx == EXT_IN_CH)
        ((msg_client_hello *)m)->supported_groups = s;
    else
        ((msg_encrypted_extensions *)m)->supported_groups = s;
    return 0;
}

int ext_supported_groups_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    ctls_slice s = ctx == EXT_IN_CH ? ((const msg_client_hello *)m)->supported_groups
                                    : ((const msg_encrypted_extensions *)m)->supported_groups;
    if (ext_check_u16_list(s) < 0) return CTLS_ERR_INVALID_ARG;
    return wr_vec16(w, s.p, s.len);
}
