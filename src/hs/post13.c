/* TLS 1.3 post-handshake messages (RFC 8446 4.6): NewSessionTicket and KeyUpdate, handled
 * inside ctls_read; post-handshake authentication is in pha13.c. */
#include "core/mem.h"
#include "hs/hs.h"
#include "hs/pha13.h"
#include "session/session.h"

#define MAX_KEY_UPDATES 32 /* in a row without application data */

static int suite_of(const ctls_conn *c, const algs_suite **s)
{
    *s = algs_suite_by_id(c->suite);
    return *s ? 0 : CTLS_ERR_INTERNAL;
}

int post13_send_key_update(ctls_conn *c, int request_peer)
{
    const algs_suite *s;
    CTLS_GUARD(suite_of(c, &s));
    uint8_t m[5] = {MSG_KEY_UPDATE, 0, 0, 1, (uint8_t)(request_peer ? 1 : 0)};
    CTLS_GUARD(rec_write(c, CT_HANDSHAKE, m, sizeof m));
    /* RFC 8446 4.6.3: our sending keys change right after the KeyUpdate */
    uint8_t *secret = c->role == CTLS_CLIENT ? c->c_ap : c->s_ap;
    CTLS_GUARD(ks13_update_secret(s->hash, secret));
    return rec_set_keys13(&c->wr, s->aead, s->hash, secret, NULL);
}

static int on_key_update(ctls_conn *c, const uint8_t *msg, size_t len)
{
    msg_key_update m;
    CTLS_GUARD(msg_key_update_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    if (++c->key_updates > MAX_KEY_UPDATES) return CTLS_ERR_LIMIT;
    /* RFC 8446 5.1: no handshake data may follow a KeyUpdate under the old keys */
    if (buf_size(&c->hs_in) > len) return CTLS_ERR_UNEXPECTED_MESSAGE;
    const algs_suite *s;
    CTLS_GUARD(suite_of(c, &s));
    uint8_t *peer = c->role == CTLS_CLIENT ? c->s_ap : c->c_ap;
    CTLS_GUARD(ks13_update_secret(s->hash, peer));
    CTLS_GUARD(rec_set_keys13(&c->rd, s->aead, s->hash, peer, NULL));
    /* Answer a request, unless we already sent our own close_notify. */
    if (m.request_update && !(c->shutdown_flags & CTLS_SENT_SHUTDOWN))
        return post13_send_key_update(c, 0);
    return 0;
}

int post13_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    switch (type) {
    case MSG_KEY_UPDATE:
        return on_key_update(c, msg, len);
    case MSG_NEW_SESSION_TICKET: {
        if (c->role != CTLS_CLIENT) return CTLS_ERR_UNEXPECTED_MESSAGE;
        msg_new_session_ticket m;
        CTLS_GUARD(msg_new_session_ticket_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
        c->tickets_received++;
        /* RFC 8446 4.6.1: the ticket and its PSK become a session (src/session/) */
        return sess_on_ticket(c, &m);
    }
    default:
        /* post-handshake authentication (RFC 8446 4.6.2): unexpected unless offered */
        return pha13_handle(c, type, msg, len);
    }
}
