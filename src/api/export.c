/* ctls_export_keying_material: the keying material exporters of RFC 5705 (TLS 1.2) and
 * RFC 8446 7.5 (TLS 1.3), from the inputs the handshake kept in the connection (exp_secret,
 * randoms: hs/common13.c, hs/common12.c). */
#include <string.h>

#include "api/internal.h"
#include "core/bytes.h"
#include "core/mem.h"
#include "hs/hs12.h"

/* RFC 8446 7.1: HkdfLabel.label is "tls13 " + Label in an opaque label<7..255> */
#define EXPORT_LABEL_MAX (255 - 6)

_Static_assert(HS12_MASTER_LEN <= KS_MAX, "exp_secret holds the TLS 1.2 master secret");

/* RFC 5705 4 reserves the labels the TLS 1.2 handshake itself feeds the PRF with the master
 * secret (RFC 7627 4 adds "extended master secret"). The PRF reads label + seed as one string
 * (RFC 5246 5), so a label that merely starts with one is refused too, as OpenSSL does; the
 * same rule holds in TLS 1.3, so a label's fate does not depend on the version. */
static int reserved_label(const char *label, size_t len)
{
    static const char *const reserved[] = {"client finished", "server finished", "master secret",
                                           "extended master secret", "key expansion"};
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        size_t n = strlen(reserved[i]);
        if (len >= n && memcmp(label, reserved[i], n) == 0) return 1;
    }
    return 0;
}

/* RFC 8446 7.5: TLS-Exporter(label, context_value, key_length) =
 *   HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value),
 *                     key_length)
 * with Secret the exporter_master_secret. The label may hold any bytes (NUL included): it goes
 * by length (ctls_hkdf_expand_label_n). */
static int export13(const ctls_conn *c, const char *label, size_t label_len, const uint8_t *context,
                    size_t context_len, uint8_t *out, size_t out_len)
{
    size_t hl = ctls_hash_len(c->hash);
    const uint8_t *empty = ks13_empty_hash(c->hash); /* Derive-Secret's Messages: "" */
    uint8_t secret[CTLS_MAX_HASH_LEN], hash[CTLS_MAX_HASH_LEN];
    if (!empty) return CTLS_ERR_INTERNAL;
    int rc = ctls_hkdf_expand_label_n(c->hash, c->exp_secret, hl, label, label_len, empty, hl,
                                      secret, hl);
    if (rc == 0)
        rc = ctls_hash(c->hash, context_len ? (const void *)context : "", context_len, hash);
    if (rc == 0)
        rc = ctls_hkdf_expand_label(c->hash, secret, hl, "exporter", hash, hl, out, out_len);
    ctls_wipe(secret, sizeof secret);
    return rc;
}

static int export12(const ctls_conn *c, const char *label, size_t label_len, const uint8_t *context,
                    size_t context_len, int use_context, uint8_t *out, size_t out_len)
{
    ctls_writer w;
    wr_init_dyn(&w, EXPORT_LABEL_MAX + sizeof c->randoms + 2 + 0xffff);
    int rc = wr_bytes(&w, label, label_len);
    if (rc == 0) rc = wr_bytes(&w, c->randoms, sizeof c->randoms);
    if (rc == 0 && use_context) rc = wr_vec16(&w, context, context_len);
    if (rc == 0) rc = wr_status(&w);
    if (rc == 0)
        rc = ctls_prf12(c->hash, c->exp_secret, HS12_MASTER_LEN, "", w.buf, w.len, out, out_len);
    wr_free(&w);
    return rc;
}

int ctls_export_keying_material(ctls_conn *c, const char *label, size_t label_len,
                                const uint8_t *context, size_t context_len, int use_context,
                                uint8_t *out, size_t out_len)
{
    if (!c || !label || !label_len || !out || !out_len) return CTLS_ERR_INVALID_ARG;
    if (!use_context) context_len = 0;
    if (!context && context_len) return CTLS_ERR_INVALID_ARG;
    if (reserved_label(label, label_len)) return CTLS_ERR_INVALID_ARG;
    if (c->fatal) return c->fatal;
    /* c->hs exists while a TLS 1.2 renegotiation runs: each end switches to its secrets at a
     * different moment, so neither the old nor the new ones are common ground */
    if (!c->hs_done || c->hs) return CTLS_ERR_BAD_STATE;
    /* RFC 5705 4: context_value_length is a uint16 */
    if (label_len > EXPORT_LABEL_MAX || out_len > 255 * ctls_hash_len(c->hash) ||
        (c->version == CTLS_TLS1_2 && context_len > 0xffff))
        return CTLS_ERR_LIMIT;
    int rc = c->version == CTLS_TLS1_3
                 ? export13(c, label, label_len, context, context_len, out, out_len)
                 : export12(c, label, label_len, context, context_len, use_context, out, out_len);
    if (rc < 0) ctls_wipe(out, out_len);
    return rc;
}
