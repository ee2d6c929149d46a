/* The TLS 1.3 client state machine (RFC 8446 2, A.1). One step function; a message that is not
 * expected in the current state is unexpected_message, always. */
#include <arpa/inet.h>
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"
#include "hs/hs.h"
#include "hs/ocsp.h"
#include "hs/pha13.h"
#include "session/session.h"

enum {
    CL_START = 0,
    CL_WAIT_SH,
    CL_WAIT_EE,
    CL_WAIT_CERT_CR,
    CL_WAIT_CERT,
    CL_WAIT_CV,
    CL_WAIT_FINISHED,
    CL_PAUSED_SERVER_AUTH, /* waiting for ctls_accept_peer / ctls_handshake */
    CL_PAUSED_CERT_REQ,    /* waiting for the application's certificate decision */
    CL_SEND_FLIGHT,
};

/* RFC 8446 4.1.3: the last 8 bytes of ServerHello.random when a TLS 1.3 server negotiates
 * TLS 1.2 or below. */
static const uint8_t downgrade12[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01};
static const uint8_t downgrade11[8] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00};

/* Tests only: see hs.h. */
const hs_test_client_hooks *hs_test_client_hook;

/* Run the test hook on a ClientHello about to be sent; adopt its random and session id. */
static int client_hello_test_hook(hs_state *h, msg_client_hello *m)
{
    CTLS_GUARD(hs_test_client_hook->client_hello(hs_test_client_hook->ctx, m));
    if (m->session_id.len > sizeof h->session_id || (m->session_id.len && !m->session_id.p))
        return CTLS_ERR_INTERNAL;
    if (m->session_id.len && m->session_id.p != h->session_id)
        memmove(h->session_id, m->session_id.p, m->session_id.len);
    h->session_id_len = m->session_id.len;
    m->session_id = (ctls_slice){h->session_id, h->session_id_len};
    memcpy(h->random, m->random, 32);
    return 0;
}

