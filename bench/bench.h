/* ctls-bench: ctls, OpenSSL libssl and GnuTLS side by side, in one process and one thread,
 * over in-memory transports, next to the crypto-bound ceiling timed through libcrypto. */
#ifndef CTLS_BENCH_H
#define CTLS_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- sides and heap accounting (heap.c) ----------------------------------------------- */
enum { SIDE_CLIENT = 0, SIDE_SERVER = 1, SIDE_NONE = 2 };

/* Every malloc/calloc/realloc/free in the process is routed through heap.c. While tracking is
 * on, the bytes (malloc_usable_size) are charged to the current side tag: the benchmark sets
 * the tag to the side whose library call is running, so memory libssl / GnuTLS / ctls and
 * libcrypto allocate on behalf of a connection is charged to it. Tracking is meant for one
 * thread; the other benchmarks leave it off. */
void heap_tracking(int on); /* on: starts a fresh table of live blocks */
int heap_ok(void);          /* 0 if the table overflowed (the figure is then void) */
int heap_tag(int side);     /* returns the previous tag */
int64_t heap_live(int side);
int64_t heap_peak(int side);
void heap_reset_peak(int side);
uint64_t heap_allocs(int side);

/* ---- test certificates (certs.c) ------------------------------------------------------ */
extern const char bench_ec_crt[], bench_ec_key[], bench_rsa_crt[], bench_rsa_key[];

/* ---- parameters of one figure --------------------------------------------------------- */
enum { CERT_ECDSA, CERT_RSA };

typedef struct {
    int tls12;         /* 0: TLS 1.3 only, 1: TLS 1.2 only */
    const char *group; /* "x25519" or "secp256r1" */
    int cert;          /* CERT_ECDSA (P-256) or CERT_RSA (2048, rsa_pss_rsae_sha256 in 1.3) */
    const char *suite; /* IANA name */
    int tickets;       /* server: tickets per handshake (0 in the full-handshake figures) */
} bench_params;

const char *bench_cert_pem(int cert);
const char *bench_key_pem(int cert);

/* ---- a one-way byte queue owned by the benchmark (not charged to any side) ------------- */
typedef struct {
    uint8_t *buf;
    size_t cap, r, w;
} bench_pipe;

void pipe_put(bench_pipe *p, const void *data, size_t len);
size_t pipe_get(bench_pipe *p, void *data, size_t len);
size_t pipe_avail(const bench_pipe *p);
void pipe_release(bench_pipe *p); /* frees the buffer (the queue must be empty) */

/* ---- a library under test ------------------------------------------------------------- */
typedef struct bench_lib {
    const char *name;
    const char *(*version)(void);
    /* Client and server configuration for p, shared by every connection (and thread).
     * NULL when the library cannot run the figure (the reason is printed once). */
    void *(*config_new)(const bench_params *p);
    void (*config_free)(void *cfg);
    /* The container of one client/server pair and its transport (not charged). */
    void *(*pair_new)(void *cfg);
    void (*pair_free)(void *pair);
    void (*pair_trim)(void *pair); /* release transport buffers between uses */
    /* One side's connection; the client offers session when it is not NULL. 0 or -1. */
    int (*conn_new)(void *pair, int side, void *session);
    void (*conn_free)(void *pair, int side);
    /* Move the bytes waiting for this side in, and run its handshake: 1 = complete,
     * 0 = call again after the peer ran, -1 = failed (printed). */
    int (*step)(void *pair, int side);
    int (*resumed)(void *pair); /* client: 1 when the handshake resumed a session */
    /* Client, after a handshake: takes the server's tickets in and returns a session to
     * resume, or NULL. */
    void *(*get_session)(void *pair);
    void (*session_free)(void *session);
    /* Bulk: the client writes len bytes in one call; the server reads exactly len bytes. */
    int (*send)(void *pair, const void *buf, size_t len);
    int (*recv)(void *pair, void *buf, size_t len);
    /* Sets up what the library keeps per thread (random generators, error queues), so that
     * a connection's first handshake in a fresh thread is not charged for it. */
    void (*thread_init)(void);
    /* "TLSv1.3 TLS_AES_128_GCM_SHA256 x25519" or similar, for the sanity line. */
    void (*describe)(void *pair, char *out, size_t len);
} bench_lib;

extern const bench_lib bench_lib_ctls;
extern const bench_lib bench_lib_openssl;
extern const bench_lib bench_lib_gnutls; /* name "gnutls"; config_new returns NULL when the
                                            benchmark was built without GnuTLS */

/* ---- the crypto-bound ceiling (ceiling.c) --------------------------------------------- */
typedef struct ceiling ceiling;
/* kind: 0 = full handshake (two key pairs + two derivations, one signature, one
 * verification), 1 = resumed (two key pairs + two derivations). */
ceiling *ceiling_new(const bench_params *p, int kind);
/* tight: X25519 by the cheapest libcrypto route we know (ceiling.c); NULL for other groups. */
ceiling *ceiling_new_ex(const bench_params *p, int kind, int tight);
/* One handshake's public-key work; 0 or -1. side_s (may be NULL) gains the thread CPU time of
 * the client's and the server's part. */
int ceiling_handshake(ceiling *c, double side_s[2]);
/* Bulk: AEAD seal then open of len bytes (TLS 1.3 record: 5-byte AAD, 12-byte nonce). */
int ceiling_bulk(ceiling *c, uint8_t *buf, size_t len, uint64_t seq);
void ceiling_free(ceiling *c);

/* ---- time ----------------------------------------------------------------------------- */
double now_wall(void);       /* CLOCK_MONOTONIC, seconds */
double now_thread_cpu(void); /* CLOCK_THREAD_CPUTIME_ID, seconds */

#endif
