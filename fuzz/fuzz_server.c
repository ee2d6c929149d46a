/* Fuzz target: a TLS 1.3 server fed the "client's" records (ClientHello, a second ClientHello
 * after HelloRetryRequest, Certificate, CertificateVerify, Finished, then application data,
 * KeyUpdate, alerts). Input: an option byte (fuzz_common.h FZ_OPT_*) then chunks; protected
 * chunks are sealed with the server's current read keys. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    fz_rng_reset();
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_SERVER, data[0]));
    if (!c) return 0;
    fz_run_chunks(c, data + 1, size - 1);
    fz_report(c);
    ctls_conn_free(c);
    return 0;
}
