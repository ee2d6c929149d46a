/* The connection contract as a scenario matrix: transport {memory (feed / output), blocking fd,
 * O_NONBLOCK fd, push / pull callbacks} x role of the connection under test {client, server}
 * x scenario {handshake + data both ways (1 MiB, reads smaller than records), the same with
 * tiny transport chunks, the three shutdown orderings, quiet shutdown, truncation, handshake
 * timeout with a silent peer, the non-blocking write rule}. One conformance body runs over
 * every transport: the connection under test ("we", A) runs in the main thread, its peer (B,
 * a ctls connection of the other role over the same kind of transport) in a thread, over an
 * AF_UNIX socketpair. */
#include "harness.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "pair.h"
#include "transport.h"

#define MIB (1024 * 1024)

typedef struct fx {
    int kind, role; /* the transport (both ends) and A's role */
    int shaped;     /* tiny chunks: 1 byte per move, EAGAIN every other callback */
    ctls_config *cfg_a, *cfg_b;
    ctls_conn *a, *b;
    tt_end ea, eb;
    int sv[2];
    size_t n;                  /* data scenario size */
    unsigned char *ab, *ba;    /* patterns A->B and B->A */
    pthread_barrier_t barrier; /* "both at once" */
    long long t_hs;            /* timeout scenario: elapsed ms */
} fx;

static unsigned char pattern(size_t i, unsigned seed)
{
    return (unsigned char)((i ^ (i >> 8) ^ (i >> 16)) * 151u + seed);
}

static ctls_config *config_for(int role)
{
    return role == CTLS_CLIENT ? tp_client_config() : tp_server_config("server-ecdsa");
}

static int fx_setup(fx *f, int kind, int role, int shaped)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->role = role;
    f->shaped = shaped;
    f->cfg_a = config_for(role);
    f->cfg_b = config_for(role == CTLS_CLIENT ? CTLS_SERVER : CTLS_CLIENT);
    if (!f->cfg_a || !f->cfg_b || tt_socketpair(f->sv) != 0) return -1;
    pthread_barrier_init(&f->barrier, NULL, 2);
    return 0;
}

/* Connections are made after the scenario tuned the configs. */
static int fx_connect(fx *f)
{
    f->a = ctls_conn_new(f->cfg_a);
    f->b = ctls_conn_new(f->cfg_b);
    if (!f->a || !f->b) return -1;
    ctls_conn *client = f->role == CTLS_CLIENT ? f->a : f->b;
    CHECK_EQ(ctls_conn_set_server_name(client, "localhost"), 0);
    CHECK_EQ(tt_attach(&f->ea, f->kind, f->a, f->sv[0]), 0);
    CHECK_EQ(tt_attach(&f->eb, f->kind, f->b, f->sv[1]), 0);
    if (f->shaped) {
        f->ea.chunk = f->eb.chunk = 1;
        f->ea.alternate_eagain = f->eb.alternate_eagain = 1;
    }
    return 0;
}

static void fx_free(fx *f)
{
    tt_close(&f->ea, 0);
    tt_close(&f->eb, 0);
    ctls_conn_free(f->a);
    ctls_conn_free(f->b);
    ctls_config_free(f->cfg_a);
    ctls_config_free(f->cfg_b);
    free(f->ab);
    free(f->ba);
    pthread_barrier_destroy(&f->barrier);
}

/* Transport-level promises checked after every scenario on both ends. */
static void check_transport(fx *f, tt_end *e)
{
    TT_CHECK_EQ(e->dir_mismatch, 0);
    TT_CHECK_EQ(e->state_mismatch, 0);
    if (f->kind == TT_FD_BLOCKING) {
        /* a blocking transport never asks to be called again */
        TT_CHECK_EQ(e->want_read, 0);
        TT_CHECK_EQ(e->want_write, 0);
    }
}

static void handshake_ok(fx *f, tt_end *e)
{
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_IDLE);
    long rc = tt_call(e, TT_HANDSHAKE, NULL, 0);
    TT_CHECK_EQ(rc, 0);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CONNECTED);
    TT_CHECK_EQ(ctls_version(e->conn), CTLS_TLS1_3);
    e->expect_hs_state = 0;
    if (f->shaped && f->kind != TT_FD_BLOCKING && f->kind != TT_FD_NONBLOCK)
        TT_CHECK(e->want_read + e->want_write > 20); /* many resumptions */
}

