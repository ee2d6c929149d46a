/* TLS 1.3 session resumption (RFC 8446 2.2, 4.2.11, 4.6.1) between a ctls client and a ctls
 * server in memory:
 *
 * resume_basic            full handshake -> tickets in ctls_read -> resumed handshake (both
 *                         sides say resumed; ALPN, SNI, the server's chain and verify result
 *                         kept); ctls_conn_get_session is NULL before a ticket arrives; the
 *                         resumed connection gets new tickets and carries data.
 * peer_id_store           ctls_conn_set_peer_id: a second connection with the same peer ID
 *                         resumes by itself; another peer ID does not.
 * serialize_roundtrip     serialize (size query, short buffer), parse, serialize again:
 *                         identical; the parsed session resumes.
 * parse_malformed         every truncation, bad magic / format / version / suite, PSK length,
 *                         lifetime, NUL in a name, too many certificates, trailing bytes: NULL.
 * other_ticket_key        a server with another ticket key: silently a full handshake.
 * corrupted_binder        a flipped binder byte: the server aborts with decrypt_error.
 * expired_not_offered     a session past its lifetime is not offered: full handshake.
 * sni_mismatch            a session for another server name is not offered.
 * hrr_resumption          HelloRetryRequest then resumption (the binder of CH2 is over
 *                         message_hash(CH1) || HRR || CH2 truncated).
 * session_survives_free   a session handed out outlives its connection and config.
 * truncation_not_stored   EOF without close_notify: the peer-ID entry is dropped and
 *                         ctls_conn_get_session returns NULL.
 * ticket_count            ctls_config_set_session_tickets 0 and 3.
 * rfc8448_binder          RFC 8448 section 4: the PSK from section 3's resumption master secret
 *                         and ticket nonce; our binder over the RFC's truncated ClientHello is
 *                         the RFC's binder; tickets_select-style check accepts it and rejects a
 *                         flipped byte.
 * store_bounded           the client store keeps at most 1024 peer IDs, evicting the oldest.
 * psk_modes_and_selected_identity  psk_ke only: no resumption; no psk_key_exchange_modes:
 *                         missing_extension; a selected_identity out of range, or a
 *                         pre_shared_key never offered: illegal_parameter.
 * store_threads           four threads resuming through one client config's store.
 * binder_prefix_transcript  tr_hash_prefix (the binder's hash, kept so the ClientHello is
 *                         hashed once): the binder hash and the transcript after the message
 *                         equal plain hashes of the bytes, whichever order the hash is chosen
 *                         in, with another hash chosen, another message added, or the state
 *                         dropped.
 */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "hs/hs.h"
#include "msg/msg.h"
#include "resume.h"
#include "rfc8448_vectors.h"
#include "session/session.h"

static ctls_config *g_sc, *g_cc;

static void data_both_ways(tp_resume_pair *p)
{
    char b[32];
    CHECK_EQ(ctls_write(p->c, "ping", 4), 4);
    tp_pump(p->c, p->s, 0);
    CHECK_EQ(ctls_read(p->s, b, sizeof b), 4);
    CHECK(memcmp(b, "ping", 4) == 0);
    CHECK_EQ(ctls_write(p->s, "pong", 4), 4);
    tp_pump(p->c, p->s, 0);
    CHECK_EQ(ctls_read(p->c, b, sizeof b), 4);
    CHECK(memcmp(b, "pong", 4) == 0);
}

/* A full TLS 1.3 handshake on (cc, sc) and the newest session after its tickets. */
static ctls_session *fresh_session(ctls_config *cc, ctls_config *sc)
{
    ctls_session *s = tp_full_session(cc, sc, CTLS_TLS1_3);
    CHECK(s != NULL);
    return s;
}

