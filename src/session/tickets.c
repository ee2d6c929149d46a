/* Server: stateless session tickets for TLS 1.3 (RFC 8446 4.6.1, PSK selection RFC 8446
 * 4.2.11) and TLS 1.2 (RFC 5077).
 *
 * A ticket is the resumption state sealed under the config's ticket key (RFC 5077 4 layout):
 *
 *   key_name[16] || iv[12] || AES-256-GCM(key, iv, aad = key_name, state) || tag[16]
 *
 * The state's first byte is its format, which also names the TLS version, so a ticket of one
 * version is never accepted as the other (it is authenticated with the rest):
 *
 *   1 (TLS 1.3): u16 suite, opaque psk<1..255>, u64 issued (Unix ms), u32 age_add,
 *                u32 lifetime (s), opaque sni<0..255>, opaque alpn<0..255>
 *   2 (TLS 1.2): u16 suite, opaque master_secret<1..255> (48 bytes), u64 issued (Unix ms),
 *                u32 lifetime (s), opaque sni<0..255>, u8 ems (1: RFC 7627)
 *
 * The keys (ticket_keys.c) are random per config and rotation period, or derived from the
 * application's master key (ctls_config_set_ticket_key: servers sharing it take each other's
 * tickets). A ticket from another key (another config, a restarted server without a master, a
 * key rotated out) fails the name check and is ignored: the handshake is silently a full one.
 * Nothing is remembered per ticket, so a ticket may be used more than once within its lifetime;
 * that is safe without early data (never accepted with these tickets, hs/early13.c), because every
 * TLS 1.3 resumption here is psk_dhe_ke (fresh (EC)DHE: RFC 8446 2.2, 8). A TLS 1.2 resumption
 * reuses the master secret (RFC 5246 7.3) with fresh randoms.
 *
 * With the config's session cache on (cache.h), the state stays in server memory instead: a
 * TLS 1.3 ticket is a random cache key, used once (taken when its binder verified; the only
 * tickets that announce early data, RFC 8446 8.1), and a
 * TLS 1.2 client that presents no ticket gets a random session ID that keys the cache (RFC
 * 5246 7.4.1.3). A TLS 1.2 client that supports tickets still gets sealed ones (RFC 5077 3.4:
 * with a ticket the client's session ID is only a signal, possibly random, not a key). */
#include <pthread.h>
#include <string.h>

#include "core/mem.h"
#include "hs/hs.h"
#include "session/cache.h"
#include "session/session.h"

#define TICKET_IV_LEN CTLS_AEAD_NONCE_LEN
#define TICKET_OVERHEAD (TICKET_NAME_LEN + TICKET_IV_LEN + CTLS_AEAD_TAG_LEN)
#define STATE_VERSION 1   /* TLS 1.3 */
#define STATE_VERSION12 2 /* TLS 1.2 */
#define STATE_MAX (1 + 2 + 1 + KS_MAX + 8 + 4 + 4 + 2 * (1 + SESS_MAX_NAME))
#define STATE12_MAX (1 + 2 + 1 + SESS12_MASTER_LEN + 8 + 4 + 1 + SESS_MAX_NAME + 1)
_Static_assert(STATE12_MAX + TICKET_OVERHEAD <= SESS12_TICKET_MAX, "TLS 1.2 ticket size");
_Static_assert(CACHE_MAX_NAME <= STATE_MAX && CACHE_KEY_LEN <= STATE_MAX, "cache fits tickets");
_Static_assert(2 * CACHE_MAX_NAME <= STATE_MAX, "a cached name and ALPN fit state13_of's buffer");
_Static_assert(CACHE_KEY_LEN == SESS12_MAX_ID, "a cache key is a whole session ID");

typedef struct {
    uint16_t suite;
    uint8_t psk[KS_MAX];
    size_t psk_len;
    uint64_t issued_ms;
    uint32_t age_add, lifetime;
    ctls_slice sni, alpn;    /* point into the decrypted buffer */
    uint32_t max_early_data; /* cache tickets only: what the ticket announced */
} ticket_state;

