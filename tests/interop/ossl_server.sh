#!/bin/bash
# ctls-client against openssl s_server (TLS 1.3): every suite x every group, ECDSA / RSA /
# P-384 / Ed25519 server certificates, HelloRetryRequest, ALPN, SNI, 1 MiB each way, KeyUpdate
# from each side, resumption, client authentication.
# Usage: ossl_server.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

# srv NAME ARGS...: openssl s_server for one connection (more with -naccept N in ARGS, given
# last wins), stdin held open on fd 7 (write commands / data to it), protocol messages in
# $TMP/NAME.msg. Sets PORT and SRV.
srv() {
    local name=$1
    shift
    ossl_srv "$name" -tls1_3 -msg -msgfile "$TMP/$name.msg" "$@" # lib.sh
}

# srv_end: closes the server's stdin and waits for it (bounded).
srv_end() { ossl_srv_end; }

# cli NAME ARGS...: ctls-client --cafile ca.pem ARGS localhost PORT, stdin from $CLI_IN
# (default: one line "hello NAME"). CLI_RC, $TMP/NAME.cli.out / .cli.err.
CLI_IN=
cli() {
    local name=$1
    shift
    if [ -z "$CLI_IN" ]; then
        echo "hello $name" >"$TMP/$name.in"
        CLI_IN=$TMP/$name.in
    fi
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" "$@" localhost "$PORT" \
        <"$CLI_IN" >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
    CLI_IN=
}

files() { echo "$TMP/$1.cli.err" "$TMP/$1.srv.err" "$TMP/$1.srv.out"; }

# ---- suites x groups, ECDSA certificate ------------------------------------------------------
for suite in $SUITES; do
    for group in $GROUPS_ALL; do
        n="suite-$suite-$group"
        srv "$n" $(cert_args_ossl server-ecdsa) -quiet -ciphersuites "$suite" \
            -groups "$(ossl_group "$group")"
        cli "$n" --ciphers "$suite" --groups "$group"
        srv_end
        if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" version TLSv1.3 &&
            expect_summary "$TMP/$n.cli.err" cipher "$suite" &&
            expect_summary "$TMP/$n.cli.err" group "$group" &&
            expect_summary "$TMP/$n.cli.err" verify ok &&
            expect_summary "$TMP/$n.cli.err" peer-certs 2 &&
            grep -qF "hello $n" "$TMP/$n.srv.out"; then
            ok "ctls-client -> s_server $suite $group"
        else
            not_ok "ctls-client -> s_server $suite $group (rc=$CLI_RC)" $(files "$n")
        fi
    done
done

# ---- server certificate types ----------------------------------------------------------------
for cert in server-ecdsa server-rsa server-p384 server-ed25519; do
    n="cert-$cert"
    srv "$n" $(cert_args_ossl "$cert") -quiet
    cli "$n"
    srv_end
    if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" verify ok &&
        grep -qF "hello $n" "$TMP/$n.srv.out"; then
        ok "ctls-client -> s_server certificate $cert"
    else
        not_ok "ctls-client -> s_server certificate $cert (rc=$CLI_RC)" $(files "$n")
    fi
done

# ---- HelloRetryRequest: the client's key share (x25519) is not acceptable ---------------------
n=hrr
srv "$n" $(cert_args_ossl server-ecdsa) -quiet -groups P-256
cli "$n" --groups x25519:secp256r1
srv_end
hellos=$(grep -c ', ClientHello' "$TMP/$n.msg" 2>/dev/null)
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" group secp256r1 &&
    [ "$hellos" = 2 ] && grep -qF "hello $n" "$TMP/$n.srv.out"; then
    ok "ctls-client -> s_server HelloRetryRequest (x25519 share, server wants P-256)"
else
    not_ok "ctls-client -> s_server HelloRetryRequest (rc=$CLI_RC, ClientHellos=$hellos)" \
        $(files "$n") "$TMP/$n.msg"
fi

# ---- ALPN --------------------------------------------------------------------------------------
n=alpn
srv "$n" $(cert_args_ossl server-ecdsa) -quiet -alpn h2,http/1.1
cli "$n" --alpn foo,http/1.1
srv_end
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" alpn http/1.1; then
    ok "ctls-client -> s_server ALPN"
else
    not_ok "ctls-client -> s_server ALPN (rc=$CLI_RC)" $(files "$n")
fi

# ---- SNI: s_server logs the name received and switches certificates on it -------------------
# Default context: the good chain; for SNI "other.test.example" s_server switches to bad-host
# (wrong name, no chain), which ctls must then refuse.
n=sni
srv "$n" $(cert_args_ossl server-ecdsa) -servername other.test.example \
    -cert2 "$CERTS/bad-host.pem" -key2 "$CERTS/bad-host.key"
