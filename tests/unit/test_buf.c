/* core/buf: the byte queue, its cap, trimming and the per-thread buffer cache. */
#include "harness.h"

#include "core/buf.h"
#include "core/err.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

TEST(append_consume_compact)
{
    ctls_buf b = {0};
    CHECK_EQ(buf_size(&b), 0);
    CHECK_EQ(buf_append(&b, "hello", 5, 100), 0);
    CHECK_EQ(buf_size(&b), 5);
    CHECK_MEM(buf_data(&b), "hello", 5);
    buf_consume(&b, 2);
    CHECK_MEM(buf_data(&b), "llo", 3);
    CHECK_EQ(buf_append(&b, "!", 1, 100), 0);
    CHECK_MEM(buf_data(&b), "llo!", 4);
    buf_consume(&b, 100); /* more than held: empties */
    CHECK_EQ(buf_size(&b), 0);
    CHECK(b.p != NULL); /* storage kept for reuse until trimmed */
    buf_trim(&b);
    CHECK(b.p == NULL);
    buf_free(&b);
}

TEST(hard_cap)
{
    ctls_buf b = {0};
    CHECK_EQ(buf_append(&b, "0123456789", 10, 10), 0);
    CHECK_EQ(buf_append(&b, "x", 1, 10), CTLS_ERR_LIMIT);
    uint8_t *at;
    CHECK_EQ(buf_reserve(&b, (size_t)-1, (size_t)-1, &at), CTLS_ERR_LIMIT); /* no wrap */
    CHECK_EQ(buf_size(&b), 10);
    buf_consume(&b, 5);
    CHECK_EQ(buf_append(&b, "abcde", 5, 10), 0); /* consumed space counts as free */
    CHECK_MEM(buf_data(&b), "56789abcde", 10);
    buf_free(&b);
}

/* Nothing appended to a never-allocated buffer (an empty TLS 1.3 early data record, found by
 * fuzz_server: fuzz/regressions/fuzz_server/empty-early-data-record): buf_reserve returned
 * b->p + b->len with p NULL, NULL + 0, undefined behaviour that clang's UBSan
 * (pointer-overflow) stops on; gcc's does not check it. */
TEST(empty_append_unallocated)
{
    ctls_buf b = {0};
    uint8_t *at = (uint8_t *)&b;
    CHECK_EQ(buf_reserve(&b, 0, 100, &at), 0);
    CHECK(at == NULL);
    CHECK_EQ(buf_append(&b, "", 0, 100), 0);
    CHECK_EQ(buf_size(&b), 0);
    CHECK(b.p == NULL); /* nothing to hold: still no storage */
    CHECK_EQ(buf_append(&b, "ab", 2, 100), 0);
    CHECK_MEM(buf_data(&b), "ab", 2);
    buf_free(&b);
}

TEST(trim_keeps_nonempty)
{
    ctls_buf b = {0};
    CHECK_EQ(buf_append(&b, "abc", 3, 100), 0);
    buf_trim(&b);
    CHECK(b.p != NULL);
    CHECK_EQ(buf_size(&b), 3);
    buf_free(&b);
    CHECK(b.p == NULL);
}

TEST(released_storage_is_reused_and_wiped)
{
    ctls_buf a = {0}, b = {0};
    uint8_t big[20000];
    memset(big, 0xaa, sizeof big);
    CHECK_EQ(buf_append(&a, big, sizeof big, 1 << 20), 0);
    uint8_t *first = a.p;
    buf_free(&a); /* goes to the thread's cache */
    CHECK_EQ(buf_append(&b, "z", 1, 1 << 20), 0);
    /* a small request may get the big cached buffer or a fresh one; a big one must reuse */
    buf_free(&b);
    uint8_t *at;
    CHECK_EQ(buf_reserve(&a, sizeof big, 1 << 20, &at), 0);
    CHECK(a.p == first || b.p == NULL);
    /* whatever we got back holds no old plaintext */
    int dirty = 0;
    for (size_t i = 0; i < sizeof big; i++)
        dirty |= at[i] == 0xaa;
    CHECK(!dirty);
    buf_free(&a);
}

/* Small buffers released after a handshake filled every slot of the cache, so a record-sized
 * wire buffer was then allocated and freed once per record for the life of the connection. */
static void *lockout_thread(void *arg)
{
    int *ok = arg; /* a fresh thread: its cache starts empty */
    ctls_buf small[4] = {{0}}, big = {0};
    static uint8_t rec[17000];
    memset(rec, 0x55, sizeof rec);
    *ok = 1;
    for (int i = 0; i < 4; i++)
        *ok &= buf_append(&small[i], "hs", 2, 1 << 20) == 0;
    for (int i = 0; i < 4; i++)
        buf_free(&small[i]); /* every slot now holds a 1 KiB buffer */
    *ok &= buf_append(&big, rec, sizeof rec, 1 << 20) == 0;
    /* compared as integers: the block is freed in between, and a compiler may fold a
     * comparison with a freed pointer */
    uintptr_t first = (uintptr_t)big.p;
    buf_free(&big);
    for (int round = 0; round < 3; round++) { /* steady traffic: the same storage every time */
        /* had the buffer gone back to malloc, this allocation of its size would take it
         * (volatile: the compiler would drop an unused malloc/free pair) */
        void *volatile other = malloc(32 * 1024);
        *ok &= buf_append(&big, rec, sizeof rec, 1 << 20) == 0;
        *ok &= (uintptr_t)big.p == first;
        buf_free(&big);
        free(other);
    }
    return NULL;
}

TEST(small_buffers_do_not_lock_out_a_record_buffer)
{
    pthread_t t;
    int ok = 0;
    CHECK_EQ(pthread_create(&t, NULL, lockout_thread, &ok), 0);
    CHECK_EQ(pthread_join(t, NULL), 0);
    CHECK(ok);
}

int main(void)
{
    RUN(append_consume_compact);
    RUN(hard_cap);
    RUN(empty_append_unallocated);
    RUN(trim_keeps_nonempty);
    RUN(released_storage_is_reused_and_wiped);
    RUN(small_buffers_do_not_lock_out_a_record_buffer);
    return th_summary();
}
