/* Steps shared by the TLS 1.3 client and server: Certificate, CertificateVerify, Finished,
 * peer chain handling, dummy change_cipher_spec. */
#include <string.h>

#include "core/mem.h"
#include "hs/hs.h"
#include "hs/keylog.h"
#include "hs/ocsp.h"

int hs_state_new(ctls_conn *c)
{
    if (c->hs) return 0;
    c->hs = ctls_calloc(1, sizeof *c->hs);
    return c->hs ? 0 : CTLS_ERR_NOMEM;
}

void hs_state_free(ctls_conn *c)
{
    hs_state *h = c->hs;
    if (!h) return;
    tr_free(&h->tr);
    tr_free(&h->t12.raw); /* TLS 1.2 (hs12.h) */
    ctls_kx_free(h->kx);
    ctls_pubkey_free(h->peer_key);
    ctls_free(h->cookie);
    buf_free(&h->flight);
    ctls_wipe(h, sizeof *h);
    ctls_free(h);
    c->hs = NULL;
}

int hs_thash(hs_state *h, uint8_t *out, size_t *len)
{
    return tr_hash(&h->tr, out, len);
}

int hs13_handshake_secrets(ctls_conn *c, const uint8_t client_random[32])
{
    hs_state *h = c->hs;
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    memcpy(c->randoms, client_random, 32);
    CTLS_GUARD(hs_thash(h, th, &hl));
    CTLS_GUARD(ks13_derive(&h->ks, "c hs traffic", th, h->c_hs));
    CTLS_GUARD(ks13_derive(&h->ks, "s hs traffic", th, h->s_hs));
    keylog(c, KEYLOG_C_HS, c->randoms, h->c_hs, hl);
    keylog(c, KEYLOG_S_HS, c->randoms, h->s_hs, hl);
    return 0;
}

int hs13_application_secrets(ctls_conn *c)
{
    hs_state *h = c->hs;
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(hs_thash(h, th, &hl));
    CTLS_GUARD(ks13_derive(&h->ks, "c ap traffic", th, c->c_ap));
    CTLS_GUARD(ks13_derive(&h->ks, "s ap traffic", th, c->s_ap));
    CTLS_GUARD(ks13_derive(&h->ks, "exp master", th, c->exp_secret)); /* RFC 8446 7.5 */
    keylog(c, KEYLOG_C_AP, c->randoms, c->c_ap, hl);
    keylog(c, KEYLOG_S_AP, c->randoms, c->s_ap, hl);
    keylog(c, KEYLOG_EXPORTER, c->randoms, c->exp_secret, hl);
    return 0;
}

int hs_send_encoded_to(ctls_conn *c, hs_transcript *t, const void *m, hs_encode_fn enc)
{
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    int rc = enc(m, &w);
    if (rc == 0) rc = wr_status(&w);
    if (rc == 0) rc = hs_send(c, t, w.buf, w.len);
    wr_free(&w);
    return rc;
}

int hs_send_encoded(ctls_conn *c, const void *m, hs_encode_fn enc)
{
    return hs_send_encoded_to(c, &c->hs->tr, m, enc);
}

ctls_slice hs_u16_list(uint8_t *buf, const uint16_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        buf[2 * i] = (uint8_t)(v[i] >> 8);
        buf[2 * i + 1] = (uint8_t)v[i];
    }
    return (ctls_slice){buf, 2 * n};
}

int hs_cv_content(hs_state *h, int which, uint8_t *out, size_t *len)
{
    static const char sctx[] = "TLS 1.3, server CertificateVerify";
    static const char cctx[] = "TLS 1.3, client CertificateVerify";
    const char *ctx = which == CTX_SERVER_CV ? sctx : cctx;
    size_t n = 0, hl;
    memset(out, 0x20, 64);
    n = 64;
    memcpy(out + n, ctx, sizeof sctx); /* includes the 0 separator */
    n += sizeof sctx;
    CTLS_GUARD(hs_thash(h, out + n, &hl));
    *len = n + hl;
    return 0;
}

