/* Sessions (TLS 1.3 and TLS 1.2 resumption): the public ctls_session functions, the versioned
 * serialisation, and the client-side hooks the handshake calls (src/session/session.h).
 *
 * Serialised session (all integers big-endian; every field checked on parse). Format 1, a
 * TLS 1.3 session:
 *   "ctls" u8 format (1)
 *   u16 version (0x0304)          u16 cipher suite (a TLS 1.3 suite)
 *   opaque psk<1..255>            (exactly the suite's Hash.length)
 *   opaque ticket<1..2^16-1>
 *   u32 lifetime (s, <= 604800)   u32 ticket_age_add   u64 received (Unix ms)
 *   u32 max_early_data
 *   opaque sni<0..255>            opaque alpn<0..255>  (no NUL bytes)
 *   u32 verify flags (CTLS_CERT_*)
 *   u8 n (0..10), n x opaque cert<1..2^24-1>  (the server's chain, leaf first)
 * Format 2, a TLS 1.2 session (a format-1 parser rejects it, and the reverse):
 *   "ctls" u8 format (2)
 *   u16 version (0x0303)          u16 cipher suite (a TLS 1.2 suite)
 *   opaque master_secret<1..255>  (exactly 48 bytes)
 *   opaque ticket<0..2^16-1>      opaque session_id<0..32>  (not both empty)
 *   u8 flags (bit 0: extended master secret, required; no other bit)
 *   u32 lifetime (s, <= 604800)   u64 received (Unix ms)
 *   opaque sni<0..255>            opaque alpn<0..255>
 *   u32 verify flags              u8 n (0..10), n x opaque cert<1..2^24-1>
 * The PSK / master secret is a secret: a serialised session must be protected like a key. */
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "hs/algs.h"
#include "hs/common12.h"
#include "session/session.h"

static const uint8_t magic[4] = {'c', 't', 'l', 's'};
static uint64_t serial_counter; /* atomic */

int64_t (*sess_test_wall_ms)(void);

