/* The TLS 1.2 server state machine (RFC 5246 7.3, full handshake with ECDHE, RFC 8422):
 *
 *   ClientHello -> (hand-over from server13.c: server12_on_client_hello)
 *                  ServerHello Certificate ServerKeyExchange
 *                  [CertificateRequest] ServerHelloDone
 *   S12_WAIT_CERT      <- Certificate (when requested)
 *   S12_WAIT_CKE       <- ClientKeyExchange
 *   S12_WAIT_CV        <- CertificateVerify (when the client sent a certificate)
 *   S12_WAIT_CCS       <- ChangeCipherSpec (hs12_on_ccs, from hs_next_message)
 *   S12_WAIT_FINISHED  <- Finished
 *                      -> [NewSessionTicket] ChangeCipherSpec Finished
 *
 * Resumption with a session ticket (RFC 5077 3.1, the abbreviated handshake of RFC 5246 7.3):
 *
 *   ClientHello (SessionTicket) -> ServerHello [NewSessionTicket] ChangeCipherSpec Finished
 *   S12_WAIT_CCS       <- ChangeCipherSpec
 *   S12_WAIT_FINISHED  <- Finished
 *
 * Tickets (RFC 5077) are issued when the client offers the SessionTicket extension, tickets
 * are enabled (ctls_config_set_session_tickets) and no client certificate is asked for (a
 * ticket does not carry the client's identity). With the session cache on
 * (ctls_config_set_session_cache), a full handshake that issues no ticket sends a fresh
 * session ID and caches the session once the client's Finished verified; a ClientHello
 * without a ticket naming a cached ID resumes as above (RFC 5246 7.3), echoing the ID. Without
 * the cache a ClientHello with only a session ID gets a full handshake.
 *
 * Choices by server preference: suite (with a certificate whose key fits its authentication
 * and a signature scheme the client accepts), then group. Policy (secure by default): the
 * client must offer extended_master_secret (RFC 7627), else handshake_failure. A client
 * certificate is requested unless the connection's verify mode (the config's, or
 * ctls_conn_set_verify's) is CTLS_VERIFY_NONE; none under CTLS_VERIFY_REQUIRE_PEER is
 * handshake_failure (RFC 5246 7.4.6). */
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"
#include "hs/ocsp.h"
#include "session/session.h"

enum {
    S12_WAIT_CERT = HS12_FIRST_STATE,
    S12_WAIT_CKE,
    S12_WAIT_CV,
    S12_WAIT_CCS,
    S12_WAIT_FINISHED,
};

#define SCSV_RENEGOTIATION 0x00ff /* RFC 5746 3.3 TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
#define SCSV_FALLBACK 0x5600      /* RFC 7507 TLS_FALLBACK_SCSV */

typedef struct {
    const algs_suite *suite;
    const cfg_cert *cert;
    uint16_t scheme, group;
    ctls_slice alpn;
    int secure_reneg, point_formats;
    ctls_slice session_id; /* echoed when resuming (RFC 5077 3.4), else empty */
    int ticket;            /* a NewSessionTicket follows (RFC 5077 3.2: SessionTicket in SH) */
} sv12_choice;

static const uint8_t empty_byte[1] = {0};

/* Server preference: the first of our suites the client offers that one of our certificates
 * can serve (key type, a scheme the client accepts); a certificate matching the SNI name
 * wins. */
static int choose_suite_cert(const ctls_conn *c, const msg_client_hello *m, sv12_choice *ch)
{
    const ctls_config *cfg = c->cfg;
    for (size_t i = 0; i < cfg->n_suites; i++) {
        const algs_suite *s = algs_suite_by_id(cfg->suites[i]);
        if (!s || s->tls13 || !msg_u16_contains(m->cipher_suites, s->id)) continue;
        int best = -1;
        for (size_t k = 0; k < cfg->n_certs; k++) {
            const cfg_cert *cc = &cfg->certs[k];
            if (!hs12_key_fits_suite(s, cc->key_type)) continue;
            uint16_t scheme = 0;
            for (size_t j = 0; j < cfg->n_sigs && !scheme; j++)
                if (hs12_scheme_ok(cfg->sigs[j], cc->key_type) &&
                    msg_u16_contains(m->signature_algorithms, cfg->sigs[j]))
                    scheme = cfg->sigs[j];
            if (!scheme) continue;
            int rank = (c->sni && ctls_cert_matches_host(cc->leaf, c->sni)) ? 1 : 0;
            if (rank > best) {
                best = rank;
                ch->cert = cc;
                ch->scheme = scheme;
            }
        }
        if (ch->cert) {
            ch->suite = s;
            return 0;
        }
    }
    return CTLS_ERR_HANDSHAKE_FAILURE;
}

