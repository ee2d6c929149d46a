/* Key exchange: X25519 (RFC 7748) and ECDH over secp256r1 / secp384r1 (RFC 8446 4.2.8.2).
 *
 * Fixed key pairs (tests) are built from raw private bytes; so is every key pair while the
 * random test hook is set, which makes generation deterministic. Otherwise NIST key pairs come
 * from libcrypto's key generation on a copy of a per-process curve (half the cost of computing
 * the point and importing it), and X25519 pairs from raw random bytes, their public value
 * by the ladder (x25519_from_private). */
#include "crypto/ossl/ossl.h"

#include <pthread.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "core/mem.h"

struct ctls_kx {
    uint16_t group;
    EVP_PKEY *pkey;
    EVP_PKEY_CTX *dctx; /* X25519: the derivation context, made with the key pair */
    uint8_t pub[CTLS_KX_MAX_PUBLIC];
    size_t pub_len;
};

/* Field (= scalar) size in bytes; 0 for an unsupported group. */
static size_t group_size(uint16_t group)
{
    switch (group) {
    case CTLS_GROUP_X25519:
    case CTLS_GROUP_SECP256R1:
        return 32;
    case CTLS_GROUP_SECP384R1:
        return 48;
    default:
        return 0;
    }
}

static const char *ec_group_name(uint16_t group)
{
    return group == CTLS_GROUP_SECP256R1 ? "prime256v1" : "secp384r1";
}

int ctls_kx_supported(uint16_t group)
{
    if (group == CTLS_GROUP_X25519) return 1;
    return group_size(group) != 0 && ctls_ossl_ec_group(group) != NULL;
}

uint16_t ctls_kx_group(const ctls_kx *kx)
{
    return kx ? kx->group : 0;
}

void ctls_kx_free(ctls_kx *kx)
{
    if (!kx) return;
    EVP_PKEY_CTX_free(kx->dctx);
    EVP_PKEY_free(kx->pkey); /* clears the private key */
    ctls_free_secret(kx, sizeof *kx);
}

/* A per-thread key-generation context per NIST curve, initialised once: creating one costs a
 * provider lookup by name per key pair, more than a tenth of the generation itself. A context
 * holds only the curve, no key material; the thread's destructor frees them. */
static pthread_key_t kgen_key;
static pthread_once_t kgen_once = PTHREAD_ONCE_INIT;
enum { SLOT_P256, SLOT_P384, SLOT_X25519_IMPORT, SLOT_N };
typedef struct {
    EVP_PKEY_CTX *ctx[SLOT_N];
    /* Per group, the thread's last peer value as a key object, reset per derivation: a new
     * EVP_PKEY costs libcrypto a walk over its whole algorithm-name map (key type lookup),
     * a twentieth of an X25519 multiplication. Public data only. Indexed like ctx. */
    EVP_PKEY *peer[SLOT_N];
    EVP_PKEY *x25519_base; /* the public value 9: the base point u = 9 (RFC 7748 4.1) */
} kx_thread;
static _Thread_local kx_thread *kgen_slots;

static void kgen_free(void *p)
{
    kx_thread *t = p;
    for (int i = 0; i < SLOT_N; i++) {
        EVP_PKEY_CTX_free(t->ctx[i]);
        EVP_PKEY_free(t->peer[i]);
    }
    EVP_PKEY_free(t->x25519_base);
    ctls_free(t);
}

static void kgen_init(void)
{
    (void)pthread_key_create(&kgen_key, kgen_free);
}

static kx_thread *kx_thread_get(void)
{
    if (!kgen_slots) {
        pthread_once(&kgen_once, kgen_init);
        kx_thread *t = ctls_calloc(1, sizeof *t);
        if (!t) return NULL;
        if (pthread_setspecific(kgen_key, t) != 0) {
            ctls_free(t);
            return NULL;
        }
        kgen_slots = t;
    }
    return kgen_slots;
}

