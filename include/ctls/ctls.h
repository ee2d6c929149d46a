/* ctls — a TLS 1.3 / TLS 1.2 library in C.
 *
 * The public API. One opaque configuration (ctls_config, shared and reference counted), one
 * opaque connection (ctls_conn, one thread at a time), one serialisable session (ctls_session).
 *
 * Status convention: 0 is success; CTLS_WANT_READ, CTLS_WANT_WRITE, CTLS_INTERRUPTED,
 * CTLS_PAUSED_SERVER_AUTH, CTLS_PAUSED_CERT_REQUESTED (and CTLS_ERR_RENEGOTIATION_REFUSED) are
 * non-fatal: call again. Every other negative value is a fatal CTLS_ERR_*: the connection is
 * poisoned and every later call returns the same error. ctls_is_fatal() tells them apart.
 */
#ifndef CTLS_CTLS_H
#define CTLS_CTLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CTLS_BUILDING)
#define CTLS_API __attribute__((visibility("default")))
#else
#define CTLS_API
#endif

/* ---- status codes ---------------------------------------------------------------------- */
#define CTLS_OK 0
/* non-fatal */
#define CTLS_WANT_READ (-1)                 /* the transport has no data yet: call again */
#define CTLS_WANT_WRITE (-2)                /* the transport cannot take more yet: call again */
#define CTLS_INTERRUPTED (-3)               /* a system call was interrupted (EINTR): call again */
#define CTLS_PAUSED_SERVER_AUTH (-4)        /* client: the server's chain is in; accept or reject */
#define CTLS_PAUSED_CERT_REQUESTED (-5)     /* client: the server asked for a certificate */
#define CTLS_ERR_RENEGOTIATION_REFUSED (-6) /* TLS 1.2 server: the client refused (warning) */

/* fatal: general */
#define CTLS_ERR_INTERNAL (-100)       /* a bug or an unexpected library failure */
#define CTLS_ERR_NOMEM (-101)          /* out of memory */
#define CTLS_ERR_INVALID_ARG (-102)    /* an argument is NULL, out of range or unparsable */
#define CTLS_ERR_BAD_STATE (-103)      /* the call does not fit the connection's state */
#define CTLS_ERR_IO (-104)             /* the transport failed (errno kept) */
#define CTLS_ERR_TIMEOUT (-105)        /* the handshake timeout expired */
#define CTLS_ERR_TRUNCATED (-106)      /* EOF from the peer without close_notify */
#define CTLS_ERR_SHUTDOWN (-107)       /* write after ctls_shutdown */
#define CTLS_ERR_UNSUPPORTED (-108)    /* a feature, version or algorithm ctls refuses */
#define CTLS_ERR_FILE (-109)           /* a file could not be read */
#define CTLS_ERR_LIMIT (-110)          /* a size or count limit was exceeded */
#define CTLS_ERR_CRYPTO (-111)         /* a cryptographic primitive failed */
#define CTLS_ERR_NO_CERT (-112)        /* a server has no certificate usable for this client */
#define CTLS_ERR_BAD_KEY (-113)        /* a private key could not be loaded or does not match */
#define CTLS_ERR_CLOSED (-114)         /* the connection is closed */
#define CTLS_ERR_NO_SERVER_NAME (-115) /* client verifies but no name was set to verify */

/* fatal: protocol (each maps to the alert of the same name) */
#define CTLS_ERR_DECODE (-200)                  /* decode_error: malformed message */
#define CTLS_ERR_UNEXPECTED_MESSAGE (-201)      /* unexpected_message */
#define CTLS_ERR_ILLEGAL_PARAMETER (-202)       /* illegal_parameter */
#define CTLS_ERR_BAD_RECORD_MAC (-203)          /* bad_record_mac: a record failed to decrypt */
#define CTLS_ERR_RECORD_OVERFLOW (-204)         /* record_overflow */
#define CTLS_ERR_HANDSHAKE_FAILURE (-205)       /* handshake_failure: nothing in common */
#define CTLS_ERR_PROTOCOL_VERSION (-206)        /* protocol_version: no common version */
#define CTLS_ERR_MISSING_EXTENSION (-207)       /* missing_extension */
#define CTLS_ERR_UNSUPPORTED_EXTENSION (-208)   /* unsupported_extension */
#define CTLS_ERR_DECRYPT_ERROR (-209)           /* decrypt_error: bad Finished or signature */
#define CTLS_ERR_INSUFFICIENT_SECURITY (-210)   /* insufficient_security */
#define CTLS_ERR_NO_APPLICATION_PROTOCOL (-211) /* no_application_protocol */
#define CTLS_ERR_UNRECOGNIZED_NAME (-212)       /* unrecognized_name */
#define CTLS_ERR_ALERT_RECEIVED (-213)          /* the peer sent a fatal alert */
#define CTLS_ERR_CERTIFICATE_REQUIRED (-214)    /* certificate_required */
#define CTLS_ERR_INAPPROPRIATE_FALLBACK (-215)  /* inappropriate_fallback / downgrade sentinel */
#define CTLS_ERR_BAD_CERTIFICATE (-216)         /* bad_certificate: peer cert unusable */
#define CTLS_ERR_PEER_CERT_CHANGED (-217)       /* renegotiation: another peer certificate */