static int choose_group(const ctls_conn *c, const msg_client_hello *m, sv12_choice *ch)
{
    /* RFC 8422 5.1.1: a curve from the client's supported_groups */
    for (size_t i = 0; i < c->cfg->n_groups; i++)
        if (msg_u16_contains(m->supported_groups, c->cfg->groups[i]) &&
            ctls_kx_supported(c->cfg->groups[i])) {
            ch->group = c->cfg->groups[i];
            return 0;
        }
    return CTLS_ERR_HANDSHAKE_FAILURE;
}

/* The client's hello: version, mandatory extensions, RFC 5746 / 7507 / 7627 signals. */
static int check_client_hello(ctls_conn *c, const msg_client_hello *m, sv12_choice *ch)
{
    const ctls_config *cfg = c->cfg;
    /* RFC 8446 4.2.1 / RFC 5246 E.1: the client offers 1.2 through supported_versions when
     * it sends it, else through legacy_version */
    int offers12 = (m->ext_present & EXT_BIT(EXT_SUPPORTED_VERSIONS))
                       ? msg_u16_contains(m->supported_versions, CTLS_TLS1_2)
                       : m->legacy_version >= CTLS_TLS1_2;
    if (!hs_version_usable(cfg, CTLS_TLS1_2) || !offers12) return CTLS_ERR_PROTOCOL_VERSION;
    /* RFC 5246 7.4.1.2: the null compression method must be offered */
    if (!msg_u8_contains(m->compression_methods, 0)) return CTLS_ERR_ILLEGAL_PARAMETER;
    /* RFC 7507 3: a fallback retry while we support a higher version */
    if (msg_u16_contains(m->cipher_suites, SCSV_FALLBACK) && hs_version_usable(cfg, CTLS_TLS1_3))
        return CTLS_ERR_INAPPROPRIATE_FALLBACK;
    /* RFC 7627 5.3: our policy: no handshake without the extended master secret */
    if (!(m->ext_present & EXT_BIT(EXT_EXTENDED_MASTER_SECRET))) return CTLS_ERR_HANDSHAKE_FAILURE;
    if (c->hs->t12.reneg) {
        /* RFC 5746 3.7: no SCSV, and renegotiation_info = client_verify_data, else
         * handshake_failure */
        if (msg_u16_contains(m->cipher_suites, SCSV_RENEGOTIATION) ||
            !(m->ext_present & EXT_BIT(EXT_RENEGOTIATION_INFO)))
            return CTLS_ERR_HANDSHAKE_FAILURE;
        CTLS_GUARD(reneg12_check_info(c, m->renegotiation_info, 0));
        ch->secure_reneg = 1;
    } else if (m->ext_present & EXT_BIT(EXT_RENEGOTIATION_INFO)) {
        /* RFC 5746 3.6: the SCSV or an empty renegotiation_info */
        if (m->renegotiation_info.len != 0) return CTLS_ERR_HANDSHAKE_FAILURE;
        ch->secure_reneg = 1;
    }
    if (!c->hs->t12.reneg && msg_u16_contains(m->cipher_suites, SCSV_RENEGOTIATION))
        ch->secure_reneg = 1;
    /* RFC 5246 7.4.1.4.1 (we accept no SHA-1 default) and RFC 8422 4 (no default curves) */
    if (!(m->ext_present & EXT_BIT(EXT_SIGNATURE_ALGORITHMS)) ||
        !(m->ext_present & EXT_BIT(EXT_SUPPORTED_GROUPS)))
        return CTLS_ERR_HANDSHAKE_FAILURE;
    /* RFC 8422 5.1.2: uncompressed points must be supported */
    if (m->ext_present & EXT_BIT(EXT_EC_POINT_FORMATS)) {
        if (!msg_u8_contains(m->ec_point_formats, 0)) return CTLS_ERR_ILLEGAL_PARAMETER;
        ch->point_formats = 1;
    }
    return 0;
}