cli "$n"
srv_end
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" verify ok &&
    grep -qF 'Hostname in TLS extension: "localhost"' "$TMP/$n.srv.out"; then
    ok "ctls-client -> s_server SNI localhost sent"
else
    not_ok "ctls-client -> s_server SNI localhost sent (rc=$CLI_RC)" $(files "$n")
fi
n=sni-switch
srv "$n" $(cert_args_ossl server-ecdsa) -servername other.test.example \
    -cert2 "$CERTS/bad-host.pem" -key2 "$CERTS/bad-host.key"
cli "$n" --servername other.test.example
srv_end
if [ $CLI_RC -eq 1 ] && grep -q '^error: ' "$TMP/$n.cli.err" &&
    grep -qF 'Hostname in TLS extension: "other.test.example"' "$TMP/$n.srv.out"; then
    ok "ctls-client -> s_server --servername other.test.example selects the other certificate"
else
    not_ok "ctls-client -> s_server --servername other.test.example (rc=$CLI_RC)" $(files "$n")
fi

# ---- 1 MiB each way ----------------------------------------------------------------------------
n=bulk
head -c 1048576 /dev/urandom >"$TMP/up.bin"
head -c 1048576 /dev/urandom >"$TMP/down.bin"
PORT=$(free_port)
# s_server closes (close_notify) at its stdin EOF: let that come only after the upload arrived.
mkfifo "$TMP/$n.sin"
feed_until "$TMP/down.bin" "$TMP/$n.srv.out" 1048576 "$T" >"$TMP/$n.sin" &
BG_STDIN=$TMP/$n.sin
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
    $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
wait_listen "$PORT" 10
# The client's stdin ends only once all the server's data has arrived.
feed_until "$TMP/up.bin" "$TMP/$n.cli.out" 1048576 "$T" |
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" localhost "$PORT" \
        >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err"
CLI_RC=${PIPESTATUS[1]}
wait_pid "$SRV" 10
up=$(sha256sum <"$TMP/$n.srv.out" | cut -d' ' -f1)
down=$(sha256sum <"$TMP/$n.cli.out" | cut -d' ' -f1)
if [ $CLI_RC -eq 0 ] && [ "$up" = "$(sha256sum <"$TMP/up.bin" | cut -d' ' -f1)" ] &&
    [ "$down" = "$(sha256sum <"$TMP/down.bin" | cut -d' ' -f1)" ]; then
    ok "ctls-client <-> s_server 1 MiB each way (sha256 match)"
else
    not_ok "ctls-client <-> s_server 1 MiB each way (rc=$CLI_RC up=$(stat -c %s "$TMP/$n.srv.out") down=$(stat -c %s "$TMP/$n.cli.out"))" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- KeyUpdate sent by ctls (update_requested): openssl must take it, answer with its own
#      KeyUpdate before its next data, and the data must flow both ways afterwards.
n=ku-ctls
srv "$n" $(cert_args_ossl server-ecdsa) -quiet
mkfifo "$TMP/$n.cin"
(
    sleep 0.3
    echo "after key update $n"
    wait_file_text "$TMP/$n.cli.out" "server reply $n" "$T"
) >"$TMP/$n.cin" &
(
    wait_file_text "$TMP/$n.srv.out" "after key update $n" "$T"
    echo "server reply $n" >&7
) &
KPID=$!
CLI_IN=$TMP/$n.cin
cli "$n" --key-update
wait_pid $KPID 5 >/dev/null 2>&1
srv_end
if [ $CLI_RC -eq 0 ] && grep -q '<<< .*KeyUpdate' "$TMP/$n.msg" &&
    grep -q '>>> .*KeyUpdate' "$TMP/$n.msg" && grep -qF "after key update $n" "$TMP/$n.srv.out" &&
    grep -qF "server reply $n" "$TMP/$n.cli.out"; then
    ok "ctls-client KeyUpdate -> s_server (requested update answered, data both ways after)"
else
    not_ok "ctls-client KeyUpdate -> s_server (rc=$CLI_RC)" $(files "$n") "$TMP/$n.msg"
fi

# ---- KeyUpdate sent by openssl ("K" = update_requested) ----------------------------------------
n=ku-ossl
srv "$n" $(cert_args_ossl server-ecdsa)
mkfifo "$TMP/$n.cin"
(
    # keep the client's stdin open until the server's line arrived
    wait_file_text "$TMP/$n.cli.out" "from server after K" "$T"
    echo "from client after K"
    sleep 0.3
) >"$TMP/$n.cin" &
CLI_IN=$TMP/$n.cin
(
    wait_file_text "$TMP/$n.cli.err" "peer-certs:" 10 && sleep 0.3
    echo K >&7
    sleep 0.3
    echo "from server after K" >&7
) &
KPID=$!
cli "$n"
wait_pid $KPID 5 >/dev/null 2>&1
srv_end
if [ $CLI_RC -eq 0 ] && grep -qF "from server after K" "$TMP/$n.cli.out" &&
    grep -q '>>> .*KeyUpdate' "$TMP/$n.msg" && grep -q '<<< .*KeyUpdate' "$TMP/$n.msg" &&
    grep -qF "from client after K" "$TMP/$n.srv.out"; then
    ok "s_server KeyUpdate -> ctls-client (answered, data flows both ways after)"
