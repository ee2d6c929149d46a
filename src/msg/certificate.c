/* Certificate (RFC 8446 4.4.2; RFC 5246 7.4.2).
 * TLS 1.3: opaque certificate_request_context<0..2^8-1>;
 *          CertificateEntry certificate_list<0..2^24-1>;
 *          CertificateEntry: opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>;
 * TLS 1.2: ASN.1Cert certificate_list<0..2^24-1>; ASN.1Cert opaque<1..2^24-1>. */
#include <string.h>

#include "msg/internal.h"

/* CertificateEntry extensions: checked for shape only (type, u16-prefixed data); which of
 * them the peer may send is a matter of what was offered, and we offer none. */
static int check_entry_extensions(ctls_reader *list)
{
    ctls_reader exts;
    size_t n = 0;
    CTLS_GUARD(rd_vec16(list, &exts));
    while (rd_remaining(&exts) > 0) {
        uint16_t type;
        ctls_reader data;
        CTLS_GUARD(rd_u16(&exts, &type));
        CTLS_GUARD(rd_vec16(&exts, &data));
        if (++n > EXT_MAX_PER_BLOCK) return CTLS_ERR_LIMIT;
    }
    return rd_expect_empty(&exts);
}

int msg_certificate_decode(const uint8_t *body, size_t len, int tls12, msg_certificate *m)
{
    ctls_reader r, list;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    if (!tls12) CTLS_GUARD(rd_vec8_slice(&r, 0, 255, &m->request_context));
    CTLS_GUARD(rd_vec24(&r, &list));
    CTLS_GUARD(rd_expect_empty(&r));
    while (rd_remaining(&list) > 0) {
        ctls_slice cert;
        CTLS_GUARD(rd_vec24_slice(&list, 1, 0xffffff, &cert));
        if (!tls12) CTLS_GUARD(check_entry_extensions(&list));
        /* DESIGN 1: a chain is at most MSG_MAX_CHAIN certificates. */
        if (m->count == MSG_MAX_CHAIN) return CTLS_ERR_LIMIT;
        m->certs[m->count++] = cert;
    }
    return rd_expect_empty(&list);
}

static int encode_body(const msg_certificate *m, int tls12, ctls_writer *w)
{
    if (m->count > MSG_MAX_CHAIN || m->request_context.len > 255 ||
        (tls12 && m->request_context.len))
        return CTLS_ERR_INVALID_ARG;
    for (size_t i = 0; i < m->count; i++)
        if (m->certs[i].len < 1 || m->certs[i].len > 0xffffff) return CTLS_ERR_INVALID_ARG;
    if (!tls12) CTLS_GUARD(wr_vec8(w, m->request_context.p, m->request_context.len));
    CTLS_GUARD(wr_open(w, 3));
    for (size_t i = 0; i < m->count; i++) {
        CTLS_GUARD(wr_vec24(w, m->certs[i].p, m->certs[i].len));
        if (!tls12) CTLS_GUARD(wr_u16(w, 0)); /* no CertificateEntry extensions */
    }
    return wr_close(w);
}

int msg_certificate_encode(const msg_certificate *m, int tls12, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CERTIFICATE, &mark);
    if (rc == 0) rc = encode_body(m, tls12, w);
    return msg_end(w, &mark, rc);
}
