/* msg/ and ext/: RFC 8448 messages decoded and re-encoded byte-exact, round trips of every
 * message type, truncation at every offset, and a table of malformed messages with the exact
 * status each must produce. */
#include "harness.h"

#include <stdlib.h>

#include "ext/ext.h"
#include "msg/msg.h"
#include "rfc8448_vectors.h"

/* ---- helpers ------------------------------------------------------------------------- */

enum {
    K_CH,
    K_SH,
    K_EE,
    K_CT13,
    K_CT12,
    K_CR,
    K_CV,
    K_FIN,
    K_NST,
    K_KU,
    K_EOED,
    K_SKE12,
    K_CKE12,
    K_CR12,
    K_NST12,
    K_EMPTY,
};

static union {
    msg_client_hello ch;
    msg_server_hello sh;
    msg_encrypted_extensions ee;
    msg_certificate ct;
    msg_certificate_request cr;
    msg_certificate_verify cv;
    msg_finished fin;
    msg_new_session_ticket nst;
    msg_key_update ku;
    msg_server_key_exchange12 ske;
    msg_client_key_exchange12 cke;
    msg_certificate_request12 cr12;
    msg_new_session_ticket12 nst12;
} U;

static int decode_kind(int kind, const uint8_t *b, size_t n)
{
    switch (kind) {
    case K_CH:
        return msg_client_hello_decode(b, n, &U.ch);
    case K_SH:
        return msg_server_hello_decode(b, n, &U.sh);
    case K_EE:
        return msg_encrypted_extensions_decode(b, n, &U.ee);
    case K_CT13:
        return msg_certificate_decode(b, n, 0, &U.ct);
    case K_CT12:
        return msg_certificate_decode(b, n, 1, &U.ct);
    case K_CR:
        return msg_certificate_request_decode(b, n, &U.cr);
    case K_CV:
        return msg_certificate_verify_decode(b, n, &U.cv);
    case K_FIN:
        return msg_finished_decode(b, n, &U.fin);
    case K_NST:
        return msg_new_session_ticket_decode(b, n, &U.nst);
    case K_KU:
        return msg_key_update_decode(b, n, &U.ku);
    case K_EOED:
        return msg_end_of_early_data_decode(b, n);
    case K_SKE12:
        return msg_server_key_exchange12_decode(b, n, &U.ske);
    case K_CKE12:
        return msg_client_key_exchange12_decode(b, n, &U.cke);
    case K_CR12:
        return msg_certificate_request12_decode(b, n, &U.cr12);
    case K_NST12:
        return msg_new_session_ticket12_decode(b, n, &U.nst12);
    case K_EMPTY:
        return msg_empty_decode(b, n);
    }
    return -1;
}

static uint8_t *unhex(const char *hex, size_t *n)
{
    size_t cap = strlen(hex) / 2 + 1;
    uint8_t *b = malloc(cap);
    long r = th_unhex(hex, b, cap);
    if (r < 0) {
        fprintf(stderr, "bad hex in test: %s\n", hex);
        abort();
    }
    *n = (size_t)r;
    return b;
}

static int slice_eq(ctls_slice s, const void *p, size_t n)
{
    return s.len == n && (n == 0 || memcmp(s.p, p, n) == 0);
}

static int slice_eq_hex(ctls_slice s, const char *hex)
{
    size_t n;
    uint8_t *b = unhex(hex, &n);
    int ok = slice_eq(s, b, n);
    free(b);
    return ok;
}

/* Split a whole RFC message and check its type. */
static uint8_t *rfc_msg(const char *hex, uint8_t want_type, size_t *n, ctls_slice *body)
{
    uint8_t *b = unhex(hex, n);
    uint8_t type = 0xff;
    CHECK_EQ(msg_split(b, *n, &type, body), 0);
    CHECK_EQ(type, want_type);
    return b;
}

/* Encode with fn-specific code via a fixed buffer and compare to the RFC bytes. */
#define CHECK_ENCODES_TO(call, msg, n)                                                             \
    do {                                                                                           \
        uint8_t out_[2048];                                                                        \
        ctls_writer w_;                                                                            \
        wr_init(&w_, out_, sizeof out_);                                                           \
        CHECK_EQ((call), 0);                                                                       \
        CHECK_EQ(wr_status(&w_), 0);                                                               \
        CHECK_EQ(w_.len, (n));                                                                     \
        if (w_.len == (n)) CHECK_MEM(out_, (msg), (n));                                            \
    } while (0)

TEST(rfc8448_client_hello)
{
    size_t n;
    ctls_slice body;
    uint8_t *b = rfc_msg(RFC_CH, MSG_CLIENT_HELLO, &n, &body);
    msg_client_hello ch;
    CHECK_EQ(msg_client_hello_decode(body.p, body.len, &ch), 0);
    CHECK_EQ(ch.legacy_version, 0x0303);
    CHECK_MEM(ch.random, b + 6, 32);
    CHECK_EQ(ch.session_id.len, 0);
    CHECK(slice_eq_hex(ch.cipher_suites, "130113031302"));
    CHECK(slice_eq_hex(ch.compression_methods, "00"));
    uint32_t want = EXT_BIT(EXT_SERVER_NAME) | EXT_BIT(EXT_RENEGOTIATION_INFO) |
                    EXT_BIT(EXT_SUPPORTED_GROUPS) | EXT_BIT(EXT_SESSION_TICKET) |
                    EXT_BIT(EXT_KEY_SHARE) | EXT_BIT(EXT_SUPPORTED_VERSIONS) |
                    EXT_BIT(EXT_SIGNATURE_ALGORITHMS) | EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES) |
                    EXT_BIT(EXT_RECORD_SIZE_LIMIT);
    CHECK_EQ(ch.ext_present, want);
    CHECK(slice_eq(ch.server_name, "server", 6));
    CHECK(slice_eq_hex(ch.supported_groups, "001d00170018001901000101010201030104"));
    CHECK(msg_u16_contains(ch.supported_groups, 0x001d));
    CHECK(!msg_u16_contains(ch.supported_groups, 0x001e));
    CHECK(slice_eq_hex(ch.supported_versions, "0304"));
    CHECK_EQ(ch.renegotiation_info.len, 0);
    CHECK_EQ(ch.session_ticket.len, 0);
    CHECK(slice_eq_hex(ch.psk_modes, "01"));
    CHECK(msg_u8_contains(ch.psk_modes, 1));
    CHECK_EQ(ch.record_size_limit, 0x4001);
    CHECK_EQ(ch.signature_algorithms.len, 30);
    CHECK(msg_u16_contains(ch.signature_algorithms, 0x0804));
    CHECK_EQ(ch.binders_offset, 0);
    /* key_share: one x25519 entry */
    ctls_slice ks = ch.key_shares, key;
    uint16_t group;
    CHECK_EQ(msg_key_share_next(&ks, &group, &key), 1);
    CHECK_EQ(group, 0x001d);
    CHECK(slice_eq_hex(key, "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c"));
    CHECK_EQ(msg_key_share_next(&ks, &group, &key), 0);
    /* cipher suites iterate in order */
    ctls_slice cs = ch.cipher_suites;
    uint16_t v, got[3] = {0};
    for (int i = 0; i < 3; i++)
        CHECK_EQ(msg_u16_next(&cs, &got[i]), 1);
    CHECK_EQ(msg_u16_next(&cs, &v), 0);
    CHECK_EQ(got[0], 0x1301);
    CHECK_EQ(got[1], 0x1303);
    CHECK_EQ(got[2], 0x1302);

    /* Re-encode in the RFC's extension order: byte-exact. */
    static const uint8_t order[] = {EXT_SERVER_NAME,
                                    EXT_RENEGOTIATION_INFO,
                                    EXT_SUPPORTED_GROUPS,
                                    EXT_SESSION_TICKET,
                                    EXT_KEY_SHARE,
                                    EXT_SUPPORTED_VERSIONS,
                                    EXT_SIGNATURE_ALGORITHMS,
                                    EXT_PSK_KEY_EXCHANGE_MODES,
                                    EXT_RECORD_SIZE_LIMIT};
    ch.order.ids = order;
    ch.order.count = sizeof order;
    CHECK_ENCODES_TO(msg_client_hello_encode(&ch, &w_), b, n);
    free(b);
}

TEST(rfc8448_server_hello)
{
    size_t n;
    ctls_slice body;
    uint8_t *b = rfc_msg(RFC_SH, MSG_SERVER_HELLO, &n, &body);
    msg_server_hello sh;
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &sh), 0);
    CHECK_EQ(sh.is_hrr, 0);
    CHECK_EQ(sh.legacy_version, 0x0303);
    CHECK_MEM(sh.random, b + 6, 32);
    CHECK_EQ(sh.session_id.len, 0);
    CHECK_EQ(sh.cipher_suite, 0x1301);
    CHECK_EQ(sh.compression_method, 0);
    CHECK_EQ(sh.ext_present, EXT_BIT(EXT_KEY_SHARE) | EXT_BIT(EXT_SUPPORTED_VERSIONS));
    CHECK_EQ(sh.selected_version, 0x0304);
    CHECK_EQ(sh.key_share_group, 0x001d);
    CHECK(slice_eq_hex(sh.key_share,
                       "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f"));
    static const uint8_t order[] = {EXT_KEY_SHARE, EXT_SUPPORTED_VERSIONS};
    sh.order.ids = order;
    sh.order.count = sizeof order;
    CHECK_ENCODES_TO(msg_server_hello_encode(&sh, &w_), b, n);
    free(b);
}

