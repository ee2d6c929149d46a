#include "hs/transcript.h"

#include "msg/msg.h"

#define TR_PENDING_MAX (2 * MSG_MAX_LEN)

int tr_add(hs_transcript *t, const uint8_t *msg, size_t len)
{
    if (t->h) return ctls_hash_update(t->h, msg, len);
    return buf_append(&t->pending, msg, len, TR_PENDING_MAX);
}

int tr_set_hash(hs_transcript *t, int alg)
{
    if (t->h) return ctls_hash_alg(t->h) == alg ? 0 : CTLS_ERR_INTERNAL;
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

int tr_hrr_rewrite(hs_transcript *t)
{
    uint8_t h[CTLS_MAX_HASH_LEN];
    size_t hl;
    CTLS_GUARD(tr_hash(t, h, &hl));
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
    ctls_hash_free(t->h);
    t->h = NULL;
    buf_free(&t->pending);
}
