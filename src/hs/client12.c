/* The TLS 1.2 client state machine (RFC 5246 7.3, full handshake with ECDHE, RFC 8422):
 *
 *   ClientHello (client13.c, with client12_prepare_hello)
 *                      <- ServerHello (hand-over: client12_on_server_hello)
 *   C12_WAIT_CERT      <- Certificate
 *   C12_WAIT_SKE       <- ServerKeyExchange
 *   C12_WAIT_CR_DONE   <- [CertificateRequest]
 *   C12_WAIT_DONE      <- ServerHelloDone
 *                      -> [Certificate] ClientKeyExchange ChangeCipherSpec Finished
 *   C12_WAIT_NST       <- NewSessionTicket (when the ServerHello had SessionTicket, RFC 5077)
 *   C12_WAIT_CCS       <- ChangeCipherSpec (hs12_on_ccs, from hs_next_message)
 *   C12_WAIT_FINISHED  <- Finished
 *
 * Resumption (the abbreviated handshake, RFC 5246 7.3 / RFC 5077 3.1): the ClientHello offers
 * a TLS 1.2 session's ticket (SessionTicket extension) and / or its session ID; a ServerHello
 * echoing that session ID resumes it: [NewSessionTicket] ChangeCipherSpec Finished from the
 * server, then our ChangeCipherSpec Finished. Any other ServerHello is a full handshake.
 *
 * A message not expected in the current state is unexpected_message. Policy (secure by
 * default): the server must support extended_master_secret (RFC 7627) and renegotiation_info
 * (RFC 5746), else handshake_failure. A CertificateRequest is answered with the connection's
 * or the config's first certificate when its type and a signature scheme fit, else with an
 * empty Certificate (RFC 5246 7.4.6). */
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"
#include "hs/ocsp.h"
#include "session/session.h"

enum {
    C12_WAIT_CERT = HS12_FIRST_STATE,
    C12_WAIT_SKE,
    C12_WAIT_CR_DONE,
    C12_WAIT_DONE,
    C12_PAUSED_CERT_REQ, /* waiting for the application's certificate decision */
    C12_PAUSED_SERVER_AUTH,
    C12_WAIT_NST,
    C12_WAIT_CCS,
    C12_WAIT_FINISHED,
    C12_WAIT_STATUS_SKE, /* after the Certificate when the ServerHello acknowledged OCSP */
};

const uint8_t hs12_downgrade_sentinel[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};

static const uint8_t empty_byte[1] = {0};

/* RFC 5077 3.2 / RFC 5246 7.4.1.2: offer a TLS 1.2 session: its ticket in SessionTicket
 * (always sent, empty without one: we accept tickets) and its session ID; with a ticket but no
 * session ID, a random one, so that the server's echo tells a resumption (RFC 5077 3.4). */
static int offer_session12(ctls_conn *c, msg_client_hello *m)
{
    hs_state *h = c->hs;
    const ctls_session *s = h->t12.reneg ? NULL : sess_client_offer12(c);
    m->ext_present |= EXT_BIT(EXT_SESSION_TICKET);
    m->session_ticket = (ctls_slice){empty_byte, 0};
    h->t12.offered = s != NULL;
    if (!s) return 0;
    if (s->ticket_len) m->session_ticket = (ctls_slice){s->ticket, s->ticket_len};
    if (s->session_id_len) {
        memcpy(h->session_id, s->session_id, s->session_id_len);
        h->session_id_len = s->session_id_len;
    } else if (!h->session_id_len) {
        CTLS_GUARD(ctls_random(h->session_id, sizeof h->session_id));
        h->session_id_len = sizeof h->session_id;
    }
    m->session_id = (ctls_slice){h->session_id, h->session_id_len};
    return 0;
}

