#!/bin/bash
# Certificate verification outcomes: ctls-client --cafile ca.pem against openssl s_server
# presenting good and bad chains. A bad chain must end the handshake with exit status 1 and
# "error: <ctls_strerror text>" on stderr (texts taken from src/api/errors.c).
# Usage: verify.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

# run NAME CERT HOST [ctls-client args...]: s_server with CERT, ctls-client to HOST.
run() {
    local name=$1 cert=$2 host=$3
    shift 3
    PORT=$(free_port)
    hold_stdin "$name"
    bg "$name.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
        $(cert_args_ossl "$cert")
    SRV=$BG_PID
    wait_listen "$PORT" 10
    echo "hello $name" | timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" "$@" \
        "$host" "$PORT" >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
    stop "$SRV"
}

# expect_ok NAME CERT HOST [args...]
expect_ok() {
    local name=$1
    run "$@"
    if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$name.cli.err" verify ok &&
        ! grep -q '^error:' "$TMP/$name.cli.err"; then
        ok "verify $name: accepted"
    else
        not_ok "verify $name: accepted (rc=$CLI_RC)" "$TMP/$name.cli.err" "$TMP/$name.srv.err"
    fi
}

# expect_fail NAME CERT CODE [args...]: exit 1 with "error: <strerror(CODE)>".
expect_fail() {
    local name=$1 cert=$2 code=$3 text
    shift 3
    text=$(strerror "$code")
    if [ -z "$text" ]; then
        not_ok "verify $name: no strerror text for CTLS_ERR_$code in src/api/errors.c"
        return
    fi
    run "$name" "$cert" localhost "$@"
    if [ $CLI_RC -eq 1 ] && grep -qxF "error: $text" "$TMP/$name.cli.err" &&
        ! grep -q '^version:' "$TMP/$name.cli.err"; then
        ok "verify $name: rejected with \"$text\""
    else
        not_ok "verify $name: expected exit 1 and \"error: $text\" (rc=$CLI_RC)" \
            "$TMP/$name.cli.err" "$TMP/$name.srv.err"
    fi
}

expect_ok good-chain server-ecdsa localhost
expect_ok good-chain-ip server-ecdsa 127.0.0.1
expect_ok good-chain-rsa server-rsa localhost
expect_ok good-wildcard server-ecdsa 127.0.0.1 --servername www.test.example
expect_fail expired bad-expired CERT_EXPIRED
expect_fail not-yet-valid bad-notyet CERT_NOT_YET_VALID
expect_fail unknown-self-signed-root bad-selfsigned CERT_UNKNOWN_ROOT
expect_fail missing-intermediate bad-noint CERT_NO_ROOT
expect_fail wrong-host-name bad-host CERT_HOSTNAME_MISMATCH
expect_fail wrong-host-name-servername server-ecdsa CERT_HOSTNAME_MISMATCH --servername other.example
expect_fail corrupted-signature bad-sig CERT_INVALID_CHAIN
expect_fail no-serverauth-eku bad-eku CERT_BAD_USAGE

# Without --cafile the system store is used, which does not know the test root.
n=system-store
PORT=$(free_port)
hold_stdin "$n"
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
    $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
wait_listen "$PORT" 10
timeout -k 2 "$T" "$CTLS_CLIENT" localhost "$PORT" </dev/null >"$TMP/$n.cli.out" \
    2>"$TMP/$n.cli.err"
CLI_RC=$?
stop "$SRV"
if [ $CLI_RC -eq 1 ] && grep -q '^error: ' "$TMP/$n.cli.err"; then
    ok "verify $n: test root unknown to the system store ($(sed -n 's/^error: //p' "$TMP/$n.cli.err"))"
else
    not_ok "verify $n: expected a verification error (rc=$CLI_RC)" "$TMP/$n.cli.err"
fi

# --insecure connects to anything, with a warning.
n=insecure
PORT=$(free_port)
hold_stdin "$n"
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
    $(cert_args_ossl bad-selfsigned)
SRV=$BG_PID
wait_listen "$PORT" 10
echo "hello $n" | timeout -k 2 "$T" "$CTLS_CLIENT" --insecure localhost "$PORT" \
    >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err"
CLI_RC=$?
stop "$SRV"
if [ $CLI_RC -eq 0 ] && grep -qi '^warning: .*insecure' "$TMP/$n.cli.err" &&
    grep -qF "hello $n" "$TMP/$n.srv.out"; then
    ok "verify $n: --insecure accepts a self-signed certificate and warns"
else
    not_ok "verify $n: --insecure (rc=$CLI_RC)" "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

finish