static int is_ip_literal(const char *s)
{
    uint8_t b[16];
    return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

/* RFC 8446 4.2.11: offer the session's ticket as the only PskIdentity (its binder is
 * patched in by encode_client_hello). ids is a growable writer the slices point into. */
static int offer_psk(ctls_conn *c, msg_client_hello *m, ctls_writer *ids, uint8_t *binders,
                     const ctls_session **out)
{
    hs_state *h = c->hs;
    /* RFC 8446 4.1.4: after a HelloRetryRequest only a PSK of its suite's hash */
    /* a renegotiation offers no session (always a full handshake: hs/reneg12.c) */
    const ctls_session *s = h->t12.reneg ? NULL : sess_client_offer(c, h->hrr ? h->suite->hash : 0);
    h->psk_offered = s != NULL;
    *out = s;
    if (!s) return 0;
    /* RFC 8446 4.2.11.1: obfuscated_ticket_age = age in ms + ticket_age_add (mod 2^32) */
    uint32_t age = (uint32_t)(sess_wall_ms() - s->received_ms) + s->age_add;
    CTLS_GUARD(wr_vec16(ids, s->ticket, s->ticket_len));
    CTLS_GUARD(wr_u32(ids, age));
    CTLS_GUARD(wr_status(ids));
    size_t hl = ctls_hash_len(s->hash);
    binders[0] = (uint8_t)hl; /* a zero placeholder of the right length */
    memset(binders + 1, 0, hl);
    m->ext_present |= EXT_BIT(EXT_PRE_SHARED_KEY);
    m->psk_identities = (ctls_slice){ids->buf, ids->len};
    m->psk_binders = (ctls_slice){binders, 1 + hl};
    return 0;
}

/* Encode the ClientHello, compute the binder over the truncated message and patch it in
 * (RFC 8446 4.2.11.2), then send it (transcript + records). */
static int encode_client_hello(ctls_conn *c, const msg_client_hello *m, const ctls_session *s)
{
    hs_state *h = c->hs;
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    int rc = msg_client_hello_encode(m, &w);
    if (rc == 0) rc = wr_status(&w);
    if (rc == 0 && s && (m->ext_present & EXT_BIT(EXT_PRE_SHARED_KEY))) {
        /* pre_shared_key is last and its binders list ends the message: u16 list length,
         * u8 binder length, binder (msg.h) */
        size_t hl = ctls_hash_len(s->hash);
        if (w.len < 2 + 1 + hl || m->psk_binders.len != 1 + hl)
            rc = CTLS_ERR_INTERNAL;
        else
            rc = psk_binder(s->hash, s->psk, s->psk_len, &h->tr, w.buf, w.len - 2 - 1 - hl,
                            w.buf + w.len - hl, &h->ks);
    }
    if (rc == 0) rc = hs_send(c, &h->tr, w.buf, w.len);
    wr_free(&w);
    return rc;
}

static int send_client_hello(ctls_conn *c)
{
    hs_state *h = c->hs;
    const ctls_config *cfg = c->cfg;
    uint16_t suites[CFG_MAX_SUITES];
    size_t ns = 0;
    for (size_t i = 0; i < cfg->n_suites; i++) {
        const algs_suite *s = algs_suite_by_id(cfg->suites[i]);
        /* TLS 1.3 suites first, then the TLS 1.2 ones (the config keeps that order) */
        if (s && hs_version_usable(cfg, s->tls13 ? CTLS_TLS1_3 : CTLS_TLS1_2)) suites[ns++] = s->id;
    }
    if (ns == 0) return CTLS_ERR_HANDSHAKE_FAILURE;
    uint8_t pub[CTLS_KX_MAX_PUBLIC], share[4 + CTLS_KX_MAX_PUBLIC];
    ctls_writer sw;
    wr_init(&sw, share, sizeof share);
    /* A key share only when TLS 1.3 can be negotiated: a TLS 1.2-only ClientHello carries
     * none (client12_prepare_hello drops the extension), and the key pair would be wasted. */
    if (!h->kx && hs_version_usable(cfg, CTLS_TLS1_3) && !h->t12.reneg) {
        h->kx_group = cfg->groups[0];
        CTLS_GUARD(ctls_kx_generate(h->kx_group, &h->kx));
    }
    if (h->kx) {
        size_t publen = sizeof pub;
        CTLS_GUARD(ctls_kx_public(h->kx, pub, &publen));
        CTLS_GUARD(wr_u16(&sw, h->kx_group));
        CTLS_GUARD(wr_vec16(&sw, pub, publen));
    }

    uint8_t sbuf[2 * CFG_MAX_SUITES], gbuf[2 * CFG_MAX_GROUPS], sigbuf[2 * CFG_MAX_SIGS];
    static const uint8_t versions[] = {0x03, 0x04};
    static const uint8_t psk_modes[] = {1}; /* psk_dhe_ke */
    msg_client_hello m;
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memcpy(m.random, h->random, 32);
    m.session_id = (ctls_slice){h->session_id, h->session_id_len};
    m.cipher_suites = hs_u16_list(sbuf, suites, ns);
    static const uint8_t null_comp = 0;
    m.compression_methods = (ctls_slice){&null_comp, 1};
    m.ext_present = EXT_BIT(EXT_SUPPORTED_GROUPS) | EXT_BIT(EXT_SIGNATURE_ALGORITHMS) |
                    EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE) |
                    EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES);
    m.supported_groups = hs_u16_list(gbuf, cfg->groups, cfg->n_groups);
    m.signature_algorithms = hs_u16_list(sigbuf, cfg->sigs, cfg->n_sigs);
    m.supported_versions = (ctls_slice){versions, sizeof versions};
    m.key_shares = (ctls_slice){share, sw.len};
    m.psk_modes = (ctls_slice){psk_modes, 1};
    /* RFC 6066 3: no IP literals in server_name */
    if (c->sni && !is_ip_literal(c->sni)) {
        m.ext_present |= EXT_BIT(EXT_SERVER_NAME);
        m.server_name = (ctls_slice){(const uint8_t *)c->sni, strlen(c->sni)};
    }
    /* ALPN is the connection's: a renegotiation keeps it (not offered again, as BoringSSL) */
    if (cfg->alpn_len && !h->t12.reneg) {
        m.ext_present |= EXT_BIT(EXT_ALPN);
        m.alpn = (ctls_slice){cfg->alpn, cfg->alpn_len};
        h->offered_alpn = 1;
    }
    if (!h->t12.reneg) pha13_offer(c, &m); /* post_handshake_auth (pha13.c) */
    ocsp_offer(c, &m);                     /* status_request (ocsp.c) */
    if (h->cookie) {
        m.ext_present |= EXT_BIT(EXT_COOKIE);
        m.cookie = (ctls_slice){h->cookie, h->cookie_len};
    }
    ctls_writer ids;
    uint8_t binders[1 + KS_MAX];
    const ctls_session *psk = NULL;
    wr_init_dyn(&ids, 2 + SESS_MAX_TICKET + 4);
    int rc = offer_psk(c, &m, &ids, binders, &psk);
    if (rc == 0) early13_client_offer(c, &m, psk);   /* early13.c */
    if (rc == 0) rc = client12_prepare_hello(c, &m); /* TLS 1.2 offered too (client12.c) */
    if (rc == 0 && hs_test_client_hook && hs_test_client_hook->client_hello)
        rc = client_hello_test_hook(h, &m);
    if (rc == 0) rc = encode_client_hello(c, &m, psk);
    if (rc == 0 && !h->t12.reneg) rc = early13_client_send(c, psk);
    wr_free(&ids);
    CTLS_GUARD(rc);
    c->ccs_allowed = !h->t12.reneg; /* RFC 8446 D.4; a renegotiation's CCS comes later */
    return 0;
}

