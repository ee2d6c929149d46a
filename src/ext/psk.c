/* pre_shared_key (RFC 8446 4.2.11) and psk_key_exchange_modes (RFC 8446 4.2.9).
 * ClientHello: OfferedPsks { PskIdentity identities<7..2^16-1>;
 *                            PskBinderEntry binders<33..2^16-1>; }
 * ServerHello: uint16 selected_identity. */
#include "ext/ext.h"

/* Count the PskIdentity entries: identity<1..2^16-1>, uint32 obfuscated_ticket_age. */
static int count_identities(ctls_slice s, size_t *n)
{
    ctls_reader r;
    rd_init(&r, s.p, s.len);
    *n = 0;
    while (rd_remaining(&r) > 0) {
        ctls_slice id;
        uint32_t age;
        CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &id));
        CTLS_GUARD(rd_u32(&r, &age));
        (*n)++;
    }
    return rd_expect_empty(&r);
}

/* Count the PskBinderEntry entries: opaque<32..255>. */
static int count_binders(ctls_slice s, size_t *n)
{
    ctls_reader r;
    rd_init(&r, s.p, s.len);
    *n = 0;
    while (rd_remaining(&r) > 0) {
        ctls_slice b;
        CTLS_GUARD(rd_vec8_slice(&r, 32, 255, &b));
        (*n)++;
    }
    return rd_expect_empty(&r);
}

/* Both lists well formed, non-empty, the same length, at most MSG_MAX_PSK_IDENTITIES. */
static int check_offered(ctls_slice ids, ctls_slice binders)
{
    size_t ni, nb;
    CTLS_GUARD(count_identities(ids, &ni));
    CTLS_GUARD(count_binders(binders, &nb));
    if (ni == 0 || nb == 0) return CTLS_ERR_DECODE;
    /* RFC 8446 4.2.11: one binder per identity, in the same order. */
    if (ni != nb) return CTLS_ERR_ILLEGAL_PARAMETER;
    if (ni > MSG_MAX_PSK_IDENTITIES) return CTLS_ERR_ILLEGAL_PARAMETER;
    return 0;
}

int ext_pre_shared_key_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx != EXT_IN_CH) return rd_u16(r, &((msg_server_hello *)m)->psk_identity);
    msg_client_hello *ch = m;
    CTLS_GUARD(rd_vec16_slice(r, 7, 0xffff, &ch->psk_identities));
    CTLS_GUARD(rd_vec16_slice(r, 33, 0xffff, &ch->psk_binders));
    return check_offered(ch->psk_identities, ch->psk_binders);
}

int ext_pre_shared_key_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx != EXT_IN_CH) return wr_u16(w, ((const msg_server_hello *)m)->psk_identity);
    const msg_client_hello *ch = m;
    if (check_offered(ch->psk_identities, ch->psk_binders) < 0) return CTLS_ERR_INVALID_ARG;
    CTLS_GUARD(wr_vec16(w, ch->psk_identities.p, ch->psk_identities.len));
    return wr_vec16(w, ch->psk_binders.p, ch->psk_binders.len);
}

/* psk_key_exchange_modes: PskKeyExchangeMode ke_modes<1..255>. */
int ext_psk_key_exchange_modes_decode(unsigned ctx, void *m, ctls_reader *r)
{
    return rd_vec8_slice(r, 1, 255, &((msg_client_hello *)m)->psk_modes);
}

int ext_psk_key_exchange_modes_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    ctls_slice s = ((const msg_client_hello *)m)->psk_modes;
    if (s.len < 1 || s.len > 255) return CTLS_ERR_INVALID_ARG;
    return wr_vec8(w, s.p, s.len);
}
