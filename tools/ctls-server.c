/* ctls-server: a TLS server on the command line (see DESIGN.md section 4).
 *
 *   ctls-server [options] --cert FILE --key FILE
 *
 * With --echo or --www the server keeps serving, each connection on its own thread (a slow or
 * failed client does not stop the others), until --once, SIGINT or SIGTERM; with neither it
 * serves one connection on stdin/stdout like ctls-client.
 */
#include <ctls/ctls.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tool.h"

static void usage(FILE *f)
{
    fputs(
        "usage: ctls-server [options] --cert FILE --key FILE\n"
        "  --port N             port to listen on (default 4433; 0 = any free port)\n"
        "  --bind ADDR          address to listen on (default 127.0.0.1)\n"
        "  --echo               echo every byte back\n"
        "  --www                answer an HTTP GET with a page of the negotiated parameters\n"
        "  (neither)            one connection: stdin -> connection, connection -> stdout\n"
        "  --once               exit after the first connection\n"
        "  --cafile FILE        trust anchors for client certificates\n"
        "  --verify-client      ask for a client certificate (optional)\n"
        "  --require-client-cert  demand a client certificate\n"
        "  --late-client-auth   with --verify-client / --require-client-cert: ask only after\n"
        "                       the handshake, in a renegotiation (--renegotiate-now, or the\n"
        "                       client's with --renegotiate) or a post-handshake request (--pha)\n"
        "  --tls1.2 | --tls1.3  only that version (default: both)\n"
        "  --ciphers LIST       IANA suite names, ':'-separated\n"
        "  --groups LIST        e.g. x25519:secp256r1:secp384r1\n"
        "  --alpn LIST          ALPN protocols, ','-separated\n"
        "  --tickets N          TLS 1.3 session tickets sent after a handshake (default 2);\n"
        "                       TLS 1.2: one RFC 5077 ticket when N > 0\n"
        "  --ocsp FILE          a DER OCSP response for the --cert leaf, stapled when a\n"
        "                       client asks (status_request); kept as is, never refreshed\n"
        "  --ticket-key FILE    seal tickets with the key in FILE (32 to 128 bytes: raw, or\n"
        "                       as hex digits, white space ignored; e.g. from\n"
        "                       'openssl rand -hex 32'): servers given the same key (and\n"
        "                       the same rotation and lifetime) resume each other's\n"
        "                       tickets, across restarts too (default: a random key)\n"
        "  --ticket-rotation S  a new ticket key every S seconds (0 = never; default: the\n"
        "                       ticket lifetime); a ticket opens in its key's period and\n"
        "                       the next one\n"
        "  --ticket-lifetime S  ticket lifetime in seconds (1 to 604800; default 7200)\n"
        "  --session-cache N    keep up to N sessions in a server cache (default 0 = none):\n"
        "                       TLS 1.2 session IDs, single-use TLS 1.3 tickets\n"
        "  --max-early-data N   TLS 1.3: accept up to N bytes of early data (0-RTT) on\n"
        "                       single-use tickets (needs --session-cache); prints\n"
        "                       'early-data: N bytes' (or 'early-data: rejected') and\n"
        "                       handles the data as it does 1-RTT data (echo, stdout, or\n"
        "                       the start of the --www request)\n"
        "  --timeout MS         handshake timeout per connection (default 30000; 0 = none)\n"
        "  --quiet              no summary lines\n"
        "  --pha                TLS 1.3: ask for the client's certificate after the handshake\n"
        "                       (post-handshake authentication; the client must offer it),\n"
        "                       verified with --cafile; prints pha-verify / pha-peer-certs\n"
        "                       lines once the client answered (not with --www)\n"
        "  --key-update         (testing) send a KeyUpdate (update_requested) right after\n"
        "                       each handshake\n"
        "  --renegotiate        TLS 1.2: accept client-initiated renegotiation (RFC 5746;\n"
        "                       default: refused); prints 'renegotiations: N', 'verify:'\n"
        "                       and 'peer-certs:' lines after each\n"
        "  --renegotiate-now    (testing) TLS 1.2: also send a HelloRequest right after each\n"
        "                       handshake (not with --www)\n"
        "  --export LABEL:LEN[:CONTEXT]  print 'exported: <hex>' after each handshake: LEN\n"
        "                       bytes of keying material for LABEL (and CONTEXT, when given;\n"
        "                       RFC 5705 / RFC 8446 7.5), as the client computes them too\n"
        "  --keylog FILE        append every connection's secrets to FILE (SSLKEYLOGFILE\n"
        "                       format, for Wireshark; default: $SSLKEYLOGFILE when set).\n"
        "                       Whoever reads FILE can decrypt the traffic: debugging only\n"
        "Prints 'listening on ADDR:PORT' on stderr once listening. Exit 0 after a clean\n"
        "close (or SIGINT / SIGTERM), 1 on error.\n",
        f);
}

