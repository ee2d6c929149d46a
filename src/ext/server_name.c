/* server_name (RFC 6066 3). ClientHello: a ServerNameList with exactly one host_name; EE and
 * the TLS 1.2 ServerHello: an empty acknowledgement. */
#include <string.h>

#include "ext/ext.h"

#define NAME_TYPE_HOST_NAME 0
#define HOST_NAME_MAX_LEN 255 /* DNS limit; the RFC allows up to 2^16-1 */

static int check_host_name(ctls_slice name)
{
    if (name.len == 0 || name.len > HOST_NAME_MAX_LEN) return CTLS_ERR_DECODE;
    /* A NUL inside a host name is an attack on C string handling, never a real name. */
    if (memchr(name.p, 0, name.len) != NULL) return CTLS_ERR_DECODE;
    return 0;
}

int ext_server_name_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx != EXT_IN_CH)
        return ext_empty_decode(r); /* RFC 6066 3: the server's extension_data is empty */
    msg_client_hello *ch = m;
    ctls_reader list;
    int found = 0;
    CTLS_GUARD(rd_vec16(r, &list));
    if (rd_remaining(&list) == 0) return CTLS_ERR_DECODE; /* ServerNameList <1..2^16-1> */
    while (rd_remaining(&list) > 0) {
        uint8_t type;
        ctls_slice name;
        CTLS_GUARD(rd_u8(&list, &type));
        /* Every defined NameType body is a u16-prefixed opaque; unknown types are skipped. */
        CTLS_GUARD(rd_vec16_slice(&list, 1, 0xffff, &name));
        if (type != NAME_TYPE_HOST_NAME) continue;
        /* RFC 6066 3: "MUST NOT contain more than one name of the same name_type". */
        if (found) return CTLS_ERR_DECODE;
        CTLS_GUARD(check_host_name(name));
        ch->server_name = name;
        found = 1;
    }
    CTLS_GUARD(rd_expect_empty(&list));
    return found ? 0 : CTLS_ERR_DECODE;
}

int ext_server_name_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx != EXT_IN_CH) return 0;
    const msg_client_hello *ch = m;
    if (check_host_name(ch->server_name) < 0) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_open(w, 2));
    CTLS_GUARD(wr_u8(w, NAME_TYPE_HOST_NAME));
    CTLS_GUARD(wr_vec16(w, ch->server_name.p, ch->server_name.len));
    return wr_close(w);
}
