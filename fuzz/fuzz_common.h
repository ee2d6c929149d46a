/* Shared by the fuzz targets and the corpus generator: the deterministic mode (fixed
 * randomness per role, fixed verification time, a fixed Ed25519 PKI), the configurations, and
 * the "chunk" input format that lets a fuzzer talk through the record protection.
 *
 * Chunk format (fuzz_client, fuzz_server): one option byte, then chunks
 *     ctrl(1) len(2, big endian) payload(len)
 * ctrl 0x00: payload is raw wire bytes (any framing).
 * ctrl 0x80|T: payload is the plaintext of one record of content type T. While the
 *     connection has read keys, the harness protects it with a copy of those keys (the record
 *     the peer would have sent: TLS 1.3 or TLS 1.2 protection, after the connection's
 *     version); before that it is framed as a plaintext record of type T.
 * ctrl T (0 < T < 0x80): a plaintext record of type T, never protected.
 * With fixed randomness and Ed25519 signatures a whole handshake is reproducible, so recorded
 * plaintext flights (fuzz/gen_corpus.c) replay exactly and mutations reach every state. */
#ifndef CTLS_FUZZ_COMMON_H
#define CTLS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ctls/ctls.h>

#include "api/internal.h"
#include "core/mem.h"
#include "crypto/crypto.h"
#include "fuzz_keys.h"
#include "record/record.h"
#include "session/cache.h"
#include "session/session.h"

/* ---- fixed randomness: one stream per role, reset for every input ---- */
typedef struct {
    uint64_t s;
} fz_rng;

static fz_rng fz_rng_client, fz_rng_server;

static inline int fz_rng_fill(void *ctx, void *buf, size_t len)
{
    fz_rng *r = ctx;
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        /* splitmix64, one byte per step: plenty for a test stream */
        uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        p[i] = (uint8_t)(z ^ (z >> 31));
    }
    return 0;
}

static inline void fz_rng_reset(void)
{
    fz_rng_client.s = 0xC11E47;
    fz_rng_server.s = 0x5E4E4;
}

/* Route ctls_random to the stream of the connection about to run. */
static inline void fz_use(ctls_conn *c)
{
    ctls_random_set_test_hook(fz_rng_fill,
                              c->role == CTLS_CLIENT ? &fz_rng_client : &fz_rng_server);
}

/* The sessions' wall clock, frozen at its first reading: every ticket of a run is issued,
 * received and presented in the same millisecond, so the obfuscated ticket age in a resumed
 * ClientHello is always the age_add, and recorded resumptions (gen_corpus) replay. */
static inline int64_t fz_wall_ms(void)
{
    static int64_t frozen;
    if (!frozen) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        frozen = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    }
    return frozen;
}

/* ---- configurations (built once per process; read-only afterwards) ---- */
enum {
    FZ_OPT_CLIENT_AUTH = 1, /* server demands a certificate; client has one */
    FZ_OPT_HRR = 2,         /* server prefers secp256r1, client shares x25519: HelloRetryRequest */
    FZ_OPT_ALPN = 4,        /* both sides configure ALPN */
    FZ_OPT_TLS12 = 8,       /* both sides TLS 1.2 only */
    FZ_OPT_BASE = 15,       /* the options fuzz_record reads (its high nibble is a split) */
    /* client: offers post_handshake_auth and has a certificate; server: sends
     * CertificateRequests once connected (fz_pha_requests), the input answers them */
    FZ_OPT_PHA = 16,
    /* server: session cache on, primed with one session (fz_cache_load), and TLS 1.3 early
     * data accepted (max 4096: the primed session allows it); fuzz_client: the client offers
     * that session (TLS 1.3: with early data, fz_client_resume) */
    FZ_OPT_CACHE = 32,
    /* server with FZ_OPT_PHA: two requests at once instead of one. Without FZ_OPT_PHA (no seed
     * had that combination, so none changes): the client asks for an OCSP staple
     * (ctls_config_set_ocsp_request; every server configuration has one, fz_ocsp_der) */
    FZ_OPT_PHA_TWICE = 64,
    /* TLS 1.2 renegotiation allowed on both sides (ctls_config_set_renegotiation); the server
     * calls ctls_renegotiate (a HelloRequest) once connected (fz_kick), the client reads on:
     * the input carries the peer's renegotiation flight (it matters once TLS 1.2 is
     * negotiated, with FZ_OPT_TLS12) */
    FZ_OPT_RENEG = 128,
    FZ_OPT_CFG = 255, /* the options that make a configuration (fz_config_slot) */
    FZ_OPT_MASK = 255,
};

