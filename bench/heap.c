/* Heap accounting by malloc interposition: the executable defines malloc and friends, so every
 * allocation in the process (ctls, libssl, GnuTLS, libcrypto, nettle, libc) passes through
 * here and is forwarded to glibc's allocator. The size charged is malloc_usable_size(), the
 * bytes really held.
 *
 * While tracking is on, every block allocated is remembered with the side it was charged to
 * (an open-addressing table in its own mapping), so a block freed later — by another call,
 * by another side's call or at a thread's exit — is credited back to the side that paid for
 * it, and blocks from before tracking are ignored. Counters and table are plain globals:
 * tracking is on only while one thread at a time runs the heap figure. */
#include "bench.h"

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <sys/mman.h>

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

/* ---- pointer -> side table -------------------------------------------------------------- */
#define TBITS 22
#define TSIZE ((size_t)1 << TBITS)
#define TMASK (TSIZE - 1)

typedef struct {
    uintptr_t key; /* 0 = empty */
    int side;
} slot;

static slot *table;
static size_t table_used;
static int overflowed;

static size_t slot_of(uintptr_t k)
{
    return (size_t)(((uint64_t)k * 0x9E3779B97F4A7C15ull) >> (64 - TBITS));
}

static void table_put(const void *p, int side)
{
    uintptr_t k = (uintptr_t)p;
    size_t i = slot_of(k);
    while (table[i].key && table[i].key != k)
        i = (i + 1) & TMASK;
    if (!table[i].key) table_used++;
    table[i].key = k;
    table[i].side = side;
}

/* The side p was charged to (and forgets p), or -1 when p was not allocated while tracking. */
static int table_take(const void *p)
{
    uintptr_t k = (uintptr_t)p;
    size_t i = slot_of(k);
    while (table[i].key != k) {
        if (!table[i].key) return -1;
        i = (i + 1) & TMASK;
    }
    int side = table[i].side;
    /* backward-shift deletion keeps every probe sequence unbroken */
    for (size_t j = i;;) {
        j = (j + 1) & TMASK;
        if (!table[j].key) break;
        size_t h = slot_of(table[j].key);
        int between = i <= j ? (i < h && h <= j) : (i < h || h <= j);
        if (!between) {
            table[i] = table[j];
            i = j;
        }
    }
    table[i].key = 0;
    table_used--;
    return side;
}

void heap_tracking(int on)
{
    if (on) {
        if (table) munmap(table, TSIZE * sizeof(slot));
        table = mmap(NULL, TSIZE * sizeof(slot), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (table == MAP_FAILED) {
            table = NULL;
            return;
        }
        table_used = 0;
        overflowed = 0;
    }
    tracking = on;
}

int heap_ok(void)
{
    return table != NULL && !overflowed;
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

static void charge(int side, int64_t delta)
{
    live[side] += delta;
    if (live[side] > peak[side]) peak[side] = live[side];
}

static void on_alloc(void *p)
{
    if (!tracking || !p) return;
    if (table_used > TSIZE / 2) { /* full: stop rather than slow down; reported */
        tracking = 0;
        overflowed = 1;
        return;
    }
    charge(tag, (int64_t)malloc_usable_size(p));
    nallocs[tag]++;
    table_put(p, tag);
}

static void on_free(void *p)
{
    if (!tracking || !p) return;
    int side = table_take(p);
    if (side >= 0) charge(side, -(int64_t)malloc_usable_size(p));
}

EXPORT void *malloc(size_t n)
{
    void *p = __libc_malloc(n);
    on_alloc(p);
    return p;
}

EXPORT void *calloc(size_t a, size_t b)
{
    void *p = __libc_calloc(a, b);
    on_alloc(p);
    return p;
}

EXPORT void *realloc(void *old, size_t n)
{
    if (!tracking) return __libc_realloc(old, n);
    int side = old ? table_take(old) : -1;
    int64_t before = side >= 0 ? (int64_t)malloc_usable_size(old) : 0;
    void *p = __libc_realloc(old, n);
    if (!p && n != 0 && old) { /* failed: the old block stays */
        if (side >= 0) table_put(old, side);
        return p;
    }
    if (side >= 0) charge(side, -before);
    if (p) {
        int t = side >= 0 ? side : tag;
        charge(t, (int64_t)malloc_usable_size(p));
        nallocs[t] += side < 0;
        table_put(p, t);
    }
    return p;
}

EXPORT void free(void *p)
{
    on_free(p);
    __libc_free(p);
}

EXPORT void *memalign(size_t align, size_t n)
{
    void *p = __libc_memalign(align, n);
    on_alloc(p);
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
