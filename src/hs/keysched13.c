#include "hs/keysched13.h"

#include <pthread.h>
#include <string.h>

#include "core/mem.h"

/* Per-hash constants of the schedule: Hash(""), and without a PSK the Early Secret and its
 * "derived" secret (RFC 8446 7.1: both are functions of the hash alone). Computed once per
 * process; every handshake without resumption starts from them. */
enum { KC_SHA256, KC_SHA384, KC_N };
static struct {
    int ok;
    uint8_t empty[KS_MAX], early[KS_MAX], derived[KS_MAX];
    /* HMAC keyed with the salt of the Early Secret's extract (zeros), and with the constant
     * "derived" secret (the Handshake Secret's salt without a PSK): each extract from them
     * then costs two compressions, not four */
    ctls_prk zero_salt, derived_salt;
} consts[KC_N];
static pthread_once_t consts_once = PTHREAD_ONCE_INIT;

static void consts_init(void)
{
    const int algs[KC_N] = {CTLS_HASH_SHA256, CTLS_HASH_SHA384};
    for (int i = 0; i < KC_N; i++) {
        size_t hl = ctls_hash_len(algs[i]);
        uint8_t zeros[KS_MAX] = {0};
        consts[i].ok = ctls_hash(algs[i], "", 0, consts[i].empty) == 0 &&
                       ctls_hkdf_extract(algs[i], zeros, hl, zeros, hl, consts[i].early) == 0 &&
                       ctls_hkdf_expand_label(algs[i], consts[i].early, hl, "derived",
                                              consts[i].empty, hl, consts[i].derived, hl) == 0 &&
                       ctls_prk_init(&consts[i].zero_salt, algs[i], zeros, hl) == 0 &&
                       ctls_prk_init(&consts[i].derived_salt, algs[i], consts[i].derived, hl) == 0;
    }
}

static int kindex(int hash)
{
    int i = hash == CTLS_HASH_SHA256 ? KC_SHA256 : hash == CTLS_HASH_SHA384 ? KC_SHA384 : -1;
    if (i < 0) return -1;
    pthread_once(&consts_once, consts_init);
    return consts[i].ok ? i : -1;
}

static const uint8_t *kconst(int hash, int which)
{
    int i = kindex(hash);
    if (i < 0) return NULL;
    return which == 0 ? consts[i].empty : consts[i].early;
}

/* HKDF-Extract(salt, ikm) with salt zeros (which 0) or the no-PSK "derived" secret (1). */
static int kextract(int hash, int which, const uint8_t *ikm, size_t ikm_len, uint8_t *out)
{
    int i = kindex(hash);
    if (i < 0) return CTLS_ERR_INTERNAL;
    return ctls_prk_hmac(which == 0 ? &consts[i].zero_salt : &consts[i].derived_salt, ikm, ikm_len,
                         out);
}

static int set_stage(hs_ks13 *ks)
{
    ks->prk_ready = 0; /* keyed on first use: a stage may end without any Derive-Secret */
    return 0;
}

int ks13_init(hs_ks13 *ks, int hash, const uint8_t *psk, size_t psk_len)
{
    uint8_t zeros[KS_MAX] = {0};
    ks->hash = hash;
    ks->hlen = ctls_hash_len(hash);
    ks->early_nopsk = 0;
    if (!ks->hlen) return CTLS_ERR_INTERNAL;
    const uint8_t *early = psk ? NULL : kconst(hash, 1);
    if (early) {
        memcpy(ks->secret, early, ks->hlen);
        ks->early_nopsk = 1;
        return set_stage(ks);
    }
    if (!psk) {
        psk = zeros;
        psk_len = ks->hlen;
    }
    /* RFC 8446 7.1: salt 0 is a string of Hash.length zero bytes */
    if (kindex(hash) >= 0)
        CTLS_GUARD(kextract(hash, 0, psk, psk_len, ks->secret));
    else
        CTLS_GUARD(ctls_hkdf_extract(hash, zeros, ks->hlen, psk, psk_len, ks->secret));
    return set_stage(ks);
}

