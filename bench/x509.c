/* ctls-bench-x509: what verifying a 3-certificate ECDSA chain (leaf, intermediate, trusted
 * root) costs next to its two signature checks alone — the target: parsing and path
 * building under 10 % of the total. Run by `make bench` after ctls-bench, from the repo root
 * (the chain comes from tests/certs/mkcerts.sh). CPU time of this thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/crypto.h"
#include "x509/cert.h"
#include "x509/x509.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int load(const char *path, ctls_der_list *out)
{
    uint8_t *pem = NULL;
    size_t len = 0;
    int rc = ctls_read_file(path, &pem, &len);
    if (rc == 0) rc = ctls_pem_decode(pem, len, "CERTIFICATE", out);
    free(pem);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int iters = quick ? 300 : 2000, runs = quick ? 3 : 5;
    char dir[] = "/tmp/ctls-bench-x509-XXXXXX", cmd[256], path[300];
    if (!mkdtemp(dir)) return 1;
    snprintf(cmd, sizeof cmd, "sh tests/certs/mkcerts.sh '%s' >/dev/null 2>&1", dir);
    if (system(cmd) != 0) {
        fprintf(stderr, "ctls-bench-x509: cannot generate the chain (run from the repo root)\n");
        return 1;
    }
    ctls_der_list chain = {0}, root = {0};
    snprintf(path, sizeof path, "%s/server-ecdsa.pem", dir); /* leaf + intermediate */
    int rc = load(path, &chain);
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    if (rc == 0) rc = load(path, &root);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "ctls-bench-x509: could not remove %s\n", dir);
    if (rc < 0 || chain.count != 2 || root.count != 1) {
        fprintf(stderr, "ctls-bench-x509: bad chain files\n");
        return 1;
    }
    ctls_trust_store *store = ctls_store_new();
    if (!store || ctls_store_add_der(store, root.der[0], root.len[0]) < 0) return 1;
    ctls_verify_params params = {
        .now = 1767225600, .host = "localhost", .purpose = CTLS_PURPOSE_SERVER_AUTH};

    /* The signature checks alone: leaf by the intermediate, intermediate by the root, with the
     * issuers' keys decoded once beforehand (as the cache leaves them). */
    ctls_cert *leaf = NULL, *inter = NULL, *anchor = NULL;
    if (ctls_cert_parse(chain.der[0], chain.len[0], &leaf) < 0 ||
        ctls_cert_parse(chain.der[1], chain.len[1], &inter) < 0 ||
        ctls_cert_parse(root.der[0], root.len[0], &anchor) < 0)
        return 1;
    ctls_pubkey *kin = NULL, *kroot = NULL;
    if (ctls_pubkey_from_spki(inter->spki.p, inter->spki.len, &kin) < 0 ||
        ctls_pubkey_from_spki(anchor->spki.p, anchor->spki.len, &kroot) < 0)
        return 1;
    uint16_t scheme = CTLS_SIG_ECDSA_SECP256R1_SHA256;
    double full[8], sigs[8], cold[8];
    for (int r = 0; r < runs; r++) {
        unsigned flags;
        double t0 = cpu_now();
        for (int i = 0; i < iters; i++)
            if (ctls_x509_verify(store, (const uint8_t *const *)chain.der, chain.len, 2, &params,
                                 &flags) != 0)
                return fprintf(stderr, "ctls-bench-x509: the chain did not verify\n"), 1;
        double t1 = cpu_now();
        for (int i = 0; i < iters; i++)
            if (ctls_verify(kin, scheme, leaf->tbs.p, leaf->tbs.len, leaf->sig.p, leaf->sig.len) ||
                ctls_verify(kroot, scheme, inter->tbs.p, inter->tbs.len, inter->sig.p,
                            inter->sig.len))
                return fprintf(stderr, "ctls-bench-x509: a signature did not verify\n"), 1;
        double t2 = cpu_now();
        /* cold: the decoded-key cache emptied before every verification, so the
         * intermediate's key is decoded each time (a chain never seen before) */
        for (int i = 0; i < iters; i++) {
            ctls_pubkey_cache_clear();
            if (ctls_x509_verify(store, (const uint8_t *const *)chain.der, chain.len, 2, &params,
                                 &flags) != 0)
                return fprintf(stderr, "ctls-bench-x509: the chain did not verify\n"), 1;
        }
        double t3 = cpu_now();
        full[r] = (t1 - t0) / iters * 1e6;
        sigs[r] = (t2 - t1) / iters * 1e6;
        cold[r] = (t3 - t2) / iters * 1e6;
    }
    qsort(full, (size_t)runs, sizeof full[0], cmp_double);
    qsort(sigs, (size_t)runs, sizeof sigs[0], cmp_double);
    qsort(cold, (size_t)runs, sizeof cold[0], cmp_double);
    double f = full[runs / 2], s = sigs[runs / 2];
    double share = f > 0 ? (f - s) / f * 100.0 : 0;
    printf("\nx509: verify a 3-certificate ECDSA P-256 chain (leaf, intermediate, trusted root), "
           "median of %d runs x %d\n",
           runs, iters);
    printf("  full ctls_x509_verify      %8.1f us\n", f);
    printf("  its 2 signature checks     %8.1f us\n", s);
    printf("  parsing + path building    %8.1f us  (%.1f %% of the total; target < 10 %%: %s)\n",
           f - s, share, share < 10.0 ? "ok" : "MISS");
    double c = cold[runs / 2];
    printf("  cold (key cache emptied)   %8.1f us  (parsing + path + key decoding %.1f %%)\n", c,
           c > 0 ? (c - s) / c * 100.0 : 0);
    ctls_pubkey_free(kin);
    ctls_pubkey_free(kroot);
    ctls_cert_free(leaf);
    ctls_cert_free(inter);
    ctls_cert_free(anchor);
    ctls_store_free(store);
    ctls_der_list_free(&chain);
    ctls_der_list_free(&root);
    return 0;
}
