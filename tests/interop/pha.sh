#!/bin/bash
# TLS 1.3 post-handshake client authentication (RFC 8446 4.6.2), both roles:
#   ctls-client --pha -> openssl s_server, whose stdin command "c" sends the CertificateRequest
#     (SSL_verify_client_post_handshake): with a certificate (openssl verifies the chain), with
#     none (empty Certificate), and without --pha (openssl refuses to ask);
#   openssl s_client -enable_pha and gnutls-cli --post-handshake-auth -> ctls-server --pha:
#     the server reports the client's chain once it answered (pha-verify / pha-peer-certs), an
#     answer without a certificate, a client that did not offer, an untrusted client chain;
#     with --require-client-cert --late-client-auth (ctls_conn_set_verify) the handshake asks
#     for nothing and the post-handshake request demands a certificate (certificate_required
#     without one).
# gnutls-serv has no way to request post-handshake authentication, so ctls-client is tested
# against openssl only. Data flows both ways after every exchange.
# Usage: pha.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

# ---- ctls-client -> openssl s_server ---------------------------------------------------------

# ossl_pha NAME CLIENT-ARGS...: s_server (no certificate asked in the handshake; -CAfile for
# the post-handshake one), "c" on its stdin once the handshake is done, then a line each way.
ossl_pha() {
    local name=$1
    shift
    ossl_stdin_cmd "$name" -tls1_3 c "after pha" "$@"
}

# data_flowed NAME: the lines sent after the request crossed both ways.
data_flowed() {
    grep -qF "server after pha $1" "$TMP/$1.cli.out" &&
        grep -qF "client after pha $1" "$TMP/$1.srv.out"
}

# after_request NAME: the messages openssl received after its post-handshake request.
after_request() {
    sed -n '/^>>> .*CertificateRequest/,$p' "$TMP/$1.msg" | grep '^<<<'
}

n=ossl-cert
ossl_pha "$n" --pha --cert "$CERTS/client.pem" --key "$CERTS/client.key"
if [ $CLI_RC -eq 0 ] && data_flowed "$n" &&
    after_request "$n" | grep -q 'Certificate$' &&
    after_request "$n" | grep -q 'CertificateVerify' &&
    after_request "$n" | grep -q 'Finished' &&
    grep -q 'depth=0 O = ctls test, CN = client' "$TMP/$n.srv.err" &&
    ! grep -q 'verify error' "$TMP/$n.srv.err"; then
    ok "ctls-client --pha -> s_server 'c': chain sent and verified by openssl, data after"
else
    not_ok "ctls-client --pha -> s_server 'c' (rc=$CLI_RC)" "$TMP/$n.cli.err" "$TMP/$n.srv.out" \
        "$TMP/$n.srv.err" "$TMP/$n.msg"
fi

n=ossl-nocert
ossl_pha "$n" --pha
if [ $CLI_RC -eq 0 ] && data_flowed "$n" &&
    after_request "$n" | grep -q 'Certificate$' &&
    ! after_request "$n" | grep -q 'CertificateVerify' &&
    after_request "$n" | grep -q 'Finished'; then
    ok "ctls-client --pha without a certificate -> s_server 'c': empty Certificate, data after"
else
    not_ok "ctls-client --pha without a certificate -> s_server 'c' (rc=$CLI_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.out" "$TMP/$n.msg"
fi

n=ossl-nooffer
ossl_pha "$n" --cert "$CERTS/client.pem" --key "$CERTS/client.key"
if [ $CLI_RC -eq 0 ] && data_flowed "$n" && ! grep -q 'CertificateRequest' "$TMP/$n.msg"; then
    ok "ctls-client without --pha -> s_server 'c': openssl does not ask, data flows"
else
    not_ok "ctls-client without --pha -> s_server 'c' (rc=$CLI_RC)" "$TMP/$n.cli.err" \
        "$TMP/$n.srv.out" "$TMP/$n.msg"
fi

# ---- openssl s_client / gnutls-cli -> ctls-server --pha ---------------------------------------

