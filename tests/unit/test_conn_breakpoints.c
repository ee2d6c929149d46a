/* The two break points of the handshake (Secure Transport's kSSLSessionOptionBreakOnServerAuth
 * and BreakOnCertRequested): CTLS_PAUSED_SERVER_AUTH with the peer chain readable, accept /
 * reject / "call again = accept"; CTLS_PAUSED_CERT_REQUESTED with the acceptable CA names,
 * a certificate set on the connection or none, against servers that ask (CTLS_VERIFY_PEER) or
 * demand (CTLS_VERIFY_REQUIRE_PEER). Memory pairs, plus one pause over a real socket. */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "pair.h"
#include "transport.h"
#include "x509/x509.h"

typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
} pr;

static void pr_new(pr *p, const char *server_cert, int break_auth, int break_cr, int verify)
{
    p->cc = tp_client_config();
    p->sc = tp_server_config(server_cert);
    CHECK(p->cc && p->sc);
    if (break_auth) CHECK_EQ(ctls_config_set_break_on_server_auth(p->cc, 1), 0);
    if (break_cr) CHECK_EQ(ctls_config_set_break_on_cert_requested(p->cc, 1), 0);
    if (verify != CTLS_VERIFY_NONE) {
        CHECK_EQ(ctls_config_set_verify(p->sc, verify), 0);
        CHECK_EQ(ctls_config_load_trust_file(p->sc, tp_cert("ca.pem")), 0);
        CHECK_EQ(ctls_config_set_verify_time(p->sc, 1767225600), 0);
    }
    p->c = ctls_conn_new(p->cc);
    p->s = ctls_conn_new(p->sc);
    CHECK_EQ(ctls_conn_set_server_name(p->c, "localhost"), 0);
}

static void pr_free(pr *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

/* Continue both handshakes after a pause (the client calls ctls_handshake first). */
static void resume(pr *p, int *crc, int *src)
{
    tp_handshake(p->c, p->s, crc, src);
}

/* The DER certificates of a PEM file. */
static void file_certs(const char *name, ctls_der_list *l)
{
    memset(l, 0, sizeof *l);
    CHECK_EQ(ctls_pem_file_certs(tp_cert(name), 0, l), 0);
}

/* ---- CTLS_PAUSED_SERVER_AUTH ------------------------------------------------------------ */

TEST(server_auth_pause_then_accept)
{
    pr p;
    pr_new(&p, "server-ecdsa", 1, 0, CTLS_VERIFY_NONE);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_SERVER_AUTH);
    CHECK_EQ(ctls_is_fatal(crc), 0);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_HANDSHAKE);
    /* the chain (and the CertificateVerify) are in and readable */
    tp_check_chain(p.c, "server-ecdsa.pem");
    CHECK(ctls_signature_scheme_name(p.c) != NULL);
    CHECK_EQ(ctls_verify_result(p.c), CTLS_VERIFY_OK); /* the built-in check, for advice */
    /* not the other pause's answers, and no shutdown mid-handshake */
    CHECK_EQ(ctls_acceptable_ca_count(p.c), 0);
    CHECK_EQ(ctls_shutdown(p.c), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_accept_peer(p.c), 0);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_HANDSHAKE);
    resume(&p, &crc, &src);
    CHECK_EQ(crc, 0);
    CHECK_EQ(src, 0);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_CONNECTED);
    CHECK_EQ(ctls_accept_peer(p.c), CTLS_ERR_BAD_STATE); /* the pause is over */
    CHECK_EQ(ctls_reject_peer(p.c, 42), CTLS_ERR_BAD_STATE);
    CHECK_EQ(ctls_write(p.c, "hi", 2), 2);
    tp_pump(p.c, p.s, 0);
    unsigned char b[4];
    CHECK_EQ(ctls_read(p.s, b, sizeof b), 2);
    pr_free(&p);
}

/* Calling ctls_handshake again without an answer accepts; the application owns the decision
 * even for a chain the built-in check rejects (its flags stay readable). */
