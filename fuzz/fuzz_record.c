/* Fuzz target: the record layer as an attacker sees it. The input is an option byte (the low
 * bits pick the server configuration, the high nibble a feeding split) then raw wire bytes fed
 * to a server connection, which runs the handshake and reads application data. Randomness is
 * fixed, so a recorded client flight (fuzz/gen_corpus.c) completes a real handshake and the
 * fuzzer reaches the protected records too. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    fz_rng_reset();
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_SERVER, data[0]));
    if (!c) return 0;
    /* split 0: everything at once; otherwise pieces of 1, 2, 4, ... 16384 bytes */
    unsigned split = data[0] >> 4;
    size_t piece = split ? (size_t)1 << (split - 1) : size;
    data++;
    size--;
    if (fz_drive(c) == 0) {
        while (size) {
            size_t n = size < piece ? size : piece;
            if (fz_feed(c, data, n) != 0 || fz_drive(c) != 0) break;
            data += n;
            size -= n;
        }
        if (size == 0) {
            (void)ctls_conn_feed_eof(c);
            (void)fz_drive(c);
        }
    }
    fz_report(c);
    ctls_conn_free(c);
    return 0;
}
