/* Client session store (like Secure Transport's SSLSetPeerID): in the config, keyed by the
 * application's peer ID, holding the newest session for each. At most SESS_STORE_MAX entries;
 * when full the oldest entry is evicted. Every access holds cfg->lock, so connections on
 * different threads may share the config. Entries hold private copies of the sessions. */
#include <string.h>

#include "core/mem.h"
#include "session/session.h"

static sess_store_entry *find(struct sess_cfg *sc, const uint8_t *id, size_t len)
{
    for (size_t i = 0; i < sc->n_entries; i++)
        if (sc->entries[i].peer_id_len == len && memcmp(sc->entries[i].peer_id, id, len) == 0)
            return &sc->entries[i];
    return NULL;
}

static void entry_clear(sess_store_entry *e)
{
    ctls_free(e->peer_id);
    ctls_session_free(e->sess);
    memset(e, 0, sizeof *e);
}

static void drop(struct sess_cfg *sc, sess_store_entry *e)
{
    entry_clear(e);
    *e = sc->entries[--sc->n_entries];
    memset(&sc->entries[sc->n_entries], 0, sizeof *e);
}

ctls_session *store_lookup(ctls_config *cfg, const uint8_t *peer_id, size_t len)
{
    struct sess_cfg *sc;
    if (sess_cfg_get(cfg, &sc) < 0) return NULL;
    pthread_mutex_lock(&cfg->lock);
    sess_store_entry *e = find(sc, peer_id, len);
    ctls_session *s = e ? sess_dup(e->sess) : NULL;
    pthread_mutex_unlock(&cfg->lock);
    return s;
}

int store_put(ctls_config *cfg, const uint8_t *peer_id, size_t len, const ctls_session *s)
{
    struct sess_cfg *sc;
    CTLS_GUARD(sess_cfg_get(cfg, &sc));
    ctls_session *copy = sess_dup(s);
    uint8_t *id = ctls_memdup(peer_id, len);
    if (!copy || !id) {
        ctls_session_free(copy);
        ctls_free(id);
        return CTLS_ERR_NOMEM;
    }
    int rc = 0;
    pthread_mutex_lock(&cfg->lock);
    sess_store_entry *e = find(sc, peer_id, len);
    if (e) {
        entry_clear(e);
    } else if (sc->n_entries == SESS_STORE_MAX) {
        sess_store_entry *oldest = &sc->entries[0];
        for (size_t i = 1; i < sc->n_entries; i++)
            if (sc->entries[i].seq < oldest->seq) oldest = &sc->entries[i];
        entry_clear(oldest);
        e = oldest;
    } else {
        if (!sc->entries) sc->entries = ctls_calloc(SESS_STORE_MAX, sizeof *sc->entries);
        if (sc->entries)
            e = &sc->entries[sc->n_entries++];
        else
            rc = CTLS_ERR_NOMEM;
    }
    if (e) {
        e->peer_id = id;
        e->peer_id_len = len;
        e->sess = copy;
        e->seq = sc->next_seq++;
        id = NULL;
        copy = NULL;
    }
    pthread_mutex_unlock(&cfg->lock);
    ctls_session_free(copy);
    ctls_free(id);
    return rc;
}

void store_remove(ctls_config *cfg, const uint8_t *peer_id, size_t len, uint64_t serial)
{
    struct sess_cfg *sc;
    if (sess_cfg_get(cfg, &sc) < 0) return;
    pthread_mutex_lock(&cfg->lock);
    sess_store_entry *e = find(sc, peer_id, len);
    if (e && e->sess->serial == serial) drop(sc, e);
    pthread_mutex_unlock(&cfg->lock);
}
