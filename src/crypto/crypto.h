/* The narrow crypto interface. Implemented over OpenSSL libcrypto 3.0+ in the ossl/ sources — the
 * only files that include OpenSSL headers. Algorithm objects (EVP_MD, EVP_CIPHER, ...) are
 * fetched once per process and reused; contexts are reused across records (no allocation per
 * record).
 * Every function returns 0 or a negative CTLS_ERR_*. */
#ifndef CTLS_CRYPTO_H
#define CTLS_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* ---- hashes ---------------------------------------------------------------------------- */
enum { CTLS_HASH_SHA256 = 1, CTLS_HASH_SHA384 = 2, CTLS_HASH_SHA512 = 3, CTLS_HASH_SHA1 = 4 };
#define CTLS_MAX_HASH_LEN 64

size_t ctls_hash_len(int alg); /* 0 for an unknown alg */
int ctls_hash(int alg, const void *data, size_t len, uint8_t *out);

typedef struct ctls_hash_ctx ctls_hash_ctx;
int ctls_hash_new(int alg, ctls_hash_ctx **out);
int ctls_hash_update(ctls_hash_ctx *h, const void *data, size_t len);
/* The digest of everything so far; h stays usable (a transcript hash is read many times). */
int ctls_hash_peek(const ctls_hash_ctx *h, uint8_t *out);
int ctls_hash_dup(const ctls_hash_ctx *h, ctls_hash_ctx **out);
int ctls_hash_alg(const ctls_hash_ctx *h);
void ctls_hash_free(ctls_hash_ctx *h);

int ctls_hmac(int alg, const uint8_t *key, size_t key_len, const void *data, size_t len,
              uint8_t *out);

/* RFC 5869. prk/out buffers hold ctls_hash_len(alg) / out_len bytes. out_len <= 255*hashlen. */
int ctls_hkdf_extract(int alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
                      size_t ikm_len, uint8_t *prk);
int ctls_hkdf_expand(int alg, const uint8_t *prk, size_t prk_len, const uint8_t *info,
                     size_t info_len, uint8_t *out, size_t out_len);
/* RFC 8446 7.1 HKDF-Expand-Label(secret, "tls13 " + label, context, length); label without
 * the "tls13 " prefix. */
int ctls_hkdf_expand_label(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                           const uint8_t *context, size_t context_len, uint8_t *out,
                           size_t out_len);
/* The same with a label of label_len bytes, not NUL-terminated (an exporter's label may hold
 * any bytes). */
int ctls_hkdf_expand_label_n(int alg, const uint8_t *secret, size_t secret_len, const char *label,
                             size_t label_len, const uint8_t *context, size_t context_len,
                             uint8_t *out, size_t out_len);
/* A secret keyed once for several HKDF-Expand-Label calls: the HMAC key blocks are absorbed
 * once, each expansion then costs two compressions instead of four (the key schedule expands
 * most secrets two to four times). Caller-owned storage; ctls_prk_wipe when done. */
typedef struct {
    uint64_t opaque[60];
} ctls_prk;
int ctls_prk_init(ctls_prk *p, int alg, const uint8_t *secret, size_t secret_len);
int ctls_prk_expand_label(const ctls_prk *p, const char *label, const uint8_t *context,
                          size_t context_len, uint8_t *out, size_t out_len);
/* HMAC(secret, data) on the keyed state: two compressions for a short input, not four. */
int ctls_prk_hmac(const ctls_prk *p, const void *data, size_t len, uint8_t *out);
void ctls_prk_wipe(ctls_prk *p);
/* RFC 5246 5: PRF(secret, label, seed) with P_<hash>. */
int ctls_prf12(int alg, const uint8_t *secret, size_t secret_len, const char *label,
               const uint8_t *seed, size_t seed_len, uint8_t *out, size_t out_len);

/* Constant-time comparison: 1 when the n bytes are equal, else 0. */
int ctls_ct_equal(const void *a, const void *b, size_t n);

/* ---- AEAD ------------------------------------------------------------------------------ */
enum { CTLS_AEAD_AES_128_GCM = 1, CTLS_AEAD_AES_256_GCM = 2, CTLS_AEAD_CHACHA20_POLY1305 = 3 };
#define CTLS_AEAD_NONCE_LEN 12
#define CTLS_AEAD_TAG_LEN 16
#define CTLS_AEAD_MAX_KEY_LEN 32

size_t ctls_aead_key_len(int alg); /* 16 or 32; 0 for unknown */