TEST(rfc8448_encrypted_extensions)
{
    size_t n;
    ctls_slice body;
    uint8_t *b = rfc_msg(RFC_EE, MSG_ENCRYPTED_EXTENSIONS, &n, &body);
    msg_encrypted_extensions ee;
    CHECK_EQ(msg_encrypted_extensions_decode(body.p, body.len, &ee), 0);
    CHECK_EQ(ee.ext_present, EXT_BIT(EXT_SUPPORTED_GROUPS) | EXT_BIT(EXT_RECORD_SIZE_LIMIT) |
                                 EXT_BIT(EXT_SERVER_NAME));
    CHECK(slice_eq_hex(ee.supported_groups, "001d00170018001901000101010201030104"));
    CHECK_EQ(ee.record_size_limit, 0x4001);
    static const uint8_t order[] = {EXT_SUPPORTED_GROUPS, EXT_RECORD_SIZE_LIMIT, EXT_SERVER_NAME};
    ee.order.ids = order;
    ee.order.count = sizeof order;
    CHECK_ENCODES_TO(msg_encrypted_extensions_encode(&ee, &w_), b, n);
    free(b);

    /* RFC 8448 4: the resumed EE adds early_data */
    b = rfc_msg(RFC_EE_PSK, MSG_ENCRYPTED_EXTENSIONS, &n, &body);
    CHECK_EQ(msg_encrypted_extensions_decode(body.p, body.len, &ee), 0);
    CHECK(ee.ext_present & EXT_BIT(EXT_EARLY_DATA));
    static const uint8_t order2[] = {EXT_SUPPORTED_GROUPS, EXT_RECORD_SIZE_LIMIT, EXT_SERVER_NAME,
                                     EXT_EARLY_DATA};
    ee.order.ids = order2;
    ee.order.count = sizeof order2;
    CHECK_ENCODES_TO(msg_encrypted_extensions_encode(&ee, &w_), b, n);
    free(b);
}

TEST(rfc8448_certificate_cv_finished_nst)
{
    size_t n;
    ctls_slice body;
    uint8_t *b = rfc_msg(RFC_CERT, MSG_CERTIFICATE, &n, &body);
    msg_certificate ct;
    CHECK_EQ(msg_certificate_decode(body.p, body.len, 0, &ct), 0);
    CHECK_EQ(ct.request_context.len, 0);
    CHECK_EQ(ct.count, 1);
    CHECK_EQ(ct.certs[0].len, 0x1b0);
    CHECK_EQ(ct.certs[0].p[0], 0x30); /* a DER SEQUENCE */
    CHECK_ENCODES_TO(msg_certificate_encode(&ct, 0, &w_), b, n);
    free(b);

    b = rfc_msg(RFC_CV, MSG_CERTIFICATE_VERIFY, &n, &body);
    msg_certificate_verify cv;
    CHECK_EQ(msg_certificate_verify_decode(body.p, body.len, &cv), 0);
    CHECK_EQ(cv.scheme, 0x0804);
    CHECK_EQ(cv.signature.len, 0x80);
    CHECK_EQ(cv.signature.p[0], 0x5a);
    CHECK_ENCODES_TO(msg_certificate_verify_encode(&cv, &w_), b, n);
    free(b);

    b = rfc_msg(RFC_SFIN, MSG_FINISHED, &n, &body);
    msg_finished fin;
    CHECK_EQ(msg_finished_decode(body.p, body.len, &fin), 0);
    CHECK(slice_eq_hex(fin.verify_data,
                       "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718"));
    CHECK_ENCODES_TO(msg_finished_encode(&fin, &w_), b, n);
    free(b);

    b = rfc_msg(RFC_NST, MSG_NEW_SESSION_TICKET, &n, &body);
    msg_new_session_ticket nst;
    CHECK_EQ(msg_new_session_ticket_decode(body.p, body.len, &nst), 0);
    CHECK_EQ(nst.lifetime, 30);
    CHECK_EQ(nst.age_add, 0xfad6aac5u);
    CHECK(slice_eq_hex(nst.nonce, "0000"));
    CHECK_EQ(nst.ticket.len, 0xb2);
    CHECK_EQ(nst.ext_present, EXT_BIT(EXT_EARLY_DATA));
    CHECK_EQ(nst.max_early_data, 0x400);
    CHECK_ENCODES_TO(msg_new_session_ticket_encode(&nst, &w_), b, n);
    free(b);

    b = rfc_msg(RFC_EOED, MSG_END_OF_EARLY_DATA, &n, &body);
    CHECK_EQ(msg_end_of_early_data_decode(body.p, body.len), 0);
    CHECK_ENCODES_TO(msg_empty_encode(MSG_END_OF_EARLY_DATA, &w_), b, n);
    free(b);
}

TEST(rfc8448_resumed_hellos)
{
    size_t n;
    ctls_slice body;
    uint8_t *b = rfc_msg(RFC_CH_PSK, MSG_CLIENT_HELLO, &n, &body);
    msg_client_hello ch;
    CHECK_EQ(msg_client_hello_decode(body.p, body.len, &ch), 0);
    CHECK(ch.ext_present & EXT_BIT(EXT_PRE_SHARED_KEY));
    CHECK(ch.ext_present & EXT_BIT(EXT_EARLY_DATA));
    /* RFC 8448 4: the binder hash covers the first 477 bytes */
    CHECK_EQ(ch.binders_offset, 477);
    CHECK_EQ(n - ch.binders_offset, 2 + ch.psk_binders.len);
    ctls_slice ids = ch.psk_identities, id, binders = ch.psk_binders, binder;
    uint32_t age;
    CHECK_EQ(msg_psk_identity_next(&ids, &id, &age), 1);
    CHECK_EQ(id.len, 178);
    CHECK_EQ(age, 0xfad6aacbu);
    CHECK_EQ(msg_psk_identity_next(&ids, &id, &age), 0);
    CHECK_EQ(msg_psk_binder_next(&binders, &binder), 1);
    CHECK(slice_eq_hex(binder, "3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d"));
    CHECK_EQ(msg_psk_binder_next(&binders, &binder), 0);
    free(b);

    b = rfc_msg(RFC_SH_PSK, MSG_SERVER_HELLO, &n, &body);
    msg_server_hello sh;
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &sh), 0);
    CHECK_EQ(sh.ext_present, EXT_BIT(EXT_PRE_SHARED_KEY) | EXT_BIT(EXT_KEY_SHARE) |
                                 EXT_BIT(EXT_SUPPORTED_VERSIONS));
    CHECK_EQ(sh.psk_identity, 0);
    static const uint8_t order[] = {EXT_PRE_SHARED_KEY, EXT_KEY_SHARE, EXT_SUPPORTED_VERSIONS};
    sh.order.ids = order;
    sh.order.count = sizeof order;
    CHECK_ENCODES_TO(msg_server_hello_encode(&sh, &w_), b, n);
    free(b);
}

TEST(rfc8448_hello_retry_request)
{
    size_t n;
    ctls_slice body;
    uint8_t *b = rfc_msg(RFC5_HRR, MSG_SERVER_HELLO, &n, &body);
    msg_server_hello sh;
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &sh), 0);
    CHECK_EQ(sh.is_hrr, 1);
    CHECK_EQ(sh.cipher_suite, 0x1301);
    CHECK_EQ(sh.ext_present,
             EXT_BIT(EXT_KEY_SHARE) | EXT_BIT(EXT_COOKIE) | EXT_BIT(EXT_SUPPORTED_VERSIONS));
    CHECK_EQ(sh.key_share_group, 0x0017);
    CHECK_EQ(sh.key_share.len, 0);
    CHECK_EQ(sh.cookie.len, 0x72);
    CHECK_EQ(sh.selected_version, 0x0304);
    static const uint8_t order[] = {EXT_KEY_SHARE, EXT_COOKIE, EXT_SUPPORTED_VERSIONS};
    sh.order.ids = order;
    sh.order.count = sizeof order;
    memset(sh.random, 0, sizeof sh.random); /* encode writes the magic value for is_hrr */
    CHECK_ENCODES_TO(msg_server_hello_encode(&sh, &w_), b, n);
    free(b);

    b = rfc_msg(RFC5_CH1, MSG_CLIENT_HELLO, &n, &body);
    msg_client_hello ch;
    CHECK_EQ(msg_client_hello_decode(body.p, body.len, &ch), 0);
    CHECK(slice_eq_hex(ch.supported_groups, "001d00170018"));
    static const uint8_t order1[] = {EXT_SERVER_NAME,
                                     EXT_RENEGOTIATION_INFO,
                                     EXT_SUPPORTED_GROUPS,
                                     EXT_KEY_SHARE,
                                     EXT_SUPPORTED_VERSIONS,
                                     EXT_SIGNATURE_ALGORITHMS,
                                     EXT_PSK_KEY_EXCHANGE_MODES,
                                     EXT_RECORD_SIZE_LIMIT};
    ch.order.ids = order1;
    ch.order.count = sizeof order1;
    CHECK_ENCODES_TO(msg_client_hello_encode(&ch, &w_), b, n);
    free(b);
}

