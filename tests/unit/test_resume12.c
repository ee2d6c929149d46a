/* TLS 1.2 session resumption (RFC 5077 tickets, RFC 5246 7.3 abbreviated handshake, RFC 7627
 * 5.3) between a ctls client and a ctls server in memory:
 *
 * ticket_resume           full handshake -> ctls_conn_get_session right after it (no read
 *                         needed) -> resumed handshake (both sides say resumed; the server's
 *                         chain, verify result, new ALPN kept / negotiated); the resumed
 *                         connection's session (a renewed ticket) resumes again; byte-at-a-time.
 * client_offers_both      a client offering TLS 1.3 and 1.2 resumes a 1.2 session with a
 *                         1.2-only server; against a 1.3 server it is a full 1.3 handshake.
 * peer_id_store           ctls_conn_set_peer_id resumes a 1.2 session by itself.
 * serialize12             format 2 round trip, the parsed session resumes; malformed: NULL.
 * versions_not_confused   a 1.3 session is not offered by a 1.2-only client; a 1.3 ticket in
 *                         SessionTicket and a 1.2 ticket as a 1.3 PSK: full handshakes.
 * refused_full_handshake  another ticket key, a tampered ticket, another server name inside
 *                         the ticket, a suite the client no longer offers, tickets off, a
 *                         server asking for client certificates: silently full handshakes.
 * not_offered             expired, no EMS, another SNI, suite not configured: not offered.
 * server_hello_checks     resumed ServerHello without EMS: handshake_failure (RFC 7627 5.3);
 *                         with another suite: illegal_parameter (RFC 5246 7.4.1.3); TLS 1.1:
 *                         protocol_version; echoing a session id never offered:
 *                         illegal_parameter; 1.2-only and 1.2+1.3 clients; the alert sent;
 *                         a NewSessionTicket without SessionTicket in the ServerHello, full
 *                         and resumed: unexpected_message (RFC 5077 3.2); server_name in a
 *                         resumed ServerHello (RFC 6066 3): tolerated.
 * session_id_offer        a session with only a session ID: the ClientHello carries that ID
 *                         and an empty SessionTicket; our server (no cache) does a full one.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "hs/hs.h"
#include "msg/msg.h"
#include "resume.h"
#include "session/session.h"

#define SUITE_EC128 "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
#define SUITE_EC256 "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"

/* A full TLS 1.2 handshake and the client's session after it. */
static ctls_session *full12(ctls_config *cc, ctls_config *sc)
{
    ctls_session *s = tp_full_session(cc, sc, CTLS_TLS1_2);
    CHECK(s != NULL);
    return s;
}

TEST(ticket_resume)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_alpn(cc, "h2,http/1.1"), 0);
    CHECK_EQ(ctls_config_set_alpn(sc, "http/1.1"), 0);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    CHECK_EQ(s->version, CTLS_TLS1_2);
    CHECK(s->ticket_len > 0);
    CHECK_EQ(s->psk_len, 48);
    CHECK_EQ(s->ems, 1);

    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_2);
    CHECK(strcmp(ctls_cipher_suite_name(p.s), SUITE_EC128) == 0 ||
          strcmp(ctls_cipher_suite_name(p.s), SUITE_EC256) == 0);
    CHECK_EQ(ctls_verify_result(p.c), CTLS_VERIFY_OK);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2); /* the original handshake's chain */
    CHECK(ctls_alpn_selected(p.c) && strcmp(ctls_alpn_selected(p.c), "http/1.1") == 0);
    CHECK(ctls_server_name(p.s) && strcmp(ctls_server_name(p.s), "localhost") == 0);
    CHECK_EQ(ctls_tickets_received(p.c), 1); /* a renewed ticket */
    tp_exchange(p.c, p.s, 20000, 0);
    tp_exchange(p.s, p.c, 20000, 0);
    ctls_session *s2 = ctls_conn_get_session(p.c);
    CHECK(s2 != NULL);
    if (s2) CHECK(s2->ticket_len != s->ticket_len || memcmp(s2->ticket, s->ticket, s->ticket_len));
    tp_resume_close(&p);
    if (s2) CHECK_EQ(tp_resumes(cc, sc, s2, NULL), 1);
    /* byte at a time */
    CHECK_EQ(tp_resume_open_ex(&p, cc, sc, NULL, NULL, s, 1), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    tp_exchange(p.c, p.s, 3000, 7);
    tp_resume_close(&p);
    /* a stateless ticket may be used again */
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1);
    ctls_session_free(s);
    ctls_session_free(s2);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(client_offers_both)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_3), *sc = tp_server12(CTLS_TLS1_2);
    ctls_config *sc13 = tp_server12(CTLS_TLS1_3);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1);
    /* a server that can do 1.3 picks it: the 1.2 session is no use, a full 1.3 handshake */
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc13, NULL, s), 0);
    CHECK_EQ(ctls_version(p.c), CTLS_TLS1_3);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    tp_resume_close(&p);
    ctls_session_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
    ctls_config_free(sc13);
}

