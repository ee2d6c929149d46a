/* RFC 8448 section 3 ("Simple 1-RTT Handshake") reproduced byte-exact through ctls's own code.
 *
 * key_schedule   Every secret, transcript hash, traffic key and IV of the trace through ks13_*,
 *                tr_* and rec_set_keys13, from the RFC's x25519 keys (through ctls_kx_*): early,
 *                handshake, master, c/s hs traffic, c/s ap traffic, exporter and resumption
 *                master secrets; both Finished verify_data.
 * records        rec_seal13 with the RFC's keys turns each plaintext of the trace into the RFC's
 *                record bytes, and rec_open13 turns the record back: the server's handshake
 *                flight (EE, Certificate, CertificateVerify, Finished in one record), the client
 *                Finished, the NewSessionTicket, application data and close_notify both ways.
 * client_side    A real client conn with the RFC's random and x25519 key injected (random test
 *                hook) and its ClientHello shaped by the test hook (hs.h): its ClientHello record
 *                is the RFC's; fed the RFC's server records it answers with the RFC's client
 *                Finished record; it reads the RFC's NewSessionTicket and application data, and
 *                writes the RFC's application data and close_notify records.
 * server_side    A real server conn with the RFC's RSA key and certificate, random and x25519
 *                key injected, ServerHello/EncryptedExtensions shaped by the test hook: its
 *                ServerHello record is the RFC's; its encrypted flight is the RFC's one record,
 *                byte for byte, and decrypts to the RFC's EE, Certificate, CertificateVerify
 *                and Finished messages;
 *                it accepts the RFC's client Finished record; it reads the RFC's application
 *                data and close_notify, and writes the RFC's application data and close_notify.
 *                Both sides: the key log's five lines carry the RFC's client random and
 *                secrets, the connection keeps the RFC's exporter_master_secret, and
 *                ctls_export_keying_material gives what RFC 8446 7.5 gives from it.
 * *_byte_at_a_time  client_side and server_side with the peer's records fed one byte at a
 *                time (the handshake runs after each byte): the same bytes come out.
 * server_side_fresh_salt  The same without the salt injection below: everything up to the
 *                CertificateVerify is the RFC's; the CertificateVerify verifies; the Finished
 *                and the application secrets are computed over OUR transcript by ks13_* and
 *                accepted.
 *
 * Limits, and how the test deals with them:
 * - RSA-PSS is randomised: the CertificateVerify salt comes from OpenSSL's RNG, not from
 *   ctls_random. server_side injects the RFC's salt (recovered from the RFC's signature, see
 *   RFC3_CV_PSS_SALT) through a libcrypto RAND_METHOD armed only while the server writes its
 *   flight, so the server's CertificateVerify and everything after are the RFC's bytes too.
 *   server_side_fresh_salt shows what holds without it.
 * - Our server packs its encrypted flight (EE, Certificate, CertificateVerify, Finished) into
 *   one record as the RFC does (hs_flight_begin / hs_flight_end), so that record is compared
 *   byte for byte.
 * - Our server's tickets are random (ticket key, age_add), so server_side configures none
 *   (ctls_config_set_session_tickets 0). The RFC's NST is s ap record 0, so before checking
 *   the server's application data record (s ap seq 1) the test writes the RFC's NST message
 *   through the server's own record layer (hs_send), which yields the RFC's NST record
 *   byte-exact. (The section 4 resumption binder is checked in test_session.)
 * - The RFC's certificate expired in 2026-07 and is self-signed: the client runs with
 *   CTLS_VERIFY_NONE (the CertificateVerify signature is still checked).
 * The random hook, the hs test hooks and the RAND_METHOD are set only around the conns a test
 * drives, and cleared after. */
#define OPENSSL_SUPPRESS_DEPRECATED /* RAND_set_rand_method: the PSS salt injection below */
#include "harness.h"

#include <stdlib.h>

#include <openssl/rand.h>

#include "crypto/crypto.h"
#include "hs/hs.h"
#include "hs/keysched13.h"
#include "hs/transcript.h"
#include "keys.h"
#include "record/record.h"
#include "rfc8448_vectors.h"

#define SHA256 CTLS_HASH_SHA256
#define AES128 CTLS_AEAD_AES_128_GCM

/* ---- helpers --------------------------------------------------------------------------- */

/* Hex to bytes (malloc'd); aborts on bad hex (a broken vector is a broken test). */
static uint8_t *hexa(const char *hex, size_t *n)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *b = malloc(cap);
    long r = b ? th_unhex(hex, b, cap) : -1;
    if (r < 0) {
        fprintf(stderr, "bad hex vector: %.40s...\n", hex);
        abort();
    }
    *n = (size_t)r;
    return b;
}

/* Hex into a fixed buffer of exactly len bytes. */
static void hexf(const char *hex, uint8_t *out, size_t len)
{
    if (th_unhex(hex, out, len) != (long)len) {
        fprintf(stderr, "bad hex vector (want %zu bytes): %.40s...\n", len, hex);
        abort();
    }
}

static int eq_hex(const uint8_t *p, size_t n, const char *hex)
{
    size_t m;
    uint8_t *b = hexa(hex, &m);
    int ok = m == n && memcmp(p, b, n) == 0;
    if (!ok) {
        fprintf(stderr, "  got  ");
        for (size_t i = 0; i < n && i < 48; i++)
            fprintf(stderr, "%02x", p[i]);
        fprintf(stderr, "%s (%zu bytes)\n  want %.96s (%zu bytes)\n", n > 48 ? "..." : "", n, hex,
                m);
    }
    free(b);
    return ok;
}
#define CHECK_HEX(p, n, hex) CHECK(eq_hex((p), (n), (hex)))

/* A byte buffer built from pieces (records, messages). */
typedef struct {
    uint8_t b[4096];
    size_t n;
} bytes;

static void cat_hex(bytes *o, const char *hex)
{
    long r = th_unhex(hex, o->b + o->n, sizeof o->b - o->n);
    if (r < 0) abort();
    o->n += (size_t)r;
}

