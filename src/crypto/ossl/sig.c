/* Signatures: private keys from PEM, public keys from SubjectPublicKeyInfo, and the TLS
 * SignatureSchemes (RFC 8446 4.2.3) over EVP_DigestSign / EVP_DigestVerify. A key object keeps
 * its decoded EVP_PKEY, so nothing is parsed again per signature. */
#include "crypto/ossl/ossl.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/bytes.h"
#include "core/mem.h"

struct ctls_privkey {
    EVP_PKEY *pkey;
    int type, bits;
};

struct ctls_pubkey {
    EVP_PKEY *pkey;
    int type, bits;
    int refs; /* the holders, the cache among them (atomic) */
};

/* ---- key types ------------------------------------------------------------------------- */

/* CTLS_KEY_* for a key, or 0 for a type or curve ctls does not use. */
static int key_type(const EVP_PKEY *pk)
{
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
        return CTLS_KEY_RSA;
    case EVP_PKEY_RSA_PSS:
        return CTLS_KEY_RSA_PSS;
    case EVP_PKEY_ED25519:
        return CTLS_KEY_ED25519;
    case EVP_PKEY_ED448:
        return CTLS_KEY_ED448;
    case EVP_PKEY_EC: {
        char name[64];
        size_t n = 0;
        if (!EVP_PKEY_get_group_name(pk, name, sizeof name, &n)) return 0;
        if (!strcmp(name, "prime256v1") || !strcmp(name, "P-256")) return CTLS_KEY_EC_P256;
        if (!strcmp(name, "secp384r1") || !strcmp(name, "P-384")) return CTLS_KEY_EC_P384;
        if (!strcmp(name, "secp521r1") || !strcmp(name, "P-521")) return CTLS_KEY_EC_P521;
        return 0;
    }
    default:
        return 0;
    }
}

static int is_ec(int type)
{
    return type == CTLS_KEY_EC_P256 || type == CTLS_KEY_EC_P384 || type == CTLS_KEY_EC_P521;
}

/* ---- schemes --------------------------------------------------------------------------- */

enum { K_ECDSA = 1, K_PKCS1, K_PSS, K_EDDSA };

typedef struct {
    uint16_t scheme;
    uint8_t kind;
    uint8_t hash; /* CTLS_HASH_*, 0 for EdDSA (it hashes internally) */
    uint8_t key;  /* the key type the scheme needs; 0 = an EC key on any curve */
} scheme_info;

static const scheme_info schemes[] = {
    {CTLS_SIG_RSA_PKCS1_SHA1, K_PKCS1, CTLS_HASH_SHA1, CTLS_KEY_RSA},
    {CTLS_SIG_ECDSA_SHA1, K_ECDSA, CTLS_HASH_SHA1, 0},
    {CTLS_SIG_RSA_PKCS1_SHA256, K_PKCS1, CTLS_HASH_SHA256, CTLS_KEY_RSA},
    {CTLS_SIG_RSA_PKCS1_SHA384, K_PKCS1, CTLS_HASH_SHA384, CTLS_KEY_RSA},
    {CTLS_SIG_RSA_PKCS1_SHA512, K_PKCS1, CTLS_HASH_SHA512, CTLS_KEY_RSA},
    {CTLS_SIG_ECDSA_SECP256R1_SHA256, K_ECDSA, CTLS_HASH_SHA256, 0},
    {CTLS_SIG_ECDSA_SECP384R1_SHA384, K_ECDSA, CTLS_HASH_SHA384, 0},
    {CTLS_SIG_ECDSA_SECP521R1_SHA512, K_ECDSA, CTLS_HASH_SHA512, 0},
    {CTLS_SIG_RSA_PSS_RSAE_SHA256, K_PSS, CTLS_HASH_SHA256, CTLS_KEY_RSA},
    {CTLS_SIG_RSA_PSS_RSAE_SHA384, K_PSS, CTLS_HASH_SHA384, CTLS_KEY_RSA},
    {CTLS_SIG_RSA_PSS_RSAE_SHA512, K_PSS, CTLS_HASH_SHA512, CTLS_KEY_RSA},
    {CTLS_SIG_ED25519, K_EDDSA, 0, CTLS_KEY_ED25519},
    {CTLS_SIG_ED448, K_EDDSA, 0, CTLS_KEY_ED448},
    {CTLS_SIG_RSA_PSS_PSS_SHA256, K_PSS, CTLS_HASH_SHA256, CTLS_KEY_RSA_PSS},
    {CTLS_SIG_RSA_PSS_PSS_SHA384, K_PSS, CTLS_HASH_SHA384, CTLS_KEY_RSA_PSS},
    {CTLS_SIG_RSA_PSS_PSS_SHA512, K_PSS, CTLS_HASH_SHA512, CTLS_KEY_RSA_PSS},
};

