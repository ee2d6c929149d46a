/* TLS 1.3 early data (0-RTT: RFC 8446 2.3, 4.2.10, 4.5, 7.1, 8), opt-in on both sides.
 *
 * Client: ctls_write_early_data queues data before the handshake; the ClientHello that offers
 * the session's PSK first (its only identity) carries early_data, and the data follows it
 * (after the middlebox-compatibility CCS) under client_early_traffic_secret. Accepted (early_data
 * in EncryptedExtensions): EndOfEarlyData under the early keys before the second flight.
 * Rejected: straight to the handshake keys; the application resends with ctls_write.
 *
 * Server: accepts only what cannot be replayed (RFC 8446 8): a ticket of the session cache,
 * which is taken when used (RFC 8446 8.1, single-use), announced with early data, selected as
 * the first identity, of the negotiated suite and ALPN (4.2.10), without HelloRetryRequest.
 * Stateless tickets could be presented again, so their early data is always rejected. Early
 * data is kept apart (c->early, at most max_early_data bytes) for ctls_read_early_data.
 * A rejected offer's records are skipped (4.2.10): those that fail to open under the handshake
 * keys, or the application data records before the second ClientHello after an HRR, up to the
 * budget in c->early_left. */
#include <string.h>

#include "core/mem.h"
#include "hs/hs.h"
#include "hs/keylog.h"
#include "session/session.h"

#define EARLY_SKIP_DEFAULT 16384u /* skip budget for a server that accepts none */

/* Tests only: see hs.h. */
int (*hs_test_end_of_early_data)(int accepted);

/* ---- client ---- */

void early13_client_offer(ctls_conn *c, msg_client_hello *m, const ctls_session *s)
{
    /* RFC 8446 4.2.10: never in the ClientHello after a HelloRetryRequest; only with a
     * ticket that allowed it (its PSK is the first and only identity we offer) */
    if (!buf_size(&c->early) || c->hs->hrr || !s || !s->max_early_data) return;
    m->ext_present |= EXT_BIT(EXT_EARLY_DATA);
}

