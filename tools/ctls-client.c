/* ctls-client: a TLS client on the command line (see DESIGN.md section 4).
 *
 *   ctls-client [options] HOST PORT
 *
 * Uses the public API only: a blocking socket for the handshake, then poll() on stdin and the
 * socket (made non-blocking) to move data both ways.
 */
#include <ctls/ctls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"

static void usage(FILE *f)
{
    fputs("usage: ctls-client [options] HOST PORT\n"
          "  --cafile FILE        trust anchors (default: the system store)\n"
          "  --servername NAME    SNI and the name verified (default: HOST)\n"
          "  --insecure           skip chain and name verification (prints a warning)\n"
          "  --cert FILE --key FILE   client certificate chain and key\n"
          "  --tls1.2 | --tls1.3  only that version (default: both, 1.3 preferred)\n"
          "  --ciphers LIST       IANA suite names, ':'-separated\n"
          "  --groups LIST        e.g. x25519:secp256r1:secp384r1 (the first gets a key share)\n"
          "  --alpn LIST          ALPN protocols, ','-separated\n"
          "  --sess-out FILE      write the session (ticket) received to FILE at the end\n"
          "  --sess-in FILE       offer the session in FILE for resumption\n"
          "  --early-data FILE    TLS 1.3: send FILE as early data (0-RTT) with the --sess-in\n"
          "                       session when its ticket allows it; prints 'early-data:\n"
          "                       accepted|rejected|not sent' and resends what the server did\n"
          "                       not take as 1-RTT data\n"
          "  --request TEXT       send TEXT (\\r \\n escapes understood), then read until the\n"
          "                       peer closes\n"
          "  --showcerts          print the peer chain as PEM on stderr\n"
          "  --status             ask for a stapled OCSP response (status_request); prints\n"
          "                       'ocsp: N bytes' (or 'ocsp: none') after the summary. The\n"
          "                       response is NOT verified\n"
          "  --ocsp-out FILE      (with --status) write the stapled response (DER) to FILE\n"
          "  --quiet              no summary lines\n"
          "  --pha                TLS 1.3: offer post-handshake client authentication; a\n"
          "                       server's request is answered with --cert/--key (or with no\n"
          "                       certificate)\n"
          "  --key-update         (testing) send a KeyUpdate (update_requested) right after\n"
          "                       the handshake\n"
          "  --renegotiate        TLS 1.2: accept the server's renegotiation requests (RFC 5746;\n"
          "                       default: refused); prints 'renegotiations: N', 'verify:'\n"
          "                       and 'peer-certs:' lines after each\n"
          "  --renegotiate-now    (testing) TLS 1.2: also start one right after the handshake\n"
          "  --export LABEL:LEN[:CONTEXT]  print 'exported: <hex>' after the handshake: LEN\n"
          "                       bytes of keying material for LABEL (and CONTEXT, when given;\n"
          "                       RFC 5705 / RFC 8446 7.5), as the server computes them too\n"
          "  --keylog FILE        append the connection's secrets to FILE (SSLKEYLOGFILE format,\n"
          "                       for Wireshark; default: $SSLKEYLOGFILE when set). Whoever\n"
          "                       reads FILE can decrypt the traffic: debugging only\n"
          "default: stdin -> connection, connection -> stdout; at stdin EOF: close_notify, then\n"
          "read until the peer's close_notify. Exit 0 after a clean close, 1 on error.\n",
          f);
}

struct client_opts {
    struct tool_tls_opts tls;
    const char *host, *port, *servername;
    const char *sess_in, *sess_out, *ocsp_out, *early_data;
    char *request;
    int insecure, showcerts, quiet, status;
};

