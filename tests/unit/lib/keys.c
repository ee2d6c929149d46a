#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "harness.h"
#include "pair.h"

void tk_keylog_fn(void *ctx, const ctls_conn *conn, const char *line)
{
    tk_keylog *k = ctx;
    if (k->n >= TK_MAX_LINES || strlen(line) >= sizeof k->line[0]) {
        k->overflow++;
        return;
    }
    strcpy(k->line[k->n], line);
    k->conn[k->n++] = conn;
}

static int has_label(const char *line, const char *label)
{
    size_t n = strlen(label);
    return strncmp(line, label, n) == 0 && line[n] == ' ';
}

int tk_keylog_count(const tk_keylog *k, const char *label)
{
    int n = 0;
    for (int i = 0; i < k->n; i++)
        n += has_label(k->line[i], label);
    return n;
}

int tk_keylog_get(const tk_keylog *k, const char *label, int i, uint8_t client_random[32],
                  uint8_t *secret, size_t *len)
{
    for (int j = 0; j < k->n; j++) {
        if (!has_label(k->line[j], label) || i-- > 0) continue;
        char cr[65], sec[200];
        const char *p = k->line[j] + strlen(label) + 1;
        const char *sp = strchr(p, ' ');
        if (!sp || sp - p != 64 || strchr(sp + 1, ' ') || strlen(sp + 1) >= sizeof sec) return -1;
        memcpy(cr, p, 64);
        cr[64] = '\0';
        strcpy(sec, sp + 1);
        /* RFC 9850 2: lowercase hex, as OpenSSL and NSS write it */
        for (const char *q = p; *q; q++)
            if (*q >= 'A' && *q <= 'F') return -1;
        long m = th_unhex(sec, secret, 48);
        if (th_unhex(cr, client_random, 32) != 32 || m <= 0) return -1;
        *len = (size_t)m;
        return 0;
    }
    return -1;
}

int tk_keylog_same_set(const tk_keylog *a, const tk_keylog *b)
{
    if (a->n != b->n) return 0;
    int used[TK_MAX_LINES] = {0};
    for (int i = 0; i < a->n; i++) {
        int found = 0;
        for (int j = 0; j < b->n && !found; j++)
            if (!used[j] && strcmp(a->line[i], b->line[j]) == 0) found = used[j] = 1;
        if (!found) return 0;
    }
    return 1;
}

int tk_export13(int hash, const uint8_t *exporter_secret, const char *label, const uint8_t *context,
                size_t context_len, uint8_t *out, size_t out_len)
{
    size_t hl = ctls_hash_len(hash);
    uint8_t empty[CTLS_MAX_HASH_LEN], ctx_hash[CTLS_MAX_HASH_LEN], derived[CTLS_MAX_HASH_LEN];
    /* Derive-Secret(Secret, label, "") = HKDF-Expand-Label(Secret, label, Hash(""), Hash.length) */
    if (ctls_hash(hash, "", 0, empty) != 0 ||
        ctls_hkdf_expand_label(hash, exporter_secret, hl, label, empty, hl, derived, hl) != 0 ||
        ctls_hash(hash, context_len ? (const void *)context : "", context_len, ctx_hash) != 0)
        return -1;
    return ctls_hkdf_expand_label(hash, derived, hl, "exporter", ctx_hash, hl, out, out_len);
}

int tk_export12(int hash, const uint8_t master[48], const uint8_t randoms[64], const char *label,
                const uint8_t *context, size_t context_len, int use_context, uint8_t *out,
                size_t out_len)
{
    size_t n = 64 + (use_context ? 2 + context_len : 0);
    uint8_t *seed = malloc(n);
    if (!seed) return -1;
    memcpy(seed, randoms, 64);
    if (use_context) {
        seed[64] = (uint8_t)(context_len >> 8);
        seed[65] = (uint8_t)context_len;
        if (context_len) memcpy(seed + 66, context, context_len);
    }
    int rc = ctls_prf12(hash, master, 48, label, seed, n, out, out_len);
    free(seed);
    return rc;
}

