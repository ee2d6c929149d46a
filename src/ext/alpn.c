/* application_layer_protocol_negotiation (RFC 7301 3.1):
 * ProtocolName protocol_name_list<2..2^16-1>, ProtocolName opaque<1..2^8-1>. The server's
 * list (EE, TLS 1.2 ServerHello) "MUST contain exactly one" name. */
#include "ext/ext.h"

/* A ProtocolNameList content: non-empty, every name 1..255 bytes. Returns the name count. */
static int check_list(ctls_slice list, size_t *count)
{
    ctls_reader r;
    rd_init(&r, list.p, list.len);
    *count = 0;
    if (list.len == 0) return CTLS_ERR_DECODE;
    while (rd_remaining(&r) > 0) {
        ctls_slice name;
        CTLS_GUARD(rd_vec8_slice(&r, 1, 255, &name));
        (*count)++;
    }
    return rd_expect_empty(&r);
}

int ext_alpn_decode(unsigned ctx, void *m, ctls_reader *r)
{
    ctls_slice list;
    size_t count;
    CTLS_GUARD(rd_vec16_slice(r, 2, 0xffff, &list));
    CTLS_GUARD(check_list(list, &count));
    if (ctx == EXT_IN_CH) {
        ((msg_client_hello *)m)->alpn = list;
        return 0;
    }
    if (count != 1) return CTLS_ERR_DECODE;
    ctls_slice name = {list.p + 1, list.len - 1}; /* the single u8-prefixed name */
    if (ctx == EXT_IN_EE)
        ((msg_encrypted_extensions *)m)->alpn = name;
    else
        ((msg_server_hello *)m)->alpn = name;
    return 0;
}

int ext_alpn_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    size_t count;
    if (ctx == EXT_IN_CH) {
        ctls_slice list = ((const msg_client_hello *)m)->alpn;
        if (check_list(list, &count) < 0) return CTLS_ERR_INVALID_ARG;
        return wr_vec16(w, list.p, list.len);
    }
    ctls_slice name = ctx == EXT_IN_EE ? ((const msg_encrypted_extensions *)m)->alpn
                                       : ((const msg_server_hello *)m)->alpn;
    if (name.len < 1 || name.len > 255) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_open(w, 2));
    CTLS_GUARD(wr_vec8(w, name.p, name.len));
    return wr_close(w);
}
