/* Test helpers for the key log and the keying material exporter: a key log that keeps the
 * lines it is given, and the exporters computed independently of src/api/export.c, straight
 * from the RFC formulas over ctls's crypto primitives. */
#ifndef CTLS_TEST_KEYS_H
#define CTLS_TEST_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include <ctls/ctls.h>

#define TK_MAX_LINES 64

typedef struct {
    char line[TK_MAX_LINES][256];
    int n;        /* lines kept */
    int overflow; /* lines that did not fit */
    const ctls_conn *conn[TK_MAX_LINES];
} tk_keylog;

/* A ctls_keylog_fn: ctx is a tk_keylog. */
void tk_keylog_fn(void *ctx, const ctls_conn *conn, const char *line);
/* How many lines start with "LABEL ". */
int tk_keylog_count(const tk_keylog *k, const char *label);
/* The i-th line with LABEL split: client random (32 bytes) and secret (*len bytes, up to 48).
 * 0, or -1 when there is no such line or it is malformed (hex, field count). */
int tk_keylog_get(const tk_keylog *k, const char *label, int i, uint8_t client_random[32],
                  uint8_t *secret, size_t *len);
/* 1 when a and b hold the same lines in any order. */
int tk_keylog_same_set(const tk_keylog *a, const tk_keylog *b);

/* The bytes each side sent during a handshake, flight by flight: flight[0] is the client's
 * first (its ClientHello record), flight[1] the server's answer, and so on. */
#define TK_MAX_FLIGHTS 8
typedef struct {
    uint8_t b[TK_MAX_FLIGHTS][16384];
    size_t n[TK_MAX_FLIGHTS];
    int count;
} tk_flights;
/* Runs the handshake of c and s in memory, each side in turn, keeping what each sends (f may
 * be large: allocate it). 0 when both completed. */
int tk_handshake_flights(ctls_conn *c, ctls_conn *s, tk_flights *f);
/* The random of the hello (ClientHello or ServerHello) that starts flight i: the record
 * header, the handshake header and legacy_version come first. -1 if flight i does not start
 * with one. */
int tk_hello_random(const tk_flights *f, int i, uint8_t out[32]);

/* A client and a server with key logs on both configs, connected through
 * tk_handshake_flights; randoms = client_random || server_random read off the wire. */
typedef struct {
    ctls_config *cc, *sc;
    ctls_conn *c, *s;
    tk_keylog *kc, *ks;
    tk_flights *f;
    uint8_t randoms[64];
} tk_pair;
/* The configs: the client for version (0: both) and suites (NULL: the default), trusting the
 * test PKI; the server with the chain cert (NULL: "server-ecdsa") and no tickets, so that its
 * first application record is the first under its application keys. The caller may change
 * them before tk_pair_connect. 0, or -1 (CHECKed) when something could not be made. */
int tk_pair_configs(tk_pair *p, int version, const char *suites, const char *cert);
/* The connections (server name sni, NULL: "localhost") and the handshake; 0 when it completed
 * (not CHECKed: a test may expect a failure). */
int tk_pair_connect(tk_pair *p, const char *sni);
/* Both: CHECKs the handshake completed. */
int tk_pair_open(tk_pair *p, int version, const char *suites, const char *cert);
void tk_pair_close(tk_pair *p);
/* The negotiated suite's hash (CTLS_HASH_*) and AEAD (CTLS_AEAD_*), from its name. */
int tk_suite_hash(ctls_conn *c);
int tk_suite_aead(ctls_conn *c);

/* RFC 8446 7.5, through ctls_hkdf_expand_label and ctls_hash (label: a C string). */
int tk_export13(int hash, const uint8_t *exporter_secret, const char *label, const uint8_t *context,
                size_t context_len, uint8_t *out, size_t out_len);
/* RFC 5705 4, through ctls_prf12 (label: a C string; randoms = client || server). */
int tk_export12(int hash, const uint8_t master[48], const uint8_t randoms[64], const char *label,
                const uint8_t *context, size_t context_len, int use_context, uint8_t *out,
                size_t out_len);

#endif
