/* ctls-bench: see bench/README.md.
 *
 *   ctls-bench [--quick] [--json] [--only NAME[,NAME...]] [--libs LIB[,LIB...]]
 *              [--runs N] [--threads N] [--heap-conns N] [--list]
 *
 * Every figure is measured for the crypto-bound ceiling, ctls, OpenSSL libssl and GnuTLS,
 * interleaved run by run; the table shows the median of the runs. Rates are per second of the
 * benchmark thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which a busy machine disturbs less
 * than wall time; wall-time rates are in the details and in --json. */
#include "bench.h"

#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- small helpers shared by the library modules -------------------------------------- */
double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double now_thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *bench_cert_pem(int cert)
{
    return cert == CERT_RSA ? bench_rsa_crt : bench_ec_crt;
}
const char *bench_key_pem(int cert)
{
    return cert == CERT_RSA ? bench_rsa_key : bench_ec_key;
}

void pipe_put(bench_pipe *p, const void *data, size_t len)
{
    int t = heap_tag(SIDE_NONE);
    if (p->r == p->w) p->r = p->w = 0;
    if (p->w + len > p->cap) {
        if (p->r > 0) {
            memmove(p->buf, p->buf + p->r, p->w - p->r);
            p->w -= p->r;
            p->r = 0;
        }
        if (p->w + len > p->cap) {
            size_t cap = p->cap ? p->cap : 4096;
            while (cap < p->w + len)
                cap *= 2;
            uint8_t *nb = realloc(p->buf, cap);
            if (!nb) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
            p->buf = nb;
            p->cap = cap;
        }
    }
    memcpy(p->buf + p->w, data, len);
    p->w += len;
    heap_tag(t);
}

size_t pipe_get(bench_pipe *p, void *data, size_t len)
{
    size_t n = p->w - p->r;
    if (n > len) n = len;
    memcpy(data, p->buf + p->r, n);
    p->r += n;
    return n;
}

size_t pipe_avail(const bench_pipe *p)
{
    return p->w - p->r;
}

void pipe_release(bench_pipe *p)
{
    int t = heap_tag(SIDE_NONE);
    free(p->buf);
    heap_tag(t);
    p->buf = NULL;
    p->cap = p->r = p->w = 0;
}

/* ---- figures -------------------------------------------------------------------------- */
enum { FIG_HS, FIG_RESUME, FIG_BULK, FIG_HEAP };

typedef struct {
    const char *name;
    const char *label;
    int kind;
    bench_params p;
    double target; /* ctls / ceiling wanted (rates) */
} figure;

#define AES128 "TLS_AES_128_GCM_SHA256"
#define CHACHA "TLS_CHACHA20_POLY1305_SHA256"
#define ECDHE_ECDSA_AES128 "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"

static const figure FIGS[] = {
    {"hs13-x25519-ecdsa",
     "full hs 1.3 X25519 + ECDSA P-256 (HS/s)",
     FIG_HS,
     {0, "x25519", CERT_ECDSA, AES128, 0},
     0.90},
    {"hs13-x25519-rsa",
     "full hs 1.3 X25519 + RSA-2048 PSS (HS/s)",
     FIG_HS,
     {0, "x25519", CERT_RSA, AES128, 0},
     0.90},
    {"hs13-p256-ecdsa",
     "full hs 1.3 secp256r1 + ECDSA P-256 (HS/s)",
     FIG_HS,
     {0, "secp256r1", CERT_ECDSA, AES128, 0},
     0.90},
    {"resume13-x25519",
     "resumed 1.3 psk_dhe_ke X25519 (HS/s)",
     FIG_RESUME,
     {0, "x25519", CERT_ECDSA, AES128, 1},
     0.90},
    {"hs12-x25519-ecdsa",
     "full hs 1.2 ECDHE X25519 + ECDSA (HS/s)",
     FIG_HS,
     {1, "x25519:secp256r1", CERT_ECDSA, ECDHE_ECDSA_AES128, 0},
     0.90},
    {"resume12-ticket",
     "resumed 1.2 ticket (HS/s)",
     FIG_RESUME,
     {1, "x25519:secp256r1", CERT_ECDSA, ECDHE_ECDSA_AES128, 1},
     0},
    {"bulk-aes128gcm",
     "bulk 1.3 AES-128-GCM (MB/s)",
     FIG_BULK,
     {0, "x25519", CERT_ECDSA, AES128, 0},
     0.97},
    {"bulk-chacha20",
     "bulk 1.3 ChaCha20-Poly1305 (MB/s)",
     FIG_BULK,
     {0, "x25519", CERT_ECDSA, CHACHA, 0},
     0.97},
    {"heap", "heap per connection", FIG_HEAP, {0, "x25519", CERT_ECDSA, AES128, 0}, 0},
};
#define NFIGS (sizeof(FIGS) / sizeof(FIGS[0]))

enum { L_CEIL, L_CTLS, L_OSSL, L_GNUTLS, NLIBS };
static const char *const LIBNAMES[NLIBS] = {"ceiling", "ctls", "openssl", "gnutls"};
static const bench_lib *const LIBS[NLIBS] = {NULL, &bench_lib_ctls, &bench_lib_openssl,
                                             &bench_lib_gnutls};

