/* Handshake state shared by the TLS 1.3 client and server state machines. Allocated when a
 * handshake starts and freed (secrets wiped) when it ends. */
#ifndef CTLS_HS_HS_H
#define CTLS_HS_HS_H

#include "api/internal.h"
#include "hs/algs.h"
#include "hs/hs12.h"
#include "msg/msg.h"

#define HS_MAX_COOKIE 512
#define HS_MAX_PEER_SIGS 64

struct hs_state {
    int st; /* the role's state enum */
    hs_transcript tr;
    hs_ks13 ks;
    const algs_suite *suite;
    ctls_kx *kx;
    uint16_t kx_group;
    uint8_t random[32];
    uint8_t session_id[32];
    size_t session_id_len;
    int hrr; /* a HelloRetryRequest was sent / received */
    uint16_t hrr_suite;
    uint8_t c_hs[KS_MAX], s_hs[KS_MAX];
    uint8_t c_fin[KS_MAX], s_fin[KS_MAX]; /* their Finished keys, made with the traffic keys */
    uint8_t c_early[KS_MAX]; /* client_early_traffic_secret (RFC 8446 7.1), hs/early13.c */
    /* client */
    uint8_t *cookie;
    size_t cookie_len;
    int cert_requested;
    uint8_t cr_context[255];
    size_t cr_context_len;
    uint16_t cr_sigs[HS_MAX_PEER_SIGS];
    size_t n_cr_sigs;
    ctls_pubkey *peer_key;
    int peer_key_type;
    int offered_alpn;
    int pha_offered; /* post_handshake_auth in the ClientHello (sent / received) */
    /* OCSP stapling (hs/ocsp.c): client: status_request sent, and (TLS 1.2) acknowledged in
     * the ServerHello; server: the client asked (type ocsp) and a response goes out */
    int ocsp_requested, ocsp_acked, ocsp_staple;
    /* server */
    const cfg_cert *cert;
    uint16_t sig_scheme;
    int sent_ccs;
    int client_cert_requested;
    hs12_state t12; /* TLS 1.2 (hs/common12.c) */
    /* resumption (src/session/): client: a PSK was offered in the last ClientHello; both:
     * the PSK selected (wiped with the state) */
    int psk_offered, psk_selected;
    uint8_t psk[KS_MAX];
    size_t psk_len;
    /* handshake messages held for one record (hs_flight_begin / hs_flight_end) */
    int flight_on;
    ctls_buf flight;
};

enum { CTX_SERVER_CV = 0, CTX_CLIENT_CV = 1 };

int hs_state_new(ctls_conn *c);
/* Server, both versions: the ALPN protocol to select (RFC 7301 3.2; empty when the client
 * offers none or we have none configured), and keeping the selection on the connection. */
int hs_choose_alpn(const ctls_config *cfg, const msg_client_hello *m, ctls_slice *chosen);
int hs_keep_alpn(ctls_conn *c, ctls_slice alpn);
/* From hs_flight_begin to hs_flight_end, hs_send packs handshake messages into as few records
 * as fit (RFC 8446 5.1 allows several messages per record): the server's encrypted flight goes
 * out as one record instead of four (one AEAD seal and open each instead of four). No key
 * change may happen in between. */
void hs_flight_begin(ctls_conn *c);
int hs_flight_end(ctls_conn *c);
/* The transcript hash now. */
int hs_thash(hs_state *h, uint8_t *out, size_t *len);
/* RFC 8446 7.1, from the Handshake Secret and the transcript through the ServerHello: the
 * handshake traffic secrets (h->c_hs, h->s_hs). Keeps client_random for the key log, which
 * gets both. */
int hs13_handshake_secrets(ctls_conn *c, const uint8_t client_random[32]);
/* RFC 8446 7.1, from the Master Secret and the transcript through the server Finished: the
 * application traffic secrets (c->c_ap, c->s_ap) and the exporter_master_secret
 * (c->exp_secret, for ctls_export_keying_material); the key log gets all three. */
int hs13_application_secrets(ctls_conn *c);
/* Encode a message with a growable writer and send it (transcript + records). */
typedef int (*hs_encode_fn)(const void *m, ctls_writer *w);
int hs_send_encoded(ctls_conn *c, const void *m, hs_encode_fn enc);
/* The same with another transcript (post-handshake messages: src/hs/pha13.c). */
int hs_send_encoded_to(ctls_conn *c, hs_transcript *t, const void *m, hs_encode_fn enc);
/* Server: CertificateRequest (RFC 8446 4.3.2) with our signature schemes and CA names, added
 * to t. ctx is empty in the handshake, the post-handshake request's context after it. */
int hs_send_certificate_request(ctls_conn *c, hs_transcript *t, const uint8_t *ctx, size_t ctx_len);
/* Client: take a CertificateRequest (schemes, context, CA names for ctls_acceptable_ca_*)
 * into the state and transcript; post = after the handshake (RFC 8446 4.6.2). */
int hs_take_certificate_request(ctls_conn *c, const uint8_t *msg, size_t len, int post);
/* Client, both versions: keep the CertificateRequest's CA names (DistinguishedName list
 * content) for ctls_acceptable_ca_*. */
int hs_keep_acceptable_cas(ctls_conn *c, ctls_slice cas);
/* Client: Certificate [+ CertificateVerify] answering the request taken: the connection's or
 * the config's first certificate when the server accepts one of its schemes, else none. */
