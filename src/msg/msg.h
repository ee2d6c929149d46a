/* Handshake message codecs: bytes <-> typed structs. States never touch raw bytes: they decode
 * a message first, then act on the struct.
 *
 * Conventions:
 * - A *_decode function takes the message BODY (after the 4-byte handshake header) and fills
 *   the struct; slices point into the body, which must outlive the struct.
 * - A *_encode function appends the WHOLE handshake message (type, u24 length, body) to w.
 * - A ctls_slice holding a list holds the vector's CONTENT without its length prefix (e.g.
 *   cipher_suites = 2*n bytes). Decoders validate list shape (even length, non-empty where the
 *   RFC says so, no trailing bytes) so users can iterate with msg_u16_next.
 * - Errors are the alert-carrying statuses: CTLS_ERR_DECODE (malformed), ILLEGAL_PARAMETER,
 *   UNSUPPORTED_EXTENSION (an extension not allowed in that message, RFC 8446 4.2), ...
 * - Extensions are parsed by the table in src/ext/ (one file per extension).
 */
#ifndef CTLS_MSG_H
#define CTLS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"

/* RFC 8446 4 HandshakeType */
enum {
    MSG_HELLO_REQUEST = 0, /* TLS 1.2 */
    MSG_CLIENT_HELLO = 1,
    MSG_SERVER_HELLO = 2,
    MSG_NEW_SESSION_TICKET = 4,
    MSG_END_OF_EARLY_DATA = 5,
    MSG_ENCRYPTED_EXTENSIONS = 8,
    MSG_CERTIFICATE = 11,
    MSG_SERVER_KEY_EXCHANGE = 12, /* TLS 1.2 */
    MSG_CERTIFICATE_REQUEST = 13,
    MSG_SERVER_HELLO_DONE = 14, /* TLS 1.2 */
    MSG_CERTIFICATE_VERIFY = 15,
    MSG_CLIENT_KEY_EXCHANGE = 16, /* TLS 1.2 */
    MSG_FINISHED = 20,
    MSG_CERTIFICATE_STATUS = 22, /* TLS 1.2 (RFC 6066 8) */
    MSG_KEY_UPDATE = 24,
    MSG_MESSAGE_HASH = 254,
};

#define MSG_HEADER_LEN 4
#define MSG_MAX_LEN (64 * 1024) /* DESIGN 1: a handshake message is at most 64 KiB */
#define MSG_MAX_CHAIN 10        /* DESIGN 1: a chain is at most 10 certificates */
#define MSG_MAX_KEY_SHARES 8    /* more key shares than this in a ClientHello: illegal_parameter */
#define MSG_MAX_PSK_IDENTITIES 8

/* Extension ids: our own dense index (the table in src/ext maps them to code points). */
enum {
    EXT_SERVER_NAME = 0,           /* 0 */
    EXT_SUPPORTED_GROUPS,          /* 10 */
    EXT_EC_POINT_FORMATS,          /* 11 (TLS 1.2) */
    EXT_SIGNATURE_ALGORITHMS,      /* 13 */
    EXT_ALPN,                      /* 16 */
    EXT_EXTENDED_MASTER_SECRET,    /* 23 (TLS 1.2, RFC 7627) */
    EXT_SESSION_TICKET,            /* 35 (TLS 1.2, RFC 5077) */
    EXT_PRE_SHARED_KEY,            /* 41 */
    EXT_EARLY_DATA,                /* 42 */
    EXT_SUPPORTED_VERSIONS,        /* 43 */
    EXT_COOKIE,                    /* 44 */
    EXT_PSK_KEY_EXCHANGE_MODES,    /* 45 */
    EXT_CERTIFICATE_AUTHORITIES,   /* 47 */
    EXT_POST_HANDSHAKE_AUTH,       /* 49 */
    EXT_SIGNATURE_ALGORITHMS_CERT, /* 50 */
    EXT_KEY_SHARE,                 /* 51 */
    EXT_RENEGOTIATION_INFO,        /* 0xff01 (RFC 5746) */
    EXT_STATUS_REQUEST,            /* 5 (RFC 6066 8, RFC 8446 4.4.2.1): OCSP stapling */
    EXT_RECORD_SIZE_LIMIT,         /* 28 (RFC 8449) */
    EXT_COUNT
};
#define EXT_BIT(id) (1u << (id))