/* The ticket keys' cipher contexts, kept per thread: allocating and keying an AES-256-GCM
 * context costs more than sealing or opening a ticket. A slot is found by key name and key
 * (compared, so a replaced or rotated key is never used stale); with rotation a server seals
 * with one key and opens with up to three, hence as many slots. Wiped and freed with the
 * thread. */
#define TAC_SLOTS 3
typedef struct {
    struct {
        ctls_aead *a;
        ticket_key k;
    } slot[TAC_SLOTS];
    unsigned next; /* the slot to rekey next */
} ticket_aead_cache;
static pthread_key_t tac_key;
static pthread_once_t tac_once = PTHREAD_ONCE_INIT;
static _Thread_local ticket_aead_cache *tac;

static void tac_free(void *p)
{
    ticket_aead_cache *t = p;
    for (size_t i = 0; i < TAC_SLOTS; i++)
        ctls_aead_free(t->slot[i].a);
    ctls_free_secret(t, sizeof *t);
}

static void tac_init(void)
{
    (void)pthread_key_create(&tac_key, tac_free);
}

static ctls_aead *ticket_aead(const ticket_key *k)
{
    if (!tac) {
        pthread_once(&tac_once, tac_init);
        ticket_aead_cache *t = ctls_calloc(1, sizeof *t);
        if (!t) return NULL;
        if (pthread_setspecific(tac_key, t) != 0) {
            ctls_free(t);
            return NULL;
        }
        tac = t;
    }
    for (size_t i = 0; i < TAC_SLOTS; i++)
        if (tac->slot[i].a && memcmp(tac->slot[i].k.name, k->name, TICKET_NAME_LEN) == 0 &&
            ctls_ct_equal(tac->slot[i].k.key, k->key, TICKET_KEY_LEN))
            return tac->slot[i].a;
    unsigned n = tac->next;
    tac->next = (n + 1) % TAC_SLOTS;
    ctls_aead **a = &tac->slot[n].a;
    int rc = *a ? ctls_aead_rekey(*a, k->key, TICKET_KEY_LEN)
                : ctls_aead_new(CTLS_AEAD_AES_256_GCM, k->key, TICKET_KEY_LEN, a);
    if (rc < 0) {
        ctls_aead_free(*a);
        *a = NULL;
        ctls_wipe(&tac->slot[n].k, sizeof tac->slot[n].k);
        return NULL;
    }
    tac->slot[n].k = *k;
    return *a;
}

/* Seal with the current key (ks->k[0]). */
static int seal_ticket(const ticket_keyset *ks, const uint8_t *state, size_t len, uint8_t *out,
                       size_t *out_len)
{
    const ticket_key *k = &ks->k[0];
    memcpy(out, k->name, TICKET_NAME_LEN);
    CTLS_GUARD(ctls_random(out + TICKET_NAME_LEN, TICKET_IV_LEN));
    ctls_aead *a = ticket_aead(k);
    CTLS_ENSURE(a != NULL, CTLS_ERR_CRYPTO);
    int rc = ctls_aead_seal(a, out + TICKET_NAME_LEN, k->name, TICKET_NAME_LEN, state, len,
                            out + TICKET_NAME_LEN + TICKET_IV_LEN);
    *out_len = len + TICKET_OVERHEAD;
    return rc;
}

/* 1 with the decrypted state in buf (holds the ticket's length) and its length in *len when
 * the ticket is sealed by one of the keys in ks and authentic; 0 otherwise. */
static int open_ticket(const ticket_keyset *ks, ctls_slice ticket, uint8_t *buf, size_t *len)
{
    if (ticket.len <= TICKET_OVERHEAD || ticket.len - TICKET_OVERHEAD > STATE_MAX) return 0;
    const ticket_key *k = NULL;
    for (size_t i = 0; i < ks->n; i++) /* names are not secret: which key is no secret either */
        if (!k && ctls_ct_equal(ticket.p, ks->k[i].name, TICKET_NAME_LEN)) k = &ks->k[i];
    if (!k) return 0; /* another key, or one rotated out (RFC 5077 4: a full handshake) */
    ctls_aead *a = ticket_aead(k);
    if (!a) return 0;
    size_t clen = ticket.len - TICKET_NAME_LEN - TICKET_IV_LEN;
    int rc = ctls_aead_open(a, ticket.p + TICKET_NAME_LEN, ticket.p, TICKET_NAME_LEN,
                            ticket.p + TICKET_NAME_LEN + TICKET_IV_LEN, clen, buf);
    if (rc < 0) return 0;
    *len = clen - CTLS_AEAD_TAG_LEN;
    return 1;
}

