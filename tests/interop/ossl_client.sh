#!/bin/bash
# ctls-server against openssl s_client (TLS 1.3): every suite x every group, ECDSA / RSA /
# P-384 / Ed25519 certificates, HelloRetryRequest, ALPN, SNI, 1 MiB each way, KeyUpdate from
# each side, resumption, client certificates.
# Usage: ossl_client.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

# scli NAME ARGS...: openssl s_client to the ctls-server on $PORT, verifying it, stdin from
# $SCLI_IN (default: a line, and the input EOF is ignored: s_client runs until the server
# closes). SCLI_RC, $TMP/NAME.scli.out / .scli.err, protocol messages in $TMP/NAME.msg.
SCLI_IN=
scli() {
    local name=$1
    shift
    if [ -z "$SCLI_IN" ]; then
        echo "hello from s_client $name" >"$TMP/$name.scli.in"
        SCLI_IN=$TMP/$name.scli.in
    fi
    timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -servername localhost \
        -verify_hostname localhost -CAfile "$CERTS/ca.pem" -verify_return_error \
        -msg -msgfile "$TMP/$name.msg" "$@" <"$SCLI_IN" >"$TMP/$name.scli.out" \
        2>"$TMP/$name.scli.err"
    SCLI_RC=$?
    SCLI_IN=
}

# server_in NAME: stdin for a one-connection ctls-server: a line, then EOF only once the
# client's line has arrived (so neither side closes before the other direction is done).
server_in() {
    local name=$1
    mkfifo "$TMP/$name.sin"
    (
        echo "hello from ctls-server $name"
        wait_file_text "$TMP/$name.srv.out" "hello from s_client $name" "$T"
    ) >"$TMP/$name.sin" &
    BG_STDIN=$TMP/$name.sin
}

# exchange NAME SERVER-ARGS -- CLIENT-ARGS: one connection, one line each way. Sets SRV_RC.
exchange() {
    local name=$1 sargs=() cargs=()
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        sargs+=("$1")
        shift
    done
    shift
    cargs=("$@")
    server_in "$name"
    ctls_srv "$name" "${sargs[@]}"
    scli "$name" -quiet "${cargs[@]}"
    wait_pid "$SRV" 10
    SRV_RC=$?
}

exchanged() {
    [ $SRV_RC -eq 0 ] && [ $SCLI_RC -eq 0 ] && grep -qF "hello from s_client $1" "$TMP/$1.srv.out" &&
        grep -qF "hello from ctls-server $1" "$TMP/$1.scli.out"
}

files() { echo "$TMP/$1.srv.err" "$TMP/$1.scli.err" "$TMP/$1.scli.out"; }

ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# ---- suites x groups ---------------------------------------------------------------------------
for suite in $SUITES; do
    for group in $GROUPS_ALL; do
        n="suite-$suite-$group"
        exchange "$n" "${ECDSA[@]}" --ciphers "$suite" --groups "$group" -- \
            -tls1_3 -ciphersuites "$suite" -groups "$(ossl_group "$group")"
        if exchanged "$n" && expect_summary "$TMP/$n.srv.err" version TLSv1.3 &&
            expect_summary "$TMP/$n.srv.err" cipher "$suite" &&
            expect_summary "$TMP/$n.srv.err" group "$group"; then
            ok "s_client -> ctls-server $suite $group"
        else
            not_ok "s_client -> ctls-server $suite $group (server rc=$SRV_RC)" $(files "$n")
        fi
    done
done

# ---- certificate types -------------------------------------------------------------------------
for cert in server-ecdsa server-rsa server-p384 server-ed25519; do
    n="cert-$cert"
    exchange "$n" --cert "$CERTS/$cert.pem" --key "$CERTS/$cert.key" -- -tls1_3
    if exchanged "$n"; then
        ok "s_client -> ctls-server certificate $cert"
    else
        not_ok "s_client -> ctls-server certificate $cert (server rc=$SRV_RC)" $(files "$n")
    fi
done

# ---- HelloRetryRequest: s_client shares x25519, ctls-server only takes secp384r1 --------------
n=hrr
exchange "$n" "${ECDSA[@]}" --groups secp384r1 -- -tls1_3 -groups X25519:P-384
hellos=$(grep -c '>>> .*ClientHello' "$TMP/$n.msg" 2>/dev/null)
if exchanged "$n" && expect_summary "$TMP/$n.srv.err" group secp384r1 && [ "$hellos" = 2 ]; then
    ok "s_client -> ctls-server HelloRetryRequest (x25519 share, server wants secp384r1)"
else
    not_ok "s_client -> ctls-server HelloRetryRequest (server rc=$SRV_RC, ClientHellos=$hellos)" \
        $(files "$n") "$TMP/$n.msg"
fi

# ---- ALPN --------------------------------------------------------------------------------------
n=alpn
exchange "$n" "${ECDSA[@]}" --alpn h2,http/1.1 -- -tls1_3 -alpn foo,http/1.1
if exchanged "$n" && expect_summary "$TMP/$n.srv.err" alpn http/1.1; then
    ok "s_client -> ctls-server ALPN"