/* fatal: certificate verification (all applicable flags are in ctls_verify_result) */
#define CTLS_ERR_CERT_UNKNOWN_ROOT (-300)      /* chain ends at a root that is not trusted */
#define CTLS_ERR_CERT_NO_ROOT (-301)           /* chain cannot be completed (missing issuer) */
#define CTLS_ERR_CERT_EXPIRED (-302)           /* a certificate is past notAfter */
#define CTLS_ERR_CERT_NOT_YET_VALID (-303)     /* a certificate is before notBefore */
#define CTLS_ERR_CERT_INVALID_CHAIN (-304)     /* bad signature, malformed or bad CA rules */
#define CTLS_ERR_CERT_NO_CERTIFICATE (-305)    /* the peer sent no certificate */
#define CTLS_ERR_CERT_HOSTNAME_MISMATCH (-306) /* the leaf does not match the expected name */
#define CTLS_ERR_CERT_BAD_USAGE (-307)         /* keyUsage / extKeyUsage forbid this use */
#define CTLS_ERR_CERT_MALFORMED (-308)         /* a certificate failed to parse */
#define CTLS_ERR_CERT_NAME_CONSTRAINTS (-309)  /* a name constraint is violated */
#define CTLS_ERR_CERT_WEAK_ALGORITHM (-310)    /* MD5 / SHA-1 signature or a key too small */
#define CTLS_ERR_CERT_UNSUPPORTED (-311)       /* unknown critical extension / algorithm */
#define CTLS_ERR_CERT_REJECTED (-312)          /* the application rejected the peer */
#define CTLS_ERR_CERT_PATH_LIMIT (-313)        /* depth or path-building budget exhausted */

/* ---- constants ------------------------------------------------------------------------- */
#define CTLS_CLIENT 1
#define CTLS_SERVER 2

#define CTLS_TLS1_2 0x0303
#define CTLS_TLS1_3 0x0304

#define CTLS_VERIFY_NONE 0
#define CTLS_VERIFY_PEER 1         /* client default: verify the server; server: ask, optional */
#define CTLS_VERIFY_REQUIRE_PEER 2 /* server: demand a client certificate */

/* ctls_verify_result() flags */
#define CTLS_VERIFY_OK 0u
#define CTLS_CERT_UNKNOWN_ROOT (1u << 0)
#define CTLS_CERT_NO_ROOT (1u << 1)
#define CTLS_CERT_EXPIRED (1u << 2)
#define CTLS_CERT_NOT_YET_VALID (1u << 3)
#define CTLS_CERT_INVALID_CHAIN (1u << 4) /* bad signature, malformed, CA rules broken */
#define CTLS_CERT_NO_CERTIFICATE (1u << 5)
#define CTLS_CERT_HOSTNAME_MISMATCH (1u << 6)
#define CTLS_CERT_BAD_USAGE (1u << 7)
#define CTLS_CERT_NAME_CONSTRAINTS (1u << 8)
#define CTLS_CERT_WEAK_ALGORITHM (1u << 9)
#define CTLS_CERT_UNSUPPORTED (1u << 10)
#define CTLS_CERT_MALFORMED (1u << 11)
#define CTLS_CERT_REJECTED (1u << 12)
#define CTLS_CERT_PATH_LIMIT (1u << 13)
#define CTLS_CERT_NOT_VERIFIED (1u << 14) /* verification was switched off (VERIFY_NONE) */

/* ctls_shutdown_flags() */
#define CTLS_SENT_SHUTDOWN 1
#define CTLS_RECEIVED_SHUTDOWN 2

/* ctls_state() */
#define CTLS_STATE_IDLE 0
#define CTLS_STATE_HANDSHAKE 1
#define CTLS_STATE_CONNECTED 2
#define CTLS_STATE_CLOSED 3
#define CTLS_STATE_ABORTED 4

/* TLS alert descriptions (RFC 8446 6) for ctls_reject_peer / ctls_alert_received */
#define CTLS_ALERT_CLOSE_NOTIFY 0
#define CTLS_ALERT_UNEXPECTED_MESSAGE 10
#define CTLS_ALERT_BAD_RECORD_MAC 20
#define CTLS_ALERT_RECORD_OVERFLOW 22
#define CTLS_ALERT_HANDSHAKE_FAILURE 40
#define CTLS_ALERT_BAD_CERTIFICATE 42
#define CTLS_ALERT_UNSUPPORTED_CERTIFICATE 43
#define CTLS_ALERT_CERTIFICATE_REVOKED 44
#define CTLS_ALERT_CERTIFICATE_EXPIRED 45
#define CTLS_ALERT_CERTIFICATE_UNKNOWN 46
#define CTLS_ALERT_ILLEGAL_PARAMETER 47
#define CTLS_ALERT_UNKNOWN_CA 48
#define CTLS_ALERT_ACCESS_DENIED 49
#define CTLS_ALERT_DECODE_ERROR 50
#define CTLS_ALERT_DECRYPT_ERROR 51
#define CTLS_ALERT_PROTOCOL_VERSION 70
#define CTLS_ALERT_INSUFFICIENT_SECURITY 71
#define CTLS_ALERT_INTERNAL_ERROR 80
#define CTLS_ALERT_INAPPROPRIATE_FALLBACK 86
#define CTLS_ALERT_USER_CANCELED 90
#define CTLS_ALERT_NO_RENEGOTIATION 100
#define CTLS_ALERT_MISSING_EXTENSION 109
#define CTLS_ALERT_UNSUPPORTED_EXTENSION 110
#define CTLS_ALERT_UNRECOGNIZED_NAME 112
#define CTLS_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE 113
#define CTLS_ALERT_UNKNOWN_PSK_IDENTITY 115
#define CTLS_ALERT_CERTIFICATE_REQUIRED 116
#define CTLS_ALERT_NO_APPLICATION_PROTOCOL 120

typedef struct ctls_config ctls_config;
typedef struct ctls_conn ctls_conn;
typedef struct ctls_session ctls_session;

/* ---- library and status ---------------------------------------------------------------- */
/* The library version, e.g. "0.1.0". */
CTLS_API const char *ctls_version_string(void);
/* 1 if rc is a fatal status (a negative value other than the non-fatal ones above), else 0. */
CTLS_API int ctls_is_fatal(int rc);
/* A short English description of a status code. Never NULL; unknown codes get a generic text. */
CTLS_API const char *ctls_strerror(int rc);

