/* Path building and validation (RFC 5280 section 6, RFC 4158 ideas, the CA/B Forum profile).
 *
 * Building: depth-first from the leaf. For the certificate at the top of the partial path we
 * try, in order, every trust anchor whose subject equals its issuer, then every certificate
 * the peer sent with that subject (any order; duplicates and extras are harmless), those
 * whose subjectKeyIdentifier equals the child's authorityKeyIdentifier first. A
 * candidate whose (subject, key) is already on the path is skipped, which ends cycles. The
 * search is bounded by a budget of signature checks and candidates (PATH_BUDGET_*), so a
 * hostile set of cross-signed intermediates ends quickly with CTLS_ERR_CERT_PATH_LIMIT.
 *
 * Validation: every complete path (leaf .. anchor, all signatures verified) is checked
 * against RFC 5280 / web PKI rules; the first clean path wins. When none is clean we report
 * the best complete path; when no path reaches an anchor we report why the search stopped
 * (a bad signature, a weak or unknown algorithm, the budget or depth, a self-signed root
 * that is not trusted, or a missing issuer), plus the leaf's own time / usage flags.
 * Anchors are trusted as configured, but must still look like CAs (v3, critical
 * basicConstraints cA, keyCertSign, a subjectKeyIdentifier) and be within their validity.
 *
 * Outcome priority (the return value is the first that applies; *flags gets them all):
 *   MALFORMED > UNSUPPORTED > INVALID_CHAIN > WEAK_ALGORITHM > PATH_LIMIT > NAME_CONSTRAINTS
 *   > UNKNOWN_ROOT > NO_ROOT > BAD_USAGE > EXPIRED > NOT_YET_VALID > HOSTNAME_MISMATCH
 * Why: structural and cryptographic failures first (nothing else about such a chain is
 * meaningful). Then trust: a chain that does not reach a trusted root is reported as
 * such even when its leaf is also expired or for the wrong purpose -- anyone can mint such a
 * certificate, so "expired" would suggest the wrong fix (renewing it would not help). Among
 * problems of a trusted chain, usage and time come after the CA rules, and the host name
 * last: it is only meaningful for an otherwise valid chain (RFC 9525 6).
 */
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "crypto/crypto.h"
#include "x509/cert.h"

#define PATH_MAX_INPUT 64    /* certificates the caller may pass */
#define PATH_MAX_LEN 32      /* certificates in one candidate path */
#define PATH_BUDGET_SIGS 100 /* signature verifications per call */
#define PATH_BUDGET_CANDIDATES 1000
#define PATH_DEFAULT_DEPTH 8
#define MAX_ANCHOR_KEYS 32

typedef struct {
    const ctls_cert *cert;
    ctls_pubkey *key; /* lazily decoded */
    int key_err;
    int anchor;
} pnode;

typedef struct {
    const ctls_trust_store *store;
    const ctls_verify_params *params;
    int64_t now;
    int purpose;
    int max_depth;
    pnode *inter; /* the peer's intermediates */
    size_t ninter;
    pnode anchors[MAX_ANCHOR_KEYS]; /* anchors met so far (their keys cached) */
    size_t nanchors;
    pnode *path[PATH_MAX_LEN];
    int sigs_left, candidates_left;
    int exhausted;
    /* result of the best complete path, and of the search otherwise */
    int have_complete;
    int best_err;
    unsigned best_flags;
    int partial_err;
    unsigned partial_flags;
} vctx;

/* Rank of a status in the priority order above (lower is reported first). */
static int rank(int err)
{
    static const int order[] = {
        CTLS_ERR_CERT_MALFORMED,      CTLS_ERR_CERT_UNSUPPORTED,   CTLS_ERR_CERT_INVALID_CHAIN,
        CTLS_ERR_CERT_WEAK_ALGORITHM, CTLS_ERR_CERT_PATH_LIMIT,    CTLS_ERR_CERT_NAME_CONSTRAINTS,
        CTLS_ERR_CERT_UNKNOWN_ROOT,   CTLS_ERR_CERT_NO_ROOT,       CTLS_ERR_CERT_BAD_USAGE,
        CTLS_ERR_CERT_EXPIRED,        CTLS_ERR_CERT_NOT_YET_VALID, CTLS_ERR_CERT_HOSTNAME_MISMATCH,
    };
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (order[i] == err) return (int)i;
    return err == 0 ? 1000 : -1; /* unexpected errors (NOMEM) first */
}

