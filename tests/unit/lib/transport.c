#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define SLICE_MS 20 /* how long the driver waits before calling again */

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;
static char label[160];

const char *tt_kind_name(int kind)
{
    static const char *names[] = {"memory", "fd-blocking", "fd-nonblock", "callbacks"};
    return kind >= 0 && kind < TT_KINDS ? names[kind] : "?";
}

void tt_set_label(const char *l)
{
    pthread_mutex_lock(&check_lock);
    snprintf(label, sizeof label, "%s", l ? l : "");
    pthread_mutex_unlock(&check_lock);
}

void tt_check_fail(const char *file, int line, const char *what, long long a, long long b)
{
    pthread_mutex_lock(&check_lock);
    th_failed_checks++;
    if (a != b)
        fprintf(stderr, "%s:%d: %s [%s]: CHECK_EQ failed: %s (%lld vs %lld)\n", file, line,
                th_current, label, what, a, b);
    else
        fprintf(stderr, "%s:%d: %s [%s]: CHECK failed: %s\n", file, line, th_current, label, what);
    pthread_mutex_unlock(&check_lock);
}

long long tt_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tt_socketpair(int sv[2])
{
    return socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
}

static int set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -1;
    return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* ---- callbacks ---- */

static ssize_t cb_push(void *ctx, const void *buf, size_t len)
{
    tt_end *e = ctx;
    e->pushes++;
    if (e->eintr_pushes > 0) {
        e->eintr_pushes--;
        errno = EINTR;
        return -1;
    }
    if (e->alternate_eagain && (e->flip_push ^= 1)) {
        errno = EAGAIN;
        return -1;
    }
    if (e->push_budget == 0) {
        errno = EAGAIN;
        return -1;
    }
    size_t n = len;
    if (e->chunk && n > e->chunk) n = e->chunk;
    if (e->push_budget > 0 && n > (size_t)e->push_budget) n = (size_t)e->push_budget;
    ssize_t w = send(e->fd, buf, n, MSG_NOSIGNAL);
    if (w > 0) {
        e->moved += (unsigned long long)w;
        if (e->push_budget > 0) e->push_budget -= w;
    }
    return w;
}

static ssize_t cb_pull(void *ctx, void *buf, size_t len)
{
    tt_end *e = ctx;
    e->pulls++;
    if (e->eintr_pulls > 0) {
        e->eintr_pulls--;
        errno = EINTR;
        return -1;
    }
    if (e->alternate_eagain && (e->flip_pull ^= 1)) {
        errno = EAGAIN;
        return -1;
    }
    size_t n = len;
    if (e->chunk && n > e->chunk) n = e->chunk;
    return recv(e->fd, buf, n, 0);
}

static int cb_pull_timeout(void *ctx, unsigned ms)
{
    tt_end *e = ctx;
    struct pollfd p = {.fd = e->fd, .events = POLLIN};
    int r = poll(&p, 1, e->nb_pull_timeout ? 0 : (int)ms);
    if (r == 0 && e->nb_pull_timeout) {
        errno = EAGAIN; /* a non-blocking application: "not yet", ctls keeps the deadline */
        return -1;
    }
    return r > 0 ? 1 : r;
}

int tt_attach(tt_end *e, int kind, ctls_conn *conn, int fd)
{
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->fd = fd;
    e->conn = conn;
    e->push_budget = -1;
    e->limit_ms = 10000;
    e->expect_hs_state = 1;
    int blocking = kind == TT_FD_BLOCKING;
    if (set_nonblock(fd, !blocking) != 0) return -1;
    if (blocking) {
        struct timeval tv = {.tv_sec = 10};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    switch (kind) {
    case TT_MEMORY:
        return 0;
    case TT_FD_BLOCKING:
    case TT_FD_NONBLOCK:
        return ctls_conn_set_fd(conn, fd);
    case TT_CALLBACKS:
        return ctls_conn_set_transport(conn, cb_push, cb_pull, cb_pull_timeout, e);
    default:
        return -1;
    }
}

void tt_close(tt_end *e, int how_wr)
{
    if (e->fd < 0) return;
    if (how_wr) {
        shutdown(e->fd, SHUT_WR);
        return;
    }
    close(e->fd);
    e->fd = -1;
}

/* ---- memory transport: the application moves the bytes ---- */

/* Move what the peer sent into ctls's input buffer (as far as it takes it), without waiting
 * and without running the connection. */
static void mem_take_input(tt_end *e)
{
    for (int i = 0; i < 1 << 16; i++) {
        if (e->pend_len == 0 && !e->pend_eof) {
            ssize_t r = recv(e->fd, e->pend, sizeof e->pend, MSG_DONTWAIT);
            if (r == 0) e->pend_eof = 1;
            if (r <= 0) return;
            e->pend_off = 0;
            e->pend_len = (size_t)r;
        }
        size_t used = 0;
        if (e->pend_len == 0 ||
            ctls_conn_feed(e->conn, e->pend + e->pend_off, e->pend_len, &used) != 0 || used == 0)
            return; /* ctls's input is full: the rest waits in pend */
        e->pend_off += used;
        e->pend_len -= used;
    }
}

void tt_flush(tt_end *e)
{
    if (e->kind != TT_MEMORY || e->fd < 0) return;
    long long deadline = tt_now_ms() + e->limit_ms;
    const void *p;
    size_t n;
    while ((n = ctls_conn_output(e->conn, &p)) > 0) {
        if (e->chunk && n > e->chunk) n = e->chunk;
        ssize_t w = send(e->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            ctls_conn_consume_output(e->conn, (size_t)w);
            e->moved += (unsigned long long)w;
            continue;
        }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) &&
            tt_now_ms() < deadline) {
            /* Like a real application, keep taking the peer's bytes while ours cannot leave:
             * two ends that both only write would wait for each other (a TLS 1.3 server's
             * tickets and the client's first data cross on the wire; with 1-byte sends a
             * socket fills after a few hundred bytes). */
            mem_take_input(e);
            struct pollfd pf = {.fd = e->fd, .events = POLLOUT};
            poll(&pf, 1, SLICE_MS);
            continue;
        }
        /* the peer is gone: what is left can never be delivered */
        ctls_conn_consume_output(e->conn, ctls_conn_output(e->conn, &p));
        return;
    }
}

