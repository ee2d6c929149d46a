/* OCSP stapling (RFC 6066 8 for TLS 1.2, RFC 8446 4.4.2.1 for TLS 1.3) between a ctls client
 * and a ctls server in memory: the stapled response arrives byte for byte on both versions
 * (also one byte at a time), nothing is stapled when the client does not ask or the server has
 * nothing for the chosen chain, nor on resumption; a TLS 1.2 renegotiation staples again; a
 * staple, acknowledgement or CertificateStatus the client did not ask for is refused
 * (unsupported_extension / unexpected_message), a malformed one is decode_error, and a server
 * refuses a client certificate carrying status_request; the codecs and the configuration
 * calls. */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "api/internal.h"
#include "core/mem.h"
#include "ext/ext.h"
#include "hs/hs.h"
#include "msg/msg.h"
#include "pair.h"

/* A syntactically plausible OCSPResponse (RFC 6960 4.2.1): SEQUENCE { ENUMERATED successful,
 * [0] { SEQUENCE { id-pkix-ocsp-basic, OCTET STRING (270 filler bytes) } } }: ctls checks only
 * the outer framing, so the content need not be a real BasicOCSPResponse. */
#define RESP_LEN 300
static uint8_t g_resp[RESP_LEN];

static void make_resp(void)
{
    static const uint8_t head[] = {0x30, 0x82, 0x01, 0x28, 0x0a, 0x01, 0x00, 0xa0, 0x82, 0x01,
                                   0x21, 0x30, 0x82, 0x01, 0x1d, 0x06, 0x09, 0x2b, 0x06, 0x01,
                                   0x05, 0x05, 0x07, 0x30, 0x01, 0x01, 0x04, 0x82, 0x01, 0x0e};
    memcpy(g_resp, head, sizeof head);
    for (size_t i = sizeof head; i < RESP_LEN; i++)
        g_resp[i] = (uint8_t)(i * 7 + 3);
}

typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    int crc, src;
} op_pair;

/* ask: the client sends status_request; staple: the server holds g_resp for its chain. */
static void op_new(op_pair *p, int version, int ask, int staple)
{
    memset(p, 0, sizeof *p);
    p->cc = tp_client_config();
    p->sc = tp_server_config("server-ecdsa");
    CHECK(p->cc && p->sc);
    CHECK_EQ(ctls_config_set_versions(p->cc, version, version), 0);
    if (ask) CHECK_EQ(ctls_config_set_ocsp_request(p->cc, 1), 0);
    if (staple) CHECK_EQ(ctls_config_set_ocsp_response(p->sc, 0, g_resp, RESP_LEN), 0);
}

static void op_conns(op_pair *p)
{
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK(p->c && p->s);
    CHECK_EQ(ctls_conn_set_server_name(p->c, "localhost"), 0);
}

static int op_run(op_pair *p, size_t split)
{
    op_conns(p);
    return tp_handshake_split(p->c, p->s, split, &p->crc, &p->src);
}

