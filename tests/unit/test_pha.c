/* TLS 1.3 post-handshake client authentication (RFC 8446 4.2.6, 4.6.2) between a ctls client
 * and a ctls server in memory: success on every suite (the server then reports the client's
 * chain and a verify result), no certificate (accepted, or certificate_required with
 * CTLS_VERIFY_REQUIRE_PEER after a resumed handshake), a client that did not offer, a bad
 * CertificateVerify signature, a bad Finished, a chain the handshake would refuse too,
 * application data around the exchange, several requests outstanding, the refusals of
 * ctls_request_client_auth, the connection's verify mode (ctls_conn_set_verify: asking only
 * after the handshake), and malformed post-handshake CertificateRequest / Certificate
 * messages. */
#include "harness.h"

#include <stdlib.h>

#include "api/internal.h"
#include "hs/pha13.h"
#include "msg/msg.h"
#include "pair.h"
#include "x509/x509.h"

#define TEST_TIME 1767225600 /* 2026-01-01, inside the test PKI's validity */

typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    int crc, src;
} pha_pair;

/* The client offers post_handshake_auth when offer is set and holds the chain and key
 * client_cert.pem / .key when client_cert is set; the server trusts the test CA and uses verify
 * mode vmode. */
static void pp_configs(pha_pair *p, int offer, const char *client_cert, int vmode)
{
    memset(p, 0, sizeof *p);
    p->cc = tp_client_config();
    p->sc = tp_server_config("server-ecdsa");
    CHECK(p->cc && p->sc);
    if (offer) CHECK_EQ(ctls_config_set_post_handshake_auth(p->cc, 1), 0);
    if (client_cert) {
        char chain[64], key[64];
        snprintf(chain, sizeof chain, "%s.pem", client_cert);
        snprintf(key, sizeof key, "%s.key", client_cert);
        CHECK_EQ(ctls_config_add_cert_chain_file(p->cc, tp_cert(chain), tp_cert(key)), 0);
    }
    CHECK_EQ(ctls_config_load_trust_file(p->sc, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_config_set_verify_time(p->sc, TEST_TIME), 0);
    CHECK_EQ(ctls_config_set_verify(p->sc, vmode), 0);
}

/* The connections and the handshake; smode >= 0: the server connection's verify mode
 * (ctls_conn_set_verify) in place of the config's. */
static int pp_connect_mode(pha_pair *p, const ctls_session *sess, int smode)
{
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK_EQ(ctls_conn_set_server_name(p->c, "localhost"), 0);
    if (sess) CHECK_EQ(ctls_conn_set_session(p->c, sess), 0);
    if (smode >= 0) CHECK_EQ(ctls_conn_set_verify(p->s, smode), 0);
    int rc = tp_handshake(p->c, p->s, &p->crc, &p->src);
    CHECK_EQ(rc, 0);
    return rc;
}

static int pp_connect(pha_pair *p, const ctls_session *sess)
{
    return pp_connect_mode(p, sess, -1);
}

static void pp_open(pha_pair *p, int offer, const char *client_cert, int vmode)
{
    pp_configs(p, offer, client_cert, vmode);
    pp_connect(p, NULL);
}

static void pp_close(pha_pair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

/* Let the client read (it answers the request inside ctls_read) and the server read the
 * answer; both reads find no application data. */
static void pp_answer(pha_pair *p, int expect_client, int expect_server)
{
    unsigned char b[64];
    tp_pump(p->c, p->s, 0);
    CHECK_EQ(ctls_read(p->c, b, sizeof b), expect_client);
    tp_pump(p->c, p->s, 0);
    CHECK_EQ(ctls_read(p->s, b, sizeof b), expect_server);
    tp_pump(p->c, p->s, 0);
}

/* n bytes of application data each way: the connection still works. */
static void pp_both_ways(pha_pair *p, size_t n)
{
    tp_exchange(p->c, p->s, n, 0);
    tp_exchange(p->s, p->c, n, 0);
}

/* The server failed the connection; the client reads the alert. */
static void check_client_alerted(pha_pair *p, int alert)
{
    unsigned char b[8];
    CHECK_EQ(ctls_state(p->s), CTLS_STATE_ABORTED);
    CHECK_EQ(ctls_read(p->c, b, sizeof b), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p->c), alert);
}

/* The server has no request left and reports the answer: verify flags and the chain of the
 * named PEM file (NULL: none). */
static void check_answered(pha_pair *p, unsigned flags, const char *chain)
{
    CHECK_EQ(ctls_client_auth_pending(p->s), 0);
    CHECK_EQ(ctls_verify_result(p->s), flags);
    if (chain)
        tp_check_chain(p->s, chain);
    else
        CHECK_EQ(ctls_peer_cert_count(p->s), 0);
}

/* One request, answered: the server's ctls_read returns expect_server. */
static void pp_auth(pha_pair *p, int expect_server)
{
    CHECK_EQ(ctls_request_client_auth(p->s), 0);
    pp_answer(p, CTLS_WANT_READ, expect_server);
}

TEST(success_every_suite)
{
    static const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"};
    for (size_t i = 0; i < 3; i++) {
        pha_pair p;
        pp_configs(&p, 1, "client", CTLS_VERIFY_NONE);
        CHECK_EQ(ctls_config_set_cipher_suites(p.cc, suites[i]), 0);
        if (pp_connect(&p, NULL) == 0) {
            /* no certificate asked for in the handshake */
            CHECK_EQ(ctls_peer_cert_count(p.s), 0);
            CHECK_EQ(ctls_client_auth_pending(p.s), 0);
            CHECK_EQ(ctls_request_client_auth(p.s), 0);
            CHECK_EQ(ctls_client_auth_pending(p.s), 1);
            pp_answer(&p, CTLS_WANT_READ, CTLS_WANT_READ);
            check_answered(&p, CTLS_VERIFY_OK, "client.pem");
            CHECK(ctls_signature_scheme_name(p.s) != NULL);
            CHECK_EQ(ctls_state(p.s), CTLS_STATE_CONNECTED);
            CHECK_EQ(ctls_state(p.c), CTLS_STATE_CONNECTED);
            /* the connection goes on, KeyUpdate included */
            pp_both_ways(&p, 5000);
            CHECK_EQ(ctls_key_update(p.c, 1), 0);
            pp_both_ways(&p, 100);
        }
        pp_close(&p);
    }
}

/* After a KeyUpdate the Finished key is client_application_traffic_secret_N+1 (RFC 8446 4.4). */
TEST(success_after_key_updates)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_key_update(p.c, 1), 0);
    pp_both_ways(&p, 10);
    pp_auth(&p, CTLS_WANT_READ);
    check_answered(&p, CTLS_VERIFY_OK, "client.pem");
    pp_close(&p);
}

