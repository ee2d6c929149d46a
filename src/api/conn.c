/* ctls_conn: the public connection functions, the "call again" contract, data and shutdown. */
#include <string.h>

#include "api/internal.h"
#include "core/mem.h"
#include "hs/algs.h"
#include "hs/pha13.h"
#include "msg/msg.h"
#include "session/session.h"

#define WRITE_CHUNK (4 * REC_MAX_PLAIN)
#define MEMORY_OUT_SOFT_MAX (256 * 1024)
/* RFC 8446 5.5: rekey AES-GCM well before 2^24.5 full-size records. */
#define KEY_UPDATE_AFTER_RECORDS (1ull << 23)

ctls_conn *ctls_conn_new(ctls_config *cfg)
{
    if (!cfg) return NULL;
    ctls_conn *c = ctls_calloc(1, sizeof *c);
    if (!c) return NULL;
    __atomic_add_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL);
    __atomic_store_n(&cfg->used, 1, __ATOMIC_RELEASE);
    c->cfg = cfg;
    c->role = cfg->role;
    c->state = CTLS_STATE_IDLE;
    c->fd = -1;
    c->last_direction = CTLS_WANT_READ;
    c->alert_received = -1;
    c->verify_mode = cfg->verify_mode;
    c->out.wire = 1; /* rec_write leaves only protected or public records there (frame.c) */
    return c;
}

void ctls_conn_free(ctls_conn *c)
{
    if (!c) return;
    hs_state_free(c);
    pha13_free(c);
    rec_keys_clear(&c->rd);
    rec_keys_clear(&c->wr);
    buf_free(&c->in);
    buf_free(&c->out);
    buf_free(&c->hs_in);
    buf_free(&c->early);
    ctls_free(c->alpn);
    ctls_free(c->sni);
    ctls_free(c->peer_id);
    ctls_der_list_free(&c->peer_chain);
    ctls_free(c->peer_ocsp);
    ctls_der_list_free(&c->acceptable_cas);
    sess_conn_free(c); /* sessions handed out are copies: they stay valid */
    if (c->conn_cert) {
        cfg_cert_clear(c->conn_cert);
        ctls_free(c->conn_cert);
    }
    ctls_config *cfg = c->cfg;
    ctls_wipe(c, sizeof *c); /* traffic secrets live inside */
    ctls_free(c);
    ctls_config_free(cfg);
}

int conn_fail(ctls_conn *c, int err)
{
    if (c->fatal) return c->fatal;
    c->fatal = err;
    c->state = CTLS_STATE_ABORTED;
    sess_conn_failed(c); /* a failed connection (truncation included) keeps no session */
    /* The peer's own alert, a dead transport or a timeout get no alert back. */
    if (err != CTLS_ERR_ALERT_RECEIVED && err != CTLS_ERR_IO && err != CTLS_ERR_TRUNCATED &&
        err != CTLS_ERR_TIMEOUT && err != CTLS_ERR_NOMEM) {
        if (rec_send_alert(c, 2, ctls_err_to_alert(err)) == 0) (void)io_flush(c);
    }
    hs_state_free(c);
    return err;
}

/* Record the outcome of a public call: direction for WANT_*, poisoning for fatal errors. */
static int conn_status(ctls_conn *c, int rc)
{
    if (rc == CTLS_WANT_READ || rc == CTLS_WANT_WRITE) c->last_direction = rc;
    if (ctls_is_fatal(rc)) return conn_fail(c, rc);
    return rc;
}

int ctls_conn_set_server_name(ctls_conn *c, const char *host)
{
    if (!c || !host || !*host || strlen(host) > 255) return CTLS_ERR_INVALID_ARG;
    if (c->role != CTLS_CLIENT || c->state != CTLS_STATE_IDLE) return CTLS_ERR_BAD_STATE;
    char *d = ctls_strdup(host);
    if (!d) return CTLS_ERR_NOMEM;
    ctls_free(c->sni);
    c->sni = d;
    return 0;
}

int ctls_conn_set_peer_id(ctls_conn *c, const void *id, size_t len)
{
    if (!c || !id || !len || len > 1024) return CTLS_ERR_INVALID_ARG;
    if (c->role != CTLS_CLIENT || c->state != CTLS_STATE_IDLE) return CTLS_ERR_BAD_STATE;
    char *d = ctls_memdup(id, len);
    if (!d) return CTLS_ERR_NOMEM;
    ctls_free(c->peer_id);
    c->peer_id = d;
    c->peer_id_len = len;
    return 0;
}