TEST(resume_basic)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    CHECK(sc && cc);
    CHECK_EQ(ctls_config_set_alpn(sc, "h2,http/1.1"), 0);
    CHECK_EQ(ctls_config_set_alpn(cc, "http/1.1"), 0);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    CHECK(ctls_conn_get_session(p.c) == NULL); /* no ticket yet */
    CHECK(ctls_conn_get_session(p.s) == NULL); /* a server hands out none */
    CHECK_EQ(ctls_tickets_received(p.c), 0);
    tp_take_tickets(&p);
    CHECK_EQ(ctls_tickets_received(p.c), 2);
    data_both_ways(&p);
    ctls_session *sess = ctls_conn_get_session(p.c);
    CHECK(sess != NULL);
    CHECK_EQ(sess->suite, 0x1301);
    CHECK(sess->alpn && strcmp(sess->alpn, "http/1.1") == 0);
    CHECK(sess->sni && strcmp(sess->sni, "localhost") == 0);
    tp_resume_close(&p);

    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, sess), 0);
    CHECK_EQ(p.crc, 0);
    CHECK_EQ(p.src, 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    CHECK(ctls_alpn_selected(p.c) && strcmp(ctls_alpn_selected(p.c), "http/1.1") == 0);
    CHECK(ctls_alpn_selected(p.s) && strcmp(ctls_alpn_selected(p.s), "http/1.1") == 0);
    CHECK(ctls_server_name(p.s) && strcmp(ctls_server_name(p.s), "localhost") == 0);
    CHECK_EQ(ctls_verify_result(p.c), CTLS_VERIFY_OK);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2); /* the chain of the original handshake */
    data_both_ways(&p);
    tp_take_tickets(&p);
    CHECK_EQ(ctls_tickets_received(p.c), 2); /* tickets after a resumed handshake too */
    ctls_session *again = ctls_conn_get_session(p.c);
    CHECK(again != NULL);
    CHECK(again && again->serial != sess->serial);
    tp_resume_close(&p);

    /* the new session resumes as well, and the old one still does (stateless tickets) */
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, again), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, sess), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    ctls_session_free(again);
    ctls_session_free(sess);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(peer_id_store)
{
    ctls_config *cc = tp_client_config();
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "server-a:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_take_tickets(&p);
    tp_resume_close(&p);
    /* the same peer ID: looked up and offered automatically */
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "server-a:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    tp_take_tickets(&p); /* stores the newer session */
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "server-a:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    /* another peer ID: nothing stored, a full handshake */
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "server-b:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    /* without a peer ID nothing is looked up */
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, NULL, NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    /* the store belongs to the config: another config has none */
    ctls_config *cc2 = tp_client_config();
    CHECK_EQ(tp_resume_open(&p, cc2, g_sc, "server-a:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    ctls_config_free(cc2);
    ctls_config_free(cc);
}

static uint8_t *serialize(const ctls_session *s, size_t *len)
{
    *len = 0;
    CHECK_EQ(ctls_session_serialize(s, NULL, len), 0);
    uint8_t *b = malloc(*len);
    CHECK_EQ(ctls_session_serialize(s, b, len), 0);
    return b;
}

TEST(serialize_roundtrip)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    if (!s) return;
    size_t n, small = 10, n2;
    uint8_t *b = serialize(s, &n), tiny[10];
    CHECK(n > 100);
    CHECK_EQ(ctls_session_serialize(s, tiny, &small), CTLS_ERR_LIMIT);
    CHECK_EQ(small, n);
    CHECK_EQ(ctls_session_serialize(NULL, NULL, &small), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_session_serialize(s, NULL, NULL), CTLS_ERR_INVALID_ARG);
    ctls_session *t = ctls_session_parse(b, n);
    CHECK(t != NULL);
    uint8_t *b2 = serialize(t, &n2);
    CHECK_EQ(n2, n);
    CHECK(n2 == n && memcmp(b, b2, n) == 0);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, t), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2);
    tp_resume_close(&p);
    free(b);
    free(b2);
    ctls_session_free(s);
    ctls_session_free(t);
}

/* Offsets in a serialised session (format 1, see src/api/session.c). */
static size_t off_after_ticket(const uint8_t *b)
{
    size_t psk_len = b[9];
    size_t off = 10 + psk_len;
    size_t tl = (size_t)b[off] << 8 | b[off + 1];
    return off + 2 + tl;
}