#define MAXRUNS 32
enum { CELL_SKIP, CELL_NA, CELL_FAIL, CELL_OK };

typedef struct {
    int state;
    int n;
    double rate[MAXRUNS];       /* per CPU second */
    double wall_rate[MAXRUNS];  /* per wall second */
    double side_us[2][MAXRUNS]; /* handshake figures: time in each side's calls, us/handshake */
    char desc[128];
    /* heap figure */
    double idle[2], peak[2], peak_max[2], allocs[2], leak[2];
} cell;

static struct {
    int quick, json, runs, threads, heap_conns, list;
    const char *only, *libs;
    double hs_seconds;
    size_t bulk_bytes;
} opt;

static cell results[NFIGS][NLIBS];
/* The tight X25519 ceiling (ceiling.c), sampled next to the ceiling in the X25519 handshake
 * figures: shown apart, the targets stay on the ceiling the issue defines. */
static cell tight_results[NFIGS];

static int name_selected(const char *list, const char *name, int substring)
{
    if (!list) return 1;
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
        if (substring ? strstr(name, t) != NULL : strcmp(name, t) == 0) return 1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    if (n <= 0) return 0;
    double t[MAXRUNS];
    memcpy(t, v, sizeof(double) * (size_t)n);
    qsort(t, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* ---- driving a library ---------------------------------------------------------------- */
/* The client/server split: thread CPU time spent inside each side's calls. Reading that clock
 * is a system call (about 0.3 us), and a library whose handshake takes more calls would pay
 * more of them, so the split is measured on extra handshakes after the timed ones: one per
 * SPLIT_EVERY timed handshakes (at least 3), outside the rate. */
#define SPLIT_EVERY 4
/* The timed loop reads the clock once per this many handshakes, whatever the library. */
#define CLOCK_EVERY 8

static double split_clock(const double *side_s)
{
    return side_s ? now_thread_cpu() : 0;
}

/* Runs both sides' handshakes to completion; side_s (may be NULL) gains the time spent in
 * each side. */
static int pump(const bench_lib *L, void *pair, double side_s[2])
{
    int done[2] = {0, 0};
    for (int round = 0; round < 64; round++) {
        for (int side = 0; side < 2; side++) {
            if (done[side]) continue;
            int t = heap_tag(side);
            double t0 = split_clock(side_s);
            int rc = L->step(pair, side);
            if (side_s) side_s[side] += now_thread_cpu() - t0;
            heap_tag(t);
            if (rc < 0) return -1;
            done[side] = rc == 1;
        }
        if (done[0] && done[1]) return 0;
    }
    fprintf(stderr, "%s: the handshake made no progress\n", L->name);
    return -1;
}

static int conns_new(const bench_lib *L, void *pair, void *session, double side_s[2])
{
    for (int side = 0; side < 2; side++) {
        int t = heap_tag(side);
        double t0 = split_clock(side_s);
        int rc = L->conn_new(pair, side, side == SIDE_CLIENT ? session : NULL);
        if (side_s) side_s[side] += now_thread_cpu() - t0;
        heap_tag(t);
        if (rc != 0) return -1;
    }
    return 0;
}

static void conns_free(const bench_lib *L, void *pair, double side_s[2])
{
    for (int side = 0; side < 2; side++) {
        int t = heap_tag(side);
        double t0 = split_clock(side_s);
        L->conn_free(pair, side);
        if (side_s) side_s[side] += now_thread_cpu() - t0;
        heap_tag(t);
    }
    L->pair_trim(pair);
}

/* A session to resume, from one full handshake. */
static void *make_session(const bench_lib *L, void *cfg)
{
    double s[2] = {0, 0};
    void *pair = L->pair_new(cfg), *sess = NULL;
    if (pair && conns_new(L, pair, NULL, s) == 0 && pump(L, pair, s) == 0)
        sess = L->get_session(pair);
    if (pair) L->pair_free(pair);
    if (!sess) fprintf(stderr, "%s: no session to resume\n", L->name);
    return sess;
}

typedef struct {
    double cpu, wall, side[2];
    uint64_t n, split_n; /* handshakes, and how many of them were split */
} sample;

/* One handshake on pair: both connections created, handshaken, freed; split (may be NULL)
 * gains each side's time. The first one also describes what was negotiated and checks that a
 * session offered was resumed. */
static int one_hs(const bench_lib *L, void *pair, void *sess, double *split, int first, char *desc,
                  size_t desclen)
{
    if (conns_new(L, pair, sess, split) != 0 || pump(L, pair, split) != 0) return -1;
    if (first) {
        if (desc) L->describe(pair, desc, desclen);
        if (sess && !L->resumed(pair)) {
            fprintf(stderr, "%s: the session was not resumed\n", L->name);
            return -1;
        }
    }
    conns_free(L, pair, split);
    return 0;
}

static uint64_t split_count(uint64_t n)
{
    return n / SPLIT_EVERY < 3 ? 3 : n / SPLIT_EVERY;
}

static int hs_sample(const bench_lib *L, void *cfg, void *sess, double seconds, sample *out,
                     char *desc, size_t desclen)
{
    memset(out, 0, sizeof(*out));
    void *pair = L->pair_new(cfg);
    if (!pair) return -1;
    double c0 = now_thread_cpu(), w0 = now_wall();
    int rc = 0;
    do {
        if (one_hs(L, pair, sess, NULL, out->n == 0, desc, desclen) != 0) {
            rc = -1;
            break;
        }
        out->n++;
    } while (out->n < 3 || out->n % CLOCK_EVERY || now_thread_cpu() - c0 < seconds);
    out->cpu = now_thread_cpu() - c0;
    out->wall = now_wall() - w0;
    for (uint64_t i = split_count(out->n); rc == 0 && i > 0; i--, out->split_n++)
        rc = one_hs(L, pair, sess, out->side, 0, NULL, 0);
    L->pair_free(pair);
    return rc;
}

static int ceiling_hs_sample(ceiling *c, double seconds, sample *out)
{
    memset(out, 0, sizeof(*out));
    double c0 = now_thread_cpu(), w0 = now_wall();
    do {
        if (ceiling_handshake(c, NULL) != 0) return -1;
        out->n++;
    } while (out->n < 3 || out->n % CLOCK_EVERY || now_thread_cpu() - c0 < seconds);
    out->cpu = now_thread_cpu() - c0;
    out->wall = now_wall() - w0;
    for (uint64_t i = split_count(out->n); i > 0; i--, out->split_n++)
        if (ceiling_handshake(c, out->side) != 0) return -1;
    return 0;
}

#define RECORD 16384

static int bulk_sample(const bench_lib *L, void *cfg, ceiling *ceil, size_t total, sample *out,
                       char *desc, size_t desclen)
{
    /* dst has room for the ceiling's TLS 1.3 inner plaintext: the record's data and its
     * content type byte (RFC 8446 5.2), which every TLS 1.3 record encrypts too */
    static uint8_t src[RECORD], dst[RECORD + 1];
    for (size_t i = 0; i < RECORD; i++)
        src[i] = (uint8_t)(i * 7 + 1);
    memset(out, 0, sizeof(*out));
    void *pair = NULL;
    if (L) {
        double s[2] = {0, 0};
        pair = L->pair_new(cfg);
        if (!pair || conns_new(L, pair, NULL, s) != 0 || pump(L, pair, s) != 0) goto fail;
        L->describe(pair, desc, desclen);
        if (L->send(pair, src, RECORD) != 0 || L->recv(pair, dst, RECORD) != 0 ||
            memcmp(src, dst, RECORD) != 0) {
            fprintf(stderr, "%s: bulk data did not arrive intact\n", L->name);
            goto fail;
        }
    }
    uint64_t records = total / RECORD;
    double c0 = now_thread_cpu(), w0 = now_wall();
    for (uint64_t i = 0; i < records; i++) {
        if (L ? (L->send(pair, src, RECORD) != 0 || L->recv(pair, dst, RECORD) != 0)
              : ceiling_bulk(ceil, dst, RECORD + 1, i) != 0)
            goto fail;
    }
    out->cpu = now_thread_cpu() - c0;
    out->wall = now_wall() - w0;
    out->n = records * RECORD;
    if (L && memcmp(src, dst, RECORD) != 0) { /* the last record, untimed */
        fprintf(stderr, "%s: bulk data did not arrive intact\n", L->name);
        goto fail;
    }
    if (pair) L->pair_free(pair);
    return 0;
fail:
    if (pair) L->pair_free(pair);
    return -1;
}

static void record_sample(cell *c, const sample *s, double units)
{
    if (c->n >= MAXRUNS) return;
    c->rate[c->n] = units / s->cpu;
    c->wall_rate[c->n] = units / s->wall;
    c->side_us[0][c->n] = s->split_n ? s->side[0] * 1e6 / (double)s->split_n : 0;
    c->side_us[1][c->n] = s->split_n ? s->side[1] * 1e6 / (double)s->split_n : 0;
    c->n++;
    c->state = CELL_OK;
}

/* ---- heap ----------------------------------------------------------------------------- */
/* One connection pair's handshake, in a thread of its own: per-thread library caches (ctls
 * keeps released record buffers per thread) start cold, so the buffers a handshake uses are
 * charged to it; the per-thread random generators are set up first, uncharged. */
typedef struct {
    const bench_lib *L;
    void *pair;
    double peak[2];
    int rc;
} heap_job;

static void *heap_worker(void *v)
{
    heap_job *j = v;
    double s[2] = {0, 0};
    if (j->L->thread_init) j->L->thread_init();
    int64_t b[2] = {heap_live(0), heap_live(1)};
    heap_reset_peak(0);
    heap_reset_peak(1);
    j->rc = conns_new(j->L, j->pair, NULL, s) == 0 && pump(j->L, j->pair, s) == 0 ? 0 : -1;
    j->L->pair_trim(j->pair);
    for (int side = 0; side < 2; side++)
        j->peak[side] = (double)(heap_peak(side) - b[side]);
    return NULL;
}

static int heap_figure(const bench_lib *L, void *cfg, int n, cell *out)
{
    double s[2] = {0, 0};
    for (int i = 0; i < 16; i++) { /* warm up: lazily created library state */
        void *pair = L->pair_new(cfg);
        int rc = conns_new(L, pair, NULL, s) == 0 && pump(L, pair, s) == 0 ? 0 : -1;
        L->describe(pair, out->desc, sizeof(out->desc));
        L->pair_free(pair);
        if (rc != 0) return -1;
    }
    void **pairs = calloc((size_t)n, sizeof(void *));
    double *peaks[2] = {calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double))};
    if (!pairs || !peaks[0] || !peaks[1]) return -1;
    for (int i = 0; i < n; i++)
        pairs[i] = L->pair_new(cfg);
    int rc = 0, made = 0;
    heap_tracking(1);
    int64_t base[2] = {heap_live(0), heap_live(1)};
    uint64_t a0[2] = {heap_allocs(0), heap_allocs(1)};
    for (int i = 0; i < n && rc == 0; i++) {
        heap_job job = {L, pairs[i], {0, 0}, -1};
        pthread_t tid;
        if (pthread_create(&tid, NULL, heap_worker, &job) != 0 || pthread_join(tid, NULL) != 0) {
            rc = -1;
            break;
        }
        rc = job.rc;
        for (int side = 0; side < 2; side++)
            peaks[side][i] = job.peak[side];
        made = i + 1;
    }
    int64_t idle[2] = {heap_live(0) - base[0], heap_live(1) - base[1]};
    uint64_t allocs[2] = {heap_allocs(0) - a0[0], heap_allocs(1) - a0[1]};
    for (int i = 0; i < n; i++) {
        for (int side = 0; side < 2; side++) {
            int t = heap_tag(side);
            L->conn_free(pairs[i], side);
            heap_tag(t);
        }
    }
    int64_t leak[2] = {heap_live(0) - base[0], heap_live(1) - base[1]};
    if (!heap_ok()) {
        fprintf(stderr, "%s: the heap table overflowed; no heap figure\n", L->name);
        rc = -1;
    }
    heap_tracking(0);
    for (int i = 0; i < n; i++)
        L->pair_free(pairs[i]);
    if (rc == 0) {
        for (int side = 0; side < 2; side++) {
            qsort(peaks[side], (size_t)made, sizeof(double), cmp_double);
            out->idle[side] = (double)idle[side] / made;
            out->peak[side] = peaks[side][made / 2];
            out->peak_max[side] = peaks[side][made - 1];
            out->allocs[side] = (double)allocs[side] / made;
            out->leak[side] = (double)leak[side];
        }
        out->state = CELL_OK;
        out->n = 1;
    }
    free(pairs);
    free(peaks[0]);
    free(peaks[1]);
    return rc;
}

