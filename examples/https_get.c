/* https_get.c — the smallest useful ctls client: a blocking HTTPS GET.
 *
 * Usage: https_get [--cafile FILE] HOST PORT [PATH]
 *
 * Connects a TCP socket, hands it to ctls with ctls_conn_set_fd (the socket stays ours: ctls
 * never closes it), runs the handshake, sends the request, prints the response on stdout, and
 * closes properly. Without --cafile the system trust store is used.
 *
 * The points worth copying:
 *   - ctls_conn_set_server_name() both sends SNI and sets the name the certificate must match;
 *     forgetting it means no host-name check.
 *   - ctls_read() returning 0 is the server's close_notify: the response is complete. An EOF
 *     without it is CTLS_ERR_TRUNCATED, which a careful client treats as an error (the
 *     response may have been cut by an attacker).
 */
#include <ctls/ctls.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A connected, blocking TCP socket, or -1. */
static int tcp_connect(const char *host, const char *port)
{
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
    int fd = -1;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

int main(int argc, char **argv)
{
    const char *cafile = NULL;
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "--cafile") == 0) {
        cafile = argv[2];
        i = 3;
    }
    if (argc - i < 2 || argc - i > 3) {
        fprintf(stderr, "usage: %s [--cafile FILE] HOST PORT [PATH]\n", argv[0]);
        return 2;
    }
    const char *host = argv[i], *port = argv[i + 1];
    const char *path = argc - i == 3 ? argv[i + 2] : "/";

    int rc, status = 1, fd = -1;
    ctls_conn *conn = NULL;

    /* A client configuration: TLS 1.3 and 1.2, verification on. Trust anchors either from a
     * file or (the default) the system store. */
    ctls_config *cfg = ctls_config_new(CTLS_CLIENT);
    if (!cfg) return 1;
    if (cafile && (rc = ctls_config_load_trust_file(cfg, cafile)) < 0) {
        fprintf(stderr, "%s: %s\n", cafile, ctls_strerror(rc));
        goto out;
    }
    /* Advertise HTTP/1.1 through ALPN (optional; servers that do not know ALPN ignore it). */
    ctls_config_set_alpn(cfg, "http/1.1");

    fd = tcp_connect(host, port);
    if (fd < 0) {
        fprintf(stderr, "cannot connect to %s:%s\n", host, port);
        goto out;
    }

    conn = ctls_conn_new(cfg);
    if (!conn) goto out;
    if ((rc = ctls_conn_set_server_name(conn, host)) < 0 || (rc = ctls_conn_set_fd(conn, fd)) < 0 ||
        (rc = ctls_conn_set_handshake_timeout(conn, 10000)) < 0) {
        fprintf(stderr, "setup: %s\n", ctls_strerror(rc));
        goto out;
    }

    /* On a blocking socket ctls_handshake returns 0 or a fatal error; the loop only matters
     * for CTLS_INTERRUPTED (a signal arrived). */
    do {
        rc = ctls_handshake(conn);
    } while (rc == CTLS_INTERRUPTED);
    if (rc < 0) {
        /* For certificate problems ctls_verify_result() has every flag that applies. */
        fprintf(stderr, "handshake: %s\n", ctls_strerror(rc));
        goto out;
    }
    fprintf(stderr, "connected: %s %s\n", ctls_version(conn) == CTLS_TLS1_3 ? "TLSv1.3" : "TLSv1.2",
            ctls_cipher_suite_name(conn));

    /* Send the request. ctls_write returns how many bytes it accepted; on a blocking socket
     * that is everything, but the loop is the correct general form. */
    char req[1024];
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nUser-Agent: ctls-"
                       "https_get/%s\r\n\r\n",
                       path, host, ctls_version_string());
    if (len < 0 || (size_t)len >= sizeof req) goto out;
    for (int off = 0; off < len;) {
        ssize_t n = ctls_write(conn, req + off, (size_t)(len - off));
        if (n == CTLS_INTERRUPTED) continue;
        if (n < 0) {
            fprintf(stderr, "write: %s\n", ctls_strerror((int)n));
            goto out;
        }
        off += (int)n;
    }

    /* Read the response until the server's close_notify (ctls_read returns 0). */
    for (;;) {
        char buf[4096];
        ssize_t n = ctls_read(conn, buf, sizeof buf);
        if (n > 0) {
            fwrite(buf, 1, (size_t)n, stdout);
            continue;
        }
        if (n == 0) break; /* clean end of the response */
        if (n == CTLS_INTERRUPTED) continue;
        /* CTLS_ERR_TRUNCATED: the server closed TCP without close_notify. */
        fprintf(stderr, "read: %s\n", ctls_strerror((int)n));
        goto out;
    }
    fflush(stdout);

    /* Answer the server's close_notify with ours. Since the server's was already seen,
     * ctls_shutdown returns 1 (both directions closed). */
    rc = ctls_shutdown(conn);
    if (rc < 0 && rc != CTLS_ERR_IO) { /* the server may have gone already: not our problem */
        fprintf(stderr, "shutdown: %s\n", ctls_strerror(rc));
        goto out;
    }
    status = 0;

out:
    if (conn) ctls_conn_free(conn); /* wipes the keys; never writes to the socket */
    if (fd >= 0) close(fd);
    ctls_config_free(cfg);
    return status;
}
