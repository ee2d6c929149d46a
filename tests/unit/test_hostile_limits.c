/* Hostile input at the API level (docs/limits.md): record and handshake framing abuse, the
 * flood limits (empty records, warning alerts, KeyUpdates), oversized messages and chains,
 * misplaced change_cipher_spec, renegotiation attempts, and the handshake timeout over the
 * memory and the fd transports. Protected records are forged with a copy of the receiver's
 * own read keys (internal API), which is what a peer holding the traffic secrets could send. */
#include "harness.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api/internal.h"
#include "msg/msg.h"
#include "pair.h"
#include "record/record.h"

/* ---- helpers ---- */

static ctls_config *g_sc, *g_cc;

static int pair_new(ctls_conn **c, ctls_conn **s)
{
    *c = ctls_conn_new(g_cc);
    *s = ctls_conn_new(g_sc);
    if (!*c || !*s) return -1;
    return ctls_conn_set_server_name(*c, "localhost");
}

/* A completed handshake with both sides idle: records already delivered (e.g. the server's
 * NewSessionTickets) are processed, so each side's read sequence number is current. */
static int pair_up(ctls_conn **c, ctls_conn **s)
{
    if (pair_new(c, s) != 0) return -1;
    int crc, src;
    if (tp_handshake(*c, *s, &crc, &src) != 0) return -1;
    char buf[64];
    for (int i = 0; i < 4; i++) {
        tp_pump(*c, *s, 0);
        if (ctls_read(*c, buf, sizeof buf) != CTLS_WANT_READ ||
            ctls_read(*s, buf, sizeof buf) != CTLS_WANT_READ)
            return -1;
    }
    return 0;
}

static void pair_free(ctls_conn *c, ctls_conn *s)
{
    ctls_conn_free(c);
    ctls_conn_free(s);
}

static size_t plain_record(uint8_t *out, uint8_t type, const uint8_t *p, size_t n)
{
    out[0] = type;
    out[1] = 3;
    out[2] = 3;
    out[3] = (uint8_t)(n >> 8);
    out[4] = (uint8_t)n;
    memcpy(out + 5, p, n);
    return 5 + n;
}

static int feed_all(ctls_conn *c, const uint8_t *p, size_t n)
{
    size_t used = 0;
    int rc = ctls_conn_feed(c, p, n, &used);
    return rc == 0 && used == n ? 0 : -1;
}

/* Seal a record with k (a copy of the receiver's read keys; its sequence advances) and feed. */
static int inject(ctls_conn *to, rec_keys *k, uint8_t type, const uint8_t *p, size_t n)
{
    uint8_t rec[REC_HEADER_LEN + REC_MAX_PLAIN + 1 + CTLS_AEAD_TAG_LEN];
    if (n > REC_MAX_PLAIN || rec_seal13(k, type, p, n, rec) != 0) return -1;
    return feed_all(to, rec, REC_HEADER_LEN + n + 1 + CTLS_AEAD_TAG_LEN);
}

/* The fatal alert description the connection queued (last alert record in its output), or -1.
 * Only meaningful for plaintext alerts (before the peer's keys are in place). */
static int plain_alert_sent(ctls_conn *c)
{
    const void *pv;
    size_t n = ctls_conn_output(c, &pv);
    const uint8_t *p = pv;
    int last = -1;
    while (n >= 5) {
        size_t l = (size_t)p[3] << 8 | p[4];
        if (5 + l > n) break;
        if (p[0] == CT_ALERT && l == 2) last = p[6];
        p += 5 + l;
        n -= 5 + l;
    }
    return last;
}

/* A ClientHello from a real client connection (its first flight). */
static size_t real_client_hello(uint8_t *out, size_t cap, ctls_conn **cl)
{
    ctls_conn *c = ctls_conn_new(g_cc);
    ctls_conn_set_server_name(c, "localhost");
    ctls_handshake(c);
    const void *pv;
    size_t n = ctls_conn_output(c, &pv);
    const uint8_t *p = pv;
    /* just the first record's body: the handshake message */
    size_t l = n >= 5 ? ((size_t)p[3] << 8 | p[4]) : 0;
    if (l > cap || 5 + l > n) l = 0;
    memcpy(out, p + 5, l);
    if (cl)
        *cl = c;
    else
        ctls_conn_free(c);
    return l;
}

/* ---- framing ---- */