int ctls_conn_set_handshake_timeout(ctls_conn *c, unsigned ms)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->hs_done) return CTLS_ERR_BAD_STATE;
    c->hs_timeout_ms = ms;
    if (c->state == CTLS_STATE_HANDSHAKE) c->hs_deadline_ms = io_deadline(c);
    return 0;
}

/* ---- handshake ---- */

static int drive_handshake(ctls_conn *c)
{
    for (;;) {
        int frc = io_flush(c);
        /* DESIGN 2: the server's tickets are sent in the call that completes the handshake;
         * if the transport cannot take them yet they leave with the next call */
        if (frc == CTLS_WANT_WRITE && tickets_only_pending(c)) frc = 0;
        CTLS_GUARD(frc);
        if (c->hs_done) {
            /* a server that asked for no certificate verified nothing: say so */
            if (c->role == CTLS_SERVER && c->verify_mode == CTLS_VERIFY_NONE)
                c->verify_flags = CTLS_CERT_NOT_VERIFIED;
            c->state = CTLS_STATE_CONNECTED;
            buf_trim(&c->in);
            return 0;
        }
        int rc;
        if (c->version == CTLS_TLS1_2)
            rc = c->role == CTLS_CLIENT ? client12_step(c) : server12_step(c);
        else
            rc = c->role == CTLS_CLIENT ? client13_step(c) : server13_step(c);
        if (rc == CTLS_WANT_READ) {
            CTLS_GUARD(io_flush(c));
            if (c->eof && buf_size(&c->in) == 0) return CTLS_ERR_TRUNCATED;
            if (c->eof) return CTLS_ERR_DECODE; /* EOF in the middle of a record */
            CTLS_GUARD(io_fill(c));
            continue;
        }
        if (rc < 0) return rc;
        if (rc == HS_EARLY_DATA_READY) return CTLS_WANT_READ; /* ctls_read_early_data */
    }
}

int ctls_handshake(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (c->state == CTLS_STATE_CLOSED) return CTLS_ERR_BAD_STATE;
    if (c->state == CTLS_STATE_IDLE) {
        if (c->role == CTLS_SERVER && c->cfg->n_certs == 0) return CTLS_ERR_NO_CERT;
        /* Secure by default: a verifying client checks the host name too, so it needs one.
         * The connection stays idle: set a name (or opt out) and call again. */
        if (c->role == CTLS_CLIENT && !c->sni && c->verify_mode != CTLS_VERIFY_NONE &&
            !c->cfg->break_server_auth)
            return CTLS_ERR_NO_SERVER_NAME;
        c->state = CTLS_STATE_HANDSHAKE;
        c->hs_deadline_ms = io_deadline(c);
    }
    if (c->hs_done && c->state == CTLS_STATE_CONNECTED) return conn_status(c, io_flush(c));
    /* Calling again after CTLS_PAUSED_SERVER_AUTH without a reject means accept. */
    if (c->paused == CTLS_PAUSED_SERVER_AUTH) c->peer_accepted = 1;
    c->paused = 0;
    int rc = drive_handshake(c);
    if (rc == CTLS_PAUSED_SERVER_AUTH || rc == CTLS_PAUSED_CERT_REQUESTED) c->paused = rc;
    return conn_status(c, rc);
}

int ctls_direction(ctls_conn *c)
{
    return c ? c->last_direction : CTLS_ERR_INVALID_ARG;
}

/* ---- data ---- */

/* Process post-handshake messages that are complete in hs_in. */
static int drain_post_handshake(ctls_conn *c)
{
    for (;;) {
        size_t have = buf_size(&c->hs_in);
        if (have < MSG_HEADER_LEN) return 0;
        const uint8_t *p = buf_data(&c->hs_in);
        size_t body = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (body > MSG_MAX_LEN) return CTLS_ERR_LIMIT;
        if (have < MSG_HEADER_LEN + body) return 0;
        if (c->version == CTLS_TLS1_2) { /* consumes it (hs/reneg12.c) */
            CTLS_GUARD(post12_handle(c, p[0], p, MSG_HEADER_LEN + body));
            continue;
        }
        CTLS_GUARD(post13_handle(c, p[0], p, MSG_HEADER_LEN + body));
        hs_consume_message(c, MSG_HEADER_LEN + body);
    }
}

/* Read records until application data is available, close_notify arrives, or the transport
 * has nothing more; with reneg_only, also stop when no TLS 1.2 renegotiation runs (c->hs). */