/* Returns 0, or 1 after printing a usage error. */
static int parse_args(int argc, char **argv, struct client_opts *o)
{
    const char *pos[2];
    int npos = 0;
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
        ARG("--servername", o->servername)
        ARG("--cert", o->tls.cert)
        ARG("--key", o->tls.key)
        ARG("--ciphers", o->tls.ciphers)
        ARG("--groups", o->tls.groups)
        ARG("--alpn", o->tls.alpn)
        ARG("--sess-out", o->sess_out)
        ARG("--sess-in", o->sess_in)
        ARG("--early-data", o->early_data)
        ARG("--request", o->request)
        ARG("--ocsp-out", o->ocsp_out)
#undef ARG
        if (strcmp(a, "--insecure") == 0)
            o->insecure = 1;
        else if (strcmp(a, "--tls1.2") == 0)
            o->tls.version = CTLS_TLS1_2;
        else if (strcmp(a, "--tls1.3") == 0)
            o->tls.version = CTLS_TLS1_3;
        else if (strcmp(a, "--showcerts") == 0)
            o->showcerts = 1;
        else if (strcmp(a, "--quiet") == 0)
            o->quiet = 1;
        else if (strcmp(a, "--status") == 0)
            o->status = 1;
        else if (tool_tls_flag(&o->tls, a))
            continue;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (a[0] == '-' && a[1]) {
            tool_errorf("unknown option %s", a);
            usage(stderr);
            return 1;
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            tool_errorf("too many arguments");
            usage(stderr);
            return 1;
        }
    }
    if (npos != 2) {
        usage(stderr);
        return 1;
    }
    if (o->ocsp_out && !o->status) {
        tool_errorf("--ocsp-out needs --status");
        return 1;
    }
    o->host = pos[0];
    o->port = pos[1];
    return 0;
}

static void load_session(ctls_conn *conn, const char *path)
{
    size_t len;
    unsigned char *data = tool_read_file(path, &len);
    ctls_session *s = data ? ctls_session_parse(data, len) : NULL;
    free(data);
    if (!s) {
        fprintf(stderr, "warning: cannot use the session in %s; full handshake\n", path);
        return;
    }
    int rc = ctls_conn_set_session(conn, s);
    if (rc < 0) fprintf(stderr, "warning: session not offered: %s\n", ctls_strerror(rc));
    ctls_session_free(s);
}

/* --status: the "ocsp" summary line and --ocsp-out. */
static int report_ocsp(ctls_conn *conn, const struct client_opts *o)
{
    size_t len = 0;
    const uint8_t *der = ctls_peer_ocsp_response(conn, &len);
    if (!o->quiet) {
        if (der)
            fprintf(stderr, "ocsp: %zu bytes\n", len);
        else
            fputs("ocsp: none\n", stderr);
    }
    if (o->ocsp_out && der && tool_write_file(o->ocsp_out, der, len) < 0) return CTLS_ERR_FILE;
    return 0;
}

static int save_session(ctls_conn *conn, const char *path)
{
    ctls_session *s = ctls_conn_get_session(conn);
    if (!s) {
        fprintf(stderr, "warning: no session to save in %s\n", path);
        return 0;
    }
    size_t len = 0;
    int rc = ctls_session_serialize(s, NULL, &len);
    uint8_t *buf = rc == 0 ? malloc(len ? len : 1) : NULL;
    if (buf)
        rc = ctls_session_serialize(s, buf, &len);
    else if (rc == 0)
        rc = CTLS_ERR_NOMEM;
    if (rc == 0 && tool_write_file(path, buf, len) < 0) rc = CTLS_ERR_FILE;
    free(buf);
    ctls_session_free(s);
    return rc;
}

/* --early-data: queue FILE's bytes (as many as the session allows); *sent says how many. */
static int queue_early(ctls_conn *conn, const char *path, unsigned char **data, size_t *len,
                       size_t *sent)
{
    *sent = 0;
    if (!(*data = tool_read_file(path, len))) {
        tool_errorf("cannot read %s", path);
        return CTLS_ERR_FILE;
    }
    ssize_t n = *len ? ctls_write_early_data(conn, *data, *len) : 0;
    if (n < 0)
        fprintf(stderr, "warning: no early data: %s\n", ctls_strerror((int)n));
    else
        *sent = (size_t)n;
    return 0;
}