struct server_opts {
    struct tool_tls_opts tls;
    const char *port, *bind, *ocsp, *ticket_key;
    long ticket_rotation, ticket_lifetime; /* -1: not given */
    int echo, www, once, verify, late_auth, quiet, tickets;
    long session_cache, max_early_data;
    unsigned timeout_ms;
};

/* A whole decimal number in [0, max] for option opt; -1 (and a message) otherwise. */
static int number_option(const char *opt, const char *text, long max, long *out)
{
    char *end;
    long n = strtol(text, &end, 10);
    if (!*text || *end || n < 0 || n > max) {
        tool_errorf("bad %s value %s", opt, text);
        return -1;
    }
    *out = n;
    return 0;
}

static int parse_args(int argc, char **argv, struct server_opts *o)
{
    const char *tickets = NULL, *timeout = NULL, *cache = NULL, *early = NULL;
    const char *rotation = NULL, *lifetime = NULL;
    o->timeout_ms = 30000;
    o->port = "4433";
    o->bind = "127.0.0.1";
    o->tickets = -1;
    o->ticket_rotation = o->ticket_lifetime = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int shared = tool_tls_arg(&o->tls, argc, argv, &i); /* --export, --keylog */
        if (shared < 0) return 1;
        if (shared) continue;
#define ARG(name, dst)                                                                             \
    if (strcmp(a, name) == 0) {                                                                    \
        if (i + 1 >= argc) {                                                                       \
            tool_errorf("%s needs an argument", name);                                             \
            return 1;                                                                              \
        }                                                                                          \
        dst = argv[++i];                                                                           \
        continue;                                                                                  \
    }
        ARG("--cafile", o->tls.cafile)
        ARG("--cert", o->tls.cert)
        ARG("--key", o->tls.key)
        ARG("--ciphers", o->tls.ciphers)
        ARG("--groups", o->tls.groups)
        ARG("--alpn", o->tls.alpn)
        ARG("--port", o->port)
        ARG("--bind", o->bind)
        ARG("--ocsp", o->ocsp)
        ARG("--tickets", tickets)
        ARG("--session-cache", cache)
        ARG("--ticket-key", o->ticket_key)
        ARG("--ticket-rotation", rotation)
        ARG("--ticket-lifetime", lifetime)
        ARG("--timeout", timeout)
        ARG("--max-early-data", early)
#undef ARG
        if (strcmp(a, "--echo") == 0)
            o->echo = 1;
        else if (strcmp(a, "--www") == 0)
            o->www = 1;
        else if (strcmp(a, "--once") == 0)
            o->once = 1;
        else if (strcmp(a, "--verify-client") == 0)
            o->verify = CTLS_VERIFY_PEER;
        else if (strcmp(a, "--require-client-cert") == 0)
            o->verify = CTLS_VERIFY_REQUIRE_PEER;
        else if (strcmp(a, "--late-client-auth") == 0)
            o->late_auth = 1;
        else if (strcmp(a, "--tls1.2") == 0)
            o->tls.version = CTLS_TLS1_2;
        else if (strcmp(a, "--tls1.3") == 0)
            o->tls.version = CTLS_TLS1_3;
        else if (strcmp(a, "--quiet") == 0)
            o->quiet = 1;
        else if (tool_tls_flag(&o->tls, a))
            continue;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else {
            tool_errorf("unknown argument %s", a);
            usage(stderr);
            return 1;
        }
    }
    if (!o->tls.cert || !o->tls.key) {
        tool_errorf("--cert and --key are required");
        usage(stderr);
        return 1;
    }
    if (o->echo && o->www) {
        tool_errorf("--echo and --www exclude each other");
        return 1;
    }
    if (o->late_auth && !o->verify) {
        tool_errorf("--late-client-auth needs --verify-client or --require-client-cert");
        return 1;
    }
    long n;
    if (timeout) {
        if (number_option("--timeout", timeout, 86400000, &n) < 0) return 1;
        o->timeout_ms = (unsigned)n;
    }
    if (tickets) {
        if (number_option("--tickets", tickets, 255, &n) < 0) return 1;
        o->tickets = (int)n;
    }
    if (cache) {
        if (number_option("--session-cache", cache, 1048576, &n) < 0) return 1;
        o->session_cache = n;
    }
    if (early && number_option("--max-early-data", early, 1048576, &o->max_early_data) < 0)
        return 1;
    if (rotation && number_option("--ticket-rotation", rotation, 604800, &o->ticket_rotation) < 0)
        return 1;
    if (lifetime &&
        (number_option("--ticket-lifetime", lifetime, 604800, &o->ticket_lifetime) < 0 ||
         o->ticket_lifetime == 0)) {
        if (o->ticket_lifetime == 0) tool_errorf("bad --ticket-lifetime value %s", lifetime);
        return 1;
    }
    char *end;
    long p = strtol(o->port, &end, 10);
    if (*end || p < 0 || p > 65535) {
        tool_errorf("bad --port value %s", o->port);
        return 1;
    }
    return 0;
}

