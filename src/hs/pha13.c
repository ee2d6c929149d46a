/* TLS 1.3 post-handshake client authentication (RFC 8446 4.2.6, 4.6.2). The messages reuse
 * the handshake's helpers (common13.c) on a short-lived hs_state whose transcript starts from
 * the hash kept through the client Finished (RFC 8446 4.4: "client Finished +
 * CertificateRequest"), with client_application_traffic_secret_N as the Finished base key. */
#include "hs/pha13.h"

#include <string.h>

#include "core/mem.h"
#include "hs/hs.h"

#define PHA_MAX_PENDING 4 /* requests sent and not answered yet */
#define PHA_CTX_LEN 16    /* random: unique within the connection (RFC 8446 4.3.2) */

enum { PHA_IDLE = 0, PHA_WAIT_CV, PHA_WAIT_FINISHED };

struct pha13 {
    ctls_hash_ctx *base; /* transcript hash through the client Finished */
    /* server: each unanswered request's context and transcript through it */
    struct {
        uint8_t ctx[PHA_CTX_LEN];
        ctls_hash_ctx *tr;
    } pending[PHA_MAX_PENDING];
    size_t n_pending;
    int st; /* server: where in the client's answer (the answer's hs_state is c->hs) */
};

void pha13_offer(ctls_conn *c, msg_client_hello *m)
{
    if (!c->cfg->post_handshake_auth) return;
    m->ext_present |= EXT_BIT(EXT_POST_HANDSHAKE_AUTH);
    c->hs->pha_offered = 1;
}

void pha13_note_offer(ctls_conn *c, const msg_client_hello *m)
{
    c->hs->pha_offered = !!(m->ext_present & EXT_BIT(EXT_POST_HANDSHAKE_AUTH));
}

int pha13_keep_transcript(ctls_conn *c)
{
    hs_state *h = c->hs;
    if (!h->pha_offered || c->version != CTLS_TLS1_3 || c->pha) return 0;
    struct pha13 *p = ctls_calloc(1, sizeof *p);
    if (!p) return CTLS_ERR_NOMEM;
    int rc = ctls_hash_dup(h->tr.h, &p->base);
    if (rc < 0) {
        ctls_free(p);
        return rc;
    }
    c->pha = p;
    return 0;
}

void pha13_free(ctls_conn *c)
{
    struct pha13 *p = c->pha;
    if (!p) return;
    ctls_hash_free(p->base);
    for (size_t i = 0; i < p->n_pending; i++)
        ctls_hash_free(p->pending[i].tr);
    ctls_wipe(p, sizeof *p);
    ctls_free(p);
    c->pha = NULL;
}

size_t pha13_pending(const ctls_conn *c)
{
    const struct pha13 *p = c->pha;
    return p ? p->n_pending + (p->st != PHA_IDLE) : 0;
}

/* A short-lived handshake state for one post-handshake exchange, its transcript taken over
 * from tr (owned from now on). */
static int exchange_begin(ctls_conn *c, ctls_hash_ctx *tr)
{
    if (c->hs) {
        ctls_hash_free(tr);
        return CTLS_ERR_INTERNAL;
    }
    int rc = hs_state_new(c);
    if (rc < 0) {
        ctls_hash_free(tr);
        return rc;
    }
    c->hs->tr.h = tr;
    c->hs->suite = algs_suite_by_id(c->suite);
    return c->hs->suite ? 0 : CTLS_ERR_INTERNAL;
}

int pha13_request(ctls_conn *c)
{
    struct pha13 *p = c->pha;
    if (!p) return CTLS_ERR_UNSUPPORTED; /* RFC 8446 4.6.2: the client did not offer it */
    if (p->n_pending == PHA_MAX_PENDING) return CTLS_ERR_LIMIT;
    uint8_t ctx[PHA_CTX_LEN];
    CTLS_GUARD(ctls_random(ctx, sizeof ctx));
    hs_transcript t;
    memset(&t, 0, sizeof t);
    CTLS_GUARD(ctls_hash_dup(p->base, &t.h));
    int rc = hs_send_certificate_request(c, &t, ctx, sizeof ctx);
    if (rc < 0) {
        tr_free(&t);
        return rc;
    }
    memcpy(p->pending[p->n_pending].ctx, ctx, sizeof ctx);
    p->pending[p->n_pending++].tr = t.h;
    return 0;
}

