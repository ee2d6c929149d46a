/* TLS 1.2 (RFC 5246, RFC 7627, RFC 5746) between a ctls client and a ctls server in memory:
 * every TLS 1.2 suite with ECDSA and RSA certificates, each group, ALPN, SNI, verification,
 * data both ways (1 MiB, byte-at-a-time), shutdown, version negotiation both ways, the RFC 8446
 * downgrade sentinel, the extended master secret requirement, refused CBC suites, a tampered
 * record, and renegotiation refusal. */
#include "harness.h"

#include <stdlib.h>

#include "hs/hs.h"
#include "record/record.h"
#include "pair.h"

typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    int crc, src;
} pair12;

/* cver / sver: max version of client / server (min 1.2 both unless noted) */
static void pair_new(pair12 *p, const char *cert, int cmin, int cmax, int smin, int smax)
{
    p->sc = tp_server_config(cert);
    p->cc = tp_client_config();
    CHECK(p->sc && p->cc);
    CHECK_EQ(ctls_config_set_versions(p->cc, cmin, cmax), 0);
    CHECK_EQ(ctls_config_set_versions(p->sc, smin, smax), 0);
    p->c = NULL;
    p->s = NULL;
}

static int pair_run(pair12 *p, const char *sni)
{
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK_EQ(ctls_conn_set_server_name(p->c, sni ? sni : "localhost"), 0);
    return tp_handshake(p->c, p->s, &p->crc, &p->src);
}

static void pair_free(pair12 *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

static void one12(const char *cert, const char *suite, const char *group)
{
    pair12 p;
    pair_new(&p, cert, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    if (suite) CHECK_EQ(ctls_config_set_cipher_suites(p.cc, suite), 0);
    if (group) CHECK_EQ(ctls_config_set_groups(p.cc, group), 0);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(p.crc, 0);
    CHECK_EQ(p.src, 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_2);
    if (suite) {
        CHECK(ctls_cipher_suite_name(p.c) && strcmp(ctls_cipher_suite_name(p.c), suite) == 0);
        CHECK(ctls_cipher_suite_name(p.s) && strcmp(ctls_cipher_suite_name(p.s), suite) == 0);
    }
    if (group) CHECK(ctls_group_name(p.c) && strcmp(ctls_group_name(p.c), group) == 0);
    CHECK_EQ(ctls_verify_result(p.c), CTLS_VERIFY_OK);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2);
    CHECK(ctls_signature_scheme_name(p.c) != NULL);
    tp_exchange(p.c, p.s, 20000, 0);
    tp_exchange(p.s, p.c, 20000, 0);
    pair_free(&p);
}

TEST(every_suite_and_cert)
{
    static const char *ec[] = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                               "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                               "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"};
    static const char *rsa[] = {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};
    for (int i = 0; i < 3; i++) {
        one12("server-ecdsa", ec[i], NULL);
        one12("server-p384", ec[i], NULL);
        one12("server-rsa", rsa[i], NULL);
    }
}

TEST(every_group)
{
    one12("server-ecdsa", NULL, "x25519");
    one12("server-ecdsa", NULL, "secp256r1");
    one12("server-rsa", NULL, "secp384r1");
}

TEST(no_common_suite_for_the_key)
{
    /* an RSA-only suite list against an ECDSA-only server: handshake_failure */
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_cipher_suites(p.cc, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), 0);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.src, CTLS_ERR_HANDSHAKE_FAILURE);
    CHECK_EQ(p.crc, CTLS_ERR_ALERT_RECEIVED);
    pair_free(&p);
}

TEST(alpn_and_sni)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_alpn(p.cc, "h2,http/1.1"), 0);
    CHECK_EQ(ctls_config_set_alpn(p.sc, "http/1.1"), 0);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK(ctls_alpn_selected(p.c) && strcmp(ctls_alpn_selected(p.c), "http/1.1") == 0);
    CHECK(ctls_alpn_selected(p.s) && strcmp(ctls_alpn_selected(p.s), "http/1.1") == 0);
    CHECK(ctls_server_name(p.s) && strcmp(ctls_server_name(p.s), "localhost") == 0);
    pair_free(&p);

    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_alpn(p.cc, "h2"), 0);
    CHECK_EQ(ctls_config_set_alpn(p.sc, "http/1.1"), 0);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.src, CTLS_ERR_NO_APPLICATION_PROTOCOL);
    pair_free(&p);
}

