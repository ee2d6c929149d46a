/* The trust store: anchors indexed by subject DER for issuer lookup. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/mem.h"
#include "x509/cert.h"

#define STORE_MAX_ANCHORS 100000

struct ctls_trust_store {
    ctls_cert **certs;
    size_t count, cap;
    /* open-addressing hash table over certs, keyed by subject; slot = index + 1 (0 = empty) */
    uint32_t *slots;
    size_t nslots; /* power of two, at least twice count */
};

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

ctls_trust_store *ctls_store_new(void)
{
    return ctls_calloc(1, sizeof(ctls_trust_store));
}

void ctls_store_free(ctls_trust_store *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->count; i++)
        ctls_cert_free(s->certs[i]);
    ctls_free(s->certs);
    ctls_free(s->slots);
    ctls_free(s);
}

size_t ctls_store_count(const ctls_trust_store *s)
{
    return s ? s->count : 0;
}

static void slot_insert(uint32_t *slots, size_t nslots, const ctls_cert *c, uint32_t idx)
{
    size_t i = (size_t)hash_bytes(c->subject.p, c->subject.len) & (nslots - 1);
    while (slots[i])
        i = (i + 1) & (nslots - 1);
    slots[i] = idx + 1;
}

static int rehash(ctls_trust_store *s, size_t want)
{
    size_t n = 16;
    while (n < want * 2)
        n *= 2;
    uint32_t *slots = ctls_calloc(n, sizeof *slots);
    CTLS_ENSURE(slots != NULL, CTLS_ERR_NOMEM);
    for (size_t i = 0; i < s->count; i++)
        slot_insert(slots, n, s->certs[i], (uint32_t)i);
    ctls_free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return 0;
}

const ctls_cert *ctls_store_next_by_subject(const ctls_trust_store *s, ctls_slice name, size_t *pos)
{
    if (!s || !s->nslots) return NULL;
    size_t mask = s->nslots - 1;
    size_t start = (size_t)hash_bytes(name.p, name.len) & mask;
    /* *pos counts probes already made from start */
    for (size_t k = *pos; k < s->nslots; k++) {
        uint32_t v = s->slots[(start + k) & mask];
        if (!v) {
            *pos = s->nslots;
            return NULL;
        }
        const ctls_cert *c = s->certs[v - 1];
        if (der_slice_eq(c->subject, name.p, name.len)) {
            *pos = k + 1;
            return c;
        }
    }
    *pos = s->nslots;
    return NULL;
}

int ctls_store_has_cert(const ctls_trust_store *s, const ctls_cert *c)
{
    size_t pos = 0;
    const ctls_cert *o;
    while ((o = ctls_store_next_by_subject(s, c->subject, &pos)) != NULL)
        if (o->len == c->len && memcmp(o->der, c->der, c->len) == 0) return 1;
    return 0;
}

static int store_add_cert(ctls_trust_store *s, ctls_cert *c)
{
    /* duplicates (a directory of hash links next to a bundle) are dropped */
    if (ctls_store_has_cert(s, c)) {
        ctls_cert_free(c);
        return 0;
    }
    if (s->count >= STORE_MAX_ANCHORS) {
        ctls_cert_free(c);
        return CTLS_ERR_LIMIT;
    }
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        ctls_cert **n = ctls_realloc(s->certs, cap * sizeof *n);
        if (!n) {
            ctls_cert_free(c);
            return CTLS_ERR_NOMEM;
        }
        s->certs = n;
        s->cap = cap;
    }
    s->certs[s->count++] = c;
    if (s->nslots < s->count * 2) return rehash(s, s->count);
    slot_insert(s->slots, s->nslots, c, (uint32_t)(s->count - 1));
    return 0;
}

int ctls_store_add_der(ctls_trust_store *s, const uint8_t *der, size_t len)
{
    CTLS_ENSURE(s != NULL, CTLS_ERR_INTERNAL);
    ctls_cert *c;
    CTLS_GUARD(ctls_cert_parse(der, len, &c));
    return store_add_cert(s, c);
}