/* ---- scenario: handshake, data both ways, clean close -------------------------------- */

static void data_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    TT_CHECK_EQ(tt_write_all(e, f->ab, f->n), (long)f->n);
    unsigned char *in = malloc(f->n);
    unsigned shorts = 0;
    /* reads smaller than a record, and reads that get less than asked */
    TT_CHECK_EQ(tt_read_exact(e, in, f->n, 1000, &shorts), (long)f->n);
    TT_CHECK(memcmp(in, f->ba, f->n) == 0);
    free(in);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 0);
    unsigned char b[8];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
}

static void data_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    unsigned char *in = malloc(f->n);
    unsigned shorts = 0;
    TT_CHECK_EQ(tt_read_exact(e, in, f->n, 40000, &shorts), (long)f->n);
    TT_CHECK(memcmp(in, f->ab, f->n) == 0);
    if (f->n > 40000) TT_CHECK(shorts > 0); /* records are at most 16 KiB: reads return less */
    free(in);
    TT_CHECK_EQ(tt_write_all(e, f->ba, f->n), (long)f->n);
    unsigned char b[8];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
}

static void prepare_data(fx *f, size_t n)
{
    f->n = n;
    f->ab = malloc(n);
    f->ba = malloc(n);
    for (size_t i = 0; i < n; i++) {
        f->ab[i] = pattern(i, 7);
        f->ba[i] = pattern(i, 91);
    }
}

/* ---- scenario: we close first, the peer still sends, then closes ----------------------- */

static void close_first_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 0);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN);
    TT_CHECK_EQ(ctls_write(e->conn, "x", 1), CTLS_ERR_SHUTDOWN);
    unsigned char b[16];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 4); /* data after our close_notify */
    TT_CHECK(memcmp(b, "late", 4) == 0);
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
    TT_CHECK_EQ(ctls_write(e->conn, "x", 1), CTLS_ERR_SHUTDOWN);
}

static void close_first_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    unsigned char b[16];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CONNECTED); /* half closed: we may still send */
    TT_CHECK_EQ(tt_write_all(e, "late", 4), 4);
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0); /* and again */
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1); /* the peer's was already processed */
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
}

/* ---- scenario: we close first and wait in ctls_shutdown ------------------------------- */

static void close_wait_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 0);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1); /* waits for the peer's close_notify */
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1); /* stays done */
    unsigned char b[4];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
}

static void close_wait_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    unsigned char b[16];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
}

/* ---- scenario: the peer closes first -------------------------------------------------- */

static void peer_first_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    unsigned char b[16];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
    TT_CHECK_EQ(tt_write_all(e, "after", 5), 5); /* half close: still allowed */
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
}

static void peer_first_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 0);
    unsigned char b[16];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 5);
    TT_CHECK(memcmp(b, "after", 5) == 0);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
}

/* ---- scenario: both close at once ----------------------------------------------------- */

static void both_side(fx *f, tt_end *e)
{
    handshake_ok(f, e);
    pthread_barrier_wait(&f->barrier);
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 0); /* the first call never reads */
    TT_CHECK_EQ(tt_call(e, TT_SHUTDOWN, NULL, 0), 1);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
    unsigned char b[4];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 0);
}

static void both_a(fx *f)
{
    both_side(f, &f->ea);
}

static void both_b(void *arg)
{
    fx *f = arg;
    both_side(f, &f->eb);
}

/* ---- scenario: quiet shutdown --------------------------------------------------------- */

static void quiet_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    TT_CHECK_EQ(ctls_shutdown(e->conn), 1); /* at once, nothing sent */
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn), CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_CLOSED);
    TT_CHECK_EQ(ctls_write(e->conn, "x", 1), CTLS_ERR_SHUTDOWN);
    const void *p;
    if (f->kind == TT_MEMORY) TT_CHECK_EQ(ctls_conn_output(e->conn, &p), 0);
    tt_close(e, 1);
}

static void quiet_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    unsigned char b[16];
    /* no close_notify ever came: the end of the stream is a truncation */
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), CTLS_ERR_TRUNCATED);
}

/* ---- scenario: truncation (EOF without close_notify) ---------------------------------- */

