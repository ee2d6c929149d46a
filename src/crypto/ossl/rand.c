/* Randomness: OpenSSL's DRBG, or a test hook that makes fuzzers and tests deterministic. */
#include "crypto/ossl/ossl.h"

#include <limits.h>

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

int ctls_random(void *buf, size_t len)
{
    return random_fill(buf, len, 0);
}

int ctls_ossl_random_priv(void *buf, size_t len)
{
    return random_fill(buf, len, 1);
}

int ctls_ossl_random_hooked(void)
{
    return g_hook != NULL;
}
