/* The server session cache (ctls_config_set_session_cache, src/session/cache.c) between a ctls
 * client and a ctls server in memory:
 *
 * api_args             client config, too large, after use, stats without a cache / NULL.
 * cache_module         put / get / remove / version / key length / lifetime edge / LRU order /
 *                      stats, straight on the cache.
 * tls12_session_id     a server issuing no ticket sends a fresh 32-byte session ID; the client
 *                      resumes with it (both sides resumed, the ID echoed, again and again,
 *                      byte-at-a-time too); hits counted.
 * tls12_unknown_id     an unknown ID: a full handshake with a new ID (a miss); the cache off:
 *                      an empty session ID, nothing to resume (behaviour unchanged).
 * tls12_ticket_first   a client that supports tickets gets a ticket and an empty session ID
 *                      (nothing cached, RFC 5077 3.4); a ticket that fails beside a cached ID:
 *                      full handshake, the cache not even looked at.
 * tls12_eviction       max 2: the oldest goes; the least recently used goes, not the oldest.
 * tls12_expiry         an entry past its lifetime is dropped on lookup and not resumed.
 * tls13_single_use     TLS 1.3 tickets are 32-byte cache keys; one resumes once, the second
 *                      use is a full handshake; the resumed connection's new ticket works; a
 *                      stateless ticket of another server is a full handshake.
 * cache_off_13         without the cache TLS 1.3 tickets are sealed state, reusable.
 * garbage_identities   random keys of random lengths: misses; random TLS 1.3 identities and
 *                      TLS 1.2 session IDs in real handshakes: full handshakes.
 * threads              two threads resuming against one server config and cache.
 */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "resume.h"
#include "session/cache.h"
#include "session/session.h"

/* A server for versions 1.2..max with a cache of n entries (0: none) and tickets. */
static ctls_config *server_cfg(int max, size_t n, int tickets)
{
    ctls_config *sc = tp_server12(max);
    CHECK_EQ(ctls_config_set_session_tickets(sc, tickets), 0);
    if (n) CHECK_EQ(ctls_config_set_session_cache(sc, n), 0);
    return sc;
}

