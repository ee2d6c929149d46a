/* Shared helpers for the ctls command-line tools. Public API only. */
#include "tool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t tool_stop = 0;

static void on_signal(int sig)
{
    (void)sig;
    tool_stop = 1;
}

void tool_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: poll()/read() return EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void tool_print_error(int rc)
{
    fprintf(stderr, "error: %s\n", ctls_strerror(rc));
}

static const char *alert_name(int a)
{
    switch (a) {
    case CTLS_ALERT_CLOSE_NOTIFY:
        return "close_notify";
    case CTLS_ALERT_UNEXPECTED_MESSAGE:
        return "unexpected_message";
    case CTLS_ALERT_BAD_RECORD_MAC:
        return "bad_record_mac";
    case CTLS_ALERT_RECORD_OVERFLOW:
        return "record_overflow";
    case CTLS_ALERT_HANDSHAKE_FAILURE:
        return "handshake_failure";
    case CTLS_ALERT_BAD_CERTIFICATE:
        return "bad_certificate";
    case CTLS_ALERT_UNSUPPORTED_CERTIFICATE:
        return "unsupported_certificate";
    case CTLS_ALERT_CERTIFICATE_REVOKED:
        return "certificate_revoked";
    case CTLS_ALERT_CERTIFICATE_EXPIRED:
        return "certificate_expired";
    case CTLS_ALERT_CERTIFICATE_UNKNOWN:
        return "certificate_unknown";
    case CTLS_ALERT_ILLEGAL_PARAMETER:
        return "illegal_parameter";
    case CTLS_ALERT_UNKNOWN_CA:
        return "unknown_ca";
    case CTLS_ALERT_ACCESS_DENIED:
        return "access_denied";
    case CTLS_ALERT_DECODE_ERROR:
        return "decode_error";
    case CTLS_ALERT_DECRYPT_ERROR:
        return "decrypt_error";
    case CTLS_ALERT_PROTOCOL_VERSION:
        return "protocol_version";
    case CTLS_ALERT_INSUFFICIENT_SECURITY:
        return "insufficient_security";
    case CTLS_ALERT_INTERNAL_ERROR:
        return "internal_error";
    case CTLS_ALERT_INAPPROPRIATE_FALLBACK:
        return "inappropriate_fallback";
    case CTLS_ALERT_USER_CANCELED:
        return "user_canceled";
    case CTLS_ALERT_NO_RENEGOTIATION:
        return "no_renegotiation";
    case CTLS_ALERT_MISSING_EXTENSION:
        return "missing_extension";
    case CTLS_ALERT_UNSUPPORTED_EXTENSION:
        return "unsupported_extension";
    case CTLS_ALERT_UNRECOGNIZED_NAME:
        return "unrecognized_name";
    case CTLS_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE:
        return "bad_certificate_status_response";
    case CTLS_ALERT_UNKNOWN_PSK_IDENTITY:
        return "unknown_psk_identity";
    case CTLS_ALERT_CERTIFICATE_REQUIRED:
        return "certificate_required";
    case CTLS_ALERT_NO_APPLICATION_PROTOCOL:
        return "no_application_protocol";
    default:
        return "unknown";
    }
}

void tool_print_conn_error(ctls_conn *conn, int rc)
{
    tool_print_error(rc);
    int a = conn && rc == CTLS_ERR_ALERT_RECEIVED ? ctls_alert_received(conn) : -1;
    if (a >= 0) fprintf(stderr, "alert: %s (%d)\n", alert_name(a), a);
}

void tool_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- summary ---------------------------------------------------------------------------- */