int client12_prepare_hello(ctls_conn *c, msg_client_hello *m)
{
    static const uint8_t versions_both[] = {0x03, 0x04, 0x03, 0x03};
    static const uint8_t uncompressed[] = {0}; /* RFC 8422 5.1.2 */
    const ctls_config *cfg = c->cfg;
    hs_state *h = c->hs;
    if (!hs_version_usable(cfg, CTLS_TLS1_2)) return 0; /* TLS 1.3 only */
    m->ext_present |= EXT_BIT(EXT_EXTENDED_MASTER_SECRET) | EXT_BIT(EXT_RENEGOTIATION_INFO) |
                      EXT_BIT(EXT_EC_POINT_FORMATS);
    /* RFC 5746 3.4: an empty renegotiation_info on the initial handshake (instead of the
     * TLS_EMPTY_RENEGOTIATION_INFO_SCSV); 3.5: client_verify_data in a renegotiation */
    m->renegotiation_info = (ctls_slice){empty_byte, 0};
    if (h->t12.reneg)
        m->renegotiation_info = (ctls_slice){c->reneg_client_vd, HS12_VERIFY_DATA_LEN};
    m->ec_point_formats = (ctls_slice){uncompressed, sizeof uncompressed};
    if (hs_version_usable(cfg, CTLS_TLS1_3) && !h->t12.reneg) {
        m->supported_versions = (ctls_slice){versions_both, sizeof versions_both};
        return offer_session12(c, m);
    }
    /* TLS 1.2 only: a plain RFC 5246 ClientHello, without the TLS 1.3 extensions and with an
     * empty session id unless a session is offered */
    m->ext_present &=
        ~(EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE) |
          EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES) | EXT_BIT(EXT_COOKIE) | EXT_BIT(EXT_PRE_SHARED_KEY) |
          EXT_BIT(EXT_EARLY_DATA) | EXT_BIT(EXT_POST_HANDSHAKE_AUTH));
    h->session_id_len = 0;
    m->session_id = (ctls_slice){empty_byte, 0};
    return offer_session12(c, m);
}

static int suite_offered12(const ctls_config *cfg, uint16_t id)
{
    const algs_suite *s = algs_suite_by_id(id);
    if (!s || s->tls13) return 0;
    for (size_t i = 0; i < cfg->n_suites; i++)
        if (cfg->suites[i] == id) return 1;
    return 0;
}

static int check_alpn(ctls_conn *c, const msg_server_hello *m)
{
    if (!(m->ext_present & EXT_BIT(EXT_ALPN))) return 0;
    /* RFC 7301 3.2: the protocol must be one we offered */
    ctls_slice list = {c->cfg->alpn, c->cfg->alpn_len}, name;
    int found = 0;
    while (msg_alpn_next(&list, &name))
        found |= name.len == m->alpn.len && memcmp(name.p, m->alpn.p, name.len) == 0;
    if (!found) return CTLS_ERR_ILLEGAL_PARAMETER;
    c->alpn = ctls_calloc(1, m->alpn.len + 1);
    if (!c->alpn) return CTLS_ERR_NOMEM;
    memcpy(c->alpn, m->alpn.p, m->alpn.len);
    return 0;
}

/* Whether the ServerHello resumes the session we offered: it echoes our non-empty session id
 * (RFC 5246 7.4.1.3, RFC 5077 3.4). */
static int resumption(ctls_conn *c, const msg_server_hello *m, int *resumed)
{
    hs_state *h = c->hs;
    *resumed = h->session_id_len && m->session_id.len == h->session_id_len &&
               memcmp(m->session_id.p, h->session_id, h->session_id_len) == 0;
    if (!*resumed) return 0;
    /* our session id is random unless a session was offered: nothing else can be resumed */
    const ctls_session *s = c->sess ? c->sess->offer : NULL;
    if (!h->t12.offered || !s || s->version != CTLS_TLS1_2 || s->psk_len != HS12_MASTER_LEN)
        return CTLS_ERR_ILLEGAL_PARAMETER;
    /* RFC 5246 7.4.1.3: a resumed session keeps its cipher suite */
    if (m->cipher_suite != s->suite) return CTLS_ERR_ILLEGAL_PARAMETER;
    /* RFC 7627 5.3: a session with the extended master secret (and the ServerHello has it:
     * checked by the caller, handshake_failure otherwise) */
    if (!s->ems) return CTLS_ERR_HANDSHAKE_FAILURE;
    return 0;
}

