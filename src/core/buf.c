#include "core/buf.h"

#include <pthread.h>
#include <string.h>

#include "core/err.h"
#include "core/mem.h"

/* A small per-thread cache of released buffers. Connections release their record buffers
 * when they go idle (so an idle connection holds none), and steady traffic then reuses the
 * same storage instead of allocating per record. Cached buffers are wiped before caching (a
 * wire buffer holds nothing that was not sent in the open). */
#define CACHE_SLOTS 2
#define CACHE_MAX_CAP (64 * 1024)

typedef struct {
    uint8_t *p[CACHE_SLOTS];
    size_t cap[CACHE_SLOTS];
} buf_cache;

static _Thread_local buf_cache tcache;
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_destroy(void *arg)
{
    buf_cache *c = arg;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        ctls_free(c->p[i]);
        c->p[i] = NULL;
        c->cap[i] = 0;
    }
}

static void cache_init(void)
{
    (void)pthread_key_create(&cache_key, cache_destroy);
}

/* Take a cached buffer of at least n bytes, or NULL. */
static uint8_t *cache_take(size_t n, size_t *cap)
{
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (tcache.p[i] && tcache.cap[i] >= n) {
            uint8_t *p = tcache.p[i];
            *cap = tcache.cap[i];
            tcache.p[i] = NULL;
            tcache.cap[i] = 0;
            return p;
        }
    return NULL;
}

/* Keep a (wiped) buffer for reuse; returns 0 if there was no room (the caller frees it).
 * A full cache gives up its smallest buffer for a bigger one: the small buffers a handshake
 * leaves would otherwise hold every slot, and a record-sized buffer would be allocated and
 * freed once per record for the rest of the connection. */
static int cache_put(uint8_t *p, size_t cap)
{
    if (cap > CACHE_MAX_CAP) return 0;
    int slot = -1;
    for (int i = 0; i < CACHE_SLOTS && slot < 0; i++)
        if (!tcache.p[i]) slot = i;
    if (slot < 0) {
        for (int i = 0; i < CACHE_SLOTS; i++)
            if (tcache.cap[i] < cap && (slot < 0 || tcache.cap[i] < tcache.cap[slot])) slot = i;
        if (slot < 0) return 0;
        ctls_free(tcache.p[slot]); /* wiped when it was cached */
        tcache.p[slot] = NULL;
        tcache.cap[slot] = 0;
    }
    /* register the thread-exit cleanup once per thread */
    pthread_once(&cache_once, cache_init);
    if (pthread_getspecific(cache_key) != &tcache && pthread_setspecific(cache_key, &tcache) != 0)
        return 0;
    tcache.p[slot] = p;
    tcache.cap[slot] = cap;
    return 1;
}

int buf_reserve(ctls_buf *b, size_t n, size_t max, uint8_t **at)
{
    size_t have = b->len - b->off;
    if (n > max || have > max - n) return CTLS_ERR_LIMIT;
    if (b->len + n <= b->cap) {
        /* nothing to add to a never-allocated buffer (n == 0, p NULL): NULL, not NULL + 0 */
        *at = b->p ? b->p + b->len : b->p;
        return 0;
    }
    /* compact first: consumed space at the front is reusable */
    if (b->off && have + n <= b->cap) {
        memmove(b->p, b->p + b->off, have);
        b->off = 0;
        b->len = have;
        *at = b->p + b->len;
        return 0;
    }
    size_t ncap = b->cap ? b->cap : 1024;
    while (ncap < have + n)
        ncap *= 2;
    uint8_t *np = cache_take(ncap, &ncap);
    if (!np && !(np = ctls_malloc(ncap))) return CTLS_ERR_NOMEM;
    if (have) memcpy(np, b->p + b->off, have);
    if (b->p) {
        if (!b->wire) ctls_wipe(b->p, b->dirty);
        if (!cache_put(b->p, b->cap)) ctls_free(b->p);
    }
    b->p = np;
    b->cap = ncap;
    b->off = 0;
    b->len = have;
    b->dirty = have;
    *at = b->p + b->len;
    return 0;
}

int buf_append(ctls_buf *b, const void *p, size_t n, size_t max)
{
    uint8_t *at;
    CTLS_GUARD(buf_reserve(b, n, max, &at));
    if (n) memcpy(at, p, n);
    buf_commit(b, n);
    return 0;
}

void buf_consume(ctls_buf *b, size_t n)
{
    size_t have = b->len - b->off;
    if (n >= have) {
        b->off = b->len = 0; /* storage kept until buf_trim: no allocation per record */
        return;
    }
    b->off += n;
}

void buf_free(ctls_buf *b)
{
    if (b->p) {
        if (!b->wire) ctls_wipe(b->p, b->dirty); /* all that was ever written */
        if (!cache_put(b->p, b->cap)) ctls_free(b->p);
    }
    b->p = NULL;
    b->off = b->len = b->cap = b->dirty = 0;
}

void buf_trim(ctls_buf *b)
{
    if (b->p && b->len == b->off) buf_free(b);
}
