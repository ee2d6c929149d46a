/* X.509: parsing (good certificates from tests/certs/mkcerts.sh, malformed ones built here),
 * PEM, host names (RFC 9525), the trust store and every chain outcome, through
 * ctls_x509_verify and through the ctls-verify tool. Verification time: 2026-01-01. */
#include "harness.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "crypto/crypto.h"
#include "pair.h"
#include "x509/cert.h"
#include "x509/x509.h"

#define NOW 1767225600 /* 2026-01-01T00:00:00Z, tests/certs/README.md */

/* ---- helpers ------------------------------------------------------------------------ */

static ctls_der_list load(const char *name)
{
    ctls_der_list l;
    memset(&l, 0, sizeof l);
    if (ctls_pem_file_certs(tp_cert(name), 0, &l) < 0) fprintf(stderr, "cannot load %s\n", name);
    return l;
}

static ctls_cert *parse_file(const char *name, size_t idx)
{
    ctls_der_list l = load(name);
    ctls_cert *c = NULL;
    if (idx < l.count) CHECK_EQ(ctls_cert_parse(l.der[idx], l.len[idx], &c), 0);
    ctls_der_list_free(&l);
    return c;
}

static ctls_trust_store *store_of(const char *name)
{
    ctls_trust_store *s = ctls_store_new();
    CHECK(s != NULL);
    CHECK_EQ(ctls_store_add_pem_file(s, tp_cert(name)), 0);
    return s;
}

static int verify_list(const ctls_trust_store *s, const ctls_der_list *l, int64_t now,
                       const char *host, int purpose, int depth, unsigned *flags)
{
    ctls_verify_params p = {now, host, purpose, depth};
    return ctls_x509_verify(s, (const uint8_t *const *)l->der, l->len, l->count, &p, flags);
}

static int verify_file(const char *trust, const char *chain, const char *host, int purpose,
                       unsigned *flags)
{
    ctls_trust_store *s = store_of(trust);
    ctls_der_list l = load(chain);
    int rc = verify_list(s, &l, NOW, host, purpose, 0, flags);
    ctls_der_list_free(&l);
    ctls_store_free(s);
    return rc;
}

/* A tiny DER builder for hand-made certificates. */
typedef struct {
    uint8_t b[4096];
    size_t n;
} buf;

static buf raw(const void *p, size_t n)
{
    buf r;
    memcpy(r.b, p, n);
    r.n = n;
    return r;
}

static buf hexb(const char *hex)
{
    buf r;
    long n = th_unhex(hex, r.b, sizeof r.b);
    r.n = n < 0 ? 0 : (size_t)n;
    return r;
}

static buf cat(buf a, buf b)
{
    if (a.n + b.n <= sizeof a.b) {
        memcpy(a.b + a.n, b.b, b.n);
        a.n += b.n;
    }
    return a;
}

static buf T(uint8_t tag, buf c)
{
    buf r;
    size_t i = 0;
    r.b[i++] = tag;
    if (c.n < 0x80) {
        r.b[i++] = (uint8_t)c.n;
    } else if (c.n < 0x100) {
        r.b[i++] = 0x81;
        r.b[i++] = (uint8_t)c.n;
    } else {
        r.b[i++] = 0x82;
        r.b[i++] = (uint8_t)(c.n >> 8);
        r.b[i++] = (uint8_t)c.n;
    }
    memcpy(r.b + i, c.b, c.n);
    r.n = i + c.n;
    return r;
}

static buf str(uint8_t tag, const char *s)
{
    return T(tag, raw(s, strlen(s)));
}
static buf empty(void)
{
    return raw("", 0);
}

static buf ext(const char *oid_hex, int critical, buf value)
{
    buf e = T(0x06, hexb(oid_hex));
    if (critical) e = cat(e, hexb("0101ff"));
    return T(0x30, cat(e, T(0x04, value)));
}

#define EXT_BC "551d13"
#define EXT_KU "551d0f"
#define EXT_EKU "551d25"
#define EXT_SAN "551d11"
#define EXT_SKI "551d0e"
#define EXT_AKI "551d23"

static buf name_cn(const char *cn)
{
    return T(0x30, T(0x31, T(0x30, cat(T(0x06, hexb("550403")), str(0x0c, cn)))));
}

typedef struct {
    buf version;    /* empty = v3 ([0] 2) */
    int no_version; /* encode as v1 (absent) */
    buf inner_alg;  /* empty = same as outer */
    buf not_before, not_after;
    buf issuer, subject; /* empty = defaults */
    buf spki;
    buf exts;    /* the Extension SEQUENCEs, concatenated */
    int no_exts; /* leave the [3] out */
    int empty_exts_seq;
} spec;

static const uint8_t ECDSA_SHA256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86,
                                       0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};

static buf tbs_of(const spec *s)
{
    buf alg = raw(ECDSA_SHA256, sizeof ECDSA_SHA256);
    buf t = empty();
    if (!s->no_version) t = cat(t, s->version.n ? s->version : T(0xa0, hexb("020102")));
    t = cat(t, hexb("02021001"));
    t = cat(t, s->inner_alg.n ? s->inner_alg : alg);
    t = cat(t, s->issuer.n ? s->issuer : name_cn("ctls test intermediate"));
    t = cat(t, T(0x30, cat(s->not_before.n ? s->not_before : str(0x17, "250101000000Z"),
                           s->not_after.n ? s->not_after : str(0x17, "450101000000Z"))));
    t = cat(t, s->subject.n ? s->subject : name_cn("hand made"));
    t = cat(t, s->spki);
    if (!s->no_exts) t = cat(t, T(0xa3, T(0x30, s->empty_exts_seq ? empty() : s->exts)));
    return T(0x30, t);
}

static buf cert_of(buf tbs, const uint8_t *sig, size_t sig_len)
{
    buf alg = raw(ECDSA_SHA256, sizeof ECDSA_SHA256);
    buf bits = cat(hexb("00"), raw(sig, sig_len));
    return T(0x30, cat(cat(tbs, alg), T(0x03, bits)));
}