static int kx_slot(uint16_t group)
{
    return group == CTLS_GROUP_SECP256R1 ? SLOT_P256
           : group == CTLS_GROUP_X25519  ? SLOT_X25519_IMPORT
                                         : SLOT_P384;
}

static EVP_PKEY_CTX *kgen_ctx(uint16_t group)
{
    int i = kx_slot(group);
    kx_thread *t = kx_thread_get();
    if (!t) return NULL;
    EVP_PKEY_CTX **slots = t->ctx;
    if (!slots[i] && i == SLOT_X25519_IMPORT) {
        /* X25519 keys are imported (raw private or public bytes), not generated here */
        EVP_PKEY_CTX *ic = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
        if (!ic || EVP_PKEY_fromdata_init(ic) <= 0) {
            EVP_PKEY_CTX_free(ic);
            return NULL;
        }
        slots[i] = ic;
    } else if (!slots[i]) {
        EVP_PKEY *params = ctls_ossl_ec_params(group);
        EVP_PKEY_CTX *kc = params ? EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL) : NULL;
        if (!kc || EVP_PKEY_keygen_init(kc) <= 0) {
            EVP_PKEY_CTX_free(kc);
            return NULL;
        }
        slots[i] = kc;
    }
    return slots[i];
}

/* An X25519 key from raw bytes through the thread's import context: a public value
 * (selection EVP_PKEY_PUBLIC_KEY), or a private one stored with pub as its public half
 * unchecked (EVP_PKEY_KEYPAIR; see x25519_from_private). */
static EVP_PKEY *x25519_import(const uint8_t *raw, const uint8_t *pub, int selection)
{
    EVP_PKEY_CTX *ic = kgen_ctx(CTLS_GROUP_X25519);
    if (!ic) return NULL;
    OSSL_PARAM params[3], *p = params;
    if (selection == EVP_PKEY_KEYPAIR)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, (void *)raw, 32);
    *p++ = OSSL_PARAM_construct_octet_string(
        OSSL_PKEY_PARAM_PUB_KEY, (void *)(selection == EVP_PKEY_KEYPAIR ? pub : raw), 32);
    *p = OSSL_PARAM_construct_end();
    EVP_PKEY *pk = NULL;
    if (EVP_PKEY_fromdata(ic, &pk, selection, params) <= 0) return NULL;
    return pk;
}

/* RFC 7748 6.1: the public value is X25519(priv, 9). It is computed here with the same
 * derivation (Montgomery ladder) the shared secret uses, on a context that then serves that
 * derivation too: libcrypto's own public-from-private on import takes longer than the
 * ladder, and a second context would cost another key-type lookup. The key object is
 * imported with the base point as a stand-in public half (import would otherwise compute
 * it); that half is never read — kx->pub is the public value. */
static int x25519_from_private(ctls_kx *kx, const uint8_t *priv, size_t len)
{
    static const uint8_t nine[32] = {9};
    CTLS_ENSURE(len == 32, CTLS_ERR_INVALID_ARG);
    kx_thread *t = kx_thread_get();
    CTLS_ENSURE(t != NULL, CTLS_ERR_NOMEM);
    if (!t->x25519_base) {
        t->x25519_base = x25519_import(nine, NULL, EVP_PKEY_PUBLIC_KEY);
        CTLS_ENSURE(t->x25519_base != NULL, CTLS_ERR_CRYPTO);
    }
    kx->pkey = x25519_import(priv, nine, EVP_PKEY_KEYPAIR);
    CTLS_ENSURE(kx->pkey != NULL, CTLS_ERR_CRYPTO);
    kx->dctx = EVP_PKEY_CTX_new_from_pkey(NULL, kx->pkey, NULL);
    CTLS_ENSURE(kx->dctx != NULL, CTLS_ERR_NOMEM);
    kx->pub_len = 32;
    if (EVP_PKEY_derive_init(kx->dctx) <= 0 ||
        EVP_PKEY_derive_set_peer_ex(kx->dctx, t->x25519_base, 0) <= 0 ||
        EVP_PKEY_derive(kx->dctx, kx->pub, &kx->pub_len) <= 0 || kx->pub_len != 32)
        return CTLS_ERR_CRYPTO;
    return 0;
}