int hs_send_client_auth(ctls_conn *c);
/* Server: the client's Certificate (context checked, in the transcript): keep its chain.
 * 1 = an empty one (no CertificateVerify follows); CTLS_ERR_CERTIFICATE_REQUIRED when
 * CTLS_VERIFY_REQUIRE_PEER. */
int hs_take_client_chain(ctls_conn *c, const msg_certificate *m);
/* RFC 8446 4.4.3: the signed content, 64 spaces || context string || 0 || transcript hash. */
int hs_cv_content(hs_state *h, int which, uint8_t *out, size_t *len);
int hs_send_certificate(ctls_conn *c, const cfg_cert *cert, const uint8_t *ctx, size_t ctx_len);
int hs_send_certificate_verify(ctls_conn *c, const cfg_cert *cert, uint16_t scheme, int which);
/* Finished over the transcript so far with a finished_key (c_fin / s_fin, or
 * ks13_finished_key of the base key). */
int hs_send_finished(ctls_conn *c, const uint8_t *fin_key);
int hs_check_finished(ctls_conn *c, const uint8_t *fin_key, const uint8_t *msg, size_t len);
/* Keep the peer's chain (copies), parse its leaf and key. */
int hs_take_peer_chain(ctls_conn *c, const msg_certificate *m);
/* Check the peer's CertificateVerify against its leaf key; offered = schemes we accept. */
int hs_check_certificate_verify(ctls_conn *c, const uint8_t *msg, size_t len, int which,
                                const uint16_t *offered, size_t n_offered);
/* Run chain verification on the peer's chain (sets verify_flags / verify_status). */
int hs_verify_peer_chain(ctls_conn *c, int purpose);
/* Send the dummy change_cipher_spec (RFC 8446 D.4), once. */
int hs_send_ccs(ctls_conn *c);
/* Build a u16 list slice in buf from values. */
ctls_slice hs_u16_list(uint8_t *buf, const uint16_t *v, size_t n);

/* ---- TLS 1.3 early data (hs/early13.c; RFC 8446 2.3, 4.2.10, 4.5) ---- */
/* Client, building a ClientHello that offers s (NULL: no PSK): early_data when data is
 * queued (ctls_write_early_data), s allows it and this is not a second ClientHello. */
void early13_client_offer(ctls_conn *c, msg_client_hello *m, const ctls_session *s);
/* Client, right after that ClientHello: the middlebox-compatibility CCS, then the queued data
 * under client_early_traffic_secret (the write keys stay on it until EncryptedExtensions). */
int early13_client_send(ctls_conn *c, const ctls_session *s);
/* Client: a HelloRetryRequest (or a TLS 1.2 ServerHello) rejects early data; what follows
 * goes in the clear. */
void early13_client_reject(ctls_conn *c);
/* Client, at the ServerHello: c_fin, and the handshake write keys unless early data is
 * pending (then they wait for EncryptedExtensions). */
int early13_client_hs_keys(ctls_conn *c);
/* Client: EncryptedExtensions carried early_data (accepted) or not. */
int early13_client_on_ee(ctls_conn *c, int accepted);
/* Client, before its second flight: EndOfEarlyData when accepted, then the handshake keys. */
int early13_client_end(ctls_conn *c);
/* Server, a ClientHello decided (h->psk_selected; psk_index, and the ticket's early data
 * limit from tickets_select, 0 when it allows none): accept or reject an early_data offer.
 * hrr: the answer is a HelloRetryRequest. Needs the ClientHello in the transcript. */
int early13_server_on_hello(ctls_conn *c, const msg_client_hello *m, int hrr, uint16_t psk_index,
                            uint32_t ticket_max);
/* Server, after the handshake read keys are set: read with the early keys instead when
 * accepted. */
int early13_server_keys(ctls_conn *c);
/* Server: EndOfEarlyData (RFC 8446 4.5): the handshake keys from here on. */
int early13_server_on_eoed(ctls_conn *c, const uint8_t *msg, size_t len);

/* ---- test hooks ----------------------------------------------------------------------------
 * TESTS ONLY (tests/unit/test_rfc8448.c reproduces RFC 8448 byte-exact through them). NULL in
 * production, where each costs one pointer check. Set before a handshake starts and cleared
 * after; not thread-safe. A hook rewrites the message about to be encoded (extension lists and
 * order, ...); a negative return aborts the handshake with that status. Fields the state
 * machine derives state from must not change, except where noted. */
typedef struct {
    /* Right before each ClientHello is encoded. May also replace random and session_id
     * (0..32 bytes): the client adopts both (the ServerHello must then echo that session id,
     * and an empty one means no dummy change_cipher_spec). key_shares must stay. */
    int (*client_hello)(void *ctx, msg_client_hello *m);
    void *ctx;
} hs_test_client_hooks;
/* Client, before the second flight: 0 as usual, 1 = no EndOfEarlyData (accepted early data),
 * 2 = an EndOfEarlyData although early data was not accepted (under the handshake keys). */
extern int (*hs_test_end_of_early_data)(int accepted);
extern const hs_test_client_hooks *hs_test_client_hook;

typedef struct {
    /* Right before the ServerHello (not a HelloRetryRequest) is encoded. May replace the
     * random and the extension order; the suite, key share and session id must stay. */
    int (*server_hello)(void *ctx, msg_server_hello *m);
    /* Right before EncryptedExtensions is encoded: any extension the codec can carry. */
    int (*encrypted_extensions)(void *ctx, msg_encrypted_extensions *m);
    void *ctx;
} hs_test_server_hooks;
extern const hs_test_server_hooks *hs_test_server_hook;

#endif
