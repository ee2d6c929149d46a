#include "hs/algs.h"

#include <string.h>
#include <strings.h>

#include "crypto/crypto.h"

static const algs_suite suites[] = {
    {0x1301, "TLS_AES_128_GCM_SHA256", CTLS_AEAD_AES_128_GCM, CTLS_HASH_SHA256, 1, 0},
    {0x1302, "TLS_AES_256_GCM_SHA384", CTLS_AEAD_AES_256_GCM, CTLS_HASH_SHA384, 1, 0},
    {0x1303, "TLS_CHACHA20_POLY1305_SHA256", CTLS_AEAD_CHACHA20_POLY1305, CTLS_HASH_SHA256, 1, 0},
    /* TLS 1.2: ECDHE with AEAD only (RFC 5289, RFC 7905) */
    {0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", CTLS_AEAD_AES_128_GCM, CTLS_HASH_SHA256, 0,
     CTLS_KEY_EC_P256},
    {0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", CTLS_AEAD_AES_256_GCM, CTLS_HASH_SHA384, 0,
     CTLS_KEY_EC_P256},
    {0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", CTLS_AEAD_CHACHA20_POLY1305,
     CTLS_HASH_SHA256, 0, CTLS_KEY_EC_P256},
    {0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", CTLS_AEAD_AES_128_GCM, CTLS_HASH_SHA256, 0,
     CTLS_KEY_RSA},
    {0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", CTLS_AEAD_AES_256_GCM, CTLS_HASH_SHA384, 0,
     CTLS_KEY_RSA},
    {0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", CTLS_AEAD_CHACHA20_POLY1305,
     CTLS_HASH_SHA256, 0, CTLS_KEY_RSA},
};

const uint16_t algs_default_suites[] = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
                                        0xc02c, 0xc030, 0xcca9, 0xcca8};
const size_t algs_default_suites_count = sizeof algs_default_suites / sizeof algs_default_suites[0];

const algs_suite *algs_suite_by_id(uint16_t id)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == id) return &suites[i];
    return NULL;
}

const algs_suite *algs_suite_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(suites[i].name, name) == 0) return &suites[i];
    return NULL;
}

int algs_suite_is_refused_name(const char *name)
{
    /* Everything TLS ever named that ctls will not speak: CBC, RC4, 3DES, NULL, export, static
     * RSA key exchange, anonymous, PSK-only, SSLv3-era names. */
    static const char *const bad[] = {"_CBC_",      "_RC4_",         "_3DES_", "_NULL_", "EXPORT",
                                      "_anon_",     "TLS_RSA_WITH_", "SSL_",   "_DES_",  "_IDEA_",
                                      "_CAMELLIA_", "_SEED_",        "_ARIA_", "_CCM",   "TLS_PSK_",
                                      "TLS_DH_",    "TLS_DHE_"};
    if (strncmp(name, "TLS_", 4) != 0 && strncmp(name, "SSL_", 4) != 0) return 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strstr(name, bad[i])) return 1;
    return 0;
}

static const struct {
    uint16_t id;
    const char *name;
    const char *alias;
} groups[] = {
    {CTLS_GROUP_X25519, "x25519", "X25519"},
    {CTLS_GROUP_SECP256R1, "secp256r1", "P-256"},
    {CTLS_GROUP_SECP384R1, "secp384r1", "P-384"},
};

const uint16_t algs_default_groups[] = {CTLS_GROUP_X25519, CTLS_GROUP_SECP256R1,
                                        CTLS_GROUP_SECP384R1};
const size_t algs_default_groups_count = 3;

const char *algs_group_name(uint16_t group)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (groups[i].id == group) return groups[i].name;
    return NULL;
}

int algs_group_by_name(const char *name, uint16_t *group)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (strcasecmp(groups[i].name, name) == 0 || strcasecmp(groups[i].alias, name) == 0) {
            *group = groups[i].id;
            return 0;
        }
    return CTLS_ERR_UNSUPPORTED;
}

