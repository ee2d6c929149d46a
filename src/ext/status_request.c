/* status_request (RFC 6066 8, RFC 8446 4.4.2.1): OCSP stapling at the raw-response level.
 *
 * ClientHello: CertificateStatusRequest { CertificateStatusType status_type; ocsp(1):
 *   ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions<0..2^16-1>; }.
 *   A type other than ocsp is skipped (RFC 6066 8: the server ignores what it does not
 *   support); an ocsp request is checked for shape and recorded in status_request_ocsp.
 * TLS 1.2 ServerHello: empty (the acknowledgement; the CertificateStatus message follows the
 *   Certificate). CertificateRequest: accepted as is (we never staple a client certificate).
 * CertificateEntry (TLS 1.3) and the TLS 1.2 CertificateStatus message body: CertificateStatus
 *   { status_type ocsp(1); opaque OCSPResponse<1..2^24-1>; } (ext_cert_status_*). */
#include "ext/ext.h"
#include "x509/der.h"

static int decode_ocsp_request(ctls_reader *r)
{
    ctls_reader ids, exts;
    CTLS_GUARD(rd_vec16(r, &ids));
    while (rd_remaining(&ids) > 0) {
        ctls_slice id; /* RFC 6066 8: opaque ResponderID<1..2^16-1> */
        CTLS_GUARD(rd_vec16_slice(&ids, 1, 0xffff, &id));
    }
    CTLS_GUARD(rd_vec16(r, &exts)); /* DER Extensions, opaque to us */
    return 0;
}

int ext_status_request_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx == EXT_IN_SH12) return ext_empty_decode(r);
    ctls_slice ignored;
    if (ctx != EXT_IN_CH) return rd_rest(r, &ignored);
    uint8_t type;
    CTLS_GUARD(rd_u8(r, &type));
    if (type != EXT_STATUS_TYPE_OCSP) return rd_rest(r, &ignored);
    CTLS_GUARD(decode_ocsp_request(r));
    ((msg_client_hello *)m)->status_request_ocsp = 1;
    return 0;
}

int ext_status_request_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    (void)m;
    if (ctx == EXT_IN_SH12) return 0;
    /* status_type ocsp(1), empty responder_id_list, empty request_extensions */
    CTLS_GUARD(wr_u8(w, EXT_STATUS_TYPE_OCSP));
    CTLS_GUARD(wr_u16(w, 0));
    return wr_u16(w, 0);
}

int ext_cert_status_decode(ctls_reader *r, ctls_slice *ocsp_response)
{
    uint8_t type;
    CTLS_GUARD(rd_u8(r, &type));
    /* RFC 6066 8: the only status type; we never ask for another */
    if (type != EXT_STATUS_TYPE_OCSP) return CTLS_ERR_DECODE;
    CTLS_GUARD(rd_vec24_slice(r, 1, 0xffffff, ocsp_response));
    return ext_ocsp_response_check(*ocsp_response);
}

int ext_cert_status_encode(ctls_slice ocsp_response, ctls_writer *w)
{
    if (ocsp_response.len < 1 || ocsp_response.len > 0xffffff) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_u8(w, EXT_STATUS_TYPE_OCSP));
    return wr_vec24(w, ocsp_response.p, ocsp_response.len);
}

int ext_ocsp_response_check(ctls_slice der)
{
    /* RFC 6960 4.2.1: OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, ... }: one DER
     * SEQUENCE spanning the whole response, starting with a one-byte ENUMERATED, is all we
     * check; the rest (signature, certificate status, times) is the application's to verify. */
    der_rd d, seq;
    ctls_slice status;
    der_init(&d, der.p, der.len);
    CTLS_GUARD(der_enter(&d, DER_SEQUENCE, &seq));
    CTLS_GUARD(der_done(&d));
    CTLS_GUARD(der_get(&seq, DER_ENUMERATED, &status, NULL));
    return status.len == 1 ? 0 : CTLS_ERR_DECODE;
}