static const scheme_info *scheme_find(uint16_t scheme)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i].scheme == scheme) return &schemes[i];
    return NULL;
}

/* Does the scheme fit a key of this type? ECDSA schemes fit an EC key on any curve, for both
 * signing and verifying: TLS 1.2 names only the hash (a P-384 key may sign
 * ecdsa_secp256r1_sha256) and X.509 allows any pairing; the TLS 1.3 curve binding
 * (RFC 8446 4.2.3) is checked by the handshake, which knows the version. */
static int scheme_fits(const scheme_info *s, int type)
{
    return s->kind == K_ECDSA ? is_ec(type) : s->key == type;
}

/* Initialise mctx for signing or verifying with scheme s. */
static int sig_init(EVP_MD_CTX *mctx, EVP_PKEY *pk, const scheme_info *s, int signing)
{
    const EVP_MD *md = NULL;
    if (s->kind != K_EDDSA) {
        md = ctls_ossl_md(s->hash);
        CTLS_ENSURE(md != NULL, CTLS_ERR_UNSUPPORTED);
    }
    EVP_PKEY_CTX *pctx = NULL;
    int ok = signing ? EVP_DigestSignInit(mctx, &pctx, md, NULL, pk)
                     : EVP_DigestVerifyInit(mctx, &pctx, md, NULL, pk);
    if (ok <= 0) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (s->kind == K_PKCS1) {
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    } else if (s->kind == K_PSS) {
        /* RFC 8446 4.2.3: MGF1 with the same hash, salt length = digest length. For
         * verification RSA_PSS_SALTLEN_DIGEST demands exactly that length. */
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
             EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) > 0;
    }
    /* A PSS key whose parameters forbid this hash ends up here too. */
    return ok ? 0 : CTLS_ERR_ILLEGAL_PARAMETER;
}

/* ECDSA over a digest computed here: EVP_DigestSign/VerifyInit fetch the digest by name on
 * every call and allocate a digest context; the signature itself does not depend on how the
 * message was hashed (ECDSA signs the hash value, FIPS 186-4 6.4). Returns 1 when the scheme
 * took this path (rc in *rc), 0 when the caller should use the EVP_Digest* path. */
static int ecdsa_prehashed(EVP_PKEY *pk, const scheme_info *s, int signing, const uint8_t *msg,
                           size_t msg_len, uint8_t *sig, size_t *sig_len, int *rc)
{
    if (s->kind != K_ECDSA || s->hash == CTLS_HASH_SHA1) return 0;
    uint8_t dg[CTLS_MAX_HASH_LEN];
    size_t dl = ctls_hash_len(s->hash);
    *rc = ctls_hash(s->hash, msg_len ? msg : (const uint8_t *)"", msg_len, dg);
    if (*rc < 0) return 1;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
    if (!pc) {
        *rc = CTLS_ERR_NOMEM;
        return 1;
    }
    if (signing) {
        *rc = EVP_PKEY_sign_init(pc) > 0 && EVP_PKEY_sign(pc, sig, sig_len, dg, dl) > 0
                  ? 0
                  : CTLS_ERR_CRYPTO;
    } else if (EVP_PKEY_verify_init(pc) <= 0) {
        *rc = CTLS_ERR_ILLEGAL_PARAMETER;
    } else {
        /* OpenSSL's ECDSA verify re-encodes the parsed signature and demands the same bytes,
         * so BER and trailing garbage fail here too. Any failure is a bad signature. */
        *rc = EVP_PKEY_verify(pc, sig_len && *sig_len ? sig : (const uint8_t *)"", *sig_len, dg,
                              dl) == 1
                  ? 0
                  : CTLS_ERR_DECRYPT_ERROR;
    }
    EVP_PKEY_CTX_free(pc);
    return 1;
}