TEST(verification_outcomes)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK(pair_run(&p, "wrong.example") != 0);
    CHECK_EQ(p.crc, CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    CHECK(ctls_verify_result(p.c) & CTLS_CERT_HOSTNAME_MISMATCH);
    CHECK_EQ(p.src, CTLS_ERR_ALERT_RECEIVED);
    pair_free(&p);

    /* verification off: connects, says so */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_verify(p.cc, CTLS_VERIFY_NONE), 0);
    CHECK_EQ(pair_run(&p, "wrong.example"), 0);
    CHECK_EQ(ctls_verify_result(p.c), CTLS_CERT_NOT_VERIFIED);
    pair_free(&p);

    /* the application decides: pause, then reject */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_break_on_server_auth(p.cc, 1), 0);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.crc, CTLS_PAUSED_SERVER_AUTH);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2);
    CHECK_EQ(ctls_accept_peer(p.c), 0);
    CHECK_EQ(tp_handshake(p.c, p.s, &p.crc, &p.src), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    pair_free(&p);
}

TEST(big_data_and_splits)
{
    pair12 p;
    pair_new(&p, "server-rsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    tp_exchange(p.c, p.s, 1 << 20, 0);
    tp_exchange(p.s, p.c, 1 << 20, 0);
    tp_exchange(p.c, p.s, 3000, 1);
    tp_exchange(p.s, p.c, 3000, 7);
    pair_free(&p);

    /* the handshake byte-at-a-time, each AEAD */
    static const char *suites[] = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                                   "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"};
    for (int i = 0; i < 2; i++) {
        pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
        CHECK_EQ(ctls_config_set_cipher_suites(p.cc, suites[i]), 0);
        p.c = ctls_conn_new(p.cc);
        p.s = ctls_conn_new(p.sc);
        CHECK_EQ(ctls_conn_set_server_name(p.c, "localhost"), 0);
        CHECK_EQ(tp_handshake_split(p.c, p.s, 1, &p.crc, &p.src), 0);
        tp_exchange(p.c, p.s, 5000, 1);
        pair_free(&p);
    }
}

TEST(shutdown)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_shutdown(p.c), 0);
    tp_pump(p.c, p.s, 0);
    unsigned char b[8];
    CHECK_EQ(ctls_read(p.s, b, sizeof b), 0);
    CHECK_EQ(ctls_shutdown(p.s), 1);
    tp_pump(p.s, p.c, 0);
    CHECK_EQ(ctls_shutdown(p.c), 1);
    pair_free(&p);
}

TEST(version_negotiation)
{
    pair12 p;
    /* a 1.3-capable client against a 1.2-only server: 1.2 */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_2);
    tp_exchange(p.c, p.s, 1000, 0);
    pair_free(&p);
    /* a 1.2-only client against a 1.2/1.3 server: 1.2 (the sentinel is ignored by a 1.2-only
     * client, RFC 8446 4.1.3) */
    pair_new(&p, "server-rsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_3);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_2);
    tp_exchange(p.s, p.c, 1000, 0);
    pair_free(&p);
    /* both capable: 1.3 */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_3);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_3);
    pair_free(&p);
    /* the suite list decides too: a client with TLS 1.2 suites only offers TLS 1.2 only, a
     * server with TLS 1.2 suites only answers 1.2 (without the downgrade sentinel) */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_3);
    CHECK_EQ(ctls_config_set_cipher_suites(p.cc, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"), 0);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    pair_free(&p);
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_3);
    CHECK_EQ(ctls_config_set_cipher_suites(p.sc, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"), 0);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    pair_free(&p);
    /* TLS 1.3 suites only against a 1.2-only server: protocol_version */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_cipher_suites(p.cc, "TLS_AES_128_GCM_SHA256"), 0);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.src, CTLS_ERR_PROTOCOL_VERSION);
    pair_free(&p);
    /* a 1.2-only client against a 1.3-only server: protocol_version */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_3);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.src, CTLS_ERR_PROTOCOL_VERSION);
    CHECK_EQ(p.crc, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.c), CTLS_ALERT_PROTOCOL_VERSION);
    pair_free(&p);
    /* a 1.3-only client against a 1.2-only server: protocol_version */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_3, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.src, CTLS_ERR_PROTOCOL_VERSION);
    pair_free(&p);
}

