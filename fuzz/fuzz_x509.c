/* Fuzz target: DER / X.509. The input is one certificate in DER: strict parse, every accessor,
 * host-name matching, the SubjectPublicKeyInfo through the crypto layer, then path validation
 * of the input as a leaf (and as an intermediate under the fixed fuzz PKI) against the fuzz
 * root, at the fixed fuzz time. */
#include "crypto/crypto.h"
#include "fuzz_keys.h"
#include "x509/x509.h"

static ctls_trust_store *g_store;
static uint8_t *g_leaf;
static size_t g_leaf_len;

static void init(void)
{
    if (g_store) return;
    g_store = ctls_store_new();
    if (!g_store || ctls_store_add_pem(g_store, fuzz_ca_pem, sizeof fuzz_ca_pem - 1) != 0)
        __builtin_trap();
    ctls_der_list l = {0};
    if (ctls_pem_decode(fuzz_server_pem, sizeof fuzz_server_pem - 1, "CERTIFICATE", &l) != 0 ||
        l.count != 1)
        __builtin_trap();
    g_leaf = l.der[0];
    g_leaf_len = l.len[0];
    l.der[0] = NULL;
    l.count = 0;
    ctls_der_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init();
    ctls_cert *c = NULL;
    if (ctls_cert_parse(data, size, &c) == 0 && c) {
        (void)ctls_cert_der(c);
        (void)ctls_cert_subject_der(c);
        (void)ctls_cert_issuer_der(c);
        (void)ctls_cert_key_type(c);
        (void)ctls_cert_key_bits(c);
        (void)ctls_cert_not_before(c);
        (void)ctls_cert_not_after(c);
        (void)ctls_cert_matches_host(c, "fuzz.example");
        (void)ctls_cert_matches_host(c, "a.b.example.com");
        (void)ctls_cert_matches_host(c, "127.0.0.1");
        (void)ctls_cert_matches_host(c, "::1");
        ctls_slice spki = ctls_cert_spki(c);
        ctls_pubkey *pk = NULL;
        if (ctls_pubkey_from_spki(spki.p, spki.len, &pk) == 0) ctls_pubkey_free(pk);
        ctls_cert_free(c);
    }
    /* as a leaf, and as an intermediate below which the real leaf is presented */
    unsigned flags = 0;
    ctls_verify_params p = {
        .now = FUZZ_NOW, .host = "fuzz.example", .purpose = CTLS_PURPOSE_SERVER_AUTH};
    const uint8_t *chain[3] = {data, g_leaf, data};
    size_t lens[3] = {size, g_leaf_len, size};
    (void)ctls_x509_verify(g_store, chain, lens, 2, &p, &flags);
    (void)ctls_x509_verify(g_store, chain + 1, lens + 1, 2, &p, &flags);
    return 0;
}