TEST(parse_malformed)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    if (!s) return;
    size_t n;
    uint8_t *b = serialize(s, &n), *m = malloc(n + 1);
    /* every truncation */
    for (size_t i = 0; i < n; i++) {
        ctls_session *t = ctls_session_parse(b, i);
        if (t) {
            CHECK(!"a truncated session parsed");
            ctls_session_free(t);
        }
    }
    CHECK(ctls_session_parse(NULL, n) == NULL);
    /* trailing byte */
    memcpy(m, b, n);
    m[n] = 0;
    CHECK(ctls_session_parse(m, n + 1) == NULL);
    struct {
        const char *what;
        size_t off;
        uint8_t val;
    } bad[] = {
        {"magic", 0, 'C'},          {"format version", 4, 2},
        {"format version 0", 4, 0}, {"TLS version", 6, 0x03}, /* 0x0303 */
        {"suite", 8, 0xff},                                   /* 0x13ff */
        {"psk length", 9, 31},      {"psk length long", 9, 49},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(m, b, n);
        m[bad[i].off] = bad[i].val;
        ctls_session *t = ctls_session_parse(m, n);
        if (t) {
            fprintf(stderr, "parsed with a bad %s\n", bad[i].what);
            CHECK(t == NULL);
            ctls_session_free(t);
        }
    }
    size_t lt = off_after_ticket(b);
    /* ticket length longer than the rest */
    memcpy(m, b, n);
    m[lt - (size_t)(b[10 + b[9]] << 8 | b[11 + b[9]]) - 2] = 0xff;
    CHECK(ctls_session_parse(m, n) == NULL);
    /* lifetime 0 and beyond 7 days */
    memcpy(m, b, n);
    memset(m + lt, 0, 4);
    CHECK(ctls_session_parse(m, n) == NULL);
    memcpy(m, b, n);
    m[lt] = 0x7f;
    CHECK(ctls_session_parse(m, n) == NULL);
    /* the SNI ("localhost") with a NUL inside */
    size_t sni = lt + 4 + 4 + 8 + 4;
    CHECK_EQ(b[sni], 9);
    memcpy(m, b, n);
    m[sni + 3] = 0;
    CHECK(ctls_session_parse(m, n) == NULL);
    /* SNI length past the end */
    memcpy(m, b, n);
    m[sni] = 0xff;
    CHECK(ctls_session_parse(m, n) == NULL);
    /* too many certificates */
    size_t alpn = sni + 1 + b[sni], count = alpn + 1 + b[alpn] + 4;
    CHECK_EQ(b[count], 2);
    memcpy(m, b, n);
    m[count] = 11;
    CHECK(ctls_session_parse(m, n) == NULL);
    memcpy(m, b, n);
    m[count] = 3; /* one more than present */
    CHECK(ctls_session_parse(m, n) == NULL);
    memcpy(m, b, n);
    m[count] = 1; /* one less: trailing bytes */
    CHECK(ctls_session_parse(m, n) == NULL);
    /* a random byte flip anywhere never crashes (it may still parse: e.g. in the PSK) */
    for (size_t i = 0; i < n; i++) {
        memcpy(m, b, n);
        m[i] ^= 0x80;
        ctls_session_free(ctls_session_parse(m, n));
    }
    free(b);
    free(m);
    ctls_session_free(s);
}

TEST(other_ticket_key)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    ctls_config *sc2 = tp_server_config("server-ecdsa"); /* its own ticket key */
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, g_cc, sc2, NULL, s), 0);
    CHECK_EQ(p.crc, 0);
    CHECK_EQ(p.src, 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2);
    data_both_ways(&p);
    tp_take_tickets(&p);
    ctls_session *s2 = ctls_conn_get_session(p.c); /* the new server's ticket */
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, g_cc, sc2, NULL, s2), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    /* back and forth between the two keys on one thread (the ticket cipher context is cached
     * per thread and must follow the key): each server still resumes its own tickets */
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(tp_resumes(g_cc, g_sc, s, NULL), 1);
        CHECK_EQ(tp_resumes(g_cc, sc2, s2, NULL), 1);
    }
    ctls_session_free(s2);
    ctls_config_free(sc2);
    ctls_session_free(s);
}