static int send_server_hello(ctls_conn *c, const msg_client_hello *chm, const sv12_choice *ch)
{
    static const uint8_t uncompressed[] = {0};
    hs_state *h = c->hs;
    msg_server_hello sh;
    memset(&sh, 0, sizeof sh);
    sh.legacy_version = CTLS_TLS1_2;
    CTLS_GUARD(ctls_random(sh.random, 32));
    /* RFC 8446 4.1.3: a TLS 1.3-capable server negotiating TLS 1.2 says so (not in a
     * renegotiation, which cannot change the version) */
    if (hs_version_usable(c->cfg, CTLS_TLS1_3) && !h->t12.reneg)
        memcpy(sh.random + 24, hs12_downgrade_sentinel, sizeof hs12_downgrade_sentinel);
    /* RFC 5246 7.4.1.3: an empty session id on a full handshake unless the session goes into
     * the cache; RFC 5077 3.4 / RFC 5246 7.4.1.3: the client's session id echoed on resumption */
    sh.session_id = ch->session_id.len ? ch->session_id : (ctls_slice){empty_byte, 0};
    sh.cipher_suite = ch->suite->id;
    sh.ext_present = EXT_BIT(EXT_EXTENDED_MASTER_SECRET);
    uint8_t ri[2 * HS12_VERIFY_DATA_LEN];
    if (ch->secure_reneg) {
        sh.ext_present |= EXT_BIT(EXT_RENEGOTIATION_INFO); /* RFC 5746 3.6: empty */
        sh.renegotiation_info = (ctls_slice){empty_byte, 0};
        /* RFC 5746 3.7: client_verify_data || server_verify_data in a renegotiation */
        if (h->t12.reneg) sh.renegotiation_info = (ctls_slice){ri, reneg12_info(c, 1, ri)};
    }
    if (ch->point_formats) {
        sh.ext_present |= EXT_BIT(EXT_EC_POINT_FORMATS);
        sh.ec_point_formats = (ctls_slice){uncompressed, sizeof uncompressed};
    }
    if (ch->alpn.len) {
        sh.ext_present |= EXT_BIT(EXT_ALPN);
        sh.alpn = ch->alpn;
    }
    if (ch->ticket) sh.ext_present |= EXT_BIT(EXT_SESSION_TICKET);     /* RFC 5077 3.2: empty */
    if (h->ocsp_staple) sh.ext_present |= EXT_BIT(EXT_STATUS_REQUEST); /* RFC 6066 8: empty */
    /* RFC 6066 3: the name was used (never when resuming: ch->cert is then NULL) */
    if (c->sni && ch->cert && ctls_cert_matches_host(ch->cert->leaf, c->sni))
        sh.ext_present |= EXT_BIT(EXT_SERVER_NAME);
    (void)chm;
    if (hs_test_server_hook && hs_test_server_hook->server_hello)
        CTLS_GUARD(hs_test_server_hook->server_hello(hs_test_server_hook->ctx, &sh));
    memcpy(h->t12.server_random, sh.random, 32);
    return hs12_send_encoded(c, &sh, (hs_encode_fn)msg_server_hello_encode);
}

/* RFC 8422 5.4: ServerKeyExchange with a fresh key pair, signed over both randoms. */
static int send_server_key_exchange(ctls_conn *c, const sv12_choice *ch)
{
    hs_state *h = c->hs;
    CTLS_GUARD(ctls_kx_generate(ch->group, &h->kx));
    uint8_t pub[CTLS_KX_MAX_PUBLIC], params[4 + CTLS_KX_MAX_PUBLIC], content[64 + 4 + 255];
    uint8_t sig[CTLS_MAX_SIG_LEN];
    size_t publen = sizeof pub, clen, slen = sizeof sig;
    CTLS_GUARD(ctls_kx_public(h->kx, pub, &publen));
    ctls_writer w;
    wr_init(&w, params, sizeof params);
    CTLS_GUARD(msg_server_ecdh_params12_encode(ch->group, (ctls_slice){pub, publen}, &w));
    CTLS_GUARD(wr_status(&w));
    CTLS_GUARD(hs12_ske_content(h, (ctls_slice){params, w.len}, content, sizeof content, &clen));
    CTLS_GUARD(ctls_sign(ch->cert->key, ch->scheme, content, clen, sig, &slen));
    msg_server_key_exchange12 m = {
        .group = ch->group,
        .point = {pub, publen},
        .scheme = ch->scheme,
        .signature = {sig, slen},
    };
    return hs12_send_encoded(c, &m, (hs_encode_fn)msg_server_key_exchange12_encode);
}