static ctls_config *fz_cfg_cache[2][FZ_OPT_CFG + 1];

/* FZ_OPT_PHA_TWICE without FZ_OPT_PHA: the client asks for OCSP stapling */
static inline int fz_ocsp_requested(unsigned opt)
{
    return (opt & (FZ_OPT_PHA | FZ_OPT_PHA_TWICE)) == FZ_OPT_PHA_TWICE;
}

/* The server's OCSP response for every chain: ctls checks only that it is one DER SEQUENCE.
 * OCSPResponse { successful, [0] { id-pkix-ocsp-basic, OCTET STRING "fuzz" } } */
static const uint8_t fz_ocsp_der[] = {0x30, 0x18, 0x0a, 0x01, 0x00, 0xa0, 0x13, 0x30, 0x11,
                                      0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30,
                                      0x01, 0x01, 0x04, 0x04, 'f',  'u',  'z',  'z'};

/* The key log is on in every configuration: each handshake formats its lines (keylog.c); the
 * callback only reads them. */
static volatile size_t fz_keylog_bytes;

static inline void fz_keylog(void *ctx, const ctls_conn *c, const char *line)
{
    (void)ctx;
    (void)c;
    fz_keylog_bytes += strlen(line);
}

static inline ctls_config **fz_config_slot(int role, unsigned opt)
{
    opt &= FZ_OPT_CFG;
    if (role != CTLS_SERVER) opt &= ~(unsigned)FZ_OPT_CACHE; /* a server option */
    /* the number of requests is the harness's (fz_input_begin); alone it is the client's
     * OCSP request */
    if (role == CTLS_SERVER || !fz_ocsp_requested(opt)) opt &= ~(unsigned)FZ_OPT_PHA_TWICE;
    return &fz_cfg_cache[role == CTLS_SERVER][opt];
}

static inline ctls_config *fz_config(int role, unsigned opt)
{
    opt &= FZ_OPT_CFG;
    ctls_config **slot = fz_config_slot(role, opt);
    if (*slot) return *slot;
    ctls_config *cfg = ctls_config_new(role);
    if (!cfg) abort();
    ctls_config_set_verify_time(cfg, FUZZ_NOW);
    ctls_config_set_session_tickets(cfg, 2);
    if (role == CTLS_SERVER) {
        if (ctls_config_add_cert_chain_mem(cfg, fuzz_server_pem, sizeof fuzz_server_pem - 1,
                                           fuzz_server_key, sizeof fuzz_server_key - 1) != 0)
            abort();
        if ((opt & FZ_OPT_TLS12) &&
            ctls_config_add_cert_chain_mem(cfg, fuzz_server12_pem, sizeof fuzz_server12_pem - 1,
                                           fuzz_server12_key, sizeof fuzz_server12_key - 1) != 0)
            abort();
        /* stapled only when a ClientHello asks: no recorded flight without status_request
         * changes */
        for (size_t i = 0; i < ((opt & FZ_OPT_TLS12) ? 2u : 1u); i++)
            if (ctls_config_set_ocsp_response(cfg, i, fz_ocsp_der, sizeof fz_ocsp_der) != 0)
                abort();
        /* one ticket key for the process: a rotation would draw a new one, mid-run, from
         * whichever connection's random stream is active */
        if (ctls_config_set_ticket_key_rotation(cfg, 0) != 0) abort();
        if (opt & FZ_OPT_CLIENT_AUTH) ctls_config_set_verify(cfg, CTLS_VERIFY_REQUIRE_PEER);
        if (opt & FZ_OPT_HRR) ctls_config_set_groups(cfg, "secp256r1");
        if (opt & FZ_OPT_CACHE) {
            if (ctls_config_set_session_cache(cfg, 8) != 0) abort();
            /* TLS 1.2: a ticket would take the place of the session ID (RFC 5077 3.4) */
            if (opt & FZ_OPT_TLS12) ctls_config_set_session_tickets(cfg, 0);
            /* TLS 1.3: the cache's tickets announce early data, so the primed session may
             * carry some (the NewSessionTickets change, no recorded handshake does) */
            if (ctls_config_set_max_early_data(cfg, 4096) != 0) abort();
        }
    } else {
        if (opt & FZ_OPT_PHA) ctls_config_set_post_handshake_auth(cfg, 1);
        if (fz_ocsp_requested(opt) && ctls_config_set_ocsp_request(cfg, 1) != 0) abort();
        if (opt & (FZ_OPT_CLIENT_AUTH | FZ_OPT_PHA))
            if (ctls_config_add_cert_chain_mem(cfg, fuzz_client_pem, sizeof fuzz_client_pem - 1,
                                               fuzz_client_key, sizeof fuzz_client_key - 1) != 0)
                abort();
        ctls_config_set_groups(cfg, "x25519:secp256r1:secp384r1");
        /* Verification runs (and is fuzzed) but never stops the handshake: on the pause the
         * harness accepts the peer whatever the result. */
        ctls_config_set_break_on_server_auth(cfg, 1);
    }
    if (opt & FZ_OPT_TLS12) (void)ctls_config_set_versions(cfg, CTLS_TLS1_2, CTLS_TLS1_2);
    if (opt & FZ_OPT_RENEG) ctls_config_set_renegotiation(cfg, 1);
    if (opt & FZ_OPT_ALPN)
        ctls_config_set_alpn(cfg, role == CTLS_SERVER ? "h2,http/1.1" : "http/1.1,h2");
    if (ctls_config_set_keylog(cfg, fz_keylog, NULL) != 0) abort();
    *slot = cfg;
    return cfg;
}

