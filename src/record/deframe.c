/* Record framing on the read side (RFC 8446 5.1, 5.2): header checks, size limits, decryption,
 * and the change_cipher_spec rule of section 5. */
#include <stdint.h>
#include <string.h>

#include "api/internal.h"
#include "core/bytes.h"
#include "core/mem.h"
#include "record/record.h"

#define MAX_EMPTY_RECORDS 32

/* Room for the record at the end of c->in (empty then): its header, then the plaintext. */
static int room13(ctls_conn *c, const uint8_t *hdr, size_t length, uint8_t **body)
{
    uint8_t *at;
    CTLS_GUARD(buf_reserve(&c->in, REC_HEADER_LEN + length, REC_IN_MAX, &at));
    memcpy(at, hdr, REC_HEADER_LEN);
    *body = at + REC_HEADER_LEN;
    return 0;
}

/* A TLS 1.3 protected record (RFC 8446 5.2): opened into the application's buffer when the
 * whole plaintext fits there (bulk reads then skip a copy), else into c->in: in place, or, for
 * a record read from c->rd_ext (ext), out of place into room at the end of c->in, so its
 * ciphertext is never copied. Anything but application data that was opened into the
 * application's buffer is moved into c->in (and wiped from the application's buffer) for the
 * usual path. *in_c says whether the plaintext is in c->in at REC_HEADER_LEN. */
static int open13(ctls_conn *c, int ext, const uint8_t *hdr, size_t length, uint8_t *t,
                  size_t *plen, int *in_c)
{
    /* the data and its content type may need one byte more than the buffer has: that byte,
     * the type when there is no padding, is kept aside (rec_open13_into) */
    int direct = c->rd_direct && length > CTLS_AEAD_TAG_LEN &&
                 length - CTLS_AEAD_TAG_LEN - 1 <= c->rd_direct_cap;
    uint8_t *body = ext ? NULL : buf_data(&c->in) + REC_HEADER_LEN;
    if (ext && !direct) CTLS_GUARD(room13(c, hdr, length, &body));
    uint8_t *dst = direct ? c->rd_direct : body;
    CTLS_GUARD(rec_open13_into(&c->rd, hdr, hdr + REC_HEADER_LEN, length, dst,
                               direct ? c->rd_direct_cap : SIZE_MAX, t, plen));
    *in_c = 1;
    if (direct && *t == CT_APPLICATION_DATA) {
        c->rd_direct_len = *plen;
        c->rd_direct_used = 1;
        *in_c = 0;
        return 0;
    }
    if (direct) {
        int rc = ext ? room13(c, hdr, length, &body) : 0;
        if (rc == 0) memcpy(body, dst, *plen);
        size_t opened = length - CTLS_AEAD_TAG_LEN;
        ctls_wipe(dst, opened < c->rd_direct_cap ? opened : c->rd_direct_cap);
        CTLS_GUARD(rc);
    }
    if (ext) buf_commit(&c->in, REC_HEADER_LEN + *plen);
    return 0;
}

#define REC_SKIPPED 1 /* rec_read_one dropped a record of rejected early data */

/* RFC 8446 4.2.10: a record of a rejected early data offer is dropped (early13_skip keeps the
 * budget): consumed, and the next one is read. */
static int skip_early(ctls_conn *c, int ext, size_t rec_size, size_t length)
{
    CTLS_GUARD(early13_skip(c, length));
    if (!ext) buf_consume(&c->in, rec_size); /* from rd_ext: already counted as used */
    return REC_SKIPPED;
}

