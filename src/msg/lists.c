/* msg_split, the list iterators and the shared encode helpers. */
#include "msg/internal.h"

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
const uint8_t msg_hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
};

int msg_split(const uint8_t *msg, size_t len, uint8_t *type, ctls_slice *body)
{
    ctls_reader r;
    uint32_t n;
    rd_init(&r, msg, len);
    CTLS_GUARD(rd_u8(&r, type));
    CTLS_GUARD(rd_u24(&r, &n));
    if (n != rd_remaining(&r)) return CTLS_ERR_DECODE;
    if (n > MSG_MAX_LEN)
        return CTLS_ERR_LIMIT; /* DESIGN 1: a handshake message is at most 64 KiB */
    return rd_rest(&r, body);
}

int msg_begin(ctls_writer *w, uint8_t type, msg_mark *mark)
{
    mark->len = w->len;
    mark->depth = w->depth;
    CTLS_GUARD(wr_u8(w, type));
    return wr_open(w, 3);
}

int msg_end(ctls_writer *w, const msg_mark *mark, int rc)
{
    if (rc == 0) rc = wr_close(w);
    if (rc < 0 && w->err == 0) {
        w->len = mark->len;
        w->depth = mark->depth;
    }
    return rc;
}

int msg_empty_decode(const uint8_t *body, size_t len)
{
    return len == 0 ? 0 : CTLS_ERR_DECODE;
}

int msg_empty_encode(uint8_t type, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, type, &mark);
    return msg_end(w, &mark, rc);
}

int msg_end_of_early_data_decode(const uint8_t *body, size_t len)
{
    return msg_empty_decode(body, len); /* RFC 8446 4.5: struct {} EndOfEarlyData */
}

/* ---- iterators: each reads one entry through a reader and moves the slice past it ---- */

static void advance(ctls_slice *list, const ctls_reader *r, int rc)
{
    if (rc < 0) { /* malformed tail: stop iterating */
        list->p += list->len;
        list->len = 0;
        return;
    }
    list->p = rd_cursor(r);
    list->len = rd_remaining(r);
}

int msg_u16_next(ctls_slice *list, uint16_t *v)
{
    ctls_reader r;
    if (list->len < 2) return 0;
    rd_init(&r, list->p, list->len);
    int rc = rd_u16(&r, v);
    advance(list, &r, rc);
    return rc == 0;
}

int msg_u16_contains(ctls_slice list, uint16_t v)
{
    uint16_t x;
    while (msg_u16_next(&list, &x))
        if (x == v) return 1;
    return 0;
}

int msg_u8_contains(ctls_slice list, uint8_t v)
{
    ctls_reader r;
    uint8_t x;
    rd_init(&r, list.p, list.len);
    while (rd_remaining(&r) > 0)
        if (rd_u8(&r, &x) == 0 && x == v) return 1;
    return 0;
}

int msg_key_share_next(ctls_slice *list, uint16_t *group, ctls_slice *key)
{
    ctls_reader r;
    if (list->len == 0) return 0;
    rd_init(&r, list->p, list->len);
    int rc = rd_u16(&r, group);
    if (rc == 0) rc = rd_vec16_slice(&r, 1, 0xffff, key);
    advance(list, &r, rc);
    return rc == 0;
}

int msg_alpn_next(ctls_slice *list, ctls_slice *name)
{
    ctls_reader r;
    if (list->len == 0) return 0;
    rd_init(&r, list->p, list->len);
    int rc = rd_vec8_slice(&r, 1, 255, name);
    advance(list, &r, rc);
    return rc == 0;
}

int msg_dn_next(ctls_slice *list, ctls_slice *dn)
{
    ctls_reader r;
    if (list->len == 0) return 0;
    rd_init(&r, list->p, list->len);
    int rc = rd_vec16_slice(&r, 1, 0xffff, dn);
    advance(list, &r, rc);
    return rc == 0;
}

int msg_psk_identity_next(ctls_slice *list, ctls_slice *identity, uint32_t *obfuscated_age)
{
    ctls_reader r;
    if (list->len == 0) return 0;
    rd_init(&r, list->p, list->len);
    int rc = rd_vec16_slice(&r, 1, 0xffff, identity);
    if (rc == 0) rc = rd_u32(&r, obfuscated_age);
    advance(list, &r, rc);
    return rc == 0;
}

int msg_psk_binder_next(ctls_slice *list, ctls_slice *binder)
{
    ctls_reader r;
    if (list->len == 0) return 0;
    rd_init(&r, list->p, list->len);
    int rc = rd_vec8_slice(&r, 32, 255, binder);
    advance(list, &r, rc);
    return rc == 0;
}
