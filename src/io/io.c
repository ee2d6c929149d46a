/* Transport dispatch, and the sans-I/O memory transport (feed / output). */
#include <string.h>
#include <time.h>

#include "api/internal.h"
#include "core/bytes.h"
#include "io/io.h"

int64_t conn_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t io_deadline(const ctls_conn *c)
{
    return c->hs_timeout_ms ? conn_now_ms() + c->hs_timeout_ms : 0;
}

/* Milliseconds left of the handshake timeout: -1 none, 0 expired. After the first handshake,
 * a TLS 1.2 renegotiation's deadline. */
int io_time_left(const ctls_conn *c)
{
    int64_t deadline = c->hs_done ? c->reneg_deadline_ms : c->hs_deadline_ms;
    if (!deadline) return -1;
    int64_t left = deadline - conn_now_ms();
    if (left <= 0) return 0;
    return left > 0x7fffffff ? 0x7fffffff : (int)left;
}

size_t io_read_size(const ctls_conn *c)
{
    /* Read what the pending record needs (at least 2 KiB), not a whole buffer's worth: keeps
     * per-connection memory small while records trickle in. */
    size_t have = buf_size(&c->in), want = 2048;
    if (have >= REC_HEADER_LEN) {
        const uint8_t *h = buf_data(&c->in);
        size_t rec = REC_HEADER_LEN + ((size_t)h[3] << 8 | h[4]);
        if (rec > have && rec - have > want) want = rec - have;
    }
    size_t room = REC_IN_MAX - have;
    return want < room ? want : room;
}

/* Memory transport: bytes of ctls_read_input not taken yet go into c->in only as far as the
 * record at its front needs them (its header, then its body), so the records after it are
 * still read in place. */
static int mem_fill(ctls_conn *c)
{
    size_t left = c->rd_ext_len - c->rd_ext_used;
    if (left == 0) return io_time_left(c) == 0 ? CTLS_ERR_TIMEOUT : CTLS_WANT_READ;
    size_t have = buf_size(&c->in), rec = REC_HEADER_LEN;
    if (have >= REC_HEADER_LEN) {
        ctls_reader r;
        uint16_t length = 0;
        rd_init(&r, buf_data(&c->in), have);
        CTLS_GUARD(rd_skip(&r, 3));
        CTLS_GUARD(rd_u16(&r, &length));
        rec += length;
    }
    size_t want = rec > have ? rec - have : 1, room = REC_IN_MAX - have;
    size_t n = want < left ? want : left;
    if (n > room) n = room;
    if (n == 0) return CTLS_WANT_READ;
    CTLS_GUARD(buf_append(&c->in, c->rd_ext + c->rd_ext_used, n, REC_IN_MAX));
    c->rd_ext_used += n;
    return 0;
}

int io_flush(ctls_conn *c)
{
    switch (c->transport) {
    case TRANSPORT_FD:
        return fd_flush(c);
    case TRANSPORT_CALLBACKS:
        return cb_flush(c);
    default:
        return 0; /* the application takes c->out with ctls_conn_output */
    }
}

int io_fill(ctls_conn *c)
{
    if (c->eof) return 0;
    switch (c->transport) {
    case TRANSPORT_FD:
        return fd_fill(c);
    case TRANSPORT_CALLBACKS:
        return cb_fill(c);
    default:
        return mem_fill(c);
    }
}

int ctls_conn_feed(ctls_conn *c, const void *data, size_t len, size_t *consumed)
{
    if (consumed) *consumed = 0;
    if (!c || (!data && len)) return CTLS_ERR_INVALID_ARG;
    if (c->transport != TRANSPORT_MEMORY) return CTLS_ERR_BAD_STATE;
    if (c->eof) return CTLS_ERR_BAD_STATE;
    size_t room = REC_IN_MAX - buf_size(&c->in);
    size_t n = len < room ? len : room;
    if (n) {
        CTLS_GUARD(buf_append(&c->in, data, n, REC_IN_MAX));
    }
    if (consumed) *consumed = n;
    return 0;
}

int ctls_conn_feed_eof(ctls_conn *c)
{
    if (!c) return CTLS_ERR_INVALID_ARG;
    if (c->transport != TRANSPORT_MEMORY) return CTLS_ERR_BAD_STATE;
    c->eof = 1;
    return 0;
}

size_t ctls_conn_output(ctls_conn *c, const void **data)
{
    if (!c || !data) {
        if (data) *data = NULL;
        return 0;
    }
    *data = buf_size(&c->out) ? buf_data(&c->out) : NULL;
    return buf_size(&c->out);
}

/* Consuming belongs to the memory transport: with an fd or callbacks ctls sends the bytes
 * itself (ctls_conn_output only shows how many wait), and dropping them would corrupt the
 * stream. */
void ctls_conn_consume_output(ctls_conn *c, size_t len)
{
    if (!c || c->transport != TRANSPORT_MEMORY) return;
    buf_consume(&c->out, len);
    if (buf_size(&c->out) == 0) buf_trim(&c->out);
}
