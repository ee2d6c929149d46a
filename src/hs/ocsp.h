/* OCSP stapling in the handshake (RFC 6066 8 for TLS 1.2, RFC 8446 4.4.2.1 for TLS 1.3), at
 * the raw-response level: the server staples the DER response configured for the chosen
 * certificate when the client asked for it; the client keeps what it was given for
 * ctls_peer_ocsp_response. Only the framing and a DER SEQUENCE are checked: verifying the
 * response (signature, responder, certificate status, times) is the application's job. */
#ifndef CTLS_HS_OCSP_H
#define CTLS_HS_OCSP_H

#include "api/internal.h"
#include "msg/msg.h"

/* Client: status_request (type ocsp) in the ClientHello when the config asks for it. */
void ocsp_offer(ctls_conn *c, msg_client_hello *m);
/* Server: staple (h->ocsp_staple) when the client asked for ocsp and cert (NULL when
 * resuming: no Certificate) has a response. */
void ocsp_server_choose(ctls_conn *c, const msg_client_hello *m, const cfg_cert *cert);
/* Server, TLS 1.3: the response for the leaf's CertificateEntry, or an empty slice. */
ctls_slice ocsp_staple13(const ctls_conn *c, const cfg_cert *cert);
/* Client, TLS 1.3: the server's Certificate (decoded): a status_request the client did not
 * send is unsupported_extension (RFC 8446 4.4.2); the leaf's response is kept. */
int ocsp_take13(ctls_conn *c, const msg_certificate *m);
/* Server, TLS 1.2: the CertificateStatus message right after the Certificate (RFC 6066 8). */
int ocsp_send_status12(ctls_conn *c, const cfg_cert *cert);
/* Client, TLS 1.2: a CertificateStatus (decoded, checked, kept, added to the transcript). */
int ocsp_on_status12(ctls_conn *c, const uint8_t *msg, size_t len);

#endif