TEST(alert_between_handshake_fragments)
{
    /* RFC 8446 5.1: handshake messages MUST NOT be interleaved with other record types. */
    uint8_t ch[2048], wire[4096];
    size_t chl = real_client_hello(ch, sizeof ch, NULL), half = chl / 2, n = 0;
    CHECK(chl > 100);
    static const uint8_t user_canceled[2] = {1, 90};
    n += plain_record(wire + n, CT_HANDSHAKE, ch, half);
    n += plain_record(wire + n, CT_ALERT, user_canceled, 2);
    n += plain_record(wire + n, CT_HANDSHAKE, ch + half, chl - half);
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(feed_all(s, wire, n), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_UNEXPECTED_MESSAGE);
    CHECK_EQ(plain_alert_sent(s), CTLS_ALERT_UNEXPECTED_MESSAGE);
    ctls_conn_free(s);
}

TEST(client_hello_with_trailing_garbage)
{
    uint8_t ch[2048], wire[4096];
    size_t chl = real_client_hello(ch, sizeof ch, NULL);
    ch[chl] = 0x01; /* the start of another handshake message after the ClientHello */
    ch[chl + 1] = 0x00;
    size_t n = plain_record(wire, CT_HANDSHAKE, ch, chl + 2);
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(feed_all(s, wire, n), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_UNEXPECTED_MESSAGE);
    CHECK_EQ(plain_alert_sent(s), CTLS_ALERT_UNEXPECTED_MESSAGE);
    ctls_conn_free(s);
}

TEST(client_hello_one_byte_records)
{
    /* Legal, if silly: the handshake completes. Bounded by the 64 KiB message limit. */
    uint8_t ch[2048], *wire = malloc(2048 * 6);
    ctls_conn *c;
    size_t chl = real_client_hello(ch, sizeof ch, &c), n = 0;
    for (size_t i = 0; i < chl; i++)
        n += plain_record(wire + n, CT_HANDSHAKE, ch + i, 1);
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(feed_all(s, wire, n), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_WANT_READ); /* flight sent, waiting for Finished */
    CHECK(ctls_state(s) == CTLS_STATE_HANDSHAKE);
    free(wire);
    ctls_conn_free(c);
    ctls_conn_free(s);
}

TEST(oversized_handshake_message)
{
    /* A header announcing 64 KiB + 1: refused on the header, nothing buffered. */
    uint8_t hdr[4] = {MSG_CLIENT_HELLO, 0x01, 0x00, 0x01}, wire[16];
    size_t n = plain_record(wire, CT_HANDSHAKE, hdr, 4);
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(feed_all(s, wire, n), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_LIMIT);
    CHECK_EQ(plain_alert_sent(s), CTLS_ALERT_DECODE_ERROR);
    ctls_conn_free(s);
}

TEST(record_overflow)
{
    uint8_t hdr[5] = {CT_HANDSHAKE, 3, 3, 0x40, 0x01}; /* 2^14 + 1 plaintext bytes */
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(feed_all(s, hdr, 5), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_RECORD_OVERFLOW);
    CHECK_EQ(plain_alert_sent(s), CTLS_ALERT_RECORD_OVERFLOW);
    ctls_conn_free(s);
}

TEST(ccs_in_wrong_places)
{
    static const uint8_t one = 1;
    uint8_t wire[64];
    /* before the ClientHello */
    ctls_conn *s = ctls_conn_new(g_sc);
    size_t n = plain_record(wire, CT_CHANGE_CIPHER_SPEC, &one, 1);
    CHECK_EQ(feed_all(s, wire, n), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_UNEXPECTED_MESSAGE);
    ctls_conn_free(s);
    /* two of them, and one with a wrong byte, during the handshake */
    for (int bad = 0; bad < 2; bad++) {
        ctls_conn *c;
        if (pair_new(&c, &s) != 0) {
            CHECK(0);
            return;
        }
        ctls_handshake(c);
        tp_pump(c, s, 0);
        CHECK_EQ(ctls_handshake(s), CTLS_WANT_READ);
        uint8_t v = bad ? 2 : 1;
        n = plain_record(wire, CT_CHANGE_CIPHER_SPEC, &v, 1);
        if (!bad) n += plain_record(wire + n, CT_CHANGE_CIPHER_SPEC, &v, 1);
        CHECK_EQ(feed_all(s, wire, n), 0);
        CHECK_EQ(ctls_handshake(s), CTLS_ERR_UNEXPECTED_MESSAGE);
        pair_free(c, s);
    }
    /* after the handshake */
    ctls_conn *c;
    CHECK_EQ(pair_up(&c, &s), 0);
    n = plain_record(wire, CT_CHANGE_CIPHER_SPEC, &one, 1);
    CHECK_EQ(feed_all(s, wire, n), 0);
    char buf[16];
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_UNEXPECTED_MESSAGE);
    pair_free(c, s);
}

