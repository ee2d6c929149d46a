/* ctls_config: shared, reference-counted, read-only once a connection uses it. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/internal.h"
#include "core/mem.h"
#include "ext/ext.h"
#include "hs/algs.h"
#include "session/cache.h"
#include "session/session.h"

static int cfg_writable(const ctls_config *cfg)
{
    if (!cfg) return CTLS_ERR_INVALID_ARG;
    return __atomic_load_n(&cfg->used, __ATOMIC_ACQUIRE) ? CTLS_ERR_BAD_STATE : 0;
}

ctls_config *ctls_config_new(int role)
{
    if (role != CTLS_CLIENT && role != CTLS_SERVER) return NULL;
    ctls_config *cfg = ctls_calloc(1, sizeof *cfg);
    if (!cfg) return NULL;
    cfg->refs = 1;
    cfg->role = role;
    cfg->min_version = CTLS_TLS1_2;
    cfg->max_version = CTLS_TLS1_3;
    for (size_t i = 0; i < algs_default_suites_count && i < CFG_MAX_SUITES; i++)
        cfg->suites[cfg->n_suites++] = algs_default_suites[i];
    for (size_t i = 0; i < algs_default_groups_count; i++)
        cfg->groups[cfg->n_groups++] = algs_default_groups[i];
    for (size_t i = 0; i < algs_default_sigs_count && i < CFG_MAX_SIGS; i++)
        cfg->sigs[cfg->n_sigs++] = algs_default_sigs[i];
    cfg->verify_mode = role == CTLS_CLIENT ? CTLS_VERIFY_PEER : CTLS_VERIFY_NONE;
    cfg->tickets = 2;
    cfg->ticket_lifetime = SESS_TICKET_LIFETIME;
    pthread_mutex_init(&cfg->lock, NULL);
    return cfg;
}

void cfg_cert_clear(cfg_cert *c)
{
    ctls_der_list_free(&c->chain);
    ctls_privkey_free(c->key);
    ctls_cert_free(c->leaf);
    ctls_free(c->ocsp);
    memset(c, 0, sizeof *c);
}

void ctls_config_free(ctls_config *cfg)
{
    if (!cfg || __atomic_sub_fetch(&cfg->refs, 1, __ATOMIC_ACQ_REL) > 0) return;
    for (size_t i = 0; i < cfg->n_certs; i++)
        cfg_cert_clear(&cfg->certs[i]);
    ctls_store_free(cfg->store);
    ctls_free(cfg->ca_names);
    sess_cfg_free(cfg);
    ctls_wipe(cfg->ticket_master, sizeof cfg->ticket_master);
    cache_free(cfg->cache);
    pthread_mutex_destroy(&cfg->lock);
    ctls_free(cfg);
}

int ctls_config_set_versions(ctls_config *cfg, int min, int max)
{
    CTLS_GUARD(cfg_writable(cfg));
    /* SSL 3.0, TLS 1.0 and 1.1 are refused outright, with their own error. */
    if ((min >= 0x0300 && min < CTLS_TLS1_2) || (max >= 0x0300 && max < CTLS_TLS1_2))
        return CTLS_ERR_UNSUPPORTED;
    if ((min != CTLS_TLS1_2 && min != CTLS_TLS1_3) || (max != CTLS_TLS1_2 && max != CTLS_TLS1_3) ||
        min > max)
        return CTLS_ERR_INVALID_ARG;
    cfg->min_version = (uint16_t)min;
    cfg->max_version = (uint16_t)max;
    return 0;
}

/* Split list at sep and call fn for each non-empty token (max 63 characters). */
static int for_each_token(const char *list, char sep, int (*fn)(void *, const char *), void *arg)
{
    if (!list) return CTLS_ERR_INVALID_ARG;
    char tok[64];
    const char *p = list;
    int count = 0;
    while (*p) {
        const char *e = strchr(p, sep);
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= sizeof tok) return CTLS_ERR_INVALID_ARG;
        memcpy(tok, p, n);
        tok[n] = 0;
        if (n) {
            CTLS_GUARD(fn(arg, tok));
            count++;
        }
        p += n;
        if (*p) p++;
    }
    return count ? 0 : CTLS_ERR_INVALID_ARG;
}

typedef struct {
    uint16_t v[CFG_MAX_SIGS];
    size_t n, max;
} u16set;

