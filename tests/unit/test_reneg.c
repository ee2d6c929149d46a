/* TLS 1.2 renegotiation (RFC 5246 7.4.1.1, RFC 5746) between a ctls client and a ctls server
 * in memory: server- and client-initiated, data before / during / after, new keys and a new
 * master secret, the default refusal, renegotiation_info mismatches both ways, a changed
 * server or client certificate, a client certificate asked for only in the renegotiation
 * (ctls_conn_set_verify), the handshake timeout (memory and the socket transports), the rate
 * cap, byte-at-a-time delivery, and TLS 1.3 (none). */
#include "harness.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/internal.h"
#include "hs/hs.h"
#include "pair.h"
#include "session/session.h"
#include "transport.h"

typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
} rpair;

/* The configs: a TLS 1.2 client, a server with cert; allow_c / allow_s:
 * ctls_config_set_renegotiation on each side. The caller may change them before rp_conns. */
static void rp_configs(rpair *p, const char *cert, int allow_c, int allow_s, const char *suite)
{
    p->sc = tp_server_config(cert);
    p->cc = tp_client_config();
    CHECK(p->sc && p->cc);
    CHECK_EQ(ctls_config_set_versions(p->cc, CTLS_TLS1_2, CTLS_TLS1_2), 0);
    CHECK_EQ(ctls_config_set_versions(p->sc, CTLS_TLS1_2, CTLS_TLS1_3), 0);
    if (suite) CHECK_EQ(ctls_config_set_cipher_suites(p->cc, suite), 0);
    CHECK_EQ(ctls_config_set_renegotiation(p->cc, allow_c), 0);
    CHECK_EQ(ctls_config_set_renegotiation(p->sc, allow_s), 0);
}

/* The connections (SNI localhost), not yet connected. */
static void rp_conns(rpair *p)
{
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK_EQ(ctls_conn_set_server_name(p->c, "localhost"), 0);
}

static void rp_open(rpair *p, const char *cert, int allow_c, int allow_s, const char *suite)
{
    rp_configs(p, cert, allow_c, allow_s, suite);
    rp_conns(p);
    int crc, src;
    CHECK_EQ(tp_handshake(p->c, p->s, &crc, &src), 0);
    CHECK_EQ(ctls_version(p->c), CTLS_TLS1_2);
}