TEST(certificate_chain_limit)
{
    /* 11 certificates of 3 bytes each: CTLS_ERR_LIMIT from the codec (a chain is at most 10) */
    uint8_t body[512];
    size_t n = 0;
    body[n++] = 0; /* request_context */
    size_t lp = n;
    n += 3;
    for (int i = 0; i < MSG_MAX_CHAIN + 1; i++) {
        static const uint8_t entry[] = {0, 0, 3, 0x30, 0x01, 0x00, 0, 0};
        memcpy(body + n, entry, sizeof entry);
        n += sizeof entry;
    }
    size_t l = n - lp - 3;
    body[lp] = (uint8_t)(l >> 16);
    body[lp + 1] = (uint8_t)(l >> 8);
    body[lp + 2] = (uint8_t)l;
    msg_certificate m;
    CHECK_EQ(msg_certificate_decode(body, n, 0, &m), CTLS_ERR_LIMIT);
    /* 10 is fine */
    l -= 8;
    body[lp + 1] = (uint8_t)(l >> 8);
    body[lp + 2] = (uint8_t)l;
    CHECK_EQ(msg_certificate_decode(body, n - 8, 0, &m), 0);
    CHECK_EQ(m.count, MSG_MAX_CHAIN);
}

/* ---- floods after the handshake ---- */

TEST(empty_record_flood)
{
    ctls_conn *c, *s;
    if (pair_up(&c, &s) != 0) {
        CHECK(0);
        return;
    }
    rec_keys k = s->rd;
    char buf[16];
    for (int i = 0; i < 32; i++)
        CHECK_EQ(inject(s, &k, CT_APPLICATION_DATA, NULL, 0), 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_WANT_READ); /* 32 in a row: tolerated */
    CHECK_EQ(inject(s, &k, CT_APPLICATION_DATA, (const uint8_t *)"x", 1), 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), 1); /* data resets the count */
    for (int i = 0; i < 33; i++)
        CHECK_EQ(inject(s, &k, CT_APPLICATION_DATA, NULL, 0), 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_LIMIT);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_LIMIT); /* sticky */
    /* the client gets decode_error */
    tp_pump(s, c, 0);
    CHECK(ctls_read(c, buf, sizeof buf) == CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(c), CTLS_ALERT_DECODE_ERROR);
    pair_free(c, s);
}

TEST(warning_alert_flood)
{
    ctls_conn *c, *s;
    if (pair_up(&c, &s) != 0) {
        CHECK(0);
        return;
    }
    rec_keys k = s->rd;
    static const uint8_t user_canceled[2] = {1, 90};
    char buf[16];
    for (int i = 0; i < 8; i++)
        CHECK_EQ(inject(s, &k, CT_ALERT, user_canceled, 2), 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_WANT_READ);
    CHECK_EQ(inject(s, &k, CT_ALERT, user_canceled, 2), 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_LIMIT);
    pair_free(c, s);
    /* before the handshake, in plaintext */
    uint8_t wire[64 * 7];
    size_t n = 0;
    for (int i = 0; i < 9; i++)
        n += plain_record(wire + n, CT_ALERT, user_canceled, 2);
    s = ctls_conn_new(g_sc);
    CHECK_EQ(feed_all(s, wire, n), 0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_LIMIT);
    ctls_conn_free(s);
}

TEST(key_update_flood)
{
    ctls_conn *c, *s;
    if (pair_up(&c, &s) != 0) {
        CHECK(0);
        return;
    }
    char buf[16];
    for (int i = 0; i < 32; i++)
        CHECK_EQ(ctls_key_update(c, 0), 0);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_WANT_READ); /* 32 in a row: tolerated */
    CHECK_EQ(ctls_write(c, "x", 1), 1);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), 1); /* data resets the count */
    for (int i = 0; i < 40; i++)
        CHECK_EQ(ctls_key_update(c, 1), 0);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_LIMIT);
    pair_free(c, s);
}

TEST(key_update_split_by_alert)
{
    /* A KeyUpdate split over two records with an alert in between (RFC 8446 5.1). */
    ctls_conn *c, *s;
    if (pair_up(&c, &s) != 0) {
        CHECK(0);
        return;
    }
    rec_keys k = s->rd;
    static const uint8_t ku[5] = {MSG_KEY_UPDATE, 0, 0, 1, 0}, uc[2] = {1, 90};
    CHECK_EQ(inject(s, &k, CT_HANDSHAKE, ku, 2), 0);
    CHECK_EQ(inject(s, &k, CT_ALERT, uc, 2), 0);
    CHECK_EQ(inject(s, &k, CT_HANDSHAKE, ku + 2, 3), 0);
    char buf[16];
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_UNEXPECTED_MESSAGE);
    pair_free(c, s);
}