int client12_on_server_hello(ctls_conn *c, const msg_server_hello *m, const uint8_t *msg,
                             size_t len)
{
    hs_state *h = c->hs;
    const ctls_config *cfg = c->cfg;
    if (!hs_version_usable(cfg, CTLS_TLS1_2) || m->legacy_version != CTLS_TLS1_2)
        return CTLS_ERR_PROTOCOL_VERSION;          /* not offered, or below TLS 1.2 */
    if (h->hrr) return CTLS_ERR_ILLEGAL_PARAMETER; /* RFC 8446 4.1.4: 1.3 after an HRR */
    if (m->is_hrr || !suite_offered12(cfg, m->cipher_suite)) return CTLS_ERR_ILLEGAL_PARAMETER;
    uint32_t allowed = EXT_BIT(EXT_EC_POINT_FORMATS) | EXT_BIT(EXT_EXTENDED_MASTER_SECRET) |
                       EXT_BIT(EXT_RENEGOTIATION_INFO) | EXT_BIT(EXT_SESSION_TICKET);
    /* RFC 6066 3: a server MUST NOT acknowledge the name when resuming, but the RFC gives the
     * client no action, we asked for it, and the empty extension changes nothing: tolerated,
     * as OpenSSL, GnuTLS and BoringSSL clients do (test_resume12 resumed_server_name_tolerated) */
    if (c->sni) allowed |= EXT_BIT(EXT_SERVER_NAME);
    if (h->offered_alpn) allowed |= EXT_BIT(EXT_ALPN);
    if (h->ocsp_requested) allowed |= EXT_BIT(EXT_STATUS_REQUEST);        /* RFC 6066 8 */
    if (m->ext_present & ~allowed) return CTLS_ERR_UNSUPPORTED_EXTENSION; /* not offered */
    /* RFC 7627 5.3: we require the extended master secret (no session-hash-less secrets) */
    if (!(m->ext_present & EXT_BIT(EXT_EXTENDED_MASTER_SECRET))) return CTLS_ERR_HANDSHAKE_FAILURE;
    /* RFC 5746 3.4: we require secure renegotiation support; on the initial handshake the
     * renegotiated_connection is empty, else handshake_failure; 3.5: in a renegotiation it
     * is client_verify_data || server_verify_data */
    if (!(m->ext_present & EXT_BIT(EXT_RENEGOTIATION_INFO))) return CTLS_ERR_HANDSHAKE_FAILURE;
    if (h->t12.reneg)
        CTLS_GUARD(reneg12_check_info(c, m->renegotiation_info, 1));
    else if (m->renegotiation_info.len != 0)
        return CTLS_ERR_HANDSHAKE_FAILURE;
    /* RFC 8422 5.2: the server's list must contain uncompressed */
    if ((m->ext_present & EXT_BIT(EXT_EC_POINT_FORMATS)) &&
        !msg_u8_contains(m->ec_point_formats, 0))
        return CTLS_ERR_ILLEGAL_PARAMETER;
    CTLS_GUARD(check_alpn(c, m));
    int resumed;
    CTLS_GUARD(resumption(c, m, &resumed));
    h->suite = algs_suite_by_id(m->cipher_suite);
    memcpy(h->t12.client_random, h->random, 32);
    memcpy(h->t12.server_random, m->random, 32);
    /* the ClientHello, still unhashed in the transcript, is the first raw message (kept for
     * a CertificateVerify, which a resumed handshake does not have) */
    h->t12.keep_raw = !resumed;
    if (!resumed)
        CTLS_GUARD(tr_add(&h->t12.raw, buf_data(&h->tr.pending), buf_size(&h->tr.pending)));
    CTLS_GUARD(tr_set_hash(&h->tr, h->suite->hash));
    CTLS_GUARD(hs12_add(h, msg, len));
    c->version = CTLS_TLS1_2;
    c->suite = h->suite->id;
    c->hash = h->suite->hash;
    c->secure_reneg = 1;
    c->ccs_allowed = 0; /* the server's one CCS comes after our Finished (RFC 5246 7.1) */
    /* The TLS 1.3 key share's key pair (if any) is kept: when the ServerKeyExchange names the
     * same group it serves as our ECDHE key (still used for this one connection only) instead
     * of generating a second pair. */
    /* RFC 5077 3.2: a SessionTicket in the ServerHello announces a NewSessionTicket */
    h->t12.ticket_next = (m->ext_present & EXT_BIT(EXT_SESSION_TICKET)) != 0;
    /* RFC 6066 8: a CertificateStatus may follow the Certificate */
    h->ocsp_acked = (m->ext_present & EXT_BIT(EXT_STATUS_REQUEST)) != 0;
    CTLS_GUARD(sess12_client_start(c, m, resumed));
    if (!resumed) {
        h->st = C12_WAIT_CERT;
        return 0;
    }
    /* RFC 5246 7.3: the abbreviated handshake: the server's [NewSessionTicket]
     * ChangeCipherSpec Finished come next, under keys from the session's master secret */
    const ctls_session *s = c->sess->offer;
    memcpy(h->t12.master, s->psk, HS12_MASTER_LEN);
    h->t12.resumed = 1;
    CTLS_GUARD(sess_client_resumed(c));
    h->st = h->t12.ticket_next ? C12_WAIT_NST : C12_WAIT_CCS;
    c->ccs_allowed = !h->t12.ticket_next;
    return 0;
}