static void rp_close(rpair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

/* Pump and read on both sides until each has completed `want` renegotiations; nothing but
 * CTLS_WANT_READ may come back (no application data is in flight). */
static void drive(rpair *p, int want, size_t split)
{
    unsigned char b[64];
    for (int i = 0; i < 200000; i++) {
        if (ctls_renegotiations(p->c) >= want && ctls_renegotiations(p->s) >= want) break;
        tp_pump(p->c, p->s, split);
        CHECK_EQ(ctls_read(p->c, b, sizeof b), CTLS_WANT_READ);
        CHECK_EQ(ctls_read(p->s, b, sizeof b), CTLS_WANT_READ);
    }
    CHECK_EQ(ctls_renegotiations(p->c), want);
    CHECK_EQ(ctls_renegotiations(p->s), want);
    CHECK_EQ(ctls_state(p->c), CTLS_STATE_CONNECTED);
    CHECK_EQ(ctls_state(p->s), CTLS_STATE_CONNECTED);
}

/* Copy of the client's newest session's master secret (TLS 1.2: psk). */
static void master_of(ctls_conn *c, uint8_t out[48])
{
    ctls_session *s = ctls_conn_get_session(c);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_EQ(s->psk_len, 48);
    memcpy(out, s->psk, 48);
    ctls_session_free(s);
}

/* The request `asker` queued (ctls_renegotiate) reaches `refuser`, which answers it with a
 * warning no_renegotiation: the asker's ctls_read reports the refusal, nothing changed. */
static void refused(ctls_conn *asker, ctls_conn *refuser)
{
    unsigned char b[16];
    int before = ctls_renegotiations(asker);
    tp_pump(asker, refuser, 0);
    CHECK_EQ(ctls_read(refuser, b, sizeof b), CTLS_WANT_READ);
    CHECK(refuser->hs == NULL);
    tp_pump(refuser, asker, 0);
    CHECK_EQ(ctls_read(asker, b, sizeof b), CTLS_ERR_RENEGOTIATION_REFUSED);
    CHECK_EQ(ctls_alert_received(asker), CTLS_ALERT_NO_RENEGOTIATION);
    CHECK(asker->hs == NULL);
    CHECK_EQ(ctls_renegotiations(asker), before);
    CHECK_EQ(ctls_state(asker), CTLS_STATE_CONNECTED);
    tp_exchange(asker, refuser, 3000, 0);
    tp_exchange(refuser, asker, 3000, 0);
}

static void read_exact(ctls_conn *c, const char *want)
{
    char b[64];
    size_t n = strlen(want);
    CHECK_EQ(ctls_read(c, b, sizeof b), (ssize_t)n);
    CHECK(memcmp(b, want, n) == 0);
}

/* Server-initiated, step by step: HelloRequest, data around and inside the handshake, the
 * write window, new keys (a new master secret in the new session), verification kept. */
TEST(server_initiated)
{
    static const char *suites[] = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                   "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                                   "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"};
    for (size_t k = 0; k < sizeof suites / sizeof *suites; k++) {
        rpair p;
        rp_open(&p, "server-ecdsa", 1, 1, suites[k]);
        unsigned char b[64];
        /* the first handshake's ticket carries its master secret */
        CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ);
        uint8_t m0[48], m1[48];
        master_of(p.c, m0);
        tp_exchange(p.c, p.s, 3000, 0);
        uint8_t civ[CTLS_AEAD_NONCE_LEN], siv[CTLS_AEAD_NONCE_LEN];
        memcpy(civ, p.c->wr.iv, sizeof civ);
        memcpy(siv, p.s->wr.iv, sizeof siv);
        CHECK_EQ(ctls_renegotiate(p.s), 0);        /* HelloRequest */
        CHECK_EQ(ctls_write(p.s, "before", 6), 6); /* allowed until the ClientHello */
        tp_pump(p.s, p.c, 0);
        /* the client starts (ClientHello) and still returns the data behind the request */
        read_exact(p.c, "before");
        CHECK(p.c->hs != NULL);
        CHECK_EQ(ctls_write(p.c, "x", 1), CTLS_WANT_READ); /* none inside the handshake */
        CHECK_EQ(ctls_renegotiate(p.s), 0); /* a second HelloRequest: ignored by the client */
        tp_pump(p.c, p.s, 0);
        /* the server answers ClientHello (and the extra HelloRequest gets ignored) */
        CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
        CHECK(p.s->hs != NULL);
        CHECK_EQ(ctls_renegotiate(p.s), CTLS_ERR_BAD_STATE); /* one at a time */
        CHECK_EQ(ctls_write(p.s, "y", 1), CTLS_WANT_READ);
        CHECK_EQ(ctls_state(p.s), CTLS_STATE_CONNECTED);
        drive(&p, 1, 0);
        CHECK(p.c->hs == NULL && p.s->hs == NULL);
        master_of(p.c, m1);
        CHECK(memcmp(m0, m1, 48) != 0); /* a new master secret */
        CHECK_EQ(ctls_verify_result(p.c), CTLS_VERIFY_OK);
        /* both directions changed keys (the IVs come from the new key block) */
        CHECK(memcmp(civ, p.c->wr.iv, sizeof civ) != 0);
        CHECK(memcmp(siv, p.s->wr.iv, sizeof siv) != 0);
        CHECK_MEM(p.c->wr.iv, p.s->rd.iv, sizeof civ);
        tp_exchange(p.c, p.s, 70000, 0);
        tp_exchange(p.s, p.c, 70000, 0);
        /* and again, byte-at-a-time */
        CHECK_EQ(ctls_renegotiate(p.s), 0);
        drive(&p, 2, 1);
        tp_exchange(p.c, p.s, 1000, 7);
        tp_exchange(p.s, p.c, 1000, 7);
        CHECK_EQ(ctls_shutdown(p.c), 0);
        tp_pump(p.c, p.s, 0);
        CHECK_EQ(ctls_read(p.s, b, sizeof b), 0);
        rp_close(&p);
    }
}