int hs_send_certificate(ctls_conn *c, const cfg_cert *cert, const uint8_t *ctx, size_t ctx_len)
{
    msg_certificate m;
    memset(&m, 0, sizeof m);
    m.request_context = (ctls_slice){ctx, ctx_len};
    if (cert) {
        for (size_t i = 0; i < cert->chain.count && i < MSG_MAX_CHAIN; i++)
            m.certs[m.count++] = (ctls_slice){cert->chain.der[i], cert->chain.len[i]};
    }
    m.ocsp_response = ocsp_staple13(c, cert); /* server: RFC 8446 4.4.2.1 (ocsp.c) */
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    int rc = msg_certificate_encode(&m, 0, &w);
    if (rc == 0) rc = wr_status(&w);
    if (rc == 0) rc = hs_send(c, &c->hs->tr, w.buf, w.len);
    wr_free(&w);
    return rc;
}

int hs_send_certificate_verify(ctls_conn *c, const cfg_cert *cert, uint16_t scheme, int which)
{
    uint8_t content[64 + 34 + CTLS_MAX_HASH_LEN], sig[CTLS_MAX_SIG_LEN];
    size_t clen, slen = sizeof sig;
    CTLS_GUARD(hs_cv_content(c->hs, which, content, &clen));
    CTLS_GUARD(ctls_sign(cert->key, scheme, content, clen, sig, &slen));
    msg_certificate_verify m = {.scheme = scheme, .signature = {sig, slen}};
    return hs_send_encoded(c, &m, (hs_encode_fn)msg_certificate_verify_encode);
}

