/* The handshake transcript hash (RFC 8446 4.4.1). Until the cipher suite (and so the hash) is
 * known, messages are buffered; then they are hashed and later ones go straight in. */
#ifndef CTLS_HS_TRANSCRIPT_H
#define CTLS_HS_TRANSCRIPT_H

#include "core/buf.h"
#include "crypto/crypto.h"

typedef struct {
    ctls_hash_ctx *h; /* NULL until the hash is chosen */
    ctls_buf pending; /* messages seen before that */
    /* A PSK binder's hash (tr_hash_prefix): everything so far + the first pre_len bytes of
     * the message pre_msg, kept so that the ClientHello is hashed once, not twice. pre_msg
     * is NULL once that message was added (pre then covers pending exactly). */
    ctls_hash_ctx *pre;
    const uint8_t *pre_msg;
    size_t pre_len;
} hs_transcript;

int tr_add(hs_transcript *t, const uint8_t *msg, size_t len);
int tr_set_hash(hs_transcript *t, int alg);
/* The hash of everything added so far (the hash must be set). */
int tr_hash(const hs_transcript *t, uint8_t *out, size_t *len);
/* The hash of everything added so far with alg, whether or not the hash is set (it must be
 * alg when set): a client's Hash(ClientHello) for early data, before the ServerHello. */
int tr_hash_with(const hs_transcript *t, int alg, uint8_t *out, size_t *len);
/* RFC 8446 4.2.11.2: Hash(everything so far || the first prefix_len bytes of msg) with alg,
 * for a PSK binder; msg must be the next message tr_add is given (same pointer), which then
 * continues from this state instead of hashing the ClientHello a second time. */
int tr_hash_prefix(hs_transcript *t, int alg, const uint8_t *msg, size_t prefix_len, uint8_t *out);
/* RFC 8446 4.4.1: after a HelloRetryRequest the first ClientHello is replaced by a synthetic
 * message_hash message holding Hash(ClientHello1). Call with the hash set and only CH1 added. */
int tr_hrr_rewrite(hs_transcript *t);
void tr_free(hs_transcript *t);

#endif