/* The client starts (ctls_renegotiate on a client: only with the opt-in). */
TEST(client_initiated)
{
    rpair p;
    rp_open(&p, "server-rsa", 1, 1, NULL);
    CHECK_EQ(ctls_renegotiate(p.c), 0); /* ClientHello */
    CHECK_EQ(ctls_write(p.c, "z", 1), CTLS_WANT_READ);
    drive(&p, 1, 0);
    tp_exchange(p.c, p.s, 20000, 0);
    tp_exchange(p.s, p.c, 20000, 0);
    rp_close(&p);

    /* no opt-in on the client: a client cannot start one */
    rp_open(&p, "server-rsa", 0, 1, NULL);
    CHECK_EQ(ctls_renegotiate(p.c), CTLS_ERR_BAD_STATE);
    rp_close(&p);

    /* the server refuses (default): the client hears no_renegotiation and goes on */
    rp_open(&p, "server-rsa", 1, 0, NULL);
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    refused(p.c, p.s);
    rp_close(&p);
}

/* Off by default on the client: the server's request is refused, as before. */
TEST(default_refusal)
{
    rpair p;
    rp_open(&p, "server-ecdsa", 0, 1, NULL);
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    refused(p.s, p.c);
    rp_close(&p);
}

/* Test hooks corrupting renegotiation_info in a renegotiation's hello (12 / 24 bytes). */
static uint8_t bad_ri[24];
static int corrupt_ch(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    if (m->renegotiation_info.len != 12) return 0;
    memcpy(bad_ri, m->renegotiation_info.p, 12);
    bad_ri[11] ^= 0x80;
    m->renegotiation_info.p = bad_ri;
    return 0;
}
static int corrupt_sh(void *ctx, msg_server_hello *m)
{
    (void)ctx;
    if (m->renegotiation_info.len != 24) return 0;
    memcpy(bad_ri, m->renegotiation_info.p, 24);
    bad_ri[20] ^= 0x01; /* in server_verify_data */
    m->renegotiation_info.p = bad_ri;
    return 0;
}

/* Run a renegotiation that one side must abort with err; the other sees the alert. */
static void expect_failure(rpair *p, ctls_conn *fails, int err, int alert)
{
    unsigned char b[16];
    ctls_conn *other = fails == p->c ? p->s : p->c;
    int rf = CTLS_WANT_READ, ro = CTLS_WANT_READ;
    for (int i = 0; i < 20 && rf == CTLS_WANT_READ; i++) {
        tp_pump(p->c, p->s, 0);
        rf = (int)ctls_read(fails, b, sizeof b);
        if (rf == CTLS_WANT_READ) CHECK_EQ(ctls_read(other, b, sizeof b), CTLS_WANT_READ);
    }
    CHECK_EQ(rf, err);
    CHECK_EQ(ctls_state(fails), CTLS_STATE_ABORTED);
    tp_pump(p->c, p->s, 0);
    ro = (int)ctls_read(other, b, sizeof b);
    CHECK_EQ(ro, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(other), alert);
}

TEST(renegotiation_info_mismatch)
{
    rpair p;
    /* the client's renegotiated_connection is not the client_verify_data: the server aborts */
    rp_open(&p, "server-ecdsa", 1, 1, NULL);
    hs_test_client_hooks ch = {.client_hello = corrupt_ch};
    hs_test_client_hook = &ch;
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    hs_test_client_hook = NULL;
    expect_failure(&p, p.s, CTLS_ERR_HANDSHAKE_FAILURE, CTLS_ALERT_HANDSHAKE_FAILURE);
    rp_close(&p);
    /* the server's is not client_verify_data || server_verify_data: the client aborts */
    rp_open(&p, "server-ecdsa", 1, 1, NULL);
    hs_test_server_hooks sh = {.server_hello = corrupt_sh};
    hs_test_server_hook = &sh;
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    expect_failure(&p, p.c, CTLS_ERR_HANDSHAKE_FAILURE, CTLS_ALERT_HANDSHAKE_FAILURE);
    hs_test_server_hook = NULL;
    rp_close(&p);
}