typedef struct ctls_aead ctls_aead;
/* A keyed context, reused for every record under that key. */
int ctls_aead_new(int alg, const uint8_t *key, size_t key_len, ctls_aead **out);
/* A new key of the same algorithm for an existing context (a key change: no allocation). On
 * failure the context must not be used again. */
int ctls_aead_rekey(ctls_aead *a, const uint8_t *key, size_t key_len);
int ctls_aead_alg(const ctls_aead *a); /* 0 for NULL */
/* out receives len + CTLS_AEAD_TAG_LEN bytes (ciphertext || tag). out may equal in. */
int ctls_aead_seal(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out);
/* The same for the concatenation in || trailer (e.g. TLS 1.3 record data and its content
 * type) without first copying them together; out receives len + trailer_len + TAG bytes and
 * must not overlap in or trailer. */
int ctls_aead_seal2(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, const uint8_t *trailer,
                    size_t trailer_len, uint8_t *out);
/* in is ciphertext || tag (len >= CTLS_AEAD_TAG_LEN); out receives len - TAG bytes. out may
 * equal in. A bad tag is CTLS_ERR_BAD_RECORD_MAC (and out is zeroed). */
int ctls_aead_open(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out);
/* The same with the plaintext split: its first out_len bytes (at most all of them) into out,
 * the rest into tail (len - TAG - out_len bytes), e.g. a TLS 1.3 record's data into the
 * application's buffer and its content type beside it. A bad tag zeroes both. */
int ctls_aead_open2(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, size_t out_len,
                    uint8_t *tail);
void ctls_aead_free(ctls_aead *a);

/* ---- key exchange ---------------------------------------------------------------------- */
/* IANA NamedGroup code points */
enum { CTLS_GROUP_SECP256R1 = 0x0017, CTLS_GROUP_SECP384R1 = 0x0018, CTLS_GROUP_X25519 = 0x001d };
#define CTLS_KX_MAX_PUBLIC 133
#define CTLS_KX_MAX_SECRET 66

int ctls_kx_supported(uint16_t group);
typedef struct ctls_kx ctls_kx;
int ctls_kx_generate(uint16_t group, ctls_kx **out);
/* Tests only (RFC 8448 traces): a key pair from a fixed private key (raw scalar bytes). */
int ctls_kx_from_private(uint16_t group, const uint8_t *priv, size_t priv_len, ctls_kx **out);
/* The public value as sent in a key_share: X25519 32 bytes, NIST curves uncompressed points
 * (65 / 97 bytes). */
int ctls_kx_public(const ctls_kx *kx, uint8_t *out, size_t *out_len);
/* The shared secret with the peer's public value. The peer value is validated: wrong length,
 * a point not on the curve, the point at infinity, a compressed point, or an all-zero X25519
 * result give CTLS_ERR_ILLEGAL_PARAMETER. secret holds CTLS_KX_MAX_SECRET bytes. A key pair
 * belongs to one thread at a time (like its connection): an X25519 pair derives on a
 * context it keeps, and every derivation uses thread-local key objects. */
int ctls_kx_derive(const ctls_kx *kx, const uint8_t *peer, size_t peer_len, uint8_t *secret,
                   size_t *secret_len);
uint16_t ctls_kx_group(const ctls_kx *kx);
void ctls_kx_free(ctls_kx *kx);

/* ---- signatures ------------------------------------------------------------------------ */
/* IANA SignatureScheme code points */
enum {
    CTLS_SIG_RSA_PKCS1_SHA1 = 0x0201,
    CTLS_SIG_ECDSA_SHA1 = 0x0203,
    CTLS_SIG_RSA_PKCS1_SHA256 = 0x0401,
    CTLS_SIG_RSA_PKCS1_SHA384 = 0x0501,
    CTLS_SIG_RSA_PKCS1_SHA512 = 0x0601,
    CTLS_SIG_ECDSA_SECP256R1_SHA256 = 0x0403,
    CTLS_SIG_ECDSA_SECP384R1_SHA384 = 0x0503,
    CTLS_SIG_ECDSA_SECP521R1_SHA512 = 0x0603,
    CTLS_SIG_RSA_PSS_RSAE_SHA256 = 0x0804,
    CTLS_SIG_RSA_PSS_RSAE_SHA384 = 0x0805,
    CTLS_SIG_RSA_PSS_RSAE_SHA512 = 0x0806,
    CTLS_SIG_ED25519 = 0x0807,
    CTLS_SIG_ED448 = 0x0808,
    CTLS_SIG_RSA_PSS_PSS_SHA256 = 0x0809,
    CTLS_SIG_RSA_PSS_PSS_SHA384 = 0x080a,
    CTLS_SIG_RSA_PSS_PSS_SHA512 = 0x080b,
};
/* Key types */
enum {
    CTLS_KEY_RSA = 1, /* rsaEncryption */
    CTLS_KEY_EC_P256 = 2,
    CTLS_KEY_EC_P384 = 3,
    CTLS_KEY_EC_P521 = 4,
    CTLS_KEY_ED25519 = 5,
    CTLS_KEY_RSA_PSS = 6, /* id-RSASSA-PSS keys */
    CTLS_KEY_ED448 = 7,
};
#define CTLS_MAX_SIG_LEN 1024 /* RSA-8192 */