/* ---- configuration --------------------------------------------------------------------- */
/* A new configuration for role CTLS_CLIENT or CTLS_SERVER, with secure defaults (TLS 1.3 and
 * 1.2, AEAD suites, x25519/secp256r1/secp384r1; clients verify against the system store).
 * NULL on a bad role or out of memory. Setters return 0 or CTLS_ERR_INVALID_ARG /
 * CTLS_ERR_BAD_STATE (once a connection uses the config, it is read-only). */
CTLS_API ctls_config *ctls_config_new(int role);
/* Drops the caller's reference; connections keep the config alive until they are freed. */
CTLS_API void ctls_config_free(ctls_config *cfg);
/* Versions CTLS_TLS1_2 / CTLS_TLS1_3 only; anything older is CTLS_ERR_UNSUPPORTED. */
CTLS_API int ctls_config_set_versions(ctls_config *cfg, int min, int max);
/* IANA names, ':'-separated, in preference order, e.g.
 * "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256". Non-AEAD / RSA-kx suites are refused
 * with CTLS_ERR_UNSUPPORTED. */
CTLS_API int ctls_config_set_cipher_suites(ctls_config *cfg, const char *list);
/* "x25519:secp256r1:secp384r1" (order = preference; the client's first one gets a key share) */
CTLS_API int ctls_config_set_groups(ctls_config *cfg, const char *list);
/* ALPN protocols, ','-separated: "h2,http/1.1" */
CTLS_API int ctls_config_set_alpn(ctls_config *cfg, const char *list);
/* "ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:ed25519" */
CTLS_API int ctls_config_set_signature_schemes(ctls_config *cfg, const char *list);
/* A certificate chain (leaf first, PEM) with its private key (PEM: PKCS#8, SEC1 or PKCS#1).
 * A server may hold several; it picks by SNI and the client's signature_algorithms. A client
 * uses its first one for client authentication. */
CTLS_API int ctls_config_add_cert_chain_file(ctls_config *cfg, const char *chain_pem,
                                             const char *key_pem);
CTLS_API int ctls_config_add_cert_chain_mem(ctls_config *cfg, const void *chain_pem,
                                            size_t chain_len, const void *key_pem, size_t key_len);
/* Server: OCSP stapling (RFC 6066 8, RFC 8446 4.4.2.1; like OpenSSL's status callback with
 * SSL_set_tlsext_status_ocsp_resp and GnuTLS's gnutls_certificate_set_ocsp_status_request_*).
 * der is a DER OCSPResponse (RFC 6960 4.2.1) for the leaf of the cert_index-th chain added
 * (0 = the first ctls_config_add_cert_chain_* call); it is copied and stapled whenever a
 * client asks (status_request of type ocsp) and that chain serves the handshake: in the TLS
 * 1.3 leaf CertificateEntry, or as the TLS 1.2 CertificateStatus message. Never on a resumed
 * handshake (no Certificate). ctls only checks that der is one DER SEQUENCE: keeping it fresh
 * (nextUpdate) and matching is the application's job; set it again with a new response before
 * new connections use the config. der = NULL, len = 0 removes it. CTLS_ERR_INVALID_ARG: a
 * client config, no such chain, not a DER SEQUENCE; CTLS_ERR_LIMIT: the chain with the
 * response would not fit a 64 KiB Certificate message. The _file variant reads DER (as
 * written by openssl ocsp -respout), CTLS_ERR_FILE when it cannot. */
CTLS_API int ctls_config_set_ocsp_response(ctls_config *cfg, size_t cert_index, const void *der,
                                           size_t len);
CTLS_API int ctls_config_set_ocsp_response_file(ctls_config *cfg, size_t cert_index,
                                                const char *der_path);
/* Client: ask the server to staple an OCSP response (status_request, type ocsp, with no
 * responder IDs or extensions); default off, as in OpenSSL: ctls does not verify the response,
 * so asking only costs bytes unless the application reads it (ctls_peer_ocsp_response). A
 * response (or a status_request in a Certificate) the client did not ask for is refused
 * (unsupported_extension / unexpected_message); a malformed one is decode_error. A server
 * config: CTLS_ERR_INVALID_ARG. */
CTLS_API int ctls_config_set_ocsp_request(ctls_config *cfg, int on);
/* Trust anchors from a PEM bundle / a directory of PEM files / the system store. */
CTLS_API int ctls_config_load_trust_file(ctls_config *cfg, const char *pem_path);
CTLS_API int ctls_config_load_trust_dir(ctls_config *cfg, const char *dir);
CTLS_API int ctls_config_load_system_trust(ctls_config *cfg);
/* CTLS_VERIFY_NONE / CTLS_VERIFY_PEER / CTLS_VERIFY_REQUIRE_PEER; a connection may override
 * it (ctls_conn_set_verify). */
CTLS_API int ctls_config_set_verify(ctls_config *cfg, int mode);
/* Client: stop the handshake with CTLS_PAUSED_SERVER_AUTH once the server's chain (and its
 * CertificateVerify) arrived; built-in verification is then the application's job. */