/* Without a certificate the client answers with an empty Certificate and a Finished. */
TEST(no_certificate_accepted)
{
    int modes[] = {CTLS_VERIFY_NONE, CTLS_VERIFY_PEER};
    for (size_t i = 0; i < 2; i++) {
        pha_pair p;
        pp_open(&p, 1, NULL, modes[i]);
        pp_auth(&p, CTLS_WANT_READ);
        check_answered(&p, CTLS_CERT_NO_CERTIFICATE, NULL);
        tp_exchange(p.c, p.s, 100, 0);
        pp_close(&p);
    }
}

/* A server that demands a certificate (CTLS_VERIFY_REQUIRE_PEER) got one in the handshake;
 * a client that answers the post-handshake request without one (simulated: its config loses
 * the certificate) gets certificate_required (RFC 8446 4.4.2.4). */
TEST(no_certificate_required)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_REQUIRE_PEER);
    tp_check_chain(p.s, "client.pem");
    size_t n_certs = p.cc->n_certs;
    p.cc->n_certs = 0;
    pp_auth(&p, CTLS_ERR_CERTIFICATE_REQUIRED);
    p.cc->n_certs = n_certs;
    CHECK_EQ(ctls_verify_result(p.s), CTLS_CERT_NO_CERTIFICATE);
    CHECK_EQ(ctls_peer_cert_count(p.s), 0); /* the handshake's chain no longer holds */
    check_client_alerted(&p, CTLS_ALERT_CERTIFICATE_REQUIRED);
    pp_close(&p);
}

