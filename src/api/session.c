/* Sessions. Resumption (tickets, PSK) is not implemented yet: a connection never has a
 * usable session, so ctls_conn_get_session returns NULL (the documented "no session" answer)
 * and offering one is refused with CTLS_ERR_UNSUPPORTED rather than silently ignored. */
#include "api/internal.h"
#include "core/mem.h"

struct ctls_session {
    int unused;
};

ctls_session *ctls_conn_get_session(ctls_conn *c)
{
    (void)c;
    return NULL;
}

int ctls_conn_set_session(ctls_conn *c, const ctls_session *s)
{
    if (!c || !s) return CTLS_ERR_INVALID_ARG;
    return CTLS_ERR_UNSUPPORTED;
}

int ctls_session_resumed(ctls_conn *c)
{
    return c ? c->resumed : 0;
}
int ctls_tickets_received(ctls_conn *c)
{
    return c ? c->tickets_received : 0;
}

int ctls_session_serialize(const ctls_session *s, uint8_t *out, size_t *len)
{
    (void)out;
    if (!s || !len) return CTLS_ERR_INVALID_ARG;
    return CTLS_ERR_UNSUPPORTED;
}

ctls_session *ctls_session_parse(const uint8_t *in, size_t len)
{
    (void)in;
    (void)len;
    return NULL;
}

void ctls_session_free(ctls_session *s)
{
    ctls_free(s);
}
