/* ctls_export_keying_material (RFC 8446 7.5, RFC 5705) between a ctls client and server in
 * memory:
 *   tls13_*, tls12_*  both ends export the same bytes, for every suite; labels, contexts and
 *                     lengths change them; what RFC 8446 7.5 / RFC 5705 4 give, computed by the
 *                     test (tests/unit/lib/keys.c) from the secret the key log hands out and the
 *                     randoms read off the wire (RFC 8448 has no exporter vectors; test_rfc8448
 *                     pins the exporter_master_secret itself to the RFC's);
 *   resumed           resumed handshakes export values of their own, the same on both ends;
 *   renegotiation     refused while a TLS 1.2 renegotiation runs, new values after it;
 *   errors            before the handshake, reserved labels, NULL arguments, the size limits;
 *                     none of them harms the connection; a failed connection repeats its error.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "crypto/crypto.h"
#include "keys.h"
#include "pair.h"
#include "resume.h"

#define LBL(s) (s), (sizeof(s) - 1)

/* Both ends export the same out_len bytes (CHECKed) into out. */
static void both(tk_pair *p, const char *label, size_t label_len, const void *ctx, size_t ctx_len,
                 int use_ctx, uint8_t *out, size_t out_len)
{
    uint8_t *other = malloc(out_len);
    CHECK(other != NULL);
    if (!other) return;
    CHECK_EQ(
        ctls_export_keying_material(p->c, label, label_len, ctx, ctx_len, use_ctx, out, out_len),
        0);
    CHECK_EQ(
        ctls_export_keying_material(p->s, label, label_len, ctx, ctx_len, use_ctx, other, out_len),
        0);
    CHECK_MEM(out, other, out_len);
    free(other);
}

/* Labels, contexts and lengths give different bytes; TLS 1.3: no context is the empty one. */
static void variations(tk_pair *p, int tls13)
{
    uint8_t a[32], b[32], c[32], d[32], e[32], f[16];
    both(p, LBL("EXPERIMENTAL a"), NULL, 0, 0, a, sizeof a);
    both(p, LBL("EXPERIMENTAL b"), NULL, 0, 0, b, sizeof b);
    both(p, LBL("EXPERIMENTAL a"), "ctx", 3, 1, c, sizeof c);
    both(p, LBL("EXPERIMENTAL a"), "ctY", 3, 1, d, sizeof d);
    both(p, LBL("EXPERIMENTAL a"), NULL, 0, 1, e, sizeof e);
    both(p, LBL("EXPERIMENTAL a"), NULL, 0, 0, f, sizeof f);
    CHECK(memcmp(a, b, 32) != 0);
    CHECK(memcmp(a, c, 32) != 0);
    CHECK(memcmp(c, d, 32) != 0);
    if (tls13) {
        CHECK_MEM(a, e, 32);          /* RFC 8446 7.5: no context == empty context */
        CHECK(memcmp(a, f, 16) != 0); /* the length is in the HkdfLabel */
    } else {
        CHECK(memcmp(a, e, 32) != 0); /* RFC 5705 4: an empty context still adds its length */
        CHECK_MEM(a, f, 16);          /* P_hash: a shorter output is a prefix */
    }
    /* a label goes by its length: bytes after a NUL count (no C-string cut) */
    uint8_t g[32];
    both(p, LBL("EXPERIMENTAL a\0x"), NULL, 0, 0, g, sizeof g);
    CHECK(memcmp(a, g, 32) != 0);
    /* the same call twice: the same bytes (nothing is consumed) */
    both(p, LBL("EXPERIMENTAL b"), NULL, 0, 0, e, sizeof e);
    CHECK_MEM(b, e, 32);
}

/* Labels, contexts (NULL: none) and lengths checked against the RFC formulas. */
static const struct {
    const char *label, *ctx;
    size_t out;
} cases[] = {{"EXPERIMENTAL a", NULL, 32},
             {"EXPERIMENTAL a", "", 32},
             {"EXPERIMENTAL a", "some context", 20},
             {"EXTRACTOR-dtls_srtp", NULL, 60},
             {"x", "c", 1},
             {"EXPERIMENTAL long", "ctx", 300}};

