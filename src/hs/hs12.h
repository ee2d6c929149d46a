/* TLS 1.2 handshake state and helpers shared by hs/client12.c and hs/server12.c (RFC 5246,
 * RFC 7627 extended master secret, RFC 5746 renegotiation_info). The state lives inside
 * hs_state (hs.h) and is wiped with it. */
#ifndef CTLS_HS_HS12_H
#define CTLS_HS_HS12_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"
#include "hs/transcript.h"

#define HS12_MASTER_LEN 48      /* RFC 5246 8.1 */
#define HS12_VERIFY_DATA_LEN 12 /* RFC 5246 7.4.9 */
/* the first state of the TLS 1.2 state machines, distinct from the TLS 1.3 ones (a client's
 * renegotiation starts in client13.c's CL_WAIT_SH, below it) */
#define HS12_FIRST_STATE 100

typedef struct {
    uint8_t client_random[32], server_random[32];
    uint8_t pms[CTLS_KX_MAX_SECRET]; /* the ECDHE shared secret until the master is derived */
    size_t pms_len;
    uint8_t master[HS12_MASTER_LEN];
    /* the handshake messages themselves, for CertificateVerify (RFC 5246 7.4.8: signed, with
     * the scheme's hash, over all messages before it); a transcript whose hash is never set */
    hs_transcript raw;
    int keep_raw;      /* raw is kept: client always, server when it asks for a certificate */
    unsigned cr_types; /* client: CertificateRequest certificate_types, HS12_CT_* bits */
    /* resumption (RFC 5077, RFC 5246 7.3 abbreviated handshake) */
    int offered;     /* client: a session (ticket and / or session ID) was offered */
    int resumed;     /* the abbreviated handshake: master secret from the session */
    int ticket_next; /* a NewSessionTicket comes (client: expected; server: to send) */
    int cache_id;    /* server: new_id went out in the ServerHello; cache the session */
    uint8_t new_id[32];
    /* a renegotiation (hs/reneg12.c): on an established connection, under its keys */
    int reneg;
    int keylogged; /* the key log has this handshake's CLIENT_RANDOM line (hs/keylog.h) */
} hs12_state;

#define HS12_CT_RSA 1u
#define HS12_CT_ECDSA 2u

#endif
