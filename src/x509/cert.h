/* The parsed certificate (private to src/x509). */
#ifndef CTLS_X509_CERT_H
#define CTLS_X509_CERT_H

#include <stdatomic.h>

#include "crypto/crypto.h"
#include "x509/der.h"
#include "x509/x509.h"

/* keyUsage bits (RFC 5280 4.2.1.3), numbered as in the BIT STRING */
enum {
    KU_DIGITAL_SIGNATURE = 1u << 0,
    KU_NON_REPUDIATION = 1u << 1,
    KU_KEY_ENCIPHERMENT = 1u << 2,
    KU_DATA_ENCIPHERMENT = 1u << 3,
    KU_KEY_AGREEMENT = 1u << 4,
    KU_KEY_CERT_SIGN = 1u << 5,
    KU_CRL_SIGN = 1u << 6,
    KU_ENCIPHER_ONLY = 1u << 7,
    KU_DECIPHER_ONLY = 1u << 8,
};
/* extKeyUsage purposes we know */
enum { EKU_SERVER = 1u << 0, EKU_CLIENT = 1u << 1, EKU_ANY = 1u << 2, EKU_OTHER = 1u << 3 };

/* Signature algorithm of a certificate, as parsed (RFC 5280 4.1.1.2, RFC 4055, RFC 8410). */
enum {
    SIGALG_UNKNOWN = 0,
    SIGALG_WEAK,      /* MD2 / MD5 / SHA-1 based: never accepted */
    SIGALG_RSA_PKCS1, /* hash in sig_hash */
    SIGALG_RSA_PSS,   /* hash in sig_hash; MGF1 with the same hash, salt = hash length */
    SIGALG_ECDSA,
    SIGALG_ED25519,
};

struct ctls_cert {
    uint8_t *der;
    size_t len;
    ctls_slice tbs;     /* the whole TBSCertificate TLV: what the signature covers */
    ctls_slice sig_alg; /* outer AlgorithmIdentifier TLV */
    int sig_kind;       /* SIGALG_* */
    int sig_hash;       /* CTLS_HASH_* */
    ctls_slice sig;     /* signatureValue octets */
    int version;        /* 1, 2 or 3 */
    ctls_slice serial;  /* INTEGER content */
    ctls_slice issuer;  /* Name TLV */
    ctls_slice subject; /* Name TLV */
    int64_t not_before, not_after;
    int time_form_bad; /* a GeneralizedTime before 2050 (RFC 5280 4.1.2.5) */
    ctls_slice spki;   /* SubjectPublicKeyInfo TLV */
    int key_type;      /* CTLS_KEY_* or 0 */
    int key_bits;      /* RSA modulus / EC field size / 255 for Ed25519 */
    int weak_key;      /* a key type the web PKI forbids (DSA, P-192, ...) */

    int has_ext;
    int has_bc, bc_critical, is_ca;
    int pathlen; /* -1 when absent */
    int has_ku;
    unsigned ku;
    int has_eku, eku_critical;
    unsigned eku;
    int has_san, san_critical;
    ctls_slice san; /* GeneralNames content */
    int has_nc;
    int has_nc_permitted, has_nc_excluded;
    ctls_slice nc_permitted, nc_excluded; /* GeneralSubtrees content */
    int has_ski, has_aki;
    ctls_slice ski; /* keyIdentifier octets */
    ctls_slice aki; /* AKI keyIdentifier octets (may be empty) */
    int aki_has_keyid, aki_has_issuer_serial;
    int subject_empty; /* subject Name is an empty SEQUENCE */
    int issuer_empty;
    int self_issued; /* subject == issuer (byte-wise) */
    /* Trust anchors only: the decoded public key, made on first use and then shared by every
     * verification (decoding an SPKI costs about as much as a signature check). Set once
     * with compare-and-swap, so a store may be shared between threads. */
    _Atomic(ctls_pubkey *) key_cache;
};

/* name.c */
/* Every GeneralName of a GeneralNames / subtree content: fn(ctx, tag, value) stops on < 0. */
int ctls_general_names_each(ctls_slice names, int (*fn)(void *, uint8_t, ctls_slice), void *ctx);
/* RFC 9525 6.3 presented-identifier vs reference-identifier; 1 on a match. */
int ctls_dns_match(const uint8_t *pattern, size_t plen, const char *host, size_t hlen);
/* Syntactic checks of SAN entries (RFC 5280 4.2.1.6): 1 when valid. */
int ctls_dns_name_valid(const uint8_t *p, size_t n, int allow_wildcard);
/* Parses an IPv4 / IPv6 literal; returns its length (4 / 16) or 0. */
size_t ctls_parse_ip(const char *s, uint8_t out[16]);
/* 0 when c satisfies the name constraints nc of an issuer, else CTLS_ERR_CERT_NAME_CONSTRAINTS
 * (CTLS_ERR_CERT_UNSUPPORTED for a constraint form we cannot check on a name c carries). */
int ctls_check_name_constraints(const ctls_cert *issuer, const ctls_cert *c, int is_leaf);

#endif

/* store.c: the anchors whose subject is name (DER-equal), one at a time: *pos starts at 0;
 * NULL when there are no more. */
const ctls_cert *ctls_store_next_by_subject(const ctls_trust_store *s, ctls_slice name,
                                            size_t *pos);
/* 1 when a certificate with exactly c's DER is an anchor. */
int ctls_store_has_cert(const ctls_trust_store *s, const ctls_cert *c);
