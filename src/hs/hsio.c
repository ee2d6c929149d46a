/* Handshake messages over records: reassembly (messages split across records, several in one
 * record), the key-change boundary rule, alerts met while waiting, and sending. */
#include <string.h>

#include "api/internal.h"
#include "core/bytes.h"
#include "hs/hs.h"
#include "msg/msg.h"

#define MAX_WARNING_ALERTS 8
#define HS_IN_MAX (MSG_HEADER_LEN + MSG_MAX_LEN + REC_MAX_PLAIN)

int conn_handle_alert(ctls_conn *c, const uint8_t *p, size_t len)
{
    /* RFC 8446 6: an alert is exactly two bytes and never fragmented. */
    if (len != 2) return CTLS_ERR_DECODE;
    int level = p[0], desc = p[1];
    c->alert_received = desc;
    if (desc == CTLS_ALERT_CLOSE_NOTIFY) {
        c->shutdown_flags |= CTLS_RECEIVED_SHUTDOWN;
        return 0;
    }
    /* RFC 8446 6.1: user_canceled is followed by close_notify; other alerts are fatal in 1.3
     * whatever their level. TLS 1.2 warnings (level 1) are tolerated up to a limit. */
    if (desc == CTLS_ALERT_USER_CANCELED ||
        (level == 1 && c->version == CTLS_TLS1_2 && desc != CTLS_ALERT_NO_RENEGOTIATION)) {
        if (++c->warning_alerts > MAX_WARNING_ALERTS) return CTLS_ERR_LIMIT;
        return 0;
    }
    if (level == 1 && desc == CTLS_ALERT_NO_RENEGOTIATION && c->version == CTLS_TLS1_2)
        return CTLS_ERR_RENEGOTIATION_REFUSED;
    c->shutdown_flags |= CTLS_RECEIVED_SHUTDOWN;
    return CTLS_ERR_ALERT_RECEIVED;
}

int hs_next_message(ctls_conn *c, uint8_t *type, const uint8_t **msg, size_t *len)
{
    for (;;) {
        size_t have = buf_size(&c->hs_in);
        if (have >= MSG_HEADER_LEN) {
            const uint8_t *p = buf_data(&c->hs_in);
            size_t body = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
            if (body > MSG_MAX_LEN) return CTLS_ERR_LIMIT;
            if (have >= MSG_HEADER_LEN + body) {
                *type = p[0];
                *msg = p;
                *len = MSG_HEADER_LEN + body;
                return 0;
            }
        }
        if (c->shutdown_flags & CTLS_RECEIVED_SHUTDOWN)
            return CTLS_ERR_UNEXPECTED_MESSAGE; /* close_notify in the middle of a handshake */
        uint8_t t;
        size_t off, n, rec;
        CTLS_GUARD(rec_read(c, &t, &off, &n, &rec));
        const uint8_t *data = buf_data(&c->in) + off;
        int rc = 0;
        if (t != CT_HANDSHAKE && buf_size(&c->hs_in) > 0) {
            /* RFC 8446 5.1: a handshake message split over records may not be interleaved
             * with other record types. */
            rc = CTLS_ERR_UNEXPECTED_MESSAGE;
        } else if (t == CT_HANDSHAKE) {
            c->warning_alerts = 0;
            rc = buf_append(&c->hs_in, data, n, HS_IN_MAX);
        } else if (t == CT_ALERT) {
            rc = conn_handle_alert(c, data, n);
        } else if (t == CT_CHANGE_CIPHER_SPEC) {
            /* TLS 1.2: the real one (RFC 5246 7.1); TLS 1.3: dropped (RFC 8446 5) */
            rc = c->version == CTLS_TLS1_2 ? hs12_on_ccs(c) : 0;
        } else if (c->early_reading) {
            rc = early13_server_data(c, data, n); /* RFC 8446 4.2.10 (early13.c) */
        } else {
            rc = CTLS_ERR_UNEXPECTED_MESSAGE; /* application data during the handshake */
        }
        buf_consume(&c->in, rec);
        if (rc != 0) return rc; /* a status, or HS_EARLY_DATA_READY */
    }
}

void hs_consume_message(ctls_conn *c, size_t len)
{
    buf_consume(&c->hs_in, len);
    if (buf_size(&c->hs_in) == 0) buf_trim(&c->hs_in);
}

int hs_send(ctls_conn *c, hs_transcript *t, const uint8_t *msg, size_t len)
{
    if (t) CTLS_GUARD(tr_add(t, msg, len));
    hs_state *h = c->hs;
    if (!h || !h->flight_on) return rec_write(c, CT_HANDSHAKE, msg, len);
    /* held messages never exceed one record's plaintext: flush before one would */
    if (buf_size(&h->flight) + len > REC_MAX_PLAIN) {
        CTLS_GUARD(hs_flight_end(c));
        h->flight_on = 1;
    }
    if (len >= REC_MAX_PLAIN) return rec_write(c, CT_HANDSHAKE, msg, len);
    return buf_append(&h->flight, msg, len, REC_MAX_PLAIN);
}

void hs_flight_begin(ctls_conn *c)
{
    if (c->hs) c->hs->flight_on = 1;
}

int hs_flight_end(ctls_conn *c)
{
    hs_state *h = c->hs;
    if (!h) return 0;
    h->flight_on = 0;
    int rc = buf_size(&h->flight)
                 ? rec_write(c, CT_HANDSHAKE, buf_data(&h->flight), buf_size(&h->flight))
                 : 0;
    buf_free(&h->flight);
    return rc;
}
