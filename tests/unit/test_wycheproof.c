/* Wycheproof vectors (../shared/testdata/wycheproof, C2SP commit dac1dd4) run through OUR
 * crypto interface (src/crypto/crypto.h), never libcrypto directly. Every "valid" vector must
 * be accepted and every "invalid" one rejected. "acceptable" vectors may go either way in
 * Wycheproof; ctls decides as follows, and the test enforces the decision:
 *
 * | file                   | acceptable vectors (flags)         | ctls decision                  |
 * |------------------------|------------------------------------|--------------------------------|
 * | ecdh_secp256r1/384r1   | compressed public point            | REJECT: RFC 8446 4.2.8.2 allows|
 * |   _ecpoint             |   (CompressedPoint)                | only the uncompressed form     |
 * | x25519                 | ZeroSharedSecret / LowOrderPublic  | REJECT when the shared secret  |
 * |                        |   with an all-zero result          | is all zero (RFC 7748 6.1,     |
 * |                        |                                    | RFC 8446 7.4.2)                |
 * | x25519                 | Twist, NonCanonicalPublic,         | ACCEPT and the secret must     |
 * |                        | SmallPublicKey, EdgeCase*, Special | match: RFC 7748 5 says to      |
 * |                        | PublicKey (non-zero result)        | accept non-canonical u and     |
 * |                        |                                    | twist points                   |
 * | rsa_signature_2048     | DigestInfo without the NULL        | REJECT: RFC 8017 9.2 EMSA-     |
 * |   _sha256              |   parameters (MissingNull)         | PKCS1-v1_5 is one exact DER    |
 * |                        |                                    | encoding (OpenSSL 3.0 agrees)  |
 *
 * Out of scope (counted, not run): AES-GCM / ChaCha20-Poly1305 groups whose nonce is not 96
 * bits, tag not 128 bits, or AES-192 keys (ctls' AEAD interface takes 12-byte nonces, 16-byte
 * tags, and TLS has no AES-192 suite). mlkem_768 is skipped: ctls does not wrap ML-KEM yet. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "json.h"

#include "crypto/crypto.h"

#define WP_DIR "../shared/testdata/wycheproof/"

typedef struct {
    int valid_ok, valid_bad;     /* valid accepted / valid wrongly rejected */
    int invalid_ok, invalid_bad; /* invalid rejected / invalid wrongly accepted */
    int acc_accepted, acc_rejected, acc_bad;
    int out_of_scope;
} counts;

/* Hex string to a malloc'd buffer (never NULL on success, even when empty). */
static uint8_t *hexbuf(const json *v, size_t *len)
{
    const char *h = json_str(v);
    *len = 0;
    if (!h) return NULL;
    size_t cap = strlen(h) / 2 + 1;
    uint8_t *b = malloc(cap);
    long n = b ? th_unhex(h, b, cap) : -1;
    if (n < 0) {
        free(b);
        return NULL;
    }
    *len = (size_t)n;
    return b;
}

/* What an "acceptable" vector may do; 0 = the file has none. */
enum { ACC_ACCEPT = 1, ACC_REJECT = 2 };

/* Record the outcome of one vector. accepted: our interface said yes. acc_policy applies to
 * "acceptable" vectors. */
static void record(counts *c, const char *file, const json *t, int accepted, int acc_policy)
{
    const char *res = json_str(json_get(t, "result"));
    long long id = (long long)json_int(json_get(t, "tcId"), NULL);
    if (res && !strcmp(res, "valid")) {
        if (accepted)
            c->valid_ok++;
        else {
            c->valid_bad++;
            th_failed_checks++;
            fprintf(stderr, "%s tcId %lld: valid vector rejected (%s)\n", file, id,
                    json_str(json_get(t, "comment")));
        }
    } else if (res && !strcmp(res, "invalid")) {
        if (!accepted)
            c->invalid_ok++;
        else {
            c->invalid_bad++;
            th_failed_checks++;
            fprintf(stderr, "%s tcId %lld: invalid vector accepted (%s)\n", file, id,
                    json_str(json_get(t, "comment")));
        }
    } else if (res && !strcmp(res, "acceptable")) {
        if (accepted)
            c->acc_accepted++;
        else
            c->acc_rejected++;
        if (!(acc_policy & (accepted ? ACC_ACCEPT : ACC_REJECT))) {
            c->acc_bad++;
            th_failed_checks++;
            fprintf(stderr, "%s tcId %lld: acceptable vector %s against the documented policy\n",
                    file, id, accepted ? "accepted" : "rejected");
        }
    } else {
        th_failed_checks++;
        fprintf(stderr, "%s tcId %lld: unknown result\n", file, id);
    }
}