TEST(server_auth_pause_call_again_is_accept)
{
    pr p;
    pr_new(&p, "bad-selfsigned", 1, 0, CTLS_VERIFY_NONE);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_SERVER_AUTH);
    CHECK(ctls_verify_result(p.c) & CTLS_CERT_UNKNOWN_ROOT);
    tp_check_chain(p.c, "bad-selfsigned.pem");
    resume(&p, &crc, &src);
    CHECK_EQ(crc, 0);
    CHECK_EQ(src, 0);
    CHECK(ctls_verify_result(p.c) & CTLS_CERT_UNKNOWN_ROOT);
    pr_free(&p);
}

static void reject_with(int alert)
{
    pr p;
    pr_new(&p, "server-ecdsa", 1, 0, CTLS_VERIFY_NONE);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_SERVER_AUTH);
    CHECK_EQ(ctls_reject_peer(p.c, alert), 0);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_ABORTED);
    CHECK_EQ(ctls_handshake(p.c), CTLS_ERR_CERT_REJECTED);
    CHECK_EQ(ctls_handshake(p.c), CTLS_ERR_CERT_REJECTED); /* sticky */
    unsigned char b[4];
    CHECK_EQ(ctls_read(p.c, b, sizeof b), CTLS_ERR_CERT_REJECTED);
    CHECK(ctls_verify_result(p.c) & CTLS_CERT_REJECTED);
    CHECK(ctls_reject_peer(p.c, alert) == CTLS_ERR_BAD_STATE ||
          ctls_reject_peer(p.c, alert) == CTLS_ERR_CERT_REJECTED);
    /* the server got exactly the application's alert */
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_handshake(p.s), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.s), alert);
    CHECK_EQ(ctls_state(p.s), CTLS_STATE_ABORTED);
    const void *out;
    CHECK_EQ(ctls_conn_output(p.s, &out), 0); /* no alert answers an alert */
    pr_free(&p);
}

TEST(server_auth_pause_then_reject)
{
    reject_with(CTLS_ALERT_BAD_CERTIFICATE);
    reject_with(CTLS_ALERT_UNKNOWN_CA);
    reject_with(CTLS_ALERT_ACCESS_DENIED);
}

/* Without the break, a bad chain fails the handshake itself (no pause). */
TEST(no_break_no_pause)
{
    pr p;
    pr_new(&p, "bad-selfsigned", 0, 0, CTLS_VERIFY_NONE);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_ERR_CERT_UNKNOWN_ROOT);
    CHECK_EQ(ctls_accept_peer(p.c), CTLS_ERR_BAD_STATE);
    /* the server learns why: unknown_ca, protected with the client's handshake keys */
    tp_pump(p.c, p.s, 0);
    CHECK_EQ(ctls_handshake(p.s), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.s), CTLS_ALERT_UNKNOWN_CA);
    pr_free(&p);
}

/* ---- CTLS_PAUSED_CERT_REQUESTED --------------------------------------------------------- */

static void check_acceptable_cas(ctls_conn *x)
{
    /* the server trusts ca.pem only: its subject is the one acceptable name */
    ctls_der_list l;
    file_certs("ca.pem", &l);
    ctls_cert *ca = NULL;
    CHECK(l.count == 1 && ctls_cert_parse(l.der[0], l.len[0], &ca) == 0);
    CHECK_EQ(ctls_acceptable_ca_count(x), 1);
    const uint8_t *dn;
    size_t len;
    if (ca && ctls_acceptable_ca_count(x) == 1) {
        CHECK_EQ(ctls_acceptable_ca_der(x, 0, &dn, &len), 0);
        ctls_slice subj = ctls_cert_subject_der(ca);
        CHECK_EQ(len, subj.len);
        if (len == subj.len) CHECK_MEM(dn, subj.p, len);
    }
    CHECK_EQ(ctls_acceptable_ca_der(x, 1, &dn, &len), CTLS_ERR_INVALID_ARG);
    ctls_cert_free(ca);
    ctls_der_list_free(&l);
}