/* Every RFC message with a length-checked body, and its decoder. */
#define RFC_ALL_INIT                                                                               \
    {                                                                                              \
        {RFC_CH, K_CH}, {RFC_SH, K_SH}, {RFC_EE, K_EE}, {RFC_CERT, K_CT13}, {RFC_CV, K_CV},        \
            {RFC_NST, K_NST}, {RFC_CH_PSK, K_CH}, {RFC_SH_PSK, K_SH}, {RFC_EE_PSK, K_EE},          \
            {RFC5_CH1, K_CH}, {RFC5_HRR, K_SH},                                                    \
    }
typedef struct {
    const char *hex;
    int kind;
} rfc_entry;

/* Every RFC message cut short at every offset must fail cleanly (ASan watches for over-reads:
 * each cut is copied to a buffer of exactly that size). */
TEST(truncation_every_offset)
{
    const rfc_entry RFC_ALL[] = RFC_ALL_INIT;
    for (size_t i = 0; i < sizeof RFC_ALL / sizeof RFC_ALL[0]; i++) {
        size_t n;
        uint8_t *b = unhex(RFC_ALL[i].hex, &n);
        /* the framing: every shorter prefix is rejected by msg_split */
        for (size_t cut = 0; cut < n; cut++) {
            uint8_t *c = malloc(cut ? cut : 1);
            memcpy(c, b, cut);
            uint8_t type;
            ctls_slice body;
            CHECK(msg_split(c, cut, &type, &body) < 0);
            free(c);
        }
        /* the body: every shorter body fails to decode, except a hello cut right after its
         * compression methods, which is a valid TLS 1.2 hello without extensions */
        const uint8_t *body = b + MSG_HEADER_LEN;
        size_t blen = n - MSG_HEADER_LEN;
        for (size_t cut = 0; cut < blen; cut++) {
            uint8_t *c = malloc(cut ? cut : 1);
            memcpy(c, body, cut);
            int rc = decode_kind(RFC_ALL[i].kind, c, cut);
            if (rc == 0) {
                int ok_no_ext =
                    (RFC_ALL[i].kind == K_CH && U.ch.ext_present == 0 &&
                     cut == 2 + 32 + 1 + U.ch.session_id.len + 2 + U.ch.cipher_suites.len + 1 +
                                U.ch.compression_methods.len) ||
                    (RFC_ALL[i].kind == K_SH && U.sh.ext_present == 0 &&
                     cut == 2 + 32 + 1 + U.sh.session_id.len + 2 + 1);
                if (!ok_no_ext) fprintf(stderr, "message %zu: cut at %zu decoded\n", i, cut);
                CHECK(ok_no_ext);
            }
            free(c);
        }
        free(b);
    }
}

/* Single-byte corruption of every RFC message: any status, never a crash. */
TEST(corruption_never_crashes)
{
    const rfc_entry RFC_ALL[] = RFC_ALL_INIT;
    static const uint8_t xors[] = {0x01, 0x80, 0xff};
    for (size_t i = 0; i < sizeof RFC_ALL / sizeof RFC_ALL[0]; i++) {
        size_t n;
        uint8_t *b = unhex(RFC_ALL[i].hex, &n);
        size_t blen = n - MSG_HEADER_LEN;
        uint8_t *c = malloc(blen);
        for (size_t at = 0; at < blen; at++) {
            for (size_t x = 0; x < sizeof xors; x++) {
                memcpy(c, b + MSG_HEADER_LEN, blen);
                c[at] ^= xors[x];
                (void)decode_kind(RFC_ALL[i].kind, c, blen);
            }
        }
        free(c);
        free(b);
    }
    CHECK(1);
}

/* ---- malformed table ----------------------------------------------------------------- */

/* 32 zero bytes */
#define Z32 "0000000000000000000000000000000000000000000000000000000000000000"
#define R32 Z32 /* 32 zero bytes of random */
#define HRR_R "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c"
#define CH_PRE                                                                                     \
    "0303" R32 "00"                                                                                \
    "00021301"                                                                                     \
    "0100"
#define SH_PRE                                                                                     \
    "0303" R32 "00"                                                                                \
    "1301"                                                                                         \
    "00"
#define HRR_PRE                                                                                    \
    "0303" HRR_R "00"                                                                              \
    "1301"                                                                                         \
    "00"
#define SV13 "002b00020304" /* ServerHello supported_versions TLS 1.3 */
#define PSK_EXT                                                                                    \
    "0029002c"                                                                                     \
    "0007"                                                                                         \
    "0001aa00000000"                                                                               \
    "0021"                                                                                         \
    "20" Z32

typedef struct {
    const char *name;
    int kind;
    const char *pre;  /* fixed part of the body */
    const char *exts; /* if not NULL: an extensions block appended with its u16 length */
    int want;
} bad_row;