static unsigned flag_of(int err)
{
    switch (err) {
    case CTLS_ERR_CERT_UNKNOWN_ROOT:
        return CTLS_CERT_UNKNOWN_ROOT;
    case CTLS_ERR_CERT_NO_ROOT:
        return CTLS_CERT_NO_ROOT;
    case CTLS_ERR_CERT_EXPIRED:
        return CTLS_CERT_EXPIRED;
    case CTLS_ERR_CERT_NOT_YET_VALID:
        return CTLS_CERT_NOT_YET_VALID;
    case CTLS_ERR_CERT_INVALID_CHAIN:
        return CTLS_CERT_INVALID_CHAIN;
    case CTLS_ERR_CERT_NO_CERTIFICATE:
        return CTLS_CERT_NO_CERTIFICATE;
    case CTLS_ERR_CERT_HOSTNAME_MISMATCH:
        return CTLS_CERT_HOSTNAME_MISMATCH;
    case CTLS_ERR_CERT_BAD_USAGE:
        return CTLS_CERT_BAD_USAGE;
    case CTLS_ERR_CERT_NAME_CONSTRAINTS:
        return CTLS_CERT_NAME_CONSTRAINTS;
    case CTLS_ERR_CERT_WEAK_ALGORITHM:
        return CTLS_CERT_WEAK_ALGORITHM;
    case CTLS_ERR_CERT_UNSUPPORTED:
        return CTLS_CERT_UNSUPPORTED;
    case CTLS_ERR_CERT_MALFORMED:
        return CTLS_CERT_MALFORMED;
    case CTLS_ERR_CERT_PATH_LIMIT:
        return CTLS_CERT_PATH_LIMIT;
    default:
        return CTLS_CERT_INVALID_CHAIN;
    }
}

/* Keeps the higher-priority of two statuses. */
static void note(int *cur, unsigned *flags, int err)
{
    if (err >= 0) return;
    *flags |= flag_of(err);
    if (*cur == 0 || rank(err) < rank(*cur)) *cur = err;
}

/* ---- signatures --------------------------------------------------------------------- */

static int node_key(pnode *n, ctls_pubkey **out)
{
    if (!n->key && !n->key_err) {
        ctls_slice s = n->cert->spki;
        if (n->anchor) {
            /* the store's cache (logically const: a memo of the SPKI) */
            ctls_cert *c = (ctls_cert *)n->cert;
            ctls_pubkey *k = atomic_load(&c->key_cache);
            if (!k && ctls_pubkey_from_spki(s.p, s.len, &k) == 0) {
                ctls_pubkey *expected = NULL;
                if (!atomic_compare_exchange_strong(&c->key_cache, &expected, k)) {
                    ctls_pubkey_free(k); /* another thread won */
                    k = expected;
                }
            }
            if (!k) n->key_err = CTLS_ERR_CERT_UNSUPPORTED;
            *out = k; /* owned by the certificate, not by this node */
            return n->key_err;
        }
        if (ctls_pubkey_from_spki(s.p, s.len, &n->key) < 0) n->key_err = CTLS_ERR_CERT_UNSUPPORTED;
    }
    *out = n->key;
    return n->key_err;
}

/* The SignatureScheme for child's signature made with issuer's key, or an error: MD5/SHA-1
 * and small RSA keys are weak; unknown algorithms unsupported; a key that cannot have made
 * this kind of signature makes the chain invalid. */
