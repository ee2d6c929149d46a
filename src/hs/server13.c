/* The TLS 1.3 server state machine (RFC 8446 2, A.2). Choices are by server preference:
 * version, then suite, then group (a group the client sent a share for wins over an HRR). */
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"
#include "hs/hs.h"
#include "hs/ocsp.h"
#include "hs/pha13.h"
#include "session/session.h"

enum {
    SV_WAIT_CH = 0,
    SV_WAIT_EOED, /* accepted early data until EndOfEarlyData (early13.c) */
    SV_WAIT_CERT,
    SV_WAIT_CV,
    SV_WAIT_FINISHED,
};

typedef struct {
    uint16_t suite, group;
    ctls_slice share; /* the client's share for group, if it sent one */
    const cfg_cert *cert;
    uint16_t scheme;
    ctls_slice alpn;
    uint16_t psk_index; /* pre_shared_key selected_identity when h->psk_selected */
} sv_choice;

/* Tests only: see hs.h. */
const hs_test_server_hooks *hs_test_server_hook;

static int offered_u16(ctls_slice list, uint16_t v)
{
    return msg_u16_contains(list, v);
}

static int choose_suite(const ctls_conn *c, const msg_client_hello *m, sv_choice *ch)
{
    for (size_t i = 0; i < c->cfg->n_suites; i++) {
        const algs_suite *s = algs_suite_by_id(c->cfg->suites[i]);
        if (s && s->tls13 && offered_u16(m->cipher_suites, s->id)) {
            ch->suite = s->id;
            return 0;
        }
    }
    return CTLS_ERR_HANDSHAKE_FAILURE;
}

/* RFC 8446 4.2.3 / 4.4.2.2: a chain whose key can sign with a scheme the client accepts; a
 * chain matching the SNI name is preferred. */
static int choose_cert(const ctls_conn *c, const msg_client_hello *m, sv_choice *ch)
{
    int best_rank = -1;
    for (size_t k = 0; k < c->cfg->n_certs; k++) {
        const cfg_cert *cc = &c->cfg->certs[k];
        uint16_t scheme = 0;
        for (size_t i = 0; i < c->cfg->n_sigs && !scheme; i++)
            if (algs_sig_fits_key13(c->cfg->sigs[i], cc->key_type) &&
                offered_u16(m->signature_algorithms, c->cfg->sigs[i]))
                scheme = c->cfg->sigs[i];
        if (!scheme) continue;
        int rank = (c->sni && ctls_cert_matches_host(cc->leaf, c->sni)) ? 1 : 0;
        if (rank > best_rank) {
            best_rank = rank;
            ch->cert = cc;
            ch->scheme = scheme;
        }
    }
    return ch->cert ? 0 : CTLS_ERR_HANDSHAKE_FAILURE;
}

static int choose_group(const ctls_conn *c, const msg_client_hello *m, sv_choice *ch)
{
    /* every share must be for a group in supported_groups (RFC 8446 4.2.8) */
    ctls_slice shares = m->key_shares, key;
    uint16_t g;
    while (msg_key_share_next(&shares, &g, &key))
        if (!offered_u16(m->supported_groups, g)) return CTLS_ERR_ILLEGAL_PARAMETER;
    /* first choice: our most preferred group the client sent a share for */
    for (size_t i = 0; i < c->cfg->n_groups; i++) {
        shares = m->key_shares;
        while (msg_key_share_next(&shares, &g, &key))
            if (g == c->cfg->groups[i] && ctls_kx_supported(g)) {
                ch->group = g;
                ch->share = key;
                return 0;
            }
    }
    /* else: a group both support, asked for with a HelloRetryRequest */
    for (size_t i = 0; i < c->cfg->n_groups; i++)
        if (offered_u16(m->supported_groups, c->cfg->groups[i])) {
            ch->group = c->cfg->groups[i];
            ch->share = (ctls_slice){NULL, 0};
            return 0;
        }
    return CTLS_ERR_HANDSHAKE_FAILURE;
}

static int send_hello_retry(ctls_conn *c, const msg_client_hello *ch_msg, const uint8_t *msg,
                            size_t len, const sv_choice *ch)
{
    hs_state *h = c->hs;
    h->hrr = 1;
    h->hrr_suite = ch->suite;
    h->kx_group = ch->group;
    h->suite = algs_suite_by_id(ch->suite);
    CTLS_GUARD(tr_set_hash(&h->tr, h->suite->hash));
    CTLS_GUARD(tr_add(&h->tr, msg, len));
    CTLS_GUARD(tr_hrr_rewrite(&h->tr));
    msg_server_hello m;
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memcpy(m.random, msg_hrr_random, 32);
    m.is_hrr = 1;
    m.session_id = ch_msg->session_id;
    m.cipher_suite = ch->suite;
    m.ext_present = EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE);
    m.selected_version = CTLS_TLS1_3;
    m.key_share_group = ch->group;
    CTLS_GUARD(hs_send_encoded(c, &m, (hs_encode_fn)msg_server_hello_encode));
    return hs_send_ccs(c);
}

