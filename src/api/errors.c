#include <ctls/ctls.h>

const char *ctls_version_string(void)
{
    return "0.1.0";
}

int ctls_is_fatal(int rc)
{
    switch (rc) {
    case CTLS_WANT_READ:
    case CTLS_WANT_WRITE:
    case CTLS_INTERRUPTED:
    case CTLS_PAUSED_SERVER_AUTH:
    case CTLS_PAUSED_CERT_REQUESTED:
    case CTLS_ERR_RENEGOTIATION_REFUSED:
        return 0;
    default:
        return rc < 0;
    }
}

const char *ctls_strerror(int rc)
{
    switch (rc) {
    case CTLS_OK:
        return "success";
    case CTLS_WANT_READ:
        return "operation would block waiting to read";
    case CTLS_WANT_WRITE:
        return "operation would block waiting to write";
    case CTLS_INTERRUPTED:
        return "operation interrupted";
    case CTLS_PAUSED_SERVER_AUTH:
        return "paused: server certificate chain received";
    case CTLS_PAUSED_CERT_REQUESTED:
        return "paused: server requested a client certificate";
    case CTLS_ERR_RENEGOTIATION_REFUSED:
        return "peer refused renegotiation";
    case CTLS_ERR_INTERNAL:
        return "internal error";
    case CTLS_ERR_NOMEM:
        return "out of memory";
    case CTLS_ERR_INVALID_ARG:
        return "invalid argument";
    case CTLS_ERR_BAD_STATE:
        return "call not valid in this connection state";
    case CTLS_ERR_IO:
        return "transport I/O error";
    case CTLS_ERR_TIMEOUT:
        return "handshake timed out";
    case CTLS_ERR_TRUNCATED:
        return "connection truncated (EOF without close_notify)";
    case CTLS_ERR_SHUTDOWN:
        return "connection is shut down for writing";
    case CTLS_ERR_UNSUPPORTED:
        return "unsupported feature, version or algorithm";
    case CTLS_ERR_FILE:
        return "cannot read file";
    case CTLS_ERR_LIMIT:
        return "size or count limit exceeded";
    case CTLS_ERR_CRYPTO:
        return "cryptographic operation failed";
    case CTLS_ERR_NO_CERT:
        return "no usable certificate";
    case CTLS_ERR_BAD_KEY:
        return "bad or mismatched private key";
    case CTLS_ERR_CLOSED:
        return "connection closed";
    case CTLS_ERR_DECODE:
        return "malformed message (decode_error)";
    case CTLS_ERR_UNEXPECTED_MESSAGE:
        return "unexpected message";
    case CTLS_ERR_ILLEGAL_PARAMETER:
        return "illegal parameter";
    case CTLS_ERR_BAD_RECORD_MAC:
        return "record failed to decrypt (bad_record_mac)";
    case CTLS_ERR_RECORD_OVERFLOW:
        return "record too large (record_overflow)";
    case CTLS_ERR_HANDSHAKE_FAILURE:
        return "handshake failure: no common parameters";
    case CTLS_ERR_PROTOCOL_VERSION:
        return "no common protocol version";
    case CTLS_ERR_MISSING_EXTENSION:
        return "missing required extension";
    case CTLS_ERR_UNSUPPORTED_EXTENSION:
        return "unsupported extension";
    case CTLS_ERR_DECRYPT_ERROR:
        return "signature or Finished verification failed";
    case CTLS_ERR_INSUFFICIENT_SECURITY:
        return "insufficient security";
    case CTLS_ERR_NO_APPLICATION_PROTOCOL:
        return "no common application protocol (ALPN)";
    case CTLS_ERR_UNRECOGNIZED_NAME:
        return "unrecognized server name";
    case CTLS_ERR_ALERT_RECEIVED:
        return "fatal alert received from peer";
    case CTLS_ERR_CERTIFICATE_REQUIRED:
        return "certificate required";
    case CTLS_ERR_INAPPROPRIATE_FALLBACK:
        return "downgrade detected";
    case CTLS_ERR_BAD_CERTIFICATE:
        return "bad certificate";
    case CTLS_ERR_PEER_CERT_CHANGED:
        return "renegotiation: the peer presented a different certificate";
    case CTLS_ERR_CERT_UNKNOWN_ROOT:
        return "certificate chain ends at an untrusted root";
    case CTLS_ERR_CERT_NO_ROOT:
        return "certificate chain incomplete: no path to a root";
    case CTLS_ERR_CERT_EXPIRED:
        return "certificate expired";
    case CTLS_ERR_CERT_NOT_YET_VALID:
        return "certificate not yet valid";
    case CTLS_ERR_CERT_INVALID_CHAIN:
        return "invalid certificate chain";
    case CTLS_ERR_CERT_NO_CERTIFICATE:
        return "peer sent no certificate";
    case CTLS_ERR_CERT_HOSTNAME_MISMATCH:
        return "certificate does not match the host name";
    case CTLS_ERR_CERT_BAD_USAGE:
        return "certificate not valid for this usage";
    case CTLS_ERR_CERT_MALFORMED:
        return "malformed certificate";
    case CTLS_ERR_CERT_NAME_CONSTRAINTS:
        return "certificate violates name constraints";
    case CTLS_ERR_CERT_WEAK_ALGORITHM:
        return "certificate uses a weak algorithm or key";
    case CTLS_ERR_CERT_UNSUPPORTED:
        return "certificate uses an unsupported critical feature";
    case CTLS_ERR_CERT_REJECTED:
        return "certificate rejected by the application";
    case CTLS_ERR_CERT_PATH_LIMIT:
        return "certificate path limit exceeded";
    default:
        return rc < 0 ? "unknown error" : "no error";
    }
}
