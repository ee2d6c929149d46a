/* ctls-verify: validates a certificate chain exactly as the handshake does (the same
 * ctls_x509_verify call). DESIGN.md section 4:
 *   ctls-verify --trusted FILE [--untrusted FILE] --leaf FILE [--time UNIX_SECONDS]
 *               [--dns NAME | --ip ADDR] [--eku serverAuth|clientAuth]... [--max-depth N]
 * Prints "ok" or the ctls_strerror text, then every flag that applies, one per line.
 * Exit status: 0 valid, 1 rejected, 2 a check it cannot express (or a usage error). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctls/ctls.h>

#include "core/mem.h"
#include "x509/x509.h"

static int usage(const char *msg)
{
    if (msg) fprintf(stderr, "ctls-verify: %s\n", msg);
    fprintf(stderr, "usage: ctls-verify --trusted FILE [--untrusted FILE] --leaf FILE\n"
                    "  [--time UNIX_SECONDS] [--dns NAME | --ip ADDR]\n"
                    "  [--eku serverAuth|clientAuth]... [--max-depth N]\n");
    return 2;
}

static int parse_i64(const char *s, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *trusted = NULL, *untrusted = NULL, *leaf = NULL, *host = NULL;
    long long now = 0, depth = 0;
    int purposes = 0, have_name = 0, have_depth = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!val) return usage("missing option value");
        i++;
        if (!strcmp(a, "--trusted")) {
            trusted = val;
        } else if (!strcmp(a, "--untrusted")) {
            untrusted = val;
        } else if (!strcmp(a, "--leaf")) {
            leaf = val;
        } else if (!strcmp(a, "--time")) {
            if (parse_i64(val, 1, 253402300799LL, &now) < 0) return usage("bad --time");
        } else if (!strcmp(a, "--dns") || !strcmp(a, "--ip")) {
            if (have_name++) return usage("only one of --dns / --ip");
            host = val;
        } else if (!strcmp(a, "--eku")) {
            if (!strcmp(val, "serverAuth"))
                purposes |= CTLS_PURPOSE_SERVER_AUTH;
            else if (!strcmp(val, "clientAuth"))
                purposes |= CTLS_PURPOSE_CLIENT_AUTH;
            else {
                fprintf(stderr, "ctls-verify: unsupported --eku %s\n", val);
                return 2;
            }
        } else if (!strcmp(a, "--max-depth")) {
            if (parse_i64(val, 0, 255, &depth) < 0) return usage("bad --max-depth");
            have_depth = 1;
        } else {
            return usage("unknown option");
        }
    }
    if (!trusted || !leaf) return usage("--trusted and --leaf are required");

    ctls_trust_store *store = ctls_store_new();
    ctls_der_list lf = {0}, un = {0};
    int rc, status = 2;
    if (!store) {
        fprintf(stderr, "ctls-verify: out of memory\n");
        return 2;
    }
    /* a trust file whose certificates all fail to parse is an empty store, not an error:
     * the chain then has no root, exactly as in a handshake */
    rc = ctls_store_add_pem_file(store, trusted);
    if (rc == CTLS_ERR_FILE) {
        fprintf(stderr, "ctls-verify: cannot read %s\n", trusted);
        goto out;
    }
    if ((rc = ctls_pem_file_certs(leaf, 0, &lf)) < 0) {
        fprintf(stderr, "ctls-verify: %s: %s\n", leaf, ctls_strerror(rc));
        goto out;
    }
    if (untrusted && (rc = ctls_pem_file_certs(untrusted, 1, &un)) < 0) {
        fprintf(stderr, "ctls-verify: %s: %s\n", untrusted, ctls_strerror(rc));
        goto out;
    }
    /* the chain as a peer would send it: the leaf first, then the untrusted certificates */
    size_t n = lf.count + un.count;
    const uint8_t **chain = ctls_calloc(n, sizeof *chain);
    size_t *lens = ctls_calloc(n, sizeof *lens);
    if (!chain || !lens) {
        ctls_free(chain);
        ctls_free(lens);
        goto out;
    }
    size_t k = 0;
    for (size_t i = 0; i < lf.count; i++)
        chain[k] = lf.der[i], lens[k++] = lf.len[i];
    for (size_t i = 0; i < un.count; i++)
        chain[k] = un.der[i], lens[k++] = un.len[i];

    ctls_verify_params p = {.now = now, .host = host, .max_depth = (int)depth};
    /* --max-depth 0 means "no intermediates"; the API's 0 means "default", < 0 none */
    if (have_depth && depth == 0) p.max_depth = -1;
    unsigned flags = 0;
    int result = 0;
    /* several --eku: the chain must be valid for each purpose */
    int list[2] = {CTLS_PURPOSE_SERVER_AUTH, CTLS_PURPOSE_CLIENT_AUTH};
    int first = 1;
    for (int j = 0; j < 2; j++) {
        if (purposes && !(purposes & list[j])) continue;
        if (!purposes && j == 1) break;
        unsigned f = 0;
        p.purpose = purposes ? list[j] : CTLS_PURPOSE_SERVER_AUTH;
        int r = ctls_x509_verify(store, chain, lens, n, &p, &f);
        flags |= f;
        if (first || (r < 0 && result == 0)) result = r;
        first = 0;
    }
    ctls_free(chain);
    ctls_free(lens);
    if (result == 0) {
        printf("ok\n");
        status = 0;
    } else {
        printf("%s\n", ctls_strerror(result));
        for (unsigned bit = 1; bit; bit <<= 1)
            if ((flags & bit) && ctls_x509_flag_name(bit)) printf("%s\n", ctls_x509_flag_name(bit));
        status = 1;
    }
out:
    ctls_der_list_free(&lf);
    ctls_der_list_free(&un);
    ctls_store_free(store);
    return status;
}