/* The renegotiation's ClientHello offers only suites for the other certificate. */
static uint8_t other_suite[2];
static int other_auth(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    if (m->renegotiation_info.len == 12) m->cipher_suites = (ctls_slice){other_suite, 2};
    return 0;
}

TEST(server_certificate_changed)
{
    rpair p;
    rp_configs(&p, "server-ecdsa", 1, 1,
               "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    CHECK_EQ(
        ctls_config_add_cert_chain_file(p.sc, tp_cert("server-rsa.pem"), tp_cert("server-rsa.key")),
        0);
    rp_conns(&p);
    int crc, src;
    CHECK_EQ(tp_handshake(p.c, p.s, &crc, &src), 0);
    const char *first = ctls_cipher_suite_name(p.c);
    CHECK(first != NULL);
    int ecdsa = first && strstr(first, "ECDSA") != NULL;
    other_suite[0] = 0xc0;
    other_suite[1] = ecdsa ? 0x2f : 0x2b;
    hs_test_client_hooks ch = {.client_hello = other_auth};
    hs_test_client_hook = &ch;
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    hs_test_client_hook = NULL;
    expect_failure(&p, p.c, CTLS_ERR_PEER_CERT_CHANGED, CTLS_ALERT_ILLEGAL_PARAMETER);
    CHECK(strcmp(ctls_strerror(CTLS_ERR_PEER_CERT_CHANGED), "unknown error") != 0);
    rp_close(&p);
}

/* Client certificates and the server-auth break point in a renegotiation: the server asks
 * and verifies again, the client answers without pausing. */