/* 1 with st filled (slices into buf) when buf holds a well-formed TLS 1.3 state. */
static int parse_state13(const uint8_t *buf, size_t len, ticket_state *st)
{
    ctls_reader r;
    uint8_t ver;
    ctls_slice psk;
    rd_init(&r, buf, len);
    if (rd_u8(&r, &ver) < 0 || ver != STATE_VERSION || rd_u16(&r, &st->suite) < 0 ||
        rd_vec8_slice(&r, 1, KS_MAX, &psk) < 0 || rd_u64(&r, &st->issued_ms) < 0 ||
        rd_u32(&r, &st->age_add) < 0 || rd_u32(&r, &st->lifetime) < 0 ||
        rd_vec8_slice(&r, 0, SESS_MAX_NAME, &st->sni) < 0 ||
        rd_vec8_slice(&r, 0, SESS_MAX_NAME, &st->alpn) < 0 || rd_expect_empty(&r) < 0)
        return 0;
    memcpy(st->psk, psk.p, psk.len);
    st->psk_len = psk.len;
    return 1;
}

/* The server name kept with a session: the connection's, "" without one; 0 when it is too long
 * to keep (such a session is never resumed: the name check would fail). */
static int cache_name(const ctls_conn *c, cache_state *st)
{
    st->sni_len = c->sni ? strlen(c->sni) : 0;
    if (st->sni_len > CACHE_MAX_NAME) return 0;
    if (st->sni_len) memcpy(st->sni, c->sni, st->sni_len + 1);
    return 1;
}

/* RFC 8446 4.6.1: the ticket is "opaque": here a random key of the cache entry holding psk. */
static int cache_put13(ctls_conn *c, const algs_suite *s, const uint8_t *psk, uint32_t age_add,
                       uint8_t *ticket, size_t *tlen)
{
    cache_state st;
    memset(&st, 0, sizeof st);
    st.version = CTLS_TLS1_3;
    st.suite = s->id;
    st.secret_len = ctls_hash_len(s->hash);
    memcpy(st.secret, psk, st.secret_len);
    st.issued_ms = (uint64_t)sess_wall_ms();
    st.lifetime = c->cfg->ticket_lifetime;
    st.age_add = age_add;
    /* RFC 8446 4.2.10: early data needs the ticket's ALPN protocol (none kept: none sent) */
    st.alpn_len = c->alpn ? strlen(c->alpn) : 0;
    if (st.alpn_len <= CACHE_MAX_NAME) {
        st.max_early_data = c->cfg->max_early_data;
        if (st.alpn_len) memcpy(st.alpn, c->alpn, st.alpn_len + 1);
    } else {
        st.alpn_len = 0;
    }
    int rc = ctls_random(ticket, CACHE_KEY_LEN);
    *tlen = CACHE_KEY_LEN;
    /* a name too long to keep: a key of nothing, the client's offer is a full handshake */
    if (rc == 0 && cache_name(c, &st)) rc = cache_put(c->cfg->cache, ticket, &st);
    ctls_wipe(&st, sizeof st);
    return rc;
}

/* 1 with st filled when the identity names a TLS 1.3 session of ours: a cache key when the
 * cache is on (the name is copied into buf), else a sealed ticket (decrypted into buf). */
