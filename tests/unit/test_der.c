/* Strict DER reader (src/x509/der.c) and X.509 times (time.c). */
#include "harness.h"

#include "x509/der.h"

static int tree(const char *hex)
{
    unsigned char b[512];
    long n = th_unhex(hex, b, sizeof b);
    if (n < 0) return -999;
    return der_check_tree(b, (size_t)n, DER_MAX_DEPTH);
}

TEST(lengths_minimal_definite)
{
    CHECK_EQ(tree("3000"), 0);
    CHECK_EQ(tree("3003020101"), 0);
    CHECK_EQ(tree("0400"), 0);
    /* non-minimal long form where the short form fits */
    CHECK(tree("30810100") < 0);
    CHECK(tree("3081050201010500") < 0);
    /* leading zero length octet */
    CHECK(tree("3082000100") < 0);
    /* indefinite length (BER only) */
    CHECK(tree("30800201010000") < 0);
    /* length of length too large / reserved */
    CHECK(tree("3084000000010000") < 0);
    CHECK(tree("30ff") < 0);
    /* length beyond the buffer */
    CHECK(tree("3005020101") < 0);
    CHECK(tree("30") < 0);
    CHECK(tree("") < 0);
    /* trailing bytes after the element, and inside a constructed element */
    CHECK(tree("300000") < 0);
    CHECK(tree("30030201") < 0);
    /* high tag number form */
    CHECK(tree("1f0100") < 0);
}

TEST(long_form_accepted_when_needed)
{
    unsigned char b[300];
    b[0] = 0x04;
    b[1] = 0x81;
    b[2] = 0x80;
    memset(b + 3, 0xab, 0x80);
    CHECK_EQ(der_check_tree(b, 3 + 0x80, DER_MAX_DEPTH), 0);
    b[1] = 0x82;
    b[2] = 0x00;
    b[3] = 0x80;
    CHECK(der_check_tree(b, 4 + 0x80, DER_MAX_DEPTH) < 0);
}

TEST(nesting_bounded)
{
    unsigned char b[200];
    /* 40 nested empty SEQUENCEs: 30 4e 30 4c ... 30 00 */
    int depth = 40;
    for (int i = 0; i < depth; i++) {
        b[2 * i] = 0x30;
        b[2 * i + 1] = (unsigned char)(2 * (depth - 1 - i));
    }
    CHECK(der_check_tree(b, 2 * (size_t)depth, DER_MAX_DEPTH) < 0);
    /* 10 levels are fine */
    depth = 10;
    for (int i = 0; i < depth; i++) {
        b[2 * i] = 0x30;
        b[2 * i + 1] = (unsigned char)(2 * (depth - 1 - i));
    }
    CHECK_EQ(der_check_tree(b, 2 * (size_t)depth, DER_MAX_DEPTH), 0);
    /* der_enter refuses past DER_MAX_DEPTH too */
    der_rd d, sub;
    der_init(&d, b, 2 * (size_t)depth);
    d.depth = DER_MAX_DEPTH;
    CHECK(der_enter(&d, DER_SEQUENCE, &sub) < 0);
}

static der_rd rd_hex(const char *hex, unsigned char *buf, size_t cap)
{
    der_rd d;
    long n = th_unhex(hex, buf, cap);
    der_init(&d, buf, n < 0 ? 0 : (size_t)n);
    return d;
}

TEST(primitives)
{
    unsigned char b[64];
    der_rd d;
    int v;
    ctls_slice s;
    int64_t x;
    unsigned unused;

    d = rd_hex("0101ff", b, sizeof b);
    CHECK_EQ(der_bool(&d, &v), 0);
    CHECK_EQ(v, 1);
    d = rd_hex("010100", b, sizeof b);
    CHECK_EQ(der_bool(&d, &v), 0);
    CHECK_EQ(v, 0);
    d = rd_hex("010101", b, sizeof b); /* BER TRUE */
    CHECK(der_bool(&d, &v) < 0);
    d = rd_hex("01020000", b, sizeof b);
    CHECK(der_bool(&d, &v) < 0);

    d = rd_hex("020100", b, sizeof b);
    CHECK_EQ(der_small_uint(&d, &x), 0);
    CHECK_EQ(x, 0);
    d = rd_hex("02020080", b, sizeof b);
    CHECK_EQ(der_small_uint(&d, &x), 0);
    CHECK_EQ(x, 128);
    d = rd_hex("02020001", b, sizeof b); /* non-minimal */
    CHECK(der_integer(&d, &s) < 0);
    d = rd_hex("0202ff80", b, sizeof b); /* non-minimal negative */
    CHECK(der_integer(&d, &s) < 0);
    d = rd_hex("0200", b, sizeof b); /* empty */
    CHECK(der_integer(&d, &s) < 0);
    d = rd_hex("0201ff", b, sizeof b); /* negative: not a small uint */
    CHECK(der_small_uint(&d, &x) < 0);

    d = rd_hex("06032a0304", b, sizeof b);
    CHECK_EQ(der_oid(&d, &s), 0);
    d = rd_hex("06032a8001", b, sizeof b); /* leading 0x80 in a sub-identifier */
    CHECK(der_oid(&d, &s) < 0);
    d = rd_hex("06022a83", b, sizeof b); /* last sub-identifier unfinished */
    CHECK(der_oid(&d, &s) < 0);
    d = rd_hex("0600", b, sizeof b);
    CHECK(der_oid(&d, &s) < 0);

    d = rd_hex("030206c0", b, sizeof b);
    CHECK_EQ(der_bits(&d, &s, &unused), 0);
    CHECK_EQ(unused, 6);
    d = rd_hex("030206c1", b, sizeof b); /* unused bits not zero */
    CHECK(der_bits(&d, &s, &unused) < 0);
    d = rd_hex("030108", b, sizeof b); /* unused count > 7 */
    CHECK(der_bits(&d, &s, &unused) < 0);
    d = rd_hex("030101", b, sizeof b); /* empty with unused bits */
    CHECK(der_bits(&d, &s, &unused) < 0);
    d = rd_hex("0500", b, sizeof b);
    CHECK_EQ(der_null(&d), 0);
    d = rd_hex("050100", b, sizeof b);
    CHECK(der_null(&d) < 0);
}

