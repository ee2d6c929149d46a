#include "core/mem.h"

#include <stdlib.h>
#include <string.h>

/* explicit_bzero (glibc >= 2.25) is a wipe the compiler may not elide; nothing outside
 * src/crypto/ includes OpenSSL headers, so core does not use OPENSSL_cleanse. */

void *ctls_malloc(size_t n)
{
    return malloc(n ? n : 1);
}
void *ctls_calloc(size_t n, size_t size)
{
    return calloc(n ? n : 1, size ? size : 1);
}
void *ctls_realloc(void *p, size_t n)
{
    return realloc(p, n ? n : 1);
}
void ctls_free(void *p)
{
    free(p);
}

void ctls_wipe(void *p, size_t n)
{
    if (p && n) explicit_bzero(p, n);
}

void ctls_free_secret(void *p, size_t n)
{
    if (!p) return;
    ctls_wipe(p, n);
    free(p);
}

char *ctls_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void *ctls_memdup(const void *p, size_t n)
{
    void *d = malloc(n ? n : 1);
    if (d && n) memcpy(d, p, n);
    return d;
}
