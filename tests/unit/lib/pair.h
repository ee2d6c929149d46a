/* Test helpers: a ctls client and server talking in memory (sans-I/O), and the test PKI. */
#ifndef CTLS_TEST_PAIR_H
#define CTLS_TEST_PAIR_H

#include <ctls/ctls.h>

/* Directory holding the test PKI (tests/certs/mkcerts.sh output), generated once per process.
 * NULL if generation failed. */
const char *tp_certdir(void);
/* Path of a file in it (static buffer, rotated among 8). */
const char *tp_cert(const char *name);
/* A server config with the given chain/key names from the PKI (e.g. "server-ecdsa"). */
ctls_config *tp_server_config(const char *name);
/* A client config trusting ca.pem, verifying at the fixed test time 2026-01-01. */
ctls_config *tp_client_config(void);
/* A client (trusting the test PKI, SNI "localhost") and a server with the named chain. */
typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
} tp_pair;
/* Create both and run the handshake; returns 0 when it completed (CHECKed by the caller). */
int tp_pair_open(tp_pair *p, const char *server_cert);
void tp_pair_close(tp_pair *p);
/* Move pending output a->b and b->a (optionally max bytes per move: 0 = all). Returns bytes. */
size_t tp_pump(ctls_conn *a, ctls_conn *b, size_t max);
/* Send n bytes a -> b (pumping at most split bytes per move; 0 = all) and CHECK that they
 * arrive intact: writes as large as ctls_write accepts, reads as large as what is left. */
void tp_exchange(ctls_conn *a, ctls_conn *b, size_t n, size_t split);
/* Drive both handshakes until both return 0 or one fails (or no progress). Client and server
 * results in *crc / *src. Returns 0 when both completed. */
int tp_handshake(ctls_conn *c, ctls_conn *s, int *crc, int *src);
/* Same, moving at most max bytes per pump (byte-at-a-time with 1). */
int tp_handshake_split(ctls_conn *c, ctls_conn *s, size_t max, int *crc, int *src);

/* CHECK that the peer chain of x is exactly the certificates of the PEM file name (test PKI). */
void tp_check_chain(ctls_conn *x, const char *name);

/* Load the PKI's chain and key name (name.pem, name.key) into *out, a cfg_cert of
 * api/internal.h (cfg_cert_clear frees it), to swap into a config in white-box tests. CHECKed;
 * 0 or a status. */
struct cfg_cert;
int tp_load_cert(struct cfg_cert *out, const char *name);

#endif
