/* SessionTicket (RFC 5077 3.2): the ClientHello carries a ticket (possibly empty); the
 * server's extension is empty. */
#include "ext/ext.h"

int ext_session_ticket_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx != EXT_IN_CH)
        return ext_empty_decode(r); /* RFC 5077 3.2: "empty SessionTicket extension" */
    return rd_rest(r, &((msg_client_hello *)m)->session_ticket);
}

int ext_session_ticket_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx != EXT_IN_CH) return 0;
    ctls_slice t = ((const msg_client_hello *)m)->session_ticket;
    return wr_bytes(w, t.p, t.len);
}
