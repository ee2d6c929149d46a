/* Fuzz target: serialised session parsing (ctls_session_parse), public API only. A parsed
 * session must serialise again and re-parse to the same bytes, and offering it from a client
 * (ctls_conn_set_session, then the ClientHello with its PSK identity and binder) must fail
 * cleanly or work, whatever the session holds. Does real work only once resumption is
 * implemented (before that, ctls_session_parse always returns NULL). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ctls_session *s = ctls_session_parse(data, size);
    if (!s) return 0;
    static uint8_t out[1 << 17], again[1 << 17];
    size_t n = sizeof out;
    if (ctls_session_serialize(s, out, &n) == 0) {
        ctls_session *t = ctls_session_parse(out, n);
        if (!t) __builtin_trap(); /* what we wrote we must read back */
        size_t m = sizeof again;
        if (ctls_session_serialize(t, again, &m) != 0 || m != n || memcmp(out, again, n) != 0)
            __builtin_trap(); /* and it must be stable */
        ctls_session_free(t);
    }
    fz_rng_reset();
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_CLIENT, 0));
    if (c) {
        ctls_conn_set_server_name(c, "fuzz.example");
        if (ctls_conn_set_session(c, s) == 0) {
            fz_use(c);
            (void)ctls_handshake(c);
        }
        ctls_conn_free(c);
    }
    ctls_session_free(s);
    return 0;
}