static int has_flag(const json *t, const char *flag)
{
    const json *f = json_get(t, "flags");
    for (size_t i = 0; i < json_len(f); i++)
        if (json_str(json_at(f, i)) && !strcmp(json_str(json_at(f, i)), flag)) return 1;
    return 0;
}

static void print_counts(const char *name, const counts *c)
{
    printf("%s: %d valid ok, %d invalid rejected, %d acceptable (%d accepted/%d rejected), "
           "%d out of scope",
           name, c->valid_ok, c->invalid_ok, c->acc_accepted + c->acc_rejected, c->acc_accepted,
           c->acc_rejected, c->out_of_scope);
    if (c->valid_bad || c->invalid_bad || c->acc_bad)
        printf("; FAILURES: %d valid rejected, %d invalid accepted, %d acceptable off-policy",
               c->valid_bad, c->invalid_bad, c->acc_bad);
    printf("\n");
}

static json *load(const char *file)
{
    char path[512], err[256];
    snprintf(path, sizeof path, WP_DIR "%s", file);
    json *j = json_parse_file(path, err, sizeof err);
    if (!j) {
        th_failed_checks++;
        fprintf(stderr, "%s: cannot load: %s\n", path, err);
    }
    CHECK(json_len(json_get(j, "testGroups")) > 0);
    return j;
}

/* Iterate groups and tests. */
#define FOR_TESTS(root, g, t)                                                                      \
    for (size_t gi_ = 0; gi_ < json_len(json_get(root, "testGroups")); gi_++)                      \
        for (const json *g = json_at(json_get(root, "testGroups"), gi_), *t = NULL; g; g = NULL)   \
            for (size_t ti_ = 0; ti_ < json_len(json_get(g, "tests")) &&                           \
                                 (t = json_at(json_get(g, "tests"), ti_)) != NULL;                 \
                 ti_++)

/* Check that numberOfTests matches what was counted. */
static void check_total(const json *root, const counts *c, const char *file)
{
    int total = c->valid_ok + c->valid_bad + c->invalid_ok + c->invalid_bad + c->acc_accepted +
                c->acc_rejected + c->out_of_scope;
    int expect = (int)json_int(json_get(root, "numberOfTests"), NULL);
    if (total != expect) {
        th_failed_checks++;
        fprintf(stderr, "%s: counted %d tests, file says %d\n", file, total, expect);
    }
}

/* ---- AEAD -------------------------------------------------------------------------------- */

static void run_aead(const char *file, const char *name, int is_chacha)
{
    counts c = {0};
    json *root = load(file);
    FOR_TESTS(root, g, t)
    {
        long long iv_bits = json_int(json_get(g, "ivSize"), NULL);
        long long tag_bits = json_int(json_get(g, "tagSize"), NULL);
        long long key_bits = json_int(json_get(g, "keySize"), NULL);
        int alg = is_chacha         ? CTLS_AEAD_CHACHA20_POLY1305
                  : key_bits == 128 ? CTLS_AEAD_AES_128_GCM
                  : key_bits == 256 ? CTLS_AEAD_AES_256_GCM
                                    : 0;
        if (iv_bits != 96 || tag_bits != 128 || alg == 0 || (is_chacha && key_bits != 256)) {
            c.out_of_scope++;
            continue;
        }
        size_t kl, nl, al, ml, cl, tl;
        uint8_t *key = hexbuf(json_get(t, "key"), &kl), *iv = hexbuf(json_get(t, "iv"), &nl);
        uint8_t *aad = hexbuf(json_get(t, "aad"), &al), *msg = hexbuf(json_get(t, "msg"), &ml);
        uint8_t *ct = hexbuf(json_get(t, "ct"), &cl), *tag = hexbuf(json_get(t, "tag"), &tl);
        CHECK(key && iv && aad && msg && ct && tag);
        int accepted = 0;
        ctls_aead *a = NULL;
        uint8_t *in = malloc(cl + tl + 1), *out = malloc(cl + tl + 16);
        if (key && iv && aad && msg && ct && tag && in && out && nl == 12 &&
            ctls_aead_new(alg, key, kl, &a) == 0) {
            memcpy(in, ct, cl);
            memcpy(in + cl, tag, tl);
            int rc = ctls_aead_open(a, iv, aad, al, in, cl + tl, out);
            accepted = rc == 0 && cl == ml && (ml == 0 || memcmp(out, msg, ml) == 0);
            if (rc != 0 && rc != CTLS_ERR_BAD_RECORD_MAC) {
                th_failed_checks++;
                fprintf(stderr, "%s: open returned %d\n", file, rc);
            }
            /* valid vectors must also seal to exactly ct || tag */
            if (accepted && tl == 16) {
                accepted = ctls_aead_seal(a, iv, aad, al, msg, ml, out) == 0 &&
                           memcmp(out, in, cl + tl) == 0;
            }
        }
        record(&c, file, t, accepted, 0);
        ctls_aead_free(a);
        free(key), free(iv), free(aad), free(msg), free(ct), free(tag), free(in), free(out);
    }
    check_total(root, &c, file);
    print_counts(name, &c);
    json_free(root);
}

