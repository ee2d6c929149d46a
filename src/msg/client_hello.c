/* ClientHello (RFC 8446 4.1.2; RFC 5246 7.4.1.2):
 *   ProtocolVersion legacy_version; Random random; opaque legacy_session_id<0..32>;
 *   CipherSuite cipher_suites<2..2^16-2>; opaque legacy_compression_methods<1..2^8-1>;
 *   Extension extensions<8..2^16-1>;   (absent in a TLS 1.2 ClientHello without extensions) */
#include <string.h>

#include "msg/internal.h"

int msg_client_hello_decode(const uint8_t *body, size_t len, msg_client_hello *m)
{
    ctls_reader r, exts;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u16(&r, &m->legacy_version));
    CTLS_GUARD(rd_copy(&r, m->random, sizeof(m->random)));
    CTLS_GUARD(rd_vec8_slice(&r, 0, 32, &m->session_id));
    CTLS_GUARD(rd_vec16_slice(&r, 2, 0xfffe, &m->cipher_suites));
    CTLS_GUARD(msg_check_u16_list(m->cipher_suites));
    CTLS_GUARD(rd_vec8_slice(&r, 1, 255, &m->compression_methods));
    /* RFC 5246 7.4.1.2: a TLS 1.2 client may send no extensions block at all. */
    if (rd_remaining(&r) == 0) return 0;
    CTLS_GUARD(rd_vec16(&r, &exts));
    CTLS_GUARD(rd_expect_empty(&r));
    CTLS_GUARD(ext_block_decode(EXT_IN_CH, &exts, m, &m->ext_present));
    if (m->ext_present & EXT_BIT(EXT_PRE_SHARED_KEY)) {
        /* pre_shared_key is the last extension and the binders list its last field, so the
         * binders (u16 length + content) are the last bytes of the message (RFC 8446
         * 4.2.11.2: the transcript hashed for a binder stops before them). */
        m->binders_offset = MSG_HEADER_LEN + len - 2 - m->psk_binders.len;
    }
    return 0;
}

static int encode_body(const msg_client_hello *m, ctls_writer *w)
{
    if (m->session_id.len > 32 || msg_check_u16_list(m->cipher_suites) < 0 ||
        m->cipher_suites.len > 0xfffe || m->compression_methods.len < 1 ||
        m->compression_methods.len > 255)
        return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_u16(w, m->legacy_version));
    CTLS_GUARD(wr_bytes(w, m->random, sizeof(m->random)));
    CTLS_GUARD(wr_vec8(w, m->session_id.p, m->session_id.len));
    CTLS_GUARD(wr_vec16(w, m->cipher_suites.p, m->cipher_suites.len));
    CTLS_GUARD(wr_vec8(w, m->compression_methods.p, m->compression_methods.len));
    if (m->ext_present == 0) return 0; /* TLS 1.2 form without extensions */
    return ext_block_encode(EXT_IN_CH, m, m->ext_present, m->order.ids ? &m->order : NULL, w);
}

int msg_client_hello_encode(const msg_client_hello *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CLIENT_HELLO, &mark);
    if (rc == 0) rc = encode_body(m, w);
    return msg_end(w, &mark, rc);
}
