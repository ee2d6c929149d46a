/* Allocation wrappers and secure wipe. */
#ifndef CTLS_CORE_MEM_H
#define CTLS_CORE_MEM_H

#include <stddef.h>

void *ctls_malloc(size_t n);
void *ctls_calloc(size_t n, size_t size);
void *ctls_realloc(void *p, size_t n);
void ctls_free(void *p);
/* Overwrite n bytes with zeros in a way the compiler may not elide. */
void ctls_wipe(void *p, size_t n);
/* Wipe n bytes, then free. */
void ctls_free_secret(void *p, size_t n);
/* Copy of a NUL-terminated string (NULL on NULL or out of memory). */
char *ctls_strdup(const char *s);
/* Copy of n bytes (NULL when out of memory; a 1-byte allocation for n == 0). */
void *ctls_memdup(const void *p, size_t n);

#endif