/* Trust anchors are loaded lazily from memory: ctls_config has no "trust from memory" call,
 * so the PEM goes through a file once per process. */
static inline void fz_config_trust(ctls_config *cfg)
{
    static char path[64];
    if (!path[0]) {
        strcpy(path, "/tmp/ctls-fuzz-ca-XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0) abort();
        if (write(fd, fuzz_ca_pem, sizeof fuzz_ca_pem - 1) != (ssize_t)(sizeof fuzz_ca_pem - 1))
            abort();
        close(fd);
    }
    if (ctls_config_load_trust_file(cfg, path) != 0) abort();
}

static inline ctls_config *fz_config_full(int role, unsigned opt)
{
    int fresh = *fz_config_slot(role, opt) == NULL;
    sess_test_wall_ms = fz_wall_ms;
    ctls_config *cfg = fz_config(role, opt);
    if (fresh) {
        fz_config_trust(cfg);
        /* The server's ticket key is made on first use, from the random stream of the
         * connection at hand: make it now from a stream of its own, or the first input of a
         * process (and gen_corpus, with fresh configs) would see a different server stream
         * after the tickets than every later one (a post-handshake CertificateRequest's
         * context, a cache key). */
        static fz_rng cfg_rng; /* stays the hook until the next fz_use */
        cfg_rng.s = 0xC0F16;
        ctls_random_set_test_hook(fz_rng_fill, &cfg_rng);
        if (role == CTLS_SERVER) {
            ticket_keyset ks; /* the keys are made by their first use (ticket_keys.c) */
            if (ticket_keys_get(cfg, &ks) != 0) abort();
            ctls_wipe(&ks, sizeof ks);
        }
    }
    return cfg;
}

/* ---- driving a connection ---- */
static uint8_t fz_scratch[16384];

/* Server with FZ_OPT_PHA: CertificateRequests still to send once connected; with
 * FZ_OPT_RENEG: a renegotiation to ask for (set per input by fz_input_begin; sent by fz_kick
 * from fz_drive / fz_step, so at the same point of the random stream in the fuzz targets and
 * in gen_corpus). */
static unsigned fz_pha_requests, fz_reneg_requests;

static inline void fz_input_begin(unsigned opt)
{
    fz_rng_reset();
    fz_pha_requests = !(opt & FZ_OPT_PHA) ? 0 : (opt & FZ_OPT_PHA_TWICE) ? 2 : 1;
    fz_reneg_requests = (opt & FZ_OPT_RENEG) != 0;
}

static inline void fz_kick(ctls_conn *c)
{
    if (c->role != CTLS_SERVER || ctls_state(c) != CTLS_STATE_CONNECTED) return;
    for (; fz_pha_requests; fz_pha_requests--)
        (void)ctls_request_client_auth(c);
    /* a HelloRequest (TLS 1.2 only: BAD_STATE on TLS 1.3) */
    for (; fz_reneg_requests; fz_reneg_requests--)
        (void)ctls_renegotiate(c);
}

/* Throw away what the connection wants to send. */
static inline void fz_drain(ctls_conn *c)
{
    const void *p;
    size_t n;
    while ((n = ctls_conn_output(c, &p)) > 0)
        ctls_conn_consume_output(c, n);
}

/* Server with early data on (FZ_OPT_CACHE): read what early data there is before the
 * handshake goes on (ctls_read_early_data runs it up to the early data; the harness does not
 * need it, the handshake keeps accepted early data aside, but this is its reading path). */
static inline void fz_early(ctls_conn *c)
{
    if (c->role != CTLS_SERVER || !c->cfg->max_early_data) return;
    while (ctls_read_early_data(c, fz_scratch, sizeof fz_scratch) > 0) {}
}

/* Once a connection is done with its input: the exporter, fixed label, with and without a
 * context (CTLS_ERR_BAD_STATE before a completed handshake). */
static inline void fz_export(ctls_conn *c)
{
    static const char label[] = "EXPORTER-ctls-fuzz";
    static const uint8_t ctx[] = {'f', 'u', 'z', 'z'};
    uint8_t out[64];
    (void)ctls_export_keying_material(c, label, sizeof label - 1, NULL, 0, 0, out, 32);
    (void)ctls_export_keying_material(c, label, sizeof label - 1, ctx, sizeof ctx, 1, out, 64);
    (void)ctls_export_keying_material(c, label, sizeof label - 1, NULL, 0, 1, out, 17);
}

/* Run the handshake (accepting the peer on a pause), then read application data, until the
 * connection waits for input or fails. Returns 0 while the connection is usable. */
static inline int fz_drive(ctls_conn *c)
{
    for (int guard = 0; guard < 64; guard++) {
        fz_use(c);
        int rc;
        if (ctls_state(c) != CTLS_STATE_CONNECTED && ctls_state(c) != CTLS_STATE_CLOSED) {
            fz_early(c);
            rc = ctls_handshake(c);
            if (rc == CTLS_PAUSED_SERVER_AUTH) {
                ctls_accept_peer(c);
                continue;
            }
            if (rc == 0) continue;
        } else {
            fz_kick(c);
            ssize_t n = ctls_read(c, fz_scratch, sizeof fz_scratch);
            if (n > 0) {
                /* echo a little back: exercises the write side under current keys */
                (void)ctls_write(c, fz_scratch, n > 64 ? 64 : (size_t)n);
                continue;
            }
            rc = (int)n;
            if (n == 0) {
                (void)ctls_shutdown(c);
                rc = CTLS_WANT_READ;
            }
        }
        fz_drain(c);
        if (rc == CTLS_WANT_READ || rc == CTLS_WANT_WRITE) return 0;
        return -1;
    }
    fz_drain(c);
    return 0;
}

/* Feed bytes; 0 if all were taken. */
static inline int fz_feed(ctls_conn *c, const uint8_t *p, size_t n)
{
    while (n) {
        size_t used = 0;
        if (ctls_conn_feed(c, p, n, &used) != 0 || used == 0) return -1;
        p += used;
        n -= used;
        if (n && fz_drive(c) != 0) return -1;
    }
    return 0;
}

/* One chunk: build the record it describes in out (capacity cap); returns its length. */
static inline size_t fz_build_record(ctls_conn *c, uint8_t ctrl, const uint8_t *p, size_t n,
                                     uint8_t *out, size_t cap)
{
    if (ctrl == 0) {
        if (n > cap) n = cap;
        memcpy(out, p, n);
        return n;
    }
    uint8_t type = ctrl & 0x7f;
    if ((ctrl & 0x80) && c->rd.aead && c->version == CTLS_TLS1_2) {
        rec_keys k = c->rd; /* as below */
        if (n > REC_MAX_PLAIN) n = REC_MAX_PLAIN;
        if (rec_seal12(&k, type, p, n, out) != 0) return 0;
        return REC_HEADER_LEN + rec_overhead12(&k) + n;
    }
    if ((ctrl & 0x80) && c->rd.aead) {
        size_t max = REC_MAX_CIPHER - 1 - CTLS_AEAD_TAG_LEN;
        if (n > max) n = max;
        rec_keys k = c->rd; /* same key and IV, current sequence number; never freed here */
        if (rec_seal13(&k, type, p, n, out) != 0) return 0;
        return REC_HEADER_LEN + n + 1 + CTLS_AEAD_TAG_LEN;
    }
    if (n > 0xffff) n = 0xffff;
    out[0] = type;
    out[1] = 0x03;
    out[2] = 0x03;
    out[3] = (uint8_t)(n >> 8);
    out[4] = (uint8_t)n;
    memcpy(out + REC_HEADER_LEN, p, n);
    return REC_HEADER_LEN + n;
}

static uint8_t fz_rec[REC_HEADER_LEN + 0xffff + 64];

/* Run the chunks of data (after the option byte) against c. */
static inline void fz_run_chunks(ctls_conn *c, const uint8_t *data, size_t size)
{
    if (fz_drive(c) != 0) return;
    while (size >= 3) {
        uint8_t ctrl = data[0];
        size_t n = (size_t)data[1] << 8 | data[2];
        data += 3;
        size -= 3;
        if (n > size) n = size;
        size_t rl = fz_build_record(c, ctrl, data, n, fz_rec, sizeof fz_rec);
        data += n;
        size -= n;
        if (fz_feed(c, fz_rec, rl) != 0 || fz_drive(c) != 0) return;
    }
    (void)ctls_conn_feed_eof(c);
    (void)fz_drive(c);
}

/* Run c until it waits for input (handshake, then reads), keeping its output; <0 on failure.
 * For two connections talking in memory (fz_cache_load, gen_corpus). */
static inline int fz_step(ctls_conn *c)
{
    for (;;) {
        fz_use(c);
        if (ctls_state(c) == CTLS_STATE_HANDSHAKE || ctls_state(c) == CTLS_STATE_IDLE) {
            fz_early(c);
            int rc = ctls_handshake(c);
            if (rc == CTLS_PAUSED_SERVER_AUTH) {
                ctls_accept_peer(c);
                continue;
            }
            if (rc == 0) continue;
            return rc == CTLS_WANT_READ ? 0 : rc;
        }
        fz_kick(c);
        ssize_t n = ctls_read(c, fz_scratch, sizeof fz_scratch);
        if (n > 0) continue;
        return n == CTLS_WANT_READ || n == 0 ? 0 : (int)n;
    }
}

/* ---- FZ_OPT_CACHE: a server cache holding one session of ours ----
 * Once per process and configuration a real handshake (fixed randomness) fills the cache;
 * the entry naming the client's session (its TLS 1.3 ticket or TLS 1.2 session ID) is kept.
 * For every input the cache is emptied and that entry put back, issued now: inputs stay
 * independent (TLS 1.3 entries are single-use) and a recorded resumption (gen_corpus)
 * replays. */
typedef struct {
    int primed, have;
    uint8_t key[CACHE_KEY_LEN];
    cache_state st;
    ctls_session *sess; /* the client's session (gen_corpus resumes with it) */
} fz_cached;

static fz_cached fz_cached_tab[FZ_OPT_CFG + 1];

/* Move what from has to send into to; <0 on failure. */
static inline int fz_pass(ctls_conn *from, ctls_conn *to)
{
    const void *p;
    size_t n;
    while ((n = ctls_conn_output(from, &p)) > 0) {
        size_t used = 0;
        if (ctls_conn_feed(to, p, n, &used) != 0 || used == 0) return -1;
        ctls_conn_consume_output(from, used);
        if (fz_step(to) != 0) return -1;
    }
    return 0;
}

static inline void fz_cache_prime(ctls_config *scfg, unsigned opt, fz_cached *e)
{
    e->primed = 1;
    fz_rng_reset();
    fz_pha_requests = fz_reneg_requests = 0;
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_CLIENT, opt & ~(unsigned)FZ_OPT_CACHE));
    ctls_conn *s = ctls_conn_new(scfg);
    if (c && s) {
        ctls_conn_set_server_name(c, "fuzz.example");
        int rc = fz_step(s);
        for (int i = 0; i < 8 && rc == 0; i++) {
            rc = fz_step(c);
            if (rc == 0) rc = fz_pass(c, s);
            if (rc == 0) rc = fz_pass(s, c);
        }
        ctls_session *sess = ctls_conn_get_session(c);
        const uint8_t *key = NULL;
        if (sess && sess->version == CTLS_TLS1_3 && sess->ticket_len == CACHE_KEY_LEN)
            key = sess->ticket;
        if (sess && sess->version == CTLS_TLS1_2 && sess->session_id_len == CACHE_KEY_LEN)
            key = sess->session_id;
        if (key &&
            cache_get(scfg->cache, key, CACHE_KEY_LEN, sess->version, sess_wall_ms(), &e->st)) {
            /* Fixed key and secret on both sides: a TLS 1.2 master secret depends on the
             * ECDSA signature in the priming handshake (random nonce, not ours to fix). */
            memset(e->key, 0xCA, CACHE_KEY_LEN);
            memcpy((uint8_t *)key, e->key, CACHE_KEY_LEN);
            memset(e->st.secret, 0x5E, e->st.secret_len);
            memcpy(sess->psk, e->st.secret, e->st.secret_len);
            e->have = 1;
            e->sess = sess;
        } else {
            ctls_session_free(sess);
        }
    }
    ctls_conn_free(c);
    ctls_conn_free(s);
}