CTLS_API int ctls_config_set_break_on_server_auth(ctls_config *cfg, int on);
/* Client: stop with CTLS_PAUSED_CERT_REQUESTED when the server asks for a certificate. */
CTLS_API int ctls_config_set_break_on_cert_requested(ctls_config *cfg, int on);
/* Client: offer TLS 1.3 post-handshake client authentication (the empty post_handshake_auth
 * extension, RFC 8446 4.2.6; default off, like OpenSSL's SSL_set_post_handshake_auth and
 * GnuTLS's GNUTLS_POST_HANDSHAKE_AUTH). A server's later CertificateRequest is then answered
 * inside ctls_read, automatically, with the connection's certificate
 * (ctls_conn_set_certificate_file) or else the config's first one, or with an empty
 * Certificate when there is none or the server accepts none of its signature schemes;
 * CTLS_PAUSED_CERT_REQUESTED is never returned for it. When off, a post-handshake
 * CertificateRequest is unexpected_message (fatal). Costs one hash state per connection.
 * A server config: CTLS_ERR_INVALID_ARG (a server accepts the client's offer by itself). */
CTLS_API int ctls_config_set_post_handshake_auth(ctls_config *cfg, int on);
/* ctls_shutdown returns 1 at once without sending close_notify. */
CTLS_API int ctls_config_set_quiet_shutdown(ctls_config *cfg, int on);
/* Server: number of TLS 1.3 NewSessionTickets sent after a handshake (default 2; 0 = none).
 * TLS 1.2 (RFC 5077): one ticket in the handshake whenever count > 0 and the client offers the
 * SessionTicket extension. */
CTLS_API int ctls_config_set_session_tickets(ctls_config *cfg, int count);
/* Server: the key that seals stateless session tickets (RFC 5077 4, RFC 8446 4.6.1), given
 * by the application so that tickets survive a restart and servers sharing the key resume
 * each other's tickets (TLS 1.3 and TLS 1.2), like OpenSSL's SSL_CTX_set_tlsext_ticket_keys
 * and GnuTLS's gnutls_session_ticket_enable_server. key is a secret master of 32 to 128 bytes
 * (CTLS_TICKET_KEY_LEN from ctls_ticket_key_generate; a longer one, e.g. an OpenSSL 48- or
 * 80-byte key file, is used whole): every ticket key, name included, is derived from it with
 * HKDF-SHA256 (RFC 5869) per rotation period (ctls_config_set_ticket_key_rotation), so
 * servers with the same master, rotation and lifetime settings and a roughly synchronised
 * clock (within the period) use the same keys at the same time without talking to each
 * other. Without it (the default, or key NULL and len 0 to go back) the keys are random,
 * made per config and period. Tickets of another master are silently a full handshake. The
 * copy is wiped when replaced and when the config is freed. CTLS_ERR_INVALID_ARG for a client
 * config or another length; CTLS_ERR_BAD_STATE once a connection uses the config. */
#define CTLS_TICKET_KEY_LEN 32
#define CTLS_TICKET_KEY_MAX 128
CTLS_API int ctls_config_set_ticket_key(ctls_config *cfg, const uint8_t *key, size_t len);
/* Fills out with len (32..128) random bytes for ctls_config_set_ticket_key; CTLS_ERR_INVALID_ARG
 * for another length, CTLS_ERR_CRYPTO when no randomness is available. */
CTLS_API int ctls_ticket_key_generate(uint8_t *out, size_t len);
/* Server: a new ticket key every `seconds` (RFC 5077 5.5, RFC 8446 4.6.1: rotate ticket keys
 * for forward secrecy; at most 7 days); 0 = never. Default: the ticket lifetime (7200 s, or
 * ctls_config_set_ticket_lifetime's). Periods are counted from the Unix epoch (period i =
 * [i * seconds, (i + 1) * seconds)): tickets are sealed with the key of the current period
 * and open with it or the previous period's, so a ticket stays usable for at least `seconds`
 * and at most twice that; one sealed two periods ago is a silent full handshake. Set it no
 * shorter than the lifetime to keep every ticket usable for its whole lifetime. With an
 * application key the next period's key opens too (servers whose clocks straddle a period
 * boundary still resume each other's tickets). Random keys are fresh per period and the old
 * ones wiped (forward secrecy within the process); derived keys give forward secrecy only
 * against the loss of a period key, not of the master: replace the master now and then to
 * get it. CTLS_ERR_INVALID_ARG for a client config or beyond 7 days; CTLS_ERR_BAD_STATE once
 * a connection uses the config. */
CTLS_API int ctls_config_set_ticket_key_rotation(ctls_config *cfg, unsigned seconds);
/* Server: the lifetime announced in tickets and enforced when they come back, 1 to 604800
 * seconds (RFC 8446 4.6.1: at most 7 days; default 7200); cache entries
 * (ctls_config_set_session_cache) live as long. CTLS_ERR_INVALID_ARG for a client config or
 * out of range; CTLS_ERR_BAD_STATE once a connection uses the config. */
CTLS_API int ctls_config_set_ticket_lifetime(ctls_config *cfg, unsigned seconds);
/* Server: a session cache of at most max_entries sessions (0 = none, the default: stateless
 * tickets only; at most 1048576). With it, a TLS 1.2 client that sends no session ticket
 * gets a 32-byte session ID and resumes with it (RFC 5246 7.4.1.3; a client presenting a
 * ticket keeps the ticket path, RFC 5077 3.4), and TLS 1.3 tickets are random keys into the
 * cache instead of sealed state, each good for one resumption. Entries expire after the ticket
 * lifetime (7200 s by default); when full, the least recently used entry is evicted; secrets are
 * wiped when an entry goes. Internally locked: connections on several threads may share the config.
 * Sessions are cached only while no client certificate is asked for (as for tickets). */
