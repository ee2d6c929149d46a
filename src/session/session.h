/* Session resumption: TLS 1.3 (RFC 8446 2.2, 4.2.11, 4.6.1) and TLS 1.2 (RFC 5077 session
 * tickets, RFC 5246 session IDs on the client, RFC 7627 5.3): the ctls_session object, server
 * tickets (tickets.c), PSK and binder derivation (psk.c), and the client session store kept in
 * the config and keyed by a peer ID (store.c).
 *
 * Ownership: a ctls_session is always a private copy. The connection keeps the session it
 * offers and the newest one it received; the config's store keeps its own copies; the caller
 * owns what ctls_conn_get_session returns. Nothing is shared, so freeing a connection or a
 * config never invalidates a session handed out. */
#ifndef CTLS_SESSION_SESSION_H
#define CTLS_SESSION_SESSION_H

#include "api/internal.h"
#include "core/bytes.h"
#include "hs/algs.h"
#include "msg/msg.h"

#define SESS_MAX_TICKET 0xffff
#define SESS_MAX_NAME 255
#define SESS_MAX_LIFETIME 604800u    /* RFC 8446 4.6.1: 7 days */
#define SESS_TICKET_LIFETIME 7200u   /* the default ticket lifetime (seconds) */
#define SESS_AGE_TOLERANCE_MS 10000u /* RFC 8446 8.3: ticket age window */
#define SESS_STORE_MAX 1024          /* client store entries per config */
#define SESS_FORMAT_VERSION 1        /* serialised TLS 1.3 sessions (api/session.c) */
#define SESS_FORMAT_VERSION12 2      /* serialised TLS 1.2 sessions */
#define SESS12_MASTER_LEN 48         /* RFC 5246 8.1 */
#define SESS12_MAX_ID 32             /* RFC 5246 7.4.1.2: SessionID<0..32> */
#define SESS12_TICKET_MAX 512        /* our TLS 1.2 tickets (tickets.c) fit in this */

struct ctls_session {
    uint64_t serial; /* identity of the ticket: copies share it (store bookkeeping) */
    uint16_t version;
    uint16_t suite;
    int hash;
    uint8_t psk[KS_MAX]; /* TLS 1.3: the resumption PSK; TLS 1.2: the master secret */
    size_t psk_len;
    uint8_t *ticket; /* TLS 1.2: may be NULL (a session-ID-only session) */
    size_t ticket_len;
    uint8_t session_id[SESS12_MAX_ID]; /* TLS 1.2: the server's session ID, may be empty */
    size_t session_id_len;
    int ems;           /* TLS 1.2: made with the extended master secret (RFC 7627); always 1 here */
    uint32_t lifetime; /* seconds */
    uint32_t age_add;
    int64_t received_ms; /* wall clock (Unix ms) when the ticket arrived */
    uint32_t max_early_data;
    char *sni;  /* the server name of the original connection, or NULL */
    char *alpn; /* the protocol negotiated, or NULL */
    unsigned verify_flags;
    ctls_der_list peer_chain; /* the server's chain of the original full handshake */
};

/* Per-config state, created on first use under cfg->lock. */
typedef struct sess_store_entry {
    uint8_t *peer_id;
    size_t peer_id_len;
    ctls_session *sess;
    uint64_t seq; /* insertion order: the smallest is evicted first */
} sess_store_entry;

/* A ticket key (RFC 5077 4 style): its name, the first bytes of every ticket, and the
 * AES-256-GCM key. */
#define TICKET_NAME_LEN 16
#define TICKET_KEY_LEN 32
typedef struct {
    uint8_t name[TICKET_NAME_LEN];
    uint8_t key[TICKET_KEY_LEN];
} ticket_key;

/* The keys a server uses now: k[0] seals, every one of the n opens (ticket_keys.c). */
typedef struct {
    ticket_key k[3];
    size_t n;
} ticket_keyset;

struct sess_cfg {
    /* server: the ticket keys of rotation period `period` (ticket_keys.c), made on first use */
    ticket_keyset keys;
    uint64_t period;
    int keyed;
    /* client: the session store */
    sess_store_entry *entries;
    size_t n_entries;
    uint64_t next_seq;
};

