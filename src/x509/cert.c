/* Certificate parsing: RFC 5280 section 4, strict DER. */
#include "x509/cert.h"

#include <string.h>

#include "core/mem.h"
#include "crypto/crypto.h"
#include "x509/oid.h"

#define BAD CTLS_ERR_CERT_MALFORMED

/* ---- algorithm identifiers ---------------------------------------------------------- */

static int hash_from_alg_id(der_rd *d, int *hash)
{
    /* RFC 4055 2.1: hash AlgorithmIdentifier, parameters NULL or absent */
    der_rd a;
    ctls_slice oid;
    CTLS_GUARD(der_enter(d, DER_SEQUENCE, &a));
    CTLS_GUARD(der_oid(&a, &oid));
    if (!der_empty(&a)) CTLS_GUARD(der_null(&a));
    CTLS_GUARD(der_done(&a));
    if (OID_EQ(oid, OID_SHA256))
        *hash = CTLS_HASH_SHA256;
    else if (OID_EQ(oid, OID_SHA384))
        *hash = CTLS_HASH_SHA384;
    else if (OID_EQ(oid, OID_SHA512))
        *hash = CTLS_HASH_SHA512;
    else
        *hash = 0;
    return 0;
}

/* RFC 4055 3.1 RSASSA-PSS-params. We accept only SHA-256/384/512 with MGF1 over the same hash,
 * a salt of the hash length and trailer 1 (what RFC 8446 4.2.3 allows too). */
static int parse_pss_params(der_rd *d, int *hash)
{
    der_rd p, x;
    int present, h = 0, mh = 0;
    ctls_slice oid;
    *hash = 0;
    CTLS_GUARD(der_enter(d, DER_SEQUENCE, &p));
    if (der_peek(&p) != DER_CTX_CONS(0)) return 0; /* default SHA-1: weak, left unknown */
    CTLS_GUARD(der_enter(&p, DER_CTX_CONS(0), &x));
    CTLS_GUARD(hash_from_alg_id(&x, &h));
    CTLS_GUARD(der_done(&x));
    if (der_peek(&p) != DER_CTX_CONS(1)) return 0;
    der_rd mgf, mga;
    CTLS_GUARD(der_enter(&p, DER_CTX_CONS(1), &x));
    CTLS_GUARD(der_enter(&x, DER_SEQUENCE, &mgf));
    CTLS_GUARD(der_done(&x));
    CTLS_GUARD(der_oid(&mgf, &oid));
    mga = mgf;
    CTLS_GUARD(hash_from_alg_id(&mga, &mh));
    CTLS_GUARD(der_done(&mga));
    if (!OID_EQ(oid, OID_MGF1) || mh != h || h == 0) return 0;
    ctls_slice c;
    int64_t salt = 20, trailer = 1;
    CTLS_GUARD(der_opt(&p, DER_CTX_CONS(2), &c, &present));
    if (present) {
        der_rd s;
        der_init(&s, c.p, c.len);
        CTLS_GUARD(der_small_uint(&s, &salt));
        CTLS_GUARD(der_done(&s));
    }
    CTLS_GUARD(der_opt(&p, DER_CTX_CONS(3), &c, &present));
    if (present) {
        der_rd s;
        der_init(&s, c.p, c.len);
        CTLS_GUARD(der_small_uint(&s, &trailer));
        CTLS_GUARD(der_done(&s));
    }
    CTLS_GUARD(der_done(&p));
    if (trailer != 1 || (size_t)salt != ctls_hash_len(h)) return 0;
    *hash = h;
    return 0;
}

/* The signature AlgorithmIdentifier (RFC 5280 4.1.1.2). Unknown algorithms parse fine and
 * are rejected at verification time. */