int ks13_load(hs_ks13 *ks, int hash, const uint8_t *secret)
{
    ks->hash = hash;
    ks->hlen = ctls_hash_len(hash);
    ks->early_nopsk = 0;
    if (!ks->hlen) return CTLS_ERR_INTERNAL;
    memcpy(ks->secret, secret, ks->hlen);
    return set_stage(ks);
}

int ks13_derive(hs_ks13 *ks, const char *label, const uint8_t *thash, uint8_t *out)
{
    if (!ks->prk_ready) {
        CTLS_GUARD(ctls_prk_init(&ks->prk, ks->hash, ks->secret, ks->hlen));
        ks->prk_ready = 1;
    }
    return ctls_prk_expand_label(&ks->prk, label, thash, ks->hlen, out, ks->hlen);
}

int ks13_advance(hs_ks13 *ks, const uint8_t *ikm, size_t ikm_len)
{
    uint8_t empty_hash[KS_MAX], derived[KS_MAX], zeros[KS_MAX] = {0};
    if (!ikm) {
        ikm = zeros;
        ikm_len = ks->hlen;
    }
    if (ks->early_nopsk) { /* set only when the constants exist */
        ks->early_nopsk = 0;
        CTLS_GUARD(kextract(ks->hash, 1, ikm, ikm_len, ks->secret));
        return set_stage(ks);
    }
    const uint8_t *e = kconst(ks->hash, 0);
    if (e)
        memcpy(empty_hash, e, ks->hlen);
    else
        CTLS_GUARD(ctls_hash(ks->hash, "", 0, empty_hash));
    CTLS_GUARD(ks13_derive(ks, "derived", empty_hash, derived));
    int rc = ctls_hkdf_extract(ks->hash, derived, ks->hlen, ikm, ikm_len, ks->secret);
    ctls_wipe(derived, sizeof derived);
    if (rc == 0) rc = set_stage(ks);
    return rc;
}

int ks13_traffic_keys(int hash, int aead, const uint8_t *secret, uint8_t *key, size_t key_len,
                      uint8_t iv[CTLS_AEAD_NONCE_LEN], uint8_t *fin_key)
{
    size_t hl = ctls_hash_len(hash);
    if (key_len != ctls_aead_key_len(aead)) return CTLS_ERR_INTERNAL;
    ctls_prk prk; /* one keying for every expansion */
    int rc = ctls_prk_init(&prk, hash, secret, hl);
    if (rc == 0) rc = ctls_prk_expand_label(&prk, "key", NULL, 0, key, key_len);
    if (rc == 0) rc = ctls_prk_expand_label(&prk, "iv", NULL, 0, iv, CTLS_AEAD_NONCE_LEN);
    if (rc == 0 && fin_key) rc = ctls_prk_expand_label(&prk, "finished", NULL, 0, fin_key, hl);
    ctls_prk_wipe(&prk);
    return rc;
}

int ks13_finished_key(int hash, const uint8_t *base_key, uint8_t *fin_key)
{
    size_t hl = ctls_hash_len(hash);
    return ctls_hkdf_expand_label(hash, base_key, hl, "finished", NULL, 0, fin_key, hl);
}

int ks13_finished_mac(int hash, const uint8_t *fin_key, const uint8_t *thash, uint8_t *out)
{
    size_t hl = ctls_hash_len(hash);
    return ctls_hmac(hash, fin_key, hl, thash, hl, out);
}

int ks13_finished(int hash, const uint8_t *base_key, const uint8_t *thash, uint8_t *out)
{
    uint8_t fk[KS_MAX];
    int rc = ks13_finished_key(hash, base_key, fk);
    if (rc == 0) rc = ks13_finished_mac(hash, fk, thash, out);
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

const uint8_t *ks13_empty_hash(int hash)
{
    return kconst(hash, 0);
}

void ks13_wipe(hs_ks13 *ks)
{
    ctls_wipe(ks, sizeof *ks); /* the secret, its keyed state and the flags */
}
