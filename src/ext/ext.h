/* The extension table: one descriptor per extension we know (RFC 8446 4.2 and the TLS 1.2
 * extensions we speak), one file per extension with its decode and encode.
 *
 * A descriptor says which messages may carry the extension (EXT_IN_*, RFC 8446 4.2's table;
 * TLS 1.2-only extensions: ClientHello and the TLS 1.2 ServerHello). The block codec
 * (ext_block_decode / ext_block_encode) walks an extensions<..> block and applies the rules:
 * - at most EXT_MAX_PER_BLOCK extensions per block, else CTLS_ERR_LIMIT (decode_error);
 * - a duplicate (known or unknown type): CTLS_ERR_ILLEGAL_PARAMETER (RFC 8446 4.2);
 * - an unknown type: ignored in CH, CR, NST and Certificate entries (RFC 8446 4.2),
 *   CTLS_ERR_UNSUPPORTED_EXTENSION in SH, HRR, EE and the TLS 1.2 ServerHello;
 * - a known type the message may not carry: CTLS_ERR_ILLEGAL_PARAMETER (RFC 8446 4.2);
 * - pre_shared_key not last in a ClientHello: CTLS_ERR_ILLEGAL_PARAMETER (RFC 8446 4.2.11).
 */
#ifndef CTLS_EXT_EXT_H
#define CTLS_EXT_EXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"
#include "msg/msg.h"

/* The message an extensions block belongs to (one bit each, so descriptors can hold a set). */
enum {
    EXT_IN_CH = 1u << 0,   /* ClientHello (msg_client_hello) */
    EXT_IN_SH = 1u << 1,   /* TLS 1.3 ServerHello (msg_server_hello) */
    EXT_IN_HRR = 1u << 2,  /* HelloRetryRequest (msg_server_hello) */
    EXT_IN_EE = 1u << 3,   /* EncryptedExtensions (msg_encrypted_extensions) */
    EXT_IN_CT = 1u << 4,   /* CertificateEntry (not decoded through the table: shape only) */
    EXT_IN_CR = 1u << 5,   /* TLS 1.3 CertificateRequest (msg_certificate_request) */
    EXT_IN_NST = 1u << 6,  /* TLS 1.3 NewSessionTicket (msg_new_session_ticket) */
    EXT_IN_SH12 = 1u << 7, /* TLS 1.2 ServerHello (msg_server_hello) */
};

#define EXT_MAX_PER_BLOCK 128

/* Decode: r is a reader over the extension_data content; the function must consume it all
 * (the block codec checks). m is the message struct matching ctx. */
typedef int (*ext_decode_fn)(unsigned ctx, void *m, ctls_reader *r);
/* Encode: append the extension_data content (the block codec writes type and length). */
typedef int (*ext_encode_fn)(unsigned ctx, const void *m, ctls_writer *w);

typedef struct {
    uint16_t code;    /* IANA code point */
    uint8_t id;       /* EXT_* */
    uint8_t allowed;  /* EXT_IN_* set */
    const char *name; /* IANA name, for logs */
    ext_decode_fn decode;
    ext_encode_fn encode;
} ext_desc;

/* Indexed by EXT_* id; the index order is the default encode order. */
extern const ext_desc ext_table[EXT_COUNT];

const ext_desc *ext_by_code(uint16_t code); /* NULL when unknown */
const ext_desc *ext_by_id(int id);          /* NULL when out of range */

/* Decode the CONTENT of an extensions block (without its u16 length) for message ctx into m;
 * *present gets EXT_BIT(id) of each known extension seen. */
int ext_block_decode(unsigned ctx, ctls_reader *block, void *m, uint32_t *present);
/* Append a whole extensions block (u16 length + extensions) for the extensions in present,
 * in order (then the rest in table order); pre_shared_key always last in a ClientHello. An
 * extension the message may not carry: CTLS_ERR_INVALID_ARG. */
int ext_block_encode(unsigned ctx, const void *m, uint32_t present, const msg_ext_order *order,
                     ctls_writer *w);

/* 1 when the block content holds an extension of type code (a shape-tolerant scan: the real
 * decode reports malformed blocks). */
int ext_block_has(const ctls_reader *block, uint16_t code);

/* Shared shape checks. */
/* A u16 list content: even, non-empty length (RFC <2..2^16-2>). */
int ext_check_u16_list(ctls_slice s);

/* Per-extension codecs (src/ext/<name>.c). */
#define EXT_DECLARE(n)                                                                             \
    int ext_##n##_decode(unsigned ctx, void *m, ctls_reader *r);                                   \
    int ext_##n##_encode(unsigned ctx, const void *m, ctls_writer *w)
EXT_DECLARE(server_name);
EXT_DECLARE(supported_groups);
EXT_DECLARE(ec_point_formats);
EXT_DECLARE(signature_algorithms);
EXT_DECLARE(signature_algorithms_cert);
EXT_DECLARE(alpn);
EXT_DECLARE(ems);
EXT_DECLARE(session_ticket);
EXT_DECLARE(pre_shared_key);
EXT_DECLARE(early_data);
EXT_DECLARE(supported_versions);
EXT_DECLARE(cookie);
EXT_DECLARE(psk_key_exchange_modes);
EXT_DECLARE(certificate_authorities);
EXT_DECLARE(post_handshake_auth);
EXT_DECLARE(key_share);
EXT_DECLARE(renegotiation_info);
EXT_DECLARE(status_request);
EXT_DECLARE(record_size_limit);
#undef EXT_DECLARE

/* Helpers for empty extensions (the content must be empty). */
int ext_empty_decode(ctls_reader *r);

/* OCSP stapling (status_request.c, RFC 6066 8, RFC 8446 4.4.2.1). */
#define EXT_STATUS_TYPE_OCSP 1
/* CertificateStatus (the TLS 1.3 CertificateEntry extension's content, the TLS 1.2 message's
 * body): status_type ocsp, OCSPResponse<1..2^24-1>, checked by ext_ocsp_response_check; any
 * other type or shape is CTLS_ERR_DECODE. */
int ext_cert_status_decode(ctls_reader *r, ctls_slice *ocsp_response);
int ext_cert_status_encode(ctls_slice ocsp_response, ctls_writer *w);
/* The light sanity check of an OCSPResponse (RFC 6960 4.2.1): one DER SEQUENCE starting with
 * a one-byte ENUMERATED, nothing after it; CTLS_ERR_DECODE otherwise. No verification. */
int ext_ocsp_response_check(ctls_slice der);

#endif