static int parse_sig_alg(ctls_slice whole, int *kind, int *hash)
{
    der_rd d, a;
    ctls_slice oid;
    der_init(&d, whole.p, whole.len);
    CTLS_GUARD(der_enter(&d, DER_SEQUENCE, &a));
    CTLS_GUARD(der_oid(&a, &oid));
    *kind = SIGALG_UNKNOWN;
    *hash = 0;
    static const struct {
        const uint8_t *oid;
        size_t len;
        int kind, hash, null_params;
    } tab[] = {
        {OID_SHA256_RSA, sizeof OID_SHA256_RSA, SIGALG_RSA_PKCS1, CTLS_HASH_SHA256, 1},
        {OID_SHA384_RSA, sizeof OID_SHA384_RSA, SIGALG_RSA_PKCS1, CTLS_HASH_SHA384, 1},
        {OID_SHA512_RSA, sizeof OID_SHA512_RSA, SIGALG_RSA_PKCS1, CTLS_HASH_SHA512, 1},
        {OID_ECDSA_SHA256, sizeof OID_ECDSA_SHA256, SIGALG_ECDSA, CTLS_HASH_SHA256, 0},
        {OID_ECDSA_SHA384, sizeof OID_ECDSA_SHA384, SIGALG_ECDSA, CTLS_HASH_SHA384, 0},
        {OID_ECDSA_SHA512, sizeof OID_ECDSA_SHA512, SIGALG_ECDSA, CTLS_HASH_SHA512, 0},
        {OID_ED25519, sizeof OID_ED25519, SIGALG_ED25519, 0, 0},
        {OID_MD2_RSA, sizeof OID_MD2_RSA, SIGALG_WEAK, 0, -1},
        {OID_MD5_RSA, sizeof OID_MD5_RSA, SIGALG_WEAK, 0, -1},
        {OID_SHA1_RSA, sizeof OID_SHA1_RSA, SIGALG_WEAK, 0, -1},
        {OID_ECDSA_SHA1, sizeof OID_ECDSA_SHA1, SIGALG_WEAK, 0, -1},
        {OID_DSA_SHA1, sizeof OID_DSA_SHA1, SIGALG_WEAK, 0, -1},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        if (!der_slice_eq(oid, tab[i].oid, tab[i].len)) continue;
        if (tab[i].null_params == 1) {
            CTLS_GUARD(der_null(&a)); /* RFC 4055 5: NULL parameters for PKCS #1 v1.5 */
        } else if (tab[i].null_params == 0) {
            CTLS_ENSURE(der_empty(&a), CTLS_ERR_DECODE); /* RFC 5758 3.2, RFC 8410 3 */
        } else {
            ctls_slice ignored;
            if (!der_empty(&a)) CTLS_GUARD(der_any(&a, NULL, &ignored, NULL));
        }
        *kind = tab[i].kind;
        *hash = tab[i].hash;
        return der_done(&a);
    }
    if (OID_EQ(oid, OID_RSASSA_PSS)) {
        CTLS_GUARD(parse_pss_params(&a, hash));
        *kind = *hash ? SIGALG_RSA_PSS : SIGALG_UNKNOWN;
        return der_done(&a);
    }
    /* unknown: skip whatever parameters there are */
    ctls_slice ignored;
    if (!der_empty(&a)) CTLS_GUARD(der_any(&a, NULL, &ignored, NULL));
    return der_done(&a);
}

/* Bits in a big-endian unsigned integer (content octets of a positive INTEGER). */
static int int_bits(ctls_slice v)
{
    size_t i = 0;
    while (i < v.len && v.p[i] == 0)
        i++;
    if (i == v.len) return 0;
    int bits = (int)((v.len - i - 1) * 8);
    for (uint8_t b = v.p[i]; b; b >>= 1)
        bits++;
    return bits;
}