/* Server hooks rewriting the TLS 1.2 ServerHello. */
static int add_sentinel(void *ctx, msg_server_hello *m)
{
    (void)ctx;
    memcpy(m->random + 24, "DOWNGRD\x01", 8);
    return 0;
}
static int drop_ems(void *ctx, msg_server_hello *m)
{
    (void)ctx;
    m->ext_present &= ~EXT_BIT(EXT_EXTENDED_MASTER_SECRET);
    return 0;
}
static int drop_ri(void *ctx, msg_server_hello *m)
{
    (void)ctx;
    m->ext_present &= ~EXT_BIT(EXT_RENEGOTIATION_INFO);
    return 0;
}

static void crafted_server_hello(int (*fn)(void *, msg_server_hello *), int cmax, int expect)
{
    const hs_test_server_hooks hooks = {.server_hello = fn};
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, cmax, CTLS_TLS1_2, CTLS_TLS1_2);
    hs_test_server_hook = &hooks;
    int rc = pair_run(&p, NULL);
    hs_test_server_hook = NULL;
    CHECK_EQ(p.crc, expect);
    if (expect) {
        CHECK(rc != 0);
        CHECK_EQ(p.src, CTLS_ERR_ALERT_RECEIVED);
    }
    pair_free(&p);
}

/* A ClientHello that cannot lead to TLS 1.3 carries no key share, so none is generated (it
 * cost a key pair per TLS 1.2 handshake); a 1.2 + 1.3 ClientHello does carry one. */
TEST(no_key_share_without_tls13)
{
    for (int max13 = 0; max13 <= 1; max13++) {
        pair12 p;
        pair_new(&p, "server-ecdsa", CTLS_TLS1_2, max13 ? CTLS_TLS1_3 : CTLS_TLS1_2, CTLS_TLS1_2,
                 CTLS_TLS1_2);
        p.c = ctls_conn_new(p.cc);
        CHECK(p.c != NULL);
        if (!p.c) break;
        CHECK_EQ(ctls_conn_set_server_name(p.c, "localhost"), 0);
        CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ); /* the ClientHello is out */
        CHECK(p.c->hs != NULL);
        if (p.c->hs) CHECK_EQ(p.c->hs->kx != NULL, max13);
        pair_free(&p);
    }
}

/* A client offering 1.2 and 1.3 that lands on TLS 1.2 uses its TLS 1.3 key share's key pair
 * for the ECDHE when the server picks that group: the public value in its ClientKeyExchange is
 * the one its ClientHello carried (no second key pair). */
static uint8_t g_share[4 + CTLS_KX_MAX_PUBLIC];
static size_t g_share_len;
static int grab_share(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    g_share_len = m->key_shares.len <= sizeof g_share ? m->key_shares.len : 0;
    if (g_share_len) memcpy(g_share, m->key_shares.p, g_share_len);
    return 0;
}
static const hs_test_client_hooks grab_hooks = {grab_share, NULL};

