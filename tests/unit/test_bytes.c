/* core/bytes: every over-read and over-write case. */
#include "harness.h"

#include <stdlib.h>

#include "core/bytes.h"
#include "core/mem.h"

TEST(reader_ints)
{
    const uint8_t b[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18};
    ctls_reader r;
    rd_init(&r, b, sizeof b);
    uint8_t a;
    uint16_t s;
    uint32_t t, u;
    uint64_t v;
    CHECK_EQ(rd_u8(&r, &a), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(rd_u16(&r, &s), 0);
    CHECK_EQ(s, 0x0203);
    CHECK_EQ(rd_u24(&r, &t), 0);
    CHECK_EQ(t, 0x040506);
    CHECK_EQ(rd_u32(&r, &u), 0);
    CHECK_EQ(u, 0x0708090a);
    CHECK_EQ(rd_u64(&r, &v), 0);
    CHECK(v == 0x0b0c0d0e0f101112ull);
    CHECK_EQ(rd_remaining(&r), 0);
    CHECK_EQ(rd_expect_empty(&r), 0);
}

TEST(reader_overread_is_sticky)
{
    const uint8_t b[] = {0xaa, 0xbb, 0xcc};
    ctls_reader r;
    rd_init(&r, b, sizeof b);
    uint32_t x;
    uint8_t y;
    CHECK_EQ(rd_u32(&r, &x), CTLS_ERR_DECODE);
    /* a failed read poisons the reader: even a read that would fit now fails */
    CHECK_EQ(rd_u8(&r, &y), CTLS_ERR_DECODE);
    CHECK_EQ(rd_remaining(&r), 0);
    CHECK_EQ(rd_expect_empty(&r), CTLS_ERR_DECODE);
}

TEST(reader_each_width_overreads)
{
    const uint8_t b[8] = {0};
    for (size_t have = 0; have < 8; have++) {
        ctls_reader r;
        uint8_t a;
        uint16_t s;
        uint32_t t;
        uint64_t v;
        rd_init(&r, b, have);
        CHECK_EQ(rd_u8(&r, &a), have >= 1 ? 0 : CTLS_ERR_DECODE);
        rd_init(&r, b, have);
        CHECK_EQ(rd_u16(&r, &s), have >= 2 ? 0 : CTLS_ERR_DECODE);
        rd_init(&r, b, have);
        CHECK_EQ(rd_u24(&r, &t), have >= 3 ? 0 : CTLS_ERR_DECODE);
        rd_init(&r, b, have);
        CHECK_EQ(rd_u32(&r, &t), have >= 4 ? 0 : CTLS_ERR_DECODE);
        rd_init(&r, b, have);
        CHECK_EQ(rd_u64(&r, &v), CTLS_ERR_DECODE);
    }
}

TEST(reader_vectors)
{
    /* vec16 of 3 bytes holding a vec8 of 2, then a trailing byte */
    const uint8_t b[] = {0x00, 0x03, 0x02, 0xde, 0xad, 0x7f};
    ctls_reader r, sub, sub2;
    rd_init(&r, b, sizeof b);
    CHECK_EQ(rd_vec16(&r, &sub), 0);
    CHECK_EQ(rd_remaining(&sub), 3);
    CHECK_EQ(rd_vec8(&sub, &sub2), 0);
    CHECK_EQ(rd_remaining(&sub2), 2);
    const uint8_t *p;
    CHECK_EQ(rd_bytes(&sub2, 2, &p), 0);
    CHECK_EQ(p[0], 0xde);
    CHECK_EQ(rd_expect_empty(&sub2), 0);
    CHECK_EQ(rd_expect_empty(&sub), 0);
    /* the sub-reader cannot see past its vector */
    uint8_t x;
    CHECK_EQ(rd_u8(&sub, &x), CTLS_ERR_DECODE);
    CHECK_EQ(rd_expect_empty(&r), CTLS_ERR_DECODE); /* 0x7f left */
    CHECK_EQ(rd_u8(&r, &x), 0);
    CHECK_EQ(x, 0x7f);
    CHECK_EQ(rd_expect_empty(&r), 0);
}

TEST(reader_vector_length_beyond_buffer)
{
    const uint8_t b16[] = {0x00, 0x05, 1, 2, 3};
    const uint8_t b24[] = {0xff, 0xff, 0xff, 1};
    const uint8_t b8[] = {0x01};
    ctls_reader r, sub;
    rd_init(&r, b16, sizeof b16);
    CHECK_EQ(rd_vec16(&r, &sub), CTLS_ERR_DECODE);
    CHECK_EQ(rd_remaining(&sub), 0);
    rd_init(&r, b24, sizeof b24);
    CHECK_EQ(rd_vec24(&r, &sub), CTLS_ERR_DECODE);
    rd_init(&r, b8, sizeof b8);
    CHECK_EQ(rd_vec8(&r, &sub), CTLS_ERR_DECODE);
    rd_init(&r, b8, 0);
    CHECK_EQ(rd_vec8(&r, &sub), CTLS_ERR_DECODE);
}

TEST(reader_slice_bounds)
{
    const uint8_t b[] = {0x02, 0xaa, 0xbb};
    ctls_reader r;
    ctls_slice s;
    rd_init(&r, b, sizeof b);
    CHECK_EQ(rd_vec8_slice(&r, 1, 2, &s), 0);
    CHECK_EQ(s.len, 2);
    rd_init(&r, b, sizeof b);
    CHECK_EQ(rd_vec8_slice(&r, 3, 255, &s), CTLS_ERR_DECODE); /* shorter than min */
    rd_init(&r, b, sizeof b);
    CHECK_EQ(rd_vec8_slice(&r, 0, 1, &s), CTLS_ERR_DECODE); /* longer than max */
    rd_init(&r, b, sizeof b);
    CHECK_EQ(rd_skip(&r, 1), 0);
    CHECK_EQ(rd_rest(&r, &s), 0);
    CHECK_EQ(s.len, 2);
    CHECK_EQ(rd_expect_empty(&r), 0);
}

TEST(reader_copy_and_null)
{
    ctls_reader r;
    uint8_t d[4];
    rd_init(&r, NULL, 10); /* a NULL buffer is an empty one */
    CHECK_EQ(rd_remaining(&r), 0);
    CHECK_EQ(rd_copy(&r, d, 1), CTLS_ERR_DECODE);
    const uint8_t b[] = {9, 8};
    rd_init(&r, b, 2);
    CHECK_EQ(rd_copy(&r, d, 3), CTLS_ERR_DECODE);
    rd_init(&r, b, 2);
    CHECK_EQ(rd_copy(&r, d, 2), 0);
    CHECK_EQ(d[1], 8);
    /* a huge skip must not wrap */
    rd_init(&r, b, 2);
    CHECK_EQ(rd_skip(&r, (size_t)-1), CTLS_ERR_DECODE);
}

TEST(writer_fixed)
{
    uint8_t buf[16];
    ctls_writer w;
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_u8(&w, 1), 0);
    CHECK_EQ(wr_u16(&w, 0x0203), 0);
    CHECK_EQ(wr_u24(&w, 0x040506), 0);
    CHECK_EQ(wr_u32(&w, 0x0708090a), 0);
    CHECK_EQ(w.len, 10);
    const uint8_t want[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CHECK_MEM(buf, want, 10);
    CHECK_EQ(wr_bytes(&w, want, 6), 0);
    CHECK_EQ(w.len, 16);
    CHECK_EQ(wr_u8(&w, 0), CTLS_ERR_LIMIT); /* full */
    CHECK_EQ(wr_status(&w), CTLS_ERR_LIMIT);
    CHECK_EQ(wr_u8(&w, 0), CTLS_ERR_LIMIT); /* sticky */
    CHECK_EQ(w.len, 16);
}

TEST(writer_overwrite_each_width)
{
    for (size_t cap = 0; cap < 4; cap++) {
        uint8_t buf[4];
        ctls_writer w;
        wr_init(&w, buf, cap);
        CHECK_EQ(wr_u16(&w, 1), cap >= 2 ? 0 : CTLS_ERR_LIMIT);
        wr_init(&w, buf, cap);
        CHECK_EQ(wr_u24(&w, 1), cap >= 3 ? 0 : CTLS_ERR_LIMIT);
        wr_init(&w, buf, cap);
        CHECK_EQ(wr_u32(&w, 1), CTLS_ERR_LIMIT);
        wr_init(&w, buf, cap);
        CHECK_EQ(wr_bytes(&w, "abcd", 4), CTLS_ERR_LIMIT);
    }
    uint8_t buf[4];
    ctls_writer w;
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_u24(&w, 0x1000000), CTLS_ERR_LIMIT); /* does not fit 24 bits */
}

