/* Hashes, HMAC (RFC 2104), HKDF (RFC 5869), HKDF-Expand-Label (RFC 8446 7.1), the TLS 1.2 PRF
 * (RFC 5246 5) and constant-time comparison.
 *
 * HMAC is built on EVP_MD_CTX with the digests fetched once: OpenSSL 3.0's EVP_MAC takes the
 * digest by name and fetches it on every init, and cannot dup an unkeyed context. A keyed
 * HMAC holds the inner and outer states after the padded key block, so HKDF-Expand and P_hash
 * copy them per block instead of re-keying. */
#include "crypto/ossl/ossl.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/mem.h"

size_t ctls_hash_len(int alg)
{
    switch (alg) {
    case CTLS_HASH_SHA256:
        return 32;
    case CTLS_HASH_SHA384:
        return 48;
    case CTLS_HASH_SHA512:
        return 64;
    case CTLS_HASH_SHA1:
        return 20;
    default:
        return 0;
    }
}

int ctls_hash(int alg, const void *data, size_t len, uint8_t *out)
{
    const EVP_MD *md = ctls_ossl_md(alg);
    CTLS_ENSURE(md != NULL, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(out != NULL && (data != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    unsigned int n = 0;
    if (!EVP_Digest(len ? data : "", len, out, &n, md, NULL)) return CTLS_ERR_CRYPTO;
    return 0;
}

/* ---- incremental hash ------------------------------------------------------------------ */

struct ctls_hash_ctx {
    int alg;
    EVP_MD_CTX *ctx;
    EVP_MD_CTX *scratch; /* peek copies into this, so reading a transcript never allocates */
};

int ctls_hash_new(int alg, ctls_hash_ctx **out)
{
    CTLS_ENSURE(out != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    const EVP_MD *md = ctls_ossl_md(alg);
    CTLS_ENSURE(md != NULL, CTLS_ERR_INVALID_ARG);
    ctls_hash_ctx *h = ctls_calloc(1, sizeof *h);
    CTLS_ENSURE(h != NULL, CTLS_ERR_NOMEM);
    h->alg = alg;
    h->ctx = EVP_MD_CTX_new();
    h->scratch = EVP_MD_CTX_new();
    if (!h->ctx || !h->scratch) {
        ctls_hash_free(h);
        return CTLS_ERR_NOMEM;
    }
    if (!EVP_DigestInit_ex2(h->ctx, md, NULL)) {
        ctls_hash_free(h);
        return CTLS_ERR_CRYPTO;
    }
    *out = h;
    return 0;
}

int ctls_hash_update(ctls_hash_ctx *h, const void *data, size_t len)
{
    CTLS_ENSURE(h != NULL && (data != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    if (len == 0) return 0;
    return EVP_DigestUpdate(h->ctx, data, len) ? 0 : CTLS_ERR_CRYPTO;
}

int ctls_hash_peek(const ctls_hash_ctx *h, uint8_t *out)
{
    CTLS_ENSURE(h != NULL && out != NULL, CTLS_ERR_INVALID_ARG);
    /* Finalise a copy: the running state stays untouched. */
    if (!EVP_MD_CTX_copy_ex(h->scratch, h->ctx) || !EVP_DigestFinal_ex(h->scratch, out, NULL))
        return CTLS_ERR_CRYPTO;
    return 0;
}

int ctls_hash_dup(const ctls_hash_ctx *h, ctls_hash_ctx **out)
{
    CTLS_ENSURE(h != NULL && out != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    ctls_hash_ctx *d = NULL;
    CTLS_GUARD(ctls_hash_new(h->alg, &d));
    if (!EVP_MD_CTX_copy_ex(d->ctx, h->ctx)) {
        ctls_hash_free(d);
        return CTLS_ERR_CRYPTO;
    }
    *out = d;
    return 0;
}

int ctls_hash_alg(const ctls_hash_ctx *h)
{
    return h ? h->alg : 0;
}

void ctls_hash_free(ctls_hash_ctx *h)
{
    if (!h) return;
    EVP_MD_CTX_free(h->ctx); /* EVP_MD_CTX_free cleanses the digest state */
    EVP_MD_CTX_free(h->scratch);
    ctls_free(h);
}

/* ---- HMAC ------------------------------------------------------------------------------ */

typedef struct {
    EVP_MD_CTX *inner, *outer, *work;
    size_t len;
} hmac_key;

static void hmac_key_clear(hmac_key *k)
{
    EVP_MD_CTX_free(k->inner);
    EVP_MD_CTX_free(k->outer);
    EVP_MD_CTX_free(k->work);
    memset(k, 0, sizeof *k);
}

/* RFC 2104 2: K padded to the block size, inner H(K ^ ipad || .), outer H(K ^ opad || .). */
static int hmac_key_init(hmac_key *k, int alg, const uint8_t *key, size_t key_len)
{
    memset(k, 0, sizeof *k);
    const EVP_MD *md = ctls_ossl_md(alg);
    CTLS_ENSURE(md != NULL, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(key != NULL || key_len == 0, CTLS_ERR_INVALID_ARG);
    uint8_t block[128], pad[128];
    size_t bs = (size_t)EVP_MD_get_block_size(md);
    CTLS_ENSURE(bs > 0 && bs <= sizeof block, CTLS_ERR_INTERNAL);
    int rc = CTLS_ERR_CRYPTO;
    memset(block, 0, sizeof block);
    k->len = ctls_hash_len(alg);
    k->inner = EVP_MD_CTX_new();
    k->outer = EVP_MD_CTX_new();
    k->work = EVP_MD_CTX_new();
    if (!k->inner || !k->outer || !k->work) {
        rc = CTLS_ERR_NOMEM;
        goto done;
    }
    if (key_len > bs) {
        if (!EVP_Digest(key, key_len, block, NULL, md, NULL)) goto done;
    } else if (key_len) {
        memcpy(block, key, key_len);
    }
    for (size_t i = 0; i < bs; i++)
        pad[i] = block[i] ^ 0x36;
    if (!EVP_DigestInit_ex2(k->inner, md, NULL) || !EVP_DigestUpdate(k->inner, pad, bs)) goto done;
    for (size_t i = 0; i < bs; i++)
        pad[i] = block[i] ^ 0x5c;
    if (!EVP_DigestInit_ex2(k->outer, md, NULL) || !EVP_DigestUpdate(k->outer, pad, bs)) goto done;
    rc = 0;
done:
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
    if (rc < 0) hmac_key_clear(k);
    return rc;
}

typedef struct {
    const void *p;
    size_t n;
} seg;

/* HMAC over the concatenation of segs; the key's states are reused, not consumed. */
static int hmac_key_mac(hmac_key *k, const seg *segs, size_t nsegs, uint8_t *out)
{
    uint8_t inner[CTLS_MAX_HASH_LEN];
    int ok = EVP_MD_CTX_copy_ex(k->work, k->inner);
    for (size_t i = 0; ok && i < nsegs; i++)
        if (segs[i].n) ok = EVP_DigestUpdate(k->work, segs[i].p, segs[i].n);
    ok = ok && EVP_DigestFinal_ex(k->work, inner, NULL);
    ok = ok && EVP_MD_CTX_copy_ex(k->work, k->outer);
    ok = ok && EVP_DigestUpdate(k->work, inner, k->len);
    ok = ok && EVP_DigestFinal_ex(k->work, out, NULL);
    OPENSSL_cleanse(inner, sizeof inner);
    return ok ? 0 : CTLS_ERR_CRYPTO;
}

/* One HMAC computed with a digest context reused per thread: the key schedule runs ~20 of
 * these per handshake side, and three context allocations plus two state copies each cost
 * more than the hashing. */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local EVP_MD_CTX *scratch_ctx;

static void scratch_free(void *p)
{
    EVP_MD_CTX_free(p);
}
static void scratch_init(void)
{
    (void)pthread_key_create(&scratch_key, scratch_free);
}

static EVP_MD_CTX *scratch(void)
{
    if (scratch_ctx) return scratch_ctx;
    pthread_once(&scratch_once, scratch_init);
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c) return NULL;
    if (pthread_setspecific(scratch_key, c) != 0) {
        EVP_MD_CTX_free(c);
        return NULL;
    }
    return scratch_ctx = c;
}

static int hmac_oneshot(int alg, const uint8_t *key, size_t key_len, const seg *segs, size_t nsegs,
                        uint8_t *out)
{
    const EVP_MD *md = ctls_ossl_md(alg);
    CTLS_ENSURE(md != NULL, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(key != NULL || key_len == 0, CTLS_ERR_INVALID_ARG);
    size_t bs = (size_t)EVP_MD_get_block_size(md), hl = ctls_hash_len(alg);
    uint8_t block[128], pad[128], inner[CTLS_MAX_HASH_LEN];
    CTLS_ENSURE(bs > 0 && bs <= sizeof block, CTLS_ERR_INTERNAL);
    EVP_MD_CTX *c = scratch();
    if (!c) return CTLS_ERR_NOMEM;
    memset(block, 0, sizeof block);
    int ok = 1;
    if (key_len > bs)
        ok = EVP_Digest(key, key_len, block, NULL, md, NULL); /* RFC 2104: hash long keys */
    else if (key_len)
        memcpy(block, key, key_len);
    for (size_t i = 0; i < bs; i++)
        pad[i] = block[i] ^ 0x36;
    ok = ok && EVP_DigestInit_ex2(c, md, NULL) && EVP_DigestUpdate(c, pad, bs);
    for (size_t i = 0; ok && i < nsegs; i++)
        if (segs[i].n) ok = EVP_DigestUpdate(c, segs[i].p, segs[i].n);
    ok = ok && EVP_DigestFinal_ex(c, inner, NULL);
    for (size_t i = 0; i < bs; i++)
        pad[i] = block[i] ^ 0x5c;
    ok = ok && EVP_DigestInit_ex2(c, md, NULL) && EVP_DigestUpdate(c, pad, bs) &&
         EVP_DigestUpdate(c, inner, hl) && EVP_DigestFinal_ex(c, out, NULL);
    OPENSSL_cleanse(block, sizeof block);
    OPENSSL_cleanse(pad, sizeof pad);
    OPENSSL_cleanse(inner, sizeof inner);
    return ok ? 0 : CTLS_ERR_CRYPTO;
}

int ctls_hmac(int alg, const uint8_t *key, size_t key_len, const void *data, size_t len,
              uint8_t *out)
{
    CTLS_ENSURE(out != NULL && (data != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    seg s = {data, len};
    return hmac_oneshot(alg, key, key_len, &s, 1, out);
}

/* ---- HKDF ------------------------------------------------------------------------------ */

int ctls_hkdf_extract(int alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                      size_t ikm_len, uint8_t *prk)
{
    CTLS_ENSURE(ctls_hash_len(alg) != 0, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(prk != NULL && (salt != NULL || salt_len == 0), CTLS_ERR_INVALID_ARG);
    /* RFC 5869 2.2: a missing salt is HashLen zeros, which as an HMAC key is the same as an
     * empty key (keys are zero-padded to the block size). */
    return ctls_hmac(alg, salt, salt_len, ikm, ikm_len, prk);
}

int ctls_hkdf_expand(int alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                     size_t info_len, uint8_t *out, size_t out_len)
{
    size_t hl = ctls_hash_len(alg);
    CTLS_ENSURE(hl != 0, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(prk != NULL && out != NULL && (info != NULL || info_len == 0),
                CTLS_ERR_INVALID_ARG);
    /* RFC 5869 2.3: L <= 255*HashLen. */
    CTLS_ENSURE(out_len <= 255 * hl, CTLS_ERR_INVALID_ARG);
    if (out_len == 0) return 0;
    if (out_len <= hl) {
        /* one block, T(1) = HMAC(PRK, info | 0x01): the TLS 1.3 key schedule's case */
        uint8_t t[CTLS_MAX_HASH_LEN], one = 1;
        seg s[2] = {{info, info_len}, {&one, 1}};
        int rc = hmac_oneshot(alg, prk, prk_len, s, 2, t);
        if (rc == 0) memcpy(out, t, out_len);
        OPENSSL_cleanse(t, sizeof t);
        return rc;
    }
    hmac_key k;
    CTLS_GUARD(hmac_key_init(&k, alg, prk, prk_len));
    uint8_t t[CTLS_MAX_HASH_LEN];
    size_t t_len = 0, done = 0;
    int rc = 0;
    for (uint8_t ctr = 1; done < out_len; ctr++) {
        /* T(i) = HMAC(PRK, T(i-1) | info | i) */
        seg s[3] = {{t, t_len}, {info, info_len}, {&ctr, 1}};
        rc = hmac_key_mac(&k, s, 3, t);
        if (rc < 0) break;
        t_len = hl;
        size_t n = out_len - done < hl ? out_len - done : hl;
        memcpy(out + done, t, n);
        done += n;
    }
    OPENSSL_cleanse(t, sizeof t);
    hmac_key_clear(&k);
    if (rc < 0) OPENSSL_cleanse(out, out_len);
    return rc;
}

int ctls_hkdf_expand_label(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                           const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
    CTLS_ENSURE(label != NULL && (context != NULL || context_len == 0), CTLS_ERR_INVALID_ARG);
    /* RFC 8446 7.1: struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
     * opaque context<0..255>; } HkdfLabel. */
    static const char prefix[] = "tls13 ";
    size_t plen = sizeof prefix - 1, llen = strlen(label);
    CTLS_ENSURE(plen + llen <= 255 && context_len <= 255 && out_len <= 0xffff,
                CTLS_ERR_INVALID_ARG);
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t n = 0;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)(plen + llen);
    memcpy(info + n, prefix, plen);
    n += plen;
    memcpy(info + n, label, llen);
    n += llen;
    info[n++] = (uint8_t)context_len;
    if (context_len) memcpy(info + n, context, context_len);
    n += context_len;
    return ctls_hkdf_expand(alg, secret, secret_len, info, n, out, out_len);
}

/* ---- TLS 1.2 PRF ----------------------------------------------------------------------- */

int ctls_prf12(int alg, const uint8_t *secret, size_t secret_len, const char *label,
               const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len)
{
    size_t hl = ctls_hash_len(alg);
    CTLS_ENSURE(hl != 0, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(label != NULL && out != NULL && (seed != NULL || seed_len == 0),
                CTLS_ERR_INVALID_ARG);
    if (out_len == 0) return 0;
    size_t llen = strlen(label);
    hmac_key k;
    CTLS_GUARD(hmac_key_init(&k, alg, secret, secret_len));
    /* RFC 5246 5: PRF = P_hash(secret, label + seed);
     * P_hash = HMAC(secret, A(1) + label + seed) + HMAC(secret, A(2) + label + seed) + ...
     * A(0) = label + seed, A(i) = HMAC(secret, A(i-1)). */
    uint8_t a[CTLS_MAX_HASH_LEN], t[CTLS_MAX_HASH_LEN];
    seg s0[2] = {{label, llen}, {seed, seed_len}};
    int rc = hmac_key_mac(&k, s0, 2, a);
    size_t done = 0;
    while (rc == 0 && done < out_len) {
        seg s[3] = {{a, hl}, {label, llen}, {seed, seed_len}};
        rc = hmac_key_mac(&k, s, 3, t);
        if (rc < 0) break;
        size_t n = out_len - done < hl ? out_len - done : hl;
        memcpy(out + done, t, n);
        done += n;
        if (done < out_len) {
            seg sa = {a, hl};
            rc = hmac_key_mac(&k, &sa, 1, a);
        }
    }
    OPENSSL_cleanse(a, sizeof a);
    OPENSSL_cleanse(t, sizeof t);
    hmac_key_clear(&k);
    if (rc < 0) OPENSSL_cleanse(out, out_len);
    return rc;
}

int ctls_ct_equal(const void *a, const void *b, size_t n)
{
    if (n == 0) return 1;
    if (!a || !b) return 0;
    return CRYPTO_memcmp(a, b, n) == 0;
}