/* priv is a big-endian scalar; it must lie in [1, n-1] (SEC 1 3.2.1). The public point is
 * computed here (EC_POINT_mul with only the generator uses a constant-time ladder) because
 * OpenSSL 3.0's EC import does not derive it from the private key. */
static int ec_from_private(ctls_kx *kx, const uint8_t *priv, size_t len)
{
    const EC_GROUP *g = ctls_ossl_ec_group(kx->group);
    size_t fl = group_size(kx->group);
    CTLS_ENSURE(g != NULL, CTLS_ERR_UNSUPPORTED);
    while (len > 0 && priv[0] == 0) { /* Wycheproof and BN encodings may carry a leading 0 */
        priv++;
        len--;
    }
    CTLS_ENSURE(len > 0 && len <= fl, CTLS_ERR_INVALID_ARG);

    int rc = CTLS_ERR_CRYPTO;
    uint8_t native[48];
    BN_CTX *bctx = BN_CTX_secure_new();
    BIGNUM *d = BN_secure_new();
    EC_POINT *pt = EC_POINT_new(g);
    EVP_PKEY_CTX *pc = NULL;
    if (!bctx || !d || !pt) {
        rc = CTLS_ERR_NOMEM;
        goto done;
    }
    BN_set_flags(d, BN_FLG_CONSTTIME);
    if (!BN_bin2bn(priv, (int)len, d)) goto done;
    if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0) {
        rc = CTLS_ERR_INVALID_ARG;
        goto done;
    }
    if (!EC_POINT_mul(g, pt, d, NULL, NULL, bctx)) goto done;
    kx->pub_len =
        EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, kx->pub, sizeof kx->pub, bctx);
    if (kx->pub_len != 1 + 2 * fl) goto done;
    /* OSSL_PARAM BN values are native-endian unsigned integers. */
    if (BN_bn2nativepad(d, native, (int)fl) != (int)fl) goto done;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                         (char *)ec_group_name(kx->group), 0),
        OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, native, fl),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, kx->pub, kx->pub_len),
        OSSL_PARAM_construct_end()};
    pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!pc || EVP_PKEY_fromdata_init(pc) <= 0 ||
        EVP_PKEY_fromdata(pc, &kx->pkey, EVP_PKEY_KEYPAIR, params) <= 0)
        goto done;
    rc = 0;
done:
    OPENSSL_cleanse(native, sizeof native);
    EVP_PKEY_CTX_free(pc);
    EC_POINT_free(pt);
    BN_clear_free(d);
    BN_CTX_free(bctx);
    return rc;
}

