/* ctls_read_input: ctls_read on the peer's bytes taken by reference (memory transport). The
 * stream arrives byte-exact under random input splits and read sizes (TLS 1.3 and 1.2, every
 * record size); a record that fits the caller's buffer never touches the connection's input
 * buffer; a partial record takes exactly the bytes that complete it; records larger than the
 * read come out in pieces; KeyUpdate, NewSessionTicket and close_notify between data records;
 * a tampered record is a sticky bad_record_mac with the alert sent; the handshake runs through
 * it; wrong transport, EOF and bad arguments. */
#include "harness.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "api/internal.h"
#include "pair.h"
#include "transport.h"

/* ---- helpers ---- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} wire;

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Everything `from` has waiting for its peer, appended to w. */
static void take(ctls_conn *from, wire *w)
{
    const void *d;
    size_t n;
    while ((n = ctls_conn_output(from, &d)) > 0) {
        if (w->len + n > w->cap) {
            w->cap = (w->len + n) * 2;
            w->p = realloc(w->p, w->cap);
        }
        memcpy(w->p + w->len, d, n);
        w->len += n;
        ctls_conn_consume_output(from, n);
    }
}

/* A handshaken pair over memory with the given versions (and client suite list, or NULL). */
static void open_pair(tp_pair *p, int version, const char *suite)
{
    p->sc = tp_server_config("server-ecdsa");
    p->cc = tp_client_config();
    CHECK(p->sc && p->cc);
    CHECK_EQ(ctls_config_set_versions(p->cc, version, version), 0);
    CHECK_EQ(ctls_config_set_versions(p->sc, version, version), 0);
    if (suite) CHECK_EQ(ctls_config_set_cipher_suites(p->cc, suite), 0);
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK_EQ(ctls_conn_set_server_name(p->c, "localhost"), 0);
    int crc, src;
    CHECK_EQ(tp_handshake(p->c, p->s, &crc, &src), 0);
    CHECK_EQ(ctls_version(p->c), version);
}

/* Reads w through ctls_read_input in input chunks of 1..max_chunk bytes and reads of
 * 1..max_out bytes, appending the data to got. Returns the first status that is not data or
 * CTLS_WANT_READ (0 for close_notify), or CTLS_WANT_READ when w is used up. */
static ssize_t read_split(ctls_conn *r, const wire *w, size_t max_chunk, size_t max_out,
                          unsigned char *got, size_t *got_len, uint32_t *seed)
{
    static unsigned char out[20000];
    size_t pos = 0;
    while (pos < w->len) {
        size_t chunk = 1 + rnd(seed) % max_chunk, off = 0;
        if (chunk > w->len - pos) chunk = w->len - pos;
        for (;;) {
            size_t out_len = 1 + rnd(seed) % max_out, used = SIZE_MAX;
            if (out_len > sizeof out) out_len = sizeof out;
            ssize_t rc = ctls_read_input(r, w->p + pos + off, chunk - off, &used, out, out_len);
            CHECK(used <= chunk - off);
            if (used > chunk - off) return CTLS_ERR_INTERNAL;
            off += used;
            if (rc > 0) {
                CHECK((size_t)rc <= out_len);
                memcpy(got + *got_len, out, (size_t)rc);
                *got_len += (size_t)rc;
                continue;
            }
            if (rc != CTLS_WANT_READ) return rc;
            CHECK_EQ(off, chunk); /* waiting for input only once all of it was taken */
            break;
        }
        pos += chunk;
    }
    return CTLS_WANT_READ;
}

/* `from` writes n bytes of a pattern in writes of 1..max_write bytes; the wire bytes are
 * collected in w. */
static void write_all(ctls_conn *from, const unsigned char *data, size_t n, size_t max_write,
                      wire *w, uint32_t *seed)
{
    size_t done = 0;
    while (done < n) {
        size_t k = 1 + rnd(seed) % max_write;
        if (k > n - done) k = n - done;
        ssize_t rc = ctls_write(from, data + done, k);
        CHECK(rc > 0);
        if (rc <= 0) return;
        done += (size_t)rc;
        take(from, w);
    }
}

