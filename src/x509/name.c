/* Names: subjectAltName iteration, host-name matching (RFC 9525) and name constraints
 * (RFC 5280 4.2.1.10). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "x509/cert.h"

/* GeneralName tags (RFC 5280 4.2.1.6) */
enum {
    GN_OTHER = 0xa0,
    GN_RFC822 = 0x81,
    GN_DNS = 0x82,
    GN_X400 = 0xa3,
    GN_DIR = 0xa4,
    GN_EDI = 0xa5,
    GN_URI = 0x86,
    GN_IP = 0x87,
    GN_RID = 0x88,
};

int ctls_general_names_each(ctls_slice names, int (*fn)(void *, uint8_t, ctls_slice), void *ctx)
{
    der_rd d;
    der_init(&d, names.p, names.len);
    while (!der_empty(&d)) {
        uint8_t tag;
        ctls_slice v;
        CTLS_GUARD(der_any(&d, &tag, &v, NULL));
        switch (tag) {
        case GN_RFC822:
        case GN_DNS:
        case GN_URI:
            /* IA5String */
            for (size_t i = 0; i < v.len; i++)
                CTLS_ENSURE(v.p[i] < 0x80, CTLS_ERR_DECODE);
            break;
        case GN_DIR: {
            /* [4] EXPLICIT Name (the CHOICE makes the tag explicit) */
            der_rd n;
            ctls_slice name;
            der_init(&n, v.p, v.len);
            CTLS_GUARD(der_get(&n, DER_SEQUENCE, &name, NULL));
            CTLS_GUARD(der_done(&n));
            break;
        }
        case GN_OTHER:
        case GN_X400:
        case GN_EDI:
        case GN_IP:
        case GN_RID:
            break;
        default:
            return CTLS_ERR_DECODE;
        }
        if (fn) CTLS_GUARD(fn(ctx, tag, v));
    }
    return 0;
}

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static int ieq(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower(a[i]) != lower(b[i])) return 0;
    return 1;
}

/* Preferred name syntax (RFC 1034 3.5 as relaxed by RFC 1123 2.1; underscores tolerated as
 * in real certificates): labels of 1..63 letters, digits, hyphens, not starting or ending
 * with a hyphen; at most 253 octets; no trailing dot. With allow_wildcard the first label may
 * be exactly "*". */
