/* TLS 1.2 steps shared by the client and the server: the key schedule (RFC 5246 6.3, 8.1 with
 * RFC 7627 extended master secret), ChangeCipherSpec and Finished (RFC 5246 7.1, 7.4.9), the
 * ServerKeyExchange signed content (RFC 8422 5.4). Renegotiation: hs/reneg12.c. */
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"
#include "hs/keylog.h"

int hs_version_usable(const ctls_config *cfg, uint16_t v)
{
    if (v < cfg->min_version || v > cfg->max_version) return 0;
    for (size_t i = 0; i < cfg->n_suites; i++) {
        const algs_suite *s = algs_suite_by_id(cfg->suites[i]);
        if (s && s->tls13 == (v == CTLS_TLS1_3)) return 1;
    }
    return 0;
}

/* RFC 7627 4: master_secret = PRF(pre_master_secret, "extended master secret",
 * session_hash)[0..47], session_hash = Hash(handshake messages up to ClientKeyExchange). */
int hs12_derive_master(ctls_conn *c)
{
    hs_state *h = c->hs;
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(hs_thash(h, th, &hl));
    int rc = ctls_prf12(h->suite->hash, h->t12.pms, h->t12.pms_len, "extended master secret", th,
                        hl, h->t12.master, HS12_MASTER_LEN);
    ctls_wipe(h->t12.pms, sizeof h->t12.pms);
    h->t12.pms_len = 0;
    return rc;
}

/* RFC 5246 6.3: key_block = PRF(master, "key expansion", server_random + client_random):
 * client_write_key, server_write_key, client_write_IV, server_write_IV (AEAD: no MAC keys).
 * Installs the keys of one direction: ours (write) or the peer's (read). */
int hs12_install_keys(ctls_conn *c, int write)
{
    hs_state *h = c->hs;
    /* RFC 9850 2: the master secret goes to the key log with the first keys installed (a full
     * or resumed handshake, either role), before any record under them is read or written */
    if (c->cfg->keylog && !h->t12.keylogged) { /* off: this one NULL test */
        keylog_emit(c, KEYLOG_CLIENT_RANDOM, h->t12.client_random, h->t12.master, HS12_MASTER_LEN);
        h->t12.keylogged = 1;
    }
    int aead = h->suite->aead;
    size_t kl = ctls_aead_key_len(aead), il = rec_iv_len12(aead);
    uint8_t seed[64], kb[2 * CTLS_AEAD_MAX_KEY_LEN + 2 * CTLS_AEAD_NONCE_LEN];
    memcpy(seed, h->t12.server_random, 32);
    memcpy(seed + 32, h->t12.client_random, 32);
    CTLS_GUARD(ctls_prf12(h->suite->hash, h->t12.master, HS12_MASTER_LEN, "key expansion", seed,
                          sizeof seed, kb, 2 * kl + 2 * il));
    int client_side = (c->role == CTLS_CLIENT) == (write != 0);
    const uint8_t *key = client_side ? kb : kb + kl;
    const uint8_t *iv = client_side ? kb + 2 * kl : kb + 2 * kl + il;
    int rc = rec_set_keys12(write ? &c->wr : &c->rd, aead, key, iv);
    ctls_wipe(kb, sizeof kb);
    return rc;
}

/* RFC 5246 7.4.9: verify_data = PRF(master, finished_label, Hash(handshake_messages))[0..11]. */
static int verify_data(ctls_conn *c, int client, uint8_t out[HS12_VERIFY_DATA_LEN])
{
    hs_state *h = c->hs;
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(hs_thash(h, th, &hl));
    return ctls_prf12(h->suite->hash, h->t12.master, HS12_MASTER_LEN,
                      client ? "client finished" : "server finished", th, hl, out,
                      HS12_VERIFY_DATA_LEN);
}