/* A private key for signing, from PEM (PKCS#8, SEC1 "EC PRIVATE KEY", PKCS#1 "RSA PRIVATE
 * KEY"). Unencrypted only. CTLS_ERR_BAD_KEY on anything else. */
typedef struct ctls_privkey ctls_privkey;
int ctls_privkey_from_pem(const void *pem, size_t len, ctls_privkey **out);
int ctls_privkey_type(const ctls_privkey *k);
int ctls_privkey_bits(const ctls_privkey *k);
/* 1 when the certificate's SubjectPublicKeyInfo (DER) is this key's public half. */
int ctls_privkey_matches_spki(const ctls_privkey *k, const uint8_t *spki, size_t spki_len);
/* Sign msg (the whole message; hashing is done here) with scheme. *sig_len in: capacity (at
 * least the key's maximum signature size; CTLS_MAX_SIG_LEN always suffices), out: length.
 * A scheme that does not fit the key is CTLS_ERR_ILLEGAL_PARAMETER; ECDSA schemes fit an EC
 * key on any curve (the TLS 1.3 curve binding is the handshake's check). */
int ctls_sign(const ctls_privkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
              uint8_t *sig, size_t *sig_len);
void ctls_privkey_free(ctls_privkey *k);

/* A public key from a SubjectPublicKeyInfo (DER). CTLS_ERR_BAD_KEY if unparsable (or with
 * trailing bytes); CTLS_ERR_UNSUPPORTED for a well-formed key of a type or curve with no
 * CTLS_KEY_* value (DSA, secp256k1, ...). */
typedef struct ctls_pubkey ctls_pubkey;
int ctls_pubkey_from_spki(const uint8_t *spki, size_t len, ctls_pubkey **out);
int ctls_pubkey_type(const ctls_pubkey *k);
int ctls_pubkey_bits(const ctls_pubkey *k);
/* Verify sig over msg with scheme. For ECDSA schemes the hash comes from the scheme and the
 * curve is not checked against it (X.509 allows e.g. ecdsa-with-SHA256 on P-384; TLS 1.3 checks
 * the curve binding itself). Signature must be DER for ECDSA. A wrong signature is
 * CTLS_ERR_DECRYPT_ERROR; a scheme that does not fit the key is CTLS_ERR_ILLEGAL_PARAMETER. */
int ctls_verify(const ctls_pubkey *k, uint16_t scheme, const uint8_t *msg, size_t msg_len,
                const uint8_t *sig, size_t sig_len);
void ctls_pubkey_free(ctls_pubkey *k);
/* Decoded keys are cached process-wide by their exact SPKI bytes (16 entries, shared,
 * reference-counted); this empties the cache. */
void ctls_pubkey_cache_clear(void);

/* ---- randomness ------------------------------------------------------------------------ */
/* Public randomness (hello randoms, nonces, session IDs, cache keys): from a per-thread pool. */
int ctls_random(void *buf, size_t len);
/* Secret randomness (long-lived keys such as ticket keys): libcrypto's private DRBG, never the
 * pool. */
int ctls_random_secret(void *buf, size_t len);
/* Tests and fuzzers only: route ctls_random (and key generation) through fn. NULL restores the
 * CSPRNG. Key generation under the hook derives keys deterministically from its output. */
typedef int (*ctls_random_hook_fn)(void *ctx, void *buf, size_t len);
void ctls_random_set_test_hook(ctls_random_hook_fn fn, void *ctx);

/* Names of the algorithms available (for `make demo` / diagnostics). */
const char *ctls_crypto_provider_name(void);

#endif
