/* The crypto-bound ceiling: the public-key and AEAD work a handshake or a record cannot avoid,
 * timed through the same libcrypto the libraries use, with every object fetched or created
 * once (keys, contexts, algorithms).
 *   full handshake: client key pair, server key pair, server derivation (from the client's
 *                   encoded share), client derivation, one CertificateVerify signature by the
 *                   server and its verification by the client (SHA-256 over the 130-byte
 *                   TLS 1.3 signed content; RSA: PSS, salt = hash length)
 *   resumed (psk_dhe_ke): the two key pairs and two derivations
 *   bulk: seal + open of the same buffer (12-byte nonce, 5-byte AAD, 16-byte tag)
 * The "tight" variant (X25519 only) takes the cheapest route through libcrypto that we know,
 * the one ctls takes: a key pair's public value is X25519(priv, 9) on the derivation context
 * the pair keeps for its shared secret, and the peer's value goes into one reused key object
 * (libcrypto 3.0's public-from-private on import and a new key object per value cost more).
 * Against it, what is left between ctls and the ceiling is ctls's own work. */
#include "bench.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ceiling {
    int kind;
    int x25519;
    int tight;                /* X25519 by the ladder on one context per key pair */
    EVP_PKEY_CTX *import;     /* tight: X25519 raw-key import */
    EVP_PKEY *base, *peer[2]; /* tight: the base point u = 9; a reused peer value per side */
    EVP_PKEY_CTX *kgen;       /* key-pair generation for the group */
    EVP_PKEY *params;         /* P-256 domain parameters (for decoding the peer's share) */
    EVP_PKEY *sign_key;       /* server private key */
    EVP_PKEY *verify_key;     /* its public half, as the client would hold it */
    int rsa;
    uint8_t content[130];
    const EVP_CIPHER *aead;
    EVP_CIPHER_CTX *seal, *open;
    uint8_t iv[12];
};

static EVP_PKEY *load_key(int cert)
{
    const char *pem = bench_key_pem(cert);
    BIO *b = BIO_new_mem_buf(pem, (int)strlen(pem));
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    return k;
}

static EVP_PKEY *public_half(EVP_PKEY *priv)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(priv, &der);
    const unsigned char *q = der;
    EVP_PKEY *pub = n > 0 ? d2i_PUBKEY(NULL, &q, n) : NULL;
    OPENSSL_free(der);
    return pub;
}

static EVP_PKEY *x25519_raw(ceiling *c, const uint8_t *priv, const uint8_t *pub)
{
    OSSL_PARAM params[3], *q = params;
    if (priv) *q++ = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, (void *)priv, 32);
    *q++ = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, 32);
    *q = OSSL_PARAM_construct_end();
    EVP_PKEY *k = NULL;
    if (EVP_PKEY_fromdata(c->import, &k, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) !=
        1)
        return NULL;
    return k;
}

ceiling *ceiling_new(const bench_params *p, int kind)
{
    return ceiling_new_ex(p, kind, 0);
}

ceiling *ceiling_new_ex(const bench_params *p, int kind, int tight)
{
    static const uint8_t nine[32] = {9};
    ceiling *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->kind = kind;
    c->x25519 = strncmp(p->group, "x25519", 6) == 0; /* the first group is the one used */
    c->tight = tight && c->x25519;
    if (tight && !c->tight) {
        free(c);
        return NULL; /* only X25519 has a tighter route */
    }
    if (c->tight) {
        c->import = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
        if (!c->import || EVP_PKEY_fromdata_init(c->import) <= 0 ||
            !(c->base = x25519_raw(c, NULL, nine)) || !(c->peer[0] = x25519_raw(c, NULL, nine)) ||
            !(c->peer[1] = x25519_raw(c, NULL, nine)))
            goto fail;
    }
    if (c->x25519) {
        c->kgen = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
        if (!c->kgen || EVP_PKEY_keygen_init(c->kgen) <= 0) goto fail;
    } else {
        EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
        if (!pc || EVP_PKEY_paramgen_init(pc) <= 0 ||
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(pc, NID_X9_62_prime256v1) <= 0 ||
            EVP_PKEY_paramgen(pc, &c->params) <= 0) {
            EVP_PKEY_CTX_free(pc);
            goto fail;
        }
        EVP_PKEY_CTX_free(pc);
        c->kgen = EVP_PKEY_CTX_new_from_pkey(NULL, c->params, NULL);
        if (!c->kgen || EVP_PKEY_keygen_init(c->kgen) <= 0) goto fail;
    }
    c->rsa = p->cert == CERT_RSA;
    c->sign_key = load_key(p->cert);
    c->verify_key = c->sign_key ? public_half(c->sign_key) : NULL;
    if (!c->verify_key) goto fail;
    memset(c->content, 0x20, 64);
    memcpy(c->content + 64, "TLS 1.3, server CertificateVerify", 34);
    memset(c->content + 98, 0xa5, 32);

    if (strstr(p->suite, "CHACHA20"))
        c->aead = EVP_CIPHER_fetch(NULL, "ChaCha20-Poly1305", NULL);
    else if (strstr(p->suite, "AES_256_GCM"))
        c->aead = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    else
        c->aead = EVP_CIPHER_fetch(NULL, "AES-128-GCM", NULL);
    c->seal = EVP_CIPHER_CTX_new();
    c->open = EVP_CIPHER_CTX_new();
    uint8_t key[32];
    memset(key, 0x42, sizeof(key));
    memset(c->iv, 0x17, sizeof(c->iv));
    if (!c->aead || !c->seal || !c->open ||
        EVP_EncryptInit_ex2(c->seal, c->aead, key, c->iv, NULL) != 1 ||
        EVP_DecryptInit_ex2(c->open, c->aead, key, c->iv, NULL) != 1)
        goto fail;
    return c;
fail:
    fprintf(stderr, "ceiling: libcrypto setup failed\n");
    ceiling_free(c);
    return NULL;
}