static void fixture_free(ctls_config *cc, ctls_config *sc, ctls_session *s)
{
    ctls_session_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

/* What most cache tests start from: a client for TLS 1.2..max (*cc), server_cfg(max, n, tickets)
 * (*sc) and the client's session from a full handshake between them at version max (CHECKed).
 * NULL (and the configs freed) without a session. */
static ctls_session *fixture(ctls_config **cc, ctls_config **sc, int max, size_t n, int tickets)
{
    *cc = tp_client12(max);
    *sc = server_cfg(max, n, tickets);
    ctls_session *s = tp_full_session(*cc, *sc, max);
    CHECK(s != NULL);
    if (!s) fixture_free(*cc, *sc, NULL);
    return s;
}

static ctls_session_cache_stats stats(ctls_config *sc)
{
    ctls_session_cache_stats st;
    memset(&st, 0xff, sizeof st);
    CHECK_EQ(ctls_config_session_cache_stats(sc, &st), 0);
    return st;
}

TEST(api_args)
{
    ctls_config *cc = tp_client_config(), *sc = server_cfg(CTLS_TLS1_3, 0, 2);
    ctls_session_cache_stats st;
    CHECK_EQ(ctls_config_set_session_cache(NULL, 10), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_session_cache(cc, 10), CTLS_ERR_INVALID_ARG); /* server only */
    CHECK_EQ(ctls_config_set_session_cache(sc, CACHE_MAX_ENTRIES + 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_session_cache_stats(sc, &st), CTLS_ERR_BAD_STATE); /* off */
    CHECK_EQ(ctls_config_set_session_cache(sc, 10), 0);
    CHECK_EQ(ctls_config_set_session_cache(sc, 3), 0); /* replaced */
    CHECK_EQ(ctls_config_session_cache_stats(sc, NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_session_cache_stats(NULL, &st), CTLS_ERR_INVALID_ARG);
    st = stats(sc);
    CHECK_EQ(st.entries, 0);
    CHECK_EQ(st.hits + st.misses + st.evictions, 0);
    ctls_conn *c = ctls_conn_new(sc);
    CHECK_EQ(ctls_config_set_session_cache(sc, 5), CTLS_ERR_BAD_STATE); /* read-only now */
    CHECK_EQ(ctls_config_set_session_cache(sc, 0), CTLS_ERR_BAD_STATE);
    ctls_conn_free(c);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

static cache_state state_of(uint16_t version, uint8_t fill, uint64_t issued)
{
    cache_state st;
    memset(&st, 0, sizeof st);
    st.version = version;
    st.suite = 0x1301;
    st.secret_len = 32;
    memset(st.secret, fill, 32);
    st.issued_ms = issued;
    st.lifetime = 100;
    st.age_add = fill;
    memcpy(st.sni, "example.com", 12);
    st.sni_len = 11;
    return st;
}

TEST(cache_module)
{
    sess_cache *sc = NULL;
    CHECK_EQ(cache_new(0, &sc), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(cache_new(CACHE_MAX_ENTRIES + 1, &sc), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(cache_new(2, &sc), 0);
    if (!sc) return;
    const int64_t t0 = 1800000000000;
    uint8_t k1[CACHE_KEY_LEN], k2[CACHE_KEY_LEN], k3[CACHE_KEY_LEN];
    memset(k1, 1, sizeof k1);
    memset(k2, 2, sizeof k2);
    memset(k3, 3, sizeof k3);
    cache_state a = state_of(CTLS_TLS1_3, 0xa1, (uint64_t)t0), got;
    CHECK_EQ(cache_put(sc, k1, &a), 0);
    CHECK_EQ(cache_get(sc, k1, sizeof k1, CTLS_TLS1_3, t0, &got), 1);
    CHECK_EQ(got.suite, 0x1301);
    CHECK_EQ(got.secret_len, 32);
    CHECK_MEM(got.secret, a.secret, 32);
    CHECK_EQ(got.age_add, 0xa1);
    CHECK(strcmp(got.sni, "example.com") == 0);
    CHECK_EQ(cache_get(sc, k1, sizeof k1, CTLS_TLS1_2, t0, &got), 0);     /* another version */
    CHECK_EQ(cache_get(sc, k1, sizeof k1 - 1, CTLS_TLS1_3, t0, &got), 0); /* a prefix */
    CHECK_EQ(cache_get(sc, k1, 0, CTLS_TLS1_3, t0, &got), 0);
    /* the last millisecond of the lifetime, then one more */
    CHECK_EQ(cache_get(sc, k1, sizeof k1, CTLS_TLS1_3, t0 + 100000, &got), 1);
    CHECK_EQ(cache_get(sc, k1, sizeof k1, CTLS_TLS1_3, t0 + 100001, &got), 0);
    ctls_session_cache_stats st;
    cache_stats(sc, &st);
    CHECK_EQ(st.entries, 0); /* the expired entry was dropped */
    CHECK_EQ(st.hits, 2);
    CHECK_EQ(st.misses, 4);
    /* LRU: k1, k2; k1 used; k3 evicts k2 */
    CHECK_EQ(cache_put(sc, k1, &a), 0);
    cache_state b = state_of(CTLS_TLS1_2, 0xb2, (uint64_t)t0);
    CHECK_EQ(cache_put(sc, k2, &b), 0);
    CHECK_EQ(cache_get(sc, k1, sizeof k1, CTLS_TLS1_3, t0, &got), 1);
    CHECK_EQ(cache_put(sc, k3, &a), 0);
    CHECK_EQ(cache_get(sc, k2, sizeof k2, CTLS_TLS1_2, t0, &got), 0);
    CHECK_EQ(cache_get(sc, k1, sizeof k1, CTLS_TLS1_3, t0, &got), 1);
    CHECK_EQ(cache_get(sc, k3, sizeof k3, CTLS_TLS1_3, t0, &got), 1);
    cache_stats(sc, &st);
    CHECK_EQ(st.entries, 2);
    CHECK_EQ(st.evictions, 1);
    /* remove: once */
    CHECK_EQ(cache_remove(sc, k3, sizeof k3), 1);
    CHECK_EQ(cache_remove(sc, k3, sizeof k3), 0);
    CHECK_EQ(cache_remove(sc, k3, 5), 0);
    /* an issue time far ahead of now is not believed */
    cache_state f = state_of(CTLS_TLS1_3, 0xf0, (uint64_t)t0 + 3600000);
    CHECK_EQ(cache_put(sc, k2, &f), 0);
    CHECK_EQ(cache_get(sc, k2, sizeof k2, CTLS_TLS1_3, t0, &got), 0);
    cache_free(sc); /* k1 still inside: freed and wiped (ASan: no leak) */
}

TEST(tls12_session_id)
{
    ctls_config *cc, *sc;
    ctls_session *s = fixture(&cc, &sc, CTLS_TLS1_2, 16, 0);
    if (!s) return;
    CHECK_EQ(s->session_id_len, 32);
    CHECK_EQ(s->ticket_len, 0);
    ctls_session_cache_stats st = stats(sc);
    CHECK_EQ(st.entries, 1);
    CHECK_EQ(st.hits + st.misses, 0);

    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_2);
    CHECK(ctls_server_name(p.s) && strcmp(ctls_server_name(p.s), "localhost") == 0);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2); /* the original handshake's chain */
    tp_exchange(p.c, p.s, 20000, 0);
    tp_exchange(p.s, p.c, 20000, 0);
    ctls_session *s2 = ctls_conn_get_session(p.c);
    CHECK(s2 != NULL);
    if (s2) CHECK_MEM(s2->session_id, s->session_id, 32); /* the ID was echoed */
    tp_resume_close(&p);
    /* TLS 1.2 session IDs are not single-use */
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1);
    CHECK_EQ(tp_resume_open_ex(&p, cc, sc, NULL, NULL, s, 1), 0); /* byte at a time */
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    tp_exchange(p.c, p.s, 3000, 7);
    tp_resume_close(&p);
    st = stats(sc);
    CHECK_EQ(st.entries, 1);
    CHECK_EQ(st.hits, 3);
    CHECK_EQ(st.misses, 0);
    ctls_session_free(s2);
    fixture_free(cc, sc, s);
}

TEST(tls12_unknown_id)
{
    ctls_config *cc, *sc;
    ctls_session *s = fixture(&cc, &sc, CTLS_TLS1_2, 16, 0);
    if (!s) return;
    s->session_id[7] ^= 0x80;
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    ctls_session *n = ctls_conn_get_session(p.c);
    CHECK(n != NULL);
    if (n) {
        CHECK_EQ(n->session_id_len, 32); /* a new ID for the new session */
        CHECK(memcmp(n->session_id, s->session_id, 32) != 0);
    }
    tp_resume_close(&p);
    ctls_session_cache_stats st = stats(sc);
    CHECK_EQ(st.misses, 1);
    CHECK_EQ(st.hits, 0);
    CHECK_EQ(st.entries, 2);
    if (n) CHECK_EQ(tp_resumes(cc, sc, n, NULL), 1);
    ctls_session_free(n);

    /* the cache off (the default): an empty session ID, the client has nothing to resume */
    ctls_config *off = server_cfg(CTLS_TLS1_2, 0, 0);
    CHECK(tp_full_session(cc, off, 0) == NULL);
    s->session_id[7] ^= 0x80; /* the real ID, but of the other config */
    CHECK_EQ(tp_resumes(cc, off, s, NULL), 0);
    ctls_config_free(off);
    fixture_free(cc, sc, s);
}

TEST(tls12_ticket_first)
{
    ctls_config *cc, *sc;
    ctls_session *t = fixture(&cc, &sc, CTLS_TLS1_2, 16, 1);
    if (!t) return;
    /* RFC 5077 3.4: a ticket and an empty session ID, nothing cached */
    CHECK(t->ticket_len > 32);
    CHECK_EQ(t->session_id_len, 0);
    CHECK_EQ(stats(sc).entries, 0);
    CHECK_EQ(tp_resumes(cc, sc, t, NULL), 1);
    CHECK_EQ(stats(sc).hits + stats(sc).misses, 0); /* the ticket path, no lookup */
    ctls_session_free(t);

    /* a cached ID beside a ticket the server cannot open: the ticket decides (full) */
    ctls_config *idsrv = server_cfg(CTLS_TLS1_2, 16, 0);
    ctls_session *s = tp_full_session(cc, idsrv, 0);
    CHECK(s != NULL);
    if (s) {
        CHECK_EQ(tp_resumes(cc, idsrv, s, NULL), 1); /* the ID alone resumes */
        free(s->ticket);
        s->ticket = malloc(100);
        memset(s->ticket, 0x33, 100);
        s->ticket_len = 100;
        ctls_session_cache_stats before = stats(idsrv);
        CHECK_EQ(tp_resumes(cc, idsrv, s, NULL), 0);
        ctls_session_cache_stats after = stats(idsrv);
        CHECK_EQ(after.hits, before.hits);
        CHECK_EQ(after.misses, before.misses);
    }
    ctls_session_free(s);
    ctls_config_free(idsrv);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(tls12_eviction)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = server_cfg(CTLS_TLS1_2, 2, 0);
    ctls_session *a = tp_full_session(cc, sc, 0), *b = tp_full_session(cc, sc, 0),
                 *c = tp_full_session(cc, sc, 0);
    CHECK(a && b && c);
    if (!a || !b || !c) return;
    ctls_session_cache_stats st = stats(sc);
    CHECK_EQ(st.entries, 2);
    CHECK_EQ(st.evictions, 1);                /* a, the oldest */
    CHECK_EQ(tp_resumes(cc, sc, b, NULL), 1); /* b is now used more recently than c */
    ctls_session *d =
        tp_full_session(cc, sc, 0); /* evicts c (least recently used), not b (older) */
    CHECK_EQ(tp_resumes(cc, sc, b, NULL), 1);
    CHECK_EQ(tp_resumes(cc, sc, c, NULL), 0);
    CHECK_EQ(tp_resumes(cc, sc, a, NULL), 0);
    st = stats(sc);
    CHECK_EQ(st.entries, 2);
    CHECK_EQ(st.evictions, 4); /* c's and a's full handshakes made room too */
    ctls_session_free(a);
    ctls_session_free(b);
    ctls_session_free(c);
    ctls_session_free(d);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(tls12_expiry)
{
    ctls_config *cc, *sc;
    ctls_session *s = fixture(&cc, &sc, CTLS_TLS1_2, 16, 0);
    if (!s) return;
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1);
    /* the server's clock one lifetime (7200 s) and a second later */
    cache_state got;
    int64_t later = sess_wall_ms() + (int64_t)SESS_TICKET_LIFETIME * 1000 + 1000;
    CHECK_EQ(cache_get(sc->cache, s->session_id, 32, CTLS_TLS1_2, later, &got), 0);
    CHECK_EQ(stats(sc).entries, 0); /* dropped on the lookup */
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 0);
    fixture_free(cc, sc, s);
}

TEST(tls13_single_use)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_3), *sc = server_cfg(CTLS_TLS1_3, 16, 2);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, NULL), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_3);
    tp_take_tickets(&p);
    CHECK_EQ(ctls_tickets_received(p.c), 2);
    ctls_session *s = ctls_conn_get_session(p.c);
    tp_resume_close(&p);
    CHECK(s != NULL);
    if (!s) return;
    CHECK_EQ(s->ticket_len, CACHE_KEY_LEN); /* a key, not sealed state */
    CHECK_EQ(stats(sc).entries, 2);

    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    CHECK_EQ(ctls_version(p.s), CTLS_TLS1_3);
    tp_take_tickets(&p); /* fresh tickets after the resumption */
    tp_exchange(p.c, p.s, 5000, 0);
    ctls_session *s2 = ctls_conn_get_session(p.c);
    tp_resume_close(&p);
    ctls_session_cache_stats st = stats(sc);
    CHECK_EQ(st.hits, 1);
    CHECK_EQ(st.entries, 3); /* 2 - the one used + 2 new */
    /* single use: the same ticket again is a full handshake */
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 0);
    CHECK_EQ(stats(sc).misses, 1);
    CHECK(s2 != NULL);
    if (s2) CHECK_EQ(tp_resumes(cc, sc, s2, NULL), 1);
    /* a stateless ticket (another server config) is not a key of this cache */
    ctls_config *stateless = server_cfg(CTLS_TLS1_3, 0, 2);
    ctls_session *x = tp_full_session(cc, stateless, 0);
    CHECK(x != NULL);
    if (x) {
        CHECK(x->ticket_len > CACHE_KEY_LEN);
        CHECK_EQ(tp_resumes(cc, sc, x, NULL), 0);
    }
    ctls_session_free(x);
    ctls_config_free(stateless);
    ctls_session_free(s2);
    fixture_free(cc, sc, s);
}

