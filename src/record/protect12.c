/* TLS 1.2 record protection for the AEAD suites (RFC 5246 6.2.3.3):
 * - AES-GCM (RFC 5288 3): nonce = 4-byte implicit salt (client/server_write_IV) || 8-byte
 *   explicit nonce carried at the front of each record; we send the sequence number there.
 * - ChaCha20-Poly1305 (RFC 7905 2): nonce = 12-byte IV XOR the left-padded sequence number,
 *   no explicit nonce.
 * AAD (RFC 5246 6.2.3.3) = seq_num || type || version || length of the plaintext. */
#include <string.h>

#include "api/internal.h"
#include "core/mem.h"
#include "record/record.h"

#define EXPLICIT_NONCE_LEN 8
#define GCM_SALT_LEN 4

static size_t explicit_len(const rec_keys *k)
{
    return k->aead_alg == CTLS_AEAD_CHACHA20_POLY1305 ? 0 : EXPLICIT_NONCE_LEN;
}

size_t rec_iv_len12(int aead_alg)
{
    return aead_alg == CTLS_AEAD_CHACHA20_POLY1305 ? CTLS_AEAD_NONCE_LEN : GCM_SALT_LEN;
}

size_t rec_overhead12(const rec_keys *k)
{
    return explicit_len(k) + CTLS_AEAD_TAG_LEN;
}

int rec_set_keys12(rec_keys *k, int aead_alg, const uint8_t *key, const uint8_t *iv)
{
    ctls_aead *a = NULL;
    CTLS_GUARD(ctls_aead_new(aead_alg, key, ctls_aead_key_len(aead_alg), &a));
    ctls_aead_free(k->aead);
    k->aead = a;
    k->aead_alg = aead_alg;
    memset(k->iv, 0, sizeof k->iv);
    memcpy(k->iv, iv, rec_iv_len12(aead_alg));
    k->seq = 0; /* RFC 5246 6.1: reset at every ChangeCipherSpec */
    return 0;
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* The nonce for this record; explicit is the 8 bytes sent (GCM) or NULL (ChaCha20). */
static void nonce12(const rec_keys *k, const uint8_t *explicit, uint8_t nonce[CTLS_AEAD_NONCE_LEN])
{
    if (k->aead_alg == CTLS_AEAD_CHACHA20_POLY1305) {
        memcpy(nonce, k->iv, CTLS_AEAD_NONCE_LEN);
        for (int i = 0; i < 8; i++)
            nonce[CTLS_AEAD_NONCE_LEN - 1 - i] ^= (uint8_t)(k->seq >> (8 * i));
    } else {
        memcpy(nonce, k->iv, GCM_SALT_LEN);
        memcpy(nonce + GCM_SALT_LEN, explicit, EXPLICIT_NONCE_LEN);
    }
}

static void aad12(const rec_keys *k, uint8_t type, size_t plain_len, uint8_t aad[13])
{
    put_u64(aad, k->seq);
    aad[8] = type;
    aad[9] = 0x03;
    aad[10] = 0x03;
    aad[11] = (uint8_t)(plain_len >> 8);
    aad[12] = (uint8_t)plain_len;
}

int rec_open12(rec_keys *k, uint8_t type, uint8_t *p, size_t len, size_t *plain_off,
               size_t *plain_len)
{
    size_t ex = explicit_len(k);
    uint8_t nonce[CTLS_AEAD_NONCE_LEN], aad[13];
    if (len < ex + CTLS_AEAD_TAG_LEN) return CTLS_ERR_BAD_RECORD_MAC; /* too short */
    if (k->seq == UINT64_MAX) return CTLS_ERR_LIMIT;                  /* RFC 5246 6.1 */
    size_t n = len - ex - CTLS_AEAD_TAG_LEN;
    if (n > REC_MAX_PLAIN) return CTLS_ERR_RECORD_OVERFLOW; /* RFC 5246 6.2.3 */
    nonce12(k, p, nonce);
    aad12(k, type, n, aad);
    CTLS_GUARD(ctls_aead_open(k->aead, nonce, aad, sizeof aad, p + ex, len - ex, p + ex));
    k->seq++;
    *plain_off = ex;
    *plain_len = n;
    return 0;
}

int rec_seal12(rec_keys *k, uint8_t type, const uint8_t *data, size_t len, uint8_t *out)
{
    size_t ex = explicit_len(k);
    uint8_t nonce[CTLS_AEAD_NONCE_LEN], aad[13];
    if (k->seq == UINT64_MAX) return CTLS_ERR_LIMIT;
    size_t clen = ex + len + CTLS_AEAD_TAG_LEN;
    out[0] = type;
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = (uint8_t)(clen >> 8);
    out[4] = (uint8_t)clen;
    uint8_t *body = out + REC_HEADER_LEN;
    if (len && body + ex != data) memmove(body + ex, data, len);
    /* RFC 5288 3: the explicit nonce must never repeat under one key: the sequence number */
    if (ex) put_u64(body, k->seq);
    nonce12(k, body, nonce);
    aad12(k, type, len, aad);
    CTLS_GUARD(ctls_aead_seal(k->aead, nonce, aad, sizeof aad, body + ex, len, body + ex));
    k->seq++;
    return 0;
}