/* Empty the cache of scfg (a server configuration with FZ_OPT_CACHE) and put the primed
 * session back; returns the client's side of it (NULL when none), owned here. */
static inline const ctls_session *fz_cache_load(ctls_config *scfg, unsigned opt)
{
    fz_cached *e = &fz_cached_tab[opt & FZ_OPT_CFG];
    if (!e->primed) fz_cache_prime(scfg, opt, e);
    cache_free(scfg->cache);
    scfg->cache = NULL;
    if (cache_new(8, &scfg->cache) != 0) abort();
    if (e->have) {
        e->st.issued_ms = (uint64_t)sess_wall_ms();
        if (cache_put(scfg->cache, e->key, &e->st) != 0) abort();
    }
    return e->have ? e->sess : NULL;
}

/* Client: offer sess (from fz_cache_load) and, with early set and a ticket that allows it,
 * early data (fz_early_data). The ClientHello's obfuscated ticket age counts the milliseconds
 * since the session arrived, which the frozen clock (fz_wall_ms) makes 0, so a recorded
 * resumption (gen_corpus) replays in fuzz_client (the transcript covers the age). Returns 0
 * or the ctls_conn_set_session error. */
static const char fz_early_data[] = "early data, 0-RTT";

static inline int fz_client_resume(ctls_conn *c, const ctls_session *sess, int early)
{
    ctls_session *s = (ctls_session *)sess; /* owned by fz_cached_tab */
    fz_use(c);
    s->received_ms = sess_wall_ms();
    int rc = ctls_conn_set_session(c, s);
    if (rc == 0 && early && s->version == CTLS_TLS1_3 && s->max_early_data)
        (void)ctls_write_early_data(c, fz_early_data, sizeof fz_early_data - 1);
    return rc;
}

/* CTLS_FUZZ_VERBOSE=1: say how far an input got (corpus debugging with the replay runner). */
static inline void fz_report(ctls_conn *c)
{
    if (!getenv("CTLS_FUZZ_VERBOSE")) return;
    int st = ctls_state(c);
    size_t ocsp = 0;
    (void)ctls_peer_ocsp_response(c, &ocsp);
    fprintf(stderr,
            "fuzz: %s state=%d %s alert_received=%d resumed=%d renegotiations=%d early=%d "
            "ocsp=%zu\n",
            c->role == CTLS_CLIENT ? "client" : "server", st,
            st == CTLS_STATE_ABORTED ? ctls_strerror(c->fatal) : "", ctls_alert_received(c),
            ctls_session_resumed(c), ctls_renegotiations(c), ctls_early_data_status(c), ocsp);
}

#endif