static unsigned char *pattern(size_t n, uint32_t seed)
{
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)rnd(&seed);
    return p;
}

/* ---- tests ---- */

static void exact_stream(int version, const char *suite, uint32_t seed)
{
    tp_pair pr;
    open_pair(&pr, version, suite);
    enum { N = 300000 };
    unsigned char *src = pattern(N, seed), *got = malloc(N + 20000);
    /* split settings: (input chunk, read size) from byte-at-a-time to whole streams */
    static const size_t shapes[][2] = {{1, 7},         {3, 20000},     {700, 100},
                                       {17000, 16384}, {40000, 20000}, {300000, 16385}};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        size_t n = i == 0 ? 3000 : N; /* byte-at-a-time is slow under ASan */
        wire w = {0};
        write_all(pr.c, src, n, i % 2 ? 40000 : 16384, &w, &seed);
        size_t got_len = 0;
        CHECK_EQ(read_split(pr.s, &w, shapes[i][0], shapes[i][1], got, &got_len, &seed),
                 CTLS_WANT_READ);
        CHECK_EQ(got_len, n);
        if (got_len == n) CHECK_MEM(got, src, n);
        free(w.p);
    }
    CHECK_EQ(ctls_state(pr.s), CTLS_STATE_CONNECTED);
    free(src);
    free(got);
    tp_pair_close(&pr);
}

TEST(byte_exact_tls13_random_splits)
{
    exact_stream(CTLS_TLS1_3, "TLS_AES_128_GCM_SHA256", 1);
    exact_stream(CTLS_TLS1_3, "TLS_CHACHA20_POLY1305_SHA256", 2);
    exact_stream(CTLS_TLS1_3, "TLS_AES_256_GCM_SHA384", 3);
}

TEST(byte_exact_tls12_random_splits)
{
    exact_stream(CTLS_TLS1_2, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 4);
    exact_stream(CTLS_TLS1_2, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 5);
}

/* Records whose plaintext fits the read are opened from the caller's bytes into the caller's
 * buffer: the connection's input buffer is never even allocated. */
TEST(fitting_records_skip_the_input_buffer)
{
    tp_pair pr;
    open_pair(&pr, CTLS_TLS1_3, NULL);
    CHECK(pr.s->in.p == NULL); /* released when the handshake completed */
    uint32_t seed = 9;
    /* exactly the 16 KiB of a full record's data: its content type byte is kept aside */
    unsigned char *src = pattern(100000, 9), out[16384];
    wire w = {0};
    /* full records (16 KiB of data) into a 16 KiB read */
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(ctls_write(pr.c, src + i, sizeof out), (ssize_t)sizeof out);
        take(pr.c, &w);
        size_t used = 0;
        CHECK_EQ(ctls_read_input(pr.s, w.p, w.len, &used, out, sizeof out), (ssize_t)sizeof out);
        CHECK_EQ(used, w.len);
        CHECK_MEM(out, src + i, sizeof out);
        CHECK(pr.s->in.p == NULL);
        w.len = 0;
    }
    write_all(pr.c, src, 100000, 16384, &w, &seed);
    size_t pos = 0, got = 0;
    while (pos < w.len) {
        size_t used = 0;
        ssize_t rc = ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out);
        CHECK(rc > 0);
        if (rc <= 0) break;
        CHECK_EQ(used, 5 + (size_t)rc + 1 + 16); /* exactly one record per call */
        CHECK(pr.s->in.p == NULL);               /* opened straight into out */
        CHECK_MEM(out, src + got, (size_t)rc);
        got += (size_t)rc;
        pos += used;
    }
    CHECK_EQ(got, 100000);
    CHECK(pr.s->in.p == NULL);
    CHECK(pr.s->in.dirty == 0);
    free(w.p);
    free(src);
    tp_pair_close(&pr);
}

/* The head of a record is kept; the next call copies only the bytes that complete it, and the
 * record after it is read in place again. */
