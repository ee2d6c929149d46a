/* NewSessionTicket, TLS 1.3 (RFC 8446 4.6.1):
 *   uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
 *   opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>; */
#include <string.h>

#include "msg/internal.h"

int msg_new_session_ticket_decode(const uint8_t *body, size_t len, msg_new_session_ticket *m)
{
    ctls_reader r, exts;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u32(&r, &m->lifetime));
    CTLS_GUARD(rd_u32(&r, &m->age_add));
    CTLS_GUARD(rd_vec8_slice(&r, 0, 255, &m->nonce));
    CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &m->ticket));
    CTLS_GUARD(rd_vec16(&r, &exts));
    CTLS_GUARD(rd_expect_empty(&r));
    return ext_block_decode(EXT_IN_NST, &exts, m, &m->ext_present);
}

static int encode_body(const msg_new_session_ticket *m, ctls_writer *w)
{
    if (m->nonce.len > 255 || m->ticket.len < 1 || m->ticket.len > 0xffff)
        return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_u32(w, m->lifetime));
    CTLS_GUARD(wr_u32(w, m->age_add));
    CTLS_GUARD(wr_vec8(w, m->nonce.p, m->nonce.len));
    CTLS_GUARD(wr_vec16(w, m->ticket.p, m->ticket.len));
    return ext_block_encode(EXT_IN_NST, m, m->ext_present, NULL, w);
}

int msg_new_session_ticket_encode(const msg_new_session_ticket *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_NEW_SESSION_TICKET, &mark);
    if (rc == 0) rc = encode_body(m, w);
    return msg_end(w, &mark, rc);
}
