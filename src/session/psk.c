/* Resumption PSKs and their binders (RFC 8446 4.2.11.2, 4.6.1, 7.1). */
#include <string.h>

#include "core/mem.h"
#include "hs/keysched13.h"
#include "session/session.h"

int psk_from_ticket(int hash, const uint8_t *res_master, const uint8_t *nonce, size_t nonce_len,
                    uint8_t *out)
{
    size_t hl = ctls_hash_len(hash);
    if (!hl) return CTLS_ERR_INTERNAL;
    /* RFC 8446 4.6.1: HKDF-Expand-Label(resumption_master_secret, "resumption",
     * ticket_nonce, Hash.length) */
    return ctls_hkdf_expand_label(hash, res_master, hl, "resumption", nonce, nonce_len, out, hl);
}

/* Transcript-Hash(messages so far || truncated ClientHello); t keeps the state for the
 * whole ClientHello (tr_hash_prefix). */
static int binder_thash(int hash, hs_transcript *t, const uint8_t *trunc, size_t len, uint8_t *out)
{
    if (t) return tr_hash_prefix(t, hash, trunc, len, out);
    return ctls_hash(hash, trunc, len, out);
}

int psk_binder(int hash, const uint8_t *psk, size_t psk_len, hs_transcript *t, const uint8_t *trunc,
               size_t len, uint8_t *out, hs_ks13 *early)
{
    uint8_t binder_key[KS_MAX], th[CTLS_MAX_HASH_LEN];
    hs_ks13 local, *ks = early ? early : &local;
    memset(ks, 0, sizeof *ks);
    const uint8_t *empty = ks13_empty_hash(hash);
    /* RFC 8446 7.1: Early Secret = HKDF-Extract(0, PSK);
     * binder_key = Derive-Secret(Early Secret, "res binder", "") */
    int rc = empty ? ks13_init(ks, hash, psk, psk_len) : CTLS_ERR_INTERNAL;
    if (rc == 0) rc = ks13_derive(ks, "res binder", empty, binder_key);
    /* RFC 8446 4.2.11.2: the binder is computed as a Finished message (4.4.4) with the
     * BaseKey binder_key, over the transcript hash of the truncated ClientHello. */
    if (rc == 0) rc = binder_thash(hash, t, trunc, len, th);
    if (rc == 0) rc = ks13_finished(hash, binder_key, th, out);
    if (rc < 0 || !early) ks13_wipe(ks);
    ctls_wipe(binder_key, sizeof binder_key);
    return rc;
}

int psk_binder_check(int hash, const uint8_t *psk, size_t psk_len, hs_transcript *t,
                     const uint8_t *trunc, size_t len, const uint8_t *binder, size_t binder_len,
                     hs_ks13 *early)
{
    uint8_t want[CTLS_MAX_HASH_LEN];
    size_t hl = ctls_hash_len(hash);
    CTLS_GUARD(psk_binder(hash, psk, psk_len, t, trunc, len, want, early));
    /* the length is public; the contents are compared in constant time */
    int ok = binder_len == hl && ctls_ct_equal(want, binder, hl);
    ctls_wipe(want, sizeof want);
    if (!ok && early) ks13_wipe(early);
    return ok;
}