/* ---- one figure ----------------------------------------------------------------------- */
static void run_figure(size_t fi)
{
    const figure *f = &FIGS[fi];
    void *cfg[NLIBS] = {0};
    void *sess[NLIBS] = {0};
    ceiling *ceil = NULL, *tight = NULL;
    cell *row = results[fi];
    fprintf(stderr, "== %s\n", f->name);
    for (int l = 0; l < NLIBS; l++) {
        if (!name_selected(opt.libs, LIBNAMES[l], 0)) {
            row[l].state = CELL_SKIP;
            continue;
        }
        row[l].state = CELL_NA;
        if (l == L_CEIL) {
            if (f->kind == FIG_HEAP || (f->kind == FIG_RESUME && f->p.tls12))
                continue; /* no public-key work to bound it */
            ceil = ceiling_new(&f->p, f->kind == FIG_RESUME);
            if (f->kind != FIG_BULK) {
                tight = ceiling_new_ex(&f->p, f->kind == FIG_RESUME, 1); /* X25519 only */
                if (tight) {
                    tight_results[fi].state = CELL_NA;
                    snprintf(tight_results[fi].desc, sizeof(tight_results[fi].desc),
                             "libcrypto, X25519 by the ladder on one context per key pair");
                }
            }
            if (ceil)
                snprintf(row[l].desc, sizeof(row[l].desc), "libcrypto %s",
                         f->kind == FIG_BULK     ? "AEAD seal+open"
                         : f->kind == FIG_RESUME ? "key pairs/derive"
                                                 : "key pairs/derive/sign/verify");
            continue;
        }
        cfg[l] = LIBS[l]->config_new(&f->p);
        if (cfg[l] && f->kind == FIG_RESUME) {
            sess[l] = make_session(LIBS[l], cfg[l]);
            /* no session to resume (not implemented, say): the cell stays n/a */
        }
    }
    if (f->kind == FIG_HEAP) {
        for (int l = L_CTLS; l < NLIBS; l++)
            if (cfg[l] && heap_figure(LIBS[l], cfg[l], opt.heap_conns, &row[l]) != 0)
                row[l].state = CELL_FAIL;
    } else {
        for (int r = 0; r < opt.runs; r++) {
            for (int l = 0; l < NLIBS; l++) {
                cell *c = &row[l];
                if (c->state == CELL_FAIL || (l == L_CEIL ? !ceil : !cfg[l])) continue;
                if (f->kind == FIG_RESUME && l != L_CEIL && !sess[l]) continue;
                sample s;
                int rc;
                if (f->kind == FIG_BULK) {
                    rc = bulk_sample(l == L_CEIL ? NULL : LIBS[l], cfg[l], ceil, opt.bulk_bytes, &s,
                                     c->desc, sizeof(c->desc));
                    if (rc == 0) record_sample(c, &s, (double)s.n / 1e6);
                } else {
                    rc = l == L_CEIL ? ceiling_hs_sample(ceil, opt.hs_seconds, &s)
                                     : hs_sample(LIBS[l], cfg[l], sess[l], opt.hs_seconds, &s,
                                                 c->desc, sizeof(c->desc));
                    if (rc == 0) record_sample(c, &s, (double)s.n);
                    if (rc == 0 && l == L_CEIL && tight) {
                        sample ts;
                        if (ceiling_hs_sample(tight, opt.hs_seconds, &ts) == 0)
                            record_sample(&tight_results[fi], &ts, (double)ts.n);
                        else
                            tight_results[fi].state = CELL_FAIL;
                    }
                }
                if (rc != 0) c->state = CELL_FAIL;
            }
        }
    }
    for (int l = 0; l < NLIBS; l++) {
        if (l == L_CEIL) {
            ceiling_free(ceil);
            ceiling_free(tight);
        } else if (cfg[l]) {
            if (sess[l]) LIBS[l]->session_free(sess[l]);
            LIBS[l]->config_free(cfg[l]);
        }
    }
}

