/* The key log (ctls_config_set_keylog, RFC 9850) between a ctls client and server in memory:
 *   tls13_*, tls12_*  both ends log the same set of lines: the expected labels, once each per
 *                     handshake, the ClientHello's random, secrets of the suite's hash length;
 *                     and the lines are what Wireshark needs: the test decrypts the captured
 *                     records with them (TLS 1.3: the server's encrypted flight, the client's
 *                     Finished, application data; TLS 1.2: both Finished and application data,
 *                     through a key block it derives itself, RFC 5246 6.3);
 *   hrr, resumed, renegotiation  one set of lines per handshake;
 *   failed            a handshake that fails logs the secrets derived before it failed;
 *   off               nothing when no callback is set or it is taken away; the setter is
 *                     refused once the config is in use;
 *   early_data        accepted 0-RTT adds CLIENT_EARLY_TRAFFIC_SECRET on both ends. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "core/mem.h"
#include "crypto/crypto.h"
#include "keys.h"
#include "pair.h"
#include "record/record.h"
#include "resume.h"

static const char *const labels13[] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET",
                                       "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                                       "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"};

/* Both logs hold the same lines, each passed with its own connection, from the ClientHello's
 * random; each label in labels n_each times, nothing else. */
static void check_lines(const tk_pair *p, const char *const *labels, size_t n_labels, int n_each)
{
    uint8_t cr[32], secret[48], wire[32];
    size_t len;
    CHECK_EQ(tk_hello_random(p->f, 0, wire), 0);
    CHECK(tk_keylog_same_set(p->kc, p->ks));
    CHECK_EQ(p->kc->overflow + p->ks->overflow, 0);
    CHECK_EQ(p->kc->n, (int)n_labels * n_each);
    for (size_t i = 0; i < n_labels; i++) {
        CHECK_EQ(tk_keylog_count(p->kc, labels[i]), n_each);
        CHECK_EQ(tk_keylog_get(p->kc, labels[i], 0, cr, secret, &len), 0);
        CHECK_MEM(cr, wire, 32);
    }
    for (int i = 0; i < p->kc->n; i++)
        CHECK(p->kc->conn[i] == p->c);
    for (int i = 0; i < p->ks->n; i++)
        CHECK(p->ks->conn[i] == p->s);
}

/* The logged secret of label (CHECKed: there, of the suite's hash length). */
static void logged(const tk_pair *p, const char *label, uint8_t *secret)
{
    uint8_t cr[32];
    size_t len = 0;
    CHECK_EQ(tk_keylog_get(p->kc, label, 0, cr, secret, &len), 0);
    CHECK_EQ(len, ctls_hash_len(tk_suite_hash(p->c)));
}

/* The records of flight i (from record `from` on) of outer type want: opened in order with k;
 * returns how many; the first plaintext (type, bytes) in *type / out. */
typedef int (*open_fn)(rec_keys *k, uint8_t *rec, size_t len, uint8_t *type, uint8_t **plain,
                       size_t *plain_len);

static int open13(rec_keys *k, uint8_t *rec, size_t len, uint8_t *type, uint8_t **plain,
                  size_t *plain_len)
{
    if (rec[0] != CT_APPLICATION_DATA) return 1; /* not protected: skip */
    *plain = rec + REC_HEADER_LEN;
    return rec_open13(k, rec, rec + REC_HEADER_LEN, len, *plain, type, plain_len);
}

static int open12(rec_keys *k, uint8_t *rec, size_t len, uint8_t *type, uint8_t **plain,
                  size_t *plain_len)
{
    size_t off = 0;
    *type = rec[0];
    int rc = rec_open12(k, rec[0], rec + REC_HEADER_LEN, len, &off, plain_len);
    *plain = rec + REC_HEADER_LEN + off;
    return rc;
}

/* Open the records of buf from record index `first` on with k (TLS 1.3: the protected ones);
 * CHECKs each opens; returns how many opened, with the first's type and leading bytes. */