TEST(corrupted_binder)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    ctls_conn *c = ctls_conn_new(g_cc), *sv = ctls_conn_new(g_sc);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    CHECK_EQ(ctls_conn_set_session(c, s), 0);
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    const void *out;
    size_t n = ctls_conn_output(c, &out);
    /* the ClientHello record: the binder is its last 32 bytes (SHA-256) */
    CHECK(n > 5 + 32);
    uint8_t *ch = malloc(n);
    memcpy(ch, out, n);
    size_t rec = 5 + ((size_t)ch[3] << 8 | ch[4]);
    CHECK(rec <= n);
    ch[rec - 1] ^= 1;
    size_t used = 0;
    CHECK_EQ(ctls_conn_feed(sv, ch, n, &used), 0);
    ctls_conn_consume_output(c, n);
    CHECK_EQ(ctls_handshake(sv), CTLS_ERR_DECRYPT_ERROR);
    CHECK_EQ(ctls_session_resumed(sv), 0);
    tp_pump(sv, c, 0);
    CHECK_EQ(ctls_handshake(c), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(c), 51); /* decrypt_error */
    free(ch);
    ctls_conn_free(c);
    ctls_conn_free(sv);
    ctls_session_free(s);
}

TEST(expired_not_offered)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    if (!s) return;
    s->received_ms -= (int64_t)s->lifetime * 1000 + 1;
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    tp_resume_close(&p);
    /* an expired session is not handed out either */
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, NULL), 0);
    tp_take_tickets(&p);
    p.c->sess->newest->received_ms -= (int64_t)p.c->sess->newest->lifetime * 1000 + 1;
    CHECK(ctls_conn_get_session(p.c) == NULL);
    tp_resume_close(&p);
    /* a ticket the client still holds but whose age the server disbelieves: full handshake */
    ctls_session *t = fresh_session(g_cc, g_sc);
    if (t) t->age_add += 60000; /* the client claims a minute more than the server saw */
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, t), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    ctls_session_free(t);
    ctls_session_free(s);
}

TEST(sni_mismatch)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    tp_resume_pair p;
    tp_resume_open_ex(&p, g_cc, g_sc, "127.0.0.1", NULL, s, 0); /* the result is not the point */
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    tp_resume_close(&p);
    ctls_session_free(s);
}

TEST(hrr_resumption)
{
    ctls_config *sc = tp_server_config("server-ecdsa");
    CHECK_EQ(ctls_config_set_groups(sc, "secp256r1"), 0); /* the client's first share: x25519 */
    ctls_session *s = fresh_session(g_cc, sc);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, g_cc, sc, NULL, s), 0);
    CHECK_EQ(p.crc, 0);
    CHECK_EQ(p.src, 0);
    CHECK(ctls_group_name(p.c) && strcmp(ctls_group_name(p.c), "secp256r1") == 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    data_both_ways(&p);
    tp_resume_close(&p);
    /* an HRR that picks a suite of another hash: the PSK is dropped from CH2, full handshake */
    ctls_config *sc384 = tp_server_config("server-ecdsa");
    CHECK_EQ(ctls_config_set_groups(sc384, "secp256r1"), 0);
    CHECK_EQ(ctls_config_set_cipher_suites(sc384, "TLS_AES_256_GCM_SHA384"), 0);
    CHECK_EQ(tp_resume_open(&p, g_cc, sc384, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    ctls_config_free(sc384);
    ctls_session_free(s);
    ctls_config_free(sc);
}

TEST(session_survives_free)
{
    ctls_config *cc = tp_client_config();
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "peer", NULL), 0);
    tp_take_tickets(&p);
    ctls_session *s = ctls_conn_get_session(p.c);
    tp_resume_close(&p);
    ctls_config_free(cc); /* the store goes with it */
    CHECK(s != NULL);
    size_t n = 0;
    CHECK_EQ(ctls_session_serialize(s, NULL, &n), 0);
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    ctls_session_free(s);
}

