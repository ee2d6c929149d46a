#include "hs/keysched13.h"

#include <string.h>

#include "core/mem.h"

int ks13_init(hs_ks13 *ks, int hash, const uint8_t *psk, size_t psk_len)
{
    uint8_t zeros[KS_MAX] = {0};
    ks->hash = hash;
    ks->hlen = ctls_hash_len(hash);
    if (!ks->hlen) return CTLS_ERR_INTERNAL;
    if (!psk) {
        psk = zeros;
        psk_len = ks->hlen;
    }
    /* RFC 8446 7.1: salt 0 is a string of Hash.length zero bytes */
    CTLS_GUARD(ctls_hkdf_extract(hash, zeros, ks->hlen, psk, psk_len, ks->secret));
    return ctls_prk_init(&ks->prk, hash, ks->secret, ks->hlen);
}

int ks13_load(hs_ks13 *ks, int hash, const uint8_t *secret)
{
    ks->hash = hash;
    ks->hlen = ctls_hash_len(hash);
    if (!ks->hlen) return CTLS_ERR_INTERNAL;
    memcpy(ks->secret, secret, ks->hlen);
    return ctls_prk_init(&ks->prk, hash, ks->secret, ks->hlen);
}

int ks13_derive(const hs_ks13 *ks, const char *label, const uint8_t *thash, uint8_t *out)
{
    return ctls_prk_expand_label(&ks->prk, label, thash, ks->hlen, out, ks->hlen);
}

int ks13_advance(hs_ks13 *ks, const uint8_t *ikm, size_t ikm_len)
{
    uint8_t empty_hash[KS_MAX], derived[KS_MAX], zeros[KS_MAX] = {0};
    CTLS_GUARD(ctls_hash(ks->hash, "", 0, empty_hash));
    CTLS_GUARD(ks13_derive(ks, "derived", empty_hash, derived));
    if (!ikm) {
        ikm = zeros;
        ikm_len = ks->hlen;
    }
    int rc = ctls_hkdf_extract(ks->hash, derived, ks->hlen, ikm, ikm_len, ks->secret);
    ctls_wipe(derived, sizeof derived);
    if (rc == 0) rc = ctls_prk_init(&ks->prk, ks->hash, ks->secret, ks->hlen);
    return rc;
}

int ks13_traffic_keys(int hash, int aead, const uint8_t *secret, uint8_t *key, size_t key_len,
                      uint8_t iv[CTLS_AEAD_NONCE_LEN])
{
    size_t hl = ctls_hash_len(hash);
    if (key_len != ctls_aead_key_len(aead)) return CTLS_ERR_INTERNAL;
    ctls_prk prk; /* one keying for both expansions */
    int rc = ctls_prk_init(&prk, hash, secret, hl);
    if (rc == 0) rc = ctls_prk_expand_label(&prk, "key", NULL, 0, key, key_len);
    if (rc == 0) rc = ctls_prk_expand_label(&prk, "iv", NULL, 0, iv, CTLS_AEAD_NONCE_LEN);
    ctls_prk_wipe(&prk);
    return rc;
}

int ks13_finished(int hash, const uint8_t *base_key, const uint8_t *thash, uint8_t *out)
{
    size_t hl = ctls_hash_len(hash);
    uint8_t fk[KS_MAX];
    CTLS_GUARD(ctls_hkdf_expand_label(hash, base_key, hl, "finished", NULL, 0, fk, hl));
    int rc = ctls_hmac(hash, fk, hl, thash, hl, out);
    ctls_wipe(fk, sizeof fk);
    return rc;
}

int ks13_update_secret(int hash, uint8_t *secret)
{
    size_t hl = ctls_hash_len(hash);
    uint8_t next[KS_MAX];
    CTLS_GUARD(ctls_hkdf_expand_label(hash, secret, hl, "traffic upd", NULL, 0, next, hl));
    memcpy(secret, next, hl);
    ctls_wipe(next, sizeof next);
    return 0;
}

void ks13_wipe(hs_ks13 *ks)
{
    ctls_wipe(ks->secret, sizeof ks->secret);
    ctls_prk_wipe(&ks->prk);
}
