/* Known-answer and negative tests for the crypto layer (src/crypto/crypto.h).
 * Vectors: RFC 4231 (HMAC), RFC 5869 (HKDF), RFC 8448 section 3 (TLS 1.3 key schedule),
 * the TLS 1.2 PRF SHA-256 vector from the IETF TLS list, RFC 8439 2.8.2 (ChaCha20-Poly1305),
 * McGrew-Viega GCM test cases 4 and 16, RFC 7748 6.1 (X25519). Test keys below were made once
 * with the openssl CLI (throwaway keys, never used anywhere else). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#include "crypto/crypto.h"

static const char KEY_P256_SEC1[] =
    "-----BEGIN EC PRIVATE KEY-----\n"
    "MHcCAQEEIDgc+cvlc3Wt75SP87bV7VJ/RsCsj9gWJRv0oahfGmJnoAoGCCqGSM49\n"
    "AwEHoUQDQgAEbSX58/ehcVo850tAGspRtuCCqz3yH9cXTwLAD5Mw2q+ew0JrQAp7\n"
    "nRt8qTjaigEIOC2+24ruaec3Ap1LfvqEEw==\n"
    "-----END EC PRIVATE KEY-----\n";

static const char KEY_P384_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDA9foi2lktUpkG/JTHv\n"
    "0q1dd6atNv54qSDl5zaZpKoO9lf0G2MP2VNfUxe3gwEkQfehZANiAATGplDBV22Q\n"
    "v8X/uGo6NbLIGuK02tF6BsFycWaGkvXxFY2eB31hsvuW1EXsUUxwt5wBTeUZ0GAb\n"
    "BhOEQIBgAjA4Kew20I82+btL7Jj4P3CjNPArxgr4QT8G5cP8aliR8HE=\n"
    "-----END PRIVATE KEY-----\n";

static const char KEY_RSA_PKCS1[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAv5CdeJP4HhkilKaLySt2KFQqHZ9PU9CtLfLQwlbQSeQSXuqI\n"
    "gJ930qOzR0iOQ96DcbU1U4/m5CeNEMFkWhFzfK/J7hTAbOc/9k9143+vcPjv9MqM\n"
    "PgNkjmld/iIOf5ulXSS0crjZrruSeN3eIT+i7HDTZuXWEchJZKNY1jIUEc5/wg5M\n"
    "yJ3VZP8AF3ZGgKTTZgNcykIeXaeOm/W8Os8RgfzfOcm5n+MMz6PSOxQhLo4DB68g\n"
    "0FKrFwgxdGdfaLYNFftrSb/cCKgNcGObj8CWCdS5R/HBLmEJPWDKxOgfY00MXxzP\n"
    "gD7t+rPm+lhUIaRWmg/Lx32y3r56zLQhvVlj/wIDAQABAoIBABraCDNXombYT8WV\n"
    "wXBVsZPzlY0IwKjXTlRrfcxP45Wyl3SghrkTdqCa+6KZTqpqwp1UsNXhYj7xivoh\n"
    "8ZFtHXVeeqfvAWNX2C+2xv04RPzz7UawgY9Lux5PMgf7pBv0/Zfxxi1yhb4oDV74\n"
    "fTjHNRd+tSiY54nJ5lJp/HuBvNhwjdOh9qdZ1mkjwNHFwVD1Ik2wmP+dffsGnOpH\n"
    "ZBUrTYk3t+0UJeCBDu/PGGHceX19TNLSQ2x1LXivMDcs2Kc3IYQz7wX4MbpgZz4J\n"
    "aqm/4zZENc2gRA1kLA/U2FrOsc1CScauLO/ur1rFUgOM2meeZOlvknMAmxSGIehX\n"
    "RYLpxlECgYEA4ye4pkUctTo+1LycobiSst5Bk9qeTzPA8pmu5Lc+r4M4hWoU51dD\n"
    "xE+QuZOtzAHPyGWcb2Htlb1MJK7ci8R/MowC/2uJA0Yj2j+jaPfMVdh8Wv3F4uC2\n"
    "CmWzuDmqTkwO8Y71iwNZnV+5x63qTVoFyUtZrpiBlkZPy9tBnhmdqlkCgYEA1+Pw\n"
    "PfI1Tgv6+uzU+AB4qbCOxwth2U/D9mU8I9PNZJdHVVIwajoWIpEqb0RrHbqRCa9k\n"
    "KVfvfA4q3PNApfSlVk7Gz5ligUIzmWfHrKrG9Tc0RMlIRji0kbtdg86a57FPZBF8\n"
    "Q8UEnuG5GqhXKGcVK0ifbt2emGz2YtCH5IeZBhcCgYAIUKjqtTbyz1oDcZAOP3Jn\n"
    "R8mAvwzye0OB3exQBQEvbY9BGvv+5+vcIMl8cZJ4GEzh2g5a6WvIAnDqGtiJ6Tx6\n"
    "vjNR5D7UttmTIKc7rW52agFLV2TKBE3FnalxgfLhANm/L+t/FjVOlHV5gL1F7Ziu\n"
    "oKp8wKpltNcw8Cq7vdZOqQKBgHttGYCQ5ODGAKtMk0VmH5YEFty9KSfwbnyDzCo/\n"
    "gQGta17gKkXRB66jh7stRoAslZcP6xen6obmIqNHfwJiJ9R8HTW635I+ovllV8bj\n"
    "q/Otp/hbizJ6YOGgWQpuKCmmOVlglca48LdVHVqcO5ghtvyT/HKJyY4jXYmI5uhE\n"
    "jbvpAoGBAMvHO9Ub5H1Qg5qATcVTD7TDdKYtTBM2KxN/0tTJsvjuaFB1m52QXUO0\n"
    "Y91bNmiPcJLVvPZEqZKEIG9ENLPkXLWCT27H/UobjUbO+efb+Yj51UnxD0l1i1/w\n"
    "EtFBvDzkgtR4p5e4A1Mzbd7Qidwt9UP51q8mmggQTCR/5g8/Vt+g\n"
    "-----END RSA PRIVATE KEY-----\n";

static const char KEY_RSA_PSS_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEugIBADALBgkqhkiG9w0BAQoEggSmMIIEogIBAAKCAQEAyt4cYHq76hMvJ6zd\n"
    "UHhJY4KTAdySxxJUpLR725j2XllIDb3+X0+x105R76D857LuwcoS0nS8CxBk7xk8\n"
    "JCzt9X8+8Xs74iInj0gVNZOaKBbqyy9u7pYQJPVAGWsyn8ce1d0kgjtvD3anWdu+\n"
    "eK8AqqDCzeiXkQhbQWEXEhOMkSI4qoHrF6bpPtyOMsWFqyzsNKDrHL2KAHwuEDcT\n"
    "t7ycnJ+eoZoIe2to4i3dpiZNY1PBmRVM0UxG0WlO/o7kI1Eh/TEF3xw93WXBNRAh\n"
    "4r+QzziDd7pjAcQqKjT2AzSGlSIb7K5CzbuECRwyN+183ddeLWpsvuRFRy/bVfrA\n"
    "N3o4vwIDAQABAoIBABC7iDCm/ufcJDgMCIcSHM+B3hk5tbuItgWNw2eF8tAuYgSM\n"
    "JrZ6zsrY8WYn66Q6vHmsbqgAK+BnvkOAW9cKA6iLkcf+J57LvWKSiflMztq+pSgU\n"
    "Jfy00OkTd3GBR4ApPtBZ+KBrQYpPeZcuSkQO/ymTr+2m4RV70HcQiIQbq6zutYBQ\n"
    "XtvMmJS7o+EHpNigdhPp1hsuAr07s5iAM/bZFaeLvbhYLzgz/FtIN5X/Jc/Eryvz\n"
    "i0mdLx8B2ALwoJiIqNKJpKalvSANI/Gt6SWMGArVP8hLRqA7t7wl7RIuOkgkbBwv\n"
    "5HHUtFFkStquNE1Q1dWTpd9oBJTgB0Emt9TnWgUCgYEA8akyrmNA3BYSwlhmmanc\n"
    "SEJSoLSFBT2aaiXJIDeGAe0G5w9EHuXQfl9ZZgrUg3BZejXZtTQeUw0DtbJR+H2R\n"
    "/BGG9eaOiPLu9uNzWRk45nGKZJ/vd4g19cdoRDXKrlfowgSQxr9a4mmCCNfykCle\n"
    "wvMd2kmAhUi7hOuJPQFcpksCgYEA1uelnLGVOhBdOFhGKK7fLoyPB5syiBCZ4dZP\n"
    "tsixttvDkIUabSE74xYvPMC44AvRVvZeFQN6Bgnr+sXxyJICbbs9vjcYt3Wj2k+h\n"
    "Vsuxc0RaVi4aG6+flkKQZVwRncfJjESbhlihLMKYa95U6GsCstcnTYZTY1Evis9q\n"
    "GgVZvt0CgYBX0Ls5AZpFH8RLWSJXfpEstOUfvtmDsQIWxopSqbqJop9agYKok6xy\n"
    "76Ul3pOg+8eYEE9/eGP4nAcYFKeS29abuabIXrK280iA8OAupWq22tWGgVPcpOOu\n"
    "33p1JvLy7cEIF+6gOlMFaX+2RPrBBjeIMh5L/1+zj12NDKY/Q+puBwKBgB3WPZUa\n"
    "xrgwC3FGOD9vwAbLdxQ8RPDFNUg4pAqhpKLZsjY/dKLQKWtm6hoKO+DHY0IqpHdQ\n"
    "a0GpYP0JPH93XiT0CSd+qMzX5W7q/WB6mWGCjPRIJFHRuVt4VGnuNXfthBsYb2tg\n"
    "pMf9IIJhdPJr4Q0JeCh4TN2OKQahs353XbV1AoGAay4uI2il89IBdUmwbshWu/OC\n"
    "uUbZin0a95Jb+yRMaPNW6s0lOoz0RImIibMmp1Nw7Z/ZeIONe/O0opzoYFEpEhBD\n"
    "8/XuS2fe772klIcQUXNeDwUMYV3jlZhTvA/YkfITOlUGZhtJyUWq+uA+e01nqY3+\n"
    "x7rD020TgcQBwfCL6jI=\n"
    "-----END PRIVATE KEY-----\n";

static const char KEY_ED25519_PKCS8[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIOMWdKL/D0j2OznXwEnN/xWemwUQUDCOrFNm7p48K6As\n"
    "-----END PRIVATE KEY-----\n";

static const char KEY_P256_ENCRYPTED[] =
    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
    "MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAi4TIh49qimGQICCAAw\n"
    "DAYIKoZIhvcNAgkFADAdBglghkgBZQMEAQIEEMKFT9PpOv/rs8J8mGwSr48EgZBD\n"
    "Y/94iWQD7myNV7PxvD5vpATG0z5s7B0B06kmTFAL/R7CC+kcdHjxHJS/mrUYi9+z\n"
    "2qPH/mqyQeh19nlmMEMc3bh6RGXYfud32FCKbCCfRJiD6cBXLWAJHc/t4QIV1Msi\n"
    "KksEXE7UG0PxwZ8Ie8+4+Cfvyqo5qNnkpVChXNHI1FK/jfqBeSq9sTpoje9jMow=\n"
    "-----END ENCRYPTED PRIVATE KEY-----\n";

static const char SPKI_P256[] =
    "3059301306072a8648ce3d020106082a8648ce3d030107034200046d25f9f3f7a1715a3ce74b401aca51b6e0"
    "82ab3df21fd7174f02c00f9330daaf9ec3426b400a7b9d1b7ca938da8a0108382dbedb8aee69e737029d4b7e"
    "fa8413";

static const char SPKI_P384[] =
    "3076301006072a8648ce3d020106052b8104002203620004c6a650c1576d90bfc5ffb86a3a35b2c81ae2b4da"
    "d17a06c17271668692f5f1158d9e077d61b2fb96d445ec514c70b79c014de519d0601b061384408060023038"
    "29ec36d08f36f9bb4bec98f83f70a334f02bc60af8413f06e5c3fc6a5891f071";

static const char SPKI_RSA[] =
    "30820122300d06092a864886f70d01010105000382010f003082010a0282010100bf909d7893f81e192294a6"
    "8bc92b7628542a1d9f4f53d0ad2df2d0c256d049e4125eea88809f77d2a3b347488e43de8371b535538fe6e4"
    "278d10c1645a11737cafc9ee14c06ce73ff64f75e37faf70f8eff4ca8c3e03648e695dfe220e7f9ba55d24b4"
    "72b8d9aebb9278ddde213fa2ec70d366e5d611c84964a358d6321411ce7fc20e4cc89dd564ff0017764680a4"
    "d366035cca421e5da78e9bf5bc3acf1181fcdf39c9b99fe30ccfa3d23b14212e8e0307af20d052ab17083174"
    "675f68b60d15fb6b49bfdc08a80d70639b8fc09609d4b947f1c12e61093d60cac4e81f634d0c5f1ccf803eed"
    "fab3e6fa585421a4569a0fcbc77db2debe7accb421bd5963ff0203010001";

static const char SPKI_RSA_PSS[] =
    "30820120300b06092a864886f70d01010a0382010f003082010a0282010100cade1c607abbea132f27acdd50"
    "784963829301dc92c71254a4b47bdb98f65e59480dbdfe5f4fb1d74e51efa0fce7b2eec1ca12d274bc0b1064"
    "ef193c242cedf57f3ef17b3be222278f481535939a2816eacb2f6eee961024f540196b329fc71ed5dd24823b"
    "6f0f76a759dbbe78af00aaa0c2cde89791085b41611712138c912238aa81eb17a6e93edc8e32c585ab2cec34"
    "a0eb1cbd8a007c2e103713b7bc9c9c9f9ea19a087b6b68e22ddda6264d6353c199154cd14c46d1694efe8ee4"
    "235121fd3105df1c3ddd65c1351021e2bf90cf388377ba6301c42a2a34f603348695221becae42cdbb84091c"
    "3237ed7cddd75e2d6a6cbee445472fdb55fac0377a38bf0203010001";

static const char SPKI_ED25519[] =
    "302a300506032b6570032100694767e548b6a6141787826e8557d433f471839aeddb8e12a4d1d9eb1c103040";

static unsigned char *unhex_alloc(const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2 + 1;
    unsigned char *b = malloc(cap);
    long n = th_unhex(hex, b, cap);
    if (n < 0) {
        free(b);
        *len = 0;
        return NULL;
    }
    *len = (size_t)n;
    return b;
}

/* Compare out[0..n) with the hex string expected. */
#define CHECK_HEX(out, n, hex)                                                                     \
    do {                                                                                           \
        size_t ch_len_;                                                                            \
        unsigned char *ch_exp_ = unhex_alloc((hex), &ch_len_);                                     \
        CHECK(ch_exp_ != NULL);                                                                    \
        CHECK_EQ(ch_len_, (n));                                                                    \
        if (ch_exp_ && ch_len_ == (size_t)(n)) CHECK_MEM((out), ch_exp_, ch_len_);                 \
        free(ch_exp_);                                                                             \
    } while (0)