static const bad_row ROWS[] = {
    /* ClientHello */
    {"ch: valid minimal", K_CH, CH_PRE, "002b0003020304", 0},
    {"ch: TLS 1.2 without extensions", K_CH, CH_PRE, NULL, 0},
    {"ch: empty extensions block", K_CH, CH_PRE "0000", NULL, 0},
    {"ch: ext block length past the end", K_CH,
     CH_PRE "0010"
            "002b0003020304",
     NULL, CTLS_ERR_DECODE},
    {"ch: trailing byte after extensions", K_CH,
     CH_PRE "0007"
            "002b0003020304"
            "00",
     NULL, CTLS_ERR_DECODE},
    {"ch: a lone trailing byte (no block)", K_CH, CH_PRE "00", NULL, CTLS_ERR_DECODE},
    {"ch: cipher_suites length past the end", K_CH,
     "0303" R32 "00"
     "0010"
     "1301",
     NULL, CTLS_ERR_DECODE},
    {"ch: odd cipher_suites", K_CH,
     "0303" R32 "00"
     "0003130113"
     "0100",
     NULL, CTLS_ERR_DECODE},
    {"ch: empty cipher_suites", K_CH,
     "0303" R32 "00"
     "0000"
     "0100",
     NULL, CTLS_ERR_DECODE},
    {"ch: empty compression_methods", K_CH,
     "0303" R32 "00"
     "00021301"
     "00",
     NULL, CTLS_ERR_DECODE},
    {"ch: session_id of 33 bytes", K_CH,
     "0303" R32 "21" Z32 "00"
     "00021301"
     "0100",
     NULL, CTLS_ERR_DECODE},
    {"ch: session_id of 32 bytes", K_CH,
     "0303" R32 "20" Z32 "00021301"
     "0100",
     NULL, 0},
    {"ch: duplicate extension", K_CH, CH_PRE,
     "002b0003020304"
     "002b0003020304",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: duplicate unknown extension", K_CH, CH_PRE,
     "fafa0000"
     "0a0a0000"
     "fafa0000",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: unknown extensions ignored", K_CH, CH_PRE,
     "fafa0000"
     "00150003000000"
     "0a0a0000",
     0},
    {"ch: extension data longer than block", K_CH, CH_PRE, "002b0009020304", CTLS_ERR_DECODE},
    {"ch: extension with trailing data", K_CH, CH_PRE, "002b000402030400", CTLS_ERR_DECODE},
    {"ch: truncated extension header", K_CH, CH_PRE, "002b00", CTLS_ERR_DECODE},
    {"ch: key_share duplicate group", K_CH, CH_PRE, "0033000c000a001d0001aa001d0001bb",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: key_share entry with empty key", K_CH, CH_PRE, "003300060004001d0000", CTLS_ERR_DECODE},
    {"ch: key_share empty list (HRR wanted)", K_CH, CH_PRE, "003300020000", 0},
    {"ch: key_share 9 entries", K_CH, CH_PRE,
     "0033002f002d"
     "00010001aa"
     "00020001aa"
     "00030001aa"
     "00040001aa"
     "00050001aa"
     "00060001aa"
     "00070001aa"
     "00080001aa"
     "00090001aa",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: key_share 8 entries", K_CH, CH_PRE,
     "0033002a0028"
     "00010001aa"
     "00020001aa"
     "00030001aa"
     "00040001aa"
     "00050001aa"
     "00060001aa"
     "00070001aa"
     "00080001aa",
     0},
    {"ch: key_share list length odd inside", K_CH, CH_PRE, "003300050003001d00", CTLS_ERR_DECODE},
    {"ch: pre_shared_key last", K_CH, CH_PRE, "002b0003020304" PSK_EXT, 0},
    {"ch: pre_shared_key not last", K_CH, CH_PRE, PSK_EXT "002b0003020304",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: pre_shared_key not last (unknown after)", K_CH, CH_PRE, PSK_EXT "fafa0000",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: psk two binders for one identity", K_CH, CH_PRE,
     "0029004d"
     "0007"
     "0001aa00000000"
     "0042"
     "20" Z32 "20" Z32,
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: psk binder of 31 bytes", K_CH, CH_PRE,
     "0029002b"
     "0007"
     "0001aa00000000"
     "0020"
     "1f"
     "00000000000000000000000000000000000000000000000000000000000000",
     CTLS_ERR_DECODE},
    {"ch: psk empty identity", K_CH, CH_PRE,
     "0029002b"
     "0006"
     "000000000000"
     "0021"
     "20" Z32,
     CTLS_ERR_DECODE},
    {"ch: server_name with NUL", K_CH, CH_PRE,
     "0000000b000900000673650076"
     "6572",
     CTLS_ERR_DECODE},
    {"ch: server_name empty host", K_CH, CH_PRE,
     "00000005000300"
     "0000",
     CTLS_ERR_DECODE},
    {"ch: server_name empty list", K_CH, CH_PRE, "000000020000", CTLS_ERR_DECODE},
    {"ch: server_name two host_names", K_CH, CH_PRE,
     "0000000a0008"
     "00000161"
     "00000162",
     CTLS_ERR_DECODE},
    {"ch: server_name unknown type skipped", K_CH, CH_PRE,
     "0000000a0008"
     "01000161"
     "00000162",
     0},
    {"ch: supported_groups odd", K_CH, CH_PRE, "000a00050003001d00", CTLS_ERR_DECODE},
    {"ch: supported_groups empty", K_CH, CH_PRE, "000a00020000", CTLS_ERR_DECODE},
    {"ch: signature_algorithms empty", K_CH, CH_PRE, "000d00020000", CTLS_ERR_DECODE},
    {"ch: signature_algorithms odd", K_CH, CH_PRE, "000d0005000308040b", CTLS_ERR_DECODE},
    {"ch: supported_versions odd", K_CH, CH_PRE, "002b000403030403", CTLS_ERR_DECODE},
    {"ch: supported_versions empty", K_CH, CH_PRE, "002b000100", CTLS_ERR_DECODE},
    {"ch: psk_key_exchange_modes empty", K_CH, CH_PRE, "002d000100", CTLS_ERR_DECODE},
    {"ch: alpn empty name", K_CH, CH_PRE, "00100003000100", CTLS_ERR_DECODE},
    {"ch: alpn empty list", K_CH, CH_PRE, "001000020000", CTLS_ERR_DECODE},
    {"ch: alpn two names", K_CH, CH_PRE,
     "0010000800060268320268"
     "33",
     0},
    {"ch: cookie empty", K_CH, CH_PRE, "002c00020000", CTLS_ERR_DECODE},
    {"ch: early_data not empty", K_CH, CH_PRE, "002a000100", CTLS_ERR_DECODE},
    {"ch: post_handshake_auth not empty", K_CH, CH_PRE, "0031000100", CTLS_ERR_DECODE},
    {"ch: ems not empty", K_CH, CH_PRE, "0017000100", CTLS_ERR_DECODE},
    {"ch: record_size_limit 63", K_CH, CH_PRE, "001c0002003f", CTLS_ERR_ILLEGAL_PARAMETER},
    {"ch: record_size_limit 64", K_CH, CH_PRE, "001c00020040", 0},
    {"ch: record_size_limit 3 bytes", K_CH, CH_PRE, "001c0003004000", CTLS_ERR_DECODE},
    {"ch: renegotiation_info length past data", K_CH, CH_PRE, "ff01000105", CTLS_ERR_DECODE},
    {"ch: certificate_authorities too short", K_CH, CH_PRE, "002f000400020000", CTLS_ERR_DECODE},
    {"ch: ec_point_formats empty", K_CH, CH_PRE, "000b000100", CTLS_ERR_DECODE},

    /* ServerHello (TLS 1.3, TLS 1.2) */
    {"sh: valid", K_SH, SH_PRE, SV13 "00330006001d0002aabb", 0},
    {"sh: compression 1", K_SH,
     "0303" R32 "00"
     "1301"
     "01",
     SV13, CTLS_ERR_ILLEGAL_PARAMETER},
    {"sh: session_id of 33 bytes", K_SH,
     "0303" R32 "21" Z32 "00"
     "1301"
     "00",
     SV13, CTLS_ERR_DECODE},
    {"sh: unknown extension", K_SH, SH_PRE, SV13 "fafa0000", CTLS_ERR_UNSUPPORTED_EXTENSION},
    {"sh12: unknown extension", K_SH, SH_PRE, "fafa0000", CTLS_ERR_UNSUPPORTED_EXTENSION},
    {"sh: forbidden supported_groups", K_SH, SH_PRE, SV13 "000a00040002001d",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"sh: forbidden ems in TLS 1.3", K_SH, SH_PRE, SV13 "00170000", CTLS_ERR_ILLEGAL_PARAMETER},
    {"sh: forbidden cookie in ServerHello", K_SH, SH_PRE, SV13 "002c000300017a",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"sh: key_share empty key", K_SH, SH_PRE, SV13 "00330004001d0000", CTLS_ERR_DECODE},
    {"sh: key_share two entries", K_SH, SH_PRE, SV13 "0033000a001d0001aa00170001bb",
     CTLS_ERR_DECODE},
    {"sh: supported_versions 3 bytes", K_SH, SH_PRE, "002b0003020304", CTLS_ERR_DECODE},
    {"sh: duplicate extension", K_SH, SH_PRE, SV13 SV13, CTLS_ERR_ILLEGAL_PARAMETER},
    {"sh: trailing byte", K_SH, SH_PRE "0006" SV13 "00", NULL, CTLS_ERR_DECODE},
    {"sh: pre_shared_key 3 bytes", K_SH, SH_PRE, SV13 "0029000300000a", CTLS_ERR_DECODE},
    {"sh12: no extensions", K_SH, SH_PRE, NULL, 0},
    {"sh12: tls 1.2 extensions", K_SH, SH_PRE,
     "ff01000100"
     "000b00020100"
     "00170000"
     "00230000"
     "0010000500030268"
     "32"
     "00000000"
     "001c00024000",
     0},
    {"sh12: alpn two names", K_SH, SH_PRE,
     "00100008000602683202"
     "6833",
     CTLS_ERR_DECODE},
    {"sh12: session_ticket not empty", K_SH, SH_PRE, "00230001aa", CTLS_ERR_DECODE},
    {"sh12: key_share forbidden", K_SH, SH_PRE, "00330006001d0002aabb", CTLS_ERR_ILLEGAL_PARAMETER},
    {"sh12: supported_groups forbidden", K_SH, SH_PRE, "000a00040002001d",
     CTLS_ERR_ILLEGAL_PARAMETER},

    /* HelloRetryRequest */
    {"hrr: valid", K_SH, HRR_PRE,
     SV13 "00330002001d"
          "002c000300017a",
     0},
    {"hrr: key_share with key bytes", K_SH, HRR_PRE, SV13 "00330006001d0002aabb", CTLS_ERR_DECODE},
    {"hrr: pre_shared_key forbidden", K_SH, HRR_PRE, SV13 "002900020000",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"hrr: cookie empty", K_SH, HRR_PRE, SV13 "002c00020000", CTLS_ERR_DECODE},
    {"hrr: unknown extension", K_SH, HRR_PRE, SV13 "fafa0000", CTLS_ERR_UNSUPPORTED_EXTENSION},

    /* EncryptedExtensions */
    {"ee: empty", K_EE, "", "", 0},
    {"ee: unknown extension", K_EE, "", "fafa0000", CTLS_ERR_UNSUPPORTED_EXTENSION},
    {"ee: key_share forbidden", K_EE, "", "00330006001d0002aabb", CTLS_ERR_ILLEGAL_PARAMETER},
    {"ee: supported_versions forbidden", K_EE, "", SV13, CTLS_ERR_ILLEGAL_PARAMETER},
    {"ee: alpn one name", K_EE, "", "001000050003026832", 0},
    {"ee: alpn two names", K_EE, "",
     "00100008000602683202"
     "6833",
     CTLS_ERR_DECODE},
    {"ee: server_name not empty", K_EE, "", "0000000100", CTLS_ERR_DECODE},
    {"ee: early_data not empty", K_EE, "", "002a000100", CTLS_ERR_DECODE},
    {"ee: record_size_limit 63", K_EE, "", "001c0002003f", CTLS_ERR_ILLEGAL_PARAMETER},
    {"ee: duplicate", K_EE, "", "0000000000000000", CTLS_ERR_ILLEGAL_PARAMETER},
    {"ee: block length past the end", K_EE, "00040000", NULL, CTLS_ERR_DECODE},
    {"ee: trailing byte", K_EE, "000000", NULL, CTLS_ERR_DECODE},
    {"ee: no block at all", K_EE, "", NULL, CTLS_ERR_DECODE},

    /* Certificate */
    {"ct: empty list", K_CT13, "00000000", NULL, 0},
    {"ct: one entry", K_CT13, "00000006000001aa0000", NULL, 0},
    {"ct: entry with extensions", K_CT13,
     "0000000e000001aa0008001200040102"
     "0304",
     NULL, 0},
    /* status_request is decoded (RFC 8446 4.4.2.1: CertificateStatus), not shape-checked */
    {"ct: entry status_request malformed", K_CT13,
     "0000000e000001aa0008000500040102"
     "0304",
     NULL, CTLS_ERR_DECODE},
    {"ct: empty cert_data", K_CT13, "000000050000000000", NULL, CTLS_ERR_DECODE},
    {"ct: entry extensions malformed", K_CT13, "00000007000001aa000100", NULL, CTLS_ERR_DECODE},
    {"ct: list length past the end", K_CT13, "00000010000001aa0000", NULL, CTLS_ERR_DECODE},
    {"ct: trailing byte", K_CT13, "00000006000001aa000000", NULL, CTLS_ERR_DECODE},
    {"ct: missing entry extensions", K_CT13, "00000004000001aa", NULL, CTLS_ERR_DECODE},
    {"ct: request_context", K_CT13, "020102000000", NULL, 0},
    {"ct12: one cert", K_CT12, "000004000001aa", NULL, 0},
    {"ct12: empty list", K_CT12, "000000", NULL, 0},
    {"ct12: trailing", K_CT12, "000004000001aa00", NULL, CTLS_ERR_DECODE},

    /* CertificateRequest (TLS 1.3) */
    {"cr: valid", K_CR, "00", "000d000400020804", 0},
    {"cr: unknown ignored", K_CR, "00",
     "fafa0000"
     "000d000400020804"
     "00300000",
     0},
    {"cr: missing signature_algorithms", K_CR, "00", "002f00050003000101",
     CTLS_ERR_MISSING_EXTENSION},
    {"cr: key_share forbidden", K_CR, "00",
     "000d000400020804"
     "00330002001d",
     CTLS_ERR_ILLEGAL_PARAMETER},
    {"cr: status_request accepted", K_CR, "00",
     "000d000400020804"
     "000500050100000000",
     0},
    {"cr: duplicate unknown", K_CR, "00",
     "000d000400020804"
     "fafa0000"
     "fafa0000",
     CTLS_ERR_ILLEGAL_PARAMETER},

    /* CertificateVerify */
    {"cv: valid", K_CV, "08040001aa", NULL, 0},
    {"cv: empty signature", K_CV, "08040000", NULL, CTLS_ERR_DECODE},
    {"cv: signature length past end", K_CV, "08040002aa", NULL, CTLS_ERR_DECODE},
    {"cv: trailing byte", K_CV, "08040001aabb", NULL, CTLS_ERR_DECODE},
    {"cv: truncated scheme", K_CV, "08", NULL, CTLS_ERR_DECODE},

    /* NewSessionTicket (TLS 1.3) */
    {"nst: valid", K_NST,
     "0000001e"
     "00000001"
     "00"
     "0001aa",
     "", 0},
    {"nst: empty ticket", K_NST,
     "0000001e"
     "00000001"
     "00"
     "0000",
     "", CTLS_ERR_DECODE},
    {"nst: unknown ext ignored", K_NST,
     "0000001e"
     "00000001"
     "00"
     "0001aa",
     "fafa0000", 0},
    {"nst: early_data 3 bytes", K_NST,
     "0000001e"
     "00000001"
     "00"
     "0001aa",
     "002a0003000004", CTLS_ERR_DECODE},
    {"nst: key_share forbidden", K_NST,
     "0000001e"
     "00000001"
     "00"
     "0001aa",
     "00330002001d", CTLS_ERR_ILLEGAL_PARAMETER},
    {"nst: no extensions block", K_NST,
     "0000001e"
     "00000001"
     "00"
     "0001aa",
     NULL, CTLS_ERR_DECODE},

    /* KeyUpdate */
    {"ku: 0", K_KU, "00", NULL, 0},
    {"ku: 1", K_KU, "01", NULL, 0},
    {"ku: request_update 2", K_KU, "02", NULL, CTLS_ERR_ILLEGAL_PARAMETER},
    {"ku: extra byte", K_KU, "0000", NULL, CTLS_ERR_DECODE},
    {"ku: empty", K_KU, "", NULL, CTLS_ERR_DECODE},

    /* Finished / EndOfEarlyData / empty */
    {"fin: any length", K_FIN, "0102", NULL, 0},
    {"eoed: empty", K_EOED, "", NULL, 0},
    {"eoed: not empty", K_EOED, "00", NULL, CTLS_ERR_DECODE},
    {"shd: not empty", K_EMPTY, "00", NULL, CTLS_ERR_DECODE},

    /* TLS 1.2 */
    {"ske: valid", K_SKE12,
     "03001d01aa"
     "08040001bb",
     NULL, 0},
    {"ske: explicit curve", K_SKE12,
     "01001d01aa"
     "08040001bb",
     NULL, CTLS_ERR_ILLEGAL_PARAMETER},
    {"ske: empty point", K_SKE12,
     "03001d00"
     "08040001bb",
     NULL, CTLS_ERR_DECODE},
    {"ske: empty signature", K_SKE12,
     "03001d01aa"
     "08040000",
     NULL, CTLS_ERR_DECODE},
    {"ske: trailing", K_SKE12,
     "03001d01aa"
     "08040001bb00",
     NULL, CTLS_ERR_DECODE},
    {"cke: valid", K_CKE12, "01aa", NULL, 0},
    {"cke: empty point", K_CKE12, "00", NULL, CTLS_ERR_DECODE},
    {"cke: point past end", K_CKE12, "02aa", NULL, CTLS_ERR_DECODE},
    {"cr12: valid", K_CR12,
     "0101"
     "00020804"
     "0000",
     NULL, 0},
    {"cr12: with CAs", K_CR12,
     "020140"
     "00020804"
     "0005"
     "0003aabbcc",
     NULL, 0},
    {"cr12: empty types", K_CR12,
     "00"
     "00020804"
     "0000",
     NULL, CTLS_ERR_DECODE},
    {"cr12: odd sigalgs", K_CR12,
     "0101"
     "0003080401"
     "0000",
     NULL, CTLS_ERR_DECODE},
    {"cr12: empty DN", K_CR12,
     "0101"
     "00020804"
     "00020000",
     NULL, CTLS_ERR_DECODE},
    {"nst12: valid empty ticket", K_NST12,
     "00000000"
     "0000",
     NULL, 0},
    {"nst12: valid", K_NST12,
     "00001c20"
     "0002aabb",
     NULL, 0},
    {"nst12: ticket past end", K_NST12,
     "00000000"
     "0002aa",
     NULL, CTLS_ERR_DECODE},
};

static uint8_t *build_row(const bad_row *row, size_t *n)
{
    size_t pn, en = 0;
    uint8_t *pre = unhex(row->pre, &pn);
    uint8_t *ext = row->exts ? unhex(row->exts, &en) : NULL;
    size_t total = pn + (row->exts ? 2 + en : 0);
    uint8_t *b = malloc(total ? total : 1);
    memcpy(b, pre, pn);
    if (row->exts) {
        b[pn] = (uint8_t)(en >> 8);
        b[pn + 1] = (uint8_t)en;
        memcpy(b + pn + 2, ext, en);
    }
    free(pre);
    free(ext);
    *n = total;
    return b;
}

TEST(malformed_table)
{
    for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
        const bad_row *row = &ROWS[i];
        size_t n;
        uint8_t *b = build_row(row, &n);
        int rc = decode_kind(row->kind, b, n);
        if (rc != row->want)
            fprintf(stderr, "row '%s': got %d, want %d\n", row->name, rc, row->want);
        CHECK_EQ(rc, row->want);
        free(b);
    }
}