/* ---- ECDH / X25519 ----------------------------------------------------------------------- */

static void run_kx(const char *file, const char *name, uint16_t group)
{
    counts c = {0};
    json *root = load(file);
    FOR_TESTS(root, g, t)
    {
        size_t pl, kl, sl;
        uint8_t *pub = hexbuf(json_get(t, "public"), &pl);
        uint8_t *priv = hexbuf(json_get(t, "private"), &kl);
        uint8_t *shared = hexbuf(json_get(t, "shared"), &sl);
        CHECK(pub && priv && shared);
        ctls_kx *kx = NULL;
        int accepted = 0;
        uint8_t secret[CTLS_KX_MAX_SECRET];
        size_t secret_len = 0;
        if (pub && priv && shared) {
            int rc = ctls_kx_from_private(group, priv, kl, &kx);
            CHECK_EQ(rc, 0);
            if (rc == 0) {
                rc = ctls_kx_derive(kx, pub, pl, secret, &secret_len);
                if (rc != 0 && rc != CTLS_ERR_ILLEGAL_PARAMETER) {
                    th_failed_checks++;
                    fprintf(stderr, "%s: derive returned %d\n", file, rc);
                }
                accepted = rc == 0;
                /* an accepted exchange must produce the expected secret */
                if (accepted && (secret_len != sl || memcmp(secret, shared, sl) != 0)) {
                    th_failed_checks++;
                    fprintf(stderr, "%s tcId %lld: wrong shared secret\n", file,
                            (long long)json_int(json_get(t, "tcId"), NULL));
                }
            }
        }
        int policy;
        if (group == CTLS_GROUP_X25519)
            policy = has_flag(t, "ZeroSharedSecret") ? ACC_REJECT : ACC_ACCEPT;
        else
            policy = ACC_REJECT; /* compressed points */
        record(&c, file, t, accepted, policy);
        ctls_kx_free(kx);
        free(pub), free(priv), free(shared);
    }
    check_total(root, &c, file);
    print_counts(name, &c);
    json_free(root);
}

/* ---- signatures -------------------------------------------------------------------------- */

static void run_sig(const char *file, const char *name, uint16_t scheme, int acc_policy)
{
    counts c = {0};
    json *root = load(file);
    FOR_TESTS(root, g, t)
    {
        /* RSA-PSS files: the TLS scheme fixes MGF1 with the same hash and salt = hash length */
        const json *slen = json_get(g, "sLen");
        if (slen && json_int(slen, NULL) != 32) {
            c.out_of_scope++;
            continue;
        }
        size_t dl, ml, sl;
        uint8_t *der = hexbuf(json_get(g, "publicKeyDer"), &dl);
        uint8_t *msg = hexbuf(json_get(t, "msg"), &ml), *sig = hexbuf(json_get(t, "sig"), &sl);
        CHECK(der && msg && sig);
        ctls_pubkey *pk = NULL;
        int accepted = 0;
        if (der && msg && sig) {
            int rc = ctls_pubkey_from_spki(der, dl, &pk);
            CHECK_EQ(rc, 0);
            if (rc == 0) {
                rc = ctls_verify(pk, scheme, msg, ml, sig, sl);
                if (rc != 0 && rc != CTLS_ERR_DECRYPT_ERROR) {
                    th_failed_checks++;
                    fprintf(stderr, "%s: verify returned %d\n", file, rc);
                }
                accepted = rc == 0;
            }
        }
        record(&c, file, t, accepted, acc_policy);
        ctls_pubkey_free(pk);
        free(der), free(msg), free(sig);
    }
    check_total(root, &c, file);
    print_counts(name, &c);
    json_free(root);
}

/* ---- HKDF, HMAC -------------------------------------------------------------------------- */