/* SubjectPublicKeyInfo (RFC 5280 4.1.2.7): the key type and size; unknown keys parse. */
static int parse_spki(ctls_cert *c, der_rd *d)
{
    der_rd s, a;
    ctls_slice oid, key;
    unsigned unused;
    CTLS_GUARD(der_get(d, DER_SEQUENCE, NULL, &c->spki));
    der_rd tmp;
    der_init(&tmp, c->spki.p, c->spki.len);
    CTLS_GUARD(der_enter(&tmp, DER_SEQUENCE, &s));
    CTLS_GUARD(der_enter(&s, DER_SEQUENCE, &a));
    CTLS_GUARD(der_oid(&a, &oid));
    if (OID_EQ(oid, OID_EC_PUBLIC_KEY)) {
        ctls_slice curve;
        if (der_peek(&a) == DER_OID) {
            CTLS_GUARD(der_oid(&a, &curve));
            if (OID_EQ(curve, OID_P256))
                c->key_type = CTLS_KEY_EC_P256, c->key_bits = 256;
            else if (OID_EQ(curve, OID_P384))
                c->key_type = CTLS_KEY_EC_P384, c->key_bits = 384;
            else if (OID_EQ(curve, OID_P521))
                c->key_type = CTLS_KEY_EC_P521, c->key_bits = 521;
            else if (OID_EQ(curve, OID_P192))
                c->weak_key = 1, c->key_bits = 192;
        } else {
            /* RFC 5480 2.1.1: implicit / explicit curves are not allowed */
            CTLS_GUARD(der_any(&a, NULL, &curve, NULL));
        }
    } else if (OID_EQ(oid, OID_RSA_ENCRYPTION)) {
        CTLS_GUARD(der_null(&a));
        c->key_type = CTLS_KEY_RSA;
    } else if (OID_EQ(oid, OID_RSASSA_PSS)) {
        ctls_slice params;
        if (!der_empty(&a)) CTLS_GUARD(der_get(&a, DER_SEQUENCE, &params, NULL));
        c->key_type = CTLS_KEY_RSA_PSS;
    } else if (OID_EQ(oid, OID_ED25519)) {
        c->key_type = CTLS_KEY_ED25519, c->key_bits = 256;
    } else if (OID_EQ(oid, OID_ED448)) {
        c->key_type = CTLS_KEY_ED448, c->key_bits = 456;
    } else {
        if (OID_EQ(oid, OID_DSA)) c->weak_key = 1;
        ctls_slice params;
        if (!der_empty(&a)) CTLS_GUARD(der_any(&a, NULL, &params, NULL));
    }
    CTLS_GUARD(der_done(&a));
    CTLS_GUARD(der_bits(&s, &key, &unused));
    CTLS_GUARD(der_done(&s));
    CTLS_ENSURE(unused == 0, CTLS_ERR_DECODE);
    if (c->key_type == CTLS_KEY_RSA || c->key_type == CTLS_KEY_RSA_PSS) {
        /* RFC 3279 2.3.1 RSAPublicKey ::= SEQUENCE { modulus, publicExponent } */
        der_rd k, seq;
        ctls_slice n, e;
        der_init(&k, key.p, key.len);
        CTLS_GUARD(der_enter(&k, DER_SEQUENCE, &seq));
        CTLS_GUARD(der_integer(&seq, &n));
        CTLS_GUARD(der_integer(&seq, &e));
        CTLS_GUARD(der_done(&seq));
        CTLS_GUARD(der_done(&k));
        CTLS_ENSURE((n.p[0] & 0x80) == 0 && (e.p[0] & 0x80) == 0, CTLS_ERR_DECODE);
        c->key_bits = int_bits(n);
    } else if (c->key_type == CTLS_KEY_ED25519) {
        CTLS_ENSURE(key.len == 32, CTLS_ERR_DECODE);
    } else if (c->key_type == CTLS_KEY_EC_P256) {
        CTLS_ENSURE(key.len == 65 || key.len == 33, CTLS_ERR_DECODE);
    }
    return 0;
}

/* ---- names -------------------------------------------------------------------------- */

/* Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF
 * AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY } (RFC 5280 4.1.2.4). */