static int read_records(ctls_conn *c, int reneg_only)
{
    while (c->app_len == 0 && (!reneg_only || c->hs)) {
        if (c->shutdown_flags & CTLS_RECEIVED_SHUTDOWN) return 0;
        uint8_t t;
        size_t off, n, rec;
        int rc = rec_read(c, &t, &off, &n, &rec);
        if (rc == CTLS_WANT_READ) {
            int f = io_flush(c); /* e.g. a KeyUpdate answer */
            if (f < 0 && f != CTLS_WANT_WRITE) return f;
            if (c->eof) return CTLS_ERR_TRUNCATED; /* EOF without close_notify */
            rc = io_fill(c);
            if (rc == CTLS_WANT_READ) {
                buf_trim(&c->in); /* going idle: hold no buffers */
                buf_trim(&c->hs_in);
                /* Records already accepted (ctls_write) cannot leave: the peer may be waiting
                 * for them before it sends anything, so waiting for input could hang. */
                if (f == CTLS_WANT_WRITE) rc = CTLS_WANT_WRITE;
            }
            CTLS_GUARD(rc);
            continue;
        }
        CTLS_GUARD(rc);
        if (t == CT_APPLICATION_DATA) {
            if (buf_size(&c->hs_in))
                return CTLS_ERR_UNEXPECTED_MESSAGE; /* RFC 8446 5.1: no interleaving */
            /* RFC 5246 7.1 / 7.4.9: in a renegotiation, the Finished is the first message
             * after the peer's ChangeCipherSpec */
            if (c->hs && c->in_ccs_count) return CTLS_ERR_UNEXPECTED_MESSAGE;
            if (n == 0) {
                buf_consume(&c->in, rec);
                c->rd_direct_used = 0;
                continue;
            }
            c->key_updates = 0;
            c->warning_alerts = 0;
            if (c->rd_direct_used) { /* already in the application's buffer */
                buf_consume(&c->in, rec);
                return 0;
            }
            c->app_off = off;
            c->app_len = n;
            c->app_rec = rec;
            return 0;
        }
        const uint8_t *data = buf_data(&c->in) + off; /* alerts and handshake: in c->in */
        if (t == CT_ALERT && buf_size(&c->hs_in)) {
            rc = CTLS_ERR_UNEXPECTED_MESSAGE; /* RFC 8446 5.1: no interleaving */
        } else if (t == CT_ALERT) {
            rc = conn_handle_alert(c, data, n);
        } else if (t == CT_HANDSHAKE) {
            rc = buf_append(&c->hs_in, data, n, MSG_HEADER_LEN + MSG_MAX_LEN);
        } else if (t == CT_CHANGE_CIPHER_SPEC && !buf_size(&c->hs_in)) {
            rc = hs12_on_ccs(c); /* a renegotiation's (RFC 5246 7.1), allowed by deframe.c */
        } else {
            rc = CTLS_ERR_UNEXPECTED_MESSAGE;
        }
        buf_consume(&c->in, rec);
        if (rc == CTLS_ERR_RENEGOTIATION_REFUSED) rc = reneg12_on_refusal(c);
        CTLS_GUARD(rc);
        if (t == CT_HANDSHAKE) CTLS_GUARD(drain_post_handshake(c));
    }
    return 0;
}

ssize_t ctls_read(ctls_conn *c, void *buf, size_t len)
{
    /* len 0 is refused: a return of 0 always means the peer's close_notify */
    if (!c || !buf || len == 0) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (c->state == CTLS_STATE_IDLE || !c->hs_done) {
        int rc = ctls_handshake(c);
        if (rc < 0) return rc;
    }
    /* With nothing buffered, a record that fits is decrypted straight into buf. */
    if (c->app_len == 0) {
        c->rd_direct = buf;
        c->rd_direct_cap = len;
        c->rd_direct_used = 0;
    }
    int rc = read_records(c, 0);
    int direct = c->rd_direct_used;
    size_t direct_len = c->rd_direct_len;
    c->rd_direct = NULL;
    c->rd_direct_cap = 0;
    c->rd_direct_used = 0;
    if (rc < 0) return conn_status(c, rc);
    if (direct) return (ssize_t)direct_len;
    if (c->app_len == 0) {
        /* RFC 8446 6.1 close_notify: a clean end of the stream, reported on every call. */
        /* Closed once both directions are; quiet shutdown changes only ctls_shutdown. */
        if (c->shutdown_flags & CTLS_SENT_SHUTDOWN) c->state = CTLS_STATE_CLOSED;
        return 0;
    }
    size_t n = len < c->app_len ? len : c->app_len;
    memcpy(buf, buf_data(&c->in) + c->app_off, n);
    c->app_off += n;
    c->app_len -= n;
    if (c->app_len == 0) buf_consume(&c->in, c->app_rec);
    return (ssize_t)n;
}

