/* Fuzz target: every handshake message decoder. The first byte selects the codec (the
 * handshake type where there is one), the rest is the message body. Every successful decode
 * is re-encoded where an encoder exists, and the list iterators walk the decoded lists. */
#include "core/bytes.h"
#include "msg/msg.h"

static void walk_u16(ctls_slice l)
{
    uint16_t v;
    while (msg_u16_next(&l, &v))
        ;
}

static void reencode(int (*enc)(const void *, ctls_writer *), const void *m)
{
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    (void)enc(m, &w);
    wr_free(&w);
}
#define REENC(fn, m) reencode((int (*)(const void *, ctls_writer *))(fn), (m))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    const uint8_t *b = data + 1;
    size_t n = size - 1;
    switch (sel % 16) {
    case 1: {
        msg_client_hello m;
        if (msg_client_hello_decode(b, n, &m) == 0) {
            ctls_slice l = m.key_shares, k, a = m.alpn, id, bd = m.psk_binders;
            uint16_t g;
            uint32_t age;
            while (msg_key_share_next(&l, &g, &k))
                ;
            while (msg_alpn_next(&a, &k))
                ;
            l = m.psk_identities;
            while (msg_psk_identity_next(&l, &id, &age))
                ;
            while (msg_psk_binder_next(&bd, &k))
                ;
            walk_u16(m.cipher_suites);
            walk_u16(m.supported_groups);
            walk_u16(m.signature_algorithms);
            walk_u16(m.supported_versions);
            REENC(msg_client_hello_encode, &m);
        }
        break;
    }
    case 2: {
        msg_server_hello m;
        if (msg_server_hello_decode(b, n, &m) == 0) REENC(msg_server_hello_encode, &m);
        break;
    }
    case 4: {
        msg_new_session_ticket m;
        if (msg_new_session_ticket_decode(b, n, &m) == 0) REENC(msg_new_session_ticket_encode, &m);
        break;
    }
    case 5:
        (void)msg_end_of_early_data_decode(b, n);
        break;
    case 8: {
        msg_encrypted_extensions m;
        if (msg_encrypted_extensions_decode(b, n, &m) == 0) {
            walk_u16(m.supported_groups);
            REENC(msg_encrypted_extensions_encode, &m);
        }
        break;
    }
    case 11:
    case 0: {
        msg_certificate m;
        int tls12 = sel % 16 == 0;
        if (msg_certificate_decode(b, n, tls12, &m) == 0) {
            ctls_writer w;
            wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
            (void)msg_certificate_encode(&m, tls12, &w);
            wr_free(&w);
        }
        /* TLS 1.2 has no selector left: the CertificateStatus (RFC 6066 8) shares this one */
        msg_certificate_status cs;
        if (tls12 && msg_certificate_status_decode(b, n, &cs) == 0)
            REENC(msg_certificate_status_encode, &cs);
        break;
    }
    case 13: {
        msg_certificate_request m;
        if (msg_certificate_request_decode(b, n, &m) == 0) {
            ctls_slice l = m.certificate_authorities, dn;
            while (msg_dn_next(&l, &dn))
                ;
            REENC(msg_certificate_request_encode, &m);
        }
        break;
    }
    case 15: {
        msg_certificate_verify m;
        if (msg_certificate_verify_decode(b, n, &m) == 0) REENC(msg_certificate_verify_encode, &m);
        break;
    }
    case 3: {
        msg_finished m;
        if (msg_finished_decode(b, n, &m) == 0) REENC(msg_finished_encode, &m);
        break;
    }
    case 6: {
        msg_key_update m;
        if (msg_key_update_decode(b, n, &m) == 0) REENC(msg_key_update_encode, &m);
        break;
    }
    case 12: {
        msg_server_key_exchange12 m;
        if (msg_server_key_exchange12_decode(b, n, &m) == 0)
            REENC(msg_server_key_exchange12_encode, &m);
        break;
    }
    case 10: {
        msg_client_key_exchange12 m;
        if (msg_client_key_exchange12_decode(b, n, &m) == 0)
            REENC(msg_client_key_exchange12_encode, &m);
        break;
    }
    case 7: {
        msg_certificate_request12 m;
        if (msg_certificate_request12_decode(b, n, &m) == 0)
            REENC(msg_certificate_request12_encode, &m);
        break;
    }
    case 9: {
        msg_new_session_ticket12 m;
        if (msg_new_session_ticket12_decode(b, n, &m) == 0)
            REENC(msg_new_session_ticket12_encode, &m);
        break;
    }
    case 14: {
        uint8_t t;
        ctls_slice body;
        (void)msg_split(b, n, &t, &body);
        (void)msg_empty_decode(b, n);
        break;
    }
    }
    return 0;
}
