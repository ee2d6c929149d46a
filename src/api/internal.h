/* The configuration and connection objects behind the public API, shared by api/, io/,
 * record/ and hs/. */
#ifndef CTLS_API_INTERNAL_H
#define CTLS_API_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include <ctls/ctls.h>

#include "core/buf.h"
#include "crypto/crypto.h"
#include "hs/keysched13.h"
#include "hs/transcript.h"
#include "x509/x509.h"

#define CFG_MAX_SUITES 16
#define CFG_MAX_GROUPS 8
#define CFG_MAX_SIGS 16
#define CFG_MAX_CERTS 8
#define CFG_MAX_ALPN 512

/* One certificate chain with its key. */
typedef struct cfg_cert {
    ctls_der_list chain; /* leaf first */
    ctls_privkey *key;
    ctls_cert *leaf;
    int key_type;
    uint8_t *ocsp; /* server: the OCSP response to staple (ctls_config_set_ocsp_response) */
    size_t ocsp_len;
} cfg_cert;

struct ctls_config {
    int refs; /* atomic */
    int role;
    int used; /* a connection holds it: read-only from now on (atomic) */
    uint16_t min_version, max_version;
    uint16_t suites[CFG_MAX_SUITES];
    size_t n_suites;
    uint16_t groups[CFG_MAX_GROUPS];
    size_t n_groups;
    uint16_t sigs[CFG_MAX_SIGS];
    size_t n_sigs;
    uint8_t alpn[CFG_MAX_ALPN]; /* ProtocolNameList content */
    size_t alpn_len;
    cfg_cert certs[CFG_MAX_CERTS];
    size_t n_certs;
    int verify_mode;
    int break_server_auth, break_cert_requested, quiet_shutdown;
    int tickets;
    int post_handshake_auth; /* client: offer post_handshake_auth (RFC 8446 4.2.6) */
    int renegotiation;       /* TLS 1.2: renegotiation accepted (hs/reneg12.c) */
    int ocsp_request;        /* client: send status_request (hs/ocsp.c) */
    uint32_t max_early_data; /* server: TLS 1.3 early data accepted per connection (0: off) */
    int64_t verify_time;
    /* server: tickets (session/ticket_keys.c): the application's master key (0 bytes: random
     * keys), the rotation period (rotation_set: given, else the lifetime) and the lifetime (s) */
    uint8_t ticket_master[CTLS_TICKET_KEY_MAX];
    size_t ticket_master_len;
    uint32_t ticket_rotation, ticket_lifetime;
    int ticket_rotation_set;
    /* server: certificate_authorities for the CertificateRequest (RFC 8446 4.2.4), the
     * subjects of the anchors loaded from files (DistinguishedName list content); none when
     * they would not fit (ca_names_overflow) */
    uint8_t *ca_names;
    size_t ca_names_len;
    int ca_names_overflow;
    /* trust: explicit anchors, or the system store loaded on first use */
    pthread_mutex_t lock;
    ctls_trust_store *store;
    int trust_explicit, system_loaded;
    /* sessions (src/session/): ticket key, client session store; created on first use under
     * lock */
    struct sess_cfg *sess;
    /* server: the session cache (ctls_config_set_session_cache), NULL when off; set before
     * the config is used, internally locked after */
    struct sess_cache *cache;
    /* the key log (ctls_config_set_keylog, hs/keylog.h); NULL = off */
    ctls_keylog_fn keylog;
    void *keylog_ctx;
};

/* Record protection state of one direction. */
typedef struct {
    ctls_aead *aead; /* NULL: plaintext */
    int aead_alg;
    uint8_t iv[CTLS_AEAD_NONCE_LEN];
    uint64_t seq;
} rec_keys;

enum { TRANSPORT_MEMORY = 0, TRANSPORT_FD, TRANSPORT_CALLBACKS };

typedef struct hs_state hs_state; /* the role's handshake state, freed when it completes */