else
    not_ok "s_client -> ctls-server ALPN (server rc=$SRV_RC)" $(files "$n")
fi

# ---- SNI (the --www page reports the name received) and --www itself ---------------------------
n=sni
ctls_srv "$n" "${ECDSA[@]}" --www --once
printf 'GET / HTTP/1.0\r\n\r\n' >"$TMP/$n.get"
SCLI_IN=$TMP/$n.get
scli "$n" -tls1_3 -ign_eof
wait_pid "$SRV" 10
SRV_RC=$?
if [ $SRV_RC -eq 0 ] && grep -q '^sni: localhost' "$TMP/$n.scli.out" &&
    grep -q '^HTTP/1.0 200' "$TMP/$n.scli.out"; then
    ok "s_client -> ctls-server --www shows SNI localhost"
else
    not_ok "s_client -> ctls-server SNI / --www (server rc=$SRV_RC)" $(files "$n")
fi

# ---- 1 MiB each way ----------------------------------------------------------------------------
n=bulk
head -c 1048576 /dev/urandom >"$TMP/up.bin"
head -c 1048576 /dev/urandom >"$TMP/down.bin"
mkfifo "$TMP/$n.sin"
(
    cat "$TMP/down.bin"
    wait_size "$TMP/$n.srv.out" 1048576 "$T"
) >"$TMP/$n.sin" &
BG_STDIN=$TMP/$n.sin
ctls_srv "$n" "${ECDSA[@]}"
SCLI_IN=$TMP/up.bin
scli "$n" -tls1_3 -quiet
wait_pid "$SRV" 10
SRV_RC=$?
up=$(sha256sum <"$TMP/$n.srv.out" | cut -d' ' -f1)
down=$(sha256sum <"$TMP/$n.scli.out" | cut -d' ' -f1)
if [ $SRV_RC -eq 0 ] && [ "$up" = "$(sha256sum <"$TMP/up.bin" | cut -d' ' -f1)" ] &&
    [ "$down" = "$(sha256sum <"$TMP/down.bin" | cut -d' ' -f1)" ]; then
    ok "s_client <-> ctls-server 1 MiB each way (sha256 match)"
else
    not_ok "s_client <-> ctls-server 1 MiB each way (server rc=$SRV_RC up=$(stat -c %s "$TMP/$n.srv.out") down=$(stat -c %s "$TMP/$n.scli.out"))" \
        "$TMP/$n.srv.err" "$TMP/$n.scli.err"
fi

# ---- KeyUpdate sent by ctls-server (update_requested): s_client must take it, answer with its
#      own KeyUpdate before its next data (it writes only after the server's line arrived).
n=ku-ctls
mkfifo "$TMP/$n.cin"
(
    wait_file_text "$TMP/$n.scli.out" "hello from ctls-server $n" "$T"
    echo "hello from s_client $n"
) >"$TMP/$n.cin" &
SCLI_IN=$TMP/$n.cin
server_in "$n"
ctls_srv "$n" "${ECDSA[@]}" --key-update
scli "$n" -quiet -tls1_3
wait_pid "$SRV" 10
SRV_RC=$?
if exchanged "$n" && grep -q '<<< .*KeyUpdate' "$TMP/$n.msg" &&
    grep -q '>>> .*KeyUpdate' "$TMP/$n.msg"; then
    ok "ctls-server KeyUpdate -> s_client (requested update answered, data both ways after)"
else
    not_ok "ctls-server KeyUpdate -> s_client (server rc=$SRV_RC)" $(files "$n") "$TMP/$n.msg"
fi

# ---- KeyUpdate sent by s_client ("K" = update_requested) ---------------------------------------
n=ku-ossl
mkfifo "$TMP/$n.sin" "$TMP/$n.cin"
(
    wait_file_text "$TMP/$n.srv.out" "from client after K" "$T"
    echo "from server after K"
    sleep 0.5
) >"$TMP/$n.sin" &
BG_STDIN=$TMP/$n.sin
ctls_srv "$n" "${ECDSA[@]}"
(
    wait_file_text "$TMP/$n.srv.err" "peer-certs:" 10 && sleep 0.3
    echo K
    sleep 0.3
    echo "from client after K"
    wait_file_text "$TMP/$n.scli.out" "from server after K" "$T"
    sleep 0.3
) >"$TMP/$n.cin" &
SCLI_IN=$TMP/$n.cin
scli "$n" -tls1_3
wait_pid "$SRV" 10
SRV_RC=$?
if [ $SRV_RC -eq 0 ] && grep -qF "from client after K" "$TMP/$n.srv.out" &&
    grep -qF "from server after K" "$TMP/$n.scli.out" &&
    grep -q '>>> .*KeyUpdate' "$TMP/$n.msg" && grep -q '<<< .*KeyUpdate' "$TMP/$n.msg"; then
    ok "s_client KeyUpdate -> ctls-server (answered, data flows both ways after)"
else
    not_ok "s_client KeyUpdate -> ctls-server (server rc=$SRV_RC)" $(files "$n") "$TMP/$n.msg"
fi