/* ---- generated malformed inputs ------------------------------------------------------- */

/* A ClientHello with n distinct unknown extensions. */
static uint8_t *ch_with_unknown_exts(size_t count, size_t *n)
{
    ctls_writer w;
    wr_init_dyn(&w, 1 << 20);
    size_t pn;
    uint8_t *pre = unhex(CH_PRE, &pn);
    CHECK_EQ(wr_bytes(&w, pre, pn), 0);
    free(pre);
    CHECK_EQ(wr_open(&w, 2), 0);
    for (size_t i = 0; i < count; i++) {
        CHECK_EQ(wr_u16(&w, (uint16_t)(0x1000 + i)), 0);
        CHECK_EQ(wr_u16(&w, 0), 0);
    }
    CHECK_EQ(wr_close(&w), 0);
    uint8_t *out;
    CHECK_EQ(wr_take(&w, &out, n), 0);
    return out;
}

TEST(extension_count_limit)
{
    size_t n;
    msg_client_hello ch;
    uint8_t *b = ch_with_unknown_exts(EXT_MAX_PER_BLOCK, &n);
    CHECK_EQ(msg_client_hello_decode(b, n, &ch), 0);
    free(b);
    b = ch_with_unknown_exts(EXT_MAX_PER_BLOCK + 1, &n);
    CHECK_EQ(msg_client_hello_decode(b, n, &ch), CTLS_ERR_LIMIT);
    free(b);
    /* thousands of extensions: rejected at once, not after a quadratic scan */
    b = ch_with_unknown_exts(16000, &n);
    CHECK_EQ(msg_client_hello_decode(b, n, &ch), CTLS_ERR_LIMIT);
    free(b);
}