int64_t sess_wall_ms(void)
{
    if (sess_test_wall_ms) return sess_test_wall_ms();
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

ctls_session *sess_new(void)
{
    ctls_session *s = ctls_calloc(1, sizeof *s);
    if (s) s->serial = __atomic_add_fetch(&serial_counter, 1, __ATOMIC_RELAXED);
    return s;
}

void ctls_session_free(ctls_session *s)
{
    if (!s) return;
    ctls_free(s->ticket);
    ctls_free(s->sni);
    ctls_free(s->alpn);
    ctls_der_list_free(&s->peer_chain);
    ctls_wipe(s, sizeof *s); /* the PSK lives inside */
    ctls_free(s);
}

static int chain_copy(ctls_der_list *dst, const ctls_der_list *src)
{
    memset(dst, 0, sizeof *dst);
    if (!src->count) return 0;
    dst->der = ctls_calloc(src->count, sizeof(uint8_t *));
    dst->len = ctls_calloc(src->count, sizeof(size_t));
    if (!dst->der || !dst->len) return CTLS_ERR_NOMEM;
    for (size_t i = 0; i < src->count; i++) {
        if (!(dst->der[i] = ctls_memdup(src->der[i], src->len[i]))) return CTLS_ERR_NOMEM;
        dst->len[i] = src->len[i];
        dst->count = i + 1;
    }
    return 0;
}

ctls_session *sess_dup(const ctls_session *s)
{
    if (!s) return NULL;
    ctls_session *d = ctls_calloc(1, sizeof *d);
    if (!d) return NULL;
    *d = *s;
    d->ticket = NULL;
    d->sni = d->alpn = NULL;
    memset(&d->peer_chain, 0, sizeof d->peer_chain);
    int ok = (d->ticket = ctls_memdup(s->ticket, s->ticket_len)) != NULL &&
             (!s->sni || (d->sni = ctls_strdup(s->sni)) != NULL) &&
             (!s->alpn || (d->alpn = ctls_strdup(s->alpn)) != NULL) &&
             chain_copy(&d->peer_chain, &s->peer_chain) == 0;
    if (!ok) {
        ctls_session_free(d);
        return NULL;
    }
    return d;
}

/* ---- per-config and per-connection state ---- */

int sess_cfg_get(ctls_config *cfg, struct sess_cfg **out)
{
    int rc = 0;
    pthread_mutex_lock(&cfg->lock);
    if (!cfg->sess) {
        struct sess_cfg *sc = ctls_calloc(1, sizeof *sc);
        if (!sc) rc = CTLS_ERR_NOMEM;
        /* the ticket keys are made on first use (session/ticket_keys.c) */
        if (rc == 0) cfg->sess = sc;
    }
    *out = cfg->sess;
    pthread_mutex_unlock(&cfg->lock);
    return rc;
}

void sess_cfg_free(ctls_config *cfg)
{
    struct sess_cfg *sc = cfg->sess;
    if (!sc) return;
    for (size_t i = 0; i < sc->n_entries; i++) {
        ctls_free(sc->entries[i].peer_id);
        ctls_session_free(sc->entries[i].sess);
    }
    ctls_free(sc->entries);
    ctls_free_secret(sc, sizeof *sc);
    cfg->sess = NULL;
}

struct sess_conn *sess_conn_get(ctls_conn *c)
{
    if (!c->sess) c->sess = ctls_calloc(1, sizeof *c->sess);
    return c->sess;
}

void sess_conn_free(ctls_conn *c)
{
    if (!c->sess) return;
    ctls_session_free(c->sess->offer);
    ctls_session_free(c->sess->newest);
    ctls_session_free(c->sess->pending12);
    ctls_free(c->sess);
    c->sess = NULL;
}

/* ---- client hooks ---- */

int sess_client_prepare(ctls_conn *c)
{
    if (c->role != CTLS_CLIENT || !c->peer_id) return 0;
    if (c->sess && c->sess->offer) return 0; /* ctls_conn_set_session wins */
    ctls_session *s = store_lookup(c->cfg, (const uint8_t *)c->peer_id, c->peer_id_len);
    if (!s) return 0;
    struct sess_conn *sc = sess_conn_get(c);
    if (!sc) {
        ctls_session_free(s);
        return CTLS_ERR_NOMEM;
    }
    sc->offer = s;
    return 0;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int expired(const ctls_session *s, int64_t now)
{
    int64_t age = now - s->received_ms;
    return age < 0 || age >= (int64_t)s->lifetime * 1000;
}

const ctls_session *sess_client_offer(ctls_conn *c, int hash)
{
    const ctls_session *s = c->sess ? c->sess->offer : NULL;
    if (!s || s->version != CTLS_TLS1_3 || c->cfg->max_version < CTLS_TLS1_3 ||
        expired(s, sess_wall_ms()))
        return NULL;
    /* RFC 8446 4.6.1: resume only for the server name of the original session */
    if (!same_str(s->sni, c->sni)) return NULL;
    /* a verifying client never resumes a session whose server was not verified */
    if (c->verify_mode != CTLS_VERIFY_NONE && s->verify_flags != CTLS_VERIFY_OK) return NULL;
    if (hash) {
        if (s->hash != hash) return NULL; /* RFC 8446 4.1.4: after an HRR, its suite's hash */
    } else {
        int found = 0;
        for (size_t i = 0; i < c->cfg->n_suites && !found; i++) {
            const algs_suite *cs = algs_suite_by_id(c->cfg->suites[i]);
            found = cs && cs->tls13 && cs->hash == s->hash;
        }
        if (!found) return NULL;
    }
    c->sess->used_serial = s->serial;
    return s;
}

int sess_client_resumed(ctls_conn *c)
{
    const ctls_session *s = c->sess ? c->sess->offer : NULL;
    if (!s) return CTLS_ERR_INTERNAL;
    /* The server is the one authenticated by the original handshake: its chain and that
     * verification result carry over (RFC 8446 2.2). */
    ctls_der_list_free(&c->peer_chain);
    CTLS_GUARD(chain_copy(&c->peer_chain, &s->peer_chain));
    c->verify_flags = s->verify_flags;
    c->resumed = 1;
    return 0;
}

/* Complete s from the connection (verify result, ALPN, the server's chain) and make it the
 * newest session, stored under the peer ID if any. Takes s, also when rc (an earlier step's
 * status) is an error. */
static int publish(ctls_conn *c, ctls_session *s, int rc)
{
    struct sess_conn *sc = c->sess;
    s->verify_flags = c->verify_flags;
    ctls_free(s->alpn);
    s->alpn = NULL;
    if (rc == 0 && c->alpn && !(s->alpn = ctls_strdup(c->alpn))) rc = CTLS_ERR_NOMEM;
    ctls_der_list_free(&s->peer_chain);
    if (rc == 0) rc = chain_copy(&s->peer_chain, &c->peer_chain);
    if (rc == 0 && c->peer_id)
        rc = store_put(c->cfg, (const uint8_t *)c->peer_id, c->peer_id_len, s);
    if (rc < 0) {
        ctls_session_free(s);
        return rc;
    }
    if (c->peer_id) sc->stored_serial = s->serial;
    ctls_session_free(sc->newest);
    sc->newest = s;
    return 0;
}

int sess_on_ticket(ctls_conn *c, const msg_new_session_ticket *m)
{
    const algs_suite *suite = algs_suite_by_id(c->suite);
    if (!suite) return CTLS_ERR_INTERNAL;
    /* RFC 8446 4.6.1: lifetime 0 means discard now; more than 7 days is not allowed */
    if (m->lifetime == 0) return 0;
    struct sess_conn *sc = sess_conn_get(c);
    ctls_session *s = sess_new();
    if (!sc || !s) {
        ctls_session_free(s);
        return CTLS_ERR_NOMEM;
    }
    s->version = CTLS_TLS1_3;
    s->suite = suite->id;
    s->hash = suite->hash;
    s->psk_len = ctls_hash_len(suite->hash);
    s->lifetime = m->lifetime > SESS_MAX_LIFETIME ? SESS_MAX_LIFETIME : m->lifetime;
    s->age_add = m->age_add;
    s->received_ms = sess_wall_ms();
    s->max_early_data = (m->ext_present & EXT_BIT(EXT_EARLY_DATA)) ? m->max_early_data : 0;
    int rc = psk_from_ticket(suite->hash, c->res_master, m->nonce.p, m->nonce.len, s->psk);
    if (rc == 0 && !(s->ticket = ctls_memdup(m->ticket.p, m->ticket.len))) rc = CTLS_ERR_NOMEM;
    if (rc == 0) s->ticket_len = m->ticket.len;
    if (rc == 0 && c->sni && !(s->sni = ctls_strdup(c->sni))) rc = CTLS_ERR_NOMEM;
    return publish(c, s, rc);
}

/* A configured suite with this id (and of the right version). */
static int suite_configured(const ctls_config *cfg, uint16_t id, int tls13)
{
    const algs_suite *s = algs_suite_by_id(id);
    for (size_t i = 0; s && s->tls13 == tls13 && i < cfg->n_suites; i++)
        if (cfg->suites[i] == id) return 1;
    return 0;
}

const ctls_session *sess_client_offer12(ctls_conn *c)
{
    const ctls_session *s = c->sess ? c->sess->offer : NULL;
    /* a TLS 1.3 session is never offered as a TLS 1.2 one, nor the reverse */
    if (!s || s->version != CTLS_TLS1_2 || !hs_version_usable(c->cfg, CTLS_TLS1_2) ||
        expired(s, sess_wall_ms()) || (!s->ticket_len && !s->session_id_len))
        return NULL;
    /* RFC 7627 5.3: only a session made with the extended master secret */
    if (!s->ems || s->psk_len != SESS12_MASTER_LEN) return NULL;
    /* RFC 5246 7.4.1.2: the ClientHello must include the session's suite */
    if (!suite_configured(c->cfg, s->suite, 0)) return NULL;
    /* RFC 6066 3: the same server name as the original session */
    if (!same_str(s->sni, c->sni)) return NULL;
    /* a verifying client never resumes a session whose server was not verified */
    if (c->verify_mode != CTLS_VERIFY_NONE && s->verify_flags != CTLS_VERIFY_OK) return NULL;
    c->sess->used_serial = s->serial;
    return s;
}

int sess12_client_start(ctls_conn *c, const msg_server_hello *m, int resumed)
{
    struct sess_conn *sc = sess_conn_get(c);
    if (!sc) return CTLS_ERR_NOMEM;
    ctls_session_free(sc->pending12);
    sc->pending12 = NULL;
    if (resumed) {
        /* the same session (RFC 5246 7.3); a new ticket may replace its ticket */
        if (!(sc->pending12 = sess_dup(sc->offer))) return CTLS_ERR_NOMEM;
        return 0;
    }
    ctls_session *s = sess_new();
    if (!s) return CTLS_ERR_NOMEM;
    sc->pending12 = s;
    const algs_suite *suite = algs_suite_by_id(m->cipher_suite);
    s->version = CTLS_TLS1_2;
    s->suite = m->cipher_suite;
    s->hash = suite ? suite->hash : 0;
    s->ems = 1; /* the handshake requires it (RFC 7627: client12_on_server_hello) */
    s->lifetime = SESS_TICKET_LIFETIME; /* RFC 5246 F.1.4 suggests at most 24 hours */
    s->received_ms = sess_wall_ms();
    /* RFC 5246 7.4.1.3: a non-empty session id makes the session resumable by id */
    if (m->session_id.len > SESS12_MAX_ID) return CTLS_ERR_DECODE;
    memcpy(s->session_id, m->session_id.p, m->session_id.len);
    s->session_id_len = m->session_id.len;
    if (c->sni && !(s->sni = ctls_strdup(c->sni))) return CTLS_ERR_NOMEM;
    return 0;
}

int sess12_client_ticket(ctls_conn *c, const msg_new_session_ticket12 *m)
{
    ctls_session *s = c->sess ? c->sess->pending12 : NULL;
    if (!s) return CTLS_ERR_INTERNAL;
    if (m->ticket.len == 0) return 0; /* RFC 5077 3.3: no ticket after all */
    uint8_t *t = ctls_memdup(m->ticket.p, m->ticket.len);
    if (!t) return CTLS_ERR_NOMEM;
    ctls_free(s->ticket);
    s->ticket = t;
    s->ticket_len = m->ticket.len;
    /* RFC 5077 3.3: lifetime hint in seconds, 0 = unspecified; kept to at most 7 days */
    s->lifetime = m->lifetime_hint == 0                  ? SESS_TICKET_LIFETIME
                  : m->lifetime_hint > SESS_MAX_LIFETIME ? SESS_MAX_LIFETIME
                                                         : m->lifetime_hint;
    s->received_ms = sess_wall_ms();
    s->serial = __atomic_add_fetch(&serial_counter, 1, __ATOMIC_RELAXED); /* a new ticket */
    c->tickets_received++;
    return 0;
}

int sess12_client_done(ctls_conn *c, const uint8_t *master)
{
    struct sess_conn *sc = c->sess;
    ctls_session *s = sc ? sc->pending12 : NULL;
    if (!s) return CTLS_ERR_INTERNAL;
    sc->pending12 = NULL;
    if (!s->ticket_len && !s->session_id_len) {
        /* not resumable: nothing to keep, and a refused offer is not offered again */
        if (c->peer_id && sc->used_serial)
            store_remove(c->cfg, (const uint8_t *)c->peer_id, c->peer_id_len, sc->used_serial);
        ctls_session_free(s);
        return 0;
    }
    memcpy(s->psk, master, SESS12_MASTER_LEN);
    s->psk_len = SESS12_MASTER_LEN;
    return publish(c, s, 0);
}

void sess_conn_failed(ctls_conn *c)
{
    if (c->role != CTLS_CLIENT || !c->peer_id || !c->sess) return;
    const uint8_t *id = (const uint8_t *)c->peer_id;
    if (c->sess->used_serial) store_remove(c->cfg, id, c->peer_id_len, c->sess->used_serial);
    if (c->sess->stored_serial) store_remove(c->cfg, id, c->peer_id_len, c->sess->stored_serial);
}

/* ---- public functions ---- */

ctls_session *ctls_conn_get_session(ctls_conn *c)
{
    /* a failed connection (a truncation included) keeps no session for resumption */
    if (!c || c->fatal || c->role != CTLS_CLIENT || !c->sess || !c->sess->newest) return NULL;
    if (expired(c->sess->newest, sess_wall_ms())) return NULL;
    return sess_dup(c->sess->newest);
}

int ctls_conn_set_session(ctls_conn *c, const ctls_session *s)
{
    if (!c || !s) return CTLS_ERR_INVALID_ARG;
    if (c->role != CTLS_CLIENT || c->state != CTLS_STATE_IDLE) return CTLS_ERR_BAD_STATE;
    if (s->version != CTLS_TLS1_3 && s->version != CTLS_TLS1_2) return CTLS_ERR_UNSUPPORTED;
    struct sess_conn *sc = sess_conn_get(c);
    ctls_session *d = sess_dup(s);
    if (!sc || !d) {
        ctls_session_free(d);
        return CTLS_ERR_NOMEM;
    }
    ctls_session_free(sc->offer);
    sc->offer = d;
    return 0;
}

int ctls_session_resumed(ctls_conn *c)
{
    return c ? c->resumed : 0;
}

int ctls_tickets_received(ctls_conn *c)
{
    return c ? c->tickets_received : 0;
}

static int wr_str8(ctls_writer *w, const char *s)
{
    return wr_vec8(w, s ? s : "", s ? strlen(s) : 0);
}

static int encode(const ctls_session *s, ctls_writer *w)
{
    int tls12 = s->version == CTLS_TLS1_2;
    (void)wr_bytes(w, magic, sizeof magic);
    (void)wr_u8(w, tls12 ? SESS_FORMAT_VERSION12 : SESS_FORMAT_VERSION);
    (void)wr_u16(w, s->version);
    (void)wr_u16(w, s->suite);
    (void)wr_vec8(w, s->psk, s->psk_len);
    (void)wr_vec16(w, s->ticket, s->ticket_len);
    if (tls12) {
        (void)wr_vec8(w, s->session_id, s->session_id_len);
        (void)wr_u8(w, s->ems ? 1 : 0);
        (void)wr_u32(w, s->lifetime);
    } else {
        (void)wr_u32(w, s->lifetime);
        (void)wr_u32(w, s->age_add);
    }
    (void)wr_u64(w, (uint64_t)s->received_ms);
    if (!tls12) (void)wr_u32(w, s->max_early_data);
    (void)wr_str8(w, s->sni);
    (void)wr_str8(w, s->alpn);
    (void)wr_u32(w, s->verify_flags);
    (void)wr_u8(w, (uint8_t)s->peer_chain.count);
    for (size_t i = 0; i < s->peer_chain.count; i++)
        (void)wr_vec24(w, s->peer_chain.der[i], s->peer_chain.len[i]);
    return wr_status(w);
}

int ctls_session_serialize(const ctls_session *s, uint8_t *out, size_t *len)
{
    if (!s || !len) return CTLS_ERR_INVALID_ARG;
    if (s->peer_chain.count > MSG_MAX_CHAIN) return CTLS_ERR_INTERNAL;
    ctls_writer w;
    wr_init_dyn(&w, 16u << 20);
    int rc = encode(s, &w);
    if (rc == 0 && out && *len < w.len) rc = CTLS_ERR_LIMIT; /* *len says what is needed */
    if (rc == 0 && out) memcpy(out, w.buf, w.len);
    if (rc == 0 || rc == CTLS_ERR_LIMIT) *len = w.len;
    if (w.buf) ctls_wipe(w.buf, w.len);
    wr_free(&w);
    return rc;
}

/* A name field: no NUL inside (it becomes a C string). */
static int read_str8(ctls_reader *r, char **out)
{
    ctls_slice v;
    CTLS_GUARD(rd_vec8_slice(r, 0, SESS_MAX_NAME, &v));
    if (v.len == 0) return 0;
    if (memchr(v.p, 0, v.len)) return CTLS_ERR_DECODE;
    *out = ctls_calloc(1, v.len + 1);
    if (!*out) return CTLS_ERR_NOMEM;
    memcpy(*out, v.p, v.len);
    return 0;
}

/* Format 2 (TLS 1.2) fields between the ticket and the issue time. */
static int decode12_mid(ctls_session *s, ctls_reader *r)
{
    ctls_slice id;
    uint8_t flags;
    CTLS_GUARD(rd_vec8_slice(r, 0, SESS12_MAX_ID, &id));
    memcpy(s->session_id, id.p, id.len);
    s->session_id_len = id.len;
    if (!s->ticket_len && !s->session_id_len) return CTLS_ERR_DECODE; /* nothing to resume */
    /* RFC 7627 5.3: only sessions with the extended master secret; no unknown flag */
    CTLS_GUARD(rd_u8(r, &flags));
    if (flags != 1) return CTLS_ERR_DECODE;
    s->ems = 1;
    return rd_u32(r, &s->lifetime);
}

static int decode(ctls_session *s, const uint8_t *in, size_t len)
{
    ctls_reader r;
    const uint8_t *m;
    uint8_t fmt, n;
    ctls_slice psk, ticket;
    uint64_t received;
    rd_init(&r, in, len);
    CTLS_GUARD(rd_bytes(&r, sizeof magic, &m));
    CTLS_GUARD(rd_u8(&r, &fmt));
    if (memcmp(m, magic, sizeof magic) != 0 ||
        (fmt != SESS_FORMAT_VERSION && fmt != SESS_FORMAT_VERSION12))
        return CTLS_ERR_DECODE;
    int tls12 = fmt == SESS_FORMAT_VERSION12;
    CTLS_GUARD(rd_u16(&r, &s->version));
    CTLS_GUARD(rd_u16(&r, &s->suite));
    const algs_suite *suite = algs_suite_by_id(s->suite);
    /* the format names the version, and the suite must be of that version */
    if (s->version != (tls12 ? CTLS_TLS1_2 : CTLS_TLS1_3) || !suite || suite->tls13 == tls12)
        return CTLS_ERR_DECODE;
    s->hash = suite->hash;
    CTLS_GUARD(rd_vec8_slice(&r, 1, KS_MAX, &psk));
    if (psk.len != (tls12 ? SESS12_MASTER_LEN : ctls_hash_len(s->hash))) return CTLS_ERR_DECODE;
    memcpy(s->psk, psk.p, psk.len);
    s->psk_len = psk.len;
    CTLS_GUARD(rd_vec16_slice(&r, tls12 ? 0 : 1, SESS_MAX_TICKET, &ticket));
    if (ticket.len && !(s->ticket = ctls_memdup(ticket.p, ticket.len))) return CTLS_ERR_NOMEM;
    s->ticket_len = ticket.len;
    if (tls12) {
        CTLS_GUARD(decode12_mid(s, &r));
    } else {
        CTLS_GUARD(rd_u32(&r, &s->lifetime));
        CTLS_GUARD(rd_u32(&r, &s->age_add));
    }
    if (s->lifetime == 0 || s->lifetime > SESS_MAX_LIFETIME) return CTLS_ERR_DECODE;
    CTLS_GUARD(rd_u64(&r, &received));
    if (received > (uint64_t)INT64_MAX) return CTLS_ERR_DECODE;
    s->received_ms = (int64_t)received;
    if (!tls12) CTLS_GUARD(rd_u32(&r, &s->max_early_data));
    CTLS_GUARD(read_str8(&r, &s->sni));
    CTLS_GUARD(read_str8(&r, &s->alpn));
    CTLS_GUARD(rd_u32(&r, &s->verify_flags));
    CTLS_GUARD(rd_u8(&r, &n));
    if (n > MSG_MAX_CHAIN) return CTLS_ERR_DECODE;
    if (n) {
        s->peer_chain.der = ctls_calloc(n, sizeof(uint8_t *));
        s->peer_chain.len = ctls_calloc(n, sizeof(size_t));
        if (!s->peer_chain.der || !s->peer_chain.len) return CTLS_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        ctls_slice cert;
        CTLS_GUARD(rd_vec24_slice(&r, 1, 0xffffff, &cert));
        if (!(s->peer_chain.der[i] = ctls_memdup(cert.p, cert.len))) return CTLS_ERR_NOMEM;
        s->peer_chain.len[i] = cert.len;
        s->peer_chain.count = i + 1;
    }
    return rd_expect_empty(&r);
}

ctls_session *ctls_session_parse(const uint8_t *in, size_t len)
{
    if (!in || !len) return NULL;
    ctls_session *s = sess_new();
    if (s && decode(s, in, len) < 0) {
        ctls_session_free(s);
        s = NULL;
    }
    return s;
}