TEST(writer_nested_vectors)
{
    uint8_t buf[32];
    ctls_writer w;
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_open(&w, 2), 0);
    CHECK_EQ(wr_open(&w, 1), 0);
    CHECK_EQ(wr_bytes(&w, "xyz", 3), 0);
    CHECK_EQ(wr_close(&w), 0);
    CHECK_EQ(wr_vec24(&w, "ab", 2), 0);
    CHECK_EQ(wr_close(&w), 0);
    CHECK_EQ(wr_status(&w), 0);
    const uint8_t want[] = {0, 9, 3, 'x', 'y', 'z', 0, 0, 2, 'a', 'b'};
    CHECK_EQ(w.len, sizeof want);
    CHECK_MEM(buf, want, sizeof want);
    /* read back with the reader */
    ctls_reader r, s1, s2;
    rd_init(&r, buf, w.len);
    CHECK_EQ(rd_vec16(&r, &s1), 0);
    CHECK_EQ(rd_vec8(&s1, &s2), 0);
    CHECK_EQ(rd_remaining(&s2), 3);
}

TEST(writer_unbalanced_and_too_long)
{
    uint8_t buf[300];
    ctls_writer w;
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_close(&w), CTLS_ERR_INTERNAL); /* close without open */
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_open(&w, 1), 0);
    CHECK_EQ(wr_status(&w), CTLS_ERR_INTERNAL); /* still open */
    CHECK_EQ(wr_zeros(&w, 256), 0);
    CHECK_EQ(wr_close(&w), CTLS_ERR_LIMIT); /* 256 does not fit a 1-byte length */
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_open(&w, 4), CTLS_ERR_INTERNAL);
    wr_init(&w, buf, sizeof buf);
    for (int i = 0; i < WR_MAX_DEPTH; i++)
        CHECK_EQ(wr_open(&w, 1), 0);
    CHECK_EQ(wr_open(&w, 1), CTLS_ERR_INTERNAL); /* nesting limit */
}

