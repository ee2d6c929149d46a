/* Algorithm objects fetched once per process. EVP_*_fetch takes locks and walks the provider
 * store; doing it per record or per handshake costs more than the crypto itself. */
#include "crypto/ossl/ossl.h"

#include <pthread.h>
#include <stdio.h>

#include <openssl/crypto.h>
#include <openssl/obj_mac.h>

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

/* Indexed by CTLS_HASH_* / CTLS_AEAD_* (1-based; slot 0 unused). */
static EVP_MD *g_md[5];
static EVP_CIPHER *g_cipher[4];
static EC_GROUP *g_p256, *g_p384;
static EVP_PKEY *g_p256_params, *g_p384_params;
static char g_provider_name[96];

static const char *const md_names[5] = {NULL, "SHA2-256", "SHA2-384", "SHA2-512", "SHA1"};
static const char *const cipher_names[4] = {NULL, "AES-128-GCM", "AES-256-GCM",
                                            "ChaCha20-Poly1305"};

/* A parameters-only key for a curve: key generation and peer keys start from a copy of it
 * instead of building the curve again from its name (~10 us each time). */
static EVP_PKEY *ec_params(const char *curve)
{
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (pc && EVP_PKEY_paramgen_init(pc) > 0 && EVP_PKEY_CTX_set_group_name(pc, curve) > 0)
        (void)EVP_PKEY_paramgen(pc, &pk);
    EVP_PKEY_CTX_free(pc);
    return pk;
}

static void fetch_all(void)
{
    for (int i = 1; i < 5; i++)
        g_md[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
    for (int i = 1; i < 4; i++)
        g_cipher[i] = EVP_CIPHER_fetch(NULL, cipher_names[i], NULL);
    g_p256 = EC_GROUP_new_by_curve_name_ex(NULL, NULL, NID_X9_62_prime256v1);
    g_p384 = EC_GROUP_new_by_curve_name_ex(NULL, NULL, NID_secp384r1);
    g_p256_params = ec_params("P-256");
    g_p384_params = ec_params("P-384");
    snprintf(g_provider_name, sizeof g_provider_name, "OpenSSL %s libcrypto",
             OpenSSL_version(OPENSSL_VERSION_STRING));
}

static void ensure_fetched(void)
{
    (void)pthread_once(&fetch_once, fetch_all);
}

const EVP_MD *ctls_ossl_md(int hash_alg)
{
    if (hash_alg < 1 || hash_alg > 4) return NULL;
    ensure_fetched();
    return g_md[hash_alg];
}

const char *ctls_ossl_md_name(int hash_alg)
{
    return (hash_alg >= 1 && hash_alg <= 4) ? md_names[hash_alg] : NULL;
}

const EVP_CIPHER *ctls_ossl_cipher(int aead_alg)
{
    if (aead_alg < 1 || aead_alg > 3) return NULL;
    ensure_fetched();
    return g_cipher[aead_alg];
}

const EC_GROUP *ctls_ossl_ec_group(uint16_t group)
{
    ensure_fetched();
    if (group == CTLS_GROUP_SECP256R1) return g_p256;
    if (group == CTLS_GROUP_SECP384R1) return g_p384;
    return NULL;
}

EVP_PKEY *ctls_ossl_ec_params(uint16_t group)
{
    ensure_fetched();
    if (group == CTLS_GROUP_SECP256R1) return g_p256_params;
    if (group == CTLS_GROUP_SECP384R1) return g_p384_params;
    return NULL;
}

const char *ctls_crypto_provider_name(void)
{
    ensure_fetched();
    return g_provider_name;
}
