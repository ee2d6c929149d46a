/* The connection contract, the parts a matrix cell cannot show: non-blocking calls never block
 * (even with a handshake timeout), ctls_shutdown resumes after CTLS_WANT_WRITE, EINTR becomes
 * CTLS_INTERRUPTED (callbacks, and a real signal on a blocking fd), ctls_direction follows the
 * last call, and every public function called in the wrong state (fresh, mid-handshake,
 * connected, closed, aborted, NULL arguments) gives a defined status and never crashes. */
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pair.h"
#include "transport.h"

/* A client and a server over one socketpair, both driven from this thread (non-blocking). */
typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    tt_end ec, es;
    int sv[2];
} duo;

static int duo_new(duo *d, int ckind, int skind)
{
    memset(d, 0, sizeof *d);
    d->cc = tp_client_config();
    d->sc = tp_server_config("server-ecdsa");
    if (!d->cc || !d->sc || tt_socketpair(d->sv) != 0) return -1;
    d->c = ctls_conn_new(d->cc);
    d->s = ctls_conn_new(d->sc);
    if (!d->c || !d->s) return -1;
    ctls_conn_set_server_name(d->c, "localhost");
    if (tt_attach(&d->ec, ckind, d->c, d->sv[0]) != 0) return -1;
    if (tt_attach(&d->es, skind, d->s, d->sv[1]) != 0) return -1;
    return 0;
}

static void duo_free(duo *d)
{
    tt_close(&d->ec, 0);
    tt_close(&d->es, 0);
    ctls_conn_free(d->c);
    ctls_conn_free(d->s);
    ctls_config_free(d->cc);
    ctls_config_free(d->sc);
}

static int nonfinal(long rc)
{
    return rc == CTLS_WANT_READ || rc == CTLS_WANT_WRITE || rc == CTLS_INTERRUPTED;
}

/* Both handshakes from one thread (both ends must be non-blocking). */
static int duo_handshake(duo *d, int *crc, int *src)
{
    long cr = 1, sr = 1;
    for (int i = 0; i < 200000 && (cr != 0 || sr != 0); i++) {
        if (cr != 0) cr = ctls_handshake(d->c);
        if (sr != 0) sr = ctls_handshake(d->s);
        tt_service(&d->ec, cr, 0);
        tt_service(&d->es, sr, 0);
        if ((cr != 0 && !nonfinal(cr)) || (sr != 0 && !nonfinal(sr))) break;
    }
    if (crc) *crc = (int)cr;
    if (src) *src = (int)sr;
    return cr == 0 && sr == 0 ? 0 : -1;
}

/* ---- non-blocking calls never block -------------------------------------------------- */

/* O_NONBLOCK fd with a long handshake timeout and a silent peer: ctls_handshake must come back
 * with CTLS_WANT_READ at once (the application polls), not sit in poll() until the timeout. */
TEST(nonblocking_fd_handshake_timeout_does_not_block)
{
    for (int role = CTLS_CLIENT; role <= CTLS_SERVER; role++) {
        ctls_config *cfg =
            role == CTLS_CLIENT ? tp_client_config() : tp_server_config("server-ecdsa");
        ctls_conn *c = ctls_conn_new(cfg);
        if (role == CTLS_CLIENT) CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
        int sv[2];
        CHECK_EQ(tt_socketpair(sv), 0);
        tt_end e;
        CHECK_EQ(tt_attach(&e, TT_FD_NONBLOCK, c, sv[0]), 0);
        CHECK_EQ(ctls_conn_set_handshake_timeout(c, 3000), 0);
        long long t0 = tt_now_ms();
        CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
        CHECK(tt_now_ms() - t0 < 500);
        CHECK_EQ(ctls_direction(c), CTLS_WANT_READ);
        t0 = tt_now_ms();
        CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
        CHECK(tt_now_ms() - t0 < 500);
        CHECK_EQ(ctls_state(c), CTLS_STATE_HANDSHAKE);
        ctls_conn_free(c);
        ctls_config_free(cfg);
        close(sv[0]);
        close(sv[1]);
    }
}

/* The deadline is still enforced for a non-blocking fd: the call after it passed fails. */
TEST(nonblocking_fd_handshake_timeout_expires)
{
    ctls_config *cfg = tp_server_config("server-ecdsa");
    ctls_conn *c = ctls_conn_new(cfg);
    int sv[2];
    CHECK_EQ(tt_socketpair(sv), 0);
    tt_end e;
    CHECK_EQ(tt_attach(&e, TT_FD_NONBLOCK, c, sv[0]), 0);
    CHECK_EQ(ctls_conn_set_handshake_timeout(c, 100), 0);
    long rc = CTLS_WANT_READ;
    long long t0 = tt_now_ms();
    while (rc == CTLS_WANT_READ && tt_now_ms() - t0 < 3000) {
        rc = ctls_handshake(c);
        tt_service(&e, rc, 20);
    }
    CHECK_EQ(rc, CTLS_ERR_TIMEOUT);
    CHECK(tt_now_ms() - t0 >= 90);
    CHECK_EQ(ctls_handshake(c), CTLS_ERR_TIMEOUT);
    CHECK_EQ(ctls_state(c), CTLS_STATE_ABORTED);
    ctls_conn_free(c);
    ctls_config_free(cfg);
    close(sv[0]);
    close(sv[1]);
}

/* ---- shutdown on a non-blocking transport ------------------------------------------- */

/* SSL_shutdown: a call that said WANT_WRITE is repeated; the call that gets the close_notify
 * out returns 0 (the peer's is not in yet), not a wait for the peer's. */