static int sig_scheme(const ctls_cert *child, const ctls_cert *issuer, uint16_t *scheme)
{
    int kt = issuer->key_type;
    int h = child->sig_hash;
    if (child->sig_kind == SIGALG_WEAK || issuer->weak_key) return CTLS_ERR_CERT_WEAK_ALGORITHM;
    if (child->sig_kind == SIGALG_UNKNOWN || kt == 0) return CTLS_ERR_CERT_UNSUPPORTED;
    if ((kt == CTLS_KEY_RSA || kt == CTLS_KEY_RSA_PSS) && issuer->key_bits < 2048)
        return CTLS_ERR_CERT_WEAK_ALGORITHM;
    switch (child->sig_kind) {
    case SIGALG_RSA_PKCS1:
        CTLS_ENSURE(kt == CTLS_KEY_RSA, CTLS_ERR_CERT_INVALID_CHAIN);
        *scheme = h == CTLS_HASH_SHA256   ? CTLS_SIG_RSA_PKCS1_SHA256
                  : h == CTLS_HASH_SHA384 ? CTLS_SIG_RSA_PKCS1_SHA384
                                          : CTLS_SIG_RSA_PKCS1_SHA512;
        return 0;
    case SIGALG_RSA_PSS:
        if (kt == CTLS_KEY_RSA)
            *scheme = h == CTLS_HASH_SHA256   ? CTLS_SIG_RSA_PSS_RSAE_SHA256
                      : h == CTLS_HASH_SHA384 ? CTLS_SIG_RSA_PSS_RSAE_SHA384
                                              : CTLS_SIG_RSA_PSS_RSAE_SHA512;
        else if (kt == CTLS_KEY_RSA_PSS)
            *scheme = h == CTLS_HASH_SHA256   ? CTLS_SIG_RSA_PSS_PSS_SHA256
                      : h == CTLS_HASH_SHA384 ? CTLS_SIG_RSA_PSS_PSS_SHA384
                                              : CTLS_SIG_RSA_PSS_PSS_SHA512;
        else
            return CTLS_ERR_CERT_INVALID_CHAIN;
        return 0;
    case SIGALG_ECDSA:
        CTLS_ENSURE(kt == CTLS_KEY_EC_P256 || kt == CTLS_KEY_EC_P384 || kt == CTLS_KEY_EC_P521,
                    CTLS_ERR_CERT_INVALID_CHAIN);
        *scheme = h == CTLS_HASH_SHA256   ? CTLS_SIG_ECDSA_SECP256R1_SHA256
                  : h == CTLS_HASH_SHA384 ? CTLS_SIG_ECDSA_SECP384R1_SHA384
                                          : CTLS_SIG_ECDSA_SECP521R1_SHA512;
        return 0;
    case SIGALG_ED25519:
        CTLS_ENSURE(kt == CTLS_KEY_ED25519, CTLS_ERR_CERT_INVALID_CHAIN);
        *scheme = CTLS_SIG_ED25519;
        return 0;
    default:
        return CTLS_ERR_CERT_UNSUPPORTED;
    }
}

static int check_sig(vctx *v, const ctls_cert *child, pnode *issuer)
{
    uint16_t scheme;
    CTLS_GUARD(sig_scheme(child, issuer->cert, &scheme));
    if (v->sigs_left <= 0) {
        v->exhausted = 1;
        return CTLS_ERR_CERT_PATH_LIMIT;
    }
    v->sigs_left--;
    ctls_pubkey *k;
    CTLS_GUARD(node_key(issuer, &k));
    int rc = ctls_verify(k, scheme, child->tbs.p, child->tbs.len, child->sig.p, child->sig.len);
    if (rc == CTLS_ERR_NOMEM) return rc;
    return rc < 0 ? CTLS_ERR_CERT_INVALID_CHAIN : 0;
}

/* ---- checks on a complete path ------------------------------------------------------ */

static int time_check(const vctx *v, const ctls_cert *c)
{
    /* RFC 5280 4.1.2.5: the validity period includes both notBefore and notAfter */
    if (v->now < c->not_before) return CTLS_ERR_CERT_NOT_YET_VALID;
    if (v->now > c->not_after) return CTLS_ERR_CERT_EXPIRED;
    return 0;
}