static void cat(bytes *o, const void *p, size_t n)
{
    if (n > sizeof o->b - o->n) abort();
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

/* The RFC's ClientHello and ServerHello random values (bytes 6..37 of the messages). */
static void hello_random(const char *msg_hex, uint8_t out[32])
{
    size_t n;
    uint8_t *m = hexa(msg_hex, &n);
    memcpy(out, m + 6, 32);
    free(m);
}

/* ---- injected randomness ---------------------------------------------------------------- */

/* ctls_random (and key generation) under the test hook: a script of bytes, consumed in order. */
typedef struct {
    uint8_t b[128];
    size_t n, off;
    int overrun;
} rnd_script;

static int rnd_hook(void *ctx, void *out, size_t len)
{
    rnd_script *s = ctx;
    if (len > s->n - s->off) {
        s->overrun = 1;
        return -1;
    }
    memcpy(out, s->b + s->off, len);
    s->off += len;
    return 0;
}

/* OpenSSL's RNG, for the RSA-PSS salt: while armed, the first 32-byte request (the salt of the
 * SHA-256 PSS signature, drawn before the RSA blinding factor) gets the RFC's salt; every other
 * request (blinding) gets a deterministic stream. Installed only around the server's flight. */
static struct {
    uint8_t salt[32];
    int armed, salt_used;
    uint32_t counter;
} g_pss;

static int pss_rand_bytes(unsigned char *buf, int num)
{
    if (g_pss.armed && !g_pss.salt_used && num == 32) {
        memcpy(buf, g_pss.salt, 32);
        g_pss.salt_used = 1;
        return 1;
    }
    for (int i = 0; i < num; i += 32) {
        uint8_t blk[32], ctr[4] = {(uint8_t)(g_pss.counter >> 24), (uint8_t)(g_pss.counter >> 16),
                                   (uint8_t)(g_pss.counter >> 8), (uint8_t)g_pss.counter};
        g_pss.counter++;
        if (ctls_hash(SHA256, ctr, sizeof ctr, blk) < 0) return 0;
        memcpy(buf + i, blk, num - i < 32 ? (size_t)(num - i) : 32);
    }
    return 1;
}

static int pss_rand_status(void)
{
    return 1;
}

static const RAND_METHOD pss_rand_method = {
    .bytes = pss_rand_bytes, .pseudorand = pss_rand_bytes, .status = pss_rand_status};

/* ---- the RFC's hello shapes (test hooks) ------------------------------------------------- */

static const uint8_t RFC_GROUPS[] = {0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19, 0x01,
                                     0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x04};
static const uint8_t RFC_SIGS[] = {0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x02, 0x03, 0x08, 0x04,
                                   0x08, 0x05, 0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01,
                                   0x02, 0x01, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x02, 0x02};
static const uint8_t NONE[1];

/* RFC 8448 3 ClientHello: an empty legacy_session_id, the RFC's group and signature lists (it
 * offers groups and schemes ctls does not implement), empty renegotiation_info and
 * session_ticket, record_size_limit 2^14 + 1, in the RFC's extension order. */
static int rfc_client_hello(void *ctx, msg_client_hello *m)
{
    static const uint8_t order[] = {EXT_SERVER_NAME,
                                    EXT_RENEGOTIATION_INFO,
                                    EXT_SUPPORTED_GROUPS,
                                    EXT_SESSION_TICKET,
                                    EXT_KEY_SHARE,
                                    EXT_SUPPORTED_VERSIONS,
                                    EXT_SIGNATURE_ALGORITHMS,
                                    EXT_PSK_KEY_EXCHANGE_MODES,
                                    EXT_RECORD_SIZE_LIMIT};
    (*(int *)ctx)++;
    m->session_id = (ctls_slice){NONE, 0};
    m->ext_present |= EXT_BIT(EXT_RENEGOTIATION_INFO) | EXT_BIT(EXT_SESSION_TICKET) |
                      EXT_BIT(EXT_RECORD_SIZE_LIMIT);
    m->renegotiation_info = (ctls_slice){NONE, 0};
    m->session_ticket = (ctls_slice){NONE, 0};
    m->record_size_limit = 0x4001;
    m->supported_groups = (ctls_slice){RFC_GROUPS, sizeof RFC_GROUPS};
    m->signature_algorithms = (ctls_slice){RFC_SIGS, sizeof RFC_SIGS};
    m->order = (msg_ext_order){order, sizeof order};
    return 0;
}

/* RFC 8448 3 ServerHello: key_share before supported_versions. */
static int rfc_server_hello(void *ctx, msg_server_hello *m)
{
    static const uint8_t order[] = {EXT_KEY_SHARE, EXT_SUPPORTED_VERSIONS};
    (*(int *)ctx)++;
    m->order = (msg_ext_order){order, sizeof order};
    return 0;
}

/* RFC 8448 3 EncryptedExtensions: supported_groups, record_size_limit, server_name. */
static int rfc_encrypted_extensions(void *ctx, msg_encrypted_extensions *m)
{
    static const uint8_t order[] = {EXT_SUPPORTED_GROUPS, EXT_RECORD_SIZE_LIMIT, EXT_SERVER_NAME};
    (*(int *)ctx)++;
    m->ext_present =
        EXT_BIT(EXT_SUPPORTED_GROUPS) | EXT_BIT(EXT_RECORD_SIZE_LIMIT) | EXT_BIT(EXT_SERVER_NAME);
    m->supported_groups = (ctls_slice){RFC_GROUPS, sizeof RFC_GROUPS};
    m->record_size_limit = 0x4001;
    m->order = (msg_ext_order){order, sizeof order};
    return 0;
}

/* ---- 1. the key schedule ----------------------------------------------------------------- */

static void check_traffic(const uint8_t *secret, const char *key_hex, const char *iv_hex)
{
    uint8_t key[16], iv[CTLS_AEAD_NONCE_LEN], fk[32], fk2[32];
    CHECK_EQ(ks13_traffic_keys(SHA256, AES128, secret, key, sizeof key, iv, NULL), 0);
    CHECK_HEX(key, sizeof key, key_hex);
    CHECK_HEX(iv, sizeof iv, iv_hex);
    /* the record layer installs the same IV, and hands out the same Finished key as
     * ks13_finished_key */
    rec_keys k;
    memset(&k, 0, sizeof k);
    memset(fk, 0, sizeof fk);
    CHECK_EQ(rec_set_keys13(&k, AES128, SHA256, secret, fk), 0);
    CHECK_HEX(k.iv, sizeof k.iv, iv_hex);
    CHECK_EQ(k.seq, 0);
    CHECK_EQ(ks13_finished_key(SHA256, secret, fk2), 0);
    CHECK_MEM(fk, fk2, 32);
    rec_keys_clear(&k);
}

/* RFC 8448 3: verify_data from a handshake traffic secret, both ways: ks13_finished, and the
 * Finished key made with the traffic keys then ks13_finished_mac. */
static void check_finished(const uint8_t *secret, const uint8_t *th, const char *vd_hex)
{
    uint8_t out[32], key[16], iv[CTLS_AEAD_NONCE_LEN], fk[32];
    CHECK_EQ(ks13_finished(SHA256, secret, th, out), 0);
    CHECK_HEX(out, 32, vd_hex);
    memset(out, 0, sizeof out);
    CHECK_EQ(ks13_traffic_keys(SHA256, AES128, secret, key, sizeof key, iv, fk), 0);
    CHECK_EQ(ks13_finished_mac(SHA256, fk, th, out), 0);
    CHECK_HEX(out, 32, vd_hex);
}

/* Add an RFC handshake message to the transcript. */
static void tr_add_hex(hs_transcript *t, const char *hex)
{
    size_t n;
    uint8_t *m = hexa(hex, &n);
    CHECK_EQ(tr_add(t, m, n), 0);
    free(m);
}

static void check_thash(const hs_transcript *t, uint8_t th[32], const char *want)
{
    size_t hl = 0;
    CHECK_EQ(tr_hash(t, th, &hl), 0);
    CHECK_EQ(hl, 32);
    if (want) CHECK_HEX(th, 32, want);
}

TEST(key_schedule)
{
    /* ECDHE from the RFC's x25519 keys, both ways */
    uint8_t cpriv[32], spriv[32], cpub[32], spub[32], dhe[CTLS_KX_MAX_SECRET];
    uint8_t pub[CTLS_KX_MAX_PUBLIC];
    size_t publen = sizeof pub, dhelen = sizeof dhe;
    hexf(RFC3_CLIENT_PRIV, cpriv, 32);
    hexf(RFC3_SERVER_PRIV, spriv, 32);
    hexf(RFC3_CLIENT_PUB, cpub, 32);
    hexf(RFC3_SERVER_PUB, spub, 32);
    ctls_kx *ck = NULL, *sk = NULL;
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, cpriv, 32, &ck), 0);
    CHECK_EQ(ctls_kx_from_private(CTLS_GROUP_X25519, spriv, 32, &sk), 0);
    if (!ck || !sk) return;
    CHECK_EQ(ctls_kx_public(ck, pub, &publen), 0);
    CHECK_HEX(pub, publen, RFC3_CLIENT_PUB);
    CHECK_EQ(ctls_kx_derive(sk, cpub, 32, dhe, &dhelen), 0);
    CHECK_HEX(dhe, dhelen, RFC3_ECDHE);
    dhelen = sizeof dhe;
    CHECK_EQ(ctls_kx_derive(ck, spub, 32, dhe, &dhelen), 0);
    CHECK_HEX(dhe, dhelen, RFC3_ECDHE);
    ctls_kx_free(ck);
    ctls_kx_free(sk);

    hs_ks13 ks;
    memset(&ks, 0, sizeof ks);
    CHECK_EQ(ks13_init(&ks, SHA256, NULL, 0), 0);
    CHECK_EQ(ks.hlen, 32);
    CHECK_HEX(ks.secret, 32, RFC3_EARLY_SECRET);
    CHECK_EQ(ks13_advance(&ks, dhe, dhelen), 0);
    CHECK_HEX(ks.secret, 32, RFC3_HS_SECRET);

    /* the transcript: the hellos arrive before the hash is known (buffered path) */
    hs_transcript tr;
    memset(&tr, 0, sizeof tr);
    uint8_t th[32], chs[32], shs[32], cap[32], sap[32], out[32];
    tr_add_hex(&tr, RFC_CH);
    tr_add_hex(&tr, RFC_SH);
    CHECK_EQ(tr_set_hash(&tr, SHA256), 0);
    check_thash(&tr, th, RFC3_TH_CH_SH);
    CHECK_EQ(ks13_derive(&ks, "c hs traffic", th, chs), 0);
    CHECK_HEX(chs, 32, RFC3_C_HS_TRAFFIC);
    CHECK_EQ(ks13_derive(&ks, "s hs traffic", th, shs), 0);
    CHECK_HEX(shs, 32, RFC3_S_HS_TRAFFIC);
    check_traffic(shs, RFC3_S_HS_KEY, RFC3_S_HS_IV);
    check_traffic(chs, RFC3_C_HS_KEY, RFC3_C_HS_IV);

    /* server Finished over CH..CertificateVerify */
    tr_add_hex(&tr, RFC_EE);
    tr_add_hex(&tr, RFC_CERT);
    tr_add_hex(&tr, RFC_CV);
    check_thash(&tr, th, NULL);
    check_finished(shs, th, RFC_SFIN + 8);

    /* master secret and the application secrets over CH..server Finished */
    tr_add_hex(&tr, RFC_SFIN);
    check_thash(&tr, th, RFC3_TH_CH_SFIN);
    CHECK_EQ(ks13_advance(&ks, NULL, 0), 0);
    CHECK_HEX(ks.secret, 32, RFC3_MASTER_SECRET);
    CHECK_EQ(ks13_derive(&ks, "c ap traffic", th, cap), 0);
    CHECK_HEX(cap, 32, RFC3_C_AP_TRAFFIC);
    CHECK_EQ(ks13_derive(&ks, "s ap traffic", th, sap), 0);
    CHECK_HEX(sap, 32, RFC3_S_AP_TRAFFIC);
    CHECK_EQ(ks13_derive(&ks, "exp master", th, out), 0);
    CHECK_HEX(out, 32, RFC3_EXP_MASTER);
    check_traffic(sap, RFC3_S_AP_KEY, RFC3_S_AP_IV);
    check_traffic(cap, RFC3_C_AP_KEY, RFC3_C_AP_IV);

    /* client Finished over CH..server Finished, then the resumption master secret */
    check_finished(chs, th, RFC3_CFIN + 8);
    tr_add_hex(&tr, RFC3_CFIN);
    check_thash(&tr, th, RFC3_TH_CH_CFIN);
    CHECK_EQ(ks13_derive(&ks, "res master", th, out), 0);
    CHECK_HEX(out, 32, RFC3_RES_MASTER);

    tr_free(&tr);
    ks13_wipe(&ks);
}