static size_t H(const char *hex, unsigned char *out, size_t cap)
{
    long n = th_unhex(hex, out, cap);
    CHECK(n >= 0);
    return n < 0 ? 0 : (size_t)n;
}

/* ---- hashes ------------------------------------------------------------------------------ */

TEST(hash_basic)
{
    uint8_t out[64];
    CHECK_EQ(ctls_hash_len(CTLS_HASH_SHA256), 32);
    CHECK_EQ(ctls_hash_len(CTLS_HASH_SHA384), 48);
    CHECK_EQ(ctls_hash_len(CTLS_HASH_SHA512), 64);
    CHECK_EQ(ctls_hash_len(CTLS_HASH_SHA1), 20);
    CHECK_EQ(ctls_hash_len(99), 0);
    CHECK_EQ(ctls_hash(CTLS_HASH_SHA256, "abc", 3, out), 0);
    CHECK_HEX(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_EQ(ctls_hash(CTLS_HASH_SHA256, NULL, 0, out), 0);
    CHECK_HEX(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_EQ(ctls_hash(99, "abc", 3, out), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_hash(CTLS_HASH_SHA256, "abc", 3, NULL), CTLS_ERR_INVALID_ARG);
}

TEST(hash_incremental_peek_dup)
{
    ctls_hash_ctx *h = NULL, *d = NULL;
    uint8_t a[64], b[64];
    CHECK_EQ(ctls_hash_new(CTLS_HASH_SHA256, &h), 0);
    CHECK_EQ(ctls_hash_alg(h), CTLS_HASH_SHA256);
    CHECK_EQ(ctls_hash_peek(h, a), 0);
    CHECK_HEX(a, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_EQ(ctls_hash_update(h, "a", 1), 0);
    CHECK_EQ(ctls_hash_peek(h, a), 0);
    CHECK_EQ(ctls_hash_peek(h, b), 0); /* peeking twice gives the same value */
    CHECK_MEM(a, b, 32);
    CHECK_EQ(ctls_hash_dup(h, &d), 0);
    CHECK_EQ(ctls_hash_update(h, "bc", 2), 0);
    CHECK_EQ(ctls_hash_peek(h, a), 0);
    CHECK_HEX(a, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* the duplicate is independent of later updates to the original */
    CHECK_EQ(ctls_hash_update(d, "bc", 2), 0);
    CHECK_EQ(ctls_hash_peek(d, b), 0);
    CHECK_MEM(a, b, 32);
    ctls_hash_free(h);
    ctls_hash_free(d);
    CHECK_EQ(ctls_hash_new(99, &h), CTLS_ERR_INVALID_ARG);
    CHECK(h == NULL);
    CHECK_EQ(ctls_hash_new(CTLS_HASH_SHA384, NULL), CTLS_ERR_INVALID_ARG);
    ctls_hash_free(NULL);
}

/* RFC 4231 test cases 1 and 2. */
TEST(hmac_rfc4231)
{
    uint8_t key[20], out[64];
    memset(key, 0x0b, sizeof key);
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA256, key, 20, "Hi There", 8, out), 0);
    CHECK_HEX(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA384, key, 20, "Hi There", 8, out), 0);
    CHECK_HEX(out, 48,
              "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
              "faea9ea9076ede7f4af152e8b2fa9cb6");
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA512, key, 20, "Hi There", 8, out), 0);
    CHECK_HEX(out, 64,
              "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
              "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
    const char *d2 = "what do ya want for nothing?";
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA256, (const uint8_t *)"Jefe", 4, d2, strlen(d2), out), 0);
    CHECK_HEX(out, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA384, (const uint8_t *)"Jefe", 4, d2, strlen(d2), out), 0);
    CHECK_HEX(out, 48,
              "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
              "8e2240ca5e69e2c78b3239ecfab21649");
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA512, (const uint8_t *)"Jefe", 4, d2, strlen(d2), out), 0);
    CHECK_HEX(out, 64,
              "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
              "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    CHECK_EQ(ctls_hmac(99, key, 20, "x", 1, out), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA256, key, 20, "x", 1, NULL), CTLS_ERR_INVALID_ARG);
}

