/* Seed corpus generator: runs real TLS 1.3 handshakes between a ctls client and server in the
 * fuzzers' deterministic mode (fuzz_common.h) and writes what each side received:
 *   OUTDIR/fuzz_client/<name>  option byte + the server's records as chunks (plaintext)
 *   OUTDIR/fuzz_server/<name>  option byte + the client's records as chunks (plaintext)
 *   OUTDIR/fuzz_record/<name>  option byte + the client's raw wire bytes
 *   OUTDIR/fuzz_msg/<name>     selector byte + one handshake message body
 * Each handshake also carries application data both ways, a KeyUpdate with update_requested
 * and close_notify. Handshakes with options beyond FZ_OPT_BASE (post-handshake
 * authentication, a cached resumption with and without early data, a TLS 1.2 renegotiation,
 * OCSP stapling in TLS 1.3 and 1.2) only make fuzz_client / fuzz_server seeds.
 * Usage: gen_corpus OUTDIR (fuzz/corpus in the repository). */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "x509/x509.h"

typedef struct {
    uint8_t *p;
    size_t n, cap;
} gbuf;

static void gb_add(gbuf *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = realloc(b->p, b->cap);
        if (!b->p) abort();
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static const char *g_out;

static void write_file(const char *target, const char *name, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", g_out, target);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) abort();
    snprintf(path, sizeof path, "%s/%s/%s", g_out, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        exit(1);
    }
}

static int g_msgs;
static int g_base_only; /* handshakes with options beyond FZ_OPT_BASE: client/server seeds only */

/* Every complete handshake message in a plaintext handshake payload, as a fuzz_msg input. */
static void emit_msgs(const uint8_t *p, size_t n)
{
    if (g_base_only) return;
    while (n >= 4) {
        size_t body = (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
        if (body + 4 > n) return;
        uint8_t sel = p[0] == 20 ? 3 : p[0] == 24 ? 6 : p[0];
        uint8_t *m = malloc(body + 1);
        m[0] = sel;
        memcpy(m + 1, p + 4, body);
        char name[32];
        snprintf(name, sizeof name, "msg%03d_t%d", g_msgs++, p[0]);
        write_file("fuzz_msg", name, m, body + 1);
        free(m);
        p += 4 + body;
        n -= 4 + body;
    }
}

/* Move every pending record from -> to, one record at a time, recording what to saw. */
static int transfer(ctls_conn *from, ctls_conn *to, gbuf *chunks, gbuf *raw)
{
    const void *pv;
    size_t n;
    while ((n = ctls_conn_output(from, &pv)) >= REC_HEADER_LEN) {
        const uint8_t *p = pv;
        size_t rl = REC_HEADER_LEN + ((size_t)p[3] << 8 | p[4]);
        if (rl > n) return -1;
        if (raw) gb_add(raw, p, rl);
        uint8_t hdr[3];
        if (to->version == CTLS_TLS1_2 && to->rd.aead) {
            /* TLS 1.2 protection: kept as plaintext too (the harness seals it again with the
             * same keys and sequence number: the explicit nonce is the sequence number) */
            uint8_t *copy = malloc(rl);
            memcpy(copy, p, rl);
            rec_keys k = to->rd;
            size_t off, plen;
            if (rec_open12(&k, p[0], copy + REC_HEADER_LEN, rl - REC_HEADER_LEN, &off, &plen) !=
                0) {
                fprintf(stderr, "gen_corpus: cannot open a TLS 1.2 record\n");
                free(copy);
                return -1;
            }
            hdr[0] = 0x80 | p[0];
            hdr[1] = (uint8_t)(plen >> 8);
            hdr[2] = (uint8_t)plen;
            gb_add(chunks, hdr, 3);
            gb_add(chunks, copy + REC_HEADER_LEN + off, plen);
            free(copy);
        } else if (to->rd.aead && p[0] == CT_APPLICATION_DATA) {
            uint8_t *copy = malloc(rl);
            memcpy(copy, p, rl);
            rec_keys k = to->rd;
            uint8_t type;
            size_t plen;
            if (rec_open13(&k, copy, copy + REC_HEADER_LEN, rl - REC_HEADER_LEN,
                           copy + REC_HEADER_LEN, &type, &plen) != 0) {
                fprintf(stderr, "gen_corpus: cannot open a record\n");
                return -1;
            }
            hdr[0] = 0x80 | type;
            hdr[1] = (uint8_t)(plen >> 8);
            hdr[2] = (uint8_t)plen;
            gb_add(chunks, hdr, 3);
            gb_add(chunks, copy + REC_HEADER_LEN, plen);
            if (type == CT_HANDSHAKE) emit_msgs(copy + REC_HEADER_LEN, plen);
            free(copy);
        } else {
            /* plaintext on the wire (ClientHello, ServerHello, HRR, CCS): never protected */
            hdr[0] = p[0];
            hdr[1] = p[3];
            hdr[2] = p[4];
            gb_add(chunks, hdr, 3);
            gb_add(chunks, p + REC_HEADER_LEN, rl - REC_HEADER_LEN);
            if (p[0] == CT_HANDSHAKE) emit_msgs(p + REC_HEADER_LEN, rl - REC_HEADER_LEN);
        }
        size_t used = 0;
        if (ctls_conn_feed(to, p, rl, &used) != 0 || used != rl) return -1;
        ctls_conn_consume_output(from, rl);
        if (fz_step(to) != 0) {
            fprintf(stderr, "gen_corpus: peer failed\n");
            return -1;
        }
    }
    return 0;
}

/* early: with FZ_OPT_CACHE, the client sends early data (fz_client_resume) and the seeds are
 * named hs_opt<N>_0rtt */
static int one(unsigned opt, int early)
{
    g_base_only = (opt & ~(unsigned)FZ_OPT_BASE) != 0;
    /* FZ_OPT_CACHE: the client resumes the session the server's cache was primed with, as
     * fuzz_server loads it */
    const ctls_session *resume = NULL;
    if (opt & FZ_OPT_CACHE) {
        resume = fz_cache_load(fz_config_full(CTLS_SERVER, opt), opt);
        if (!resume) {
            fprintf(stderr, "gen_corpus: options %u: no session in the cache\n", opt);
            return -1;
        }
    }
    fz_input_begin(opt);
    ctls_conn *c = ctls_conn_new(fz_config_full(CTLS_CLIENT, opt));
    ctls_conn *s = ctls_conn_new(fz_config_full(CTLS_SERVER, opt));
    ctls_conn_set_server_name(c, "fuzz.example");
    if (resume && fz_client_resume(c, resume, early) != 0) abort();
    gbuf cc = {0}, sc = {0}, raw = {0};
    uint8_t o = (uint8_t)opt;
    gb_add(&cc, &o, 1);
    gb_add(&sc, &o, 1);
    gb_add(&raw, &o, 1);
    int rc = fz_step(s);
    for (int i = 0; i < 8 && rc == 0; i++) {
        if (rc == 0) rc = fz_step(c);
        if (rc == 0) rc = transfer(c, s, &sc, &raw);
        if (rc == 0) rc = transfer(s, c, &cc, NULL);
        if (ctls_state(c) == CTLS_STATE_CONNECTED && ctls_state(s) == CTLS_STATE_CONNECTED) break;
    }
    if (rc == 0 && (ctls_state(c) != CTLS_STATE_CONNECTED || ctls_state(s) != CTLS_STATE_CONNECTED))
        rc = -1;
    /* (a renegotiation makes the connection's next handshake a full one) */
    int resumed = ctls_session_resumed(s);
    /* FZ_OPT_RENEG: the server asked for a renegotiation once connected (fz_kick); run it */
    for (int i = 0; i < 8 && rc == 0 && (opt & FZ_OPT_RENEG) &&
                    (ctls_renegotiations(c) != 1 || ctls_renegotiations(s) != 1);
         i++) {
        rc = fz_step(c);
        if (rc == 0) rc = transfer(c, s, &sc, &raw);
        if (rc == 0) rc = transfer(s, c, &cc, NULL);
    }
    /* application data both ways, a KeyUpdate asking for one back, then close_notify */
    static const char ping[] = "ping", pong[] = "pong";
    if (rc == 0) {
        fz_use(c);
        rc = ctls_write(c, ping, 4) == 4 ? 0 : -1;
    }
    if (rc == 0) rc = transfer(c, s, &sc, &raw);
    if (rc == 0) {
        fz_use(s);
        rc = ctls_write(s, pong, 4) == 4 ? 0 : -1;
    }
    if (rc == 0) rc = transfer(s, c, &cc, NULL);
    if (rc == 0 && !(opt & FZ_OPT_TLS12)) {
        fz_use(c);
        rc = ctls_key_update(c, 1);
    }
    if (rc == 0) rc = transfer(c, s, &sc, &raw);
    if (rc == 0) rc = transfer(s, c, &cc, NULL);
    if (rc == 0) {
        fz_use(c);
        rc = ctls_write(c, ping, 4) == 4 ? 0 : -1;
    }
    if (rc == 0) rc = ctls_shutdown(c) == 0 ? 0 : -1;
    if (rc == 0) rc = transfer(c, s, &sc, &raw);
    if (rc == 0) {
        fz_use(s);
        rc = ctls_shutdown(s) == 1 ? 0 : -1;
    }
    if (rc == 0) rc = transfer(s, c, &cc, NULL);
    /* the seeds must reach what the options are for */
    if (rc == 0 && (opt & FZ_OPT_PHA) &&
        (ctls_client_auth_pending(s) != 0 || ctls_peer_cert_count(s) != 1)) {
        fprintf(stderr, "gen_corpus: options %u: post-handshake authentication incomplete\n", opt);
        rc = -1;
    }
    if (rc == 0 && (opt & FZ_OPT_RENEG) &&
        (ctls_renegotiations(c) != 1 || ctls_renegotiations(s) != 1)) {
        fprintf(stderr, "gen_corpus: options %u: the renegotiation did not complete\n", opt);
        rc = -1;
    }
    if (rc == 0 && (opt & FZ_OPT_CACHE) && !resumed) {
        fprintf(stderr, "gen_corpus: options %u: the cached session was not resumed\n", opt);
        rc = -1;
    }
    /* after a HelloRetryRequest early data is rejected, its record skipped (RFC 8446 4.2.10) */
    int want = (opt & FZ_OPT_HRR) ? CTLS_EARLY_DATA_REJECTED : CTLS_EARLY_DATA_ACCEPTED;
    if (rc == 0 && early &&
        (ctls_early_data_status(c) != want || ctls_early_data_status(s) != want)) {
        fprintf(stderr, "gen_corpus: options %u: early data not %s\n", opt,
                want == CTLS_EARLY_DATA_ACCEPTED ? "accepted" : "rejected");
        rc = -1;
    }
    size_t ocsp_len = 0;
    if (rc == 0 && fz_ocsp_requested(opt) &&
        (!ctls_peer_ocsp_response(c, &ocsp_len) || ocsp_len != sizeof fz_ocsp_der)) {
        fprintf(stderr, "gen_corpus: options %u: no OCSP staple\n", opt);
        rc = -1;
    }
    if (rc == 0 && !g_base_only) {
        /* fuzz_session: the client's session, once resumption exists (NULL before) */
        ctls_session *sess = ctls_conn_get_session(c);
        uint8_t ser[1 << 16];
        size_t sl = sizeof ser;
        if (sess && ctls_session_serialize(sess, ser, &sl) == 0) {
            char sname[32];
            snprintf(sname, sizeof sname, "session_opt%u", opt);
            write_file("fuzz_session", sname, ser, sl);
        }
        ctls_session_free(sess);
    }
    if (rc == 0) {
        char name[32];
        snprintf(name, sizeof name, early ? "hs_opt%u_0rtt" : "hs_opt%u", opt);
        /* fuzz_client offers the cached session with early data where it may (TLS 1.3): a
         * resumption without it would not replay there */
        if (!resume || early || resume->version != CTLS_TLS1_3)
            write_file("fuzz_client", name, cc.p, cc.n);
        write_file("fuzz_server", name, sc.p, sc.n);
    }
    if (rc == 0 && !g_base_only) {
        char name[32];
        snprintf(name, sizeof name, "hs_opt%u", opt);
        write_file("fuzz_record", name, raw.p, raw.n);
        /* the same flight fed byte by byte and in 16-byte pieces (fuzz_record's split) */
        raw.p[0] = (uint8_t)(opt | 0x10);
        snprintf(name, sizeof name, "hs_opt%u_split1", opt);
        write_file("fuzz_record", name, raw.p, raw.n);
        raw.p[0] = (uint8_t)(opt | 0x50);
        snprintf(name, sizeof name, "hs_opt%u_split16", opt);
        write_file("fuzz_record", name, raw.p, raw.n);
        /* and read by reference (split 15: ctls_read_input into 16 KiB reads, size byte 5) */
        uint8_t *ref = malloc(raw.n + 1);
        if (ref) {
            ref[0] = (uint8_t)(opt | 0xf0);
            ref[1] = 5;
            memcpy(ref + 2, raw.p + 1, raw.n - 1);
            snprintf(name, sizeof name, "hs_opt%u_ref", opt);
            write_file("fuzz_record", name, ref, raw.n + 1);
            free(ref);
        }
    }
    if (rc != 0) {
        fprintf(stderr, "gen_corpus: handshake with options %u failed: %s / %s\n", opt,
                ctls_strerror(ctls_state(c) == CTLS_STATE_ABORTED ? ctls_handshake(c) : 0),
                ctls_strerror(ctls_state(s) == CTLS_STATE_ABORTED ? ctls_handshake(s) : 0));
    }
    free(cc.p);
    free(sc.p);
    free(raw.p);
    ctls_conn_free(c);
    ctls_conn_free(s);
    return rc;
}

/* X.509 and PEM seeds: the fixed fuzz PKI as DER and as PEM for each fuzz_pem mode. */
static void x509_seeds(void)
{
    static const struct {
        const char *name, *pem;
    } certs[] = {{"ca", fuzz_ca_pem}, {"server", fuzz_server_pem}, {"client", fuzz_client_pem}};
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++) {
        ctls_der_list l = {0};
        if (ctls_pem_decode(certs[i].pem, strlen(certs[i].pem), "CERTIFICATE", &l) == 0 &&
            l.count == 1) {
            char name[32];
            snprintf(name, sizeof name, "fuzz-%s.der", certs[i].name);
            write_file("fuzz_x509", name, l.der[0], l.len[0]);
        }
        ctls_der_list_free(&l);
    }
    gbuf b = {0};
    static const char *const texts[4][2] = {
        {fuzz_server_pem, fuzz_ca_pem},
        {fuzz_ca_pem, fuzz_client_pem},
        {fuzz_server_pem, fuzz_ca_pem},
        {fuzz_server_key, ""},
    };
    for (uint8_t sel = 0; sel < 4; sel++) {
        b.n = 0;
        gb_add(&b, &sel, 1);
        gb_add(&b, texts[sel][0], strlen(texts[sel][0]));
        gb_add(&b, texts[sel][1], strlen(texts[sel][1]));
        char name[32];
        snprintf(name, sizeof name, "mode%u.pem", sel);
        write_file("fuzz_pem", name, b.p, b.n);
    }
    free(b.p);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_corpus OUTDIR\n");
        return 2;
    }
    g_out = argv[1];
    if (mkdir(g_out, 0755) != 0 && errno != EEXIST) return 1;
    static const unsigned opts[] = {0, 1, 2, 4, 7};
    int bad = 0;
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
        bad |= one(opts[i], 0) != 0;
    /* TLS 1.2 handshakes: optional (seeds only where the engine completes them) */
    static const unsigned opts12[] = {8, 12};
    for (size_t i = 0; i < sizeof opts12 / sizeof opts12[0]; i++)
        if (one(opts12[i], 0) != 0)
            fprintf(stderr, "gen_corpus: no TLS 1.2 seed for options %u\n", opts12[i]);
    /* post-handshake authentication (one request, two at once), cached resumption (a TLS
     * 1.3 cache ticket, a TLS 1.2 session ID) and a TLS 1.2 renegotiation asked for by the
     * server, after a full handshake (replays fully in fuzz_client) and after a session-ID
     * resumption (no signature before the renegotiation: replays in fuzz_server up to the
     * client's renegotiation Finished, which covers the new, randomised ECDSA signature) */
    static const unsigned opts_ext[] = {
        FZ_OPT_PHA,
        FZ_OPT_PHA | FZ_OPT_PHA_TWICE,
        FZ_OPT_CACHE,
        FZ_OPT_CACHE | FZ_OPT_TLS12,
        FZ_OPT_RENEG | FZ_OPT_TLS12,
        FZ_OPT_RENEG | FZ_OPT_CACHE | FZ_OPT_TLS12,
        FZ_OPT_PHA_TWICE,                /* alone: OCSP stapling, TLS 1.3 CertificateEntry */
        FZ_OPT_PHA_TWICE | FZ_OPT_TLS12, /* and TLS 1.2 CertificateStatus */
    };
    for (size_t i = 0; i < sizeof opts_ext / sizeof opts_ext[0]; i++)
        bad |= one(opts_ext[i], 0) != 0;
    /* 0-RTT: the cached resumption with early data, accepted (EndOfEarlyData), and rejected
     * after a HelloRetryRequest (the server skips the early data record) */
    bad |= one(FZ_OPT_CACHE, 1) != 0;
    bad |= one(FZ_OPT_CACHE | FZ_OPT_HRR, 1) != 0;
    x509_seeds();
    ctls_random_set_test_hook(NULL, NULL);
    return bad;
}
