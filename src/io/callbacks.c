/* Push / pull / pull-timeout callback transport (like gnutls_transport_set_push_function). */
#include <errno.h>

#include "io/io.h"

int ctls_conn_set_transport(ctls_conn *c, ctls_push_fn push, ctls_pull_fn pull,
                            ctls_pull_timeout_fn pull_timeout, void *ctx)
{
    if (!c || !push || !pull) return CTLS_ERR_INVALID_ARG;
    if (c->state != CTLS_STATE_IDLE) return CTLS_ERR_BAD_STATE;
    c->transport = TRANSPORT_CALLBACKS;
    c->push = push;
    c->pull = pull;
    c->pull_timeout = pull_timeout;
    c->io_ctx = ctx;
    return 0;
}

static int errno_status(int want)
{
    if (errno == EAGAIN || errno == EWOULDBLOCK) return want;
    if (errno == EINTR) return CTLS_INTERRUPTED;
    return CTLS_ERR_IO;
}

int cb_flush(ctls_conn *c)
{
    while (buf_size(&c->out)) {
        ssize_t n = c->push(c->io_ctx, buf_data(&c->out), buf_size(&c->out));
        if (n < 0) return errno_status(CTLS_WANT_WRITE);
        if (n == 0 || (size_t)n > buf_size(&c->out)) return CTLS_ERR_IO;
        buf_consume(&c->out, (size_t)n);
    }
    buf_trim(&c->out);
    return 0;
}

int cb_fill(ctls_conn *c)
{
    int left = io_time_left(c);
    if (left == 0) return CTLS_ERR_TIMEOUT;
    if (left > 0 && c->pull_timeout) {
        int r = c->pull_timeout(c->io_ctx, (unsigned)left);
        if (r == 0) return CTLS_ERR_TIMEOUT;
        if (r < 0) return errno_status(CTLS_WANT_READ);
    }
    size_t room = io_read_size(c);
    if (room == 0) return CTLS_ERR_INTERNAL;
    uint8_t *at;
    CTLS_GUARD(buf_reserve(&c->in, room, REC_IN_MAX, &at));
    ssize_t n = c->pull(c->io_ctx, at, room);
    if (n < 0) return errno_status(CTLS_WANT_READ);
    if ((size_t)n > room) return CTLS_ERR_IO;
    if (n == 0) c->eof = 1;
    buf_commit(&c->in, (size_t)n);
    return 0;
}