/* ---- 2. the record layer ----------------------------------------------------------------- */

typedef struct {
    uint8_t type;
    const char *plain[4]; /* concatenated: the record's plaintext */
    const char *record;
} rec_case;

/* Seal each case in order (sequence 0, 1, ...) with keys from secret: the RFC's records; then
 * open the RFC's records in order: the plaintexts. */
static void check_records(const char *secret_hex, const rec_case *cases, size_t n)
{
    uint8_t secret[32];
    hexf(secret_hex, secret, 32);
    rec_keys wr, rd;
    memset(&wr, 0, sizeof wr);
    memset(&rd, 0, sizeof rd);
    CHECK_EQ(rec_set_keys13(&wr, AES128, SHA256, secret, NULL), 0);
    CHECK_EQ(rec_set_keys13(&rd, AES128, SHA256, secret, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        bytes plain = {.n = 0}, sealed = {.n = 0}, rec = {.n = 0};
        for (size_t j = 0; j < 4 && cases[i].plain[j]; j++)
            cat_hex(&plain, cases[i].plain[j]);
        CHECK_EQ(rec_seal13(&wr, cases[i].type, plain.b, plain.n, sealed.b), 0);
        sealed.n = REC_HEADER_LEN + plain.n + 1 + CTLS_AEAD_TAG_LEN;
        CHECK_HEX(sealed.b, sealed.n, cases[i].record);

        cat_hex(&rec, cases[i].record);
        uint8_t type = 0;
        size_t plen = 0;
        CHECK_EQ(rec_open13(&rd, rec.b, rec.b + REC_HEADER_LEN, rec.n - REC_HEADER_LEN,
                            rec.b + REC_HEADER_LEN, &type, &plen),
                 0);
        CHECK_EQ(type, cases[i].type);
        CHECK_EQ(plen, plain.n);
        CHECK(plen == plain.n && memcmp(rec.b + REC_HEADER_LEN, plain.b, plen) == 0);
    }
    CHECK_EQ(wr.seq, n);
    CHECK_EQ(rd.seq, n);
    /* one flipped bit anywhere (here: in the tag) and the record does not open */
    if (n) {
        bytes rec = {.n = 0};
        cat_hex(&rec, cases[0].record);
        rec.b[rec.n - 1] ^= 1;
        rd.seq = 0;
        uint8_t type;
        size_t plen;
        CHECK_EQ(rec_open13(&rd, rec.b, rec.b + REC_HEADER_LEN, rec.n - REC_HEADER_LEN,
                            rec.b + REC_HEADER_LEN, &type, &plen),
                 CTLS_ERR_BAD_RECORD_MAC);
    }
    rec_keys_clear(&wr);
    rec_keys_clear(&rd);
}

TEST(records)
{
    /* {server} the whole encrypted flight in one record, s hs traffic, seq 0 */
    const rec_case s_hs[] = {
        {CT_HANDSHAKE, {RFC_EE, RFC_CERT, RFC_CV, RFC_SFIN}, RFC3_SERVER_FLIGHT_RECORD},
    };
    check_records(RFC3_S_HS_TRAFFIC, s_hs, 1);
    /* {client} Finished, c hs traffic, seq 0 */
    const rec_case c_hs[] = {{CT_HANDSHAKE, {RFC3_CFIN}, RFC3_CFIN_RECORD}};
    check_records(RFC3_C_HS_TRAFFIC, c_hs, 1);
    /* {server} NewSessionTicket, application data, close_notify: s ap traffic, seq 0..2 */
    const rec_case s_ap[] = {
        {CT_HANDSHAKE, {RFC_NST}, RFC3_NST_RECORD},
        {CT_APPLICATION_DATA, {RFC3_APP_DATA}, RFC3_S_APP_RECORD},
        {CT_ALERT, {"0100"}, RFC3_S_ALERT_RECORD},
    };
    check_records(RFC3_S_AP_TRAFFIC, s_ap, 3);
    /* {client} application data, close_notify: c ap traffic, seq 0..1 */
    const rec_case c_ap[] = {
        {CT_APPLICATION_DATA, {RFC3_APP_DATA}, RFC3_C_APP_RECORD},
        {CT_ALERT, {"0100"}, RFC3_C_ALERT_RECORD},
    };
    check_records(RFC3_C_AP_TRAFFIC, c_ap, 2);
}

/* ---- conn helpers ------------------------------------------------------------------------ */

/* Take all pending output of c. */
static void take_output(ctls_conn *c, bytes *o)
{
    const void *p;
    size_t n = ctls_conn_output(c, &p);
    o->n = 0;
    if (n > sizeof o->b) {
        CHECK(n <= sizeof o->b);
        n = sizeof o->b;
    }
    if (n) cat(o, p, n);
    ctls_conn_consume_output(c, n);
}

static void feed_hex(ctls_conn *c, const char *hex1, const char *hex2)
{
    bytes in = {.n = 0};
    cat_hex(&in, hex1);
    if (hex2) cat_hex(&in, hex2);
    size_t used = 0;
    CHECK_EQ(ctls_conn_feed(c, in.b, in.n, &used), 0);
    CHECK_EQ(used, in.n);
}

static void check_output_hex(ctls_conn *c, const char *hex1, const char *hex2)
{
    bytes out, want = {.n = 0};
    take_output(c, &out);
    cat_hex(&want, hex1);
    if (hex2) cat_hex(&want, hex2);
    CHECK_EQ(out.n, want.n);
    CHECK(out.n == want.n && memcmp(out.b, want.b, out.n) == 0);
}

/* Feed the records given as hex to c, chunk bytes at a time, running the handshake after
 * each chunk: CTLS_WANT_READ until the last byte is in. Returns the last status. */
static int feed_handshake(ctls_conn *c, size_t chunk, const char *hex1, const char *hex2)
{
    bytes in = {.n = 0};
    cat_hex(&in, hex1);
    if (hex2) cat_hex(&in, hex2);
    int rc = CTLS_WANT_READ;
    size_t off = 0;
    while (off < in.n && rc == CTLS_WANT_READ) {
        size_t n = in.n - off < chunk ? in.n - off : chunk, used = 0;
        CHECK_EQ(ctls_conn_feed(c, in.b + off, n, &used), 0);
        CHECK_EQ(used, n);
        off += n;
        rc = ctls_handshake(c);
        if (off < in.n) CHECK_EQ(rc, CTLS_WANT_READ);
    }
    CHECK_EQ(off, in.n);
    return rc;
}

static void clear_hooks(void)
{
    ctls_random_set_test_hook(NULL, NULL);
    hs_test_client_hook = NULL;
    hs_test_server_hook = NULL;
    RAND_set_rand_method(NULL);
    memset(&g_pss, 0, sizeof g_pss);
}

/* ---- the key log and the exporter on the RFC's connections ------------------------------- */

/* The key log (RFC 9850 2) of the RFC's handshake: five lines, the RFC's client random and
 * secrets, in the order they are derived. */
static void check_keylog(const tk_keylog *k)
{
    static const char *const want[5][2] = {
        {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", RFC3_C_HS_TRAFFIC},
        {"SERVER_HANDSHAKE_TRAFFIC_SECRET", RFC3_S_HS_TRAFFIC},
        {"CLIENT_TRAFFIC_SECRET_0", RFC3_C_AP_TRAFFIC},
        {"SERVER_TRAFFIC_SECRET_0", RFC3_S_AP_TRAFFIC},
        {"EXPORTER_SECRET", RFC3_EXP_MASTER},
    };
    uint8_t cr[32];
    char crhex[65], line[256];
    hello_random(RFC_CH, cr);
    for (int i = 0; i < 32; i++)
        snprintf(crhex + 2 * i, 3, "%02x", cr[i]);
    CHECK_EQ(k->n, 5);
    for (int i = 0; i < 5 && i < k->n; i++) {
        snprintf(line, sizeof line, "%s %s %s", want[i][0], crhex, want[i][1]);
        CHECK(strcmp(k->line[i], line) == 0);
    }
}

/* RFC 8446 7.5: the connection kept the RFC's exporter_master_secret, and exports what the
 * formula gives from it (RFC 8448 has no exporter output: tk_export13 computes it). */
static void check_exporter(ctls_conn *x)
{
    uint8_t ems[32], want[40], got[40];
    hexf(RFC3_EXP_MASTER, ems, 32);
    CHECK_MEM(x->exp_secret, ems, 32);
    CHECK_EQ(tk_export13(SHA256, ems, "EXPERIMENTAL rfc8448", (const uint8_t *)"ctx", 3, want,
                         sizeof want),
             0);
    CHECK_EQ(ctls_export_keying_material(x, "EXPERIMENTAL rfc8448", 20, (const uint8_t *)"ctx", 3,
                                         1, got, sizeof got),
             0);
    CHECK_MEM(got, want, sizeof want);
}

/* ---- 3. the client ----------------------------------------------------------------------- */

/* The client trace, the server's records fed chunk bytes at a time. */
static void client_trace(size_t chunk)
{
    CHECK(hs_test_client_hook == NULL); /* off unless a test sets it */
    ctls_config *cfg = ctls_config_new(CTLS_CLIENT);
    CHECK_EQ(ctls_config_set_cipher_suites(
                 cfg, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384"),
             0);
    CHECK_EQ(ctls_config_set_groups(cfg, "x25519:secp256r1:secp384r1"), 0);
    CHECK_EQ(ctls_config_set_verify(cfg, CTLS_VERIFY_NONE), 0);
    /* the RFC 8448 client offers TLS 1.3 only (no TLS 1.2 suites or extensions) */
    CHECK_EQ(ctls_config_set_versions(cfg, CTLS_TLS1_3, CTLS_TLS1_3), 0);
    tk_keylog klog = {.n = 0};
    CHECK_EQ(ctls_config_set_keylog(cfg, tk_keylog_fn, &klog), 0);
    ctls_conn *c = ctls_conn_new(cfg);
    CHECK(c != NULL);
    if (!c) {
        ctls_config_free(cfg);
        return;
    }
    CHECK_EQ(ctls_conn_set_server_name(c, "server"), 0);

    /* the client draws: its random, a session id (replaced by the hook), its x25519 key */
    rnd_script rnd = {.n = 96};
    hello_random(RFC_CH, rnd.b);
    hexf(RFC3_CLIENT_PRIV, rnd.b + 64, 32);
    ctls_random_set_test_hook(rnd_hook, &rnd);
    int ch_calls = 0;
    const hs_test_client_hooks hooks = {.client_hello = rfc_client_hello, .ctx = &ch_calls};
    hs_test_client_hook = &hooks;

    /* {client} send handshake record: the RFC's ClientHello record */
    CHECK_EQ(ctls_handshake(c), CTLS_WANT_READ);
    CHECK_EQ(rnd.off, 96);
    CHECK_EQ(ch_calls, 1);
    check_output_hex(c, RFC3_CH_RECORD_HDR, RFC_CH);

    /* {server} ServerHello and the encrypted flight -> {client} Finished, and no CCS (the
     * session id is empty) */
    CHECK_EQ(feed_handshake(c, chunk, RFC3_SH_RECORD_HDR, RFC_SH), CTLS_WANT_READ);
    CHECK_EQ(feed_handshake(c, chunk, RFC3_SERVER_FLIGHT_RECORD, NULL), 0);
    check_output_hex(c, RFC3_CFIN_RECORD, NULL);
    CHECK_EQ(rnd.overrun, 0);
    CHECK_EQ(rnd.off, 96);
    clear_hooks();

    CHECK_EQ(ctls_state(c), CTLS_STATE_CONNECTED);
    CHECK_EQ(ctls_version(c), CTLS_TLS1_3);
    CHECK(strcmp(ctls_cipher_suite_name(c), "TLS_AES_128_GCM_SHA256") == 0);
    CHECK(strcmp(ctls_group_name(c), "x25519") == 0);
    CHECK_EQ(c->peer_sig, CTLS_SIG_RSA_PSS_RSAE_SHA256);
    CHECK_EQ(ctls_peer_cert_count(c), 1);
    CHECK_HEX(c->c_ap, 32, RFC3_C_AP_TRAFFIC);
    CHECK_HEX(c->s_ap, 32, RFC3_S_AP_TRAFFIC);
    CHECK_HEX(c->res_master, 32, RFC3_RES_MASTER);
    check_keylog(&klog);
    check_exporter(c);

    /* {server} NewSessionTicket + application data -> the RFC's 50 bytes */
    feed_hex(c, RFC3_NST_RECORD, RFC3_S_APP_RECORD);
    uint8_t buf[256];
    size_t alen;
    uint8_t *app = hexa(RFC3_APP_DATA, &alen);
    CHECK_EQ(ctls_read(c, buf, sizeof buf), (ssize_t)alen);
    CHECK_MEM(buf, app, alen);
    CHECK_EQ(ctls_tickets_received(c), 1);

    /* {client} application data and close_notify: the RFC's records */
    CHECK_EQ(ctls_write(c, app, alen), (ssize_t)alen);
    check_output_hex(c, RFC3_C_APP_RECORD, NULL);
    CHECK_EQ(ctls_shutdown(c), 0);
    check_output_hex(c, RFC3_C_ALERT_RECORD, NULL);
    /* {server} close_notify */
    feed_hex(c, RFC3_S_ALERT_RECORD, NULL);
    CHECK_EQ(ctls_read(c, buf, sizeof buf), 0);
    CHECK_EQ(ctls_shutdown(c), 1);

    free(app);
    ctls_conn_free(c);
    ctls_config_free(cfg);
}

/* ---- 4. the server ----------------------------------------------------------------------- */

/* A server conn with the RFC's key and certificate, and hooks armed to answer the RFC's
 * ClientHello with the RFC's server random and x25519 key. */
typedef struct {
    ctls_config *cfg;
    ctls_conn *s;
    rnd_script rnd;
    int calls;
    hs_test_server_hooks hooks;
    tk_keylog klog;
} rfc_server;

static int server_open(rfc_server *v)
{
    memset(v, 0, sizeof *v);
    CHECK(hs_test_server_hook == NULL); /* off unless a test sets it */
    v->cfg = ctls_config_new(CTLS_SERVER);
    CHECK_EQ(ctls_config_set_session_tickets(v->cfg, 0), 0); /* see the header comment */
    CHECK_EQ(ctls_config_set_keylog(v->cfg, tk_keylog_fn, &v->klog), 0);
    CHECK_EQ(ctls_config_add_cert_chain_mem(v->cfg, RFC3_SERVER_CERT_PEM,
                                            strlen(RFC3_SERVER_CERT_PEM), RFC3_SERVER_KEY_PEM,
                                            strlen(RFC3_SERVER_KEY_PEM)),
             0);
    v->s = ctls_conn_new(v->cfg);
    CHECK(v->s != NULL);
    if (!v->s) return -1;
    /* the server draws: its x25519 key, then its random */
    v->rnd.n = 64;
    hexf(RFC3_SERVER_PRIV, v->rnd.b, 32);
    hello_random(RFC_SH, v->rnd.b + 32);
    ctls_random_set_test_hook(rnd_hook, &v->rnd);
    v->hooks = (hs_test_server_hooks){.server_hello = rfc_server_hello,
                                      .encrypted_extensions = rfc_encrypted_extensions,
                                      .ctx = &v->calls};
    hs_test_server_hook = &v->hooks;
    return 0;
}

static void server_close(rfc_server *v)
{
    clear_hooks();
    ctls_conn_free(v->s);
    ctls_config_free(v->cfg);
}

/* Split the server's output: the RFC's ServerHello record, then protected records only (no
 * CCS: the session id is empty). Decrypt those with the RFC's s hs traffic keys into the
 * handshake messages they carry. Returns the number of records. */
static size_t server_flight(ctls_conn *s, bytes *msgs, bytes *recs)
{
    bytes out, sh = {.n = 0};
    take_output(s, &out);
    cat_hex(&sh, RFC3_SH_RECORD_HDR);
    cat_hex(&sh, RFC_SH);
    CHECK(out.n > sh.n && memcmp(out.b, sh.b, sh.n) == 0); /* {server} ServerHello record */
    uint8_t secret[32];
    hexf(RFC3_S_HS_TRAFFIC, secret, 32);
    rec_keys rd;
    memset(&rd, 0, sizeof rd);
    CHECK_EQ(rec_set_keys13(&rd, AES128, SHA256, secret, NULL), 0);
    size_t off = sh.n, records = 0;
    msgs->n = 0;
    if (recs && out.n > sh.n) {
        recs->n = out.n - sh.n;
        memcpy(recs->b, out.b + sh.n, recs->n); /* as sent, before opening in place */
    }
    while (off + REC_HEADER_LEN <= out.n) {
        uint8_t *h = out.b + off;
        size_t len = (size_t)h[3] << 8 | h[4];
        CHECK_EQ(h[0], CT_APPLICATION_DATA);
        if (off + REC_HEADER_LEN + len > out.n) break;
        uint8_t type = 0;
        size_t plen = 0;
        int rc = rec_open13(&rd, h, h + REC_HEADER_LEN, len, h + REC_HEADER_LEN, &type, &plen);
        CHECK_EQ(rc, 0);
        CHECK_EQ(type, CT_HANDSHAKE);
        if (rc == 0) cat(msgs, h + REC_HEADER_LEN, plen);
        off += REC_HEADER_LEN + len;
        records++;
    }
    CHECK_EQ(off, out.n);
    rec_keys_clear(&rd);
    return records;
}

/* Handshake messages of a decrypted flight, one by one. */
static int next_msg(const bytes *msgs, size_t *off, const uint8_t **m, size_t *len)
{
    if (*off + MSG_HEADER_LEN > msgs->n) return 0;
    const uint8_t *p = msgs->b + *off;
    size_t n = MSG_HEADER_LEN + ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
    if (*off + n > msgs->n) return 0;
    *m = p;
    *len = n;
    *off += n;
    return 1;
}

/* The server trace, the client's records fed chunk bytes at a time. */
static void server_trace(size_t chunk)
{
    rfc_server v;
    if (server_open(&v) < 0) {
        server_close(&v);
        return;
    }
    ctls_conn *s = v.s;
    hexf(RFC3_CV_PSS_SALT, g_pss.salt, 32);
    const RAND_METHOD *prev = RAND_get_rand_method();

    /* {client} ClientHello -> {server} ServerHello, EE, Certificate, CV, Finished */
    g_pss.armed = 1;
    CHECK_EQ(RAND_set_rand_method(&pss_rand_method), 1);
    CHECK_EQ(feed_handshake(s, chunk, RFC3_CH_RECORD_HDR, RFC_CH), CTLS_WANT_READ);
    RAND_set_rand_method(prev);
    g_pss.armed = 0;
    CHECK_EQ(g_pss.salt_used, 1);
    CHECK_EQ(v.calls, 2);
    CHECK_EQ(v.rnd.off, 64);
    CHECK_EQ(v.rnd.overrun, 0);

    bytes msgs, recs = {.n = 0};
    /* the whole encrypted flight in one record, byte for byte the RFC's */
    CHECK_EQ(server_flight(s, &msgs, &recs), 1);
    bytes rfc_rec = {.n = 0};
    cat_hex(&rfc_rec, RFC3_SERVER_FLIGHT_RECORD);
    CHECK_EQ(recs.n, rfc_rec.n);
    CHECK(recs.n == rfc_rec.n && memcmp(recs.b, rfc_rec.b, rfc_rec.n) == 0);
    bytes want = {.n = 0};
    cat_hex(&want, RFC_EE);
    cat_hex(&want, RFC_CERT);
    cat_hex(&want, RFC_CV);
    cat_hex(&want, RFC_SFIN);
    CHECK_EQ(msgs.n, want.n);
    CHECK(msgs.n == want.n && memcmp(msgs.b, want.b, want.n) == 0);
    size_t off = 0, len;
    const uint8_t *m;
    const char *each[] = {RFC_EE, RFC_CERT, RFC_CV, RFC_SFIN};
    for (size_t i = 0; i < 4 && next_msg(&msgs, &off, &m, &len); i++)
        CHECK_HEX(m, len, each[i]);
    CHECK_HEX(s->s_ap, 32, RFC3_S_AP_TRAFFIC);
    CHECK_HEX(s->c_ap, 32, RFC3_C_AP_TRAFFIC);

    /* {client} Finished (the RFC's record) -> handshake done */
    CHECK_EQ(feed_handshake(s, chunk, RFC3_CFIN_RECORD, NULL), 0);
    clear_hooks();
    bytes out;
    take_output(s, &out);
    CHECK_EQ(out.n, 0); /* no tickets configured: see the header comment */
    CHECK_EQ(ctls_state(s), CTLS_STATE_CONNECTED);
    CHECK(ctls_server_name(s) && strcmp(ctls_server_name(s), "server") == 0);
    CHECK_HEX(s->res_master, 32, RFC3_RES_MASTER);
    check_keylog(&v.klog);
    check_exporter(s);

    /* {server} NewSessionTicket: the RFC's message through our record layer (s ap seq 0) */
    size_t nst_len;
    uint8_t *nst = hexa(RFC_NST, &nst_len);
    CHECK_EQ(hs_send(s, NULL, nst, nst_len), 0);
    check_output_hex(s, RFC3_NST_RECORD, NULL);
    free(nst);
    /* {server} application data (s ap seq 1) */
    size_t alen;
    uint8_t *app = hexa(RFC3_APP_DATA, &alen), buf[256];
    CHECK_EQ(ctls_write(s, app, alen), (ssize_t)alen);
    check_output_hex(s, RFC3_S_APP_RECORD, NULL);
    /* {client} application data, close_notify */
    feed_hex(s, RFC3_C_APP_RECORD, RFC3_C_ALERT_RECORD);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), (ssize_t)alen);
    CHECK_MEM(buf, app, alen);
    CHECK_EQ(ctls_read(s, buf, sizeof buf), 0);
    /* {server} close_notify (s ap seq 2) */
    CHECK_EQ(ctls_shutdown(s), 1);
    check_output_hex(s, RFC3_S_ALERT_RECORD, NULL);

    free(app);
    server_close(&v);
}

TEST(client_side)
{
    client_trace(SIZE_MAX);
}
TEST(client_side_byte_at_a_time)
{
    client_trace(1);
}
TEST(server_side)
{
    server_trace(SIZE_MAX);
}
TEST(server_side_byte_at_a_time)
{
    server_trace(1);
}

/* Without the salt injection: OpenSSL draws a fresh PSS salt, so the CertificateVerify differs
 * from the RFC's and so does every transcript hash from there on. Everything before it is
 * still the RFC's; the CertificateVerify must verify against the RFC's certificate, and the
 * server's Finished and application secrets must be those of OUR transcript. */
TEST(server_side_fresh_salt)
{
    rfc_server v;
    if (server_open(&v) < 0) {
        server_close(&v);
        return;
    }
    ctls_conn *s = v.s;
    feed_hex(s, RFC3_CH_RECORD_HDR, RFC_CH);
    CHECK_EQ(ctls_handshake(s), CTLS_WANT_READ);
    bytes msgs;
    CHECK_EQ(server_flight(s, &msgs, NULL), 1);

    size_t off = 0, len[4] = {0};
    const uint8_t *m[4] = {NULL};
    for (size_t i = 0; i < 4; i++)
        CHECK(next_msg(&msgs, &off, &m[i], &len[i]));
    CHECK_EQ(off, msgs.n);
    if (!m[3]) goto done;
    CHECK_HEX(m[0], len[0], RFC_EE);
    CHECK_HEX(m[1], len[1], RFC_CERT);
    CHECK_EQ(len[2], 4 + 4 + 128); /* CertificateVerify: rsa_pss_rsae_sha256, 128 bytes */
    CHECK_EQ(m[2][0], MSG_CERTIFICATE_VERIFY);
    CHECK_EQ(m[2][4] << 8 | m[2][5], CTLS_SIG_RSA_PSS_RSAE_SHA256);
    size_t cvlen;
    uint8_t *cv = hexa(RFC_CV, &cvlen);
    CHECK(cvlen == len[2] && memcmp(cv, m[2], 8) == 0 && memcmp(cv, m[2], cvlen) != 0);
    free(cv);

    /* our transcript, with the RFC's hellos */
    hs_transcript tr;
    memset(&tr, 0, sizeof tr);
    CHECK_EQ(tr_set_hash(&tr, SHA256), 0);
    tr_add_hex(&tr, RFC_CH);
    tr_add_hex(&tr, RFC_SH);
    CHECK_EQ(tr_add(&tr, m[0], len[0]), 0);
    CHECK_EQ(tr_add(&tr, m[1], len[1]), 0);
    /* the signature verifies with the RFC's certificate key over CH..Certificate */
    uint8_t content[64 + 34 + 32], th[32];
    memset(content, 0x20, 64);
    memcpy(content + 64, "TLS 1.3, server CertificateVerify", 34);
    check_thash(&tr, content + 98, NULL);
    ctls_pubkey *pk = NULL;
    CHECK_EQ(ctls_pubkey_from_spki(ctls_cert_spki(s->cfg->certs[0].leaf).p,
                                   ctls_cert_spki(s->cfg->certs[0].leaf).len, &pk),
             0);
    CHECK_EQ(ctls_verify(pk, CTLS_SIG_RSA_PSS_RSAE_SHA256, content, sizeof content, m[2] + 8,
                         len[2] - 8),
             0);
    ctls_pubkey_free(pk);
    /* the server Finished is over OUR transcript */
    CHECK_EQ(tr_add(&tr, m[2], len[2]), 0);
    check_thash(&tr, th, NULL);
    uint8_t shs[32], chs[32], vd[32];
    hexf(RFC3_S_HS_TRAFFIC, shs, 32);
    hexf(RFC3_C_HS_TRAFFIC, chs, 32);
    CHECK_EQ(ks13_finished(SHA256, shs, th, vd), 0);
    CHECK_EQ(len[3], 4 + 32);
    CHECK(memcmp(m[3] + 4, vd, 32) == 0);
    CHECK_EQ(tr_add(&tr, m[3], len[3]), 0);
    check_thash(&tr, th, NULL);

    /* application secrets from the RFC's master secret and our transcript */
    hs_ks13 ks;
    uint8_t master[32];
    hexf(RFC3_MASTER_SECRET, master, 32);
    CHECK_EQ(ks13_load(&ks, SHA256, master), 0);
    uint8_t want[32];
    CHECK_EQ(ks13_derive(&ks, "s ap traffic", th, want), 0);
    CHECK_MEM(s->s_ap, want, 32);
    CHECK_EQ(ks13_derive(&ks, "c ap traffic", th, want), 0);
    CHECK_MEM(s->c_ap, want, 32);

    /* a client Finished computed by our code over our transcript: accepted */
    uint8_t fin[4 + 32] = {MSG_FINISHED, 0, 0, 32};
    CHECK_EQ(ks13_finished(SHA256, chs, th, fin + 4), 0);
    rec_keys wr;
    memset(&wr, 0, sizeof wr);
    CHECK_EQ(rec_set_keys13(&wr, AES128, SHA256, chs, NULL), 0);
    uint8_t rec[REC_HEADER_LEN + sizeof fin + 1 + CTLS_AEAD_TAG_LEN];
    CHECK_EQ(rec_seal13(&wr, CT_HANDSHAKE, fin, sizeof fin, rec), 0);
    rec_keys_clear(&wr);
    size_t used = 0;
    CHECK_EQ(ctls_conn_feed(s, rec, sizeof rec, &used), 0);
    CHECK_EQ(ctls_handshake(s), 0);
    CHECK_EQ(tr_add(&tr, fin, sizeof fin), 0);
    check_thash(&tr, th, NULL);
    CHECK_EQ(ks13_derive(&ks, "res master", th, want), 0);
    CHECK_MEM(s->res_master, want, 32);
    tr_free(&tr);
    ks13_wipe(&ks);
done:
    server_close(&v);
}

/* And the RFC's client Finished does not fit our transcript then: refused. */
TEST(server_side_fresh_salt_refuses_rfc_finished)
{
    rfc_server v;
    if (server_open(&v) == 0) {
        feed_hex(v.s, RFC3_CH_RECORD_HDR, RFC_CH);
        CHECK_EQ(ctls_handshake(v.s), CTLS_WANT_READ);
        bytes ignore;
        take_output(v.s, &ignore);
        feed_hex(v.s, RFC3_CFIN_RECORD, NULL);
        CHECK_EQ(ctls_handshake(v.s), CTLS_ERR_DECRYPT_ERROR);
    }
    server_close(&v);
}

int main(void)
{
    RUN(key_schedule);
    RUN(records);
    RUN(client_side);
    RUN(client_side_byte_at_a_time);
    RUN(server_side);
    RUN(server_side_byte_at_a_time);
    RUN(server_side_fresh_salt);
    RUN(server_side_fresh_salt_refuses_rfc_finished);
    clear_hooks();
    return th_summary();
}