struct ctls_conn {
    ctls_config *cfg;
    int role;
    int state; /* CTLS_STATE_* */
    int fatal; /* sticky fatal status, 0 while healthy */
    int last_direction;
    /* transport */
    int transport;
    int fd;
    ctls_push_fn push;
    ctls_pull_fn pull;
    ctls_pull_timeout_fn pull_timeout;
    void *io_ctx;
    int eof; /* the transport reported EOF */
    unsigned hs_timeout_ms;
    int64_t hs_deadline_ms; /* monotonic; 0 = none */
    /* the same for a TLS 1.2 renegotiation (hs/reneg12.c): from our HelloRequest or the
     * handshake's first message until it completes or is refused */
    int64_t reneg_deadline_ms;
    /* record layer */
    ctls_buf in;    /* raw bytes from the peer */
    ctls_buf out;   /* raw bytes for the peer */
    ctls_buf hs_in; /* handshake message bytes received, not yet processed */
    rec_keys rd, wr;
    int ccs_allowed;                  /* RFC 8446 5: a dummy change_cipher_spec may arrive now */
    int empty_records;                /* consecutive empty records (flood limit) */
    int warning_alerts;               /* consecutive warning alerts (flood limit) */
    int key_updates;                  /* consecutive KeyUpdates without application data */
    size_t app_off, app_len, app_rec; /* decrypted application data at the front of in */
    /* ctls_read's buffer: a TLS 1.3 record whose plaintext fits is decrypted straight into it */
    uint8_t *rd_direct;
    size_t rd_direct_cap, rd_direct_len;
    int rd_direct_used;
    /* ctls_read_input's bytes (memory transport), read in place while c->in is empty */
    const uint8_t *rd_ext;
    size_t rd_ext_len, rd_ext_used;
    /* negotiated */
    uint16_t version, suite, group, peer_sig;
    int hash;   /* suite hash */
    char *alpn; /* selected */
    char *sni;  /* client: the name set; server: the name received */
    char *peer_id;
    size_t peer_id_len;
    int resumed;
    int tickets_received;
    struct sess_conn *sess; /* sessions offered / received (src/session/session.h) */
    /* secrets kept after the handshake (TLS 1.3): traffic secrets for KeyUpdate */
    uint8_t c_ap[KS_MAX], s_ap[KS_MAX], res_master[KS_MAX];
    /* the exporter's inputs (api/export.c), set during the handshake: the TLS 1.3
     * exporter_master_secret (RFC 8446 7.5) or, once its Finished verified, the TLS 1.2
     * master secret (RFC 5705); randoms = client_random || server_random (TLS 1.2's exporter
     * seed; the key log's client_random in both versions) */
    uint8_t exp_secret[KS_MAX];
    uint8_t randoms[64];
    /* peer */
    int verify_mode; /* CTLS_VERIFY_*: the config's, or ctls_conn_set_verify's for the next
                      * handshake */
    ctls_der_list peer_chain;
    uint8_t *peer_ocsp; /* client: the OCSP response stapled in the last handshake (hs/ocsp.c) */
    size_t peer_ocsp_len;
    unsigned verify_flags;
    int verify_status; /* the CTLS_ERR_CERT_* of the built-in check, 0 if valid */
    int peer_accepted, peer_rejected;
    int alert_received;
    int shutdown_flags;
    int close_notify_sent;
    int in_ccs_count;
    int secure_reneg; /* TLS 1.2: RFC 5746 secure renegotiation was negotiated */
    /* RFC 5746 3.1: the verify_data of the last handshake's Finished messages, for the next
     * renegotiation_info; the completed renegotiations and when the last ones started */
    uint8_t reneg_client_vd[12], reneg_server_vd[12];
    int renegotiations, reneg_starts;
    int64_t reneg_started_ms[4];
    /* client certificate set on the connection (after CTLS_PAUSED_CERT_REQUESTED) */
    cfg_cert *conn_cert;
    ctls_der_list acceptable_cas;
    /* handshake */
    hs_state *hs;
    int hs_done;
    int paused; /* CTLS_PAUSED_* we returned, until resumed */
    /* TLS 1.3 post-handshake client authentication (hs/pha13.c): only when offered */
    struct pha13 *pha;
    /* TLS 1.3 early data (hs/early13.c) */
    int early_status;  /* CTLS_EARLY_DATA_* */
    int early_reading; /* server: application data records are accepted early data now */
    int early_skip;    /* server: EARLY_SKIP_* while the records of a rejected offer pass */
    int early_break;   /* server: ctls_read_early_data drives the handshake */
    size_t early_left; /* server: bytes still allowed (read or skipped) */
    ctls_buf early;    /* server: early data received, not yet read; client: queued */
};