/* ---- threads -------------------------------------------------------------------------- */
typedef struct {
    const bench_lib *L;
    void *cfg;
    const bench_params *p;
    pthread_barrier_t *bar;
    sample s;
    long vcsw; /* voluntary context switches: the thread waited (a lock, say) */
    int rc;
} thread_arg;

static void *thread_main(void *v)
{
    thread_arg *a = v;
    ceiling *c = a->L ? NULL : ceiling_new(a->p, 0);
    pthread_barrier_wait(a->bar);
    struct rusage r0, r1;
    getrusage(RUSAGE_THREAD, &r0);
    a->rc = a->L ? hs_sample(a->L, a->cfg, NULL, opt.hs_seconds, &a->s, NULL, 0)
                 : (c ? ceiling_hs_sample(c, opt.hs_seconds, &a->s) : -1);
    getrusage(RUSAGE_THREAD, &r1);
    a->vcsw = r1.ru_nvcsw - r0.ru_nvcsw;
    ceiling_free(c);
    return NULL;
}

typedef struct {
    int state;
    double one, per_thread, wall_total, vcsw_per_k; /* vcsw per 1000 handshakes, N threads */
} thread_result;

static thread_result thread_results[NLIBS];

/* Per-thread rate of the first handshake figure with 1 and with opt.threads threads sharing
 * one configuration. */