else
    not_ok "s_server KeyUpdate -> ctls-client (rc=$CLI_RC)" $(files "$n") "$TMP/$n.msg"
fi

# ---- resumption with a ticket ------------------------------------------------------------------
n=resume
PORT=$(free_port)
hold_stdin "$n"
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 2 -tls1_3 -quiet \
    $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
wait_listen "$PORT" 10
cli "$n.1" --sess-out "$TMP/$n.sess"
rc1=$CLI_RC
cli "$n.2" --sess-in "$TMP/$n.sess"
rc2=$CLI_RC
stop "$SRV"
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && expect_summary "$TMP/$n.1.cli.err" resumed no &&
    expect_summary "$TMP/$n.2.cli.err" resumed yes; then
    ok "ctls-client -> s_server session resumption (ticket)"
else
    not_ok "ctls-client -> s_server session resumption (rc=$rc1/$rc2)" "$TMP/$n.1.cli.err" \
        "$TMP/$n.2.cli.err" "$TMP/$n.srv.err"
fi

# ---- client certificate ------------------------------------------------------------------------
n=clientauth
srv "$n" $(cert_args_ossl server-ecdsa) -quiet -Verify 2 -CAfile "$CERTS/ca.pem" \
    -verify_return_error
cli "$n" --cert "$CERTS/client.pem" --key "$CERTS/client.key"
srv_end
if [ $CLI_RC -eq 0 ] && grep -qF "hello $n" "$TMP/$n.srv.out"; then
    ok "ctls-client -> s_server client certificate (required by the server)"
else
    not_ok "ctls-client -> s_server client certificate (rc=$CLI_RC)" $(files "$n")
fi

# ---- TLS 1.2 (a smoke test; the 1.3 matrix above is the main course) ---------------------------
n=tls12
PORT=$(free_port)
hold_stdin "$n"
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_2 -quiet \
    $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
wait_listen "$PORT" 10
cli "$n"
wait_pid "$SRV" 10 >/dev/null 2>&1
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" version TLSv1.2 &&
    grep -qF "hello $n" "$TMP/$n.srv.out"; then
    ok "ctls-client -> s_server TLS 1.2"
else
    not_ok "ctls-client -> s_server TLS 1.2 (rc=$CLI_RC)" $(files "$n")
fi

# every TLS 1.2 suite (OpenSSL names), ECDSA and RSA, s_server 1.2-only
for pair in ECDHE-ECDSA-AES128-GCM-SHA256:ecdsa ECDHE-ECDSA-AES256-GCM-SHA384:ecdsa \
    ECDHE-ECDSA-CHACHA20-POLY1305:ecdsa ECDHE-RSA-AES128-GCM-SHA256:rsa \
    ECDHE-RSA-AES256-GCM-SHA384:rsa ECDHE-RSA-CHACHA20-POLY1305:rsa; do
    c=${pair%%:*} k=${pair##*:}
    n="tls12-$c"
    PORT=$(free_port)
    hold_stdin "$n"
    bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_2 -quiet \
        -cipher "$c" $(cert_args_ossl "server-$k")
    SRV=$BG_PID
    wait_listen "$PORT" 10
    cli "$n"
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" version TLSv1.2 &&
        grep -qF "hello $n" "$TMP/$n.srv.out"; then
        ok "ctls-client -> s_server TLS 1.2 $c"
    else
        not_ok "ctls-client -> s_server TLS 1.2 $c (rc=$CLI_RC)" $(files "$n")
    fi
done

n=tls12-rsa-clientauth
PORT=$(free_port)
hold_stdin "$n"
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_2 -quiet \
    $(cert_args_ossl server-rsa) -Verify 2 -CAfile "$CERTS/ca.pem" -verify_return_error
SRV=$BG_PID
wait_listen "$PORT" 10
cli "$n" --cert "$CERTS/client.pem" --key "$CERTS/client.key"
wait_pid "$SRV" 10 >/dev/null 2>&1
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" version TLSv1.2 &&
    grep -q '^cipher: TLS_ECDHE_RSA_' "$TMP/$n.cli.err" && grep -qF "hello $n" "$TMP/$n.srv.out"; then
    ok "ctls-client -> s_server TLS 1.2 RSA, client certificate required"
else
    not_ok "ctls-client -> s_server TLS 1.2 RSA client certificate (rc=$CLI_RC)" $(files "$n")
fi

finish