int ctls_kx_from_private(uint16_t group, const uint8_t *priv, size_t priv_len, ctls_kx **out)
{
    CTLS_ENSURE(out != NULL && priv != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    CTLS_ENSURE(ctls_kx_supported(group), CTLS_ERR_UNSUPPORTED);
    ctls_kx *kx = ctls_calloc(1, sizeof *kx);
    CTLS_ENSURE(kx != NULL, CTLS_ERR_NOMEM);
    kx->group = group;
    int rc = group == CTLS_GROUP_X25519 ? x25519_from_private(kx, priv, priv_len)
                                        : ec_from_private(kx, priv, priv_len);
    if (rc < 0) {
        ctls_kx_free(kx);
        return rc;
    }
    *out = kx;
    return 0;
}

/* Maps any bytes to a scalar in [1, n-1] as (v mod (n-1)) + 1. Only reached when a test hook
 * keeps returning out-of-range values; the CSPRNG path is plain rejection sampling. */
static int ec_reduce_scalar(uint16_t group, uint8_t *buf, size_t fl)
{
    const EC_GROUP *g = ctls_ossl_ec_group(group);
    BN_CTX *bctx = BN_CTX_new();
    BIGNUM *v = BN_new(), *m = BN_new();
    int ok = g && bctx && v && m && BN_bin2bn(buf, (int)fl, v) &&
             BN_copy(m, EC_GROUP_get0_order(g)) && BN_sub_word(m, 1) && BN_mod(v, v, m, bctx) &&
             BN_add_word(v, 1) && BN_bn2binpad(v, buf, (int)fl) == (int)fl;
    BN_clear_free(v);
    BN_free(m);
    BN_CTX_free(bctx);
    return ok ? 0 : CTLS_ERR_CRYPTO;
}

static int ec_keygen(uint16_t group, ctls_kx **out)
{
    EVP_PKEY_CTX *kc = kgen_ctx(group);
    CTLS_ENSURE(kc != NULL, CTLS_ERR_CRYPTO);
    ctls_kx *kx = ctls_calloc(1, sizeof *kx);
    CTLS_ENSURE(kx != NULL, CTLS_ERR_NOMEM);
    kx->group = group;
    int ok = EVP_PKEY_keygen(kc, &kx->pkey) > 0 &&
             EVP_PKEY_get_octet_string_param(kx->pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, kx->pub,
                                             sizeof kx->pub, &kx->pub_len) > 0 &&
             kx->pub_len == 1 + 2 * group_size(group) && kx->pub[0] == 0x04;
    if (!ok) {
        ctls_kx_free(kx);
        return CTLS_ERR_CRYPTO;
    }
    *out = kx;
    return 0;
}

int ctls_kx_generate(uint16_t group, ctls_kx **out)
{
    CTLS_ENSURE(out != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    CTLS_ENSURE(ctls_kx_supported(group), CTLS_ERR_UNSUPPORTED);
    if (group != CTLS_GROUP_X25519 && !ctls_ossl_random_hooked()) return ec_keygen(group, out);
    size_t fl = group_size(group);
    uint8_t priv[48];
    int rc = CTLS_ERR_CRYPTO;
    /* X25519 accepts any 32 bytes (RFC 7748 5 clamps them). A NIST scalar outside [1, n-1]
     * is redrawn; for P-256/P-384 that happens with probability < 2^-32. */
    for (int tries = 0; tries < 16; tries++) {
        rc = ctls_ossl_random_priv(priv, fl);
        if (rc < 0) break;
        rc = ctls_kx_from_private(group, priv, fl, out);
        if (rc != CTLS_ERR_INVALID_ARG) break;
    }
    if (rc == CTLS_ERR_INVALID_ARG) {
        rc = ec_reduce_scalar(group, priv, fl);
        if (rc == 0) rc = ctls_kx_from_private(group, priv, fl, out);
    }
    OPENSSL_cleanse(priv, sizeof priv);
    return rc;
}

int ctls_kx_public(const ctls_kx *kx, uint8_t *out, size_t *out_len)
{
    CTLS_ENSURE(kx != NULL && out != NULL && out_len != NULL, CTLS_ERR_INVALID_ARG);
    memcpy(out, kx->pub, kx->pub_len);
    *out_len = kx->pub_len;
    return 0;
}

/* The peer's public value as a key. Malformed values are illegal_parameter
 * (RFC 8446 4.2.8.2: NIST points uncompressed only, checked to be on the curve). */
static int peer_key(const ctls_kx *kx, const uint8_t *peer, size_t peer_len, EVP_PKEY **out)
{
    int x25519 = kx->group == CTLS_GROUP_X25519;
    size_t fl = group_size(kx->group);
    if (x25519)
        CTLS_ENSURE(peer_len == 32, CTLS_ERR_ILLEGAL_PARAMETER);
    else /* length and the 0x04 form byte rule out compressed points and the 1-byte infinity */
        CTLS_ENSURE(peer_len == 1 + 2 * fl && peer[0] == 0x04, CTLS_ERR_ILLEGAL_PARAMETER);
    kx_thread *t = kx_thread_get();
    CTLS_ENSURE(t != NULL, CTLS_ERR_NOMEM);
    EVP_PKEY **slot = &t->peer[kx_slot(kx->group)];
    if (!*slot && x25519) {
        *slot = x25519_import(peer, NULL, EVP_PKEY_PUBLIC_KEY);
        CTLS_ENSURE(*slot != NULL, CTLS_ERR_CRYPTO);
    } else if (!*slot) {
        /* a copy of the per-process curve, its point set below */
        EVP_PKEY *params = ctls_ossl_ec_params(kx->group);
        CTLS_ENSURE(params != NULL, CTLS_ERR_UNSUPPORTED);
        EVP_PKEY *pk = EVP_PKEY_new();
        CTLS_ENSURE(pk != NULL, CTLS_ERR_NOMEM);
        if (EVP_PKEY_copy_parameters(pk, params) <= 0) {
            EVP_PKEY_free(pk);
            return CTLS_ERR_CRYPTO;
        }
        *slot = pk;
    }
    /* Setting a NIST point decodes it and rejects coordinates >= p and points that are not
     * on the curve. */
    if (EVP_PKEY_set1_encoded_public_key(*slot, peer, peer_len) <= 0) {
        ERR_clear_error();
        return CTLS_ERR_ILLEGAL_PARAMETER;
    }
    /* the derivation context holds its own reference while it uses the key */
    CTLS_ENSURE(EVP_PKEY_up_ref(*slot) == 1, CTLS_ERR_CRYPTO);
    *out = *slot;
    return 0;
}

int ctls_kx_derive(const ctls_kx *kx, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                   size_t *secret_len)
{
    CTLS_ENSURE(kx != NULL && peer != NULL && secret != NULL && secret_len != NULL,
                CTLS_ERR_INVALID_ARG);
    *secret_len = 0;
    EVP_PKEY *pk = NULL;
    CTLS_GUARD(peer_key(kx, peer, peer_len, &pk));
    size_t fl = group_size(kx->group), n = CTLS_KX_MAX_SECRET;
    int rc = CTLS_ERR_ILLEGAL_PARAMETER;
    /* X25519 reuses the context its public value was derived on (the peer is replaced) */
    EVP_PKEY_CTX *dc = kx->dctx ? kx->dctx : EVP_PKEY_CTX_new_from_pkey(NULL, kx->pkey, NULL);
    if (!dc) {
        rc = CTLS_ERR_NOMEM;
        goto done;
    }
    if (!kx->dctx && EVP_PKEY_derive_init(dc) <= 0) {
        rc = CTLS_ERR_CRYPTO;
        goto done;
    }
    /* No second validation: peer_key's import already refused off-curve points and
     * infinity, and P-256/P-384 have cofactor 1, so every such point is in the group. The
     * full check would add a scalar multiplication by the order to every handshake. */
    if (EVP_PKEY_derive_set_peer_ex(dc, pk, 0) <= 0) goto done;
    /* X25519: OpenSSL fails an all-zero result (RFC 7748 6.1, a low-order peer point); that
     * and any other failure here come from the peer's value. */
    if (EVP_PKEY_derive(dc, secret, &n) <= 0 || n != fl) goto done;
    if (kx->group == CTLS_GROUP_X25519) {
        /* RFC 8446 7.4.2: MUST check for the all-zero X25519 value. (A NIST ECDH secret with
         * X = 0 is a legitimate point and is not refused.) */
        uint8_t acc = 0;
        for (size_t i = 0; i < n; i++)
            acc |= secret[i];
        if (acc == 0) goto done;
    }
    *secret_len = n;
    rc = 0;
done:
    if (rc < 0) OPENSSL_cleanse(secret, CTLS_KX_MAX_SECRET);
    if (dc != kx->dctx) EVP_PKEY_CTX_free(dc);
    EVP_PKEY_free(pk);
    return rc;
}