static int open_records(const uint8_t *buf, size_t n, int first, rec_keys *k, open_fn op,
                        uint8_t *type, uint8_t *lead, size_t lead_len)
{
    uint8_t *copy = malloc(n ? n : 1);
    CHECK(copy != NULL);
    if (!copy) return 0;
    memcpy(copy, buf, n);
    int opened = 0;
    size_t off = 0;
    for (int idx = 0; off + REC_HEADER_LEN <= n; idx++) {
        uint8_t *rec = copy + off;
        size_t len = (size_t)rec[3] << 8 | rec[4];
        if (off + REC_HEADER_LEN + len > n) break;
        off += REC_HEADER_LEN + len;
        if (idx < first) continue;
        uint8_t t = 0, *plain = NULL;
        size_t plen = 0;
        int rc = op(k, rec, len, &t, &plain, &plen);
        if (rc == 1) continue;
        CHECK_EQ(rc, 0);
        if (rc != 0) break;
        if (opened++ == 0) {
            *type = t;
            memcpy(lead, plain, plen < lead_len ? plen : lead_len);
        }
    }
    free(copy);
    return opened;
}

/* What a client or server writes next, as records (the memory transport's output). */
static size_t written(ctls_conn *x, const char *text, uint8_t *out, size_t cap)
{
    CHECK_EQ(ctls_write(x, text, strlen(text)), (ssize_t)strlen(text));
    const void *p;
    size_t n = ctls_conn_output(x, &p);
    CHECK(n <= cap);
    if (n > cap) n = cap;
    memcpy(out, p, n);
    ctls_conn_consume_output(x, n);
    return n;
}

/* TLS 1.3: the logged secrets open the captured records (RFC 8446 7.3 keys from them). */
static void decrypt13(tk_pair *p)
{
    int hash = tk_suite_hash(p->c), aead = tk_suite_aead(p->c);
    uint8_t secret[48], type = 0, lead[8], rec[256];
    rec_keys k;
    memset(&k, 0, sizeof k);
    /* the server's flight after its ServerHello: EncryptedExtensions first */
    logged(p, "SERVER_HANDSHAKE_TRAFFIC_SECRET", secret);
    CHECK_EQ(rec_set_keys13(&k, aead, hash, secret, NULL), 0);
    CHECK(open_records(p->f->b[1], p->f->n[1], 1, &k, open13, &type, lead, 1) >= 1);
    CHECK_EQ(type, CT_HANDSHAKE);
    CHECK_EQ(lead[0], 8); /* encrypted_extensions */
    /* the client's second flight: its Finished */
    logged(p, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", secret);
    CHECK_EQ(rec_set_keys13(&k, aead, hash, secret, NULL), 0);
    CHECK_EQ(open_records(p->f->b[2], p->f->n[2], 0, &k, open13, &type, lead, 1), 1);
    CHECK_EQ(type, CT_HANDSHAKE);
    CHECK_EQ(lead[0], 20); /* finished */
    /* application data both ways */
    logged(p, "CLIENT_TRAFFIC_SECRET_0", secret);
    CHECK_EQ(rec_set_keys13(&k, aead, hash, secret, NULL), 0);
    size_t n = written(p->c, "ping", rec, sizeof rec);
    CHECK_EQ(open_records(rec, n, 0, &k, open13, &type, lead, 4), 1);
    CHECK_EQ(type, CT_APPLICATION_DATA);
    CHECK_MEM(lead, "ping", 4);
    logged(p, "SERVER_TRAFFIC_SECRET_0", secret);
    CHECK_EQ(rec_set_keys13(&k, aead, hash, secret, NULL), 0);
    n = written(p->s, "pong", rec, sizeof rec);
    CHECK_EQ(open_records(rec, n, 0, &k, open13, &type, lead, 4), 1);
    CHECK_EQ(type, CT_APPLICATION_DATA);
    CHECK_MEM(lead, "pong", 4);
    rec_keys_clear(&k);
    ctls_wipe(secret, sizeof secret);
}

/* TLS 1.2: the logged master secret and the wire's randoms give the key block (RFC 5246 6.3),
 * which opens both Finished messages and application data. */
static void decrypt12(tk_pair *p)
{
    int hash = tk_suite_hash(p->c), aead = tk_suite_aead(p->c);
    uint8_t cr[32], sr[32], master[48], seed[64], kb[2 * 32 + 2 * 12], type = 0, lead[8];
    uint8_t rec[256];
    size_t len = 0, kl = ctls_aead_key_len(aead), il = rec_iv_len12(aead);
    CHECK_EQ(tk_keylog_get(p->kc, "CLIENT_RANDOM", 0, cr, master, &len), 0);
    CHECK_EQ(len, 48);
    CHECK_EQ(tk_hello_random(p->f, 1, sr), 0);
    memcpy(seed, sr, 32);
    memcpy(seed + 32, cr, 32);
    CHECK_EQ(ctls_prf12(hash, master, 48, "key expansion", seed, 64, kb, 2 * kl + 2 * il), 0);
    rec_keys ck, sk;
    memset(&ck, 0, sizeof ck);
    memset(&sk, 0, sizeof sk);
    CHECK_EQ(rec_set_keys12(&ck, aead, kb, kb + 2 * kl), 0);
    CHECK_EQ(rec_set_keys12(&sk, aead, kb + kl, kb + 2 * kl + il), 0);
    /* the client's ClientKeyExchange, ChangeCipherSpec, Finished: the third record */
    CHECK_EQ(open_records(p->f->b[2], p->f->n[2], 2, &ck, open12, &type, lead, 1), 1);
    CHECK_EQ(type, CT_HANDSHAKE);
    CHECK_EQ(lead[0], 20);
    /* the server's ChangeCipherSpec, Finished (no ticket configured) */
    CHECK_EQ(open_records(p->f->b[3], p->f->n[3], 1, &sk, open12, &type, lead, 1), 1);
    CHECK_EQ(type, CT_HANDSHAKE);
    CHECK_EQ(lead[0], 20);
    size_t n = written(p->c, "ping", rec, sizeof rec);
    CHECK_EQ(open_records(rec, n, 0, &ck, open12, &type, lead, 4), 1);
    CHECK_MEM(lead, "ping", 4);
    n = written(p->s, "pong", rec, sizeof rec);
    CHECK_EQ(open_records(rec, n, 0, &sk, open12, &type, lead, 4), 1);
    CHECK_MEM(lead, "pong", 4);
    rec_keys_clear(&ck);
    rec_keys_clear(&sk);
    ctls_wipe(kb, sizeof kb);
}

TEST(tls13_every_suite)
{
    static const char *suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                   "TLS_CHACHA20_POLY1305_SHA256"};
    for (size_t i = 0; i < 3; i++) {
        tk_pair p;
        if (tk_pair_configs(&p, CTLS_TLS1_3, suites[i], NULL) == 0 &&
            tk_pair_connect(&p, NULL) == 0) {
            CHECK_EQ(ctls_version(p.c), CTLS_TLS1_3);
            check_lines(&p, labels13, 5, 1);
            decrypt13(&p);
        }
        tk_pair_close(&p);
    }
}