# wait_outcome FILE: waits until the server reported the request's outcome or an error.
wait_outcome() {
    local _
    for _ in $(seq 1 $((T * 10))); do
        grep -qE '^(pha-verify|error):' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# ctls_pha NAME ossl|gnutls CLIENT-ARGS...: a one-connection ctls-server --pha (stdin/stdout
# mode; more server arguments in the array SRV_EXTRA) and openssl s_client or gnutls-cli
# (verifying it) with CLIENT-ARGS, a line each way; the server's stdin ends once the client's
# line and the outcome of the request (pha-verify, or an error) are in, so the server closes
# and the client exits.
SRV_EXTRA=()
ctls_pha() {
    local name=$1 kind=$2 cmd
    shift 2
    mkfifo "$TMP/$name.sin"
    (
        echo "server line $name"
        wait_file_text "$TMP/$name.srv.out" "client line $name" "$T"
        wait_outcome "$TMP/$name.srv.err"
        # s_client -quiet ignores its stdin EOF: the server closes; gnutls-cli closes first
        # (at its stdin EOF) and the server answers its close_notify
        [ "$kind" = ossl ] || wait_file_text "$TMP/$name.cli.done" "done" "$T"
    ) >"$TMP/$name.sin" &
    BG_STDIN=$TMP/$name.sin
    ctls_srv "$name" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" \
        --cafile "$CERTS/ca.pem" --pha --once "${SRV_EXTRA[@]}"
    mkfifo "$TMP/$name.cin"
    (
        echo "client line $name"
        wait_file_text "$TMP/$name.cli.out" "server line $name" "$T"
        wait_outcome "$TMP/$name.srv.err"
        # s_client: keep its stdin open until the server is done (or gone)
        [ "$kind" = ossl ] && wait_pid "$SRV" "$T" >/dev/null 2>&1
    ) >"$TMP/$name.cin" &
    local feeder=$!
    case $kind in
    ossl) cmd=("$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_3 -servername localhost
        -verify_hostname localhost -CAfile "$CERTS/ca.pem" -verify_return_error -quiet "$@") ;;
    gnutls) cmd=(gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" --sni-hostname localhost
        --verify-hostname localhost "$@" 127.0.0.1) ;;
    esac
    timeout -k 2 "$T" "${cmd[@]}" <"$TMP/$name.cin" >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
    echo done >"$TMP/$name.cli.done"
    wait_pid "$SRV" 10
    SRV_RC=$?
    wait_pid $feeder 5 >/dev/null 2>&1
}

# pha_result NAME VERIFY CERTS: the server's report and a line each way.
pha_result() {
    expect_summary "$TMP/$1.srv.err" pha-verify "$2" &&
        expect_summary "$TMP/$1.srv.err" pha-peer-certs "$3" &&
        grep -qF "client line $1" "$TMP/$1.srv.out" && grep -qF "server line $1" "$TMP/$1.cli.out"
}

n=sclient-cert
ctls_pha "$n" ossl -enable_pha -cert "$CERTS/client.pem" -key "$CERTS/client.key" \
    -cert_chain "$CERTS/int.pem"
if [ $SRV_RC -eq 0 ] && pha_result "$n" ok 2; then
    ok "s_client -enable_pha -> ctls-server --pha: client chain verified"
else
    not_ok "s_client -enable_pha -> ctls-server --pha (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

n=sclient-nocert
ctls_pha "$n" ossl -enable_pha
if [ $SRV_RC -eq 0 ] && pha_result "$n" "$(strerror CERT_NO_CERTIFICATE)" 0; then
    ok "s_client -enable_pha without a certificate -> ctls-server --pha: none reported"
else
    not_ok "s_client -enable_pha without a certificate -> ctls-server --pha (srv=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

n=sclient-nooffer
ctls_pha "$n" ossl -cert "$CERTS/client.pem" -key "$CERTS/client.key" \
    -cert_chain "$CERTS/int.pem"