/* TLS 1.3: what RFC 8446 7.5 gives from the key log's EXPORTER_SECRET, whose client random is
 * the ClientHello's. */
static void check_tls13_formula(tk_pair *p)
{
    uint8_t cr[32], ems[48], want[300], got[300];
    size_t len = 0;
    int hash = tk_suite_hash(p->c);
    CHECK_EQ(tk_keylog_get(p->kc, "EXPORTER_SECRET", 0, cr, ems, &len), 0);
    CHECK_EQ(len, ctls_hash_len(hash));
    CHECK_MEM(cr, p->randoms, 32);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t cl = cases[i].ctx ? strlen(cases[i].ctx) : 0;
        CHECK_EQ(tk_export13(hash, ems, cases[i].label, (const uint8_t *)cases[i].ctx, cl, want,
                             cases[i].out),
                 0);
        both(p, cases[i].label, strlen(cases[i].label), cases[i].ctx, cl, cases[i].ctx != NULL, got,
             cases[i].out);
        CHECK_MEM(got, want, cases[i].out);
    }
}

/* TLS 1.2: what RFC 5705 4 gives from the key log's master secret and the wire's randoms. */
static void check_tls12_formula(tk_pair *p)
{
    uint8_t cr[32], master[48], want[300], got[300];
    size_t len = 0;
    int hash = tk_suite_hash(p->c);
    CHECK_EQ(tk_keylog_get(p->kc, "CLIENT_RANDOM", 0, cr, master, &len), 0);
    CHECK_EQ(len, 48);
    CHECK_MEM(cr, p->randoms, 32);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t cl = cases[i].ctx ? strlen(cases[i].ctx) : 0;
        int use = cases[i].ctx != NULL;
        CHECK_EQ(tk_export12(hash, master, p->randoms, cases[i].label,
                             (const uint8_t *)cases[i].ctx, cl, use, want, cases[i].out),
                 0);
        both(p, cases[i].label, strlen(cases[i].label), cases[i].ctx, cl, use, got, cases[i].out);
        CHECK_MEM(got, want, cases[i].out);
    }
    /* the largest context: a uint16 length (RFC 5705 4) */
    size_t big = 0xffff;
    uint8_t *ctx = calloc(1, big);
    CHECK(ctx != NULL);
    if (!ctx) return;
    ctx[0] = 1;
    CHECK_EQ(tk_export12(hash, master, p->randoms, "EXPERIMENTAL big", ctx, big, 1, want, 32), 0);
    both(p, LBL("EXPERIMENTAL big"), ctx, big, 1, got, 32);
    CHECK_MEM(got, want, 32);
    free(ctx);
}

TEST(tls13_every_suite)
{
    static const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"};
    for (size_t i = 0; i < 3; i++) {
        tk_pair p;
        if (tk_pair_open(&p, CTLS_TLS1_3, suites[i], NULL) == 0) {
            CHECK_EQ(ctls_version(p.c), CTLS_TLS1_3);
            variations(&p, 1);
            check_tls13_formula(&p);
            tp_exchange(p.c, p.s, 1000, 0);
            tp_exchange(p.s, p.c, 1000, 0);
        }
        tk_pair_close(&p);
    }
}