int ctls_dns_name_valid(const uint8_t *p, size_t n, int allow_wildcard)
{
    if (n == 0 || n > 253) return 0;
    size_t i = 0;
    if (allow_wildcard && n >= 2 && p[0] == '*' && p[1] == '.') i = 2;
    size_t label = 0;
    for (; i <= n; i++) {
        if (i == n || p[i] == '.') {
            if (label == 0 || label > 63 || p[i - 1] == '-') return 0;
            label = 0;
            continue;
        }
        uint8_t c = p[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || (c == '-' && label > 0);
        if (!ok) return 0;
        label++;
    }
    return 1;
}

static size_t count_labels(const uint8_t *p, size_t n)
{
    size_t k = 1;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '.';
    return k;
}

/* RFC 9525 6.3: the presented identifier (a SAN dNSName) against the reference identifier. */
int ctls_dns_match(const uint8_t *pattern, size_t plen, const char *host, size_t hlen)
{
    /* RFC 9525 6.3: a reference identifier's trailing dot is not significant */
    if (hlen > 0 && host[hlen - 1] == '.') hlen--;
    const uint8_t *h = (const uint8_t *)host;
    if (!ctls_dns_name_valid(h, hlen, 0) || !ctls_dns_name_valid(pattern, plen, 1)) return 0;
    if (plen >= 2 && pattern[0] == '*') {
        /* RFC 9525 6.3 (and 7.2): the wildcard is the complete left-most label, matches one
         * label only, and never covers a single remaining label (no "*.com") */
        const uint8_t *rest = pattern + 1; /* ".example.com" */
        size_t rlen = plen - 1;
        if (count_labels(rest + 1, rlen - 1) < 2) return 0;
        const uint8_t *dot = memchr(h, '.', hlen);
        if (!dot || dot == h) return 0;
        size_t off = (size_t)(dot - h);
        return hlen - off == rlen && ieq(h + off, rest, rlen);
    }
    return plen == hlen && ieq(pattern, h, hlen);
}

size_t ctls_parse_ip(const char *s, uint8_t out[16])
{
    if (!s) return 0;
    if (strchr(s, ':')) {
        if (strchr(s, '%')) /* zone identifiers never match a certificate */
            return 0;
        return inet_pton(AF_INET6, s, out) == 1 ? 16 : 0;
    }
    /* strict dotted quad: four decimal parts, no leading zeros (not octal) */
    int parts = 0;
    const char *p = s;
    while (parts < 4) {
        if (*p < '0' || *p > '9') return 0;
        unsigned v = 0;
        const char *start = p;
        while (*p >= '0' && *p <= '9' && p - start < 4)
            v = v * 10 + (unsigned)(*p++ - '0');
        if (v > 255 || (p - start > 1 && *start == '0')) return 0;
        out[parts++] = (uint8_t)v;
        if (parts < 4 && *p++ != '.') return 0;
    }
    return *p == '\0' ? 4 : 0;
}

struct host_ctx {
    const char *host;
    size_t hlen;
    uint8_t ip[16];
    size_t iplen;
    int matched;
};

static int host_cb(void *ctx, uint8_t tag, ctls_slice v)
{
    struct host_ctx *h = ctx;
    if (h->iplen) {
        /* RFC 9525 6.2 / 6.3: an IP reference matches iPAddress entries only */
        if (tag == GN_IP && v.len == h->iplen && memcmp(v.p, h->ip, v.len) == 0) h->matched = 1;
    } else if (tag == GN_DNS && ctls_dns_match(v.p, v.len, h->host, h->hlen)) {
        h->matched = 1;
    }
    return 0;
}

int ctls_cert_matches_host(const ctls_cert *c, const char *host)
{
    /* RFC 9525 6.1: subjectAltName only; the subject CN is never consulted */
    if (!c || !host || !c->has_san) return 0;
    struct host_ctx h = {.host = host, .hlen = strlen(host)};
    h.iplen = ctls_parse_ip(host, h.ip);
    if (ctls_general_names_each(c->san, host_cb, &h) < 0) return 0;
    return h.matched;
}

/* ---- name constraints --------------------------------------------------------------- */

/* RFC 5280 4.2.1.10 dNSName: the constraint matches the name and any name made by adding
 * labels on the left; a leading dot restricts to proper subdomains; empty matches all. */
static int dns_in_subtree(const uint8_t *name, size_t n, const uint8_t *base, size_t b)
{
    if (b == 0) return 1;
    if (base[0] == '.') {
        return n > b && ieq(name + n - b, base, b);
    }
    if (n == b) return ieq(name, base, b);
    return n > b && name[n - b - 1] == '.' && ieq(name + n - b, base, b);
}

static int ip_mask_valid(const uint8_t *mask, size_t n)
{
    /* the mask is a CIDR prefix: ones, then zeros (RFC 5280 4.2.1.10) */
    size_t i = 0;
    while (i < n && mask[i] == 0xff)
        i++;
    if (i == n) return 1;
    uint8_t inv = (uint8_t)~mask[i];
    if ((inv & (uint8_t)(inv + 1)) != 0) return 0;
    for (i++; i < n; i++)
        if (mask[i] != 0) return 0;
    return 1;
}

static int ip_in_subtree(ctls_slice ip, ctls_slice base)
{
    if (base.len != 2 * ip.len) return 0;
    const uint8_t *addr = base.p, *mask = base.p + ip.len;
    for (size_t i = 0; i < ip.len; i++)
        if ((ip.p[i] & mask[i]) != (addr[i] & mask[i])) return 0;
    return 1;
}

/* Name: the constraint's RDN sequence is a prefix of the name's (RFC 5280 7.1 would compare
 * with case folding; we compare RDNs byte-wise, which is what CAs produce in practice). */
static int dn_in_subtree(ctls_slice name, ctls_slice base)
{
    der_rd a, b, an, bn;
    der_init(&a, name.p, name.len);
    der_init(&b, base.p, base.len);
    if (der_enter(&a, DER_SEQUENCE, &an) < 0 || der_enter(&b, DER_SEQUENCE, &bn) < 0) return 0;
    while (!der_empty(&bn)) {
        ctls_slice x, y;
        if (der_any(&bn, NULL, NULL, &y) < 0 || der_empty(&an) || der_any(&an, NULL, NULL, &x) < 0)
            return 0;
        if (!der_slice_eq(x, y.p, y.len)) return 0;
    }
    return 1;
}

/* One name of the certificate against the subtrees of one kind. */
struct nc_ctx {
    uint8_t tag;     /* GeneralName tag of the name being checked */
    ctls_slice name; /* for GN_DIR: the Name TLV */
    int seen_type;   /* a constraint of this type exists */
    int matched;
    int err;
};

static int subtree_cb(void *ctx, uint8_t tag, ctls_slice base)
{
    struct nc_ctx *n = ctx;
    if (tag != n->tag) return 0;
    n->seen_type = 1;
    switch (tag) {
    case GN_DNS:
        if (base.len && !ctls_dns_name_valid(base.p[0] == '.' ? base.p + 1 : base.p,
                                             base.p[0] == '.' ? base.len - 1 : base.len, 0)) {
            n->err = CTLS_ERR_CERT_NAME_CONSTRAINTS;
            return 0;
        }
        if (dns_in_subtree(n->name.p, n->name.len, base.p, base.len)) n->matched = 1;
        break;
    case GN_IP:
        if ((base.len != 8 && base.len != 32) ||
            !ip_mask_valid(base.p + base.len / 2, base.len / 2)) {
            n->err = CTLS_ERR_CERT_NAME_CONSTRAINTS;
            return 0;
        }
        if (ip_in_subtree(n->name, base)) n->matched = 1;
        break;
    case GN_DIR: {
        der_rd d;
        ctls_slice whole;
        der_init(&d, base.p, base.len);
        if (der_get(&d, DER_SEQUENCE, NULL, &whole) == 0 && dn_in_subtree(n->name, whole))
            n->matched = 1;
        break;
    }
    default:
        /* rfc822Name, URI, otherName...: we cannot evaluate these; fail closed */
        n->err = CTLS_ERR_CERT_NAME_CONSTRAINTS;
        break;
    }
    return 0;
}

/* Walks each subtree list for one subtree entry (GeneralSubtree SEQUENCE { base, ... }). */
static int subtrees_each(ctls_slice st, struct nc_ctx *n)
{
    der_rd d;
    der_init(&d, st.p, st.len);
    while (!der_empty(&d)) {
        der_rd s;
        ctls_slice whole;
        CTLS_GUARD(der_enter(&d, DER_SEQUENCE, &s));
        CTLS_GUARD(der_any(&s, NULL, NULL, &whole));
        CTLS_GUARD(ctls_general_names_each(whole, subtree_cb, n));
    }
    return 0;
}

static int check_one_name(const ctls_cert *issuer, uint8_t tag, ctls_slice name)
{
    struct nc_ctx n = {.tag = tag, .name = name};
    if (issuer->has_nc_excluded) {
        CTLS_GUARD(subtrees_each(issuer->nc_excluded, &n));
        if (n.err) return n.err;
        if (n.matched) return CTLS_ERR_CERT_NAME_CONSTRAINTS;
    }
    if (issuer->has_nc_permitted) {
        n.seen_type = n.matched = 0;
        CTLS_GUARD(subtrees_each(issuer->nc_permitted, &n));
        if (n.err) return n.err;
        if (n.seen_type && !n.matched) return CTLS_ERR_CERT_NAME_CONSTRAINTS;
    }
    return 0;
}

struct san_nc_ctx {
    const ctls_cert *issuer;
    int rc;
};

static int san_nc_cb(void *ctx, uint8_t tag, ctls_slice v)
{
    struct san_nc_ctx *s = ctx;
    int rc = 0;
    if (tag == GN_DNS) {
        /* a name that is not a valid host name cannot be checked against a constraint */
        if (!ctls_dns_name_valid(v.p, v.len, 1))
            rc = CTLS_ERR_CERT_NAME_CONSTRAINTS;
        else
            rc = check_one_name(s->issuer, GN_DNS, v);
    } else if (tag == GN_IP) {
        rc = (v.len == 4 || v.len == 16) ? check_one_name(s->issuer, GN_IP, v)
                                         : CTLS_ERR_CERT_NAME_CONSTRAINTS;
    } else if (tag == GN_DIR) {
        der_rd d;
        ctls_slice whole;
        der_init(&d, v.p, v.len);
        rc = der_get(&d, DER_SEQUENCE, NULL, &whole);
        if (rc == 0) rc = check_one_name(s->issuer, GN_DIR, whole);
    } else {
        rc = check_one_name(s->issuer, tag, v);
    }
    if (rc < 0 && s->rc == 0) s->rc = rc;
    return 0;
}

int ctls_check_name_constraints(const ctls_cert *issuer, const ctls_cert *c, int is_leaf)
{
    (void)is_leaf;
    if (!issuer->has_nc) return 0;
    /* RFC 5280 6.1.3 (b): the subject name against directoryName constraints */
    if (!c->subject_empty) CTLS_GUARD(check_one_name(issuer, GN_DIR, c->subject));
    if (c->has_san) {
        struct san_nc_ctx s = {.issuer = issuer};
        CTLS_GUARD(ctls_general_names_each(c->san, san_nc_cb, &s));
        CTLS_GUARD(s.rc);
    }
    return 0;
}

/* ---- display ------------------------------------------------------------------------ */

typedef struct {
    char *out;
    size_t cap, len;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n && b->len + 1 < b->cap; i++)
        b->out[b->len++] = s[i];
    b->out[b->len] = 0;
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

static const char *attr_short_name(ctls_slice oid)
{
    static const struct {
        uint8_t oid[9];
        size_t len;
        const char *name;
    } tab[] = {
        {{0x55, 0x04, 0x03}, 3, "CN"},
        {{0x55, 0x04, 0x06}, 3, "C"},
        {{0x55, 0x04, 0x07}, 3, "L"},
        {{0x55, 0x04, 0x08}, 3, "ST"},
        {{0x55, 0x04, 0x0a}, 3, "O"},
        {{0x55, 0x04, 0x0b}, 3, "OU"},
        {{0x55, 0x04, 0x05}, 3, "serialNumber"},
        {{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}, 9, "emailAddress"},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (der_slice_eq(oid, tab[i].oid, tab[i].len)) return tab[i].name;
    return NULL;
}

static void sb_oid(sbuf *b, ctls_slice oid)
{
    /* dotted decimal (X.690 8.19) */
    uint64_t v = 0;
    int first = 1;
    char num[32];
    for (size_t i = 0; i < oid.len; i++) {
        if (v > (UINT64_MAX >> 7)) return;
        v = (v << 7) | (oid.p[i] & 0x7f);
        if (oid.p[i] & 0x80) continue;
        if (first) {
            unsigned top = v < 40 ? 0 : v < 80 ? 1 : 2;
            snprintf(num, sizeof num, "%u.%llu", top, (unsigned long long)(v - 40u * top));
            first = 0;
        } else {
            snprintf(num, sizeof num, ".%llu", (unsigned long long)v);
        }
        sb_str(b, num);
        v = 0;
    }
}

int ctls_x509_name_string(ctls_slice name, char *out, size_t cap)
{
    CTLS_ENSURE(out != NULL && cap > 0, CTLS_ERR_INTERNAL);
    sbuf b = {out, cap, 0};
    out[0] = 0;
    der_rd d, n;
    der_init(&d, name.p, name.len);
    if (der_enter(&d, DER_SEQUENCE, &n) < 0 || der_done(&d) < 0) return CTLS_ERR_CERT_MALFORMED;
    int first = 1;
    while (!der_empty(&n)) {
        der_rd rdn;
        if (der_enter(&n, DER_SET, &rdn) < 0) return CTLS_ERR_CERT_MALFORMED;
        while (!der_empty(&rdn)) {
            der_rd atv;
            ctls_slice oid, val;
            uint8_t tag;
            if (der_enter(&rdn, DER_SEQUENCE, &atv) < 0 || der_oid(&atv, &oid) < 0 ||
                der_any(&atv, &tag, &val, NULL) < 0)
                return CTLS_ERR_CERT_MALFORMED;
            sb_str(&b, first ? "" : ", ");
            first = 0;
            const char *sn = attr_short_name(oid);
            if (sn)
                sb_str(&b, sn);
            else
                sb_oid(&b, oid);
            sb_str(&b, "=");
            for (size_t i = 0; i < val.len; i++) {
                uint8_t c = val.p[i];
                char esc[8];
                /* printable ASCII as is; UTF-8 and control bytes escaped */
                if (c >= 0x20 && c < 0x7f && c != '\\') {
                    sb_put(&b, (const char *)&c, 1);
                } else {
                    snprintf(esc, sizeof esc, "\\%02x", c);
                    sb_str(&b, esc);
                }
            }
        }
    }
    return 0;
}