TEST(client_did_not_offer)
{
    pha_pair p;
    pp_open(&p, 0, "client", CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_request_client_auth(p.s), CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_client_auth_pending(p.s), 0);
    CHECK_EQ(ctls_state(p.s), CTLS_STATE_CONNECTED); /* a refusal, not a failure */
    pp_both_ways(&p, 100);
    pp_close(&p);
}

/* A CertificateRequest reaching a client that did not offer post_handshake_auth: the server
 * side believes it was offered, the client side forgets its offer. */
TEST(request_to_client_that_did_not_offer)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    CHECK(p.c->pha != NULL);
    pha13_free(p.c);
    CHECK_EQ(ctls_request_client_auth(p.s), 0);
    pp_answer(&p, CTLS_ERR_UNEXPECTED_MESSAGE, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.s), CTLS_ALERT_UNEXPECTED_MESSAGE);
    pp_close(&p);
}

/* A Finished computed with the wrong key: decrypt_error (RFC 8446 4.4.4). */
TEST(bad_finished)
{
    for (int with_cert = 0; with_cert < 2; with_cert++) {
        pha_pair p;
        pp_open(&p, 1, with_cert ? "client" : NULL, CTLS_VERIFY_NONE);
        p.c->c_ap[0] ^= 1; /* the Finished base key only: records keep their installed keys */
        pp_auth(&p, CTLS_ERR_DECRYPT_ERROR);
        check_client_alerted(&p, CTLS_ALERT_DECRYPT_ERROR);
        pp_close(&p);
    }
}

/* A CertificateVerify signed by another key than the leaf's: decrypt_error. */
TEST(bad_signature)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    cfg_cert other;
    tp_load_cert(&other, "server-ecdsa");
    ctls_privkey *mine = p.cc->certs[0].key; /* same key type (P-256), another key */
    p.cc->certs[0].key = other.key;
    pp_auth(&p, CTLS_ERR_DECRYPT_ERROR);
    p.cc->certs[0].key = mine;
    check_client_alerted(&p, CTLS_ALERT_DECRYPT_ERROR);
    cfg_cert_clear(&other);
    pp_close(&p);
}

/* The chain is verified as in the handshake: a server certificate (serverAuth only) used as a
 * client certificate is refused with the same error and flag. */
TEST(chain_verified_like_handshake)
{
    pha_pair p;
    pp_open(&p, 1, "server-ecdsa", CTLS_VERIFY_NONE);
    pp_auth(&p, CTLS_ERR_CERT_BAD_USAGE);
    CHECK(ctls_verify_result(p.s) & CTLS_CERT_BAD_USAGE);
    pp_close(&p);
}

/* Application data before, around and after the exchange stays readable (RFC 8446 4.6.2:
 * the answer may come later). */
TEST(application_data_interleaved)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    unsigned char b[64];
    /* the client sends data before it has seen the request */
    CHECK_EQ(ctls_write(p.c, "early", 5), 5);
    CHECK_EQ(ctls_request_client_auth(p.s), 0);
    CHECK_EQ(ctls_write(p.s, "ping", 4), 4);
    tp_pump(p.c, p.s, 0);
    /* the client reads the request (answered) and the data behind it */
    CHECK_EQ(ctls_read(p.c, b, sizeof b), 4);
    CHECK_MEM(b, "ping", 4);
    CHECK_EQ(ctls_write(p.c, "late", 4), 4);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), 5);
    CHECK_MEM(b, "early", 5);
    CHECK_EQ(ctls_client_auth_pending(p.s), 1); /* the answer is behind "early" */
    CHECK_EQ(ctls_read(p.s, b, sizeof b), 4);
    CHECK_MEM(b, "late", 4);
    check_answered(&p, CTLS_VERIFY_OK, "client.pem");
    /* byte-at-a-time delivery of a whole exchange with data on both sides */
    CHECK_EQ(ctls_request_client_auth(p.s), 0);
    tp_exchange(p.s, p.c, 3000, 1);
    tp_exchange(p.c, p.s, 3000, 1);
    check_answered(&p, CTLS_VERIFY_OK, "client.pem");
    pp_close(&p);
}

