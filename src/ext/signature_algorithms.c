/* signature_algorithms and signature_algorithms_cert (RFC 8446 4.2.3):
 * SignatureScheme supported_signature_algorithms<2..2^16-2>. */
#include "ext/ext.h"

static ctls_slice *field(unsigned ctx, void *m, int cert)
{
    if (ctx == EXT_IN_CH) {
        msg_client_hello *ch = m;
        return cert ? &ch->signature_algorithms_cert : &ch->signature_algorithms;
    }
    msg_certificate_request *cr = m;
    return cert ? &cr->signature_algorithms_cert : &cr->signature_algorithms;
}

static int decode(unsigned ctx, void *m, ctls_reader *r, int cert)
{
    ctls_slice s;
    CTLS_GUARD(rd_vec16_slice(r, 2, 0xfffe, &s));
    CTLS_GUARD(ext_check_u16_list(s));
    *field(ctx, m, cert) = s;
    return 0;
}

static int encode(unsigned ctx, const void *m, ctls_writer *w, int cert)
{
    /* field() does not write: the cast drops const only to share the accessor. */
    ctls_slice s = *field(ctx, (void *)(uintptr_t)m, cert);
    if (ext_check_u16_list(s) < 0) return CTLS_ERR_INVALID_ARG;
    return wr_vec16(w, s.p, s.len);
}

int ext_signature_algorithms_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return decode(ctx, m, r, 0);
}
int ext_signature_algorithms_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    return encode(ctx, m, w, 0);
}
int ext_signature_algorithms_cert_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return decode(ctx, m, r, 1);
}
int ext_signature_algorithms_cert_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    return encode(ctx, m, w, 1);
}