CTLS_API int ctls_config_set_session_cache(ctls_config *cfg, size_t max_entries);
/* TLS 1.2 renegotiation (RFC 5246 7.4.1.1, RFC 5746), off by default: a client answers a
 * HelloRequest and a server answers a renegotiating ClientHello with a warning
 * no_renegotiation. allow = 1: a client accepts a server's HelloRequest (and may call
 * ctls_renegotiate itself); a server accepts a client's renegotiating ClientHello (after its
 * own ctls_renegotiate or not). Only over a connection that negotiated secure renegotiation
 * (always, for ctls peers), always a full handshake (no session is offered or resumed), with
 * the extended master secret (RFC 7627), the same server certificate as before and, when the
 * client sent one before, the same client certificate (else CTLS_ERR_PEER_CERT_CHANGED,
 * illegal_parameter alert, on the side that sees the change). The handshake runs inside
 * ctls_read under the current keys (application data meanwhile is still returned); the new
 * keys take effect at each side's ChangeCipherSpec. While it runs, ctls_write accepts nothing
 * and returns CTLS_WANT_READ (call ctls_read, which completes it). At most 4 renegotiations are
 * accepted per minute per connection; more are refused like with allow = 0. */
CTLS_API int ctls_config_set_renegotiation(ctls_config *cfg, int allow);
/* Server: accept TLS 1.3 early data (0-RTT, RFC 8446 2.3, 4.2.10) of up to max bytes per
 * connection (0 = off, the default; at most 1048576). Early data can be replayed by an
 * attacker, so ctls accepts it only where a replay is impossible: with the session cache on
 * (ctls_config_set_session_cache), whose TLS 1.3 tickets are good for one resumption (RFC
 * 8446 8.1); only those tickets announce early data (max_early_data_size = max), and early
 * data offered with any other PSK (stateless tickets included) is rejected. It is accepted
 * when the PSK is the client's first one, of the ticket's cipher suite, with the same ALPN
 * protocol as the ticket's connection and no HelloRetryRequest. A rejected offer is skipped
 * (RFC 8446 4.2.10: up to max bytes, or 16384 when off) and the handshake goes on as a
 * 1-RTT one. Read accepted early data with ctls_read_early_data, never ctls_read. */
CTLS_API int ctls_config_set_max_early_data(ctls_config *cfg, uint32_t max);
/* Counters of the server's session cache (like SSL_CTX_sess_number / _hits / _misses). */
typedef struct {
    size_t entries;     /* sessions held now */
    uint64_t hits;      /* lookups that found a live session */
    uint64_t misses;    /* lookups that found none (unknown, expired or already used) */
    uint64_t evictions; /* sessions dropped to make room for a new one */
} ctls_session_cache_stats;
/* Fills *out; CTLS_ERR_INVALID_ARG for NULL arguments, CTLS_ERR_BAD_STATE without a cache. */
CTLS_API int ctls_config_session_cache_stats(ctls_config *cfg, ctls_session_cache_stats *out);
/* Tests: verify certificates at this fixed time instead of now (0 = now). */
CTLS_API int ctls_config_set_verify_time(ctls_config *cfg, int64_t unix_seconds);
/* Key log in the SSLKEYLOGFILE format (RFC 9850; NSS's key log), for decrypting a capture
 * with Wireshark while debugging. Off by default (fn NULL turns it off again). With fn set,
 * every connection using cfg calls fn(ctx, conn, line) once per secret, as soon as it is
 * derived, line being one text line without newline:
 *   TLS 1.3: "<LABEL> <client_random hex> <secret hex>" for CLIENT_HANDSHAKE_TRAFFIC_SECRET,
 *            SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
 *            SERVER_TRAFFIC_SECRET_0 and EXPORTER_SECRET (five lines per handshake);
 *   TLS 1.2: "CLIENT_RANDOM <client_random hex> <master_secret hex>" (one line per handshake,
 *            renegotiations included).
 * fn runs inside ctls_handshake / ctls_read on the connection's thread (a config shared by
 * connections on several threads calls it from each of them) and must not call ctls functions
 * on conn. The line is wiped when fn returns: copy what you keep.
 * SECURITY: each line is a key of the connection. Whoever reads it can decrypt everything the
 * connection sent and received (a recorded capture included) and forge records: the
 * confidentiality and integrity TLS gives are gone for that connection. Enable it only to
 * debug, on test data, and keep the output like a private key (the ctls tools create their
 * --keylog file with mode 0600). The library never reads SSLKEYLOGFILE or any other
 * environment variable; the tools do, on request. CTLS_ERR_BAD_STATE once a connection uses
 * cfg. */
typedef void (*ctls_keylog_fn)(void *ctx, const ctls_conn *conn, const char *line);
CTLS_API int ctls_config_set_keylog(ctls_config *cfg, ctls_keylog_fn fn, void *ctx);

/* ---- connection ------------------------------------------------------------------------ */
/* A new connection using cfg (which gains a reference). NULL on out of memory. */
CTLS_API ctls_conn *ctls_conn_new(ctls_config *cfg);
/* Frees the connection and wipes its secrets. Never writes to the transport. */
CTLS_API void ctls_conn_free(ctls_conn *conn);
/* Client: SNI and the host name verified against the certificate (an IP address literal is
 * verified against iPAddress entries and not sent as SNI). */
CTLS_API int ctls_conn_set_server_name(ctls_conn *conn, const char *host);
/* Client: key for the config's session store (like SSLSetPeerID). */
CTLS_API int ctls_conn_set_peer_id(ctls_conn *conn, const void *id, size_t len);
/* Transport: a file descriptor (blocking or O_NONBLOCK); the caller keeps ownership. */
CTLS_API int ctls_conn_set_fd(ctls_conn *conn, int fd);
/* Callbacks: push/pull return bytes moved, or -1 with errno EAGAIN/EWOULDBLOCK (would block),
 * EINTR (interrupted) or anything else (I/O error); pull returns 0 at EOF. pull_timeout waits
 * up to ms for data: >0 ready, 0 timeout, -1 error (may be NULL: no handshake timeout). */