/* Several requests outstanding, each answered with its own context; at most four. */
TEST(several_requests)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_request_client_auth(p.s), 0);
    CHECK_EQ(ctls_request_client_auth(p.s), 0);
    CHECK_EQ(ctls_client_auth_pending(p.s), 2);
    pp_answer(&p, CTLS_WANT_READ, CTLS_WANT_READ);
    check_answered(&p, CTLS_VERIFY_OK, "client.pem");
    for (int i = 0; i < 4; i++)
        CHECK_EQ(ctls_request_client_auth(p.s), 0);
    CHECK_EQ(ctls_request_client_auth(p.s), CTLS_ERR_LIMIT);
    CHECK_EQ(ctls_state(p.s), CTLS_STATE_CONNECTED);
    pp_answer(&p, CTLS_WANT_READ, CTLS_WANT_READ);
    check_answered(&p, CTLS_VERIFY_OK, "client.pem");
    tp_exchange(p.c, p.s, 100, 0);
    pp_close(&p);
}

TEST(refusals)
{
    pha_pair p;
    pp_configs(&p, 1, "client", CTLS_VERIFY_NONE);
    p.c = ctls_conn_new(p.cc);
    p.s = ctls_conn_new(p.sc);
    CHECK_EQ(ctls_request_client_auth(p.s), CTLS_ERR_BAD_STATE); /* before the handshake */
    CHECK_EQ(ctls_conn_set_server_name(p.c, "localhost"), 0);
    CHECK_EQ(tp_handshake(p.c, p.s, NULL, NULL), 0);
    CHECK_EQ(ctls_request_client_auth(p.c), CTLS_ERR_BAD_STATE); /* a client */
    CHECK_EQ(ctls_client_auth_pending(p.c), 0);
    CHECK_EQ(ctls_client_auth_pending(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_shutdown(p.s), 0);
    CHECK_EQ(ctls_request_client_auth(p.s), CTLS_ERR_BAD_STATE); /* after our close_notify */
    pp_close(&p);
    /* TLS 1.2 */
    pp_configs(&p, 1, "client", CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_config_set_versions(p.sc, CTLS_TLS1_2, CTLS_TLS1_2), 0);
    pp_connect(&p, NULL);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_2);
    CHECK_EQ(ctls_request_client_auth(p.s), CTLS_ERR_BAD_STATE);
    CHECK(p.c->pha == NULL && p.s->pha == NULL); /* no transcript kept */
    pp_close(&p);
    /* the switch belongs to clients */
    ctls_config *sc = tp_server_config("server-ecdsa");
    CHECK_EQ(ctls_config_set_post_handshake_auth(sc, 1), CTLS_ERR_INVALID_ARG);
    ctls_config_free(sc);
}

/* The transcript copy is kept only when post_handshake_auth was offered. */
TEST(state_only_when_offered)
{
    pha_pair p;
    pp_open(&p, 0, NULL, CTLS_VERIFY_NONE);
    CHECK(p.c->pha == NULL && p.s->pha == NULL);
    pp_close(&p);
    pp_open(&p, 1, NULL, CTLS_VERIFY_NONE);
    CHECK(p.c->pha != NULL && p.s->pha != NULL);
    pp_close(&p);
}

