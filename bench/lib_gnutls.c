/* GnuTLS under the benchmark: sessions over push/pull callbacks on bench_pipe queues (the
 * benchmark's, not charged to either side). No certificate verification (none is set up);
 * tickets only when the figure wants them (a ticket key on the server). */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BENCH_HAVE_GNUTLS

static const char *gt_version(void)
{
    return "n/a";
}
static void *gt_config_new(const bench_params *p)
{
    static int said;
    if (!said++) fprintf(stderr, "gnutls: not built (no GnuTLS development files)\n");
    return NULL;
}
const bench_lib bench_lib_gnutls = {
    .name = "gnutls", .version = gt_version, .config_new = gt_config_new};

#else

#include <errno.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

typedef struct {
    gnutls_certificate_credentials_t cred[2];
    gnutls_priority_t prio;
    gnutls_datum_t ticket_key;
    int tickets;
} gt_cfg;

typedef struct {
    bench_pipe *in, *out;
    gnutls_session_t s;
} gt_end;

typedef struct {
    gt_cfg *cfg;
    bench_pipe c2s, s2c;
    gt_end end[2];
} gt_pair;

static ssize_t gt_push(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    gt_end *e = ptr;
    pipe_put(e->out, data, len);
    return (ssize_t)len;
}

static ssize_t gt_pull(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    gt_end *e = ptr;
    size_t n = pipe_get(e->in, data, len);
    if (n == 0) {
        gnutls_transport_set_errno(e->s, EAGAIN);
        return -1;
    }
    return (ssize_t)n;
}

static int gt_pull_timeout(gnutls_transport_ptr_t ptr, unsigned ms)
{
    gt_end *e = ptr;
    return pipe_avail(e->in) > 0 ? 1 : 0;
}

static int gt_fail(const char *what, int rc)
{
    fprintf(stderr, "gnutls: %s: %s\n", what, gnutls_strerror(rc));
    return -1;
}

static void gt_config_free(void *v)
{
    gt_cfg *c = v;
    if (!c) return;
    for (int i = 0; i < 2; i++)
        if (c->cred[i]) gnutls_certificate_free_credentials(c->cred[i]);
    if (c->prio) gnutls_priority_deinit(c->prio);
    if (c->ticket_key.data) gnutls_free(c->ticket_key.data);
    free(c);
}

static void *gt_config_new(const bench_params *p)
{
    gt_cfg *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    char prio[512];
    const char *cipher = strstr(p->suite, "CHACHA20")  ? "CHACHA20-POLY1305"
                         : strstr(p->suite, "AES_256") ? "AES-256-GCM"
                                                       : "AES-128-GCM";
    const char *group = strcmp(p->group, "x25519") == 0      ? "GROUP-X25519"
                        : strcmp(p->group, "secp256r1") == 0 ? "GROUP-SECP256R1"
                                                             : "GROUP-X25519:+GROUP-SECP256R1";
    snprintf(prio, sizeof(prio),
             "NORMAL:-VERS-ALL:+VERS-TLS1.%d:-CIPHER-ALL:+%s:-GROUP-ALL:+%s:-SIGN-ALL:"
             "+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-RSA-PSS-RSAE-SHA256%s%s%s",
             p->tls12 ? 2 : 3, cipher, group, p->tls12 ? ":+SIGN-ECDSA-SHA256" : "",
             p->tls12 ? ":-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA" : "", p->tickets ? "" : ":%NO_TICKETS");
    const char *err = NULL;
    int rc = gnutls_priority_init(&c->prio, prio, &err);
    if (rc < 0) {
        fprintf(stderr, "gnutls: priority \"%s\" at \"%s\"\n", prio, err ? err : "?");
        goto fail;
    }
    for (int i = 0; i < 2; i++)
        if ((rc = gnutls_certificate_allocate_credentials(&c->cred[i])) < 0) {
            gt_fail("credentials", rc);
            goto fail;
        }
    const char *crt = bench_cert_pem(p->cert), *key = bench_key_pem(p->cert);
    gnutls_datum_t dc = {(unsigned char *)crt, (unsigned)strlen(crt)};
    gnutls_datum_t dk = {(unsigned char *)key, (unsigned)strlen(key)};
    if ((rc = gnutls_certificate_set_x509_key_mem(c->cred[SIDE_SERVER], &dc, &dk,
                                                  GNUTLS_X509_FMT_PEM)) < 0) {
        gt_fail("loading the certificate", rc);
        goto fail;
    }
    c->tickets = p->tickets;
    if (p->tickets && (rc = gnutls_session_ticket_key_generate(&c->ticket_key)) < 0) {
        gt_fail("ticket key", rc);
        goto fail;
    }
    return c;
fail:
    gt_config_free(c);
    return NULL;
}

static void *gt_pair_new(void *cfg)
{
    gt_pair *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    p->cfg = cfg;
    p->end[SIDE_CLIENT] = (gt_end){&p->s2c, &p->c2s, NULL};
    p->end[SIDE_SERVER] = (gt_end){&p->c2s, &p->s2c, NULL};
    return p;
}

static void gt_conn_free(void *v, int side)
{
    gt_pair *p = v;
    if (p->end[side].s) gnutls_deinit(p->end[side].s);
    p->end[side].s = NULL;
}

static void gt_pair_trim(void *v)
{
    gt_pair *p = v;
    pipe_release(&p->c2s);
    pipe_release(&p->s2c);
}