typedef ssize_t (*ctls_push_fn)(void *ctx, const void *buf, size_t len);
typedef ssize_t (*ctls_pull_fn)(void *ctx, void *buf, size_t len);
typedef int (*ctls_pull_timeout_fn)(void *ctx, unsigned ms);
CTLS_API int ctls_conn_set_transport(ctls_conn *conn, ctls_push_fn push, ctls_pull_fn pull,
                                     ctls_pull_timeout_fn pull_timeout, void *ctx);
/* Sans-I/O transport (used when no fd or callbacks are set): feed bytes received from the peer
 * (*consumed says how many were taken; the rest must be fed again later), signal EOF, and take
 * the bytes waiting to be sent. */
CTLS_API int ctls_conn_feed(ctls_conn *conn, const void *data, size_t len, size_t *consumed);
CTLS_API int ctls_conn_feed_eof(ctls_conn *conn);
CTLS_API size_t ctls_conn_output(ctls_conn *conn, const void **data);
CTLS_API void ctls_conn_consume_output(ctls_conn *conn, size_t len);
/* Sans-I/O zero-copy read: ctls_read on the peer's bytes taken by reference instead of fed
 * first. in/in_len are bytes received from the peer (in may be NULL when in_len is 0);
 * *consumed says how many of them were taken (the rest must be passed again, to this call or
 * to ctls_conn_feed); out/out_len and the return value are exactly ctls_read's (> 0 bytes,
 * 0 for close_notify, CTLS_WANT_READ, fatal errors; the handshake runs first if needed).
 * While the connection holds no buffered input, complete records are decrypted straight from
 * in (TLS 1.3: into out when the whole plaintext, content type included, fits in out_len;
 * else into the connection's buffer, whose data later calls return); the tail of a record
 * that in holds only part of, and TLS 1.2 and unprotected records, are copied as
 * ctls_conn_feed would. At most one record's data is returned per call. Nothing of in is
 * kept after the call. CTLS_ERR_BAD_STATE on an fd or callbacks connection, or with
 * in_len > 0 after ctls_conn_feed_eof; CTLS_ERR_INVALID_ARG for a NULL consumed or out, or
 * out_len 0. See ctls_read_input(3). */
CTLS_API ssize_t ctls_read_input(ctls_conn *conn, const void *in, size_t in_len, size_t *consumed,
                                 void *out, size_t out_len);
/* Handshake timeout in ms (0 = none): the handshake fails with CTLS_ERR_TIMEOUT when it takes
 * longer. Blocking fd: enforced with poll(); callbacks: through pull_timeout. It bounds each
 * TLS 1.2 renegotiation too (from a server's HelloRequest or the new handshake's first message
 * until it completes or is refused): ctls_read / ctls_write then fail with CTLS_ERR_TIMEOUT.
 * Set before the handshake completes (CTLS_ERR_BAD_STATE after). */
CTLS_API int ctls_conn_set_handshake_timeout(ctls_conn *conn, unsigned ms);

/* ---- handshake, data, close ------------------------------------------------------------ */
/* Runs the handshake. 0 when complete; a non-fatal status means "call again" (after the
 * transport is ready, or after acting on a pause); resumes exactly where it stopped. */
CTLS_API int ctls_handshake(ctls_conn *conn);
/* CTLS_WANT_READ or CTLS_WANT_WRITE: what the last call waited for. */
CTLS_API int ctls_direction(ctls_conn *conn);
/* Reads application data: >0 bytes; 0 = the peer's close_notify (and on every later call);
 * <0 status. EOF without close_notify is CTLS_ERR_TRUNCATED. Runs the handshake first if it is
 * not done. Post-handshake messages are processed inside and never return 0. */
CTLS_API ssize_t ctls_read(ctls_conn *conn, void *buf, size_t len);
/* Writes application data: the number of bytes accepted (>0; never resend them) or a status.
 * CTLS_WANT_WRITE means nothing was accepted because earlier records are still unsent: call
 * again with any buffer. With a transport that takes everything, all len bytes are accepted
 * (split into records of at most 16 KiB). After ctls_shutdown: CTLS_ERR_SHUTDOWN. */
CTLS_API ssize_t ctls_write(ctls_conn *conn, const void *buf, size_t len);
/* Like SSL_shutdown: 0 = our close_notify sent, the peer's not yet seen; 1 = both (or quiet
 * shutdown); <0 status (CTLS_WANT_READ / CTLS_WANT_WRITE on non-blocking transports). */
CTLS_API int ctls_shutdown(ctls_conn *conn);
/* CTLS_SENT_SHUTDOWN | CTLS_RECEIVED_SHUTDOWN */
CTLS_API int ctls_shutdown_flags(ctls_conn *conn);
/* CTLS_STATE_IDLE, _HANDSHAKE, _CONNECTED, _CLOSED, _ABORTED */
CTLS_API int ctls_state(ctls_conn *conn);

/* ---- verification and peer ------------------------------------------------------------- */
/* CTLS_VERIFY_OK or every CTLS_CERT_* flag that applies to the peer's chain. */
CTLS_API unsigned ctls_verify_result(ctls_conn *conn);
CTLS_API size_t ctls_peer_cert_count(ctls_conn *conn);
/* The i-th certificate the peer sent (0 = leaf); the pointer lives as long as conn. */
CTLS_API int ctls_peer_cert_der(ctls_conn *conn, size_t i, const uint8_t **der, size_t *len);
/* Client: the OCSP response the server stapled for its leaf in this connection's handshake
 * (RFC 6066 8, RFC 8446 4.4.2.1), raw DER, *len its size; NULL (and *len 0) when none was
 * asked for (ctls_config_set_ocsp_request) or sent, and after a resumed handshake. Valid as
 * long as conn (a TLS 1.2 renegotiation replaces it). It is NOT verified: ctls only checked
 * that it is a DER SEQUENCE. Check it yourself, e.g. with libcrypto's d2i_OCSP_RESPONSE,
 * OCSP_response_status, OCSP_basic_verify and OCSP_resp_find_status against the leaf and its
 * issuer (ctls_peer_cert_der), including thisUpdate / nextUpdate. len may be NULL. */
