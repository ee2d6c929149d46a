/* OpenSSL libssl 3 under the benchmark: SSL objects over a custom BIO whose bytes live in
 * bench_pipe queues (the benchmark's, not charged to either side). Defaults otherwise, as a
 * user gets them; no certificate verification; session cache off; tickets as the figure says. */
#include "bench.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    SSL_CTX *ctx[2];
} ossl_cfg;

typedef struct {
    bench_pipe *in, *out;
} ossl_end;

typedef struct {
    ossl_cfg *cfg;
    SSL *ssl[2];
    bench_pipe c2s, s2c;
    ossl_end end[2];
} ossl_pair;

static BIO_METHOD *bio_method;

static int bio_write_ex(BIO *b, const char *data, size_t len, size_t *written)
{
    ossl_end *e = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    pipe_put(e->out, data, len);
    *written = len;
    return 1;
}

static int bio_read_ex(BIO *b, char *data, size_t len, size_t *got)
{
    ossl_end *e = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    *got = pipe_get(e->in, data, len);
    if (*got == 0) {
        BIO_set_retry_read(b);
        return 0;
    }
    return 1;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    ossl_end *e = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PENDING:
        return e ? (long)pipe_avail(e->in) : 0;
    default:
        return 0;
    }
}

static int bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

static void print_errors(const char *what)
{
    fprintf(stderr, "openssl: %s failed\n", what);
    ERR_print_errors_fp(stderr);
}

static void ossl_config_free(void *v)
{
    ossl_cfg *c = v;
    if (!c) return;
    SSL_CTX_free(c->ctx[0]);
    SSL_CTX_free(c->ctx[1]);
    free(c);
}