int early13_client_send(ctls_conn *c, const ctls_session *s)
{
    hs_state *h = c->hs;
    int sent = s && !h->hrr && buf_size(&c->early);
    if (!sent || !s->max_early_data) {
        buf_free(&c->early); /* not offered: the application resends it (status NOT_SENT) */
        return 0;
    }
    const algs_suite *suite = algs_suite_by_id(s->suite);
    if (!suite || suite->hash != s->hash || h->ks.hash != s->hash) return CTLS_ERR_INTERNAL;
    /* RFC 8446 7.1: Derive-Secret(Early Secret, "c e traffic", ClientHello); h->ks holds the
     * PSK's Early Secret since the binder (encode_client_hello) */
    uint8_t th[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(tr_hash_with(&h->tr, s->hash, th, &hl));
    CTLS_GUARD(ks13_derive(&h->ks, "c e traffic", th, h->c_early));
    keylog(c, KEYLOG_C_EARLY, h->random, h->c_early, hl);
    CTLS_GUARD(hs_send_ccs(c)); /* RFC 8446 D.4: right after the first ClientHello */
    /* RFC 8446 4.2.10: early data uses the PSK's cipher suite */
    CTLS_GUARD(rec_set_keys13(&c->wr, suite->aead, suite->hash, h->c_early, NULL));
    int rc = rec_write(c, CT_APPLICATION_DATA, buf_data(&c->early), buf_size(&c->early));
    buf_free(&c->early);
    CTLS_GUARD(rc);
    c->early_status = CTLS_EARLY_DATA_PENDING;
    /* DESIGN 2: a ticket that carried early data is never offered again (stored ones go) */
    if (c->peer_id && c->sess && c->sess->used_serial)
        store_remove(c->cfg, (const uint8_t *)c->peer_id, c->peer_id_len, c->sess->used_serial);
    return 0;
}

void early13_client_reject(ctls_conn *c)
{
    if (c->early_status != CTLS_EARLY_DATA_PENDING) return;
    c->early_status = CTLS_EARLY_DATA_REJECTED;
    /* RFC 8446 4.1.4: the second ClientHello is not protected (nor a TLS 1.2 flight, though a
     * TLS 1.2 server fails on the early data anyway: RFC 8446 D.3) */
    rec_keys_clear(&c->wr);
}

int early13_client_hs_keys(ctls_conn *c)
{
    hs_state *h = c->hs;
    /* with early data pending, the handshake keys (and c_fin) come with the EncryptedExtensions'
     * verdict (early13_client_on_ee / _end) */
    if (c->early_status == CTLS_EARLY_DATA_PENDING) return 0;
    return rec_set_keys13(&c->wr, h->suite->aead, h->suite->hash, h->c_hs, h->c_fin);
}

int early13_client_on_ee(ctls_conn *c, int accepted)
{
    hs_state *h = c->hs;
    if (c->early_status != CTLS_EARLY_DATA_PENDING)
        return accepted ? CTLS_ERR_UNSUPPORTED_EXTENSION : 0; /* RFC 8446 4.2: not offered */
    if (!accepted) {
        c->early_status = CTLS_EARLY_DATA_REJECTED;
        return rec_set_keys13(&c->wr, h->suite->aead, h->suite->hash, h->c_hs, h->c_fin);
    }
    /* RFC 8446 4.2.10: accepted only with the PSK (the first identity), the ticket's suite
     * and ALPN; a server that says otherwise is wrong */
    const ctls_session *s = c->sess ? c->sess->offer : NULL;
    const char *alpn = s ? s->alpn : NULL;
    if (!s || !h->psk_selected || c->suite != s->suite ||
        !((!alpn && !c->alpn) || (alpn && c->alpn && strcmp(alpn, c->alpn) == 0)))
        return CTLS_ERR_ILLEGAL_PARAMETER;
    c->early_status = CTLS_EARLY_DATA_ACCEPTED; /* the write keys stay the early ones */
    return 0;
}

int early13_client_end(ctls_conn *c)
{
    hs_state *h = c->hs;
    int accepted = c->early_status == CTLS_EARLY_DATA_ACCEPTED, send = accepted;
    if (hs_test_end_of_early_data) { /* tests only (hs.h) */
        int t = hs_test_end_of_early_data(accepted);
        send = t == 0 ? accepted : t == 2;
    }
    if (send) { /* RFC 8446 4.5: under the early keys, in the transcript */
        static const uint8_t eoed[MSG_HEADER_LEN] = {MSG_END_OF_EARLY_DATA, 0, 0, 0};
        CTLS_GUARD(hs_send(c, &h->tr, eoed, sizeof eoed));
    }
    if (!accepted) return 0; /* already on the handshake keys */
    return rec_set_keys13(&c->wr, h->suite->aead, h->suite->hash, h->c_hs, h->c_fin);
}

ssize_t ctls_write_early_data(ctls_conn *c, const void *buf, size_t len)
{
    if (!c || (!buf && len)) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (c->role != CTLS_CLIENT || c->state != CTLS_STATE_IDLE) return CTLS_ERR_BAD_STATE;
    CTLS_GUARD(sess_client_prepare(c)); /* the peer ID's stored session, if none was set */
    const ctls_session *s = sess_client_offer(c, 0);
    if (!s || !s->max_early_data) return CTLS_ERR_UNSUPPORTED;
    size_t have = buf_size(&c->early);
    if (len == 0) return 0;
    if (have >= s->max_early_data) return CTLS_ERR_LIMIT; /* RFC 8446 4.2.10 */
    size_t n = s->max_early_data - have < len ? s->max_early_data - have : len;
    CTLS_GUARD(buf_append(&c->early, buf, n, s->max_early_data));
    return (ssize_t)n;
}

/* ---- server ---- */

int early13_server_on_hello(ctls_conn *c, const msg_client_hello *m, int hrr, uint16_t psk_index,
                            uint32_t ticket_max)
{
    hs_state *h = c->hs;
    int offered = (m->ext_present & EXT_BIT(EXT_EARLY_DATA)) != 0;
    if (h->hrr && !hrr) { /* the second ClientHello */
        c->early_skip = EARLY_SKIP_NONE;
        /* RFC 8446 4.2.10: a client MUST NOT offer early data after a HelloRetryRequest */
        return offered ? CTLS_ERR_ILLEGAL_PARAMETER : 0;
    }
    if (!offered) return 0;
    uint32_t max = c->cfg->max_early_data;
    /* RFC 8446 4.2.10 (first identity, suite, ALPN: ticket_max from tickets_select) and 8:
     * single-use tickets of the cache only */
    if (!hrr && max && c->cfg->cache && h->psk_selected && psk_index == 0 && ticket_max) {
        uint8_t th[CTLS_MAX_HASH_LEN];
        size_t hl;
        CTLS_GUARD(hs_thash(h, th, &hl)); /* the ClientHello */
        CTLS_GUARD(ks13_derive(&h->ks, "c e traffic", th, h->c_early));
        keylog(c, KEYLOG_C_EARLY, m->random, h->c_early, hl);
        c->early_status = CTLS_EARLY_DATA_ACCEPTED;
        c->early_left = ticket_max < max ? ticket_max : max;
        return 0;
    }
    c->early_status = CTLS_EARLY_DATA_REJECTED;
    c->early_skip = hrr ? EARLY_SKIP_APPDATA : EARLY_SKIP_UNDECRYPTABLE;
    c->early_left = max ? max : EARLY_SKIP_DEFAULT;
    return 0;
}

int early13_server_keys(ctls_conn *c)
{
    hs_state *h = c->hs;
    if (c->early_status != CTLS_EARLY_DATA_ACCEPTED)
        return rec_set_keys13(&c->rd, h->suite->aead, h->suite->hash, h->c_hs, h->c_fin);
    c->early_reading = 1;
    /* the handshake keys (and c_fin with them) come at EndOfEarlyData */
    return rec_set_keys13(&c->rd, h->suite->aead, h->suite->hash, h->c_early, NULL);
}

int early13_server_on_eoed(ctls_conn *c, const uint8_t *msg, size_t len)
{
    hs_state *h = c->hs;
    CTLS_GUARD(msg_end_of_early_data_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN));
    /* RFC 8446 5.1: nothing after it in the same record (a key change follows) */
    if (buf_size(&c->hs_in) > len) return CTLS_ERR_UNEXPECTED_MESSAGE;
    CTLS_GUARD(tr_add(&h->tr, msg, len));
    c->early_reading = 0;
    return rec_set_keys13(&c->rd, h->suite->aead, h->suite->hash, h->c_hs, h->c_fin);
}

