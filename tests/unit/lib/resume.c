#include "resume.h"

#include "harness.h"

#include <string.h>

ctls_config *tp_client12(int max)
{
    ctls_config *cc = tp_client_config();
    CHECK(cc != NULL);
    CHECK_EQ(ctls_config_set_versions(cc, CTLS_TLS1_2, max), 0);
    return cc;
}

ctls_config *tp_server12(int max)
{
    ctls_config *sc = tp_server_config("server-ecdsa");
    CHECK(sc != NULL);
    CHECK_EQ(ctls_config_set_versions(sc, CTLS_TLS1_2, max), 0);
    return sc;
}

int tp_resume_open_ex(tp_resume_pair *p, ctls_config *cc, ctls_config *sc, const char *sni,
                      const char *peer_id, const ctls_session *sess, size_t split)
{
    memset(p, 0, sizeof *p);
    p->c = ctls_conn_new(cc);
    p->s = ctls_conn_new(sc);
    CHECK(p->c && p->s);
    if (!p->c || !p->s) return -1;
    CHECK_EQ(ctls_conn_set_server_name(p->c, sni ? sni : "localhost"), 0);
    if (peer_id) CHECK_EQ(ctls_conn_set_peer_id(p->c, peer_id, strlen(peer_id)), 0);
    if (sess) CHECK_EQ(ctls_conn_set_session(p->c, sess), 0);
    if (split) return tp_handshake_split(p->c, p->s, split, &p->crc, &p->src);
    return tp_handshake(p->c, p->s, &p->crc, &p->src);
}

int tp_resume_open(tp_resume_pair *p, ctls_config *cc, ctls_config *sc, const char *peer_id,
                   const ctls_session *sess)
{
    return tp_resume_open_ex(p, cc, sc, NULL, peer_id, sess, 0);
}

void tp_resume_close(tp_resume_pair *p)
{
    ctls_conn_free(p->c);
    ctls_conn_free(p->s);
    memset(p, 0, sizeof *p);
}

void tp_take_tickets(tp_resume_pair *p)
{
    char b[16];
    tp_pump(p->c, p->s, 0);
    CHECK_EQ(ctls_read(p->c, b, sizeof b), CTLS_WANT_READ);
}

ctls_session *tp_full_session(ctls_config *cc, ctls_config *sc, int version)
{
    tp_resume_pair p;
    CHECK_EQ(tp_resume_open(&p, cc, sc, NULL, NULL), 0);
    if (version) CHECK_EQ(ctls_version(p.c), version);
    CHECK_EQ(ctls_session_resumed(p.c), 0);
    CHECK_EQ(ctls_session_resumed(p.s), 0);
    if (ctls_version(p.c) == CTLS_TLS1_3) tp_take_tickets(&p);
    ctls_session *s = ctls_conn_get_session(p.c);
    tp_resume_close(&p);
    return s;
}

int tp_resumes(ctls_config *cc, ctls_config *sc, const ctls_session *sess, const char *sni)
{
    tp_resume_pair p;
    int rc = tp_resume_open_ex(&p, cc, sc, sni, NULL, sess, 0);
    CHECK_EQ(rc, 0);
    CHECK_EQ(ctls_session_resumed(p.c), ctls_session_resumed(p.s));
    int r = rc == 0 && ctls_session_resumed(p.c);
    if (rc == 0) {
        tp_exchange(p.c, p.s, 1000, 0);
        tp_exchange(p.s, p.c, 1000, 0);
    }
    tp_resume_close(&p);
    return r;
}