static void mem_feed(tt_end *e, int ms)
{
    if (e->pend_len == 0 && !e->pend_eof && e->fd >= 0) {
        struct pollfd pf = {.fd = e->fd, .events = POLLIN};
        if (poll(&pf, 1, ms) > 0) {
            size_t want = sizeof e->pend;
            ssize_t r = recv(e->fd, e->pend, want, 0);
            if (r == 0) e->pend_eof = 1;
            if (r > 0) {
                e->pend_off = 0;
                e->pend_len = (size_t)r;
            }
        }
    }
    if (e->pend_len) {
        size_t n = e->pend_len, used = 0;
        if (e->chunk && n > e->chunk) n = e->chunk;
        if (ctls_conn_feed(e->conn, e->pend + e->pend_off, n, &used) == 0) {
            e->pend_off += used;
            e->pend_len -= used;
        }
    } else if (e->pend_eof && !e->eof_fed) {
        e->eof_fed = 1;
        ctls_conn_feed_eof(e->conn);
    }
}

void tt_service(tt_end *e, long rc, int ms)
{
    if (rc == CTLS_INTERRUPTED) return;
    if (e->kind == TT_MEMORY) {
        tt_flush(e);
        if (rc == CTLS_WANT_READ) mem_feed(e, ms);
        return;
    }
    if (e->fd < 0) return;
    struct pollfd pf = {.fd = e->fd, .events = rc == CTLS_WANT_WRITE ? POLLOUT : POLLIN};
    if (e->kind == TT_CALLBACKS && (e->alternate_eagain || e->push_budget == 0) &&
        rc == CTLS_WANT_WRITE && e->push_budget != 0)
        return; /* simulated EAGAIN: the socket is ready, call again at once */
    if (e->kind == TT_CALLBACKS && e->alternate_eagain && rc == CTLS_WANT_READ) ms = ms ? 1 : 0;
    poll(&pf, 1, ms);
}

static long one_op(tt_end *e, int op, void *buf, size_t len)
{
    switch (op) {
    case TT_HANDSHAKE:
        return ctls_handshake(e->conn);
    case TT_READ:
        return (long)ctls_read(e->conn, buf, len);
    case TT_WRITE:
        return (long)ctls_write(e->conn, buf, len);
    case TT_SHUTDOWN:
        return ctls_shutdown(e->conn);
    default:
        return CTLS_ERR_INVALID_ARG;
    }
}

long tt_call(tt_end *e, int op, void *buf, size_t len)
{
    long long deadline = tt_now_ms() + e->limit_ms;
    for (;;) {
        long rc = one_op(e, op, buf, len);
        if (e->kind == TT_MEMORY) tt_flush(e);
        if (rc != CTLS_WANT_READ && rc != CTLS_WANT_WRITE && rc != CTLS_INTERRUPTED) return rc;
        if (rc == CTLS_INTERRUPTED) {
            e->interrupted++;
        } else {
            if (rc == CTLS_WANT_READ) e->want_read++;
            if (rc == CTLS_WANT_WRITE) e->want_write++;
            if (ctls_direction(e->conn) != rc) e->dir_mismatch++;
        }
        if (op == TT_HANDSHAKE && e->expect_hs_state && ctls_state(e->conn) != CTLS_STATE_HANDSHAKE)
            e->state_mismatch++;
        if (tt_now_ms() > deadline) return TT_STUCK;
        tt_service(e, rc, SLICE_MS);
    }
}

long tt_write_all(tt_end *e, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    size_t done = 0;
    while (done < len) {
        long w = tt_call(e, TT_WRITE, (void *)(p + done), len - done);
        if (w <= 0) return w;
        if ((size_t)w > len - done) return CTLS_ERR_INTERNAL; /* accepted more than offered */
        done += (size_t)w;
    }
    if (e->kind == TT_MEMORY) tt_flush(e);
    /* accepted bytes may still sit in ctls's buffer: push them out (a zero-length write
     * flushes; fd and callback transports flush inside ctls_write) */
    while (e->kind != TT_MEMORY) {
        long w = ctls_write(e->conn, NULL, 0);
        if (w == 0) break;
        if (w != CTLS_WANT_WRITE && w != CTLS_INTERRUPTED) return w;
        tt_service(e, w, SLICE_MS);
    }
    return (long)len;
}

long tt_read_exact(tt_end *e, void *buf, size_t n, size_t max, unsigned *short_reads)
{
    unsigned char *p = buf;
    size_t got = 0;
    unsigned shorts = 0;
    while (got < n) {
        size_t ask = n - got < max ? n - got : max;
        long r = tt_call(e, TT_READ, p + got, ask);
        if (r <= 0) return r;
        if ((size_t)r > ask) return CTLS_ERR_INTERNAL;
        if ((size_t)r < ask) shorts++;
        got += (size_t)r;
    }
    if (short_reads) *short_reads = shorts;
    return (long)n;
}

static void *thread_main(void *arg)
{
    tt_thread *t = arg;
    t->fn(t->arg);
    return NULL;
}

int tt_spawn(tt_thread *t, void (*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    return pthread_create(&t->th, NULL, thread_main, t);
}

void tt_join(tt_thread *t)
{
    pthread_join(t->th, NULL);
}