static buf fake_cert(const spec *s)
{
    static const uint8_t sig[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    return cert_of(tbs_of(s), sig, sizeof sig);
}

static int parse_buf(buf b)
{
    ctls_cert *c = NULL;
    int rc = ctls_cert_parse(b.b, b.n, &c);
    CHECK(rc == 0 ? c != NULL : c == NULL);
    ctls_cert_free(c);
    return rc;
}

static buf spki_of(const char *file)
{
    ctls_cert *c = parse_file(file, 0);
    buf r = empty();
    if (c) {
        ctls_slice s = ctls_cert_spki(c);
        r = raw(s.p, s.len);
        ctls_cert_free(c);
    }
    return r;
}

/* A well-formed leaf template: the server-ecdsa key, issued by the test intermediate. */
static spec leaf_spec(void)
{
    spec s;
    memset(&s, 0, sizeof s);
    s.spki = spki_of("server-ecdsa.pem");
    ctls_cert *in = parse_file("int.pem", 0);
    if (in) {
        ctls_slice subj = ctls_cert_subject_der(in);
        s.issuer = raw(subj.p, subj.len);
        s.exts = ext(EXT_AKI, 0, T(0x30, T(0x80, raw(in->ski.p, in->ski.len))));
        ctls_cert_free(in);
    }
    s.subject = name_cn("hand made");
    s.exts = cat(s.exts, ext(EXT_BC, 1, hexb("3000")));
    s.exts = cat(s.exts, ext(EXT_SAN, 0, T(0x30, str(0x82, "localhost"))));
    s.exts = cat(s.exts, ext(EXT_EKU, 0, T(0x30, T(0x06, hexb("2b06010505070301")))));
    return s;
}

/* Signs a spec with the private key of the test PKI file key_name (P-256 keys). */
static buf signed_by(const spec *s, const char *key_name)
{
    buf tbs = tbs_of(s);
    uint8_t *pem = NULL;
    size_t pem_len = 0;
    ctls_privkey *k = NULL;
    uint8_t sig[256];
    size_t sig_len = sizeof sig;
    CHECK_EQ(ctls_read_file(tp_cert(key_name), &pem, &pem_len), 0);
    CHECK_EQ(ctls_privkey_from_pem(pem, pem_len, &k), 0);
    CHECK_EQ(ctls_sign(k, CTLS_SIG_ECDSA_SECP256R1_SHA256, tbs.b, tbs.n, sig, &sig_len), 0);
    ctls_privkey_free(k);
    ctls_free(pem);
    return cert_of(tbs, sig, sig_len);
}

/* Signs a spec with the intermediate's key: a certificate the chain code will accept. */
static buf signed_cert(const spec *s)
{
    return signed_by(s, "int.key");
}

static int verify_signed(const spec *s, const char *host, unsigned *flags)
{
    buf leaf = signed_cert(s);
    ctls_trust_store *st = store_of("ca.pem");
    ctls_der_list in = load("int.pem");
    const uint8_t *chain[2] = {leaf.b, in.count ? in.der[0] : NULL};
    size_t lens[2] = {leaf.n, in.count ? in.len[0] : 0};
    ctls_verify_params p = {NOW, host, CTLS_PURPOSE_SERVER_AUTH, 0};
    int rc = ctls_x509_verify(st, chain, lens, 2, &p, flags);
    ctls_der_list_free(&in);
    ctls_store_free(st);
    return rc;
}

/* ---- parsing ------------------------------------------------------------------------ */

TEST(parse_test_pki)
{
    CHECK(tp_certdir() != NULL);
    struct {
        const char *file;
        int key_type, bits, ca;
    } tab[] = {
        {"ca.pem", CTLS_KEY_EC_P256, 256, 1},
        {"int.pem", CTLS_KEY_EC_P256, 256, 1},
        {"server-ecdsa.pem", CTLS_KEY_EC_P256, 256, 0},
        {"server-p384.pem", CTLS_KEY_EC_P384, 384, 0},
        {"server-rsa.pem", CTLS_KEY_RSA, 2048, 0},
        {"server-ed25519.pem", CTLS_KEY_ED25519, 256, 0},
        {"client.pem", CTLS_KEY_EC_P256, 256, 0},
        {"bad-selfsigned.pem", CTLS_KEY_EC_P256, 256, 0},
        {"bad-sig.pem", CTLS_KEY_EC_P256, 256, 0},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        ctls_cert *c = parse_file(tab[i].file, 0);
        CHECK(c != NULL);
        if (!c) continue;
        CHECK_EQ(ctls_cert_key_type(c), tab[i].key_type);
        CHECK_EQ(ctls_cert_key_bits(c), tab[i].bits);
        CHECK_EQ(ctls_cert_is_ca(c), tab[i].ca);
        CHECK_EQ(ctls_cert_not_before(c), 1735689600); /* 2025-01-01 */
        CHECK_EQ(ctls_cert_not_after(c), 2366841600);  /* 2045-01-01 */
        CHECK(ctls_cert_spki(c).len > 40);
        ctls_slice d = ctls_cert_der(c);
        CHECK(d.len > 200);
        ctls_cert_free(c);
    }
    /* issuer/subject link and the raw DER kept */
    ctls_cert *leaf = parse_file("server-ecdsa.pem", 0), *in = parse_file("server-ecdsa.pem", 1);
    CHECK(leaf && in);
    if (leaf && in) {
        ctls_slice a = ctls_cert_issuer_der(leaf), b = ctls_cert_subject_der(in);
        CHECK_EQ(a.len, b.len);
        CHECK(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
        CHECK_EQ(a.p[0], 0x30);
        CHECK(leaf->has_san && leaf->has_eku && (leaf->eku & EKU_SERVER));
        CHECK(in->has_ski && leaf->has_aki && der_slice_eq(leaf->aki, in->ski.p, in->ski.len));
        CHECK_EQ(in->pathlen, 0);
    }
    /* names for display */
    char name[128];
    if (leaf) {
        CHECK_EQ(ctls_x509_name_string(ctls_cert_subject_der(leaf), name, sizeof name), 0);
        CHECK(strcmp(name, "O=ctls test, CN=server-ecdsa") == 0);
        CHECK_EQ(ctls_x509_name_string(ctls_cert_issuer_der(leaf), name, 12), 0);
        CHECK(strcmp(name, "O=ctls test,") == 0 || strlen(name) == 11);
    }
    buf odd = T(0x30, T(0x31, T(0x30, cat(T(0x06, hexb("2a0304")), str(0x0c, "a\\\x01")))));
    CHECK_EQ(ctls_x509_name_string((ctls_slice){odd.b, odd.n}, name, sizeof name), 0);
    CHECK(strcmp(name, "1.2.3.4=a\\5c\\01") == 0);
    CHECK_EQ(ctls_x509_name_string((ctls_slice){(const uint8_t *)"\x30\x01", 2}, name, sizeof name),
             CTLS_ERR_CERT_MALFORMED);
    ctls_cert_free(leaf);
    ctls_cert_free(in);
    ctls_cert *e = parse_file("bad-expired.pem", 0);
    CHECK(e && ctls_cert_not_after(e) == 1609459200); /* 2021-01-01 */
    ctls_cert_free(e);
}

TEST(parse_truncated_and_mutated)
{
    ctls_der_list l = load("server-rsa.pem");
    CHECK(l.count == 2);
    if (l.count < 1) return;
    const uint8_t *der = l.der[0];
    size_t len = l.len[0];
    /* every strict prefix fails cleanly */
    for (size_t n = 0; n < len; n++) {
        ctls_cert *c = (ctls_cert *)1;
        uint8_t *copy = ctls_memdup(der, n); /* exact-size buffer: ASan sees any over-read */
        int rc = ctls_cert_parse(n ? copy : NULL, n, &c);
        if (rc >= 0 || c != NULL) {
            CHECK(rc < 0 && c == NULL);
            fprintf(stderr, "  prefix %zu parsed\n", n);
            ctls_free(copy);
            break;
        }
        ctls_free(copy);
    }
    /* a trailing byte */
    uint8_t *longer = ctls_malloc(len + 1);
    memcpy(longer, der, len);
    longer[len] = 0;
    ctls_cert *c = NULL;
    CHECK_EQ(ctls_cert_parse(longer, len + 1, &c), CTLS_ERR_CERT_MALFORMED);
    CHECK(c == NULL);
    ctls_free(longer);
    /* every single-bit flip: parses or fails, never crashes */
    uint8_t *m = ctls_memdup(der, len);
    int ok = 0, bad = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            m[i] ^= (uint8_t)(1u << bit);
            int rc = ctls_cert_parse(m, len, &c);
            if (rc == 0) {
                ok++;
                ctls_cert_free(c);
            } else {
                bad++;
                CHECK(c == NULL);
            }
            m[i] ^= (uint8_t)(1u << bit);
        }
    }
    CHECK(ok > 0 && bad > 0);
    ctls_free(m);
    ctls_der_list_free(&l);
}