static int parse_name(der_rd *d, ctls_slice *whole, int *empty)
{
    der_rd n;
    CTLS_ENSURE(der_peek(d) == DER_SEQUENCE, CTLS_ERR_DECODE);
    der_rd copy = *d;
    CTLS_GUARD(der_get(&copy, DER_SEQUENCE, NULL, whole));
    CTLS_GUARD(der_enter(d, DER_SEQUENCE, &n));
    *empty = der_empty(&n);
    while (!der_empty(&n)) {
        der_rd rdn;
        CTLS_GUARD(der_enter(&n, DER_SET, &rdn));
        CTLS_ENSURE(!der_empty(&rdn), CTLS_ERR_DECODE);
        while (!der_empty(&rdn)) {
            der_rd atv;
            ctls_slice oid, val;
            uint8_t tag;
            CTLS_GUARD(der_enter(&rdn, DER_SEQUENCE, &atv));
            CTLS_GUARD(der_oid(&atv, &oid));
            CTLS_GUARD(der_any(&atv, &tag, &val, NULL));
            CTLS_GUARD(der_done(&atv));
        }
    }
    return 0;
}

/* ---- extensions --------------------------------------------------------------------- */

static int ext_basic_constraints(ctls_cert *c, der_rd *v)
{
    der_rd s;
    CTLS_GUARD(der_enter(v, DER_SEQUENCE, &s));
    c->pathlen = -1;
    if (der_peek(&s) == DER_BOOLEAN) CTLS_GUARD(der_bool(&s, &c->is_ca));
    if (der_peek(&s) == DER_INTEGER) {
        int64_t pl;
        CTLS_GUARD(der_small_uint(&s, &pl));
        /* RFC 5280 4.2.1.9: pathLenConstraint only when cA is asserted */
        CTLS_ENSURE(c->is_ca, CTLS_ERR_DECODE);
        c->pathlen = pl > 255 ? 255 : (int)pl;
    }
    return der_done(&s);
}

static int ext_key_usage(ctls_cert *c, der_rd *v)
{
    ctls_slice bits;
    unsigned unused;
    CTLS_GUARD(der_bits(v, &bits, &unused));
    /* RFC 5280 4.2.1.3: at least one bit set. DER (X.690 11.2.2) also forbids trailing zero
     * octets in a named bit list, but trusted roots exist that have them: tolerated. */
    CTLS_ENSURE(bits.len >= 1 && bits.len <= 2, CTLS_ERR_DECODE);
    CTLS_ENSURE(bits.p[0] != 0 || (bits.len == 2 && bits.p[1] != 0), CTLS_ERR_DECODE);
    unsigned ku = 0;
    for (unsigned i = 0; i < 9; i++) {
        size_t byte = i / 8;
        if (byte < bits.len && (bits.p[byte] & (0x80u >> (i % 8)))) ku |= 1u << i;
    }
    c->ku = ku;
    return 0;
}

static int ext_eku(ctls_cert *c, der_rd *v)
{
    der_rd s;
    CTLS_GUARD(der_enter(v, DER_SEQUENCE, &s));
    CTLS_ENSURE(!der_empty(&s), CTLS_ERR_DECODE); /* SIZE (1..MAX) */
    while (!der_empty(&s)) {
        ctls_slice oid;
        CTLS_GUARD(der_oid(&s, &oid));
        if (OID_EQ(oid, OID_EKU_SERVER))
            c->eku |= EKU_SERVER;
        else if (OID_EQ(oid, OID_EKU_CLIENT))
            c->eku |= EKU_CLIENT;
        else if (OID_EQ(oid, OID_EKU_ANY))
            c->eku |= EKU_ANY;
        else
            c->eku |= EKU_OTHER;
    }
    return 0;
}

/* Syntax is checked by ctls_general_names_each; a SAN iPAddress is an address, 4 or 16
 * octets (RFC 5280 4.2.1.6). Subtree and AIA names need nothing more here. */
static int check_general_name(void *ctx, uint8_t tag, ctls_slice v)
{
    (void)ctx;
    (void)tag;
    (void)v;
    return 0;
}