static int hex_digit(int ch)
{
    return ch >= '0' && ch <= '9'   ? ch - '0'
           : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
           : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                    : -1;
}

/* --ticket-key: the file as hex digits (white space ignored) when it is nothing else, else the
 * raw bytes; ctls_config_set_ticket_key judges the length. Every copy is wiped. */
static int apply_ticket_key(ctls_config *cfg, const char *path)
{
    size_t len, n = 0, digits = 0;
    unsigned char *f = tool_read_file(path, &len);
    if (!f) {
        tool_errorf("cannot read --ticket-key file %s", path);
        return CTLS_ERR_INVALID_ARG;
    }
    int hex = len > 0;
    for (size_t i = 0; i < len && hex; i++) {
        if (hex_digit(f[i]) >= 0)
            digits++;
        else if (!isspace(f[i]))
            hex = 0;
    }
    hex = hex && digits % 2 == 0;
    unsigned char key[CTLS_TICKET_KEY_MAX];
    int rc = CTLS_ERR_INVALID_ARG;
    if (hex && digits / 2 <= sizeof key) {
        for (size_t i = 0, half = 0; i < len; i++) {
            int d = hex_digit(f[i]);
            if (d < 0) continue;
            if (half++ % 2 == 0)
                key[n] = (unsigned char)(d << 4);
            else
                key[n++] |= (unsigned char)d;
        }
        rc = ctls_config_set_ticket_key(cfg, key, n);
    } else if (!hex) {
        rc = ctls_config_set_ticket_key(cfg, f, len);
    }
    if (rc < 0) tool_errorf("bad --ticket-key file %s (32 to 128 bytes, raw or hex)", path);
    explicit_bzero(key, sizeof key);
    explicit_bzero(f, len);
    free(f);
    return rc;
}

static const char *early_text(int status)
{
    return status == CTLS_EARLY_DATA_ACCEPTED   ? "accepted"
           : status == CTLS_EARLY_DATA_REJECTED ? "rejected"
                                                : "none";
}