static int add_u16(u16set *s, uint16_t v)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == v) return 0;
    if (s->n >= s->max) return CTLS_ERR_LIMIT;
    s->v[s->n++] = v;
    return 0;
}

/* Parse a ':'-separated list with tok into dst (at most max entries); dst changes only when the
 * whole list is valid. */
static int set_u16_list(ctls_config *cfg, const char *list, int (*tok)(void *, const char *),
                        size_t max, uint16_t *dst, size_t *n)
{
    CTLS_GUARD(cfg_writable(cfg));
    u16set s = {.max = max};
    CTLS_GUARD(for_each_token(list, ':', tok, &s));
    memcpy(dst, s.v, s.n * sizeof s.v[0]);
    *n = s.n;
    return 0;
}

static int suite_tok(void *arg, const char *tok)
{
    const algs_suite *s = algs_suite_by_name(tok);
    if (!s) return algs_suite_is_refused_name(tok) ? CTLS_ERR_UNSUPPORTED : CTLS_ERR_INVALID_ARG;
    return add_u16(arg, s->id);
}

int ctls_config_set_cipher_suites(ctls_config *cfg, const char *list)
{
    return set_u16_list(cfg, list, suite_tok, CFG_MAX_SUITES, cfg->suites, &cfg->n_suites);
}

static int group_tok(void *arg, const char *tok)
{
    uint16_t g;
    if (algs_group_by_name(tok, &g) < 0) return CTLS_ERR_INVALID_ARG;
    return add_u16(arg, g);
}

int ctls_config_set_groups(ctls_config *cfg, const char *list)
{
    return set_u16_list(cfg, list, group_tok, CFG_MAX_GROUPS, cfg->groups, &cfg->n_groups);
}

static int sig_tok(void *arg, const char *tok)
{
    uint16_t v;
    if (algs_sig_by_name(tok, &v) < 0) return CTLS_ERR_INVALID_ARG;
    return add_u16(arg, v);
}

int ctls_config_set_signature_schemes(ctls_config *cfg, const char *list)
{
    return set_u16_list(cfg, list, sig_tok, CFG_MAX_SIGS, cfg->sigs, &cfg->n_sigs);
}

typedef struct {
    uint8_t b[CFG_MAX_ALPN];
    size_t n;
} alpnbuf;

static int alpn_tok(void *arg, const char *tok)
{
    alpnbuf *a = arg;
    size_t n = strlen(tok);
    if (n > 255 || a->n + 1 + n > sizeof a->b) return CTLS_ERR_INVALID_ARG;
    a->b[a->n++] = (uint8_t)n;
    memcpy(a->b + a->n, tok, n);
    a->n += n;
    return 0;
}

int ctls_config_set_alpn(ctls_config *cfg, const char *list)
{
    CTLS_GUARD(cfg_writable(cfg));
    alpnbuf a = {.n = 0};
    CTLS_GUARD(for_each_token(list, ',', alpn_tok, &a));
    memcpy(cfg->alpn, a.b, a.n);
    cfg->alpn_len = a.n;
    return 0;
}

int cfg_cert_load(cfg_cert *c, const void *chain_pem, size_t chain_len, const void *key_pem,
                  size_t key_len)
{
    memset(c, 0, sizeof *c);
    int rc = ctls_pem_decode(chain_pem, chain_len, "CERTIFICATE", &c->chain);
    if (rc == 0 && c->chain.count == 0) rc = CTLS_ERR_NO_CERT;
    if (rc == 0) rc = ctls_cert_parse(c->chain.der[0], c->chain.len[0], &c->leaf);
    if (rc == 0) rc = ctls_privkey_from_pem(key_pem, key_len, &c->key);
    if (rc == 0) {
        ctls_slice spki = ctls_cert_spki(c->leaf);
        if (!ctls_privkey_matches_spki(c->key, spki.p, spki.len)) rc = CTLS_ERR_BAD_KEY;
    }
    if (rc < 0) {
        cfg_cert_clear(c);
        return rc;
    }
    c->key_type = ctls_privkey_type(c->key);
    return 0;
}