/* RFC 5246 7.4.4: RSA and ECDSA certificates, our TLS 1.2 schemes, the anchors' names. */
static int send_certificate_request(ctls_conn *c)
{
    static const uint8_t types[] = {HS12_CERT_TYPE_RSA_SIGN, HS12_CERT_TYPE_ECDSA_SIGN};
    uint16_t sigs[CFG_MAX_SIGS];
    uint8_t sigbuf[2 * CFG_MAX_SIGS];
    size_t n = 0;
    for (size_t i = 0; i < c->cfg->n_sigs; i++)
        if (hs12_scheme_ok(c->cfg->sigs[i], CTLS_KEY_RSA) ||
            hs12_scheme_ok(c->cfg->sigs[i], CTLS_KEY_EC_P256))
            sigs[n++] = c->cfg->sigs[i];
    if (n == 0) return CTLS_ERR_HANDSHAKE_FAILURE;
    msg_certificate_request12 m;
    memset(&m, 0, sizeof m);
    m.cert_types = (ctls_slice){types, sizeof types};
    m.signature_algorithms = hs_u16_list(sigbuf, sigs, n);
    m.certificate_authorities = (ctls_slice){empty_byte, 0};
    if (c->cfg->ca_names_len && !c->cfg->ca_names_overflow && c->cfg->ca_names_len <= 0xffff)
        m.certificate_authorities = (ctls_slice){c->cfg->ca_names, c->cfg->ca_names_len};
    return hs12_send_encoded(c, &m, (hs_encode_fn)msg_certificate_request12_encode);
}

static int send_hello_done(const void *unused, ctls_writer *w)
{
    (void)unused;
    return msg_empty_encode(MSG_SERVER_HELLO_DONE, w);
}

/* RFC 5077 3.3: NewSessionTicket, a handshake message (in the Finished hashes). */
static int send_ticket(ctls_conn *c)
{
    uint8_t ticket[SESS12_TICKET_MAX];
    size_t tlen = 0;
    CTLS_GUARD(tickets12_seal(c, c->hs->t12.master, ticket, &tlen));
    msg_new_session_ticket12 m = {.lifetime_hint = c->cfg->ticket_lifetime,
                                  .ticket = {ticket, tlen}};
    c->hs->t12.ticket_next = 0;
    return hs12_send_encoded(c, &m, (hs_encode_fn)msg_new_session_ticket12_encode);
}

/* RFC 5246 7.3 / RFC 5077 3.1: the abbreviated handshake, the server's flight first:
 * ServerHello [NewSessionTicket] ChangeCipherSpec Finished, keys from the session's master
 * secret (already in t12.master) and the new randoms. */
static int resume(ctls_conn *c, const msg_client_hello *m, const sv12_choice *ch)
{
    hs_state *h = c->hs;
    h->t12.resumed = 1;
    CTLS_GUARD(send_server_hello(c, m, ch));
    if (h->t12.ticket_next) CTLS_GUARD(send_ticket(c)); /* a fresh ticket for the session */
    CTLS_GUARD(hs12_send_ccs_finished(c));
    c->ccs_allowed = 1;
    h->st = S12_WAIT_CCS;
    return 0;
}