/* --www: read the request head (up to the blank line; it may begin with the early data, the
 * usual 0-RTT request), answer with a plain-text page of the negotiated parameters, then
 * close. */
static int serve_www(ctls_conn *conn, int fd, const char *early, size_t early_len)
{
    char req[8192];
    size_t len = early_len < sizeof req ? early_len : sizeof req;
    if (len) memcpy(req, early, len);
    tool_set_nonblock(fd, 1);
    for (;;) {
        if (len >= 4 && memmem(req, len, "\r\n\r\n", 4)) break;
        if (len >= 2 && memmem(req, len, "\n\n", 2)) break;
        if (len == sizeof req) return CTLS_ERR_LIMIT;
        ssize_t n = ctls_read(conn, req + len, sizeof req - len);
        if (n > 0) {
            len += (size_t)n;
            continue;
        }
        if (n == 0) return 0; /* closed before asking anything */
        if (n == CTLS_INTERRUPTED && !tool_stop) continue;
        if (n != CTLS_WANT_READ && n != CTLS_WANT_WRITE) return (int)n;
        struct pollfd p = {.fd = fd, .events = n == CTLS_WANT_WRITE ? POLLOUT : POLLIN};
        int w = poll(&p, 1, 10000);
        if (tool_stop) return 0;
        if (w == 0) return CTLS_ERR_TIMEOUT;
    }
    if (len < 4 || memcmp(req, "GET ", 4) != 0) {
        static const char bad[] = "HTTP/1.0 405 Method Not Allowed\r\nConnection: close\r\n\r\n";
        int rc = tool_write_all(conn, fd, bad, sizeof bad - 1);
        return rc < 0 ? rc : tool_close(conn, fd, 1, -1);
    }
    char page[4096];
    int v = ctls_version(conn);
    const char *alpn = ctls_alpn_selected(conn), *group = ctls_group_name(conn);
    const char *sni = ctls_server_name(conn), *cipher = ctls_cipher_suite_name(conn);
    int body = snprintf(page, sizeof page,
                        "ctls-server %s\n"
                        "version: %s\n"
                        "cipher: %s\n"
                        "group: %s\n"
                        "alpn: %s\n"
                        "resumed: %s\n"
                        "verify: %s\n"
                        "peer-certs: %zu\n"
                        "sni: %s\n"
                        "early-data: %s\n",
                        ctls_version_string(),
                        v == CTLS_TLS1_3   ? "TLSv1.3"
                        : v == CTLS_TLS1_2 ? "TLSv1.2"
                                           : "unknown",
                        cipher ? cipher : "none", group ? group : "none", alpn ? alpn : "none",
                        ctls_session_resumed(conn) ? "yes" : "no",
                        tool_verify_text(ctls_verify_result(conn)), ctls_peer_cert_count(conn),
                        sni ? sni : "none", early_text(ctls_early_data_status(conn)));
    char head[256];
    int hl = snprintf(head, sizeof head,
                      "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                      "Connection: close\r\n\r\n",
                      body);
    int rc = tool_write_all(conn, fd, head, (size_t)hl);
    if (rc == 0) rc = tool_write_all(conn, fd, page, (size_t)body);
    if (rc < 0) return rc;
    /* Our close_notify, then the client's (a client that just drops the connection after
     * reading the page is not worth an error). */
    rc = tool_close(conn, fd, 1, -1);
    return rc == CTLS_ERR_TRUNCATED ? 0 : rc;
}

/* After a failure the client's unread bytes would make close() send a TCP reset, which can
 * destroy our alert before the client reads it: stop writing, and read what is left for a
 * moment (at most 64 KiB, 200 ms). */
static void drain_before_close(int fd)
{
    char sink[4096];
    size_t total = 0;
    shutdown(fd, SHUT_WR);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (total < 65536 && poll(&p, 1, 200) > 0) {
        ssize_t n = read(fd, sink, sizeof sink);
        if (n <= 0) break;
        total += (size_t)n;
    }
}

