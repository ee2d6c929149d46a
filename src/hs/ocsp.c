/* OCSP stapling in the handshake (see ocsp.h). */
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"
#include "hs/ocsp.h"

void ocsp_offer(ctls_conn *c, msg_client_hello *m)
{
    /* a new handshake (a TLS 1.2 renegotiation too): an earlier staple no longer holds */
    ctls_free(c->peer_ocsp);
    c->peer_ocsp = NULL;
    c->peer_ocsp_len = 0;
    if (!c->cfg->ocsp_request) return;
    /* RFC 6066 8: ocsp, no responder list, no request extensions (ext/status_request.c) */
    m->ext_present |= EXT_BIT(EXT_STATUS_REQUEST);
    c->hs->ocsp_requested = 1;
}

void ocsp_server_choose(ctls_conn *c, const msg_client_hello *m, const cfg_cert *cert)
{
    /* RFC 6066 8 / RFC 8446 4.4.2.1: only in answer to a status_request of type ocsp; a
     * server with nothing to staple just sends none */
    c->hs->ocsp_staple = (m->ext_present & EXT_BIT(EXT_STATUS_REQUEST)) && m->status_request_ocsp &&
                         cert && cert->ocsp_len;
}

ctls_slice ocsp_staple13(const ctls_conn *c, const cfg_cert *cert)
{
    if (!c->hs->ocsp_staple || !cert) return (ctls_slice){NULL, 0};
    return (ctls_slice){cert->ocsp, cert->ocsp_len};
}

/* Keep the peer's response on the connection (replacing one from an earlier handshake). */
static int keep(ctls_conn *c, ctls_slice resp)
{
    ctls_free(c->peer_ocsp);
    c->peer_ocsp = NULL;
    c->peer_ocsp_len = 0;
    if (!resp.len) return 0;
    if (!(c->peer_ocsp = ctls_memdup(resp.p, resp.len))) return CTLS_ERR_NOMEM;
    c->peer_ocsp_len = resp.len;
    return 0;
}

int ocsp_take13(ctls_conn *c, const msg_certificate *m)
{
    /* RFC 8446 4.4.2: extensions in the Certificate must answer ones in the ClientHello,
     * else unsupported_extension */
    if (m->status_request && !c->hs->ocsp_requested) return CTLS_ERR_UNSUPPORTED_EXTENSION;
    return keep(c, m->ocsp_response);
}

int ocsp_send_status12(ctls_conn *c, const cfg_cert *cert)
{
    if (!c->hs->ocsp_staple) return 0;
    msg_certificate_status m = {.ocsp_response = {cert->ocsp, cert->ocsp_len}};
    return hs12_send_encoded(c, &m, (hs_encode_fn)msg_certificate_status_encode);
}

int ocsp_on_status12(ctls_conn *c, const uint8_t *msg, size_t len)
{
    /* RFC 6066 8: only after a ServerHello that acknowledged our status_request (the state
     * machine already refuses it anywhere else) */
    if (!c->hs->ocsp_acked) return CTLS_ERR_UNEXPECTED_MESSAGE;
    msg_certificate_status m;
    CTLS_GUARD(msg_certificate_status_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    CTLS_GUARD(keep(c, m.ocsp_response));
    return hs12_add(c->hs, msg, len);
}
