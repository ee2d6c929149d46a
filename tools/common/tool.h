/* Shared helpers for the ctls command-line tools (ctls-client, ctls-server).
 *
 * Everything here uses the public API (ctls/ctls.h) only.
 */
#ifndef CTLS_TOOL_H
#define CTLS_TOOL_H

#include <ctls/ctls.h>
#include <signal.h>
#include <stddef.h>

/* Set by the SIGINT / SIGTERM handler; the tools check it and shut down cleanly. */
extern volatile sig_atomic_t tool_stop;

/* Installs the SIGINT / SIGTERM handler (without SA_RESTART, so that blocking calls return
 * EINTR) and ignores SIGPIPE. */
void tool_install_signals(void);

/* "error: <ctls_strerror(rc)>" on stderr. */
void tool_print_error(int rc);
/* tool_print_error, plus "alert: NAME (N)" when the peer's fatal alert caused rc. */
void tool_print_conn_error(ctls_conn *conn, int rc);
/* "error: <message>" (printf style) on stderr. */
void tool_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the post-handshake summary ("key: value" lines) on stderr. */
void tool_print_summary(ctls_conn *conn);
/* The text for the "verify" summary line: "ok", or the ctls_strerror text of the most
 * important flag in ctls_verify_result(), or "not verified" when verification was off. */
const char *tool_verify_text(unsigned flags);
/* Prints the peer's certificate chain as PEM on stderr. */
void tool_print_peer_certs(ctls_conn *conn);

/* Applies the options shared by client and server to a config; 0 or a ctls status. */
struct tool_tls_opts {
    int version;         /* 0 = both, else CTLS_TLS1_2 / CTLS_TLS1_3 */
    const char *ciphers; /* NULL = defaults */
    const char *groups;
    const char *alpn;
    const char *cafile;
    const char *cert;
    const char *key;
    /* post-handshake flags both tools take: --key-update, --pha, --renegotiate,
     * --renegotiate-now (what --pha does depends on the role) */
    int key_update, pha, reneg, reneg_now;
    /* --export LABEL:LEN[:CONTEXT]: the label (up to the first ':'), the length, the context
     * (the rest after a second ':', possibly empty; NULL: none) */
    const char *export_label, *export_ctx;
    size_t export_label_len, export_len;
    /* --keylog FILE (else $SSLKEYLOGFILE when set and not empty) */
    const char *keylog;
};
/* Also opens the key log file (append, created 0600) and sets it on cfg, with a warning on
 * stderr: it holds the connections' keys. */
int tool_apply_tls_opts(ctls_config *cfg, const struct tool_tls_opts *o);
/* 1 when arg is one of the shared flags above (and sets it), else 0. */
int tool_tls_flag(struct tool_tls_opts *o, const char *arg);
/* The shared options with a value, --export LABEL:LEN[:CONTEXT] and --keylog FILE: 1 when
 * argv[*i] is one (its value taken, *i advanced), 0 when not, -1 after a usage error (said on
 * stderr). */
int tool_tls_arg(struct tool_tls_opts *o, int argc, char **argv, int *i);
/* --export: "exported: <hex>" on stderr (nothing without --export); 0 or the ctls status of
 * ctls_export_keying_material. */
int tool_print_export(ctls_conn *conn, const struct tool_tls_opts *o);

/* Decodes \r \n \t \\ \0 and \xHH escapes in place; returns the new length. */
size_t tool_unescape(char *s);

/* Runs the handshake on a blocking fd; handles CTLS_INTERRUPTED (stops when tool_stop is set).
 * Returns 0 or a fatal status. */
int tool_handshake(ctls_conn *conn, int fd);

/* Makes fd non-blocking (1) or blocking (0). 0 or -1. */
int tool_set_nonblock(int fd, int on);

/* Writes all of buf through conn (the conn's fd may be non-blocking: waits with poll()).
 * 0 or a fatal status. */
int tool_write_all(ctls_conn *conn, int fd, const void *buf, size_t len);
/* Writes all of buf to a plain fd (stdout). 0 or -1. */
int tool_fd_write_all(int fd, const void *buf, size_t len);

/* Sends close_notify (ctls_shutdown) and, when wait_peer is set, waits for the peer's
 * close_notify (reading and discarding data, or copying it to out_fd when out_fd >= 0).
 * 0 on a clean close or a fatal status. */
int tool_close(ctls_conn *conn, int fd, int wait_peer, int out_fd);

/* The interactive loop: in_fd -> conn, conn -> out_fd, using poll(). At in_fd EOF: ctls_shutdown,
 * then read until the peer's close_notify. When the peer closes first, answers with our
 * close_notify. echo: instead of in_fd, every byte read is written back (in_fd ignored).
 * Returns 0 after a clean close or a fatal status. */
int tool_pump(ctls_conn *conn, int fd, int in_fd, int out_fd, int echo);

/* Hidden test hook: when --key-update was given, the tools call ctls_key_update(conn, 1)
 * right after the handshake. */
int tool_key_update(ctls_conn *conn, int fd);

/* --pha (server): ctls_request_client_auth; when the client cannot be asked (it did not offer
 * post-handshake authentication, TLS 1.2) says so on stderr and returns 0. Once the answer is
 * processed (in tool_pump), prints "pha-verify: <verify text>" and "pha-peer-certs: N". */
int tool_request_client_auth(ctls_conn *conn);
/* --renegotiate-now: ctls_renegotiate (TLS 1.2); the handshake runs in tool_pump, which prints
 * "renegotiations: N", "verify: ..." and "peer-certs: N" after each one completes and
 * "renegotiation: refused" on a refusal. */
int tool_renegotiate(ctls_conn *conn);

/* Reads a whole file into a malloc'd buffer; NULL on error. */
unsigned char *tool_read_file(const char *path, size_t *len);
/* Writes a buffer to a file (created 0600). 0 or -1. */
int tool_write_file(const char *path, const void *data, size_t len);

/* A connected TCP socket to host:port (blocking), or -1 with a message on stderr. */
int tool_connect(const char *host, const char *port);
/* A listening TCP socket on addr:port (blocking); *bound_port receives the actual port (useful
 * with port 0). -1 with a message on stderr. */
int tool_listen(const char *addr, const char *port, int *bound_port);

#endif
