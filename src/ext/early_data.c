/* early_data (RFC 8446 4.2.10): empty in ClientHello and EncryptedExtensions; in
 * NewSessionTicket, uint32 max_early_data_size. */
#include "ext/ext.h"

int ext_early_data_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx != EXT_IN_NST) return ext_empty_decode(r);
    return rd_u32(r, &((msg_new_session_ticket *)m)->max_early_data);
}

int ext_early_data_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx != EXT_IN_NST) return 0;
    return wr_u32(w, ((const msg_new_session_ticket *)m)->max_early_data);
}