int ctls_config_add_cert_chain_mem(ctls_config *cfg, const void *chain_pem, size_t chain_len,
                                   const void *key_pem, size_t key_len)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (!chain_pem || !key_pem) return CTLS_ERR_INVALID_ARG;
    if (cfg->n_certs >= CFG_MAX_CERTS) return CTLS_ERR_LIMIT;
    CTLS_GUARD(cfg_cert_load(&cfg->certs[cfg->n_certs], chain_pem, chain_len, key_pem, key_len));
    cfg->n_certs++;
    return 0;
}

int ctls_config_add_cert_chain_file(ctls_config *cfg, const char *chain_pem, const char *key_pem)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (!chain_pem || !key_pem) return CTLS_ERR_INVALID_ARG;
    uint8_t *a = NULL, *b = NULL;
    size_t al, bl;
    int rc = ctls_read_file(chain_pem, &a, &al);
    if (rc == 0) rc = ctls_read_file(key_pem, &b, &bl);
    if (rc == 0) rc = ctls_config_add_cert_chain_mem(cfg, a, al, b, bl);
    ctls_free(a);
    ctls_free_secret(b, b ? bl : 0);
    return rc;
}

int ctls_config_set_ocsp_response(ctls_config *cfg, size_t cert_index, const void *der, size_t len)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (cfg->role != CTLS_SERVER || cert_index >= cfg->n_certs || (!der && len))
        return CTLS_ERR_INVALID_ARG;
    cfg_cert *cc = &cfg->certs[cert_index];
    uint8_t *copy = NULL;
    if (len) {
        CTLS_GUARD(ext_ocsp_response_check((ctls_slice){der, len}) < 0 ? CTLS_ERR_INVALID_ARG : 0);
        /* DESIGN 1: the TLS 1.3 Certificate (each entry: u24 length, u16 extensions; the
         * staple: u16 type, u16 length, status_type, u24 length) fits in MSG_MAX_LEN */
        size_t total = 1 + 3 + 2 + 2 + 1 + 3 + len;
        for (size_t i = 0; i < cc->chain.count; i++)
            total += 3 + 2 + cc->chain.len[i];
        if (total > MSG_MAX_LEN) return CTLS_ERR_LIMIT;
        if (!(copy = ctls_memdup(der, len))) return CTLS_ERR_NOMEM;
    }
    ctls_free(cc->ocsp);
    cc->ocsp = copy;
    cc->ocsp_len = len;
    return 0;
}

int ctls_config_set_ocsp_response_file(ctls_config *cfg, size_t cert_index, const char *der_path)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (!der_path) return CTLS_ERR_INVALID_ARG;
    uint8_t *der = NULL;
    size_t len;
    int rc = ctls_read_file(der_path, &der, &len);
    if (rc == 0)
        rc = len ? ctls_config_set_ocsp_response(cfg, cert_index, der, len) : CTLS_ERR_INVALID_ARG;
    ctls_free(der);
    return rc;
}

int ctls_config_set_ocsp_request(ctls_config *cfg, int on)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (cfg->role != CTLS_CLIENT) return CTLS_ERR_INVALID_ARG; /* the client asks */
    cfg->ocsp_request = !!on;
    return 0;
}

static int cfg_store(ctls_config *cfg)
{
    if (!cfg->store && !(cfg->store = ctls_store_new())) return CTLS_ERR_NOMEM;
    return 0;
}

/* The names a server announces in certificate_authorities: the subjects of the anchors loaded
 * from files (like GnuTLS; the system store is never announced). A list that would not fit
 * is not sent at all: a partial one would mislead the client. */
#define CFG_MAX_CA_NAMES (16 * 1024)

static int ca_name_known(const ctls_config *cfg, ctls_slice dn)
{
    for (size_t off = 0; off + 2 <= cfg->ca_names_len;) {
        size_t n = (size_t)cfg->ca_names[off] << 8 | cfg->ca_names[off + 1];
        if (n == dn.len && memcmp(cfg->ca_names + off + 2, dn.p, n) == 0) return 1;
        off += 2 + n;
    }
    return 0;
}