/* ---- TLS 1.3 early data (hs/early13.c) ---- */
enum { EARLY_SKIP_NONE = 0, EARLY_SKIP_UNDECRYPTABLE, EARLY_SKIP_APPDATA };
/* A positive step status: ctls_read_early_data has new early data to return. */
#define HS_EARLY_DATA_READY 1
/* Server, rec_read: a record of a rejected early data offer (protected: failed to open under
 * the handshake keys; or application data in the clear after a HelloRetryRequest), len bytes:
 * 0 = drop it; else the fatal status. */
int early13_skip(ctls_conn *c, size_t len);
/* Server, hs_next_message: accepted early data; HS_EARLY_DATA_READY when the caller should
 * stop and return it, 0 to go on, or a fatal status. */
int early13_server_data(ctls_conn *c, const uint8_t *data, size_t len);

/* ---- config helpers ---- */
/* The trust store to verify with (loads the system store on first use when no anchors were
 * configured). */
int cfg_trust(ctls_config *cfg, const ctls_trust_store **out);
void cfg_cert_clear(cfg_cert *c);
int cfg_cert_load(cfg_cert *c, const void *chain_pem, size_t chain_len, const void *key_pem,
                  size_t key_len);

/* ---- connection core (api/conn.c) ---- */
/* Record a fatal error: queue the matching alert once (unless the error came from the peer or
 * the transport), mark the connection aborted. Returns err. */
int conn_fail(ctls_conn *c, int err);
int64_t conn_now_ms(void);

/* ---- record layer (record/) ---- */
#define REC_HEADER_LEN 5
#define REC_MAX_PLAIN 16384
#define REC_MAX_CIPHER (16384 + 256) /* RFC 8446 5.2 */
#define REC_IN_MAX (2 * (REC_HEADER_LEN + REC_MAX_CIPHER))
#define REC_OUT_MAX (4u << 20)
enum { CT_CHANGE_CIPHER_SPEC = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPLICATION_DATA = 23 };

/* Install TLS 1.3 keys for one direction from a traffic secret (the old ones are wiped); with
 * fin_key also the secret's Finished key (a handshake traffic secret's, RFC 8446 4.4.4). */
int rec_set_keys13(rec_keys *k, int aead_alg, int hash, const uint8_t *secret, uint8_t *fin_key);
void rec_keys_clear(rec_keys *k);
/* Install TLS 1.2 AEAD keys for one direction (RFC 5246 6.3): key and write IV from the key
 * block (4 bytes for AES-GCM, 12 for ChaCha20-Poly1305: rec_iv_len12). */
int rec_set_keys12(rec_keys *k, int aead_alg, const uint8_t *key, const uint8_t *iv);
size_t rec_iv_len12(int aead_alg);
/* Read one record from c->in, or, while c->in is empty, from c->rd_ext (ctls_read_input).
 * 0: *type and the plaintext (at buf_data(&c->in) + *off, *len bytes); the caller consumes
 * *rec_size bytes of c->in when done with it (0 when the plaintext went straight to
 * c->rd_direct from c->rd_ext). CTLS_WANT_READ: no complete record yet. Checks framing and
 * limits and decrypts in place; a record taken from c->rd_ext is decrypted into c->in (or
 * c->rd_direct) without copying its ciphertext. */