int hs_send_finished(ctls_conn *c, const uint8_t *fin_key)
{
    uint8_t th[CTLS_MAX_HASH_LEN], vd[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(hs_thash(c->hs, th, &hl));
    CTLS_GUARD(ks13_finished_mac(c->hs->suite->hash, fin_key, th, vd));
    msg_finished m = {.verify_data = {vd, hl}};
    return hs_send_encoded(c, &m, (hs_encode_fn)msg_finished_encode);
}

int hs_check_finished(ctls_conn *c, const uint8_t *fin_key, const uint8_t *msg, size_t len)
{
    uint8_t th[CTLS_MAX_HASH_LEN], vd[CTLS_MAX_HASH_LEN];
    size_t hl;
    msg_finished m;
    CTLS_GUARD(msg_finished_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    CTLS_GUARD(hs_thash(c->hs, th, &hl));
    if (m.verify_data.len != hl) return CTLS_ERR_DECODE;
    CTLS_GUARD(ks13_finished_mac(c->hs->suite->hash, fin_key, th, vd));
    /* RFC 8446 4.4.4: compared in constant time */
    if (!ctls_ct_equal(vd, m.verify_data.p, hl)) return CTLS_ERR_DECRYPT_ERROR;
    return tr_add(&c->hs->tr, msg, len);
}

int hs_take_peer_chain(ctls_conn *c, const msg_certificate *m)
{
    ctls_der_list_free(&c->peer_chain);
    if (m->count == 0) return 0;
    c->peer_chain.der = ctls_calloc(m->count, sizeof(uint8_t *));
    c->peer_chain.len = ctls_calloc(m->count, sizeof(size_t));
    if (!c->peer_chain.der || !c->peer_chain.len) return CTLS_ERR_NOMEM;
    for (size_t i = 0; i < m->count; i++) {
        c->peer_chain.der[i] = ctls_memdup(m->certs[i].p, m->certs[i].len);
        if (!c->peer_chain.der[i]) return CTLS_ERR_NOMEM;
        c->peer_chain.len[i] = m->certs[i].len;
        c->peer_chain.count = i + 1;
    }
    ctls_cert *leaf = NULL;
    int rc = ctls_cert_parse(m->certs[0].p, m->certs[0].len, &leaf);
    if (rc < 0) return CTLS_ERR_BAD_CERTIFICATE;
    ctls_slice spki = ctls_cert_spki(leaf);
    rc = ctls_pubkey_from_spki(spki.p, spki.len, &c->hs->peer_key);
    if (rc == 0) c->hs->peer_key_type = ctls_pubkey_type(c->hs->peer_key);
    ctls_cert_free(leaf);
    return rc < 0 ? CTLS_ERR_BAD_CERTIFICATE : 0;
}

int hs_check_certificate_verify(ctls_conn *c, const uint8_t *msg, size_t len, int which,
                                const uint16_t *offered, size_t n_offered)
{
    msg_certificate_verify m;
    CTLS_GUARD(msg_certificate_verify_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    int ok = 0;
    for (size_t i = 0; i < n_offered; i++)
        ok |= offered[i] == m.scheme;
    /* RFC 8446 4.4.3: a scheme we offered, usable with the leaf's key (curve bound). */
    if (!ok || !algs_sig_fits_key13(m.scheme, c->hs->peer_key_type))
        return CTLS_ERR_ILLEGAL_PARAMETER;
    uint8_t content[64 + 34 + CTLS_MAX_HASH_LEN];
    size_t clen;
    CTLS_GUARD(hs_cv_content(c->hs, which, content, &clen));
    int rc = ctls_verify(c->hs->peer_key, m.scheme, content, clen, m.signature.p, m.signature.len);
    if (rc < 0) return CTLS_ERR_DECRYPT_ERROR;
    c->peer_sig = m.scheme;
    return tr_add(&c->hs->tr, msg, len);
}

int hs_verify_peer_chain(ctls_conn *c, int purpose)
{
    const ctls_trust_store *store;
    CTLS_GUARD(cfg_trust(c->cfg, &store));
    ctls_verify_params p = {
        .now = c->cfg->verify_time,
        .host = c->role == CTLS_CLIENT ? c->sni : NULL,
        .purpose = purpose,
    };
    unsigned flags = 0;
    int rc = ctls_x509_verify(store, (const uint8_t *const *)c->peer_chain.der, c->peer_chain.len,
                              c->peer_chain.count, &p, &flags);
    c->verify_flags = flags;
    c->verify_status = rc;
    return rc;
}

int hs_send_ccs(ctls_conn *c)
{
    if (c->hs->sent_ccs || c->hs->session_id_len == 0) return 0;
    c->hs->sent_ccs = 1;
    static const uint8_t one = 1;
    /* RFC 8446 D.4: an unprotected change_cipher_spec, whatever the write keys are. */
    rec_keys saved = c->wr;
    c->wr.aead = NULL;
    int rc = rec_write(c, CT_CHANGE_CIPHER_SPEC, &one, 1);
    c->wr = saved;
    return rc;
}

int hs_choose_alpn(const ctls_config *cfg, const msg_client_hello *m, ctls_slice *chosen)
{
    *chosen = (ctls_slice){NULL, 0};
    if (!(m->ext_present & EXT_BIT(EXT_ALPN)) || !cfg->alpn_len) return 0;
    /* RFC 7301 3.2: server preference; no overlap is no_application_protocol */
    ctls_slice ours = {cfg->alpn, cfg->alpn_len}, a;
    while (msg_alpn_next(&ours, &a)) {
        ctls_slice theirs = m->alpn, b;
        while (msg_alpn_next(&theirs, &b))
            if (a.len == b.len && memcmp(a.p, b.p, a.len) == 0) {
                *chosen = a;
                return 0;
            }
    }
    return CTLS_ERR_NO_APPLICATION_PROTOCOL;
}

int hs_keep_alpn(ctls_conn *c, ctls_slice alpn)
{
    if (!alpn.len) return 0;
    ctls_free(c->alpn);
    c->alpn = ctls_calloc(1, alpn.len + 1); /* NUL-terminated for ctls_alpn_selected */
    if (!c->alpn) return CTLS_ERR_NOMEM;
    memcpy(c->alpn, alpn.p, alpn.len);
    return 0;
}

int hs_send_certificate_request(ctls_conn *c, hs_transcript *t, const uint8_t *ctx, size_t ctx_len)
{
    uint8_t sigbuf[2 * CFG_MAX_SIGS];
    msg_certificate_request cr;
    memset(&cr, 0, sizeof cr);
    cr.request_context = (ctls_slice){ctx, ctx_len};
    cr.ext_present = EXT_BIT(EXT_SIGNATURE_ALGORITHMS);
    cr.signature_algorithms = hs_u16_list(sigbuf, c->cfg->sigs, c->cfg->n_sigs);
    /* RFC 8446 4.2.4: the anchors we accept client chains from */
    if (c->cfg->ca_names_len && !c->cfg->ca_names_overflow) {
        cr.ext_present |= EXT_BIT(EXT_CERTIFICATE_AUTHORITIES);
        cr.certificate_authorities = (ctls_slice){c->cfg->ca_names, c->cfg->ca_names_len};
    }
    return hs_send_encoded_to(c, t, &cr, (hs_encode_fn)msg_certificate_request_encode);
}

int hs_keep_acceptable_cas(ctls_conn *c, ctls_slice cas)
{
    ctls_slice l = cas, dn;
    size_t n = 0;
    ctls_der_list_free(&c->acceptable_cas);
    while (msg_dn_next(&l, &dn))
        n++;
    if (!n) return 0;
    c->acceptable_cas.der = ctls_calloc(n, sizeof(uint8_t *));
    c->acceptable_cas.len = ctls_calloc(n, sizeof(size_t));
    if (!c->acceptable_cas.der || !c->acceptable_cas.len) return CTLS_ERR_NOMEM;
    l = cas;
    for (size_t i = 0; i < n && msg_dn_next(&l, &dn); i++) {
        if (!(c->acceptable_cas.der[i] = ctls_memdup(dn.p, dn.len))) return CTLS_ERR_NOMEM;
        c->acceptable_cas.len[i] = dn.len;
        c->acceptable_cas.count = i + 1;
    }
    return 0;
}

int hs_take_certificate_request(ctls_conn *c, const uint8_t *msg, size_t len, int post)
{
    hs_state *h = c->hs;
    msg_certificate_request m;
    CTLS_GUARD(msg_certificate_request_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    /* RFC 8446 4.3.2: the context is empty during the handshake; post-handshake it is what
     * ties the answer to the request (4.6.2), so an empty one is refused */
    if ((m.request_context.len != 0) != !!post) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (!(m.ext_present & EXT_BIT(EXT_SIGNATURE_ALGORITHMS))) return CTLS_ERR_MISSING_EXTENSION;
    h->cert_requested = 1;
    if (m.request_context.len) /* at most 255 bytes (msg_certificate_request_decode) */
        memcpy(h->cr_context, m.request_context.p, m.request_context.len);
    h->cr_context_len = m.request_context.len;
    ctls_slice l = m.signature_algorithms;
    uint16_t v;
    while (msg_u16_next(&l, &v))
        if (h->n_cr_sigs < HS_MAX_PEER_SIGS) h->cr_sigs[h->n_cr_sigs++] = v;
    CTLS_GUARD(hs_keep_acceptable_cas(c, m.certificate_authorities)); /* empty when absent */
    return tr_add(&h->tr, msg, len);
}

int hs_send_client_auth(ctls_conn *c)
{
    hs_state *h = c->hs;
    const cfg_cert *cert = c->conn_cert;
    if (!cert && c->cfg->n_certs) cert = &c->cfg->certs[0];
    uint16_t scheme = 0;
    if (cert) {
        /* our preference order, among the schemes the server accepts */
        for (size_t i = 0; i < c->cfg->n_sigs && !scheme; i++)
            for (size_t j = 0; j < h->n_cr_sigs && !scheme; j++)
                if (c->cfg->sigs[i] == h->cr_sigs[j] &&
                    algs_sig_fits_key13(c->cfg->sigs[i], cert->key_type))
                    scheme = c->cfg->sigs[i];
        if (!scheme) cert = NULL; /* nothing the server can verify: send none */
    }
    CTLS_GUARD(hs_send_certificate(c, cert, h->cr_context, h->cr_context_len));
    if (cert) CTLS_GUARD(hs_send_certificate_verify(c, cert, scheme, CTX_CLIENT_CV));
    return 0;
}

int hs_take_client_chain(ctls_conn *c, const msg_certificate *m)
{
    /* RFC 8446 4.4.2: we never ask a client for OCSP (no status_request in our
     * CertificateRequest) */
    if (m->status_request) return CTLS_ERR_UNSUPPORTED_EXTENSION;
    if (m->count == 0) {
        ctls_der_list_free(&c->peer_chain); /* post-handshake: an earlier chain no longer holds */
        c->verify_flags = CTLS_CERT_NO_CERTIFICATE;
        /* RFC 8446 4.4.2.4: certificate_required when one is demanded */
        if (c->verify_mode == CTLS_VERIFY_REQUIRE_PEER) return CTLS_ERR_CERTIFICATE_REQUIRED;
        return 1; /* no CertificateVerify follows */
    }
    CTLS_GUARD(hs_take_peer_chain(c, m));
    return 0;
}
