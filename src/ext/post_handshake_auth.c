/* post_handshake_auth (RFC 8446 4.2.6): empty, ClientHello only. */
#include "ext/ext.h"

int ext_post_handshake_auth_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return ext_empty_decode(r);
}
int ext_post_handshake_auth_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    return 0;
}