static int state13_of(ctls_conn *c, const ticket_keyset *ks, ctls_slice id, uint8_t *buf,
                      ticket_state *st)
{
    if (!c->cfg->cache) {
        size_t sl;
        return open_ticket(ks, id, buf, &sl) && parse_state13(buf, sl, st);
    }
    cache_state cs;
    int ok = cache_get(c->cfg->cache, id.p, id.len, CTLS_TLS1_3, sess_wall_ms(), &cs);
    if (ok) {
        st->suite = cs.suite;
        memcpy(st->psk, cs.secret, cs.secret_len);
        st->psk_len = cs.secret_len;
        st->issued_ms = cs.issued_ms;
        st->age_add = cs.age_add;
        st->lifetime = cs.lifetime;
        memcpy(buf, cs.sni, cs.sni_len);
        memcpy(buf + cs.sni_len, cs.alpn, cs.alpn_len);
        st->sni = (ctls_slice){buf, cs.sni_len};
        st->alpn = (ctls_slice){buf + cs.sni_len, cs.alpn_len};
        st->max_early_data = cs.max_early_data;
    }
    ctls_wipe(&cs, sizeof cs);
    return ok;
}

static int send_one_ticket(ctls_conn *c, const ticket_keyset *ks, const algs_suite *s, unsigned i)
{
    /* RFC 8446 4.6.1: a nonce unique among the tickets of this connection */
    uint8_t nonce[8] = {0, 0, 0, 0, 0, 0, (uint8_t)(i >> 8), (uint8_t)i};
    uint8_t psk[KS_MAX], state[STATE_MAX], ticket[STATE_MAX + TICKET_OVERHEAD];
    uint32_t age_add;
    size_t hl = ctls_hash_len(s->hash), tlen = 0;
    CTLS_GUARD(ctls_random(&age_add, sizeof age_add)); /* RFC 8446 4.6.1: fresh per ticket */
    CTLS_GUARD(psk_from_ticket(s->hash, c->res_master, nonce, sizeof nonce, psk));
    ctls_writer w;
    wr_init(&w, state, sizeof state);
    size_t sni_len = c->sni ? strlen(c->sni) : 0, alpn_len = c->alpn ? strlen(c->alpn) : 0;
    (void)wr_u8(&w, STATE_VERSION);
    (void)wr_u16(&w, s->id);
    (void)wr_vec8(&w, psk, hl);
    (void)wr_u64(&w, (uint64_t)sess_wall_ms());
    (void)wr_u32(&w, age_add);
    (void)wr_u32(&w, c->cfg->ticket_lifetime);
    (void)wr_vec8(&w, c->sni ? c->sni : "", sni_len > SESS_MAX_NAME ? 0 : sni_len);
    (void)wr_vec8(&w, c->alpn ? c->alpn : "", alpn_len > SESS_MAX_NAME ? 0 : alpn_len);
    int rc = wr_status(&w);
    if (rc == 0 && c->cfg->cache)
        rc = cache_put13(c, s, psk, age_add, ticket, &tlen);
    else if (rc == 0)
        rc = seal_ticket(ks, state, w.len, ticket, &tlen);
    ctls_wipe(psk, sizeof psk);
    ctls_wipe(state, sizeof state);
    CTLS_GUARD(rc);

    msg_new_session_ticket m;
    memset(&m, 0, sizeof m);
    m.lifetime = c->cfg->ticket_lifetime; /* RFC 8446 4.6.1: at most 7 days */
    m.age_add = age_add;
    m.nonce = (ctls_slice){nonce, sizeof nonce};
    m.ticket = (ctls_slice){ticket, tlen};
    /* RFC 8446 4.2.10: only single-use (cache) tickets may carry early data (early13.c) */
    if (c->cfg->cache && c->cfg->max_early_data) {
        m.ext_present |= EXT_BIT(EXT_EARLY_DATA);
        m.max_early_data = c->cfg->max_early_data;
    }
    ctls_writer mw;
    wr_init_dyn(&mw, MSG_HEADER_LEN + MSG_MAX_LEN);
    rc = msg_new_session_ticket_encode(&m, &mw);
    if (rc == 0) rc = wr_status(&mw);
    if (rc == 0) rc = hs_send(c, NULL, mw.buf, mw.len); /* post-handshake: no transcript */
    wr_free(&mw);
    return rc;
}

