/* TLS 1.2 messages: ServerKeyExchange and ClientKeyExchange for ECDHE (RFC 8422 5.4, 5.7),
 * CertificateRequest (RFC 5246 7.4.4), NewSessionTicket (RFC 5077 3.3). */
#include <string.h>

#include "msg/internal.h"

#define CURVE_TYPE_NAMED_CURVE 3 /* RFC 8422 5.4: the only ECCurveType still allowed */

/* ServerKeyExchange (ec_diffie_hellman):
 *   ServerECDHParams params { ECParameters { ECCurveType curve_type; NamedCurve namedcurve; }
 *                             ECPoint public<1..2^8-1>; }
 *   digitally-signed { SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>; } */
int msg_server_key_exchange12_decode(const uint8_t *body, size_t len, msg_server_key_exchange12 *m)
{
    ctls_reader r;
    uint8_t curve_type;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u8(&r, &curve_type));
    /* RFC 8422 5.4: explicit curves are deprecated; we never offer them. */
    if (curve_type != CURVE_TYPE_NAMED_CURVE) return CTLS_ERR_ILLEGAL_PARAMETER;
    CTLS_GUARD(rd_u16(&r, &m->group));
    CTLS_GUARD(rd_vec8_slice(&r, 1, 255, &m->point));
    m->params.p = body;
    m->params.len = rd_offset(&r); /* what the signature covers, after the randoms */
    CTLS_GUARD(rd_u16(&r, &m->scheme));
    CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &m->signature));
    return rd_expect_empty(&r);
}

int msg_server_ecdh_params12_encode(uint16_t group, ctls_slice point, ctls_writer *w)
{
    if (point.len < 1 || point.len > 255) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_u8(w, CURVE_TYPE_NAMED_CURVE));
    CTLS_GUARD(wr_u16(w, group));
    return wr_vec8(w, point.p, point.len);
}

static int ske_body(const msg_server_key_exchange12 *m, ctls_writer *w)
{
    if (m->signature.len < 1 || m->signature.len > 0xffff) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(msg_server_ecdh_params12_encode(m->group, m->point, w));
    CTLS_GUARD(wr_u16(w, m->scheme));
    return wr_vec16(w, m->signature.p, m->signature.len);
}

int msg_server_key_exchange12_encode(const msg_server_key_exchange12 *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_SERVER_KEY_EXCHANGE, &mark);
    if (rc == 0) rc = ske_body(m, w);
    return msg_end(w, &mark, rc);
}

/* ClientKeyExchange (ec_diffie_hellman, explicit): ClientECDiffieHellmanPublic
 * { ECPoint ecdh_Yc<1..2^8-1>; } */
int msg_client_key_exchange12_decode(const uint8_t *body, size_t len, msg_client_key_exchange12 *m)
{
    ctls_reader r;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_vec8_slice(&r, 1, 255, &m->point));
    return rd_expect_empty(&r);
}

int msg_client_key_exchange12_encode(const msg_client_key_exchange12 *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CLIENT_KEY_EXCHANGE, &mark);
    if (rc == 0 && (m->point.len < 1 || m->point.len > 255)) rc = CTLS_ERR_INVALID_ARG;
    if (rc == 0) rc = wr_vec8(w, m->point.p, m->point.len);
    return msg_end(w, &mark, rc);
}

/* CertificateRequest (RFC 5246 7.4.4):
 *   ClientCertificateType certificate_types<1..2^8-1>;
 *   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *   DistinguishedName certificate_authorities<0..2^16-1>; (each opaque<1..2^16-1>) */
static int check_dn_list(ctls_slice s)
{
    ctls_reader r;
    rd_init(&r, s.p, s.len);
    while (rd_remaining(&r) > 0) {
        ctls_slice dn;
        CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &dn));
    }
    return rd_expect_empty(&r);
}

int msg_certificate_request12_decode(const uint8_t *body, size_t len, msg_certificate_request12 *m)
{
    ctls_reader r;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_vec8_slice(&r, 1, 255, &m->cert_types));
    CTLS_GUARD(rd_vec16_slice(&r, 2, 0xfffe, &m->signature_algorithms));
    CTLS_GUARD(msg_check_u16_list(m->signature_algorithms));
    CTLS_GUARD(rd_vec16_slice(&r, 0, 0xffff, &m->certificate_authorities));
    CTLS_GUARD(check_dn_list(m->certificate_authorities));
    return rd_expect_empty(&r);
}

static int cr12_body(const msg_certificate_request12 *m, ctls_writer *w)
{
    if (m->cert_types.len < 1 || m->cert_types.len > 255 ||
        msg_check_u16_list(m->signature_algorithms) < 0 || m->signature_algorithms.len > 0xfffe ||
        check_dn_list(m->certificate_authorities) < 0)
        return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_vec8(w, m->cert_types.p, m->cert_types.len));
    CTLS_GUARD(wr_vec16(w, m->signature_algorithms.p, m->signature_algorithms.len));
    return wr_vec16(w, m->certificate_authorities.p, m->certificate_authorities.len);
}

int msg_certificate_request12_encode(const msg_certificate_request12 *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_CERTIFICATE_REQUEST, &mark);
    if (rc == 0) rc = cr12_body(m, w);
    return msg_end(w, &mark, rc);
}

/* NewSessionTicket (RFC 5077 3.3): uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>.
 * An empty ticket means "no new ticket after all" (RFC 5077 3.3). */
int msg_new_session_ticket12_decode(const uint8_t *body, size_t len, msg_new_session_ticket12 *m)
{
    ctls_reader r;
    memset(m, 0, sizeof(*m));
    rd_init(&r, body, len);
    CTLS_GUARD(rd_u32(&r, &m->lifetime_hint));
    CTLS_GUARD(rd_vec16_slice(&r, 0, 0xffff, &m->ticket));
    return rd_expect_empty(&r);
}

int msg_new_session_ticket12_encode(const msg_new_session_ticket12 *m, ctls_writer *w)
{
    msg_mark mark;
    int rc = msg_begin(w, MSG_NEW_SESSION_TICKET, &mark);
    if (rc == 0 && m->ticket.len > 0xffff) rc = CTLS_ERR_INVALID_ARG;
    if (rc == 0) rc = wr_u32(w, m->lifetime_hint);
    if (rc == 0) rc = wr_vec16(w, m->ticket.p, m->ticket.len);
    return msg_end(w, &mark, rc);
}