void ceiling_free(ceiling *c)
{
    if (!c) return;
    EVP_PKEY_CTX_free(c->kgen);
    EVP_PKEY_CTX_free(c->import);
    EVP_PKEY_free(c->base);
    EVP_PKEY_free(c->peer[0]);
    EVP_PKEY_free(c->peer[1]);
    EVP_PKEY_free(c->params);
    EVP_PKEY_free(c->sign_key);
    EVP_PKEY_free(c->verify_key);
    EVP_CIPHER_free((EVP_CIPHER *)c->aead);
    EVP_CIPHER_CTX_free(c->seal);
    EVP_CIPHER_CTX_free(c->open);
    free(c);
}

/* The encoded key share of k (32 bytes for X25519, 65 for an uncompressed P-256 point). */
static size_t encode_share(const ceiling *c, EVP_PKEY *k, uint8_t *out, size_t cap)
{
    size_t n = 0;
    if (c->x25519) return EVP_PKEY_get_raw_public_key(k, out, &(size_t){cap}) == 1 ? 32 : 0;
    if (EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out, cap, &n) != 1)
        return 0;
    return n;
}

static EVP_PKEY *decode_share(const ceiling *c, const uint8_t *in, size_t len)
{
    if (c->x25519) return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, in, len);
    EVP_PKEY *k = EVP_PKEY_new();
    if (!k || EVP_PKEY_copy_parameters(k, c->params) != 1 ||
        EVP_PKEY_set1_encoded_public_key(k, in, len) != 1) {
        EVP_PKEY_free(k);
        return NULL;
    }
    return k;
}

/* The peer's share is validated when it is decoded (on the curve; P-256 has cofactor 1), so
 * the derivation skips libcrypto's second, full public-key check (a scalar multiplication). */
static int derive(EVP_PKEY *mine, EVP_PKEY *peer)
{
    uint8_t secret[64];
    size_t n = sizeof(secret);
    EVP_PKEY_CTX *d = EVP_PKEY_CTX_new_from_pkey(NULL, mine, NULL);
    int ok = d && EVP_PKEY_derive_init(d) == 1 && EVP_PKEY_derive_set_peer_ex(d, peer, 0) == 1 &&
             EVP_PKEY_derive(d, secret, &n) == 1;
    EVP_PKEY_CTX_free(d);
    return ok ? 0 : -1;
}

static int sig_setup(const ceiling *c, EVP_PKEY_CTX *pctx)
{
    return !c->rsa || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
                       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1);
}

static int sign(ceiling *c, uint8_t *sig, size_t *n)
{
    EVP_PKEY_CTX *pctx = NULL;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m && EVP_DigestSignInit_ex(m, &pctx, "SHA256", NULL, NULL, c->sign_key, NULL) == 1 &&
             sig_setup(c, pctx) && EVP_DigestSign(m, sig, n, c->content, sizeof(c->content)) == 1;
    EVP_MD_CTX_free(m);
    return ok ? 0 : -1;
}

static int verify(ceiling *c, const uint8_t *sig, size_t n)
{
    EVP_PKEY_CTX *pctx = NULL;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m &&
             EVP_DigestVerifyInit_ex(m, &pctx, "SHA256", NULL, NULL, c->verify_key, NULL) == 1 &&
             sig_setup(c, pctx) && EVP_DigestVerify(m, sig, n, c->content, sizeof(c->content)) == 1;
    EVP_MD_CTX_free(m);
    return ok ? 0 : -1;
}

static void lap(double *side_s, int side, double *t)
{
    if (!side_s) return;
    double now = now_thread_cpu();
    side_s[side] += now - *t;
    *t = now;
}

