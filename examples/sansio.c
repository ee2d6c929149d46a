/* sansio.c — a TLS client and a TLS server in one process, with no sockets at all.
 *
 * Neither connection gets a file descriptor or callbacks, so ctls uses its sans-I/O transport:
 * the application moves bytes itself.
 *
 *   ctls_conn_output()          -> the bytes ctls wants to send (a pointer into its buffer)
 *   ctls_conn_consume_output()  -> tell ctls how many of them were "sent"
 *   ctls_conn_feed()            -> give ctls bytes "received" from the peer
 *   ctls_conn_feed_eof()        -> tell ctls the peer's byte stream ended
 *
 * Here "sending" is feeding the other connection: the two are wired back to back. The same
 * pattern plugs ctls into any event loop, a QUIC-less UDP tunnel, a test harness, or a fuzzer.
 *
 * Usage: sansio CA.pem SERVER-CHAIN.pem SERVER-KEY.pem
 * (tests/certs/mkcerts.sh makes such files; the server name checked is "localhost").
 */
#include <ctls/ctls.h>
#include <stdio.h>
#include <string.h>

/* Moves every byte `from` wants to send into `to`. Returns 1 if anything moved, 0 if not, or
 * a negative ctls status. */
static int transfer(ctls_conn *from, ctls_conn *to)
{
    int moved = 0;
    for (;;) {
        const void *data;
        size_t len = ctls_conn_output(from, &data);
        if (len == 0) return moved;
        size_t consumed = 0;
        int rc = ctls_conn_feed(to, data, len, &consumed);
        if (rc < 0 && rc != CTLS_WANT_READ) return rc;
        if (consumed == 0)
            return moved; /* the receiver is full: let it process what it has first */
        /* Only what the receiver took counts as sent; the rest stays queued in `from`. */
        ctls_conn_consume_output(from, consumed);
        moved = 1;
    }
}

/* Runs both handshakes to completion by alternating between the two connections. A call that
 * returns CTLS_WANT_READ simply needs bytes that the other side has not produced yet. */
static int handshake_both(ctls_conn *client, ctls_conn *server)
{
    int client_done = 0, server_done = 0;
    for (int round = 0; round < 100; round++) {
        if (!client_done) {
            int rc = ctls_handshake(client);
            if (rc == 0)
                client_done = 1;
            else if (ctls_is_fatal(rc)) {
                fprintf(stderr, "client handshake: %s\n", ctls_strerror(rc));
                return rc;
            }
        }
        if (transfer(client, server) < 0) return CTLS_ERR_IO;
        if (!server_done) {
            int rc = ctls_handshake(server);
            if (rc == 0)
                server_done = 1;
            else if (ctls_is_fatal(rc)) {
                fprintf(stderr, "server handshake: %s\n", ctls_strerror(rc));
                return rc;
            }
        }
        if (transfer(server, client) < 0) return CTLS_ERR_IO;
        if (client_done && server_done) return 0;
    }
    fprintf(stderr, "handshake did not finish\n");
    return CTLS_ERR_INTERNAL;
}

/* Sends msg from `from` and reads it at `to` into buf (NUL-terminated). Returns the length read
 * or a negative status. */
