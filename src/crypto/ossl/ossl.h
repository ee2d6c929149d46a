/* Shared internals of the OpenSSL-backed crypto layer. Only the src/crypto/ossl/ sources include
 * this (and OpenSSL headers). */
#ifndef CTLS_CRYPTO_OSSL_H
#define CTLS_CRYPTO_OSSL_H

#include <openssl/evp.h>
#include <openssl/ec.h>

#include "crypto/crypto.h"

/* Algorithm objects, fetched once per process (pthread_once) and never freed: they are shared
 * read-only by every thread. NULL when the provider lacks the algorithm. */
const EVP_MD *ctls_ossl_md(int hash_alg);
const char *ctls_ossl_md_name(int hash_alg);
const EVP_CIPHER *ctls_ossl_cipher(int aead_alg);
/* The curve of a NIST group (CTLS_GROUP_SECP*), for computing public points. */
const EC_GROUP *ctls_ossl_ec_group(uint16_t group);
/* A parameters-only key of a NIST group (shared, never freed; copy it, do not modify it). */
EVP_PKEY *ctls_ossl_ec_params(uint16_t group);

/* Key material: the test hook when set, else RAND_priv_bytes. */
int ctls_ossl_random_priv(void *buf, size_t len);
/* 1 while a test hook supplies randomness (key generation must then draw from it). */
int ctls_ossl_random_hooked(void);

#endif