TEST(authentication)
{
    rpair p;
    rp_configs(&p, "server-ecdsa", 1, 1, NULL);
    CHECK_EQ(ctls_config_set_verify(p.sc, CTLS_VERIFY_REQUIRE_PEER), 0);
    CHECK_EQ(ctls_config_load_trust_file(p.sc, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_config_set_verify_time(p.sc, 1767225600), 0);
    CHECK_EQ(ctls_config_add_cert_chain_file(p.cc, tp_cert("client.pem"), tp_cert("client.key")),
             0);
    CHECK_EQ(ctls_config_set_break_on_server_auth(p.cc, 1), 0);
    CHECK_EQ(ctls_config_set_break_on_cert_requested(p.cc, 1), 0);
    rp_conns(&p);
    int crc, src;
    CHECK(tp_handshake(p.c, p.s, &crc, &src) != 0);
    CHECK_EQ(crc, CTLS_PAUSED_CERT_REQUESTED); /* TLS 1.2: before ServerHelloDone */
    CHECK(tp_handshake(p.c, p.s, &crc, &src) != 0);
    CHECK_EQ(crc, CTLS_PAUSED_SERVER_AUTH);
    CHECK_EQ(tp_handshake(p.c, p.s, &crc, &src), 0);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    drive(&p, 1, 0); /* no pause: drive accepts nothing but CTLS_WANT_READ */
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    CHECK_EQ(ctls_verify_result(p.c), CTLS_VERIFY_OK);
    CHECK(ctls_peer_cert_count(p.s) >= 1);
    tp_exchange(p.c, p.s, 2000, 0);
    tp_exchange(p.s, p.c, 2000, 0);
    rp_close(&p);
}

/* ---- the handshake timeout ----------------------------------------------------------------- */

#define RENEG_TIMEOUT_MS 400

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A connected pair, both sides with the handshake timeout set before the handshake. */
static void rp_open_timeout(rpair *p, int allow_c)
{
    rp_configs(p, "server-ecdsa", allow_c, 1, NULL);
    rp_conns(p);
    CHECK_EQ(ctls_conn_set_handshake_timeout(p->c, RENEG_TIMEOUT_MS), 0);
    CHECK_EQ(ctls_conn_set_handshake_timeout(p->s, RENEG_TIMEOUT_MS), 0);
    int crc, src;
    CHECK_EQ(tp_handshake(p->c, p->s, &crc, &src), 0);
    /* the first handshake's deadline is over and no longer applies */
    sleep_ms(RENEG_TIMEOUT_MS + 50);
    unsigned char b[16];
    CHECK_EQ(ctls_read(p->c, b, sizeof b), CTLS_WANT_READ);
    CHECK_EQ(ctls_read(p->s, b, sizeof b), CTLS_WANT_READ);
}

/* x waited past the timeout for its peer: the call fails like an initial handshake's. */
static void timed_out(ctls_conn *x, int by_write)
{
    unsigned char b[16];
    sleep_ms(RENEG_TIMEOUT_MS + 50);
    if (by_write)
        CHECK_EQ(ctls_write(x, "late", 4), CTLS_ERR_TIMEOUT);
    else
        CHECK_EQ(ctls_read(x, b, sizeof b), CTLS_ERR_TIMEOUT);
    CHECK_EQ(ctls_state(x), CTLS_STATE_ABORTED);
    CHECK_EQ(ctls_read(x, b, sizeof b), CTLS_ERR_TIMEOUT); /* sticky */
}

/* ctls_conn_set_handshake_timeout bounds a renegotiation as it bounds the first handshake:
 * from the server's HelloRequest (RFC 5246 7.4.1.1: a server whose request gets no
 * ClientHello may close the connection), and inside the handshake on both sides, whether
 * ctls_read or ctls_write waits; it stops when a renegotiation completes or is refused. */
TEST(timeout)
{
    unsigned char b[16];
    rpair p;
    /* the HelloRequest gets no answer (the client never reads) */
    rp_open_timeout(&p, 1);
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ); /* not expired yet */
    timed_out(p.s, 0);
    rp_close(&p);

    /* the server answered the client's ClientHello; the client goes silent */
    rp_open_timeout(&p, 1);
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    CHECK(p.s->hs != NULL);
    timed_out(p.s, 0);
    rp_close(&p);

    /* the client's ClientHello gets no answer: ctls_write (which drives the handshake) and
     * ctls_read time out */
    rp_open_timeout(&p, 1);
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    CHECK_EQ(ctls_write(p.c, "x", 1), CTLS_WANT_READ);
    timed_out(p.c, 1);
    rp_close(&p);

    /* completed in time: the deadline stops; a second renegotiation gets a new one */
    rp_open_timeout(&p, 1);
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    drive(&p, 1, 0);
    sleep_ms(RENEG_TIMEOUT_MS + 50);
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    tp_exchange(p.c, p.s, 1000, 0);
    tp_exchange(p.s, p.c, 1000, 0);
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    drive(&p, 2, 0);
    rp_close(&p);

    /* refused: the deadline of the HelloRequest stops too */
    rp_open_timeout(&p, 0);
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    refused(p.s, p.c);
    sleep_ms(RENEG_TIMEOUT_MS + 50);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    tp_exchange(p.c, p.s, 100, 0);
    rp_close(&p);
}

/* A client on a socket that completes the handshake and then says nothing until released. */
typedef struct {
    tt_end e;
    int release;
} silent_peer;

static void silent_peer_main(void *arg)
{
    silent_peer *sp = arg;
    TT_CHECK_EQ(tt_call(&sp->e, TT_HANDSHAKE, NULL, 0), 0);
    while (!__atomic_load_n(&sp->release, __ATOMIC_ACQUIRE))
        sleep_ms(5);
}

/* The same over each transport, the server's ctls_read waiting the way the transport waits:
 * poll() on a blocking fd, the deadline on each call with O_NONBLOCK and memory, pull_timeout
 * with callbacks. */
