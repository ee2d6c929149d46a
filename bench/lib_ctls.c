/* ctls under the benchmark, through the public API only, over the sans-I/O transport: a side's
 * step feeds it the bytes its peer left in ctls_conn_output (no copy by the benchmark), then
 * calls ctls_handshake.
 *
 * The public functions are referenced weakly and the whole library is linked in, so the
 * benchmark builds (and reports "n/a") while parts of the API are not implemented yet. */
#include "bench.h"

#include <ctls/ctls.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma weak ctls_version_string
#pragma weak ctls_strerror
#pragma weak ctls_is_fatal
#pragma weak ctls_config_new
#pragma weak ctls_config_free
#pragma weak ctls_config_set_versions
#pragma weak ctls_config_set_cipher_suites
#pragma weak ctls_config_set_groups
#pragma weak ctls_config_set_signature_schemes
#pragma weak ctls_config_add_cert_chain_mem
#pragma weak ctls_config_set_verify
#pragma weak ctls_config_set_session_tickets
#pragma weak ctls_conn_new
#pragma weak ctls_conn_free
#pragma weak ctls_conn_set_server_name
#pragma weak ctls_conn_feed
#pragma weak ctls_conn_output
#pragma weak ctls_conn_consume_output
#pragma weak ctls_handshake
#pragma weak ctls_read
#pragma weak ctls_read_input
#pragma weak ctls_write
#pragma weak ctls_version
#pragma weak ctls_cipher_suite_name
#pragma weak ctls_group_name
#pragma weak ctls_conn_get_session
#pragma weak ctls_conn_set_session
#pragma weak ctls_session_resumed
#pragma weak ctls_session_free

typedef struct {
    ctls_config *cfg[2];
} ct_cfg;

typedef struct {
    ct_cfg *cfg;
    ctls_conn *conn[2];
} ct_pair;

static const char *errtext(int rc)
{
    return ctls_strerror ? ctls_strerror(rc) : "?";
}

static int ct_fail(const char *what, int rc)
{
    fprintf(stderr, "ctls: %s: %d (%s)\n", what, rc, errtext(rc));
    return -1;
}

/* The functions a handshake figure needs. */
static int api_present(void)
{
    return ctls_config_new && ctls_config_free && ctls_config_set_versions &&
           ctls_config_set_cipher_suites && ctls_config_set_groups &&
           ctls_config_set_signature_schemes && ctls_config_add_cert_chain_mem &&
           ctls_config_set_verify && ctls_config_set_session_tickets && ctls_conn_new &&
           ctls_conn_free && ctls_conn_set_server_name && ctls_conn_feed && ctls_conn_output &&
           ctls_conn_consume_output && ctls_handshake && ctls_is_fatal;
}

static void ct_config_free(void *v)
{
    ct_cfg *c = v;
    if (!c) return;
    for (int i = 0; i < 2; i++)
        if (c->cfg[i]) ctls_config_free(c->cfg[i]);
    free(c);
}

static void *ct_config_new(const bench_params *p)
{
    static int said;
    if (!api_present()) {
        if (!said++) fprintf(stderr, "ctls: the public API is not implemented yet in this build\n");
        return NULL;
    }
    if (p->tickets && !(ctls_conn_get_session && ctls_conn_set_session && ctls_session_resumed &&
                        ctls_session_free && ctls_read)) {
        fprintf(stderr, "ctls: the session API is not implemented yet in this build\n");
        return NULL;
    }
    ct_cfg *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    int v = p->tls12 ? CTLS_TLS1_2 : CTLS_TLS1_3;
    for (int side = 0; side < 2; side++) {
        ctls_config *x = ctls_config_new(side == SIDE_CLIENT ? CTLS_CLIENT : CTLS_SERVER);
        c->cfg[side] = x;
        int rc = x ? 0 : CTLS_ERR_NOMEM;
        if (rc == 0) rc = ctls_config_set_versions(x, v, v);
        if (rc == 0) rc = ctls_config_set_cipher_suites(x, p->suite);
        if (rc == 0) rc = ctls_config_set_groups(x, p->group);
        if (rc == 0)
            rc = ctls_config_set_signature_schemes(x, "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256");
        if (rc == 0 && side == SIDE_CLIENT) rc = ctls_config_set_verify(x, CTLS_VERIFY_NONE);
        if (rc == 0 && side == SIDE_SERVER) {
            const char *crt = bench_cert_pem(p->cert), *key = bench_key_pem(p->cert);
            rc = ctls_config_add_cert_chain_mem(x, crt, strlen(crt), key, strlen(key));
            if (rc == 0) rc = ctls_config_set_session_tickets(x, p->tickets);
        }
        if (rc != 0) {
            ct_fail(side == SIDE_CLIENT ? "client config" : "server config", rc);
            ct_config_free(c);
            return NULL;
        }
    }
    return c;
}