/* Per-connection state (allocated on demand). */
struct sess_conn {
    ctls_session *offer;     /* client: the session to offer (set or looked up) */
    ctls_session *newest;    /* client: the newest session from a NewSessionTicket */
    ctls_session *pending12; /* client: the TLS 1.2 session this handshake is making */
    uint64_t used_serial, stored_serial;
    size_t ticket_bytes; /* server: bytes of NewSessionTicket records queued last in c->out */
};

/* ---- session objects (api/session.c) ---- */
ctls_session *sess_new(void);
ctls_session *sess_dup(const ctls_session *s);
/* Unix time in ms: ticket issue times, ages and expiry. */
int64_t sess_wall_ms(void);
/* TESTS AND FUZZERS ONLY: when set, sess_wall_ms returns this clock's value (a fuzzer freezes
 * it so that recorded ticket ages replay). NULL in production; set before connections start. */
extern int64_t (*sess_test_wall_ms)(void);
/* The connection's session state, allocated on first use (NULL on out of memory). */
struct sess_conn *sess_conn_get(ctls_conn *c);
void sess_conn_free(ctls_conn *c);
void sess_cfg_free(ctls_config *cfg);
/* The config's session state, created on first use (ticket keys: ticket_keys_get). */
int sess_cfg_get(ctls_config *cfg, struct sess_cfg **out);

/* ---- ticket_keys.c (server) ---- */
/* A copy of the config's ticket keys for now (rotated first when a period has passed: the
 * current key, then the previous one, then with an application key the next one); the caller
 * wipes it after use. */
int ticket_keys_get(ctls_config *cfg, ticket_keyset *out);
/* TESTS ONLY: when set, the clock (Unix seconds) that picks the rotation period, instead of
 * the wall clock (ticket ages still use the wall clock). NULL in production; not
 * thread-safe: set it before connections start. */
extern int64_t (*ticket_keys_test_clock)(void);

/* ---- psk.c ---- */
/* RFC 8446 4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption",
 * ticket_nonce, Hash.length). */
int psk_from_ticket(int hash, const uint8_t *res_master, const uint8_t *nonce, size_t nonce_len,
                    uint8_t *out);
/* RFC 8446 4.2.11.2: the binder for psk over the transcript so far (t, may be empty) followed
 * by the truncated ClientHello trunc[0..len). out holds Hash.length bytes. With early not
 * NULL, the PSK's Early Secret stage is left there (the handshake's key schedule starts from
 * it when the PSK is accepted, instead of extracting it again); else it is wiped. */
int psk_binder(int hash, const uint8_t *psk, size_t psk_len, hs_transcript *t, const uint8_t *trunc,
               size_t len, uint8_t *out, hs_ks13 *early);
/* 1 when binder (binder_len bytes) is the right one, in constant time; 0 otherwise; <0 on
 * an internal error. early: as for psk_binder. */
int psk_binder_check(int hash, const uint8_t *psk, size_t psk_len, hs_transcript *t,
                     const uint8_t *trunc, size_t len, const uint8_t *binder, size_t binder_len,
                     hs_ks13 *early);

/* ---- tickets.c (server) ---- */
/* Send cfg->tickets NewSessionTickets (RFC 8446 4.6.1) as records; after the handshake. */
int tickets_send(ctls_conn *c);
/* RFC 8446 4.2.11: pick the first offered identity that decrypts, is fresh, matches the
 * suite's hash and the SNI, and whose binder verifies. 1 with *index and psk (psk_len bytes)
 * when one is selected; 0 for a full handshake; CTLS_ERR_DECRYPT_ERROR on a bad binder. t is
 * the transcript before this ClientHello (messages of an earlier HelloRetryRequest round),
 * which keeps the binder's hash of the truncated message (tr_hash_prefix). *early_max: the
 * selected ticket's max_early_data_size when it is a (single-use) cache ticket that announced
 * early data, of this suite and ALPN protocol (RFC 8446 4.2.10); else 0. */
