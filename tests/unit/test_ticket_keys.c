/* Application ticket keys and their rotation (ctls_config_set_ticket_key,
 * ctls_config_set_ticket_key_rotation, ctls_config_set_ticket_lifetime; session/ticket_keys.c)
 * between ctls clients and servers in memory, TLS 1.3 and TLS 1.2 each. The rotation clock is
 * the test hook ticket_keys_test_clock (ticket ages keep the wall clock).
 *
 * api_args          client configs, lengths, NULL, bounds, after use: refused; NULL/0 clears.
 * generate          ctls_ticket_key_generate: lengths, two keys differ.
 * shared_key        two server configs given the same key resume each other's tickets (a
 *                   restart, a farm); a longer (OpenSSL-sized) key too.
 * other_key         another key, or none (random keys): a silent full handshake.
 * rotation_app      an application key rotating every hour: a ticket of the previous period
 *                   resumes, one of two periods ago does not; the next period's ticket opens
 *                   (clock skew in a farm); rotation 0: never rotated.
 * rotation_random   random keys rotate the same way (previous period kept, older dropped).
 * farm_in_step      two servers with the same key, rotated in step without coordination:
 *                   either takes the other's ticket of the current and previous period;
 *                   servers with another rotation or lifetime share no key.
 * lifetime          the lifetime set is announced (TLS 1.3 ticket, TLS 1.2 hint) and the
 *                   rotation follows it by default.
 * threads           connections on two threads share a rotating server config.
 */
#include "harness.h"

#include <pthread.h>
#include <string.h>

#include "core/mem.h"
#include "resume.h"
#include "session/session.h"

#define HOUR 3600
static int64_t fake_now; /* Unix seconds for the rotation period */

static int64_t test_clock(void)
{
    return __atomic_load_n(&fake_now, __ATOMIC_RELAXED);
}

static void set_clock(int64_t t)
{
    __atomic_store_n(&fake_now, t, __ATOMIC_RELAXED);
}

static const int versions[2] = {CTLS_TLS1_3, CTLS_TLS1_2};