static int on_certificate(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_certificate m;
    CTLS_GUARD(msg_certificate_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, 1, &m));
    if (m.count == 0) return CTLS_ERR_DECODE; /* RFC 5246 7.4.2: ECDHE_* suites need one */
    /* a renegotiation keeps the server we authenticated (reneg12.c), which we always have */
    if (c->hs->t12.reneg && !c->peer_chain.count) return CTLS_ERR_PEER_CERT_CHANGED;
    CTLS_GUARD(reneg12_check_peer(c, &m));
    CTLS_GUARD(hs_take_peer_chain(c, &m));
    /* RFC 8422 5.3 / RFC 5246 7.4.2: the key must fit the suite's authentication */
    if (!hs12_key_fits_suite(c->hs->suite, c->hs->peer_key_type)) return CTLS_ERR_BAD_CERTIFICATE;
    return hs12_add(c->hs, msg, len);
}

static int in_list(const uint16_t *v, size_t n, uint16_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x) return 1;
    return 0;
}

/* RFC 8422 5.4: check the signature over the randoms and the ECDHE parameters, then compute
 * the premaster secret with a fresh key pair of the server's group. */
static int on_server_key_exchange(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    msg_server_key_exchange12 m;
    CTLS_GUARD(msg_server_key_exchange12_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    if (!in_list(c->cfg->groups, c->cfg->n_groups, m.group) || !ctls_kx_supported(m.group))
        return CTLS_ERR_ILLEGAL_PARAMETER; /* RFC 8422 5.4: a curve we offered */
    /* RFC 5246 7.4.1.4.1: a scheme we offered, fitting the certificate's key */
    if (!in_list(c->cfg->sigs, c->cfg->n_sigs, m.scheme) ||
        !hs12_scheme_ok(m.scheme, h->peer_key_type))
        return CTLS_ERR_ILLEGAL_PARAMETER;
    uint8_t content[64 + 4 + 255];
    size_t clen;
    CTLS_GUARD(hs12_ske_content(h, m.params, content, sizeof content, &clen));
    if (ctls_verify(h->peer_key, m.scheme, content, clen, m.signature.p, m.signature.len) < 0)
        return CTLS_ERR_DECRYPT_ERROR;
    c->peer_sig = m.scheme;
    c->group = m.group;
    if (!h->kx || ctls_kx_group(h->kx) != m.group) {
        ctls_kx_free(h->kx);
        h->kx = NULL;
        CTLS_GUARD(ctls_kx_generate(m.group, &h->kx));
    }
    h->t12.pms_len = sizeof h->t12.pms;
    CTLS_GUARD(ctls_kx_derive(h->kx, m.point.p, m.point.len, h->t12.pms, &h->t12.pms_len));
    return hs12_add(h, msg, len);
}

/* RFC 5246 7.4.4 */
static int on_certificate_request(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    msg_certificate_request12 m;
    CTLS_GUARD(msg_certificate_request12_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    h->cert_requested = 1;
    if (msg_u8_contains(m.cert_types, HS12_CERT_TYPE_RSA_SIGN)) h->t12.cr_types |= HS12_CT_RSA;
    if (msg_u8_contains(m.cert_types, HS12_CERT_TYPE_ECDSA_SIGN)) h->t12.cr_types |= HS12_CT_ECDSA;
    ctls_slice l = m.signature_algorithms;
    uint16_t v;
    while (msg_u16_next(&l, &v))
        if (h->n_cr_sigs < HS_MAX_PEER_SIGS) h->cr_sigs[h->n_cr_sigs++] = v;
    CTLS_GUARD(hs_keep_acceptable_cas(c, m.certificate_authorities)); /* common13.c */
    return hs12_add(h, msg, len);
}

/* The certificate and scheme to answer a CertificateRequest with, or NULL. */
static const cfg_cert *client_cert(ctls_conn *c, uint16_t *scheme)
{
    hs_state *h = c->hs;
    const cfg_cert *cert = c->conn_cert;
    if (!cert && c->cfg->n_certs) cert = &c->cfg->certs[0];
    if (!cert) return NULL;
    unsigned need = cert->key_type == CTLS_KEY_RSA ? HS12_CT_RSA : HS12_CT_ECDSA;
    if (!(h->t12.cr_types & need)) return NULL;
    *scheme = 0;
    /* our preference order, among the schemes the server accepts */
    for (size_t i = 0; i < c->cfg->n_sigs && !*scheme; i++)
        if (in_list(h->cr_sigs, h->n_cr_sigs, c->cfg->sigs[i]) &&
            hs12_scheme_ok(c->cfg->sigs[i], cert->key_type))
            *scheme = c->cfg->sigs[i];
    return *scheme ? cert : NULL;
}

/* After ServerHelloDone: verify the chain, or pause for the application. */
static int after_server_auth(ctls_conn *c)
{
    if (c->verify_mode == CTLS_VERIFY_NONE && !c->cfg->break_server_auth) {
        c->verify_flags = CTLS_CERT_NOT_VERIFIED;
        return 0;
    }
    int rc = hs_verify_peer_chain(c, CTLS_PURPOSE_SERVER_AUTH);
    /* a renegotiation does not pause: the application accepted this very leaf (on_certificate
     * refuses another) */
    if (c->cfg->break_server_auth) return c->hs->t12.reneg ? 0 : CTLS_PAUSED_SERVER_AUTH;
    return rc;
}

/* [Certificate] ClientKeyExchange ChangeCipherSpec Finished (RFC 5246 7.3). */
static int send_client_flight(ctls_conn *c)
{
    hs_state *h = c->hs;
    const cfg_cert *cert = NULL;
    uint16_t scheme = 0;
    if (h->cert_requested) {
        cert = client_cert(c, &scheme);
        /* RFC 5246 7.4.6: no suitable certificate: an empty list */
        CTLS_GUARD(hs12_send_certificate(c, cert));
    }
    uint8_t pub[CTLS_KX_MAX_PUBLIC];
    size_t publen = sizeof pub;
    CTLS_GUARD(ctls_kx_public(h->kx, pub, &publen));
    msg_client_key_exchange12 cke = {.point = {pub, publen}};
    CTLS_GUARD(hs12_send_encoded(c, &cke, (hs_encode_fn)msg_client_key_exchange12_encode));
    ctls_kx_free(h->kx);
    h->kx = NULL;
    CTLS_GUARD(hs12_derive_master(c)); /* RFC 7627 3: the session hash ends with the CKE */
    if (cert) CTLS_GUARD(hs12_sign_transcript(c, cert, scheme)); /* RFC 5246 7.4.8 */
    CTLS_GUARD(hs12_send_ccs_finished(c));
    /* RFC 5077 3.3: a promised NewSessionTicket comes before the server's CCS */
    c->ccs_allowed = !h->t12.ticket_next;
    h->st = h->t12.ticket_next ? C12_WAIT_NST : C12_WAIT_CCS;
    return 0;
}

/* RFC 5077 3.3: NewSessionTicket (part of the handshake: in the Finished hashes). */
static int on_new_session_ticket(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_new_session_ticket12 m;
    CTLS_GUARD(msg_new_session_ticket12_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    CTLS_GUARD(sess12_client_ticket(c, &m));
    CTLS_GUARD(hs12_add(c->hs, msg, len));
    c->hs->t12.ticket_next = 0;
    c->ccs_allowed = 1; /* the server's ChangeCipherSpec comes next (RFC 5246 7.1) */
    return 0;
}

int client12_on_ccs(ctls_conn *c)
{
    if (c->hs->st != C12_WAIT_CCS) return CTLS_ERR_UNEXPECTED_MESSAGE;
    c->hs->st = C12_WAIT_FINISHED;
    return 0;
}

int client12_step(ctls_conn *c)
{
    hs_state *h = c->hs;
    if (!h) return CTLS_ERR_INTERNAL;
    if (h->st == C12_PAUSED_CERT_REQ) {
        h->st = C12_WAIT_DONE;
        return 0;
    }
    if (h->st == C12_PAUSED_SERVER_AUTH) {
        if (!c->peer_accepted && c->verify_status < 0) return c->verify_status;
        return send_client_flight(c);
    }
    uint8_t type;
    const uint8_t *msg;
    size_t len;
    CTLS_GUARD(hs_next_message(c, &type, &msg, &len));
    int rc;
    switch (h->st) {
    case C12_WAIT_CERT:
        if (type != MSG_CERTIFICATE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_certificate(c, msg, len);
        h->st = h->ocsp_acked ? C12_WAIT_STATUS_SKE : C12_WAIT_SKE;
        break;
    case C12_WAIT_STATUS_SKE:
        if (type == MSG_CERTIFICATE_STATUS) {
            rc = ocsp_on_status12(c, msg, len); /* ocsp.c */
            h->st = C12_WAIT_SKE;
            break;
        }
        /* RFC 6066 8: the server may send none after all */
        __attribute__((fallthrough));
    case C12_WAIT_SKE:
        if (type != MSG_SERVER_KEY_EXCHANGE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_server_key_exchange(c, msg, len);
        h->st = C12_WAIT_CR_DONE;
        break;
    case C12_WAIT_CR_DONE:
        if (type == MSG_CERTIFICATE_REQUEST) {
            rc = on_certificate_request(c, msg, len);
            /* no pause in a renegotiation: the configured certificate answers */
            if (rc == 0 && c->cfg->break_cert_requested && !h->t12.reneg) {
                hs_consume_message(c, len);
                h->st = C12_PAUSED_CERT_REQ;
                return CTLS_PAUSED_CERT_REQUESTED;
            }
            h->st = C12_WAIT_DONE;
            break;
        }
        __attribute__((fallthrough)); /* ServerHelloDone */
    case C12_WAIT_DONE:
        if (type != MSG_SERVER_HELLO_DONE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(msg_empty_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN));
        CTLS_GUARD(hs12_add(h, msg, len));
        hs_consume_message(c, len);
        /* RFC 5246 7.4.5: nothing may follow ServerHelloDone before our flight */
        if (buf_size(&c->hs_in)) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = after_server_auth(c);
        if (rc == CTLS_PAUSED_SERVER_AUTH) {
            h->st = C12_PAUSED_SERVER_AUTH;
            return rc;
        }
        CTLS_GUARD(rc);
        return send_client_flight(c);
    case C12_WAIT_NST:
        if (type != MSG_NEW_SESSION_TICKET) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(on_new_session_ticket(c, msg, len));
        hs_consume_message(c, len);
        /* RFC 5246 7.1: the ChangeCipherSpec follows; no message may straddle it */
        if (buf_size(&c->hs_in)) return CTLS_ERR_UNEXPECTED_MESSAGE;
        h->st = C12_WAIT_CCS;
        return 0;
    case C12_WAIT_FINISHED:
        if (type != MSG_FINISHED) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(hs12_check_finished(c, msg, len));
        hs_consume_message(c, len);
        /* nothing may follow the server's Finished in its flight (RFC 5246 7.4.1.1: a
         * HelloRequest comes in a flight of its own) */
        if (buf_size(&c->hs_in)) return CTLS_ERR_UNEXPECTED_MESSAGE;
        /* RFC 5246 7.3: resumed, our ChangeCipherSpec and Finished come last */
        if (h->t12.resumed) CTLS_GUARD(hs12_send_ccs_finished(c));
        CTLS_GUARD(sess12_client_done(c, h->t12.master));
        c->hs_done = 1;
        c->ccs_allowed = 0;
        hs_state_free(c);
        return 0;
    default: /* C12_WAIT_CCS: a handshake message before the CCS */
        return CTLS_ERR_UNEXPECTED_MESSAGE;
    }
    CTLS_GUARD(rc);
    hs_consume_message(c, len);
    return 0;
}