const char *tool_verify_text(unsigned flags)
{
    /* The most telling flag first. */
    static const struct {
        unsigned flag;
        int err;
    } map[] = {
        {CTLS_CERT_NO_CERTIFICATE, CTLS_ERR_CERT_NO_CERTIFICATE},
        {CTLS_CERT_MALFORMED, CTLS_ERR_CERT_MALFORMED},
        {CTLS_CERT_EXPIRED, CTLS_ERR_CERT_EXPIRED},
        {CTLS_CERT_NOT_YET_VALID, CTLS_ERR_CERT_NOT_YET_VALID},
        {CTLS_CERT_INVALID_CHAIN, CTLS_ERR_CERT_INVALID_CHAIN},
        {CTLS_CERT_UNKNOWN_ROOT, CTLS_ERR_CERT_UNKNOWN_ROOT},
        {CTLS_CERT_NO_ROOT, CTLS_ERR_CERT_NO_ROOT},
        {CTLS_CERT_HOSTNAME_MISMATCH, CTLS_ERR_CERT_HOSTNAME_MISMATCH},
        {CTLS_CERT_BAD_USAGE, CTLS_ERR_CERT_BAD_USAGE},
        {CTLS_CERT_NAME_CONSTRAINTS, CTLS_ERR_CERT_NAME_CONSTRAINTS},
        {CTLS_CERT_WEAK_ALGORITHM, CTLS_ERR_CERT_WEAK_ALGORITHM},
        {CTLS_CERT_UNSUPPORTED, CTLS_ERR_CERT_UNSUPPORTED},
        {CTLS_CERT_REJECTED, CTLS_ERR_CERT_REJECTED},
        {CTLS_CERT_PATH_LIMIT, CTLS_ERR_CERT_PATH_LIMIT},
    };
    if (flags == CTLS_VERIFY_OK) return "ok";
    if (flags & CTLS_CERT_NOT_VERIFIED) return "not verified";
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (flags & map[i].flag) return ctls_strerror(map[i].err);
    return "failed";
}

static const char *or_none(const char *s)
{
    return s && *s ? s : "none";
}

void tool_print_summary(ctls_conn *conn)
{
    int v = ctls_version(conn);
    fprintf(stderr, "version: %s\n",
            v == CTLS_TLS1_3   ? "TLSv1.3"
            : v == CTLS_TLS1_2 ? "TLSv1.2"
                               : "unknown");
    fprintf(stderr, "cipher: %s\n", or_none(ctls_cipher_suite_name(conn)));
    fprintf(stderr, "group: %s\n", or_none(ctls_group_name(conn)));
    fprintf(stderr, "alpn: %s\n", or_none(ctls_alpn_selected(conn)));
    fprintf(stderr, "resumed: %s\n", ctls_session_resumed(conn) ? "yes" : "no");
    fprintf(stderr, "verify: %s\n", tool_verify_text(ctls_verify_result(conn)));
    fprintf(stderr, "peer-certs: %zu\n", ctls_peer_cert_count(conn));
    fflush(stderr);
}

static void print_pem(FILE *f, const uint8_t *der, size_t len)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    fputs("-----BEGIN CERTIFICATE-----\n", f);
    size_t col = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t n = (uint32_t)der[i] << 16;
        if (i + 1 < len) n |= (uint32_t)der[i + 1] << 8;
        if (i + 2 < len) n |= der[i + 2];
        char out[4] = {b64[(n >> 18) & 63], b64[(n >> 12) & 63],
                       i + 1 < len ? b64[(n >> 6) & 63] : '=', i + 2 < len ? b64[n & 63] : '='};
        fwrite(out, 1, 4, f);
        col += 4;
        if (col == 64) {
            fputc('\n', f);
            col = 0;
        }
    }
    if (col) fputc('\n', f);
    fputs("-----END CERTIFICATE-----\n", f);
}

void tool_print_peer_certs(ctls_conn *conn)
{
    size_t n = ctls_peer_cert_count(conn);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *der;
        size_t len;
        if (ctls_peer_cert_der(conn, i, &der, &len) == 0) {
            fprintf(stderr, "peer certificate %zu:\n", i);
            print_pem(stderr, der, len);
        }
    }
    fflush(stderr);
}

/* ---- configuration ---------------------------------------------------------------------- */

/* The key log file, shared by every connection (ctls-server's run on several threads). */
static struct {
    FILE *f;
    pthread_mutex_t lock;
} keylog_file = {NULL, PTHREAD_MUTEX_INITIALIZER};

static void keylog_write(void *ctx, const ctls_conn *conn, const char *line)
{
    (void)ctx, (void)conn;
    pthread_mutex_lock(&keylog_file.lock);
    /* one whole line at a time, flushed: Wireshark may read the file while we run */
    fprintf(keylog_file.f, "%s\n", line);
    fflush(keylog_file.f);
    pthread_mutex_unlock(&keylog_file.lock);
}

/* --keylog FILE, else SSLKEYLOGFILE (the tools' opt-in; the library never reads the
 * environment). Appends, as NSS, OpenSSL and curl do; a new file gets mode 0600. */