static void run_threads(void)
{
    const figure *f = &FIGS[0];
    fprintf(stderr, "== threads (%d, %s)\n", opt.threads, f->name);
    for (int l = 0; l < NLIBS; l++) {
        thread_result *tr = &thread_results[l];
        if (!name_selected(opt.libs, LIBNAMES[l], 0)) continue;
        const bench_lib *L = l == L_CEIL ? NULL : LIBS[l];
        void *cfg = L ? L->config_new(&f->p) : NULL;
        tr->state = CELL_NA;
        if (L && !cfg) continue;
        int counts[2] = {1, opt.threads};
        for (int k = 0; k < 2; k++) {
            int n = counts[k];
            thread_arg *args = calloc((size_t)n, sizeof(*args));
            pthread_t *tids = calloc((size_t)n, sizeof(*tids));
            pthread_barrier_t bar;
            pthread_barrier_init(&bar, NULL, (unsigned)n);
            for (int i = 0; i < n; i++) {
                args[i] = (thread_arg){.L = L, .cfg = cfg, .p = &f->p, .bar = &bar};
                pthread_create(&tids[i], NULL, thread_main, &args[i]);
            }
            double rates[MAXRUNS * 8], wall = 0, total = 0, vcsw = 0;
            int ok = 1, m = 0;
            for (int i = 0; i < n; i++) {
                pthread_join(tids[i], NULL);
                ok &= args[i].rc == 0;
                if (m < (int)(sizeof(rates) / sizeof(rates[0])))
                    rates[m++] = (double)args[i].s.n / args[i].s.cpu;
                total += (double)args[i].s.n;
                vcsw += (double)args[i].vcsw;
                if (args[i].s.wall > wall) wall = args[i].s.wall;
            }
            pthread_barrier_destroy(&bar);
            qsort(rates, (size_t)m, sizeof(double), cmp_double);
            if (!ok)
                tr->state = CELL_FAIL;
            else if (k == 0)
                tr->one = rates[0];
            else {
                tr->per_thread = rates[m / 2];
                tr->wall_total = total / wall;
                tr->vcsw_per_k = total > 0 ? 1000 * vcsw / total : 0;
                tr->state = CELL_OK;
            }
            free(args);
            free(tids);
            if (!ok) break;
        }
        if (cfg) L->config_free(cfg);
    }
}

/* ---- output --------------------------------------------------------------------------- */
static char machine_cpu[128] = "unknown";
static long machine_nproc;
static char machine_load[64] = "?";

static void machine_describe(void)
{
    machine_nproc = sysconf(_SC_NPROCESSORS_ONLN);
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "model name", 10) == 0) {
            char *v = strchr(line, ':');
            if (v) {
                v += 1 + (v[1] == ' ');
                v[strcspn(v, "\n")] = 0;
                snprintf(machine_cpu, sizeof(machine_cpu), "%s", v);
            }
            break;
        }
    }
    if (f) fclose(f);
    f = fopen("/proc/loadavg", "r");
    if (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        snprintf(machine_load, sizeof(machine_load), "%.40s", line);
    }
    if (f) fclose(f);
}