/* After the handshake: the early data line; what the server did not take goes as 1-RTT data. */
static int finish_early(ctls_conn *conn, int fd, const unsigned char *data, size_t len, size_t sent)
{
    int st = ctls_early_data_status(conn);
    fprintf(stderr, "early-data: %s\n",
            st == CTLS_EARLY_DATA_ACCEPTED   ? "accepted"
            : st == CTLS_EARLY_DATA_REJECTED ? "rejected"
                                             : "not sent");
    fflush(stderr);
    size_t done = st == CTLS_EARLY_DATA_ACCEPTED ? sent : 0;
    return done < len ? tool_write_all(conn, fd, data + done, len - done) : 0;
}

int main(int argc, char **argv)
{
    struct client_opts o;
    memset(&o, 0, sizeof o);
    if (parse_args(argc, argv, &o)) return 1;
    tool_install_signals();

    int rc = 0, fd = -1;
    ctls_conn *conn = NULL;
    unsigned char *early = NULL;
    size_t early_len = 0, early_sent = 0;
    ctls_config *cfg = ctls_config_new(CTLS_CLIENT);
    if (!cfg) {
        tool_print_error(CTLS_ERR_NOMEM);
        return 1;
    }
    if ((rc = tool_apply_tls_opts(cfg, &o.tls)) < 0) goto out;
    if (o.tls.pha && (rc = ctls_config_set_post_handshake_auth(cfg, 1)) < 0) goto out;
    if (o.status && (rc = ctls_config_set_ocsp_request(cfg, 1)) < 0) goto out;
    if (o.insecure) {
        fprintf(stderr, "warning: --insecure: the server's certificate is NOT verified\n");
        if ((rc = ctls_config_set_verify(cfg, CTLS_VERIFY_NONE)) < 0) goto out;
    }

    fd = tool_connect(o.host, o.port);
    if (fd < 0) {
        ctls_config_free(cfg);
        return 1; /* the message is out already */
    }
    conn = ctls_conn_new(cfg);
    if (!conn) {
        rc = CTLS_ERR_NOMEM;
        goto out;
    }
    /* SNI and the verified name; an IP literal is verified against iPAddress entries and is
     * not sent as SNI (the library decides). */
    if ((rc = ctls_conn_set_server_name(conn, o.servername ? o.servername : o.host)) < 0) goto out;
    if (o.sess_in) load_session(conn, o.sess_in);
    if (o.early_data && (rc = queue_early(conn, o.early_data, &early, &early_len, &early_sent)) < 0)
        goto out;
    if ((rc = ctls_conn_set_fd(conn, fd)) < 0 ||
        (rc = ctls_conn_set_handshake_timeout(conn, 30000)) < 0)
        goto out;

    rc = tool_handshake(conn, fd);
    if (rc < 0) {
        if (tool_stop) rc = 0; /* interrupted by SIGINT / SIGTERM before anything happened */
        goto out;
    }
    if (!o.quiet) tool_print_summary(conn);
    if ((rc = tool_print_export(conn, &o.tls)) < 0) goto out;
    if (o.status && (rc = report_ocsp(conn, &o)) < 0) goto out;
    if (o.showcerts) tool_print_peer_certs(conn);
    if (o.early_data && (rc = finish_early(conn, fd, early, early_len, early_sent)) < 0) goto out;
    if (o.tls.key_update && (rc = tool_key_update(conn, fd)) < 0) goto out;
    if (o.tls.reneg_now && (rc = tool_renegotiate(conn)) < 0) goto out;

    if (o.request) {
        size_t len = tool_unescape(o.request);
        if ((rc = tool_write_all(conn, fd, o.request, len)) < 0) goto out;
        rc = tool_pump(conn, fd, -1, STDOUT_FILENO, 0);
    } else {
        rc = tool_pump(conn, fd, STDIN_FILENO, STDOUT_FILENO, 0);
    }
    if (o.sess_out) {
        int src = save_session(conn, o.sess_out);
        if (rc == 0) rc = src;
    }

out:
    if (rc < 0) tool_print_conn_error(conn, rc);
    if (conn) ctls_conn_free(conn);
    free(early);
    ctls_config_free(cfg);
    if (fd >= 0) close(fd);
    return rc < 0 ? 1 : 0;
}