static void run_hkdf(const char *file, const char *name, int alg)
{
    counts c = {0};
    json *root = load(file);
    FOR_TESTS(root, g, t)
    {
        size_t il, sl, nl, ol;
        uint8_t *ikm = hexbuf(json_get(t, "ikm"), &il), *salt = hexbuf(json_get(t, "salt"), &sl);
        uint8_t *info = hexbuf(json_get(t, "info"), &nl), *okm = hexbuf(json_get(t, "okm"), &ol);
        long long size = json_int(json_get(t, "size"), NULL);
        CHECK(ikm && salt && info && okm && size >= 0);
        int accepted = 0;
        uint8_t prk[CTLS_MAX_HASH_LEN];
        uint8_t *out = size >= 0 ? malloc((size_t)size + 1) : NULL;
        if (ikm && salt && info && okm && out &&
            ctls_hkdf_extract(alg, salt, sl, ikm, il, prk) == 0 &&
            ctls_hkdf_expand(alg, prk, ctls_hash_len(alg), info, nl, out, (size_t)size) == 0)
            accepted = (size_t)size == ol && memcmp(out, okm, ol) == 0;
        record(&c, file, t, accepted, 0);
        free(ikm), free(salt), free(info), free(okm), free(out);
    }
    check_total(root, &c, file);
    print_counts(name, &c);
    json_free(root);
}

static void run_hmac(const char *file, const char *name, int alg)
{
    counts c = {0};
    json *root = load(file);
    FOR_TESTS(root, g, t)
    {
        size_t tag_bytes = (size_t)json_int(json_get(g, "tagSize"), NULL) / 8;
        size_t kl, ml, tl;
        uint8_t *key = hexbuf(json_get(t, "key"), &kl), *msg = hexbuf(json_get(t, "msg"), &ml);
        uint8_t *tag = hexbuf(json_get(t, "tag"), &tl);
        CHECK(key && msg && tag);
        int accepted = 0;
        uint8_t mac[CTLS_MAX_HASH_LEN];
        /* Truncated tags (RFC 2104 5): compare the leftmost tagSize bits. */
        if (key && msg && tag && tl == tag_bytes && tag_bytes <= ctls_hash_len(alg) &&
            ctls_hmac(alg, key, kl, msg, ml, mac) == 0)
            accepted = ctls_ct_equal(mac, tag, tl);
        record(&c, file, t, accepted, 0);
        free(key), free(msg), free(tag);
    }
    check_total(root, &c, file);
    print_counts(name, &c);
    json_free(root);
}

/* ---- driver ------------------------------------------------------------------------------ */

static const char *const known_files[] = {
    "aes_gcm_test.json",
    "chacha20_poly1305_test.json",
    "ecdh_secp256r1_ecpoint_test.json",
    "ecdh_secp384r1_ecpoint_test.json",
    "ecdsa_secp256r1_sha256_test.json",
    "ecdsa_secp384r1_sha384_test.json",
    "ed25519_test.json",
    "hkdf_sha256_test.json",
    "hkdf_sha384_test.json",
    "hmac_sha256_test.json",
    "hmac_sha384_test.json",
    "rsa_pss_2048_sha256_mgf1_32_test.json",
    "rsa_signature_2048_sha256_test.json",
    "x25519_test.json",
    "mlkem_768_test.json",
};

/* The data must be there (a missing directory is a failure, not a skip), and every vector
 * file in it must be one this test knows how to run or has decided to skip. */
TEST(data_present_and_known)
{
    DIR *d = opendir(WP_DIR);
    CHECK(d != NULL);
    if (!d) {
        fprintf(stderr, "wycheproof data missing: %s\n", WP_DIR);
        return;
    }
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0) continue;
        int known = 0;
        for (size_t i = 0; i < sizeof known_files / sizeof known_files[0]; i++)
            known |= !strcmp(e->d_name, known_files[i]);
        if (!known) {
            th_failed_checks++;
            fprintf(stderr, "wycheproof: %s is not handled by this test\n", e->d_name);
        }
        n++;
    }
    closedir(d);
    CHECK_EQ(n, (int)(sizeof known_files / sizeof known_files[0]));
}