int rec_read(ctls_conn *c, uint8_t *type, size_t *off, size_t *len, size_t *rec_size);
/* Append records carrying data (split at 2^14) to c->out, protected with c->wr. */
int rec_write(ctls_conn *c, uint8_t type, const uint8_t *data, size_t len);
/* Queue an alert record. */
int rec_send_alert(ctls_conn *c, int level, int desc);

/* ---- handshake message layer (hs/hsio.c) ---- */
/* The next complete handshake message (header included) at the front of c->hs_in, reading
 * records from c->in as needed. CTLS_WANT_READ when more bytes are needed. Non-handshake
 * records met meanwhile are handled (alerts, CCS) or rejected. */
int hs_next_message(ctls_conn *c, uint8_t *type, const uint8_t **msg, size_t *len);
void hs_consume_message(ctls_conn *c, size_t len);
/* Process one record that is not handshake data: alerts (close_notify, fatal), CCS. */
int conn_handle_alert(ctls_conn *c, const uint8_t *p, size_t len);
/* Send a handshake message: add to the transcript (if t) and write it as records. */
int hs_send(ctls_conn *c, hs_transcript *t, const uint8_t *msg, size_t len);

/* ---- role state machines (hs/client13.c, hs/server13.c) ---- */
int client13_step(ctls_conn *c);
int server13_step(ctls_conn *c);
void hs_state_free(ctls_conn *c);
/* TLS 1.2 (hs/client12.c, hs/server12.c, hs/common12.c): the step functions once
 * c->version is TLS 1.2, the change_cipher_spec met by hs_next_message, and post-handshake
 * messages (HelloRequest, a renegotiating ClientHello) in ctls_read. */
int client12_step(ctls_conn *c);
int server12_step(ctls_conn *c);
int hs12_on_ccs(ctls_conn *c);
/* A post-handshake TLS 1.2 message complete at the front of hs_in (msg): refused, or run as
 * part of a renegotiation (hs/reneg12.c); consumes it from hs_in. */
int post12_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len);
/* Client: start a renegotiation (ClientHello); CTLS_ERR_LIMIT when not allowed now. */
int reneg12_client_start(ctls_conn *c);
/* Server: ask for one (HelloRequest); the handshake timeout runs from now. */
int reneg12_server_request(ctls_conn *c);
/* The peer's warning no_renegotiation: CTLS_ERR_RENEGOTIATION_REFUSED (a client's own
 * renegotiation is dropped) or CTLS_ERR_UNEXPECTED_MESSAGE in the middle of a handshake. */
int reneg12_on_refusal(ctls_conn *c);
/* Post-handshake messages (NewSessionTicket, KeyUpdate, and the CertificateRequest /
 * Certificate / CertificateVerify / Finished of post-handshake authentication) in ctls_read. */
int post13_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len);
int post13_send_key_update(ctls_conn *c, int request_peer);

/* ---- transports (io/) ---- */
/* Move c->out to the transport. 0 when empty; CTLS_WANT_WRITE / CTLS_INTERRUPTED / error. The
 * memory transport leaves bytes for ctls_conn_output and returns 0. */
int io_flush(ctls_conn *c);
/* Pull more bytes into c->in. 0 when some arrived (or EOF was recorded in c->eof);
 * CTLS_WANT_READ / CTLS_INTERRUPTED / CTLS_ERR_TIMEOUT / CTLS_ERR_IO: the handshake timeout
 * (ctls_conn_set_handshake_timeout) is enforced here, against c->hs_deadline_ms during the
 * first handshake and c->reneg_deadline_ms after it. */
int io_fill(ctls_conn *c);
/* The deadline of a handshake that starts now (0: no timeout set). */
int64_t io_deadline(const ctls_conn *c);

#endif