TEST(tls13_share_reused_for_tls12)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_2);
    p.c = ctls_conn_new(p.cc);
    p.s = ctls_conn_new(p.sc);
    CHECK(p.c && p.s);
    if (!p.c || !p.s) {
        pair_free(&p);
        return;
    }
    CHECK_EQ(ctls_conn_set_server_name(p.c, "localhost"), 0);
    g_share_len = 0;
    hs_test_client_hook = &grab_hooks;
    CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ); /* ClientHello */
    hs_test_client_hook = NULL;
    CHECK(g_share_len == 4 + 32 && g_share[0] == 0 && g_share[1] == 0x1d); /* x25519 */
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_handshake(p.s), CTLS_WANT_READ); /* ServerHello .. ServerHelloDone */
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ); /* ClientKeyExchange, CCS, Finished */
    static uint8_t out[8192];
    const void *d = NULL;
    size_t n = ctls_conn_output(p.c, &d);
    if (n > sizeof out) n = sizeof out;
    if (n) memcpy(out, d, n);
    tp_pump(p.c, p.s, 0);
    /* the first record: handshake, ClientKeyExchange (16), ECPoint <1..255> = the share */
    CHECK(n > 5 + 4 + 1 + 32);
    if (n > 5 + 4 + 1 + 32) {
        CHECK_EQ(out[0], 22);
        CHECK_EQ(out[5], 16);
        CHECK_EQ(out[9], 32);
        CHECK_MEM(out + 10, g_share + 4, 32);
    }
    CHECK_EQ(ctls_handshake(p.s), 0);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_handshake(p.c), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    tp_exchange(p.c, p.s, 1000, 0);
    pair_free(&p);
    /* a server that picks the other group: a fresh key pair of that group, and it works */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_3, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_groups(p.sc, "secp256r1"), 0);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    CHECK(ctls_group_name(p.c) && strcmp(ctls_group_name(p.c), "secp256r1") == 0);
    tp_exchange(p.c, p.s, 1000, 0);
    pair_free(&p);
}

TEST(downgrade_sentinel)
{
    /* RFC 8446 4.1.3: a client offering 1.3 that gets 1.2 with DOWNGRD\x01: illegal_parameter */
    crafted_server_hello(add_sentinel, CTLS_TLS1_3, CTLS_ERR_ILLEGAL_PARAMETER);
    /* a 1.2-only client does not check it */
    crafted_server_hello(add_sentinel, CTLS_TLS1_2, 0);
}

TEST(extended_master_secret_required)
{
    crafted_server_hello(drop_ems, CTLS_TLS1_2, CTLS_ERR_HANDSHAKE_FAILURE);
    crafted_server_hello(drop_ri, CTLS_TLS1_2, CTLS_ERR_HANDSHAKE_FAILURE);
    /* the server side: server_requires_ems */
}

static int strip_ems_ch(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    m->ext_present &= ~EXT_BIT(EXT_EXTENDED_MASTER_SECRET);
    return 0;
}

static int strip_ri_ch(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    m->ext_present &= ~EXT_BIT(EXT_RENEGOTIATION_INFO);
    return 0;
}

static int add_ri_sh(void *ctx, msg_server_hello *m)
{
    static const uint8_t none[1] = {0};
    (void)ctx;
    m->ext_present |= EXT_BIT(EXT_RENEGOTIATION_INFO);
    m->renegotiation_info = (ctls_slice){none, 0};
    return 0;
}

TEST(server_requires_ems)
{
    const hs_test_client_hooks hooks = {.client_hello = strip_ems_ch};
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    hs_test_client_hook = &hooks;
    CHECK(pair_run(&p, NULL) != 0);
    hs_test_client_hook = NULL;
    CHECK_EQ(p.src, CTLS_ERR_HANDSHAKE_FAILURE);
    CHECK_EQ(p.crc, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.c), CTLS_ALERT_HANDSHAKE_FAILURE);
    pair_free(&p);
}

TEST(refused_suites)
{
    ctls_config *cc = ctls_config_new(CTLS_CLIENT);
    CHECK_EQ(ctls_config_set_cipher_suites(cc, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
             CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_cipher_suites(cc, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
             CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_cipher_suites(cc, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
             CTLS_ERR_UNSUPPORTED);
    CHECK_EQ(ctls_config_set_versions(cc, 0x0302, CTLS_TLS1_2), CTLS_ERR_UNSUPPORTED);
    ctls_config_free(cc);
}

TEST(tampered_record)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_write(p.c, "hello", 5), 5);
    const void *out;
    size_t n = ctls_conn_output(p.c, &out);
    unsigned char *copy = malloc(n);
    memcpy(copy, out, n);
    copy[n - 1] ^= 1;
    ctls_conn_consume_output(p.c, n);
    size_t used;
    CHECK_EQ(ctls_conn_feed(p.s, copy, n, &used), 0);
    unsigned char b[16];
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_ERR_BAD_RECORD_MAC);
    tp_pump(p.s, p.c, 0);
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.c), CTLS_ALERT_BAD_RECORD_MAC);
    free(copy);
    pair_free(&p);
}

