#include "core/bytes.h"

#include <string.h>

#include "core/mem.h"

void rd_init(ctls_reader *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p ? len : 0;
    r->off = 0;
    r->err = 0;
}

static int rd_fail(ctls_reader *r)
{
    r->err = CTLS_ERR_DECODE;
    return CTLS_ERR_DECODE;
}

/* The one place a read is checked against what is left. */
static int rd_take(ctls_reader *r, size_t n, const uint8_t **out)
{
    if (r->err) return r->err;
    if (n > r->len - r->off) return rd_fail(r);
    *out = r->p + r->off;
    r->off += n;
    return 0;
}

static int rd_uint(ctls_reader *r, size_t n, uint64_t *v)
{
    const uint8_t *p = NULL;
    CTLS_GUARD(rd_take(r, n, &p));
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x = (x << 8) | p[i];
    *v = x;
    return 0;
}

int rd_u8(ctls_reader *r, uint8_t *v)
{
    uint64_t x;
    CTLS_GUARD(rd_uint(r, 1, &x));
    *v = (uint8_t)x;
    return 0;
}

int rd_u16(ctls_reader *r, uint16_t *v)
{
    uint64_t x;
    CTLS_GUARD(rd_uint(r, 2, &x));
    *v = (uint16_t)x;
    return 0;
}

int rd_u24(ctls_reader *r, uint32_t *v)
{
    uint64_t x;
    CTLS_GUARD(rd_uint(r, 3, &x));
    *v = (uint32_t)x;
    return 0;
}

int rd_u32(ctls_reader *r, uint32_t *v)
{
    uint64_t x;
    CTLS_GUARD(rd_uint(r, 4, &x));
    *v = (uint32_t)x;
    return 0;
}

int rd_u64(ctls_reader *r, uint64_t *v)
{
    return rd_uint(r, 8, v);
}

int rd_bytes(ctls_reader *r, size_t n, const uint8_t **out)
{
    return rd_take(r, n, out);
}

int rd_copy(ctls_reader *r, void *dst, size_t n)
{
    const uint8_t *p = NULL;
    CTLS_GUARD(rd_take(r, n, &p));
    if (n) memcpy(dst, p, n);
    return 0;
}

int rd_skip(ctls_reader *r, size_t n)
{
    const uint8_t *p = NULL;
    return rd_take(r, n, &p);
}

static int rd_vec(ctls_reader *r, size_t width, ctls_reader *sub)
{
    uint64_t n;
    const uint8_t *p = NULL;
    rd_init(sub, NULL, 0);
    CTLS_GUARD(rd_uint(r, width, &n));
    CTLS_GUARD(rd_take(r, (size_t)n, &p));
    rd_init(sub, p, (size_t)n);
    return 0;
}

int rd_vec8(ctls_reader *r, ctls_reader *sub)
{
    return rd_vec(r, 1, sub);
}
int rd_vec16(ctls_reader *r, ctls_reader *sub)
{
    return rd_vec(r, 2, sub);
}
int rd_vec24(ctls_reader *r, ctls_reader *sub)
{
    return rd_vec(r, 3, sub);
}

static int rd_vec_slice(ctls_reader *r, size_t width, size_t min, size_t max, ctls_slice *out)
{
    ctls_reader sub;
    out->p = NULL;
    out->len = 0;
    CTLS_GUARD(rd_vec(r, width, &sub));
    if (sub.len < min || sub.len > max) return rd_fail(r);
    out->p = sub.p;
    out->len = sub.len;
    return 0;
}

int rd_vec8_slice(ctls_reader *r, size_t min, size_t max, ctls_slice *out)
{
    return rd_vec_slice(r, 1, min, max, out);
}
int rd_vec16_slice(ctls_reader *r, size_t min, size_t max, ctls_slice *out)
{
    return rd_vec_slice(r, 2, min, max, out);
}
int rd_vec24_slice(ctls_reader *r, size_t min, size_t max, ctls_slice *out)
{
    return rd_vec_slice(r, 3, min, max, out);
}

int rd_rest(ctls_reader *r, ctls_slice *out)
{
    size_t n = rd_remaining(r);
    out->len = n;
    return rd_take(r, n, &out->p);
}

int rd_expect_empty(const ctls_reader *r)
{
    if (r->err) return r->err;
    return r->off == r->len ? 0 : CTLS_ERR_DECODE;
}

/* ---- writer ---- */

void wr_init(ctls_writer *w, uint8_t *buf, size_t cap)
{
    memset(w, 0, sizeof(*w));
    w->buf = buf;
    w->cap = cap;
    w->max = cap;
}