static void cert_requested_with_cert(int verify)
{
    pr p;
    pr_new(&p, "server-ecdsa", 0, 1, verify);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_CERT_REQUESTED);
    CHECK_EQ(ctls_is_fatal(crc), 0);
    CHECK_EQ(ctls_state(p.c), CTLS_STATE_HANDSHAKE);
    check_acceptable_cas(p.c);
    CHECK_EQ(ctls_accept_peer(p.c), CTLS_ERR_BAD_STATE); /* not the server-auth pause */
    CHECK_EQ(ctls_conn_set_certificate_file(p.c, tp_cert("client.pem"), tp_cert("client.key")), 0);
    resume(&p, &crc, &src);
    CHECK_EQ(crc, 0);
    CHECK_EQ(src, 0);
    /* the server saw the chain and verified it */
    tp_check_chain(p.s, "client.pem");
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    CHECK(ctls_signature_scheme_name(p.s) != NULL);
    CHECK_EQ(ctls_conn_set_certificate_file(p.c, tp_cert("client.pem"), tp_cert("client.key")),
             CTLS_ERR_BAD_STATE); /* too late now */
    pr_free(&p);
}

TEST(cert_requested_set_certificate)
{
    cert_requested_with_cert(CTLS_VERIFY_PEER);
    cert_requested_with_cert(CTLS_VERIFY_REQUIRE_PEER);
}

TEST(cert_requested_none_require_peer_fails)
{
    pr p;
    pr_new(&p, "server-ecdsa", 0, 1, CTLS_VERIFY_REQUIRE_PEER);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_CERT_REQUESTED);
    check_acceptable_cas(p.c);
    resume(&p, &crc, &src); /* no certificate set: an empty Certificate goes out */
    CHECK_EQ(src, CTLS_ERR_CERTIFICATE_REQUIRED);
    CHECK_EQ(ctls_state(p.s), CTLS_STATE_ABORTED);
    CHECK(ctls_verify_result(p.s) & CTLS_CERT_NO_CERTIFICATE);
    /* TLS 1.3: the client finished its side first; the alert reaches it next */
    if (crc == 0) {
        tp_pump(p.c, p.s, 0);
        unsigned char b[4];
        crc = (int)ctls_read(p.c, b, sizeof b);
    }
    CHECK_EQ(crc, CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.c), CTLS_ALERT_CERTIFICATE_REQUIRED);
    pr_free(&p);
}

TEST(cert_requested_none_verify_peer_succeeds)
{
    pr p;
    pr_new(&p, "server-ecdsa", 0, 1, CTLS_VERIFY_PEER);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_CERT_REQUESTED);
    resume(&p, &crc, &src);
    CHECK_EQ(crc, 0);
    CHECK_EQ(src, 0);
    CHECK_EQ(ctls_peer_cert_count(p.s), 0);
    CHECK(ctls_verify_result(p.s) & CTLS_CERT_NO_CERTIFICATE);
    pr_free(&p);
}

/* Both breaks: the CertificateRequest comes before the server's Certificate (RFC 8446 2). */
TEST(both_pauses_in_order)
{
    pr p;
    pr_new(&p, "server-ecdsa", 1, 1, CTLS_VERIFY_REQUIRE_PEER);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_CERT_REQUESTED);
    CHECK_EQ(ctls_peer_cert_count(p.c), 0); /* the server's chain is not in yet */
    CHECK_EQ(ctls_conn_set_certificate_file(p.c, tp_cert("client.pem"), tp_cert("client.key")), 0);
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_SERVER_AUTH);
    tp_check_chain(p.c, "server-ecdsa.pem");
    CHECK_EQ(ctls_accept_peer(p.c), 0);
    resume(&p, &crc, &src);
    CHECK_EQ(crc, 0);
    CHECK_EQ(src, 0);
    tp_check_chain(p.s, "client.pem");
    pr_free(&p);
}

/* A client certificate in the client's config is sent without a pause. */
TEST(config_certificate_without_break)
{
    pr p;
    pr_new(&p, "server-ecdsa", 0, 0, CTLS_VERIFY_REQUIRE_PEER);
    ctls_conn_free(p.c);
    ctls_config_free(p.cc);
    p.cc = tp_client_config();
    CHECK_EQ(ctls_config_add_cert_chain_file(p.cc, tp_cert("client.pem"), tp_cert("client.key")),
             0);
    p.c = ctls_conn_new(p.cc);
    ctls_conn_set_server_name(p.c, "localhost");
    int crc, src;
    CHECK_EQ(tp_handshake(p.c, p.s, &crc, &src), 0);
    tp_check_chain(p.s, "client.pem");
    CHECK_EQ(ctls_verify_result(p.s), CTLS_VERIFY_OK);
    pr_free(&p);
}