TEST(renegotiation_refused)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_renegotiate(p.c), CTLS_ERR_BAD_STATE); /* a client cannot */
    CHECK_EQ(ctls_renegotiate(p.s), 0);                  /* HelloRequest */
    tp_pump(p.s, p.c, 0);
    unsigned char b[16];
    /* the client refuses with a warning and goes on */
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_ERR_RENEGOTIATION_REFUSED);
    CHECK_EQ(ctls_state(p.s), CTLS_STATE_CONNECTED);
    tp_exchange(p.c, p.s, 1000, 0);
    tp_exchange(p.s, p.c, 1000, 0);
    pair_free(&p);

    /* TLS 1.3: no renegotiation */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_3, CTLS_TLS1_3, CTLS_TLS1_3, CTLS_TLS1_3);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_renegotiate(p.s), CTLS_ERR_BAD_STATE);
    pair_free(&p);
}

/* Client certificates (RFC 5246 7.4.4, 7.4.6, 7.4.8). */
static void client_auth_pair(pair12 *p, const char *cert, int mode)
{
    pair_new(p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_verify(p->sc, mode), 0);
    CHECK_EQ(ctls_config_load_trust_file(p->sc, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_config_set_verify_time(p->sc, 1767225600), 0);
    if (cert) {
        char key[64];
        snprintf(key, sizeof key, "%.40s.key", cert);
        char pem[64];
        snprintf(pem, sizeof pem, "%.40s.pem", cert);
        CHECK_EQ(ctls_config_add_cert_chain_file(p->cc, tp_cert(pem), tp_cert(key)), 0);
    }
}

TEST(client_certificates)
{
    pair12 p;
    /* required and sent */
    client_auth_pair(&p, "client", CTLS_VERIFY_REQUIRE_PEER);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_2);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    CHECK(ctls_peer_cert_count(p.s) >= 1);
    CHECK(ctls_signature_scheme_name(p.s) != NULL);
    tp_exchange(p.c, p.s, 5000, 0);
    pair_free(&p);
    /* required, none: handshake_failure (RFC 5246 7.4.6) */
    client_auth_pair(&p, NULL, CTLS_VERIFY_REQUIRE_PEER);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.src, CTLS_ERR_HANDSHAKE_FAILURE);
    CHECK_EQ(p.crc, CTLS_ERR_ALERT_RECEIVED);
    pair_free(&p);
    /* optional, none: connected, reported */
    client_auth_pair(&p, NULL, CTLS_VERIFY_PEER);
    CHECK_EQ(pair_run(&p, NULL), 0);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_CERT_NO_CERTIFICATE);
    pair_free(&p);
    /* a certificate the server does not trust (a server certificate: wrong usage too) */
    client_auth_pair(&p, "server-rsa", CTLS_VERIFY_PEER);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK(p.src <= -300 && p.src > -400); /* a CTLS_ERR_CERT_* */
    pair_free(&p);
    /* the application picks the certificate at the break point */
    client_auth_pair(&p, NULL, CTLS_VERIFY_REQUIRE_PEER);
    CHECK_EQ(ctls_config_set_break_on_cert_requested(p.cc, 1), 0);
    CHECK(pair_run(&p, NULL) != 0);
    CHECK_EQ(p.crc, CTLS_PAUSED_CERT_REQUESTED);
    CHECK(ctls_acceptable_ca_count(p.c) >= 1);
    CHECK_EQ(ctls_conn_set_certificate_file(p.c, tp_cert("client.pem"), tp_cert("client.key")), 0);
    CHECK_EQ(tp_handshake(p.c, p.s, &p.crc, &p.src), 0);
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    pair_free(&p);
}

/* A ClientHello on an established TLS 1.2 connection (a client-initiated renegotiation): the
 * server answers with a warning no_renegotiation and the connection goes on. */