TEST(tls12_every_suite)
{
    static const char *const label12[] = {"CLIENT_RANDOM"};
    static const char *suites[] = {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"};
    for (size_t i = 0; i < 4; i++) {
        tk_pair p;
        if (tk_pair_configs(&p, CTLS_TLS1_2, suites[i], i == 3 ? "server-rsa" : NULL) == 0 &&
            tk_pair_connect(&p, NULL) == 0) {
            CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
            check_lines(&p, label12, 1, 1);
            decrypt12(&p);
        }
        tk_pair_close(&p);
    }
}

/* A HelloRetryRequest: still one line per secret (from the one ClientHello random). */
TEST(hrr)
{
    tk_pair p;
    if (tk_pair_configs(&p, CTLS_TLS1_3, NULL, NULL) == 0) {
        CHECK_EQ(ctls_config_set_groups(p.cc, "x25519:secp256r1"), 0);
        CHECK_EQ(ctls_config_set_groups(p.sc, "secp256r1"), 0);
        if (tk_pair_connect(&p, NULL) == 0) {
            CHECK(strcmp(ctls_group_name(p.c), "secp256r1") == 0);
            check_lines(&p, labels13, 5, 1);
        }
    }
    tk_pair_close(&p);
}

/* Resumed handshakes log like full ones; TLS 1.2 logs the session's master secret again, with
 * the new client random. */
TEST(resumed)
{
    static const char *const label12[] = {"CLIENT_RANDOM"};
    for (int v = 0; v < 2; v++) {
        int version = v ? CTLS_TLS1_2 : CTLS_TLS1_3;
        ctls_config *cc = tp_client12(version), *sc = tp_server12(version);
        tk_keylog *k1 = calloc(1, sizeof *k1), *k2 = calloc(1, sizeof *k2);
        CHECK(k1 && k2);
        CHECK_EQ(ctls_config_set_keylog(cc, tk_keylog_fn, k1), 0);
        CHECK_EQ(ctls_config_set_keylog(sc, tk_keylog_fn, k2), 0);
        ctls_session *sess = tp_full_session(cc, sc, version);
        CHECK(sess != NULL);
        CHECK(tk_keylog_same_set(k1, k2));
        uint8_t cr1[32], cr2[32], m1[48], m2[48];
        size_t l1 = 0, l2 = 0;
        const char *label = v ? "CLIENT_RANDOM" : "EXPORTER_SECRET";
        CHECK_EQ(tk_keylog_get(k1, label, 0, cr1, m1, &l1), 0);
        CHECK_EQ(tp_resumes(cc, sc, sess, NULL), 1);
        CHECK(tk_keylog_same_set(k1, k2));
        if (v) {
            CHECK_EQ(k1->n, 2);
            CHECK_EQ(tk_keylog_count(k1, label12[0]), 2);
        } else {
            CHECK_EQ(k1->n, 10);
            for (int i = 0; i < 5; i++)
                CHECK_EQ(tk_keylog_count(k1, labels13[i]), 2);
        }
        CHECK_EQ(tk_keylog_get(k1, label, 1, cr2, m2, &l2), 0);
        CHECK(memcmp(cr1, cr2, 32) != 0);
        if (v)
            CHECK_MEM(m1, m2, 48); /* RFC 5246 7.3: the session's master secret */
        else
            CHECK(memcmp(m1, m2, l1) != 0);
        ctls_session_free(sess);
        ctls_config_free(cc);
        ctls_config_free(sc);
        free(k1);
        free(k2);
    }
}

/* TLS 1.2 renegotiation: a second CLIENT_RANDOM line on each end, the new handshake's. */
TEST(renegotiation)
{
    tk_pair p;
    if (tk_pair_configs(&p, CTLS_TLS1_2, NULL, NULL) == 0) {
        CHECK_EQ(ctls_config_set_renegotiation(p.cc, 1), 0);
        CHECK_EQ(ctls_config_set_renegotiation(p.sc, 1), 0);
        if (tk_pair_connect(&p, NULL) == 0) {
            unsigned char b[16];
            CHECK_EQ(ctls_renegotiate(p.c), 0);
            for (int i = 0;
                 i < 100 && (ctls_renegotiations(p.c) < 1 || ctls_renegotiations(p.s) < 1); i++) {
                tp_pump(p.c, p.s, 0);
                CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ);
                CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
            }
            CHECK_EQ(ctls_renegotiations(p.s), 1);
            CHECK(tk_keylog_same_set(p.kc, p.ks));
            CHECK_EQ(tk_keylog_count(p.kc, "CLIENT_RANDOM"), 2);
            CHECK_EQ(p.kc->n, 2);
            uint8_t cr1[32], cr2[32], m1[48], m2[48];
            size_t l = 0;
            CHECK_EQ(tk_keylog_get(p.kc, "CLIENT_RANDOM", 0, cr1, m1, &l), 0);
            CHECK_EQ(tk_keylog_get(p.kc, "CLIENT_RANDOM", 1, cr2, m2, &l), 0);
            CHECK(memcmp(cr1, cr2, 32) != 0);
            CHECK(memcmp(m1, m2, 48) != 0);
        }
    }
    tk_pair_close(&p);
}

