#include "core/buf.h"

#include <string.h>

#include "core/err.h"
#include "core/mem.h"

int buf_reserve(ctls_buf *b, size_t n, size_t max, uint8_t **at)
{
    size_t have = b->len - b->off;
    if (n > max || have > max - n)
        return CTLS_ERR_LIMIT;
    if (b->len + n <= b->cap) {
        *at = b->p + b->len;
        return 0;
    }
    /* compact first: consumed space at the front is reusable */
    if (b->off && have + n <= b->cap) {
        memmove(b->p, b->p + b->off, have);
        b->off = 0;
        b->len = have;
        *at = b->p + b->len;
        return 0;
    }
    size_t ncap = b->cap ? b->cap : 1024;
    while (ncap < have + n)
        ncap *= 2;
    uint8_t *np = ctls_malloc(ncap);
    if (!np)
        return CTLS_ERR_NOMEM;
    if (have)
        memcpy(np, b->p + b->off, have);
    if (b->p) {
        ctls_wipe(b->p, b->cap);
        ctls_free(b->p);
    }
    b->p = np;
    b->cap = ncap;
    b->off = 0;
    b->len = have;
    *at = b->p + b->len;
    return 0;
}

int buf_append(ctls_buf *b, const void *p, size_t n, size_t max)
{
    uint8_t *at;
    CTLS_GUARD(buf_reserve(b, n, max, &at));
    if (n)
        memcpy(at, p, n);
    b->len += n;
    return 0;
}

void buf_consume(ctls_buf *b, size_t n)
{
    size_t have = b->len - b->off;
    if (n >= have) {
        b->off = b->len = 0; /* storage kept until buf_trim: no allocation per record */
        return;
    }
    b->off += n;
}

void buf_free(ctls_buf *b)
{
    if (b->p) {
        ctls_wipe(b->p, b->cap);
        ctls_free(b->p);
    }
    b->p = NULL;
    b->off = b->len = b->cap = 0;
}

void buf_trim(ctls_buf *b)
{
    if (b->p && b->len == b->off)
        buf_free(b);
}