TEST(partial_record_takes_only_its_tail)
{
    tp_pair pr;
    open_pair(&pr, CTLS_TLS1_3, NULL);
    wire w = {0};
    CHECK_EQ(ctls_write(pr.c, "first record", 12), 12);
    take(pr.c, &w);
    size_t rec1 = w.len;
    CHECK_EQ(rec1, 5 + 12 + 1 + 16);
    CHECK_EQ(ctls_write(pr.c, "second", 6), 6);
    take(pr.c, &w);
    unsigned char out[64];
    size_t used = 0;
    /* 3 bytes: not even a header */
    CHECK_EQ(ctls_read_input(pr.s, w.p, 3, &used, out, sizeof out), CTLS_WANT_READ);
    CHECK_EQ(used, 3);
    CHECK_EQ(ctls_read_input(pr.s, w.p + 3, 10, &used, out, sizeof out), CTLS_WANT_READ);
    CHECK_EQ(used, 10);
    /* everything else: the first record's tail only, then the second record in place */
    size_t pos = 13;
    ssize_t rc = ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out);
    CHECK_EQ(rc, 12);
    CHECK_MEM(out, "first record", 12);
    CHECK_EQ(used, rec1 - 13);
    pos += used;
    CHECK_EQ(buf_size(&pr.s->in), 0);
    rc = ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out);
    CHECK_EQ(rc, 6);
    CHECK_MEM(out, "second", 6);
    CHECK_EQ(pos + used, w.len);
    CHECK_EQ(buf_size(&pr.s->in), 0);
    CHECK_EQ(ctls_read_input(pr.s, NULL, 0, &used, out, sizeof out), CTLS_WANT_READ);
    CHECK_EQ(used, 0);
    free(w.p);
    tp_pair_close(&pr);
}

/* A record larger than the read: the whole record is taken, its data comes out in pieces
 * (later calls take no input until it is delivered). */
static void larger_than_out(int version)
{
    tp_pair pr;
    open_pair(&pr, version, NULL);
    unsigned char *src = pattern(16384, 77), out[1000], got[16384 + 5];
    wire w = {0};
    CHECK_EQ(ctls_write(pr.c, src, 16384), 16384);
    CHECK_EQ(ctls_write(pr.c, "tail", 4), 4);
    take(pr.c, &w);
    size_t used = 0, n = 0, pos = 0;
    ssize_t rc = ctls_read_input(pr.s, w.p, w.len, &used, out, sizeof out);
    CHECK_EQ(rc, 1000);
    CHECK(used > 16384 && used < w.len); /* the first record, not the second */
    pos = used;
    memcpy(got, out, 1000);
    n = 1000;
    while (n < 16384) {
        rc = ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out);
        CHECK(rc > 0);
        if (rc <= 0) break;
        CHECK_EQ(used, 0);
        memcpy(got + n, out, (size_t)rc);
        n += (size_t)rc;
    }
    CHECK_EQ(n, 16384);
    CHECK_MEM(got, src, 16384);
    rc = ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out);
    CHECK_EQ(rc, 4);
    CHECK_MEM(out, "tail", 4);
    CHECK_EQ(pos + used, w.len);
    free(w.p);
    free(src);
    tp_pair_close(&pr);
}

TEST(records_larger_than_the_read)
{
    larger_than_out(CTLS_TLS1_3);
    larger_than_out(CTLS_TLS1_2);
}

/* Data, a KeyUpdate asking for one back, data under the new key, close_notify, all in one
 * input: read with a buffer the KeyUpdate fits in (opened there, then moved back and wiped
 * from it). The answer reaches the sender, which then reads data under the peer's new key. */
