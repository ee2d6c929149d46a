/* Record layer internals shared by deframe.c, frame.c and protect13.c. */
#ifndef CTLS_RECORD_RECORD_H
#define CTLS_RECORD_RECORD_H

#include "api/internal.h"

/* Decrypt a TLS 1.3 record: in/len is the ciphertext after the header hdr; the plaintext goes
 * to p (p == in: in place; else p holds len - tag bytes). */
int rec_open13(rec_keys *k, const uint8_t *hdr, const uint8_t *in, size_t len, uint8_t *p,
               uint8_t *type, size_t *plain_len);
/* The same into p with room for p_cap bytes, at least the inner plaintext (data, content type,
 * padding) less one byte: that last byte is then kept aside, so a full record (16 KiB of data
 * and its type) opens straight into a 16 KiB application buffer. */
int rec_open13_into(rec_keys *k, const uint8_t *hdr, const uint8_t *in, size_t len, uint8_t *p,
                    size_t p_cap, uint8_t *type, size_t *plain_len);
/* Protect data (len <= 2^14) as one record written at out (REC_HEADER_LEN + len + 1 + tag
 * bytes). data may lie at out + REC_HEADER_LEN already. */
int rec_seal13(rec_keys *k, uint8_t type, const uint8_t *data, size_t len, uint8_t *out);

/* TLS 1.2 AEAD records (protect12.c): decrypt in place; the plaintext is at p + *plain_off. */
int rec_open12(rec_keys *k, uint8_t type, uint8_t *p, size_t len, size_t *plain_off,
               size_t *plain_len);
/* Protect data (len <= 2^14) as one record at out (REC_HEADER_LEN + rec_overhead12 + len). */
int rec_seal12(rec_keys *k, uint8_t type, const uint8_t *data, size_t len, uint8_t *out);
size_t rec_overhead12(const rec_keys *k);

#endif
