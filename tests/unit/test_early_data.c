/* TLS 1.3 early data (0-RTT, RFC 8446 2.3, 4.2.10, 4.5; src/hs/early13.c) between a ctls
 * client and a ctls server in memory:
 *
 * api_args            setters and calls in the wrong role / state / without a usable session;
 *                     only cache tickets announce early data.
 * accepted            round trip: the bytes arrive through ctls_read_early_data (before the
 *                     handshake completes), status ACCEPTED on both sides, ctls_read returns
 *                     only 1-RTT data; byte-at-a-time too; the stored session is dropped.
 * client_limit        the client API takes at most the ticket's max_early_data_size.
 * large               100000 bytes: several records, pumped 1000 bytes at a time.
 * server_limit        a client that sends more than the server allows: unexpected_message.
 * rejected_*          max 0, no cache (stateless ticket), another ALPN, a HelloRetryRequest:
 *                     the early records are skipped, the handshake completes (resumed where the
 *                     PSK is good), status REJECTED, no early bytes; the client resends.
 * tls12_server        a TLS 1.2 server fails on early data (RFC 8446 D.3); the client's status
 *                     is REJECTED.
 * replay              the same ClientHello + early data to a second server connection: the
 *                     ticket was used, so a full handshake without the early data.
 * end_of_early_data   missing: bad_record_mac; where early data was not accepted:
 *                     unexpected_message.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "hs/hs.h"
#include "resume.h"
#include "session/session.h"

static const char early_msg[] = "GET /early HTTP/1.1\r\nHost: localhost\r\n\r\n";

/* A TLS 1.3 server with tickets, a cache of 16 (or none) and early data up to max. */
static ctls_config *server_cfg(uint32_t max, int cache, const char *alpn)
{
    ctls_config *sc = tp_server_config("server-ecdsa");
    CHECK(sc != NULL);
    CHECK_EQ(ctls_config_set_session_tickets(sc, 2), 0);
    if (cache) CHECK_EQ(ctls_config_set_session_cache(sc, 16), 0);
    CHECK_EQ(ctls_config_set_max_early_data(sc, max), 0);
    if (alpn) CHECK_EQ(ctls_config_set_alpn(sc, alpn), 0);
    return sc;
}

static ctls_config *client_cfg(const char *alpn)
{
    ctls_config *cc = tp_client_config();
    CHECK(cc != NULL);
    if (alpn) CHECK_EQ(ctls_config_set_alpn(cc, alpn), 0);
    return cc;
}

/* What most tests start from: a client config (ALPN calpn), server_cfg(max, cache, salpn)
 * and the client's session from a full TLS 1.3 handshake between them (CHECKed). */
typedef struct {
    ctls_config *cc, *sc;
    ctls_session *sess;
} fixture;

static void fx_open(fixture *f, const char *calpn, uint32_t max, int cache, const char *salpn)
{
    f->cc = client_cfg(calpn);
    f->sc = server_cfg(max, cache, salpn);
    f->sess = tp_full_session(f->cc, f->sc, CTLS_TLS1_3);
    CHECK(f->sess != NULL);
}

static void fx_close(fixture *f)
{
    ctls_session_free(f->sess);
    ctls_config_free(f->cc);
    ctls_config_free(f->sc);
}

/* A client and server connection, the session set and early data queued (CHECKed). */
static void open_early(tp_resume_pair *p, ctls_config *cc, ctls_config *sc, const ctls_session *s,
                       const void *data, size_t len)
{
    memset(p, 0, sizeof *p);
    p->c = ctls_conn_new(cc);
    p->s = ctls_conn_new(sc);
    CHECK(p->c && p->s);
    CHECK_EQ(ctls_conn_set_server_name(p->c, "localhost"), 0);
    CHECK_EQ(ctls_conn_set_session(p->c, s), 0);
    if (len) CHECK_EQ(ctls_write_early_data(p->c, data, len), (ssize_t)len);
}

/* All the early data the server has (ctls_read_early_data until 0), into out. */
static size_t read_all_early(ctls_conn *s, uint8_t *out, size_t cap)
{
    size_t got = 0;
    for (;;) {
        ssize_t n = ctls_read_early_data(s, out + got, cap - got);
        if (n <= 0) {
            CHECK_EQ(n, 0);
            return got;
        }
        got += (size_t)n;
        if (got == cap) return got;
    }
}

