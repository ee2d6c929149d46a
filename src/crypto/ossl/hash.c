/* Hashes, HMAC (RFC 2104), HKDF (RFC 5869), HKDF-Expand-Label (RFC 8446 7.1), the TLS 1.2 PRF
 * (RFC 5246 5) and constant-time comparison.
 *
 * The SHA-2 digests here use libcrypto's low-level SHA256_* / SHA512_* functions, not EVP: the
 * key schedule hashes inputs of one or two blocks, and EVP's provider dispatch (method lookup,
 * context duplication that allocates) cost more than the compressions themselves — about
 * half of an HKDF-Expand-Label. A digest state is then a plain struct: copying one (a
 * transcript peek, a keyed HMAC reused per block) is a memcpy. They are deprecated in
 * OpenSSL 3.0 but present in every default build; a build without them fails here, loudly.
 * SHA-1 (certificate signatures only) stays on EVP. Every state that held key material is
 * wiped (OPENSSL_cleanse) before it goes out of scope. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "crypto/ossl/ossl.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "core/mem.h"

#if defined(OPENSSL_NO_DEPRECATED_3_0)
#error "ctls needs libcrypto's SHA256_Init/SHA512_Init (OpenSSL built without deprecated 3.0 APIs)"
#endif

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

/* ---- digest states ---------------------------------------------------------------------- */

typedef struct {
    int alg;
    union {
        SHA256_CTX s256;
        SHA512_CTX s512; /* SHA-384 too */
    } u;
} md_state;

static size_t md_block_len(int alg)
{
    return alg == CTLS_HASH_SHA256 ? 64 : 128;
}

/* 0, or CTLS_ERR_INVALID_ARG for an algorithm without a low-level state (SHA-1, unknown). */
static int md_init(md_state *m, int alg)
{
    m->alg = alg;
    switch (alg) {
    case CTLS_HASH_SHA256:
        return SHA256_Init(&m->u.s256) ? 0 : CTLS_ERR_CRYPTO;
    case CTLS_HASH_SHA384:
        return SHA384_Init(&m->u.s512) ? 0 : CTLS_ERR_CRYPTO;
    case CTLS_HASH_SHA512:
        return SHA512_Init(&m->u.s512) ? 0 : CTLS_ERR_CRYPTO;
    default:
        return CTLS_ERR_INVALID_ARG;
    }
}

static void md_update(md_state *m, const void *p, size_t n)
{
    if (n == 0) return;
    if (m->alg == CTLS_HASH_SHA256)
        SHA256_Update(&m->u.s256, p, n);
    else
        SHA512_Update(&m->u.s512, p, n); /* SHA384_Update is the same function */
}

/* Copies and wipes only the live member: a SHA-256 state is half the size of the union, and
 * the key schedule copies a keyed state for every HMAC. */
static void md_copy(md_state *dst, const md_state *src)
{
    dst->alg = src->alg;
    if (src->alg == CTLS_HASH_SHA256)
        dst->u.s256 = src->u.s256;
    else
        dst->u.s512 = src->u.s512;
}

static void md_wipe(md_state *m)
{
    OPENSSL_cleanse(&m->u, m->alg == CTLS_HASH_SHA256 ? sizeof m->u.s256 : sizeof m->u.s512);
}

/* Finalises m (which is then spent) into out (ctls_hash_len bytes). */
static void md_final(md_state *m, uint8_t *out)
{
    if (m->alg == CTLS_HASH_SHA256)
        SHA256_Final(out, &m->u.s256);
    else if (m->alg == CTLS_HASH_SHA384)
        SHA384_Final(out, &m->u.s512);
    else
        SHA512_Final(out, &m->u.s512);
}