TEST(renegotiation_client_hello_refused)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    static const uint8_t suites[] = {0xc0, 0x2b}, comp[] = {0};
    msg_client_hello m;
    memset(&m, 0, sizeof m);
    m.legacy_version = CTLS_TLS1_2;
    m.cipher_suites = (ctls_slice){suites, sizeof suites};
    m.compression_methods = (ctls_slice){comp, sizeof comp};
    ctls_writer w;
    wr_init_dyn(&w, 4096);
    CHECK_EQ(msg_client_hello_encode(&m, &w), 0);
    CHECK_EQ(rec_write(p.c, CT_HANDSHAKE, w.buf, w.len), 0); /* under the client's keys */
    wr_free(&w);
    tp_pump(p.c, p.s, 0);
    unsigned char b[16];
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    tp_pump(p.s, p.c, 0);
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_ERR_RENEGOTIATION_REFUSED);
    CHECK_EQ(ctls_alert_received(p.c), CTLS_ALERT_NO_RENEGOTIATION);
    tp_exchange(p.c, p.s, 1000, 0);
    tp_exchange(p.s, p.c, 1000, 0);
    pair_free(&p);
}

/* Limits and misplaced records after the handshake. */
TEST(post_handshake_limits)
{
    pair12 p;
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    for (int i = 0; i < 40; i++)
        CHECK_EQ(ctls_renegotiate(p.s), 0);
    tp_pump(p.s, p.c, 0);
    unsigned char b[16];
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_ERR_LIMIT); /* a HelloRequest flood */
    pair_free(&p);

    /* a second ChangeCipherSpec: unexpected_message */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(pair_run(&p, NULL), 0);
    static const uint8_t one = 1;
    CHECK_EQ(rec_write(p.c, CT_CHANGE_CIPHER_SPEC, &one, 1), 0);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_ERR_UNEXPECTED_MESSAGE);
    pair_free(&p);

    /* a server without the renegotiation indication from the client does not start one (the
     * hook puts the extension back in the ServerHello, which a ctls client demands) */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    const hs_test_client_hooks ch_hooks = {.client_hello = strip_ri_ch};
    const hs_test_server_hooks sh_hooks = {.server_hello = add_ri_sh};
    hs_test_client_hook = &ch_hooks;
    hs_test_server_hook = &sh_hooks;
    CHECK_EQ(pair_run(&p, NULL), 0);
    hs_test_client_hook = NULL;
    hs_test_server_hook = NULL;
    CHECK_EQ(ctls_renegotiate(p.s), CTLS_ERR_UNSUPPORTED);
    tp_exchange(p.c, p.s, 100, 0);
    pair_free(&p);

    /* without it in the ServerHello, the ctls client refuses (RFC 5746 3.4, our policy) */
    pair_new(&p, "server-ecdsa", CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    hs_test_client_hook = &ch_hooks;
    CHECK(pair_run(&p, NULL) != 0);
    hs_test_client_hook = NULL;
    CHECK_EQ(p.crc, CTLS_ERR_HANDSHAKE_FAILURE);
    pair_free(&p);
}

/* ServerKeyExchange signatures (RFC 5246 7.4.1.4.1): the scheme the client asks for. */
static void one_scheme(const char *cert, const char *schemes, const char *expect)
{
    pair12 p;
    pair_new(&p, cert, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2, CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_signature_schemes(p.cc, schemes), 0);
    int rc = pair_run(&p, NULL);
    if (expect) {
        CHECK_EQ(rc, 0);
        CHECK(ctls_signature_scheme_name(p.c) &&
              strcmp(ctls_signature_scheme_name(p.c), expect) == 0);
    } else {
        CHECK(rc != 0);
        CHECK_EQ(p.src, CTLS_ERR_HANDSHAKE_FAILURE);
    }
    pair_free(&p);
}

TEST(signature_schemes)
{
    one_scheme("server-rsa", "rsa_pkcs1_sha256", "rsa_pkcs1_sha256");
    one_scheme("server-rsa", "rsa_pkcs1_sha384", "rsa_pkcs1_sha384");
    one_scheme("server-rsa", "rsa_pkcs1_sha512", "rsa_pkcs1_sha512");
    one_scheme("server-rsa", "rsa_pss_rsae_sha384", "rsa_pss_rsae_sha384");
    one_scheme("server-rsa", "rsa_pss_rsae_sha512", "rsa_pss_rsae_sha512");
    /* TLS 1.2 names only the hash for ECDSA: SHA-384 with a P-256 key is fine */
    one_scheme("server-ecdsa", "ecdsa_secp384r1_sha384", "ecdsa_secp384r1_sha384");
    one_scheme("server-p384", "ecdsa_secp256r1_sha256", "ecdsa_secp256r1_sha256");
    /* nothing usable for the key: handshake_failure */
    one_scheme("server-rsa", "ecdsa_secp256r1_sha256", NULL);
    one_scheme("server-ed25519", "ed25519", NULL);
}

