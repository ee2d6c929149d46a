/* EncryptedExtensions (RFC 8446 4.3.1): Extension extensions<0..2^16-1>. */
#include <string.h>

#include "msg/internal.h"

int msg_encrypted_extensions_decode(const uint8_t *body, size_t len, msg_encrypted_extensions *m)
{
    ctls_reader r, exts;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_vec16(&r, &exts));
    CTLS_GUARD(rd_expect_empty(&r));
    return ext_block_decode(EXT_IN_EE, &exts, m, &m->ext_present);
}

int msg_encrypted_extensions_encode(const msg_encrypted_extensions *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_ENCRYPTED_EXTENSIONS, &mark);
    if (rc == 0)
        rc = ext_block_encode(EXT_IN_EE, m, m->ext_present, m->order.ids ? &m->order : NULL, w);
    return msg_end(w, &mark, rc);
}