ssize_t ctls_read_input(ctls_conn *c, const void *in, size_t in_len, size_t *consumed, void *out,
                        size_t out_len)
{
    if (consumed) *consumed = 0;
    if (!c || !consumed || (!in && in_len) || !out || out_len == 0) return CTLS_ERR_INVALID_ARG;
    /* as ctls_conn_feed: the memory transport only, and nothing after its EOF */
    if (c->transport != TRANSPORT_MEMORY || (c->eof && in_len)) return CTLS_ERR_BAD_STATE;
    /* ctls_read itself: rec_read takes records from `in` while c->in is empty, and io_fill
     * copies only a record that `in` holds part of (DESIGN 1: one record path) */
    c->rd_ext = in;
    c->rd_ext_len = in_len;
    c->rd_ext_used = 0;
    ssize_t rc = ctls_read(c, out, out_len);
    *consumed = c->rd_ext_used;
    c->rd_ext = NULL;
    c->rd_ext_len = c->rd_ext_used = 0;
    return rc;
}

ssize_t ctls_write(ctls_conn *c, const void *buf, size_t len)
{
    if (!c || (!buf && len)) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (c->shutdown_flags & CTLS_SENT_SHUTDOWN) return CTLS_ERR_SHUTDOWN;
    if (c->state == CTLS_STATE_IDLE || !c->hs_done) {
        int rc = ctls_handshake(c);
        if (rc < 0) return rc;
    }
    /* Earlier records first: nothing is accepted while they cannot leave. */
    int rc = io_flush(c);
    if (rc < 0) return conn_status(c, rc);
    if (c->hs) {
        /* A TLS 1.2 renegotiation runs: none of our application data inside it (peers such
         * as OpenSSL refuse it once the ServerHello is out; RFC 5246 7.4.1.1 allows it only
         * before the handshake starts). Progress it; application data that arrives meanwhile
         * waits for ctls_read, and so does this write. */
        rc = read_records(c, 1);
        if (rc == 0 && c->hs) rc = CTLS_WANT_READ;
        if (rc < 0) return conn_status(c, rc);
    }
    if (c->transport == TRANSPORT_MEMORY && buf_size(&c->out) >= MEMORY_OUT_SOFT_MAX)
        return conn_status(c, CTLS_WANT_WRITE);
    const uint8_t *p = buf;
    size_t done = 0;
    while (done < len) {
        if (c->version == CTLS_TLS1_3 && c->wr.seq >= KEY_UPDATE_AFTER_RECORDS) {
            rc = post13_send_key_update(c, 0);
            if (rc < 0) return conn_status(c, rc);
        }
        size_t n = len - done < WRITE_CHUNK ? len - done : WRITE_CHUNK;
        rc = rec_write(c, CT_APPLICATION_DATA, p + done, n);
        if (rc < 0) return conn_status(c, rc);
        done += n;
        rc = io_flush(c);
        if (rc == CTLS_WANT_WRITE || rc == CTLS_INTERRUPTED)
            break; /* accepted: ctls delivers the rest of c->out later */
        if (rc < 0) return conn_status(c, rc);
        if (c->transport == TRANSPORT_MEMORY && buf_size(&c->out) >= MEMORY_OUT_SOFT_MAX) break;
    }
    return (ssize_t)done;
}

/* ---- shutdown (the SSL_shutdown contract) ---- */

int ctls_shutdown(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (!c->hs_done) return CTLS_ERR_BAD_STATE;
    if (c->cfg->quiet_shutdown) {
        c->shutdown_flags |= CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN;
        c->state = CTLS_STATE_CLOSED;
        return 1;
    }
    if (!(c->shutdown_flags & CTLS_SENT_SHUTDOWN)) {
        int rc = rec_send_alert(c, 1, CTLS_ALERT_CLOSE_NOTIFY);
        if (rc < 0) return conn_status(c, rc);
        c->shutdown_flags |= CTLS_SENT_SHUTDOWN;
    }
    int rc = io_flush(c);
    if (rc < 0) return conn_status(c, rc);
    if (c->shutdown_flags & CTLS_RECEIVED_SHUTDOWN) {
        c->state = CTLS_STATE_CLOSED;
        return 1;
    }
    /* The call that gets close_notify out returns 0 (even after WANT_WRITE retries); only a
     * later call waits for the peer's. */
    if (!c->close_notify_sent) {
        c->close_notify_sent = 1;
        return 0;
    }
    /* A later call waits for the peer's close_notify; application data arriving meanwhile is
     * discarded (use ctls_read to receive it instead). */
    for (;;) {
        rc = read_records(c, 0);
        if (rc < 0) return conn_status(c, rc);
        if (c->app_len) {
            buf_consume(&c->in, c->app_rec);
            c->app_len = 0;
            continue;
        }
        if (c->shutdown_flags & CTLS_RECEIVED_SHUTDOWN) {
            c->state = CTLS_STATE_CLOSED;
            return 1;
        }
    }
}

