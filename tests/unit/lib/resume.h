/* Test helpers for session resumption: a ctls client and server connection on given configs, a
 * full handshake that yields the client's session, and a handshake that offers one. */
#ifndef CTLS_TEST_RESUME_H
#define CTLS_TEST_RESUME_H

#include <ctls/ctls.h>

#include "pair.h"

/* A client config (tp_client_config) for TLS 1.2 up to max, CHECKed. */
ctls_config *tp_client12(int max);
/* A server config (tp_server_config("server-ecdsa")) for TLS 1.2 up to max, CHECKed. */
ctls_config *tp_server12(int max);

/* A client and a server connection and their last ctls_handshake results. */
typedef struct {
    ctls_conn *c, *s;
    int crc, src;
} tp_resume_pair;

/* New connections on cc and sc; the client gets the server name sni (NULL: "localhost"), the
 * peer ID peer_id (NULL: none) and the session sess (NULL: none), each setter CHECKed; then the
 * handshake, moving at most split bytes per pump (0: all). Returns 0 when both sides completed
 * (the caller CHECKs it if it must); -1 (CHECK failed) when a connection could not be made. */
int tp_resume_open_ex(tp_resume_pair *p, ctls_config *cc, ctls_config *sc, const char *sni,
                      const char *peer_id, const ctls_session *sess, size_t split);
/* The same with server name "localhost", all bytes per pump. */
int tp_resume_open(tp_resume_pair *p, ctls_config *cc, ctls_config *sc, const char *peer_id,
                   const ctls_session *sess);
/* Frees both connections (not the configs) and zeroes *p. */
void tp_resume_close(tp_resume_pair *p);
/* TLS 1.3: the client takes the server's tickets in (CHECKs ctls_read says WANT_READ). */
void tp_take_tickets(tp_resume_pair *p);
/* A full handshake offering no session (CHECKed: completed, neither side resumed, the version is
 * version unless 0), TLS 1.3 tickets taken in; the client's session after it, or NULL (not
 * CHECKed: the caller says whether one is expected). */
ctls_session *tp_full_session(ctls_config *cc, ctls_config *sc, int version);
/* Offer sess (server name sni, NULL: "localhost"): CHECKs the handshake completed and both sides
 * agree on resumption; then 1000 bytes each way (CHECKed by tp_exchange). Returns 1 when resumed,
 * 0 when not (or the handshake failed). */
int tp_resumes(ctls_config *cc, ctls_config *sc, const ctls_session *sess, const char *sni);

#endif