static void op_free(op_pair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

static void check_stapled(ctls_conn *c)
{
    size_t len = 1;
    const uint8_t *r = ctls_peer_ocsp_response(c, &len);
    CHECK(r != NULL);
    CHECK_EQ(len, RESP_LEN);
    if (r && len == RESP_LEN) CHECK_MEM(r, g_resp, RESP_LEN);
}

static void check_none(ctls_conn *c)
{
    size_t len = 1;
    CHECK(ctls_peer_ocsp_response(c, &len) == NULL);
    CHECK_EQ(len, 0);
}

TEST(stapled_round_trip)
{
    const int versions[] = {CTLS_TLS1_3, CTLS_TLS1_2};
    for (size_t v = 0; v < 2; v++)
        for (size_t split = 0; split < 2; split++) {
            op_pair p;
            op_new(&p, versions[v], 1, 1);
            CHECK_EQ(op_run(&p, split), 0); /* split 1: one byte at a time */
            CHECK_EQ(ctls_version(p.c), versions[v]);
            check_stapled(p.c);
            check_none(p.s); /* a server is given no response */
            tp_exchange(p.c, p.s, 1000, 0);
            op_free(&p);
        }
}

TEST(no_request_no_staple)
{
    const int versions[] = {CTLS_TLS1_3, CTLS_TLS1_2};
    for (size_t v = 0; v < 2; v++) {
        op_pair p;
        op_new(&p, versions[v], 0, 1);
        CHECK_EQ(op_run(&p, 0), 0);
        check_none(p.c);
        op_free(&p);
        /* asked, but the server has nothing for this chain: a plain handshake */
        op_new(&p, versions[v], 1, 0);
        CHECK_EQ(op_run(&p, 0), 0);
        check_none(p.c);
        op_free(&p);
    }
}

/* The response belongs to one chain: only the handshakes that chain serves staple it. */
TEST(response_per_chain)
{
    const int versions[] = {CTLS_TLS1_3, CTLS_TLS1_2};
    for (size_t v = 0; v < 2; v++) {
        for (int rsa = 0; rsa < 2; rsa++) {
            op_pair p;
            op_new(&p, versions[v], 1, 0);
            CHECK_EQ(ctls_config_add_cert_chain_file(p.sc, tp_cert("server-rsa.pem"),
                                                     tp_cert("server-rsa.key")),
                     0);
            CHECK_EQ(ctls_config_set_ocsp_response(p.sc, 1, g_resp, RESP_LEN), 0); /* RSA */
            CHECK_EQ(ctls_config_set_signature_schemes(p.cc, rsa ? "rsa_pss_rsae_sha256"
                                                                 : "ecdsa_secp256r1_sha256"),
                     0);
            CHECK_EQ(op_run(&p, 0), 0);
            if (rsa)
                check_stapled(p.c);
            else
                check_none(p.c);
            op_free(&p);
        }
    }
}

/* Resumed handshakes have no Certificate: nothing is stapled (TLS 1.3 PSK, TLS 1.2 ticket). */
TEST(resumed_no_staple)
{
    const int versions[] = {CTLS_TLS1_3, CTLS_TLS1_2};
    for (size_t v = 0; v < 2; v++) {
        op_pair p;
        op_new(&p, versions[v], 1, 1);
        CHECK_EQ(op_run(&p, 0), 0);
        check_stapled(p.c);
        unsigned char b[16];
        tp_pump(p.s, p.c, 0);
        (void)ctls_read(p.c, b, sizeof b); /* TLS 1.3: takes the tickets */
        ctls_session *sess = ctls_conn_get_session(p.c);
        CHECK(sess != NULL);
        ctls_conn_free(p.c);
        ctls_conn_free(p.s);
        op_conns(&p);
        if (sess) CHECK_EQ(ctls_conn_set_session(p.c, sess), 0);
        CHECK_EQ(tp_handshake(p.c, p.s, &p.crc, &p.src), 0);
        CHECK_EQ(ctls_session_resumed(p.c), 1);
        check_none(p.c);
        ctls_session_free(sess);
        op_free(&p);
    }
}

/* TLS 1.2 renegotiation (both sides opt in): the new handshake asks and staples again; the
 * client's response is the new handshake's (cleared at its ClientHello, then taken again). */
TEST(renegotiation_staples_again)
{
    op_pair p;
    op_new(&p, CTLS_TLS1_2, 1, 1);
    CHECK_EQ(ctls_config_set_renegotiation(p.cc, 1), 0);
    CHECK_EQ(ctls_config_set_renegotiation(p.sc, 1), 0);
    CHECK_EQ(op_run(&p, 0), 0);
    check_stapled(p.c);
    CHECK_EQ(ctls_renegotiate(p.c), 0); /* the ClientHello: the old response is gone */
    check_none(p.c);
    unsigned char b[16];
    for (int i = 0; i < 1000 && ctls_renegotiations(p.c) < 1; i++) {
        tp_pump(p.c, p.s, 0);
        CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_WANT_READ);
        CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_WANT_READ);
    }
    CHECK_EQ(ctls_renegotiations(p.c), 1);
    check_stapled(p.c);
    tp_exchange(p.c, p.s, 1000, 0);
    op_free(&p);
}

/* The client asked, then "forgets" it did once its ClientHello is out: the server's staple
 * (TLS 1.3: in the CertificateEntry; TLS 1.2: the ServerHello's acknowledgement) is then one
 * it did not ask for: unsupported_extension (RFC 8446 4.4.2, RFC 6066 8 / RFC 5246 7.4.1.4). */
