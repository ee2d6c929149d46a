/* X.509 as the rest of ctls sees it: parse certificates, hold trust anchors, validate a chain.
 * (Internal header; the implementation is der.c cert.c pem.c store.c path.c name.c time.c.) */
#ifndef CTLS_X509_H
#define CTLS_X509_H

#include <stddef.h>
#include <stdint.h>

#include "core/bytes.h"

/* ---- certificates ---------------------------------------------------------------------- */
typedef struct ctls_cert ctls_cert; /* a parsed certificate; owns a copy of its DER */

/* Strict DER parse. CTLS_ERR_CERT_MALFORMED on any defect; CTLS_ERR_CERT_UNSUPPORTED for an
 * unknown critical extension (*out is NULL on any error). */
int ctls_cert_parse(const uint8_t *der, size_t len, ctls_cert **out);
void ctls_cert_free(ctls_cert *c);
ctls_slice ctls_cert_der(const ctls_cert *c);
ctls_slice ctls_cert_spki(const ctls_cert *c);        /* SubjectPublicKeyInfo DER */
ctls_slice ctls_cert_subject_der(const ctls_cert *c); /* Name DER (with its SEQUENCE header) */
ctls_slice ctls_cert_issuer_der(const ctls_cert *c);
/* The key type of the SPKI (CTLS_KEY_* from crypto/crypto.h), or 0 if unknown. */
int ctls_cert_key_type(const ctls_cert *c);
/* 1 when the certificate's subjectAltName has a dNSName matching host (RFC 9525 rules), or an
 * iPAddress equal to host when host is an IP literal. */
int ctls_cert_matches_host(const ctls_cert *c, const char *host);

/* ---- PEM ------------------------------------------------------------------------------- */
/* A list of DER blobs decoded from a PEM bundle. */
typedef struct {
    size_t count;
    uint8_t **der;
    size_t *len;
} ctls_der_list;
/* Every "-----BEGIN <label>-----" block of pem (label e.g. "CERTIFICATE"); other blocks and
 * text between them are skipped. CTLS_ERR_DECODE on bad base64 inside a block. */
int ctls_pem_decode(const void *pem, size_t len, const char *label, ctls_der_list *out);
void ctls_der_list_free(ctls_der_list *l);
/* Read a whole file (CTLS_ERR_FILE on failure); *out is freed with ctls_free. */
int ctls_read_file(const char *path, uint8_t **out, size_t *len);

/* ---- trust store ----------------------------------------------------------------------- */
typedef struct ctls_trust_store ctls_trust_store;
ctls_trust_store *ctls_store_new(void);
void ctls_store_free(ctls_trust_store *s);
int ctls_store_add_der(ctls_trust_store *s, const uint8_t *der, size_t len);
int ctls_store_add_pem(ctls_trust_store *s, const void *pem, size_t len);
int ctls_store_add_pem_file(ctls_trust_store *s, const char *path);
int ctls_store_add_dir(ctls_trust_store *s, const char *dir);
/* SSL_CERT_FILE / SSL_CERT_DIR, else /etc/ssl/certs/ca-certificates.crt. */
int ctls_store_add_system(ctls_trust_store *s);
size_t ctls_store_count(const ctls_trust_store *s);

/* ---- path validation ------------------------------------------------------------------- */
enum { CTLS_PURPOSE_SERVER_AUTH = 1, CTLS_PURPOSE_CLIENT_AUTH = 2, CTLS_PURPOSE_ANY = 3 };

typedef struct {
    int64_t now;      /* unix seconds; 0 = the current time */
    const char *host; /* DNS name or IP literal to match; NULL = no name check */
    int purpose;      /* CTLS_PURPOSE_*: the extKeyUsage required of the leaf */
    int max_depth;    /* intermediates allowed between leaf and anchor; 0 = default (8),
                       * negative = none (the anchor issued the leaf) */
} ctls_verify_params;

/* Validates chain[0] (the leaf) using chain[1..n-1] as untrusted intermediates (any order,
 * extras and duplicates tolerated) up to an anchor of store. Returns 0 or the most specific
 * CTLS_ERR_CERT_*; *flags receives every CTLS_CERT_* flag that applies (CTLS_VERIFY_OK when
 * valid). n == 0 is CTLS_ERR_CERT_NO_CERTIFICATE. */
int ctls_x509_verify(const ctls_trust_store *store, const uint8_t *const *chain, const size_t *lens,
                     size_t n, const ctls_verify_params *params, unsigned *flags);

/* ---- additions (display, tools, tests) ------------------------------------------------ */
/* The name of one CTLS_CERT_* flag bit ("CTLS_CERT_EXPIRED"), or NULL for an unknown bit. */
const char *ctls_x509_flag_name(unsigned bit);
/* Loads every certificate of a PEM file as a chain (for tools and tests): *out holds
 * count DER blobs. CTLS_ERR_DECODE when the file holds no certificate and allow_empty is 0. */
int ctls_pem_file_certs(const char *path, int allow_empty, ctls_der_list *out);
/* A Name (DER, e.g. ctls_cert_subject_der) for display, RFC 4514 style but in written order:
 * "CN=example.com, O=Example". Non-printable bytes are shown as \\xx. Always NUL-terminated
 * (truncated to cap); CTLS_ERR_CERT_MALFORMED for a bad Name. */
int ctls_x509_name_string(ctls_slice name, char *out, size_t cap);
int ctls_cert_key_bits(const ctls_cert *c);
int64_t ctls_cert_not_before(const ctls_cert *c);
int64_t ctls_cert_not_after(const ctls_cert *c);
int ctls_cert_is_ca(const ctls_cert *c);

#endif
