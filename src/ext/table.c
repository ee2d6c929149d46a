/* The extension descriptor table and the extensions-block codec (RFC 8446 4.2). */
#include "ext/ext.h"

#include <string.h>

#define CH EXT_IN_CH
#define SH EXT_IN_SH
#define HRR EXT_IN_HRR
#define EE EXT_IN_EE
#define CT EXT_IN_CT
#define CR EXT_IN_CR
#define NST EXT_IN_NST
#define SH12 EXT_IN_SH12

#define ROW(id_, code_, allowed_, name_, fn_)                                                      \
    [id_] = {code_, id_, allowed_, name_, ext_##fn_##_decode, ext_##fn_##_encode}

/* RFC 8446 4.2's table for the TLS 1.3 extensions; TLS 1.2-only extensions in CH and the TLS
 * 1.2 ServerHello (RFC 6066, 7301, 8422, 7627, 5077, 5746, 8449). */
const ext_desc ext_table[EXT_COUNT] = {
    ROW(EXT_SERVER_NAME, 0, CH | EE | SH12, "server_name", server_name),
    ROW(EXT_SUPPORTED_GROUPS, 10, CH | EE, "supported_groups", supported_groups),
    ROW(EXT_EC_POINT_FORMATS, 11, CH | SH12, "ec_point_formats", ec_point_formats),
    ROW(EXT_SIGNATURE_ALGORITHMS, 13, CH | CR, "signature_algorithms", signature_algorithms),
    ROW(EXT_ALPN, 16, CH | EE | SH12, "application_layer_protocol_negotiation", alpn),
    ROW(EXT_EXTENDED_MASTER_SECRET, 23, CH | SH12, "extended_master_secret", ems),
    ROW(EXT_SESSION_TICKET, 35, CH | SH12, "session_ticket", session_ticket),
    ROW(EXT_PRE_SHARED_KEY, 41, CH | SH, "pre_shared_key", pre_shared_key),
    ROW(EXT_EARLY_DATA, 42, CH | EE | NST, "early_data", early_data),
    ROW(EXT_SUPPORTED_VERSIONS, 43, CH | SH | HRR, "supported_versions", supported_versions),
    ROW(EXT_COOKIE, 44, CH | HRR, "cookie", cookie),
    ROW(EXT_PSK_KEY_EXCHANGE_MODES, 45, CH, "psk_key_exchange_modes", psk_key_exchange_modes),
    ROW(EXT_CERTIFICATE_AUTHORITIES, 47, CH | CR, "certificate_authorities",
        certificate_authorities),
    ROW(EXT_POST_HANDSHAKE_AUTH, 49, CH, "post_handshake_auth", post_handshake_auth),
    ROW(EXT_SIGNATURE_ALGORITHMS_CERT, 50, CH | CR, "signature_algorithms_cert",
        signature_algorithms_cert),
    ROW(EXT_KEY_SHARE, 51, CH | SH | HRR, "key_share", key_share),
    ROW(EXT_RENEGOTIATION_INFO, 0xff01, CH | SH12, "renegotiation_info", renegotiation_info),
    ROW(EXT_STATUS_REQUEST, 5, CH | CR | CT | SH12, "status_request", status_request),
    ROW(EXT_RECORD_SIZE_LIMIT, 28, CH | EE | SH12, "record_size_limit", record_size_limit),
};

const ext_desc *ext_by_code(uint16_t code)
{
    for (size_t i = 0; i < EXT_COUNT; i++)
        if (ext_table[i].code == code) return &ext_table[i];
    return NULL;
}

const ext_desc *ext_by_id(int id)
{
    if (id < 0 || id >= EXT_COUNT) return NULL;
    return &ext_table[id];
}

int ext_check_u16_list(ctls_slice s)
{
    return s.len >= 2 && s.len % 2 == 0 ? 0 : CTLS_ERR_DECODE;
}

int ext_empty_decode(ctls_reader *r)
{
    return rd_expect_empty(r);
}

/* Messages where the client only accepts what it offered: an unknown type is an error there
 * (RFC 8446 4.2: "MUST abort the handshake with an unsupported_extension alert"). */
#define STRICT_CTX (SH | HRR | EE | SH12)

int ext_block_decode(unsigned ctx, ctls_reader *block, void *m, uint32_t *present)
{
    /* Unknown types seen so far (for duplicates); the count cap keeps the scan cheap. */
    uint16_t unknown[EXT_MAX_PER_BLOCK];
    size_t n_unknown = 0, n = 0;
    int psk_seen = 0;

    *present = 0;
    while (rd_remaining(block) > 0) {
        uint16_t code;
        ctls_reader data;
        CTLS_GUARD(rd_u16(block, &code));
        CTLS_GUARD(rd_vec16(block, &data));
        if (++n > EXT_MAX_PER_BLOCK) return CTLS_ERR_LIMIT;
        /* RFC 8446 4.2.11: pre_shared_key MUST be the last extension in the ClientHello. */
        if (psk_seen) return CTLS_ERR_ILLEGAL_PARAMETER;
        const ext_desc *d = ext_by_code(code);
        if (!d) {
            if (ctx & STRICT_CTX) return CTLS_ERR_UNSUPPORTED_EXTENSION;
            /* RFC 8446 4.2: no two extensions of the same type in one block. */
            for (size_t i = 0; i < n_unknown; i++)
                if (unknown[i] == code) return CTLS_ERR_ILLEGAL_PARAMETER;
            unknown[n_unknown++] = code;
            continue;
        }
        uint32_t bit = EXT_BIT(d->id);
        if (*present & bit) return CTLS_ERR_ILLEGAL_PARAMETER;
        /* RFC 8446 4.2: a recognised extension not specified for this message. */
        if (!(d->allowed & ctx)) return CTLS_ERR_ILLEGAL_PARAMETER;
        *present |= bit;
        CTLS_GUARD(d->decode(ctx, m, &data));
        CTLS_GUARD(rd_expect_empty(&data));
        if (d->id == EXT_PRE_SHARED_KEY && ctx == CH) psk_seen = 1;
    }
    return rd_expect_empty(block);
}

static int encode_one(unsigned ctx, const void *m, const ext_desc *d, ctls_writer *w)
{
    CTLS_GUARD(wr_u16(w, d->code));
    CTLS_GUARD(wr_open(w, 2));
    CTLS_GUARD(d->encode(ctx, m, w));
    return wr_close(w);
}

int ext_block_encode(unsigned ctx, const void *m, uint32_t present, const msg_ext_order *order,
                     ctls_writer *w)
{
    /* Check before writing anything: bits we do not know, or not allowed in this message. */
    if (present >> EXT_COUNT) return CTLS_ERR_INVALID_ARG;
    for (int id = 0; id < EXT_COUNT; id++)
        if ((present & EXT_BIT(id)) && !(ext_table[id].allowed & ctx)) return CTLS_ERR_INVALID_ARG;
    /* RFC 8446 4.2.11: pre_shared_key goes last in a ClientHello, whatever the order says. */
    uint32_t last = ctx == CH ? (present & EXT_BIT(EXT_PRE_SHARED_KEY)) : 0;
    uint32_t done = last;

    CTLS_GUARD(wr_open(w, 2));
    if (order) {
        for (size_t i = 0; i < order->count; i++) {
            uint8_t id = order->ids[i];
            if (id >= EXT_COUNT) return CTLS_ERR_INVALID_ARG;
            if (!(present & EXT_BIT(id)) || (done & EXT_BIT(id))) continue;
            CTLS_GUARD(encode_one(ctx, m, &ext_table[id], w));
            done |= EXT_BIT(id);
        }
    }
    for (int id = 0; id < EXT_COUNT; id++) {
        if (!(present & EXT_BIT(id)) || (done & EXT_BIT(id))) continue;
        CTLS_GUARD(encode_one(ctx, m, &ext_table[id], w));
    }
    if (last) CTLS_GUARD(encode_one(ctx, m, &ext_table[EXT_PRE_SHARED_KEY], w));
    return wr_close(w);
}

int ext_block_has(const ctls_reader *block, uint16_t code)
{
    ctls_reader r = *block;
    while (rd_remaining(&r) > 0) {
        uint16_t t;
        ctls_reader data;
        if (rd_u16(&r, &t) < 0 || rd_vec16(&r, &data) < 0) return 0;
        if (t == code) return 1;
    }
    return 0;
}