TEST(tls12_every_suite)
{
    static const char *suites[] = {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"};
    for (size_t i = 0; i < 4; i++) {
        tk_pair p;
        if (tk_pair_open(&p, CTLS_TLS1_2, suites[i], i == 3 ? "server-rsa" : NULL) == 0) {
            CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
            variations(&p, 0);
            check_tls12_formula(&p);
            tp_exchange(p.c, p.s, 1000, 0);
        }
        tk_pair_close(&p);
    }
}

/* Two connections export different bytes for the same label. */
TEST(connections_differ)
{
    for (int v = 0; v < 2; v++) {
        int version = v ? CTLS_TLS1_2 : CTLS_TLS1_3;
        tk_pair p, q;
        uint8_t a[32], b[32];
        memset(&q, 0, sizeof q); /* freed even when p failed */
        if (tk_pair_open(&p, version, NULL, NULL) == 0 &&
            tk_pair_open(&q, version, NULL, NULL) == 0) {
            both(&p, LBL("EXPERIMENTAL a"), NULL, 0, 0, a, sizeof a);
            both(&q, LBL("EXPERIMENTAL a"), NULL, 0, 0, b, sizeof b);
            CHECK(memcmp(a, b, sizeof a) != 0);
        }
        tk_pair_close(&p);
        tk_pair_close(&q);
    }
}

/* A label may hold any bytes: one with a NUL inside is not the label cut at the NUL. */
TEST(label_bytes)
{
    for (int v = 0; v < 2; v++) {
        tk_pair p;
        uint8_t a[32], b[32];
        if (tk_pair_open(&p, v ? CTLS_TLS1_2 : CTLS_TLS1_3, NULL, NULL) == 0) {
            both(&p, "EXPERIMENTAL\0x", 14, NULL, 0, 0, a, sizeof a);
            both(&p, LBL("EXPERIMENTAL"), NULL, 0, 0, b, sizeof b);
            CHECK(memcmp(a, b, sizeof a) != 0);
        }
        tk_pair_close(&p);
    }
}

/* Resumed handshakes (TLS 1.3 PSK, TLS 1.2 ticket) export their own values, the same on both
 * ends; TLS 1.2 reuses the master secret, the new randoms make the difference. */
TEST(resumed)
{
    for (int v = 0; v < 2; v++) {
        int version = v ? CTLS_TLS1_2 : CTLS_TLS1_3;
        ctls_config *cc = tp_client12(version), *sc = tp_server12(version);
        ctls_session *sess = NULL;
        tp_resume_pair a, b;
        uint8_t x[32], y[32], z[32];
        memset(&a, 0, sizeof a);
        memset(&b, 0, sizeof b);
        CHECK_EQ(tp_resume_open(&a, cc, sc, NULL, NULL), 0);
        if (version == CTLS_TLS1_3) tp_take_tickets(&a);
        CHECK_EQ(ctls_export_keying_material(a.c, LBL("EXPERIMENTAL r"), NULL, 0, 0, x, 32), 0);
        sess = ctls_conn_get_session(a.c);
        CHECK(sess != NULL);
        CHECK_EQ(tp_resume_open(&b, cc, sc, NULL, sess), 0);
        CHECK_EQ(ctls_session_resumed(b.c), 1);
        CHECK_EQ(ctls_session_resumed(b.s), 1);
        CHECK_EQ(ctls_version(b.c), version);
        CHECK_EQ(ctls_export_keying_material(b.c, LBL("EXPERIMENTAL r"), NULL, 0, 0, y, 32), 0);
        CHECK_EQ(ctls_export_keying_material(b.s, LBL("EXPERIMENTAL r"), NULL, 0, 0, z, 32), 0);
        CHECK_MEM(y, z, 32);
        CHECK(memcmp(x, y, 32) != 0);
        ctls_session_free(sess);
        tp_resume_close(&a);
        tp_resume_close(&b);
        ctls_config_free(cc);
        ctls_config_free(sc);
    }
}

/* TLS 1.2 renegotiation: refused on each end while its handshake runs (c->hs), then the new
 * handshake's values, the same on both ends. */
TEST(renegotiation)
{
    tk_pair p;
    if (tk_pair_configs(&p, CTLS_TLS1_2, NULL, NULL) != 0) {
        tk_pair_close(&p);
        return;
    }
    CHECK_EQ(ctls_config_set_renegotiation(p.cc, 1), 0);
    CHECK_EQ(ctls_config_set_renegotiation(p.sc, 1), 0);
    CHECK_EQ(tk_pair_connect(&p, NULL), 0);
    uint8_t before[32], after[32], b[16];
    both(&p, LBL("EXPERIMENTAL n"), NULL, 0, 0, before, sizeof before);
    CHECK_EQ(ctls_renegotiate(p.s), 0); /* HelloRequest */
    tp_pump(p.s, p.c, 0);
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ); /* the client's ClientHello */
    CHECK(p.c->hs != NULL);
    CHECK_EQ(ctls_export_keying_material(p.c, LBL("EXPERIMENTAL n"), NULL, 0, 0, after, 32),
             CTLS_ERR_BAD_STATE);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ); /* the server's flight */
    CHECK(p.s->hs != NULL);
    CHECK_EQ(ctls_export_keying_material(p.s, LBL("EXPERIMENTAL n"), NULL, 0, 0, after, 32),
             CTLS_ERR_BAD_STATE);
    for (int i = 0; i < 100 && (ctls_renegotiations(p.c) < 1 || ctls_renegotiations(p.s) < 1);
         i++) {
        tp_pump(p.c, p.s, 0);
        CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ);
        CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    }
    CHECK_EQ(ctls_renegotiations(p.c), 1);
    CHECK_EQ(ctls_renegotiations(p.s), 1);
    both(&p, LBL("EXPERIMENTAL n"), NULL, 0, 0, after, sizeof after);
    CHECK(memcmp(before, after, sizeof after) != 0);
    tp_exchange(p.c, p.s, 1000, 0);
    tk_pair_close(&p);
}

