/* Finished (RFC 8446 4.4.4; RFC 5246 7.4.9): opaque verify_data[Hash.length] (TLS 1.2: 12).
 * The codec takes the whole body; the state machine checks the length it expects. */
#include "msg/internal.h"

int msg_finished_decode(const uint8_t *body, size_t len, msg_finished *m)
{
    ctls_reader r;
    rd_init(&r, body, len);
    return rd_rest(&r, &m->verify_data);
}

int msg_finished_encode(const msg_finished *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_FINISHED, &mark);
    if (rc == 0 && m->verify_data.len == 0) rc = CTLS_ERR_INVALID_ARG;
    if (rc == 0) rc = wr_bytes(w, m->verify_data.p, m->verify_data.len);
    return msg_end(w, &mark, rc);
}