static int open_keylog(ctls_config *cfg, const char *path)
{
    if (!path || !*path) return 0;
    if (!keylog_file.f) {
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        keylog_file.f = fd >= 0 ? fdopen(fd, "a") : NULL;
        if (!keylog_file.f) {
            tool_errorf("key log %s: %s", path, strerror(errno));
            if (fd >= 0) close(fd);
            return CTLS_ERR_FILE;
        }
        fprintf(stderr, "warning: key log: the TLS secrets are written to %s\n", path);
    }
    return ctls_config_set_keylog(cfg, keylog_write, NULL);
}

int tool_apply_tls_opts(ctls_config *cfg, const struct tool_tls_opts *o)
{
    int rc;
    if ((rc = open_keylog(cfg, o->keylog ? o->keylog : getenv("SSLKEYLOGFILE"))) < 0) return rc;
    if (o->version && (rc = ctls_config_set_versions(cfg, o->version, o->version)) < 0) return rc;
    if (o->ciphers && (rc = ctls_config_set_cipher_suites(cfg, o->ciphers)) < 0) return rc;
    if (o->groups && (rc = ctls_config_set_groups(cfg, o->groups)) < 0) return rc;
    if (o->alpn && (rc = ctls_config_set_alpn(cfg, o->alpn)) < 0) return rc;
    if (o->cafile && (rc = ctls_config_load_trust_file(cfg, o->cafile)) < 0) return rc;
    if (o->cert || o->key) {
        if (!o->cert || !o->key) return CTLS_ERR_INVALID_ARG;
        if ((rc = ctls_config_add_cert_chain_file(cfg, o->cert, o->key)) < 0) return rc;
    }
    if (o->reneg && (rc = ctls_config_set_renegotiation(cfg, 1)) < 0) return rc;
    return 0;
}

int tool_tls_flag(struct tool_tls_opts *o, const char *arg)
{
    if (strcmp(arg, "--key-update") == 0)
        o->key_update = 1;
    else if (strcmp(arg, "--pha") == 0)
        o->pha = 1;
    else if (strcmp(arg, "--renegotiate") == 0)
        o->reneg = 1;
    else if (strcmp(arg, "--renegotiate-now") == 0)
        o->reneg = o->reneg_now = 1;
    else
        return 0;
    return 1;
}

/* --export LABEL:LEN[:CONTEXT]: the label ends at the first ':', the length at the next;
 * whatever follows a second ':' is the context (empty allowed: RFC 5705 tells it from none). */
static int parse_export(struct tool_tls_opts *o, const char *spec)
{
    const char *colon = strchr(spec, ':');
    if (!colon || colon == spec) return -1;
    char *end;
    errno = 0;
    unsigned long n = strtoul(colon + 1, &end, 10);
    if (end == colon + 1 || colon[1] == '-' || errno || n == 0 || n > 1048576 ||
        (*end && *end != ':'))
        return -1;
    o->export_label = spec;
    o->export_label_len = (size_t)(colon - spec);
    o->export_len = n;
    o->export_ctx = *end ? end + 1 : NULL;
    return 0;
}