static int check_san_name(void *ctx, uint8_t tag, ctls_slice v)
{
    (void)ctx;
    if (tag == DER_CTX(7)) CTLS_ENSURE(v.len == 4 || v.len == 16, CTLS_ERR_DECODE);
    return 0;
}

static int ext_san(ctls_cert *c, der_rd *v)
{
    CTLS_GUARD(der_get(v, DER_SEQUENCE, &c->san, NULL));
    CTLS_ENSURE(c->san.len > 0, CTLS_ERR_DECODE); /* GeneralNames SIZE (1..MAX) */
    return ctls_general_names_each(c->san, check_san_name, NULL);
}

static int check_subtrees(ctls_slice st)
{
    /* GeneralSubtree ::= SEQUENCE { base GeneralName, minimum [0] DEFAULT 0,
     * maximum [1] OPTIONAL } -- RFC 5280 4.2.1.10: minimum MUST be zero, maximum absent */
    der_rd d;
    der_init(&d, st.p, st.len);
    CTLS_ENSURE(!der_empty(&d), CTLS_ERR_DECODE);
    while (!der_empty(&d)) {
        der_rd s;
        uint8_t tag;
        ctls_slice base, whole;
        CTLS_GUARD(der_enter(&d, DER_SEQUENCE, &s));
        CTLS_GUARD(der_any(&s, &tag, &base, &whole));
        CTLS_GUARD(ctls_general_names_each(whole, check_general_name, NULL));
        CTLS_ENSURE(der_empty(&s), CTLS_ERR_DECODE);
    }
    return 0;
}

static int ext_name_constraints(ctls_cert *c, der_rd *v)
{
    der_rd s;
    CTLS_GUARD(der_enter(v, DER_SEQUENCE, &s));
    CTLS_GUARD(der_opt(&s, DER_CTX_CONS(0), &c->nc_permitted, &c->has_nc_permitted));
    CTLS_GUARD(der_opt(&s, DER_CTX_CONS(1), &c->nc_excluded, &c->has_nc_excluded));
    CTLS_GUARD(der_done(&s));
    /* RFC 5280 4.2.1.10: either permittedSubtrees or excludedSubtrees MUST be present */
    CTLS_ENSURE(c->has_nc_permitted || c->has_nc_excluded, CTLS_ERR_DECODE);
    if (c->has_nc_permitted) CTLS_GUARD(check_subtrees(c->nc_permitted));
    if (c->has_nc_excluded) CTLS_GUARD(check_subtrees(c->nc_excluded));
    return 0;
}

static int ext_aki(ctls_cert *c, der_rd *v)
{
    /* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OPTIONAL,
     * authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] OPTIONAL } */
    der_rd s;
    ctls_slice x;
    int p1, p2;
    CTLS_GUARD(der_enter(v, DER_SEQUENCE, &s));
    CTLS_GUARD(der_opt(&s, DER_CTX(0), &c->aki, &c->aki_has_keyid));
    CTLS_GUARD(der_opt(&s, DER_CTX_CONS(1), &x, &p1));
    CTLS_GUARD(der_opt(&s, DER_CTX(2), &x, &p2));
    CTLS_ENSURE(p1 == p2, CTLS_ERR_DECODE); /* RFC 5280 4.2.1.1: both or neither */
    c->aki_has_issuer_serial = p1;
    return der_done(&s);
}

static int ext_aia(der_rd *v)
{
    /* AuthorityInfoAccessSyntax ::= SEQUENCE SIZE (1..MAX) OF AccessDescription
     * AccessDescription ::= SEQUENCE { accessMethod OID, accessLocation GeneralName } */
    der_rd s;
    CTLS_GUARD(der_enter(v, DER_SEQUENCE, &s));
    CTLS_ENSURE(!der_empty(&s), CTLS_ERR_DECODE);
    while (!der_empty(&s)) {
        der_rd ad;
        ctls_slice oid, loc, whole;
        uint8_t tag;
        CTLS_GUARD(der_enter(&s, DER_SEQUENCE, &ad));
        CTLS_GUARD(der_oid(&ad, &oid));
        CTLS_GUARD(der_any(&ad, &tag, &loc, &whole));
        CTLS_GUARD(der_done(&ad));
        CTLS_GUARD(ctls_general_names_each(whole, check_general_name, NULL));
    }
    return 0;
}