static void trunc_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    unsigned char b[200];
    TT_CHECK_EQ(tt_read_exact(e, b, 100, sizeof b, NULL), 100);
    TT_CHECK(memcmp(b, f->ba, 100) == 0);
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), CTLS_ERR_TRUNCATED); /* never 0 */
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), CTLS_ERR_TRUNCATED); /* sticky */
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_ABORTED);
    TT_CHECK_EQ(ctls_shutdown(e->conn), CTLS_ERR_TRUNCATED);
    TT_CHECK_EQ(ctls_write(e->conn, "x", 1), CTLS_ERR_TRUNCATED);
    TT_CHECK_EQ(ctls_handshake(e->conn), CTLS_ERR_TRUNCATED);
    TT_CHECK_EQ(ctls_shutdown_flags(e->conn) & CTLS_RECEIVED_SHUTDOWN, 0);
    ctls_session *s = ctls_conn_get_session(e->conn);
    TT_CHECK(s == NULL); /* not kept for resumption */
    ctls_session_free(s);
}

static void trunc_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    TT_CHECK_EQ(tt_write_all(e, f->ba, 100), 100);
    tt_close(e, 1); /* EOF, no close_notify */
}

/* ---- scenario: the non-blocking write rule -------------------------------------------- */

/* Writes f->n bytes; a callback transport takes a pseudo-random budget of bytes per round
 * and then says EAGAIN. CTLS_WANT_WRITE means nothing was accepted: the same buffer is
 * offered again. The peer checks that the stream has no byte lost or doubled. */
static void wrule_a(fx *f)
{
    tt_end *e = &f->ea;
    handshake_ok(f, e);
    size_t done = 0;
    unsigned seed = 12345, wants = 0;
    int guard = 0;
    while (done < f->n && guard++ < 200000) {
        if (f->kind == TT_CALLBACKS) {
            seed = seed * 1103515245u + 12345u;
            e->push_budget = (long)((seed >> 8) % 9000);
        }
        size_t len = f->n - done < 100000 ? f->n - done : 100000;
        ssize_t w = ctls_write(e->conn, f->ab + done, len);
        if (w > 0) {
            TT_CHECK((size_t)w <= len);
            done += (size_t)w;
        } else if (w == CTLS_WANT_WRITE) {
            wants++;
            TT_CHECK_EQ(ctls_direction(e->conn), CTLS_WANT_WRITE);
            if (f->kind == TT_CALLBACKS && e->push_budget == 0) {
                /* nothing can leave: every call says WANT_WRITE and accepts nothing */
                TT_CHECK_EQ(ctls_write(e->conn, f->ab + done, len), CTLS_WANT_WRITE);
            }
            tt_service(e, w, 20);
        } else {
            TT_CHECK_EQ(w, 0);
            break;
        }
        if (f->kind == TT_MEMORY) tt_flush(e);
    }
    e->push_budget = -1;
    TT_CHECK_EQ(done, f->n);
    if (f->kind == TT_CALLBACKS || f->kind == TT_FD_NONBLOCK) TT_CHECK(wants > 0);
    TT_CHECK_EQ(tt_write_all(e, NULL, 0), 0); /* flush what was accepted */
    unsigned char b[4];
    TT_CHECK_EQ(tt_call(e, TT_READ, b, sizeof b), 1);
}

static void wrule_b(void *arg)
{
    fx *f = arg;
    tt_end *e = &f->eb;
    handshake_ok(f, e);
    usleep(50 * 1000); /* let the writer fill the socket first */
    unsigned char *in = malloc(f->n);
    TT_CHECK_EQ(tt_read_exact(e, in, f->n, 30000, NULL), (long)f->n);
    TT_CHECK(memcmp(in, f->ab, f->n) == 0);
    free(in);
    TT_CHECK_EQ(tt_write_all(e, "k", 1), 1);
}

/* ---- scenario: handshake timeout with a silent peer ----------------------------------- */