static int eku_check(const vctx *v, const ctls_cert *c, int leaf)
{
    if (v->purpose == CTLS_PURPOSE_ANY || !c->has_eku)
        return 0; /* RFC 5280 4.2.1.12: no extension, no restriction */
    unsigned want = v->purpose == CTLS_PURPOSE_CLIENT_AUTH ? EKU_CLIENT : EKU_SERVER;
    /* A leaf must name the purpose (the CA/B Forum profile forbids anyExtendedKeyUsage in
     * server certificates); an intermediate's EKU restricts what it may issue for. */
    if (c->eku & want) return 0;
    if (!leaf && (c->eku & EKU_ANY)) return 0;
    return CTLS_ERR_CERT_BAD_USAGE;
}

static int serial_ok(const ctls_cert *c)
{
    /* RFC 5280 4.1.2.2: a positive integer of at most 20 octets */
    ctls_slice s = c->serial;
    if (s.p[0] & 0x80) return 0;
    size_t n = s.len;
    const uint8_t *p = s.p;
    if (n > 1 && p[0] == 0) p++, n--;
    if (n > 20) return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 1;
    return 0;
}

/* Profile rules on one certificate at position i of a path whose anchor is at top. */
static int cert_rules(const vctx *v, int i, int top, int *err, unsigned *flags)
{
    const ctls_cert *c = v->path[i]->cert;
    int leaf = i == 0, anchor = i == top;
#define FAIL(e) note(err, flags, (e))
    if (c->version != 3) /* CA/B Forum 7.1.1: X.509 v3 only */
        FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    /* RFC 5280 4.1.2.2 on what the peer sent; anchors are configuration (serial 0 roots
     * such as Go Daddy Root G2 are trusted everywhere) */
    if (!anchor && c->time_form_bad) /* RFC 5280 4.1.2.5 */
        FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (!anchor && !serial_ok(c)) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (c->issuer_empty) /* RFC 5280 4.1.2.4 */
        FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (!leaf && c->subject_empty) /* RFC 5280 4.1.2.6 */
        FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    /* RFC 5280 4.2.1.6: SAN critical exactly when the subject is empty */
    if (c->has_san && c->san_critical != c->subject_empty) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (leaf && c->subject_empty && !c->has_san) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    /* RFC 5280 4.2.1.3 / 4.2.1.9: keyCertSign if and only if cA */
    int ca = c->has_bc && c->is_ca;
    if (c->has_ku && (((c->ku & KU_KEY_CERT_SIGN) != 0) != ca)) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (!leaf) {
        /* RFC 5280 4.2.1.9: basicConstraints present, critical, cA set, in CA certificates;
         * 4.2.1.2: CA certificates carry a subjectKeyIdentifier */
        if (!ca || !c->bc_critical || !c->has_ski) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
        if (c->has_ku && !(c->ku & KU_KEY_CERT_SIGN)) FAIL(CTLS_ERR_CERT_BAD_USAGE);
        /* RFC 5280 6.1.4 (l)(m): pathLenConstraint counts the non-self-issued intermediates
         * below this CA (the leaf is not one of them) */
        if (c->pathlen >= 0) {
            int below = 0;
            for (int j = 1; j < i; j++)
                below += !v->path[j]->cert->self_issued;
            if (below > c->pathlen) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
        }
        /* RFC 5280 6.1.4 (g) / 4.2.1.10: this CA's name constraints on every certificate
         * below it; self-issued intermediates are exempt, the leaf never is */
        if (c->has_nc) {
            for (int j = 0; j < i; j++) {
                const ctls_cert *sub = v->path[j]->cert;
                if (j > 0 && sub->self_issued) continue;
                FAIL(ctls_check_name_constraints(c, sub, j == 0));
            }
        }
    } else if (c->has_nc && !ca) {
        FAIL(CTLS_ERR_CERT_INVALID_CHAIN); /* RFC 5280 4.2.1.10: CA certificates only */
    }
    /* RFC 5280 4.2.1.1: AKI with a keyIdentifier everywhere but in self-signed roots */
    if (!c->self_issued && !c->has_aki) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (c->has_aki && !c->aki_has_keyid) FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    if (anchor && c->has_aki) {
        /* a self-signed root's AKI (when present) names its own key. authorityCertIssuer /
         * serial are tolerated: several roots in the Mozilla store carry them. */
        if (c->self_issued && c->has_ski && !der_slice_eq(c->aki, c->ski.p, c->ski.len))
            FAIL(CTLS_ERR_CERT_INVALID_CHAIN);
    }
    if (c->weak_key ||
        ((c->key_type == CTLS_KEY_RSA || c->key_type == CTLS_KEY_RSA_PSS) && c->key_bits < 2048))
        FAIL(CTLS_ERR_CERT_WEAK_ALGORITHM);
    if (leaf && c->key_type == 0) FAIL(CTLS_ERR_CERT_UNSUPPORTED);
    if (!anchor) FAIL(eku_check(v, c, leaf));
    FAIL(time_check(v, c));
#undef FAIL
    return 0;
}