/* Every refusal of one connection x (TLS version v, connected): the status, and nothing
 * written to out. */
static void refusals(ctls_conn *x, int v)
{
    uint8_t out[16];
    static const uint8_t zero[16];
    static const char *const reserved[] = {"client finished", "server finished", "master secret",
                                           "extended master secret", "key expansion"};
    char label[300];
    memset(out, 0, sizeof out);
#define REFUSED(call, want)                                                                        \
    do {                                                                                           \
        CHECK_EQ(call, want);                                                                      \
        CHECK_MEM(out, zero, sizeof out);                                                          \
    } while (0)
    REFUSED(ctls_export_keying_material(NULL, LBL("EXPERIMENTAL"), NULL, 0, 0, out, 16),
            CTLS_ERR_INVALID_ARG);
    REFUSED(ctls_export_keying_material(x, NULL, 3, NULL, 0, 0, out, 16), CTLS_ERR_INVALID_ARG);
    REFUSED(ctls_export_keying_material(x, "", 0, NULL, 0, 0, out, 16), CTLS_ERR_INVALID_ARG);
    REFUSED(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), NULL, 0, 0, NULL, 16),
            CTLS_ERR_INVALID_ARG);
    REFUSED(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), NULL, 0, 0, out, 0),
            CTLS_ERR_INVALID_ARG);
    REFUSED(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), NULL, 3, 1, out, 16),
            CTLS_ERR_INVALID_ARG);
    /* RFC 5705 4, RFC 7627 4: reserved labels, alone or starting a longer one */
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        size_t n = strlen(reserved[i]);
        REFUSED(ctls_export_keying_material(x, reserved[i], n, NULL, 0, 0, out, 16),
                CTLS_ERR_INVALID_ARG);
        snprintf(label, sizeof label, "%s2", reserved[i]);
        REFUSED(ctls_export_keying_material(x, label, n + 1, NULL, 0, 1, out, 16),
                CTLS_ERR_INVALID_ARG);
    }
    /* sizes: a label of 249 bytes at most, out_len of 255 hash lengths at most */
    memset(label, 'E', sizeof label);
    REFUSED(ctls_export_keying_material(x, label, 250, NULL, 0, 0, out, 16), CTLS_ERR_LIMIT);
    size_t max = 255 * ctls_hash_len(tk_suite_hash(x));
    uint8_t *big = calloc(1, max + 1 > 0x10000 ? max + 1 : 0x10000);
    CHECK(big != NULL);
    if (!big) return;
    CHECK_EQ(ctls_export_keying_material(x, label, 249, NULL, 0, 0, out, 16), 0);
    memset(out, 0, sizeof out);
    CHECK_EQ(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), NULL, 0, 0, big, max + 1),
             CTLS_ERR_LIMIT);
    CHECK_EQ(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), NULL, 0, 0, big, max), 0);
    /* RFC 5705 4: a uint16 context length in TLS 1.2; TLS 1.3 hashes any context */
    CHECK_EQ(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), big, 0x10000, 1, out, 16),
             v == CTLS_TLS1_2 ? CTLS_ERR_LIMIT : 0);
    memset(out, 0, sizeof out);
    /* without use_context the context is ignored, NULL or not */
    CHECK_EQ(ctls_export_keying_material(x, LBL("EXPERIMENTAL"), NULL, 0x10000, 0, out, 16), 0);
    /* not reserved: a shorter prefix, or the reserved words further in */
    CHECK_EQ(ctls_export_keying_material(x, LBL("master secre"), NULL, 0, 0, out, 16), 0);
    CHECK_EQ(ctls_export_keying_material(x, LBL("EXPERIMENTAL key expansion"), NULL, 0, 0, out, 16),
             0);
    free(big);
