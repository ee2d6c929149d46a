#include "pair.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/internal.h"
#include "x509/x509.h"

static char certdir[256];
static int certdir_state; /* 0 unknown, 1 ok, -1 failed */

static void cleanup_certdir(void)
{
    if (certdir_state == 1) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", certdir);
        if (system(cmd) != 0) fprintf(stderr, "warning: could not remove %s\n", certdir);
    }
}

const char *tp_certdir(void)
{
    if (certdir_state == 0) {
        snprintf(certdir, sizeof certdir, "/tmp/ctls-test-pki-%d", (int)getpid());
        char cmd[400];
        snprintf(cmd, sizeof cmd, "sh tests/certs/mkcerts.sh '%s' >/dev/null 2>&1", certdir);
        certdir_state = system(cmd) == 0 ? 1 : -1;
        if (certdir_state == 1) atexit(cleanup_certdir);
    }
    return certdir_state == 1 ? certdir : NULL;
}

const char *tp_cert(const char *name)
{
    /* per thread: tests call this from several threads at once (ThreadSanitizer) */
    static _Thread_local char bufs[8][320];
    static _Thread_local int next;
    char *b = bufs[next++ % 8];
    const char *d = tp_certdir();
    snprintf(b, sizeof bufs[0], "%s/%s", d ? d : "/nonexistent", name);
    return b;
}

ctls_config *tp_server_config(const char *name)
{
    char chain[64], key[64];
    snprintf(chain, sizeof chain, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    ctls_config *cfg = ctls_config_new(CTLS_SERVER);
    if (cfg && ctls_config_add_cert_chain_file(cfg, tp_cert(chain), tp_cert(key)) != 0) {
        ctls_config_free(cfg);
        return NULL;
    }
    return cfg;
}

ctls_config *tp_client_config(void)
{
    ctls_config *cfg = ctls_config_new(CTLS_CLIENT);
    if (!cfg) return NULL;
    if (ctls_config_load_trust_file(cfg, tp_cert("ca.pem")) != 0 ||
        ctls_config_set_verify_time(cfg, 1767225600) != 0) {
        ctls_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static size_t move(ctls_conn *from, ctls_conn *to, size_t max)
{
    const void *p;
    size_t n = ctls_conn_output(from, &p);
    if (max && n > max) n = max;
    if (!n) return 0;
    size_t used = 0;
    if (ctls_conn_feed(to, p, n, &used) != 0) return 0;
    ctls_conn_consume_output(from, used);
    return used;
}

size_t tp_pump(ctls_conn *a, ctls_conn *b, size_t max)
{
    return move(a, b, max) + move(b, a, max);
}

int tp_handshake_split(ctls_conn *c, ctls_conn *s, size_t max, int *crc, int *src)
{
    int cr = 1, sr = 1;
    for (int i = 0; i < 200000; i++) {
        if (cr != 0) cr = ctls_handshake(c);
        if (sr != 0) sr = ctls_handshake(s);
        size_t moved = tp_pump(c, s, max);
        if (cr == 0 && sr == 0 && moved == 0) break;
        if ((ctls_is_fatal(cr) || ctls_is_fatal(sr)) && moved == 0) break;
        if (cr == CTLS_PAUSED_SERVER_AUTH || cr == CTLS_PAUSED_CERT_REQUESTED) break;
        if (moved == 0 && cr != 0 && sr != 0 && !ctls_is_fatal(cr) && !ctls_is_fatal(sr) &&
            cr == CTLS_WANT_READ && sr == CTLS_WANT_READ)
            break; /* deadlock: both wait */
    }
    if (crc) *crc = cr;
    if (src) *src = sr;
    return cr == 0 && sr == 0 ? 0 : -1;
}

int tp_handshake(ctls_conn *c, ctls_conn *s, int *crc, int *src)
{
    return tp_handshake_split(c, s, 0, crc, src);
}

void tp_exchange(ctls_conn *a, ctls_conn *b, size_t n, size_t split)
{
    unsigned char *out = malloc(n), *in = malloc(n);
    if (!out || !in) {
        CHECK(out && in);
        free(out);
        free(in);
        return;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)(i * 13 + 5);
    size_t sent = 0, got = 0;
    int guard = 0;
    while (got < n && guard++ < 10000000) {
        if (sent < n) {
            ssize_t w = ctls_write(a, out + sent, n - sent);
            if (w > 0)
                sent += (size_t)w;
            else if (w != CTLS_WANT_WRITE) {
                CHECK_EQ(w, 0);
                break;
            }
        }
        tp_pump(a, b, split);
        ssize_t r = ctls_read(b, in + got, n - got);
        if (r > 0)
            got += (size_t)r;
        else if (r != CTLS_WANT_READ) {
            CHECK_EQ(r, CTLS_WANT_READ);
            break;
        }
    }
    CHECK_EQ(got, n);
    CHECK(memcmp(in, out, n) == 0);
    free(out);
    free(in);
}

int tp_pair_open(tp_pair *p, const char *server_cert)
{
    p->sc = tp_server_config(server_cert);
    p->cc = tp_client_config();
    p->c = p->cc ? ctls_conn_new(p->cc) : NULL;
    p->s = p->sc ? ctls_conn_new(p->sc) : NULL;
    if (!p->c || !p->s || ctls_conn_set_server_name(p->c, "localhost") != 0) return -1;
    int crc, src;
    return tp_handshake(p->c, p->s, &crc, &src);
}

void tp_pair_close(tp_pair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    ctls_config_free(p->cc);
    ctls_config_free(p->sc);
}

void tp_check_chain(ctls_conn *x, const char *name)
{
    ctls_der_list l;
    memset(&l, 0, sizeof l);
    CHECK_EQ(ctls_pem_file_certs(tp_cert(name), 0, &l), 0);
    CHECK_EQ(ctls_peer_cert_count(x), l.count);
    for (size_t i = 0; i < l.count && i < ctls_peer_cert_count(x); i++) {
        const uint8_t *der;
        size_t len;
        CHECK_EQ(ctls_peer_cert_der(x, i, &der, &len), 0);
        CHECK_EQ(len, l.len[i]);
        if (len == l.len[i]) CHECK_MEM(der, l.der[i], len);
    }
    ctls_der_list_free(&l);
}

int tp_load_cert(cfg_cert *out, const char *name)
{
    char chain[64], key[64];
    snprintf(chain, sizeof chain, "%s.pem", name);
    snprintf(key, sizeof key, "%s.key", name);
    size_t cl = 0, kl = 0;
    char *c = th_read_file(tp_cert(chain), &cl), *k = th_read_file(tp_cert(key), &kl);
    memset(out, 0, sizeof *out);
    int rc = c && k ? cfg_cert_load(out, c, cl, k, kl) : CTLS_ERR_FILE;
    CHECK_EQ(rc, 0);
    free(c);
    free(k);
    return rc;
}