CTLS_API const uint8_t *ctls_peer_ocsp_response(ctls_conn *conn, size_t *len);
/* After CTLS_PAUSED_SERVER_AUTH: go on (accept) or fail with the given alert (reject). */
CTLS_API int ctls_accept_peer(ctls_conn *conn);
CTLS_API int ctls_reject_peer(ctls_conn *conn, int alert);
/* After CTLS_PAUSED_CERT_REQUESTED: the DER distinguished names the server accepts. */
CTLS_API size_t ctls_acceptable_ca_count(ctls_conn *conn);
CTLS_API int ctls_acceptable_ca_der(ctls_conn *conn, size_t i, const uint8_t **dn, size_t *len);
/* After CTLS_PAUSED_CERT_REQUESTED (or before the handshake): the client certificate. */
CTLS_API int ctls_conn_set_certificate_file(ctls_conn *conn, const char *chain_pem,
                                            const char *key_pem);
/* The connection's verify mode (CTLS_VERIFY_NONE / _PEER / _REQUIRE_PEER) in place of the
 * config's, like OpenSSL's SSL_set_verify; it takes effect at the next handshake. Set before
 * the handshake, it decides that handshake (a server that asks for a client certificate issues
 * and accepts no tickets, as with the config's mode). Set after it, on a server: the TLS 1.2
 * renegotiations that follow ask for a client certificate by it (ctls_renegotiate starts one),
 * and the answers to TLS 1.3 post-handshake requests (ctls_request_client_auth) are judged by
 * it (an empty one under _REQUIRE_PEER: certificate_required) -- so a server can ask for
 * nothing in the handshake and for a certificate afterwards. On a client it decides whether a
 * renegotiation verifies the server. CTLS_ERR_INVALID_ARG for another mode; CTLS_ERR_BAD_STATE
 * while a handshake, renegotiation or post-handshake answer is in progress, and once the
 * connection is closed or failed. */
CTLS_API int ctls_conn_set_verify(ctls_conn *conn, int mode);

/* ---- negotiated parameters ------------------------------------------------------------- */
CTLS_API int ctls_version(ctls_conn *conn);                       /* CTLS_TLS1_2 / _3, 0 before */
CTLS_API const char *ctls_cipher_suite_name(ctls_conn *conn);     /* IANA name or NULL */
CTLS_API const char *ctls_group_name(ctls_conn *conn);            /* "x25519", ... or NULL */
CTLS_API const char *ctls_signature_scheme_name(ctls_conn *conn); /* peer's CertificateVerify */
CTLS_API const char *ctls_alpn_selected(ctls_conn *conn);         /* NULL when none */
CTLS_API const char *ctls_server_name(ctls_conn *conn); /* server: SNI received, or NULL */
CTLS_API int ctls_alert_received(ctls_conn *conn);      /* last alert from the peer, or -1 */

/* ---- sessions and post-handshake ------------------------------------------------------- */
/* The newest usable session (caller frees), or NULL. */
CTLS_API ctls_session *ctls_conn_get_session(ctls_conn *conn);
/* Client: offer this session for resumption (copied). */
CTLS_API int ctls_conn_set_session(ctls_conn *conn, const ctls_session *sess);
/* ctls_early_data_status() */
#define CTLS_EARLY_DATA_NOT_SENT 0 /* none offered (client) / received (server) */
#define CTLS_EARLY_DATA_PENDING 1  /* client: sent, the server's answer not seen yet */
#define CTLS_EARLY_DATA_ACCEPTED 2 /* the server accepted it */
#define CTLS_EARLY_DATA_REJECTED 3 /* offered, not accepted (the client may resend it) */
/* TLS 1.3 early data (0-RTT, RFC 8446 2.3, 4.2.10). Early data is not protected against
 * replay by TLS itself and not authenticated by the server's Finished yet: send and act only
 * on what is safe to receive twice (see ctls_config_set_max_early_data for the server side).
 *
 * Client: before the handshake starts (CTLS_STATE_IDLE), after ctls_conn_set_server_name and
 * a session (ctls_conn_set_session, or the peer ID's stored one) whose ticket allows early
 * data: queues up to the ticket's max_early_data_size bytes in all, sent right after the
 * ClientHello under the client_early_traffic_secret. Returns the bytes accepted (> 0; 0 for
 * len 0); CTLS_ERR_LIMIT when the ticket's limit is reached, CTLS_ERR_UNSUPPORTED without a
 * usable session that allows early data, CTLS_ERR_BAD_STATE after the handshake started or
 * on a server. After the handshake, ctls_early_data_status says ACCEPTED (the bytes were
 * delivered) or REJECTED / NOT_SENT (they were not: resend them with ctls_write). A session
 * that carried early data is removed from the client store (it is never offered twice). */
CTLS_API ssize_t ctls_write_early_data(ctls_conn *conn, const void *buf, size_t len);
/* Server: reads accepted early data (never returned by ctls_read). Runs the handshake as far
 * as needed and stops as soon as early data is there: > 0 bytes; 0 when there is no more
 * (none was accepted, or all was read); CTLS_WANT_READ / CTLS_WANT_WRITE while more may
 * come; a fatal status. The handshake may still fail after early data was returned. */