TEST(certificate_chain_limit)
{
    ctls_writer w;
    uint8_t buf[512];
    for (size_t count = 10; count <= 11; count++) {
        wr_init(&w, buf, sizeof buf);
        CHECK_EQ(wr_u8(&w, 0), 0); /* request_context */
        CHECK_EQ(wr_open(&w, 3), 0);
        for (size_t i = 0; i < count; i++) {
            uint8_t der = (uint8_t)i;
            CHECK_EQ(wr_vec24(&w, &der, 1), 0);
            CHECK_EQ(wr_u16(&w, 0), 0);
        }
        CHECK_EQ(wr_close(&w), 0);
        msg_certificate ct;
        int rc = msg_certificate_decode(buf, w.len, 0, &ct);
        CHECK_EQ(rc, count == 10 ? 0 : CTLS_ERR_LIMIT);
        if (rc == 0) CHECK_EQ(ct.count, 10);
        /* TLS 1.2 form */
        wr_init(&w, buf, sizeof buf);
        CHECK_EQ(wr_open(&w, 3), 0);
        for (size_t i = 0; i < count; i++) {
            uint8_t der = (uint8_t)i;
            CHECK_EQ(wr_vec24(&w, &der, 1), 0);
        }
        CHECK_EQ(wr_close(&w), 0);
        CHECK_EQ(msg_certificate_decode(buf, w.len, 1, &ct), count == 10 ? 0 : CTLS_ERR_LIMIT);
    }
}

TEST(server_name_length_limit)
{
    uint8_t buf[1024];
    for (size_t len = 254; len <= 256; len++) {
        ctls_writer w;
        wr_init(&w, buf, sizeof buf);
        size_t pn;
        uint8_t *pre = unhex(CH_PRE, &pn);
        CHECK_EQ(wr_bytes(&w, pre, pn), 0);
        free(pre);
        CHECK_EQ(wr_open(&w, 2), 0);
        CHECK_EQ(wr_u16(&w, 0), 0);
        CHECK_EQ(wr_open(&w, 2), 0);
        CHECK_EQ(wr_open(&w, 2), 0);
        CHECK_EQ(wr_u8(&w, 0), 0);
        CHECK_EQ(wr_open(&w, 2), 0);
        for (size_t i = 0; i < len; i++)
            CHECK_EQ(wr_u8(&w, 'a'), 0);
        for (int i = 0; i < 4; i++)
            CHECK_EQ(wr_close(&w), 0);
        msg_client_hello ch;
        int rc = msg_client_hello_decode(buf, w.len, &ch);
        CHECK_EQ(rc, len <= 255 ? 0 : CTLS_ERR_DECODE);
        if (rc == 0) CHECK_EQ(ch.server_name.len, len);
    }
}

TEST(msg_split_framing)
{
    uint8_t m[] = {0x18, 0x00, 0x00, 0x01, 0x00};
    uint8_t type;
    ctls_slice body;
    CHECK_EQ(msg_split(m, sizeof m, &type, &body), 0);
    CHECK_EQ(type, MSG_KEY_UPDATE);
    CHECK_EQ(body.len, 1);
    CHECK_EQ(msg_split(m, sizeof m - 1, &type, &body), CTLS_ERR_DECODE);
    uint8_t longer[] = {0x18, 0x00, 0x00, 0x01, 0x00, 0x00};
    CHECK_EQ(msg_split(longer, sizeof longer, &type, &body), CTLS_ERR_DECODE);
    CHECK_EQ(msg_split(m, 3, &type, &body), CTLS_ERR_DECODE);
    CHECK_EQ(msg_split(NULL, 0, &type, &body), CTLS_ERR_DECODE);
}

/* ---- round trips -------------------------------------------------------------------- */

/* Encode into a fresh buffer, split, return the body (the buffer is static). */
static uint8_t RT_BUF[4096];
static int rt_encode_split(int rc_encode, ctls_writer *w, uint8_t want_type, ctls_slice *body)
{
    CHECK_EQ(rc_encode, 0);
    CHECK_EQ(wr_status(w), 0);
    uint8_t type;
    int rc = msg_split(RT_BUF, w->len, &type, body);
    CHECK_EQ(rc, 0);
    CHECK_EQ(type, want_type);
    return rc;
}
#define RT_START()                                                                                 \
    ctls_writer w;                                                                                 \
    ctls_slice body;                                                                               \
    wr_init(&w, RT_BUF, sizeof RT_BUF)

static const uint8_t K32[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

#define S(lit) ((ctls_slice){(const uint8_t *)(lit), sizeof(lit) - 1})
#define SAME(a, b) CHECK((a).len == (b).len && ((a).len == 0 || memcmp((a).p, (b).p, (a).len) == 0))

TEST(roundtrip_client_hello)
{
    msg_client_hello m, d;
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memcpy(m.random, K32, 32);
    m.session_id = S("0123456789abcdef0123456789abcdef");
    m.cipher_suites = S("\x13\x01\x13\x02\xc0\x2b");
    m.compression_methods = S("\x00");
    m.ext_present = (1u << EXT_COUNT) - 1; /* everything */
    m.server_name = S("example.com");
    m.supported_groups = S("\x00\x1d\x00\x17");
    m.signature_algorithms = S("\x08\x04\x04\x03");
    m.signature_algorithms_cert = S("\x04\x03");
    m.alpn = S("\x02h2\x08http/1.1");
    m.supported_versions = S("\x03\x04\x03\x03");
    m.key_shares = S("\x00\x1d\x00\x02\xaa\xbb\x00\x17\x00\x01\xcc");
    m.psk_modes = S("\x01");
    m.cookie = S("cookie!");
    m.ec_point_formats = S("\x00");
    m.renegotiation_info = S("");
    m.session_ticket = S("ticket");
    m.certificate_authorities = S("\x00\x03\x30\x01\x00");
    m.record_size_limit = 16385;
    static const uint8_t binders[33] = {32};
    m.psk_identities = S("\x00\x02id\x00\x00\x00\x07");
    m.psk_binders = (ctls_slice){binders, 33};
    RT_START();
    rt_encode_split(msg_client_hello_encode(&m, &w), &w, MSG_CLIENT_HELLO, &body);
    CHECK_EQ(msg_client_hello_decode(body.p, body.len, &d), 0);
    CHECK_EQ(d.legacy_version, m.legacy_version);
    CHECK_MEM(d.random, m.random, 32);
    SAME(d.session_id, m.session_id);
    SAME(d.cipher_suites, m.cipher_suites);
    SAME(d.compression_methods, m.compression_methods);
    CHECK_EQ(d.ext_present, m.ext_present);
    SAME(d.server_name, m.server_name);
    SAME(d.supported_groups, m.supported_groups);
    SAME(d.signature_algorithms, m.signature_algorithms);
    SAME(d.signature_algorithms_cert, m.signature_algorithms_cert);
    SAME(d.alpn, m.alpn);
    SAME(d.supported_versions, m.supported_versions);
    SAME(d.key_shares, m.key_shares);
    SAME(d.psk_modes, m.psk_modes);
    SAME(d.cookie, m.cookie);
    SAME(d.ec_point_formats, m.ec_point_formats);
    SAME(d.renegotiation_info, m.renegotiation_info);
    SAME(d.session_ticket, m.session_ticket);
    SAME(d.certificate_authorities, m.certificate_authorities);
    CHECK_EQ(d.record_size_limit, m.record_size_limit);
    SAME(d.psk_identities, m.psk_identities);
    SAME(d.psk_binders, m.psk_binders);
    /* the binders are the message's last 2 + 33 bytes, and binders_offset points at them */
    CHECK_EQ(d.binders_offset, w.len - 35);
    CHECK_EQ(RT_BUF[d.binders_offset], 0x00);
    CHECK_EQ(RT_BUF[d.binders_offset + 1], 33);

    /* an order that lists pre_shared_key first still writes it last */
    static const uint8_t order[] = {EXT_PRE_SHARED_KEY, EXT_KEY_SHARE, EXT_SERVER_NAME};
    m.order.ids = order;
    m.order.count = sizeof order;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_client_hello_encode(&m, &w), &w, MSG_CLIENT_HELLO, &body);
    CHECK_EQ(msg_client_hello_decode(body.p, body.len, &d), 0);
    CHECK_EQ(d.binders_offset, w.len - 35);
    /* key_share now comes first: type 0x0033 right after the block length */
    size_t ext_at = 4 + 2 + 32 + 1 + 32 + 2 + 6 + 2;
    CHECK_EQ(RT_BUF[ext_at + 2], 0x00);
    CHECK_EQ(RT_BUF[ext_at + 3], 0x33);
}