/* Client: ctls_write of msg after the handshake, which the server reads with ctls_read. */
static void check_one_rtt(tp_resume_pair *p, const char *msg)
{
    size_t len = strlen(msg);
    char buf[256];
    CHECK_EQ(ctls_write(p->c, msg, len), (ssize_t)len);
    tp_pump(p->c, p->s, 0);
    CHECK_EQ(ctls_read(p->s, buf, sizeof buf), (ssize_t)len);
    CHECK_MEM(buf, msg, len);
}

/* The client finished its side before the server's alert came: it gets it in ctls_read. */
static void client_sees_alert(tp_resume_pair *p, int crc)
{
    char b[16];
    tp_pump(p->c, p->s, 0);
    if (crc == 0) crc = (int)ctls_read(p->c, b, sizeof b);
    CHECK_EQ(crc, CTLS_ERR_ALERT_RECEIVED);
}

TEST(api_args)
{
    ctls_config *cc = client_cfg(NULL), *sc = server_cfg(0, 1, NULL);
    CHECK_EQ(ctls_config_set_max_early_data(NULL, 10), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_max_early_data(cc, 10), CTLS_ERR_INVALID_ARG); /* server only */
    CHECK_EQ(ctls_config_set_max_early_data(sc, (1u << 20) + 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_early_data_status(NULL), CTLS_ERR_INVALID_ARG);
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    CHECK_EQ(ctls_config_set_max_early_data(sc, 10), CTLS_ERR_BAD_STATE); /* read-only now */
    CHECK_EQ(ctls_write_early_data(s, "x", 1), CTLS_ERR_BAD_STATE);       /* a server */
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    CHECK_EQ(ctls_write_early_data(c, "x", 1), CTLS_ERR_UNSUPPORTED); /* no session */
    CHECK_EQ(ctls_write_early_data(NULL, "x", 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_write_early_data(c, NULL, 1), CTLS_ERR_INVALID_ARG);
    char b[4];
    CHECK_EQ(ctls_read_early_data(c, b, sizeof b), CTLS_ERR_BAD_STATE); /* a client */
    CHECK_EQ(ctls_read_early_data(s, NULL, 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_read_early_data(s, b, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_early_data_status(c), CTLS_EARLY_DATA_NOT_SENT);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(sc);

    /* tickets without the cache (or with max 0) announce no early data: not usable for it */
    int cases[3][2] = {{1000, 0}, {0, 1}, {1000, 1}};
    for (int i = 0; i < 3; i++) {
        sc = server_cfg((uint32_t)cases[i][0], cases[i][1], NULL);
        ctls_session *sess = tp_full_session(cc, sc, CTLS_TLS1_3);
        CHECK(sess != NULL);
        uint32_t want = i == 2 ? 1000 : 0;
        CHECK_EQ(sess ? sess->max_early_data : 99, want);
        tp_resume_pair p;
        open_early(&p, cc, sc, sess, NULL, 0);
        CHECK_EQ(ctls_write_early_data(p.c, "x", 1), want ? 1 : CTLS_ERR_UNSUPPORTED);
        CHECK_EQ(ctls_write_early_data(p.c, "x", 0), want ? 0 : CTLS_ERR_UNSUPPORTED);
        CHECK_EQ(tp_handshake(p.c, p.s, NULL, NULL), 0);
        CHECK_EQ(ctls_write_early_data(p.c, "x", 1), CTLS_ERR_BAD_STATE); /* too late */
        tp_resume_close(&p);
        ctls_session_free(sess);
        ctls_config_free(sc);
    }
    ctls_config_free(cc);
}

/* The accepted round trip, pumping at most split bytes a move (0: all). */
static void accepted_once(size_t split)
{
    fixture f;
    fx_open(&f, "h2", 1000, 1, "h2,http/1.1");
    tp_resume_pair p;
    open_early(&p, f.cc, f.sc, f.sess, early_msg, 10);
    CHECK_EQ(ctls_write_early_data(p.c, early_msg + 10, sizeof early_msg - 10),
             (ssize_t)sizeof early_msg - 10);
    /* the server returns early data as soon as it is in, before the handshake completes */
    uint8_t got[2048];
    size_t n = 0;
    int crc = ctls_handshake(p.c), tries = 0;
    CHECK_EQ(crc, CTLS_WANT_READ);
    CHECK_EQ(ctls_early_data_status(p.c), CTLS_EARLY_DATA_PENDING);
    while (n < sizeof early_msg && tries++ < 100000) {
        tp_pump(p.c, p.s, split);
        ssize_t r = ctls_read_early_data(p.s, got + n, sizeof got - n);
        if (r == CTLS_WANT_READ) continue;
        CHECK(r > 0);
        if (r <= 0) break;
        n += (size_t)r;
    }
    CHECK_EQ(n, sizeof early_msg);
    CHECK_MEM(got, early_msg, sizeof early_msg);
    CHECK_EQ(ctls_state(p.s), CTLS_STATE_HANDSHAKE);
    CHECK_EQ(tp_handshake_split(p.c, p.s, split, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(p.c), CTLS_EARLY_DATA_ACCEPTED);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_ACCEPTED);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    CHECK_EQ(read_all_early(p.s, got, sizeof got), 0); /* all read */
    /* ctls_read never returns early bytes: only what was written after the handshake */
    check_one_rtt(&p, "one-rtt");
    tp_exchange(p.s, p.c, 3000, split);
    tp_resume_close(&p);
    fx_close(&f);
}

TEST(accepted)
{
    accepted_once(0);
    accepted_once(1);
    /* the server never reads the early data: ctls_read still returns only 1-RTT data */
    fixture f;
    fx_open(&f, NULL, 1000, 1, NULL);
    tp_resume_pair p;
    open_early(&p, f.cc, f.sc, f.sess, early_msg, sizeof early_msg);
    CHECK_EQ(tp_handshake(p.c, p.s, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_ACCEPTED);
    check_one_rtt(&p, "late");
    char b[64];
    CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    uint8_t got[256];
    CHECK_EQ(read_all_early(p.s, got, sizeof got), sizeof early_msg); /* still there */
    tp_resume_close(&p);

    /* a stored session (peer ID) that carried early data leaves the store at once */
    ctls_conn *c = ctls_conn_new(f.cc), *s = ctls_conn_new(f.sc);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    CHECK_EQ(ctls_conn_set_peer_id(c, "peer", 4), 0);
    CHECK_EQ(tp_handshake(c, s, NULL, NULL), 0);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(c, b, sizeof b), CTLS_WANT_READ); /* the tickets: stored */
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_session *st = store_lookup(f.cc, (const uint8_t *)"peer", 4);
    CHECK(st != NULL);
    ctls_session_free(st);
    c = ctls_conn_new(f.cc);
    s = ctls_conn_new(f.sc);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    CHECK_EQ(ctls_conn_set_peer_id(c, "peer", 4), 0);
    CHECK_EQ(ctls_write_early_data(c, "hi", 2), 2);
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    st = store_lookup(f.cc, (const uint8_t *)"peer", 4);
    CHECK(st == NULL);
    ctls_session_free(st);
    CHECK_EQ(tp_handshake(c, s, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(s), CTLS_EARLY_DATA_ACCEPTED);
    ctls_conn_free(c);
    ctls_conn_free(s);
    fx_close(&f);
}

TEST(client_limit)
{
    fixture f;
    fx_open(&f, NULL, 100, 1, NULL);
    static uint8_t big[300];
    memset(big, 'b', sizeof big);
    tp_resume_pair p;
    open_early(&p, f.cc, f.sc, f.sess, big, 60);
    CHECK_EQ(ctls_write_early_data(p.c, big, sizeof big), 40); /* 100 in all */
    CHECK_EQ(ctls_write_early_data(p.c, big, 1), CTLS_ERR_LIMIT);
    CHECK_EQ(tp_handshake(p.c, p.s, NULL, NULL), 0);
    uint8_t got[300];
    CHECK_EQ(read_all_early(p.s, got, sizeof got), 100);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_ACCEPTED);
    tp_resume_close(&p);
    fx_close(&f);
}

TEST(large)
{
    /* more than one record of early data (16 KiB each), pumped in pieces */
    enum { N = 100000 };
    fixture f;
    fx_open(&f, NULL, N, 1, NULL);
    uint8_t *data = malloc(N), *got = malloc(N + 1);
    CHECK(data && got);
    if (!data || !got) return;
    for (size_t i = 0; i < N; i++)
        data[i] = (uint8_t)(i * 7 + 1);
    tp_resume_pair p;
    open_early(&p, f.cc, f.sc, f.sess, data, N);
    CHECK_EQ(tp_handshake_split(p.c, p.s, 1000, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_ACCEPTED);
    CHECK_EQ(read_all_early(p.s, got, N + 1), N);
    CHECK_MEM(got, data, N);
    tp_resume_close(&p);
    free(data);
    free(got);
    fx_close(&f);
}

TEST(server_limit)
{
    fixture f;
    fx_open(&f, NULL, 100, 1, NULL);
    CHECK(f.sess != NULL);
    if (!f.sess) return;
    f.sess->max_early_data = 5000; /* a client that ignores the ticket's limit */
    static uint8_t big[2000];
    tp_resume_pair p;
    open_early(&p, f.cc, f.sc, f.sess, big, sizeof big);
    int crc, src;
    CHECK(tp_handshake(p.c, p.s, &crc, &src) != 0);
    CHECK_EQ(src, CTLS_ERR_UNEXPECTED_MESSAGE); /* RFC 8446 4.2.10 */
    client_sees_alert(&p, crc);
    CHECK_EQ(ctls_alert_received(p.c), CTLS_ALERT_UNEXPECTED_MESSAGE);
    tp_resume_close(&p);
    fx_close(&f);
}

/* Early data offered with sess (its limit forced to 1000 when 0) to sc: rejected, skipped;
 * the handshake completes (resumed or not), and the client resends with ctls_write. */
static void check_rejected(ctls_config *cc, ctls_config *sc, ctls_session *sess, int resumed)
{
    CHECK(sess != NULL);
    if (!sess) return;
    if (!sess->max_early_data) sess->max_early_data = 1000;
    tp_resume_pair p;
    open_early(&p, cc, sc, sess, early_msg, sizeof early_msg);
    CHECK_EQ(tp_handshake(p.c, p.s, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(p.c), CTLS_EARLY_DATA_REJECTED);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_REJECTED);
    CHECK_EQ(ctls_session_resumed(p.c), resumed);
    CHECK_EQ(ctls_session_resumed(p.s), resumed);
    uint8_t got[256];
    CHECK_EQ(read_all_early(p.s, got, sizeof got), 0);
    check_one_rtt(&p, early_msg); /* resent as 1-RTT data */
    tp_resume_close(&p);
}

TEST(rejected_max0)
{
    fixture f;
    fx_open(&f, NULL, 0, 1, NULL);
    check_rejected(f.cc, f.sc, f.sess, 1);
    fx_close(&f);
}

TEST(rejected_no_cache)
{
    fixture f;
    fx_open(&f, NULL, 1000, 0, NULL);
    check_rejected(f.cc, f.sc, f.sess, 1); /* a stateless ticket: resumed, never 0-RTT */
    fx_close(&f);
}

TEST(rejected_alpn)
{
    ctls_config *cc = client_cfg("h2"), *cc2 = client_cfg("http/1.1");
    ctls_config *sc = server_cfg(1000, 1, "h2,http/1.1");
    ctls_session *sess = tp_full_session(cc, sc, CTLS_TLS1_3);
    CHECK(sess && sess->max_early_data == 1000);
    check_rejected(cc2, sc, sess, 1);
    ctls_session_free(sess);
    ctls_config_free(sc);
    ctls_config_free(cc);
    ctls_config_free(cc2);
}

TEST(rejected_hrr)
{
    ctls_config *cc = client_cfg(NULL), *cc2 = client_cfg(NULL);
    ctls_config *sc = server_cfg(1000, 1, NULL);
    CHECK_EQ(ctls_config_set_groups(sc, "x25519:secp256r1"), 0);
    CHECK_EQ(ctls_config_set_groups(cc2, "secp384r1:x25519"), 0); /* a share the server lacks */
    ctls_session *sess = tp_full_session(cc, sc, CTLS_TLS1_3);
    CHECK(sess && sess->max_early_data == 1000);
    check_rejected(cc2, sc, sess, 1); /* the PSK is still good in CH2 */
    ctls_session_free(sess);
    ctls_config_free(sc);
    ctls_config_free(cc);
    ctls_config_free(cc2);
}

TEST(tls12_server)
{
    /* RFC 8446 D.3: a TLS 1.2 server cannot skip early data: the handshake fails, and the
     * client counts its early data as rejected (its records after that go in the clear) */
    fixture f;
    fx_open(&f, NULL, 1000, 1, NULL);
    ctls_config *sc12 = tp_server12(CTLS_TLS1_2);
    tp_resume_pair p;
    open_early(&p, f.cc, sc12, f.sess, early_msg, sizeof early_msg);
    int crc, src;
    CHECK(tp_handshake(p.c, p.s, &crc, &src) != 0);
    CHECK_EQ(src, CTLS_ERR_UNEXPECTED_MESSAGE);
    CHECK_EQ(ctls_early_data_status(p.c), CTLS_EARLY_DATA_REJECTED);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_NOT_SENT);
    tp_resume_close(&p);
    ctls_config_free(sc12);
    fx_close(&f);
}

TEST(replay)
{
    fixture f;
    fx_open(&f, NULL, 1000, 1, NULL);
    tp_resume_pair p;
    open_early(&p, f.cc, f.sc, f.sess, early_msg, sizeof early_msg);
    CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ);
    const void *out;
    size_t flight_len = ctls_conn_output(p.c, &out);
    uint8_t *flight = malloc(flight_len);
    CHECK(flight != NULL);
    if (!flight) return;
    memcpy(flight, out, flight_len);
    CHECK_EQ(tp_handshake(p.c, p.s, NULL, NULL), 0);
    CHECK_EQ(ctls_early_data_status(p.s), CTLS_EARLY_DATA_ACCEPTED);
    uint8_t got[256];
    CHECK_EQ(read_all_early(p.s, got, sizeof got), sizeof early_msg);
    /* an attacker replays the client's first flight to another connection */
    ctls_conn *s2 = ctls_conn_new(f.sc);
    size_t used = 0;
    CHECK_EQ(ctls_conn_feed(s2, flight, flight_len, &used), 0);
    CHECK_EQ(used, flight_len);
    CHECK_EQ(ctls_read_early_data(s2, got, sizeof got), 0); /* nothing, the handshake waits */
    CHECK_EQ(ctls_handshake(s2), CTLS_WANT_READ);
    CHECK_EQ(ctls_early_data_status(s2), CTLS_EARLY_DATA_REJECTED);
    CHECK_EQ(ctls_session_resumed(s2), 0); /* the ticket was used: a full handshake */
    ctls_conn_free(s2);
    free(flight);
    tp_resume_close(&p);
    fx_close(&f);
}

static int eoed_mode;
static int eoed_hook(int accepted)
{
    (void)accepted;
    return eoed_mode;
}

TEST(end_of_early_data)
{
    ctls_config *cc = client_cfg(NULL), *sc = server_cfg(1000, 1, NULL);
    for (int mode = 1; mode <= 2; mode++) {
        ctls_session *sess = tp_full_session(cc, sc, CTLS_TLS1_3);
        CHECK(sess != NULL);
        if (!sess) continue;
        /* mode 2: early data rejected (max forced on a ticket of no early data) */
        if (mode == 2) sess->max_early_data = 1000, sess->ticket[0] ^= 1;
        tp_resume_pair p;
        open_early(&p, cc, sc, sess, early_msg, sizeof early_msg);
        eoed_mode = mode;
        hs_test_end_of_early_data = eoed_hook;
        int crc, src;
        CHECK(tp_handshake(p.c, p.s, &crc, &src) != 0);
        hs_test_end_of_early_data = NULL;
        /* missing: the Finished does not open under the early keys (RFC 8446 5.2);
         * misplaced: EndOfEarlyData where the Finished is expected */
        CHECK_EQ(src, mode == 1 ? CTLS_ERR_BAD_RECORD_MAC : CTLS_ERR_UNEXPECTED_MESSAGE);
        client_sees_alert(&p, crc);
        CHECK_EQ(ctls_alert_received(p.c),
                 mode == 1 ? CTLS_ALERT_BAD_RECORD_MAC : CTLS_ALERT_UNEXPECTED_MESSAGE);
        tp_resume_close(&p);
        ctls_session_free(sess);
    }
    ctls_config_free(cc);
    ctls_config_free(sc);
}

int main(void)
{
    RUN(api_args);
    RUN(accepted);
    RUN(client_limit);
    RUN(large);
    RUN(server_limit);
    RUN(rejected_max0);
    RUN(rejected_no_cache);
    RUN(rejected_alpn);
    RUN(rejected_hrr);
    RUN(tls12_server);
    RUN(replay);
    RUN(end_of_early_data);
    return th_summary();
}