/* --max-early-data: the client's early data (at most max bytes, in *buf), read while the
 * handshake runs (RFC 8446 2.3); 0 or a fatal status. */
static int read_early(ctls_conn *conn, size_t max, char **buf, size_t *len)
{
    *len = 0;
    *buf = malloc(max ? max : 1);
    if (!*buf) return CTLS_ERR_NOMEM;
    for (;;) {
        ssize_t n = ctls_read_early_data(conn, *buf + *len, max - *len);
        if (n == CTLS_INTERRUPTED && !tool_stop) continue;
        if (n <= 0 || *len + (size_t)n == max) {
            if (n > 0) *len += (size_t)n;
            return n < 0 ? (int)n : 0;
        }
        *len += (size_t)n;
    }
}

/* Prints the early data line and hands the data on as 1-RTT data would be. */
static int deliver_early(ctls_conn *conn, int fd, const struct server_opts *o, const char *buf,
                         size_t len)
{
    int st = ctls_early_data_status(conn);
    if (st == CTLS_EARLY_DATA_NOT_SENT) return 0;
    if (st == CTLS_EARLY_DATA_ACCEPTED)
        fprintf(stderr, "early-data: %zu bytes\n", len);
    else
        fprintf(stderr, "early-data: rejected\n");
    fflush(stderr);
    if (!len || o->www) return 0;
    if (o->echo) return tool_write_all(conn, fd, buf, len);
    return tool_fd_write_all(STDOUT_FILENO, buf, len) < 0 ? CTLS_ERR_IO : 0;
}

static int serve_one(ctls_config *cfg, int fd, const struct server_opts *o)
{
    int rc;
    char *early = NULL;
    size_t early_len = 0;
    ctls_conn *conn = ctls_conn_new(cfg);
    if (!conn) return CTLS_ERR_NOMEM;
    /* --late-client-auth: the handshake asks for nothing, what follows it by --verify-client /
     * --require-client-cert */
    if ((rc = ctls_conn_set_fd(conn, fd)) < 0 ||
        (rc = ctls_conn_set_handshake_timeout(conn, o->timeout_ms)) < 0 ||
        (o->late_auth && (rc = ctls_conn_set_verify(conn, CTLS_VERIFY_NONE)) < 0))
        goto out;
    if (o->max_early_data &&
        (rc = read_early(conn, (size_t)o->max_early_data, &early, &early_len)) < 0)
        goto out;
    rc = tool_handshake(conn, fd);
    if (rc < 0) goto out;
    if (!o->quiet) tool_print_summary(conn);
    if ((rc = tool_print_export(conn, &o->tls)) < 0) goto out;
    if ((rc = deliver_early(conn, fd, o, early, early_len)) < 0) goto out;
    if (o->late_auth && (rc = ctls_conn_set_verify(conn, o->verify)) < 0) goto out;
    if (o->tls.key_update && (rc = tool_key_update(conn, fd)) < 0) goto out;
    if (o->tls.pha && (rc = tool_request_client_auth(conn)) < 0) goto out;
    if (o->tls.reneg_now && (rc = tool_renegotiate(conn)) < 0) goto out;
    if (o->www)
        rc = serve_www(conn, fd, early, early_len);
    else if (o->echo)
        rc = tool_pump(conn, fd, -1, -1, 1);
    else
        rc = tool_pump(conn, fd, STDIN_FILENO, STDOUT_FILENO, 0);
out:
    if (rc < 0 && !(tool_stop && rc == CTLS_INTERRUPTED)) tool_print_conn_error(conn, rc);
    free(early);
    ctls_conn_free(conn);
    if (rc < 0) drain_before_close(fd);
    return rc;
}

/* --echo / --www serve each connection on its own thread, so a slow or silent client (one that
 * sends half a ClientHello and stops) never blocks honest ones; the config is shared, as the
 * API allows. */
#define MAX_CONNECTIONS 256

static int active_connections;