TEST(shutdown_resumes_after_want_write)
{
    duo d;
    CHECK_EQ(duo_new(&d, TT_CALLBACKS, TT_FD_NONBLOCK), 0);
    CHECK_EQ(duo_handshake(&d, NULL, NULL), 0);
    d.ec.push_budget = 0; /* the transport takes nothing */
    CHECK_EQ(ctls_shutdown(d.c), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_shutdown_flags(d.c), CTLS_SENT_SHUTDOWN); /* set whether it left or not */
    CHECK_EQ(ctls_write(d.c, "x", 1), CTLS_ERR_SHUTDOWN);
    CHECK_EQ(ctls_shutdown(d.c), CTLS_WANT_WRITE);
    d.ec.push_budget = -1;
    CHECK_EQ(ctls_shutdown(d.c), 0);              /* sent now; the peer's close_notify is not in */
    CHECK_EQ(ctls_shutdown(d.c), CTLS_WANT_READ); /* a later call waits for it */
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_READ);
    unsigned char b[4];
    long r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_read(d.s, b, sizeof b);
        tt_service(&d.es, r, 10);
    }
    CHECK_EQ(r, 0);
    CHECK_EQ(ctls_shutdown(d.s), 1);
    r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_shutdown(d.c);
        tt_service(&d.ec, r, 10);
    }
    CHECK_EQ(r, 1);
    CHECK_EQ(ctls_state(d.c), CTLS_STATE_CLOSED);
    duo_free(&d);
}

/* ---- EINTR -------------------------------------------------------------------------- */

TEST(eintr_callbacks_is_interrupted_and_resumes)
{
    duo d;
    CHECK_EQ(duo_new(&d, TT_CALLBACKS, TT_CALLBACKS), 0);
    d.ec.eintr_pulls = 1;
    d.es.eintr_pushes = 1;
    int seen_c = 0, seen_s = 0;
    long cr = 1, sr = 1;
    for (int i = 0; i < 100000 && (cr != 0 || sr != 0); i++) {
        if (cr != 0) cr = ctls_handshake(d.c);
        if (sr != 0) sr = ctls_handshake(d.s);
        seen_c += cr == CTLS_INTERRUPTED;
        seen_s += sr == CTLS_INTERRUPTED;
        CHECK(cr == 0 || nonfinal(cr));
        CHECK(sr == 0 || nonfinal(sr));
        if (!(cr == 0 || nonfinal(cr)) || !(sr == 0 || nonfinal(sr))) break;
        tt_service(&d.ec, cr, 0);
        tt_service(&d.es, sr, 0);
    }
    CHECK_EQ(cr, 0);
    CHECK_EQ(sr, 0);
    CHECK_EQ(seen_c, 1); /* the pull's EINTR */
    CHECK_EQ(seen_s, 1); /* the push's EINTR */
    /* in ctls_read and ctls_write too */
    d.es.eintr_pulls = 1;
    CHECK_EQ(ctls_write(d.c, "ping", 4), 4);
    unsigned char b[8];
    CHECK_EQ(ctls_read(d.s, b, sizeof b), CTLS_INTERRUPTED);
    CHECK_EQ(ctls_state(d.s), CTLS_STATE_CONNECTED);
    long r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_read(d.s, b, sizeof b);
        tt_service(&d.es, r, 10);
    }
    CHECK_EQ(r, 4);
    d.es.eintr_pushes = 1;
    CHECK_EQ(ctls_write(d.s, "pong", 4), 4); /* accepted; the push said EINTR: later */
    CHECK_EQ(tt_write_all(&d.es, NULL, 0), 0);
    r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_read(d.c, b, sizeof b);
        tt_service(&d.ec, r, 10);
    }
    CHECK_EQ(r, 4);
    CHECK(memcmp(b, "pong", 4) == 0);
    duo_free(&d);
}

static void on_sigusr1(int sig)
{
    (void)sig;
}

typedef struct {
    pthread_t target;
    int delay_ms;
    int stop; /* atomic */
} kicker;

static void kick(void *arg)
{
    kicker *k = arg;
    /* again and again until the target saw one: a signal that lands before it blocks in
     * read() / poll() is simply handled and lost */
    for (int i = 0; i < 200 && !__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE); i++) {
        usleep((useconds_t)k->delay_ms * 1000);
        if (!__atomic_load_n(&k->stop, __ATOMIC_ACQUIRE)) pthread_kill(k->target, SIGUSR1);
    }
}

typedef struct {
    ctls_conn *c;
    tt_end e;
    int rc;
} peer_hs;

static void peer_handshake(void *arg)
{
    peer_hs *p = arg;
    p->rc = (int)tt_call(&p->e, TT_HANDSHAKE, NULL, 0);
}

/* A real signal interrupting a blocking read (and the poll() of the handshake timeout). */
TEST(eintr_blocking_fd_signal)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigusr1; /* no SA_RESTART: read() and poll() fail with EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, &old);
    for (int with_timeout = 0; with_timeout < 2; with_timeout++) {
        ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
        ctls_conn *s = ctls_conn_new(sc);
        int sv[2];
        CHECK_EQ(tt_socketpair(sv), 0);
        tt_end es;
        CHECK_EQ(tt_attach(&es, TT_FD_BLOCKING, s, sv[0]), 0);
        if (with_timeout) CHECK_EQ(ctls_conn_set_handshake_timeout(s, 5000), 0);
        kicker k = {pthread_self(), 50, 0};
        tt_thread t;
        CHECK_EQ(tt_spawn(&t, kick, &k), 0);
        long long t0 = tt_now_ms();
        CHECK_EQ(ctls_handshake(s), CTLS_INTERRUPTED); /* the silent client: blocked, then signal */
        __atomic_store_n(&k.stop, 1, __ATOMIC_RELEASE);
        CHECK(tt_now_ms() - t0 < 3000);
        tt_join(&t);
        CHECK_EQ(ctls_state(s), CTLS_STATE_HANDSHAKE);
        /* now the client speaks: the same handshake resumes and completes */
        peer_hs p = {.c = ctls_conn_new(cc)};
        ctls_conn_set_server_name(p.c, "localhost");
        CHECK_EQ(tt_attach(&p.e, TT_FD_BLOCKING, p.c, sv[1]), 0);
        CHECK_EQ(tt_spawn(&t, peer_handshake, &p), 0);
        CHECK_EQ(ctls_handshake(s), 0);
        tt_join(&t);
        CHECK_EQ(p.rc, 0);
        ctls_conn_free(p.c);
        ctls_conn_free(s);
        ctls_config_free(sc);
        ctls_config_free(cc);
        close(sv[0]);
        close(sv[1]);
    }
    sigaction(SIGUSR1, &old, NULL);
}