int server12_on_client_hello(ctls_conn *c, const msg_client_hello *m, const uint8_t *msg,
                             size_t len)
{
    hs_state *h = c->hs;
    if (h->hrr) return CTLS_ERR_ILLEGAL_PARAMETER; /* RFC 8446 4.1.4: CH2 must offer 1.3 */
    sv12_choice ch;
    memset(&ch, 0, sizeof ch);
    CTLS_GUARD(check_client_hello(c, m, &ch));
    /* the name and ALPN protocol are the connection's: a renegotiation keeps them */
    int reneg = h->t12.reneg;
    if ((m->ext_present & EXT_BIT(EXT_SERVER_NAME)) && !reneg) {
        c->sni = ctls_calloc(1, m->server_name.len + 1);
        if (!c->sni) return CTLS_ERR_NOMEM;
        memcpy(c->sni, m->server_name.p, m->server_name.len);
    }
    /* RFC 5077 3.2: tickets only for a client that supports them */
    ch.ticket = c->cfg->tickets > 0 && c->verify_mode == CTLS_VERIFY_NONE &&
                (m->ext_present & EXT_BIT(EXT_SESSION_TICKET));
    uint16_t resumed_suite = 0;
    /* RFC 5746 5 leaves it open; we always run a full handshake when renegotiating */
    int resumed = reneg ? 0 : tickets12_open(c, m, h->t12.master, &resumed_suite);
    CTLS_GUARD(resumed);
    if (resumed) {
        /* RFC 5246 7.4.1.3: the session's suite */
        ch.suite = algs_suite_by_id(resumed_suite);
        ch.session_id = m->session_id;
    } else {
        CTLS_GUARD(choose_suite_cert(c, m, &ch));
        CTLS_GUARD(choose_group(c, m, &ch));
        int cached = tickets12_new_session_id(c, ch.ticket, h->t12.new_id);
        CTLS_GUARD(cached);
        h->t12.cache_id = cached;
        if (cached) ch.session_id = (ctls_slice){h->t12.new_id, sizeof h->t12.new_id};
    }
    if (!reneg) CTLS_GUARD(hs_choose_alpn(c->cfg, m, &ch.alpn));
    /* RFC 5246 7.4: nothing may follow the ClientHello before our flight */
    if (buf_size(&c->hs_in) > len) return CTLS_ERR_UNEXPECTED_MESSAGE;
    h->suite = ch.suite;
    h->cert = ch.cert;
    ocsp_server_choose(c, m, ch.cert); /* staple? (none when resuming: no cert; ocsp.c) */
    memcpy(h->t12.client_random, m->random, 32);
    h->t12.keep_raw = c->verify_mode != CTLS_VERIFY_NONE && !resumed;
    CTLS_GUARD(tr_set_hash(&h->tr, h->suite->hash));
    CTLS_GUARD(hs12_add(h, msg, len));
    c->version = CTLS_TLS1_2;
    c->suite = ch.suite->id;
    c->hash = ch.suite->hash;
    c->group = ch.group;
    c->secure_reneg = ch.secure_reneg;
    c->ccs_allowed = 0; /* the client's CCS comes after its ClientKeyExchange */
    CTLS_GUARD(hs_keep_alpn(c, ch.alpn));
    h->t12.ticket_next = ch.ticket;
    if (resumed) return resume(c, m, &ch);
    CTLS_GUARD(send_server_hello(c, m, &ch));
    CTLS_GUARD(hs12_send_certificate(c, ch.cert));
    CTLS_GUARD(ocsp_send_status12(c, ch.cert)); /* RFC 6066 8: CertificateStatus (ocsp.c) */
    CTLS_GUARD(send_server_key_exchange(c, &ch));
    if (c->verify_mode != CTLS_VERIFY_NONE) {
        CTLS_GUARD(send_certificate_request(c));
        h->client_cert_requested = 1;
    }
    CTLS_GUARD(hs12_send_encoded(c, NULL, send_hello_done));
    h->st = h->client_cert_requested ? S12_WAIT_CERT : S12_WAIT_CKE;
    return 0;
}

