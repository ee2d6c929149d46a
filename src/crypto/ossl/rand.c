/* Randomness: OpenSSL's DRBG, or a test hook that makes fuzzers and tests deterministic. */
#include "crypto/ossl/ossl.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Set by tests before any connection runs; plain statics (no locking) are enough for that. */
static ctls_random_hook_fn g_hook;
static void *g_hook_ctx;

void ctls_random_set_test_hook(ctls_random_hook_fn fn, void *ctx)
{
    g_hook = fn;
    g_hook_ctx = fn ? ctx : NULL;
}

static int random_fill(void *buf, size_t len, int priv)
{
    CTLS_ENSURE(buf != NULL || len == 0, CTLS_ERR_INVALID_ARG);
    if (len == 0) return 0;
    if (g_hook)
        /* The hook follows the library convention: 0 (or any non-negative value) is success. */
        return g_hook(g_hook_ctx, buf, len) < 0 ? CTLS_ERR_CRYPTO : 0;
    uint8_t *p = buf;
    while (len) {
        int n = len > INT_MAX ? INT_MAX : (int)len;
        if ((priv ? RAND_priv_bytes(p, n) : RAND_bytes(p, n)) != 1) return CTLS_ERR_CRYPTO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Public randomness (hello randoms, session IDs, ticket nonces) comes from a per-thread pool
 * refilled a few hundred bytes at a time: each RAND_bytes call costs about a microsecond of
 * locking and fork checks, and a handshake needs five small draws. Key material
 * (ctls_ossl_random_priv) never comes from the pool. Bytes are wiped as they are handed out,
 * and a fork() child discards the pool it inherited (pthread_atfork; only the forking thread
 * exists in the child), so parent and child never hand out the same bytes. */
#define POOL_SIZE 512
static _Thread_local struct {
    uint8_t b[POOL_SIZE];
    size_t off; /* bytes before off are used; a fresh thread starts at 0 but unfilled: */
    int filled;
} pool;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void pool_forget(void)
{
    OPENSSL_cleanse(&pool, sizeof pool);
}

static void pool_init(void)
{
    (void)pthread_atfork(NULL, NULL, pool_forget);
}

int ctls_random(void *buf, size_t len)
{
    if (g_hook || len > POOL_SIZE / 4) return random_fill(buf, len, 0);
    CTLS_ENSURE(buf != NULL || len == 0, CTLS_ERR_INVALID_ARG);
    if (len == 0) return 0;
    if (!pool.filled || POOL_SIZE - pool.off < len) {
        pthread_once(&pool_once, pool_init);
        CTLS_GUARD(random_fill(pool.b, POOL_SIZE, 0));
        pool.off = 0;
        pool.filled = 1;
    }
    memcpy(buf, pool.b + pool.off, len);
    OPENSSL_cleanse(pool.b + pool.off, len);
    pool.off += len;
    return 0;
}

int ctls_ossl_random_priv(void *buf, size_t len)
{
    return random_fill(buf, len, 1);
}

int ctls_random_secret(void *buf, size_t len)
{
    return random_fill(buf, len, 1);
}

int ctls_ossl_random_hooked(void)
{
    return g_hook != NULL;
}