TEST(peer_id_store)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, "host:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, cc, sc, "host:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    tp_resume_close(&p);
    CHECK_EQ(tp_resume_open(&p, cc, sc, "other:443", NULL), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    tp_resume_close(&p);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

static uint8_t *ser(const ctls_session *s, size_t *n)
{
    CHECK_EQ(ctls_session_serialize(s, NULL, n), 0);
    uint8_t *b = malloc(*n);
    CHECK_EQ(ctls_session_serialize(s, b, n), 0);
    return b;
}

TEST(serialize12)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    size_t n, n2;
    uint8_t *b = ser(s, &n);
    CHECK_EQ(b[4], 2); /* format 2: a TLS 1.2 session */
    ctls_session *t = ctls_session_parse(b, n);
    CHECK(t != NULL);
    if (t) {
        uint8_t *b2 = ser(t, &n2);
        CHECK_EQ(n2, n);
        CHECK(memcmp(b, b2, n) == 0);
        free(b2);
        CHECK_EQ(tp_resumes(cc, sc, t, NULL), 1);
    }
    /* every truncation, and a trailing byte */
    for (size_t i = 0; i < n; i++) {
        ctls_session *u = ctls_session_parse(b, i);
        CHECK(u == NULL);
        ctls_session_free(u);
    }
    uint8_t *m = malloc(n + 1);
    memcpy(m, b, n);
    m[n] = 0;
    CHECK(ctls_session_parse(m, n + 1) == NULL);
    /* offsets: magic 4, fmt 1, version 2, suite 2, master 1+48, ticket 2+tl, id 1+il, flags */
    size_t tl = (size_t)b[58] << 8 | b[59], id_off = 60 + tl, flags = id_off + 1 + b[id_off];
    struct {
        const char *what;
        size_t off;
        uint8_t val;
    } bad[] = {
        {"format 1 for a 1.2 session", 4, 1},
        {"version 1.3", 6, 0x04},
        {"a TLS 1.3 suite", 7, 0x13},
        {"master length 32", 9, 32},
        {"no EMS", flags, 0},
        {"unknown flag", flags, 3},
        {"session id too long", id_off, 33},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(m, b, n);
        m[bad[i].off] = bad[i].val;
        ctls_session *u = ctls_session_parse(m, n);
        if (u) fprintf(stderr, "parsed with %s\n", bad[i].what);
        CHECK(u == NULL);
        ctls_session_free(u);
    }
    /* neither a ticket nor a session id: nothing to resume */
    if (t) {
        ctls_free(t->ticket);
        t->ticket = NULL;
        t->ticket_len = 0;
        t->session_id_len = 0;
        uint8_t *b3 = ser(t, &n2);
        CHECK(ctls_session_parse(b3, n2) == NULL);
        free(b3);
    }
    free(m);
    free(b);
    ctls_session_free(s);
    ctls_session_free(t);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(versions_not_confused)
{
    ctls_config *cc13 = tp_client12(CTLS_TLS1_3), *sc13 = tp_server12(CTLS_TLS1_3);
    ctls_config *cc12 = tp_client12(CTLS_TLS1_2);
    /* a TLS 1.3 session */
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc13, sc13, NULL, NULL), 0);
    tp_take_tickets(&p);
    ctls_session *s13 = ctls_conn_get_session(p.c);
    tp_resume_close(&p);
    CHECK(s13 != NULL);
    if (!s13) return;
    CHECK_EQ(s13->version, CTLS_TLS1_3);
    /* a 1.2-only client does not offer it */
    CHECK_EQ(tp_resumes(cc12, sc13, s13, NULL), 0);
    /* a 1.2 session from the same server config (same ticket key) */
    ctls_session *s12 = full12(cc12, sc13);
    if (!s12) return;
    CHECK_EQ(tp_resumes(cc12, sc13, s12, NULL), 1);
    /* the 1.3 ticket in SessionTicket: authentic, but not a TLS 1.2 state */
    ctls_session *x = sess_dup(s12);
    ctls_free(x->ticket);
    x->ticket = ctls_memdup(s13->ticket, s13->ticket_len);
    x->ticket_len = s13->ticket_len;
    CHECK_EQ(tp_resumes(cc12, sc13, x, NULL), 0);
    ctls_session_free(x);
    /* the 1.2 ticket as a TLS 1.3 PSK identity: not a TLS 1.3 state, full 1.3 handshake */
    x = sess_dup(s13);
    ctls_free(x->ticket);
    x->ticket = ctls_memdup(s12->ticket, s12->ticket_len);
    x->ticket_len = s12->ticket_len;
    CHECK_EQ(tp_resumes(cc13, sc13, x, NULL), 0);
    ctls_session_free(x);
    ctls_session_free(s13);
    ctls_session_free(s12);
    ctls_config_free(cc13);
    ctls_config_free(cc12);
    ctls_config_free(sc13);
}

