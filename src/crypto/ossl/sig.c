/* Signatures: private keys from PEM, public keys from SubjectPublicKeyInfo, and the TLS
 * SignatureSchemes (RFC 8446 4.2.3) over EVP_DigestSign / EVP_DigestVerify. A key object keeps
 * its decoded EVP_PKEY, so nothing is parsed again per signature. */
#include "crypto/ossl/ossl.h"

#include <limits.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "core/mem.h"

struct ctls_privkey {
    EVP_PKEY *pkey;
    int type, bits;
};

struct ctls_pubkey {
    EVP_PKEY *pkey;
    int type, bits;
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

/* SubjectPublicKeyInfo DER to a key; the whole input must be consumed. */
static EVP_PKEY *decode_spki(const uint8_t *spki, size_t len)
{
    if (len == 0 || len > LONG_MAX) return NULL;
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
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    CTLS_ENSURE(mctx != NULL, CTLS_ERR_NOMEM);
    int rc = sig_init(mctx, k->pkey, s, 1);
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

int ctls_pubkey_from_spki(const uint8_t *spki, size_t len, ctls_pubkey **out)
{
    CTLS_ENSURE(out != NULL && spki != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
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
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    CTLS_ENSURE(mctx != NULL, CTLS_ERR_NOMEM);
    int rc = sig_init(mctx, k->pkey, s, 0);
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
    if (!k) return;
    EVP_PKEY_free(k->pkey);
    ctls_free(k);
}