TEST(key_update_and_close_notify_in_one_input)
{
    tp_pair pr;
    open_pair(&pr, CTLS_TLS1_3, NULL);
    wire w = {0}, back = {0};
    CHECK_EQ(ctls_write(pr.c, "before", 6), 6);
    CHECK_EQ(ctls_key_update(pr.c, 1), 0);
    CHECK_EQ(ctls_write(pr.c, "!", 1), 1); /* shorter than the KeyUpdate */
    CHECK_EQ(ctls_shutdown(pr.c), 0);
    take(pr.c, &w);
    unsigned char out[4096];
    size_t used = 0, pos = 0;
    CHECK_EQ(ctls_read_input(pr.s, w.p, w.len, &used, out, sizeof out), 6);
    CHECK_MEM(out, "before", 6);
    pos += used;
    memset(out, 0xaa, sizeof out);
    CHECK_EQ(ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out), 1);
    CHECK_EQ(out[0], '!');
    CHECK_EQ(out[1], 23); /* the record's inner content type (RFC 8446 5.2) */
    int leftover = 0;
    for (size_t i = 2; i < sizeof out; i++)
        leftover |= out[i] != 0xaa && out[i] != 0;
    CHECK(!leftover); /* the KeyUpdate's plaintext was wiped from the caller's buffer */
    pos += used;
    CHECK(pos < w.len); /* close_notify is still to come */
    CHECK_EQ(ctls_read_input(pr.s, w.p + pos, w.len - pos, &used, out, sizeof out), 0);
    pos += used;
    CHECK_EQ(pos, w.len);
    CHECK(ctls_shutdown_flags(pr.s) & CTLS_RECEIVED_SHUTDOWN);
    CHECK_EQ(ctls_read_input(pr.s, NULL, 0, &used, out, sizeof out), 0); /* and again */
    /* the server answered the KeyUpdate: the client reads under the server's new key */
    CHECK_EQ(ctls_write(pr.s, "reply", 5), 5);
    take(pr.s, &back);
    ssize_t rc = ctls_read_input(pr.c, back.p, back.len, &used, out, sizeof out);
    CHECK_EQ(rc, 5);
    CHECK_MEM(out, "reply", 5);
    CHECK_EQ(used, back.len);
    CHECK_EQ(ctls_shutdown(pr.s), 1);
    free(w.p);
    free(back.p);
    tp_pair_close(&pr);
}

/* A flipped bit: bad_record_mac, fatal and sticky, the alert queued for the peer, and no
 * plaintext left in the caller's buffer. */
static void tampered(int version, size_t out_len)
{
    tp_pair pr;
    open_pair(&pr, version, NULL);
    wire w = {0}, back = {0};
    unsigned char *src = pattern(3000, 5);
    CHECK_EQ(ctls_write(pr.c, src, 3000), 3000);
    take(pr.c, &w);
    w.p[w.len / 2] ^= 0x10;
    unsigned char out[4000];
    memset(out, 0xaa, sizeof out);
    size_t used = 0;
    CHECK_EQ(ctls_read_input(pr.s, w.p, w.len, &used, out, out_len), CTLS_ERR_BAD_RECORD_MAC);
    int leaked = 0;
    for (size_t i = 0; i < sizeof out; i++)
        leaked |= out[i] != 0xaa && out[i] != 0;
    CHECK(!leaked);
    CHECK_EQ(ctls_state(pr.s), CTLS_STATE_ABORTED);
    CHECK_EQ(ctls_read_input(pr.s, w.p, w.len, &used, out, out_len), CTLS_ERR_BAD_RECORD_MAC);
    CHECK_EQ(used, 0);
    take(pr.s, &back);
    CHECK(back.len > 0);
    ssize_t rc = ctls_read_input(pr.c, back.p, back.len, &used, out, sizeof out);
    CHECK_EQ(rc, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(pr.c), CTLS_ALERT_BAD_RECORD_MAC);
    free(w.p);
    free(back.p);
    free(src);
    tp_pair_close(&pr);
}

TEST(tampered_record_is_bad_record_mac)
{
    tampered(CTLS_TLS1_3, 4000); /* opened into the caller's buffer */
    tampered(CTLS_TLS1_3, 100);  /* opened into the connection's buffer */
    tampered(CTLS_TLS1_2, 4000);
}

/* One side's turn: what its peer has for it goes through ctls_read_input in pieces of 1..600
 * bytes (running the handshake first); once connected it writes "hello" once. Returns 1 when
 * the peer's "hello" arrived. */