/* RFC 4231 test case 6: a key longer than the block size is hashed first. */
TEST(hmac_long_key)
{
    uint8_t key[131], out[64];
    memset(key, 0xaa, sizeof key);
    const char *m = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK_EQ(ctls_hmac(CTLS_HASH_SHA256, key, sizeof key, m, strlen(m), out), 0);
    CHECK_HEX(out, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* HMAC on a keyed state (RFC 4231 cases 1 and 2): the same MACs, the state reusable. */
TEST(prk_hmac_rfc4231)
{
    uint8_t key[20], out[64], again[64];
    memset(key, 0x0b, sizeof key);
    ctls_prk p;
    CHECK_EQ(ctls_prk_init(&p, CTLS_HASH_SHA256, key, 20), 0);
    CHECK_EQ(ctls_prk_hmac(&p, "Hi There", 8, out), 0);
    CHECK_HEX(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK_EQ(ctls_prk_hmac(&p, "Hi There", 8, again), 0);
    CHECK_MEM(out, again, 32);
    ctls_prk_wipe(&p);
    CHECK_EQ(ctls_prk_hmac(&p, "Hi There", 8, out), CTLS_ERR_INVALID_ARG);
    const char *d2 = "what do ya want for nothing?";
    CHECK_EQ(ctls_prk_init(&p, CTLS_HASH_SHA384, (const uint8_t *)"Jefe", 4), 0);
    CHECK_EQ(ctls_prk_hmac(&p, d2, strlen(d2), out), 0);
    CHECK_HEX(out, 48,
              "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
              "8e2240ca5e69e2c78b3239ecfab21649");
    CHECK_EQ(ctls_prk_hmac(&p, NULL, 1, out), CTLS_ERR_INVALID_ARG);
    ctls_prk_wipe(&p);
}

/* ---- HKDF (RFC 5869 appendix A, cases 1-3) ---------------------------------------------- */

TEST(hkdf_rfc5869)
{
    uint8_t ikm[80], salt[80], info[80], prk[32], okm[82];
    size_t il, sl, nl;

    /* case 1 */
    il = H("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", ikm, sizeof ikm);
    sl = H("000102030405060708090a0b0c", salt, sizeof salt);
    nl = H("f0f1f2f3f4f5f6f7f8f9", info, sizeof info);
    CHECK_EQ(ctls_hkdf_extract(CTLS_HASH_SHA256, salt, sl, ikm, il, prk), 0);
    CHECK_HEX(prk, 32, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    CHECK_EQ(ctls_hkdf_expand(CTLS_HASH_SHA256, prk, 32, info, nl, okm, 42), 0);
    CHECK_HEX(okm, 42,
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
              "34007208d5b887185865");

    /* case 2: longer inputs, 82 bytes of output (three blocks) */
    for (int i = 0; i < 80; i++) {
        ikm[i] = (uint8_t)i;
        salt[i] = (uint8_t)(0x60 + i);
        info[i] = (uint8_t)(0xb0 + i);
    }
    CHECK_EQ(ctls_hkdf_extract(CTLS_HASH_SHA256, salt, 80, ikm, 80, prk), 0);
    CHECK_HEX(prk, 32, "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
    CHECK_EQ(ctls_hkdf_expand(CTLS_HASH_SHA256, prk, 32, info, 80, okm, 82), 0);
    CHECK_HEX(okm, 82,
              "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
              "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
              "cc30c58179ec3e87c14c01d5c1f3434f1d87");

    /* case 3: no salt, no info */
    il = H("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", ikm, sizeof ikm);
    CHECK_EQ(ctls_hkdf_extract(CTLS_HASH_SHA256, NULL, 0, ikm, il, prk), 0);
    CHECK_HEX(prk, 32, "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    CHECK_EQ(ctls_hkdf_expand(CTLS_HASH_SHA256, prk, 32, NULL, 0, okm, 42), 0);
    CHECK_HEX(okm, 42,
              "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
              "9d201395faa4b61a96c8");

    /* L > 255 * HashLen is refused */
    static uint8_t big[255 * 32 + 1];
    CHECK_EQ(ctls_hkdf_expand(CTLS_HASH_SHA256, prk, 32, NULL, 0, big, sizeof big),
             CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_hkdf_expand(CTLS_HASH_SHA256, prk, 32, NULL, 0, big, sizeof big - 1), 0);
}

/* ---- RFC 8448 section 3: the 1-RTT key schedule ------------------------------------------ */

TEST(rfc8448_key_schedule)
{
    const int A = CTLS_HASH_SHA256;
    uint8_t zeros[32] = {0}, early[32], derived[32], hs[32], chs[32], shs[32], empty_hash[32];
    uint8_t ecdhe[32], th[32], key[16], iv[12], fin[32];
    CHECK_EQ(ctls_hash(A, NULL, 0, empty_hash), 0);

    /* {server} extract secret "early": salt 0, IKM 32 zero octets (no PSK) */
    CHECK_EQ(ctls_hkdf_extract(A, NULL, 0, zeros, 32, early), 0);
    CHECK_HEX(early, 32, "33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a");
    /* derive secret for handshake "tls13 derived" */
    CHECK_EQ(ctls_hkdf_expand_label(A, early, 32, "derived", empty_hash, 32, derived, 32), 0);
    CHECK_HEX(derived, 32, "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
    /* extract secret "handshake" with the ECDHE shared secret */
    H("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d", ecdhe, 32);
    CHECK_EQ(ctls_hkdf_extract(A, derived, 32, ecdhe, 32, hs), 0);
    CHECK_HEX(hs, 32, "1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac");
    /* c/s hs traffic over Transcript-Hash(ClientHello, ServerHello) */
    H("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8", th, 32);
    CHECK_EQ(ctls_hkdf_expand_label(A, hs, 32, "c hs traffic", th, 32, chs, 32), 0);
    CHECK_HEX(chs, 32, "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21");
    CHECK_EQ(ctls_hkdf_expand_label(A, hs, 32, "s hs traffic", th, 32, shs, 32), 0);
    CHECK_HEX(shs, 32, "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
    /* traffic keys (RFC 8446 7.3) */
    CHECK_EQ(ctls_hkdf_expand_label(A, shs, 32, "key", NULL, 0, key, 16), 0);
    CHECK_HEX(key, 16, "3fce516009c21727d0f2e4e86ee403bc");
    CHECK_EQ(ctls_hkdf_expand_label(A, shs, 32, "iv", NULL, 0, iv, 12), 0);
    CHECK_HEX(iv, 12, "5d313eb2671276ee13000b30");
    CHECK_EQ(ctls_hkdf_expand_label(A, chs, 32, "key", NULL, 0, key, 16), 0);
    CHECK_HEX(key, 16, "dbfaa693d1762c5b666af5d950258d01");
    CHECK_EQ(ctls_hkdf_expand_label(A, chs, 32, "iv", NULL, 0, iv, 12), 0);
    CHECK_HEX(iv, 12, "5bd3c71b836e0b76bb73265f");
    CHECK_EQ(ctls_hkdf_expand_label(A, shs, 32, "finished", NULL, 0, fin, 32), 0);
    CHECK_HEX(fin, 32, "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");

    /* The ECDHE secret itself, from the RFC 8448 section 2 / 3 X25519 keys. */
    uint8_t cpriv[32], spriv[32], pub[CTLS_KX_MAX_PUBLIC], sec[CTLS_KX_MAX_SECRET];
    size_t pub_len = 0, sec_len = 0;
    ctls_kx *c = NULL, *s = NULL;
    H("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005", cpriv, 32);
    H("b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e", spriv, 32);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, cpriv, 32, &c), 0);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, spriv, 32, &s), 0);
    if (c && s) {
        CHECK_EQ(ctls_kx_public(c, pub, &pub_len), 0);
        CHECK_HEX(pub, pub_len, "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c");
        CHECK_EQ(ctls_kx_public(s, pub, &pub_len), 0);
        CHECK_HEX(pub, pub_len, "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f");
        CHECK_EQ(ctls_kx_derive(c, pub, pub_len, sec, &sec_len), 0);
        CHECK_MEM(sec, ecdhe, 32);
        CHECK_EQ(sec_len, 32);
    }
    ctls_kx_free(c);
    ctls_kx_free(s);

    /* labels are bounded: "tls13 " + label <= 255 bytes */
    char longlabel[256];
    memset(longlabel, 'a', 255);
    longlabel[255] = 0;
    CHECK_EQ(ctls_hkdf_expand_label(A, shs, 32, longlabel, NULL, 0, key, 16), CTLS_ERR_INVALID_ARG);
}

/* A keyed PRK gives the same expansions as the one-shot function: RFC 8448 vectors with SHA-256,
 * SHA-384 and a multi-block output against ctls_hkdf_expand_label, the bounds, and the wipe. */
TEST(prk_expand_label)
{
    uint8_t shs[32], key[16], iv[12], fin[32];
    H("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", shs, 32);
    ctls_prk p;
    CHECK_EQ(ctls_prk_init(&p, CTLS_HASH_SHA256, shs, 32), 0);
    CHECK_EQ(ctls_prk_expand_label(&p, "key", NULL, 0, key, 16), 0);
    CHECK_HEX(key, 16, "3fce516009c21727d0f2e4e86ee403bc");
    CHECK_EQ(ctls_prk_expand_label(&p, "iv", NULL, 0, iv, 12), 0);
    CHECK_HEX(iv, 12, "5d313eb2671276ee13000b30");
    CHECK_EQ(ctls_prk_expand_label(&p, "finished", NULL, 0, fin, 32), 0);
    CHECK_HEX(fin, 32, "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8");

    const int algs[2] = {CTLS_HASH_SHA256, CTLS_HASH_SHA384};
    uint8_t secret[48], ctx[48], a[200], b[200];
    for (size_t i = 0; i < sizeof secret; i++)
        secret[i] = (uint8_t)(3 * i + 1);
    for (size_t i = 0; i < sizeof ctx; i++)
        ctx[i] = (uint8_t)(7 * i);
    for (int k = 0; k < 2; k++) {
        size_t hl = ctls_hash_len(algs[k]);
        CHECK_EQ(ctls_prk_init(&p, algs[k], secret, hl), 0);
        const size_t lens[4] = {1, 12, hl, sizeof a}; /* the last spans several blocks */
        for (int j = 0; j < 4; j++) {
            memset(a, 0, sizeof a);
            memset(b, 0xff, sizeof b);
            CHECK_EQ(ctls_prk_expand_label(&p, "c ap traffic", ctx, hl, a, lens[j]), 0);
            CHECK_EQ(
                ctls_hkdf_expand_label(algs[k], secret, hl, "c ap traffic", ctx, hl, b, lens[j]),
                0);
            CHECK_MEM(a, b, lens[j]);
        }
        /* the keyed state is not consumed: the same call twice gives the same output */
        CHECK_EQ(ctls_prk_expand_label(&p, "x", NULL, 0, a, 32), 0);
        CHECK_EQ(ctls_prk_expand_label(&p, "x", NULL, 0, b, 32), 0);
        CHECK_MEM(a, b, 32);
        char longlabel[256];
        memset(longlabel, 'a', 255);
        longlabel[255] = 0;
        CHECK_EQ(ctls_prk_expand_label(&p, longlabel, NULL, 0, a, 16), CTLS_ERR_INVALID_ARG);
        CHECK_EQ(ctls_prk_expand_label(&p, "x", NULL, 0, a, 255 * hl + 1), CTLS_ERR_INVALID_ARG);
        ctls_prk_wipe(&p);
        int zero = 1;
        for (size_t i = 0; i < sizeof p.opaque / sizeof p.opaque[0]; i++)
            zero &= p.opaque[i] == 0;
        CHECK(zero);
        /* a wiped key is no key */
        CHECK_EQ(ctls_prk_expand_label(&p, "x", NULL, 0, a, 16), CTLS_ERR_INVALID_ARG);
    }
    CHECK_EQ(ctls_prk_init(&p, CTLS_HASH_SHA1, secret, 20), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_prk_init(&p, 99, secret, 20), CTLS_ERR_INVALID_ARG);
}

/* Secret randomness: distinct, not all zero, and routed through the test hook like the rest. */
TEST(random_secret)
{
    uint8_t a[48], b[48];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    CHECK_EQ(ctls_random_secret(a, sizeof a), 0);
    CHECK_EQ(ctls_random_secret(b, sizeof b), 0);
    CHECK(memcmp(a, b, sizeof a) != 0);
    int nz = 0;
    for (size_t i = 0; i < sizeof a; i++)
        nz += a[i] != 0;
    CHECK(nz > 30);
    CHECK_EQ(ctls_random_secret(NULL, 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_random_secret(NULL, 0), 0);
}

/* ctls_random hands out public randomness from a per-thread pool: consecutive draws differ, and a
 * fork() child must not repeat what the parent draws next from the pool it inherited. */
TEST(random_pool_fork)
{
    uint8_t a[32], b[32], child[32];
    CHECK_EQ(ctls_random(a, sizeof a), 0); /* fills the pool */
    CHECK_EQ(ctls_random(b, sizeof b), 0);
    CHECK(memcmp(a, b, sizeof a) != 0);
    int fds[2];
    CHECK_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        uint8_t x[32];
        int ok = ctls_random(x, sizeof x) == 0 && write(fds[1], x, sizeof x) == (ssize_t)sizeof x;
        _exit(ok ? 0 : 1);
    }
    CHECK(pid > 0);
    CHECK_EQ(ctls_random(b, sizeof b), 0);
    CHECK_EQ(read(fds[0], child, sizeof child), (ssize_t)sizeof child);
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(memcmp(b, child, sizeof b) != 0);
    close(fds[0]);
    close(fds[1]);
    /* larger draws bypass the pool and still work */
    uint8_t big[1000];
    memset(big, 0, sizeof big);
    CHECK_EQ(ctls_random(big, sizeof big), 0);
    int nz = 0;
    for (size_t i = 0; i < sizeof big; i++)
        nz += big[i] != 0;
    CHECK(nz > 900);
}

/* A rekeyed context seals exactly like a fresh one under the new key, and no longer opens
 * what the old key sealed. */
TEST(aead_rekey)
{
    const int algs[3] = {CTLS_AEAD_AES_128_GCM, CTLS_AEAD_AES_256_GCM, CTLS_AEAD_CHACHA20_POLY1305};
    uint8_t k1[32], k2[32], nonce[12] = {1, 2, 3}, msg[100], c1[116], c2[116], p[100];
    for (size_t i = 0; i < 32; i++) {
        k1[i] = (uint8_t)i;
        k2[i] = (uint8_t)(0xa5 ^ i);
    }
    memset(msg, 0x42, sizeof msg);
    for (int i = 0; i < 3; i++) {
        size_t kl = ctls_aead_key_len(algs[i]);
        ctls_aead *a = NULL, *b = NULL;
        CHECK_EQ(ctls_aead_new(algs[i], k1, kl, &a), 0);
        CHECK_EQ(ctls_aead_new(algs[i], k2, kl, &b), 0);
        if (!a || !b) {
            ctls_aead_free(a);
            ctls_aead_free(b);
            continue;
        }
        CHECK_EQ(ctls_aead_alg(a), algs[i]);
        CHECK_EQ(ctls_aead_seal(a, nonce, msg, 5, msg, sizeof msg, c1), 0);
        CHECK_EQ(ctls_aead_rekey(a, k2, kl), 0);
        CHECK_EQ(ctls_aead_seal(a, nonce, msg, 5, msg, sizeof msg, c2), 0);
        uint8_t want[116];
        CHECK_EQ(ctls_aead_seal(b, nonce, msg, 5, msg, sizeof msg, want), 0);
        CHECK_MEM(c2, want, sizeof want);
        CHECK(memcmp(c1, c2, sizeof c1) != 0);
        CHECK_EQ(ctls_aead_open(a, nonce, msg, 5, c1, sizeof c1, p), CTLS_ERR_BAD_RECORD_MAC);
        CHECK_EQ(ctls_aead_open(a, nonce, msg, 5, c2, sizeof c2, p), 0);
        CHECK_MEM(p, msg, sizeof msg);
        CHECK_EQ(ctls_aead_rekey(a, k2, kl + 1), CTLS_ERR_INVALID_ARG);
        ctls_aead_free(a);
        ctls_aead_free(b);
    }
    CHECK_EQ(ctls_aead_alg(NULL), 0);
}

/* ---- TLS 1.2 PRF ------------------------------------------------------------------------- */

/* The P_SHA256 vector posted to the IETF TLS list (secret, seed, "test label", 100 bytes). */
TEST(prf12_sha256)
{
    uint8_t secret[16], seed[16], out[100];
    H("9bbe436ba940f017b17652849a71db35", secret, sizeof secret);
    H("a0ba9f936cda311827a6f796ffd5198c", seed, sizeof seed);
    CHECK_EQ(ctls_prf12(CTLS_HASH_SHA256, secret, 16, "test label", seed, 16, out, 100), 0);
    CHECK_HEX(out, 100,
              "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a"
              "6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab"
              "4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
              "87347b66");
    /* a prefix of a longer output is the shorter output */
    uint8_t o2[37];
    CHECK_EQ(ctls_prf12(CTLS_HASH_SHA256, secret, 16, "test label", seed, 16, o2, 37), 0);
    CHECK_MEM(o2, out, 37);
    CHECK_EQ(ctls_prf12(99, secret, 16, "x", seed, 16, out, 10), CTLS_ERR_INVALID_ARG);
}

TEST(ct_equal)
{
    CHECK_EQ(ctls_ct_equal("abc", "abc", 3), 1);
    CHECK_EQ(ctls_ct_equal("abc", "abd", 3), 0);
    CHECK_EQ(ctls_ct_equal("abc", "xbc", 0), 1);
}

/* ---- AEAD -------------------------------------------------------------------------------- */

/* Seal and open (separate and in place) and compare with the expected ciphertext || tag. */
static void aead_kat(int alg, const char *key_hex, const char *nonce_hex, const char *aad_hex,
                     const char *pt_hex, const char *ct_tag_hex)
{
    size_t kl, nl, al, pl, cl;
    unsigned char *key = unhex_alloc(key_hex, &kl), *nonce = unhex_alloc(nonce_hex, &nl);
    unsigned char *aad = unhex_alloc(aad_hex, &al), *pt = unhex_alloc(pt_hex, &pl);
    unsigned char *ct = unhex_alloc(ct_tag_hex, &cl);
    CHECK(key && nonce && aad && pt && ct && nl == 12 && cl == pl + 16);
    ctls_aead *a = NULL;
    CHECK_EQ(ctls_aead_new(alg, key, kl, &a), 0);
    unsigned char *buf = malloc(cl + 1);
    if (a && buf && cl == pl + 16) {
        CHECK_EQ(ctls_aead_seal(a, nonce, aad, al, pt, pl, buf), 0);
        CHECK_MEM(buf, ct, cl);
        CHECK_EQ(ctls_aead_open(a, nonce, aad, al, ct, cl, buf), 0);
        CHECK_MEM(buf, pt, pl);
        /* in place, twice, to show the context is reusable across records */
        for (int r = 0; r < 2; r++) {
            memcpy(buf, pt, pl);
            CHECK_EQ(ctls_aead_seal(a, nonce, aad, al, buf, pl, buf), 0);
            CHECK_MEM(buf, ct, cl);
            CHECK_EQ(ctls_aead_open(a, nonce, aad, al, buf, cl, buf), 0);
            CHECK_MEM(buf, pt, pl);
        }
        /* a flipped tag bit: bad_record_mac, output zeroed */
        memcpy(buf, ct, cl);
        buf[cl - 1] ^= 1;
        CHECK_EQ(ctls_aead_open(a, nonce, aad, al, buf, cl, buf), CTLS_ERR_BAD_RECORD_MAC);
        int zero = 1;
        for (size_t i = 0; i < pl; i++)
            zero &= buf[i] == 0;
        CHECK(zero);
        /* a flipped ciphertext bit, and a different nonce */
        if (pl) {
            memcpy(buf, ct, cl);
            buf[0] ^= 0x80;
            CHECK_EQ(ctls_aead_open(a, nonce, aad, al, buf, cl, buf), CTLS_ERR_BAD_RECORD_MAC);
        }
        unsigned char n2[12];
        memcpy(n2, nonce, 12);
        n2[11] ^= 1;
        CHECK_EQ(ctls_aead_open(a, n2, aad, al, ct, cl, buf), CTLS_ERR_BAD_RECORD_MAC);
        /* shorter than a tag */
        CHECK_EQ(ctls_aead_open(a, nonce, aad, al, ct, 15, buf), CTLS_ERR_BAD_RECORD_MAC);
        CHECK_EQ(ctls_aead_open(a, nonce, aad, al, ct, 0, buf), CTLS_ERR_BAD_RECORD_MAC);
        /* and still fine afterwards */
        CHECK_EQ(ctls_aead_open(a, nonce, aad, al, ct, cl, buf), 0);
        CHECK_MEM(buf, pt, pl);
    }
    ctls_aead_free(a);
    free(buf);
    free(key);
    free(nonce);
    free(aad);
    free(pt);
    free(ct);
}

/* RFC 8439 2.8.2 */
TEST(aead_chacha20_poly1305_rfc8439)
{
    aead_kat(CTLS_AEAD_CHACHA20_POLY1305,
             "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
             "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
             /* "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for
              * the future, sunscreen would be it." */
             "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
             "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
             "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
             "637265656e20776f756c642062652069742e",
             "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
             "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
             "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
             "3ff4def08e4b7a9de576d26586cec64b6116"
             "1ae10b594f09e26a7e902ecbd0600691");
}

/* McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 4 (AES-128) and
 * 16 (AES-256): 60-byte plaintext, 20-byte AAD, 96-bit IV. */
#define MV_PT                                                                                      \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                             \
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
TEST(aead_aes_gcm_mcgrew_viega)
{
    aead_kat(CTLS_AEAD_AES_128_GCM, "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
             "feedfacedeadbeeffeedfacedeadbeefabaddad2", MV_PT,
             "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
             "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
             "5bc94fbc3221a5db94fae95ae7121a47");
    aead_kat(CTLS_AEAD_AES_256_GCM,
             "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
             "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", MV_PT,
             "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
             "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
             "76fc6ece0f4e1768cddf8853bb2d551b");
    /* test case 1: empty everything */
    aead_kat(CTLS_AEAD_AES_128_GCM, "00000000000000000000000000000000", "000000000000000000000000",
             "", "", "58e2fccefa7e3061367f1d57a4e7455a");
}

TEST(aead_args)
{
    uint8_t key[32] = {0}, nonce[12] = {0}, buf[64];
    ctls_aead *a = NULL;
    CHECK_EQ(ctls_aead_key_len(CTLS_AEAD_AES_128_GCM), 16);
    CHECK_EQ(ctls_aead_key_len(CTLS_AEAD_AES_256_GCM), 32);
    CHECK_EQ(ctls_aead_key_len(CTLS_AEAD_CHACHA20_POLY1305), 32);
    CHECK_EQ(ctls_aead_key_len(0), 0);
    CHECK_EQ(ctls_aead_new(CTLS_AEAD_AES_128_GCM, key, 32, &a), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_aead_new(77, key, 16, &a), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_aead_new(CTLS_AEAD_AES_128_GCM, NULL, 16, &a), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_aead_new(CTLS_AEAD_AES_128_GCM, key, 16, NULL), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_aead_new(CTLS_AEAD_AES_128_GCM, key, 16, &a), 0);
    CHECK_EQ(ctls_aead_seal(NULL, nonce, NULL, 0, buf, 1, buf), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_aead_seal(a, NULL, NULL, 0, buf, 1, buf), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_aead_open(a, nonce, NULL, 0, NULL, 16, buf), CTLS_ERR_INVALID_ARG);
    /* an empty record seals to just a tag and opens back */
    CHECK_EQ(ctls_aead_seal(a, nonce, NULL, 0, NULL, 0, buf), 0);
    CHECK_EQ(ctls_aead_open(a, nonce, NULL, 0, buf, 16, buf + 16), 0);
    ctls_aead_free(a);
    ctls_aead_free(NULL);
}

/* ---- key exchange ------------------------------------------------------------------------ */

/* RFC 7748 6.1 */
TEST(x25519_rfc7748)
{
    uint8_t a_priv[32], b_priv[32], pub[CTLS_KX_MAX_PUBLIC], sec[CTLS_KX_MAX_SECRET];
    uint8_t a_pub[32], b_pub[32];
    size_t pl = 0, sl = 0;
    ctls_kx *a = NULL, *b = NULL;
    H("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a_priv, 32);
    H("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b_priv, 32);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, a_priv, 32, &a), 0);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, b_priv, 32, &b), 0);
    if (!a || !b) goto out;
    CHECK_EQ(ctls_kx_group(a), CTLS_GROUP_X25519);
    CHECK_EQ(ctls_kx_public(a, pub, &pl), 0);
    CHECK_HEX(pub, pl, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    memcpy(a_pub, pub, 32);
    CHECK_EQ(ctls_kx_public(b, pub, &pl), 0);
    CHECK_HEX(pub, pl, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    memcpy(b_pub, pub, 32);
    CHECK_EQ(ctls_kx_derive(a, b_pub, 32, sec, &sl), 0);
    CHECK_HEX(sec, sl, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    CHECK_EQ(ctls_kx_derive(b, a_pub, 32, sec, &sl), 0);
    CHECK_HEX(sec, sl, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    /* Low-order peer points give an all-zero secret: illegal_parameter (RFC 7748 6.1,
     * RFC 8446 7.4.2). The zero point and a point of order 8. */
    uint8_t bad[32] = {0};
    CHECK_EQ(ctls_kx_derive(a, bad, 32, sec, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(sl, 0);
    H("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", bad, 32);
    CHECK_EQ(ctls_kx_derive(a, bad, 32, sec, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    /* wrong lengths */
    CHECK_EQ(ctls_kx_derive(a, b_pub, 31, sec, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_kx_derive(a, b_pub, 0, sec, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    uint8_t longer[33] = {0};
    memcpy(longer, b_pub, 32);
    CHECK_EQ(ctls_kx_derive(a, longer, 33, sec, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    ctls_kx *c = NULL;
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, a_priv, 31, &c), CTLS_ERR_INVALID_ARG);
    CHECK(c == NULL);
out:
    ctls_kx_free(a);
    ctls_kx_free(b);
}

static void nist_kx(uint16_t group, size_t fl)
{
    ctls_kx *a = NULL, *b = NULL;
    uint8_t pa[CTLS_KX_MAX_PUBLIC], pb[CTLS_KX_MAX_PUBLIC], s1[CTLS_KX_MAX_SECRET],
        s2[CTLS_KX_MAX_SECRET];
    size_t la = 0, lb = 0, l1 = 0, l2 = 0;
    CHECK(ctls_kx_supported(group));
    CHECK_EQ(ctls_kx_generate(group, &a), 0);
    CHECK_EQ(ctls_kx_generate(group, &b), 0);
    if (!a || !b) goto out;
    CHECK_EQ(ctls_kx_group(a), group);
    CHECK_EQ(ctls_kx_public(a, pa, &la), 0);
    CHECK_EQ(ctls_kx_public(b, pb, &lb), 0);
    CHECK_EQ(la, 1 + 2 * fl);
    CHECK_EQ(lb, 1 + 2 * fl);
    CHECK_EQ(pa[0], 0x04);
    CHECK(memcmp(pa, pb, la) != 0);
    CHECK_EQ(ctls_kx_derive(a, pb, lb, s1, &l1), 0);
    CHECK_EQ(ctls_kx_derive(b, pa, la, s2, &l2), 0);
    CHECK_EQ(l1, fl);
    CHECK_EQ(l2, fl);
    CHECK_MEM(s1, s2, fl);

    /* not on the curve: flip a bit of Y */
    uint8_t bad[CTLS_KX_MAX_PUBLIC];
    memcpy(bad, pb, lb);
    bad[lb - 1] ^= 1;
    CHECK_EQ(ctls_kx_derive(a, bad, lb, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(l1, 0);
    /* compressed form of a valid point */
    bad[0] = (uint8_t)(0x02 | (pb[lb - 1] & 1));
    memcpy(bad + 1, pb + 1, fl);
    CHECK_EQ(ctls_kx_derive(a, bad, 1 + fl, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    /* a valid point with a compressed-form prefix byte and full length */
    memcpy(bad, pb, lb);
    bad[0] = 0x02;
    CHECK_EQ(ctls_kx_derive(a, bad, lb, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    /* the point at infinity (one zero byte), and an all-zero full-length value */
    uint8_t zero[CTLS_KX_MAX_PUBLIC] = {0};
    CHECK_EQ(ctls_kx_derive(a, zero, 1, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    zero[0] = 0x04;
    CHECK_EQ(ctls_kx_derive(a, zero, lb, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    /* coordinates >= p: X = Y = 0xff.. */
    memset(bad, 0xff, lb);
    bad[0] = 0x04;
    CHECK_EQ(ctls_kx_derive(a, bad, lb, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    /* wrong lengths */
    CHECK_EQ(ctls_kx_derive(a, pb, lb - 1, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_kx_derive(a, pb, 32, s1, &l1), CTLS_ERR_ILLEGAL_PARAMETER);
    /* the derive still works after failures */
    CHECK_EQ(ctls_kx_derive(a, pb, lb, s1, &l1), 0);
    CHECK_MEM(s1, s2, fl);
out:
    ctls_kx_free(a);
    ctls_kx_free(b);
}

TEST(ecdh_p256_p384)
{
    nist_kx(CTLS_GROUP_SECP256R1, 32);
    nist_kx(CTLS_GROUP_SECP384R1, 48);
    CHECK(!ctls_kx_supported(0x0019));
    ctls_kx *k = NULL;
    CHECK_EQ(ctls_kx_generate(0x0019, &k), CTLS_ERR_UNSUPPORTED);
    /* out-of-range scalars: 0 and the order n */
    uint8_t zero[32] = {0}, n[32];
    H("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", n, 32);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_SECP256R1, zero, 32, &k), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_SECP256R1, n, 32, &k), CTLS_ERR_INVALID_ARG);
    n[31] = 0x50; /* n - 1 is fine */
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_SECP256R1, n, 32, &k), 0);
    ctls_kx_free(k);
}

/* P-256 ECDH with a fixed scalar: 1 * G is the generator. */
TEST(ecdh_p256_fixed)
{
    uint8_t one[32] = {0}, pub[CTLS_KX_MAX_PUBLIC];
    size_t pl = 0;
    one[31] = 1;
    ctls_kx *k = NULL;
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_SECP256R1, one, 32, &k), 0);
    if (k) {
        CHECK_EQ(ctls_kx_public(k, pub, &pl), 0);
        CHECK_HEX(pub, pl,
                  "04"
                  "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                  "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");
    }
    ctls_kx_free(k);
}

/* A deterministic "random" source: a counter stream. */
static int counter_hook(void *ctx, void *buf, size_t len)
{
    unsigned *c = ctx;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)((*c)++ * 37u + 11u);
    return 0;
}

static int zero_hook(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    memset(buf, 0, len);
    return 0;
}

static int fail_hook(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

TEST(random_hook_deterministic_keys)
{
    static const uint16_t groups[] = {CTLS_GROUP_X25519, CTLS_GROUP_SECP256R1,
                                      CTLS_GROUP_SECP384R1};
    for (size_t g = 0; g < 3; g++) {
        uint8_t p1[CTLS_KX_MAX_PUBLIC], p2[CTLS_KX_MAX_PUBLIC];
        size_t l1 = 0, l2 = 0;
        unsigned ctr = 0;
        ctls_kx *a = NULL, *b = NULL;
        ctls_random_set_test_hook(counter_hook, &ctr);
        CHECK_EQ(ctls_kx_generate(groups[g], &a), 0);
        ctr = 0;
        CHECK_EQ(ctls_kx_generate(groups[g], &b), 0);
        if (a && b) {
            CHECK_EQ(ctls_kx_public(a, p1, &l1), 0);
            CHECK_EQ(ctls_kx_public(b, p2, &l2), 0);
            CHECK_EQ(l1, l2);
            CHECK_MEM(p1, p2, l1);
        }
        ctls_kx_free(a);
        ctls_kx_free(b);
        /* an all-zero source still yields a valid (reduced) NIST scalar */
        ctls_random_set_test_hook(zero_hook, NULL);
        CHECK_EQ(ctls_kx_generate(groups[g], &a), 0);
        ctls_kx_free(a);
        a = NULL;
        ctls_random_set_test_hook(fail_hook, NULL);
        CHECK_EQ(ctls_kx_generate(groups[g], &a), CTLS_ERR_CRYPTO);
        CHECK(a == NULL);
        ctls_random_set_test_hook(NULL, NULL);
    }
    uint8_t r1[16], r2[16];
    unsigned ctr = 0;
    ctls_random_set_test_hook(counter_hook, &ctr);
    CHECK_EQ(ctls_random(r1, 16), 0);
    ctr = 0;
    CHECK_EQ(ctls_random(r2, 16), 0);
    CHECK_MEM(r1, r2, 16);
    ctls_random_set_test_hook(NULL, NULL);
    CHECK_EQ(ctls_random(r1, 16), 0);
    CHECK_EQ(ctls_random(r2, 16), 0);
    CHECK(memcmp(r1, r2, 16) != 0);
    CHECK_EQ(ctls_random(NULL, 0), 0);
}

/* ---- signatures -------------------------------------------------------------------------- */

static ctls_privkey *load_key(const char *pem)
{
    ctls_privkey *k = NULL;
    CHECK_EQ(ctls_privkey_from_pem(pem, strlen(pem), &k), 0);
    return k;
}

static ctls_pubkey *load_pub(const char *hex)
{
    uint8_t der[600];
    long n = th_unhex(hex, der, sizeof der);
    CHECK(n > 0);
    ctls_pubkey *p = NULL;
    CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n, &p), 0);
    return p;
}

static void sign_verify(const char *pem, const char *spki_hex, uint16_t scheme)
{
    ctls_privkey *k = load_key(pem);
    ctls_pubkey *p = load_pub(spki_hex);
    if (!k || !p) goto out;
    static const uint8_t msg[] = "TLS 1.3, server CertificateVerify";
    uint8_t sig[CTLS_MAX_SIG_LEN];
    size_t sl = sizeof sig;
    CHECK_EQ(ctls_sign(k, scheme, msg, sizeof msg, sig, &sl), 0);
    CHECK(sl > 0 && sl <= sizeof sig);
    CHECK_EQ(ctls_verify(p, scheme, msg, sizeof msg, sig, sl), 0);
    /* a different message, a flipped signature bit, a truncated signature */
    CHECK_EQ(ctls_verify(p, scheme, msg, sizeof msg - 1, sig, sl), CTLS_ERR_DECRYPT_ERROR);
    sig[sl / 2] ^= 0x10;
    CHECK_EQ(ctls_verify(p, scheme, msg, sizeof msg, sig, sl), CTLS_ERR_DECRYPT_ERROR);
    sig[sl / 2] ^= 0x10;
    CHECK_EQ(ctls_verify(p, scheme, msg, sizeof msg, sig, sl - 1), CTLS_ERR_DECRYPT_ERROR);
    CHECK_EQ(ctls_verify(p, scheme, msg, sizeof msg, sig, 0), CTLS_ERR_DECRYPT_ERROR);
    /* signature buffer too small */
    size_t small = 8;
    CHECK_EQ(ctls_sign(k, scheme, msg, sizeof msg, sig, &small), CTLS_ERR_INVALID_ARG);
out:
    ctls_privkey_free(k);
    ctls_pubkey_free(p);
}

TEST(sign_verify_all_schemes)
{
    sign_verify(KEY_P256_SEC1, SPKI_P256, CTLS_SIG_ECDSA_SECP256R1_SHA256);
    sign_verify(KEY_P256_SEC1, SPKI_P256, CTLS_SIG_ECDSA_SHA1);
    sign_verify(KEY_P384_PKCS8, SPKI_P384, CTLS_SIG_ECDSA_SECP384R1_SHA384);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PSS_RSAE_SHA256);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PSS_RSAE_SHA384);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PSS_RSAE_SHA512);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PKCS1_SHA256);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PKCS1_SHA384);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PKCS1_SHA512);
    sign_verify(KEY_RSA_PKCS1, SPKI_RSA, CTLS_SIG_RSA_PKCS1_SHA1);
    sign_verify(KEY_RSA_PSS_PKCS8, SPKI_RSA_PSS, CTLS_SIG_RSA_PSS_PSS_SHA256);
    sign_verify(KEY_RSA_PSS_PKCS8, SPKI_RSA_PSS, CTLS_SIG_RSA_PSS_PSS_SHA384);
    sign_verify(KEY_RSA_PSS_PKCS8, SPKI_RSA_PSS, CTLS_SIG_RSA_PSS_PSS_SHA512);
    sign_verify(KEY_ED25519_PKCS8, SPKI_ED25519, CTLS_SIG_ED25519);
}

TEST(key_types_and_matching)
{
    struct {
        const char *pem, *spki;
        int type, bits;
    } keys[] = {
        {KEY_P256_SEC1, SPKI_P256, CTLS_KEY_EC_P256, 256},
        {KEY_P384_PKCS8, SPKI_P384, CTLS_KEY_EC_P384, 384},
        {KEY_RSA_PKCS1, SPKI_RSA, CTLS_KEY_RSA, 2048},
        {KEY_RSA_PSS_PKCS8, SPKI_RSA_PSS, CTLS_KEY_RSA_PSS, 2048},
        {KEY_ED25519_PKCS8, SPKI_ED25519, CTLS_KEY_ED25519, 256},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        ctls_privkey *k = load_key(keys[i].pem);
        ctls_pubkey *p = load_pub(keys[i].spki);
        if (k && p) {
            CHECK_EQ(ctls_privkey_type(k), keys[i].type);
            CHECK_EQ(ctls_pubkey_type(p), keys[i].type);
            CHECK_EQ(ctls_privkey_bits(k), keys[i].bits);
            CHECK_EQ(ctls_pubkey_bits(p), keys[i].bits);
            for (size_t j = 0; j < sizeof keys / sizeof keys[0]; j++) {
                uint8_t der[600];
                long n = th_unhex(keys[j].spki, der, sizeof der);
                CHECK_EQ(ctls_privkey_matches_spki(k, der, (size_t)n), i == j);
            }
        }
        ctls_privkey_free(k);
        ctls_pubkey_free(p);
    }
}

TEST(sign_scheme_mismatch)
{
    ctls_privkey *ec = load_key(KEY_P256_SEC1), *rsa = load_key(KEY_RSA_PKCS1);
    ctls_privkey *pss = load_key(KEY_RSA_PSS_PKCS8), *ed = load_key(KEY_ED25519_PKCS8);
    ctls_pubkey *ecp = load_pub(SPKI_P256), *p384 = load_pub(SPKI_P384);
    ctls_pubkey *rsap = load_pub(SPKI_RSA), *pssp = load_pub(SPKI_RSA_PSS);
    uint8_t sig[CTLS_MAX_SIG_LEN];
    size_t sl = sizeof sig;
    const uint8_t m[] = "m";
    if (!ec || !rsa || !pss || !ed || !ecp || !p384 || !rsap || !pssp) goto out;
    CHECK_EQ(ctls_sign(ec, CTLS_SIG_RSA_PSS_RSAE_SHA256, m, 1, sig, &sl),
             CTLS_ERR_ILLEGAL_PARAMETER);
    /* ECDSA schemes are not bound to a curve here (TLS 1.2 names only the hash; the TLS 1.3
     * binding is the handshake's check): P-256 with SHA-384 works both ways */
    CHECK_EQ(ctls_sign(ec, CTLS_SIG_ECDSA_SECP384R1_SHA384, m, 1, sig, &sl), 0);
    CHECK_EQ(ctls_verify(ecp, CTLS_SIG_ECDSA_SECP384R1_SHA384, m, 1, sig, sl), 0);
    CHECK_EQ(ctls_verify(ecp, CTLS_SIG_ECDSA_SECP256R1_SHA256, m, 1, sig, sl),
             CTLS_ERR_DECRYPT_ERROR);
    sl = sizeof sig;
    CHECK_EQ(ctls_sign(rsa, CTLS_SIG_ECDSA_SECP256R1_SHA256, m, 1, sig, &sl),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_sign(rsa, CTLS_SIG_RSA_PSS_PSS_SHA256, m, 1, sig, &sl),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_sign(rsa, CTLS_SIG_ED25519, m, 1, sig, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_sign(pss, CTLS_SIG_RSA_PSS_RSAE_SHA256, m, 1, sig, &sl),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_sign(pss, CTLS_SIG_RSA_PKCS1_SHA256, m, 1, sig, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_sign(ed, CTLS_SIG_ECDSA_SECP256R1_SHA256, m, 1, sig, &sl),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_sign(ed, 0x1234, m, 1, sig, &sl), CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_verify(rsap, CTLS_SIG_ECDSA_SECP256R1_SHA256, m, 1, sig, 64),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_verify(ecp, CTLS_SIG_RSA_PKCS1_SHA256, m, 1, sig, 64),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_verify(pssp, CTLS_SIG_RSA_PSS_RSAE_SHA256, m, 1, sig, 256),
             CTLS_ERR_ILLEGAL_PARAMETER);
    CHECK_EQ(ctls_verify(rsap, CTLS_SIG_RSA_PSS_PSS_SHA256, m, 1, sig, 256),
             CTLS_ERR_ILLEGAL_PARAMETER);

    /* verification does not bind the curve: ecdsa_secp256r1_sha256 over a P-384 key (X.509
     * allows ecdsa-with-SHA256 on P-384) */
    ctls_privkey *k384 = load_key(KEY_P384_PKCS8);
    if (k384) {
        sl = sizeof sig;
        CHECK_EQ(ctls_sign(k384, CTLS_SIG_ECDSA_SHA1, m, 1, sig, &sl), 0);
        CHECK_EQ(ctls_verify(p384, CTLS_SIG_ECDSA_SHA1, m, 1, sig, sl), 0);
        CHECK_EQ(ctls_verify(p384, CTLS_SIG_ECDSA_SECP256R1_SHA256, m, 1, sig, sl),
                 CTLS_ERR_DECRYPT_ERROR);
    }
    ctls_privkey_free(k384);
    /* an RSA signature under the wrong padding */
    sl = sizeof sig;
    CHECK_EQ(ctls_sign(rsa, CTLS_SIG_RSA_PKCS1_SHA256, m, 1, sig, &sl), 0);
    CHECK_EQ(ctls_verify(rsap, CTLS_SIG_RSA_PSS_RSAE_SHA256, m, 1, sig, sl),
             CTLS_ERR_DECRYPT_ERROR);
    CHECK_EQ(ctls_verify(rsap, CTLS_SIG_RSA_PKCS1_SHA384, m, 1, sig, sl), CTLS_ERR_DECRYPT_ERROR);
    CHECK_EQ(ctls_verify(rsap, CTLS_SIG_RSA_PKCS1_SHA256, m, 1, sig, sl), 0);
out:
    ctls_privkey_free(ec);
    ctls_privkey_free(rsa);
    ctls_privkey_free(pss);
    ctls_privkey_free(ed);
    ctls_pubkey_free(ecp);
    ctls_pubkey_free(p384);
    ctls_pubkey_free(rsap);
    ctls_pubkey_free(pssp);
}

TEST(bad_pem_and_spki)
{
    ctls_privkey *k = NULL;
    const char *garbage = "hello, this is not a key";
    CHECK_EQ(ctls_privkey_from_pem(garbage, strlen(garbage), &k), CTLS_ERR_BAD_KEY);
    CHECK(k == NULL);
    CHECK_EQ(ctls_privkey_from_pem("", 0, &k), CTLS_ERR_BAD_KEY);
    /* every truncation of a valid key: never a crash, and an error unless complete */
    size_t len = strlen(KEY_P256_SEC1);
    for (size_t n = 0; n < len; n += 7) {
        int rc = ctls_privkey_from_pem(KEY_P256_SEC1, n, &k);
        CHECK(rc == CTLS_ERR_BAD_KEY || rc == 0);
        if (rc == 0) /* only the final newline may be missing */
            CHECK(n >= len - 1);
        ctls_privkey_free(k);
        k = NULL;
    }
    /* a corrupted base64 body */
    char *bad = strdup(KEY_RSA_PKCS1);
    bad[100] = bad[100] == 'A' ? 'B' : 'A';
    bad[101] = '*';
    CHECK_EQ(ctls_privkey_from_pem(bad, strlen(bad), &k), CTLS_ERR_BAD_KEY);
    free(bad);
    /* encrypted keys are refused without prompting */
    CHECK_EQ(ctls_privkey_from_pem(KEY_P256_ENCRYPTED, strlen(KEY_P256_ENCRYPTED), &k),
             CTLS_ERR_BAD_KEY);
    /* a public key PEM is not a private key */
    const char *pub = "-----BEGIN PUBLIC KEY-----\n"
                      "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
                      "-----END PUBLIC KEY-----\n";
    CHECK_EQ(ctls_privkey_from_pem(pub, strlen(pub), &k), CTLS_ERR_BAD_KEY);
    CHECK_EQ(ctls_privkey_from_pem(NULL, 0, &k), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_privkey_from_pem(garbage, 3, NULL), CTLS_ERR_INVALID_ARG);

    ctls_pubkey *p = NULL;
    uint8_t der[600];
    long n = th_unhex(SPKI_P256, der, sizeof der);
    CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n - 1, &p), CTLS_ERR_BAD_KEY);
    der[n] = 0; /* trailing data */
    CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n + 1, &p), CTLS_ERR_BAD_KEY);
    CHECK_EQ(ctls_pubkey_from_spki(der, 0, &p), CTLS_ERR_BAD_KEY);
    CHECK_EQ(ctls_pubkey_from_spki((const uint8_t *)"\x30\x00", 2, &p), CTLS_ERR_BAD_KEY);
    /* a point not on the curve inside the SPKI */
    der[n - 1] ^= 1;
    CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n, &p), CTLS_ERR_BAD_KEY);
    CHECK(p == NULL);
    CHECK_EQ(ctls_pubkey_from_spki(NULL, 10, &p), CTLS_ERR_INVALID_ARG);
}

/* A key after another PEM block (a combined cert+key file) is found; every truncation and
 * single-bit corruption of each SPKI is handled without a crash. */
TEST(pem_combined_and_spki_robustness)
{
    const char *pub = "-----BEGIN PUBLIC KEY-----\n"
                      "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
                      "-----END PUBLIC KEY-----\n";
    size_t n1 = strlen(pub), n2 = strlen(KEY_P256_SEC1);
    char *both = malloc(n1 + n2 + 1);
    memcpy(both, pub, n1);
    memcpy(both + n1, KEY_P256_SEC1, n2 + 1);
    ctls_privkey *k = NULL;
    CHECK_EQ(ctls_privkey_from_pem(both, n1 + n2, &k), 0);
    CHECK_EQ(ctls_privkey_type(k), CTLS_KEY_EC_P256);
    ctls_privkey_free(k);
    free(both);

    const char *spkis[] = {SPKI_P256, SPKI_P384, SPKI_RSA, SPKI_RSA_PSS, SPKI_ED25519};
    for (size_t i = 0; i < sizeof spkis / sizeof spkis[0]; i++) {
        uint8_t der[600];
        long n = th_unhex(spkis[i], der, sizeof der);
        for (long l = 0; l < n; l++) {
            ctls_pubkey *p = NULL;
            CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)l, &p), CTLS_ERR_BAD_KEY);
            ctls_pubkey_free(p);
        }
        for (long bit = 0; bit < n * 8; bit += 3) {
            ctls_pubkey *p = NULL;
            der[bit / 8] ^= (uint8_t)(1u << (bit % 8));
            int rc = ctls_pubkey_from_spki(der, (size_t)n, &p);
            CHECK(rc == 0 || rc == CTLS_ERR_BAD_KEY || rc == CTLS_ERR_UNSUPPORTED);
            CHECK((rc == 0) == (p != NULL));
            if (p) { /* a key that still parses must simply fail to verify junk */
                uint8_t junk[64] = {1};
                int vr = ctls_verify(p, CTLS_SIG_RSA_PSS_RSAE_SHA256, junk, 8, junk, 64);
                CHECK(vr == CTLS_ERR_DECRYPT_ERROR || vr == CTLS_ERR_ILLEGAL_PARAMETER);
            }
            ctls_pubkey_free(p);
            der[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
    }
}

/* First use from several threads at once (the once-only fetch), then shared keys. */
static ctls_privkey *g_shared_key;
static ctls_pubkey *g_shared_pub;

static void *worker(void *arg)
{
    int *bad = arg;
    for (int i = 0; i < 20; i++) {
        uint8_t prk[32], okm[32], sig[CTLS_MAX_SIG_LEN], ct[64], key[16] = {(uint8_t)i};
        uint8_t nonce[12] = {0};
        size_t sl = sizeof sig;
        ctls_aead *a = NULL;
        if (ctls_hkdf_extract(CTLS_HASH_SHA256, NULL, 0, key, 16, prk) ||
            ctls_hkdf_expand_label(CTLS_HASH_SHA256, prk, 32, "key", NULL, 0, okm, 32) ||
            ctls_aead_new(CTLS_AEAD_AES_128_GCM, okm, 16, &a) ||
            ctls_aead_seal(a, nonce, NULL, 0, prk, 32, ct) ||
            ctls_aead_open(a, nonce, NULL, 0, ct, 48, ct) || memcmp(ct, prk, 32) != 0 ||
            ctls_sign(g_shared_key, CTLS_SIG_ECDSA_SECP256R1_SHA256, prk, 32, sig, &sl) ||
            ctls_verify(g_shared_pub, CTLS_SIG_ECDSA_SECP256R1_SHA256, prk, 32, sig, sl))
            (*bad)++;
        ctls_aead_free(a);
    }
    return NULL;
}

TEST(threads)
{
    g_shared_key = load_key(KEY_P256_SEC1);
    g_shared_pub = load_pub(SPKI_P256);
    pthread_t th[4];
    int bad[4] = {0};
    for (int i = 0; i < 4; i++)
        CHECK_EQ(pthread_create(&th[i], NULL, worker, &bad[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK_EQ(bad[i], 0);
    }
    ctls_privkey_free(g_shared_key);
    ctls_pubkey_free(g_shared_pub);
}

TEST(provider_name)
{
    const char *n = ctls_crypto_provider_name();
    CHECK(n != NULL && strncmp(n, "OpenSSL 3.", 10) == 0);
    CHECK(strstr(n, "libcrypto") != NULL);
}

/* ctls_aead_seal2 (data and a trailer sealed without joining them) equals ctls_aead_seal of
 * the concatenation, for every AEAD and lengths around the block size. */
TEST(aead_seal2_matches_seal)
{
    const int algs[] = {CTLS_AEAD_AES_128_GCM, CTLS_AEAD_AES_256_GCM, CTLS_AEAD_CHACHA20_POLY1305};
    uint8_t key[32], nonce[12], aad[5] = {23, 3, 3, 0, 0}, in[300], joined[301], a[320], b[320];
    for (size_t i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(i * 3 + 1);
    for (size_t i = 0; i < sizeof nonce; i++)
        nonce[i] = (uint8_t)(i + 7);
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 13);
    for (size_t k = 0; k < 3; k++) {
        ctls_aead *x = NULL;
        CHECK_EQ(ctls_aead_new(algs[k], key, ctls_aead_key_len(algs[k]), &x), 0);
        const size_t lens[] = {0, 1, 15, 16, 17, 63, 64, 65, 299};
        for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++) {
            size_t n = lens[j];
            uint8_t type = 23;
            memcpy(joined, in, n);
            joined[n] = type;
            CHECK_EQ(ctls_aead_seal(x, nonce, aad, sizeof aad, joined, n + 1, a), 0);
            CHECK_EQ(ctls_aead_seal2(x, nonce, aad, sizeof aad, in, n, &type, 1, b), 0);
            CHECK_MEM(a, b, n + 1 + CTLS_AEAD_TAG_LEN);
            /* and it opens */
            CHECK_EQ(ctls_aead_open(x, nonce, aad, sizeof aad, b, n + 1 + CTLS_AEAD_TAG_LEN, b), 0);
            CHECK_MEM(b, joined, n + 1);
        }
        ctls_aead_free(x);
    }
}

/* The decoded-key cache: the same SPKI gives a shared key; every handle stays usable until it
 * is freed, whatever happens to the others and to the cache. */
TEST(pubkey_cache_sharing)
{
    const char *spkis[] = {SPKI_P256, SPKI_P384, SPKI_RSA, SPKI_ED25519};
    for (size_t i = 0; i < 4; i++) {
        uint8_t der[600];
        long n = th_unhex(spkis[i], der, sizeof der);
        ctls_pubkey *a = NULL, *b = NULL;
        CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n, &a), 0);
        CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n, &b), 0);
        CHECK(a && a == b); /* a cache hit */
        int type = ctls_pubkey_type(a);
        ctls_pubkey_free(a);
        CHECK_EQ(ctls_pubkey_type(b), type); /* b still alive */
        ctls_pubkey_cache_clear();
        CHECK(ctls_pubkey_bits(b) > 0);
        ctls_pubkey *c = NULL;
        CHECK_EQ(ctls_pubkey_from_spki(der, (size_t)n, &c), 0);
        CHECK(c != NULL && c != b); /* decoded afresh after the clear */
        ctls_pubkey_free(b);
        ctls_pubkey_free(c);
        /* a one-byte difference is a different key, never a hit */
        der[n - 1] ^= 1;
        ctls_pubkey *d = NULL;
        int rc = ctls_pubkey_from_spki(der, (size_t)n, &d);
        CHECK(rc < 0 || (d != NULL && d != c));
        ctls_pubkey_free(d);
    }
    /* more distinct keys than slots: evictions keep handed-out keys alive */
    ctls_pubkey *held[20] = {0};
    for (int i = 0; i < 20; i++) {
        ctls_kx *kx = NULL;
        uint8_t pub[133];
        size_t pl = sizeof pub;
        CHECK_EQ(ctls_kx_generate(CTLS_GROUP_SECP256R1, &kx), 0);
        CHECK_EQ(ctls_kx_public(kx, pub, &pl), 0);
        /* SubjectPublicKeyInfo for a P-256 point: the fixed prefix and the point */
        static const uint8_t prefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                         0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
        uint8_t spki[sizeof prefix + 65];
        memcpy(spki, prefix, sizeof prefix);
        memcpy(spki + sizeof prefix, pub, 65);
        CHECK_EQ(ctls_pubkey_from_spki(spki, sizeof spki, &held[i]), 0);
        ctls_kx_free(kx);
    }
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(ctls_pubkey_type(held[i]), CTLS_KEY_EC_P256);
        ctls_pubkey_free(held[i]);
    }
}

int main(void)
{
    RUN(threads); /* first: the once-only fetch races here */
    RUN(hash_basic);
    RUN(hash_incremental_peek_dup);
    RUN(hmac_rfc4231);
    RUN(hmac_long_key);
    RUN(prk_hmac_rfc4231);
    RUN(hkdf_rfc5869);
    RUN(rfc8448_key_schedule);
    RUN(prk_expand_label);
    RUN(random_pool_fork);
    RUN(random_secret);
    RUN(aead_rekey);
    RUN(prf12_sha256);
    RUN(ct_equal);
    RUN(aead_chacha20_poly1305_rfc8439);
    RUN(aead_aes_gcm_mcgrew_viega);
    RUN(aead_args);
    RUN(x25519_rfc7748);
    RUN(ecdh_p256_p384);
    RUN(ecdh_p256_fixed);
    RUN(random_hook_deterministic_keys);
    RUN(sign_verify_all_schemes);
    RUN(key_types_and_matching);
    RUN(sign_scheme_mismatch);
    RUN(bad_pem_and_spki);
    RUN(pem_combined_and_spki_robustness);
    RUN(provider_name);
    RUN(aead_seal2_matches_seal);
    RUN(pubkey_cache_sharing);
    return th_summary();
}