TEST(timeout_transports)
{
    for (int kind = 0; kind < TT_KINDS; kind++) {
        tt_set_label(tt_kind_name(kind));
        rpair p;
        rp_configs(&p, "server-ecdsa", 1, 1, NULL);
        rp_conns(&p);
        int sv[2];
        CHECK_EQ(tt_socketpair(sv), 0);
        silent_peer cl;
        memset(&cl, 0, sizeof cl);
        tt_end es;
        CHECK_EQ(tt_attach(&cl.e, TT_FD_BLOCKING, p.c, sv[1]), 0);
        CHECK_EQ(tt_attach(&es, kind, p.s, sv[0]), 0);
        es.limit_ms = 4000;
        CHECK_EQ(ctls_conn_set_handshake_timeout(p.s, RENEG_TIMEOUT_MS), 0);
        tt_thread t;
        CHECK_EQ(tt_spawn(&t, silent_peer_main, &cl), 0);
        CHECK_EQ(tt_call(&es, TT_HANDSHAKE, NULL, 0), 0);
        CHECK_EQ(ctls_renegotiate(p.s), 0);
        unsigned char b[16];
        long long t0 = tt_now_ms();
        long rc = tt_call(&es, TT_READ, b, sizeof b);
        long long ms = tt_now_ms() - t0;
        if (rc != CTLS_ERR_TIMEOUT) fprintf(stderr, "  %s: %ld\n", tt_kind_name(kind), rc);
        CHECK_EQ(rc, CTLS_ERR_TIMEOUT);
        CHECK(ms >= RENEG_TIMEOUT_MS - 50 && ms < 3000);
        __atomic_store_n(&cl.release, 1, __ATOMIC_RELEASE);
        tt_join(&t);
        tt_close(&es, 0);
        tt_close(&cl.e, 0);
        rp_close(&p);
    }
    tt_set_label(NULL);
}

/* ---- client certificates -------------------------------------------------------------------- */

/* A server that trusts the test CA (verify mode smode, the config's) and a client holding
 * client.pem, both with the renegotiation opt-in; not connected yet. */
static void rp_auth_configs(rpair *p, int smode)
{
    rp_configs(p, "server-ecdsa", 1, 1, NULL);
    CHECK_EQ(ctls_config_set_verify(p->sc, smode), 0);
    CHECK_EQ(ctls_config_load_trust_file(p->sc, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_config_set_verify_time(p->sc, 1767225600), 0);
    CHECK_EQ(ctls_config_add_cert_chain_file(p->cc, tp_cert("client.pem"), tp_cert("client.key")),
             0);
}

static void rp_handshake(rpair *p)
{
    int crc, src;
    CHECK_EQ(tp_handshake(p->c, p->s, &crc, &src), 0);
    CHECK_EQ(ctls_version(p->c), CTLS_TLS1_2);
}

/* rp_auth_configs, connected: the server has the client's certificate when smode asks. */
static void rp_auth_open(rpair *p, int smode)
{
    rp_auth_configs(p, smode);
    rp_conns(p);
    rp_handshake(p);
    if (smode != CTLS_VERIFY_NONE) tp_check_chain(p->s, "client.pem");
}

/* The client's certificate may not change in a renegotiation (RFC 7627 1 / 5.4: the triple
 * handshake attack switched certificates under renegotiation): like a client for the server's
 * (server_certificate_changed), the server refuses another leaf, or none after one, with
 * CTLS_ERR_PEER_CERT_CHANGED and illegal_parameter. A client that sent none first may send one
 * now, and then must keep it. */
TEST(client_certificate_changed)
{
    /* another valid client certificate in the renegotiation */
    rpair p;
    rp_auth_open(&p, CTLS_VERIFY_PEER);
    cfg_cert other, mine = p.cc->certs[0];
    tp_load_cert(&other, "client2");
    p.cc->certs[0] = other;
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    expect_failure(&p, p.s, CTLS_ERR_PEER_CERT_CHANGED, CTLS_ALERT_ILLEGAL_PARAMETER);
    p.cc->certs[0] = mine;
    cfg_cert_clear(&other);
    rp_close(&p);

    /* none after one (the server asks, CTLS_VERIFY_PEER: an empty Certificate is allowed
     * otherwise) */
    rp_auth_open(&p, CTLS_VERIFY_PEER);
    p.cc->n_certs = 0;
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    expect_failure(&p, p.s, CTLS_ERR_PEER_CERT_CHANGED, CTLS_ALERT_ILLEGAL_PARAMETER);
    p.cc->n_certs = 1;
    rp_close(&p);

    /* none first, then one: allowed, reported; then the same again: allowed */
    rp_auth_configs(&p, CTLS_VERIFY_PEER);
    rp_conns(&p);
    p.cc->n_certs = 0;
    rp_handshake(&p);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_CERT_NO_CERTIFICATE);
    CHECK_EQ(ctls_peer_cert_count(p.s), 0);
    p.cc->n_certs = 1;
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    drive(&p, 1, 0);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    tp_check_chain(p.s, "client.pem");
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    drive(&p, 2, 0);
    tp_check_chain(p.s, "client.pem");
    tp_exchange(p.c, p.s, 1000, 0);
    rp_close(&p);
}