TEST(reader_structure)
{
    unsigned char b[64];
    der_rd d = rd_hex("3006020101020102", b, sizeof b), sub;
    ctls_slice s;
    int present;
    CHECK_EQ(der_peek(&d), 0x30);
    CHECK(der_enter(&d, DER_SET, &sub) < 0); /* wrong tag */
    CHECK_EQ(der_enter(&d, DER_SEQUENCE, &sub), 0);
    CHECK_EQ(sub.depth, 1);
    CHECK_EQ(der_opt(&sub, DER_BOOLEAN, &s, &present), 0);
    CHECK_EQ(present, 0);
    CHECK_EQ(der_get(&sub, DER_INTEGER, &s, NULL), 0);
    CHECK(der_done(&sub) < 0); /* one INTEGER left */
    CHECK_EQ(der_opt(&sub, DER_INTEGER, &s, &present), 0);
    CHECK_EQ(present, 1);
    CHECK_EQ(der_done(&sub), 0);
    CHECK_EQ(der_done(&d), 0);
    CHECK_EQ(der_peek(&d), -1);
    /* a primitive tag cannot be entered */
    d = rd_hex("0400", b, sizeof b);
    CHECK(der_enter(&d, 0x04, &sub) < 0);
}

static int time_of(const char *hex, int64_t *t)
{
    unsigned char b[64];
    der_rd d = rd_hex(hex, b, sizeof b);
    return der_time(&d, t);
}

/* "YYMMDDHHMMSSZ" as UTCTime hex */
static const char *utc(const char *s)
{
    static char hex[64];
    size_t n = strlen(s);
    snprintf(hex, sizeof hex, "17%02x", (unsigned)n);
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 4 + 2 * i, 3, "%02x", (unsigned char)s[i]);
    return hex;
}

static const char *gen(const char *s)
{
    static char hex[64];
    size_t n = strlen(s);
    snprintf(hex, sizeof hex, "18%02x", (unsigned)n);
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 4 + 2 * i, 3, "%02x", (unsigned char)s[i]);
    return hex;
}

TEST(times)
{
    int64_t t;
    CHECK_EQ(ctls_x509_timegm(1970, 1, 1, 0, 0, 0), 0);
    CHECK_EQ(ctls_x509_timegm(2026, 1, 1, 0, 0, 0), 1767225600);
    CHECK_EQ(ctls_x509_timegm(2000, 2, 29, 12, 0, 0), 951825600);
    CHECK_EQ(time_of(utc("260101000000Z"), &t), 0);
    CHECK_EQ(t, 1767225600);
    /* RFC 5280 4.1.2.5.1: YY >= 50 is 19YY, < 50 is 20YY */
    CHECK_EQ(time_of(utc("500101000000Z"), &t), 0);
    CHECK_EQ(t, ctls_x509_timegm(1950, 1, 1, 0, 0, 0));
    CHECK_EQ(time_of(utc("491231235959Z"), &t), 0);
    CHECK_EQ(t, ctls_x509_timegm(2049, 12, 31, 23, 59, 59));
    CHECK_EQ(time_of(gen("20500101000000Z"), &t), 0);
    CHECK_EQ(t, ctls_x509_timegm(2050, 1, 1, 0, 0, 0));
    CHECK_EQ(time_of(gen("99991231235959Z"), &t), 0);
    CHECK_EQ(time_of(utc("000229000000Z"), &t), 0); /* 2000 is a leap year */
    /* malformed */
    CHECK(time_of(utc("210229000000Z"), &t) < 0); /* not a leap year */
    CHECK(time_of(utc("261301000000Z"), &t) < 0); /* month 13 */
    CHECK(time_of(utc("260100000000Z"), &t) < 0); /* day 0 */
    CHECK(time_of(utc("260431000000Z"), &t) < 0); /* April 31 */
    CHECK(time_of(utc("260101240000Z"), &t) < 0); /* hour 24 */
    CHECK(time_of(utc("260101006000Z"), &t) < 0); /* minute 60 */
    CHECK(time_of(utc("260101000060Z"), &t) < 0); /* second 60 */
    CHECK(time_of(utc("2601010000Z"), &t) < 0);   /* no seconds */
    CHECK(time_of(utc("260101000000"), &t) < 0);  /* no Z */
    CHECK(time_of(utc("260101000000+0100"), &t) < 0);
    CHECK(time_of(utc("26010100000aZ"), &t) < 0);
    CHECK(time_of(utc("2601010000 0Z"), &t) < 0);
    CHECK(time_of(gen("20260101000000.5Z"), &t) < 0); /* fractions */
    CHECK(time_of(gen("202601010000Z"), &t) < 0);
    CHECK(time_of("0403313233", &t) < 0); /* not a time type */
}

int main(void)
{
    RUN(lengths_minimal_definite);
    RUN(long_form_accepted_when_needed);
    RUN(nesting_bounded);
    RUN(primitives);
    RUN(reader_structure);
    RUN(times);
    return th_summary();
}