/* ---- private keys ---------------------------------------------------------------------- */

/* Encrypted keys are refused: with no passphrase the decoder fails instead of prompting. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

int ctls_privkey_from_pem(const void *pem, size_t len, ctls_privkey **out)
{
    CTLS_ENSURE(out != NULL && pem != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    CTLS_ENSURE(len <= INT_MAX, CTLS_ERR_BAD_KEY);
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    CTLS_ENSURE(bio != NULL, CTLS_ERR_NOMEM);
    /* Reads the first private-key PEM block ("PRIVATE KEY", "RSA PRIVATE KEY",
     * "EC PRIVATE KEY"), skipping others such as certificates in a combined file. */
    EVP_PKEY *pk = PEM_read_bio_PrivateKey_ex(bio, NULL, no_passphrase, NULL, NULL, NULL);
    BIO_free(bio);
    ERR_clear_error();
    CTLS_ENSURE(pk != NULL, CTLS_ERR_BAD_KEY);
    int type = key_type(pk);
    if (type == 0) {
        EVP_PKEY_free(pk);
        return CTLS_ERR_BAD_KEY;
    }
    ctls_privkey *k = ctls_calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pk);
        return CTLS_ERR_NOMEM;
    }
    k->pkey = pk;
    k->type = type;
    k->bits = EVP_PKEY_get_bits(pk);
    *out = k;
    return 0;
}

int ctls_privkey_type(const ctls_privkey *k)
{
    return k ? k->type : CTLS_ERR_INVALID_ARG;
}
int ctls_privkey_bits(const ctls_privkey *k)
{
    return k ? k->bits : CTLS_ERR_INVALID_ARG;
}

/* ---- SubjectPublicKeyInfo fast path ---------------------------------------------------
 * OpenSSL 3's d2i_PUBKEY runs the generic decoder framework: ~100 us for a P-256 key, more
 * than the signature check it is needed for. The shapes TLS meets every handshake (EC P-256 /
 * P-384 with an uncompressed point, Ed25519, RSA) are recognised here by their exact
 * AlgorithmIdentifier bytes and built from parameters (~15 us); anything else goes through
 * d2i_PUBKEY. Parsing uses the bounded reader with minimal DER lengths. */

/* One DER TLV with the expected tag; body is a sub-reader over its contents. */
static int der_tlv(ctls_reader *r, uint8_t tag, ctls_reader *body)
{
    uint8_t t, l0, b1;
    uint16_t b2;
    size_t n;
    const uint8_t *p;
    CTLS_GUARD(rd_u8(r, &t));
    if (t != tag) return CTLS_ERR_DECODE;
    CTLS_GUARD(rd_u8(r, &l0));
    if (l0 < 0x80) {
        n = l0;
    } else if (l0 == 0x81) {
        CTLS_GUARD(rd_u8(r, &b1));
        if (b1 < 0x80) return CTLS_ERR_DECODE; /* not minimal */
        n = b1;
    } else if (l0 == 0x82) {
        CTLS_GUARD(rd_u16(r, &b2));
        if (b2 < 0x100) return CTLS_ERR_DECODE;
        n = b2;
    } else {
        return CTLS_ERR_DECODE;
    }
    CTLS_GUARD(rd_bytes(r, n, &p));
    rd_init(body, p, n);
    return 0;
}