TEST(aes_gcm)
{
    run_aead("aes_gcm_test.json", "aes_gcm", 0);
}
TEST(chacha20_poly1305)
{
    run_aead("chacha20_poly1305_test.json", "chacha20_poly1305", 1);
}
TEST(ecdh_p256)
{
    run_kx("ecdh_secp256r1_ecpoint_test.json", "ecdh_secp256r1_ecpoint", CTLS_GROUP_SECP256R1);
}
TEST(ecdh_p384)
{
    run_kx("ecdh_secp384r1_ecpoint_test.json", "ecdh_secp384r1_ecpoint", CTLS_GROUP_SECP384R1);
}
TEST(x25519)
{
    run_kx("x25519_test.json", "x25519", CTLS_GROUP_X25519);
}
TEST(ecdsa_p256)
{
    run_sig("ecdsa_secp256r1_sha256_test.json", "ecdsa_secp256r1_sha256",
            CTLS_SIG_ECDSA_SECP256R1_SHA256, 0);
}
TEST(ecdsa_p384)
{
    run_sig("ecdsa_secp384r1_sha384_test.json", "ecdsa_secp384r1_sha384",
            CTLS_SIG_ECDSA_SECP384R1_SHA384, 0);
}
TEST(ed25519)
{
    run_sig("ed25519_test.json", "ed25519", CTLS_SIG_ED25519, 0);
}
TEST(rsa_pss)
{
    run_sig("rsa_pss_2048_sha256_mgf1_32_test.json", "rsa_pss_2048_sha256_mgf1_32",
            CTLS_SIG_RSA_PSS_RSAE_SHA256, 0);
}
TEST(rsa_pkcs1)
{
    run_sig("rsa_signature_2048_sha256_test.json", "rsa_signature_2048_sha256",
            CTLS_SIG_RSA_PKCS1_SHA256, ACC_REJECT);
}
TEST(hkdf)
{
    run_hkdf("hkdf_sha256_test.json", "hkdf_sha256", CTLS_HASH_SHA256);
    run_hkdf("hkdf_sha384_test.json", "hkdf_sha384", CTLS_HASH_SHA384);
}
TEST(hmac)
{
    run_hmac("hmac_sha256_test.json", "hmac_sha256", CTLS_HASH_SHA256);
    run_hmac("hmac_sha384_test.json", "hmac_sha384", CTLS_HASH_SHA384);
}
TEST(mlkem_skipped)
{
    json *root = load("mlkem_768_test.json");
    printf("mlkem_768: %lld tests skipped (ctls does not wrap ML-KEM)\n",
           (long long)json_int(json_get(root, "numberOfTests"), NULL));
    json_free(root);
}

/* The JSON reader itself, on the corners the vector files do not exercise. */
TEST(json_reader)
{
    const char *doc = "{\"a\": [1, -2.5e1, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
                      " \"b\": {}, \"c\": [], \"big\": 12345678901234}";
    char err[128];
    json *j = json_parse(doc, strlen(doc), err, sizeof err);
    CHECK(j != NULL);
    const json *a = json_get(j, "a");
    CHECK_EQ(json_len(a), 6);
    CHECK_EQ(json_int(json_at(a, 0), NULL), 1);
    CHECK(json_num(json_at(a, 1)) == -25.0);
    int ok = 1;
    json_int(json_at(a, 1), &ok);
    CHECK_EQ(ok, 0);
    CHECK_EQ(json_bool(json_at(a, 2)), 1);
    CHECK_EQ(json_bool(json_at(a, 3)), 0);
    CHECK_EQ(json_typeof(json_at(a, 4)), JSON_NULL);
    CHECK(json_str(json_at(a, 5)) &&
          !strcmp(json_str(json_at(a, 5)), "x\xc3\xa9\xf0\x9f\x98\x80\n"));
    CHECK_EQ(json_typeof(json_get(j, "b")), JSON_OBJECT);
    CHECK_EQ(json_len(json_get(j, "c")), 0);
    CHECK_EQ(json_int(json_get(j, "big"), NULL), 12345678901234LL);
    CHECK(json_get(j, "missing") == NULL);
    CHECK(!strcmp(json_key_at(j, 1), "b"));
    CHECK(json_at(a, 6) == NULL);
    json_free(j);
    static const char *const bad[] = {"",          "{",  "[1,]",        "{\"a\" 1}", "\"abc",
                                      "[1] x",     "01", "\"\\ud800\"", "tru",       "{1:2}",
                                      "[\"\\x\"]", "-",  "1.",          "1e"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json *b = json_parse(bad[i], strlen(bad[i]), err, sizeof err);
        CHECK(b == NULL);
        json_free(b);
    }
    /* nesting limit */
    char deep[2000];
    memset(deep, '[', sizeof deep);
    CHECK(json_parse(deep, sizeof deep, err, sizeof err) == NULL);
}

int main(void)
{
    RUN(data_present_and_known);
    RUN(json_reader);
    RUN(aes_gcm);
    RUN(chacha20_poly1305);
    RUN(ecdh_p256);
    RUN(ecdh_p384);
    RUN(x25519);
    RUN(ecdsa_p256);
    RUN(ecdsa_p384);
    RUN(ed25519);
    RUN(rsa_pss);
    RUN(rsa_pkcs1);
    RUN(hkdf);
    RUN(hmac);
    RUN(mlkem_skipped);
    return th_summary();
}
