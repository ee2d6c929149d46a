/* TLS 1.2 post-handshake messages and renegotiation (RFC 5246 7.4.1.1, RFC 5746).
 *
 * By default every renegotiation is refused: a client answers a HelloRequest, a server a
 * ClientHello, with a warning no_renegotiation (RFC 5246 7.2.2) and the connection goes on.
 * With ctls_config_set_renegotiation on, and only over a connection with secure renegotiation
 * (RFC 5746 4.2 / 4.4), the request starts a new full handshake on the established connection:
 *
 *   client: HelloRequest (or ctls_renegotiate) -> ClientHello (client13.c, 1.2 only, no
 *           session, renegotiation_info = client_verify_data), then client12.c as usual;
 *   server: ClientHello (renegotiation_info checked) -> server12.c as usual, its ServerHello
 *           carrying client_verify_data || server_verify_data.
 *
 * The messages come from ctls_read (drain_post_handshake) one complete message at a time, under
 * the current keys; each side's ChangeCipherSpec switches its direction to the new keys
 * (hs12_send_ccs_finished, hs12_on_ccs). c->hs exists exactly while one runs. */
#include <string.h>

#include "core/mem.h"
#include "hs/common12.h"

#define MAX_POST12_MESSAGES 32 /* HelloRequests / ClientHellos in a row without data */
#define RENEG_WINDOW_MS 60000  /* at most RENEG_PER_WINDOW renegotiations per minute */
#define RENEG_PER_WINDOW 4

/* The rate cap (CPU DoS: every renegotiation is a full handshake with signatures): the start
 * RENEG_PER_WINDOW renegotiations ago must be older than RENEG_WINDOW_MS. */
static int under_cap(const ctls_conn *c)
{
    if (c->reneg_starts < RENEG_PER_WINDOW) return 1;
    return conn_now_ms() - c->reneg_started_ms[c->reneg_starts % RENEG_PER_WINDOW] >=
           RENEG_WINDOW_MS;
}

static int may_renegotiate(const ctls_conn *c)
{
    /* RFC 5746 4.2 / 4.4: never without secure renegotiation; and never after our
     * close_notify */
    return c->cfg->renegotiation && c->secure_reneg && !(c->shutdown_flags & CTLS_SENT_SHUTDOWN) &&
           under_cap(c);
}

/* The handshake timeout bounds a renegotiation as it bounds the first handshake (io_fill fails
 * with CTLS_ERR_TIMEOUT past c->reneg_deadline_ms); one that runs already (from our
 * HelloRequest) goes on. */
static void deadline_start(ctls_conn *c)
{
    if (!c->reneg_deadline_ms) c->reneg_deadline_ms = io_deadline(c);
}

/* A new handshake state for a renegotiation. */
static int begin(ctls_conn *c)
{
    CTLS_GUARD(hs_state_new(c));
    deadline_start(c);
    c->hs->t12.reneg = 1;
    c->reneg_started_ms[c->reneg_starts % RENEG_PER_WINDOW] = conn_now_ms();
    c->reneg_starts++;
    c->in_ccs_count = 0; /* one ChangeCipherSpec per handshake (record/deframe.c) */
    return 0;
}

static int refuse(ctls_conn *c)
{
    c->reneg_deadline_ms = 0; /* no renegotiation runs (a HelloRequest of ours is answered) */
    if (c->shutdown_flags & CTLS_SENT_SHUTDOWN) return 0;
    return rec_send_alert(c, 1, CTLS_ALERT_NO_RENEGOTIATION);
}

size_t reneg12_info(const ctls_conn *c, int both, uint8_t out[2 * HS12_VERIFY_DATA_LEN])
{
    memcpy(out, c->reneg_client_vd, HS12_VERIFY_DATA_LEN);
    if (!both) return HS12_VERIFY_DATA_LEN;
    memcpy(out + HS12_VERIFY_DATA_LEN, c->reneg_server_vd, HS12_VERIFY_DATA_LEN);
    return 2 * HS12_VERIFY_DATA_LEN;
}

int reneg12_check_info(const ctls_conn *c, ctls_slice ri, int both)
{
    /* RFC 5746 3.5 (client: both verify_data), 3.7 (server: the client's), compared in
     * constant time; a mismatch aborts with handshake_failure */
    uint8_t want[2 * HS12_VERIFY_DATA_LEN];
    size_t n = reneg12_info(c, both, want);
    if (ri.len != n || !ctls_ct_equal(want, ri.p, n)) return CTLS_ERR_HANDSHAKE_FAILURE;
    return 0;
}