CTLS_API ssize_t ctls_read_early_data(ctls_conn *conn, void *buf, size_t len);
/* CTLS_EARLY_DATA_NOT_SENT / _PENDING / _ACCEPTED / _REJECTED (CTLS_ERR_INVALID_ARG for NULL). */
CTLS_API int ctls_early_data_status(ctls_conn *conn);
CTLS_API int ctls_session_resumed(ctls_conn *conn);
CTLS_API int ctls_tickets_received(ctls_conn *conn);
/* Serialise: with out == NULL, *len receives the size needed. */
CTLS_API int ctls_session_serialize(const ctls_session *sess, uint8_t *out, size_t *len);
CTLS_API ctls_session *ctls_session_parse(const uint8_t *in, size_t len);
CTLS_API void ctls_session_free(ctls_session *sess);
/* TLS 1.3 KeyUpdate; request_peer asks the peer to update its sending keys too. */
CTLS_API int ctls_key_update(ctls_conn *conn, int request_peer);
/* TLS 1.2 renegotiation (RFC 5746 secure renegotiation only; TLS 1.3 has none: BAD_STATE).
 * Server: sends a HelloRequest. Client (only with ctls_config_set_renegotiation on): sends a
 * ClientHello that starts a new handshake. Either way the handshake itself runs inside
 * ctls_read (see ctls_config_set_renegotiation); a peer that refuses (warning
 * no_renegotiation) makes ctls_read return CTLS_ERR_RENEGOTIATION_REFUSED (non-fatal) and the
 * connection goes on with its current keys. CTLS_ERR_UNSUPPORTED without secure renegotiation;
 * CTLS_ERR_BAD_STATE while a renegotiation is already running. */
CTLS_API int ctls_renegotiate(ctls_conn *conn);
/* TLS 1.2: renegotiation handshakes completed on this connection (0 after the first
 * handshake, +1 each time a renegotiation's Finished messages are exchanged). */
CTLS_API int ctls_renegotiations(ctls_conn *conn);
/* TLS 1.3 server: post-handshake client authentication (RFC 8446 4.6.2; the client offered
 * it). Sends a CertificateRequest (fresh context, our signature schemes, the trust anchors'
 * names) now or with the next call, like ctls_key_update. The client's answer is processed
 * inside ctls_read (application data before it stays readable): the chain is verified against
 * the config's trust store as in the handshake (whatever the verify mode says), then
 * ctls_peer_cert_count / ctls_peer_cert_der / ctls_verify_result / ctls_signature_scheme_name
 * describe the new client certificate, and ctls_client_auth_pending drops by one. An empty
 * Certificate is accepted (ctls_verify_result CTLS_CERT_NO_CERTIFICATE, no peer certificate)
 * unless the connection's verify mode (ctls_conn_set_verify, else the config's) is
 * CTLS_VERIFY_REQUIRE_PEER when the answer arrives: then ctls_read fails with
 * CTLS_ERR_CERTIFICATE_REQUIRED (certificate_required alert). A bad chain, signature or
 * Finished is fatal as in the handshake (CTLS_ERR_CERT_*, CTLS_ERR_DECRYPT_ERROR).
 * Refusals that leave the connection usable: CTLS_ERR_BAD_STATE (client, before the handshake,
 * TLS 1.2, after ctls_shutdown), CTLS_ERR_UNSUPPORTED (the client did not offer
 * post_handshake_auth), CTLS_ERR_LIMIT (4 requests already unanswered). */
CTLS_API int ctls_request_client_auth(ctls_conn *conn);
/* Server: post-handshake CertificateRequests sent whose answer has not been fully processed
 * yet (0 on a client, and on a server that sent none). */
CTLS_API int ctls_client_auth_pending(ctls_conn *conn);

/* ---- keying material exporter ---------------------------------------------------------- */
/* Keying material bound to this connection, the same on both ends (like OpenSSL's
 * SSL_export_keying_material and GnuTLS's gnutls_prf_rfc5705): out_len bytes into out, from
 * label (label_len bytes) and, when use_context is set, context (context_len bytes; NULL when
 * context_len is 0).
 *   TLS 1.3 (RFC 8446 7.5): TLS-Exporter(label, context, out_len) from the connection's
 *     exporter_master_secret; no context and an empty context give the same bytes.
 *   TLS 1.2 (RFC 5705): PRF(master_secret, label, client_random + server_random
 *     [+ uint16 context_len + context]), with the suite's PRF hash; ctls always uses the
 *     extended master secret (RFC 7627), which makes this safe. No context and an empty
 *     context give different bytes.
 * The values are those of the last completed handshake (a TLS 1.2 renegotiation changes them
 * when it completes); still available after close_notify. Errors leave the connection as it
 * was and out without key material:
 *   CTLS_ERR_INVALID_ARG  conn, label or out NULL; label_len or out_len 0; context NULL with
 *                         context_len > 0; a label reserved by RFC 5705 4 and RFC 7627 4
 *                         ("client finished", "server finished", "master secret",
 *                         "extended master secret", "key expansion"), also as the start of
 *                         a longer label (the PRF reads label and seed as one string)
 *   CTLS_ERR_LIMIT        label_len > 249 (RFC 8446 7.1: "tls13 " + label <= 255 bytes; the
 *                         same bound in TLS 1.2), context_len > 65535 in TLS 1.2 (a uint16),
 *                         out_len > 255 * the suite's hash length (RFC 5869 2.3: 8160 bytes
 *                         with SHA-256 suites, 12240 with SHA-384; the same bound in TLS 1.2)
 *   CTLS_ERR_BAD_STATE    the handshake has not completed, or a TLS 1.2 renegotiation runs
 *                         (the two ends change keys at different moments)
 *   the connection's fatal error, after one. */
CTLS_API int ctls_export_keying_material(ctls_conn *conn, const char *label, size_t label_len,
                                         const uint8_t *context, size_t context_len,
                                         int use_context, uint8_t *out, size_t out_len);

#ifdef __cplusplus
}
#endif
#endif /* CTLS_CTLS_H */