/* Record protection alone (RFC 5288 3, RFC 7905 2, RFC 5246 6.2.3.3). */
static void records_for(int alg, size_t explicit_len)
{
    uint8_t key[32], iv[12];
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)(i + 1);
    for (int i = 0; i < 12; i++)
        iv[i] = (uint8_t)(0xa0 + i);
    rec_keys w, r;
    memset(&w, 0, sizeof w);
    memset(&r, 0, sizeof r);
    CHECK_EQ(rec_set_keys12(&w, alg, key, iv), 0);
    CHECK_EQ(rec_set_keys12(&r, alg, key, iv), 0);
    CHECK_EQ(rec_overhead12(&w), explicit_len + 16);
    uint8_t rec[3][5 + 8 + 5 + 16];
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(rec_seal12(&w, CT_APPLICATION_DATA, (const uint8_t *)"hello", 5, rec[i]), 0);
        CHECK_EQ(rec[i][0], CT_APPLICATION_DATA);
        CHECK_EQ(rec[i][1] << 8 | rec[i][2], 0x0303);
        CHECK_EQ((size_t)(rec[i][3] << 8 | rec[i][4]), explicit_len + 5 + 16);
        if (explicit_len) CHECK_EQ(rec[i][5 + 7], i); /* the explicit nonce is the sequence */
    }
    size_t len = explicit_len + 5 + 16, off, n;
    uint8_t copy[sizeof rec[0]];
    /* in order */
    memcpy(copy, rec[0], sizeof copy);
    CHECK_EQ(rec_open12(&r, CT_APPLICATION_DATA, copy + 5, len, &off, &n), 0);
    CHECK_EQ(off, explicit_len);
    CHECK_EQ(n, 5);
    CHECK(memcmp(copy + 5 + off, "hello", 5) == 0);
    /* out of order (a replay of record 0 at sequence 1): the AAD / nonce differ */
    memcpy(copy, rec[0], sizeof copy);
    CHECK_EQ(rec_open12(&r, CT_APPLICATION_DATA, copy + 5, len, &off, &n), CTLS_ERR_BAD_RECORD_MAC);
    /* the content type is authenticated */
    memcpy(copy, rec[1], sizeof copy);
    CHECK_EQ(rec_open12(&r, CT_HANDSHAKE, copy + 5, len, &off, &n), CTLS_ERR_BAD_RECORD_MAC);
    memcpy(copy, rec[1], sizeof copy);
    CHECK_EQ(rec_open12(&r, CT_APPLICATION_DATA, copy + 5, len, &off, &n), 0);
    /* too short to hold the explicit nonce and the tag */
    CHECK_EQ(rec_open12(&r, CT_APPLICATION_DATA, copy + 5, explicit_len + 15, &off, &n),
             CTLS_ERR_BAD_RECORD_MAC);
    rec_keys_clear(&w);
    rec_keys_clear(&r);
}

TEST(record_protection)
{
    records_for(CTLS_AEAD_AES_128_GCM, 8);
    records_for(CTLS_AEAD_AES_256_GCM, 8);
    records_for(CTLS_AEAD_CHACHA20_POLY1305, 0);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(every_suite_and_cert);
    RUN(every_group);
    RUN(no_common_suite_for_the_key);
    RUN(alpn_and_sni);
    RUN(verification_outcomes);
    RUN(big_data_and_splits);
    RUN(shutdown);
    RUN(version_negotiation);
    RUN(no_key_share_without_tls13);
    RUN(tls13_share_reused_for_tls12);
    RUN(downgrade_sentinel);
    RUN(extended_master_secret_required);
    RUN(server_requires_ems);
    RUN(refused_suites);
    RUN(tampered_record);
    RUN(renegotiation_refused);
    RUN(client_certificates);
    RUN(renegotiation_client_hello_refused);
    RUN(post_handshake_limits);
    RUN(signature_schemes);
    RUN(record_protection);
    return th_summary();
}