/* Adds every certificate of a PEM bundle; ones that do not parse are skipped (a bundle with
 * one odd root stays usable). An error only when nothing could be added. */
int ctls_store_add_pem(ctls_trust_store *s, const void *pem, size_t len)
{
    CTLS_ENSURE(s != NULL, CTLS_ERR_INTERNAL);
    ctls_der_list l;
    CTLS_GUARD(ctls_pem_decode(pem, len, "CERTIFICATE", &l));
    int added = 0, first_err = 0;
    for (size_t i = 0; i < l.count; i++) {
        int rc = ctls_store_add_der(s, l.der[i], l.len[i]);
        if (rc == CTLS_ERR_NOMEM) {
            ctls_der_list_free(&l);
            return rc;
        }
        if (rc == 0)
            added++;
        else if (!first_err)
            first_err = rc;
    }
    size_t n = l.count;
    ctls_der_list_free(&l);
    if (n == 0) return CTLS_ERR_DECODE;
    return added ? 0 : first_err;
}

int ctls_store_add_pem_file(ctls_trust_store *s, const char *path)
{
    uint8_t *buf;
    size_t len;
    CTLS_GUARD(ctls_read_file(path, &buf, &len));
    int rc = ctls_store_add_pem(s, buf, len);
    ctls_free(buf);
    return rc;
}

/* Loads every regular file of a directory (following symlinks). A c_rehash'd directory such
 * as /etc/ssl/certs names each certificate twice (NAME.pem and HASH.0, both links to one
 * file): each target file is read once. */
int ctls_store_add_dir(ctls_trust_store *s, const char *dir)
{
    CTLS_ENSURE(s != NULL && dir != NULL, CTLS_ERR_FILE);
    DIR *d = opendir(dir);
    CTLS_ENSURE(d != NULL, CTLS_ERR_FILE);
    size_t before = s->count;
    int rc = 0;
    struct dirent *e;
    char path[4096];
    struct file_id {
        dev_t dev;
        ino_t ino;
    } *seen = NULL;
    size_t nseen = 0, capseen = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (n <= 0 || (size_t)n >= sizeof path) continue;
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        size_t i = 0;
        while (i < nseen && !(seen[i].dev == st.st_dev && seen[i].ino == st.st_ino))
            i++;
        if (i < nseen) continue;
        if (nseen == capseen) {
            size_t cap = capseen ? capseen * 2 : 256;
            struct file_id *ns = ctls_realloc(seen, cap * sizeof *ns);
            if (!ns) {
                rc = CTLS_ERR_NOMEM;
                break;
            }
            seen = ns;
            capseen = cap;
        }
        seen[nseen].dev = st.st_dev;
        seen[nseen++].ino = st.st_ino;
        int r = ctls_store_add_pem_file(s, path);
        if (r == CTLS_ERR_NOMEM) {
            rc = r;
            break;
        }
    }
    ctls_free(seen);
    closedir(d);
    CTLS_GUARD(rc);
    return s->count > before ? 0 : CTLS_ERR_FILE;
}

int ctls_store_add_system(ctls_trust_store *s)
{
    const char *file = getenv("SSL_CERT_FILE");
    const char *dirs = getenv("SSL_CERT_DIR");
    int ok = 0, rc = 0;
    if ((file && *file) || (dirs && *dirs)) {
        if (file && *file) {
            rc = ctls_store_add_pem_file(s, file);
            ok |= rc == 0;
        }
        if (dirs && *dirs) {
            /* a colon-separated list, as OpenSSL reads it */
            char *copy = ctls_strdup(dirs);
            CTLS_ENSURE(copy != NULL, CTLS_ERR_NOMEM);
            for (char *save = NULL, *t = strtok_r(copy, ":", &save); t;
                 t = strtok_r(NULL, ":", &save)) {
                rc = ctls_store_add_dir(s, t);
                ok |= rc == 0;
            }
            ctls_free(copy);
        }
        return ok ? 0 : (rc ? rc : CTLS_ERR_FILE);
    }
    return ctls_store_add_pem_file(s, "/etc/ssl/certs/ca-certificates.crt");
}