#undef REFUSED
}

TEST(errors)
{
    uint8_t out[16];
    for (int v = 0; v < 2; v++) {
        int version = v ? CTLS_TLS1_2 : CTLS_TLS1_3;
        /* before and during the handshake */
        ctls_config *cc = tp_client_config(), *sc = tp_server_config("server-ecdsa");
        CHECK_EQ(ctls_config_set_versions(cc, version, version), 0);
        ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
        CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
        CHECK_EQ(ctls_export_keying_material(c, LBL("EXPERIMENTAL"), NULL, 0, 0, out, 16),
                 CTLS_ERR_BAD_STATE);
        CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
        tp_pump(c, s, 0);
        CHECK_EQ(ctls_handshake(s), CTLS_WANT_READ);
        /* the TLS 1.3 server has its exporter_master_secret now, but the handshake is not
         * complete until the client's Finished */
        CHECK_EQ(ctls_export_keying_material(s, LBL("EXPERIMENTAL"), NULL, 0, 0, out, 16),
                 CTLS_ERR_BAD_STATE);
        CHECK_EQ(ctls_export_keying_material(c, LBL("EXPERIMENTAL"), NULL, 0, 0, out, 16),
                 CTLS_ERR_BAD_STATE);
        CHECK_EQ(tp_handshake(c, s, NULL, NULL), 0);
        /* connected: the refusals leave the connections as they were */
        refusals(c, version);
        refusals(s, version);
        CHECK_EQ(ctls_state(c), CTLS_STATE_CONNECTED);
        CHECK_EQ(ctls_state(s), CTLS_STATE_CONNECTED);
        tp_exchange(c, s, 1000, 0);
        tp_exchange(s, c, 1000, 0);
        uint8_t x[16], y[16];
        CHECK_EQ(ctls_export_keying_material(c, LBL("EXPERIMENTAL"), NULL, 0, 0, x, 16), 0);
        /* after close_notify both ways: still there */
        CHECK_EQ(ctls_shutdown(c), 0);
        tp_pump(c, s, 0);
        CHECK_EQ(ctls_read(s, out, sizeof out), 0);
        CHECK_EQ(ctls_shutdown(s), 1);
        tp_pump(s, c, 0);
        CHECK_EQ(ctls_shutdown(c), 1);
        CHECK_EQ(ctls_export_keying_material(s, LBL("EXPERIMENTAL"), NULL, 0, 0, y, 16), 0);
        CHECK_MEM(x, y, 16);
        ctls_conn_free(c);
        ctls_conn_free(s);
        /* a failed connection repeats its error */
        c = ctls_conn_new(cc);
        s = ctls_conn_new(sc);
        CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
        CHECK_EQ(tp_handshake(c, s, NULL, NULL), 0);
        CHECK_EQ(ctls_conn_feed_eof(c), 0);
        CHECK_EQ(ctls_read(c, out, sizeof out), CTLS_ERR_TRUNCATED);
        CHECK_EQ(ctls_export_keying_material(c, LBL("EXPERIMENTAL"), NULL, 0, 0, out, 16),
                 CTLS_ERR_TRUNCATED);
        ctls_conn_free(c);
        ctls_conn_free(s);
        ctls_config_free(cc);
        ctls_config_free(sc);
    }
}

int main(void)
{
    RUN(tls13_every_suite);
    RUN(tls12_every_suite);
    RUN(connections_differ);
    RUN(label_bytes);
    RUN(resumed);
    RUN(renegotiation);
    RUN(errors);
    return th_summary();
}
