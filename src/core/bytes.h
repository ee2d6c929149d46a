/* The bounded reader and writer: every byte from the wire goes through these.
 *
 * Reader: a window over a buffer with a sticky error. Any read past the end sets the error
 * (CTLS_ERR_DECODE) and every later read fails too. Length-prefixed vectors are read as
 * sub-readers over exactly their contents; rd_expect_empty() checks a block was consumed exactly.
 *
 * Writer: appends into a fixed buffer or a growable one with a hard cap; rd_/wr_open() reserves
 * a length prefix of 1, 2 or 3 bytes that wr_close() patches. Overflowing the cap, or a vector
 * longer than its prefix can express, sets a sticky CTLS_ERR_LIMIT.
 */
#ifndef CTLS_CORE_BYTES_H
#define CTLS_CORE_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* A view of bytes owned elsewhere. */
typedef struct {
    const uint8_t *p;
    size_t len;
} ctls_slice;

typedef struct {
    const uint8_t *p;
    size_t len; /* total */
    size_t off; /* consumed */
    int err;    /* sticky: 0 or CTLS_ERR_DECODE */
} ctls_reader;

void rd_init(ctls_reader *r, const uint8_t *p, size_t len);
static inline size_t rd_remaining(const ctls_reader *r)
{
    return r->err ? 0 : r->len - r->off;
}
static inline size_t rd_offset(const ctls_reader *r)
{
    return r->off;
}
/* A pointer to the unread bytes (valid for rd_remaining bytes). */
static inline const uint8_t *rd_cursor(const ctls_reader *r)
{
    return r->p + r->off;
}
CTLS_MUST_USE int rd_u8(ctls_reader *r, uint8_t *v);
CTLS_MUST_USE int rd_u16(ctls_reader *r, uint16_t *v);
CTLS_MUST_USE int rd_u24(ctls_reader *r, uint32_t *v);
CTLS_MUST_USE int rd_u32(ctls_reader *r, uint32_t *v);
CTLS_MUST_USE int rd_u64(ctls_reader *r, uint64_t *v);
/* n bytes, returned as a pointer into the buffer. */
CTLS_MUST_USE int rd_bytes(ctls_reader *r, size_t n, const uint8_t **out);
/* n bytes copied to dst (dst must hold n; n is the caller's, never the wire's). */
CTLS_MUST_USE int rd_copy(ctls_reader *r, void *dst, size_t n);
CTLS_MUST_USE int rd_skip(ctls_reader *r, size_t n);
/* A vector with a 1/2/3-byte length prefix, as a sub-reader over its contents. */
CTLS_MUST_USE int rd_vec8(ctls_reader *r, ctls_reader *sub);
CTLS_MUST_USE int rd_vec16(ctls_reader *r, ctls_reader *sub);
CTLS_MUST_USE int rd_vec24(ctls_reader *r, ctls_reader *sub);
/* The same, returned as a slice, with a minimum and maximum content length (RFC vector
 * bounds <min..max>); a length outside them is CTLS_ERR_DECODE. */
CTLS_MUST_USE int rd_vec8_slice(ctls_reader *r, size_t min, size_t max, ctls_slice *out);
CTLS_MUST_USE int rd_vec16_slice(ctls_reader *r, size_t min, size_t max, ctls_slice *out);
CTLS_MUST_USE int rd_vec24_slice(ctls_reader *r, size_t min, size_t max, ctls_slice *out);
/* The rest of the reader as a slice (consumes it). */
CTLS_MUST_USE int rd_rest(ctls_reader *r, ctls_slice *out);
/* CTLS_ERR_DECODE unless everything was consumed and no error occurred. */
CTLS_MUST_USE int rd_expect_empty(const ctls_reader *r);

#define WR_MAX_DEPTH 8

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t cap;   /* current allocation (fixed buffer: its size) */
    size_t max;   /* hard cap */
    int growable; /* buffer is ours: realloc up to max */
    int err;      /* sticky: 0, CTLS_ERR_LIMIT or CTLS_ERR_NOMEM */
    int depth;
    size_t open_at[WR_MAX_DEPTH];
    uint8_t open_width[WR_MAX_DEPTH];
} ctls_writer;

/* Over a caller's buffer of cap bytes. */
void wr_init(ctls_writer *w, uint8_t *buf, size_t cap);
/* Growable: starts empty, grows up to max bytes. wr_free releases it. */
void wr_init_dyn(ctls_writer *w, size_t max);
void wr_free(ctls_writer *w);
/* Hand the buffer over to the caller (growable writers): *out must be freed with ctls_free. */
int wr_take(ctls_writer *w, uint8_t **out, size_t *len);
int wr_u8(ctls_writer *w, uint8_t v);
int wr_u16(ctls_writer *w, uint16_t v);
int wr_u24(ctls_writer *w, uint32_t v);
int wr_u32(ctls_writer *w, uint32_t v);
int wr_u64(ctls_writer *w, uint64_t v);
int wr_bytes(ctls_writer *w, const void *p, size_t n);
int wr_zeros(ctls_writer *w, size_t n);
/* Reserve n bytes and return a pointer to fill (valid until the next write). */
int wr_reserve(ctls_writer *w, size_t n, uint8_t **out);
/* Open a vector with a width-byte length prefix (1, 2 or 3); wr_close patches it. */
int wr_open(ctls_writer *w, int width);
int wr_close(ctls_writer *w);
/* vec8/16/24 of a whole buffer */
int wr_vec8(ctls_writer *w, const void *p, size_t n);
int wr_vec16(ctls_writer *w, const void *p, size_t n);
int wr_vec24(ctls_writer *w, const void *p, size_t n);
/* The status so far: 0 or the sticky error (also checks all vectors were closed). */
int wr_status(const ctls_writer *w);

#endif