static const uint8_t alg_p256[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                   0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
static const uint8_t alg_p384[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                   0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
static const uint8_t alg_ed25519[] = {0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70};
static const uint8_t alg_rsa[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                  0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

static int alg_is(const uint8_t *p, size_t n, const uint8_t *want, size_t want_len)
{
    return n == want_len && memcmp(p, want, n) == 0;
}

static EVP_PKEY *pkey_fromdata(const char *type, OSSL_PARAM *params)
{
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        (void)EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    return pk;
}

/* A positive DER INTEGER's magnitude as a BIGNUM. */
static BIGNUM *der_uint(ctls_reader *r)
{
    ctls_reader v;
    if (der_tlv(r, 0x02, &v) < 0 || rd_remaining(&v) == 0) return NULL;
    const uint8_t *p = rd_cursor(&v);
    size_t n = rd_remaining(&v);
    if (p[0] & 0x80) return NULL;                          /* negative */
    if (n > 1 && p[0] == 0 && !(p[1] & 0x80)) return NULL; /* not minimal */
    return BN_bin2bn(p, (int)n, NULL);
}

static EVP_PKEY *rsa_fromdata(const uint8_t *key, size_t len)
{
    ctls_reader r, seq;
    rd_init(&r, key, len);
    if (der_tlv(&r, 0x30, &seq) < 0 || rd_expect_empty(&r) < 0) return NULL;
    BIGNUM *n = der_uint(&seq), *e = der_uint(&seq);
    EVP_PKEY *pk = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    if (n && e && rd_expect_empty(&seq) == 0 && bld &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) &&
        (params = OSSL_PARAM_BLD_to_param(bld)))
        pk = pkey_fromdata("RSA", params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pk;
}

/* NULL when the shape is not one of the fast ones (the caller falls back to d2i_PUBKEY). */
static EVP_PKEY *fast_spki(const uint8_t *spki, size_t len)
{
    ctls_reader r, seq, alg, bits;
    rd_init(&r, spki, len);
    if (der_tlv(&r, 0x30, &seq) < 0 || rd_expect_empty(&r) < 0) return NULL;
    const uint8_t *alg_p = rd_cursor(&seq);
    if (der_tlv(&seq, 0x30, &alg) < 0) return NULL;
    size_t alg_len = (size_t)(rd_cursor(&seq) - alg_p);
    uint8_t unused;
    if (der_tlv(&seq, 0x03, &bits) < 0 || rd_expect_empty(&seq) < 0) return NULL;
    if (rd_u8(&bits, &unused) < 0 || unused != 0) return NULL;
    const uint8_t *key = rd_cursor(&bits);
    size_t key_len = rd_remaining(&bits);
    uint16_t group = 0;
    if (alg_is(alg_p, alg_len, alg_p256, sizeof alg_p256) && key_len == 65)
        group = CTLS_GROUP_SECP256R1;
    else if (alg_is(alg_p, alg_len, alg_p384, sizeof alg_p384) && key_len == 97)
        group = CTLS_GROUP_SECP384R1;
    if (group) {
        if (key[0] != 0x04) return NULL; /* compressed points: the slow path decides */
        /* a copy of the per-process curve with the point set: setting it checks the point is
         * on the curve, and no curve is rebuilt from its name */
        EVP_PKEY *params = ctls_ossl_ec_params(group);
        EVP_PKEY *pk = params ? EVP_PKEY_new() : NULL;
        if (pk && EVP_PKEY_copy_parameters(pk, params) > 0 &&
            EVP_PKEY_set1_encoded_public_key(pk, key, key_len) > 0)
            return pk;
        EVP_PKEY_free(pk);
        return NULL;
    }
    if (alg_is(alg_p, alg_len, alg_ed25519, sizeof alg_ed25519) && key_len == 32)
        return EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, key, key_len);
    if (alg_is(alg_p, alg_len, alg_rsa, sizeof alg_rsa)) return rsa_fromdata(key, key_len);
    return NULL;
}

/* SubjectPublicKeyInfo DER to a key; the whole input must be consumed. */
static EVP_PKEY *decode_spki(const uint8_t *spki, size_t len)
{
    if (len == 0 || len > LONG_MAX) return NULL;
    EVP_PKEY *fast = fast_spki(spki, len);
    if (fast) {
        ERR_clear_error();
        return fast;
    }
    const unsigned char *p = spki;
    EVP_PKEY *pk = d2i_PUBKEY(NULL, &p, (long)len);
    if (pk && p != spki + len) {
        EVP_PKEY_free(pk);
        pk = NULL;
    }
    ERR_clear_error();
    return pk;
}

int ctls_privkey_matches_spki(const ctls_privkey *k, const uint8_t *spki, size_t spki_len)
{
    CTLS_ENSURE(k != NULL && spki != NULL, CTLS_ERR_INVALID_ARG);
    EVP_PKEY *pub = decode_spki(spki, spki_len);
    if (!pub) return 0;
    /* Compares the public components and domain parameters. */
    int eq = EVP_PKEY_eq(k->pkey, pub) == 1;
    EVP_PKEY_free(pub);
    ERR_clear_error();
    return eq;
}

int ctls_sign(const ctls_privkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
              uint8_t *sig, size_t *sig_len)
{
    CTLS_ENSURE(k != NULL && sig != NULL && sig_len != NULL && (msg != NULL || msg_len == 0),
                CTLS_ERR_INVALID_ARG);
    const scheme_info *s = scheme_find(scheme);
    CTLS_ENSURE(s != NULL && scheme_fits(s, k->type), CTLS_ERR_ILLEGAL_PARAMETER);
    int max = EVP_PKEY_get_size(k->pkey);
    CTLS_ENSURE(max > 0 && *sig_len >= (size_t)max, CTLS_ERR_INVALID_ARG);
    int rc = 0;
    if (ecdsa_prehashed(k->pkey, s, 1, msg, msg_len, sig, sig_len, &rc)) {
        if (rc < 0) ERR_clear_error();
        return rc;
    }
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    CTLS_ENSURE(mctx != NULL, CTLS_ERR_NOMEM);
    rc = sig_init(mctx, k->pkey, s, 1);
    if (rc == 0) {
        size_t n = *sig_len;
        if (EVP_DigestSign(mctx, sig, &n, msg_len ? msg : (const uint8_t *)"", msg_len) == 1)
            *sig_len = n;
        else
            rc = CTLS_ERR_CRYPTO;
    }
    EVP_MD_CTX_free(mctx);
    if (rc < 0) ERR_clear_error();
    return rc;
}

void ctls_privkey_free(ctls_privkey *k)
{
    if (!k) return;
    EVP_PKEY_free(k->pkey); /* clears the private components */
    ctls_free_secret(k, sizeof *k);
}

/* ---- public keys ----------------------------------------------------------------------- */

/* ---- decoded public key cache ----------------------------------------------------------
 * A client meets the same server keys (and a validator the same intermediates) over and over;
 * decoding one costs a fifth of a handshake's crypto. Keys are public and immutable, so a
 * small process-wide cache keyed by the exact SPKI bytes hands out shared, reference-counted
 * objects (EVP_PKEY is safe for concurrent read-only use). */
#define PK_CACHE_SLOTS 16
#define PK_CACHE_MAX_SPKI 1024

static struct {
    uint8_t spki[PK_CACHE_MAX_SPKI];
    size_t len;
    ctls_pubkey *key;
    uint64_t used;
} pk_cache[PK_CACHE_SLOTS];
static uint64_t pk_tick;
static pthread_mutex_t pk_lock = PTHREAD_MUTEX_INITIALIZER;

static void pubkey_unref(ctls_pubkey *k)
{
    if (k && __atomic_sub_fetch(&k->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        EVP_PKEY_free(k->pkey);
        ctls_free(k);
    }
}

static ctls_pubkey *pk_cache_get(const uint8_t *spki, size_t len)
{
    ctls_pubkey *k = NULL;
    pthread_mutex_lock(&pk_lock);
    for (int i = 0; i < PK_CACHE_SLOTS; i++)
        if (pk_cache[i].key && pk_cache[i].len == len && memcmp(pk_cache[i].spki, spki, len) == 0) {
            k = pk_cache[i].key;
            __atomic_add_fetch(&k->refs, 1, __ATOMIC_ACQ_REL);
            pk_cache[i].used = ++pk_tick;
            break;
        }
    pthread_mutex_unlock(&pk_lock);
    return k;
}

static void pk_cache_put(const uint8_t *spki, size_t len, ctls_pubkey *k)
{
    if (len > PK_CACHE_MAX_SPKI) return;
    ctls_pubkey *evicted = NULL;
    pthread_mutex_lock(&pk_lock);
    int slot = 0;
    for (int i = 0; i < PK_CACHE_SLOTS; i++) {
        if (!pk_cache[i].key) {
            slot = i;
            break;
        }
        if (pk_cache[i].used < pk_cache[slot].used) slot = i; /* least recently used */
    }
    evicted = pk_cache[slot].key;
    memcpy(pk_cache[slot].spki, spki, len);
    pk_cache[slot].len = len;
    pk_cache[slot].key = k;
    pk_cache[slot].used = ++pk_tick;
    __atomic_add_fetch(&k->refs, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&pk_lock);
    pubkey_unref(evicted);
}

/* Drop the cache (tests; and process teardown for leak checkers). */
void ctls_pubkey_cache_clear(void)
{
    pthread_mutex_lock(&pk_lock);
    for (int i = 0; i < PK_CACHE_SLOTS; i++) {
        pubkey_unref(pk_cache[i].key);
        pk_cache[i].key = NULL;
        pk_cache[i].len = 0;
    }
    pthread_mutex_unlock(&pk_lock);
}

int ctls_pubkey_from_spki(const uint8_t *spki, size_t len, ctls_pubkey **out)
{
    CTLS_ENSURE(out != NULL && spki != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    ctls_pubkey *hit = pk_cache_get(spki, len);
    if (hit) {
        *out = hit;
        return 0;
    }
    EVP_PKEY *pk = decode_spki(spki, len);
    CTLS_ENSURE(pk != NULL, CTLS_ERR_BAD_KEY);
    int type = key_type(pk);
    if (type == 0) {
        /* Parsable, but an algorithm or curve ctls has no scheme for (DSA, brainpool...). */
        EVP_PKEY_free(pk);
        return CTLS_ERR_UNSUPPORTED;
    }
    ctls_pubkey *k = ctls_calloc(1, sizeof *k);
    if (!k) {
        EVP_PKEY_free(pk);
        return CTLS_ERR_NOMEM;
    }
    k->pkey = pk;
    k->type = type;
    k->bits = EVP_PKEY_get_bits(pk);
    k->refs = 1;
    pk_cache_put(spki, len, k);
    *out = k;
    return 0;
}

int ctls_pubkey_type(const ctls_pubkey *k)
{
    return k ? k->type : CTLS_ERR_INVALID_ARG;
}
int ctls_pubkey_bits(const ctls_pubkey *k)
{
    return k ? k->bits : CTLS_ERR_INVALID_ARG;
}

int ctls_verify(const ctls_pubkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                const uint8_t *sig, size_t sig_len)
{
    CTLS_ENSURE(k != NULL && (msg != NULL || msg_len == 0) && (sig != NULL || sig_len == 0),
                CTLS_ERR_INVALID_ARG);
    const scheme_info *s = scheme_find(scheme);
    CTLS_ENSURE(s != NULL && scheme_fits(s, k->type), CTLS_ERR_ILLEGAL_PARAMETER);
    int rc = 0;
    size_t sl = sig_len;
    if (ecdsa_prehashed(k->pkey, s, 0, msg, msg_len, (uint8_t *)sig, &sl, &rc)) {
        if (rc < 0) ERR_clear_error();
        return rc;
    }
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    CTLS_ENSURE(mctx != NULL, CTLS_ERR_NOMEM);
    rc = sig_init(mctx, k->pkey, s, 0);
    /* OpenSSL's ECDSA verify re-encodes the parsed signature and demands the same bytes, so
     * BER and trailing garbage fail here too. Any failure is a bad signature. */
    if (rc == 0 && EVP_DigestVerify(mctx, sig_len ? sig : (const uint8_t *)"", sig_len,
                                    msg_len ? msg : (const uint8_t *)"", msg_len) != 1)
        rc = CTLS_ERR_DECRYPT_ERROR;
    EVP_MD_CTX_free(mctx);
    if (rc < 0) ERR_clear_error();
    return rc;
}

void ctls_pubkey_free(ctls_pubkey *k)
{
    pubkey_unref(k);
}
