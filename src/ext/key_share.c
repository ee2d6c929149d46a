/* key_share (RFC 8446 4.2.8).
 * ClientHello: KeyShareEntry client_shares<0..2^16-1>;
 * HelloRetryRequest: NamedGroup selected_group;  ServerHello: KeyShareEntry server_share.
 * KeyShareEntry: NamedGroup group; opaque key_exchange<1..2^16-1>. */
#include "ext/ext.h"

/* A client_shares content: well formed, no group twice ("Clients MUST NOT offer multiple
 * KeyShareEntry values for the same group... Servers MAY check for violations of these rules
 * and abort the handshake with an illegal_parameter alert"), at most MSG_MAX_KEY_SHARES. */
static int check_client_shares(ctls_slice s)
{
    uint16_t seen[MSG_MAX_KEY_SHARES];
    size_t n = 0;
    ctls_reader r;
    rd_init(&r, s.p, s.len);
    while (rd_remaining(&r) > 0) {
        uint16_t group;
        ctls_slice key;
        CTLS_GUARD(rd_u16(&r, &group));
        CTLS_GUARD(rd_vec16_slice(&r, 1, 0xffff, &key));
        if (n == MSG_MAX_KEY_SHARES) return CTLS_ERR_ILLEGAL_PARAMETER;
        for (size_t i = 0; i < n; i++)
            if (seen[i] == group) return CTLS_ERR_ILLEGAL_PARAMETER;
        seen[n++] = group;
    }
    return rd_expect_empty(&r);
}

int ext_key_share_decode(unsigned ctx, void *m, ctls_reader *r)
{
    if (ctx == EXT_IN_CH) {
        msg_client_hello *ch = m;
        CTLS_GUARD(rd_vec16_slice(r, 0, 0xffff, &ch->key_shares));
        return check_client_shares(ch->key_shares);
    }
    msg_server_hello *sh = m;
    CTLS_GUARD(rd_u16(r, &sh->key_share_group));
    if (ctx == EXT_IN_HRR)
        return 0; /* selected_group only: trailing key bytes fail the caller's empty check */
    return rd_vec16_slice(r, 1, 0xffff, &sh->key_share);
}

int ext_key_share_encode(unsigned ctx, const void *m, ctls_writer *w)
{
    if (ctx == EXT_IN_CH) {
        ctls_slice s = ((const msg_client_hello *)m)->key_shares;
        if (check_client_shares(s) < 0) return CTLS_ERR_INVALID_ARG;
        return wr_vec16(w, s.p, s.len);
    }
    const msg_server_hello *sh = m;
    CTLS_GUARD(wr_u16(w, sh->key_share_group));
    if (ctx == EXT_IN_HRR) return 0;
    if (sh->key_share.len < 1 || sh->key_share.len > 0xffff) return CTLS_ERR_INVALID_ARG;
    return wr_vec16(w, sh->key_share.p, sh->key_share.len);
}