int ctls_shutdown_flags(ctls_conn *c)
{
    return c ? c->shutdown_flags : 0;
}

int ctls_state(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    return c->fatal ? CTLS_STATE_ABORTED : c->state;
}

/* ---- verification and peer ---- */

unsigned ctls_verify_result(ctls_conn *c)
{
    return c ? c->verify_flags : CTLS_CERT_INVALID_CHAIN;
}

size_t ctls_peer_cert_count(ctls_conn *c)
{
    return c ? c->peer_chain.count : 0;
}

int ctls_peer_cert_der(ctls_conn *c, size_t i, const uint8_t **der, size_t *len)
{
    if (!c || !der || !len) return CTLS_ERR_INVALID_ARG;
    if (i >= c->peer_chain.count) return CTLS_ERR_INVALID_ARG;
    *der = c->peer_chain.der[i];
    *len = c->peer_chain.len[i];
    return 0;
}

const uint8_t *ctls_peer_ocsp_response(ctls_conn *c, size_t *len)
{
    const uint8_t *p = c ? c->peer_ocsp : NULL;
    if (len) *len = p ? c->peer_ocsp_len : 0;
    return p;
}

int ctls_accept_peer(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->paused != CTLS_PAUSED_SERVER_AUTH) return CTLS_ERR_BAD_STATE;
    c->peer_accepted = 1;
    return 0;
}

int ctls_reject_peer(ctls_conn *c, int alert)
{
    if (!c || alert < 0 || alert > 255) return CTLS_ERR_INVALID_ARG;
    if (c->paused != CTLS_PAUSED_SERVER_AUTH) return CTLS_ERR_BAD_STATE;
    c->paused = 0;
    c->peer_rejected = 1;
    c->verify_flags |= CTLS_CERT_REJECTED;
    /* The application's alert, not the generic one for CTLS_ERR_CERT_REJECTED. */
    if (rec_send_alert(c, 2, alert) == 0) (void)io_flush(c);
    c->fatal = CTLS_ERR_CERT_REJECTED;
    c->state = CTLS_STATE_ABORTED;
    hs_state_free(c);
    return 0;
}

size_t ctls_acceptable_ca_count(ctls_conn *c)
{
    return c ? c->acceptable_cas.count : 0;
}

int ctls_acceptable_ca_der(ctls_conn *c, size_t i, const uint8_t **dn, size_t *len)
{
    if (!c || !dn || !len || i >= c->acceptable_cas.count) return CTLS_ERR_INVALID_ARG;
    *dn = c->acceptable_cas.der[i];
    *len = c->acceptable_cas.len[i];
    return 0;
}

int ctls_conn_set_certificate_file(ctls_conn *c, const char *chain_pem, const char *key_pem)
{
    if (!c || !chain_pem || !key_pem) return CTLS_ERR_INVALID_ARG;
    /* a client certificate: a server takes its chains from the config only */
    if (c->role != CTLS_CLIENT || c->hs_done || c->fatal) return CTLS_ERR_BAD_STATE;
    uint8_t *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    int rc = ctls_read_file(chain_pem, &a, &al);
    if (rc == 0) rc = ctls_read_file(key_pem, &b, &bl);
    cfg_cert *cc = NULL;
    if (rc == 0 && !(cc = ctls_calloc(1, sizeof *cc))) rc = CTLS_ERR_NOMEM;
    if (rc == 0) rc = cfg_cert_load(cc, a, al, b, bl);
    ctls_free(a);
    ctls_free_secret(b, bl);
    if (rc < 0) {
        ctls_free(cc);
        return rc;
    }
    if (c->conn_cert) {
        cfg_cert_clear(c->conn_cert);
        ctls_free(c->conn_cert);
    }
    c->conn_cert = cc;
    return 0;
}

