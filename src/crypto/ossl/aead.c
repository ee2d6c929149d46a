/* AEAD (RFC 5116) over EVP_CIPHER_CTX: keyed once in ctls_aead_new; each record only sets the
 * nonce, so sealing and opening never allocate. One context serves both directions: the
 * enc flag of EVP_CipherInit_ex picks the direction per call without re-keying. */
#include "crypto/ossl/ossl.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "core/mem.h"

struct ctls_aead {
    int alg;
    EVP_CIPHER_CTX *ctx;
};

size_t ctls_aead_key_len(int alg)
{
    switch (alg) {
    case CTLS_AEAD_AES_128_GCM:
        return 16;
    case CTLS_AEAD_AES_256_GCM:
    case CTLS_AEAD_CHACHA20_POLY1305:
        return 32;
    default:
        return 0;
    }
}

int ctls_aead_new(int alg, const uint8_t *key, size_t key_len, ctls_aead **out)
{
    CTLS_ENSURE(out != NULL, CTLS_ERR_INVALID_ARG);
    *out = NULL;
    size_t kl = ctls_aead_key_len(alg);
    CTLS_ENSURE(kl != 0 && key != NULL && key_len == kl, CTLS_ERR_INVALID_ARG);
    const EVP_CIPHER *c = ctls_ossl_cipher(alg);
    CTLS_ENSURE(c != NULL, CTLS_ERR_UNSUPPORTED);
    ctls_aead *a = ctls_calloc(1, sizeof *a);
    CTLS_ENSURE(a != NULL, CTLS_ERR_NOMEM);
    a->alg = alg;
    a->ctx = EVP_CIPHER_CTX_new();
    if (!a->ctx) {
        ctls_aead_free(a);
        return CTLS_ERR_NOMEM;
    }
    /* Both GCM and ChaCha20-Poly1305 default to the 12-byte nonce TLS uses (RFC 8446 5.3). */
    if (!EVP_CipherInit_ex(a->ctx, c, NULL, key, NULL, 1) ||
        EVP_CIPHER_CTX_get_iv_length(a->ctx) != CTLS_AEAD_NONCE_LEN) {
        ctls_aead_free(a);
        return CTLS_ERR_CRYPTO;
    }
    *out = a;
    return 0;
}

int ctls_aead_rekey(ctls_aead *a, const uint8_t *key, size_t key_len)
{
    CTLS_ENSURE(a != NULL && key != NULL && key_len == ctls_aead_key_len(a->alg),
                CTLS_ERR_INVALID_ARG);
    /* The cipher stays set: only the key schedule is redone, nothing is fetched or allocated. */
    return EVP_CipherInit_ex(a->ctx, NULL, NULL, key, NULL, 1) ? 0 : CTLS_ERR_CRYPTO;
}

int ctls_aead_alg(const ctls_aead *a)
{
    return a ? a->alg : 0;
}

int ctls_aead_seal(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out)
{
    CTLS_ENSURE(a != NULL && nonce != NULL && out != NULL, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE((aad != NULL || aad_len == 0) && (in != NULL || len == 0), CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(len <= INT_MAX - 64 && aad_len <= INT_MAX, CTLS_ERR_INVALID_ARG);
    int n = 0, fin = 0;
    if (!EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 1)) return CTLS_ERR_CRYPTO;
    if (aad_len && !EVP_CipherUpdate(a->ctx, NULL, &n, aad, (int)aad_len)) return CTLS_ERR_CRYPTO;
    n = 0;
    if (len && !EVP_CipherUpdate(a->ctx, out, &n, in, (int)len)) return CTLS_ERR_CRYPTO;
    if (!EVP_CipherFinal_ex(a->ctx, out + n, &fin) || (size_t)n + (size_t)fin != len)
        return CTLS_ERR_CRYPTO;
    if (!EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, CTLS_AEAD_TAG_LEN, out + len))
        return CTLS_ERR_CRYPTO;
    return 0;
}

