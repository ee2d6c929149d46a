/* TLS 1.3 record opening into a buffer one byte short of the inner plaintext
 * (rec_open13_into, RFC 8446 5.2 / 5.4): data, content type and zero padding split between
 * the caller's buffer and the byte kept aside, for every AEAD; padding, all-padding records,
 * tampering (nothing left in the buffer) and the capacity rule. */
#include "harness.h"

#include <string.h>

#include "crypto/crypto.h"
#include "hs/hs.h"
#include "pair.h"
#include "record/record.h"

#define DATA_MAX 16384

/* A record of data || type || pad zeros sealed under keys set from secret; returns its total
 * length (header included) in rec. */
static size_t seal_padded(int aead, const uint8_t *secret, uint64_t seq, const uint8_t *data,
                          size_t len, uint8_t type, size_t pad, uint8_t *rec)
{
    rec_keys w;
    memset(&w, 0, sizeof w);
    CHECK_EQ(rec_set_keys13(&w, aead, CTLS_HASH_SHA256, secret, NULL), 0);
    static uint8_t inner[DATA_MAX + 1 + 300];
    memcpy(inner, data, len);
    inner[len] = type;
    memset(inner + len + 1, 0, pad);
    size_t total = len + 1 + pad, clen = total + CTLS_AEAD_TAG_LEN;
    rec[0] = 23;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(clen >> 8);
    rec[4] = (uint8_t)clen;
    uint8_t nonce[CTLS_AEAD_NONCE_LEN];
    memcpy(nonce, w.iv, sizeof nonce);
    for (int i = 0; i < 8; i++)
        nonce[CTLS_AEAD_NONCE_LEN - 1 - i] ^= (uint8_t)(seq >> (8 * i));
    CHECK_EQ(ctls_aead_seal(w.aead, nonce, rec, 5, inner, total, rec + 5), 0);
    rec_keys_clear(&w);
    return 5 + clen;
}

TEST(open_into_one_byte_short)
{
    const int aeads[3] = {CTLS_AEAD_AES_128_GCM, CTLS_AEAD_AES_256_GCM,
                          CTLS_AEAD_CHACHA20_POLY1305};
    uint8_t secret[32];
    for (int i = 0; i < 32; i++)
        secret[i] = (uint8_t)(i * 7 + 1);
    static uint8_t data[DATA_MAX], rec[5 + DATA_MAX + 1 + 300 + 16], out[DATA_MAX + 300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 31 + 3);
    const struct {
        size_t len, pad;
    } cases[] = {{DATA_MAX, 0}, {100, 0}, {100, 1}, {100, 200}, {0, 5}, {DATA_MAX - 10, 9}};
    for (int a = 0; a < 3; a++) {
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            size_t len = cases[c].len, pad = cases[c].pad, total = len + 1 + pad;
            size_t rl = seal_padded(aeads[a], secret, 0, data, len, 22, pad, rec);
            rec_keys r;
            memset(&r, 0, sizeof r);
            CHECK_EQ(rec_set_keys13(&r, aeads[a], CTLS_HASH_SHA256, secret, NULL), 0);
            memset(out, 0xee, sizeof out);
            uint8_t type = 0;
            size_t plen = 0;
            /* room for all but the last byte of the inner plaintext */
            CHECK_EQ(rec_open13_into(&r, rec, rec + 5, rl - 5, out, total - 1, &type, &plen), 0);
            CHECK_EQ(type, 22);
            CHECK_EQ(plen, len);
            CHECK_MEM(out, data, len);
            CHECK_EQ(out[total - 1], 0xee); /* nothing written past the room */
            CHECK_EQ(r.seq, 1);
            rec_keys_clear(&r);
            /* two bytes short: refused before anything is decrypted */
            if (total >= 2) {
                CHECK_EQ(rec_set_keys13(&r, aeads[a], CTLS_HASH_SHA256, secret, NULL), 0);
                CHECK_EQ(rec_open13_into(&r, rec, rec + 5, rl - 5, out, total - 2, &type, &plen),
                         CTLS_ERR_INTERNAL);
                CHECK_EQ(r.seq, 0);
                rec_keys_clear(&r);
            }
        }
        /* all padding: no content type (RFC 8446 5.4) */
        size_t rl = seal_padded(aeads[a], secret, 0, data, 0, 0, 10, rec);
        rec_keys r;
        memset(&r, 0, sizeof r);
        CHECK_EQ(rec_set_keys13(&r, aeads[a], CTLS_HASH_SHA256, secret, NULL), 0);
        uint8_t type = 0;
        size_t plen = 0;
        CHECK_EQ(rec_open13_into(&r, rec, rec + 5, rl - 5, out, 10, &type, &plen),
                 CTLS_ERR_UNEXPECTED_MESSAGE);
        rec_keys_clear(&r);
        /* tampered: bad_record_mac, and the buffer holds no plaintext */
        rl = seal_padded(aeads[a], secret, 0, data, 1000, 23, 0, rec);
        rec[5 + 500] ^= 1;
        CHECK_EQ(rec_set_keys13(&r, aeads[a], CTLS_HASH_SHA256, secret, NULL), 0);
        memset(out, 0xee, sizeof out);
        CHECK_EQ(rec_open13_into(&r, rec, rec + 5, rl - 5, out, 1000, &type, &plen),
                 CTLS_ERR_BAD_RECORD_MAC);
        int clear = 1;
        for (size_t i = 0; i < 1000; i++)
            clear &= out[i] == 0;
        CHECK(clear);
        CHECK_EQ(r.seq, 0);
        rec_keys_clear(&r);
    }
}