/* tight: a key pair (its public value by the ladder) and the context it derives on */
static int tight_pair(ceiling *c, EVP_PKEY **k, EVP_PKEY_CTX **d, uint8_t pub[32])
{
    static const uint8_t nine[32] = {9};
    uint8_t priv[32];
    size_t n = 32;
    if (RAND_priv_bytes(priv, sizeof priv) != 1 || !(*k = x25519_raw(c, priv, nine))) return -1;
    OPENSSL_cleanse(priv, sizeof priv);
    *d = EVP_PKEY_CTX_new_from_pkey(NULL, *k, NULL);
    return *d && EVP_PKEY_derive_init(*d) == 1 &&
                   EVP_PKEY_derive_set_peer_ex(*d, c->base, 0) == 1 &&
                   EVP_PKEY_derive(*d, pub, &n) == 1 && n == 32
               ? 0
               : -1;
}

static int tight_derive(EVP_PKEY_CTX *d, EVP_PKEY *peer, const uint8_t pub[32])
{
    uint8_t secret[32];
    size_t n = 32;
    return EVP_PKEY_set1_encoded_public_key(peer, pub, 32) == 1 &&
                   EVP_PKEY_derive_set_peer_ex(d, peer, 0) == 1 &&
                   EVP_PKEY_derive(d, secret, &n) == 1
               ? 0
               : -1;
}

/* One side's key pair: its encoded share, and what its derivation needs. */
typedef struct {
    EVP_PKEY *key, *peer; /* peer: the other side's decoded share (plain route) */
    EVP_PKEY_CTX *dctx;   /* tight route: the context the pair derives on */
    uint8_t share[80];
    size_t len;
} party;

static int party_new(ceiling *c, party *p)
{
    memset(p, 0, sizeof(*p));
    if (c->tight) {
        p->len = 32;
        return tight_pair(c, &p->key, &p->dctx, p->share);
    }
    if (EVP_PKEY_keygen(c->kgen, &p->key) != 1) return -1;
    p->len = encode_share(c, p->key, p->share, sizeof(p->share));
    return p->len ? 0 : -1;
}

/* me's shared secret with the other's share; side picks the tight route's reused peer key */
static int party_derive(ceiling *c, party *me, const party *other, int side)
{
    if (c->tight) return tight_derive(me->dctx, c->peer[side], other->share);
    me->peer = decode_share(c, other->share, other->len);
    return me->peer ? derive(me->key, me->peer) : -1;
}

static void party_free(party *p)
{
    EVP_PKEY_CTX_free(p->dctx);
    EVP_PKEY_free(p->key);
    EVP_PKEY_free(p->peer);
}

int ceiling_handshake(ceiling *c, double side_s[2])
{
    party cl, sv;
    uint8_t sig[512];
    size_t siglen = sizeof(sig);
    int rc = -1;
    memset(&sv, 0, sizeof(sv));
    double t = side_s ? now_thread_cpu() : 0;
    /* client: its key pair */
    if (party_new(c, &cl) != 0) goto out;
    lap(side_s, SIDE_CLIENT, &t);
    /* server: its key pair, the shared secret, the CertificateVerify signature */
    if (party_new(c, &sv) != 0 || party_derive(c, &sv, &cl, SIDE_SERVER) != 0) goto out;
    if (c->kind == 0 && sign(c, sig, &siglen) != 0) goto out;
    lap(side_s, SIDE_SERVER, &t);
    /* client: the signature's verification, the shared secret */
    if (c->kind == 0 && verify(c, sig, siglen) != 0) goto out;
    if (party_derive(c, &cl, &sv, SIDE_CLIENT) != 0) goto out;
    rc = 0;
out:
    party_free(&cl);
    lap(side_s, SIDE_CLIENT, &t);
    party_free(&sv);
    lap(side_s, SIDE_SERVER, &t);
    return rc;
}

int ceiling_bulk(ceiling *c, uint8_t *buf, size_t len, uint64_t seq)
{
    uint8_t nonce[12], aad[5] = {23, 3, 3, 0, 0}, tag[16];
    int n = 0, f = 0;
    memcpy(nonce, c->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
    size_t rec = len + 16;
    aad[3] = (uint8_t)(rec >> 8);
    aad[4] = (uint8_t)rec;
    if (EVP_EncryptInit_ex2(c->seal, NULL, NULL, nonce, NULL) != 1 ||
        EVP_EncryptUpdate(c->seal, NULL, &n, aad, 5) != 1 ||
        EVP_EncryptUpdate(c->seal, buf, &n, buf, (int)len) != 1 ||
        EVP_EncryptFinal_ex(c->seal, buf + n, &f) != 1 ||
        EVP_CIPHER_CTX_ctrl(c->seal, EVP_CTRL_AEAD_GET_TAG, 16, tag) != 1)
        return -1;
    if (EVP_DecryptInit_ex2(c->open, NULL, NULL, nonce, NULL) != 1 ||
        EVP_DecryptUpdate(c->open, NULL, &n, aad, 5) != 1 ||
        EVP_DecryptUpdate(c->open, buf, &n, buf, (int)len) != 1 ||
        EVP_CIPHER_CTX_ctrl(c->open, EVP_CTRL_AEAD_SET_TAG, 16, tag) != 1 ||
        EVP_DecryptFinal_ex(c->open, buf + n, &f) != 1)
        return -1;
    return 0;
}