/* The handshake of a refused session: full, and it yields a new session that resumes. */
static void refused(ctls_config *cc, ctls_config *sc, const ctls_session *s, const char *sni)
{
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open_ex(&p, cc, sc, sni, NULL, s, 0), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    CHECK_EQ(ctls_peer_cert_count(p.c), 2);
    ctls_session *n = ctls_conn_get_session(p.c);
    tp_resume_close(&p);
    if (sc && n) CHECK_EQ(tp_resumes(cc, sc, n, sni), 1);
    ctls_session_free(n);
}

TEST(refused_full_handshake)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    ctls_config *other = tp_server12(CTLS_TLS1_2);
    CHECK(other != NULL);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    refused(cc, other, s, NULL); /* another ticket key */
    ctls_session *x = sess_dup(s);
    x->ticket[x->ticket_len / 2] ^= 1; /* tampered */
    refused(cc, sc, x, NULL);
    ctls_session_free(x);
    /* RFC 6066 3: the ticket names "localhost"; a session claiming another name */
    x = sess_dup(s);
    ctls_free(x->sni);
    x->sni = ctls_strdup("a.test.example");
    refused(cc, sc, x, "a.test.example");
    ctls_session_free(x);
    /* RFC 5246 7.4.1.2: the ticket's suite is no longer offered by the client */
    ctls_config *cc256 = tp_client12(CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_cipher_suites(cc256, SUITE_EC256), 0);
    x = sess_dup(s);
    CHECK_EQ(x->suite, 0xc02b); /* ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, the server's first */
    x->suite = 0xc02c;          /* the client's session claims the one it offers */
    refused(cc256, sc, x, NULL);
    ctls_session_free(x);
    ctls_config_free(cc256);
    /* tickets off: the server sends none (and an empty session id): nothing to resume */
    ctls_config *off = tp_server12(CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_session_tickets(off, 0), 0);
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, off, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK(ctls_conn_get_session(p.c) == NULL);
    tp_resume_close(&p);
    ctls_config_free(off);
    /* a server that asks for client certificates issues and accepts no tickets */
    ctls_config *auth = tp_server12(CTLS_TLS1_2);
    CHECK_EQ(ctls_config_load_trust_file(auth, tp_cert("ca.pem")), 0);
    CHECK_EQ(ctls_config_set_verify(auth, CTLS_VERIFY_PEER), 0);
    CHECK_EQ(tp_resume_open(&p, cc, auth, NULL, s), 0);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK(ctls_conn_get_session(p.c) == NULL);
    tp_resume_close(&p);
    ctls_config_free(auth);
    ctls_session_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
    ctls_config_free(other);
}

/* Captures whether the ClientHello offered a session (a non-empty SessionTicket). */
static struct {
    int ticket;
    uint8_t sid[32];
    size_t sid_len;
} g_ch;

static int see_ch(void *ctx, msg_client_hello *m)
{
    (void)ctx;
    g_ch.ticket = (m->ext_present & EXT_BIT(EXT_SESSION_TICKET)) && m->session_ticket.len > 0;
    g_ch.sid_len = m->session_id.len;
    memcpy(g_ch.sid, m->session_id.p, m->session_id.len);
    return 0;
}

static const hs_test_client_hooks ch_hooks = {see_ch, NULL};

static int offered(ctls_config *cc, ctls_config *sc, const ctls_session *s, const char *sni)
{
    tp_resume_pair p;
    memset(&g_ch, 0, sizeof g_ch);
    hs_test_client_hook = &ch_hooks;
    CHECK_EQ(tp_resume_open_ex(&p, cc, sc, sni, NULL, s, 0), 0);
    hs_test_client_hook = NULL;
    CHECK_EQ(ctls_session_resumed(p.c), g_ch.ticket);
    tp_resume_close(&p);
    return g_ch.ticket;
}