TEST(writer_dynamic_grows_to_cap)
{
    ctls_writer w;
    wr_init_dyn(&w, 1000);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(wr_u8(&w, (uint8_t)i), 0);
    CHECK_EQ(w.len, 1000);
    CHECK_EQ(wr_u8(&w, 0), CTLS_ERR_LIMIT);
    wr_free(&w);
    wr_init_dyn(&w, 1 << 20);
    CHECK_EQ(wr_zeros(&w, 70000), 0);
    uint8_t *out;
    size_t len;
    CHECK_EQ(wr_take(&w, &out, &len), 0);
    CHECK_EQ(len, 70000);
    ctls_free(out);
    wr_free(&w);
    /* a fixed writer cannot be taken */
    uint8_t buf[4];
    wr_init(&w, buf, 4);
    CHECK_EQ(wr_take(&w, &out, &len), CTLS_ERR_INTERNAL);
}

TEST(wipe_and_dup)
{
    uint8_t s[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    ctls_wipe(s, sizeof s);
    for (int i = 0; i < 8; i++)
        CHECK_EQ(s[i], 0);
    char *d = ctls_strdup("abc");
    CHECK(d && strcmp(d, "abc") == 0);
    ctls_free(d);
    CHECK(ctls_strdup(NULL) == NULL);
}

int main(void)
{
    RUN(reader_ints);
    RUN(reader_overread_is_sticky);
    RUN(reader_each_width_overreads);
    RUN(reader_vectors);
    RUN(reader_vector_length_beyond_buffer);
    RUN(reader_slice_bounds);
    RUN(reader_copy_and_null);
    RUN(writer_fixed);
    RUN(writer_overwrite_each_width);
    RUN(writer_nested_vectors);
    RUN(writer_unbalanced_and_too_long);
    RUN(writer_dynamic_grows_to_cap);
    RUN(wipe_and_dup);
    return th_summary();
}