TEST(parse_malformed_table)
{
    spec base = leaf_spec();
    CHECK(base.spki.n > 0);
    CHECK_EQ(parse_buf(fake_cert(&base)), 0);

    spec s;
    /* duplicate extension (RFC 5280 4.2) */
    s = base;
    s.exts = cat(s.exts, ext(EXT_BC, 1, hexb("3000")));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* unknown critical extension rejects; unknown non-critical is ignored */
    s = base;
    s.exts = cat(s.exts, ext("2a0304", 1, hexb("0500")));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_UNSUPPORTED);
    s = base;
    s.exts = cat(s.exts, ext("2a0304", 0, hexb("0500")));
    CHECK_EQ(parse_buf(fake_cert(&s)), 0);
    /* critical encoded as an explicit FALSE (DER: defaults are omitted) */
    s = base;
    s.exts = cat(s.exts,
                 T(0x30, cat(cat(T(0x06, hexb("2a0305")), hexb("010100")), T(0x04, hexb("0500")))));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* inner signature algorithm differs from the outer one (RFC 5280 4.1.1.2) */
    s = base;
    s.inner_alg = hexb("300a06082a8648ce3d040303");
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* bad times */
    s = base;
    s.not_after = str(0x17, "451301000000Z");
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s = base;
    s.not_before = str(0x17, "2501010000Z");
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s = base;
    s.not_before = str(0x18, "20250101000000.1Z");
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s = base;
    s.not_after = str(0x18, "20600101000000Z"); /* GeneralizedTime after 2049 */
    CHECK_EQ(parse_buf(fake_cert(&s)), 0);
    /* version: v1 with extensions; an explicit v1; version 4 */
    s = base;
    s.no_version = 1;
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.no_exts = 1;
    CHECK_EQ(parse_buf(fake_cert(&s)), 0);
    s = base;
    s.version = T(0xa0, hexb("020100"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.version = T(0xa0, hexb("020103"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* an empty Extensions SEQUENCE */
    s = base;
    s.empty_exts_seq = 1;
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* empty SAN; a SAN that is not DER (RFC 5280 4.2.1.6) */
    s = base;
    s.exts = ext(EXT_SAN, 0, hexb("3000"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_SAN, 0, raw("example.com", 11));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_SAN, 0, T(0x30, T(0x87, hexb("7f0000")))); /* a 3-octet address */
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_SAN, 0, T(0x30, str(0x82, "caf\xc3\xa9.example"))); /* not IA5 */
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_SAN, 0, T(0x30, str(0x89, "x"))); /* no GeneralName [9] */
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* basicConstraints with pathLen but no cA; keyUsage with no bit set; critical SKI */
    s = base;
    s.exts = ext(EXT_BC, 1, hexb("3003020101"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_KU, 1, hexb("030100"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_SKI, 1, hexb("04020102"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    s.exts = ext(EXT_EKU, 0, hexb("3000"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* trailing bytes inside an extension value */
    s.exts = ext(EXT_BC, 1, hexb("300000"));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* a Name nested far too deep */
    s = base;
    buf deep = str(0x0c, "x");
    for (int i = 0; i < 30; i++)
        deep = T(0x30, deep);
    s.subject = T(0x30, T(0x31, T(0x30, cat(T(0x06, hexb("550403")), deep))));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* an empty RDN SET */
    s.subject = T(0x30, T(0x31, empty()));
    CHECK_EQ(parse_buf(fake_cert(&s)), CTLS_ERR_CERT_MALFORMED);
    /* non-minimal length on the outer SEQUENCE */
    buf good = fake_cert(&base);
    buf nm = hexb("30830000");
    if (good.b[1] == 0x82) {
        nm.b[2] = good.b[2];
        nm.b[3] = good.b[3];
        nm = cat(nm, raw(good.b + 4, good.n - 4));
        CHECK_EQ(parse_buf(nm), CTLS_ERR_CERT_MALFORMED);
    }
    /* indefinite length on the outer SEQUENCE */
    buf ind = cat(cat(hexb("3080"), raw(good.b + 4, good.n - 4)), hexb("0000"));
    CHECK_EQ(parse_buf(ind), CTLS_ERR_CERT_MALFORMED);
    CHECK_EQ(parse_buf(empty()), CTLS_ERR_CERT_MALFORMED);
}

/* ---- PEM ---------------------------------------------------------------------------- */

TEST(pem_decode)
{
    ctls_der_list l;
    const char *two = "junk\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----\n"
                      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
                      "text\r\n-----BEGIN CERTIFICATE-----\r\nAwQF\r\nBg==\r\n"
                      "-----END CERTIFICATE-----\r\n";
    CHECK_EQ(ctls_pem_decode(two, strlen(two), "CERTIFICATE", &l), 0);
    CHECK_EQ(l.count, 2);
    if (l.count == 2) {
        CHECK_EQ(l.len[0], 3);
        CHECK_MEM(l.der[0], "\x00\x01\x02", 3);
        CHECK_EQ(l.len[1], 4);
        CHECK_MEM(l.der[1], "\x03\x04\x05\x06", 4);
    }
    ctls_der_list_free(&l);
    CHECK_EQ(ctls_pem_decode(two, strlen(two), "PRIVATE KEY", &l), 0);
    CHECK_EQ(l.count, 1);
    ctls_der_list_free(&l);
    CHECK_EQ(ctls_pem_decode("nothing", 7, "CERTIFICATE", &l), 0);
    CHECK_EQ(l.count, 0);
    const char *bad[] = {
        "-----BEGIN CERTIFICATE-----\nAA*C\n-----END CERTIFICATE-----\n",     /* bad char */
        "-----BEGIN CERTIFICATE-----\nAAE\n-----END CERTIFICATE-----\n",      /* not /4 */
        "-----BEGIN CERTIFICATE-----\nAA==AAAA\n-----END CERTIFICATE-----\n", /* = inside */
        "-----BEGIN CERTIFICATE-----\nAB==\n-----END CERTIFICATE-----\n",     /* pad bits */
        "-----BEGIN CERTIFICATE-----\nA===\n-----END CERTIFICATE-----\n",     /* 3 pads */
        "-----BEGIN CERTIFICATE-----\nAAEC\n",                                /* unterminated */
        "-----BEGIN CERTIFICATE-----\n\n-----END CERTIFICATE-----\n",         /* empty */
        "-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nAAEC\n-----END CERTIFICATE-----\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = ctls_pem_decode(bad[i], strlen(bad[i]), "CERTIFICATE", &l);
        CHECK_EQ(rc, CTLS_ERR_DECODE);
        CHECK_EQ(l.count, 0);
    }
    uint8_t *data;
    size_t len;
    CHECK_EQ(ctls_read_file("/nonexistent/file", &data, &len), CTLS_ERR_FILE);
    CHECK(data == NULL);
}

/* ---- host names --------------------------------------------------------------------- */

TEST(host_name_rules)
{
    static const struct {
        const char *pattern, *host;
        int match;
    } tab[] = {
        {"example.com", "example.com", 1},
        {"example.com", "EXAMPLE.com", 1},
        {"ExAmPle.CoM", "example.COM", 1},
        {"example.com", "example.com.", 1}, /* the reference's trailing dot */
        {"example.com.", "example.com", 0}, /* a SAN never ends with a dot */
        {"example.com", "www.example.com", 0},
        {"www.example.com", "example.com", 0},
        {"*.example.com", "a.example.com", 1},
        {"*.example.com", "A.EXAMPLE.COM", 1},
        {"*.example.com", "a.example.com.", 1},
        {"*.example.com", "a.b.example.com", 0},
        {"*.example.com", "example.com", 0},
        {"*.example.com", ".example.com", 0},
        {"*.com", "example.com", 0}, /* a single remaining label */
        {"*", "example", 0},
        {"*.", "example.", 0},
        {"f*.example.com", "foo.example.com", 0},
        {"*o.example.com", "foo.example.com", 0},
        {"foo.*.com", "foo.example.com", 0},
        {"a.*.example.com", "a.b.example.com", 0},
        {"**.example.com", "a.example.com", 0},
        {"xn--*.example.com", "xn--a.example.com", 0},
        {"*.xn--bcher-kva.example", "a.xn--bcher-kva.example", 1},
        {"exa mple.com", "exa mple.com", 0},
        {"example..com", "example..com", 0},
        {"-example.com", "-example.com", 0},
        {"example.com", "", 0},
        {"127.0.0.1", "127.0.0.1", 0}, /* IP literals are never DNS matches (cert-level) */
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        int got = ctls_dns_match((const uint8_t *)tab[i].pattern, strlen(tab[i].pattern),
                                 tab[i].host, strlen(tab[i].host));
        if (!strcmp(tab[i].pattern, "127.0.0.1"))
            continue; /* checked through a certificate below */
        if (got != tab[i].match)
            fprintf(stderr, "  pattern %s host %s: got %d\n", tab[i].pattern, tab[i].host, got);
        CHECK_EQ(got, tab[i].match);
    }
    /* through a certificate: SAN DNS:localhost, DNS:*.test.example, IP:127.0.0.1 */
    ctls_cert *c = parse_file("server-ecdsa.pem", 0);
    CHECK(c != NULL);
    if (!c) return;
    CHECK_EQ(ctls_cert_matches_host(c, "localhost"), 1);
    CHECK_EQ(ctls_cert_matches_host(c, "LOCALHOST."), 1);
    CHECK_EQ(ctls_cert_matches_host(c, "a.test.example"), 1);
    CHECK_EQ(ctls_cert_matches_host(c, "a.b.test.example"), 0);
    CHECK_EQ(ctls_cert_matches_host(c, "test.example"), 0);
    CHECK_EQ(ctls_cert_matches_host(c, "127.0.0.1"), 1);
    CHECK_EQ(ctls_cert_matches_host(c, "127.0.0.2"), 0);
    CHECK_EQ(ctls_cert_matches_host(c, "127.000.0.1"), 0);
    CHECK_EQ(ctls_cert_matches_host(c, "::1"), 0);
    CHECK_EQ(ctls_cert_matches_host(c, "ctls test"), 0);
    CHECK_EQ(ctls_cert_matches_host(c, "server-ecdsa"), 0); /* the CN is never used */
    CHECK_EQ(ctls_cert_matches_host(c, ""), 0);
    CHECK_EQ(ctls_cert_matches_host(c, NULL), 0);
    ctls_cert_free(c);
    uint8_t ip[16];
    CHECK_EQ(ctls_parse_ip("10.0.0.1", ip), 4);
    CHECK_EQ(ctls_parse_ip("2001:db8::1", ip), 16);
    CHECK_EQ(ctls_parse_ip("1.2.3", ip), 0);
    CHECK_EQ(ctls_parse_ip("1.2.3.4.5", ip), 0);
    CHECK_EQ(ctls_parse_ip("256.1.1.1", ip), 0);
    CHECK_EQ(ctls_parse_ip("fe80::1%eth0", ip), 0);
    CHECK_EQ(ctls_parse_ip("example.com", ip), 0);
}

/* ---- chains ------------------------------------------------------------------------- */

TEST(chain_outcomes)
{
    static const struct {
        const char *chain;
        const char *host;
        int purpose;
        int rc;
        unsigned flags;
    } tab[] = {
        {"server-ecdsa.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, 0, 0},
        {"server-ecdsa.pem", "127.0.0.1", CTLS_PURPOSE_SERVER_AUTH, 0, 0},
        {"server-ecdsa.pem", "x.test.example", CTLS_PURPOSE_SERVER_AUTH, 0, 0},
        {"server-p384.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, 0, 0},
        {"server-rsa.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, 0, 0},
        {"server-ed25519.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, 0, 0},
        {"server-ecdsa.pem", NULL, CTLS_PURPOSE_ANY, 0, 0},
        {"client.pem", NULL, CTLS_PURPOSE_CLIENT_AUTH, 0, 0},
        {"client.pem", "client.test.example", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_BAD_USAGE,
         CTLS_CERT_BAD_USAGE},
        {"bad-expired.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_EXPIRED,
         CTLS_CERT_EXPIRED},
        {"bad-notyet.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_NOT_YET_VALID,
         CTLS_CERT_NOT_YET_VALID},
        {"bad-selfsigned.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_UNKNOWN_ROOT,
         CTLS_CERT_UNKNOWN_ROOT},
        {"bad-noint.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_NO_ROOT,
         CTLS_CERT_NO_ROOT},
        {"bad-host.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_HOSTNAME_MISMATCH,
         CTLS_CERT_HOSTNAME_MISMATCH},
        {"bad-sig.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_INVALID_CHAIN,
         CTLS_CERT_INVALID_CHAIN},
        {"bad-eku.pem", "localhost", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_BAD_USAGE,
         CTLS_CERT_BAD_USAGE},
        {"bad-eku.pem", "localhost", CTLS_PURPOSE_CLIENT_AUTH, 0, 0},
        /* several problems: every flag, the most specific code */
        {"bad-expired.pem", "wrong.example", CTLS_PURPOSE_CLIENT_AUTH, CTLS_ERR_CERT_BAD_USAGE,
         CTLS_CERT_BAD_USAGE | CTLS_CERT_EXPIRED | CTLS_CERT_HOSTNAME_MISMATCH},
        {"bad-noint.pem", "nope.example", CTLS_PURPOSE_SERVER_AUTH, CTLS_ERR_CERT_NO_ROOT,
         CTLS_CERT_NO_ROOT | CTLS_CERT_HOSTNAME_MISMATCH},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        unsigned flags = 0xdead;
        int rc = verify_file("ca.pem", tab[i].chain, tab[i].host, tab[i].purpose, &flags);
        if (rc != tab[i].rc || flags != tab[i].flags)
            fprintf(stderr, "  %s (%s): rc %d flags %#x\n", tab[i].chain,
                    tab[i].host ? tab[i].host : "-", rc, flags);
        CHECK_EQ(rc, tab[i].rc);
        CHECK_EQ(flags, tab[i].flags);
    }
}

TEST(chain_priorities_and_shapes)
{
    unsigned flags;
    ctls_trust_store *ca = store_of("ca.pem");
    ctls_trust_store *other = store_of("bad-selfsigned.pem");
    ctls_der_list leaf = load("bad-expired.pem"), root = load("ca.pem"),
                  good = load("server-ecdsa.pem"), in = load("int.pem");
    CHECK(leaf.count == 2 && root.count == 1 && good.count == 2 && in.count == 1);
    if (leaf.count != 2 || root.count != 1 || good.count != 2 || in.count != 1) goto out;
    /* an expired leaf chaining to a root nobody trusts: UNKNOWN_ROOT first, EXPIRED flagged */
    {
        const uint8_t *c[3] = {leaf.der[0], leaf.der[1], root.der[0]};
        size_t n[3] = {leaf.len[0], leaf.len[1], root.len[0]};
        ctls_verify_params p = {NOW, "localhost", CTLS_PURPOSE_SERVER_AUTH, 0};
        CHECK_EQ(ctls_x509_verify(other, c, n, 3, &p, &flags), CTLS_ERR_CERT_UNKNOWN_ROOT);
        CHECK_EQ(flags, CTLS_CERT_UNKNOWN_ROOT | CTLS_CERT_EXPIRED);
        /* and without the root: NO_ROOT */
        CHECK_EQ(ctls_x509_verify(other, c, n, 2, &p, &flags), CTLS_ERR_CERT_NO_ROOT);
        CHECK_EQ(flags, CTLS_CERT_NO_ROOT | CTLS_CERT_EXPIRED);
    }
    /* intermediates in any order, with extras and duplicates, the root included */
    {
        const uint8_t *c[7] = {good.der[0], leaf.der[0], root.der[0], in.der[0],
                               in.der[0],   good.der[0], leaf.der[1]};
        size_t n[7] = {good.len[0], leaf.len[0], root.len[0], in.len[0],
                       in.len[0],   good.len[0], leaf.len[1]};
        ctls_verify_params p = {NOW, "localhost", CTLS_PURPOSE_SERVER_AUTH, 0};
        CHECK_EQ(ctls_x509_verify(ca, c, n, 7, &p, &flags), 0);
        CHECK_EQ(flags, CTLS_VERIFY_OK);
        /* a garbage extra is tolerated when a path exists ... */
        static const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01};
        c[1] = junk;
        n[1] = sizeof junk;
        CHECK_EQ(ctls_x509_verify(ca, c, n, 7, &p, &flags), 0);
        /* ... and reported when none does */
        const uint8_t *c2[2] = {good.der[0], junk};
        size_t n2[2] = {good.len[0], sizeof junk};
        CHECK_EQ(ctls_x509_verify(ca, c2, n2, 2, &p, &flags), CTLS_ERR_CERT_MALFORMED);
        CHECK(flags & CTLS_CERT_NO_ROOT);
        CHECK(flags & CTLS_CERT_MALFORMED);
        /* a malformed leaf */
        CHECK_EQ(ctls_x509_verify(ca, c2 + 1, n2 + 1, 1, &p, &flags), CTLS_ERR_CERT_MALFORMED);
        CHECK_EQ(flags, CTLS_CERT_MALFORMED);
    }
    /* validity boundaries: notAfter itself is still valid (RFC 5280 4.1.2.5) */
    {
        int64_t end = 2366841600; /* 2045-01-01 */
        CHECK_EQ(verify_list(ca, &good, end, NULL, CTLS_PURPOSE_SERVER_AUTH, 0, &flags), 0);
        CHECK_EQ(verify_list(ca, &good, end + 1, NULL, CTLS_PURPOSE_SERVER_AUTH, 0, &flags),
                 CTLS_ERR_CERT_EXPIRED);
        CHECK_EQ(flags, CTLS_CERT_EXPIRED);
        CHECK_EQ(verify_list(ca, &good, 1735689600 - 1, NULL, CTLS_PURPOSE_SERVER_AUTH, 0, &flags),
                 CTLS_ERR_CERT_NOT_YET_VALID);
        CHECK_EQ(flags, CTLS_CERT_NOT_YET_VALID);
    }
    /* depth: the intermediate needs max_depth >= 1 */
    CHECK_EQ(verify_list(ca, &good, NOW, NULL, CTLS_PURPOSE_SERVER_AUTH, 1, &flags), 0);
    CHECK_EQ(verify_list(ca, &good, NOW, NULL, CTLS_PURPOSE_SERVER_AUTH, -1, &flags),
             CTLS_ERR_CERT_PATH_LIMIT);
    CHECK(flags & CTLS_CERT_PATH_LIMIT);
    /* the root itself presented, and nothing at all */
    CHECK_EQ(verify_list(ca, &root, NOW, NULL, CTLS_PURPOSE_ANY, 0, &flags), 0);
    CHECK_EQ(ctls_x509_verify(ca, NULL, NULL, 0, NULL, &flags), CTLS_ERR_CERT_NO_CERTIFICATE);
    CHECK_EQ(flags, CTLS_CERT_NO_CERTIFICATE);
    /* an empty store */
    {
        ctls_trust_store *none = ctls_store_new();
        CHECK_EQ(verify_list(none, &good, NOW, NULL, CTLS_PURPOSE_SERVER_AUTH, 0, &flags),
                 CTLS_ERR_CERT_NO_ROOT);
        CHECK_EQ(ctls_store_count(none), 0);
        ctls_store_free(none);
    }
    /* params NULL: the current time, server purpose (the PKI is valid until 2045) */
    CHECK_EQ(ctls_x509_verify(ca, (const uint8_t *const *)good.der, good.len, 2, NULL, &flags), 0);
out:
    ctls_der_list_free(&leaf);
    ctls_der_list_free(&root);
    ctls_der_list_free(&good);
    ctls_der_list_free(&in);
    ctls_store_free(ca);
    ctls_store_free(other);
}

TEST(chain_hand_made_leaves)
{
    unsigned flags;
    spec s = leaf_spec();
    CHECK_EQ(verify_signed(&s, "localhost", &flags), 0);
    CHECK_EQ(flags, 0);
    /* an unknown critical extension */
    s = leaf_spec();
    s.exts = cat(s.exts, ext("2a0304", 1, hexb("0500")));
    CHECK_EQ(verify_signed(&s, "localhost", &flags), CTLS_ERR_CERT_UNSUPPORTED);
    CHECK_EQ(flags, CTLS_CERT_UNSUPPORTED);
    /* keyCertSign in a non-CA (RFC 5280 4.2.1.3) */
    s = leaf_spec();
    s.exts = cat(s.exts, ext(EXT_KU, 1, hexb("03020204")));
    CHECK_EQ(verify_signed(&s, "localhost", &flags), CTLS_ERR_CERT_INVALID_CHAIN);
    /* the intermediate has pathlen 0: a CA below it may not issue (leaf is a CA here, fine) */
    s = leaf_spec();
    s.exts = ext(EXT_AKI, 0, T(0x30, T(0x80, hexb("00")))); /* replaced: no SAN / BC */
    s.exts = cat(s.exts, ext(EXT_SAN, 0, T(0x30, str(0x82, "localhost"))));
    CHECK_EQ(verify_signed(&s, "localhost", &flags), 0);
    /* no AKI at all (RFC 5280 4.2.1.1) */
    s = leaf_spec();
    s.exts = ext(EXT_SAN, 0, T(0x30, str(0x82, "localhost")));
    CHECK_EQ(verify_signed(&s, "localhost", &flags), CTLS_ERR_CERT_INVALID_CHAIN);
    /* no SAN: never matches (no CN fallback), whatever the CN says */
    s = leaf_spec();
    s.subject = name_cn("localhost");
    s.exts = ext(EXT_AKI, 0, T(0x30, T(0x80, hexb("00"))));
    CHECK_EQ(verify_signed(&s, "localhost", &flags), CTLS_ERR_CERT_HOSTNAME_MISMATCH);
    CHECK_EQ(flags, CTLS_CERT_HOSTNAME_MISMATCH);
    /* anyExtendedKeyUsage alone does not make a server certificate */
    s = leaf_spec();
    s.exts = ext(EXT_AKI, 0, T(0x30, T(0x80, hexb("00"))));
    s.exts = cat(s.exts, ext(EXT_SAN, 0, T(0x30, str(0x82, "localhost"))));
    s.exts = cat(s.exts, ext(EXT_EKU, 0, T(0x30, T(0x06, hexb("551d2500")))));
    CHECK_EQ(verify_signed(&s, "localhost", &flags), CTLS_ERR_CERT_BAD_USAGE);
    /* GeneralizedTime for a date before 2050 (RFC 5280 4.1.2.5): parses, never validates */
    s = leaf_spec();
    s.not_before = str(0x18, "20250101000000Z");
    CHECK_EQ(parse_buf(signed_cert(&s)), 0);
    CHECK_EQ(verify_signed(&s, "localhost", &flags), CTLS_ERR_CERT_INVALID_CHAIN);
    s.not_before = str(0x17, "250101000000Z");
    s.not_after = str(0x18, "20500101000000Z");
    CHECK_EQ(verify_signed(&s, "localhost", &flags), 0);
    /* an IP SAN matches an IP reference only */
    s = leaf_spec();
    s.exts = ext(EXT_AKI, 0, T(0x30, T(0x80, hexb("00"))));
    s.exts = cat(s.exts,
                 ext(EXT_SAN, 0, T(0x30, cat(T(0x87, hexb("0a000001")), str(0x82, "10.0.0.2")))));
    CHECK_EQ(verify_signed(&s, "10.0.0.1", &flags), 0);
    CHECK_EQ(verify_signed(&s, "10.0.0.2", &flags), CTLS_ERR_CERT_HOSTNAME_MISMATCH);
}

/* ---- the tool ----------------------------------------------------------------------- */

static char tool_path[1024];

static const char *tool(void)
{
    if (!tool_path[0]) {
        char exe[900];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) return NULL;
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0; /* .../build/tests */
        slash = strrchr(exe, '/');
        if (slash) *slash = 0; /* .../build */
        snprintf(tool_path, sizeof tool_path, "%s/ctls-verify", exe);
    }
    return access(tool_path, X_OK) == 0 ? tool_path : NULL;
}

static int run_tool(const char *args, char *first_line, size_t cap)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' --trusted '%s' %s 2>&1", tool(), tp_cert("ca.pem"), args);
    FILE *f = popen(cmd, "r");
    if (!f) return -1;
    first_line[0] = 0;
    if (!fgets(first_line, (int)cap, f)) first_line[0] = 0;
    first_line[strcspn(first_line, "\n")] = 0;
    char rest[256];
    while (fgets(rest, sizeof rest, f))
        ;
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(tool_outcomes)
{
    if (!tool()) {
        fprintf(stderr, "  ctls-verify not found next to the tests; skipped\n");
        return;
    }
    static const struct {
        const char *chain, *extra;
        int exit_code, rc;
    } tab[] = {
        {"server-ecdsa.pem", "--dns localhost", 0, 0},
        {"server-ecdsa.pem", "--ip 127.0.0.1 --eku serverAuth", 0, 0},
        {"client.pem", "--eku clientAuth", 0, 0},
        {"client.pem", "--eku serverAuth --eku clientAuth", 1, CTLS_ERR_CERT_BAD_USAGE},
        {"bad-expired.pem", "--dns localhost", 1, CTLS_ERR_CERT_EXPIRED},
        {"bad-notyet.pem", "--dns localhost", 1, CTLS_ERR_CERT_NOT_YET_VALID},
        {"bad-selfsigned.pem", "--dns localhost", 1, CTLS_ERR_CERT_UNKNOWN_ROOT},
        {"bad-noint.pem", "--dns localhost", 1, CTLS_ERR_CERT_NO_ROOT},
        {"bad-host.pem", "--dns localhost", 1, CTLS_ERR_CERT_HOSTNAME_MISMATCH},
        {"bad-sig.pem", "--dns localhost", 1, CTLS_ERR_CERT_INVALID_CHAIN},
        {"bad-eku.pem", "--dns localhost --eku serverAuth", 1, CTLS_ERR_CERT_BAD_USAGE},
        {"server-ecdsa.pem", "--max-depth 0", 1, CTLS_ERR_CERT_PATH_LIMIT},
        {"server-ecdsa.pem", "--eku codeSigning", 2, 0},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        char args[1024], line[256];
        snprintf(args, sizeof args, "--leaf '%s' --time %d %s", tp_cert(tab[i].chain), NOW,
                 tab[i].extra);
        int code = run_tool(args, line, sizeof line);
        if (code != tab[i].exit_code)
            fprintf(stderr, "  %s %s: exit %d: %s\n", tab[i].chain, tab[i].extra, code, line);
        CHECK_EQ(code, tab[i].exit_code);
        if (code == 0)
            CHECK(strcmp(line, "ok") == 0);
        else if (code == 1)
            CHECK(strcmp(line, ctls_strerror(tab[i].rc)) == 0);
    }
    /* the untrusted file: bad-noint plus int.pem completes the chain */
    char args[1024], line[256];
    snprintf(args, sizeof args, "--leaf '%s' --untrusted '%s' --time %d --dns localhost",
             tp_cert("bad-noint.pem"), tp_cert("int.pem"), NOW);
    CHECK_EQ(run_tool(args, line, sizeof line), 0);
    CHECK_EQ(run_tool("--leaf /nonexistent", line, sizeof line), 2);
    CHECK_EQ(run_tool("--bogus x", line, sizeof line), 2);
}

/* ---- store, budget and speed -------------------------------------------------------- */

TEST(store_sources)
{
    ctls_trust_store *s = ctls_store_new();
    /* a directory: every PEM in it (the PKI files hold 11 distinct certificates + keys) */
    CHECK_EQ(ctls_store_add_dir(s, tp_certdir()), 0);
    CHECK(ctls_store_count(s) >= 14);
    size_t n = ctls_store_count(s);
    /* duplicates are dropped */
    CHECK_EQ(ctls_store_add_pem_file(s, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_store_count(s), n);
    CHECK_EQ(ctls_store_add_dir(s, "/nonexistent"), CTLS_ERR_FILE);
    CHECK(ctls_store_add_pem_file(s, "/nonexistent") == CTLS_ERR_FILE);
    CHECK(ctls_store_add_der(s, (const uint8_t *)"\x30\x00", 2) < 0);
    ctls_store_free(s);

    /* SSL_CERT_FILE / SSL_CERT_DIR replace the system bundle */
    const char *old_f = getenv("SSL_CERT_FILE"), *old_d = getenv("SSL_CERT_DIR");
    char *saved_f = old_f ? ctls_strdup(old_f) : NULL, *saved_d = old_d ? ctls_strdup(old_d) : NULL;
    unsetenv("SSL_CERT_DIR");
    setenv("SSL_CERT_FILE", tp_cert("ca.pem"), 1);
    s = ctls_store_new();
    CHECK_EQ(ctls_store_add_system(s), 0);
    CHECK_EQ(ctls_store_count(s), 1);
    ctls_store_free(s);
    unsetenv("SSL_CERT_FILE");
    setenv("SSL_CERT_DIR", tp_certdir(), 1);
    s = ctls_store_new();
    CHECK_EQ(ctls_store_add_system(s), 0);
    CHECK_EQ(ctls_store_count(s), n);
    ctls_store_free(s);
    setenv("SSL_CERT_DIR", "/nonexistent", 1);
    s = ctls_store_new();
    CHECK(ctls_store_add_system(s) < 0);
    ctls_store_free(s);
    unsetenv("SSL_CERT_DIR");

    /* the Debian bundle, when there is one: loads fast */
    if (access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        s = ctls_store_new();
        CHECK_EQ(ctls_store_add_system(s), 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        fprintf(stderr, "  system bundle: %zu anchors in %.1f ms\n", ctls_store_count(s), ms);
        CHECK(ctls_store_count(s) > 50);
        CHECK(ms < 1000); /* < 50 ms in release builds; sanitizers are slower */
        ctls_store_free(s);
    }
    if (saved_f) setenv("SSL_CERT_FILE", saved_f, 1);
    if (saved_d) setenv("SSL_CERT_DIR", saved_d, 1);
    ctls_free(saved_f);
    ctls_free(saved_d);
}

TEST(budget_many_duplicates)
{
    /* 60 copies of the intermediate: duplicates cost nothing and the search stays bounded */
    ctls_trust_store *ca = store_of("ca.pem");
    ctls_der_list good = load("server-ecdsa.pem");
    const uint8_t *c[64];
    size_t n[64];
    unsigned flags;
    if (good.count == 2) {
        c[0] = good.der[0];
        n[0] = good.len[0];
        for (int i = 1; i < 61; i++)
            c[i] = good.der[1], n[i] = good.len[1];
        ctls_verify_params p = {NOW, "localhost", CTLS_PURPOSE_SERVER_AUTH, 0};
        CHECK_EQ(ctls_x509_verify(ca, c, n, 61, &p, &flags), 0);
        /* too many certificates at all */
        for (int i = 61; i < 64; i++)
            c[i] = good.der[1], n[i] = good.len[1];
        CHECK_EQ(ctls_x509_verify(ca, c, n, 64, &p, &flags), 0);
    }
    ctls_der_list_free(&good);
    ctls_store_free(ca);
}

TEST(budget_pathological_mesh)
{
    /* Seven CAs with one name and seven keys, each key certified by every other key: 42
     * self-issued intermediates that never reach the root. Without a budget the search
     * explores thousands of orderings; with it, it stops after PATH_BUDGET_SIGS checks. */
    static const char *names[] = {"int",        "server-ecdsa", "client", "bad-expired",
                                  "bad-notyet", "bad-host",     "bad-eku"};
    enum { K = 7 };
    static buf certs[K * (K - 1) + 1];
    const uint8_t *chain[K * (K - 1) + 1];
    size_t lens[K * (K - 1) + 1];
    char file[64];
    size_t n = 0;
    spec s = leaf_spec();
    s.issuer = name_cn("mesh");
    s.exts = ext(EXT_AKI, 0, T(0x30, T(0x80, hexb("01"))));
    s.exts = cat(s.exts, ext(EXT_SAN, 0, T(0x30, str(0x82, "localhost"))));
    certs[n++] = signed_by(&s, "int.key");
    for (int i = 0; i < K; i++) {
        for (int j = 0; j < K; j++) {
            if (i == j) continue;
            spec m;
            memset(&m, 0, sizeof m);
            snprintf(file, sizeof file, "%s.pem", names[i]);
            m.spki = spki_of(file);
            m.issuer = name_cn("mesh");
            m.subject = name_cn("mesh");
            m.exts = ext(EXT_BC, 1, hexb("30030101ff"));
            snprintf(file, sizeof file, "%s.key", names[j]);
            certs[n++] = signed_by(&m, file);
        }
    }
    for (size_t i = 0; i < n; i++)
        chain[i] = certs[i].b, lens[i] = certs[i].n;
    ctls_trust_store *ca = store_of("ca.pem");
    ctls_verify_params p = {NOW, "localhost", CTLS_PURPOSE_SERVER_AUTH, 0};
    unsigned flags;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = ctls_x509_verify(ca, chain, lens, n, &p, &flags);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    fprintf(stderr, "  mesh of %zu intermediates: rc %d in %.1f ms\n", n - 1, rc, ms);
    CHECK_EQ(rc, CTLS_ERR_CERT_PATH_LIMIT);
    CHECK(flags & CTLS_CERT_PATH_LIMIT);
    CHECK(ms < 5000);
    ctls_store_free(ca);
}

static double secs(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

TEST(speed_parse_and_build_vs_signatures)
{
    /* verifying leaf <- intermediate <- root costs two ECDSA verifications and decoding the
     * intermediate's key (the anchor's own signature is not checked and its key is cached);
     * parsing and path building should be small next to them */
    ctls_trust_store *ca = store_of("ca.pem");
    ctls_der_list good = load("server-ecdsa.pem");
    ctls_cert *leaf = parse_file("server-ecdsa.pem", 0), *in = parse_file("server-ecdsa.pem", 1);
    ctls_cert *root = parse_file("ca.pem", 0);
    if (good.count != 2 || !leaf || !in || !root) goto out;
    /* interleaved rounds, best of each: robust against a busy machine */
    const int iters = 20, rounds = 8;
    unsigned flags;
    double full = 1e9, sig = 1e9;
    ctls_pubkey *k2 = NULL; /* the root's key: cached by the store, so decoded once here too */
    CHECK_EQ(ctls_pubkey_from_spki(root->spki.p, root->spki.len, &k2), 0);
    for (int r = 0; r < rounds && k2; r++) {
        double t0 = secs();
        for (int i = 0; i < iters; i++)
            CHECK_EQ(verify_list(ca, &good, NOW, "localhost", CTLS_PURPOSE_SERVER_AUTH, 0, &flags),
                     0);
        double t1 = secs();
        for (int i = 0; i < iters; i++) {
            ctls_pubkey *k1 = NULL;
            CHECK_EQ(ctls_pubkey_from_spki(in->spki.p, in->spki.len, &k1), 0);
            CHECK_EQ(ctls_verify(k1, CTLS_SIG_ECDSA_SECP256R1_SHA256, leaf->tbs.p, leaf->tbs.len,
                                 leaf->sig.p, leaf->sig.len),
                     0);
            CHECK_EQ(ctls_verify(k2, CTLS_SIG_ECDSA_SECP256R1_SHA256, in->tbs.p, in->tbs.len,
                                 in->sig.p, in->sig.len),
                     0);
            ctls_pubkey_free(k1);
        }
        double t2 = secs();
        if ((t1 - t0) / iters * 1e6 < full) full = (t1 - t0) / iters * 1e6;
        if ((t2 - t1) / iters * 1e6 < sig) sig = (t2 - t1) / iters * 1e6;
    }
    ctls_pubkey_free(k2);
    /* parsing alone, for the record */
    double t3 = secs();
    for (int i = 0; i < iters * 10; i++) {
        ctls_cert *a = NULL;
        CHECK_EQ(ctls_cert_parse(good.der[0], good.len[0], &a), 0);
        ctls_cert_free(a);
    }
    double parse = (secs() - t3) / (iters * 10) * 1e6;
    fprintf(stderr,
            "  chain verify %.1f us; its crypto alone %.1f us (%.0f%% other); one parse %.1f us\n",
            full, sig, 100.0 * (full - sig) / full, parse);
    CHECK(full < sig * 2.0); /* loose: sanitizer builds inflate parsing more than crypto */
out:
    ctls_cert_free(leaf);
    ctls_cert_free(in);
    ctls_cert_free(root);
    ctls_der_list_free(&good);
    ctls_store_free(ca);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "test PKI generation failed (tests/certs/mkcerts.sh)\n");
        return 1;
    }
    RUN(parse_test_pki);
    RUN(parse_truncated_and_mutated);
    RUN(parse_malformed_table);
    RUN(pem_decode);
    RUN(host_name_rules);
    RUN(chain_outcomes);
    RUN(chain_priorities_and_shapes);
    RUN(chain_hand_made_leaves);
    RUN(tool_outcomes);
    RUN(store_sources);
    RUN(budget_many_duplicates);
    RUN(budget_pathological_mesh);
    RUN(speed_parse_and_build_vs_signatures);
    return th_summary();
}