/* Client: answer with Certificate [CertificateVerify] Finished under the current application
 * traffic keys, in one record. */
static int client_answer(ctls_conn *c, const uint8_t *msg, size_t len)
{
    ctls_hash_ctx *tr;
    CTLS_GUARD(ctls_hash_dup(c->pha->base, &tr));
    CTLS_GUARD(exchange_begin(c, tr));
    int rc = hs_take_certificate_request(c, msg, len, 1);
    /* after our close_notify nothing more may be sent (RFC 8446 6.1) */
    if (rc == 0 && !(c->shutdown_flags & CTLS_SENT_SHUTDOWN)) {
        hs_flight_begin(c);
        rc = hs_send_client_auth(c);
        /* RFC 8446 4.4: the Finished key comes from the application traffic secret */
        if (rc == 0) rc = ks13_finished_key(c->hs->suite->hash, c->c_ap, c->hs->c_fin);
        if (rc == 0) rc = hs_send_finished(c, c->hs->c_fin);
        if (rc == 0) rc = hs_flight_end(c);
    }
    hs_state_free(c);
    return rc;
}

/* Server: the Certificate answering one of our requests (RFC 8446 4.4.2: its context). */
static int server_on_certificate(ctls_conn *c, const uint8_t *msg, size_t len)
{
    struct pha13 *p = c->pha;
    msg_certificate m;
    CTLS_GUARD(msg_certificate_decode(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN, 0, &m));
    size_t i = 0;
    while (i < p->n_pending && !(m.request_context.len == PHA_CTX_LEN &&
                                 memcmp(m.request_context.p, p->pending[i].ctx, PHA_CTX_LEN) == 0))
        i++;
    if (i == p->n_pending) return CTLS_ERR_ILLEGAL_PARAMETER; /* not a context we sent */
    ctls_hash_ctx *tr = p->pending[i].tr;
    memmove(&p->pending[i], &p->pending[i + 1], (p->n_pending - i - 1) * sizeof p->pending[0]);
    p->n_pending--;
    CTLS_GUARD(exchange_begin(c, tr));
    CTLS_GUARD(tr_add(&c->hs->tr, msg, len));
    int rc = hs_take_client_chain(c, &m);
    CTLS_GUARD(rc);
    p->st = rc == 1 ? PHA_WAIT_FINISHED : PHA_WAIT_CV;
    return 0;
}

static int server_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    struct pha13 *p = c->pha;
    int rc;
    switch (p->st) {
    case PHA_IDLE:
        if (type != MSG_CERTIFICATE || !p->n_pending) return CTLS_ERR_UNEXPECTED_MESSAGE;
        return server_on_certificate(c, msg, len);
    case PHA_WAIT_CV:
        if (type != MSG_CERTIFICATE_VERIFY) return CTLS_ERR_UNEXPECTED_MESSAGE;
        /* as in the handshake (server13.c): the signature, then the chain */
        rc = hs_check_certificate_verify(c, msg, len, CTX_CLIENT_CV, c->cfg->sigs, c->cfg->n_sigs);
        if (rc == 0) rc = hs_verify_peer_chain(c, CTLS_PURPOSE_CLIENT_AUTH);
        p->st = PHA_WAIT_FINISHED;
        return rc;
    case PHA_WAIT_FINISHED:
        if (type != MSG_FINISHED) return CTLS_ERR_UNEXPECTED_MESSAGE;
        rc = ks13_finished_key(c->hs->suite->hash, c->c_ap, c->hs->c_fin); /* RFC 8446 4.4 */
        if (rc == 0) rc = hs_check_finished(c, c->hs->c_fin, msg, len);
        hs_state_free(c);
        p->st = PHA_IDLE;
        return rc;
    default:
        return CTLS_ERR_INTERNAL;
    }
}

int pha13_handle(ctls_conn *c, uint8_t type, const uint8_t *msg, size_t len)
{
    if (!c->pha) return CTLS_ERR_UNEXPECTED_MESSAGE; /* RFC 8446 4.6.2: not offered */
    if (c->role == CTLS_CLIENT)
        return type == MSG_CERTIFICATE_REQUEST ? client_answer(c, msg, len)
                                               : CTLS_ERR_UNEXPECTED_MESSAGE;
    return server_handle(c, type, msg, len);
}
