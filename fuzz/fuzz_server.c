/* Fuzz target: a TLS 1.3 server fed the "client's" records (ClientHello, a second ClientHello
 * after HelloRetryRequest, Certificate, CertificateVerify, Finished, then application data,
 * KeyUpdate, alerts). Input: an option byte (fuzz_common.h FZ_OPT_*) then chunks; protected
 * chunks are sealed with the server's current read keys. With FZ_OPT_PHA the server sends one
 * or two post-handshake CertificateRequests once connected and the input answers them
 * (Certificate, CertificateVerify, Finished under the client's application keys); with
 * FZ_OPT_CACHE its session cache holds a session the ClientHello may resume (TLS 1.3 cache
 * ticket or TLS 1.2 session ID); with FZ_OPT_RENEG it allows TLS 1.2 renegotiation, sends a
 * HelloRequest (ctls_renegotiate) once connected and the input continues with the client's
 * renegotiating flight (ClientHello, ClientKeyExchange, ChangeCipherSpec, Finished under the
 * current keys). FZ_OPT_CACHE also accepts TLS 1.3 early data with the cached session (the
 * harness reads it with ctls_read_early_data); a ClientHello with status_request gets an OCSP
 * staple (TLS 1.3 CertificateEntry, TLS 1.2 CertificateStatus). The key log is on and the
 * exporter runs once the input is used up. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    ctls_config *cfg = fz_config_full(CTLS_SERVER, data[0]);
    if (data[0] & FZ_OPT_CACHE) (void)fz_cache_load(cfg, data[0]);
    fz_input_begin(data[0]);
    ctls_conn *c = ctls_conn_new(cfg);
    if (!c) return 0;
    fz_run_chunks(c, data + 1, size - 1);
    fz_export(c);
    fz_report(c);
    ctls_conn_free(c);
    return 0;
}