static int on_client_key_exchange(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    msg_client_key_exchange12 m;
    CTLS_GUARD(msg_client_key_exchange12_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    /* RFC 8422 5.7: the client's point on our curve (validated by the derivation) */
    h->t12.pms_len = sizeof h->t12.pms;
    CTLS_GUARD(ctls_kx_derive(h->kx, m.point.p, m.point.len, h->t12.pms, &h->t12.pms_len));
    ctls_kx_free(h->kx);
    h->kx = NULL;
    CTLS_GUARD(hs12_add(h, msg, len));
    return hs12_derive_master(c);
}

/* RFC 5246 7.4.6: the client's chain, possibly empty. */
static int on_client_certificate(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_certificate m;
    CTLS_GUARD(msg_certificate_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, 1, &m));
    CTLS_GUARD(hs12_add(c->hs, msg, len));
    if (m.count == 0 && c->verify_mode == CTLS_VERIFY_REQUIRE_PEER)
        return CTLS_ERR_HANDSHAKE_FAILURE;
    /* a renegotiation keeps the client's certificate, if it sent one (reneg12.c) */
    CTLS_GUARD(reneg12_check_peer(c, &m));
    if (m.count == 0) {
        c->verify_flags = CTLS_CERT_NO_CERTIFICATE;
        return 0;
    }
    CTLS_GUARD(hs_take_peer_chain(c, &m));
    /* a key we can check a CertificateVerify from */
    int t = c->hs->peer_key_type;
    if (t != CTLS_KEY_RSA && t != CTLS_KEY_EC_P256 && t != CTLS_KEY_EC_P384 &&
        t != CTLS_KEY_EC_P521)
        return CTLS_ERR_BAD_CERTIFICATE;
    return 0;
}

int server12_on_ccs(ctls_conn *c)
{
    if (c->hs->st != S12_WAIT_CCS) return CTLS_ERR_UNEXPECTED_MESSAGE;
    c->hs->st = S12_WAIT_FINISHED;
    return 0;
}

int server12_step(ctls_conn *c)
{
    hs_state *h = c->hs;
    if (!h) return CTLS_ERR_INTERNAL;
    uint8_t type;
    const uint8_t *msg;
    size_t len;
    CTLS_GUARD(hs_next_message(c, &type, &msg, &len));
    switch (h->st) {
    case S12_WAIT_CERT:
        if (type != MSG_CERTIFICATE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(on_client_certificate(c, msg, len));
        hs_consume_message(c, len);
        h->st = S12_WAIT_CKE;
        return 0;
    case S12_WAIT_CKE:
        if (type != MSG_CLIENT_KEY_EXCHANGE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(on_client_key_exchange(c, msg, len));
        hs_consume_message(c, len);
        /* RFC 5246 7.4.8: a certificate sent in this handshake (not the one a renegotiation
         * that asked for none keeps) is proved by a CertificateVerify */
        if (h->peer_key) {
            h->st = S12_WAIT_CV;
            return 0;
        }
        break;
    case S12_WAIT_CV:
        if (type != MSG_CERTIFICATE_VERIFY) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(hs12_check_certificate_verify(c, msg, len));
        hs_consume_message(c, len);
        CTLS_GUARD(hs_verify_peer_chain(c, CTLS_PURPOSE_CLIENT_AUTH));
        break;
    case S12_WAIT_FINISHED:
        if (type != MSG_FINISHED) return CTLS_ERR_UNEXPECTED_MESSAGE;
        CTLS_GUARD(hs12_check_finished(c, msg, len));
        hs_consume_message(c, len);
        if (buf_size(&c->hs_in)) return CTLS_ERR_UNEXPECTED_MESSAGE;
        if (h->t12.resumed) {
            c->resumed = 1; /* our Finished went first (RFC 5246 7.3) */
        } else {
            if (h->t12.ticket_next) CTLS_GUARD(send_ticket(c)); /* RFC 5077 3.1 */
            /* the session is resumable once the client proved it holds the master secret */
            if (h->t12.cache_id) CTLS_GUARD(tickets12_cache_put(c, h->t12.master, h->t12.new_id));
            CTLS_GUARD(hs12_send_ccs_finished(c));
        }
        c->hs_done = 1;
        c->ccs_allowed = 0;
        hs_state_free(c);
        return 0;
    default: /* S12_WAIT_CCS: a handshake message before the CCS */
        return CTLS_ERR_UNEXPECTED_MESSAGE;
    }
    /* after the ClientKeyExchange [CertificateVerify]: the CCS. RFC 5246 7.1: a handshake
     * message split around it is not allowed */
    if (buf_size(&c->hs_in)) return CTLS_ERR_UNEXPECTED_MESSAGE;
    c->ccs_allowed = 1;
    h->st = S12_WAIT_CCS;
    return 0;
}