struct worker {
    ctls_config *cfg;
    int fd;
    const struct server_opts *o;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    serve_one(w->cfg, w->fd, w->o);
    close(w->fd);
    free(w);
    __atomic_sub_fetch(&active_connections, 1, __ATOMIC_ACQ_REL);
    return NULL;
}

/* Start a worker with SIGINT/SIGTERM blocked, so the signals reach the accepting thread. */
static int spawn_worker(ctls_config *cfg, int fd, const struct server_opts *o)
{
    if (__atomic_load_n(&active_connections, __ATOMIC_ACQUIRE) >= MAX_CONNECTIONS) return -1;
    struct worker *w = malloc(sizeof *w);
    if (!w) return -1;
    w->cfg = cfg;
    w->fd = fd;
    w->o = o;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    __atomic_add_fetch(&active_connections, 1, __ATOMIC_ACQ_REL);
    int rc = pthread_create(&t, &attr, worker_main, w);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        __atomic_sub_fetch(&active_connections, 1, __ATOMIC_ACQ_REL);
        free(w);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct server_opts o;
    memset(&o, 0, sizeof o);
    if (parse_args(argc, argv, &o)) return 1;
    tool_install_signals();

    int rc;
    ctls_config *cfg = ctls_config_new(CTLS_SERVER);
    if (!cfg) {
        tool_print_error(CTLS_ERR_NOMEM);
        return 1;
    }
    if ((rc = tool_apply_tls_opts(cfg, &o.tls)) < 0 ||
        (o.verify && (rc = ctls_config_set_verify(cfg, o.verify)) < 0) ||
        (o.tickets >= 0 && (rc = ctls_config_set_session_tickets(cfg, o.tickets)) < 0) ||
        (o.ocsp && (rc = ctls_config_set_ocsp_response_file(cfg, 0, o.ocsp)) < 0) ||
        (o.session_cache &&
         (rc = ctls_config_set_session_cache(cfg, (size_t)o.session_cache)) < 0) ||
        (o.max_early_data &&
         (rc = ctls_config_set_max_early_data(cfg, (uint32_t)o.max_early_data)) < 0) ||
        (o.ticket_key && (rc = apply_ticket_key(cfg, o.ticket_key)) < 0) ||
        (o.ticket_lifetime >= 0 &&
         (rc = ctls_config_set_ticket_lifetime(cfg, (unsigned)o.ticket_lifetime)) < 0) ||
        (o.ticket_rotation >= 0 &&
         (rc = ctls_config_set_ticket_key_rotation(cfg, (unsigned)o.ticket_rotation)) < 0)) {
        tool_print_error(rc);
        ctls_config_free(cfg);
        return 1;
    }

    int port = 0;
    int lfd = tool_listen(o.bind, o.port, &port);
    if (lfd < 0) {
        ctls_config_free(cfg);
        return 1;
    }
    fprintf(stderr, "listening on %s:%d\n", o.bind, port);
    fflush(stderr);

    /* stdin/stdout mode serves one connection; --echo / --www serve until --once or a signal. */
    int once = o.once || (!o.echo && !o.www);
    int status = 0;
    while (!tool_stop) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            tool_errorf("accept: %s", strerror(errno));
            status = 1;
            break;
        }
        if (!once) {
            if (spawn_worker(cfg, fd, &o) < 0) {
                tool_errorf("too many connections: dropping one");
                close(fd);
            }
            continue;
        }
        rc = serve_one(cfg, fd, &o);
        close(fd);
        status = rc < 0 && !(tool_stop && rc == CTLS_INTERRUPTED) ? 1 : 0;
        break;
    }
    close(lfd);
    /* give running connections a moment to finish before the process exits */
    for (int i = 0; i < 100 && __atomic_load_n(&active_connections, __ATOMIC_ACQUIRE) > 0; i++)
        usleep(10000);
    if (__atomic_load_n(&active_connections, __ATOMIC_ACQUIRE) > 0) _exit(status);
    ctls_config_free(cfg);
    return status;
}
