/* Fuzz target: a TLS 1.3 client after its ClientHello, fed the "server's" records. The input is
 * an option byte (fuzz_common.h FZ_OPT_*) then chunks; protected chunks are sealed with the
 * client's current read keys, so mutations reach EncryptedExtensions, Certificate (and the
 * X.509 checks), CertificateVerify, Finished and the post-handshake messages (with FZ_OPT_PHA
 * a CertificateRequest too: the client offered post_handshake_auth and answers it with its
 * certificate inside ctls_read; with FZ_OPT_RENEG and TLS 1.2 a HelloRequest and the server's
 * renegotiation flight: the client allows renegotiation and runs it inside ctls_read; with
 * FZ_OPT_CACHE it resumes the session fuzz_server's cache holds, with early data under TLS
 * 1.3; with FZ_OPT_PHA_TWICE alone it asks for an OCSP staple). The key log is on and the
 * exporter runs once the input is used up. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    /* FZ_OPT_CACHE: the session fuzz_server's cache holds (TLS 1.3 with early data) */
    const ctls_session *sess = NULL;
    if (data[0] & FZ_OPT_CACHE) sess = fz_cache_load(fz_config_full(CTLS_SERVER, data[0]), data[0]);
    fz_input_begin(data[0]);
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_CLIENT, data[0]));
    if (!c) return 0;
    ctls_conn_set_server_name(c, "fuzz.example");
    if (sess) (void)fz_client_resume(c, sess, 1);
    fz_run_chunks(c, data + 1, size - 1);
    fz_export(c);
    fz_report(c);
    ctls_conn_free(c);
    return 0;
}
