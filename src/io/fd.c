/* File-descriptor transport: blocking or O_NONBLOCK sockets and pipes. EAGAIN becomes
 * CTLS_WANT_READ / CTLS_WANT_WRITE, EINTR becomes CTLS_INTERRUPTED; the handshake timeout is
 * enforced with poll() on a blocking descriptor and checked on each call on a non-blocking one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/io.h"

int ctls_conn_set_fd(ctls_conn *c, int fd)
{
    if (!c || fd < 0) return CTLS_ERR_INVALID_ARG;
    if (c->state != CTLS_STATE_IDLE) return CTLS_ERR_BAD_STATE;
    c->transport = TRANSPORT_FD;
    c->fd = fd;
    return 0;
}

int fd_flush(ctls_conn *c)
{
    while (buf_size(&c->out)) {
        /* MSG_NOSIGNAL: a closed peer must be an error, not a SIGPIPE; fall back to write()
         * for descriptors that are not sockets. */
        ssize_t n = send(c->fd, buf_data(&c->out), buf_size(&c->out), MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = write(c->fd, buf_data(&c->out), buf_size(&c->out));
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return CTLS_WANT_WRITE;
            if (errno == EINTR) return CTLS_INTERRUPTED;
            return CTLS_ERR_IO;
        }
        buf_consume(&c->out, (size_t)n);
    }
    buf_trim(&c->out);
    return 0;
}

/* An O_NONBLOCK descriptor must never wait in poll(): its application polls and calls again,
 * and the deadline is checked on each call. Asked on every read (the application may switch
 * the mode after ctls_conn_set_fd). */
static int fd_is_blocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl >= 0 && !(fl & O_NONBLOCK);
}

int fd_fill(ctls_conn *c)
{
    int left = io_time_left(c);
    if (left == 0) return CTLS_ERR_TIMEOUT;
    if (left > 0 && fd_is_blocking(c->fd)) {
        struct pollfd p = {.fd = c->fd, .events = POLLIN};
        int r = poll(&p, 1, left);
        if (r == 0) return CTLS_ERR_TIMEOUT;
        if (r < 0) return errno == EINTR ? CTLS_INTERRUPTED : CTLS_ERR_IO;
    }
    size_t room = io_read_size(c);
    if (room == 0) return CTLS_ERR_INTERNAL;
    uint8_t *at;
    CTLS_GUARD(buf_reserve(&c->in, room, REC_IN_MAX, &at));
    ssize_t n = read(c->fd, at, room);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return CTLS_WANT_READ;
        if (errno == EINTR) return CTLS_INTERRUPTED;
        return CTLS_ERR_IO;
    }
    if (n == 0) c->eof = 1;
    buf_commit(&c->in, (size_t)n);
    return 0;
}