static int turn(ctls_conn *me, ctls_conn *peer, uint32_t *seed, int *wrote)
{
    wire w = {0};
    take(peer, &w);
    unsigned char out[256];
    size_t pos = 0, used = 0;
    ssize_t rc;
    do {
        size_t k = 1 + rnd(seed) % 600;
        if (k > w.len - pos) k = w.len - pos;
        rc = ctls_read_input(me, w.len ? w.p + pos : NULL, k, &used, out, sizeof out);
        CHECK(used <= k);
        pos += used;
    } while (rc == CTLS_WANT_READ && pos < w.len);
    CHECK(rc == CTLS_WANT_READ || rc == 5);
    free(w.p);
    if (!*wrote && ctls_state(me) == CTLS_STATE_CONNECTED) {
        CHECK_EQ(ctls_write(me, "hello", 5), 5);
        *wrote = 1;
    }
    if (rc != 5) return 0;
    CHECK_MEM(out, "hello", 5);
    return 1;
}

/* Both sides run the handshake through ctls_read_input; the server's NewSessionTickets reach
 * the client the same way, ahead of the server's first data, and give it a session. */
TEST(handshake_and_tickets_through_read_input)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    uint32_t seed = 11;
    int cw = 0, sw = 0, cgot = 0, sgot = 0;
    for (int round = 0; round < 20 && !(cgot && sgot); round++) {
        cgot |= turn(c, s, &seed, &cw);
        sgot |= turn(s, c, &seed, &sw);
    }
    CHECK(cgot && sgot);
    CHECK_EQ(ctls_state(c), CTLS_STATE_CONNECTED);
    CHECK_EQ(ctls_state(s), CTLS_STATE_CONNECTED);
    ctls_session *sess = ctls_conn_get_session(c);
    CHECK(sess != NULL);
    ctls_session_free(sess);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* Misuse: an fd transport, bytes after EOF, NULL or empty arguments. */
TEST(wrong_transport_eof_and_arguments)
{
    ctls_config *sc = tp_server_config("server-ecdsa");
    ctls_conn *s = ctls_conn_new(sc);
    int sv[2];
    CHECK_EQ(tt_socketpair(sv), 0);
    CHECK_EQ(ctls_conn_set_fd(s, sv[1]), 0);
    unsigned char out[16], in[5] = {23, 3, 3, 0, 0};
    size_t used = 99;
    CHECK_EQ(ctls_read_input(s, in, sizeof in, &used, out, sizeof out), CTLS_ERR_BAD_STATE);
    CHECK_EQ(used, 0);
    CHECK_EQ(ctls_state(s), CTLS_STATE_IDLE); /* a misuse changes nothing */
    ctls_conn_free(s);
    close(sv[0]);
    close(sv[1]);

    tp_pair pr;
    open_pair(&pr, CTLS_TLS1_3, NULL);
    CHECK_EQ(ctls_read_input(pr.s, in, sizeof in, NULL, out, sizeof out), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_read_input(pr.s, in, sizeof in, &used, out, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_read_input(pr.s, in, sizeof in, &used, NULL, 4), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_read_input(pr.s, NULL, 3, &used, out, sizeof out), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_read_input(NULL, in, sizeof in, &used, out, sizeof out), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_state(pr.s), CTLS_STATE_CONNECTED);
    /* EOF: no more bytes; with none, the truncation ctls_read reports */
    CHECK_EQ(ctls_conn_feed_eof(pr.s), 0);
    CHECK_EQ(ctls_read_input(pr.s, in, sizeof in, &used, out, sizeof out), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_read_input(pr.s, NULL, 0, &used, out, sizeof out), CTLS_ERR_TRUNCATED);
    CHECK_EQ(ctls_state(pr.s), CTLS_STATE_ABORTED);
    tp_pair_close(&pr);
    ctls_config_free(sc);
}

int main(void)
{
    RUN(byte_exact_tls13_random_splits);
    RUN(byte_exact_tls12_random_splits);
    RUN(fitting_records_skip_the_input_buffer);
    RUN(partial_record_takes_only_its_tail);
    RUN(records_larger_than_the_read);
    RUN(key_update_and_close_notify_in_one_input);
    RUN(tampered_record_is_bad_record_mac);
    RUN(handshake_and_tickets_through_read_input);
    RUN(wrong_transport_eof_and_arguments);
    return th_summary();
}