/* A client that refuses the server's certificate (host name) has logged the handshake
 * secrets, which decrypt what it saw, and nothing more; the server got as far as its
 * application secrets. */
TEST(failed)
{
    tk_pair p;
    if (tk_pair_configs(&p, CTLS_TLS1_3, NULL, NULL) == 0) {
        CHECK(tk_pair_connect(&p, "wrong.example") != 0);
        CHECK_EQ(p.kc->n, 2);
        CHECK_EQ(tk_keylog_count(p.kc, "CLIENT_HANDSHAKE_TRAFFIC_SECRET"), 1);
        CHECK_EQ(tk_keylog_count(p.kc, "SERVER_HANDSHAKE_TRAFFIC_SECRET"), 1);
        CHECK_EQ(p.ks->n, 5);
        for (int i = 0; i < p.kc->n; i++) {
            int found = 0;
            for (int j = 0; j < p.ks->n; j++)
                found |= strcmp(p.kc->line[i], p.ks->line[j]) == 0;
            CHECK(found);
        }
    }
    tk_pair_close(&p);
}

/* Off: no callback, or one taken away again, and nothing is logged; the setter is refused
 * once a connection uses the config, and for a NULL config. */
TEST(off)
{
    tk_pair p;
    if (tk_pair_configs(&p, 0, NULL, NULL) == 0) {
        CHECK_EQ(ctls_config_set_keylog(p.cc, NULL, p.kc), 0);
        CHECK_EQ(ctls_config_set_keylog(p.sc, NULL, NULL), 0);
        CHECK_EQ(tk_pair_connect(&p, NULL), 0);
        CHECK_EQ(p.kc->n, 0);
        CHECK_EQ(p.ks->n, 0);
        CHECK(p.cc->keylog_ctx == NULL);
        CHECK_EQ(ctls_config_set_keylog(p.cc, tk_keylog_fn, p.kc), CTLS_ERR_BAD_STATE);
        CHECK_EQ(ctls_config_set_keylog(p.sc, NULL, NULL), CTLS_ERR_BAD_STATE);
        tp_exchange(p.c, p.s, 1000, 0);
        CHECK_EQ(p.kc->n, 0);
    }
    tk_pair_close(&p);
    CHECK_EQ(ctls_config_set_keylog(NULL, tk_keylog_fn, NULL), CTLS_ERR_INVALID_ARG);
}