TEST(renegotiation_requests)
{
    ctls_conn *c, *s;
    if (pair_up(&c, &s) != 0) {
        CHECK(0);
        return;
    }
    char buf[16];
    /* TLS 1.3 has no renegotiation: a HelloRequest or a new ClientHello is unexpected. */
    rec_keys kc = c->rd;
    static const uint8_t hello_request[4] = {0, 0, 0, 0};
    CHECK_EQ(inject(c, &kc, CT_HANDSHAKE, hello_request, 4), 0);
    CHECK_EQ(ctls_read(c, buf, sizeof buf), CTLS_ERR_UNEXPECTED_MESSAGE);
    uint8_t ch[2048];
    size_t chl = real_client_hello(ch, sizeof ch, NULL);
    rec_keys ks = s->rd;
    CHECK_EQ(inject(s, &ks, CT_HANDSHAKE, ch, chl), 0);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_UNEXPECTED_MESSAGE);
    pair_free(c, s);
    /* the API refuses to start one */
    CHECK_EQ(pair_up(&c, &s), 0);
    CHECK(ctls_renegotiate(s) < 0);
    CHECK(ctls_renegotiate(c) < 0);
    pair_free(c, s);
}

TEST(bad_record_mac)
{
    ctls_conn *c, *s;
    if (pair_up(&c, &s) != 0) {
        CHECK(0);
        return;
    }
    CHECK_EQ(ctls_write(c, "hello", 5), 5);
    const void *pv;
    size_t n = ctls_conn_output(c, &pv);
    uint8_t *p = malloc(n);
    memcpy(p, pv, n);
    p[n - 1] ^= 1;
    ctls_conn_consume_output(c, n);
    CHECK_EQ(feed_all(s, p, n), 0);
    char buf[16];
    CHECK_EQ(ctls_read(s, buf, sizeof buf), CTLS_ERR_BAD_RECORD_MAC);
    free(p);
    pair_free(c, s);
}

/* ---- handshake timeout ---- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

TEST(handshake_timeout_memory)
{
    uint8_t ch[2048], wire[4096];
    size_t chl = real_client_hello(ch, sizeof ch, NULL);
    size_t n = plain_record(wire, CT_HANDSHAKE, ch, chl);
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(ctls_conn_set_handshake_timeout(s, 100), 0);
    CHECK_EQ(feed_all(s, wire, n / 2), 0); /* half a ClientHello, then silence */
    CHECK_EQ(ctls_handshake(s), CTLS_WANT_READ);
    sleep_ms(150);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_TIMEOUT);
    CHECK_EQ(ctls_state(s), CTLS_STATE_ABORTED);
    ctls_conn_free(s);
}

TEST(handshake_timeout_fd)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        CHECK(0);
        return;
    }
    uint8_t ch[2048], wire[4096];
    size_t chl = real_client_hello(ch, sizeof ch, NULL);
    size_t n = plain_record(wire, CT_HANDSHAKE, ch, chl);
    CHECK_EQ(write(sv[1], wire, n / 2), (ssize_t)(n / 2));
    ctls_conn *s = ctls_conn_new(g_sc);
    CHECK_EQ(ctls_conn_set_fd(s, sv[0]), 0);
    CHECK_EQ(ctls_conn_set_handshake_timeout(s, 200), 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_TIMEOUT); /* blocking fd: poll() with the deadline */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms >= 150 && ms < 5000);
    ctls_conn_free(s);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    g_sc = tp_server_config("server-ecdsa");
    /* records are injected with copies of the receiver's keys: no tickets in flight */
    if (g_sc) ctls_config_set_session_tickets(g_sc, 0);
    g_cc = tp_client_config();
    if (!g_sc || !g_cc) {
        fprintf(stderr, "test PKI unavailable\n");
        return 1;
    }
    RUN(alert_between_handshake_fragments);
    RUN(client_hello_with_trailing_garbage);
    RUN(client_hello_one_byte_records);
    RUN(oversized_handshake_message);
    RUN(record_overflow);
    RUN(ccs_in_wrong_places);
    RUN(certificate_chain_limit);
    RUN(empty_record_flood);
    RUN(warning_alert_flood);
    RUN(key_update_flood);
    RUN(key_update_split_by_alert);
    RUN(renegotiation_requests);
    RUN(bad_record_mac);
    RUN(handshake_timeout_memory);
    RUN(handshake_timeout_fd);
    ctls_config_free(g_sc);
    ctls_config_free(g_cc);
    return th_summary();
}