int tickets_send(ctls_conn *c)
{
    int n = c->cfg->tickets;
    /* Limit: the ticket does not carry the client's certificate, so a server that asks for
     * one issues no tickets (a resumed connection would have no authenticated client). */
    if (n <= 0 || c->version != CTLS_TLS1_3 || c->verify_mode != CTLS_VERIFY_NONE) return 0;
    const algs_suite *s = algs_suite_by_id(c->suite);
    if (!s) return CTLS_ERR_INTERNAL;
    struct sess_conn *cs = sess_conn_get(c);
    if (!cs) return CTLS_ERR_NOMEM;
    ticket_keyset ks;
    int rc = ticket_keys_get(c->cfg, &ks);
    size_t before = buf_size(&c->out);
    for (int i = 0; rc == 0 && i < n; i++)
        rc = send_one_ticket(c, &ks, s, (unsigned)i);
    ctls_wipe(&ks, sizeof ks);
    cs->ticket_bytes = buf_size(&c->out) - before;
    return rc;
}

int tickets_only_pending(const ctls_conn *c)
{
    return c->role == CTLS_SERVER && c->hs_done && c->sess &&
           buf_size(&c->out) <= c->sess->ticket_bytes;
}

static int same_name(ctls_slice a, const char *b)
{
    size_t bl = b ? strlen(b) : 0;
    return a.len == bl && (bl == 0 || memcmp(a.p, b, bl) == 0);
}

/* 1 with the ticket's age in ms (*age) when it is within its lifetime. */
static int ticket_age(uint64_t issued_ms, uint32_t lifetime, int64_t *age)
{
    /* RFC 8446 4.6.1: never beyond the lifetime (ours is at most 7 days) */
    if (lifetime > SESS_MAX_LIFETIME) return 0;
    /* The issue time is ticket content: bound it before any arithmetic, so an implausible
     * value (a ticket crafted under a leaked key, or a broken clock) cannot overflow. */
    int64_t now = sess_wall_ms();
    const uint64_t slack = (uint64_t)SESS_MAX_LIFETIME * 1000 + SESS_AGE_TOLERANCE_MS;
    if (now < 0 || issued_ms > (uint64_t)now + slack || issued_ms + slack < (uint64_t)now) return 0;
    *age = now - (int64_t)issued_ms;
    return *age >= -(int64_t)SESS_AGE_TOLERANCE_MS && *age <= (int64_t)lifetime * 1000;
}

/* The checks that make a decrypted ticket usable for this ClientHello. */
static int usable(const ctls_conn *c, const ticket_state *st, uint32_t obfuscated_age, int hash)
{
    const algs_suite *ts = algs_suite_by_id(st->suite);
    /* RFC 8446 4.2.11: a PSK is used only with a cipher suite of the same hash */
    if (!ts || !ts->tls13 || ts->hash != hash || st->psk_len != ctls_hash_len(hash)) return 0;
    int64_t age;
    if (!ticket_age(st->issued_ms, st->lifetime, &age)) return 0;
    /* RFC 8446 4.2.11.1, 8.3: the client's view of the ticket age must match ours */
    uint32_t client_age = obfuscated_age - st->age_add; /* mod 2^32 */
    int64_t skew = (int64_t)client_age - age;
    if (skew > (int64_t)SESS_AGE_TOLERANCE_MS || skew < -(int64_t)SESS_AGE_TOLERANCE_MS) return 0;
    /* RFC 8446 4.2.11 / RFC 6066 3: resume only for the server name of the original session */
    return same_name(st->sni, c->sni);
}

