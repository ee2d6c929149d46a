/* Fuzz target: session-ticket decryption and use on a TLS 1.3 / 1.2 server. The input is a flags
 * byte then the ticket's *plaintext* state (src/session/tickets.c format). The harness seals
 * it under the server config's real ticket key, so the fuzzer reaches the state parser and the
 * usability checks instead of dying at the AEAD, and offers it in a ClientHello
 * (pre_shared_key + psk_dhe_ke). Flags: bit 0 stamps the state's issue time with "now" and
 * sends the matching obfuscated age (the age window is otherwise unreachable); bit 1 computes
 * the correct binder from the PSK in the state (a successful resumption follows); bit 2 sends
 * SNI "fuzz.example". Without bit 1 a usable ticket must end in decrypt_error. A state whose
 * first byte is 2 (the TLS 1.2 format) is offered instead in the SessionTicket extension of a
 * TLS 1.2 ClientHello (with the state's suite, EMS; bit 0 stamps its issue time, at offset
 * 4 + 48 when the master secret has its length). */
#include "fuzz_common.h"
#include "hs/algs.h"
#include "msg/msg.h"
#include "session/session.h"

static size_t u16be(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return 2;
}

/* A TLS 1.2 ClientHello offering the sealed ticket in SessionTicket. */
static void fuzz_tls12(ctls_config *cfg, uint8_t flags, const uint8_t *state, size_t sl,
                       const uint8_t *ticket, size_t tl, int64_t now)
{
    (void)now;
    uint8_t suites[2], groups[2], sigs[2], points[1] = {0}, sid[32];
    const algs_suite *suite =
        sl >= 3 ? algs_suite_by_id((uint16_t)(state[1] << 8 | state[2])) : NULL;
    u16be(suites, suite && !suite->tls13 ? suite->id : 0xc02b);
    u16be(groups, CTLS_GROUP_X25519);
    u16be(sigs, 0x0403); /* ecdsa_secp256r1_sha256 */
    memset(sid, 0x5a, sizeof sid);
    static const uint8_t null_comp = 0, none = 0;
    msg_client_hello m;
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memset(m.random, 0x42, 32);
    m.session_id = (ctls_slice){sid, sizeof sid};
    m.cipher_suites = (ctls_slice){suites, 2};
    m.compression_methods = (ctls_slice){&null_comp, 1};
    m.supported_groups = (ctls_slice){groups, 2};
    m.signature_algorithms = (ctls_slice){sigs, 2};
    m.ec_point_formats = (ctls_slice){points, 1};
    m.renegotiation_info = (ctls_slice){&none, 0};
    m.session_ticket = (ctls_slice){ticket, tl};
    m.ext_present = EXT_BIT(EXT_SUPPORTED_GROUPS) | EXT_BIT(EXT_SIGNATURE_ALGORITHMS) |
                    EXT_BIT(EXT_EC_POINT_FORMATS) | EXT_BIT(EXT_RENEGOTIATION_INFO) |
                    EXT_BIT(EXT_EXTENDED_MASTER_SECRET) | EXT_BIT(EXT_SESSION_TICKET);
    if (flags & 4) {
        m.server_name = (ctls_slice){(const uint8_t *)"fuzz.example", 12};
        m.ext_present |= EXT_BIT(EXT_SERVER_NAME);
    }
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    ctls_conn *c = NULL;
    if (msg_client_hello_encode(&m, &w) == 0 && wr_status(&w) == 0 && (c = ctls_conn_new(cfg))) {
        uint8_t hdr[5] = {CT_HANDSHAKE, 3, 3, (uint8_t)(w.len >> 8), (uint8_t)w.len};
        if (fz_feed(c, hdr, 5) == 0 && fz_feed(c, w.buf, w.len) == 0) (void)fz_drive(c);
        fz_report(c);
        ctls_conn_free(c);
    }
    wr_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1024) return 0;
    uint8_t flags = data[0];
    fz_rng_reset();
    ctls_config *cfg = fz_config_full(CTLS_SERVER, 0);
    ticket_keyset ks; /* the key the server seals with now (session/ticket_keys.c) */
    if (ticket_keys_get(cfg, &ks) != 0) return 0;

    /* the state, optionally stamped with the current time */
    uint8_t state[1024];
    size_t sl = size - 1;
    memcpy(state, data + 1, sl);
    size_t psk_off = 4, psk_len = sl > 3 ? state[3] : 0;
    size_t t_off = psk_off + psk_len;
    uint32_t age_add = 0;
    int64_t now = sess_wall_ms();
    if ((flags & 1) && sl >= t_off + 12) {
        for (int i = 0; i < 8; i++)
            state[t_off + i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
        age_add = (uint32_t)state[t_off + 8] << 24 | (uint32_t)state[t_off + 9] << 16 |
                  (uint32_t)state[t_off + 10] << 8 | state[t_off + 11];
    }

    /* seal: key_name || iv || AES-256-GCM(state) || tag */
    uint8_t ticket[16 + 12 + 1024 + 16];
    memcpy(ticket, ks.k[0].name, 16);
    memset(ticket + 16, 0x11, 12);
    ctls_aead *a = NULL;
    if (ctls_aead_new(CTLS_AEAD_AES_256_GCM, ks.k[0].key, sizeof ks.k[0].key, &a) != 0) return 0;
    int rc = ctls_aead_seal(a, ticket + 16, ticket, 16, state, sl, ticket + 28);
    ctls_aead_free(a);
    if (rc != 0) return 0;
    size_t tl = 28 + sl + 16;

    if (sl >= 1 && state[0] == 2) {
        fuzz_tls12(cfg, flags, state, sl, ticket, tl, now);
        return 0;
    }

    /* the suite the state names decides the binder size and the suite we offer */
    const algs_suite *suite =
        sl >= 3 ? algs_suite_by_id((uint16_t)(state[1] << 8 | state[2])) : NULL;
    uint16_t suite_id = suite && suite->tls13 ? suite->id : 0x1301;
    int hash = suite && suite->tls13 ? suite->hash : CTLS_HASH_SHA256;
    size_t hl = ctls_hash_len(hash);

    /* ClientHello with one PSK identity and a placeholder binder */
    ctls_kx *kx = NULL;
    uint8_t pub[CTLS_KX_MAX_PUBLIC], shares[4 + CTLS_KX_MAX_PUBLIC], ids[2 + sizeof ticket + 4];
    uint8_t binders[1 + CTLS_MAX_HASH_LEN], suites[2], groups[2], sigs[2], versions[2], modes[1];
    size_t pl = sizeof pub, n;
    if (ctls_kx_generate(CTLS_GROUP_X25519, &kx) != 0 || ctls_kx_public(kx, pub, &pl) != 0) {
        ctls_kx_free(kx);
        return 0;
    }
    ctls_kx_free(kx);
    n = u16be(shares, CTLS_GROUP_X25519);
    n += u16be(shares + n, (unsigned)pl);
    memcpy(shares + n, pub, pl);
    n += pl;
    msg_client_hello m;
    memset(&m, 0, sizeof m);
    m.legacy_version = 0x0303;
    memset(m.random, 0x42, 32);
    u16be(suites, suite_id);
    u16be(groups, CTLS_GROUP_X25519);
    u16be(sigs, 0x0807); /* ed25519 */
    u16be(versions, CTLS_TLS1_3);
    modes[0] = 1; /* psk_dhe_ke */
    static const uint8_t null_comp = 0;
    m.cipher_suites = (ctls_slice){suites, 2};
    m.compression_methods = (ctls_slice){&null_comp, 1};
    m.supported_groups = (ctls_slice){groups, 2};
    m.signature_algorithms = (ctls_slice){sigs, 2};
    m.supported_versions = (ctls_slice){versions, 2};
    m.key_shares = (ctls_slice){shares, n};
    m.psk_modes = (ctls_slice){modes, 1};
    m.ext_present = EXT_BIT(EXT_SUPPORTED_GROUPS) | EXT_BIT(EXT_SIGNATURE_ALGORITHMS) |
                    EXT_BIT(EXT_SUPPORTED_VERSIONS) | EXT_BIT(EXT_KEY_SHARE) |
                    EXT_BIT(EXT_PSK_KEY_EXCHANGE_MODES) | EXT_BIT(EXT_PRE_SHARED_KEY);
    if (flags & 4) {
        m.server_name = (ctls_slice){(const uint8_t *)"fuzz.example", 12};
        m.ext_present |= EXT_BIT(EXT_SERVER_NAME);
    }
    size_t il = u16be(ids, (unsigned)tl);
    memcpy(ids + il, ticket, tl);
    il += tl;
    uint32_t age = (flags & 1) ? age_add : 0;
    for (int i = 0; i < 4; i++)
        ids[il++] = (uint8_t)(age >> (24 - 8 * i));
    m.psk_identities = (ctls_slice){ids, il};
    binders[0] = (uint8_t)hl;
    memset(binders + 1, 0, hl);
    m.psk_binders = (ctls_slice){binders, 1 + hl};
    ctls_writer w;
    wr_init_dyn(&w, MSG_HEADER_LEN + MSG_MAX_LEN);
    if (msg_client_hello_encode(&m, &w) != 0 || wr_status(&w) != 0 || w.len < 3 + hl) {
        wr_free(&w);
        return 0;
    }
    /* the binder list is the last 2 + 1 + hl bytes of the message */
    if ((flags & 2) && psk_len > 0 && sl >= psk_off + psk_len && psk_len <= KS_MAX)
        (void)psk_binder(hash, state + psk_off, psk_len, NULL, w.buf, w.len - (3 + hl),
                         w.buf + w.len - hl, NULL);

    ctls_conn *c = ctls_conn_new(cfg);
    if (c) {
        uint8_t hdr[5] = {CT_HANDSHAKE, 3, 3, (uint8_t)(w.len >> 8), (uint8_t)w.len};
        if (fz_feed(c, hdr, 5) == 0 && fz_feed(c, w.buf, w.len) == 0) (void)fz_drive(c);
        fz_report(c);
        ctls_conn_free(c);
    }
    wr_free(&w);
    return 0;
}