TEST(unsolicited_staple_refused)
{
    const int versions[] = {CTLS_TLS1_3, CTLS_TLS1_2};
    for (size_t v = 0; v < 2; v++) {
        op_pair p;
        op_new(&p, versions[v], 1, 1);
        op_conns(&p);
        CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ);
        CHECK(p.c->hs && p.c->hs->ocsp_requested);
        if (p.c->hs) p.c->hs->ocsp_requested = 0;
        CHECK(tp_handshake(p.c, p.s, &p.crc, &p.src) != 0);
        CHECK_EQ(p.crc, CTLS_ERR_UNSUPPORTED_EXTENSION);
        CHECK_EQ(ctls_alert_received(p.s), CTLS_ALERT_UNSUPPORTED_EXTENSION);
        check_none(p.c);
        op_free(&p);
    }
}

/* RFC 6066 8: a status_request of another type than ocsp gets no staple. The ClientHello is
 * plaintext: its status_type byte is patched before the server reads it. */
TEST(other_status_type_not_stapled)
{
    const int versions[] = {CTLS_TLS1_3, CTLS_TLS1_2};
    for (size_t v = 0; v < 2; v++)
        for (int patch = 0; patch < 2; patch++) {
            op_pair p;
            op_new(&p, versions[v], 1, 1);
            op_conns(&p);
            CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ);
            const void *out;
            size_t n = ctls_conn_output(p.c, &out);
            static uint8_t ch[4096];
            CHECK(n <= sizeof ch);
            if (n > sizeof ch) n = sizeof ch; /* CHECK records the failure and goes on */
            memcpy(ch, out, n);
            ctls_conn_consume_output(p.c, n);
            /* status_request: type 5, length 5, ocsp(1), two empty lists */
            static const uint8_t ext[] = {0, 5, 0, 5, 1, 0, 0, 0, 0};
            int found = 0;
            for (size_t i = 0; i + sizeof ext <= n && !found; i++)
                if (memcmp(ch + i, ext, sizeof ext) == 0) {
                    found = 1;
                    if (patch) ch[i + 4] = 2; /* an unknown status_type */
                }
            CHECK(found);
            size_t used = 0;
            CHECK_EQ(ctls_conn_feed(p.s, ch, n, &used), 0);
            CHECK_EQ(ctls_handshake(p.s), CTLS_WANT_READ);
            CHECK(p.s->hs != NULL);
            if (p.s->hs) CHECK_EQ(p.s->hs->ocsp_staple, !patch);
            op_free(&p);
        }
}

/* ---- TLS 1.2: the server's plaintext first flight, taken apart and rebuilt ---------------- */

/* The handshake messages of the plaintext records in out (concatenated). */
static size_t flight_messages(const uint8_t *out, size_t n, uint8_t *hs, size_t cap)
{
    size_t off = 0, len = 0;
    while (off + 5 <= n) {
        size_t rl = ((size_t)out[off + 3] << 8) | out[off + 4];
        CHECK_EQ(out[off], 22);
        if (off + 5 + rl > n || len + rl > cap) break;
        memcpy(hs + len, out + off + 5, rl);
        len += rl;
        off += 5 + rl;
    }
    CHECK_EQ(off, n);
    return len;
}

/* Rebuild the flight from messages: each message of type `after` is followed by `ins` (when
 * ins_len), and a message of type `replace` is swapped for `ins` (when replace >= 0). */
typedef struct {
    int after, replace;
    const uint8_t *ins;
    size_t ins_len;
    int ack; /* add an empty status_request to the ServerHello */
} flight_edit;

static size_t add_ack(const uint8_t *msg, size_t len, uint8_t *out, size_t cap)
{
    msg_server_hello sh;
    CHECK_EQ(msg_server_hello_decode(msg + 4, len - 4, &sh), 0);
    sh.ext_present |= EXT_BIT(EXT_STATUS_REQUEST);
    ctls_writer w;
    wr_init(&w, out, cap);
    CHECK_EQ(msg_server_hello_encode(&sh, &w), 0);
    return w.len;
}