TEST(truncation_not_stored)
{
    ctls_config *cc = tp_client_config();
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "t", NULL), 0);
    tp_take_tickets(&p);
    ctls_session *kept = ctls_conn_get_session(p.c);
    char b[8];
    CHECK_EQ(ctls_conn_feed_eof(p.c), 0);
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_ERR_TRUNCATED);
    CHECK(ctls_conn_get_session(p.c) == NULL); /* not kept for resumption */
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "t", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0); /* the store entry went too */
    /* a clean close keeps it */
    tp_take_tickets(&p);
    CHECK_EQ(ctls_shutdown(p.c), 0);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.s, b, sizeof b), 0);
    CHECK_EQ(ctls_shutdown(p.s), 1);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_read(p.c, b, sizeof b), 0);
    ctls_session *clean = ctls_conn_get_session(p.c);
    CHECK(clean != NULL);
    ctls_session_free(clean);
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, cc, g_sc, "t", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    /* a session handed out before the failure stays usable by its owner */
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, kept), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    tp_resume_close(&p);
    ctls_session_free(kept);
    ctls_config_free(cc);
}

TEST(ticket_count)
{
    int counts[] = {0, 1, 3};
    for (size_t i = 0; i < 3; i++) {
        ctls_config *sc = tp_server_config("server-ecdsa");
        CHECK_EQ(ctls_config_set_session_tickets(sc, counts[i]), 0);
        tp_resume_pair p;
        CHECK_EQ(tp_resume_open(&p, g_cc, sc, NULL, NULL), 0);
        tp_take_tickets(&p);
        CHECK_EQ(ctls_tickets_received(p.c), counts[i]);
        ctls_session *s = ctls_conn_get_session(p.c);
        CHECK((s != NULL) == (counts[i] > 0));
        ctls_session_free(s);
        tp_resume_close(&p);
        ctls_config_free(sc);
    }
    /* a server that asks for client certificates issues none (documented limit) */
    ctls_config *sc = tp_server_config("server-ecdsa");
    CHECK_EQ(ctls_config_set_verify(sc, CTLS_VERIFY_PEER), 0);
    CHECK_EQ(ctls_config_load_trust_file(sc, tp_cert("ca.pem")), 0);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, g_cc, sc, NULL, NULL), 0);
    tp_take_tickets(&p);
    CHECK_EQ(ctls_tickets_received(p.c), 0);
    tp_resume_close(&p);
    ctls_config_free(sc);
}

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (h[0] && h[1] && n < cap) {
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1) break;
        out[n++] = (uint8_t)v;
        h += 2;
    }
    return n;
}

TEST(rfc8448_binder)
{
    static uint8_t nst[512], ch[1024], rm[32];
    size_t nl = unhex(RFC_NST, nst, sizeof nst), chl = unhex(RFC_CH_PSK, ch, sizeof ch);
    CHECK_EQ(unhex(RFC3_RES_MASTER, rm, sizeof rm), 32);
    msg_new_session_ticket t;
    CHECK_EQ(msg_new_session_ticket_decode(nst + 4, nl - 4, &t), 0);
    /* RFC 8448 3: the ticket nonce is 00 00 */
    CHECK_EQ(t.nonce.len, 2);
    uint8_t psk[32];
    CHECK_EQ(psk_from_ticket(CTLS_HASH_SHA256, rm, t.nonce.p, t.nonce.len, psk), 0);
    msg_client_hello m;
    CHECK_EQ(msg_client_hello_decode(ch + 4, chl - 4, &m), 0);
    CHECK(m.ext_present & EXT_BIT(EXT_PRE_SHARED_KEY));
    CHECK_EQ(m.binders_offset, chl - 2 - 33);
    /* the identity is the section 3 ticket */
    ctls_slice ids = m.psk_identities, id, binders = m.psk_binders, binder;
    uint32_t age;
    CHECK(msg_psk_identity_next(&ids, &id, &age));
    CHECK(id.len == t.ticket.len && memcmp(id.p, t.ticket.p, id.len) == 0);
    CHECK(msg_psk_binder_next(&binders, &binder));
    CHECK_EQ(binder.len, 32);
    uint8_t mine[32];
    CHECK_EQ(psk_binder(CTLS_HASH_SHA256, psk, 32, NULL, ch, m.binders_offset, mine, NULL), 0);
    CHECK_MEM(mine, binder.p, 32);
    CHECK_EQ(psk_binder_check(CTLS_HASH_SHA256, psk, 32, NULL, ch, m.binders_offset, binder.p,
                              binder.len, NULL),
             1);
    /* the Early Secret the binder was made from is handed back for the key schedule: the
     * same stage as extracting it from the PSK anew */
    hs_ks13 early, fresh;
    CHECK_EQ(psk_binder_check(CTLS_HASH_SHA256, psk, 32, NULL, ch, m.binders_offset, binder.p,
                              binder.len, &early),
             1);
    CHECK_EQ(ks13_init(&fresh, CTLS_HASH_SHA256, psk, 32), 0);
    CHECK_EQ(early.hash, CTLS_HASH_SHA256);
    CHECK_MEM(early.secret, fresh.secret, 32);
    uint8_t d1[32], d2[32];
    CHECK_EQ(ks13_advance(&early, NULL, 0), 0);
    CHECK_EQ(ks13_advance(&fresh, NULL, 0), 0);
    CHECK_MEM(early.secret, fresh.secret, 32);
    CHECK_EQ(ks13_derive(&early, "c hs traffic", psk, d1), 0);
    CHECK_EQ(ks13_derive(&fresh, "c hs traffic", psk, d2), 0);
    CHECK_MEM(d1, d2, 32);
    mine[5] ^= 1;
    CHECK_EQ(
        psk_binder_check(CTLS_HASH_SHA256, psk, 32, NULL, ch, m.binders_offset, mine, 32, &early),
        0);
    /* a binder that fails leaves no secret behind */
    CHECK_EQ(early.hash, 0);
    CHECK_EQ(
        psk_binder_check(CTLS_HASH_SHA256, psk, 32, NULL, ch, m.binders_offset, binder.p, 31, NULL),
        0);
    /* RFC 8448 4: obfuscated_ticket_age = age + ticket_age_add (mod 2^32): the trace's
     * client used its ticket 6 ms after receiving it */
    CHECK_EQ((uint32_t)(age - t.age_add), 6);
}