/* The connection's verify mode (ctls_conn_set_verify) overrides the config's: a server whose
 * config demands a certificate asks for none in the handshake when its connection says
 * CTLS_VERIFY_NONE, then demands one after it (OpenSSL's SSL_VERIFY_POST_HANDSHAKE); a config
 * that asks for nothing demands one through the connection's mode, after the handshake. */
TEST(conn_verify_post_handshake_only)
{
    pha_pair p;
    pp_configs(&p, 1, "client", CTLS_VERIFY_REQUIRE_PEER);
    pp_connect_mode(&p, NULL, CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_peer_cert_count(p.s), 0); /* no CertificateRequest in the handshake */
    CHECK_EQ(ctls_verify_result(p.s), CTLS_CERT_NOT_VERIFIED);
    CHECK_EQ(ctls_conn_set_verify(p.s, CTLS_VERIFY_REQUIRE_PEER), 0);
    pp_auth(&p, CTLS_WANT_READ);
    check_answered(&p, CTLS_VERIFY_OK, "client.pem");
    pp_both_ways(&p, 100);
    pp_close(&p);

    /* no certificate: certificate_required once the handshake is over (RFC 8446 4.4.2.4) */
    pp_open(&p, 1, NULL, CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_conn_set_verify(p.s, CTLS_VERIFY_REQUIRE_PEER), 0);
    pp_auth(&p, CTLS_ERR_CERTIFICATE_REQUIRED);
    check_client_alerted(&p, CTLS_ALERT_CERTIFICATE_REQUIRED);
    pp_close(&p);
}

/* The connection's mode set before the handshake decides the handshake's request, and, as the
 * config's would, the tickets: a server that asks for a certificate sends none (a resumed
 * connection would have no authenticated client). */
TEST(conn_verify_in_handshake)
{
    pha_pair p;
    pp_configs(&p, 0, "client", CTLS_VERIFY_NONE);
    pp_connect_mode(&p, NULL, CTLS_VERIFY_REQUIRE_PEER);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    tp_check_chain(p.s, "client.pem");
    pp_both_ways(&p, 100);
    CHECK_EQ(ctls_tickets_received(p.c), 0);
    pp_close(&p);
}

/* ---- malformed messages: a clean error, never a crash ----------------------------------- */

typedef struct {
    const char *name;
    uint8_t type;
    const char *hex; /* the whole message, header included */
    int want;
} bad_msg;

/* Feed one message to the post-handshake dispatcher as ctls_read would. */
static void feed_bad(const bad_msg *t, int to_server)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    if (to_server) CHECK_EQ(ctls_request_client_auth(p.s), 0);
    unsigned char m[512];
    long n = th_unhex(t->hex, m, sizeof m);
    CHECK(n >= 4);
    ctls_conn *x = to_server ? p.s : p.c;
    int rc = post13_handle(x, t->type, m, (size_t)n);
    if (rc != t->want) fprintf(stderr, "  case %s: %d\n", t->name, rc);
    CHECK_EQ(rc, t->want);
    conn_fail(x, rc); /* as ctls_read would */
    pp_close(&p);
}

/* Messages as hex, header included; SIGALGS is a good signature_algorithms extensions block
 * (u16 length, ecdsa_secp256r1_sha256). */
#define SIGALGS "0008000d000400020403"