static int cell_ok(const cell *c)
{
    return c->state == CELL_OK && c->n > 0;
}

static void fmt_value(char *out, size_t len, const cell *c, double v)
{
    if (c->state == CELL_OK)
        snprintf(out, len, v >= 100 ? "%.0f" : "%.1f", v);
    else
        snprintf(out, len, "%s",
                 c->state == CELL_FAIL   ? "FAIL"
                 : c->state == CELL_SKIP ? "-"
                                         : "n/a");
}

static void fmt_ratio(char *out, size_t len, int ok, double a, double b, int percent)
{
    if (!ok || b <= 0)
        snprintf(out, len, "-");
    else if (percent)
        snprintf(out, len, "%.1f%%", 100 * a / b);
    else
        snprintf(out, len, "%.2f", a / b);
}

/* ctls / ceiling: the median of the runs' own ratios. Each run samples the ceiling and ctls
 * back to back, so a pair shares the machine's state of the moment; on a shared host that
 * drifts, the ratio of the two columns' medians can pair a quiet ceiling run with a busy ctls
 * run. Falls back to the ratio of medians when the runs do not pair up. */
static double ceiling_fraction(const cell *ct, const cell *ceil)
{
    if (ct->n != ceil->n || ct->n == 0)
        return median(ct->rate, ct->n) / median(ceil->rate, ceil->n);
    double r[MAXRUNS];
    for (int i = 0; i < ct->n; i++)
        r[i] = ceil->rate[i] > 0 ? ct->rate[i] / ceil->rate[i] : 0;
    return median(r, ct->n);
}

static void print_row(const char *label, const double v[NLIBS], const cell *cells[NLIBS],
                      int have_ceiling, const char *target, int lower_better, double limit,
                      double frac)
{
    char s[NLIBS][24], r[3][24], mark[32] = "";
    for (int l = 0; l < NLIBS; l++)
        fmt_value(s[l], sizeof(s[l]), cells[l], v[l]);
    int ct = cell_ok(cells[L_CTLS]);
    fmt_ratio(r[0], sizeof(r[0]), ct && cell_ok(cells[L_OSSL]), v[L_CTLS], v[L_OSSL], 0);
    fmt_ratio(r[1], sizeof(r[1]), ct && cell_ok(cells[L_GNUTLS]), v[L_CTLS], v[L_GNUTLS], 0);
    int with_ceil = ct && have_ceiling && cell_ok(cells[L_CEIL]);
    double fr = with_ceil ? ceiling_fraction(cells[L_CTLS], cells[L_CEIL]) : 0;
    fmt_ratio(r[2], sizeof(r[2]), with_ceil, fr, 1, 1);
    if (target && ct) {
        int pass = lower_better ? v[L_CTLS] <= limit : (with_ceil && fr >= frac);
        snprintf(mark, sizeof(mark), " %s", pass ? "ok" : "MISS");
    }
    printf("%-44s %9s %9s %9s %9s %9s %9s %9s  %s%s\n", label, have_ceiling ? s[L_CEIL] : "-",
           s[L_CTLS], s[L_OSSL], s[L_GNUTLS], r[0], r[1], r[2], target ? target : "", mark);
}