static ssize_t send_message(ctls_conn *from, ctls_conn *to, const char *msg, char *buf, size_t cap)
{
    ssize_t n = ctls_write(from, msg, strlen(msg));
    if (n < 0) return n;
    /* The memory transport "takes everything", so the whole message was accepted: it now sits
     * in `from`'s output as one encrypted record. */
    if (transfer(from, to) < 0) return CTLS_ERR_IO;
    size_t got = 0;
    while (got < (size_t)n) {
        ssize_t r = ctls_read(to, buf + got, cap - 1 - got);
        if (r == CTLS_WANT_READ) {
            /* Post-handshake messages (e.g. session tickets) may come first; they are handled
             * inside ctls_read, which then wants more bytes. */
            if (transfer(from, to) <= 0) return CTLS_ERR_INTERNAL; /* nothing more will come */
            continue;
        }
        if (r <= 0) return r < 0 ? r : CTLS_ERR_CLOSED;
        got += (size_t)r;
    }
    buf[got] = '\0';
    return (ssize_t)got;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s CA.pem SERVER-CHAIN.pem SERVER-KEY.pem\n", argv[0]);
        return 2;
    }
    int rc, status = 1;
    ctls_conn *client = NULL, *server = NULL;

    /* 1. One configuration per role. Configurations are shared, read-only objects: a real
     *    server creates one and uses it for every connection. */
    ctls_config *ccfg = ctls_config_new(CTLS_CLIENT);
    ctls_config *scfg = ctls_config_new(CTLS_SERVER);
    if (!ccfg || !scfg) {
        fprintf(stderr, "out of memory\n");
        goto out;
    }
    if ((rc = ctls_config_load_trust_file(ccfg, argv[1])) < 0 ||
        (rc = ctls_config_add_cert_chain_file(scfg, argv[2], argv[3])) < 0) {
        fprintf(stderr, "configuration: %s\n", ctls_strerror(rc));
        goto out;
    }

    /* 2. Two connections, no transport set: sans-I/O mode. */
    client = ctls_conn_new(ccfg);
    server = ctls_conn_new(scfg);
    if (!client || !server) {
        fprintf(stderr, "out of memory\n");
        goto out;
    }
    if ((rc = ctls_conn_set_server_name(client, "localhost")) < 0) {
        fprintf(stderr, "server name: %s\n", ctls_strerror(rc));
        goto out;
    }

    /* 3. The handshake. */
    if (handshake_both(client, server) < 0) goto out;
    printf("handshake done: %s, %s, group %s, server verified: %s\n",
           ctls_version(client) == CTLS_TLS1_3 ? "TLS 1.3" : "TLS 1.2",
           ctls_cipher_suite_name(client), ctls_group_name(client),
           ctls_verify_result(client) == CTLS_VERIFY_OK ? "yes" : "no");

    /* 4. Application data both ways. */
    char buf[256];
    ssize_t n = send_message(client, server, "ping from the client", buf, sizeof buf);
    if (n < 0) {
        fprintf(stderr, "client -> server: %s\n", ctls_strerror((int)n));
        goto out;
    }
    printf("server received: %s\n", buf);
    n = send_message(server, client, "pong from the server", buf, sizeof buf);
    if (n < 0) {
        fprintf(stderr, "server -> client: %s\n", ctls_strerror((int)n));
        goto out;
    }
    printf("client received: %s\n", buf);

    /* 5. Closing: the client sends close_notify (ctls_shutdown returns 0: sent, the peer's not
     *    seen yet), the server reads it (ctls_read returns 0) and answers, then the client
     *    sees the answer (ctls_shutdown returns 1: both done). */
    rc = ctls_shutdown(client);
    if (rc != 0) {
        fprintf(stderr, "client shutdown: expected 0, got %d (%s)\n", rc, ctls_strerror(rc));
        goto out;
    }
    if (transfer(client, server) < 0) goto out;
    n = ctls_read(server, buf, sizeof buf);
    if (n != 0) {
        fprintf(stderr, "server: expected close_notify, got %zd (%s)\n", n, ctls_strerror((int)n));
        goto out;
    }
    rc = ctls_shutdown(server); /* both close_notify alerts seen: 1 */
    if (rc != 1) {
        fprintf(stderr, "server shutdown: expected 1, got %d (%s)\n", rc, ctls_strerror(rc));
        goto out;
    }
    if (transfer(server, client) < 0) goto out;
    n = ctls_read(client, buf, sizeof buf);
    if (n != 0) {
        fprintf(stderr, "client: expected close_notify, got %zd (%s)\n", n, ctls_strerror((int)n));
        goto out;
    }
    printf("closed cleanly on both sides\n");
    status = 0;

out:
    /* Connections keep their configuration alive, so the order of these calls is free. */
    if (client) ctls_conn_free(client);
    if (server) ctls_conn_free(server);
    if (ccfg) ctls_config_free(ccfg);
    if (scfg) ctls_config_free(scfg);
    return status;
}