int client13_reneg_hello(ctls_conn *c)
{
    hs_state *h = c->hs;
    CTLS_GUARD(ctls_random(h->random, 32));
    h->session_id_len = 0;
    CTLS_GUARD(send_client_hello(c));
    h->st = CL_WAIT_SH;
    return 0;
}

static int suite_offered(const ctls_config *cfg, uint16_t id)
{
    const algs_suite *s = algs_suite_by_id(id);
    if (!s || !s->tls13) return 0;
    for (size_t i = 0; i < cfg->n_suites; i++)
        if (cfg->suites[i] == id) return 1;
    return 0;
}

static int group_offered(const ctls_config *cfg, uint16_t g)
{
    for (size_t i = 0; i < cfg->n_groups; i++)
        if (cfg->groups[i] == g) return 1;
    return 0;
}

/* RFC 8446 4.1.4: HelloRetryRequest. */
static int on_hello_retry(ctls_conn *c, const msg_server_hello *m, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    if (h->hrr) return CTLS_ERR_UNEXPECTED_MESSAGE; /* a second HRR */
    h->hrr = 1;
    h->hrr_suite = m->cipher_suite;
    h->suite = algs_suite_by_id(m->cipher_suite);
    int changes = 0;
    if (m->ext_present & EXT_BIT(EXT_KEY_SHARE)) {
        /* the group must be offered and not the one we already sent a share for */
        if (!group_offered(c->cfg, m->key_share_group) || m->key_share_group == h->kx_group)
            return CTLS_ERR_ILLEGAL_PARAMETER;
        ctls_kx_free(h->kx);
        h->kx = NULL;
        h->kx_group = m->key_share_group;
        CTLS_GUARD(ctls_kx_generate(h->kx_group, &h->kx));
        changes = 1;
    }
    if (m->ext_present & EXT_BIT(EXT_COOKIE)) {
        if (m->cookie.len == 0 || m->cookie.len > HS_MAX_COOKIE) return CTLS_ERR_ILLEGAL_PARAMETER;
        h->cookie = ctls_memdup(m->cookie.p, m->cookie.len);
        if (!h->cookie) return CTLS_ERR_NOMEM;
        h->cookie_len = m->cookie.len;
        changes = 1;
    }
    if (!changes)
        return CTLS_ERR_ILLEGAL_PARAMETER; /* an HRR that would not change the ClientHello */
    CTLS_GUARD(tr_set_hash(&h->tr, h->suite->hash));
    CTLS_GUARD(tr_hrr_rewrite(&h->tr));
    CTLS_GUARD(tr_add(&h->tr, msg, len));
    early13_client_reject(c);
    CTLS_GUARD(hs_send_ccs(c));
    return send_client_hello(c);
}