/* One extension. RFC 5280 4.2: a critical extension we do not recognise rejects the
 * certificate; several extensions must be non-critical (4.2.1.1, 4.2.1.2, 4.2.2.1). */
static int parse_ext(ctls_cert *c, ctls_slice oid, int critical, ctls_slice val, unsigned *seen)
{
    der_rd v;
    der_init(&v, val.p, val.len);
    int rc = 0;
#define ONCE(bit)                                                                                  \
    do {                                                                                           \
        CTLS_ENSURE(!(*seen & (bit)), CTLS_ERR_DECODE);                                            \
        *seen |= (bit);                                                                            \
    } while (0)
    if (OID_EQ(oid, OID_EXT_BC)) {
        ONCE(1u << 0);
        c->has_bc = 1;
        c->bc_critical = critical;
        rc = ext_basic_constraints(c, &v);
    } else if (OID_EQ(oid, OID_EXT_KU)) {
        ONCE(1u << 1);
        c->has_ku = 1;
        rc = ext_key_usage(c, &v);
    } else if (OID_EQ(oid, OID_EXT_EKU)) {
        ONCE(1u << 2);
        c->has_eku = 1;
        c->eku_critical = critical;
        rc = ext_eku(c, &v);
    } else if (OID_EQ(oid, OID_EXT_SAN)) {
        ONCE(1u << 3);
        c->has_san = 1;
        c->san_critical = critical;
        rc = ext_san(c, &v);
    } else if (OID_EQ(oid, OID_EXT_NC)) {
        ONCE(1u << 4);
        c->has_nc = 1;
        rc = ext_name_constraints(c, &v);
    } else if (OID_EQ(oid, OID_EXT_SKI)) {
        ONCE(1u << 5);
        CTLS_ENSURE(!critical, CTLS_ERR_DECODE);
        c->has_ski = 1;
        rc = der_get(&v, DER_OCTET_STRING, &c->ski, NULL);
    } else if (OID_EQ(oid, OID_EXT_AKI)) {
        ONCE(1u << 6);
        CTLS_ENSURE(!critical, CTLS_ERR_DECODE);
        c->has_aki = 1;
        rc = ext_aki(c, &v);
    } else if (OID_EQ(oid, OID_EXT_AIA)) {
        ONCE(1u << 7);
        CTLS_ENSURE(!critical, CTLS_ERR_DECODE);
        rc = ext_aia(&v);
    } else if (OID_EQ(oid, OID_EXT_POLICIES) || OID_EQ(oid, OID_EXT_POLICY_CONSTRAINTS) ||
               OID_EQ(oid, OID_EXT_INHIBIT_ANY)) {
        /* Recognised; the web PKI profile does not process policies (no explicit policy is
         * required), so even a critical instance does not change the outcome. */
        return 0;
    } else {
        return critical ? CTLS_ERR_CERT_UNSUPPORTED : 0;
    }
#undef ONCE
    CTLS_GUARD(rc);
    return der_done(&v);
}