/* ctls_aead_open2 with every split point gives the one-piece plaintext. */
TEST(aead_open2_splits)
{
    uint8_t key[32] = {5}, nonce[12] = {9}, aad[5] = {1, 2, 3, 4, 5}, msg[300], ct[316], out[300],
            tail[300];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)i;
    ctls_aead *a = NULL;
    CHECK_EQ(ctls_aead_new(CTLS_AEAD_CHACHA20_POLY1305, key, 32, &a), 0);
    if (!a) return;
    CHECK_EQ(ctls_aead_seal(a, nonce, aad, 5, msg, sizeof msg, ct), 0);
    const size_t splits[] = {0, 1, 63, 64, 65, 299, 300};
    for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
        size_t k = splits[i];
        memset(out, 0, sizeof out);
        memset(tail, 0, sizeof tail);
        CHECK_EQ(ctls_aead_open2(a, nonce, aad, 5, ct, sizeof ct, out, k, tail), 0);
        CHECK_MEM(out, msg, k);
        CHECK_MEM(tail, msg + k, sizeof msg - k);
    }
    CHECK_EQ(ctls_aead_open2(a, nonce, aad, 5, ct, sizeof ct, out, 10, NULL), CTLS_ERR_INVALID_ARG);
    ctls_aead_free(a);
}

/* Held handshake messages (hs_flight_begin / hs_flight_end) go out packed, never in a record
 * over 16 KiB: small ones share a record, a message that would overflow the held ones flushes
 * them first, and one of 16 KiB or more is written on its own (split by the record layer). */
TEST(flight_packing)
{
    ctls_config *cfg = tp_client_config();
    ctls_conn *c = cfg ? ctls_conn_new(cfg) : NULL;
    CHECK(c != NULL);
    if (!c) {
        ctls_config_free(cfg);
        return;
    }
    uint8_t secret[32] = {42};
    CHECK_EQ(hs_state_new(c), 0);
    CHECK_EQ(rec_set_keys13(&c->wr, CTLS_AEAD_AES_128_GCM, CTLS_HASH_SHA256, secret, NULL), 0);
    static uint8_t msgs[4][20000];
    const size_t lens[4] = {100, 16000, 20000, 50};
    hs_flight_begin(c);
    for (int i = 0; i < 4; i++) {
        memset(msgs[i], 'a' + i, lens[i]);
        CHECK_EQ(hs_send(c, NULL, msgs[i], lens[i]), 0);
    }
    const void *out = NULL;
    /* so far: the first two messages in one record, the third in two; the fourth held */
    CHECK_EQ(ctls_conn_output(c, &out), (5 + 17) * 3 + 16100 + 20000);
    CHECK_EQ(hs_flight_end(c), 0);
    size_t n = ctls_conn_output(c, &out);
    rec_keys r;
    memset(&r, 0, sizeof r);
    CHECK_EQ(rec_set_keys13(&r, CTLS_AEAD_AES_128_GCM, CTLS_HASH_SHA256, secret, NULL), 0);
    static uint8_t wire[5 * 16500], plain[40000];
    CHECK(n <= sizeof wire);
    memcpy(wire, out, n < sizeof wire ? n : sizeof wire);
    const size_t want_rec[4] = {16100, 16384, 20000 - 16384, 50};
    size_t off = 0, got = 0, recs = 0;
    while (off + 5 <= n && recs < 4) {
        size_t len = (size_t)wire[off + 3] << 8 | wire[off + 4];
        uint8_t type = 0;
        size_t plen = 0;
        CHECK_EQ(rec_open13(&r, wire + off, wire + off + 5, len, wire + off + 5, &type, &plen), 0);
        CHECK_EQ(type, CT_HANDSHAKE);
        CHECK_EQ(plen, want_rec[recs]);
        if (got + plen <= sizeof plain) memcpy(plain + got, wire + off + 5, plen);
        got += plen;
        off += 5 + len;
        recs++;
    }
    CHECK_EQ(off, n);
    CHECK_EQ(recs, 4);
    size_t at = 0;
    for (int i = 0; i < 4 && got == 36150; i++) {
        CHECK_MEM(plain + at, msgs[i], lens[i]);
        at += lens[i];
    }
    CHECK_EQ(got, 36150);
    CHECK_EQ(c->hs->flight_on, 0);
    rec_keys_clear(&r);
    ctls_conn_free(c);
    ctls_config_free(cfg);
}

int main(void)
{
    if (!tp_certdir()) return 1;
    RUN(open_into_one_byte_short);
    RUN(aead_open2_splits);
    RUN(flight_packing);
    return th_summary();
}