TEST(store_bounded)
{
    ctls_config *cc = tp_client_config();
    ctls_session *s = fresh_session(g_cc, g_sc);
    char id[32];
    for (int i = 0; i < SESS_STORE_MAX + 5; i++) {
        snprintf(id, sizeof id, "peer-%d", i);
        CHECK_EQ(store_put(cc, (const uint8_t *)id, strlen(id), s), 0);
    }
    CHECK_EQ(cc->sess->n_entries, SESS_STORE_MAX);
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "peer-%d", i);
        CHECK(store_lookup(cc, (const uint8_t *)id, strlen(id)) == NULL); /* evicted */
    }
    snprintf(id, sizeof id, "peer-%d", SESS_STORE_MAX + 4);
    ctls_session *got = store_lookup(cc, (const uint8_t *)id, strlen(id));
    CHECK(got != NULL);
    CHECK(got && got->serial == s->serial);
    /* a removal names the ticket: another serial leaves the entry alone */
    store_remove(cc, (const uint8_t *)id, strlen(id), s->serial + 1000);
    ctls_session *still = store_lookup(cc, (const uint8_t *)id, strlen(id));
    CHECK(still != NULL);
    store_remove(cc, (const uint8_t *)id, strlen(id), s->serial);
    CHECK(store_lookup(cc, (const uint8_t *)id, strlen(id)) == NULL);
    ctls_session_free(still);
    ctls_session_free(got);
    ctls_session_free(s);
    ctls_config_free(cc);
}

/* ---- protocol checks through the handshake test hooks (hs.h) ---- */

static int hook_psk_ke_only(void *ctx, msg_client_hello *m)
{
    static const uint8_t psk_ke[] = {0}; /* RFC 8446 4.2.9: psk_ke, which we never accept */
    (void)ctx;
    m->psk_modes = (ctls_slice){psk_ke, 1};
    return 0;
}

static int hook_no_psk_modes(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    m->ext_present &= ~EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES);
    return 0;
}

static int hook_sh_identity(void *ctx, msg_server_hello *m)
{
    int *mode = ctx;
    if (*mode == 1 && (m->ext_present & EXT_BIT(EXT_PRE_SHARED_KEY))) m->psk_identity = 1;
    if (*mode == 2) {
        m->ext_present |= EXT_BIT(EXT_PRE_SHARED_KEY); /* a PSK the client never offered */
        m->psk_identity = 0;
    }
    return 0;
}