/* ---- a pause over a real transport ------------------------------------------------------ */

typedef struct {
    tt_end e;
    int rc;
} server_side;

static void server_thread(void *arg)
{
    server_side *ss = arg;
    ss->rc = (int)tt_call(&ss->e, TT_HANDSHAKE, NULL, 0);
}

TEST(pauses_over_sockets)
{
    for (int kind = TT_FD_BLOCKING; kind <= TT_CALLBACKS; kind++) {
        pr p;
        pr_new(&p, "server-ecdsa", 1, 1, CTLS_VERIFY_PEER);
        int sv[2];
        CHECK_EQ(tt_socketpair(sv), 0);
        tt_end ec;
        server_side ss;
        CHECK_EQ(tt_attach(&ec, kind, p.c, sv[0]), 0);
        CHECK_EQ(tt_attach(&ss.e, kind, p.s, sv[1]), 0);
        tt_thread t;
        CHECK_EQ(tt_spawn(&t, server_thread, &ss), 0);
        CHECK_EQ(tt_call(&ec, TT_HANDSHAKE, NULL, 0), CTLS_PAUSED_CERT_REQUESTED);
        check_acceptable_cas(p.c);
        CHECK_EQ(ctls_conn_set_certificate_file(p.c, tp_cert("client.pem"), tp_cert("client.key")),
                 0);
        CHECK_EQ(tt_call(&ec, TT_HANDSHAKE, NULL, 0), CTLS_PAUSED_SERVER_AUTH);
        tp_check_chain(p.c, "server-ecdsa.pem");
        usleep(20 * 1000); /* a pause may last: the server just waits */
        CHECK_EQ(ctls_accept_peer(p.c), 0);
        CHECK_EQ(tt_call(&ec, TT_HANDSHAKE, NULL, 0), 0);
        tt_join(&t);
        CHECK_EQ(ss.rc, 0);
        tp_check_chain(p.s, "client.pem");
        CHECK_EQ(ec.dir_mismatch, 0);
        tt_close(&ec, 0);
        tt_close(&ss.e, 0);
        pr_free(&p);
    }
}

/* A client that rejects the server before it switched its own write keys (OpenSSL's client
 * does: `openssl s_client -verify_return_error` against an untrusted server) sends its alert
 * unprotected. The server must still report the alert, not unexpected_message (OpenSSL's
 * server allows plaintext alerts there: ENC_READ_STATE_ALLOW_PLAIN_ALERTS). */
TEST(server_reads_plaintext_alert_from_client_without_keys)
{
    pr p;
    pr_new(&p, "server-ecdsa", 1, 0, CTLS_VERIFY_NONE);
    int crc, src;
    tp_handshake(p.c, p.s, &crc, &src);
    CHECK_EQ(crc, CTLS_PAUSED_SERVER_AUTH);
    CHECK_EQ(src, CTLS_WANT_READ); /* its flight is out; it reads with the client's keys */
    static const unsigned char alert[] = {21, 0x03, 0x03, 0x00, 0x02, 2, CTLS_ALERT_UNKNOWN_CA};
    size_t used;
    CHECK_EQ(ctls_conn_feed(p.s, alert, sizeof alert, &used), 0);
    CHECK_EQ(ctls_handshake(p.s), CTLS_ERR_ALERT_RECEIVED);
    CHECK_EQ(ctls_alert_received(p.s), CTLS_ALERT_UNKNOWN_CA);
    pr_free(&p);
}

int main(void)
{
    if (!tp_certdir()) {
        fprintf(stderr, "cannot generate the test PKI\n");
        return 1;
    }
    RUN(server_auth_pause_then_accept);
    RUN(server_auth_pause_call_again_is_accept);
    RUN(server_auth_pause_then_reject);
    RUN(no_break_no_pause);
    RUN(cert_requested_set_certificate);
    RUN(cert_requested_none_require_peer_fails);
    RUN(cert_requested_none_verify_peer_succeeds);
    RUN(both_pauses_in_order);
    RUN(config_certificate_without_break);
    RUN(pauses_over_sockets);
    RUN(server_reads_plaintext_alert_from_client_without_keys);
    return th_summary();
}