static int send_server_flight(ctls_conn *c, const msg_client_hello *ch_msg, const sv_choice *ch)
{
    hs_state *h = c->hs;
    /* ServerHello */
    CTLS_GUARD(ctls_kx_generate(ch->group, &h->kx));
    uint8_t pub[CTLS_KX_MAX_PUBLIC], dhe[CTLS_KX_MAX_SECRET];
    size_t publen = sizeof pub, dhelen = sizeof dhe;
    CTLS_GUARD(ctls_kx_public(h->kx, pub, &publen));
    CTLS_GUARD(ctls_kx_derive(h->kx, ch->share.p, ch->share.len, dhe, &dhelen));
    msg_server_hello sh;
    memset(&sh, 0, sizeof sh);
    sh.legacy_version = 0x0303;
    CTLS_GUARD(ctls_random(sh.random, 32));
    sh.session_id = ch_msg->session_id;
    sh.cipher_suite = ch->suite;
    sh.ext_present = EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE);
    sh.selected_version = CTLS_TLS1_3;
    sh.key_share_group = ch->group;
    sh.key_share = (ctls_slice){pub, publen};
    if (h->psk_selected) {
        sh.ext_present |= EXT_BIT(EXT_PRE_SHARED_KEY); /* RFC 8446 4.2.11 */
        sh.psk_identity = ch->psk_index;
    }
    if (hs_test_server_hook && hs_test_server_hook->server_hello)
        CTLS_GUARD(hs_test_server_hook->server_hello(hs_test_server_hook->ctx, &sh));
    CTLS_GUARD(hs_send_encoded(c, &sh, (hs_encode_fn)msg_server_hello_encode));
    CTLS_GUARD(hs_send_ccs(c));

    /* handshake secrets */
    /* RFC 8446 7.1: Early Secret from the resumption PSK, or from zeros */
    int rc = 0;
    if (!h->psk_selected || h->ks.hash != h->suite->hash) /* else: the binder's Early Secret */
        rc = h->psk_selected ? ks13_init(&h->ks, h->suite->hash, h->psk, h->psk_len)
                             : ks13_init(&h->ks, h->suite->hash, NULL, 0);
    if (rc == 0) rc = ks13_advance(&h->ks, dhe, dhelen);
    ctls_wipe(dhe, sizeof dhe);
    CTLS_GUARD(rc);
    CTLS_GUARD(hs13_handshake_secrets(c, ch_msg->random)); /* common13.c */
    CTLS_GUARD(rec_set_keys13(&c->wr, h->suite->aead, h->suite->hash, h->s_hs, h->s_fin));
    /* the client's handshake keys, or first its early keys when early data is accepted */
    CTLS_GUARD(early13_server_keys(c));

    /* EncryptedExtensions ... Finished: one flight under the handshake keys, in one record */
    hs_flight_begin(c);
    msg_encrypted_extensions ee;
    memset(&ee, 0, sizeof ee);
    if (ch->alpn.len) {
        ee.ext_present |= EXT_BIT(EXT_ALPN);
        ee.alpn = ch->alpn;
    }
    if (c->early_status == CTLS_EARLY_DATA_ACCEPTED)
        ee.ext_present |= EXT_BIT(EXT_EARLY_DATA); /* RFC 8446 4.2.10 */
    if (c->sni && ch->cert && ctls_cert_matches_host(ch->cert->leaf, c->sni))
        ee.ext_present |= EXT_BIT(EXT_SERVER_NAME); /* RFC 6066 3: the name was used */
    if (hs_test_server_hook && hs_test_server_hook->encrypted_extensions)
        CTLS_GUARD(hs_test_server_hook->encrypted_extensions(hs_test_server_hook->ctx, &ee));
    CTLS_GUARD(hs_send_encoded(c, &ee, (hs_encode_fn)msg_encrypted_extensions_encode));

    /* CertificateRequest (RFC 8446 4.3.2: never when authenticating with a PSK) */
    if (c->verify_mode != CTLS_VERIFY_NONE && !h->psk_selected) {
        CTLS_GUARD(hs_send_certificate_request(c, &h->tr, NULL, 0)); /* common13.c */
        h->client_cert_requested = 1;
    }
    /* Certificate, CertificateVerify, Finished */
    if (!h->psk_selected) { /* RFC 8446 2.2: a resumed handshake has neither */
        CTLS_GUARD(hs_send_certificate(c, ch->cert, NULL, 0));
        CTLS_GUARD(hs_send_certificate_verify(c, ch->cert, ch->scheme, CTX_SERVER_CV));
    }
    CTLS_GUARD(hs_send_finished(c, h->s_fin));
    CTLS_GUARD(hs_flight_end(c));

    /* application secrets: the server may send from now on (RFC 8446 2) */
    CTLS_GUARD(ks13_advance(&h->ks, NULL, 0));
    CTLS_GUARD(hs13_application_secrets(c)); /* common13.c */
    CTLS_GUARD(rec_set_keys13(&c->wr, h->suite->aead, h->suite->hash, c->s_ap, NULL));
    return 0;
}

