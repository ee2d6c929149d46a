/* CertificateVerify (RFC 8446 4.4.3): SignatureScheme algorithm; opaque signature<0..2^16-1>.
 * An empty signature is never valid for any scheme we know, so we require 1..2^16-1. The TLS
 * 1.2 CertificateVerify (RFC 5246 7.4.8, digitally-signed with SignatureAndHashAlgorithm) has
 * the same shape. */
#include <string.h>

#include "msg/internal.h"

int msg_certificate_verify_decode(const uint8_t *body, size_t len, msg_certificate_verify *m)
{
    ctls_reader r;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u16(&r, &m->scheme));
    CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &m->signature));
    return rd_expect_empty(&r);
}

int msg_certificate_verify_encode(const msg_certificate_verify *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CERTIFICATE_VERIFY, &mark);
    if (rc == 0 && (m->signature.len < 1 || m->signature.len > 0xffff)) rc = CTLS_ERR_INVALID_ARG;
    if (rc == 0) rc = wr_u16(w, m->scheme);
    if (rc == 0) rc = wr_vec16(w, m->signature.p, m->signature.len);
    return msg_end(w, &mark, rc);
}