static void *ct_pair_new(void *cfg)
{
    ct_pair *p = calloc(1, sizeof(*p));
    if (p) p->cfg = cfg;
    return p;
}

static void ct_conn_free(void *v, int side)
{
    ct_pair *p = v;
    if (p->conn[side]) ctls_conn_free(p->conn[side]);
    p->conn[side] = NULL;
}

static void ct_pair_trim(void *v)
{
    (void)v;
}

static void ct_pair_free(void *v)
{
    ct_pair *p = v;
    if (!p) return;
    ct_conn_free(p, SIDE_CLIENT);
    ct_conn_free(p, SIDE_SERVER);
    free(p);
}

static int ct_conn_new(void *v, int side, void *session)
{
    ct_pair *p = v;
    ctls_conn *c = ctls_conn_new(p->cfg->cfg[side]);
    if (!c) return ct_fail("ctls_conn_new", CTLS_ERR_NOMEM);
    int rc = 0;
    if (side == SIDE_CLIENT) {
        rc = ctls_conn_set_server_name(c, "localhost");
        if (rc == 0 && session) rc = ctls_conn_set_session(c, session);
    }
    if (rc != 0) {
        ctls_conn_free(c);
        return ct_fail("connection setup", rc);
    }
    p->conn[side] = c;
    return 0;
}

/* Feeds `side` what its peer has waiting. Heap is charged to the side whose object acts. */
static int ct_transfer(ct_pair *p, int side)
{
    ctls_conn *me = p->conn[side], *peer = p->conn[!side];
    if (!peer) return 0;
    for (;;) {
        const void *data = NULL;
        int t = heap_tag(!side);
        size_t n = ctls_conn_output(peer, &data);
        heap_tag(side);
        if (n == 0) {
            heap_tag(t);
            return 0;
        }
        size_t used = 0;
        int rc = ctls_conn_feed(me, data, n, &used);
        heap_tag(!side);
        if (used) ctls_conn_consume_output(peer, used);
        heap_tag(t);
        if (rc != 0 && ctls_is_fatal(rc)) return ct_fail("ctls_conn_feed", rc);
        if (used < n) return 0; /* the rest after the next ctls_handshake / ctls_read */
    }
}

static int ct_step(void *v, int side)
{
    ct_pair *p = v;
    if (ct_transfer(p, side) != 0) return -1;
    int rc = ctls_handshake(p->conn[side]);
    if (rc == 0) return 1;
    if (!ctls_is_fatal(rc)) return 0;
    return ct_fail(side == SIDE_CLIENT ? "client handshake" : "server handshake", rc);
}

static int ct_resumed(void *v)
{
    return ctls_session_resumed(((ct_pair *)v)->conn[SIDE_CLIENT]);
}

static void *ct_get_session(void *v)
{
    ct_pair *p = v;
    ctls_conn *c = p->conn[SIDE_CLIENT];
    if (ct_transfer(p, SIDE_CLIENT) != 0) return NULL;
    uint8_t b[1];
    ssize_t rc = ctls_read(c, b, 1); /* takes the NewSessionTicket in */
    if (rc != CTLS_WANT_READ) {
        ct_fail("reading the ticket", (int)rc);
        return NULL;
    }
    ctls_session *s = ctls_conn_get_session(c);
    if (!s) fprintf(stderr, "ctls: ctls_conn_get_session returned NULL after the ticket\n");
    return s;
}