static int on_client_hello(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    msg_client_hello m;
    CTLS_GUARD(msg_client_hello_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    /* RFC 8446 4.2.1: TLS 1.3 is negotiated only through supported_versions */
    if (!(m.ext_present & EXT_BIT(EXT_SUPPORTED_VERSIONS)) ||
        !msg_u16_contains(m.supported_versions, CTLS_TLS1_3) ||
        !hs_version_usable(c->cfg, CTLS_TLS1_3))
        return server12_on_client_hello(c, &m, msg, len); /* TLS 1.2 or nothing (server12.c) */
    /* RFC 8446 4.1.2: exactly the null compression method */
    if (m.compression_methods.len != 1 || m.compression_methods.p[0] != 0)
        return CTLS_ERR_ILLEGAL_PARAMETER;
    if (m.legacy_version < 0x0301) return CTLS_ERR_PROTOCOL_VERSION;
    /* RFC 8446 9.2: mandatory extensions for a (EC)DHE handshake */
    if (!(m.ext_present & EXT_BIT(EXT_SIGNATURE_ALGORITHMS)) ||
        !(m.ext_present & EXT_BIT(EXT_SUPPORTED_GROUPS)) ||
        !(m.ext_present & EXT_BIT(EXT_KEY_SHARE)))
        return CTLS_ERR_MISSING_EXTENSION;
    if (!h->hrr && (m.ext_present & EXT_BIT(EXT_SERVER_NAME))) {
        c->sni = ctls_calloc(1, m.server_name.len + 1);
        if (!c->sni) return CTLS_ERR_NOMEM;
        memcpy(c->sni, m.server_name.p, m.server_name.len);
    }
    if (h->hrr) {
        /* RFC 8446 4.1.2: the second ClientHello keeps the session id; it must now carry
         * exactly one share, for the group we asked for. */
        if (m.session_id.len != h->session_id_len ||
            memcmp(m.session_id.p, h->session_id, h->session_id_len) != 0)
            return CTLS_ERR_ILLEGAL_PARAMETER;
    } else {
        h->session_id_len = m.session_id.len;
        memcpy(h->session_id, m.session_id.p, m.session_id.len);
    }
    sv_choice ch;
    memset(&ch, 0, sizeof ch);
    uint32_t ticket_early = 0; /* the selected ticket's early data limit (tickets_select) */
    /* RFC 8446 4.2.9: a pre_shared_key without psk_key_exchange_modes is an abort */
    if ((m.ext_present & EXT_BIT(EXT_PRE_SHARED_KEY)) &&
        !(m.ext_present & EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES)))
        return CTLS_ERR_MISSING_EXTENSION;
    /* RFC 8446 4.2.9: we resume only in psk_dhe_ke mode */
    int psk_offered = (m.ext_present & EXT_BIT(EXT_PRE_SHARED_KEY)) &&
                      (m.ext_present & EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES)) &&
                      msg_u8_contains(m.psk_modes, 1);
    pha13_note_offer(c, &m); /* post_handshake_auth (pha13.c) */
    CTLS_GUARD(choose_suite(c, &m, &ch));
    int cert_rc = choose_cert(c, &m, &ch);
    if (!psk_offered) CTLS_GUARD(cert_rc); /* a resumed handshake needs no certificate */
    CTLS_GUARD(choose_group(c, &m, &ch));
    CTLS_GUARD(hs_choose_alpn(c->cfg, &m, &ch.alpn));
    if (h->hrr) {
        if (ch.suite != h->hrr_suite || ch.group != h->kx_group || !ch.share.p)
            return CTLS_ERR_ILLEGAL_PARAMETER;
    } else if (!ch.share.p) {
        CTLS_GUARD(early13_server_on_hello(c, &m, 1, 0, 0)); /* rejected, skipped */
        return send_hello_retry(c, &m, msg, len, &ch);       /* PSKs are looked at in CH2 */
    }
    h->suite = algs_suite_by_id(ch.suite);
    /* the hash first: a binder then continues from it, and the ClientHello is hashed once */
    CTLS_GUARD(tr_set_hash(&h->tr, h->suite->hash));
    if (psk_offered) {
        /* RFC 8446 4.2.11: a ticket of ours, fresh, of this suite's hash, with a valid
         * binder over the transcript so far + the truncated ClientHello; else a full
         * handshake */
        int sel = tickets_select(c, &m, msg, h->suite, ch.alpn, &h->tr, &ch.psk_index, h->psk,
                                 &h->psk_len, &ticket_early);
        CTLS_GUARD(sel);
        h->psk_selected = sel == 1;
        if (!h->psk_selected) CTLS_GUARD(cert_rc);
        if (h->psk_selected) ch.cert = NULL;
    }
    CTLS_GUARD(tr_add(&h->tr, msg, len));
    /* RFC 8446 5.1: the ClientHello may not share a record with what follows a key change */
    if (buf_size(&c->hs_in) > len) return CTLS_ERR_UNEXPECTED_MESSAGE;
    CTLS_GUARD(early13_server_on_hello(c, &m, 0, ch.psk_index, ticket_early));
    c->version = CTLS_TLS1_3;
    c->suite = ch.suite;
    c->hash = h->suite->hash;
    c->group = ch.group;
    CTLS_GUARD(hs_keep_alpn(c, ch.alpn));
    h->cert = ch.cert;
    ocsp_server_choose(c, &m, ch.cert); /* staple? (ocsp.c) */
    return send_server_flight(c, &m, &ch);
}

