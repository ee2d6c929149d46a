/* CertificateRequest, TLS 1.3 (RFC 8446 4.3.2):
 *   opaque certificate_request_context<0..2^8-1>; Extension extensions<2..2^16-1>;
 * "The signature_algorithms extension MUST be specified". */
#include <string.h>

#include "msg/internal.h"

int msg_certificate_request_decode(const uint8_t *body, size_t len, msg_certificate_request *m)
{
    ctls_reader r, exts;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_vec8_slice(&r, 0, 255, &m->request_context));
    CTLS_GUARD(rd_vec16(&r, &exts));
    CTLS_GUARD(rd_expect_empty(&r));
    CTLS_GUARD(ext_block_decode(EXT_IN_CR, &exts, m, &m->ext_present));
    if (!(m->ext_present & EXT_BIT(EXT_SIGNATURE_ALGORITHMS))) return CTLS_ERR_MISSING_EXTENSION;
    return 0;
}

static int encode_body(const msg_certificate_request *m, ctls_writer *w)
{
    if (m->request_context.len > 255 || !(m->ext_present & EXT_BIT(EXT_SIGNATURE_ALGORITHMS)))
        return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_vec8(w, m->request_context.p, m->request_context.len));
    return ext_block_encode(EXT_IN_CR, m, m->ext_present, NULL, w);
}

int msg_certificate_request_encode(const msg_certificate_request *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CERTIFICATE_REQUEST, &mark);
    if (rc == 0) rc = encode_body(m, w);
    return msg_end(w, &mark, rc);
}