int reneg12_check_peer(const ctls_conn *c, const msg_certificate *m)
{
    /* A renegotiation keeps the peer authenticated so far: another leaf, or none after one, is
     * refused. BoringSSL's and NSS's mitigation of the triple handshake (RFC 7627 1 and 5.4: it
     * changed the server certificate under renegotiation), applied to the client's too; a
     * client that sent none may send one now (RFC 5246 7.4.4: a server may ask later). */
    if (!c->hs->t12.reneg || !c->peer_chain.count) return 0;
    if (m->count == 0 || c->peer_chain.len[0] != m->certs[0].len ||
        memcmp(c->peer_chain.der[0], m->certs[0].p, m->certs[0].len) != 0)
        return CTLS_ERR_PEER_CERT_CHANGED;
    return 0;
}

int reneg12_client_start(ctls_conn *c)
{
    if (!may_renegotiate(c)) return CTLS_ERR_LIMIT;
    CTLS_GUARD(begin(c));
    return client13_reneg_hello(c);
}

int reneg12_server_request(ctls_conn *c)
{
    static const uint8_t hello_request[MSG_HEADER_LEN] = {MSG_HELLO_REQUEST, 0, 0, 0};
    CTLS_GUARD(rec_write(c, CT_HANDSHAKE, hello_request, sizeof hello_request));
    /* RFC 5246 7.4.1.1: a server whose HelloRequest gets no ClientHello may close the
     * connection: the timeout runs from here */
    deadline_start(c);
    return 0;
}

int reneg12_on_refusal(ctls_conn *c)
{
    /* RFC 5746 4.2 / RFC 5246 7.2.2: a server refusing our ClientHello answers it with
     * no_renegotiation before any ServerHello, a client our HelloRequest; we go on with the
     * current session */
    if (!c->hs) {
        c->reneg_deadline_ms = 0;
        return CTLS_ERR_RENEGOTIATION_REFUSED;
    }
    if (c->role != CTLS_CLIENT || c->hs->st >= HS12_FIRST_STATE)
        return CTLS_ERR_UNEXPECTED_MESSAGE; /* in the middle of a handshake */
    hs_state_free(c);
    c->reneg_deadline_ms = 0;
    c->ccs_allowed = 0;
    return CTLS_ERR_RENEGOTIATION_REFUSED;
}

/* One message of a running renegotiation (complete at the front of hs_in). */
static int step(ctls_conn *c, uint8_t type, size_t len)
{
    if (c->role == CTLS_CLIENT && type == MSG_HELLO_REQUEST) {
        /* RFC 5246 7.4.1.1: ignored while negotiating; never in the transcript */
        CTLS_GUARD(msg_empty_decode(buf_data(&c->hs_in) + MSG_HEADER_LEN, len - MSG_HEADER_LEN));
        hs_consume_message(c, len);
        return 0;
    }
    /* the step functions take the message from hs_in (hs_next_message) and consume it; the
     * client's ServerHello goes through client13.c (version selection) as in the handshake */
    if (c->role == CTLS_SERVER)
        CTLS_GUARD(server12_step(c));
    else if (c->hs->st < HS12_FIRST_STATE)
        CTLS_GUARD(client13_step(c));
    else
        CTLS_GUARD(client12_step(c));
    if (!c->hs) { /* the Finished messages are exchanged: a full handshake */
        c->reneg_deadline_ms = 0;
        c->renegotiations++;
        c->resumed = 0;
    }
    return 0;
}

int post12_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    if (c->hs) return step(c, type, len);
    msg_client_hello m;
    memset(&m, 0, sizeof m);
    if (c->role == CTLS_CLIENT && type == MSG_HELLO_REQUEST) {
        CTLS_GUARD(msg_empty_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN));
    } else if (c->role == CTLS_SERVER && type == MSG_CLIENT_HELLO) {
        CTLS_GUARD(msg_client_hello_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, &m));
    } else {
        return CTLS_ERR_UNEXPECTED_MESSAGE;
    }
    if (++c->key_updates > MAX_POST12_MESSAGES) return CTLS_ERR_LIMIT;
    int accept = may_renegotiate(c);
    if (!accept || c->role == CTLS_CLIENT) {
        hs_consume_message(c, len);
        return accept ? reneg12_client_start(c) : refuse(c);
    }
    CTLS_GUARD(begin(c));
    CTLS_GUARD(server12_on_client_hello(c, &m, msg, len));
    hs_consume_message(c, len);
    return 0;
}