static int finish_handshake(ctls_conn *c)
{
    hs_state *h = c->hs;
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(rec_set_keys13(&c->rd, h->suite->aead, h->suite->hash, c->c_ap, NULL));
    CTLS_GUARD(hs_thash(h, th, &hl));
    CTLS_GUARD(ks13_derive(&h->ks, "res master", th, c->res_master));
    CTLS_GUARD(pha13_keep_transcript(c)); /* through the client Finished (pha13.c) */
    if (h->psk_selected) c->resumed = 1;
    /* DESIGN 2: the tickets leave with the flush of the call that completes the handshake */
    CTLS_GUARD(tickets_send(c));
    c->hs_done = 1;
    c->ccs_allowed = 0;
    hs_state_free(c);
    return 0;
}

static int on_client_certificate(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_certificate m;
    CTLS_GUARD(msg_certificate_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, 0, &m));
    if (m.request_context.len != 0) return CTLS_ERR_ILLEGAL_PARAMETER;
    CTLS_GUARD(tr_add(&c->hs->tr, msg, len));
    return hs_take_client_chain(c, &m); /* common13.c */
}

int server13_step(ctls_conn *c)
{
    if (!c->hs) {
        CTLS_GUARD(hs_state_new(c));
        c->hs->st = SV_WAIT_CH;
    }
    hs_state *h = c->hs;
    uint8_t type;
    const uint8_t *msg;
    size_t len;
    int rc = hs_next_message(c, &type, &msg, &len);
    if (rc != 0) return rc; /* or HS_EARLY_DATA_READY, for ctls_read_early_data */
    switch (h->st) {
    case SV_WAIT_CH:
        if (type != MSG_CLIENT_HELLO) return CTLS_ERR_UNEXPECTED_MESSAGE;
        c->ccs_allowed = 1;
        rc = on_client_hello(c, msg, len);
        if (rc == 0 && c->version == CTLS_TLS1_3)
            h->st = c->early_reading           ? SV_WAIT_EOED
                    : h->client_cert_requested ? SV_WAIT_CERT
                                               : SV_WAIT_FINISHED;
        break;
    case SV_WAIT_EOED:
        if (type != MSG_END_OF_EARLY_DATA) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = early13_server_on_eoed(c, msg, len);
        h->st = SV_WAIT_FINISHED; /* no certificate is asked for with a PSK */
        break;
    case SV_WAIT_CERT:
        if (type != MSG_CERTIFICATE) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = on_client_certificate(c, msg, len);
        if (rc == 1) {
            rc = 0;
            h->st = SV_WAIT_FINISHED;
        } else {
            h->st = SV_WAIT_CV;
        }
        break;
    case SV_WAIT_CV:
        if (type != MSG_CERTIFICATE_VERIFY) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = hs_check_certificate_verify(c, msg, len, CTX_CLIENT_CV, c->cfg->sigs, c->cfg->n_sigs);
        if (rc == 0) rc = hs_verify_peer_chain(c, CTLS_PURPOSE_CLIENT_AUTH);
        h->st = SV_WAIT_FINISHED;
        break;
    case SV_WAIT_FINISHED:
        if (type != MSG_FINISHED) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = hs_check_finished(c, h->c_fin, msg, len);
        if (rc == 0 && buf_size(&c->hs_in) > len)
            rc = CTLS_ERR_UNEXPECTED_MESSAGE; /* RFC 8446 5.1 */
        if (rc == 0) {
            hs_consume_message(c, len);
            return finish_handshake(c);
        }
        break;
    default:
        return CTLS_ERR_INTERNAL;
    }
    CTLS_GUARD(rc);
    hs_consume_message(c, len);
    return 0;
}
