/* Server: the keys that seal session tickets, and their rotation (RFC 5077 5.5, RFC 8446
 * 4.6.1 and 8: ticket keys should change for forward secrecy).
 *
 * Time is cut into periods of R seconds (the rotation; R = 0: one period forever), period
 * i = floor(now / R). A ticket is sealed with the current period's key and opens with it or
 * the previous period's (and, with an application key, the next period's: servers whose clocks
 * straddle a boundary still take each other's tickets). Older tickets fail the name check:
 * a silent full handshake.
 *
 * With an application key (ctls_config_set_ticket_key), every key is derived from its master
 * with HKDF-SHA256 (RFC 5869), so a farm of servers given the same master rotates in step
 * without talking to each other:
 *
 *   PRK      = HKDF-Extract(salt = "ctls ticket key", IKM = master)
 *   key_i    = HKDF-Expand(PRK, "ctls ticket key" || u32 R || u32 lifetime || u64 i, 48)
 *   name[16] || aead_key[32] = key_i
 *
 * R and the lifetime are in the info, so servers set differently never share keys (their
 * tickets would be judged differently). Without an application key, the key of each period is
 * random, and the old ones are wiped when they fall out (forward secrecy within the process). */
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "session/session.h"

int64_t (*ticket_keys_test_clock)(void);

static const char label[] = "ctls ticket key";

/* R in seconds (0: no rotation). */
static uint32_t rotation(const ctls_config *cfg)
{
    return cfg->ticket_rotation_set ? cfg->ticket_rotation : cfg->ticket_lifetime;
}

/* The rotation period's index of now (0 without rotation). */
static uint64_t period_now(const ctls_config *cfg)
{
    uint32_t r = rotation(cfg);
    int64_t now = ticket_keys_test_clock ? ticket_keys_test_clock() : sess_wall_ms() / 1000;
    return r && now > 0 ? (uint64_t)now / r : 0;
}

/* key_i from the application's master (see above). */
static int derive(const ctls_config *cfg, uint64_t i, ticket_key *k)
{
    uint8_t prk[32], info[sizeof label - 1 + 4 + 4 + 8], okm[sizeof k->name + sizeof k->key];
    ctls_writer w;
    wr_init(&w, info, sizeof info);
    (void)wr_bytes(&w, label, sizeof label - 1);
    (void)wr_u32(&w, rotation(cfg));
    (void)wr_u32(&w, cfg->ticket_lifetime);
    (void)wr_u64(&w, i);
    int rc = wr_status(&w);
    if (rc == 0)
        rc = ctls_hkdf_extract(CTLS_HASH_SHA256, (const uint8_t *)label, sizeof label - 1,
                               cfg->ticket_master, cfg->ticket_master_len, prk);
    if (rc == 0)
        rc = ctls_hkdf_expand(CTLS_HASH_SHA256, prk, sizeof prk, info, w.len, okm, sizeof okm);
    if (rc == 0) {
        memcpy(k->name, okm, sizeof k->name);
        memcpy(k->key, okm + sizeof k->name, sizeof k->key);
    }
    ctls_wipe(prk, sizeof prk);
    ctls_wipe(okm, sizeof okm);
    return rc;
}

/* The key set of period i (under cfg->lock). */
static int rotate(const ctls_config *cfg, struct sess_cfg *sc, uint64_t i)
{
    ticket_keyset ks;
    memset(&ks, 0, sizeof ks);
    int rc = 0;
    if (cfg->ticket_master_len) {
        rc = derive(cfg, i, &ks.k[ks.n++]);
        if (rc == 0 && i > 0) rc = derive(cfg, i - 1, &ks.k[ks.n++]);
        if (rc == 0 && i < UINT64_MAX && rotation(cfg) != 0) rc = derive(cfg, i + 1, &ks.k[ks.n++]);
    } else {
        rc = ctls_random_secret(&ks.k[ks.n++], sizeof ks.k[0]); /* key material */
        /* the current key becomes the previous one only when its period just ended */
        if (rc == 0 && sc->keyed && i == sc->period + 1) ks.k[ks.n++] = sc->keys.k[0];
    }
    if (rc == 0) {
        ctls_wipe(&sc->keys, sizeof sc->keys);
        sc->keys = ks;
        sc->period = i;
        sc->keyed = 1;
    }
    ctls_wipe(&ks, sizeof ks);
    return rc;
}

int ticket_keys_get(ctls_config *cfg, ticket_keyset *out)
{
    struct sess_cfg *sc;
    memset(out, 0, sizeof *out);
    CTLS_GUARD(sess_cfg_get(cfg, &sc));
    /* the config is read-only now: only the key set changes, under the lock */
    pthread_mutex_lock(&cfg->lock);
    uint64_t i = period_now(cfg);
    int rc = sc->keyed && sc->period == i ? 0 : rotate(cfg, sc, i);
    if (rc == 0) *out = sc->keys;
    pthread_mutex_unlock(&cfg->lock);
    return rc;
}