int tool_tls_arg(struct tool_tls_opts *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    int is_export = strcmp(a, "--export") == 0;
    if (!is_export && strcmp(a, "--keylog") != 0) return 0;
    if (*i + 1 >= argc) {
        tool_errorf("%s needs an argument", a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!is_export) {
        o->keylog = v;
        return 1;
    }
    if (parse_export(o, v) < 0) {
        tool_errorf("bad --export value %s (want LABEL:LEN[:CONTEXT], LEN from 1)", v);
        return -1;
    }
    return 1;
}

int tool_print_export(ctls_conn *conn, const struct tool_tls_opts *o)
{
    if (!o->export_label) return 0;
    unsigned char *out = malloc(o->export_len);
    if (!out) return CTLS_ERR_NOMEM;
    const char *ctx = o->export_ctx;
    int rc = ctls_export_keying_material(conn, o->export_label, o->export_label_len,
                                         (const uint8_t *)ctx, ctx ? strlen(ctx) : 0, ctx != NULL,
                                         out, o->export_len);
    if (rc == 0) {
        fputs("exported: ", stderr);
        for (size_t i = 0; i < o->export_len; i++)
            fprintf(stderr, "%02x", out[i]);
        fputc('\n', stderr);
        fflush(stderr);
    }
    free(out);
    return rc;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

size_t tool_unescape(char *s)
{
    size_t r = 0, w = 0;
    while (s[r]) {
        char c = s[r++];
        if (c != '\\' || !s[r]) {
            s[w++] = c;
            continue;
        }
        c = s[r++];
        switch (c) {
        case 'r':
            s[w++] = '\r';
            break;
        case 'n':
            s[w++] = '\n';
            break;
        case 't':
            s[w++] = '\t';
            break;
        case '0':
            s[w++] = '\0';
            break;
        case '\\':
            s[w++] = '\\';
            break;
        case 'x':
            if (hexval(s[r]) >= 0 && hexval(s[r + 1]) >= 0) {
                s[w++] = (char)(hexval(s[r]) * 16 + hexval(s[r + 1]));
                r += 2;
                break;
            }
            /* fall through */
        default:
            s[w++] = '\\';
            s[w++] = c;
            break;
        }
    }
    s[w] = '\0';
    return w;
}

/* ---- I/O -------------------------------------------------------------------------------- */

int tool_set_nonblock(int fd, int on)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -1;
    fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
    return fcntl(fd, F_SETFL, fl);
}

/* Waits until fd is ready for what ctls asked (CTLS_WANT_READ / CTLS_WANT_WRITE).
 * timeout_ms < 0: forever. Returns 1 ready, 0 timeout, -1 interrupted by a stop signal. */
static int wait_fd(int fd, int want, int timeout_ms)
{
    for (;;) {
        if (tool_stop) return -1;
        struct pollfd p = {.fd = fd, .events = want == CTLS_WANT_WRITE ? POLLOUT : POLLIN};
        int n = poll(&p, 1, timeout_ms);
        if (n < 0 && errno == EINTR) continue;
        return n < 0 ? 1 : n; /* on a poll error let ctls find out */
    }
}

int tool_handshake(ctls_conn *conn, int fd)
{
    for (;;) {
        int rc = ctls_handshake(conn);
        if (rc == 0 || ctls_is_fatal(rc)) return rc;
        if (tool_stop) return CTLS_INTERRUPTED;
        /* A blocking fd gives WANT_* only if it was non-blocking after all: wait for it (the
         * handshake timeout set on the connection bounds the whole handshake). */
        if ((rc == CTLS_WANT_READ || rc == CTLS_WANT_WRITE) && wait_fd(fd, rc, 30000) <= 0)
            return tool_stop ? CTLS_INTERRUPTED : CTLS_ERR_TIMEOUT;
    }
}

int tool_fd_write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pf = {.fd = fd, .events = POLLOUT};
            poll(&pf, 1, 1000);
            continue;
        }
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int tool_write_all(ctls_conn *conn, int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len) {
        ssize_t n = ctls_write(conn, p, len);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n == 0 || ctls_is_fatal((int)n)) return n == 0 ? CTLS_ERR_INTERNAL : (int)n;
        if (n == CTLS_INTERRUPTED && !tool_stop) continue;
        if (wait_fd(fd, (int)n, -1) < 0) return CTLS_INTERRUPTED;
    }
    return 0;
}

int tool_close(ctls_conn *conn, int fd, int wait_peer, int out_fd)
{
    int rc;
    /* Send our close_notify. */
    for (int tries = 0;; tries++) {
        rc = ctls_shutdown(conn);
        if (rc == 1 || ctls_is_fatal(rc)) return rc == 1 ? 0 : rc;
        if (ctls_shutdown_flags(conn) & CTLS_SENT_SHUTDOWN && (rc == 0 || rc == CTLS_WANT_READ))
            break;
        if (tries > 1000 ||
            wait_fd(fd, rc == CTLS_WANT_READ ? CTLS_WANT_READ : CTLS_WANT_WRITE, 2000) <= 0)
            return CTLS_ERR_TIMEOUT;
    }
    if (!wait_peer) return 0;
    /* Read until the peer's close_notify (bounded: 10 s without progress). */
    unsigned char buf[16384];
    for (;;) {
        ssize_t n = ctls_read(conn, buf, sizeof buf);
        if (n == 0) return 0;
        if (n > 0) {
            if (out_fd >= 0 && tool_fd_write_all(out_fd, buf, (size_t)n) < 0) return CTLS_ERR_IO;
            continue;
        }
        if (ctls_is_fatal((int)n)) return (int)n;
        if (n == CTLS_INTERRUPTED && !tool_stop) continue;
        int w = wait_fd(fd, (int)n == CTLS_WANT_WRITE ? CTLS_WANT_WRITE : CTLS_WANT_READ, 10000);
        if (w < 0) return 0; /* stop signal: our close_notify is out, good enough */
        if (w == 0) return CTLS_ERR_TIMEOUT;
    }
}

