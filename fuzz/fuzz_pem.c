/* Fuzz target: PEM. The first byte picks what the rest is used as: a certificate bundle
 * (ctls_pem_decode with several labels, the trust store), a configured chain (with the fixed
 * fuzz key), or a private key (with the fixed fuzz certificate). */
#include "fuzz_keys.h"
#include "x509/x509.h"

#include <ctls/ctls.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    data++;
    size--;
    switch (sel % 4) {
    case 0: {
        static const char *labels[] = {"CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY", ""};
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
            ctls_der_list l = {0};
            (void)ctls_pem_decode(data, size, labels[i], &l);
            ctls_der_list_free(&l);
        }
        break;
    }
    case 1: {
        ctls_trust_store *s = ctls_store_new();
        if (s) {
            (void)ctls_store_add_pem(s, data, size);
            (void)ctls_store_count(s);
            ctls_store_free(s);
        }
        break;
    }
    case 2: {
        ctls_config *cfg = ctls_config_new(CTLS_SERVER);
        if (cfg) {
            (void)ctls_config_add_cert_chain_mem(cfg, data, size, fuzz_server_key,
                                                 sizeof fuzz_server_key - 1);
            ctls_config_free(cfg);
        }
        break;
    }
    case 3: {
        ctls_config *cfg = ctls_config_new(CTLS_SERVER);
        if (cfg) {
            (void)ctls_config_add_cert_chain_mem(cfg, fuzz_server_pem, sizeof fuzz_server_pem - 1,
                                                 data, size);
            ctls_config_free(cfg);
        }
        break;
    }
    }
    return 0;
}