TEST(roundtrip_server_hello)
{
    msg_server_hello m, d;
    /* TLS 1.3 ServerHello */
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memcpy(m.random, K32, 32);
    m.session_id = S("sid");
    m.cipher_suite = 0x1302;
    m.ext_present =
        EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE) | EXT_BIT(EXT_PRE_SHARED_KEY);
    m.selected_version = 0x0304;
    m.key_share_group = 0x0017;
    m.key_share = S("\x04pointpointpoint");
    m.psk_identity = 3;
    RT_START();
    rt_encode_split(msg_server_hello_encode(&m, &w), &w, MSG_SERVER_HELLO, &body);
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &d), 0);
    CHECK_EQ(d.is_hrr, 0);
    CHECK_MEM(d.random, m.random, 32);
    SAME(d.session_id, m.session_id);
    CHECK_EQ(d.cipher_suite, m.cipher_suite);
    CHECK_EQ(d.ext_present, m.ext_present);
    CHECK_EQ(d.selected_version, 0x0304);
    CHECK_EQ(d.key_share_group, 0x0017);
    SAME(d.key_share, m.key_share);
    CHECK_EQ(d.psk_identity, 3);

    /* HelloRetryRequest: the magic random is written whatever random holds */
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    m.is_hrr = 1;
    m.cipher_suite = 0x1301;
    m.ext_present = EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE) | EXT_BIT(EXT_COOKIE);
    m.selected_version = 0x0304;
    m.key_share_group = 0x0018;
    m.cookie = S("a cookie");
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_server_hello_encode(&m, &w), &w, MSG_SERVER_HELLO, &body);
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &d), 0);
    CHECK_EQ(d.is_hrr, 1);
    CHECK_MEM(d.random, msg_hrr_random, 32);
    CHECK_EQ(d.key_share_group, 0x0018);
    CHECK_EQ(d.key_share.len, 0);
    SAME(d.cookie, m.cookie);
    CHECK_EQ(d.ext_present, m.ext_present);

    /* TLS 1.2 ServerHello */
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memcpy(m.random, K32, 32);
    m.cipher_suite = 0xc02b;
    m.ext_present = EXT_BIT(EXT_ALPN) | EXT_BIT(EXT_RENEGOTIATION_INFO) |
                    EXT_BIT(EXT_EC_POINT_FORMATS) | EXT_BIT(EXT_EXTENDED_MASTER_SECRET) |
                    EXT_BIT(EXT_SESSION_TICKET) | EXT_BIT(EXT_SERVER_NAME) |
                    EXT_BIT(EXT_RECORD_SIZE_LIMIT) | EXT_BIT(EXT_STATUS_REQUEST);
    m.alpn = S("http/1.1");
    m.renegotiation_info = S("0123456789ab0123456789ab");
    m.ec_point_formats = S("\x00");
    m.record_size_limit = 1000;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_server_hello_encode(&m, &w), &w, MSG_SERVER_HELLO, &body);
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &d), 0);
    CHECK_EQ(d.ext_present, m.ext_present);
    SAME(d.alpn, m.alpn);
    SAME(d.renegotiation_info, m.renegotiation_info);
    SAME(d.ec_point_formats, m.ec_point_formats);
    CHECK_EQ(d.record_size_limit, 1000);

    /* TLS 1.2 without extensions */
    m.ext_present = 0;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_server_hello_encode(&m, &w), &w, MSG_SERVER_HELLO, &body);
    CHECK_EQ(body.len, 2 + 32 + 1 + 2 + 1);
    CHECK_EQ(msg_server_hello_decode(body.p, body.len, &d), 0);
    CHECK_EQ(d.ext_present, 0);
}

TEST(roundtrip_ee_cert_cr_cv_fin_nst_ku)
{
    RT_START();
    /* EncryptedExtensions */
    msg_encrypted_extensions ee, eed;
    memset(&ee, 0, sizeof ee);
    ee.ext_present = EXT_BIT(EXT_ALPN) | EXT_BIT(EXT_SUPPORTED_GROUPS) |
                     EXT_BIT(EXT_RECORD_SIZE_LIMIT) | EXT_BIT(EXT_SERVER_NAME) |
                     EXT_BIT(EXT_EARLY_DATA);
    ee.alpn = S("h2");
    ee.supported_groups = S("\x00\x1d");
    ee.record_size_limit = 64;
    rt_encode_split(msg_encrypted_extensions_encode(&ee, &w), &w, MSG_ENCRYPTED_EXTENSIONS, &body);
    CHECK_EQ(msg_encrypted_extensions_decode(body.p, body.len, &eed), 0);
    CHECK_EQ(eed.ext_present, ee.ext_present);
    SAME(eed.alpn, ee.alpn);
    SAME(eed.supported_groups, ee.supported_groups);
    CHECK_EQ(eed.record_size_limit, 64);

    /* Certificate, both forms */
    for (int tls12 = 0; tls12 <= 1; tls12++) {
        msg_certificate ct, ctd;
        memset(&ct, 0, sizeof ct);
        if (!tls12) ct.request_context = S("ctx");
        ct.count = 3;
        ct.certs[0] = S("leaf");
        ct.certs[1] = S("intermediate");
        ct.certs[2] = S("r");
        wr_init(&w, RT_BUF, sizeof RT_BUF);
        rt_encode_split(msg_certificate_encode(&ct, tls12, &w), &w, MSG_CERTIFICATE, &body);
        CHECK_EQ(msg_certificate_decode(body.p, body.len, tls12, &ctd), 0);
        SAME(ctd.request_context, ct.request_context);
        CHECK_EQ(ctd.count, 3);
        for (size_t i = 0; i < 3; i++)
            SAME(ctd.certs[i], ct.certs[i]);
    }

    /* CertificateRequest */
    msg_certificate_request cr, crd;
    memset(&cr, 0, sizeof cr);
    cr.request_context = S("\x01\x02");
    cr.ext_present = EXT_BIT(EXT_SIGNATURE_ALGORITHMS) | EXT_BIT(EXT_SIGNATURE_ALGORITHMS_CERT) |
                     EXT_BIT(EXT_CERTIFICATE_AUTHORITIES);
    cr.signature_algorithms = S("\x08\x04\x04\x03");
    cr.signature_algorithms_cert = S("\x08\x04");
    cr.certificate_authorities = S("\x00\x02\x30\x00\x00\x01\x31");
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_certificate_request_encode(&cr, &w), &w, MSG_CERTIFICATE_REQUEST, &body);
    CHECK_EQ(msg_certificate_request_decode(body.p, body.len, &crd), 0);
    SAME(crd.request_context, cr.request_context);
    CHECK_EQ(crd.ext_present, cr.ext_present);
    SAME(crd.signature_algorithms, cr.signature_algorithms);
    SAME(crd.signature_algorithms_cert, cr.signature_algorithms_cert);
    SAME(crd.certificate_authorities, cr.certificate_authorities);
    ctls_slice dns = crd.certificate_authorities, dn;
    CHECK_EQ(msg_dn_next(&dns, &dn), 1);
    CHECK(slice_eq(dn, "\x30\x00", 2));
    CHECK_EQ(msg_dn_next(&dns, &dn), 1);
    CHECK(slice_eq(dn, "\x31", 1));
    CHECK_EQ(msg_dn_next(&dns, &dn), 0);

    /* CertificateVerify */
    msg_certificate_verify cv = {0x0403, S("signature")}, cvd;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_certificate_verify_encode(&cv, &w), &w, MSG_CERTIFICATE_VERIFY, &body);
    CHECK_EQ(msg_certificate_verify_decode(body.p, body.len, &cvd), 0);
    CHECK_EQ(cvd.scheme, 0x0403);
    SAME(cvd.signature, cv.signature);

    /* Finished */
    msg_finished fin = {(ctls_slice){K32, 32}}, find;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_finished_encode(&fin, &w), &w, MSG_FINISHED, &body);
    CHECK_EQ(msg_finished_decode(body.p, body.len, &find), 0);
    SAME(find.verify_data, fin.verify_data);

    /* NewSessionTicket */
    msg_new_session_ticket nst, nstd;
    memset(&nst, 0, sizeof nst);
    nst.lifetime = 7200;
    nst.age_add = 0xdeadbeef;
    nst.nonce = S("\x00\x01");
    nst.ticket = S("opaque ticket");
    nst.ext_present = EXT_BIT(EXT_EARLY_DATA);
    nst.max_early_data = 16384;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_new_session_ticket_encode(&nst, &w), &w, MSG_NEW_SESSION_TICKET, &body);
    CHECK_EQ(msg_new_session_ticket_decode(body.p, body.len, &nstd), 0);
    CHECK_EQ(nstd.lifetime, 7200);
    CHECK_EQ(nstd.age_add, 0xdeadbeefu);
    SAME(nstd.nonce, nst.nonce);
    SAME(nstd.ticket, nst.ticket);
    CHECK_EQ(nstd.ext_present, nst.ext_present);
    CHECK_EQ(nstd.max_early_data, 16384);

    /* KeyUpdate */
    for (uint8_t v = 0; v <= 1; v++) {
        msg_key_update ku = {v}, kud;
        wr_init(&w, RT_BUF, sizeof RT_BUF);
        rt_encode_split(msg_key_update_encode(&ku, &w), &w, MSG_KEY_UPDATE, &body);
        CHECK_EQ(msg_key_update_decode(body.p, body.len, &kud), 0);
        CHECK_EQ(kud.request_update, v);
    }
}