int tool_key_update(ctls_conn *conn, int fd)
{
    (void)fd;
    /* The KeyUpdate record is sent now or flushed by the next ctls_read / ctls_write. */
    return ctls_key_update(conn, 1);
}

/* --pha: this thread's connection has a post-handshake request unanswered */
static _Thread_local int pha_waiting;

int tool_request_client_auth(ctls_conn *conn)
{
    int rc = ctls_request_client_auth(conn);
    if (rc == CTLS_ERR_UNSUPPORTED || rc == CTLS_ERR_BAD_STATE) {
        fprintf(stderr, "pha-verify: not requested (%s)\n", ctls_strerror(rc));
        return 0;
    }
    if (rc == 0) pha_waiting = 1;
    return rc;
}

/* renegotiations completed on this thread's connection and reported */
static _Thread_local int reneg_seen;

int tool_renegotiate(ctls_conn *conn)
{
    int rc = ctls_renegotiate(conn);
    if (rc == CTLS_ERR_BAD_STATE || rc == CTLS_ERR_UNSUPPORTED || rc == CTLS_ERR_LIMIT) {
        fprintf(stderr, "renegotiation: not started (%s)\n", ctls_strerror(rc));
        return 0;
    }
    return rc;
}

static void reneg_report(ctls_conn *conn)
{
    int n = ctls_renegotiations(conn);
    if (n == reneg_seen) return;
    reneg_seen = n;
    fprintf(stderr, "renegotiations: %d\nverify: %s\npeer-certs: %zu\n", n,
            tool_verify_text(ctls_verify_result(conn)), ctls_peer_cert_count(conn));
    fflush(stderr);
}

/* The client's answer to --pha was processed (inside ctls_read): report it once. */
static void pha_report(ctls_conn *conn)
{
    if (!pha_waiting || ctls_client_auth_pending(conn) != 0) return;
    pha_waiting = 0;
    fprintf(stderr, "pha-verify: %s\npha-peer-certs: %zu\n",
            tool_verify_text(ctls_verify_result(conn)), ctls_peer_cert_count(conn));
    fflush(stderr);
}