TEST(not_offered)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    CHECK_EQ(offered(cc, sc, s, NULL), 1);
    ctls_session *x = sess_dup(s);
    x->received_ms -= (int64_t)x->lifetime * 1000 + 1; /* expired */
    CHECK_EQ(offered(cc, sc, x, NULL), 0);
    ctls_session_free(x);
    x = sess_dup(s);
    x->ems = 0; /* RFC 7627 5.3 */
    CHECK_EQ(offered(cc, sc, x, NULL), 0);
    ctls_session_free(x);
    CHECK_EQ(offered(cc, sc, s, "b.test.example"), 0); /* RFC 6066 3 */
    ctls_config *cc256 = tp_client12(CTLS_TLS1_2);
    CHECK_EQ(ctls_config_set_cipher_suites(cc256, SUITE_EC256), 0);
    CHECK_EQ(offered(cc256, sc, s, NULL), 0); /* RFC 5246 7.4.1.2 */
    ctls_config_free(cc256);
    ctls_session_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

enum {
    SH_NO_EMS = 1,  /* extended_master_secret left out */
    SH_OTHER_SUITE, /* ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 instead of the session's */
    SH_ECHO_RANDOM, /* the client's random session id echoed */
    SH_NO_TICKET,   /* SessionTicket left out; the server still sends its NewSessionTicket */
    SH_SERVER_NAME, /* an empty server_name added (our server never sends it when resuming) */
    SH_TLS11,       /* server_version TLS 1.1 */
};

static int g_sh_mode;
static int edit_sh(void *ctx, msg_server_hello *m)
{
    (void)ctx;
    if (g_sh_mode == SH_NO_EMS) m->ext_present &= ~EXT_BIT(EXT_EXTENDED_MASTER_SECRET);
    if (g_sh_mode == SH_OTHER_SUITE) m->cipher_suite = 0xc02c;
    if (g_sh_mode == SH_ECHO_RANDOM) m->session_id = (ctls_slice){g_ch.sid, g_ch.sid_len};
    if (g_sh_mode == SH_NO_TICKET) m->ext_present &= ~EXT_BIT(EXT_SESSION_TICKET);
    if (g_sh_mode == SH_SERVER_NAME) m->ext_present |= EXT_BIT(EXT_SERVER_NAME);
    if (g_sh_mode == SH_TLS11) m->legacy_version = 0x0302;
    return 0;
}

static const hs_test_server_hooks sh_hooks = {edit_sh, NULL, NULL};

/* The client fails with expect and the server receives alert; no session either way. */
static void bad_server_hello(ctls_config *cc, ctls_config *sc, const ctls_session *s, int mode,
                             int expect, int alert)
{
    tp_resume_pair p;
    g_sh_mode = mode;
    hs_test_client_hook = &ch_hooks;
    hs_test_server_hook = &sh_hooks;
    CHECK(tp_resume_open(&p, cc, sc, NULL, s) != 0);
    hs_test_client_hook = NULL;
    hs_test_server_hook = NULL;
    CHECK_EQ(p.crc, expect);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_ABORTED);
    if (p.src == 0) { /* the server's flight was its last: the alert waits for a read */
        char b[8];
        tp_pump(p.c, p.s, 0);
        CHECK_EQ(ctls_read(p.s, b, sizeof b), CTLS_ERR_ALERT_RECEIVED);
    }
    CHECK_EQ(ctls_alert_received(p.s), alert);
    /* a refused ServerHello resumes nothing (a resumption it accepted stays reported, as
     * SSL_session_reused does, when a later message fails) */
    if (mode != SH_NO_TICKET) CHECK_EQ(ctls_session_resumed(p.c), 0);
    ctls_session *n = ctls_conn_get_session(p.c);
    CHECK(n == NULL);
    ctls_session_free(n);
    tp_resume_close(&p);
}

/* RFC 5077 3.2: "[the server] MUST NOT send this message if it did not include a SessionTicket
 * extension in the ServerHello": a NewSessionTicket the ServerHello did not announce is
 * unexpected_message, after a full handshake's ServerHelloDone flight (before the server's
 * ChangeCipherSpec) and in a resumed handshake (right after the ServerHello). (Our client
 * always sends SessionTicket, so "the client did not ask" cannot happen.) */