static void validate_path(vctx *v, int top)
{
    int err = 0;
    unsigned flags = 0;
    int inter = 0;
    for (int i = 1; i < top; i++)
        inter += !v->path[i]->cert->self_issued;
    if (inter > v->max_depth) note(&err, &flags, CTLS_ERR_CERT_PATH_LIMIT);
    for (int i = 0; i <= top; i++)
        cert_rules(v, i, top, &err, &flags);
    if (!v->have_complete || rank(err) > rank(v->best_err)) {
        v->have_complete = 1;
        v->best_err = err;
        v->best_flags = flags;
    }
}

/* ---- the search --------------------------------------------------------------------- */

static pnode *anchor_node(vctx *v, const ctls_cert *a)
{
    for (size_t i = 0; i < v->nanchors; i++)
        if (v->anchors[i].cert == a) return &v->anchors[i];
    if (v->nanchors == MAX_ANCHOR_KEYS) return NULL;
    pnode *n = &v->anchors[v->nanchors++];
    memset(n, 0, sizeof *n);
    n->cert = a;
    n->anchor = 1;
    return n;
}

static int on_path(const vctx *v, int depth, const ctls_cert *c)
{
    for (int i = 0; i <= depth; i++) {
        const ctls_cert *p = v->path[i]->cert;
        if (der_slice_eq(p->subject, c->subject.p, c->subject.len) &&
            der_slice_eq(p->spki, c->spki.p, c->spki.len))
            return 1;
    }
    return 0;
}

static int spend_candidate(vctx *v)
{
    if (v->candidates_left <= 0) {
        v->exhausted = 1;
        return 0;
    }
    v->candidates_left--;
    return 1;
}