int tickets_select(ctls_conn *c, const msg_client_hello *m, const uint8_t *msg,
                   const algs_suite *suite, ctls_slice alpn, hs_transcript *t, uint16_t *index,
                   uint8_t *psk, size_t *psk_len, uint32_t *early_max)
{
    int hash = suite->hash;
    *early_max = 0;
    if (c->cfg->tickets <= 0 || c->verify_mode != CTLS_VERIFY_NONE) return 0;
    if (!m->binders_offset) return 0;
    ticket_keyset ks;
    CTLS_GUARD(ticket_keys_get(c->cfg, &ks));
    ctls_slice ids = m->psk_identities, binders = m->psk_binders, id, binder;
    uint32_t age;
    uint8_t buf[STATE_MAX];
    int rc = 0;
    for (uint16_t i = 0; rc == 0 && msg_psk_identity_next(&ids, &id, &age); i++) {
        ticket_state st;
        if (!msg_psk_binder_next(&binders, &binder)) break; /* the codec checked the counts */
        if (!state13_of(c, &ks, id, buf, &st) || !usable(c, &st, age, hash)) {
            ctls_wipe(buf, sizeof buf);
            continue;
        }
        /* RFC 8446 4.2.11: the binder of the identity we select must validate, or the
         * handshake is aborted (decrypt_error) */
        rc = psk_binder_check(hash, st.psk, st.psk_len, t, msg, m->binders_offset, binder.p,
                              binder.len, c->hs ? &c->hs->ks : NULL);
        if (rc == 0) rc = CTLS_ERR_DECRYPT_ERROR;
        /* a cached session is used once: taken now that its binder verified (a connection on
         * another thread may have taken it first: then it is not ours to use) */
        if (rc == 1 && c->cfg->cache && !cache_remove(c->cfg->cache, id.p, id.len)) rc = 0;
        if (rc == 1) {
            memcpy(psk, st.psk, st.psk_len);
            *psk_len = st.psk_len;
            *index = i;
            /* RFC 8446 4.2.10: the ticket's suite and ALPN protocol (not just the hash) */
            if (c->cfg->cache && st.suite == suite->id && st.alpn.len == alpn.len &&
                (!alpn.len || memcmp(st.alpn.p, alpn.p, alpn.len) == 0))
                *early_max = st.max_early_data;
        }
        ctls_wipe(&st, sizeof st);
        ctls_wipe(buf, sizeof buf);
    }
    ctls_wipe(&ks, sizeof ks);
    return rc;
}

/* ---- TLS 1.2 (RFC 5077) ---- */

int tickets12_seal(ctls_conn *c, const uint8_t *master, uint8_t *out, size_t *out_len)
{
    ticket_keyset ks;
    CTLS_GUARD(ticket_keys_get(c->cfg, &ks));
    uint8_t state[STATE12_MAX];
    size_t sni_len = c->sni ? strlen(c->sni) : 0;
    ctls_writer w;
    wr_init(&w, state, sizeof state);
    (void)wr_u8(&w, STATE_VERSION12);
    (void)wr_u16(&w, c->suite);
    (void)wr_vec8(&w, master, SESS12_MASTER_LEN);
    (void)wr_u64(&w, (uint64_t)sess_wall_ms());
    (void)wr_u32(&w, c->cfg->ticket_lifetime);
    (void)wr_vec8(&w, c->sni ? c->sni : "", sni_len > SESS_MAX_NAME ? 0 : sni_len);
    (void)wr_u8(&w, 1); /* RFC 7627 5.3: every TLS 1.2 session here used the EMS */
    int rc = wr_status(&w);
    if (rc == 0) rc = seal_ticket(&ks, state, w.len, out, out_len);
    ctls_wipe(state, sizeof state);
    ctls_wipe(&ks, sizeof ks);
    return rc;
}

typedef struct {
    uint16_t suite;
    ctls_slice master, sni;
    uint64_t issued_ms;
    uint32_t lifetime;
    uint8_t ems;
} ticket_state12;

static int parse_state12(const uint8_t *buf, size_t len, ticket_state12 *st)
{
    ctls_reader r;
    uint8_t ver;
    rd_init(&r, buf, len);
    return rd_u8(&r, &ver) == 0 && ver == STATE_VERSION12 && rd_u16(&r, &st->suite) == 0 &&
           rd_vec8_slice(&r, SESS12_MASTER_LEN, SESS12_MASTER_LEN, &st->master) == 0 &&
           rd_u64(&r, &st->issued_ms) == 0 && rd_u32(&r, &st->lifetime) == 0 &&
           rd_vec8_slice(&r, 0, SESS_MAX_NAME, &st->sni) == 0 && rd_u8(&r, &st->ems) == 0 &&
           rd_expect_empty(&r) == 0;
}