int ctls_hash(int alg, const void *data, size_t len, uint8_t *out)
{
    CTLS_ENSURE(out != NULL && (data != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    md_state m;
    if (md_init(&m, alg) == 0) {
        md_update(&m, data, len);
        md_final(&m, out);
        OPENSSL_cleanse(&m, sizeof m);
        return 0;
    }
    const EVP_MD *md = ctls_ossl_md(alg); /* SHA-1 */
    CTLS_ENSURE(md != NULL, CTLS_ERR_INVALID_ARG);
    unsigned int n = 0;
    if (!EVP_Digest(len ? data : "", len, out, &n, md, NULL)) return CTLS_ERR_CRYPTO;
    return 0;
}

/* ---- incremental hash ------------------------------------------------------------------ */

struct ctls_hash_ctx {
    md_state m;
};

int ctls_hash_new(int alg, ctls_hash_ctx **out)
{
    CTLS_ENSURE(out != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    CTLS_ENSURE(alg == CTLS_HASH_SHA256 || alg == CTLS_HASH_SHA384 || alg == CTLS_HASH_SHA512,
                CTLS_ERR_INVALID_ARG);
    ctls_hash_ctx *h = ctls_calloc(1, sizeof *h);
    CTLS_ENSURE(h != NULL, CTLS_ERR_NOMEM);
    int rc = md_init(&h->m, alg);
    if (rc < 0) {
        ctls_free(h);
        return rc;
    }
    *out = h;
    return 0;
}

int ctls_hash_update(ctls_hash_ctx *h, const void *data, size_t len)
{
    CTLS_ENSURE(h != NULL && (data != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    md_update(&h->m, data, len);
    return 0;
}

int ctls_hash_peek(const ctls_hash_ctx *h, uint8_t *out)
{
    CTLS_ENSURE(h != NULL && out != NULL, CTLS_ERR_INVALID_ARG);
    /* Finalise a copy: the running state stays untouched. */
    md_state c;
    md_copy(&c, &h->m);
    md_final(&c, out);
    md_wipe(&c);
    return 0;
}

int ctls_hash_dup(const ctls_hash_ctx *h, ctls_hash_ctx **out)
{
    CTLS_ENSURE(h != NULL && out != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    ctls_hash_ctx *d = ctls_calloc(1, sizeof *d);
    CTLS_ENSURE(d != NULL, CTLS_ERR_NOMEM);
    d->m = h->m;
    *out = d;
    return 0;
}

int ctls_hash_alg(const ctls_hash_ctx *h)
{
    return h ? h->m.alg : 0;
}

void ctls_hash_free(ctls_hash_ctx *h)
{
    if (!h) return;
    ctls_free_secret(h, sizeof *h); /* a transcript state is not secret, but cheap to wipe */
}

/* ---- HMAC ------------------------------------------------------------------------------ */

typedef struct {
    md_state inner, outer; /* after absorbing K ^ ipad, K ^ opad */
    size_t len;
} hmac_key;

static void hmac_key_clear(hmac_key *k)
{
    md_wipe(&k->inner);
    md_wipe(&k->outer);
}

/* RFC 2104 2: K padded to the block size, inner H(K ^ ipad || .), outer H(K ^ opad || .). */
static int hmac_key_init(hmac_key *k, int alg, const uint8_t *key, size_t key_len)
{
    CTLS_ENSURE(key != NULL || key_len == 0, CTLS_ERR_INVALID_ARG);
    uint8_t block[128], pad[128];
    CTLS_GUARD(md_init(&k->inner, alg));
    CTLS_GUARD(md_init(&k->outer, alg));
    size_t bs = md_block_len(alg);
    k->len = ctls_hash_len(alg);
    memset(block, 0, sizeof block);
    if (key_len > bs) {
        md_state t; /* RFC 2104: keys longer than a block are hashed first */
        CTLS_GUARD(md_init(&t, alg));
        md_update(&t, key, key_len);
        md_final(&t, block);
        md_wipe(&t);
    } else if (key_len) {
        memcpy(block, key, key_len);
    }
    for (size_t i = 0; i < bs; i++)
        pad[i] = block[i] ^ 0x36;
    md_update(&k->inner, pad, bs);
    for (size_t i = 0; i < bs; i++)
        pad[i] = block[i] ^ 0x5c;
    md_update(&k->outer, pad, bs);
    OPENSSL_cleanse(block, bs);
    OPENSSL_cleanse(pad, bs);
    return 0;
}

typedef struct {
    const void *p;
    size_t n;
} seg;

/* HMAC over the concatenation of segs; the key's states are reused, not consumed. */
static int hmac_key_mac(const hmac_key *k, const seg *segs, size_t nsegs, uint8_t *out)
{
    uint8_t inner[CTLS_MAX_HASH_LEN];
    md_state w;
    md_copy(&w, &k->inner);
    for (size_t i = 0; i < nsegs; i++)
        md_update(&w, segs[i].p, segs[i].n);
    md_final(&w, inner);
    md_copy(&w, &k->outer);
    md_update(&w, inner, k->len);
    md_final(&w, out);
    md_wipe(&w);
    OPENSSL_cleanse(inner, k->len);
    return 0;
}

static int hmac_oneshot(int alg, const uint8_t *key, size_t key_len, const seg *segs, size_t nsegs,
                        uint8_t *out)
{
    hmac_key k;
    int rc = hmac_key_init(&k, alg, key, key_len);
    if (rc == 0) rc = hmac_key_mac(&k, segs, nsegs, out);
    hmac_key_clear(&k);
    return rc;
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

/* RFC 5869 2.3: T(i) = HMAC(PRK, T(i-1) | info | i), OKM = first out_len bytes. */
static int expand_keyed(const hmac_key *k, const uint8_t *info, size_t info_len, uint8_t *out,
                        size_t out_len)
{
    uint8_t t[CTLS_MAX_HASH_LEN];
    size_t t_len = 0, done = 0, hl = k->len;
    int rc = 0;
    for (uint8_t ctr = 1; done < out_len; ctr++) {
        seg s[3] = {{t, t_len}, {info, info_len}, {&ctr, 1}};
        rc = hmac_key_mac(k, s, 3, t);
        if (rc < 0) break;
        t_len = hl;
        size_t n = out_len - done < hl ? out_len - done : hl;
        memcpy(out + done, t, n);
        done += n;
    }
    OPENSSL_cleanse(t, sizeof t);
    if (rc < 0) OPENSSL_cleanse(out, out_len);
    return rc;
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
    hmac_key k;
    CTLS_GUARD(hmac_key_init(&k, alg, prk, prk_len));
    int rc = expand_keyed(&k, info, info_len, out, out_len);
    hmac_key_clear(&k);
    return rc;
}

/* RFC 8446 7.1: struct { uint16 length; opaque label<7..255> = "tls13 " + Label;
 * opaque context<0..255>; } HkdfLabel. Returns its length, 0 when a field is too long. */
static size_t hkdf_label(uint8_t info[2 + 1 + 255 + 1 + 255], const char *label, size_t llen,
                         const uint8_t *context, size_t context_len, size_t out_len)
{
    static const char prefix[] = "tls13 ";
    size_t plen = sizeof prefix - 1;
    if (plen + llen > 255 || context_len > 255 || out_len > 0xffff) return 0;
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
    return n + context_len;
}

int ctls_hkdf_expand_label_n(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                             size_t label_len, const uint8_t *context, size_t context_len,
                             uint8_t *out, size_t out_len)
{
    CTLS_ENSURE(label != NULL && (context != NULL || context_len == 0), CTLS_ERR_INVALID_ARG);
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t n = hkdf_label(info, label, label_len, context, context_len, out_len);
    CTLS_ENSURE(n != 0, CTLS_ERR_INVALID_ARG);
    return ctls_hkdf_expand(alg, secret, secret_len, info, n, out, out_len);
}

int ctls_hkdf_expand_label(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                           const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len)
{
    CTLS_ENSURE(label != NULL, CTLS_ERR_INVALID_ARG);
    return ctls_hkdf_expand_label_n(alg, secret, secret_len, label, strlen(label), context,
                                    context_len, out, out_len);
}

/* ---- a secret keyed once for several expansions ------------------------------------------ */

_Static_assert(sizeof(hmac_key) <= sizeof(ctls_prk), "ctls_prk too small for an HMAC key");
_Static_assert(_Alignof(hmac_key) <= _Alignof(ctls_prk), "ctls_prk under-aligned");

int ctls_prk_init(ctls_prk *p, int alg, const uint8_t *secret, size_t secret_len)
{
    CTLS_ENSURE(p != NULL && secret != NULL, CTLS_ERR_INVALID_ARG);
    hmac_key *k = (hmac_key *)(void *)p->opaque;
    int rc = hmac_key_init(k, alg, secret, secret_len);
    if (rc < 0) hmac_key_clear(k);
    return rc;
}

int ctls_prk_expand_label(const ctls_prk *p, const char *label, const uint8_t *context,
                          size_t context_len, uint8_t *out, size_t out_len)
{
    CTLS_ENSURE(p != NULL && out != NULL && label != NULL && (context != NULL || context_len == 0),
                CTLS_ERR_INVALID_ARG);
    const hmac_key *k = (const hmac_key *)(const void *)p->opaque;
    CTLS_ENSURE(k->len != 0 && out_len <= 255 * k->len, CTLS_ERR_INVALID_ARG);
    uint8_t info[2 + 1 + 255 + 1 + 255 + 1]; /* + the block counter */
    size_t n = hkdf_label(info, label, strlen(label), context, context_len, out_len);
    CTLS_ENSURE(n != 0, CTLS_ERR_INVALID_ARG);
    if (out_len == 0) return 0;
    if (out_len > k->len) return expand_keyed(k, info, n, out, out_len);
    /* One block, the key schedule's every call: T(1) = HMAC(PRK, info | 0x01), absorbed in
     * one piece. */
    uint8_t t[CTLS_MAX_HASH_LEN];
    info[n] = 1;
    seg s = {info, n + 1};
    int rc = hmac_key_mac(k, &s, 1, t);
    if (rc == 0) memcpy(out, t, out_len);
    OPENSSL_cleanse(t, sizeof t);
    return rc;
}

int ctls_prk_hmac(const ctls_prk *p, const void *data, size_t len, uint8_t *out)
{
    CTLS_ENSURE(p != NULL && out != NULL && (data != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    const hmac_key *k = (const hmac_key *)(const void *)p->opaque;
    CTLS_ENSURE(k->len != 0, CTLS_ERR_INVALID_ARG);
    seg s = {data, len};
    return hmac_key_mac(k, &s, 1, out);
}

void ctls_prk_wipe(ctls_prk *p)
{
    if (p) OPENSSL_cleanse(p, sizeof *p);
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