TEST(psk_modes_and_selected_identity)
{
    ctls_session *s = fresh_session(g_cc, g_sc);
    tp_resume_pair p;
    /* the client offers psk_ke only: the server ignores the PSK, full handshake */
    static const hs_test_client_hooks ch = {.client_hello = hook_psk_ke_only};
    hs_test_client_hook = &ch;
    CHECK_EQ(tp_resume_open(&p, g_cc, g_sc, NULL, s), 0);
    hs_test_client_hook = NULL;
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    tp_resume_close(&p);
    /* pre_shared_key without psk_key_exchange_modes: missing_extension (RFC 8446 4.2.9) */
    static const hs_test_client_hooks nomodes = {.client_hello = hook_no_psk_modes};
    hs_test_client_hook = &nomodes;
    tp_resume_open(&p, g_cc, g_sc, NULL, s);
    hs_test_client_hook = NULL;
    CHECK_EQ(p.src, CTLS_ERR_MISSING_EXTENSION);
    CHECK_EQ(p.crc, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.c), 109); /* missing_extension */
    tp_resume_close(&p);
    /* selected_identity out of range: illegal_parameter (RFC 8446 4.2.11) */
    int mode = 1;
    hs_test_server_hooks sh = {.server_hello = hook_sh_identity, .ctx = &mode};
    hs_test_server_hook = &sh;
    tp_resume_open(&p, g_cc, g_sc, NULL, s);
    CHECK_EQ(p.crc, CTLS_ERR_ILLEGAL_PARAMETER);
    tp_resume_close(&p);
    /* pre_shared_key in a ServerHello to a client that offered none */
    mode = 2;
    tp_resume_open(&p, g_cc, g_sc, NULL, NULL);
    hs_test_server_hook = NULL;
    CHECK_EQ(p.crc, CTLS_ERR_ILLEGAL_PARAMETER);
    tp_resume_close(&p);
    ctls_session_free(s);
}

/* ---- the store shared by connections on several threads ---- */

typedef struct {
    ctls_config *cc;
    int id, resumed, failed;
} thr_arg;

static void *thr_main(void *v)
{
    thr_arg *a = v;
    char peer[16];
    snprintf(peer, sizeof peer, "peer-%d", a->id % 2);
    for (int i = 0; i < 20; i++) {
        ctls_conn *c = ctls_conn_new(a->cc), *s = ctls_conn_new(g_sc);
        int crc = -1, src = -1;
        char b[8];
        if (ctls_conn_set_server_name(c, "localhost") != 0 ||
            ctls_conn_set_peer_id(c, peer, strlen(peer)) != 0 || tp_handshake(c, s, &crc, &src))
            a->failed++;
        tp_pump(c, s, 0);
        if (ctls_read(c, b, sizeof b) != CTLS_WANT_READ) a->failed++;
        a->resumed += ctls_session_resumed(c);
        ctls_conn_free(c);
        ctls_conn_free(s);
    }
    return NULL;
}

TEST(store_threads)
{
    ctls_config *cc = tp_client_config();
    pthread_t t[4];
    thr_arg a[4];
    for (int i = 0; i < 4; i++) {
        a[i] = (thr_arg){.cc = cc, .id = i};
        pthread_create(&t[i], NULL, thr_main, &a[i]);
    }
    int resumed = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK_EQ(a[i].failed, 0);
        resumed += a[i].resumed;
    }
    CHECK(resumed >= 4 * 20 - 4); /* only the very first use of each peer ID may be full */
    CHECK_EQ(cc->sess->n_entries, 2);
    ctls_config_free(cc);
}

/* The hash of a || b (b of b_len bytes) with alg. */
static void hash2(int alg, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len,
                  uint8_t *out)
{
    uint8_t cat[1024];
    CHECK(a_len + b_len <= sizeof cat);
    memcpy(cat, a, a_len);
    memcpy(cat + a_len, b, b_len);
    CHECK_EQ(ctls_hash(alg, cat, a_len + b_len, out), 0);
}