int ctls_conn_set_verify(ctls_conn *c, int mode)
{
    if (!c ||
        (mode != CTLS_VERIFY_NONE && mode != CTLS_VERIFY_PEER && mode != CTLS_VERIFY_REQUIRE_PEER))
        return CTLS_ERR_INVALID_ARG;
    /* for the next handshake: not in the middle of one (the first, a TLS 1.2 renegotiation, a
     * TLS 1.3 post-handshake answer: c->hs), nor when none can follow */
    if (c->fatal || c->hs || c->state == CTLS_STATE_HANDSHAKE || c->state == CTLS_STATE_CLOSED)
        return CTLS_ERR_BAD_STATE;
    c->verify_mode = mode;
    return 0;
}

/* ---- negotiated parameters ---- */

int ctls_version(ctls_conn *c)
{
    return c ? c->version : 0;
}

const char *ctls_cipher_suite_name(ctls_conn *c)
{
    const algs_suite *s = c ? algs_suite_by_id(c->suite) : NULL;
    return s ? s->name : NULL;
}

const char *ctls_group_name(ctls_conn *c)
{
    return c ? algs_group_name(c->group) : NULL;
}
const char *ctls_signature_scheme_name(ctls_conn *c)
{
    return c ? algs_sig_name(c->peer_sig) : NULL;
}
const char *ctls_alpn_selected(ctls_conn *c)
{
    return c ? c->alpn : NULL;
}

const char *ctls_server_name(ctls_conn *c)
{
    if (!c) return NULL;
    return c->sni;
}

int ctls_alert_received(ctls_conn *c)
{
    return c ? c->alert_received : -1;
}

/* ---- post-handshake ---- */

int ctls_key_update(ctls_conn *c, int request_peer)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (!c->hs_done || c->version != CTLS_TLS1_3 || (c->shutdown_flags & CTLS_SENT_SHUTDOWN))
        return CTLS_ERR_BAD_STATE;
    int rc = post13_send_key_update(c, !!request_peer);
    if (rc == 0) rc = io_flush(c);
    if (rc == CTLS_WANT_WRITE || rc == CTLS_INTERRUPTED)
        rc = 0; /* queued: leaves with the next call */
    return conn_status(c, rc);
}

int ctls_renegotiate(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    /* TLS 1.3 has no renegotiation (RFC 8446 4.1.2); a client only with the opt-in; one at a
     * time */
    if (!c->hs_done || c->version != CTLS_TLS1_2 || (c->shutdown_flags & CTLS_SENT_SHUTDOWN) ||
        (c->role == CTLS_CLIENT && !c->cfg->renegotiation) || c->hs)
        return CTLS_ERR_BAD_STATE;
    /* RFC 5746 4.3: only over a connection with secure renegotiation. The peer's answer
     * comes through ctls_read: a refusal (warning no_renegotiation) is
     * CTLS_ERR_RENEGOTIATION_REFUSED; else the handshake runs there (hs/reneg12.c). */
    if (!c->secure_reneg) return CTLS_ERR_UNSUPPORTED;
    int rc;
    if (c->role == CTLS_CLIENT) {
        rc = reneg12_client_start(c);        /* the ClientHello */
        if (rc == CTLS_ERR_LIMIT) return rc; /* the rate cap: the connection goes on */
    } else {
        rc = reneg12_server_request(c); /* the HelloRequest */
    }
    if (rc == 0) rc = io_flush(c);
    if (rc == CTLS_WANT_WRITE || rc == CTLS_INTERRUPTED) rc = 0; /* leaves with the next call */
    return conn_status(c, rc);
}

int ctls_renegotiations(ctls_conn *c)
{
    return c ? c->renegotiations : 0;
}

int ctls_request_client_auth(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (!c->hs_done || c->role != CTLS_SERVER || c->version != CTLS_TLS1_3 ||
        (c->shutdown_flags & CTLS_SENT_SHUTDOWN))
        return CTLS_ERR_BAD_STATE;
    /* refusals (the client did not offer it, too many unanswered) leave the connection as is */
    int rc = pha13_request(c);
    if (rc == CTLS_ERR_UNSUPPORTED || rc == CTLS_ERR_LIMIT) return rc;
    if (rc == 0) rc = io_flush(c);
    if (rc == CTLS_WANT_WRITE || rc == CTLS_INTERRUPTED) rc = 0; /* leaves with the next call */
    return conn_status(c, rc);
}

int ctls_client_auth_pending(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    return (int)pha13_pending(c);
}