static int usable12(const ctls_conn *c, const msg_client_hello *m, const ticket_state12 *st)
{
    const algs_suite *s = algs_suite_by_id(st->suite);
    int ours = 0;
    for (size_t i = 0; i < c->cfg->n_suites; i++)
        ours |= c->cfg->suites[i] == st->suite;
    /* RFC 5246 7.4.1.2: the session's suite must be offered (and still be one of ours) */
    if (!s || s->tls13 || !ours || !msg_u16_contains(m->cipher_suites, st->suite)) return 0;
    /* RFC 7627 5.3: only a session made with the extended master secret, and the new
     * ClientHello must offer it too */
    if (st->ems != 1 || !(m->ext_present & EXT_BIT(EXT_EXTENDED_MASTER_SECRET))) return 0;
    int64_t age;
    if (!ticket_age(st->issued_ms, st->lifetime, &age)) return 0;
    /* RFC 6066 3: not for another server name (a full handshake instead) */
    return same_name(st->sni, c->sni);
}

/* RFC 5246 7.4.1.2: the session ID names a session in our cache. */
static int cache12_open(ctls_conn *c, const msg_client_hello *m, uint8_t *master, uint16_t *suite)
{
    if (!c->cfg->cache || m->session_id.len == 0) return 0;
    cache_state cs;
    int ok = cache_get(c->cfg->cache, m->session_id.p, m->session_id.len, CTLS_TLS1_2,
                       sess_wall_ms(), &cs);
    if (ok) {
        ticket_state12 st = {
            .suite = cs.suite,
            .master = {cs.secret, cs.secret_len},
            .sni = {(const uint8_t *)cs.sni, cs.sni_len},
            .issued_ms = cs.issued_ms,
            .lifetime = cs.lifetime,
            .ems = 1, /* only EMS sessions are stored (tickets12_cache_put) */
        };
        ok = cs.secret_len == SESS12_MASTER_LEN && usable12(c, m, &st);
    }
    if (ok) {
        memcpy(master, cs.secret, SESS12_MASTER_LEN);
        *suite = cs.suite;
    }
    ctls_wipe(&cs, sizeof cs);
    return ok;
}

int tickets12_new_session_id(ctls_conn *c, int ticket, uint8_t *id)
{
    /* RFC 5077 3.4: a server issuing a ticket SHOULD send an empty session ID; and no session
     * for a server asking for client certificates (the cache keeps no client identity) */
    if (!c->cfg->cache || ticket || c->verify_mode != CTLS_VERIFY_NONE) return 0;
    CTLS_GUARD(ctls_random(id, CACHE_KEY_LEN));
    return 1;
}

int tickets12_cache_put(ctls_conn *c, const uint8_t *master, const uint8_t *id)
{
    cache_state st;
    memset(&st, 0, sizeof st);
    st.version = CTLS_TLS1_2;
    st.suite = c->suite;
    st.secret_len = SESS12_MASTER_LEN;
    memcpy(st.secret, master, SESS12_MASTER_LEN);
    st.issued_ms = (uint64_t)sess_wall_ms();
    st.lifetime = c->cfg->ticket_lifetime;
    int rc = cache_name(c, &st) ? cache_put(c->cfg->cache, id, &st) : 0;
    ctls_wipe(&st, sizeof st);
    return rc;
}

int tickets12_open(ctls_conn *c, const msg_client_hello *m, uint8_t *master, uint16_t *suite)
{
    if (c->verify_mode != CTLS_VERIFY_NONE) return 0;
    /* RFC 5077 3.4: with a ticket, the client's session ID only signals resumption (it may be
     * random): the ticket decides. Without one (or an empty one) the ID may be a cache key. */
    if (!(m->ext_present & EXT_BIT(EXT_SESSION_TICKET)) || m->session_ticket.len == 0)
        return cache12_open(c, m, master, suite);
    if (c->cfg->tickets <= 0) return 0;
    ticket_keyset ks;
    CTLS_GUARD(ticket_keys_get(c->cfg, &ks));
    uint8_t buf[STATE_MAX];
    size_t len;
    ticket_state12 st;
    int ok = open_ticket(&ks, m->session_ticket, buf, &len) && parse_state12(buf, len, &st) &&
             usable12(c, m, &st);
    if (ok) {
        memcpy(master, st.master.p, SESS12_MASTER_LEN);
        *suite = st.suite;
    }
    ctls_wipe(buf, sizeof buf);
    ctls_wipe(&ks, sizeof ks);
    return ok;
}