static size_t edit_flight(const uint8_t *hs, size_t n, const flight_edit *e, uint8_t *rec,
                          size_t cap)
{
    size_t off = 0, len = 5;
    while (off + 4 <= n) {
        uint8_t type = hs[off];
        size_t ml = 4 + (((size_t)hs[off + 1] << 16) | ((size_t)hs[off + 2] << 8) | hs[off + 3]);
        if (off + ml > n || len + ml + e->ins_len + 64 > cap) break;
        if (type == e->replace) {
            memcpy(rec + len, e->ins, e->ins_len);
            len += e->ins_len;
        } else if (type == MSG_SERVER_HELLO && e->ack) {
            len += add_ack(hs + off, ml, rec + len, cap - len);
        } else {
            memcpy(rec + len, hs + off, ml);
            len += ml;
        }
        if (type == e->after && e->ins_len) {
            memcpy(rec + len, e->ins, e->ins_len);
            len += e->ins_len;
        }
        off += ml;
    }
    CHECK_EQ(off, n);
    rec[0] = 22;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)((len - 5) >> 8);
    rec[4] = (uint8_t)(len - 5);
    return len;
}

/* Run a TLS 1.2 handshake up to the server's first flight, edit it, give it to the client:
 * the client's ctls_handshake result. */
static int crafted12(int ask, int staple, const flight_edit *e)
{
    op_pair p;
    op_new(&p, CTLS_TLS1_2, ask, staple);
    op_conns(&p);
    CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ);
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_handshake(p.s), CTLS_WANT_READ);
    const void *out;
    size_t n = ctls_conn_output(p.s, &out);
    static uint8_t hs[32768], rec[32768];
    size_t hl = flight_messages(out, n, hs, sizeof hs);
    ctls_conn_consume_output(p.s, n);
    size_t rl = edit_flight(hs, hl, e, rec, sizeof rec);
    size_t used = 0;
    CHECK_EQ(ctls_conn_feed(p.c, rec, rl, &used), 0);
    CHECK_EQ(used, rl);
    int rc = ctls_handshake(p.c);
    op_free(&p);
    return rc;
}

/* A CertificateStatus message carrying body. */
static size_t status_msg(const uint8_t *body, size_t n, uint8_t *out)
{
    out[0] = MSG_CERTIFICATE_STATUS;
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    memcpy(out + 4, body, n);
    return 4 + n;
}

static size_t status_body(uint8_t type, const uint8_t *resp, size_t n, uint8_t *out)
{
    out[0] = type;
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    memcpy(out + 4, resp, n);
    return 4 + n;
}