int ctls_aead_seal2(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, const uint8_t *trailer,
                    size_t trailer_len, uint8_t *out)
{
    CTLS_ENSURE(a != NULL && nonce != NULL && out != NULL, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE((aad != NULL || aad_len == 0) && (in != NULL || len == 0) &&
                    (trailer != NULL || trailer_len == 0),
                CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(len <= INT_MAX - 64 && trailer_len <= 64 && aad_len <= INT_MAX,
                CTLS_ERR_INVALID_ARG);
    int n = 0, m = 0, fin = 0;
    if (!EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 1)) return CTLS_ERR_CRYPTO;
    if (aad_len && !EVP_CipherUpdate(a->ctx, NULL, &n, aad, (int)aad_len)) return CTLS_ERR_CRYPTO;
    n = 0;
    if (len && !EVP_CipherUpdate(a->ctx, out, &n, in, (int)len)) return CTLS_ERR_CRYPTO;
    /* GCM and ChaCha20-Poly1305 are stream modes: every update emits all its bytes */
    if ((size_t)n != len) return CTLS_ERR_CRYPTO;
    if (trailer_len && !EVP_CipherUpdate(a->ctx, out + len, &m, trailer, (int)trailer_len))
        return CTLS_ERR_CRYPTO;
    size_t total = len + trailer_len;
    if (!EVP_CipherFinal_ex(a->ctx, out + len + (size_t)m, &fin) ||
        len + (size_t)m + (size_t)fin != total)
        return CTLS_ERR_CRYPTO;
    if (!EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_GET_TAG, CTLS_AEAD_TAG_LEN, out + total))
        return CTLS_ERR_CRYPTO;
    return 0;
}

int ctls_aead_open2(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                    size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, size_t out_len,
                    uint8_t *tail)
{
    CTLS_ENSURE(a != NULL && nonce != NULL && in != NULL, CTLS_ERR_INVALID_ARG);
    CTLS_ENSURE(aad != NULL || aad_len == 0, CTLS_ERR_INVALID_ARG);
    /* Too short to hold a tag: it cannot authenticate (RFC 8446 5.2). */
    CTLS_ENSURE(len >= CTLS_AEAD_TAG_LEN, CTLS_ERR_BAD_RECORD_MAC);
    CTLS_ENSURE(len <= INT_MAX - 64 && aad_len <= INT_MAX, CTLS_ERR_INVALID_ARG);
    size_t ct_len = len - CTLS_AEAD_TAG_LEN;
    if (out_len > ct_len) out_len = ct_len;
    size_t tail_len = ct_len - out_len;
    CTLS_ENSURE((out != NULL || out_len == 0) && (tail != NULL || tail_len == 0),
                CTLS_ERR_INVALID_ARG);
    /* The tag is copied out first so in-place opening (out == in) cannot disturb it. */
    uint8_t tag[CTLS_AEAD_TAG_LEN];
    memcpy(tag, in + ct_len, CTLS_AEAD_TAG_LEN);
    int n = 0, n2 = 0, fin = 0, ok;
    uint8_t dummy;
    ok = EVP_CipherInit_ex(a->ctx, NULL, NULL, NULL, nonce, 0);
    ok = ok && EVP_CIPHER_CTX_ctrl(a->ctx, EVP_CTRL_AEAD_SET_TAG, CTLS_AEAD_TAG_LEN, tag);
    if (ok && aad_len) ok = EVP_CipherUpdate(a->ctx, NULL, &n, aad, (int)aad_len);
    n = 0;
    /* GCM and ChaCha20-Poly1305 are stream modes: each update returns exactly its input. */
    if (ok && out_len) ok = EVP_CipherUpdate(a->ctx, out, &n, in, (int)out_len);
    if (ok && tail_len) ok = EVP_CipherUpdate(a->ctx, tail, &n2, in + out_len, (int)tail_len);
    ok = ok && (size_t)n == out_len && (size_t)n2 == tail_len;
    /* Final checks the tag in constant time (and returns no bytes for these modes). */
    int tag_ok = ok && EVP_CipherFinal_ex(a->ctx, &dummy, &fin) > 0 && fin == 0;
    if (!tag_ok) {
        if (out_len) OPENSSL_cleanse(out, out_len);
        if (tail_len) OPENSSL_cleanse(tail, tail_len);
        return ok ? CTLS_ERR_BAD_RECORD_MAC : CTLS_ERR_CRYPTO;
    }
    return 0;
}

int ctls_aead_open(ctls_aead *a, const uint8_t nonce[CTLS_AEAD_NONCE_LEN], const uint8_t *aad,
                   size_t aad_len, const uint8_t *in, size_t len, uint8_t *out)
{
    CTLS_ENSURE(out != NULL, CTLS_ERR_INVALID_ARG);
    return ctls_aead_open2(a, nonce, aad, aad_len, in, len, out, SIZE_MAX, NULL);
}

void ctls_aead_free(ctls_aead *a)
{
    if (!a) return;
    EVP_CIPHER_CTX_free(a->ctx); /* cleanses the key schedule */
    ctls_free(a);
}