int tool_pump(ctls_conn *conn, int fd, int in_fd, int out_fd, int echo)
{
    static unsigned char pend[16384]; /* plaintext waiting to be accepted by ctls_write */
    static unsigned char rbuf[16384];
    size_t plen = 0, poff = 0;
    int in_eof = 0;
    int sent_close = 0, want_out = 0;

    reneg_seen = ctls_renegotiations(conn);
    if (tool_set_nonblock(fd, 1) < 0) return CTLS_ERR_IO;
    for (;;) {
        int progress = 0;
        if (tool_stop) {
            /* SIGINT / SIGTERM: say goodbye properly, do not wait for the peer. */
            int rc = tool_close(conn, fd, 0, -1);
            return rc == CTLS_ERR_TIMEOUT ? 0 : rc;
        }
        want_out = 0;

        /* 1. Hand pending plaintext to ctls (with none, an empty write still flushes records
         *    queued earlier). */
        if (plen == 0 && !sent_close) {
            const void *unsent;
            if (ctls_conn_output(conn, &unsent) > 0) {
                ssize_t n = ctls_write(conn, "", 0);
                if (ctls_is_fatal((int)n)) return (int)n;
            }
        }
        while (poff < plen) {
            ssize_t n = ctls_write(conn, pend + poff, plen - poff);
            if (n > 0) {
                poff += (size_t)n;
                progress = 1;
            } else if (n == CTLS_INTERRUPTED) {
                continue;
            } else if (n == CTLS_WANT_WRITE || n == CTLS_WANT_READ) {
                want_out = n == CTLS_WANT_WRITE;
                break;
            } else {
                return n == 0 ? CTLS_ERR_INTERNAL : (int)n;
            }
        }
        if (poff == plen) plen = poff = 0;

        /* 2. Input finished and everything handed over: send close_notify once. */
        if (in_eof && plen == 0 && !sent_close) {
            int rc = ctls_shutdown(conn);
            if (rc == 1) return 0;
            if (ctls_is_fatal(rc)) return rc;
            /* Once close_notify is queued, never call ctls_shutdown again here: a second call
             * waits for the peer's close_notify and discards data arriving meanwhile. The
             * queued alert is flushed by the ctls_read calls below. */
            if (ctls_shutdown_flags(conn) & CTLS_SENT_SHUTDOWN) sent_close = 1;
            if (rc == CTLS_WANT_WRITE)
                want_out = 1;
            else
                progress = 1;
        }

        /* 3. Read everything ctls can give without blocking (in echo mode only while the
         *    previous data has been handed back, so a slow reader slows the echo down). */
        while (!echo || plen == 0) {
            ssize_t n = ctls_read(conn, rbuf, sizeof rbuf);
            pha_report(conn);
            reneg_report(conn);
            if (n > 0) {
                progress = 1;
                if (echo) {
                    memcpy(pend, rbuf, (size_t)n);
                    plen = (size_t)n;
                    poff = 0;
                } else if (out_fd >= 0 && tool_fd_write_all(out_fd, rbuf, (size_t)n) < 0) {
                    return CTLS_ERR_IO;
                }
                continue;
            }
            if (n == 0) {
                /* The peer's close_notify. Answer with ours unless it is out already. */
                if (sent_close) return 0;
                int rc = tool_close(conn, fd, 0, -1);
                /* The peer closed cleanly; if it is gone already and our reply cannot be sent, that
                 * is no error of this connection. */
                return rc == CTLS_ERR_TIMEOUT || rc == CTLS_ERR_IO ? 0 : rc;
            }
            if (n == CTLS_INTERRUPTED) continue;
            if (n == CTLS_ERR_RENEGOTIATION_REFUSED) { /* the connection goes on */
                fprintf(stderr, "renegotiation: refused\n");
                fflush(stderr);
                continue;
            }
            if (n == CTLS_WANT_WRITE) {
                want_out = 1;
                break;
            }
            if (n == CTLS_WANT_READ) break;
            return (int)n;
        }
        if (progress && !(plen && want_out)) continue;

        /* 4. Wait for the socket (and stdin when we can take more input). Records ctls
         *    accepted but could not send yet (ctls_conn_output counts them for any transport)
         *    need POLLOUT; the next ctls_write / ctls_read flushes them. */
        const void *unsent;
        if (ctls_conn_output(conn, &unsent) > 0) want_out = 1;
        struct pollfd pf[2];
        int nfds = 1;
        pf[0].fd = fd;
        pf[0].events = (short)(POLLIN | (want_out ? POLLOUT : 0));
        pf[0].revents = 0;
        int use_in = !echo && in_fd >= 0 && !in_eof && plen == 0;
        if (use_in) {
            pf[1].fd = in_fd;
            pf[1].events = POLLIN;
            pf[1].revents = 0;
            nfds = 2;
        }
        /* wake up now and then: server connection threads block SIGINT/SIGTERM and learn of a
         * stop from tool_stop, checked at the top of the loop */
        int n = poll(pf, (nfds_t)nfds, 200);
        if (n < 0) {
            if (errno == EINTR) continue;
            return CTLS_ERR_IO;
        }
        if (n == 0) continue;
        if (use_in && pf[1].revents) {
            ssize_t r = read(in_fd, pend, sizeof pend);
            if (r > 0) {
                plen = (size_t)r;
                poff = 0;
            } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
                in_eof = 1;
            }
        }
    }
}

/* ---- files ------------------------------------------------------------------------------ */

unsigned char *tool_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        unsigned char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) *len = n;
    return buf;
}

int tool_write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -1;
    int rc = tool_fd_write_all(fd, data, len);
    if (close(fd) < 0) rc = -1;
    return rc;
}

/* ---- sockets ---------------------------------------------------------------------------- */

int tool_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo(host, port, &hints, &res);
    if (e != 0) {
        tool_errorf("%s:%s: %s", host, port, gai_strerror(e));
        return -1;
    }
    int fd = -1, err = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        tool_errorf("connect to %s:%s: %s", host, port, strerror(err));
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int tool_listen(const char *addr, const char *port, int *bound_port)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int e = getaddrinfo(addr, port, &hints, &res);
    if (e != 0) {
        tool_errorf("%s:%s: %s", addr, port, gai_strerror(e));
        return -1;
    }
    int fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    if (fd < 0) {
        tool_errorf("socket: %s", strerror(errno));
        freeaddrinfo(res);
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 16) < 0) {
        tool_errorf("bind %s:%s: %s", addr, port, strerror(errno));
        freeaddrinfo(res);
        close(fd);
        return -1;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    *bound_port = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return fd;
}
