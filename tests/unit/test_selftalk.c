/* A ctls client and a ctls server in one process over the sans-I/O transport: every suite and
 * group, each server key type, HelloRetryRequest, ALPN, data both ways with random and
 * byte-at-a-time record splits, KeyUpdate, shutdown, and verification outcomes. */
#include "harness.h"

#include <errno.h>
#include <stdlib.h>

#include "pair.h"

static void one_handshake(const char *server_cert, const char *suites, const char *cgroups,
                          const char *sgroups, const char *sni, int expect_rc)
{
    ctls_config *sc = tp_server_config(server_cert), *cc = tp_client_config();
    CHECK(sc && cc);
    if (!sc || !cc) return;
    if (suites) {
        CHECK_EQ(ctls_config_set_cipher_suites(cc, suites), 0);
    }
    if (cgroups) CHECK_EQ(ctls_config_set_groups(cc, cgroups), 0);
    if (sgroups) CHECK_EQ(ctls_config_set_groups(sc, sgroups), 0);
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    CHECK_EQ(ctls_conn_set_server_name(c, sni ? sni : "localhost"), 0);
    int crc, src;
    tp_handshake(c, s, &crc, &src);
    CHECK_EQ(crc, expect_rc);
    if (expect_rc == 0) {
        CHECK_EQ(src, 0);
        CHECK_EQ(ctls_version(c), CTLS_TLS1_3);
        CHECK_EQ(ctls_version(s), CTLS_TLS1_3);
        CHECK(ctls_cipher_suite_name(c) &&
              strcmp(ctls_cipher_suite_name(c), ctls_cipher_suite_name(s)) == 0);
        if (suites) CHECK(strcmp(ctls_cipher_suite_name(c), suites) == 0);
        CHECK_EQ(ctls_verify_result(c), CTLS_VERIFY_OK);
        CHECK_EQ(ctls_state(c), CTLS_STATE_CONNECTED);
        CHECK_EQ(ctls_peer_cert_count(c), 2);
        tp_exchange(c, s, 100000, 0);
        tp_exchange(s, c, 100000, 0);
    }
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(every_suite)
{
    one_handshake("server-ecdsa", "TLS_AES_128_GCM_SHA256", NULL, NULL, NULL, 0);
    one_handshake("server-ecdsa", "TLS_AES_256_GCM_SHA384", NULL, NULL, NULL, 0);
    one_handshake("server-ecdsa", "TLS_CHACHA20_POLY1305_SHA256", NULL, NULL, NULL, 0);
}

TEST(every_group_and_hrr)
{
    one_handshake("server-ecdsa", NULL, "x25519", NULL, NULL, 0);
    one_handshake("server-ecdsa", NULL, "secp256r1", NULL, NULL, 0);
    one_handshake("server-ecdsa", NULL, "secp384r1", NULL, NULL, 0);
    /* the client's first share is x25519, the server only takes secp384r1: HRR */
    one_handshake("server-ecdsa", NULL, "x25519:secp384r1", "secp384r1", NULL, 0);
    /* nothing in common */
    one_handshake("server-ecdsa", NULL, "x25519", "secp384r1", NULL, CTLS_ERR_ALERT_RECEIVED);
}

TEST(every_key_type)
{
    one_handshake("server-rsa", NULL, NULL, NULL, NULL, 0);
    one_handshake("server-p384", NULL, NULL, NULL, NULL, 0);
    one_handshake("server-ed25519", NULL, NULL, NULL, NULL, 0);
}

TEST(verification_outcomes)
{
    one_handshake("bad-expired", NULL, NULL, NULL, NULL, CTLS_ERR_CERT_EXPIRED);
    one_handshake("bad-notyet", NULL, NULL, NULL, NULL, CTLS_ERR_CERT_NOT_YET_VALID);
    one_handshake("bad-selfsigned", NULL, NULL, NULL, NULL, CTLS_ERR_CERT_UNKNOWN_ROOT);
    one_handshake("bad-noint", NULL, NULL, NULL, NULL, CTLS_ERR_CERT_NO_ROOT);
    one_handshake("bad-host", NULL, NULL, NULL, NULL, CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    one_handshake("server-ecdsa", NULL, NULL, NULL, "other.example",
                  CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    one_handshake("bad-eku", NULL, NULL, NULL, NULL, CTLS_ERR_CERT_BAD_USAGE);
}

/* Byte-at-a-time and odd splits through the handshake and data. */
TEST(record_splits)
{
    size_t splits[] = {1, 7, 300};
    for (size_t i = 0; i < 3; i++) {
        ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
        ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
        ctls_conn_set_server_name(c, "localhost");
        int crc, src;
        CHECK_EQ(tp_handshake_split(c, s, splits[i], &crc, &src), 0);
        tp_exchange(c, s, 40000, splits[i]);
        tp_exchange(s, c, 40000, splits[i]);
        ctls_conn_free(c);
        ctls_conn_free(s);
        ctls_config_free(cc);
        ctls_config_free(sc);
    }
}

TEST(alpn_and_sni)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    CHECK_EQ(ctls_config_set_alpn(sc, "h2,http/1.1"), 0);
    CHECK_EQ(ctls_config_set_alpn(cc, "http/1.1,h2"), 0);
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    ctls_conn_set_server_name(c, "a.test.example");
    int crc, src;
    CHECK_EQ(tp_handshake(c, s, &crc, &src), 0);
    /* server preference wins */
    CHECK(ctls_alpn_selected(c) && strcmp(ctls_alpn_selected(c), "h2") == 0);
    CHECK(ctls_alpn_selected(s) && strcmp(ctls_alpn_selected(s), "h2") == 0);
    CHECK(ctls_server_name(s) && strcmp(ctls_server_name(s), "a.test.example") == 0);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(key_update_both_sides)
{
    tp_pair pr;
    CHECK_EQ(tp_pair_open(&pr, "server-ecdsa"), 0);
    ctls_conn *c = pr.c, *s = pr.s;
    CHECK_EQ(ctls_key_update(c, 1), 0);
    tp_exchange(c, s, 1000, 0);
    tp_exchange(s, c, 1000, 0); /* the server answered the request: the client reads new keys */
    CHECK_EQ(ctls_key_update(s, 0), 0);
    tp_exchange(s, c, 1000, 0);
    tp_exchange(c, s, 1000, 0);
    tp_pair_close(&pr);
}

TEST(shutdown_orderings)
{
    tp_pair pr;
    CHECK_EQ(tp_pair_open(&pr, "server-ecdsa"), 0);
    ctls_conn *c = pr.c, *s = pr.s;
    unsigned char b[16];
    CHECK_EQ(ctls_shutdown(c), 0); /* close_notify sent, the peer's not seen */
    CHECK_EQ(ctls_shutdown_flags(c), CTLS_SENT_SHUTDOWN);
    CHECK_EQ(ctls_write(c, "x", 1), CTLS_ERR_SHUTDOWN);
    tp_pump(c, s, 0);
    /* the server still sends data after our close_notify: it is delivered */
    CHECK_EQ(ctls_write(s, "late", 4), 4);
    CHECK_EQ(ctls_read(s, b, sizeof b), 0); /* the client's close_notify */
    CHECK_EQ(ctls_read(s, b, sizeof b), 0); /* and again */
    CHECK_EQ(ctls_shutdown_flags(s), CTLS_RECEIVED_SHUTDOWN);
    CHECK_EQ(ctls_shutdown(s), 1); /* both done */
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(c, b, sizeof b), 4);
    CHECK_EQ(ctls_shutdown(c), 1);
    CHECK_EQ(ctls_state(c), CTLS_STATE_CLOSED);
    CHECK_EQ(ctls_shutdown_flags(c), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    tp_pair_close(&pr);
}

TEST(truncation)
{
    tp_pair pr;
    CHECK_EQ(tp_pair_open(&pr, "server-ecdsa"), 0);
    ctls_conn *c = pr.c;
    unsigned char b[16];
    CHECK_EQ(ctls_read(c, b, sizeof b), CTLS_WANT_READ);
    CHECK_EQ(ctls_conn_feed_eof(c), 0);
    CHECK_EQ(ctls_read(c, b, sizeof b), CTLS_ERR_TRUNCATED);
    CHECK_EQ(ctls_read(c, b, sizeof b), CTLS_ERR_TRUNCATED); /* sticky */
    CHECK_EQ(ctls_state(c), CTLS_STATE_ABORTED);
    tp_pair_close(&pr);
}

TEST(tampered_record_is_bad_record_mac)
{
    tp_pair pr;
    CHECK_EQ(tp_pair_open(&pr, "server-ecdsa"), 0);
    ctls_conn *c = pr.c, *s = pr.s;
    CHECK_EQ(ctls_write(c, "hello", 5), 5);
    const void *p;
    size_t n = ctls_conn_output(c, &p);
    unsigned char *copy = malloc(n);
    memcpy(copy, p, n);
    copy[n - 1] ^= 1;
    ctls_conn_consume_output(c, n);
    size_t used;
    CHECK_EQ(ctls_conn_feed(s, copy, n, &used), 0);
    unsigned char b[16];
    CHECK_EQ(ctls_read(s, b, sizeof b), CTLS_ERR_BAD_RECORD_MAC);
    /* the server sent a bad_record_mac alert to the client */
    tp_pump(s, c, 0);
    CHECK_EQ(ctls_read(c, b, sizeof b), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(c), CTLS_ALERT_BAD_RECORD_MAC);
    free(copy);
    tp_pair_close(&pr);
}

TEST(refused_versions_and_suites)
{
    ctls_config *cc = ctls_config_new(CTLS_CLIENT);
    CHECK_EQ(ctls_config_set_versions(cc, 0x0301, CTLS_TLS1_3), CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_versions(cc, 0x0300, 0x0300), CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_cipher_suites(cc, "TLS_RSA_WITH_AES_128_CBC_SHA"),
             CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_cipher_suites(cc, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
             CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_cipher_suites(cc, "NOT_A_SUITE"), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_groups(cc, "ffdhe2048"), CTLS_ERR_INVALID_ARG);
    ctls_config_free(cc);
}

/* Regressions from interop: a server that asked for no certificate reports NOT_VERIFIED; a
 * zero-length read is an argument error (0 always means close_notify). */
TEST(server_verify_result_and_zero_read)
{
    tp_pair pr;
    CHECK_EQ(tp_pair_open(&pr, "server-ecdsa"), 0);
    ctls_conn *c = pr.c, *s = pr.s;
    CHECK_EQ(ctls_verify_result(s), CTLS_CERT_NOT_VERIFIED);
    CHECK_EQ(ctls_verify_result(c), CTLS_VERIFY_OK);
    unsigned char b[4];
    CHECK_EQ(ctls_read(c, b, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_write(c, "ok", 2), 2); /* the connection is still usable */
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(s, b, sizeof b), 2);
    tp_pair_close(&pr);
}

/* ctls_read decrypts a record straight into the caller's buffer when it fits; a record that
 * turns out not to be application data (a KeyUpdate) goes back to the engine and leaves none of
 * its plaintext in the caller's buffer. */
TEST(direct_read_paths)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    ctls_config_set_session_tickets(sc, 0);
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    ctls_conn_set_server_name(c, "localhost");
    int crc, src;
    CHECK_EQ(tp_handshake(c, s, &crc, &src), 0);
    unsigned char big[20000];
    CHECK_EQ(ctls_key_update(s, 0), 0);
    tp_pump(s, c, 0);
    memset(big, 0xaa, sizeof big);
    CHECK_EQ(ctls_read(c, big, sizeof big), CTLS_WANT_READ);
    int leftover = 0;
    for (size_t i = 0; i < sizeof big; i++)
        leftover |= big[i] != 0xaa && big[i] != 0;
    CHECK(!leftover); /* wiped, not the KeyUpdate's bytes */
    CHECK(big[4] == 0 || big[4] == 0xaa);
    /* big read: direct; small reads: through the engine's buffer */
    CHECK_EQ(ctls_write(s, "0123456789", 10), 10);
    CHECK_EQ(ctls_write(s, "abcdefghij", 10), 10);
    tp_pump(s, c, 0);
    CHECK_EQ(ctls_read(c, big, sizeof big), 10);
    CHECK_MEM(big, "0123456789", 10);
    unsigned char small[4];
    CHECK_EQ(ctls_read(c, small, 4), 4);
    CHECK_MEM(small, "abcd", 4);
    CHECK_EQ(ctls_read(c, big, sizeof big), 6); /* the rest of that record, then nothing */
    CHECK_MEM(big, "efghij", 6);
    CHECK_EQ(ctls_read(c, big, sizeof big), CTLS_WANT_READ);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* Secure by default: a verifying client without a name to check does not start. */
TEST(verifying_client_needs_a_name)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    CHECK_EQ(ctls_handshake(c), CTLS_ERR_NO_SERVER_NAME);
    CHECK_EQ(ctls_state(c), CTLS_STATE_IDLE); /* nothing sent; fixable */
    const void *p;
    CHECK_EQ(ctls_conn_output(c, &p), 0);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    int crc, src;
    CHECK_EQ(tp_handshake(c, s, &crc, &src), 0);
    ctls_conn_free(c);
    ctls_conn_free(s);
    /* an IP literal is a name to verify (iPAddress SAN) */
    c = ctls_conn_new(cc);
    s = ctls_conn_new(sc);
    CHECK_EQ(ctls_conn_set_server_name(c, "127.0.0.1"), 0);
    CHECK_EQ(tp_handshake(c, s, &crc, &src), 0);
    CHECK(ctls_server_name(s) == NULL); /* not sent as SNI (RFC 6066 3) */
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* SSL_shutdown: a first call that could not flush (WANT_WRITE) is retried and then returns 0
 * once close_notify is out; it does not start waiting for the peer's. */
typedef struct {
    unsigned char q[65536]; /* bytes waiting to be pulled by this side */
    size_t n;
    struct pipe_end *peer;
    int block_push;
} pipe_end;

static ssize_t pe_push(void *ctx, const void *buf, size_t len)
{
    pipe_end *e = ctx;
    pipe_end *p = (pipe_end *)e->peer;
    if (e->block_push || p->n + len > sizeof p->q) {
        errno = EAGAIN;
        return -1;
    }
    memcpy(p->q + p->n, buf, len);
    p->n += len;
    return (ssize_t)len;
}

static ssize_t pe_pull(void *ctx, void *buf, size_t len)
{
    pipe_end *e = ctx;
    if (e->n == 0) {
        errno = EAGAIN;
        return -1;
    }
    size_t k = len < e->n ? len : e->n;
    memcpy(buf, e->q, k);
    memmove(e->q, e->q + k, e->n - k);
    e->n -= k;
    return (ssize_t)k;
}

TEST(shutdown_retry_after_want_write)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    static pipe_end ce, se;
    memset(&ce, 0, sizeof ce);
    memset(&se, 0, sizeof se);
    ce.peer = (struct pipe_end *)&se;
    se.peer = (struct pipe_end *)&ce;
    CHECK_EQ(ctls_conn_set_transport(c, pe_push, pe_pull, NULL, &ce), 0);
    CHECK_EQ(ctls_conn_set_transport(s, pe_push, pe_pull, NULL, &se), 0);
    ctls_conn_set_server_name(c, "localhost");
    int cr = 1, sr = 1;
    for (int i = 0; i < 100 && (cr || sr); i++) {
        if (cr) cr = ctls_handshake(c);
        if (sr) sr = ctls_handshake(s);
    }
    CHECK_EQ(cr, 0);
    CHECK_EQ(sr, 0);
    se.block_push = 1;
    CHECK_EQ(ctls_shutdown(s), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_direction(s), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_shutdown_flags(s), CTLS_SENT_SHUTDOWN);
    CHECK_EQ(ctls_shutdown(s), CTLS_WANT_WRITE); /* still blocked */
    se.block_push = 0;
    CHECK_EQ(ctls_shutdown(s), 0);              /* close_notify out; the peer's not seen yet */
    CHECK_EQ(ctls_shutdown(s), CTLS_WANT_READ); /* now it waits for the peer's */
    unsigned char b[4];
    CHECK_EQ(ctls_read(c, b, sizeof b), 0);
    CHECK_EQ(ctls_shutdown(c), 1);
    CHECK_EQ(ctls_shutdown(s), 1);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(every_suite);
    RUN(every_group_and_hrr);
    RUN(every_key_type);
    RUN(verification_outcomes);
    RUN(record_splits);
    RUN(alpn_and_sni);
    RUN(key_update_both_sides);
    RUN(shutdown_orderings);
    RUN(truncation);
    RUN(tampered_record_is_bad_record_mac);
    RUN(refused_versions_and_suites);
    RUN(server_verify_result_and_zero_read);
    RUN(verifying_client_needs_a_name);
    RUN(direct_read_paths);
    RUN(shutdown_retry_after_want_write);
    return th_summary();
}