static int ca_names_add_file(ctls_config *cfg, const char *path)
{
    ctls_der_list l;
    memset(&l, 0, sizeof l);
    if (ctls_pem_file_certs(path, 1, &l) < 0) return 0; /* the store judged the file */
    int rc = 0;
    for (size_t i = 0; i < l.count && rc == 0 && !cfg->ca_names_overflow; i++) {
        ctls_cert *cert = NULL;
        if (ctls_cert_parse(l.der[i], l.len[i], &cert) < 0) continue;
        ctls_slice dn = ctls_cert_subject_der(cert);
        if (dn.len == 0 || dn.len > 0xffff || ca_name_known(cfg, dn)) {
            /* nothing to add */
        } else if (cfg->ca_names_len + 2 + dn.len > CFG_MAX_CA_NAMES) {
            cfg->ca_names_overflow = 1;
        } else {
            uint8_t *p = ctls_realloc(cfg->ca_names, cfg->ca_names_len + 2 + dn.len);
            if (!p) {
                rc = CTLS_ERR_NOMEM;
            } else {
                p[cfg->ca_names_len] = (uint8_t)(dn.len >> 8);
                p[cfg->ca_names_len + 1] = (uint8_t)dn.len;
                memcpy(p + cfg->ca_names_len + 2, dn.p, dn.len);
                cfg->ca_names = p;
                cfg->ca_names_len += 2 + dn.len;
            }
        }
        ctls_cert_free(cert);
    }
    ctls_der_list_free(&l);
    return rc;
}

static int ca_names_add_dir(ctls_config *cfg, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int rc = 0;
    struct dirent *e;
    char path[4096];
    while (rc == 0 && !cfg->ca_names_overflow && (e = readdir(d)) != NULL) {
        struct stat st;
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] == '.' || n <= 0 || (size_t)n >= sizeof path) continue;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) rc = ca_names_add_file(cfg, path);
    }
    closedir(d);
    return rc;
}

int ctls_config_load_trust_file(ctls_config *cfg, const char *pem_path)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (!pem_path) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(cfg_store(cfg));
    CTLS_GUARD(ctls_store_add_pem_file(cfg->store, pem_path));
    cfg->trust_explicit = 1;
    return cfg->role == CTLS_SERVER ? ca_names_add_file(cfg, pem_path) : 0;
}

int ctls_config_load_trust_dir(ctls_config *cfg, const char *dir)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (!dir) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(cfg_store(cfg));
    CTLS_GUARD(ctls_store_add_dir(cfg->store, dir));
    cfg->trust_explicit = 1;
    return cfg->role == CTLS_SERVER ? ca_names_add_dir(cfg, dir) : 0;
}

int ctls_config_load_system_trust(ctls_config *cfg)
{
    CTLS_GUARD(cfg_writable(cfg));
    CTLS_GUARD(cfg_store(cfg));
    if (!cfg->system_loaded) CTLS_GUARD(ctls_store_add_system(cfg->store));
    cfg->system_loaded = 1;
    cfg->trust_explicit = 1;
    return 0;
}

int cfg_trust(ctls_config *cfg, const ctls_trust_store **out)
{
    int rc = 0;
    pthread_mutex_lock(&cfg->lock);
    /* DESIGN 2: the system store is the client default, loaded once per config on first use
     * unless anchors were configured explicitly. */
    if (!cfg->trust_explicit && !cfg->system_loaded) {
        rc = cfg_store(cfg);
        if (rc == 0) rc = ctls_store_add_system(cfg->store);
        if (rc == 0) cfg->system_loaded = 1;
    }
    if (rc == 0 && !cfg->store) rc = cfg_store(cfg);
    *out = cfg->store;
    pthread_mutex_unlock(&cfg->lock);
    return rc;
}

int ctls_config_set_verify(ctls_config *cfg, int mode)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (mode != CTLS_VERIFY_NONE && mode != CTLS_VERIFY_PEER && mode != CTLS_VERIFY_REQUIRE_PEER)
        return CTLS_ERR_INVALID_ARG;
    cfg->verify_mode = mode;
    return 0;
}

int ctls_config_set_break_on_server_auth(ctls_config *cfg, int on)
{
    CTLS_GUARD(cfg_writable(cfg));
    cfg->break_server_auth = !!on;
    return 0;
}

int ctls_config_set_break_on_cert_requested(ctls_config *cfg, int on)
{
    CTLS_GUARD(cfg_writable(cfg));
    cfg->break_cert_requested = !!on;
    return 0;
}

int ctls_config_set_post_handshake_auth(ctls_config *cfg, int on)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (cfg->role != CTLS_CLIENT) return CTLS_ERR_INVALID_ARG; /* the client offers it */
    cfg->post_handshake_auth = !!on;
    return 0;
}