TEST(cache_off_13)
{
    ctls_config *cc, *sc;
    ctls_session *s = fixture(&cc, &sc, CTLS_TLS1_3, 0, 2);
    if (!s) return;
    CHECK(s->ticket_len > CACHE_KEY_LEN); /* sealed state */
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1);
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1); /* stateless: reusable */
    CHECK(sc->cache == NULL);
    fixture_free(cc, sc, s);
}

TEST(garbage_identities)
{
    srand(20261124);
    sess_cache *c = NULL;
    CHECK_EQ(cache_new(8, &c), 0);
    if (!c) return;
    uint8_t key[CACHE_KEY_LEN], junk[300];
    memset(key, 0x5c, sizeof key);
    cache_state st = state_of(CTLS_TLS1_3, 1, (uint64_t)sess_wall_ms()), got;
    CHECK_EQ(cache_put(c, key, &st), 0);
    int found = 0;
    for (int i = 0; i < 2000; i++) {
        size_t len = (size_t)rand() % sizeof junk;
        for (size_t j = 0; j < len; j++)
            junk[j] = (uint8_t)rand();
        found += cache_get(c, junk, len, (uint16_t)(i & 1 ? CTLS_TLS1_3 : CTLS_TLS1_2),
                           sess_wall_ms(), &got);
    }
    CHECK_EQ(found, 0);
    CHECK_EQ(cache_get(c, key, sizeof key, CTLS_TLS1_3, sess_wall_ms(), &got), 1);
    cache_free(c);

    /* through the handshakes: random TLS 1.3 identities, random TLS 1.2 session IDs */
    ctls_config *cc = tp_client12(CTLS_TLS1_3), *sc = server_cfg(CTLS_TLS1_3, 64, 2);
    ctls_config *cc12 = tp_client12(CTLS_TLS1_2), *sc12 = server_cfg(CTLS_TLS1_2, 4, 0);
    ctls_session *s = tp_full_session(cc, sc, 0), *s12 = tp_full_session(cc12, sc12, 0);
    CHECK(s && s12);
    if (s && s12) {
        static const size_t lens[] = {1, 31, 32, 33, 200};
        for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
            ctls_session *r = sess_dup(s);
            CHECK(r != NULL);
            if (!r) break;
            free(r->ticket);
            r->ticket = malloc(lens[i]);
            for (size_t j = 0; j < lens[i]; j++)
                r->ticket[j] = (uint8_t)rand();
            r->ticket_len = lens[i];
            CHECK_EQ(tp_resumes(cc, sc, r, NULL), 0);
            ctls_session_free(r);
        }
        for (size_t i = 1; i <= 32; i += 31) {
            ctls_session *r = sess_dup(s12);
            CHECK(r != NULL);
            if (!r) break;
            for (size_t j = 0; j < i; j++)
                r->session_id[j] = (uint8_t)rand();
            r->session_id_len = i;
            CHECK_EQ(tp_resumes(cc12, sc12, r, NULL), 0);
            ctls_session_free(r);
        }
        CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1); /* the real ones still work */
        CHECK_EQ(tp_resumes(cc12, sc12, s12, NULL), 1);
    }
    ctls_session_free(s);
    ctls_session_free(s12);
    ctls_config_free(cc);
    ctls_config_free(sc);
    ctls_config_free(cc12);
    ctls_config_free(sc12);
}