static void print_table(void)
{
    printf("\nctls-bench: ctls %s | %s | GnuTLS %s\n", bench_lib_ctls.version(),
           bench_lib_openssl.version(), bench_lib_gnutls.version());
    printf("machine: %ld x %s, load average %s; median of %d run(s); rates per CPU-second of the "
           "benchmark thread\n\n",
           machine_nproc, machine_cpu, machine_load, opt.runs);
    printf("%-44s %9s %9s %9s %9s %9s %9s %9s  %s\n", "figure", "ceiling", "ctls", "openssl",
           "gnutls", "ctls/ossl", "ctls/gtls", "ctls/ceil", "target");
    for (size_t fi = 0; fi < NFIGS; fi++) {
        const figure *f = &FIGS[fi];
        const cell *cells[NLIBS];
        double v[NLIBS];
        int any = 0;
        for (int l = 0; l < NLIBS; l++) {
            cells[l] = &results[fi][l];
            any |= cells[l]->state != CELL_SKIP && l != L_CEIL;
        }
        if (!any || !name_selected(opt.only, f->name, 1)) continue;
        if (f->kind == FIG_HEAP) {
            static const char *const what[4] = {
                "idle heap/conn, client (KiB)", "idle heap/conn, server (KiB)",
                "peak heap in handshake, client (KiB)", "peak heap in handshake, server (KiB)"};
            for (int k = 0; k < 4; k++) {
                for (int l = 0; l < NLIBS; l++) {
                    const cell *c = cells[l];
                    v[l] = (k < 2 ? c->idle[k] : c->peak[k - 2]) / 1024.0;
                }
                char label[64];
                snprintf(label, sizeof(label), "%s", what[k]);
                print_row(label, v, cells, 0, k < 2 ? "<= 8 KiB" : "<= 32 KiB", 1,
                          k < 2 ? 8.0 : 32.0, 0);
            }
            continue;
        }
        for (int l = 0; l < NLIBS; l++)
            v[l] = median(cells[l]->rate, cells[l]->n);
        char target[32] = "";
        if (f->target > 0) snprintf(target, sizeof(target), ">= %.0f%% ceiling", f->target * 100);
        print_row(f->label, v, cells, 1, f->target > 0 ? target : NULL, 0, 0, f->target);
    }

    printf("ratios are ctls / other: above 1 is better for rates, below 1 is better for heap; "
           "ctls/ceil = ctls as a fraction of the crypto-bound ceiling\n");
    int tight_header = 0;
    for (size_t fi = 0; fi < NFIGS; fi++) {
        const cell *t = &tight_results[fi], *ct = &results[fi][L_CTLS];
        if (!cell_ok(t) || !name_selected(opt.only, FIGS[fi].name, 1)) continue;
        if (!tight_header++)
            printf("tight ceiling (X25519 by the route ctls takes; see README): figure, ceiling, "
                   "ctls, ctls/ceil\n");
        double tv = median(t->rate, t->n), cv = cell_ok(ct) ? median(ct->rate, ct->n) : 0;
        printf("  %-42s %9.0f %9.0f %8.1f%%\n", FIGS[fi].label, tv, cv,
               cell_ok(ct) ? 100 * ceiling_fraction(ct, t) : 0);
    }
    printf("\ndetails (medians): rate per CPU-second | per wall-second | us per handshake in "
           "client / server calls (CPU) | negotiated\n");
    for (size_t fi = 0; fi < NFIGS; fi++) {
        const figure *f = &FIGS[fi];
        if (f->kind == FIG_HEAP || !name_selected(opt.only, f->name, 1)) continue;
        for (int l = 0; l < NLIBS; l++) {
            const cell *c = &results[fi][l];
            if (!cell_ok(c)) continue;
            printf("  %-18s %-8s %10.0f %10.0f", f->name, LIBNAMES[l], median(c->rate, c->n),
                   median(c->wall_rate, c->n));
            if (f->kind != FIG_BULK)
                printf(" %8.1f / %-8.1f", median(c->side_us[0], c->n), median(c->side_us[1], c->n));
            else
                printf(" %19s", "");
            printf("  %s\n", c->desc);
        }
    }
    for (size_t fi = 0; fi < NFIGS; fi++) {
        if (FIGS[fi].kind != FIG_HEAP || !name_selected(opt.only, FIGS[fi].name, 1)) continue;
        printf("\nheap over %d connections (bytes per connection, client / server): idle | peak "
               "median | peak max | allocations | left after free (total)\n",
               opt.heap_conns);
        for (int l = L_CTLS; l < NLIBS; l++) {
            const cell *c = &results[fi][l];
            if (!cell_ok(c)) continue;
            printf("  %-8s %6.0f / %-6.0f | %6.0f / %-6.0f | %6.0f / %-6.0f | %5.1f / %-5.1f | "
                   "%.0f / %.0f\n",
                   LIBNAMES[l], c->idle[0], c->idle[1], c->peak[0], c->peak[1], c->peak_max[0],
                   c->peak_max[1], c->allocs[0], c->allocs[1], c->leak[0], c->leak[1]);
        }
    }
    if (opt.threads > 1) {
        printf("\nthreads: %d threads share one config (%s); handshakes per CPU-second per "
               "thread\n",
               opt.threads, FIGS[0].name);
        printf("  %-8s %12s %16s %8s %16s %18s\n", "library", "1 thread", "per thread (N)", "flat",
               "total HS/wall-s", "waits/1000 HS (N)");
        for (int l = 0; l < NLIBS; l++) {
            const thread_result *t = &thread_results[l];
            if (t->state != CELL_OK) continue;
            printf("  %-8s %12.0f %16.0f %7.0f%% %16.0f %18.1f\n", LIBNAMES[l], t->one,
                   t->per_thread, 100 * t->per_thread / t->one, t->wall_total, t->vcsw_per_k);
        }
    }
}

static void json_num(const cell *c, double v)
{
    if (cell_ok(c))
        printf("%.2f", v);
    else
        printf("null");
}

