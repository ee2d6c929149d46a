/* The server's session cache (cache.h): a hash table of individually allocated entries, chained
 * per bucket, and a doubly linked list in use order (head = most recently used, tail = the
 * next to evict). Keys are 32 random bytes we made, so their first bytes index the table
 * evenly; a key from the wire only selects a bucket to search, it is never inserted. Every
 * access holds the cache's own mutex (connections on several threads share the config). */
#include "session/cache.h"

#include <pthread.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"
#include "crypto/crypto.h"

typedef struct cache_entry {
    struct cache_entry *next_in_bucket;
    struct cache_entry *newer, *older; /* use order */
    uint8_t key[CACHE_KEY_LEN];
    uint16_t version, suite;
    uint8_t secret_len;
    uint8_t secret[KS_MAX];
    uint64_t issued_ms;
    uint32_t lifetime, age_add;
    char *sni;  /* NULL: none (most sessions: small entries) */
    char *alpn; /* NULL: none */
    uint32_t max_early_data;
} cache_entry;

struct sess_cache {
    pthread_mutex_t lock;
    cache_entry **buckets;
    size_t mask; /* buckets - 1, a power of two minus one */
    cache_entry *newest, *oldest;
    size_t n, max;
    uint64_t hits, misses, evictions;
};

int cache_new(size_t max, sess_cache **out)
{
    *out = NULL;
    if (max == 0 || max > CACHE_MAX_ENTRIES) return CTLS_ERR_INVALID_ARG;
    sess_cache *sc = ctls_calloc(1, sizeof *sc);
    if (!sc) return CTLS_ERR_NOMEM;
    size_t nb = 16;
    while (nb < max) /* about one entry per bucket when full */
        nb <<= 1;
    sc->buckets = ctls_calloc(nb, sizeof *sc->buckets);
    if (!sc->buckets) {
        ctls_free(sc);
        return CTLS_ERR_NOMEM;
    }
    sc->mask = nb - 1;
    sc->max = max;
    pthread_mutex_init(&sc->lock, NULL);
    *out = sc;
    return 0;
}

static size_t bucket_of(const sess_cache *sc, const uint8_t *key)
{
    uint64_t v;
    memcpy(&v, key, sizeof v);
    return (size_t)v & sc->mask;
}

static void entry_free(cache_entry *e)
{
    ctls_free(e->sni);
    ctls_free(e->alpn);
    ctls_free_secret(e, sizeof *e); /* the PSK / master secret lives inside */
}

/* Unlink e from its bucket and the use list, then wipe and free it. */
static void unlink_entry(sess_cache *sc, cache_entry *e)
{
    cache_entry **pp = &sc->buckets[bucket_of(sc, e->key)];
    while (*pp != e)
        pp = &(*pp)->next_in_bucket;
    *pp = e->next_in_bucket;
    if (e->newer)
        e->newer->older = e->older;
    else
        sc->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        sc->oldest = e->newer;
    sc->n--;
    entry_free(e);
}

static void push_newest(sess_cache *sc, cache_entry *e)
{
    e->older = sc->newest;
    e->newer = NULL;
    if (sc->newest) sc->newest->newer = e;
    sc->newest = e;
    if (!sc->oldest) sc->oldest = e;
}

void cache_free(sess_cache *sc)
{
    if (!sc) return;
    while (sc->newest)
        unlink_entry(sc, sc->newest);
    ctls_free(sc->buckets);
    pthread_mutex_destroy(&sc->lock);
    ctls_free(sc);
}

static cache_entry *find(sess_cache *sc, const uint8_t *key, size_t len)
{
    if (len != CACHE_KEY_LEN) return NULL; /* not one of our keys */
    for (cache_entry *e = sc->buckets[bucket_of(sc, key)]; e; e = e->next_in_bucket)
        if (ctls_ct_equal(e->key, key, CACHE_KEY_LEN)) return e;
    return NULL;
}