static void ct_session_free(void *s)
{
    ctls_session_free(s);
}

static int ct_send(void *v, const void *buf, size_t len)
{
    ct_pair *p = v;
    ssize_t rc = ctls_write(p->conn[SIDE_CLIENT], buf, len);
    if (rc != (ssize_t)len) return ct_fail("ctls_write", (int)rc);
    return 0;
}

/* The server reads what the client left in ctls_conn_output by reference (ctls_read_input:
 * records are decrypted straight from the client's output buffer, none is copied first). */
static ssize_t ct_read_input(ct_pair *p, void *buf, size_t len)
{
    ctls_conn *me = p->conn[SIDE_SERVER], *peer = p->conn[SIDE_CLIENT];
    const void *data = NULL;
    int t = heap_tag(SIDE_CLIENT);
    size_t n = ctls_conn_output(peer, &data), used = 0;
    heap_tag(SIDE_SERVER);
    ssize_t rc = ctls_read_input(me, data, n, &used, buf, len);
    heap_tag(SIDE_CLIENT);
    if (used) ctls_conn_consume_output(peer, used);
    heap_tag(t);
    return rc;
}

static int ct_recv(void *v, void *buf, size_t len)
{
    ct_pair *p = v;
    size_t got = 0;
    int idle = 0;
    while (got < len) {
        ssize_t rc;
        if (ctls_read_input) {
            rc = ct_read_input(p, (uint8_t *)buf + got, len - got);
        } else {
            if (ct_transfer(p, SIDE_SERVER) != 0) return -1;
            rc = ctls_read(p->conn[SIDE_SERVER], (uint8_t *)buf + got, len - got);
        }
        if (rc > 0) {
            got += (size_t)rc;
            idle = 0;
        } else if (rc == CTLS_WANT_READ && idle++ < 4) {
            continue;
        } else {
            return ct_fail("ctls_read", (int)rc);
        }
    }
    return 0;
}

static void ct_describe(void *v, char *out, size_t len)
{
    ct_pair *p = v;
    ctls_conn *c = p->conn[SIDE_CLIENT];
    int ver = ctls_version ? ctls_version(c) : 0;
    const char *s = ctls_cipher_suite_name ? ctls_cipher_suite_name(c) : NULL;
    const char *g = ctls_group_name ? ctls_group_name(c) : NULL;
    /* a resumed TLS 1.2 handshake has no key exchange, hence no group */
    if (!g && ver == CTLS_TLS1_2 && ctls_session_resumed && ctls_session_resumed(c) == 1)
        g = "(no key exchange)";
    snprintf(out, len, "%s %s %s",
             ver == CTLS_TLS1_3   ? "TLSv1.3"
             : ver == CTLS_TLS1_2 ? "TLSv1.2"
                                  : "?",
             s ? s : "?", g ? g : "?");
}

/* ctls draws on libcrypto's per-thread generators and error queue. */
static void ct_thread_init(void)
{
    uint8_t b[1];
    (void)RAND_bytes(b, 1);
    (void)RAND_priv_bytes(b, 1);
    ERR_clear_error();
}

static const char *ct_version(void)
{
    return ctls_version_string ? ctls_version_string() : "not built";
}

const bench_lib bench_lib_ctls = {
    .name = "ctls",
    .version = ct_version,
    .config_new = ct_config_new,
    .config_free = ct_config_free,
    .pair_new = ct_pair_new,
    .pair_free = ct_pair_free,
    .pair_trim = ct_pair_trim,
    .conn_new = ct_conn_new,
    .conn_free = ct_conn_free,
    .step = ct_step,
    .resumed = ct_resumed,
    .get_session = ct_get_session,
    .session_free = ct_session_free,
    .send = ct_send,
    .recv = ct_recv,
    .thread_init = ct_thread_init,
    .describe = ct_describe,
};