static const struct {
    uint16_t id;
    const char *name;
} sigs[] = {
    {CTLS_SIG_ECDSA_SECP256R1_SHA256, "ecdsa_secp256r1_sha256"},
    {CTLS_SIG_ECDSA_SECP384R1_SHA384, "ecdsa_secp384r1_sha384"},
    {CTLS_SIG_ECDSA_SECP521R1_SHA512, "ecdsa_secp521r1_sha512"},
    {CTLS_SIG_ED25519, "ed25519"},
    {CTLS_SIG_RSA_PSS_RSAE_SHA256, "rsa_pss_rsae_sha256"},
    {CTLS_SIG_RSA_PSS_RSAE_SHA384, "rsa_pss_rsae_sha384"},
    {CTLS_SIG_RSA_PSS_RSAE_SHA512, "rsa_pss_rsae_sha512"},
    {CTLS_SIG_RSA_PSS_PSS_SHA256, "rsa_pss_pss_sha256"},
    {CTLS_SIG_RSA_PSS_PSS_SHA384, "rsa_pss_pss_sha384"},
    {CTLS_SIG_RSA_PSS_PSS_SHA512, "rsa_pss_pss_sha512"},
    {CTLS_SIG_RSA_PKCS1_SHA256, "rsa_pkcs1_sha256"},
    {CTLS_SIG_RSA_PKCS1_SHA384, "rsa_pkcs1_sha384"},
    {CTLS_SIG_RSA_PKCS1_SHA512, "rsa_pkcs1_sha512"},
};

/* What we offer: TLS 1.3 CertificateVerify schemes first; PKCS#1 for certificates/TLS 1.2. */
const uint16_t algs_default_sigs[] = {
    CTLS_SIG_ECDSA_SECP256R1_SHA256, CTLS_SIG_ECDSA_SECP384R1_SHA384, CTLS_SIG_ED25519,
    CTLS_SIG_RSA_PSS_RSAE_SHA256,    CTLS_SIG_RSA_PSS_RSAE_SHA384,    CTLS_SIG_RSA_PSS_RSAE_SHA512,
    CTLS_SIG_RSA_PSS_PSS_SHA256,     CTLS_SIG_RSA_PSS_PSS_SHA384,     CTLS_SIG_RSA_PSS_PSS_SHA512,
    CTLS_SIG_RSA_PKCS1_SHA256,       CTLS_SIG_RSA_PKCS1_SHA384,       CTLS_SIG_RSA_PKCS1_SHA512,
};
const size_t algs_default_sigs_count = sizeof algs_default_sigs / sizeof algs_default_sigs[0];

const char *algs_sig_name(uint16_t scheme)
{
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigs[i].id == scheme) return sigs[i].name;
    return NULL;
}

int algs_sig_by_name(const char *name, uint16_t *scheme)
{
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (strcasecmp(sigs[i].name, name) == 0) {
            *scheme = sigs[i].id;
            return 0;
        }
    return CTLS_ERR_UNSUPPORTED;
}

int algs_sig_fits_key13(uint16_t scheme, int key_type)
{
    switch (scheme) {
    case CTLS_SIG_ECDSA_SECP256R1_SHA256:
        return key_type == CTLS_KEY_EC_P256;
    case CTLS_SIG_ECDSA_SECP384R1_SHA384:
        return key_type == CTLS_KEY_EC_P384;
    case CTLS_SIG_ECDSA_SECP521R1_SHA512:
        return key_type == CTLS_KEY_EC_P521;
    case CTLS_SIG_ED25519:
        return key_type == CTLS_KEY_ED25519;
    case CTLS_SIG_RSA_PSS_RSAE_SHA256:
    case CTLS_SIG_RSA_PSS_RSAE_SHA384:
    case CTLS_SIG_RSA_PSS_RSAE_SHA512:
        return key_type == CTLS_KEY_RSA;
    case CTLS_SIG_RSA_PSS_PSS_SHA256:
    case CTLS_SIG_RSA_PSS_PSS_SHA384:
    case CTLS_SIG_RSA_PSS_PSS_SHA512:
        return key_type == CTLS_KEY_RSA_PSS;
    default:
        return 0;
    }
}

int algs_sig_fits_key12(uint16_t scheme, int key_type)
{
    switch (scheme) {
    case CTLS_SIG_ECDSA_SECP256R1_SHA256:
    case CTLS_SIG_ECDSA_SECP384R1_SHA384:
    case CTLS_SIG_ECDSA_SECP521R1_SHA512:
        return key_type == CTLS_KEY_EC_P256 || key_type == CTLS_KEY_EC_P384 ||
               key_type == CTLS_KEY_EC_P521;
    case CTLS_SIG_RSA_PKCS1_SHA256:
    case CTLS_SIG_RSA_PKCS1_SHA384:
    case CTLS_SIG_RSA_PKCS1_SHA512:
        return key_type == CTLS_KEY_RSA;
    default:
        return algs_sig_fits_key13(scheme, key_type);
    }
}