/* Extends path[0..depth]; returns 1 once a valid path was found (search over). */
static int build(vctx *v, int depth)
{
    const ctls_cert *c = v->path[depth]->cert;
    int found_issuer = 0;
    /* 1. a trust anchor issued c */
    size_t pos = 0;
    const ctls_cert *a;
    while ((a = ctls_store_next_by_subject(v->store, c->issuer, &pos)) != NULL) {
        if (!spend_candidate(v)) return 0;
        pnode *n = anchor_node(v, a);
        if (!n) continue;
        found_issuer = 1;
        int rc = check_sig(v, c, n);
        if (rc < 0) {
            note(&v->partial_err, &v->partial_flags, rc);
            continue;
        }
        v->path[depth + 1] = n;
        validate_path(v, depth + 1);
        if (v->best_err == 0) return 1;
    }
    /* 2. one of the peer's intermediates issued c: first those whose subjectKeyIdentifier is
     * c's authorityKeyIdentifier (RFC 5280 4.2.1.1: "to facilitate certification path
     * construction"), then the others with the right name (identifiers are only a hint) */
    for (size_t k = 0; k < 2 * v->ninter; k++) {
        pnode *n = &v->inter[k % v->ninter];
        if (!der_slice_eq(n->cert->subject, c->issuer.p, c->issuer.len)) continue;
        int hinted = c->aki_has_keyid && n->cert->has_ski &&
                     der_slice_eq(c->aki, n->cert->ski.p, n->cert->ski.len);
        if (hinted != (k < v->ninter)) continue;
        if (on_path(v, depth, n->cert)) continue; /* a loop (or the same CA twice) */
        if (!spend_candidate(v)) return 0;
        found_issuer = 1;
        /* the intermediates so far, plus this one, within the depth limit */
        int inter = !n->cert->self_issued;
        for (int j = 1; j <= depth; j++)
            inter += !v->path[j]->cert->self_issued;
        if (inter > v->max_depth || depth + 2 >= PATH_MAX_LEN) {
            note(&v->partial_err, &v->partial_flags, CTLS_ERR_CERT_PATH_LIMIT);
            continue;
        }
        int rc = check_sig(v, c, n);
        if (rc < 0) {
            note(&v->partial_err, &v->partial_flags, rc);
            continue;
        }
        v->path[depth + 1] = n;
        if (build(v, depth + 1)) return 1;
        if (v->exhausted) return 0;
    }
    if (!found_issuer) {
        /* the end of the line: a root nobody trusts, or a missing issuer */
        note(&v->partial_err, &v->partial_flags,
             c->self_issued ? CTLS_ERR_CERT_UNKNOWN_ROOT : CTLS_ERR_CERT_NO_ROOT);
    }
    return 0;
}

/* Flags that belong to the leaf whatever the path: validity, purpose, name. */
static unsigned leaf_flags(const vctx *v, const ctls_cert *leaf)
{
    int err = 0;
    unsigned flags = 0;
    note(&err, &flags, time_check(v, leaf));
    note(&err, &flags, eku_check(v, leaf, 1));
    return flags;
}