static int on_server_hello(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    msg_server_hello m;
    CTLS_GUARD(msg_server_hello_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    if (!(m.ext_present & EXT_BIT(EXT_SUPPORTED_VERSIONS))) {
        /* A TLS 1.2 (or older) answer. RFC 8446 4.1.3: a TLS 1.3 server marks a downgrade;
         * we check for 1.2 when we offered 1.3 (not in a renegotiation), for 1.1 and below
         * always. */
        if ((hs_version_usable(c->cfg, CTLS_TLS1_3) && !h->t12.reneg &&
             memcmp(m.random + 24, downgrade12, 8) == 0) ||
            memcmp(m.random + 24, downgrade11, 8) == 0)
            return CTLS_ERR_ILLEGAL_PARAMETER;
        early13_client_reject(c);
        return client12_on_server_hello(c, &m, msg, len); /* client12.c */
    }
    if (!hs_version_usable(c->cfg, CTLS_TLS1_3) || h->t12.reneg)
        return CTLS_ERR_ILLEGAL_PARAMETER; /* not offered */
    if (m.selected_version != CTLS_TLS1_3 || m.legacy_version != 0x0303)
        return CTLS_ERR_ILLEGAL_PARAMETER;
    if (m.session_id.len != h->session_id_len ||
        memcmp(m.session_id.p, h->session_id, h->session_id_len) != 0)
        return CTLS_ERR_ILLEGAL_PARAMETER;
    if (!suite_offered(c->cfg, m.cipher_suite)) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (m.ext_present & ~(EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE) |
                          EXT_BIT(EXT_COOKIE) | EXT_BIT(EXT_PRE_SHARED_KEY)))
        return CTLS_ERR_UNSUPPORTED_EXTENSION; /* not offered */
    if (m.is_hrr) return on_hello_retry(c, &m, msg, len);
    if (h->hrr && m.cipher_suite != h->hrr_suite)
        return CTLS_ERR_ILLEGAL_PARAMETER; /* RFC 8446 4.1.4 */
    const ctls_session *psk = NULL;
    if (m.ext_present & EXT_BIT(EXT_PRE_SHARED_KEY)) {
        /* RFC 8446 4.2.11: a PSK we offered (one identity: index 0), with a suite of its
         * hash; else illegal_parameter */
        psk = c->sess ? c->sess->offer : NULL;
        if (!h->psk_offered || !psk || m.psk_identity != 0 ||
            algs_suite_by_id(m.cipher_suite)->hash != psk->hash)
            return CTLS_ERR_ILLEGAL_PARAMETER;
    }
    if (!(m.ext_present & EXT_BIT(EXT_KEY_SHARE))) return CTLS_ERR_MISSING_EXTENSION;
    if (m.key_share_group != h->kx_group) return CTLS_ERR_ILLEGAL_PARAMETER;
    h->suite = algs_suite_by_id(m.cipher_suite);
    CTLS_GUARD(tr_set_hash(&h->tr, h->suite->hash));
    CTLS_GUARD(tr_add(&h->tr, msg, len));

    uint8_t dhe[CTLS_KX_MAX_SECRET];
    size_t dhelen = sizeof dhe;
    CTLS_GUARD(ctls_kx_derive(h->kx, m.key_share.p, m.key_share.len, dhe, &dhelen));
    /* RFC 8446 7.1: Early Secret from the PSK when the server accepted it, else from zeros
     * (a refused session is silently a full handshake) */
    int rc = 0;
    if (!psk || h->ks.hash != h->suite->hash) /* else: h->ks is the binder's Early Secret */
        rc = psk ? ks13_init(&h->ks, h->suite->hash, psk->psk, psk->psk_len)
                 : ks13_init(&h->ks, h->suite->hash, NULL, 0);
    if (rc == 0) rc = ks13_advance(&h->ks, dhe, dhelen);
    ctls_wipe(dhe, sizeof dhe);
    CTLS_GUARD(rc);
    if (psk) {
        h->psk_selected = 1;
        CTLS_GUARD(sess_client_resumed(c));
    }
    CTLS_GUARD(hs13_handshake_secrets(c, h->random)); /* common13.c */
    c->version = CTLS_TLS1_3;
    c->suite = h->suite->id;
    c->hash = h->suite->hash;
    c->group = h->kx_group;
    ctls_kx_free(h->kx);
    h->kx = NULL;
    return 0;
}

/* RFC 8446 5.1: handshake messages may not span a key change. */
static int key_change_boundary(ctls_conn *c, size_t consumed_len)
{
    return buf_size(&c->hs_in) > consumed_len ? CTLS_ERR_UNEXPECTED_MESSAGE : 0;
}