static void timeout_a(fx *f)
{
    tt_end *e = &f->ea;
    TT_CHECK_EQ(ctls_conn_set_handshake_timeout(e->conn, 200), 0);
    long long t0 = tt_now_ms();
    TT_CHECK_EQ(tt_call(e, TT_HANDSHAKE, NULL, 0), CTLS_ERR_TIMEOUT);
    f->t_hs = tt_now_ms() - t0;
    TT_CHECK(f->t_hs >= 150 && f->t_hs < 3000);
    /* a non-blocking transport came back with CTLS_WANT_READ until the deadline passed, it
     * did not sit out the timeout inside one call */
    if (f->kind == TT_MEMORY || f->kind == TT_FD_NONBLOCK || e->nb_pull_timeout)
        TT_CHECK(e->want_read >= 3);
    long long t1 = tt_now_ms();
    TT_CHECK_EQ(ctls_handshake(e->conn), CTLS_ERR_TIMEOUT); /* sticky, at once */
    TT_CHECK(tt_now_ms() - t1 < 100);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_ABORTED);
    unsigned char b[4];
    TT_CHECK_EQ(ctls_read(e->conn, b, sizeof b), CTLS_ERR_TIMEOUT);
    TT_CHECK_EQ(ctls_write(e->conn, b, sizeof b), CTLS_ERR_TIMEOUT);
    TT_CHECK_EQ(ctls_shutdown(e->conn), CTLS_ERR_TIMEOUT);
}

/* ---- scenario: the peer hangs up during the handshake ---------------------------------- */

static void hs_eof_a(fx *f)
{
    tt_end *e = &f->ea;
    tt_close(&f->eb, 1); /* no ctls peer: EOF (it still takes what we send) */
    TT_CHECK_EQ(tt_call(e, TT_HANDSHAKE, NULL, 0), CTLS_ERR_TRUNCATED);
    TT_CHECK_EQ(ctls_state(e->conn), CTLS_STATE_ABORTED);
    TT_CHECK_EQ(ctls_handshake(e->conn), CTLS_ERR_TRUNCATED);
    unsigned char b[4];
    TT_CHECK_EQ(ctls_read(e->conn, b, sizeof b), CTLS_ERR_TRUNCATED);
}

/* ---- the matrix ----------------------------------------------------------------------- */

enum {
    SC_DATA,
    SC_DATA_TINY,
    SC_CLOSE_FIRST,
    SC_CLOSE_WAIT,
    SC_PEER_FIRST,
    SC_BOTH,
    SC_QUIET,
    SC_TRUNC,
    SC_TIMEOUT,
    SC_TIMEOUT_NB,
    SC_WRITE_RULE,
    SC_HS_EOF,
    SC_COUNT
};
static const char *sc_names[SC_COUNT] = {
    "handshake+data 1MiB",      "handshake+data tiny chunks",
    "shutdown: we close first", "shutdown: we wait",
    "shutdown: peer first",     "shutdown: both at once",
    "quiet shutdown",           "truncation",
    "hs timeout, silent peer",  "hs timeout, nb pull_timeout",
    "write rule (WANT_WRITE)",  "EOF during handshake",
};
static int results[SC_COUNT][TT_KINDS][2]; /* 0 not run, 1 ok, -1 failed */

static void run_one(int sc, int kind, int role)
{
    char lbl[160];
    snprintf(lbl, sizeof lbl, "%s / %s / we are %s", sc_names[sc], tt_kind_name(kind),
             role == CTLS_CLIENT ? "client" : "server");
    tt_set_label(lbl);
    int before = th_failed_checks;
    fx f;
    if (fx_setup(&f, kind, role, sc == SC_DATA_TINY) != 0) {
        CHECK(!"setup");
        return;
    }
    if (sc == SC_QUIET) CHECK_EQ(ctls_config_set_quiet_shutdown(f.cfg_a, 1), 0);
    void (*fa)(fx *) = NULL;
    void (*fb)(void *) = NULL;
    switch (sc) {
    case SC_DATA:
        prepare_data(&f, MIB);
        fa = data_a, fb = data_b;
        break;
    case SC_DATA_TINY:
        prepare_data(&f, 3000);
        fa = data_a, fb = data_b;
        break;
    case SC_CLOSE_FIRST:
        fa = close_first_a, fb = close_first_b;
        break;
    case SC_CLOSE_WAIT:
        fa = close_wait_a, fb = close_wait_b;
        break;
    case SC_PEER_FIRST:
        fa = peer_first_a, fb = peer_first_b;
        break;
    case SC_BOTH:
        fa = both_a, fb = both_b;
        break;
    case SC_QUIET:
        fa = quiet_a, fb = quiet_b;
        break;
    case SC_TRUNC:
        prepare_data(&f, 100);
        fa = trunc_a, fb = trunc_b;
        break;
    case SC_TIMEOUT:
    case SC_TIMEOUT_NB:
        fa = timeout_a; /* the peer never says a word */
        break;
    case SC_WRITE_RULE:
        prepare_data(&f, MIB);
        fa = wrule_a, fb = wrule_b;
        break;
    case SC_HS_EOF:
        fa = hs_eof_a;
        break;
    }
    if (fx_connect(&f) != 0) {
        CHECK(!"connect");
        fx_free(&f);
        return;
    }
    if (sc == SC_TIMEOUT_NB) f.ea.nb_pull_timeout = 1;
    tt_thread t;
    int threaded = fb != NULL && tt_spawn(&t, fb, &f) == 0;
    fa(&f);
    if (threaded) tt_join(&t);
    check_transport(&f, &f.ea);
    if (threaded) check_transport(&f, &f.eb);
    fx_free(&f);
    results[sc][kind][role == CTLS_CLIENT ? 0 : 1] = th_failed_checks == before ? 1 : -1;
}

