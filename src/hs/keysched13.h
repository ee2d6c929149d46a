/* The TLS 1.3 key schedule (RFC 8446 7.1-7.3). */
#ifndef CTLS_HS_KEYSCHED13_H
#define CTLS_HS_KEYSCHED13_H

#include "crypto/crypto.h"

#define KS_MAX 48 /* SHA-384 */

typedef struct {
    int hash;
    size_t hlen;
    uint8_t secret[KS_MAX]; /* the current stage: early, handshake, then master secret */
    ctls_prk prk;           /* secret, keyed for the Derive-Secret calls of its stage */
    int prk_ready;          /* prk holds the current secret */
    int early_nopsk;        /* secret is the constant Early Secret of a handshake without PSK */
} hs_ks13;

/* Early Secret = HKDF-Extract(0, PSK or zeros). */
int ks13_init(hs_ks13 *ks, int hash, const uint8_t *psk, size_t psk_len);
/* Sets the stage to a known secret (tests, session import). */
int ks13_load(hs_ks13 *ks, int hash, const uint8_t *secret);
/* Next stage: HKDF-Extract(Derive-Secret(secret, "derived", ""), ikm or zeros). */
int ks13_advance(hs_ks13 *ks, const uint8_t *ikm, size_t ikm_len);
/* Derive-Secret(secret, label, Messages) given the transcript hash. */
int ks13_derive(hs_ks13 *ks, const char *label, const uint8_t *thash, uint8_t *out);
/* Traffic key and IV from a traffic secret (RFC 8446 7.3); with fin_key (Hash.length bytes)
 * also the secret's finished_key (4.4.4), from the same keyed state. */
int ks13_traffic_keys(int hash, int aead, const uint8_t *secret, uint8_t *key, size_t key_len,
                      uint8_t iv[CTLS_AEAD_NONCE_LEN], uint8_t *fin_key);
/* finished_key = HKDF-Expand-Label(base, "finished", "", Hash.length) (RFC 8446 4.4.4). */
int ks13_finished_key(int hash, const uint8_t *base_key, uint8_t *fin_key);
/* verify_data = HMAC(finished_key, thash). */
int ks13_finished_mac(int hash, const uint8_t *fin_key, const uint8_t *thash, uint8_t *out);
/* Both: Finished verify_data from a base key. */
int ks13_finished(int hash, const uint8_t *base_key, const uint8_t *thash, uint8_t *out);
/* application_traffic_secret_N+1 (RFC 8446 7.2), in place. */
int ks13_update_secret(int hash, uint8_t *secret);
/* Hash("") for hash (SHA-256 / SHA-384), computed once per process; NULL for others. */
const uint8_t *ks13_empty_hash(int hash);
void ks13_wipe(hs_ks13 *ks);

#endif