static int rec_read_one(ctls_conn *c, uint8_t *type, size_t *off, size_t *len, size_t *rec_size)
{
    ctls_reader r;
    uint8_t t;
    uint16_t version, length;
    /* Records buffered in c->in come first; then ctls_read_input's bytes, read in place. */
    int ext = buf_size(&c->in) == 0 && c->rd_ext_used < c->rd_ext_len;
    const uint8_t *src = ext ? c->rd_ext + c->rd_ext_used : buf_data(&c->in);
    rd_init(&r, src, ext ? c->rd_ext_len - c->rd_ext_used : buf_size(&c->in));
    if (rd_remaining(&r) < REC_HEADER_LEN) return CTLS_WANT_READ;
    CTLS_GUARD(rd_u8(&r, &t));
    CTLS_GUARD(rd_u16(&r, &version));
    CTLS_GUARD(rd_u16(&r, &length));
    /* An SSL 2.0 ClientHello starts with a 2-byte length with the top bit set. */
    if (c->role == CTLS_SERVER && c->version == 0 && (t & 0x80)) return CTLS_ERR_PROTOCOL_VERSION;
    if (t != CT_CHANGE_CIPHER_SPEC && t != CT_ALERT && t != CT_HANDSHAKE &&
        t != CT_APPLICATION_DATA)
        return CTLS_ERR_UNEXPECTED_MESSAGE;
    /* RFC 8446 5.1: legacy_record_version is 0x0303, or 0x0301 on an initial ClientHello;
     * anything not 3.x is not TLS. */
    if ((version >> 8) != 0x03) return CTLS_ERR_PROTOCOL_VERSION;
    size_t limit = c->rd.aead || c->early_skip ? REC_MAX_CIPHER : REC_MAX_PLAIN;
    if (length > limit) return CTLS_ERR_RECORD_OVERFLOW;
    if (rd_remaining(&r) < length) return CTLS_WANT_READ; /* io_fill completes it in c->in */
    size_t plen = length;
    *rec_size = REC_HEADER_LEN + (size_t)length;
    *off = REC_HEADER_LEN;
    /* The protected TLS 1.3 case of the chain below, the only one read in place from
     * rd_ext: every other record is copied into c->in first, as ctls_conn_feed would. */
    int prot13 = c->rd.aead && c->version != CTLS_TLS1_2 && t == CT_APPLICATION_DATA;
    if (ext) {
        c->rd_ext_used += *rec_size;
        if (!prot13) {
            CTLS_GUARD(buf_append(&c->in, src, *rec_size, REC_IN_MAX));
            ext = 0;
        }
    }
    uint8_t *hdr = ext ? NULL : buf_data(&c->in);
    uint8_t *body = ext ? NULL : hdr + REC_HEADER_LEN;

    if (t == CT_CHANGE_CIPHER_SPEC) {
        /* RFC 8446 5: a single 0x01 byte, unprotected, only during the handshake. */
        if (!c->ccs_allowed || ++c->in_ccs_count > 1) return CTLS_ERR_UNEXPECTED_MESSAGE;
        if (c->version == CTLS_TLS1_2 && c->rd.aead) {
            /* RFC 5246 7.1: in TLS 1.2 the one real CCS comes under the current read state:
             * the null keys in the first handshake, the connection's keys in a
             * renegotiation (hs/reneg12.c) */
            if (!c->hs_done) return CTLS_ERR_UNEXPECTED_MESSAGE;
            size_t poff;
            CTLS_GUARD(rec_open12(&c->rd, t, body, length, &poff, &plen));
            body += poff;
            *off += poff;
            length = (uint16_t)plen;
        }
        if (length != 1 || body[0] != 0x01) return CTLS_ERR_UNEXPECTED_MESSAGE;
        *type = t;
        *len = 1;
        return 0;
    }
    if (c->rd.aead && c->version == CTLS_TLS1_2) {
        /* RFC 5246 6.2.3.3: the real content type is in the header (and the AAD). */
        size_t poff;
        CTLS_GUARD(rec_open12(&c->rd, t, body, length, &poff, &plen));
        *off += poff;
    } else if (c->rd.aead && t == CT_ALERT && c->role == CTLS_SERVER && !c->hs_done &&
               c->rd.seq == 0 && c->version == CTLS_TLS1_3) {
        /* A client that rejects our flight before it switched keys (OpenSSL does, e.g. on an
         * unknown CA) sends its alert unprotected. Accept that one case, as OpenSSL's server
         * does: before any protected record from the client, an alert in the clear. */
    } else if (c->rd.aead) {
        if (!prot13) return CTLS_ERR_UNEXPECTED_MESSAGE; /* everything is protected now */
        int in_c;
        int orc = open13(c, ext, ext ? src : hdr, length, &t, &plen, &in_c);
        if (orc == CTLS_ERR_BAD_RECORD_MAC && c->early_skip == EARLY_SKIP_UNDECRYPTABLE)
            return skip_early(c, ext, *rec_size, length);
        CTLS_GUARD(orc);
        /* RFC 8446 4.2.10: the first record that opens starts the client's second flight */
        if (c->early_skip == EARLY_SKIP_UNDECRYPTABLE) c->early_skip = EARLY_SKIP_NONE;
        if (ext) {
            /* the plaintext went to the application's buffer or now fills c->in alone */
            *rec_size = in_c ? REC_HEADER_LEN + plen : 0;
            if (!in_c) *off = 0;
        }
        if (t == CT_CHANGE_CIPHER_SPEC) return CTLS_ERR_UNEXPECTED_MESSAGE; /* a protected CCS */
        if (t != CT_ALERT && t != CT_HANDSHAKE && t != CT_APPLICATION_DATA)
            return CTLS_ERR_UNEXPECTED_MESSAGE;
    } else if (t == CT_APPLICATION_DATA) {
        /* RFC 8446 4.2.10: after a HelloRetryRequest, early data is skipped until CH2 */
        if (c->early_skip == EARLY_SKIP_APPDATA) return skip_early(c, 0, *rec_size, length);
        return CTLS_ERR_UNEXPECTED_MESSAGE; /* no application data in the clear */
    }
    if (plen == 0) {
        /* RFC 8446 5.1: no zero-length handshake or alert fragments; empty application data
         * is allowed, but a flood of it is not. */
        if (t != CT_APPLICATION_DATA) return CTLS_ERR_UNEXPECTED_MESSAGE;
        if (++c->empty_records > MAX_EMPTY_RECORDS) return CTLS_ERR_LIMIT;
    } else {
        c->empty_records = 0;
    }
    *type = t;
    *len = plen;
    return 0;
}

int rec_read(ctls_conn *c, uint8_t *type, size_t *off, size_t *len, size_t *rec_size)
{
    for (;;) {
        int rc = rec_read_one(c, type, off, len, rec_size);
        if (rc != REC_SKIPPED) return rc;
    }
}