/* Encoders emit the present extensions in the table's default order, or in ext_order when set
 * (ids from the enum above; used to reproduce RFC 8448 byte-exact). Present extensions missing
 * from ext_order are appended in default order. */
typedef struct {
    const uint8_t *ids;
    size_t count;
} msg_ext_order;

/* ---- ClientHello (RFC 8446 4.1.2; also TLS 1.2) ---------------------------------------- */
typedef struct {
    uint16_t legacy_version;
    uint8_t random[32];
    ctls_slice session_id;          /* 0..32 bytes */
    ctls_slice cipher_suites;       /* u16 list, non-empty */
    ctls_slice compression_methods; /* u8 list, non-empty */
    uint32_t ext_present;           /* EXT_BIT(id) for each extension present */
    /* extension contents, decoded (valid when the bit is set) */
    ctls_slice server_name;          /* host_name value (1..255 bytes, no NUL) */
    ctls_slice supported_groups;     /* u16 list */
    ctls_slice signature_algorithms; /* u16 list */
    ctls_slice signature_algorithms_cert;
    ctls_slice alpn;                    /* ProtocolNameList content: u8-prefixed names */
    ctls_slice supported_versions;      /* u16 list (client form) */
    ctls_slice key_shares;              /* KeyShareEntry list content; no duplicate groups */
    ctls_slice psk_modes;               /* u8 list */
    ctls_slice cookie;                  /* cookie value */
    ctls_slice ec_point_formats;        /* u8 list */
    ctls_slice renegotiation_info;      /* renegotiated_connection value */
    ctls_slice session_ticket;          /* TLS 1.2 ticket (may be empty) */
    ctls_slice certificate_authorities; /* DistinguishedName list content */
    uint16_t record_size_limit;
    int status_request_ocsp; /* status_request of type ocsp (RFC 6066 8); other types skipped */
    /* pre_shared_key (must be the last extension): identities and binders content */
    ctls_slice psk_identities; /* PskIdentity list content: u16-prefixed identity, u32 age */
    ctls_slice psk_binders;    /* PskBinderEntry list content: u8-prefixed binders */
    /* Length of the ClientHello (with its 4-byte header) up to, not including, the binders
     * list: the part hashed for binders (RFC 8446 4.2.11.2). 0 when no pre_shared_key. */
    size_t binders_offset;
    msg_ext_order order; /* encode only */
} msg_client_hello;
/* Encode with psk_identities set writes pre_shared_key last, with psk_binders as given (zero
 * placeholders of the right lengths): the binders list (u16 length + content) is then the last
 * 2 + psk_binders.len bytes of the message, which the caller hashes up to and patches. */

/* ---- ServerHello / HelloRetryRequest (RFC 8446 4.1.3, 4.1.4) --------------------------- */
typedef struct {
    uint16_t legacy_version;
    uint8_t random[32];
    int is_hrr; /* random == the HelloRetryRequest magic (set by decode; honoured by encode) */
    ctls_slice session_id;
    uint16_t cipher_suite;
    uint8_t compression_method;
    uint32_t ext_present;
    uint16_t selected_version; /* supported_versions (server form) */
    uint16_t key_share_group;  /* key_share: group (in HRR: the only field) */
    ctls_slice key_share;      /* key_share: key_exchange (ServerHello only) */
    ctls_slice cookie;         /* HRR */
    uint16_t psk_identity;     /* pre_shared_key: selected_identity */
    ctls_slice alpn;           /* TLS 1.2: the single selected protocol name */
    ctls_slice renegotiation_info;
    ctls_slice ec_point_formats;
    uint16_t record_size_limit; /* TLS 1.2 ServerHello (RFC 8449) */
    msg_ext_order order;        /* encode only */
} msg_server_hello;

extern const uint8_t msg_hrr_random[32];

/* ---- EncryptedExtensions (RFC 8446 4.3.1) ---------------------------------------------- */
typedef struct {
    uint32_t ext_present;
    ctls_slice alpn;             /* the selected protocol name (exactly one in the list) */
    ctls_slice supported_groups; /* server's preference, informational */
    uint16_t record_size_limit;
    /* server_name (empty ack) and early_data (empty) are signalled by ext_present alone */
    msg_ext_order order; /* encode only */
} msg_encrypted_extensions;

