/* A growable byte queue with a hard cap: append at the end, consume from the front. Storage
 * is released by buf_trim when a connection goes idle, so idle connections hold no buffers. */
#ifndef CTLS_CORE_BUF_H
#define CTLS_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *p;
    size_t off; /* start of unconsumed data */
    size_t len; /* end of data (p[off..len) is the content) */
    size_t cap;
    size_t dirty; /* bytes [0, dirty) may hold data: the extent a wipe must cover */
    int wire;     /* holds only bytes as sent on the wire (records already protected, or
                   * plaintext records anyone can read): released without a wipe */
} ctls_buf;

static inline size_t buf_size(const ctls_buf *b)
{
    return b->len - b->off;
}
/* An empty, unallocated queue has p == NULL: no arithmetic on it (NULL + 0 is undefined). */
static inline uint8_t *buf_data(const ctls_buf *b)
{
    return b->p ? b->p + b->off : b->p;
}
/* Room for n more bytes at the end (compacts or grows; max bounds the content size). Returns a
 * pointer to write at (NULL for n == 0 on a never-allocated buffer); call buf_commit(n) after
 * writing. */
int buf_reserve(ctls_buf *b, size_t n, size_t max, uint8_t **at);
static inline void buf_commit(ctls_buf *b, size_t n)
{
    b->len += n;
    if (b->len > b->dirty) b->dirty = b->len;
}
int buf_append(ctls_buf *b, const void *p, size_t n, size_t max);
/* Drop n bytes from the front (storage is kept for reuse). */
void buf_consume(ctls_buf *b, size_t n);
/* Release the storage if the queue is empty (a connection going idle). */
void buf_trim(ctls_buf *b);
/* Free storage (wipes it first, unless wire: buffers may hold plaintext). */
void buf_free(ctls_buf *b);

#endif