/* Each thread: its own client configs, the shared server configs (sc[0]: TLS 1.2 session IDs,
 * sc[1]: TLS 1.3 cache tickets); full handshakes then resumptions, alternating. Counts only
 * (CHECK is not thread-safe): the main thread checks them. */
typedef struct {
    ctls_config **sc;
    int rounds, ok, resumed;
} worker;

static int handshake_quiet(ctls_config *cc, ctls_config *sc, const ctls_session *in,
                           ctls_session **out, int *resumed)
{
    ctls_conn *c = ctls_conn_new(cc), *s = ctls_conn_new(sc);
    int crc = -1, src = -1, rc = -1;
    if (c && s && ctls_conn_set_server_name(c, "localhost") == 0 &&
        (!in || ctls_conn_set_session(c, in) == 0) && tp_handshake(c, s, &crc, &src) == 0) {
        rc = 0;
        *resumed = ctls_session_resumed(c) && ctls_session_resumed(s);
        char b[8];
        if (ctls_version(c) == CTLS_TLS1_3) {
            tp_pump(c, s, 0);
            if (ctls_read(c, b, sizeof b) != CTLS_WANT_READ) rc = -1;
        }
        if (out) *out = ctls_conn_get_session(c);
    }
    ctls_conn_free(c);
    ctls_conn_free(s);
    return rc;
}

