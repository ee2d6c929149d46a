/* A strict DER TLV reader over the bounded reader of core/bytes.h (X.690 section 10):
 * single-byte tags only, definite lengths in the minimal number of octets, every element
 * consumed exactly, nesting bounded by DER_MAX_DEPTH. Errors are CTLS_ERR_DECODE. */
#ifndef CTLS_X509_DER_H
#define CTLS_X509_DER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/bytes.h"

#define DER_MAX_DEPTH 24
#define DER_MAX_LEN (1u << 24) /* no element in a certificate we accept is near 16 MiB */

enum {
    DER_BOOLEAN = 0x01,
    DER_INTEGER = 0x02,
    DER_BIT_STRING = 0x03,
    DER_OCTET_STRING = 0x04,
    DER_NULL = 0x05,
    DER_OID = 0x06,
    DER_ENUMERATED = 0x0a,
    DER_UTF8_STRING = 0x0c,
    DER_PRINTABLE_STRING = 0x13,
    DER_IA5_STRING = 0x16,
    DER_UTC_TIME = 0x17,
    DER_GENERALIZED_TIME = 0x18,
    DER_SEQUENCE = 0x30,
    DER_SET = 0x31,
};
#define DER_CTX(n) (0x80 | (n))      /* [n] IMPLICIT, primitive */
#define DER_CTX_CONS(n) (0xa0 | (n)) /* [n] constructed (EXPLICIT or IMPLICIT SEQUENCE) */

typedef struct {
    ctls_reader r;
    unsigned depth;
} der_rd;

void der_init(der_rd *d, const uint8_t *p, size_t len);
static inline int der_empty(const der_rd *d)
{
    return rd_remaining(&d->r) == 0;
}
/* The tag of the next element, or -1 when none is left. */
int der_peek(const der_rd *d);
/* Any element: its tag, its content and the whole TLV (header included; either may be NULL). */
CTLS_MUST_USE int der_any(der_rd *d, uint8_t *tag, ctls_slice *content, ctls_slice *whole);
/* An element with this tag; content / whole as above. */
CTLS_MUST_USE int der_get(der_rd *d, uint8_t tag, ctls_slice *content, ctls_slice *whole);
/* A constructed element with this tag, as a sub-reader one level deeper. */
CTLS_MUST_USE int der_enter(der_rd *d, uint8_t tag, der_rd *sub);
/* When the next tag is tag: read it as der_get and set *present = 1; else *present = 0. */
CTLS_MUST_USE int der_opt(der_rd *d, uint8_t tag, ctls_slice *content, int *present);
/* CTLS_ERR_DECODE unless d was consumed exactly. */
CTLS_MUST_USE int der_done(const der_rd *d);

/* BOOLEAN: DER allows only 0x00 and 0xff. */
CTLS_MUST_USE int der_bool(der_rd *d, int *v);
/* INTEGER with a minimal two's-complement encoding; *v is its content octets. */
CTLS_MUST_USE int der_integer(der_rd *d, ctls_slice *v);
/* A non-negative INTEGER that fits in 63 bits. */
CTLS_MUST_USE int der_small_uint(der_rd *d, int64_t *v);
/* OBJECT IDENTIFIER: non-empty, each sub-identifier minimal, the last one complete. */
CTLS_MUST_USE int der_oid(der_rd *d, ctls_slice *oid);
/* BIT STRING: *bits are the octets after the unused-bit count; DER requires the unused bits
 * to be zero and the count to be 0 for an empty string. */
CTLS_MUST_USE int der_bits(der_rd *d, ctls_slice *bits, unsigned *unused);
/* NULL with empty content. */
CTLS_MUST_USE int der_null(der_rd *d);

/* Checks a whole element tree: every constructed element (recursively, up to max_depth) is
 * well-formed DER and the buffer holds exactly one element. */
CTLS_MUST_USE int der_check_tree(const uint8_t *p, size_t len, unsigned max_depth);

static inline int der_slice_eq(ctls_slice a, const uint8_t *b, size_t blen)
{
    return a.len == blen && (blen == 0 || memcmp(a.p, b, blen) == 0);
}

/* RFC 5280 4.1.2.5: UTCTime YYMMDDHHMMSSZ (YY >= 50 is 19YY) or GeneralizedTime
 * YYYYMMDDHHMMSSZ; no fractions, always Z. Seconds since the epoch. */
CTLS_MUST_USE int der_time(der_rd *d, int64_t *t);
/* Days-from-civil for a validated date (time.c); exposed for tests. */
int64_t ctls_x509_timegm(int year, int mon, int day, int hour, int min, int sec);

#endif