int ctls_x509_verify(const ctls_trust_store *store, const uint8_t *const *chain, const size_t *lens,
                     size_t n, const ctls_verify_params *params, unsigned *flags)
{
    *flags = 0;
    if (n == 0 || !chain || !lens) {
        *flags = CTLS_CERT_NO_CERTIFICATE;
        return CTLS_ERR_CERT_NO_CERTIFICATE;
    }
    if (n > PATH_MAX_INPUT) {
        *flags = CTLS_CERT_PATH_LIMIT;
        return CTLS_ERR_CERT_PATH_LIMIT;
    }
    static const ctls_verify_params defaults = {0, NULL, CTLS_PURPOSE_SERVER_AUTH, 0};
    if (!params) params = &defaults;
    vctx *v = ctls_calloc(1, sizeof *v);
    pnode *nodes = ctls_calloc(n, sizeof *nodes);
    ctls_cert **certs = ctls_calloc(n, sizeof *certs);
    int rc = 0, malformed_extra = 0;
    if (!v || !nodes || !certs) {
        rc = CTLS_ERR_NOMEM;
        goto out;
    }
    rc = ctls_cert_parse(chain[0], lens[0], &certs[0]);
    if (rc < 0) {
        *flags = rc == CTLS_ERR_NOMEM ? 0 : flag_of(rc);
        goto out;
    }
    size_t ninter = 0;
    for (size_t i = 1; i < n; i++) {
        /* extras the peer sent are tolerated; a broken one matters only if nothing else works */
        int r = ctls_cert_parse(chain[i], lens[i], &certs[i]);
        if (r == CTLS_ERR_NOMEM) {
            rc = r;
            goto out;
        }
        if (r < 0) {
            malformed_extra = r;
            continue;
        }
        nodes[1 + ninter++].cert = certs[i];
    }
    v->store = store;
    v->params = params;
    v->now = params->now ? params->now : (int64_t)time(NULL);
    v->purpose = params->purpose ? params->purpose : CTLS_PURPOSE_SERVER_AUTH;
    v->max_depth = params->max_depth > 0 ? params->max_depth : PATH_DEFAULT_DEPTH;
    if (params->max_depth < 0) v->max_depth = 0;
    v->inter = nodes + 1;
    v->ninter = ninter;
    v->sigs_left = PATH_BUDGET_SIGS;
    v->candidates_left = PATH_BUDGET_CANDIDATES;
    nodes[0].cert = certs[0];
    v->path[0] = &nodes[0];

    unsigned f;
    if (store && ctls_store_has_cert(store, certs[0])) {
        /* the peer's certificate is itself an anchor: trusted directly */
        v->path[0]->anchor = 1;
        validate_path(v, 0);
    } else {
        build(v, 0);
    }
    if (v->have_complete) {
        rc = v->best_err;
        f = v->best_flags;
    } else {
        rc = v->partial_err ? v->partial_err : CTLS_ERR_CERT_NO_ROOT;
        f = v->partial_flags | flag_of(rc);
        if (v->exhausted) {
            rc = CTLS_ERR_CERT_PATH_LIMIT;
            f |= CTLS_CERT_PATH_LIMIT;
        }
        if (malformed_extra && rc == CTLS_ERR_CERT_NO_ROOT) {
            rc = malformed_extra;
            f |= flag_of(malformed_extra);
        }
        f |= leaf_flags(v, certs[0]);
    }
    if (params->host && !ctls_cert_matches_host(certs[0], params->host)) {
        f |= CTLS_CERT_HOSTNAME_MISMATCH;
        if (rc == 0) rc = CTLS_ERR_CERT_HOSTNAME_MISMATCH;
    }
    *flags = rc == 0 ? CTLS_VERIFY_OK : f;
out:
    if (v) {
        ctls_free(v);
    }
    if (nodes) {
        for (size_t i = 0; i < n; i++)
            ctls_pubkey_free(nodes[i].key);
        ctls_free(nodes);
    }
    if (certs) {
        for (size_t i = 0; i < n; i++)
            ctls_cert_free(certs[i]);
        ctls_free(certs);
    }
    return rc;
}

const char *ctls_x509_flag_name(unsigned bit)
{
    switch (bit) {
    case CTLS_CERT_UNKNOWN_ROOT:
        return "CTLS_CERT_UNKNOWN_ROOT";
    case CTLS_CERT_NO_ROOT:
        return "CTLS_CERT_NO_ROOT";
    case CTLS_CERT_EXPIRED:
        return "CTLS_CERT_EXPIRED";
    case CTLS_CERT_NOT_YET_VALID:
        return "CTLS_CERT_NOT_YET_VALID";
    case CTLS_CERT_INVALID_CHAIN:
        return "CTLS_CERT_INVALID_CHAIN";
    case CTLS_CERT_NO_CERTIFICATE:
        return "CTLS_CERT_NO_CERTIFICATE";
    case CTLS_CERT_HOSTNAME_MISMATCH:
        return "CTLS_CERT_HOSTNAME_MISMATCH";
    case CTLS_CERT_BAD_USAGE:
        return "CTLS_CERT_BAD_USAGE";
    case CTLS_CERT_NAME_CONSTRAINTS:
        return "CTLS_CERT_NAME_CONSTRAINTS";
    case CTLS_CERT_WEAK_ALGORITHM:
        return "CTLS_CERT_WEAK_ALGORITHM";
    case CTLS_CERT_UNSUPPORTED:
        return "CTLS_CERT_UNSUPPORTED";
    case CTLS_CERT_MALFORMED:
        return "CTLS_CERT_MALFORMED";
    case CTLS_CERT_REJECTED:
        return "CTLS_CERT_REJECTED";
    case CTLS_CERT_PATH_LIMIT:
        return "CTLS_CERT_PATH_LIMIT";
    case CTLS_CERT_NOT_VERIFIED:
        return "CTLS_CERT_NOT_VERIFIED";
    default:
        return NULL;
    }
}
