/* extended_master_secret (RFC 7627 5.1): empty extension_data in both hellos. */
#include "ext/ext.h"

int ext_ems_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return ext_empty_decode(r);
}
int ext_ems_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    return 0;
}
