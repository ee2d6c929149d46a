/* status_request (RFC 6066 8, RFC 8446 4.4.2.1): recognised and ignored. In ClientHello and
 * CertificateRequest the CertificateStatusRequest is accepted as is (we never staple); the
 * TLS 1.2 ServerHello acknowledgement is empty. */
#include "ext/ext.h"

int ext_status_request_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx == EXT_IN_SH12) return ext_empty_decode(r);
    ctls_slice ignored;
    return rd_rest(r, &ignored);
}

int ext_status_request_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx == EXT_IN_SH12) return 0;
    /* status_type ocsp(1), empty responder_id_list, empty request_extensions */
    CTLS_GUARD(wr_u8(w, 1));
    CTLS_GUARD(wr_u16(w, 0));
    return wr_u16(w, 0);
}