static int on_encrypted_extensions(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_encrypted_extensions m;
    CTLS_GUARD(msg_encrypted_extensions_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    if ((m.ext_present & EXT_BIT(EXT_SERVER_NAME)) && !c->sni)
        return CTLS_ERR_UNSUPPORTED_EXTENSION;
    if (m.ext_present & EXT_BIT(EXT_ALPN)) {
        if (!c->hs->offered_alpn) return CTLS_ERR_UNSUPPORTED_EXTENSION;
        /* RFC 7301 3.2: the protocol must be one we offered */
        ctls_slice list = {c->cfg->alpn, c->cfg->alpn_len}, name;
        int found = 0;
        while (msg_alpn_next(&list, &name))
            found |= name.len == m.alpn.len && memcmp(name.p, m.alpn.p, name.len) == 0;
        if (!found) return CTLS_ERR_ILLEGAL_PARAMETER;
        c->alpn = ctls_calloc(1, m.alpn.len + 1);
        if (!c->alpn) return CTLS_ERR_NOMEM;
        memcpy(c->alpn, m.alpn.p, m.alpn.len);
    }
    CTLS_GUARD(early13_client_on_ee(c, (m.ext_present & EXT_BIT(EXT_EARLY_DATA)) != 0));
    return tr_add(&c->hs->tr, msg, len);
}

static int on_certificate_request(ctls_conn *c, const uint8_t *msg, size_t len)
{
    return hs_take_certificate_request(c, msg, len, 0); /* common13.c */
}

static int on_certificate(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_certificate m;
    CTLS_GUARD(msg_certificate_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, 0, &m));
    if (m.request_context.len != 0) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (m.count == 0)
        return CTLS_ERR_DECODE;     /* RFC 8446 4.4.2.4: the server must send a certificate */
    CTLS_GUARD(ocsp_take13(c, &m)); /* a stapled OCSP response (ocsp.c) */
    CTLS_GUARD(hs_take_peer_chain(c, &m));
    return tr_add(&c->hs->tr, msg, len);
}

/* After the server's CertificateVerify: verify the chain, or pause for the application. */
static int after_server_auth(ctls_conn *c)
{
    if (c->verify_mode == CTLS_VERIFY_NONE && !c->cfg->break_server_auth) {
        c->verify_flags = CTLS_CERT_NOT_VERIFIED;
        return 0;
    }
    int rc = hs_verify_peer_chain(c, CTLS_PURPOSE_SERVER_AUTH);
    if (c->cfg->break_server_auth)
        return CTLS_PAUSED_SERVER_AUTH; /* the application decides (ctls_accept_peer) */
    return rc;
}

/* Our second flight: [CCS] [Certificate CertificateVerify] Finished. */
static int send_client_flight(ctls_conn *c)
{
    hs_state *h = c->hs;
    CTLS_GUARD(hs_send_ccs(c));
    CTLS_GUARD(early13_client_end(c)); /* EndOfEarlyData, when accepted */
    /* the write keys are the client handshake keys now (since the ServerHello, or early13.c) */
    hs_flight_begin(c); /* [Certificate, CertificateVerify,] Finished in one record */
    if (h->cert_requested) CTLS_GUARD(hs_send_client_auth(c)); /* common13.c */
    CTLS_GUARD(hs_send_finished(c, h->c_fin));
    CTLS_GUARD(hs_flight_end(c));
    CTLS_GUARD(rec_set_keys13(&c->wr, h->suite->aead, h->suite->hash, c->c_ap, NULL));
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(hs_thash(h, th, &hl));
    CTLS_GUARD(ks13_derive(&h->ks, "res master", th, c->res_master));
    CTLS_GUARD(pha13_keep_transcript(c)); /* through our Finished (pha13.c) */
    c->hs_done = 1;
    c->ccs_allowed = 0;
    hs_state_free(c);
    return 0;
}

static int on_server_finished(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    CTLS_GUARD(hs_check_finished(c, h->s_fin, msg, len));
    CTLS_GUARD(ks13_advance(&h->ks, NULL, 0));
    return hs13_application_secrets(c); /* common13.c */
}