TEST(tls12_crafted_flights)
{
    static uint8_t body[RESP_LEN + 16], msg[RESP_LEN + 32];
    size_t bl = status_body(1, g_resp, RESP_LEN, body);
    size_t ml = status_msg(body, bl, msg);
    /* the rebuilding itself changes nothing: the handshake goes on */
    flight_edit same = {.after = -1, .replace = -1};
    CHECK_EQ(crafted12(1, 1, &same), CTLS_WANT_READ);
    /* RFC 6066 8: a CertificateStatus without an acknowledged status_request */
    flight_edit add = {.after = MSG_CERTIFICATE, .replace = -1, .ins = msg, .ins_len = ml};
    CHECK_EQ(crafted12(0, 0, &add), CTLS_ERR_UNEXPECTED_MESSAGE);
    CHECK_EQ(crafted12(1, 0, &add), CTLS_ERR_UNEXPECTED_MESSAGE); /* asked, not acknowledged */
    /* an acknowledgement the client did not ask for */
    flight_edit ack = {.after = -1, .replace = -1, .ack = 1};
    CHECK_EQ(crafted12(0, 0, &ack), CTLS_ERR_UNSUPPORTED_EXTENSION);
    /* acknowledged but none sent: allowed (RFC 6066 8), the handshake goes on */
    CHECK_EQ(crafted12(1, 0, &ack), CTLS_WANT_READ);
    /* two CertificateStatus messages */
    flight_edit twice = {.after = MSG_CERTIFICATE_STATUS, .replace = -1, .ins = msg, .ins_len = ml};
    CHECK_EQ(crafted12(1, 1, &twice), CTLS_ERR_UNEXPECTED_MESSAGE);
    /* malformed bodies: decode_error */
    static const uint8_t not_seq[] = {0x04, 0x01, 0x00};
    static const uint8_t seq_no_enum[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    static const uint8_t trailing[] = {0x30, 0x03, 0x0a, 0x01, 0x00, 0x00};
    static const uint8_t long_enum[] = {0x30, 0x04, 0x0a, 0x02, 0x00, 0x00};
    struct {
        uint8_t type;
        const uint8_t *resp;
        size_t len;
        int extra; /* bytes added to / taken from the body after it is made */
    } bad[] = {
        {2, g_resp, RESP_LEN, 0},                /* not ocsp */
        {1, g_resp, 0, 0},                       /* OCSPResponse<1..2^24-1> */
        {1, g_resp, RESP_LEN, 1},                /* a byte after the response */
        {1, g_resp, RESP_LEN, -1},               /* one byte short */
        {1, not_seq, sizeof not_seq, 0},         /* not a SEQUENCE */
        {1, seq_no_enum, sizeof seq_no_enum, 0}, /* no responseStatus */
        {1, trailing, sizeof trailing, 0},       /* bytes after the SEQUENCE */
        {1, long_enum, sizeof long_enum, 0},     /* responseStatus of two bytes */
        {1, g_resp, RESP_LEN - 1, 0},            /* a truncated SEQUENCE */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t b = status_body(bad[i].type, bad[i].resp, bad[i].len, body);
        if (bad[i].extra > 0) body[b++] = 0;
        if (bad[i].extra < 0) b--;
        size_t m = status_msg(body, b, msg);
        flight_edit rep = {
            .after = -1, .replace = MSG_CERTIFICATE_STATUS, .ins = msg, .ins_len = m};
        CHECK_EQ(crafted12(1, 1, &rep), CTLS_ERR_DECODE);
    }
}

/* TLS 1.3: the server staples something that is not an OCSPResponse (set behind the API's
 * check): the client's decode_error. */
TEST(tls13_malformed_staple)
{
    static const uint8_t not_seq[] = {0x04, 0x01, 0x00};
    op_pair p;
    op_new(&p, CTLS_TLS1_3, 1, 1);
    memcpy(p.sc->certs[0].ocsp, not_seq, sizeof not_seq);
    p.sc->certs[0].ocsp_len = sizeof not_seq;
    CHECK(op_run(&p, 0) != 0);
    CHECK_EQ(p.crc, CTLS_ERR_DECODE);
    CHECK_EQ(ctls_alert_received(p.s), CTLS_ALERT_DECODE_ERROR);
    check_none(p.c);
    op_free(&p);
}

/* RFC 8446 4.4.2: a client Certificate with status_request (we never ask for one):
 * unsupported_extension from the server. */
TEST(tls13_client_staple_refused)
{
    op_pair p;
    op_new(&p, CTLS_TLS1_3, 0, 0);
    CHECK_EQ(ctls_config_add_cert_chain_file(p.cc, tp_cert("client.pem"), tp_cert("client.key")),
             0);
    CHECK_EQ(ctls_config_load_trust_file(p.sc, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_config_set_verify(p.sc, CTLS_VERIFY_PEER), 0);
    p.cc->certs[0].ocsp = ctls_memdup(g_resp, RESP_LEN);
    p.cc->certs[0].ocsp_len = RESP_LEN;
    op_conns(&p);
    CHECK_EQ(ctls_handshake(p.c), CTLS_WANT_READ);
    if (p.c->hs) p.c->hs->ocsp_staple = 1; /* the client's Certificate carries it */
    CHECK(tp_handshake(p.c, p.s, &p.crc, &p.src) != 0);
    CHECK_EQ(p.src, CTLS_ERR_UNSUPPORTED_EXTENSION);
    op_free(&p);
}

/* ---- codecs ------------------------------------------------------------------------------ */

/* th_unhex of hex with spaces between the fields; "" is 0 bytes. */
static long unhex_spaced(const char *spaced, unsigned char *out, size_t cap)
{
    char hex[256];
    size_t k = 0;
    for (const char *s = spaced; *s && k < sizeof hex - 1; s++)
        if (*s != ' ') hex[k++] = *s;
    hex[k] = 0;
    return k ? th_unhex(hex, out, cap) : 0;
}

TEST(certificate_codec)
{
    static const uint8_t leaf[] = {0x30, 0x00}, inter[] = {0x30, 0x01, 0x00};
    msg_certificate m, d;
    memset(&m, 0, sizeof m);
    m.count = 2;
    m.certs[0] = (ctls_slice){leaf, sizeof leaf};
    m.certs[1] = (ctls_slice){inter, sizeof inter};
    m.ocsp_response = (ctls_slice){g_resp, RESP_LEN};
    uint8_t buf[1024];
    ctls_writer w;
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(msg_certificate_encode(&m, 0, &w), 0);
    CHECK_EQ(msg_certificate_decode(buf + 4, w.len - 4, 0, &d), 0);
    CHECK_EQ(d.count, 2);
    CHECK_EQ(d.status_request, 1);
    CHECK_EQ(d.ocsp_response.len, RESP_LEN);
    if (d.ocsp_response.len == RESP_LEN) CHECK_MEM(d.ocsp_response.p, g_resp, RESP_LEN);
    /* TLS 1.2 has no entry extensions: a response there is the caller's mistake */
    wr_init(&w, buf, sizeof buf);
    CHECK_EQ(msg_certificate_encode(&m, 1, &w), CTLS_ERR_INVALID_ARG);

    /* hand-made TLS 1.3 bodies: context, entry list; entries: cert_data, extensions */
    struct {
        const char *hex;
        int rc, status, ocsp_len;
    } cases[] = {
        /* leaf with status_request(ocsp, 30 03 0a 01 00) */
        {"00 000014 000002 3000 000d 0005 0009 01 000005 3003 0a0100", 0, 1, 5},
        /* the same twice in the leaf's entry */
        {"00 000021 000002 3000 001a 0005 0009 01 000005 3003 0a0100"
         " 0005 0009 01 000005 3003 0a0100",
         CTLS_ERR_ILLEGAL_PARAMETER, 0, 0},
        /* status_type 2 */
        {"00 000014 000002 3000 000d 0005 0009 02 000005 3003 0a0100", CTLS_ERR_DECODE, 0, 0},
        /* empty response */
        {"00 00000f 000002 3000 0008 0005 0004 01 000000", CTLS_ERR_DECODE, 0, 0},
        /* a byte after the CertificateStatus */
        {"00 000015 000002 3000 000e 0005 000a 01 000005 3003 0a0100 00", CTLS_ERR_DECODE, 0, 0},
        /* only in the intermediate's entry: seen, not kept as the leaf's */
        {"00 00001b 000002 3000 0000 000002 3000 000d 0005 0009 01 000005 3003 0a0100", 0, 1, 0},
        /* an unknown extension (SCT, 18) is shape-checked only */
        {"00 00000c 000002 3000 0005 0012 0001 ff", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char body[128];
        long n = unhex_spaced(cases[i].hex, body, sizeof body);
        CHECK(n > 0);
        if (n <= 0) continue;
        int rc = msg_certificate_decode(body, (size_t)n, 0, &d);
        if (rc != cases[i].rc) fprintf(stderr, "case %zu\n", i);
        CHECK_EQ(rc, cases[i].rc);
        if (rc == 0) {
            CHECK_EQ(d.status_request, cases[i].status);
            CHECK_EQ(d.ocsp_response.len, cases[i].ocsp_len);
        }
    }
}

TEST(client_hello_status_request)
{
    struct {
        const char *hex;
        int rc, ocsp;
    } cases[] = {
        {"01 0000 0000", 0, 1},                  /* ocsp, no ids, no extensions */
        {"01 0005 0003 aabbcc 0002 3000", 0, 1}, /* one responder id, extensions */
        {"02 1234", 0, 0},                       /* another type: skipped */
        {"01 0003 0000 00", CTLS_ERR_DECODE, 0}, /* ResponderID<1..2^16-1> */
        {"01 0000", CTLS_ERR_DECODE, 0},         /* no request_extensions */
        {"01 0000 0000 00", CTLS_ERR_DECODE, 0}, /* trailing byte */
        {"", CTLS_ERR_DECODE, 0},                /* no status_type */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char data[32];
        long n = unhex_spaced(cases[i].hex, data, sizeof data);
        CHECK(n >= 0);
        msg_client_hello ch;
        memset(&ch, 0, sizeof ch);
        ctls_reader r;
        rd_init(&r, data, (size_t)n);
        int rc = ext_status_request_decode(EXT_IN_CH, &ch, &r);
        if (rc == 0) rc = rd_expect_empty(&r); /* as the block codec does */
        if (rc != cases[i].rc) fprintf(stderr, "case %zu\n", i);
        CHECK_EQ(rc, cases[i].rc);
        if (rc == 0) CHECK_EQ(ch.status_request_ocsp, cases[i].ocsp);
    }
}

TEST(config_calls)
{
    ctls_config *sc = tp_server_config("server-ecdsa");
    ctls_config *cc = tp_client_config();
    CHECK(sc && cc);
    static const uint8_t not_seq[] = {0x04, 0x01, 0x00};
    CHECK_EQ(ctls_config_set_ocsp_response(sc, 0, g_resp, RESP_LEN), 0);
    CHECK_EQ(ctls_config_set_ocsp_response(sc, 1, g_resp, RESP_LEN), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ocsp_response(sc, 0, not_seq, sizeof not_seq), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ocsp_response(sc, 0, NULL, 5), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(sc->certs[0].ocsp_len, RESP_LEN); /* a refused call changes nothing */
    CHECK_EQ(ctls_config_set_ocsp_response(cc, 0, g_resp, RESP_LEN), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ocsp_request(sc, 1), CTLS_ERR_INVALID_ARG);
    CHECK_EQ(ctls_config_set_ocsp_request(cc, 1), 0);
    /* too big for the 64 KiB Certificate message with the chain */
    size_t big_len = MSG_MAX_LEN;
    uint8_t *big = calloc(1, big_len);
    if (big) {
        big[0] = 0x30;
        big[1] = 0x82;
        big[2] = (uint8_t)((big_len - 4) >> 8);
        big[3] = (uint8_t)(big_len - 4);
        big[4] = 0x0a;
        big[5] = 0x01;
        /* the rest: zero bytes inside the SEQUENCE after the ENUMERATED's value */
        CHECK_EQ(ctls_config_set_ocsp_response(sc, 0, big, big_len), CTLS_ERR_LIMIT);
        free(big);
    }
    /* removal */
    CHECK_EQ(ctls_config_set_ocsp_response(sc, 0, NULL, 0), 0);
    CHECK_EQ(sc->certs[0].ocsp_len, 0);
    /* from a file (DER), as written by openssl ocsp -respout */
    const char *path = "/tmp/ctls-test-ocsp.der";
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%s.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_EQ(fwrite(g_resp, 1, RESP_LEN, f), RESP_LEN);
        fclose(f);
        CHECK_EQ(ctls_config_set_ocsp_response_file(sc, 0, tmp), 0);
        CHECK_EQ(sc->certs[0].ocsp_len, RESP_LEN);
        remove(tmp);
    }
    CHECK(ctls_config_set_ocsp_response_file(sc, 0, "/nonexistent/ocsp.der") < 0);
    CHECK(ctls_peer_ocsp_response(NULL, NULL) == NULL);
    /* read-only once used */
    ctls_conn *c = ctls_conn_new(sc);
    CHECK_EQ(ctls_config_set_ocsp_response(sc, 0, g_resp, RESP_LEN), CTLS_ERR_BAD_STATE);
    ctls_conn_free(c);
    ctls_config_free(sc);
    ctls_config_free(cc);
}

int main(void)
{
    make_resp();
    if (!tp_certdir()) {
        fprintf(stderr, "test PKI generation failed\n");
        return 1;
    }
    RUN(stapled_round_trip);
    RUN(no_request_no_staple);
    RUN(response_per_chain);
    RUN(resumed_no_staple);
    RUN(renegotiation_staples_again);
    RUN(unsolicited_staple_refused);
    RUN(other_status_type_not_stapled);
    RUN(tls12_crafted_flights);
    RUN(tls13_malformed_staple);
    RUN(tls13_client_staple_refused);
    RUN(certificate_codec);
    RUN(client_hello_status_request);
    RUN(config_calls);
    return th_summary();
}