static void run_scenario(int sc)
{
    for (int kind = 0; kind < TT_KINDS; kind++) {
        if (sc == SC_TIMEOUT_NB && kind != TT_CALLBACKS) continue;
        if (sc == SC_DATA_TINY && (kind == TT_FD_BLOCKING || kind == TT_FD_NONBLOCK))
            continue; /* a kernel socket cannot be shaped: the callback / memory rows cover it */
        run_one(sc, kind, CTLS_CLIENT);
        run_one(sc, kind, CTLS_SERVER);
    }
}

TEST(matrix_handshake_data)
{
    run_scenario(SC_DATA);
}
TEST(matrix_tiny_chunks)
{
    run_scenario(SC_DATA_TINY);
}
TEST(matrix_shutdown_we_close_first)
{
    run_scenario(SC_CLOSE_FIRST);
}
TEST(matrix_shutdown_we_wait)
{
    run_scenario(SC_CLOSE_WAIT);
}
TEST(matrix_shutdown_peer_first)
{
    run_scenario(SC_PEER_FIRST);
}
TEST(matrix_shutdown_both_at_once)
{
    run_scenario(SC_BOTH);
}
TEST(matrix_quiet_shutdown)
{
    run_scenario(SC_QUIET);
}
TEST(matrix_truncation)
{
    run_scenario(SC_TRUNC);
}
TEST(matrix_handshake_timeout)
{
    run_scenario(SC_TIMEOUT);
    run_scenario(SC_TIMEOUT_NB);
}
TEST(matrix_write_rule)
{
    run_scenario(SC_WRITE_RULE);
}
TEST(matrix_handshake_eof)
{
    run_scenario(SC_HS_EOF);
}

static void print_matrix(void)
{
    printf("\n%-30s", "scenario \\ transport:role");
    for (int k = 0; k < TT_KINDS; k++)
        printf(" %-11s %-11s", "", tt_kind_name(k));
    printf("\n%-30s", "");
    for (int k = 0; k < TT_KINDS; k++)
        printf(" %-11s %-11s", "client", "server");
    printf("\n");
    for (int sc = 0; sc < SC_COUNT; sc++) {
        printf("%-30s", sc_names[sc]);
        for (int k = 0; k < TT_KINDS; k++)
            for (int r = 0; r < 2; r++) {
                int v = results[sc][k][r];
                printf(" %-11s", v == 1 ? "ok" : v == -1 ? "FAIL" : "-");
            }
        printf("\n");
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(matrix_handshake_data);
    RUN(matrix_tiny_chunks);
    RUN(matrix_shutdown_we_close_first);
    RUN(matrix_shutdown_we_wait);
    RUN(matrix_shutdown_peer_first);
    RUN(matrix_shutdown_both_at_once);
    RUN(matrix_quiet_shutdown);
    RUN(matrix_truncation);
    RUN(matrix_handshake_timeout);
    RUN(matrix_write_rule);
    RUN(matrix_handshake_eof);
    print_matrix();
    return th_summary();
}