static void unannounced_new_session_ticket(ctls_config *cc, ctls_config *sc, const ctls_session *s)
{
    bad_server_hello(cc, sc, NULL, SH_NO_TICKET, CTLS_ERR_UNEXPECTED_MESSAGE,
                     CTLS_ALERT_UNEXPECTED_MESSAGE);
    bad_server_hello(cc, sc, s, SH_NO_TICKET, CTLS_ERR_UNEXPECTED_MESSAGE,
                     CTLS_ALERT_UNEXPECTED_MESSAGE);
    /* the same server without the edit: both handshakes work (the hook is the cause) */
    CHECK_EQ(tp_resumes(cc, sc, s, NULL), 1);
}

/* RFC 6066 3: "When resuming a session, the server MUST NOT include a server_name extension
 * in the server hello." The RFC gives the client no action, we did send server_name (so RFC
 * 5246 7.4.1.4's unsupported_extension does not apply) and the empty acknowledgement changes
 * nothing; OpenSSL, GnuTLS and BoringSSL clients accept it. Decision: tolerated; the session
 * resumes and keeps the name it was made for. */
static void resumed_server_name_tolerated(ctls_config *cc, ctls_config *sc, const ctls_session *s)
{
    tp_resume_pair p;
    g_sh_mode = SH_SERVER_NAME;
    hs_test_server_hook = &sh_hooks;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, s), 0);
    hs_test_server_hook = NULL;
    CHECK_EQ(ctls_session_resumed(p.c), 1);
    CHECK_EQ(ctls_session_resumed(p.s), 1);
    ctls_session *n = ctls_conn_get_session(p.c);
    CHECK(n && n->sni && strcmp(n->sni, "localhost") == 0);
    ctls_session_free(n);
    tp_resume_close(&p);
}

TEST(server_hello_checks)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    ctls_config *cc13 = tp_client12(CTLS_TLS1_3);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    /* the same for a 1.2-only client and one that also offers 1.3 */
    ctls_config *clients[2] = {cc, cc13};
    for (int i = 0; i < 2; i++) {
        /* RFC 7627 5.3: an EMS session resumed without EMS: abort */
        bad_server_hello(clients[i], sc, s, SH_NO_EMS, CTLS_ERR_HANDSHAKE_FAILURE,
                         CTLS_ALERT_HANDSHAKE_FAILURE);
        /* RFC 5246 7.4.1.3: our session id echoed with another suite than the session's */
        bad_server_hello(clients[i], sc, s, SH_OTHER_SUITE, CTLS_ERR_ILLEGAL_PARAMETER,
                         CTLS_ALERT_ILLEGAL_PARAMETER);
        /* a version below the session's (and below anything we speak) */
        bad_server_hello(clients[i], sc, s, SH_TLS11, CTLS_ERR_PROTOCOL_VERSION,
                         CTLS_ALERT_PROTOCOL_VERSION);
    }
    /* no session offered: the client's (random) session id echoed in a full handshake */
    bad_server_hello(cc13, sc, NULL, SH_ECHO_RANDOM, CTLS_ERR_ILLEGAL_PARAMETER,
                     CTLS_ALERT_ILLEGAL_PARAMETER);
    unannounced_new_session_ticket(cc, sc, s);
    resumed_server_name_tolerated(cc, sc, s);
    ctls_config_free(cc13);
    ctls_session_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

TEST(session_id_offer)
{
    ctls_config *cc = tp_client12(CTLS_TLS1_2), *sc = tp_server12(CTLS_TLS1_2);
    ctls_session *s = full12(cc, sc);
    if (!s) return;
    ctls_session *x = sess_dup(s);
    ctls_free(x->ticket);
    x->ticket = NULL;
    x->ticket_len = 0;
    memset(x->session_id, 0xab, 32);
    x->session_id_len = 32;
    memset(&g_ch, 0, sizeof g_ch);
    tp_resume_pair p;
    hs_test_client_hook = &ch_hooks;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, x), 0);
    hs_test_client_hook = NULL;
    CHECK_EQ(g_ch.ticket, 0);
    CHECK_EQ(g_ch.sid_len, 32);
    CHECK_EQ(g_ch.sid[0], 0xab);
    CHECK_EQ(ctls_session_resumed(p.c), 0); /* no server-side session cache */
    ctls_session *n = ctls_conn_get_session(p.c);
    CHECK(n && n->ticket_len > 0);
    ctls_session_free(n);
    tp_resume_close(&p);
    ctls_session_free(x);
    ctls_session_free(s);
    ctls_config_free(cc);
    ctls_config_free(sc);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(ticket_resume);
    RUN(client_offers_both);
    RUN(peer_id_store);
    RUN(serialize12);
    RUN(versions_not_confused);
    RUN(refused_full_handshake);
    RUN(not_offered);
    RUN(server_hello_checks);
    RUN(session_id_offer);
    return th_summary();
}
