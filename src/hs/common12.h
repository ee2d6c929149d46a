/* Internal interface of the TLS 1.2 handshake (hs/common12.c, client12.c, server12.c). */
#ifndef CTLS_HS_COMMON12_H
#define CTLS_HS_COMMON12_H

#include "hs/hs.h"

/* RFC 8446 4.1.3: the last 8 bytes of a TLS 1.3 server's random when it negotiates 1.2. */
extern const uint8_t hs12_downgrade_sentinel[8];

/* Client: the ServerHello of a TLS 1.2 answer (hand-over from client13.c). */
int client12_on_server_hello(ctls_conn *c, const msg_server_hello *m, const uint8_t *msg,
                             size_t len);
/* Client: add what TLS 1.2 needs to the ClientHello about to be sent (suites stay the
 * caller's); when 1.3 is not offered, strip the 1.3-only parts. */
int client12_prepare_hello(ctls_conn *c, msg_client_hello *m);
/* Server: a ClientHello that does not offer TLS 1.3, or with 1.3 disabled (hand-over from
 * server13.c). */
int server12_on_client_hello(ctls_conn *c, const msg_client_hello *m, const uint8_t *msg,
                             size_t len);
/* The role's check that a ChangeCipherSpec fits the current state (and the state change). */
int client12_on_ccs(ctls_conn *c);
int server12_on_ccs(ctls_conn *c);

/* 1 when the config may negotiate version v: within [min, max] and with a suite for it (a
 * TLS 1.2-only suite list does not offer TLS 1.3, and the reverse). */
int hs_version_usable(const ctls_config *cfg, uint16_t v);

int hs12_derive_master(ctls_conn *c);
int hs12_install_keys(ctls_conn *c, int write);
/* ChangeCipherSpec, new write keys, Finished. */
int hs12_send_ccs_finished(ctls_conn *c);
int hs12_check_finished(ctls_conn *c, const uint8_t *msg, size_t len);
int hs12_ske_content(const hs_state *h, ctls_slice params, uint8_t *out, size_t cap, size_t *len);
int hs12_scheme_ok(uint16_t scheme, int key_type);
int hs12_key_fits_suite(const algs_suite *s, int key_type);
int hs12_send_certificate(ctls_conn *c, const cfg_cert *cert);
/* Add a message to the transcript hash and to the raw messages (t12.raw). */
int hs12_add(hs_state *h, const uint8_t *msg, size_t len);
/* Encode, add (hs12_add) and send. */
int hs12_send_encoded(ctls_conn *c, const void *m, hs_encode_fn enc);
/* CertificateVerify over the messages so far (RFC 5246 7.4.8): send ours / check the peer's
 * (against its leaf key, a scheme from cfg->sigs). */
int hs12_sign_transcript(ctls_conn *c, const cfg_cert *cert, uint16_t scheme);
int hs12_check_certificate_verify(ctls_conn *c, const uint8_t *msg, size_t len);
/* Renegotiation (hs/reneg12.c, RFC 5746 3): the renegotiation_info content of this
 * connection's last handshake: client_verify_data [|| server_verify_data when both]; checked
 * in constant time (CTLS_ERR_HANDSHAKE_FAILURE when it differs). */
size_t reneg12_info(const ctls_conn *c, int both, uint8_t out[2 * HS12_VERIFY_DATA_LEN]);
int reneg12_check_info(const ctls_conn *c, ctls_slice ri, int both);
/* In a renegotiation, the peer's Certificate must carry the leaf of the connection's peer
 * chain, if it has one: CTLS_ERR_PEER_CERT_CHANGED (illegal_parameter) otherwise. */
int reneg12_check_peer(const ctls_conn *c, const msg_certificate *m);
/* Client: the renegotiation's ClientHello (client13.c), on a state reneg12.c created. */
int client13_reneg_hello(ctls_conn *c);
/* RFC 5246 7.4.4 ClientCertificateType */
#define HS12_CERT_TYPE_RSA_SIGN 1
#define HS12_CERT_TYPE_ECDSA_SIGN 64

#endif