int hs12_add(hs_state *h, const uint8_t *msg, size_t len)
{
    CTLS_GUARD(tr_add(&h->tr, msg, len));
    return h->t12.keep_raw ? tr_add(&h->t12.raw, msg, len) : 0;
}

int hs12_send_encoded(ctls_conn *c, const void *m, hs_encode_fn enc)
{
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    int rc = enc(m, &w);
    if (rc == 0) rc = wr_status(&w);
    if (rc == 0) rc = hs12_add(c->hs, w.buf, w.len);
    if (rc == 0) rc = rec_write(c, CT_HANDSHAKE, w.buf, w.len);
    wr_free(&w);
    return rc;
}

/* RFC 5746 3.1: each side keeps both verify_data of the last handshake for the next
 * renegotiation_info. */
static void keep_verify_data(ctls_conn *c, int client, const uint8_t vd[HS12_VERIFY_DATA_LEN])
{
    memcpy(client ? c->reneg_client_vd : c->reneg_server_vd, vd, HS12_VERIFY_DATA_LEN);
}

/* The peer's Finished verified, in the step that completes the handshake: its master secret
 * and randoms become the exporter's (RFC 5705 4; api/export.c), a renegotiation's replacing
 * the previous handshake's. */
static void keep_exporter(ctls_conn *c)
{
    const hs12_state *t = &c->hs->t12;
    memcpy(c->exp_secret, t->master, HS12_MASTER_LEN);
    memcpy(c->randoms, t->client_random, 32);
    memcpy(c->randoms + 32, t->server_random, 32);
}

int hs12_send_ccs_finished(ctls_conn *c)
{
    static const uint8_t one = 1;
    /* RFC 5246 7.1: ChangeCipherSpec under the current write state (null keys, or the
     * connection's keys in a renegotiation: RFC 5746), then the new keys */
    if (c->wr.aead && !c->hs->t12.reneg) return CTLS_ERR_INTERNAL;
    CTLS_GUARD(rec_write(c, CT_CHANGE_CIPHER_SPEC, &one, 1));
    CTLS_GUARD(hs12_install_keys(c, 1));
    uint8_t vd[HS12_VERIFY_DATA_LEN];
    CTLS_GUARD(verify_data(c, c->role == CTLS_CLIENT, vd));
    keep_verify_data(c, c->role == CTLS_CLIENT, vd);
    msg_finished m = {.verify_data = {vd, sizeof vd}};
    return hs_send_encoded(c, &m, (hs_encode_fn)msg_finished_encode);
}