/* TLS 1.3 0-RTT: the resumed handshake that carried accepted early data logs
 * CLIENT_EARLY_TRAFFIC_SECRET too, on both ends, with the same client random as its other
 * lines (RFC 9850 2). */
TEST(early_data)
{
    ctls_config *cc = tp_client_config(), *sc = tp_server_config("server-ecdsa");
    CHECK(cc && sc);
    CHECK_EQ(ctls_config_set_session_tickets(sc, 2), 0);
    CHECK_EQ(ctls_config_set_session_cache(sc, 16), 0);
    CHECK_EQ(ctls_config_set_max_early_data(sc, 1000), 0);
    tk_keylog *k1 = calloc(1, sizeof *k1), *k2 = calloc(1, sizeof *k2);
    CHECK(k1 && k2);
    CHECK_EQ(ctls_config_set_keylog(cc, tk_keylog_fn, k1), 0);
    CHECK_EQ(ctls_config_set_keylog(sc, tk_keylog_fn, k2), 0);
    ctls_session *sess = tp_full_session(cc, sc, CTLS_TLS1_3);
    CHECK(sess != NULL);
    CHECK_EQ(k1->n, 5);
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    CHECK(c && s);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    CHECK_EQ(ctls_conn_set_session(c, sess), 0);
    CHECK_EQ(ctls_write_early_data(c, "early", 5), 5);
    CHECK_EQ(tp_handshake_split(c, s, 0, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(c), CTLS_EARLY_DATA_ACCEPTED);
    CHECK_EQ(ctls_early_data_status(s), CTLS_EARLY_DATA_ACCEPTED);
    CHECK(tk_keylog_same_set(k1, k2));
    CHECK_EQ(k1->n, 11);
    CHECK_EQ(tk_keylog_count(k1, "CLIENT_EARLY_TRAFFIC_SECRET"), 1);
    uint8_t cr1[32], cr2[32], sec[48];
    size_t len = 0;
    CHECK_EQ(tk_keylog_get(k1, "CLIENT_EARLY_TRAFFIC_SECRET", 0, cr1, sec, &len), 0);
    CHECK_EQ(len, 32);
    CHECK_EQ(tk_keylog_get(k1, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", 1, cr2, sec, &len), 0);
    CHECK_MEM(cr1, cr2, 32);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_session_free(sess);
    ctls_config_free(cc);
    ctls_config_free(sc);
    free(k1);
    free(k2);
}

int main(void)
{
    RUN(tls13_every_suite);
    RUN(tls12_every_suite);
    RUN(hrr);
    RUN(resumed);
    RUN(renegotiation);
    RUN(failed);
    RUN(off);
    RUN(early_data);
    return th_summary();
}