int ctls_config_set_quiet_shutdown(ctls_config *cfg, int on)
{
    CTLS_GUARD(cfg_writable(cfg));
    cfg->quiet_shutdown = !!on;
    return 0;
}

int ctls_config_set_renegotiation(ctls_config *cfg, int allow)
{
    CTLS_GUARD(cfg_writable(cfg));
    cfg->renegotiation = !!allow;
    return 0;
}

int ctls_config_set_keylog(ctls_config *cfg, ctls_keylog_fn fn, void *ctx)
{
    CTLS_GUARD(cfg_writable(cfg));
    cfg->keylog = fn;
    cfg->keylog_ctx = fn ? ctx : NULL;
    return 0;
}

int ctls_config_set_max_early_data(ctls_config *cfg, uint32_t max)
{
    CTLS_GUARD(cfg_writable(cfg));
    /* the server buffers it until ctls_read_early_data: bounded (1 MiB) */
    if (cfg->role != CTLS_SERVER || max > (1u << 20)) return CTLS_ERR_INVALID_ARG;
    cfg->max_early_data = max;
    return 0;
}

int ctls_config_set_session_tickets(ctls_config *cfg, int count)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (count < 0 || count > 16) return CTLS_ERR_INVALID_ARG;
    cfg->tickets = count;
    return 0;
}

/* The application's ticket key is a master the ticket keys are derived from (ticket_keys.c):
 * at least 256 bits, as the AES-256-GCM key it makes. */
static int ticket_key_len_ok(size_t len)
{
    return len >= CTLS_TICKET_KEY_LEN && len <= CTLS_TICKET_KEY_MAX;
}

int ctls_ticket_key_generate(uint8_t *out, size_t len)
{
    if (!out || !ticket_key_len_ok(len)) return CTLS_ERR_INVALID_ARG;
    return ctls_random_secret(out, len); /* a master key: never from the public pool */
}

int ctls_config_set_ticket_key(ctls_config *cfg, const uint8_t *key, size_t len)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (cfg->role != CTLS_SERVER || (len && !key) || (len && !ticket_key_len_ok(len)) ||
        (!len && key))
        return CTLS_ERR_INVALID_ARG;
    ctls_wipe(cfg->ticket_master, sizeof cfg->ticket_master); /* the old one, all of it */
    if (len) memcpy(cfg->ticket_master, key, len);
    cfg->ticket_master_len = len;
    return 0;
}

int ctls_config_set_ticket_key_rotation(ctls_config *cfg, unsigned seconds)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (cfg->role != CTLS_SERVER || seconds > SESS_MAX_LIFETIME) return CTLS_ERR_INVALID_ARG;
    cfg->ticket_rotation = seconds;
    cfg->ticket_rotation_set = 1;
    return 0;
}

int ctls_config_set_ticket_lifetime(ctls_config *cfg, unsigned seconds)
{
    CTLS_GUARD(cfg_writable(cfg));
    /* RFC 8446 4.6.1: at most seven days */
    if (cfg->role != CTLS_SERVER || seconds == 0 || seconds > SESS_MAX_LIFETIME)
        return CTLS_ERR_INVALID_ARG;
    cfg->ticket_lifetime = seconds;
    return 0;
}

int ctls_config_set_session_cache(ctls_config *cfg, size_t max_entries)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (cfg->role != CTLS_SERVER || max_entries > CACHE_MAX_ENTRIES) return CTLS_ERR_INVALID_ARG;
    sess_cache *sc = NULL;
    if (max_entries) CTLS_GUARD(cache_new(max_entries, &sc));
    cache_free(cfg->cache); /* set again: the new size replaces the old cache (still empty) */
    cfg->cache = sc;
    return 0;
}

int ctls_config_session_cache_stats(ctls_config *cfg, ctls_session_cache_stats *out)
{
    if (!cfg || !out) return CTLS_ERR_INVALID_ARG;
    if (!cfg->cache) return CTLS_ERR_BAD_STATE;
    cache_stats(cfg->cache, out);
    return 0;
}

int ctls_config_set_verify_time(ctls_config *cfg, int64_t unix_seconds)
{
    CTLS_GUARD(cfg_writable(cfg));
    if (unix_seconds < 0) return CTLS_ERR_INVALID_ARG;
    cfg->verify_time = unix_seconds;
    return 0;
}