static const char *tls12_name(const char *iana)
{
    if (strcmp(iana, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256") == 0)
        return "ECDHE-ECDSA-AES128-GCM-SHA256";
    if (strcmp(iana, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") == 0)
        return "ECDHE-RSA-AES128-GCM-SHA256";
    if (strcmp(iana, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256") == 0)
        return "ECDHE-ECDSA-CHACHA20-POLY1305";
    return NULL;
}

static void *ossl_config_new(const bench_params *p)
{
    if (!bio_method) {
        bio_method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bench-pipe");
        if (!bio_method || !BIO_meth_set_write_ex(bio_method, bio_write_ex) ||
            !BIO_meth_set_read_ex(bio_method, bio_read_ex) ||
            !BIO_meth_set_ctrl(bio_method, bio_ctrl) ||
            !BIO_meth_set_create(bio_method, bio_create))
            return NULL;
    }
    ossl_cfg *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    int v = p->tls12 ? TLS1_2_VERSION : TLS1_3_VERSION;
    const char *groups = strcmp(p->group, "x25519") == 0      ? "X25519"
                         : strcmp(p->group, "secp256r1") == 0 ? "P-256"
                                                              : "X25519:P-256";
    for (int side = 0; side < 2; side++) {
        SSL_CTX *x = SSL_CTX_new(side == SIDE_CLIENT ? TLS_client_method() : TLS_server_method());
        c->ctx[side] = x;
        if (!x || !SSL_CTX_set_min_proto_version(x, v) || !SSL_CTX_set_max_proto_version(x, v) ||
            !SSL_CTX_set1_groups_list(x, groups) ||
            !SSL_CTX_set1_sigalgs_list(x, "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256")) {
            print_errors("SSL_CTX setup");
            goto fail;
        }
        if (p->tls12) {
            const char *n = tls12_name(p->suite);
            if (!n || !SSL_CTX_set_cipher_list(x, n)) {
                print_errors("SSL_CTX_set_cipher_list");
                goto fail;
            }
        } else if (!SSL_CTX_set_ciphersuites(x, p->suite)) {
            print_errors("SSL_CTX_set_ciphersuites");
            goto fail;
        }
        if (side == SIDE_SERVER) SSL_CTX_set_session_cache_mode(x, SSL_SESS_CACHE_OFF);
        SSL_CTX_set_verify(x, SSL_VERIFY_NONE, NULL);
        if (p->tickets == 0) SSL_CTX_set_options(x, SSL_OP_NO_TICKET);
    }
    SSL_CTX_set_num_tickets(c->ctx[SIDE_SERVER], (size_t)p->tickets);
    const char *crt = bench_cert_pem(p->cert), *key = bench_key_pem(p->cert);
    BIO *b1 = BIO_new_mem_buf(crt, (int)strlen(crt)), *b2 = BIO_new_mem_buf(key, (int)strlen(key));
    X509 *x509 = b1 ? PEM_read_bio_X509(b1, NULL, NULL, NULL) : NULL;
    EVP_PKEY *pk = b2 ? PEM_read_bio_PrivateKey(b2, NULL, NULL, NULL) : NULL;
    int ok = x509 && pk && SSL_CTX_use_certificate(c->ctx[SIDE_SERVER], x509) == 1 &&
             SSL_CTX_use_PrivateKey(c->ctx[SIDE_SERVER], pk) == 1;
    X509_free(x509);
    EVP_PKEY_free(pk);
    BIO_free(b1);
    BIO_free(b2);
    if (!ok) {
        print_errors("loading the certificate");
        goto fail;
    }
    return c;
fail:
    ossl_config_free(c);
    return NULL;
}

static void *ossl_pair_new(void *cfg)
{
    ossl_pair *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->cfg = cfg;
    p->end[SIDE_CLIENT] = (ossl_end){&p->s2c, &p->c2s};
    p->end[SIDE_SERVER] = (ossl_end){&p->c2s, &p->s2c};
    return p;
}

static void ossl_conn_free(void *v, int side)
{
    ossl_pair *p = v;
    /* A quiet close: SSL_free without a shutdown would mark the client's session (the one
     * being resumed) not resumable. */
    if (p->ssl[side]) SSL_set_shutdown(p->ssl[side], SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    SSL_free(p->ssl[side]);
    p->ssl[side] = NULL;
}

static void ossl_pair_trim(void *v)
{
    ossl_pair *p = v;
    p->c2s.r = p->c2s.w = p->s2c.r = p->s2c.w = 0;
    pipe_release(&p->c2s);
    pipe_release(&p->s2c);
}

static void ossl_pair_free(void *v)
{
    ossl_pair *p = v;
    if (!p) return;
    ossl_conn_free(p, SIDE_CLIENT);
    ossl_conn_free(p, SIDE_SERVER);
    ossl_pair_trim(p);
    free(p);
}

static int ossl_conn_new(void *v, int side, void *session)
{
    ossl_pair *p = v;
    SSL *s = SSL_new(p->cfg->ctx[side]);
    BIO *b = s ? BIO_new(bio_method) : NULL;
    if (!b) {
        SSL_free(s);
        print_errors("SSL_new");
        return -1;
    }
    BIO_set_data(b, &p->end[side]);
    SSL_set_bio(s, b, b);
    if (side == SIDE_CLIENT) {
        SSL_set_connect_state(s);
        if (!SSL_set_tlsext_host_name(s, "localhost") ||
            (session && !SSL_set_session(s, session))) {
            SSL_free(s);
            print_errors("SSL client setup");
            return -1;
        }
    } else {
        SSL_set_accept_state(s);
    }
    p->ssl[side] = s;
    return 0;
}

static int ossl_step(void *v, int side)
{
    ossl_pair *p = v;
    int rc = SSL_do_handshake(p->ssl[side]);
    if (rc == 1) return 1;
    int e = SSL_get_error(p->ssl[side], rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    print_errors(side == SIDE_CLIENT ? "client handshake" : "server handshake");
    return -1;
}

static int ossl_resumed(void *v)
{
    return SSL_session_reused(((ossl_pair *)v)->ssl[SIDE_CLIENT]);
}

static void *ossl_get_session(void *v)
{
    ossl_pair *p = v;
    SSL *c = p->ssl[SIDE_CLIENT];
    if (SSL_version(c) == TLS1_3_VERSION) {
        uint8_t b[1];
        int rc = SSL_read(c, b, 1); /* takes the NewSessionTicket in */
        if (rc > 0 || SSL_get_error(c, rc) != SSL_ERROR_WANT_READ) {
            print_errors("reading the ticket");
            return NULL;
        }
    }
    SSL_SESSION *s = SSL_get1_session(c);
    if (s && !SSL_SESSION_is_resumable(s)) {
        SSL_SESSION_free(s);
        s = NULL;
    }
    return s;
}

static void ossl_session_free(void *s)
{
    SSL_SESSION_free(s);
}

static int ossl_send(void *v, const void *buf, size_t len)
{
    ossl_pair *p = v;
    size_t n = 0;
    if (SSL_write_ex(p->ssl[SIDE_CLIENT], buf, len, &n) != 1 || n != len) {
        print_errors("SSL_write");
        return -1;
    }
    return 0;
}

static int ossl_recv(void *v, void *buf, size_t len)
{
    ossl_pair *p = v;
    size_t got = 0;
    while (got < len) {
        size_t n = 0;
        if (SSL_read_ex(p->ssl[SIDE_SERVER], (uint8_t *)buf + got, len - got, &n) != 1) {
            print_errors("SSL_read");
            return -1;
        }
        got += n;
    }
    return 0;
}

static void ossl_describe(void *v, char *out, size_t len)
{
    ossl_pair *p = v;
    SSL *s = p->ssl[SIDE_CLIENT];
    const char *g = SSL_group_to_name(s, SSL_get_negotiated_group(s));
    snprintf(out, len, "%s %s %s", SSL_get_version(s),
             SSL_CIPHER_standard_name(SSL_get_current_cipher(s)), g ? g : "?");
}

static void ossl_thread_init(void)
{
    uint8_t b[1];
    (void)RAND_bytes(b, 1);
    (void)RAND_priv_bytes(b, 1);
    ERR_clear_error();
}

static const char *ossl_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION);
}

const bench_lib bench_lib_openssl = {
    .name = "openssl",
    .version = ossl_version,
    .config_new = ossl_config_new,
    .config_free = ossl_config_free,
    .pair_new = ossl_pair_new,
    .pair_free = ossl_pair_free,
    .pair_trim = ossl_pair_trim,
    .conn_new = ossl_conn_new,
    .conn_free = ossl_conn_free,
    .step = ossl_step,
    .resumed = ossl_resumed,
    .get_session = ossl_get_session,
    .session_free = ossl_session_free,
    .send = ossl_send,
    .recv = ossl_recv,
    .thread_init = ossl_thread_init,
    .describe = ossl_describe,
};
