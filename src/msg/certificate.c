/* Certificate (RFC 8446 4.4.2; RFC 5246 7.4.2).
 * TLS 1.3: opaque certificate_request_context<0..2^8-1>;
 *          CertificateEntry certificate_list<0..2^24-1>;
 *          CertificateEntry: opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>;
 * TLS 1.2: ASN.1Cert certificate_list<0..2^24-1>; ASN.1Cert opaque<1..2^24-1>.
 * CertificateStatus (TLS 1.2, RFC 6066 8): status_type ocsp(1); OCSPResponse<1..2^24-1>. */
#include <string.h>

#include "msg/internal.h"

/* CertificateEntry extensions: status_request decoded (RFC 8446 4.4.2.1; the leaf's response
 * kept), the others checked for shape only (type, u16-prefixed data); whether the peer may
 * send them is a matter of what was offered, for the state to judge. */
static int check_entry_extensions(ctls_reader *list, int leaf, msg_certificate *m)
{
    ctls_reader exts;
    size_t n = 0;
    int status_seen = 0;
    CTLS_GUARD(rd_vec16(list, &exts));
    while (rd_remaining(&exts) > 0) {
        uint16_t type;
        ctls_reader data;
        CTLS_GUARD(rd_u16(&exts, &type));
        CTLS_GUARD(rd_vec16(&exts, &data));
        if (++n > EXT_MAX_PER_BLOCK) return CTLS_ERR_LIMIT;
        if (type != ext_by_id(EXT_STATUS_REQUEST)->code) continue;
        /* RFC 8446 4.2: no two extensions of the same type in one block */
        if (status_seen++) return CTLS_ERR_ILLEGAL_PARAMETER;
        ctls_slice resp;
        CTLS_GUARD(ext_cert_status_decode(&data, &resp));
        CTLS_GUARD(rd_expect_empty(&data));
        m->status_request = 1;
        if (leaf) m->ocsp_response = resp;
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
        if (!tls12) CTLS_GUARD(check_entry_extensions(&list, m->count == 0, m));
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
    if (m->ocsp_response.len && (tls12 || !m->count)) return CTLS_ERR_INVALID_ARG;
    for (size_t i = 0; i < m->count; i++)
        if (m->certs[i].len < 1 || m->certs[i].len > 0xffffff) return CTLS_ERR_INVALID_ARG;
    if (!tls12) CTLS_GUARD(wr_vec8(w, m->request_context.p, m->request_context.len));
    CTLS_GUARD(wr_open(w, 3));
    for (size_t i = 0; i < m->count; i++) {
        CTLS_GUARD(wr_vec24(w, m->certs[i].p, m->certs[i].len));
        if (tls12) continue;
        CTLS_GUARD(wr_open(w, 2)); /* CertificateEntry extensions */
        if (i == 0 && m->ocsp_response.len) {
            /* RFC 8446 4.4.2.1: the staple goes with the end-entity certificate */
            CTLS_GUARD(wr_u16(w, ext_by_id(EXT_STATUS_REQUEST)->code));
            CTLS_GUARD(wr_open(w, 2));
            CTLS_GUARD(ext_cert_status_encode(m->ocsp_response, w));
            CTLS_GUARD(wr_close(w));
        }
        CTLS_GUARD(wr_close(w));
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

int msg_certificate_status_decode(const uint8_t *body, size_t len, msg_certificate_status *m)
{
    ctls_reader r;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(ext_cert_status_decode(&r, &m->ocsp_response));
    return rd_expect_empty(&r);
}

int msg_certificate_status_encode(const msg_certificate_status *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CERTIFICATE_STATUS, &mark);
    if (rc == 0) rc = ext_cert_status_encode(m->ocsp_response, w);
    return msg_end(w, &mark, rc);
}
