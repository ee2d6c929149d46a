/* KeyUpdate (RFC 8446 4.6.3): enum { update_not_requested(0), update_requested(1) }.
 * "If an implementation receives any other value ... it MUST terminate the connection with an
 * illegal_parameter alert." */
#include "msg/internal.h"

int msg_key_update_decode(const uint8_t *body, size_t len, msg_key_update *m)
{
    ctls_reader r;
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u8(&r, &m->request_update));
    CTLS_GUARD(rd_expect_empty(&r));
    if (m->request_update > 1) return CTLS_ERR_ILLEGAL_PARAMETER;
    return 0;
}

int msg_key_update_encode(const msg_key_update *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_KEY_UPDATE, &mark);
    if (rc == 0 && m->request_update > 1) rc = CTLS_ERR_INVALID_ARG;
    if (rc == 0) rc = wr_u8(w, m->request_update);
    return msg_end(w, &mark, rc);
}