static void gt_pair_free(void *v)
{
    gt_pair *p = v;
    if (!p) return;
    gt_conn_free(p, SIDE_CLIENT);
    gt_conn_free(p, SIDE_SERVER);
    gt_pair_trim(p);
    free(p);
}

static int gt_conn_new(void *v, int side, void *session)
{
    gt_pair *p = v;
    gnutls_session_t s;
    unsigned flags = (side == SIDE_CLIENT ? GNUTLS_CLIENT : GNUTLS_SERVER) | GNUTLS_NONBLOCK;
    if (!p->cfg->tickets) flags |= GNUTLS_NO_TICKETS;
    int rc = gnutls_init(&s, flags);
    if (rc < 0) return gt_fail("gnutls_init", rc);
    p->end[side].s = s;
    if ((rc = gnutls_priority_set(s, p->cfg->prio)) < 0 ||
        (rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, p->cfg->cred[side])) < 0) {
        gt_conn_free(p, side);
        return gt_fail("session setup", rc);
    }
    gnutls_transport_set_ptr(s, &p->end[side]);
    gnutls_transport_set_push_function(s, gt_push);
    gnutls_transport_set_pull_function(s, gt_pull);
    gnutls_transport_set_pull_timeout_function(s, gt_pull_timeout);
    gnutls_handshake_set_timeout(s, 0);
    if (side == SIDE_CLIENT) {
        rc = gnutls_server_name_set(s, GNUTLS_NAME_DNS, "localhost", 9);
        if (rc >= 0 && session) {
            gnutls_datum_t *d = session;
            rc = gnutls_session_set_data(s, d->data, d->size);
        }
    } else if (p->cfg->tickets) {
        rc = gnutls_session_ticket_enable_server(s, &p->cfg->ticket_key);
    }
    if (rc < 0) {
        gt_conn_free(p, side);
        return gt_fail("session setup", rc);
    }
    return 0;
}

static int gt_step(void *v, int side)
{
    gt_pair *p = v;
    int rc = gnutls_handshake(p->end[side].s);
    if (rc == 0) return 1;
    if (rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED) return 0;
    return gt_fail(side == SIDE_CLIENT ? "client handshake" : "server handshake", rc);
}

static int gt_resumed(void *v)
{
    gt_pair *p = v;
    return gnutls_session_is_resumed(p->end[SIDE_CLIENT].s) != 0;
}

static void *gt_get_session(void *v)
{
    gt_pair *p = v;
    gnutls_session_t s = p->end[SIDE_CLIENT].s;
    if (gnutls_protocol_get_version(s) == GNUTLS_TLS1_3) {
        uint8_t b[1];
        ssize_t rc = gnutls_record_recv(s, b, 1); /* takes the NewSessionTicket in */
        if (rc != GNUTLS_E_AGAIN) {
            gt_fail("reading the ticket", (int)rc);
            return NULL;
        }
    }
    gnutls_datum_t *d = calloc(1, sizeof(*d));
    int rc;
    if (!d || (rc = gnutls_session_get_data2(s, d)) < 0) {
        free(d);
        return NULL;
    }
    return d;
}

static void gt_session_free(void *v)
{
    gnutls_datum_t *d = v;
    if (!d) return;
    gnutls_free(d->data);
    free(d);
}

static int gt_send(void *v, const void *buf, size_t len)
{
    gt_pair *p = v;
    ssize_t rc = gnutls_record_send(p->end[SIDE_CLIENT].s, buf, len);
    if (rc != (ssize_t)len) return gt_fail("gnutls_record_send", (int)rc);
    return 0;
}

static int gt_recv(void *v, void *buf, size_t len)
{
    gt_pair *p = v;
    size_t got = 0;
    while (got < len) {
        ssize_t rc = gnutls_record_recv(p->end[SIDE_SERVER].s, (uint8_t *)buf + got, len - got);
        if (rc <= 0) return gt_fail("gnutls_record_recv", (int)rc);
        got += (size_t)rc;
    }
    return 0;
}

static void gt_describe(void *v, char *out, size_t len)
{
    gt_pair *p = v;
    gnutls_session_t s = p->end[SIDE_CLIENT].s;
    const char *g = gnutls_group_get_name(gnutls_group_get(s));
    snprintf(out, len, "%s %s %s", gnutls_protocol_get_name(gnutls_protocol_get_version(s)),
             gnutls_cipher_get_name(gnutls_cipher_get(s)), g ? g : "no-group");
}

static void gt_thread_init(void)
{
    uint8_t b[1];
    (void)gnutls_rnd(GNUTLS_RND_NONCE, b, 1);
    (void)gnutls_rnd(GNUTLS_RND_RANDOM, b, 1);
    (void)gnutls_rnd(GNUTLS_RND_KEY, b, 1);
}

static const char *gt_version(void)
{
    return gnutls_check_version(NULL);
}

const bench_lib bench_lib_gnutls = {
    .name = "gnutls",
    .version = gt_version,
    .config_new = gt_config_new,
    .config_free = gt_config_free,
    .pair_new = gt_pair_new,
    .pair_free = gt_pair_free,
    .pair_trim = gt_pair_trim,
    .conn_new = gt_conn_new,
    .conn_free = gt_conn_free,
    .step = gt_step,
    .resumed = gt_resumed,
    .get_session = gt_get_session,
    .session_free = gt_session_free,
    .send = gt_send,
    .recv = gt_recv,
    .thread_init = gt_thread_init,
    .describe = gt_describe,
};

#endif