int cache_put(sess_cache *sc, const uint8_t *key, const cache_state *st)
{
    if (st->secret_len == 0 || st->secret_len > KS_MAX || st->sni_len > CACHE_MAX_NAME ||
        st->alpn_len > CACHE_MAX_NAME)
        return CTLS_ERR_INTERNAL;
    cache_entry *e = ctls_calloc(1, sizeof *e);
    if (!e) return CTLS_ERR_NOMEM;
    if ((st->sni_len && !(e->sni = ctls_memdup(st->sni, st->sni_len + 1))) ||
        (st->alpn_len && !(e->alpn = ctls_memdup(st->alpn, st->alpn_len + 1)))) {
        entry_free(e);
        return CTLS_ERR_NOMEM;
    }
    memcpy(e->key, key, CACHE_KEY_LEN);
    e->version = st->version;
    e->suite = st->suite;
    e->secret_len = (uint8_t)st->secret_len;
    memcpy(e->secret, st->secret, st->secret_len);
    e->issued_ms = st->issued_ms;
    e->lifetime = st->lifetime;
    e->age_add = st->age_add;
    e->max_early_data = st->max_early_data;
    pthread_mutex_lock(&sc->lock);
    cache_entry *dup = find(sc, key, CACHE_KEY_LEN);
    if (dup) unlink_entry(sc, dup); /* 2^-256: a fresh random key met an old one */
    if (sc->n == sc->max) {
        unlink_entry(sc, sc->oldest);
        sc->evictions++;
    }
    size_t b = bucket_of(sc, key);
    e->next_in_bucket = sc->buckets[b];
    sc->buckets[b] = e;
    push_newest(sc, e);
    sc->n++;
    pthread_mutex_unlock(&sc->lock);
    return 0;
}

/* Within its lifetime at now_ms (a small tolerance for an issue time just ahead: RFC 8446
 * 8.3's window, our clock may step back a little). */
static int live(const cache_entry *e, int64_t now_ms)
{
    if (now_ms < 0) return 0;
    uint64_t now = (uint64_t)now_ms;
    if (e->issued_ms > now + 10000) return 0;
    return now <= e->issued_ms || now - e->issued_ms <= (uint64_t)e->lifetime * 1000;
}

int cache_get(sess_cache *sc, const uint8_t *key, size_t len, uint16_t version, int64_t now_ms,
              cache_state *st)
{
    int found = 0;
    pthread_mutex_lock(&sc->lock);
    cache_entry *e = find(sc, key, len);
    if (e && !live(e, now_ms)) {
        unlink_entry(sc, e); /* expired: its secret goes now */
        e = NULL;
    }
    if (e && e->version == version) {
        memset(st, 0, sizeof *st);
        st->version = e->version;
        st->suite = e->suite;
        st->secret_len = e->secret_len;
        memcpy(st->secret, e->secret, e->secret_len);
        st->issued_ms = e->issued_ms;
        st->lifetime = e->lifetime;
        st->age_add = e->age_add;
        if (e->sni) {
            st->sni_len = strlen(e->sni);
            memcpy(st->sni, e->sni, st->sni_len + 1);
        }
        st->max_early_data = e->max_early_data;
        if (e->alpn) {
            st->alpn_len = strlen(e->alpn);
            memcpy(st->alpn, e->alpn, st->alpn_len + 1);
        }
        /* least recently used goes first: this one was just used */
        if (e != sc->newest) {
            e->newer->older = e->older;
            if (e->older)
                e->older->newer = e->newer;
            else
                sc->oldest = e->newer;
            push_newest(sc, e);
        }
        found = 1;
        sc->hits++;
    } else {
        sc->misses++;
    }
    pthread_mutex_unlock(&sc->lock);
    return found;
}

int cache_remove(sess_cache *sc, const uint8_t *key, size_t len)
{
    pthread_mutex_lock(&sc->lock);
    cache_entry *e = find(sc, key, len);
    if (e) unlink_entry(sc, e);
    pthread_mutex_unlock(&sc->lock);
    return e != NULL;
}

void cache_stats(sess_cache *sc, ctls_session_cache_stats *out)
{
    pthread_mutex_lock(&sc->lock);
    out->entries = sc->n;
    out->hits = sc->hits;
    out->misses = sc->misses;
    out->evictions = sc->evictions;
    pthread_mutex_unlock(&sc->lock);
}