static void *work(void *arg)
{
    worker *w = arg;
    ctls_config *cc[2] = {tp_client_config(), tp_client_config()};
    if (!cc[0] || !cc[1] || ctls_config_set_versions(cc[0], CTLS_TLS1_2, CTLS_TLS1_2) < 0) {
        ctls_config_free(cc[0]);
        ctls_config_free(cc[1]);
        return NULL;
    }
    for (int i = 0; i < w->rounds; i++) {
        ctls_session *s = NULL;
        int r = 0;
        if (handshake_quiet(cc[i & 1], w->sc[i & 1], NULL, &s, &r) == 0 && s && !r) {
            if (handshake_quiet(cc[i & 1], w->sc[i & 1], s, NULL, &r) == 0) {
                w->ok++;
                w->resumed += r;
            }
        }
        ctls_session_free(s);
    }
    ctls_config_free(cc[0]);
    ctls_config_free(cc[1]);
    return NULL;
}

TEST(threads)
{
    ctls_config *sc[2] = {server_cfg(CTLS_TLS1_2, 64, 0), server_cfg(CTLS_TLS1_3, 64, 2)};
    worker w[2] = {{sc, 12, 0, 0}, {sc, 12, 0, 0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        CHECK_EQ(w[i].ok, 12);
        CHECK_EQ(w[i].resumed, 12);
    }
    for (int i = 0; i < 2; i++) {
        ctls_session_cache_stats st = stats(sc[i]);
        CHECK_EQ(st.hits, 12); /* 6 resumptions per thread and config */
        CHECK_EQ(st.misses, 0);
        CHECK_EQ(st.entries, i == 0 ? 12 : 36); /* TLS 1.3: 2 tickets a handshake, 12 used */
        ctls_config_free(sc[i]);
    }
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(api_args);
    RUN(cache_module);
    RUN(tls12_session_id);
    RUN(tls12_unknown_id);
    RUN(tls12_ticket_first);
    RUN(tls12_eviction);
    RUN(tls12_expiry);
    RUN(tls13_single_use);
    RUN(cache_off_13);
    RUN(garbage_identities);
    RUN(threads);
    return th_summary();
}