/* ---- Certificate (RFC 8446 4.4.2; TLS 1.2 form when tls12) ----------------------------- */
typedef struct {
    ctls_slice request_context;      /* TLS 1.3 only */
    size_t count;                    /* at most MSG_MAX_CHAIN, else CTLS_ERR_LIMIT */
    ctls_slice certs[MSG_MAX_CHAIN]; /* cert_data (DER); leaf first */
    /* TLS 1.3 CertificateEntry extensions (RFC 8446 4.4.2): status_request is decoded in every
     * entry (ext_cert_status_decode; twice in one entry is illegal_parameter) and the leaf's
     * OCSPResponse kept; status_request says whether any entry had one, for the state to
     * refuse it when not asked for. Other types (SCT, ...) are checked for shape and ignored.
     * Encode: a non-empty ocsp_response goes into the leaf's entry. */
    int status_request;
    ctls_slice ocsp_response;
} msg_certificate;

/* ---- CertificateStatus (TLS 1.2, RFC 6066 8) -------------------------------------------- */
typedef struct {
    ctls_slice ocsp_response; /* status_type ocsp; OCSPResponse<1..2^24-1> (DER SEQUENCE) */
} msg_certificate_status;

/* ---- CertificateRequest (RFC 8446 4.3.2; TLS 1.2 form in msg_certificate_request12) ----- */
typedef struct {
    ctls_slice request_context;
    uint32_t ext_present;
    ctls_slice signature_algorithms; /* required (missing_extension otherwise) */
    ctls_slice signature_algorithms_cert;
    ctls_slice certificate_authorities; /* DistinguishedName list content */
} msg_certificate_request;

/* ---- CertificateVerify (RFC 8446 4.4.3; same shape in TLS 1.2 with TLS 1.2 sigalgs) ----- */
typedef struct {
    uint16_t scheme;
    ctls_slice signature; /* 1..2^16-1 bytes */
} msg_certificate_verify;

/* ---- Finished (RFC 8446 4.4.4) --------------------------------------------------------- */
typedef struct {
    ctls_slice verify_data; /* decode: the whole body; the state checks the length */
} msg_finished;

/* ---- NewSessionTicket (RFC 8446 4.6.1) ------------------------------------------------- */
typedef struct {
    uint32_t lifetime;
    uint32_t age_add;
    ctls_slice nonce;  /* 0..255 */
    ctls_slice ticket; /* 1..2^16-1 */
    uint32_t ext_present;
    uint32_t max_early_data; /* early_data extension */
} msg_new_session_ticket;

/* ---- KeyUpdate (RFC 8446 4.6.3) -------------------------------------------------------- */
typedef struct {
    uint8_t request_update; /* 0 or 1; anything else is illegal_parameter */
} msg_key_update;

/* ---- TLS 1.2 (RFC 5246, RFC 8422) ------------------------------------------------------ */
typedef struct {
    uint16_t group;    /* named_curve (curve_type 3 only) */
    ctls_slice point;  /* ECPoint 1..255 */
    ctls_slice params; /* the ServerECDHParams bytes, as signed */
    uint16_t scheme;   /* SignatureAndHashAlgorithm */
    ctls_slice signature;
} msg_server_key_exchange12;

typedef struct {
    ctls_slice point; /* ECPoint 1..255 */
} msg_client_key_exchange12;

typedef struct {
    ctls_slice cert_types;           /* u8 list, non-empty */
    ctls_slice signature_algorithms; /* u16 list */
    ctls_slice certificate_authorities;
} msg_certificate_request12;

typedef struct {
    uint32_t lifetime_hint;
    ctls_slice ticket;
} msg_new_session_ticket12;

/* ---- functions ------------------------------------------------------------------------- */
/* Split a handshake message: type and body; CTLS_ERR_DECODE if the header's length does not
 * match len exactly. */
int msg_split(const uint8_t *msg, size_t len, uint8_t *type, ctls_slice *body);