/* tr after the ordered steps, compared to Hash(m1 || m2) (alg2: the hash chosen at the end). */
enum { P_SET_FIRST = 1, P_OTHER_MSG = 2, P_SET_BEFORE_ADD = 4, P_MORE = 8 };

static void prefix_case(int alg, int alg2, int flags)
{
    uint8_t m1[100], m2[300], copy[300], m3[40], want[CTLS_MAX_HASH_LEN], got[CTLS_MAX_HASH_LEN];
    for (size_t i = 0; i < sizeof m1; i++)
        m1[i] = (uint8_t)(i * 7 + 1);
    for (size_t i = 0; i < sizeof m2; i++)
        m2[i] = (uint8_t)(i * 13 + 5);
    for (size_t i = 0; i < sizeof m3; i++)
        m3[i] = (uint8_t)(i + 99);
    memcpy(copy, m2, sizeof m2);
    copy[250] ^= 1; /* P_OTHER_MSG: another message with the same prefix */
    const size_t pre = 200;
    hs_transcript t;
    memset(&t, 0, sizeof t);
    CHECK_EQ(tr_add(&t, m1, sizeof m1), 0);
    if (flags & P_SET_FIRST) CHECK_EQ(tr_set_hash(&t, alg), 0);
    CHECK_EQ(tr_hash_prefix(&t, alg, m2, pre, got), 0);
    hash2(alg, m1, sizeof m1, m2, pre, want);
    CHECK_MEM(got, want, ctls_hash_len(alg));
    if (flags & P_SET_BEFORE_ADD) CHECK_EQ(tr_set_hash(&t, alg2), 0);
    const uint8_t *added = flags & P_OTHER_MSG ? copy : m2;
    CHECK_EQ(tr_add(&t, added, sizeof m2), 0);
    uint8_t all[sizeof m1 + sizeof m2 + sizeof m3];
    size_t n = 0;
    memcpy(all, m1, sizeof m1);
    n += sizeof m1;
    memcpy(all + n, added, sizeof m2);
    n += sizeof m2;
    if (flags & P_MORE) {
        CHECK_EQ(tr_add(&t, m3, sizeof m3), 0);
        memcpy(all + n, m3, sizeof m3);
        n += sizeof m3;
    }
    CHECK_EQ(tr_set_hash(&t, alg2), 0);
    size_t hl;
    CHECK_EQ(tr_hash(&t, got, &hl), 0);
    CHECK_EQ(hl, ctls_hash_len(alg2));
    CHECK_EQ(ctls_hash(alg2, all, n, want), 0);
    CHECK_MEM(got, want, hl);
    tr_free(&t);
}

TEST(binder_prefix_transcript)
{
    const int S256 = CTLS_HASH_SHA256, S384 = CTLS_HASH_SHA384;
    for (int f = 0; f < 16; f++) {
        prefix_case(S256, S256, f);
        if (!(f & P_SET_FIRST)) prefix_case(S256, S384, f); /* the server chose another hash */
    }
    /* the hash chosen first must be the binder's */
    hs_transcript t;
    memset(&t, 0, sizeof t);
    uint8_t out[CTLS_MAX_HASH_LEN], msg[10] = {1};
    CHECK_EQ(tr_set_hash(&t, S384), 0);
    CHECK_EQ(tr_hash_prefix(&t, S256, msg, 5, out), CTLS_ERR_INTERNAL);
    tr_free(&t);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    g_sc = tp_server_config("server-ecdsa");
    g_cc = tp_client_config();
    RUN(resume_basic);
    RUN(peer_id_store);
    RUN(serialize_roundtrip);
    RUN(parse_malformed);
    RUN(other_ticket_key);
    RUN(corrupted_binder);
    RUN(expired_not_offered);
    RUN(sni_mismatch);
    RUN(hrr_resumption);
    RUN(session_survives_free);
    RUN(truncation_not_stored);
    RUN(ticket_count);
    RUN(rfc8448_binder);
    RUN(store_bounded);
    RUN(psk_modes_and_selected_identity);
    RUN(store_threads);
    RUN(binder_prefix_transcript);
    ctls_config_free(g_sc);
    ctls_config_free(g_cc);
    return th_summary();
}