/* Move what from has sent to to (as much as to takes), appending it to flight fl. */
static void move_kept(ctls_conn *from, ctls_conn *to, tk_flights *f, int fl)
{
    const void *p;
    size_t n = ctls_conn_output(from, &p), used = 0;
    if (!n || ctls_conn_feed(to, p, n, &used) != 0) return;
    if (fl < TK_MAX_FLIGHTS && f->n[fl] + used <= sizeof f->b[fl]) {
        memcpy(f->b[fl] + f->n[fl], p, used);
        f->n[fl] += used;
    }
    ctls_conn_consume_output(from, used);
}

int tk_handshake_flights(ctls_conn *c, ctls_conn *s, tk_flights *f)
{
    int rc[2] = {1, 1};
    ctls_conn *side[2] = {c, s};
    memset(f->n, 0, sizeof f->n);
    f->count = 0;
    for (int turn = 0; turn < 32 && (rc[0] != 0 || rc[1] != 0); turn++) {
        int me = turn % 2;
        if (rc[me] != 0) rc[me] = ctls_handshake(side[me]);
        if (rc[me] != 0 && rc[me] != CTLS_WANT_READ) return -1;
        const void *p;
        if (ctls_conn_output(side[me], &p) == 0) continue;
        move_kept(side[me], side[!me], f, f->count);
        if (f->count < TK_MAX_FLIGHTS) f->count++;
    }
    return rc[0] == 0 && rc[1] == 0 ? 0 : -1;
}

int tk_hello_random(const tk_flights *f, int i, uint8_t out[32])
{
    /* record header (5), handshake header (4), legacy_version (2), random (32) */
    if (i >= f->count || f->n[i] < 5 + 4 + 2 + 32 || f->b[i][0] != 22 ||
        (f->b[i][5] != 1 && f->b[i][5] != 2))
        return -1;
    memcpy(out, f->b[i] + 11, 32);
    return 0;
}

int tk_pair_configs(tk_pair *p, int version, const char *suites, const char *cert)
{
    memset(p, 0, sizeof *p);
    p->kc = calloc(1, sizeof *p->kc);
    p->ks = calloc(1, sizeof *p->ks);
    p->f = calloc(1, sizeof *p->f);
    p->cc = tp_client_config();
    p->sc = tp_server_config(cert ? cert : "server-ecdsa");
    CHECK(p->kc && p->ks && p->f && p->cc && p->sc);
    if (!p->kc || !p->ks || !p->f || !p->cc || !p->sc) return -1;
    if (version) CHECK_EQ(ctls_config_set_versions(p->cc, version, version), 0);
    if (suites) CHECK_EQ(ctls_config_set_cipher_suites(p->cc, suites), 0);
    CHECK_EQ(ctls_config_set_session_tickets(p->sc, 0), 0);
    CHECK_EQ(ctls_config_set_keylog(p->cc, tk_keylog_fn, p->kc), 0);
    CHECK_EQ(ctls_config_set_keylog(p->sc, tk_keylog_fn, p->ks), 0);
    return 0;
}

int tk_pair_connect(tk_pair *p, const char *sni)
{
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK(p->c && p->s);
    if (!p->c || !p->s) return -1;
    CHECK_EQ(ctls_conn_set_server_name(p->c, sni ? sni : "localhost"), 0);
    int rc = tk_handshake_flights(p->c, p->s, p->f);
    if (tk_hello_random(p->f, 0, p->randoms) != 0 || tk_hello_random(p->f, 1, p->randoms + 32))
        return -1;
    return rc;
}

int tk_pair_open(tk_pair *p, int version, const char *suites, const char *cert)
{
    if (tk_pair_configs(p, version, suites, cert) != 0) return -1;
    int rc = tk_pair_connect(p, NULL);
    CHECK_EQ(rc, 0);
    return rc;
}

void tk_pair_close(tk_pair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
    free(p->kc);
    free(p->ks);
    free(p->f);
    memset(p, 0, sizeof *p);
}

int tk_suite_hash(ctls_conn *c)
{
    const char *n = ctls_cipher_suite_name(c);
    return n && strstr(n, "SHA384") ? CTLS_HASH_SHA384 : CTLS_HASH_SHA256;
}

int tk_suite_aead(ctls_conn *c)
{
    const char *n = ctls_cipher_suite_name(c);
    if (n && strstr(n, "CHACHA20")) return CTLS_AEAD_CHACHA20_POLY1305;
    return n && strstr(n, "AES_256") ? CTLS_AEAD_AES_256_GCM : CTLS_AEAD_AES_128_GCM;
}
