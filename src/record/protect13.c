/* TLS 1.3 record protection (RFC 8446 5.2, 5.3): per-direction AEAD key, IV and sequence. */
#include <string.h>

#include "api/internal.h"
#include "core/mem.h"
#include "record/record.h"

int rec_set_keys13(rec_keys *k, int aead_alg, int hash, const uint8_t *secret, uint8_t *fin_key)
{
    uint8_t key[CTLS_AEAD_MAX_KEY_LEN];
    size_t kl = ctls_aead_key_len(aead_alg);
    CTLS_GUARD(ks13_traffic_keys(hash, aead_alg, secret, key, kl, k->iv, fin_key));
    int rc;
    if (k->aead && ctls_aead_alg(k->aead) == aead_alg) {
        /* a key change on this direction (handshake -> application, KeyUpdate) */
        rc = ctls_aead_rekey(k->aead, key, kl);
        if (rc < 0) {
            ctls_aead_free(k->aead);
            k->aead = NULL;
        }
    } else {
        ctls_aead *a = NULL;
        rc = ctls_aead_new(aead_alg, key, kl, &a);
        if (rc == 0) {
            ctls_aead_free(k->aead);
            k->aead = a;
        }
    }
    ctls_wipe(key, sizeof key);
    CTLS_GUARD(rc);
    k->aead_alg = aead_alg;
    k->seq = 0; /* RFC 8446 5.3: reset on every key change */
    return 0;
}

void rec_keys_clear(rec_keys *k)
{
    ctls_aead_free(k->aead);
    ctls_wipe(k, sizeof *k);
}

/* RFC 8446 5.3: the nonce is the IV XORed with the left-padded 64-bit sequence number. */
static void rec_nonce(const rec_keys *k, uint8_t nonce[CTLS_AEAD_NONCE_LEN])
{
    memcpy(nonce, k->iv, CTLS_AEAD_NONCE_LEN);
    for (int i = 0; i < 8; i++)
        nonce[CTLS_AEAD_NONCE_LEN - 1 - i] ^= (uint8_t)(k->seq >> (8 * i));
}

int rec_open13_into(rec_keys *k, const uint8_t *hdr, const uint8_t *in, size_t len, uint8_t *p,
                    size_t p_cap, uint8_t *type, size_t *plain_len)
{
    uint8_t nonce[CTLS_AEAD_NONCE_LEN], tail[1];
    if (len < CTLS_AEAD_TAG_LEN + 1)
        return CTLS_ERR_BAD_RECORD_MAC;     /* RFC 8446 5.2: too short to hold tag + type */
    size_t total = len - CTLS_AEAD_TAG_LEN; /* the inner plaintext: data, type, padding */
    if (total - 1 > p_cap) return CTLS_ERR_INTERNAL;
    if (k->seq == UINT64_MAX) return CTLS_ERR_LIMIT;
    rec_nonce(k, nonce);
    size_t in_p = total < p_cap ? total : p_cap; /* at most the last byte goes to tail */
    CTLS_GUARD(ctls_aead_open2(k->aead, nonce, hdr, REC_HEADER_LEN, in, len, p, in_p, tail));
    k->seq++;
    /* Strip the zero padding: the content type is the last non-zero byte. */
    size_t n = total;
    while (n > 0 && (n > in_p ? tail[n - 1 - in_p] : p[n - 1]) == 0)
        n--;
    if (n == 0) return CTLS_ERR_UNEXPECTED_MESSAGE; /* RFC 8446 5.4: all padding */
    *type = n > in_p ? tail[n - 1 - in_p] : p[n - 1];
    *plain_len = n - 1;
    if (*plain_len > REC_MAX_PLAIN) return CTLS_ERR_RECORD_OVERFLOW;
    return 0;
}

int rec_open13(rec_keys *k, const uint8_t *hdr, const uint8_t *in, size_t len, uint8_t *p,
               uint8_t *type, size_t *plain_len)
{
    return rec_open13_into(k, hdr, in, len, p, SIZE_MAX, type, plain_len);
}

int rec_seal13(rec_keys *k, uint8_t type, const uint8_t *data, size_t len, uint8_t *out)
{
    uint8_t nonce[CTLS_AEAD_NONCE_LEN];
    if (k->seq == UINT64_MAX) return CTLS_ERR_LIMIT;
    size_t clen = len + 1 + CTLS_AEAD_TAG_LEN;
    out[0] = CT_APPLICATION_DATA; /* RFC 8446 5.2: opaque_type */
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = (uint8_t)(clen >> 8);
    out[4] = (uint8_t)clen;
    uint8_t *body = out + REC_HEADER_LEN;
    rec_nonce(k, nonce);
    if (body == data) {
        body[len] = type;
        CTLS_GUARD(ctls_aead_seal(k->aead, nonce, out, REC_HEADER_LEN, body, len + 1, body));
    } else {
        /* straight from the caller's buffer: no copy of the plaintext first */
        CTLS_GUARD(ctls_aead_seal2(k->aead, nonce, out, REC_HEADER_LEN, data, len, &type, 1, body));
    }
    k->seq++;
    return 0;
}
