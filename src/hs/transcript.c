#include "hs/transcript.h"

#include "msg/msg.h"

#define TR_PENDING_MAX (2 * MSG_MAX_LEN)

static void pre_drop(hs_transcript *t)
{
    ctls_hash_free(t->pre);
    t->pre = NULL;
    t->pre_msg = NULL;
}

int tr_add(hs_transcript *t, const uint8_t *msg, size_t len)
{
    size_t skip = 0;
    if (t->pre_msg) {
        if (msg == t->pre_msg && len >= t->pre_len)
            skip = t->pre_len;
        else
            pre_drop(t);
        t->pre_msg = NULL;
    }
    if (t->pre && t->h) {
        /* the hash was chosen before the binder: pre is it + the prefix, so it takes over */
        ctls_hash_free(t->h);
        t->h = t->pre;
        t->pre = NULL;
        return ctls_hash_update(t->h, msg + skip, len - skip);
    }
    if (t->h) return ctls_hash_update(t->h, msg, len);
    /* the hash is not known yet: pre keeps following the pending messages, in case it is
     * the binder's */
    if (t->pre && ctls_hash_update(t->pre, msg + skip, len - skip) < 0) pre_drop(t);
    return buf_append(&t->pending, msg, len, TR_PENDING_MAX);
}

int tr_hash_prefix(hs_transcript *t, int alg, const uint8_t *msg, size_t prefix_len, uint8_t *out)
{
    pre_drop(t);
    int rc;
    if (t->h) {
        if (ctls_hash_alg(t->h) != alg) return CTLS_ERR_INTERNAL;
        rc = ctls_hash_dup(t->h, &t->pre);
    } else {
        rc = ctls_hash_new(alg, &t->pre);
        if (rc == 0) rc = ctls_hash_update(t->pre, buf_data(&t->pending), buf_size(&t->pending));
    }
    if (rc == 0) rc = ctls_hash_update(t->pre, msg, prefix_len);
    if (rc == 0) rc = ctls_hash_peek(t->pre, out);
    if (rc < 0) {
        pre_drop(t);
        return rc;
    }
    t->pre_msg = msg;
    t->pre_len = prefix_len;
    return 0;
}

int tr_set_hash(hs_transcript *t, int alg)
{
    if (t->h) return ctls_hash_alg(t->h) == alg ? 0 : CTLS_ERR_INTERNAL;
    if (t->pre && !t->pre_msg && ctls_hash_alg(t->pre) == alg) {
        /* the binder's hash already covers every pending message */
        t->h = t->pre;
        t->pre = NULL;
        buf_free(&t->pending);
        return 0;
    }
    pre_drop(t);
    CTLS_GUARD(ctls_hash_new(alg, &t->h));
    int rc = ctls_hash_update(t->h, buf_data(&t->pending), buf_size(&t->pending));
    buf_free(&t->pending);
    return rc;
}

int tr_hash(const hs_transcript *t, uint8_t *out, size_t *len)
{
    if (!t->h) return CTLS_ERR_INTERNAL;
    *len = ctls_hash_len(ctls_hash_alg(t->h));
    return ctls_hash_peek(t->h, out);
}

int tr_hash_with(const hs_transcript *t, int alg, uint8_t *out, size_t *len)
{
    if (t->h) return ctls_hash_alg(t->h) == alg ? tr_hash(t, out, len) : CTLS_ERR_INTERNAL;
    *len = ctls_hash_len(alg);
    if (t->pre && !t->pre_msg && ctls_hash_alg(t->pre) == alg) return ctls_hash_peek(t->pre, out);
    return ctls_hash(alg, buf_data(&t->pending), buf_size(&t->pending), out);
}

int tr_hrr_rewrite(hs_transcript *t)
{
    uint8_t h[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(tr_hash(t, h, &hl));
    pre_drop(t);
    int alg = ctls_hash_alg(t->h);
    ctls_hash_free(t->h);
    t->h = NULL;
    CTLS_GUARD(ctls_hash_new(alg, &t->h));
    /* RFC 8446 4.4.1: message_hash || 00 00 Hash.length || Hash(ClientHello1) */
    uint8_t hdr[4] = {MSG_MESSAGE_HASH, 0, 0, (uint8_t)hl};
    CTLS_GUARD(ctls_hash_update(t->h, hdr, sizeof hdr));
    return ctls_hash_update(t->h, h, hl);
}

void tr_free(hs_transcript *t)
{
    pre_drop(t);
    ctls_hash_free(t->h);
    t->h = NULL;
    buf_free(&t->pending);
}