/* The "per-directory client authentication" pattern: a server asks for no certificate in the
 * handshake and for one in a renegotiation it starts (ctls_conn_set_verify, then
 * ctls_renegotiate); ctls_peer_cert_* and ctls_verify_result then report the renegotiation's
 * certificate. */
TEST(client_auth_only_in_renegotiation)
{
    static const struct {
        int cfg_mode, mode, with_cert, err;
        unsigned flags;
    } cases[] = {
        /* a config that asks for nothing; the connection asks later */
        {CTLS_VERIFY_NONE, CTLS_VERIFY_REQUIRE_PEER, 1, 0, CTLS_VERIFY_OK},
        {CTLS_VERIFY_NONE, CTLS_VERIFY_PEER, 1, 0, CTLS_VERIFY_OK},
        {CTLS_VERIFY_NONE, CTLS_VERIFY_PEER, 0, 0, CTLS_CERT_NO_CERTIFICATE},
        /* RFC 5246 7.4.6: no certificate where one is demanded: handshake_failure */
        {CTLS_VERIFY_NONE, CTLS_VERIFY_REQUIRE_PEER, 0, CTLS_ERR_HANDSHAKE_FAILURE, 0},
        /* a config that demands one; the connection waits for the renegotiation */
        {CTLS_VERIFY_REQUIRE_PEER, CTLS_VERIFY_REQUIRE_PEER, 1, 0, CTLS_VERIFY_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rpair p;
        rp_auth_configs(&p, cases[i].cfg_mode);
        if (!cases[i].with_cert) p.cc->n_certs = 0;
        rp_conns(&p);
        if (cases[i].cfg_mode != CTLS_VERIFY_NONE)
            CHECK_EQ(ctls_conn_set_verify(p.s, CTLS_VERIFY_NONE), 0); /* before the handshake */
        rp_handshake(&p);
        /* nothing was asked for */
        CHECK_EQ(ctls_peer_cert_count(p.s), 0);
        CHECK_EQ(ctls_verify_result(p.s), CTLS_CERT_NOT_VERIFIED);
        CHECK_EQ(ctls_conn_set_verify(p.s, cases[i].mode), 0);
        CHECK_EQ(ctls_renegotiate(p.s), 0);
        if (cases[i].err) {
            expect_failure(&p, p.s, cases[i].err, CTLS_ALERT_HANDSHAKE_FAILURE);
        } else {
            drive(&p, 1, 0);
            CHECK_EQ(ctls_verify_result(p.s), cases[i].flags);
            if (cases[i].with_cert) {
                tp_check_chain(p.s, "client.pem");
                CHECK(ctls_signature_scheme_name(p.s) != NULL);
            } else {
                CHECK_EQ(ctls_peer_cert_count(p.s), 0);
            }
            tp_exchange(p.c, p.s, 1000, 0);
            tp_exchange(p.s, p.c, 1000, 0);
        }
        p.cc->n_certs = 1;
        rp_close(&p);
    }
}

/* Asked in the handshake, not in the renegotiation (the connection switched to
 * CTLS_VERIFY_NONE): the client sends no Certificate and no CertificateVerify this time, and
 * the certificate of the handshake still stands. */
TEST(client_auth_only_in_handshake)
{
    rpair p;
    rp_auth_open(&p, CTLS_VERIFY_REQUIRE_PEER);
    CHECK_EQ(ctls_conn_set_verify(p.s, CTLS_VERIFY_NONE), 0);
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    drive(&p, 1, 0);
    tp_check_chain(p.s, "client.pem");
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    tp_exchange(p.c, p.s, 1000, 0);
    rp_close(&p);
}

/* ctls_conn_set_verify: the mode of the next handshake; never in the middle of one. */
TEST(conn_set_verify_states)
{
    rpair p;
    rp_auth_configs(&p, CTLS_VERIFY_NONE);
    rp_conns(&p);
    CHECK_EQ(ctls_conn_set_verify(NULL, CTLS_VERIFY_PEER), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_verify(p.s, 3), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_verify(p.s, -1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ); /* the client's handshake runs */
    CHECK_EQ(ctls_conn_set_verify(p.c, CTLS_VERIFY_NONE), CTLS_ERR_BAD_STATE);
    rp_handshake(&p);
    /* a renegotiation runs on the server (the client's ClientHello arrived) */
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    tp_pump(p.c, p.s, 0);
    unsigned char b[16];
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    CHECK(p.s->hs != NULL);
    CHECK_EQ(ctls_conn_set_verify(p.s, CTLS_VERIFY_PEER), CTLS_ERR_BAD_STATE);
    drive(&p, 1, 0);
    CHECK_EQ(ctls_conn_set_verify(p.s, CTLS_VERIFY_PEER), 0);
    rp_close(&p);
}

/* At most 4 renegotiations a minute: the fifth request is refused like with the opt-in off. */
TEST(rate_cap)
{
    rpair p;
    rp_open(&p, "server-ecdsa", 1, 1, NULL);
    for (int i = 1; i <= 4; i++) {
        CHECK_EQ(ctls_renegotiate(i % 2 ? p.s : p.c), 0);
        drive(&p, i, 0);
    }
    /* the client's own cap */
    CHECK_EQ(ctls_renegotiate(p.c), CTLS_ERR_LIMIT);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_CONNECTED);
    /* the server's request: the client refuses */
    CHECK_EQ(ctls_renegotiate(p.s), 0);
    refused(p.s, p.c);
    /* the client's request past the server's cap (the client's own cap lifted by hand) */
    p.c->reneg_starts = 0;
    CHECK_EQ(ctls_renegotiate(p.c), 0);
    refused(p.c, p.s);
    CHECK_EQ(ctls_renegotiations(p.c), 4);
    CHECK_EQ(ctls_renegotiations(p.s), 4);
    rp_close(&p);
}

/* TLS 1.3 has no renegotiation (RFC 8446 4.1.2), with the opt-in or not. */
TEST(tls13_none)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    CHECK_EQ(ctls_config_set_renegotiation(cc, 1), 0);
    CHECK_EQ(ctls_config_set_renegotiation(sc, 1), 0);
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    int crc, src;
    CHECK_EQ(tp_handshake(c, s, &crc, &src), 0);
    CHECK_EQ(ctls_version(c), CTLS_TLS1_3);
    CHECK_EQ(ctls_renegotiate(s), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_renegotiate(c), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_renegotiations(c), 0);
    CHECK_EQ(ctls_config_set_renegotiation(NULL, 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_renegotiation(cc, 0), CTLS_ERR_BAD_STATE); /* in use */
    tp_exchange(c, s, 1000, 0);
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
    RUN(server_initiated);
    RUN(client_initiated);
    RUN(default_refusal);
    RUN(renegotiation_info_mismatch);
    RUN(server_certificate_changed);
    RUN(authentication);
    RUN(client_certificate_changed);
    RUN(client_auth_only_in_renegotiation);
    RUN(client_auth_only_in_handshake);
    RUN(conn_set_verify_states);
    RUN(timeout);
    RUN(timeout_transports);
    RUN(rate_cap);
    RUN(tls13_none);
    return th_summary();
}