/* ---- ctls_direction ------------------------------------------------------------------ */

TEST(direction_follows_the_last_call)
{
    duo d;
    CHECK_EQ(duo_new(&d, TT_CALLBACKS, TT_CALLBACKS), 0);
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_READ); /* nothing waited for yet */
    d.ec.push_budget = 0;
    CHECK_EQ(ctls_handshake(d.c), CTLS_WANT_WRITE); /* the ClientHello cannot leave */
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_WRITE);
    d.ec.push_budget = -1;
    CHECK_EQ(ctls_handshake(d.c), CTLS_WANT_READ); /* sent; the ServerHello is not in */
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_READ);
    CHECK_EQ(duo_handshake(&d, NULL, NULL), 0);
    unsigned char b[4];
    CHECK_EQ(ctls_read(d.c, b, sizeof b), CTLS_WANT_READ);
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_READ);
    d.ec.push_budget = 0;
    CHECK_EQ(ctls_write(d.c, "abc", 3), 3); /* accepted, still queued */
    CHECK_EQ(ctls_write(d.c, "def", 3), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_WRITE);
    /* nothing to read and "abc" cannot leave: ctls_read waits for the transport to take it */
    CHECK_EQ(ctls_read(d.c, b, sizeof b), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_WRITE);
    d.ec.push_budget = -1;
    CHECK_EQ(ctls_read(d.c, b, sizeof b), CTLS_WANT_READ); /* gone now: only input is awaited */
    CHECK_EQ(ctls_direction(d.c), CTLS_WANT_READ);
    long r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_read(d.s, b, sizeof b);
        tt_service(&d.es, r, 10);
    }
    CHECK_EQ(r, 3);
    CHECK(memcmp(b, "abc", 3) == 0);
    duo_free(&d);
}

/* ---- ctls_read returns 0 only for close_notify --------------------------------------- */

TEST(read_zero_length_is_not_close_notify)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    ctls_conn_set_server_name(c, "localhost");
    CHECK_EQ(tp_handshake(c, s, NULL, NULL), 0);
    unsigned char b[4];
    /* a zero-length read cannot say "close_notify" when none came */
    long r = ctls_read(c, b, 0);
    CHECK(r != 0);
    CHECK_EQ(r, CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_state(c), CTLS_STATE_CONNECTED); /* an argument error poisons nothing */
    CHECK_EQ(ctls_write(s, "z", 1), 1);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(c, b, sizeof b), 1);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* ---- the wrong-state table ----------------------------------------------------------- */

enum { ST_FRESH, ST_MID, ST_CONNECTED, ST_CLOSED, ST_ABORTED, ST_COUNT };
static const char *st_names[] = {"fresh", "mid-handshake", "connected", "closed", "aborted"};

typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s; /* the connection examined is c (client) or s (server) */
} table_pair;

/* Bring a memory pair into a state. The aborted one failed with CTLS_ERR_TRUNCATED. */
static void bring(table_pair *p, int st)
{
    p->cc = tp_client_config();
    p->sc = tp_server_config("server-ecdsa");
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    ctls_conn_set_server_name(p->c, "localhost");
    unsigned char b[4];
    switch (st) {
    case ST_FRESH:
        break;
    case ST_MID:
        CHECK_EQ(ctls_handshake(p->c), CTLS_WANT_READ);
        tp_pump(p->c, p->s, 0);
        CHECK_EQ(ctls_handshake(p->s), CTLS_WANT_READ); /* flight sent, waits for Finished */
        break;
    case ST_CONNECTED:
        CHECK_EQ(tp_handshake(p->c, p->s, NULL, NULL), 0);
        break;
    case ST_CLOSED:
        CHECK_EQ(tp_handshake(p->c, p->s, NULL, NULL), 0);
        CHECK_EQ(ctls_shutdown(p->c), 0);
        CHECK_EQ(ctls_shutdown(p->s), 0);
        tp_pump(p->c, p->s, 0);
        CHECK_EQ(ctls_shutdown(p->c), 1);
        CHECK_EQ(ctls_shutdown(p->s), 1);
        break;
    case ST_ABORTED:
        CHECK_EQ(tp_handshake(p->c, p->s, NULL, NULL), 0);
        ctls_conn_feed_eof(p->c);
        ctls_conn_feed_eof(p->s);
        CHECK_EQ(ctls_read(p->c, b, sizeof b), CTLS_ERR_TRUNCATED);
        CHECK_EQ(ctls_read(p->s, b, sizeof b), CTLS_ERR_TRUNCATED);
        break;
    }
}