int msg_client_hello_decode(const uint8_t *body, size_t len, msg_client_hello *m);
int msg_client_hello_encode(const msg_client_hello *m, ctls_writer *w);
int msg_server_hello_decode(const uint8_t *body, size_t len, msg_server_hello *m);
int msg_server_hello_encode(const msg_server_hello *m, ctls_writer *w);
int msg_encrypted_extensions_decode(const uint8_t *body, size_t len, msg_encrypted_extensions *m);
int msg_encrypted_extensions_encode(const msg_encrypted_extensions *m, ctls_writer *w);
int msg_certificate_decode(const uint8_t *body, size_t len, int tls12, msg_certificate *m);
int msg_certificate_encode(const msg_certificate *m, int tls12, ctls_writer *w);
int msg_certificate_status_decode(const uint8_t *body, size_t len, msg_certificate_status *m);
int msg_certificate_status_encode(const msg_certificate_status *m, ctls_writer *w);
int msg_certificate_request_decode(const uint8_t *body, size_t len, msg_certificate_request *m);
int msg_certificate_request_encode(const msg_certificate_request *m, ctls_writer *w);
int msg_certificate_verify_decode(const uint8_t *body, size_t len, msg_certificate_verify *m);
int msg_certificate_verify_encode(const msg_certificate_verify *m, ctls_writer *w);
int msg_finished_decode(const uint8_t *body, size_t len, msg_finished *m);
int msg_finished_encode(const msg_finished *m, ctls_writer *w);
int msg_new_session_ticket_decode(const uint8_t *body, size_t len, msg_new_session_ticket *m);
int msg_new_session_ticket_encode(const msg_new_session_ticket *m, ctls_writer *w);
int msg_key_update_decode(const uint8_t *body, size_t len, msg_key_update *m);
int msg_key_update_encode(const msg_key_update *m, ctls_writer *w);
int msg_end_of_early_data_decode(const uint8_t *body, size_t len);
int msg_server_key_exchange12_decode(const uint8_t *body, size_t len, msg_server_key_exchange12 *m);
int msg_server_key_exchange12_encode(const msg_server_key_exchange12 *m, ctls_writer *w);
/* The ServerECDHParams bytes alone (curve_type 3, group, point): what the SKE signature covers
 * after the randoms, for the signer to build before encoding the whole message. */
int msg_server_ecdh_params12_encode(uint16_t group, ctls_slice point, ctls_writer *w);
int msg_client_key_exchange12_decode(const uint8_t *body, size_t len, msg_client_key_exchange12 *m);
int msg_client_key_exchange12_encode(const msg_client_key_exchange12 *m, ctls_writer *w);
int msg_certificate_request12_decode(const uint8_t *body, size_t len, msg_certificate_request12 *m);
int msg_certificate_request12_encode(const msg_certificate_request12 *m, ctls_writer *w);
int msg_new_session_ticket12_decode(const uint8_t *body, size_t len, msg_new_session_ticket12 *m);
int msg_new_session_ticket12_encode(const msg_new_session_ticket12 *m, ctls_writer *w);
int msg_empty_decode(const uint8_t *body, size_t len); /* ServerHelloDone, HelloRequest */
int msg_empty_encode(uint8_t type, ctls_writer *w);

/* List iteration over a validated u16 list slice: returns 1 and the next value, 0 at the end. */
int msg_u16_next(ctls_slice *list, uint16_t *v);
int msg_u16_contains(ctls_slice list, uint16_t v);
int msg_u8_contains(ctls_slice list, uint8_t v);
/* KeyShareEntry list iteration: 1 with group/key, 0 at the end. */
int msg_key_share_next(ctls_slice *list, uint16_t *group, ctls_slice *key);
/* ProtocolNameList iteration: 1 with the next name, 0 at the end. */
int msg_alpn_next(ctls_slice *list, ctls_slice *name);
/* DistinguishedName list iteration (u16-prefixed DER names). */
int msg_dn_next(ctls_slice *list, ctls_slice *dn);
/* PskIdentity list iteration. */
int msg_psk_identity_next(ctls_slice *list, ctls_slice *identity, uint32_t *obfuscated_age);
/* PskBinderEntry list iteration. */
int msg_psk_binder_next(ctls_slice *list, ctls_slice *binder);

#endif