int tickets_select(ctls_conn *c, const msg_client_hello *m, const uint8_t *msg,
                   const algs_suite *suite, ctls_slice alpn, hs_transcript *t, uint16_t *index,
                   uint8_t *psk, size_t *psk_len, uint32_t *early_max);

/* TLS 1.2 (RFC 5077 4): a ticket for this connection's session (c->suite, c->sni, the
 * master secret), at most SESS12_TICKET_MAX bytes. */
int tickets12_seal(ctls_conn *c, const uint8_t *master, uint8_t *out, size_t *out_len);
/* TLS 1.2: 1 with the master secret (SESS12_MASTER_LEN bytes) and the session's suite when
 * the ClientHello's SessionTicket is ours, authentic, of TLS 1.2, within its lifetime, made
 * with the extended master secret, for the same server name, and its suite is one we have
 * and the client offers; 0 for a full handshake. With the session cache on, a ClientHello
 * without a ticket whose session ID names a cached session passes the same checks instead
 * (RFC 5077 3.4: a ticket, when present, decides). */
int tickets12_open(ctls_conn *c, const msg_client_hello *m, uint8_t *master, uint16_t *suite);
/* TLS 1.2 full handshake: 1 with a fresh random session ID (SESS12_MAX_ID bytes) for the
 * ServerHello when this session goes into the cache (on, no ticket issued, no client
 * certificate asked for); 0 for an empty session ID. */
int tickets12_new_session_id(ctls_conn *c, int ticket, uint8_t *id);
/* The handshake completed: keep the session (master secret, suite, server name) under id. */
int tickets12_cache_put(ctls_conn *c, const uint8_t *master, const uint8_t *id);

/* 1 when all that is left in c->out is the server's tickets: the handshake may report
 * success, and they leave with the next call (a client that writes before it reads must not
 * stall the server's handshake). */
int tickets_only_pending(const ctls_conn *c);

/* ---- store.c (client) ---- */
/* A copy of the newest session stored for peer_id, or NULL. */
ctls_session *store_lookup(ctls_config *cfg, const uint8_t *peer_id, size_t len);
/* Store a copy of s for peer_id (replaces the previous one; evicts the oldest when full). */
int store_put(ctls_config *cfg, const uint8_t *peer_id, size_t len, const ctls_session *s);
/* Remove the entry for peer_id if it holds the ticket with this serial. */
void store_remove(ctls_config *cfg, const uint8_t *peer_id, size_t len, uint64_t serial);

/* ---- client hooks (api/session.c) ---- */
/* Before the first ClientHello: the session to offer (set, or looked up by peer ID). */
int sess_client_prepare(ctls_conn *c);
/* The session to offer in a ClientHello with transcript hash `hash` (0: any configured
 * TLS 1.3 suite's hash), or NULL. */
const ctls_session *sess_client_offer(ctls_conn *c, int hash);
/* A NewSessionTicket arrived (client, after the handshake). */
int sess_on_ticket(ctls_conn *c, const msg_new_session_ticket *m);
/* The server accepted the offered session: take its peer chain and verify result. */
int sess_client_resumed(ctls_conn *c);
/* TLS 1.2 client (RFC 5077, RFC 5246 7.3): the session to offer in the ClientHello (ticket
 * and / or session ID), or NULL. */
const ctls_session *sess_client_offer12(ctls_conn *c);
/* The ServerHello chose TLS 1.2: start the session this handshake makes (resumed: a copy of
 * the offered one, whose chain and verify result the connection takes). */
int sess12_client_start(ctls_conn *c, const msg_server_hello *m, int resumed);
/* A TLS 1.2 NewSessionTicket (an empty ticket: none after all, RFC 5077 3.3). */
int sess12_client_ticket(ctls_conn *c, const msg_new_session_ticket12 *m);
/* The handshake completed: publish the session (newest, store) when it is resumable. */
int sess12_client_done(ctls_conn *c, const uint8_t *master);

/* A fatal error: the session this connection used or stored is not kept for resumption. */
void sess_conn_failed(ctls_conn *c);

#endif