# ---- resumption ---------------------------------------------------------------------------------
n=resume
ctls_srv "$n" "${ECDSA[@]}" --www
printf 'GET / HTTP/1.0\r\n\r\n' >"$TMP/$n.get"
SCLI_IN=$TMP/$n.get
scli "$n.1" -tls1_3 -ign_eof -sess_out "$TMP/$n.sess"
SCLI_IN=$TMP/$n.get
scli "$n.2" -tls1_3 -ign_eof -sess_in "$TMP/$n.sess"
stop "$SRV"
if grep -q '^resumed: no' "$TMP/$n.1.scli.out" && grep -q '^resumed: yes' "$TMP/$n.2.scli.out" &&
    grep -q '^Reused, TLSv1.3' "$TMP/$n.2.scli.out"; then
    ok "s_client -> ctls-server session resumption (ticket)"
else
    not_ok "s_client -> ctls-server session resumption" "$TMP/$n.srv.err" "$TMP/$n.1.scli.out" \
        "$TMP/$n.2.scli.out"
fi

# ---- client certificates -----------------------------------------------------------------------
n=clientauth
ctls_srv "$n" "${ECDSA[@]}" --www --once --require-client-cert --cafile "$CERTS/ca.pem"
SCLI_IN=$TMP/sni.get
scli "$n" -tls1_3 -ign_eof -cert "$CERTS/client.pem" -key "$CERTS/client.key" \
    -cert_chain "$CERTS/int.pem"
wait_pid "$SRV" 10
SRV_RC=$?
if [ $SRV_RC -eq 0 ] && grep -q '^verify: ok' "$TMP/$n.scli.out" &&
    grep -q '^peer-certs: 2' "$TMP/$n.scli.out"; then
    ok "s_client -> ctls-server client certificate verified"
else
    not_ok "s_client -> ctls-server client certificate (server rc=$SRV_RC)" $(files "$n")
fi

n=clientauth-missing
ctls_srv "$n" "${ECDSA[@]}" --www --once --require-client-cert --cafile "$CERTS/ca.pem"
SCLI_IN=$TMP/sni.get
scli "$n" -tls1_3 -ign_eof
wait_pid "$SRV" 10
SRV_RC=$?
if [ $SRV_RC -eq 1 ] && grep -q '^error: ' "$TMP/$n.srv.err" &&
    ! grep -q '^HTTP/1.0 200' "$TMP/$n.scli.out"; then
    ok "s_client without certificate -> ctls-server --require-client-cert fails"
else
    not_ok "s_client without certificate -> ctls-server --require-client-cert (server rc=$SRV_RC)" \
        $(files "$n")
fi

# ---- TLS 1.2 smoke test --------------------------------------------------------------------------
n=tls12
exchange "$n" "${ECDSA[@]}" -- -tls1_2
if exchanged "$n" && expect_summary "$TMP/$n.srv.err" version TLSv1.2; then
    ok "s_client -> ctls-server TLS 1.2"
else
    not_ok "s_client -> ctls-server TLS 1.2 (server rc=$SRV_RC)" $(files "$n")
fi

# every TLS 1.2 suite (OpenSSL names), ECDSA and RSA, s_client 1.2-only
for pair in ECDHE-ECDSA-AES128-GCM-SHA256:ecdsa ECDHE-ECDSA-AES256-GCM-SHA384:ecdsa \
    ECDHE-ECDSA-CHACHA20-POLY1305:ecdsa ECDHE-RSA-AES128-GCM-SHA256:rsa \
    ECDHE-RSA-AES256-GCM-SHA384:rsa ECDHE-RSA-CHACHA20-POLY1305:rsa; do
    c=${pair%%:*} k=${pair##*:}
    n="tls12-$c"
    exchange "$n" --cert "$CERTS/server-$k.pem" --key "$CERTS/server-$k.key" -- -tls1_2 -cipher "$c"
    if exchanged "$n" && expect_summary "$TMP/$n.srv.err" version TLSv1.2; then
        ok "s_client -> ctls-server TLS 1.2 $c"
    else
        not_ok "s_client -> ctls-server TLS 1.2 $c (server rc=$SRV_RC)" $(files "$n")
    fi
done

n=tls12-rsa-clientauth
ctls_srv "$n" --cert "$CERTS/server-rsa.pem" --key "$CERTS/server-rsa.key" --www --once \
    --require-client-cert --cafile "$CERTS/ca.pem"
SCLI_IN=$TMP/sni.get
scli "$n" -tls1_2 -ign_eof -cert "$CERTS/client.pem" -key "$CERTS/client.key" \
    -cert_chain "$CERTS/int.pem"
wait_pid "$SRV" 10
SRV_RC=$?
if [ $SRV_RC -eq 0 ] && grep -q '^version: TLSv1.2' "$TMP/$n.scli.out" &&
    grep -q '^cipher: TLS_ECDHE_RSA_' "$TMP/$n.scli.out" &&
    grep -q '^verify: ok' "$TMP/$n.scli.out"; then
    ok "s_client -> ctls-server TLS 1.2 RSA, client certificate verified"
else
    not_ok "s_client -> ctls-server TLS 1.2 RSA client certificate (server rc=$SRV_RC)" \
        $(files "$n")
fi

finish
