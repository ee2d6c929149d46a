/* The server's session cache (ctls_config_set_session_cache): resumption state kept in server
 * memory under a random 32-byte key — the TLS 1.2 session ID (RFC 5246 7.4.1.3) or the TLS 1.3
 * ticket identity (RFC 8446 4.6.1: the ticket is then an opaque key, not sealed state).
 *
 * Bounded (least recently used entry evicted when full), entries expire after their lifetime,
 * secrets wiped when an entry is evicted, expires, is taken or freed. Internally locked: the
 * config is shared between threads, the cache is its only mutable part besides the locked
 * session state of session.h. The glue to the handshakes lives in tickets.c. */
#ifndef CTLS_SESSION_CACHE_H
#define CTLS_SESSION_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include <ctls/ctls.h>

#include "hs/keysched13.h"

#define CACHE_KEY_LEN 32             /* RFC 5246 7.4.1.2: a session ID is at most 32 bytes */
#define CACHE_MAX_ENTRIES (1u << 20) /* ctls_config_set_session_cache upper bound */
#define CACHE_MAX_NAME 255           /* SNI kept per entry (RFC 6066 3: HostName<1..2^16-1>) */

/* What one cached session holds: enough to resume, and for TLS 1.3 early data (RFC 8446
 * 4.2.10) the limit announced in its ticket and its ALPN protocol. */
typedef struct {
    uint16_t version; /* CTLS_TLS1_2 or CTLS_TLS1_3: a key is only found for its version */
    uint16_t suite;
    uint8_t secret[KS_MAX]; /* TLS 1.3: the resumption PSK; TLS 1.2: the master secret */
    size_t secret_len;
    uint64_t issued_ms; /* wall clock, Unix ms */
    uint32_t lifetime;  /* seconds */
    uint32_t age_add;   /* TLS 1.3: the ticket's ticket_age_add */
    size_t sni_len;
    char sni[CACHE_MAX_NAME + 1]; /* the server name of the original connection ("" none) */
    uint32_t max_early_data;      /* TLS 1.3: the ticket's max_early_data_size (0: none) */
    size_t alpn_len;
    char alpn[CACHE_MAX_NAME + 1]; /* TLS 1.3: the ALPN protocol negotiated ("" none) */
} cache_state;

typedef struct sess_cache sess_cache;

/* A cache of at most max entries (1..CACHE_MAX_ENTRIES). */
int cache_new(size_t max, sess_cache **out);
/* Wipes every entry's secret, then frees. NULL is fine. */
void cache_free(sess_cache *sc);
/* Store st under key (CACHE_KEY_LEN bytes, ours and random); evicts the least recently used
 * entry when full. */
int cache_put(sess_cache *sc, const uint8_t *key, const cache_state *st);
/* 1 with a copy of the state in *st when key (len bytes from the wire: any length) names a
 * live entry of this version (now_ms within its lifetime); counts a hit and makes the entry
 * the most recently used. 0 otherwise (counts a miss; an expired entry is dropped). */
int cache_get(sess_cache *sc, const uint8_t *key, size_t len, uint16_t version, int64_t now_ms,
              cache_state *st);
/* Remove key's entry: 1 when this call removed it, 0 when it was not there (already taken). */
int cache_remove(sess_cache *sc, const uint8_t *key, size_t len);
void cache_stats(sess_cache *sc, ctls_session_cache_stats *out);

#endif