TEST(roundtrip_tls12)
{
    RT_START();
    msg_server_key_exchange12 ske, sked;
    memset(&ske, 0, sizeof ske);
    ske.group = 0x0017;
    ske.point = S("\x04xxxxyyyy");
    ske.scheme = 0x0401;
    ske.signature = S("sig");
    rt_encode_split(msg_server_key_exchange12_encode(&ske, &w), &w, MSG_SERVER_KEY_EXCHANGE, &body);
    CHECK_EQ(msg_server_key_exchange12_decode(body.p, body.len, &sked), 0);
    CHECK_EQ(sked.group, 0x0017);
    SAME(sked.point, ske.point);
    CHECK_EQ(sked.scheme, 0x0401);
    SAME(sked.signature, ske.signature);
    /* params are exactly what msg_server_ecdh_params12_encode writes */
    uint8_t pbuf[300];
    ctls_writer pw;
    wr_init(&pw, pbuf, sizeof pbuf);
    CHECK_EQ(msg_server_ecdh_params12_encode(ske.group, ske.point, &pw), 0);
    CHECK(slice_eq(sked.params, pbuf, pw.len));

    msg_client_key_exchange12 cke = {S("\x04point")}, cked;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_client_key_exchange12_encode(&cke, &w), &w, MSG_CLIENT_KEY_EXCHANGE, &body);
    CHECK_EQ(msg_client_key_exchange12_decode(body.p, body.len, &cked), 0);
    SAME(cked.point, cke.point);

    msg_certificate_request12 cr = {S("\x01\x40"), S("\x04\x01\x04\x03"), S("\x00\x01\x30")}, crd;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_certificate_request12_encode(&cr, &w), &w, MSG_CERTIFICATE_REQUEST, &body);
    CHECK_EQ(msg_certificate_request12_decode(body.p, body.len, &crd), 0);
    SAME(crd.cert_types, cr.cert_types);
    SAME(crd.signature_algorithms, cr.signature_algorithms);
    SAME(crd.certificate_authorities, cr.certificate_authorities);

    msg_new_session_ticket12 nst = {300, S("tkt")}, nstd;
    wr_init(&w, RT_BUF, sizeof RT_BUF);
    rt_encode_split(msg_new_session_ticket12_encode(&nst, &w), &w, MSG_NEW_SESSION_TICKET, &body);
    CHECK_EQ(msg_new_session_ticket12_decode(body.p, body.len, &nstd), 0);
    CHECK_EQ(nstd.lifetime_hint, 300);
    SAME(nstd.ticket, nst.ticket);

    uint8_t types[] = {MSG_SERVER_HELLO_DONE, MSG_HELLO_REQUEST};
    for (size_t i = 0; i < 2; i++) {
        wr_init(&w, RT_BUF, sizeof RT_BUF);
        rt_encode_split(msg_empty_encode(types[i], &w), &w, types[i], &body);
        CHECK_EQ(body.len, 0);
        CHECK_EQ(msg_empty_decode(body.p, body.len), 0);
    }
}

/* Invalid structs: the encoder refuses and leaves the writer as it was. */
TEST(encode_rejects_invalid_structs)
{
    uint8_t buf[512];
    ctls_writer w;
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(wr_u8(&w, 0xee), 0); /* something already in the writer */

    msg_encrypted_extensions ee;
    memset(&ee, 0, sizeof ee);
    ee.ext_present = EXT_BIT(EXT_ALPN); /* ALPN present, empty */
    CHECK_EQ(msg_encrypted_extensions_encode(&ee, &w), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(w.len, 1);
    CHECK_EQ(wr_status(&w), 0);
    ee.ext_present = EXT_BIT(EXT_KEY_SHARE); /* not allowed in EE */
    CHECK_EQ(msg_encrypted_extensions_encode(&ee, &w), CTLS_ERR_INVALID_ARG);
    ee.ext_present = 1u << 31; /* unknown bit */
    CHECK_EQ(msg_encrypted_extensions_encode(&ee, &w), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(w.len, 1);

    msg_client_hello ch;
    memset(&ch, 0, sizeof ch);
    ch.cipher_suites = S("\x13\x01");
    ch.compression_methods = S("\x00");
    ch.ext_present = EXT_BIT(EXT_KEY_SHARE);
    ch.key_shares = S("\x00\x1d\x00\x01\xaa\x00\x1d\x00\x01\xbb"); /* duplicate group */
    CHECK_EQ(msg_client_hello_encode(&ch, &w), CTLS_ERR_INVALID_ARG);
    ch.ext_present = EXT_BIT(EXT_SERVER_NAME);
    ch.server_name = S("a\0b");
    CHECK_EQ(msg_client_hello_encode(&ch, &w), CTLS_ERR_INVALID_ARG);
    ch.ext_present = 0;
    ch.cipher_suites = S("\x13");
    CHECK_EQ(msg_client_hello_encode(&ch, &w), CTLS_ERR_INVALID_ARG);
    ch.cipher_suites = S("\x13\x01");
    ch.ext_present = EXT_BIT(EXT_PRE_SHARED_KEY); /* two identities, one binder */
    static const uint8_t one_binder[33] = {32};
    ch.psk_identities = S("\x00\x01"
                          "a\x00\x00\x00\x00\x00\x01"
                          "b\x00\x00\x00\x00");
    ch.psk_binders = (ctls_slice){one_binder, 33};
    CHECK_EQ(msg_client_hello_encode(&ch, &w), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(w.len, 1);

    msg_key_update ku = {2};
    CHECK_EQ(msg_key_update_encode(&ku, &w), CTLS_ERR_INVALID_ARG);
    msg_certificate_verify cv = {0x0804, S("")};
    CHECK_EQ(msg_certificate_verify_encode(&cv, &w), CTLS_ERR_INVALID_ARG);
    msg_certificate_request cr;
    memset(&cr, 0, sizeof cr); /* no signature_algorithms */
    CHECK_EQ(msg_certificate_request_encode(&cr, &w), CTLS_ERR_INVALID_ARG);
    msg_certificate ct;
    memset(&ct, 0, sizeof ct);
    ct.count = 1; /* empty cert */
    CHECK_EQ(msg_certificate_encode(&ct, 0, &w), CTLS_ERR_INVALID_ARG);
    ct.count = MSG_MAX_CHAIN + 1;
    CHECK_EQ(msg_certificate_encode(&ct, 0, &w), CTLS_ERR_INVALID_ARG);
    msg_new_session_ticket nst;
    memset(&nst, 0, sizeof nst); /* empty ticket */
    CHECK_EQ(msg_new_session_ticket_encode(&nst, &w), CTLS_ERR_INVALID_ARG);
    msg_encrypted_extensions ee2;
    memset(&ee2, 0, sizeof ee2);
    ee2.ext_present = EXT_BIT(EXT_RECORD_SIZE_LIMIT);
    ee2.record_size_limit = 63;
    CHECK_EQ(msg_encrypted_extensions_encode(&ee2, &w), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(w.len, 1);
    CHECK_EQ(wr_status(&w), 0);

    /* A writer too small: a sticky LIMIT, reported */
    uint8_t tiny[8];
    wr_init(&w, tiny, sizeof tiny);
    msg_finished fin = {(ctls_slice){K32, 32}};
    CHECK_EQ(msg_finished_encode(&fin, &w), CTLS_ERR_LIMIT);
}

TEST(table_is_consistent)
{
    for (int id = 0; id < EXT_COUNT; id++) {
        const ext_desc *d = ext_by_id(id);
        CHECK(d != NULL);
        CHECK_EQ(d->id, id);
        CHECK(d->decode != NULL && d->encode != NULL && d->name != NULL);
        CHECK(ext_by_code(d->code) == d);
        CHECK(d->allowed & EXT_IN_CH); /* every extension we know can be offered */
    }
    CHECK(ext_by_id(EXT_COUNT) == NULL);
    CHECK(ext_by_code(0xfafa) == NULL);
    CHECK_EQ(ext_by_id(EXT_KEY_SHARE)->code, 51);
    CHECK_EQ(ext_by_id(EXT_RENEGOTIATION_INFO)->code, 0xff01);
}

int main(void)
{
    RUN(rfc8448_client_hello);
    RUN(rfc8448_server_hello);
    RUN(rfc8448_encrypted_extensions);
    RUN(rfc8448_certificate_cv_finished_nst);
    RUN(rfc8448_resumed_hellos);
    RUN(rfc8448_hello_retry_request);
    RUN(truncation_every_offset);
    RUN(corruption_never_crashes);
    RUN(malformed_table);
    RUN(extension_count_limit);
    RUN(certificate_chain_limit);
    RUN(server_name_length_limit);
    RUN(msg_split_framing);
    RUN(roundtrip_client_hello);
    RUN(roundtrip_server_hello);
    RUN(roundtrip_ee_cert_cr_cv_fin_nst_ku);
    RUN(roundtrip_tls12);
    RUN(encode_rejects_invalid_structs);
    RUN(table_is_consistent);
    return th_summary();
}
