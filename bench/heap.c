/* Heap accounting by malloc interposition: the executable defines malloc and friends, so every
 * allocation in the process (ctls, libssl, GnuTLS, libcrypto, nettle, libc) passes through
 * here and is forwarded to glibc's allocator. The size charged is malloc_usable_size(), the
 * bytes really held. Counters are plain globals: tracking is switched on only while a single
 * thread runs the heap figure. */
#include "bench.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>

/* Exported even though the project builds with -fvisibility=hidden: the shared libraries
 * (libssl, libcrypto, GnuTLS) must bind to these definitions. */
#define EXPORT __attribute__((visibility("default")))

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static int tracking;
static _Thread_local int tag = SIDE_NONE; /* written by each benchmark thread */
static int64_t live[3], peak[3];
static uint64_t nallocs[3];

void heap_tracking(int on)
{
    tracking = on;
}
int heap_tag(int side)
{
    int old = tag;
    tag = side;
    return old;
}
int64_t heap_live(int side)
{
    return live[side];
}
int64_t heap_peak(int side)
{
    return peak[side];
}
void heap_reset_peak(int side)
{
    peak[side] = live[side];
}
uint64_t heap_allocs(int side)
{
    return nallocs[side];
}

static void charge(int64_t delta, int is_new)
{
    live[tag] += delta;
    if (live[tag] > peak[tag]) peak[tag] = live[tag];
    nallocs[tag] += (uint64_t)is_new;
}

EXPORT void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    if (tracking && p) charge((int64_t)malloc_usable_size(p), 1);
    return p;
}

EXPORT void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    if (tracking && p) charge((int64_t)malloc_usable_size(p), 1);
    return p;
}

EXPORT void *realloc(void *old, size_t n)
{
    int64_t before = (tracking && old) ? (int64_t)malloc_usable_size(old) : 0;
    void *p = __libc_realloc(old, n);
    if (tracking) {
        if (p)
            charge((int64_t)malloc_usable_size(p) - before, old == NULL);
        else if (n == 0)
            charge(-before, 0);
    }
    return p;
}

EXPORT void free(void *p)
{
    if (tracking && p) charge(-(int64_t)malloc_usable_size(p), 0);
    __libc_free(p);
}

EXPORT void *memalign(size_t align, size_t n)
{
    void *p = __libc_memalign(align, n);
    if (tracking && p) charge((int64_t)malloc_usable_size(p), 1);
    return p;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
    return memalign(align, n);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0) return EINVAL;
    void *p = memalign(align, n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