int hs12_check_finished(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_finished m;
    uint8_t vd[HS12_VERIFY_DATA_LEN];
    CTLS_GUARD(msg_finished_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    if (m.verify_data.len != HS12_VERIFY_DATA_LEN) return CTLS_ERR_DECODE;
    CTLS_GUARD(verify_data(c, c->role != CTLS_CLIENT, vd));
    /* compared in constant time */
    if (!ctls_ct_equal(vd, m.verify_data.p, sizeof vd)) return CTLS_ERR_DECRYPT_ERROR;
    keep_verify_data(c, c->role != CTLS_CLIENT, vd);
    keep_exporter(c);
    return tr_add(&c->hs->tr, msg, len);
}

int hs12_on_ccs(ctls_conn *c)
{
    if (!c->hs || (c->hs_done && !c->hs->t12.reneg)) return CTLS_ERR_UNEXPECTED_MESSAGE;
    /* the role's state machine says whether a CCS fits now (RFC 5246 7.1) */
    CTLS_GUARD(c->role == CTLS_CLIENT ? client12_on_ccs(c) : server12_on_ccs(c));
    c->ccs_allowed = 0;
    return hs12_install_keys(c, 0);
}

int hs12_ske_content(const hs_state *h, ctls_slice params, uint8_t *out, size_t cap, size_t *len)
{
    /* RFC 8422 5.4: signed_params = client_random || server_random || ServerECDHParams */
    if (params.len > cap - 64) return CTLS_ERR_INTERNAL;
    memcpy(out, h->t12.client_random, 32);
    memcpy(out + 32, h->t12.server_random, 32);
    memcpy(out + 64, params.p, params.len);
    *len = 64 + params.len;
    return 0;
}

int hs12_scheme_ok(uint16_t scheme, int key_type)
{
    /* TLS 1.2 ServerKeyExchange / CertificateVerify schemes we use: ECDSA (any curve, RFC 8422
     * 5.10), RSA-PSS with an rsaEncryption key (RFC 8446 4.2.3) and PKCS#1 v1.5 SHA-2. Never
     * SHA-1, never MD5. */
    switch (scheme) {
    case CTLS_SIG_ECDSA_SECP256R1_SHA256:
    case CTLS_SIG_ECDSA_SECP384R1_SHA384:
    case CTLS_SIG_ECDSA_SECP521R1_SHA512:
    case CTLS_SIG_RSA_PSS_RSAE_SHA256:
    case CTLS_SIG_RSA_PSS_RSAE_SHA384:
    case CTLS_SIG_RSA_PSS_RSAE_SHA512:
    case CTLS_SIG_RSA_PKCS1_SHA256:
    case CTLS_SIG_RSA_PKCS1_SHA384:
    case CTLS_SIG_RSA_PKCS1_SHA512:
        return algs_sig_fits_key12(scheme, key_type);
    default:
        return 0;
    }
}

int hs12_key_fits_suite(const algs_suite *s, int key_type)
{
    if (s->auth == CTLS_KEY_RSA) return key_type == CTLS_KEY_RSA;
    return key_type == CTLS_KEY_EC_P256 || key_type == CTLS_KEY_EC_P384 ||
           key_type == CTLS_KEY_EC_P521;
}

int hs12_send_certificate(ctls_conn *c, const cfg_cert *cert)
{
    msg_certificate m;
    memset(&m, 0, sizeof m);
    if (cert)
        for (size_t i = 0; i < cert->chain.count && i < MSG_MAX_CHAIN; i++)
            m.certs[m.count++] = (ctls_slice){cert->chain.der[i], cert->chain.len[i]};
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    int rc = msg_certificate_encode(&m, 1, &w);
    if (rc == 0) rc = wr_status(&w);
    if (rc == 0) rc = hs12_add(c->hs, w.buf, w.len);
    if (rc == 0) rc = rec_write(c, CT_HANDSHAKE, w.buf, w.len);
    wr_free(&w);
    return rc;
}

int hs12_sign_transcript(ctls_conn *c, const cfg_cert *cert, uint16_t scheme)
{
    hs_state *h = c->hs;
    uint8_t sig[CTLS_MAX_SIG_LEN];
    size_t slen = sizeof sig;
    CTLS_GUARD(ctls_sign(cert->key, scheme, buf_data(&h->t12.raw.pending),
                         buf_size(&h->t12.raw.pending), sig, &slen));
    msg_certificate_verify m = {.scheme = scheme, .signature = {sig, slen}};
    return hs12_send_encoded(c, &m, (hs_encode_fn)msg_certificate_verify_encode);
}

int hs12_check_certificate_verify(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    msg_certificate_verify m;
    CTLS_GUARD(msg_certificate_verify_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    int offered = 0;
    for (size_t i = 0; i < c->cfg->n_sigs; i++)
        offered |= c->cfg->sigs[i] == m.scheme;
    /* RFC 5246 7.4.8: a scheme from our CertificateRequest, fitting the leaf's key */
    if (!offered || !hs12_scheme_ok(m.scheme, h->peer_key_type)) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (ctls_verify(h->peer_key, m.scheme, buf_data(&h->t12.raw.pending),
                    buf_size(&h->t12.raw.pending), m.signature.p, m.signature.len) < 0)
        return CTLS_ERR_DECRYPT_ERROR;
    c->peer_sig = m.scheme;
    return hs12_add(h, msg, len);
}
