/* Built against an installed ctls (pkg-config / CMake package): the public header is
 * self-contained and the library links. */
#include <ctls/ctls.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    ctls_config *cfg = ctls_config_new(CTLS_CLIENT);
    if (!cfg || strcmp(ctls_version_string(), "0.1.0") != 0) return 1;
    ctls_conn *c = ctls_conn_new(cfg);
    if (ctls_conn_set_server_name(c, "example.com") != 0) return 1;
    int rc = ctls_handshake(c); /* memory transport: the ClientHello is now pending */
    const void *out;
    size_t n = ctls_conn_output(c, &out);
    printf("handshake rc=%d (%s), %zu bytes of ClientHello pending\n", rc, ctls_strerror(rc), n);
    ctls_conn_free(c);
    ctls_config_free(cfg);
    return rc == CTLS_WANT_READ && n > 0 ? 0 : 1;
}
