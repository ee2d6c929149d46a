/* TLS 1.3 post-handshake client authentication (RFC 8446 4.2.6, 4.6.2): the client's offer,
 * the transcript kept after the handshake, the server's CertificateRequest and its check of
 * the answer, and the client's answer. The state (struct pha13) exists only on connections
 * where post_handshake_auth was offered and TLS 1.3 was negotiated. */
#ifndef CTLS_HS_PHA13_H
#define CTLS_HS_PHA13_H

#include "api/internal.h"
#include "msg/msg.h"

/* Client: add post_handshake_auth to the ClientHello when the config enables it. */
void pha13_offer(ctls_conn *c, msg_client_hello *m);
/* Server: note whether the ClientHello offered post_handshake_auth. */
void pha13_note_offer(ctls_conn *c, const msg_client_hello *m);
/* Both, once the client Finished is in the transcript: keep a copy of the transcript hash
 * (RFC 8446 4.4: the post-handshake messages are hashed after it) when the extension was
 * offered; nothing otherwise. */
int pha13_keep_transcript(ctls_conn *c);
void pha13_free(ctls_conn *c);
/* Server: send a CertificateRequest with a fresh context. CTLS_ERR_UNSUPPORTED when the client
 * did not offer post_handshake_auth, CTLS_ERR_LIMIT with PHA_MAX_PENDING unanswered. */
int pha13_request(ctls_conn *c);
/* Server: requests sent whose answer is not complete yet. */
size_t pha13_pending(const ctls_conn *c);
/* A post-handshake CertificateRequest (client) or Certificate / CertificateVerify / Finished
 * (server); anything else, or nothing offered, is unexpected_message. */
int pha13_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len);

#endif