TEST(malformed_certificate_request)
{
    static const bad_msg cases[] = {
        /* context empty after the handshake (RFC 8446 4.3.2) */
        {"empty context", 13, "0d00000b00" SIGALGS, CTLS_ERR_ILLEGAL_PARAMETER},
        /* no extensions: signature_algorithms is mandatory (RFC 8446 4.3.2) */
        {"no extensions", 13, "0d00000401aa0000", CTLS_ERR_MISSING_EXTENSION},
        /* supported_versions does not belong in a CertificateRequest (RFC 8446 4.2) */
        {"foreign extension", 13, "0d00000801aa0004002b0000", CTLS_ERR_ILLEGAL_PARAMETER},
        /* context length past the end */
        {"context overrun", 13, "0d000003050000", CTLS_ERR_DECODE},
        /* extensions length past the end */
        {"extensions overrun", 13, "0d00000401aa0010", CTLS_ERR_DECODE},
        /* a byte after the extensions */
        {"trailing", 13, "0d00000d01aa" SIGALGS "00", CTLS_ERR_DECODE},
        /* empty / odd signature_algorithms list */
        {"empty sigalgs", 13, "0d00000a01aa0006000d00020000", CTLS_ERR_DECODE},
        {"odd sigalgs", 13, "0d00000b01aa0007000d0003000104", CTLS_ERR_DECODE},
        /* empty body */
        {"empty", 13, "0d000000", CTLS_ERR_DECODE},
        /* a Certificate to a client */
        {"certificate to client", 11, "0b00000400000000", CTLS_ERR_UNEXPECTED_MESSAGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        feed_bad(&cases[i], 0);
}

TEST(malformed_certificate)
{
    static const bad_msg cases[] = {
        /* an empty context: not one we sent */
        {"empty context", 11, "0b00000400000000", CTLS_ERR_ILLEGAL_PARAMETER},
        /* a context of the right length that we did not send */
        {"unknown context", 11, "0b0000141000112233445566778899aabbccddeeff000000",
         CTLS_ERR_ILLEGAL_PARAMETER},
        /* certificate list length past the end */
        {"list overrun", 11, "0b000004000000ff", CTLS_ERR_DECODE},
        /* an empty certificate entry (cert_data<1..2^24-1>) */
        {"empty entry", 11, "0b000009000000050000000000", CTLS_ERR_DECODE},
        /* a CertificateVerify, a Finished before any Certificate */
        {"verify first", 15, "0f00000404030000", CTLS_ERR_UNEXPECTED_MESSAGE},
        {"finished first", 20,
         "140000200000000000000000000000000000000000000000000000000000000000000000",
         CTLS_ERR_UNEXPECTED_MESSAGE},
        /* a CertificateRequest to a server */
        {"request to server", 13, "0d00000c01aa" SIGALGS, CTLS_ERR_UNEXPECTED_MESSAGE},
        /* truncated body */
        {"truncated", 11, "0b00000110", CTLS_ERR_DECODE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        feed_bad(&cases[i], 1);
}

/* A garbage leaf in a Certificate answering our request: bad_certificate. */
TEST(garbage_leaf)
{
    pha_pair p;
    pp_open(&p, 1, "client", CTLS_VERIFY_NONE);
    CHECK_EQ(ctls_request_client_auth(p.s), 0);
    /* the server accepts only its own contexts: let the client answer, with its chain's leaf
     * replaced by garbage bytes */
    uint8_t junk[3] = {0x30, 0x01, 0x00};
    cfg_cert *cc = &p.cc->certs[0];
    uint8_t *leaf = cc->chain.der[0];
    size_t leaf_len = cc->chain.len[0];
    cc->chain.der[0] = junk;
    cc->chain.len[0] = sizeof junk;
    pp_answer(&p, CTLS_WANT_READ, CTLS_ERR_BAD_CERTIFICATE);
    cc->chain.der[0] = leaf;
    cc->chain.len[0] = leaf_len;
    pp_close(&p);
}

int main(void)
{
    RUN(success_every_suite);
    RUN(success_after_key_updates);
    RUN(no_certificate_accepted);
    RUN(no_certificate_required);
    RUN(client_did_not_offer);
    RUN(request_to_client_that_did_not_offer);
    RUN(bad_finished);
    RUN(bad_signature);
    RUN(chain_verified_like_handshake);
    RUN(application_data_interleaved);
    RUN(several_requests);
    RUN(refusals);
    RUN(state_only_when_offered);
    RUN(conn_verify_post_handshake_only);
    RUN(conn_verify_in_handshake);
    RUN(malformed_certificate_request);
    RUN(malformed_certificate);
    RUN(garbage_leaf);
    return th_summary();
}