static int parse_extensions(ctls_cert *c, ctls_slice content)
{
    der_rd x, seq;
    ctls_slice oids[64];
    size_t n = 0;
    unsigned seen = 0;
    der_init(&x, content.p, content.len);
    x.depth = 3;
    CTLS_GUARD(der_enter(&x, DER_SEQUENCE, &seq));
    CTLS_GUARD(der_done(&x));
    CTLS_ENSURE(!der_empty(&seq), CTLS_ERR_DECODE); /* Extensions SIZE (1..MAX) */
    int unsupported = 0;
    while (!der_empty(&seq)) {
        der_rd e;
        ctls_slice oid, val;
        int critical = 0;
        CTLS_GUARD(der_enter(&seq, DER_SEQUENCE, &e));
        CTLS_GUARD(der_oid(&e, &oid));
        if (der_peek(&e) == DER_BOOLEAN) {
            CTLS_GUARD(der_bool(&e, &critical));
            CTLS_ENSURE(critical, CTLS_ERR_DECODE); /* X.690 11.5: DEFAULT FALSE is omitted */
        }
        CTLS_GUARD(der_get(&e, DER_OCTET_STRING, &val, NULL));
        CTLS_GUARD(der_done(&e));
        /* RFC 5280 4.2: at most one instance of a particular extension */
        CTLS_ENSURE(n < sizeof oids / sizeof oids[0], CTLS_ERR_DECODE);
        for (size_t i = 0; i < n; i++)
            CTLS_ENSURE(!(oids[i].len == oid.len && memcmp(oids[i].p, oid.p, oid.len) == 0),
                        CTLS_ERR_DECODE);
        oids[n++] = oid;
        int rc = parse_ext(c, oid, critical, val, &seen);
        if (rc == CTLS_ERR_CERT_UNSUPPORTED)
            unsupported = 1;
        else
            CTLS_GUARD(rc);
    }
    return unsupported ? CTLS_ERR_CERT_UNSUPPORTED : 0;
}

/* ---- the certificate ---------------------------------------------------------------- */

static int parse_tbs(ctls_cert *c, der_rd *t)
{
    ctls_slice x, inner_alg;
    int present;
    /* version [0] EXPLICIT Version DEFAULT v1 */
    c->version = 1;
    CTLS_GUARD(der_opt(t, DER_CTX_CONS(0), &x, &present));
    if (present) {
        der_rd v;
        int64_t ver;
        der_init(&v, x.p, x.len);
        CTLS_GUARD(der_small_uint(&v, &ver));
        CTLS_GUARD(der_done(&v));
        /* DER: v1 (0) is the default and is never encoded */
        CTLS_ENSURE(ver == 1 || ver == 2, CTLS_ERR_DECODE);
        c->version = (int)ver + 1;
    }
    CTLS_GUARD(der_integer(t, &c->serial));
    CTLS_GUARD(der_get(t, DER_SEQUENCE, NULL, &inner_alg));
    /* RFC 5280 4.1.1.2: the signature field MUST equal signatureAlgorithm */
    CTLS_ENSURE(der_slice_eq(inner_alg, c->sig_alg.p, c->sig_alg.len), CTLS_ERR_DECODE);
    CTLS_GUARD(parse_name(t, &c->issuer, &c->issuer_empty));
    der_rd val;
    CTLS_GUARD(der_enter(t, DER_SEQUENCE, &val));
    /* RFC 5280 4.1.2.5: dates through 2049 MUST be UTCTime. Noted rather than refused at
     * parse time: one root in the Mozilla store encodes 2011 as GeneralizedTime. */
    int tag0 = der_peek(&val);
    CTLS_GUARD(der_time(&val, &c->not_before));
    int tag1 = der_peek(&val);
    CTLS_GUARD(der_time(&val, &c->not_after));
    const int64_t y2050 = 2524608000; /* 2050-01-01T00:00:00Z */
    c->time_form_bad = (tag0 == DER_GENERALIZED_TIME && c->not_before < y2050) ||
                       (tag1 == DER_GENERALIZED_TIME && c->not_after < y2050);
    CTLS_GUARD(der_done(&val));
    CTLS_GUARD(parse_name(t, &c->subject, &c->subject_empty));
    CTLS_GUARD(parse_spki(c, t));
    /* issuerUniqueID [1], subjectUniqueID [2]: v2 or v3 only (RFC 5280 4.1.2.8) */
    CTLS_GUARD(der_opt(t, DER_CTX(1), &x, &present));
    CTLS_ENSURE(!present || c->version >= 2, CTLS_ERR_DECODE);
    CTLS_GUARD(der_opt(t, DER_CTX(2), &x, &present));
    CTLS_ENSURE(!present || c->version >= 2, CTLS_ERR_DECODE);
    int rc = 0;
    CTLS_GUARD(der_opt(t, DER_CTX_CONS(3), &x, &present));
    if (present) {
        CTLS_ENSURE(c->version == 3, CTLS_ERR_DECODE); /* RFC 5280 4.1.2.9 */
        c->has_ext = 1;
        rc = parse_extensions(c, x);
        if (rc != CTLS_ERR_CERT_UNSUPPORTED) CTLS_GUARD(rc);
    }
    CTLS_GUARD(der_done(t));
    c->self_issued =
        c->subject.len == c->issuer.len && memcmp(c->subject.p, c->issuer.p, c->subject.len) == 0;
    return rc;
}