int client13_step(ctls_conn *c)
{
    if (!c->hs) {
        CTLS_GUARD(hs_state_new(c));
        CTLS_GUARD(sess_client_prepare(c)); /* a session to offer, by peer ID */
        hs_state *h = c->hs;
        CTLS_GUARD(ctls_random(h->random, 32));
        /* RFC 8446 D.4: a non-empty legacy_session_id for middlebox compatibility */
        h->session_id_len = 32;
        CTLS_GUARD(ctls_random(h->session_id, 32));
        h->st = CL_START;
    }
    hs_state *h = c->hs;
    if (h->st == CL_START) {
        CTLS_GUARD(send_client_hello(c));
        h->st = CL_WAIT_SH;
        return 0;
    }
    if (h->st == CL_PAUSED_SERVER_AUTH) {
        if (!c->peer_accepted && c->verify_status < 0) return c->verify_status;
        h->st = CL_WAIT_FINISHED;
        return 0;
    }
    if (h->st == CL_PAUSED_CERT_REQ) {
        h->st = CL_WAIT_CERT;
        return 0;
    }
    uint8_t type;
    const uint8_t *msg;
    size_t len;
    CTLS_GUARD(hs_next_message(c, &type, &msg, &len));
    int rc;
    switch (h->st) {
    case CL_WAIT_SH:
        if (type != MSG_SERVER_HELLO) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_server_hello(c, msg, len);
        if (rc == 0 && c->version == CTLS_TLS1_3) {
            rc = key_change_boundary(c, len);
            if (rc == 0)
                rc = rec_set_keys13(&c->rd, h->suite->aead, h->suite->hash, h->s_hs, h->s_fin);
            /* The server reads with our handshake keys from now on: an alert we send before
             * our second flight (a rejected certificate, a bad EncryptedExtensions) must be
             * protected with them too, or the server sees unexpected_message, not the alert. */
            if (rc == 0) rc = early13_client_hs_keys(c); /* unless early data is pending */
            if (rc == 0) h->st = CL_WAIT_EE;
        }
        break;
    case CL_WAIT_EE:
        if (type != MSG_ENCRYPTED_EXTENSIONS) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_encrypted_extensions(c, msg, len);
        /* RFC 8446 2.2: a resumed handshake has no Certificate / CertificateVerify (and no
         * CertificateRequest: RFC 8446 4.3.2) */
        h->st = h->psk_selected ? CL_WAIT_FINISHED : CL_WAIT_CERT_CR;
        break;
    case CL_WAIT_CERT_CR:
        if (type == MSG_CERTIFICATE_REQUEST) {
            rc = on_certificate_request(c, msg, len);
            if (rc == 0 && c->cfg->break_cert_requested) {
                hs_consume_message(c, len);
                h->st = CL_PAUSED_CERT_REQ;
                return CTLS_PAUSED_CERT_REQUESTED;
            }
            h->st = CL_WAIT_CERT;
            break;
        }
        __attribute__((fallthrough)); /* the Certificate itself */
    case CL_WAIT_CERT:
        if (type != MSG_CERTIFICATE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_certificate(c, msg, len);
        h->st = CL_WAIT_CV;
        break;
    case CL_WAIT_CV:
        if (type != MSG_CERTIFICATE_VERIFY) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = hs_check_certificate_verify(c, msg, len, CTX_SERVER_CV, c->cfg->sigs, c->cfg->n_sigs);
        if (rc == 0) {
            hs_consume_message(c, len);
            h->st = CL_WAIT_FINISHED;
            rc = after_server_auth(c);
            if (rc == CTLS_PAUSED_SERVER_AUTH) h->st = CL_PAUSED_SERVER_AUTH;
            return rc;
        }
        break;
    case CL_WAIT_FINISHED:
        if (type != MSG_FINISHED) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_server_finished(c, msg, len);
        if (rc == 0) rc = key_change_boundary(c, len);
        if (rc == 0) rc = rec_set_keys13(&c->rd, h->suite->aead, h->suite->hash, c->s_ap, NULL);
        if (rc == 0) {
            hs_consume_message(c, len);
            return send_client_flight(c);
        }
        break;
    default:
        return CTLS_ERR_INTERNAL;
    }
    CTLS_GUARD(rc);
    hs_consume_message(c, len);
    return 0;
}