void wr_init_dyn(ctls_writer *w, size_t max)
{
    memset(w, 0, sizeof(*w));
    w->max = max;
    w->growable = 1;
}

void wr_free(ctls_writer *w)
{
    if (w->growable) ctls_free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}

int wr_take(ctls_writer *w, uint8_t **out, size_t *len)
{
    CTLS_GUARD(wr_status(w));
    if (!w->growable) return CTLS_ERR_INTERNAL;
    *out = w->buf;
    *len = w->len;
    w->buf = NULL;
    w->len = w->cap = 0;
    return 0;
}

/* Make room for n more bytes: the one place the cap is enforced. */
static int wr_room(ctls_writer *w, size_t n)
{
    if (w->err) return w->err;
    if (n > w->max - w->len) {
        w->err = CTLS_ERR_LIMIT;
        return w->err;
    }
    if (w->len + n <= w->cap) return 0;
    if (!w->growable) {
        w->err = CTLS_ERR_LIMIT;
        return w->err;
    }
    size_t ncap = w->cap ? w->cap : 256;
    while (ncap < w->len + n)
        ncap = ncap > w->max / 2 ? w->max : ncap * 2;
    uint8_t *nb = ctls_realloc(w->buf, ncap);
    if (!nb) {
        w->err = CTLS_ERR_NOMEM;
        return w->err;
    }
    w->buf = nb;
    w->cap = ncap;
    return 0;
}

int wr_reserve(ctls_writer *w, size_t n, uint8_t **out)
{
    CTLS_GUARD(wr_room(w, n));
    *out = w->buf + w->len;
    w->len += n;
    return 0;
}

static int wr_uint(ctls_writer *w, size_t n, uint64_t v)
{
    uint8_t *p;
    CTLS_GUARD(wr_reserve(w, n, &p));
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return 0;
}

int wr_u8(ctls_writer *w, uint8_t v)
{
    return wr_uint(w, 1, v);
}
int wr_u16(ctls_writer *w, uint16_t v)
{
    return wr_uint(w, 2, v);
}
int wr_u24(ctls_writer *w, uint32_t v)
{
    if (v > 0xffffff) {
        w->err = CTLS_ERR_LIMIT;
        return w->err;
    }
    return wr_uint(w, 3, v);
}
int wr_u32(ctls_writer *w, uint32_t v)
{
    return wr_uint(w, 4, v);
}
int wr_u64(ctls_writer *w, uint64_t v)
{
    return wr_uint(w, 8, v);
}

int wr_bytes(ctls_writer *w, const void *p, size_t n)
{
    uint8_t *d;
    CTLS_GUARD(wr_reserve(w, n, &d));
    if (n) memcpy(d, p, n);
    return 0;
}

int wr_zeros(ctls_writer *w, size_t n)
{
    uint8_t *d;
    CTLS_GUARD(wr_reserve(w, n, &d));
    if (n) memset(d, 0, n);
    return 0;
}

int wr_open(ctls_writer *w, int width)
{
    if (w->err) return w->err;
    if (width < 1 || width > 3 || w->depth >= WR_MAX_DEPTH) {
        w->err = CTLS_ERR_INTERNAL;
        return w->err;
    }
    w->open_at[w->depth] = w->len;
    w->open_width[w->depth] = (uint8_t)width;
    w->depth++;
    return wr_zeros(w, (size_t)width);
}

int wr_close(ctls_writer *w)
{
    if (w->err) return w->err;
    if (w->depth == 0) {
        w->err = CTLS_ERR_INTERNAL;
        return w->err;
    }
    w->depth--;
    size_t at = w->open_at[w->depth];
    size_t width = w->open_width[w->depth];
    size_t n = w->len - at - width;
    if (n >> (8 * width)) {
        w->err = CTLS_ERR_LIMIT;
        return w->err;
    }
    for (size_t i = 0; i < width; i++)
        w->buf[at + i] = (uint8_t)(n >> (8 * (width - 1 - i)));
    return 0;
}

static int wr_vec(ctls_writer *w, int width, const void *p, size_t n)
{
    CTLS_GUARD(wr_open(w, width));
    CTLS_GUARD(wr_bytes(w, p, n));
    return wr_close(w);
}

int wr_vec8(ctls_writer *w, const void *p, size_t n)
{
    return wr_vec(w, 1, p, n);
}
int wr_vec16(ctls_writer *w, const void *p, size_t n)
{
    return wr_vec(w, 2, p, n);
}
int wr_vec24(ctls_writer *w, const void *p, size_t n)
{
    return wr_vec(w, 3, p, n);
}

int wr_status(const ctls_writer *w)
{
    if (w->err) return w->err;
    return w->depth == 0 ? 0 : CTLS_ERR_INTERNAL;
}
