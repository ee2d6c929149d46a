/* ServerHello and HelloRetryRequest (RFC 8446 4.1.3, 4.1.4; RFC 5246 7.4.1.3):
 *   ProtocolVersion legacy_version; Random random; opaque legacy_session_id_echo<0..32>;
 *   CipherSuite cipher_suite; uint8 legacy_compression_method = 0;
 *   Extension extensions<6..2^16-1>;   (may be absent in TLS 1.2)
 * A HelloRetryRequest is a ServerHello whose random is msg_hrr_random. A ServerHello without
 * supported_versions is a TLS 1.2 ServerHello and carries TLS 1.2 extensions. */
#include <string.h>

#include "msg/internal.h"

/* Which extension rules apply: HRR, TLS 1.3 ServerHello or TLS 1.2 ServerHello. */
static unsigned sh_ctx(int is_hrr, int has_versions)
{
    if (is_hrr) return EXT_IN_HRR;
    return has_versions ? EXT_IN_SH : EXT_IN_SH12;
}

int msg_server_hello_decode(const uint8_t *body, size_t len, msg_server_hello *m)
{
    ctls_reader r, exts;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u16(&r, &m->legacy_version));
    CTLS_GUARD(rd_copy(&r, m->random, sizeof(m->random)));
    m->is_hrr = memcmp(m->random, msg_hrr_random, sizeof(m->random)) == 0;
    CTLS_GUARD(rd_vec8_slice(&r, 0, 32, &m->session_id));
    CTLS_GUARD(rd_u16(&r, &m->cipher_suite));
    CTLS_GUARD(rd_u8(&r, &m->compression_method));
    /* RFC 8446 4.1.3 / RFC 5246: we only offer null compression. */
    if (m->compression_method != 0) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (rd_remaining(&r) == 0)
        return 0; /* TLS 1.2 without extensions (an HRR without any fails in the state) */
    CTLS_GUARD(rd_vec16(&r, &exts));
    CTLS_GUARD(rd_expect_empty(&r));
    unsigned ctx = sh_ctx(m->is_hrr, ext_block_has(&exts, 43 /* supported_versions */));
    return ext_block_decode(ctx, &exts, m, &m->ext_present);
}

static int encode_body(const msg_server_hello *m, ctls_writer *w)
{
    if (m->session_id.len > 32) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_u16(w, m->legacy_version));
    CTLS_GUARD(wr_bytes(w, m->is_hrr ? msg_hrr_random : m->random, 32));
    CTLS_GUARD(wr_vec8(w, m->session_id.p, m->session_id.len));
    CTLS_GUARD(wr_u16(w, m->cipher_suite));
    CTLS_GUARD(wr_u8(w, m->compression_method));
    if (m->ext_present == 0 && !m->is_hrr) return 0; /* TLS 1.2 form without extensions */
    unsigned ctx = sh_ctx(m->is_hrr, (m->ext_present & EXT_BIT(EXT_SUPPORTED_VERSIONS)) != 0);
    return ext_block_encode(ctx, m, m->ext_present, m->order.ids ? &m->order : NULL, w);
}

int msg_server_hello_encode(const msg_server_hello *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_SERVER_HELLO, &mark);
    if (rc == 0) rc = encode_body(m, w);
    return msg_end(w, &mark, rc);
}