if [ $SRV_RC -eq 0 ] && grep -q '^pha-verify: not requested' "$TMP/$n.srv.err" &&
    grep -qF "client line $n" "$TMP/$n.srv.out" && grep -qF "server line $n" "$TMP/$n.cli.out"; then
    ok "s_client without -enable_pha -> ctls-server --pha: not requested, data flows"
else
    not_ok "s_client without -enable_pha -> ctls-server --pha (srv=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

# an untrusted client chain fails the connection as in the handshake (unknown_ca)
n=sclient-untrusted
ctls_pha "$n" ossl -enable_pha -cert "$CERTS/bad-selfsigned.pem" -key "$CERTS/bad-selfsigned.key"
if [ $SRV_RC -ne 0 ] && grep -qF "error: $(strerror CERT_UNKNOWN_ROOT)" "$TMP/$n.srv.err" &&
    ! grep -q '^pha-verify: ok' "$TMP/$n.srv.err" && grep -qi 'alert' "$TMP/$n.cli.err"; then
    ok "s_client -enable_pha with an untrusted chain -> ctls-server --pha: refused"
else
    not_ok "s_client -enable_pha with an untrusted chain -> ctls-server --pha (srv=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

# --require-client-cert --late-client-auth: nothing asked for in the handshake (the summary's
# peer-certs: 0), a certificate demanded after it (OpenSSL's SSL_VERIFY_POST_HANDSHAKE)
SRV_EXTRA=(--require-client-cert --late-client-auth)
n=sclient-late-cert
ctls_pha "$n" ossl -enable_pha -cert "$CERTS/client.pem" -key "$CERTS/client.key" \
    -cert_chain "$CERTS/int.pem"
if [ $SRV_RC -eq 0 ] && expect_summary "$TMP/$n.srv.err" peer-certs 0 && pha_result "$n" ok 2; then
    ok "s_client -enable_pha -> ctls-server --pha --late-client-auth: asked for after the handshake only"
else
    not_ok "s_client -enable_pha -> ctls-server --pha --late-client-auth (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

# RFC 8446 4.4.2.4: an empty Certificate where one is demanded: certificate_required
n=sclient-late-nocert
ctls_pha "$n" ossl -enable_pha
if [ $SRV_RC -ne 0 ] && expect_summary "$TMP/$n.srv.err" peer-certs 0 &&
    grep -qF "error: $(strerror CERTIFICATE_REQUIRED)" "$TMP/$n.srv.err" &&
    grep -qi 'alert' "$TMP/$n.cli.err"; then
    ok "s_client -enable_pha without a certificate -> ctls-server --pha --late-client-auth: certificate_required after the handshake"
else
    not_ok "s_client -enable_pha without a certificate -> ctls-server --pha --late-client-auth (srv=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi
SRV_EXTRA=()

if have_gnutls; then
    n=gnutls-cert
    ctls_pha "$n" gnutls --x509certfile "$CERTS/client.pem" --x509keyfile "$CERTS/client.key" \
        --post-handshake-auth
    if [ $SRV_RC -eq 0 ] && pha_result "$n" ok 2; then
        ok "gnutls-cli --post-handshake-auth -> ctls-server --pha: client chain verified"
    else
        not_ok "gnutls-cli --post-handshake-auth -> ctls-server --pha (srv=$SRV_RC)" \
            "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
    fi
    SRV_EXTRA=(--require-client-cert --late-client-auth)
    n=gnutls-late-cert
    ctls_pha "$n" gnutls --x509certfile "$CERTS/client.pem" --x509keyfile "$CERTS/client.key" \
        --post-handshake-auth
    if [ $SRV_RC -eq 0 ] && expect_summary "$TMP/$n.srv.err" peer-certs 0 &&
        pha_result "$n" ok 2; then
        ok "gnutls-cli --post-handshake-auth -> ctls-server --pha --late-client-auth: asked for after the handshake only"
    else
        not_ok "gnutls-cli --post-handshake-auth -> ctls-server --pha --late-client-auth (srv=$SRV_RC)" \
            "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
    fi
    SRV_EXTRA=()
else
    echo "# gnutls-cli not installed: GnuTLS case skipped"
fi

finish