static int parse_cert(ctls_cert *c)
{
    der_rd d, cert, tbs;
    unsigned unused;
    /* Every nested element is DER before we look at any field. */
    CTLS_GUARD(der_check_tree(c->der, c->len, DER_MAX_DEPTH));
    der_init(&d, c->der, c->len);
    CTLS_GUARD(der_enter(&d, DER_SEQUENCE, &cert));
    CTLS_GUARD(der_done(&d));
    CTLS_GUARD(der_get(&cert, DER_SEQUENCE, NULL, &c->tbs));
    CTLS_GUARD(der_get(&cert, DER_SEQUENCE, NULL, &c->sig_alg));
    CTLS_GUARD(der_bits(&cert, &c->sig, &unused));
    CTLS_ENSURE(unused == 0, CTLS_ERR_DECODE);
    CTLS_GUARD(der_done(&cert));
    CTLS_GUARD(parse_sig_alg(c->sig_alg, &c->sig_kind, &c->sig_hash));
    der_init(&d, c->tbs.p, c->tbs.len);
    d.depth = 1;
    CTLS_GUARD(der_enter(&d, DER_SEQUENCE, &tbs));
    return parse_tbs(c, &tbs);
}

int ctls_cert_parse(const uint8_t *der, size_t len, ctls_cert **out)
{
    *out = NULL;
    CTLS_ENSURE(der != NULL && len > 0 && len <= DER_MAX_LEN, CTLS_ERR_CERT_MALFORMED);
    ctls_cert *c = ctls_calloc(1, sizeof *c);
    CTLS_ENSURE(c != NULL, CTLS_ERR_NOMEM);
    c->der = ctls_memdup(der, len);
    if (!c->der) {
        ctls_free(c);
        return CTLS_ERR_NOMEM;
    }
    c->len = len;
    c->pathlen = -1;
    int rc = parse_cert(c);
    if (rc < 0) {
        ctls_cert_free(c);
        return rc == CTLS_ERR_CERT_UNSUPPORTED || rc == CTLS_ERR_NOMEM ? rc
                                                                       : CTLS_ERR_CERT_MALFORMED;
    }
    *out = c;
    return 0;
}

void ctls_cert_free(ctls_cert *c)
{
    if (!c) return;
    ctls_pubkey_free(atomic_load(&c->key_cache));
    ctls_free(c->der);
    ctls_free(c);
}

ctls_slice ctls_cert_der(const ctls_cert *c)
{
    return (ctls_slice){c->der, c->len};
}
ctls_slice ctls_cert_spki(const ctls_cert *c)
{
    return c->spki;
}
ctls_slice ctls_cert_subject_der(const ctls_cert *c)
{
    return c->subject;
}
ctls_slice ctls_cert_issuer_der(const ctls_cert *c)
{
    return c->issuer;
}
int ctls_cert_key_type(const ctls_cert *c)
{
    return c->key_type;
}
int ctls_cert_key_bits(const ctls_cert *c)
{
    return c->key_bits;
}
int64_t ctls_cert_not_before(const ctls_cert *c)
{
    return c->not_before;
}
int64_t ctls_cert_not_after(const ctls_cert *c)
{
    return c->not_after;
}
int ctls_cert_is_ca(const ctls_cert *c)
{
    return c->has_bc && c->is_ca;
}