static void print_json(void)
{
    printf("{\"machine\":{\"nproc\":%ld,\"cpu\":\"%s\",\"loadavg\":\"%s\"},", machine_nproc,
           machine_cpu, machine_load);
    printf("\"versions\":{\"ctls\":\"%s\",\"openssl\":\"%s\",\"gnutls\":\"%s\"},",
           bench_lib_ctls.version(), bench_lib_openssl.version(), bench_lib_gnutls.version());
    printf("\"runs\":%d,\"quick\":%s,\"figures\":[", opt.runs, opt.quick ? "true" : "false");
    int first = 1;
    for (size_t fi = 0; fi < NFIGS; fi++) {
        const figure *f = &FIGS[fi];
        if (!name_selected(opt.only, f->name, 1)) continue;
        printf("%s{\"name\":\"%s\",\"label\":\"%s\"", first ? "" : ",", f->name, f->label);
        first = 0;
        if (f->target > 0) printf(",\"target_fraction_of_ceiling\":%.2f", f->target);
        if (cell_ok(&results[fi][L_CTLS]) && cell_ok(&results[fi][L_CEIL]))
            printf(",\"ctls_fraction_of_ceiling\":%.4f",
                   ceiling_fraction(&results[fi][L_CTLS], &results[fi][L_CEIL]));
        if (cell_ok(&tight_results[fi])) {
            printf(",\"ceiling_tight\":{\"rate_cpu\":%.2f,\"runs_cpu\":[",
                   median(tight_results[fi].rate, tight_results[fi].n));
            for (int i = 0; i < tight_results[fi].n; i++)
                printf("%s%.2f", i ? "," : "", tight_results[fi].rate[i]);
            printf("]}");
        }
        for (int l = 0; l < NLIBS; l++) {
            const cell *c = &results[fi][l];
            static const char *const st[] = {"skipped", "n/a", "failed", "ok"};
            printf(",\"%s\":{\"status\":\"%s\"", LIBNAMES[l], st[c->state]);
            if (f->kind == FIG_HEAP) {
                printf(",\"idle_client_bytes\":");
                json_num(c, c->idle[0]);
                printf(",\"idle_server_bytes\":");
                json_num(c, c->idle[1]);
                printf(",\"peak_client_bytes\":");
                json_num(c, c->peak[0]);
                printf(",\"peak_server_bytes\":");
                json_num(c, c->peak[1]);
                printf(",\"allocs_client\":");
                json_num(c, c->allocs[0]);
                printf(",\"allocs_server\":");
                json_num(c, c->allocs[1]);
                printf(",\"connections\":%d", opt.heap_conns);
            } else {
                printf(",\"rate_cpu\":");
                json_num(c, median(c->rate, c->n));
                printf(",\"rate_wall\":");
                json_num(c, median(c->wall_rate, c->n));
                if (f->kind != FIG_BULK) {
                    printf(",\"client_us\":");
                    json_num(c, median(c->side_us[0], c->n));
                    printf(",\"server_us\":");
                    json_num(c, median(c->side_us[1], c->n));
                }
                printf(",\"runs_cpu\":[");
                for (int i = 0; i < c->n; i++)
                    printf("%s%.2f", i ? "," : "", c->rate[i]);
                printf("]");
                if (c->desc[0]) printf(",\"negotiated\":\"%s\"", c->desc);
            }
            printf("}");
        }
        printf("}");
    }
    printf("]");
    if (opt.threads > 1) {
        printf(",\"threads\":{\"n\":%d,\"figure\":\"%s\"", opt.threads, FIGS[0].name);
        for (int l = 0; l < NLIBS; l++) {
            const thread_result *t = &thread_results[l];
            if (t->state == CELL_OK)
                printf(",\"%s\":{\"one_thread\":%.2f,\"per_thread\":%.2f,\"total_wall\":%.2f,"
                       "\"voluntary_switches_per_1000\":%.2f}",
                       LIBNAMES[l], t->one, t->per_thread, t->wall_total, t->vcsw_per_k);
        }
        printf("}");
    }
    printf("}\n");
}

static void usage(void)
{
    fprintf(stderr, "usage: ctls-bench [--quick] [--json] [--only NAME[,NAME]] [--libs LIB[,LIB]]\n"
                    "                  [--runs N] [--threads N] [--heap-conns N] [--list]\n"
                    "  libraries: ceiling, ctls, openssl, gnutls; --only matches figure names by "
                    "substring\n");
}

int main(int argc, char **argv)
{
    opt.runs = 0;
    opt.threads = 1;
    opt.heap_conns = 1000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--quick") == 0)
            opt.quick = 1;
        else if (strcmp(a, "--json") == 0)
            opt.json = 1;
        else if (strcmp(a, "--list") == 0)
            opt.list = 1;
        else if (strcmp(a, "--only") == 0 && val)
            opt.only = argv[++i];
        else if (strcmp(a, "--libs") == 0 && val)
            opt.libs = argv[++i];
        else if (strcmp(a, "--runs") == 0 && val)
            opt.runs = atoi(argv[++i]);
        else if (strcmp(a, "--threads") == 0 && val)
            opt.threads = atoi(argv[++i]);
        else if (strcmp(a, "--heap-conns") == 0 && val)
            opt.heap_conns = atoi(argv[++i]);
        else {
            usage();
            return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ? 0 : 2;
        }
    }
    if (opt.list) {
        for (size_t fi = 0; fi < NFIGS; fi++)
            printf("%-20s %s\n", FIGS[fi].name, FIGS[fi].label);
        return 0;
    }
    if (opt.runs <= 0) opt.runs = opt.quick ? 3 : 5;
    if (opt.runs > MAXRUNS) opt.runs = MAXRUNS;
    if (opt.threads < 1 || opt.threads > 64 || opt.heap_conns < 1) {
        usage();
        return 2;
    }
    opt.hs_seconds = opt.quick ? 0.1 : 0.8;
    opt.bulk_bytes = (size_t)(opt.quick ? 32 : 256) << 20;
    machine_describe();
    double t0 = now_wall();
    for (size_t fi = 0; fi < NFIGS; fi++) {
        if (name_selected(opt.only, FIGS[fi].name, 1))
            run_figure(fi);
        else
            for (int l = 0; l < NLIBS; l++)
                results[fi][l].state = CELL_SKIP;
    }
    if (opt.threads > 1) run_threads();
    if (opt.json)
        print_json();
    else
        print_table();
    fflush(stdout);
    fprintf(stderr, "ctls-bench: %.1f s\n", now_wall() - t0);
    return 0;
}