static void release(table_pair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

static ssize_t push_nothing(void *ctx, const void *b, size_t n)
{
    (void)ctx, (void)b, (void)n;
    errno = EAGAIN;
    return -1;
}

static ssize_t pull_nothing(void *ctx, void *b, size_t n)
{
    (void)ctx, (void)b, (void)n;
    errno = EAGAIN;
    return -1;
}

#define EXPECT(call, want)                                                                         \
    do {                                                                                           \
        long got_ = (long)(call);                                                                  \
        if (got_ != (long)(want)) {                                                                \
            th_failed_checks++;                                                                    \
            fprintf(stderr, "%s:%d: %s: [%s %s] %s = %ld (%s), want %ld (%s)\n", __FILE__,         \
                    __LINE__, th_current, who, st_names[st], #call, got_,                          \
                    ctls_strerror((int)got_), (long)(want), ctls_strerror((int)(want)));           \
        }                                                                                          \
    } while (0)

/* Every function on one connection x (a client or a server) in state st. */
static void table_row(ctls_conn *x, int is_client, int st)
{
    const char *who = is_client ? "client" : "server";
    int sticky = CTLS_ERR_TRUNCATED;
    unsigned char b[8];
    const uint8_t *der;
    size_t len;
    const char *certs[2] = {tp_cert("client.pem"), tp_cert("client.key")};
    /* accessors never fail and never crash */
    CHECK(ctls_strerror(ctls_state(x)) != NULL);
    EXPECT(ctls_state(x), st == ST_FRESH       ? CTLS_STATE_IDLE
                          : st == ST_MID       ? CTLS_STATE_HANDSHAKE
                          : st == ST_CONNECTED ? CTLS_STATE_CONNECTED
                          : st == ST_CLOSED    ? CTLS_STATE_CLOSED
                                               : CTLS_STATE_ABORTED);
    int dir = ctls_direction(x);
    CHECK(dir == CTLS_WANT_READ || dir == CTLS_WANT_WRITE);
    (void)ctls_verify_result(x);
    (void)ctls_cipher_suite_name(x);
    (void)ctls_group_name(x);
    (void)ctls_signature_scheme_name(x);
    (void)ctls_alpn_selected(x);
    (void)ctls_server_name(x);
    (void)ctls_alert_received(x);
    (void)ctls_session_resumed(x);
    (void)ctls_tickets_received(x);
    EXPECT(ctls_acceptable_ca_count(x), 0);
    EXPECT(ctls_acceptable_ca_der(x, 0, &der, &len), CTLS_ERR_INVALID_ARG);
    size_t npeer = ctls_peer_cert_count(x);
    EXPECT(ctls_peer_cert_der(x, npeer, &der, &len), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_peer_cert_der(x, 0, NULL, &len), CTLS_ERR_INVALID_ARG);
    ctls_session *sess = ctls_conn_get_session(x);
    /* a session only on a healthy client that has taken a ticket in (DESIGN 2) */
    CHECK(sess == NULL || (is_client && st != ST_ABORTED));
    ctls_session_free(sess);
    /* the pauses' answers: never outside a pause */
    int acc = ctls_accept_peer(x), rej = ctls_reject_peer(x, CTLS_ALERT_BAD_CERTIFICATE);
    CHECK(acc == CTLS_ERR_BAD_STATE || (st == ST_ABORTED && acc == sticky));
    CHECK(rej == CTLS_ERR_BAD_STATE || (st == ST_ABORTED && rej == sticky));
    EXPECT(ctls_reject_peer(x, 256), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_reject_peer(x, -1), CTLS_ERR_INVALID_ARG);
    /* setters that only fit before the handshake */
    int before = st == ST_FRESH;
    EXPECT(ctls_conn_set_server_name(x, "localhost"), before && is_client ? 0 : CTLS_ERR_BAD_STATE);
    EXPECT(ctls_conn_set_peer_id(x, "id", 2), before && is_client ? 0 : CTLS_ERR_BAD_STATE);
    EXPECT(ctls_conn_set_server_name(x, NULL), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_conn_set_server_name(x, ""), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_conn_set_peer_id(x, NULL, 3), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_conn_set_fd(x, -1), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_conn_set_transport(x, NULL, pull_nothing, NULL, NULL), CTLS_ERR_INVALID_ARG);
    if (!before) {
        /* the transport cannot change under a running connection */
        EXPECT(ctls_conn_set_fd(x, 0), CTLS_ERR_BAD_STATE);
        EXPECT(ctls_conn_set_transport(x, push_nothing, pull_nothing, NULL, NULL),
               CTLS_ERR_BAD_STATE);
    }
    EXPECT(ctls_conn_set_certificate_file(x, NULL, certs[1]), CTLS_ERR_INVALID_ARG);
    /* a client certificate: clients only, until the client's last flight is out */
    int cert_ok = (before || st == ST_MID) && is_client;
    EXPECT(ctls_conn_set_certificate_file(x, certs[0], certs[0]),
           cert_ok ? CTLS_ERR_BAD_KEY : CTLS_ERR_BAD_STATE);
    EXPECT(ctls_conn_set_certificate_file(x, certs[0], certs[1]), cert_ok ? 0 : CTLS_ERR_BAD_STATE);
    /* the verify mode of the next handshake: not while one runs, nor when none can follow */
    EXPECT(ctls_conn_set_verify(x, 3), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_conn_set_verify(x, is_client ? CTLS_VERIFY_PEER : CTLS_VERIFY_NONE),
           before || st == ST_CONNECTED ? 0 : CTLS_ERR_BAD_STATE);
    /* (the aborted connection failed after its handshake: the timeout no longer applies) */
    EXPECT(ctls_conn_set_handshake_timeout(x, 1000),
           before || st == ST_MID ? 0 : CTLS_ERR_BAD_STATE);
    EXPECT(ctls_conn_set_handshake_timeout(x, 0), before || st == ST_MID ? 0 : CTLS_ERR_BAD_STATE);
    /* the sans-I/O interface */
    size_t used = 99;
    EXPECT(ctls_conn_feed(x, NULL, 5, &used), CTLS_ERR_INVALID_ARG);
    EXPECT(used, 0);
    EXPECT(ctls_conn_feed(x, b, 0, NULL), st == ST_ABORTED ? CTLS_ERR_BAD_STATE : 0);
    const void *out = NULL;
    (void)ctls_conn_output(x, &out);
    EXPECT(ctls_conn_output(x, NULL), 0);
    ctls_conn_consume_output(x, 1u << 30); /* more than there is: everything */
    EXPECT(ctls_conn_output(x, &out), 0);
    /* the zero-copy read: its arguments first, in every state, as ctls_read and
     * ctls_conn_feed check theirs (and nothing is taken) */
    used = 99;
    EXPECT(ctls_read_input(x, b, 1, NULL, b, sizeof b), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_read_input(x, NULL, 5, &used, b, sizeof b), CTLS_ERR_INVALID_ARG);
    EXPECT(used, 0);
    used = 99;
    EXPECT(ctls_read_input(x, b, 1, &used, NULL, 5), CTLS_ERR_INVALID_ARG);
    EXPECT(used, 0);
    used = 99;
    EXPECT(ctls_read_input(x, b, 1, &used, b, 0), CTLS_ERR_INVALID_ARG);
    EXPECT(used, 0);
    EXPECT(ctls_read_input(NULL, b, 1, &used, b, sizeof b), CTLS_ERR_INVALID_ARG);
    /* post-handshake */
    EXPECT(ctls_key_update(x, 0), st == ST_CONNECTED ? 0
                                  : st == ST_ABORTED ? sticky
                                                     : CTLS_ERR_BAD_STATE);
    /* these connections are TLS 1.3: no renegotiation (RFC 8446 4.1.2) */
    EXPECT(ctls_renegotiate(x), st == ST_ABORTED ? sticky : CTLS_ERR_BAD_STATE);
    /* a server after the handshake: these clients did not offer post_handshake_auth; after
     * our close_notify nothing may be requested */
    EXPECT(ctls_request_client_auth(x), st == ST_ABORTED                   ? sticky
                                        : st == ST_CONNECTED && !is_client ? CTLS_ERR_UNSUPPORTED
                                                                           : CTLS_ERR_BAD_STATE);
    EXPECT(ctls_client_auth_pending(x), 0);
    EXPECT(ctls_conn_set_session(x, NULL), CTLS_ERR_INVALID_ARG);
    /* the keying material exporter: once the handshake completed, until the connection is
     * freed; argument errors first, in every state */
    uint8_t km[16];
    EXPECT(ctls_export_keying_material(x, "EXPERIMENTAL", 12, NULL, 0, 0, km, sizeof km),
           st == ST_CONNECTED || st == ST_CLOSED ? 0
           : st == ST_ABORTED                    ? sticky
                                                 : CTLS_ERR_BAD_STATE);
    EXPECT(ctls_export_keying_material(x, "key expansion", 13, NULL, 0, 0, km, sizeof km),
           CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_export_keying_material(x, "EXPERIMENTAL", 12, NULL, 0, 0, NULL, 16),
           CTLS_ERR_INVALID_ARG);
    /* the four calls of the contract */
    EXPECT(ctls_read(x, NULL, 5), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_write(x, NULL, 5), CTLS_ERR_INVALID_ARG);
    EXPECT(ctls_shutdown(x), st == ST_CLOSED      ? 1
                             : st == ST_ABORTED   ? sticky
                             : st == ST_CONNECTED ? 0
                                                  : CTLS_ERR_BAD_STATE);
    /* the first 3 bytes of a record header: taken (copied, as ctls_conn_feed would) */
    static const unsigned char part[3] = {23, 3, 3};
    if (st == ST_CONNECTED) {
        EXPECT(ctls_write(x, "x", 1), CTLS_ERR_SHUTDOWN);  /* after our shutdown */
        EXPECT(ctls_read(x, b, sizeof b), CTLS_WANT_READ); /* the peer's not in */
        used = 99;
        EXPECT(ctls_read_input(x, NULL, 0, &used, b, sizeof b), CTLS_WANT_READ);
        EXPECT(used, 0);
        EXPECT(ctls_read_input(x, part, sizeof part, &used, b, sizeof b), CTLS_WANT_READ);
        EXPECT(used, sizeof part);
        EXPECT(ctls_handshake(x), 0);
        EXPECT(ctls_state(x), CTLS_STATE_CONNECTED);
    } else if (st == ST_CLOSED) {
        EXPECT(ctls_write(x, "x", 1), CTLS_ERR_SHUTDOWN);
        EXPECT(ctls_read(x, b, sizeof b), 0);
        EXPECT(ctls_read(x, b, sizeof b), 0);
        /* after the peer's close_notify: 0 again, and bytes after it are not taken */
        used = 99;
        EXPECT(ctls_read_input(x, NULL, 0, &used, b, sizeof b), 0);
        EXPECT(used, 0);
        EXPECT(ctls_read_input(x, part, sizeof part, &used, b, sizeof b), 0);
        EXPECT(used, 0);
        EXPECT(ctls_handshake(x), CTLS_ERR_BAD_STATE);
        EXPECT(ctls_key_update(x, 1), CTLS_ERR_BAD_STATE);
        EXPECT(ctls_state(x), CTLS_STATE_CLOSED);
    } else if (st == ST_ABORTED) {
        EXPECT(ctls_handshake(x), sticky);
        EXPECT(ctls_read(x, b, sizeof b), sticky);
        /* the aborted pair saw ctls_conn_feed_eof: bytes are refused as ctls_conn_feed
         * refuses them; without bytes it is ctls_read, the sticky error */
        used = 99;
        EXPECT(ctls_read_input(x, part, sizeof part, &used, b, sizeof b), CTLS_ERR_BAD_STATE);
        EXPECT(used, 0);
        EXPECT(ctls_read_input(x, NULL, 0, &used, b, sizeof b), sticky);
        EXPECT(used, 0);
        EXPECT(ctls_write(x, "x", 1), sticky);
        EXPECT(ctls_key_update(x, 1), sticky);
        EXPECT(ctls_export_keying_material(x, "EXPERIMENTAL", 12, NULL, 0, 0, km, sizeof km),
               sticky);
        EXPECT(ctls_state(x), CTLS_STATE_ABORTED);
    } else {
        /* fresh / mid-handshake: read and write run the handshake (memory: it waits) */
        EXPECT(ctls_read(x, b, sizeof b), CTLS_WANT_READ);
        EXPECT(ctls_write(x, "x", 1), CTLS_WANT_READ);
        EXPECT(ctls_handshake(x), CTLS_WANT_READ);
        /* ctls_read_input runs the handshake too; part of a record is taken and waits */
        used = 99;
        EXPECT(ctls_read_input(x, NULL, 0, &used, b, sizeof b), CTLS_WANT_READ);
        EXPECT(used, 0);
        EXPECT(ctls_read_input(x, part, sizeof part, &used, b, sizeof b), CTLS_WANT_READ);
        EXPECT(used, sizeof part);
        EXPECT(ctls_state(x), CTLS_STATE_HANDSHAKE);
    }
}

TEST(wrong_state_table)
{
    for (int st = 0; st < ST_COUNT; st++) {
        for (int side = 0; side < 2; side++) {
            table_pair p;
            bring(&p, st);
            table_row(side == 0 ? p.c : p.s, side == 0, st);
            release(&p);
        }
    }
}

TEST(null_connection)
{
    unsigned char b[4];
    const uint8_t *der;
    size_t len;
    const void *out = b;
    CHECK_EQ(ctls_handshake(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_direction(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_read(NULL, b, sizeof b), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_write(NULL, b, sizeof b), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_shutdown(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_shutdown_flags(NULL), 0);
    CHECK_EQ(ctls_state(NULL), CTLS_ERR_INVALID_ARG);
    CHECK(ctls_verify_result(NULL) != CTLS_VERIFY_OK);
    CHECK_EQ(ctls_peer_cert_count(NULL), 0);
    CHECK_EQ(ctls_peer_cert_der(NULL, 0, &der, &len), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_accept_peer(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_reject_peer(NULL, 42), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_acceptable_ca_count(NULL), 0);
    CHECK_EQ(ctls_acceptable_ca_der(NULL, 0, &der, &len), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_certificate_file(NULL, "a", "b"), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_server_name(NULL, "x"), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_peer_id(NULL, "x", 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_fd(NULL, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_transport(NULL, push_nothing, pull_nothing, NULL, NULL),
             CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_feed(NULL, b, 1, NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_feed_eof(NULL), CTLS_ERR_INVALID_ARG);
    size_t used = 99;
    CHECK_EQ(ctls_read_input(NULL, b, 1, &used, b, sizeof b), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(used, 0);
    CHECK_EQ(ctls_conn_output(NULL, &out), 0);
    CHECK(out == NULL);
    ctls_conn_consume_output(NULL, 5);
    CHECK_EQ(ctls_conn_set_handshake_timeout(NULL, 5), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_conn_set_verify(NULL, CTLS_VERIFY_PEER), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_version(NULL), 0);
    CHECK(ctls_cipher_suite_name(NULL) == NULL);
    CHECK(ctls_group_name(NULL) == NULL);
    CHECK(ctls_signature_scheme_name(NULL) == NULL);
    CHECK(ctls_alpn_selected(NULL) == NULL);
    CHECK(ctls_server_name(NULL) == NULL);
    CHECK_EQ(ctls_alert_received(NULL), -1);
    CHECK(ctls_conn_get_session(NULL) == NULL);
    CHECK_EQ(ctls_session_resumed(NULL), 0);
    CHECK_EQ(ctls_tickets_received(NULL), 0);
    CHECK_EQ(ctls_key_update(NULL, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_renegotiate(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_request_client_auth(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_client_auth_pending(NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_post_handshake_auth(NULL, 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_keylog(NULL, NULL, NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_export_keying_material(NULL, "EXPERIMENTAL", 12, NULL, 0, 0, b, sizeof b),
             CTLS_ERR_INVALID_ARG);
    ctls_conn_free(NULL);
    CHECK(ctls_conn_new(NULL) == NULL);
}

/* A fatal error during the handshake: the alert goes out once, every call repeats the error. */
TEST(fatal_is_sticky_everywhere)
{
    ctls_config *sc = tp_server_config("server-ecdsa");
    ctls_conn *s = ctls_conn_new(sc);
    /* application data before any handshake: unexpected_message */
    static const unsigned char junk[] = {0x17, 0x03, 0x03, 0x00, 0x01, 0x00};
    size_t used;
    CHECK_EQ(ctls_conn_feed(s, junk, sizeof junk, &used), 0);
    int rc = ctls_handshake(s);
    CHECK(ctls_is_fatal(rc));
    CHECK_EQ(ctls_state(s), CTLS_STATE_ABORTED);
    const void *out;
    size_t n = ctls_conn_output(s, &out);
    CHECK_EQ(n, 7); /* one plaintext alert record */
    ctls_conn_consume_output(s, n);
    unsigned char b[4];
    for (int i = 0; i < 3; i++) {
        CHECK_EQ(ctls_handshake(s), rc);
        CHECK_EQ(ctls_read(s, b, sizeof b), rc);
        used = 99; /* no EOF here: the bytes reach ctls_read, which repeats the error */
        CHECK_EQ(ctls_read_input(s, junk, sizeof junk, &used, b, sizeof b), rc);
        CHECK_EQ(used, 0);
        CHECK_EQ(ctls_write(s, "x", 1), rc);
        CHECK_EQ(ctls_shutdown(s), rc);
        CHECK_EQ(ctls_key_update(s, 0), rc);
        CHECK_EQ(ctls_export_keying_material(s, "EXPERIMENTAL", 12, NULL, 0, 0, b, sizeof b), rc);
    }
    CHECK_EQ(ctls_conn_output(s, &out), 0); /* no second alert */
    ctls_conn_free(s);
    ctls_config_free(sc);
}

/* ---- accepted bytes are delivered by later calls, ctls_direction says what to wait for ---- */

typedef struct {
    tt_end e;
    size_t n;
    long got;
} responder;

static void respond_after_request(void *arg)
{
    responder *r = arg;
    unsigned char *in = malloc(r->n);
    if (tt_call(&r->e, TT_HANDSHAKE, NULL, 0) != 0) r->got = -1;
    usleep(200 * 1000); /* the writer fills the socket and ctls's queue meanwhile */
    r->got = tt_read_exact(&r->e, in, r->n, 1000, NULL);
    free(in);
    if (r->got == (long)r->n) tt_write_all(&r->e, "ok", 2);
}

/* The usual client loop: write the whole request (every byte accepted), then read the answer,
 * waiting on what ctls_direction names. Bytes accepted but still queued inside ctls must leave
 * on the following ctls_read calls; if ctls_read said CTLS_WANT_READ while they cannot leave,
 * the application would wait for input that never comes (the peer waits for the request). */
TEST(accepted_bytes_leave_while_reading)
{
    for (int kind = TT_FD_NONBLOCK; kind <= TT_CALLBACKS; kind++) {
        duo d;
        CHECK_EQ(duo_new(&d, kind, TT_FD_BLOCKING), 0);
        /* a small socket buffer: the last accepted records cannot all leave at once */
        int small = 4096;
        CHECK_EQ(setsockopt(d.sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
        responder r = {.n = 1 << 20};
        r.e = d.es;
        tt_thread t;
        CHECK_EQ(tt_spawn(&t, (void (*)(void *))respond_after_request, &r), 0);
        CHECK_EQ(tt_call(&d.ec, TT_HANDSHAKE, NULL, 0), 0);
        unsigned char *req = calloc(1, r.n);
        size_t done = 0;
        long long deadline = tt_now_ms() + 5000;
        while (done < r.n && tt_now_ms() < deadline) {
            ssize_t w = ctls_write(d.c, req + done, r.n - done);
            if (w > 0) {
                done += (size_t)w;
                continue;
            }
            CHECK_EQ(w, CTLS_WANT_WRITE);
            tt_service(&d.ec, w, 50); /* poll for what ctls_write waits for */
        }
        CHECK_EQ(done, r.n);
        /* now only read, waiting on ctls_direction like an event loop would */
        unsigned char b[8];
        long rd = CTLS_WANT_READ;
        while (nonfinal(rd) && tt_now_ms() < deadline) {
            rd = ctls_read(d.c, b, sizeof b);
            if (rd == CTLS_WANT_READ || rd == CTLS_WANT_WRITE) {
                CHECK_EQ(ctls_direction(d.c), rd);
                /* wait as long as it takes for exactly that: it must come */
                struct pollfd pf = {.fd = d.sv[0],
                                    .events = rd == CTLS_WANT_READ ? POLLIN : POLLOUT};
                int ready = poll(&pf, 1, 3000);
                CHECK(ready > 0);
                if (ready <= 0) break;
            }
        }
        CHECK_EQ(rd, 2);
        /* unblock the responder if the request never arrived whole */
        tt_close(&d.ec, 1);
        tt_join(&t);
        CHECK_EQ(r.got, (long)r.n);
        free(req);
        d.es.fd = r.e.fd;
        duo_free(&d);
    }
}

/* ---- writes larger than a record are split into records of at most 16 KiB ------------ */

TEST(large_writes_are_fragmented)
{
    ctls_config *sc = tp_server_config("server-ecdsa"), *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    ctls_conn_set_server_name(c, "localhost");
    CHECK_EQ(tp_handshake(c, s, NULL, NULL), 0);
    static unsigned char big[100000];
    CHECK_EQ(ctls_write(c, big, sizeof big), (long)sizeof big); /* all accepted at once */
    const void *out;
    size_t n = ctls_conn_output(c, &out), off = 0, records = 0, maxlen = 0;
    const unsigned char *p = out;
    while (off + 5 <= n) {
        size_t len = (size_t)p[off + 3] << 8 | p[off + 4];
        CHECK_EQ(p[off], 23); /* protected records all say application_data */
        if (len > maxlen) maxlen = len;
        off += 5 + len;
        records++;
    }
    CHECK_EQ(off, n);
    CHECK(maxlen <= 16384 + 256);
    CHECK(records >= 7); /* 100000 / 16384 = 6.1 */
    unsigned char *in = malloc(sizeof big);
    size_t got = 0;
    for (int i = 0; i < 1000 && got < sizeof big; i++) {
        tp_pump(c, s, 0);
        long r = ctls_read(s, in + got, sizeof big - got);
        if (r > 0) {
            CHECK(r <= 16384); /* one record at a time: less than asked */
            got += (size_t)r;
        } else {
            CHECK_EQ(r, CTLS_WANT_READ);
        }
    }
    CHECK_EQ(got, sizeof big);
    free(in);
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* ---- shutdown details --------------------------------------------------------------- */

static void memory_pair(ctls_config **cc, ctls_config **sc, ctls_conn **c, ctls_conn **s,
                        int quiet_client)
{
    *sc = tp_server_config("server-ecdsa");
    *cc = tp_client_config();
    if (quiet_client) CHECK_EQ(ctls_config_set_quiet_shutdown(*cc, 1), 0);
    *c = ctls_conn_new(*cc);
    *s = ctls_conn_new(*sc);
    ctls_conn_set_server_name(*c, "localhost");
    CHECK_EQ(tp_handshake(*c, *s, NULL, NULL), 0);
}

static void memory_pair_free(ctls_config *cc, ctls_config *sc, ctls_conn *c, ctls_conn *s)
{
    ctls_conn_free(c);
    ctls_conn_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* The second ctls_shutdown waits for the peer's close_notify; application data that arrives
 * first is dropped (documented; ctls_read is the way to receive it). */
TEST(second_shutdown_drops_late_data)
{
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    memory_pair(&cc, &sc, &c, &s, 0);
    CHECK_EQ(ctls_shutdown(c), 0);
    CHECK_EQ(ctls_shutdown(c), CTLS_WANT_READ); /* memory transport: nothing in yet */
    tp_pump(c, s, 0);
    unsigned char b[8];
    CHECK_EQ(ctls_read(s, b, sizeof b), 0);
    CHECK_EQ(ctls_write(s, "late", 4), 4);
    CHECK_EQ(ctls_shutdown(s), 1);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_shutdown(c), 1);
    CHECK_EQ(ctls_read(c, b, sizeof b), 0); /* "late" is gone */
    CHECK_EQ(ctls_state(c), CTLS_STATE_CLOSED);
    memory_pair_free(cc, sc, c, s);
}

/* Quiet shutdown changes ctls_shutdown only: the peer's close_notify alone closes nothing on
 * our side (we may still write until we shut down ourselves). */
TEST(quiet_config_peer_close_keeps_us_open)
{
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    memory_pair(&cc, &sc, &c, &s, 1);
    CHECK_EQ(ctls_shutdown(s), 0);
    tp_pump(c, s, 0);
    unsigned char b[8];
    CHECK_EQ(ctls_read(c, b, sizeof b), 0);
    CHECK_EQ(ctls_shutdown_flags(c), CTLS_RECEIVED_SHUTDOWN);
    CHECK_EQ(ctls_state(c), CTLS_STATE_CONNECTED);
    CHECK_EQ(ctls_write(c, "bye", 3), 3);
    CHECK_EQ(ctls_shutdown(c), 1); /* quiet: nothing sent */
    CHECK_EQ(ctls_state(c), CTLS_STATE_CLOSED);
    tp_pump(c, s, 0);
    CHECK_EQ(ctls_read(s, b, sizeof b), 3);
    memory_pair_free(cc, sc, c, s);
}

/* The sans-I/O calls belong to the memory transport: on an fd or callbacks connection
 * ctls_conn_output only shows what waits inside, and nothing can be fed or dropped (that
 * would corrupt the stream). */
TEST(sans_io_calls_on_other_transports)
{
    duo d;
    CHECK_EQ(duo_new(&d, TT_CALLBACKS, TT_FD_NONBLOCK), 0);
    d.ec.push_budget = 0;
    CHECK_EQ(ctls_handshake(d.c), CTLS_WANT_WRITE); /* the ClientHello waits inside */
    const void *out = NULL;
    size_t waiting = ctls_conn_output(d.c, &out); /* a peek: how many bytes wait inside */
    CHECK(waiting > 0 && out != NULL);
    ctls_conn_consume_output(d.c, 10); /* not the application's to drop */
    CHECK_EQ(ctls_conn_output(d.c, &out), waiting);
    size_t used = 7;
    CHECK_EQ(ctls_conn_feed(d.c, "abc", 3, &used), CTLS_ERR_BAD_STATE);
    CHECK_EQ(used, 0);
    CHECK_EQ(ctls_conn_feed_eof(d.c), CTLS_ERR_BAD_STATE);
    /* the zero-copy read is the memory transport's too: callbacks and fd both refuse it,
     * with or without bytes, and take nothing */
    unsigned char b[8];
    ctls_conn *both[2] = {d.c, d.s};
    for (int i = 0; i < 2; i++) {
        used = 7;
        CHECK_EQ(ctls_read_input(both[i], "abc", 3, &used, b, sizeof b), CTLS_ERR_BAD_STATE);
        CHECK_EQ(used, 0);
        used = 7;
        CHECK_EQ(ctls_read_input(both[i], NULL, 0, &used, b, sizeof b), CTLS_ERR_BAD_STATE);
        CHECK_EQ(used, 0);
    }
    CHECK_EQ(ctls_state(d.s), CTLS_STATE_IDLE); /* refused before anything ran */
    d.ec.push_budget = -1;
    CHECK_EQ(duo_handshake(&d, NULL, NULL), 0); /* nothing was lost */
    duo_free(&d);
}

/* Accepted data still queued when ctls_shutdown is called leaves first, then close_notify. */
TEST(shutdown_after_queued_data_keeps_order)
{
    duo d;
    CHECK_EQ(duo_new(&d, TT_CALLBACKS, TT_FD_NONBLOCK), 0);
    CHECK_EQ(duo_handshake(&d, NULL, NULL), 0);
    d.ec.push_budget = 10; /* part of one record */
    CHECK_EQ(ctls_write(d.c, "queued data", 11), 11);
    CHECK_EQ(ctls_shutdown(d.c), CTLS_WANT_WRITE);
    CHECK_EQ(ctls_shutdown_flags(d.c), CTLS_SENT_SHUTDOWN);
    d.ec.push_budget = -1;
    CHECK_EQ(ctls_shutdown(d.c), 0);
    unsigned char b[32];
    long r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_read(d.s, b, sizeof b);
        tt_service(&d.es, r, 10);
    }
    CHECK_EQ(r, 11);
    CHECK(memcmp(b, "queued data", 11) == 0);
    r = CTLS_WANT_READ;
    for (int i = 0; i < 1000 && nonfinal(r); i++) {
        r = ctls_read(d.s, b, sizeof b);
        tt_service(&d.es, r, 10);
    }
    CHECK_EQ(r, 0);
    duo_free(&d);
}

/* Timeout 0 means none: setting it back to 0 before the handshake starts disarms it. */
TEST(handshake_timeout_zero_is_none)
{
    ctls_config *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc);
    ctls_conn_set_server_name(c, "localhost");
    CHECK_EQ(ctls_conn_set_handshake_timeout(c, 50), 0);
    CHECK_EQ(ctls_conn_set_handshake_timeout(c, 0), 0);
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    usleep(120 * 1000);
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    /* armed during the handshake: counted from the setter */
    CHECK_EQ(ctls_conn_set_handshake_timeout(c, 50), 0);
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    usleep(120 * 1000);
    CHECK_EQ(ctls_handshake(c), CTLS_ERR_TIMEOUT);
    ctls_conn_free(c);
    ctls_config_free(cc);
}

/* Set-up errors found before anything is sent leave the connection idle: fix and call again. */
TEST(setup_errors_leave_the_connection_idle)
{
    ctls_config *sc = ctls_config_new(CTLS_SERVER); /* no certificate */
    ctls_conn *s = ctls_conn_new(sc);
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_NO_CERT);
    CHECK_EQ(ctls_state(s), CTLS_STATE_IDLE);
    const void *out;
    CHECK_EQ(ctls_conn_output(s, &out), 0); /* nothing sent */
    CHECK_EQ(ctls_handshake(s), CTLS_ERR_NO_CERT);
    ctls_conn_free(s);
    ctls_config_free(sc);
    ctls_config *cc = tp_client_config();
    ctls_conn *c = ctls_conn_new(cc);
    CHECK_EQ(ctls_handshake(c), CTLS_ERR_NO_SERVER_NAME); /* verifying, but no name */
    CHECK_EQ(ctls_state(c), CTLS_STATE_IDLE);
    CHECK_EQ(ctls_conn_output(c, &out), 0);
    CHECK_EQ(ctls_conn_set_server_name(c, "localhost"), 0);
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    CHECK(ctls_conn_output(c, &out) > 0); /* the ClientHello */
    ctls_conn_free(c);
    ctls_config_free(cc);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(nonblocking_fd_handshake_timeout_does_not_block);
    RUN(nonblocking_fd_handshake_timeout_expires);
    RUN(shutdown_resumes_after_want_write);
    RUN(eintr_callbacks_is_interrupted_and_resumes);
    RUN(eintr_blocking_fd_signal);
    RUN(direction_follows_the_last_call);
    RUN(read_zero_length_is_not_close_notify);
    RUN(wrong_state_table);
    RUN(null_connection);
    RUN(fatal_is_sticky_everywhere);
    RUN(accepted_bytes_leave_while_reading);
    RUN(large_writes_are_fragmented);
    RUN(second_shutdown_drops_late_data);
    RUN(quiet_config_peer_close_keeps_us_open);
    RUN(sans_io_calls_on_other_transports);
    RUN(shutdown_after_queued_data_keeps_order);
    RUN(handshake_timeout_zero_is_none);
    RUN(setup_errors_leave_the_connection_idle);
    return th_summary();
}
