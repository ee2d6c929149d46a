/* The algorithm tables: cipher suites, groups, signature schemes — names and properties. */
#ifndef CTLS_HS_ALGS_H
#define CTLS_HS_ALGS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint16_t id;
    const char *name; /* IANA */
    int aead;         /* CTLS_AEAD_* */
    int hash;         /* CTLS_HASH_* */
    int tls13;        /* 1: TLS 1.3 suite; 0: TLS 1.2 ECDHE suite */
    int auth;         /* TLS 1.2: CTLS_KEY_RSA or CTLS_KEY_EC_P256 (any ECDSA); 0 for 1.3 */
} algs_suite;

const algs_suite *algs_suite_by_id(uint16_t id);
const algs_suite *algs_suite_by_name(const char *name);
/* Suites refused by name with a clear error (CBC, RC4, RSA kx, NULL, export, ...): 1 if the
 * name is one of TLS's known-but-refused suites. */
int algs_suite_is_refused_name(const char *name);
/* Default preference list */
extern const uint16_t algs_default_suites[];
extern const size_t algs_default_suites_count;

const char *algs_group_name(uint16_t group);
int algs_group_by_name(const char *name, uint16_t *group);
extern const uint16_t algs_default_groups[];
extern const size_t algs_default_groups_count;

const char *algs_sig_name(uint16_t scheme);
int algs_sig_by_name(const char *name, uint16_t *scheme);
extern const uint16_t algs_default_sigs[];
extern const size_t algs_default_sigs_count;
/* 1 if the scheme may sign a TLS 1.3 CertificateVerify with a key of this type (the curve is
 * bound for ECDSA; PKCS#1 v1.5 is never allowed in TLS 1.3, RFC 8446 4.2.3). */
int algs_sig_fits_key13(uint16_t scheme, int key_type);
/* TLS 1.2: 1 if the scheme may be used with a key of this type (ECDSA curve not bound). */
int algs_sig_fits_key12(uint16_t scheme, int key_type);

#endif
