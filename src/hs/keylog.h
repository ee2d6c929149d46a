/* The key log (ctls_config_set_keylog): SSLKEYLOGFILE lines (RFC 9850) handed to the
 * application's callback. Off by default; then each call site costs one NULL test. */
#ifndef CTLS_HS_KEYLOG_H
#define CTLS_HS_KEYLOG_H

#include "api/internal.h"

/* RFC 9850 2: the labels ctls logs */
#define KEYLOG_CLIENT_RANDOM "CLIENT_RANDOM"          /* TLS 1.2 */
#define KEYLOG_C_HS "CLIENT_HANDSHAKE_TRAFFIC_SECRET" /* TLS 1.3 */
#define KEYLOG_S_HS "SERVER_HANDSHAKE_TRAFFIC_SECRET"
#define KEYLOG_C_AP "CLIENT_TRAFFIC_SECRET_0"
#define KEYLOG_S_AP "SERVER_TRAFFIC_SECRET_0"
#define KEYLOG_EXPORTER "EXPORTER_SECRET"
#define KEYLOG_C_EARLY "CLIENT_EARLY_TRAFFIC_SECRET"

/* Formats "<label> <client_random hex> <secret hex>", calls the callback, wipes the line. */
void keylog_emit(const ctls_conn *c, const char *label, const uint8_t client_random[32],
                 const uint8_t *secret, size_t len);

static inline void keylog(const ctls_conn *c, const char *label, const uint8_t client_random[32],
                          const uint8_t *secret, size_t len)
{
    if (c->cfg->keylog) keylog_emit(c, label, client_random, secret, len);
}

#endif
