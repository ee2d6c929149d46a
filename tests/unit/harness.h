/* A tiny unit-test harness. Each test file defines tests with TEST(name) and lists them in
 * main via RUN(name); CHECK failures are counted, not fatal. The summary line is
 * "N passed, N failed" (one line per file), and the exit status is non-zero on any failure. */
#ifndef CTLS_TEST_HARNESS_H
#define CTLS_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

extern int th_failed_checks;
extern int th_passed, th_failed;
extern const char *th_current;

#define TEST(name) static void name(void)
#define RUN(name) th_run(#name, name)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            th_failed_checks++;                                                                    \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__, th_current,       \
                    #cond);                                                                        \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long th_a_ = (long long)(a), th_b_ = (long long)(b);                                  \
        if (th_a_ != th_b_) {                                                                      \
            th_failed_checks++;                                                                    \
            fprintf(stderr, "%s:%d: %s: CHECK_EQ failed: %s == %lld, %s == %lld\n", __FILE__,      \
                    __LINE__, th_current, #a, th_a_, #b, th_b_);                                   \
        }                                                                                          \
    } while (0)

#define CHECK_MEM(a, b, n)                                                                         \
    do {                                                                                           \
        if (memcmp((a), (b), (n)) != 0) {                                                          \
            th_failed_checks++;                                                                    \
            fprintf(stderr, "%s:%d: %s: CHECK_MEM failed: %s vs %s\n", __FILE__, __LINE__,         \
                    th_current, #a, #b);                                                           \
        }                                                                                          \
    } while (0)

void th_run(const char *name, void (*fn)(void));
/* Prints the summary line and returns the exit status for main. */
int th_summary(void);
/* Hex decoding for vectors: returns the byte count, or -1 on bad hex / too long. */
long th_unhex(const char *hex, unsigned char *out, size_t cap);
/* Reads a whole file (malloc'd, NUL-terminated); NULL on failure. */
char *th_read_file(const char *path, size_t *len);

#endif