static const uint8_t key_a[CTLS_TICKET_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint8_t key_b[CTLS_TICKET_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 10};

/* A server for TLS 1.2 up to v with the ticket key (NULL: random keys) and rotation
 * (-1: the default). */
static ctls_config *server(int v, const uint8_t *key, size_t len, int rotation)
{
    ctls_config *sc = tp_server12(v);
    if (key) CHECK_EQ(ctls_config_set_ticket_key(sc, key, len), 0);
    if (rotation >= 0) CHECK_EQ(ctls_config_set_ticket_key_rotation(sc, (unsigned)rotation), 0);
    return sc;
}

/* A full handshake with sc: the client's session (CHECKed: there is one, of version v). */
static ctls_session *issue(ctls_config *cc, ctls_config *sc, int v)
{
    ctls_session *s = tp_full_session(cc, sc, v);
    CHECK(s != NULL);
    return s;
}

TEST(api_args)
{
    ctls_config *cc = tp_client_config(), *sc = tp_server12(CTLS_TLS1_3);
    uint8_t big[CTLS_TICKET_KEY_MAX + 1] = {0};
    CHECK_EQ(ctls_config_set_ticket_key(NULL, key_a, sizeof key_a), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key(cc, key_a, sizeof key_a), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key(sc, key_a, CTLS_TICKET_KEY_LEN - 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key(sc, big, sizeof big), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key(sc, NULL, sizeof key_a), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key(sc, key_a, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(sc->ticket_master_len, 0);
    CHECK_EQ(ctls_config_set_ticket_key(sc, big, CTLS_TICKET_KEY_MAX), 0);
    CHECK_EQ(ctls_config_set_ticket_key(sc, key_a, sizeof key_a), 0);
    CHECK_EQ(sc->ticket_master_len, sizeof key_a);
    CHECK_MEM(sc->ticket_master, key_a, sizeof key_a);
    /* the longer key before it is gone, all of it */
    for (size_t i = sizeof key_a; i < CTLS_TICKET_KEY_MAX; i++)
        CHECK_EQ(sc->ticket_master[i], 0);
    CHECK_EQ(ctls_config_set_ticket_key(sc, NULL, 0), 0); /* back to random keys */
    CHECK_EQ(sc->ticket_master_len, 0);
    CHECK_EQ(sc->ticket_master[0], 0);

    CHECK_EQ(ctls_config_set_ticket_key_rotation(NULL, 60), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key_rotation(cc, 60), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key_rotation(sc, 604801), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_key_rotation(sc, 604800), 0);
    CHECK_EQ(ctls_config_set_ticket_key_rotation(sc, 0), 0);
    CHECK_EQ(ctls_config_set_ticket_lifetime(NULL, 60), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_lifetime(cc, 60), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_lifetime(sc, 0), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_lifetime(sc, 604801), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ticket_lifetime(sc, 604800), 0);
    CHECK_EQ(ctls_config_set_ticket_lifetime(sc, 7200), 0);

    /* once a connection uses the config: read-only */
    CHECK_EQ(ctls_config_set_ticket_key(sc, key_b, sizeof key_b), 0);
    ctls_conn *c = ctls_conn_new(sc);
    CHECK(c != NULL);
    CHECK_EQ(ctls_config_set_ticket_key(sc, key_a, sizeof key_a), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_config_set_ticket_key(sc, NULL, 0), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_config_set_ticket_key_rotation(sc, 60), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_config_set_ticket_lifetime(sc, 60), CTLS_ERR_BAD_STATE);
    CHECK_MEM(sc->ticket_master, key_b, sizeof key_b);
    ctls_conn_free(c);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(generate)
{
    uint8_t a[CTLS_TICKET_KEY_MAX], b[CTLS_TICKET_KEY_LEN], zero[CTLS_TICKET_KEY_MAX] = {0};
    memset(a, 0, sizeof a);
    CHECK_EQ(ctls_ticket_key_generate(NULL, CTLS_TICKET_KEY_LEN), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_ticket_key_generate(a, CTLS_TICKET_KEY_LEN - 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_ticket_key_generate(a, CTLS_TICKET_KEY_MAX + 1), CTLS_ERR_INVALID_ARG);
    CHECK_MEM(a, zero, sizeof a); /* nothing written on error */
    CHECK_EQ(ctls_ticket_key_generate(a, sizeof a), 0);
    CHECK(memcmp(a + CTLS_TICKET_KEY_MAX - 16, zero, 16) != 0); /* the whole length */
    CHECK_EQ(ctls_ticket_key_generate(a, CTLS_TICKET_KEY_LEN), 0);
    CHECK_EQ(ctls_ticket_key_generate(b, sizeof b), 0);
    CHECK(memcmp(a, b, sizeof b) != 0);
    /* a generated key is accepted and works */
    ctls_config *sc = tp_server12(CTLS_TLS1_3);
    CHECK_EQ(ctls_config_set_ticket_key(sc, b, sizeof b), 0);
    ctls_config_free(sc);
}

TEST(shared_key)
{
    uint8_t longkey[80];
    for (size_t i = 0; i < sizeof longkey; i++)
        longkey[i] = (uint8_t)(i * 7);
    for (int i = 0; i < 2; i++) {
        int v = versions[i];
        ctls_config *cc = tp_client12(v);
        ctls_config *a = server(v, key_a, sizeof key_a, -1),
                    *b = server(v, key_a, sizeof key_a, -1);
        ctls_session *s = issue(cc, a, v);
        if (s) {
            CHECK_EQ(tp_resumes(cc, b, s, NULL), 1); /* another server */
            CHECK_EQ(tp_resumes(cc, a, s, NULL), 1); /* and the one that issued it */
        }
        ctls_session_free(s);
        s = issue(cc, b, v);
        if (s) CHECK_EQ(tp_resumes(cc, a, s, NULL), 1);
        ctls_session_free(s);
        ctls_config_free(a);
        ctls_config_free(b);

        /* a longer master (e.g. an OpenSSL 80-byte key file) works whole */
        a = server(v, longkey, sizeof longkey, -1);
        b = server(v, longkey, sizeof longkey, -1);
        s = issue(cc, a, v);
        if (s) CHECK_EQ(tp_resumes(cc, b, s, NULL), 1);
        ctls_session_free(s);
        ctls_config_free(b);
        b = server(v, longkey, sizeof longkey - 1, -1); /* its prefix is another key */
        s = issue(cc, a, v);
        if (s) CHECK_EQ(tp_resumes(cc, b, s, NULL), 0);
        ctls_session_free(s);
        ctls_config_free(a);
        ctls_config_free(b);
        ctls_config_free(cc);
    }
}

TEST(other_key)
{
    for (int i = 0; i < 2; i++) {
        int v = versions[i];
        ctls_config *cc = tp_client12(v);
        ctls_config *a = server(v, key_a, sizeof key_a, -1),
                    *b = server(v, key_b, sizeof key_b, -1);
        ctls_config *r1 = server(v, NULL, 0, -1), *r2 = server(v, NULL, 0, -1);
        ctls_session *s = issue(cc, a, v);
        if (s) {
            CHECK_EQ(tp_resumes(cc, b, s, NULL), 0);
            CHECK_EQ(tp_resumes(cc, r1, s, NULL), 0);
        }
        ctls_session_free(s);
        s = issue(cc, r1, v); /* random keys: only the config that made them */
        if (s) {
            CHECK_EQ(tp_resumes(cc, r2, s, NULL), 0);
            CHECK_EQ(tp_resumes(cc, a, s, NULL), 0);
            CHECK_EQ(tp_resumes(cc, r1, s, NULL), 1);
        }
        ctls_session_free(s);
        ctls_config_free(a);
        ctls_config_free(b);
        ctls_config_free(r1);
        ctls_config_free(r2);
        ctls_config_free(cc);
    }
}

/* Issue at period p (10 s into it), then resume at the start of period p + d: expected. */
static void across(ctls_config *cc, ctls_config *issuer, ctls_config *resumer, int v, int64_t p,
                   int64_t d, int expected)
{
    set_clock(p * HOUR + 10);
    ctls_session *s = issue(cc, issuer, v);
    set_clock((p + d) * HOUR + 1);
    if (s) CHECK_EQ(tp_resumes(cc, resumer, s, NULL), expected);
    ctls_session_free(s);
}

/* Rotation 0: one key (derived from key, or random) for the config's life. */
static void never_rotated(ctls_config *cc, int v, const uint8_t *key, size_t len)
{
    ctls_config *a = server(v, key, len, 0);
    across(cc, a, a, v, 493000, 500, 1);
    ctls_config_free(a);
}

TEST(rotation_app)
{
    const int64_t p = 493000; /* an hour of 2026 */
    for (int i = 0; i < 2; i++) {
        int v = versions[i];
        ctls_config *cc = tp_client12(v), *a = server(v, key_a, sizeof key_a, HOUR);
        across(cc, a, a, v, p, 0, 1);
        across(cc, a, a, v, p + 1, 1, 1); /* the previous period's key */
        across(cc, a, a, v, p + 3, 2, 0); /* two periods ago: rotated out */
        across(cc, a, a, v, p + 6, 3, 0);
        across(cc, a, a, v, p + 11, -1, 1); /* the next period's key (a clock behind) */
        across(cc, a, a, v, p + 13, -2, 0);
        /* just before and after a boundary */
        set_clock((p + 20) * HOUR + HOUR - 1);
        ctls_session *s = issue(cc, a, v);
        set_clock((p + 22) * HOUR - 1);
        if (s) CHECK_EQ(tp_resumes(cc, a, s, NULL), 1);
        set_clock((p + 22) * HOUR);
        if (s) CHECK_EQ(tp_resumes(cc, a, s, NULL), 0);
        ctls_session_free(s);
        ctls_config_free(a);

        never_rotated(cc, v, key_a, sizeof key_a);
        ctls_config_free(cc);
    }
}

TEST(rotation_random)
{
    const int64_t p = 493000;
    for (int i = 0; i < 2; i++) {
        int v = versions[i];
        ctls_config *cc = tp_client12(v), *r = server(v, NULL, 0, HOUR);
        across(cc, r, r, v, p, 0, 1);
        across(cc, r, r, v, p + 1, 1, 1);
        /* the ticket of p + 2 resumed in p + 3 (rotating once) but not in p + 4 */
        set_clock((p + 2) * HOUR);
        ctls_session *s = issue(cc, r, v);
        set_clock((p + 3) * HOUR);
        if (s) CHECK_EQ(tp_resumes(cc, r, s, NULL), 1);
        set_clock((p + 4) * HOUR);
        if (s) CHECK_EQ(tp_resumes(cc, r, s, NULL), 0);
        set_clock((p + 3) * HOUR); /* the clock back: the old key is gone for good */
        if (s) CHECK_EQ(tp_resumes(cc, r, s, NULL), 0);
        ctls_session_free(s);
        across(cc, r, r, v, p + 10, 2, 0);  /* a jump of two periods: nothing kept */
        across(cc, r, r, v, p + 20, -1, 0); /* no next key without a master */
        ctls_config_free(r);

        never_rotated(cc, v, NULL, 0);
        ctls_config_free(cc);
    }
}

TEST(farm_in_step)
{
    const int64_t p = 493000;
    for (int i = 0; i < 2; i++) {
        int v = versions[i];
        ctls_config *cc = tp_client12(v);
        ctls_config *a = server(v, key_a, sizeof key_a, HOUR),
                    *b = server(v, key_a, sizeof key_a, HOUR);
        across(cc, a, b, v, p, 0, 1);
        across(cc, b, a, v, p + 1, 0, 1);
        across(cc, a, b, v, p + 2, 1, 1); /* b never saw period p + 2 */
        across(cc, b, a, v, p + 5, 1, 1);
        across(cc, a, b, v, p + 8, -1, 1); /* b's clock a period behind */
        across(cc, a, b, v, p + 10, 2, 0);
        across(cc, b, a, v, p + 13, 2, 0);
        ctls_config_free(b);

        /* other settings: no key in common (the tickets would be judged otherwise) */
        b = server(v, key_a, sizeof key_a, 2 * HOUR);
        across(cc, a, b, v, p + 20, 0, 0);
        /* not even where b's period index is the one a sealed under */
        set_clock((p + 20) * HOUR);
        ctls_session *s = issue(cc, a, v);
        set_clock((p + 20) * 2 * HOUR);
        if (s) CHECK_EQ(tp_resumes(cc, b, s, NULL), 0);
        ctls_session_free(s);
        ctls_config_free(b);
        b = server(v, key_a, sizeof key_a, HOUR);
        CHECK_EQ(ctls_config_set_ticket_lifetime(b, HOUR / 2), 0);
        across(cc, a, b, v, p + 24, 0, 0);
        ctls_config_free(b);
        ctls_config_free(a);
        ctls_config_free(cc);
    }
}

TEST(lifetime)
{
    const int64_t p = 493000;
    for (int i = 0; i < 2; i++) {
        int v = versions[i];
        ctls_config *cc = tp_client12(v), *a = server(v, key_a, sizeof key_a, -1);
        CHECK_EQ(ctls_config_set_ticket_lifetime(a, 600), 0);
        set_clock(p * 600);
        ctls_session *s = issue(cc, a, v);
        if (s) CHECK_EQ(s->lifetime, 600); /* the NewSessionTicket's lifetime / hint */
        /* the rotation follows the lifetime: 600 s later still, 1200 s later not */
        set_clock(p * 600 + 1199);
        if (s) CHECK_EQ(tp_resumes(cc, a, s, NULL), 1);
        set_clock(p * 600 + 1200);
        if (s) CHECK_EQ(tp_resumes(cc, a, s, NULL), 0);
        ctls_session_free(s);
        ctls_config_free(a);

        a = server(v, key_a, sizeof key_a, -1); /* the default */
        s = issue(cc, a, v);
        if (s) CHECK_EQ(s->lifetime, SESS_TICKET_LIFETIME);
        ctls_session_free(s);
        ctls_config_free(a);
        ctls_config_free(cc);
    }
}

typedef struct {
    ctls_config *cc, *sc;
    ctls_session *s;
    int resumed;
} thread_arg;

static void *resume_many(void *p)
{
    thread_arg *t = p;
    for (int i = 0; i < 8; i++)
        t->resumed += tp_resumes(t->cc, t->sc, t->s, NULL);
    return NULL;
}

TEST(threads)
{
    const int64_t p = 493000;
    ctls_config *cc = tp_client12(CTLS_TLS1_3), *a = server(CTLS_TLS1_3, key_a, sizeof key_a, HOUR);
    set_clock(p * HOUR);
    ctls_session *s = issue(cc, a, CTLS_TLS1_3);
    set_clock((p + 1) * HOUR); /* the first connections rotate, on both threads */
    thread_arg t[2] = {{cc, a, s, 0}, {cc, a, s, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, resume_many, &t[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    CHECK_EQ(t[0].resumed + t[1].resumed, 16);
    ctls_session_free(s);
    ctls_config_free(a);
    ctls_config_free(cc);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    set_clock(493000 * (int64_t)HOUR);
    ticket_keys_test_clock = test_clock;
    RUN(api_args);
    RUN(generate);
    RUN(shared_key);
    RUN(other_key);
    RUN(rotation_app);
    RUN(rotation_random);
    RUN(farm_in_step);
    RUN(lifetime);
    RUN(threads);
    return th_summary();
}
