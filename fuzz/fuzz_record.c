/* Fuzz target: the record layer as an attacker sees it. The input is an option byte (the low
 * bits pick the server configuration, the high nibble a feeding split) then raw wire bytes fed
 * to a server connection, which runs the handshake and reads application data. Randomness is
 * fixed, so a recorded client flight (fuzz/gen_corpus.c) completes a real handshake and the
 * fuzzer reaches the protected records too. Split 15 reads the whole input through
 * ctls_read_input instead (records opened in place from the caller's bytes, only partial ones
 * copied), into a read buffer whose size the next input byte picks. */
#include "fuzz_common.h"

static void by_reference(ctls_conn *c, const uint8_t *data, size_t size)
{
    if (size < 1) return;
    /* read sizes from 1 byte to a whole record and more (the one-byte-short rule included) */
    static const size_t sizes[8] = {1, 7, 100, 4096, 16383, 16384, 16385, sizeof fz_scratch};
    size_t out_len = sizes[data[0] & 7];
    if (out_len > sizeof fz_scratch) out_len = sizeof fz_scratch;
    data++;
    size--;
    for (int guard = 0; guard < 4096; guard++) {
        fz_use(c);
        size_t used = 0;
        ssize_t n = ctls_read_input(c, data, size, &used, fz_scratch, out_len);
        if (used > size) __builtin_trap(); /* consumed past the input: a bug */
        data += used;
        size -= used;
        fz_drain(c);
        if (n > 0) continue;
        if (n == CTLS_PAUSED_SERVER_AUTH) {
            ctls_accept_peer(c);
            continue;
        }
        if (n == 0) {
            (void)ctls_shutdown(c);
            fz_drain(c);
            return;
        }
        if (n == CTLS_WANT_READ || n == CTLS_WANT_WRITE || n == CTLS_INTERRUPTED) {
            if (used == 0) return; /* needs bytes we do not have */
            continue;
        }
        return; /* fatal */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    fz_rng_reset();
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_SERVER, data[0] & FZ_OPT_BASE));
    if (!c) return 0;
    /* split 0: everything at once; otherwise pieces of 1, 2, 4, ... 16384 bytes */
    unsigned split = data[0] >> 4;
    size_t piece = split ? (size_t)1 << (split - 1) : size;
    data++;
    size--;
    if (split == 15) {
        by_reference(c, data, size);
    } else if (fz_drive(c) == 0) {
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
