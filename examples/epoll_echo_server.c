/* epoll_echo_server.c — a non-blocking TLS echo server for many clients at once (Linux epoll).
 *
 * Usage: epoll_echo_server --cert CHAIN.pem --key KEY.pem [--port N] [--max-conns N]
 *   --port 0 (the default) picks a free port; "listening on 127.0.0.1:PORT" is printed on
 *   stderr. --max-conns N exits after N connections have ended (for tests).
 *
 * How ctls fits an event loop:
 *   - Every socket is O_NONBLOCK and handed to ctls with ctls_conn_set_fd.
 *   - Any ctls call may return CTLS_WANT_READ or CTLS_WANT_WRITE: "nothing more can happen until
 *     the socket is readable / writable". We then ask epoll for exactly that event and call
 *     the same step again when it fires. Nothing else needs remembering: ctls resumes where it
 *     stopped, and ctls_write has no "retry with the same buffer" rule (a return of n > 0 means
 *     n bytes are ctls's to deliver; CTLS_WANT_WRITE means none were taken).
 *   - ctls_read returns everything it has decrypted before reporting CTLS_WANT_READ, so reading
 *     until CTLS_WANT_READ never leaves data stranded inside ctls while epoll sleeps.
 *   - One ctls_config serves every connection (it is shared and read-only).
 */
#include <ctls/ctls.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum phase { HANDSHAKE, ECHO, CLOSING };

struct client {
    int fd;
    ctls_conn *conn;
    enum phase phase;
    unsigned char buf[16384]; /* data read, waiting to be written back */
    size_t len, off;
    uint32_t events; /* what epoll currently watches for this client */
};

/* Every live client by file descriptor, so that none is leaked at exit. */
#define MAX_FD 4096
static struct client *clients[MAX_FD];

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int set_nonblock(int fd)
{
    return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Watch the client's socket for what ctls asked for. */
static void want(int ep, struct client *c, int ctls_want)
{
    uint32_t ev = ctls_want == CTLS_WANT_WRITE ? EPOLLOUT : EPOLLIN;
    if (ev != c->events) {
        struct epoll_event e = {.events = ev, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &e);
        c->events = ev;
    }
}

static void drop(int ep, struct client *c, const char *why)
{
    if (why) fprintf(stderr, "connection %d: %s\n", c->fd, why);
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    clients[c->fd] = NULL;
    ctls_conn_free(c->conn); /* never writes: safe even on a broken connection */
    close(c->fd);
    free(c);
}

/* Advances one client as far as it can go without blocking. Returns 1 when the client is
 * finished (and freed), 0 when it waits for epoll. */
static int step(int ep, struct client *c)
{
    for (;;) {
        if (c->phase == HANDSHAKE) {
            int rc = ctls_handshake(c->conn);
            if (rc == 0) {
                fprintf(stderr, "connection %d: %s %s\n", c->fd,
                        ctls_version(c->conn) == CTLS_TLS1_3 ? "TLSv1.3" : "TLSv1.2",
                        ctls_cipher_suite_name(c->conn));
                c->phase = ECHO;
                continue;
            }
            if (ctls_is_fatal(rc)) {
                drop(ep, c, ctls_strerror(rc));
                return 1;
            }
            want(ep, c, ctls_direction(c->conn));
            return 0;
        }

        if (c->phase == CLOSING) {
            /* The peer's close_notify was read; send ours. 1 = both done. */
            int rc = ctls_shutdown(c->conn);
            if (rc == CTLS_WANT_WRITE) {
                want(ep, c, rc);
                return 0;
            }
            drop(ep, c, rc < 0 ? ctls_strerror(rc) : NULL);
            return 1;
        }

        /* ECHO: first hand back what we hold, then read more. */
        if (c->off < c->len) {
            ssize_t n = ctls_write(c->conn, c->buf + c->off, c->len - c->off);
            if (n > 0) {
                c->off += (size_t)n;
                continue;
            }
            if (n == CTLS_WANT_WRITE || n == CTLS_WANT_READ) {
                want(ep, c, (int)n);
                return 0;
            }
            if (n == CTLS_INTERRUPTED) continue;
            drop(ep, c, ctls_strerror((int)n));
            return 1;
        }
        ssize_t n = ctls_read(c->conn, c->buf, sizeof c->buf);
        if (n > 0) {
            c->len = (size_t)n;
            c->off = 0;
            continue;
        }
        if (n == 0) { /* the client's close_notify */
            c->phase = CLOSING;
            continue;
        }
        if (n == CTLS_WANT_READ || n == CTLS_WANT_WRITE) {
            want(ep, c, (int)n);
            return 0;
        }
        if (n == CTLS_INTERRUPTED) continue;
        /* CTLS_ERR_TRUNCATED here means the client vanished without close_notify. */
        drop(ep, c, ctls_strerror((int)n));
        return 1;
    }
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL;
    int port = 0;
    long max_conns = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--cert") == 0)
            cert = argv[i + 1];
        else if (strcmp(argv[i], "--key") == 0)
            key = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-conns") == 0)
            max_conns = atol(argv[i + 1]);
    }
    if (!cert || !key) {
        fprintf(stderr, "usage: %s --cert CHAIN.pem --key KEY.pem [--port N] [--max-conns N]\n",
                argv[0]);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* One configuration for all connections. */
    ctls_config *cfg = ctls_config_new(CTLS_SERVER);
    int rc = cfg ? ctls_config_add_cert_chain_file(cfg, cert, key) : CTLS_ERR_NOMEM;
    if (rc < 0) {
        fprintf(stderr, "%s: %s\n", cert, ctls_strerror(rc));
        return 1;
    }

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sin;
    if (bind(lfd, (struct sockaddr *)&sin, sizeof sin) < 0 || listen(lfd, 64) < 0 ||
        getsockname(lfd, (struct sockaddr *)&sin, &sl) < 0) {
        perror("listen");
        return 1;
    }
    fprintf(stderr, "listening on 127.0.0.1:%d\n", ntohs(sin.sin_port));

    int ep = epoll_create1(0);
    struct epoll_event le = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL = the listener */
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &le);

    long ended = 0;
    while (!stop && (max_conns < 0 || ended < max_conns)) {
        struct epoll_event evs[64];
        int n = epoll_wait(ep, evs, 64, -1);
        if (n < 0 && errno == EINTR) continue;
        for (int i = 0; i < n; i++) {
            struct client *c = evs[i].data.ptr;
            if (c) {
                ended += step(ep, c);
                continue;
            }
            /* New connections: accept them all. */
            int fd;
            while ((fd = accept(lfd, NULL, NULL)) >= 0) {
                c = calloc(1, sizeof *c);
                if (fd >= MAX_FD || !c || set_nonblock(fd) < 0 || !(c->conn = ctls_conn_new(cfg)) ||
                    ctls_conn_set_fd(c->conn, fd) < 0) {
                    if (c && c->conn) ctls_conn_free(c->conn);
                    free(c);
                    close(fd);
                    continue;
                }
                c->fd = fd;
                clients[fd] = c;
                c->events = EPOLLIN;
                struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
                ended += step(ep, c); /* start the handshake right away */
            }
        }
    }
    /* Clients still connected at exit are dropped (a real server would send them close_notify
     * first). */
    for (int fd = 0; fd < MAX_FD; fd++)
        if (clients[fd]) drop(ep, clients[fd], "server stopping");
    close(ep);
    close(lfd);
    ctls_config_free(cfg);
    fprintf(stderr, "served %ld connection(s)\n", ended);
    return 0;
}
