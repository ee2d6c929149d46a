/* RFC 8448 ("Example Handshake Traces for TLS 1.3") vectors shared by the unit tests: hex
 * strings exactly as the RFC prints them (whole handshake messages with their 4-byte header,
 * complete records with their 5-byte header). RFC_* are handshake messages of sections 3-5;
 * RFC3_* the rest of the section 3 trace (keys, secrets, records). */
#ifndef CTLS_TEST_RFC8448_VECTORS_H
#define CTLS_TEST_RFC8448_VECTORS_H

extern const char RFC_CH[];
extern const char RFC_SH[];
extern const char RFC_EE[];
extern const char RFC_CERT[];
extern const char RFC_CV[];
extern const char RFC_SFIN[];
extern const char RFC_NST[];
extern const char RFC_CH_PSK[];
extern const char RFC_SH_PSK[];
extern const char RFC_EE_PSK[];
extern const char RFC_EOED[];
extern const char RFC5_CH1[];
extern const char RFC5_HRR[];
extern const char RFC3_CLIENT_PRIV[];
extern const char RFC3_CLIENT_PUB[];
extern const char RFC3_SERVER_PRIV[];
extern const char RFC3_SERVER_PUB[];
extern const char RFC3_EARLY_SECRET[];
extern const char RFC3_ECDHE[];
extern const char RFC3_HS_SECRET[];
extern const char RFC3_TH_CH_SH[];
extern const char RFC3_C_HS_TRAFFIC[];
extern const char RFC3_S_HS_TRAFFIC[];
extern const char RFC3_MASTER_SECRET[];
extern const char RFC3_S_HS_KEY[];
extern const char RFC3_S_HS_IV[];
extern const char RFC3_C_HS_KEY[];
extern const char RFC3_C_HS_IV[];
extern const char RFC3_S_FINISHED_KEY[];
extern const char RFC3_TH_CH_SFIN[];
extern const char RFC3_C_AP_TRAFFIC[];
extern const char RFC3_S_AP_TRAFFIC[];
extern const char RFC3_EXP_MASTER[];
extern const char RFC3_S_AP_KEY[];
extern const char RFC3_S_AP_IV[];
extern const char RFC3_C_FINISHED_KEY[];
extern const char RFC3_CFIN[];
extern const char RFC3_C_AP_KEY[];
extern const char RFC3_C_AP_IV[];
extern const char RFC3_TH_CH_CFIN[];
extern const char RFC3_RES_MASTER[];
extern const char RFC3_CH_RECORD_HDR[];
extern const char RFC3_SH_RECORD_HDR[];
extern const char RFC3_SERVER_FLIGHT_RECORD[];
extern const char RFC3_CFIN_RECORD[];
extern const char RFC3_NST_RECORD[];
extern const char RFC3_APP_DATA[];
extern const char RFC3_C_APP_RECORD[];
extern const char RFC3_S_APP_RECORD[];
extern const char RFC3_C_ALERT_RECORD[];
extern const char RFC3_S_ALERT_RECORD[];
extern const char RFC3_SERVER_KEY_PEM[];
extern const char RFC3_SERVER_CERT_PEM[];
extern const char RFC3_CV_PSS_SALT[];

#endif