int early13_server_data(ctls_conn *c, const uint8_t *data, size_t len)
{
    /* RFC 8446 4.2.10: more than max_early_data_size is unexpected_message */
    if (len > c->early_left) return CTLS_ERR_UNEXPECTED_MESSAGE;
    c->early_left -= len;
    CTLS_GUARD(buf_append(&c->early, data, len, c->cfg->max_early_data));
    return len && c->early_break ? HS_EARLY_DATA_READY : 0;
}

int early13_skip(ctls_conn *c, size_t len)
{
    int undecryptable = c->early_skip == EARLY_SKIP_UNDECRYPTABLE;
    /* counted as the most plaintext the record can hold, at least one byte a record */
    size_t n = len > CTLS_AEAD_TAG_LEN + 1 ? len - CTLS_AEAD_TAG_LEN - 1 : 1;
    if (n > c->early_left) /* RFC 8446 4.2.10: skip at most max_early_data_size */
        return undecryptable ? CTLS_ERR_BAD_RECORD_MAC : CTLS_ERR_UNEXPECTED_MESSAGE;
    c->early_left -= n;
    return 0;
}

ssize_t ctls_read_early_data(ctls_conn *c, void *buf, size_t len)
{
    if (!c || !buf || len == 0) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    if (c->role != CTLS_SERVER) return CTLS_ERR_BAD_STATE;
    int rc = 0;
    /* before the ClientHello is decided (c->version), or while early data may still come */
    if (!buf_size(&c->early) && !c->hs_done && (c->version == 0 || c->early_reading)) {
        c->early_break = 1;
        rc = ctls_handshake(c);
        c->early_break = 0;
    }
    if (c->fatal) return c->fatal;
    size_t n = buf_size(&c->early) < len ? buf_size(&c->early) : len;
    if (n == 0) return rc < 0 && (c->version == 0 || c->early_reading) ? rc : 0;
    memcpy(buf, buf_data(&c->early), n);
    buf_consume(&c->early, n);
    if (!buf_size(&c->early)) buf_free(&c->early);
    return (ssize_t)n;
}

int ctls_early_data_status(ctls_conn *c)
{
    return c ? c->early_status : CTLS_ERR_INVALID_ARG;
}
