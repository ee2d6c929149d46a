#!/bin/bash
# The command-line contract of ctls-client / ctls-server (DESIGN.md section 4), ctls against
# ctls: --request, --www, --showcerts, client certificates, --key-update, session files,
# SIGINT, a server that keeps serving after a failed client, exit statuses.
# Usage: tools.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")
GET='GET / HTTP/1.0\r\n\r\n'

# client NAME ARGS...: ctls-client --cafile ca.pem ARGS localhost PORT, stdin /dev/null.
client() {
    local name=$1
    shift
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" "$@" localhost "$PORT" \
        </dev/null >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
}

# ---- --request against --www, --showcerts -------------------------------------------------------
n=request-www
ctls_srv "$n" "${ECDSA[@]}" --www --once --alpn http/1.1
client "$n" --request "$GET" --showcerts --alpn http/1.1
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -q '^HTTP/1.0 200' "$TMP/$n.cli.out" &&
    grep -q '^sni: localhost' "$TMP/$n.cli.out" && grep -q '^alpn: http/1.1' "$TMP/$n.cli.out" &&
    expect_summary "$TMP/$n.cli.err" alpn http/1.1; then
    ok "ctls-client --request against ctls-server --www"
else
    not_ok "ctls-client --request against ctls-server --www (rc=$CLI_RC/$SRV_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.cli.out" "$TMP/$n.srv.err"
fi
certs=$(grep -c '^-----BEGIN CERTIFICATE-----' "$TMP/$n.cli.err")
subject=$(sed -n '/^-----BEGIN CERTIFICATE-----/,/^-----END CERTIFICATE-----/p' \
    "$TMP/$n.cli.err" | "$OPENSSL" x509 -noout -subject 2>/dev/null)
if [ "$certs" = 2 ] && echo "$subject" | grep -q 'CN *= *server-ecdsa'; then
    ok "ctls-client --showcerts prints the chain as PEM"
else
    not_ok "ctls-client --showcerts (certs=$certs subject=$subject)" "$TMP/$n.cli.err"
fi

# ---- ALPN with nothing in common: no_application_protocol, both exit 1 ---------------------------
n=alpn-mismatch
ctls_srv "$n" "${ECDSA[@]}" --www --once --alpn h2
client "$n" --request "$GET" --alpn http/1.1
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 1 ] && [ $SRV_RC -eq 1 ] &&
    grep -qxF "error: $(strerror NO_APPLICATION_PROTOCOL)" "$TMP/$n.srv.err" &&
    grep -q '^alert: no_application_protocol (120)' "$TMP/$n.cli.err"; then
    ok "ALPN mismatch: server sends no_application_protocol, both exit 1"
else
    not_ok "ALPN mismatch (rc=$CLI_RC/$SRV_RC)" "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- the server keeps serving after failed clients ------------------------------------------------
n=keep-serving
ctls_srv "$n" "${ECDSA[@]}" --www
# 1. plain-text garbage; 2. a client that rejects the certificate (no trust anchor for it).
(exec 3<>"/dev/tcp/127.0.0.1/$PORT" && printf 'garbage\r\n\r\n' >&3 && sleep 0.3) 2>/dev/null
timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/bad-selfsigned.pem" --request "$GET" \
    localhost "$PORT" </dev/null >"$TMP/$n.bad.out" 2>"$TMP/$n.bad.err"
bad_rc=$?
client "$n" --request "$GET"
stop "$SRV"
if [ $bad_rc -eq 1 ] && [ $CLI_RC -eq 0 ] && grep -q '^HTTP/1.0 200' "$TMP/$n.cli.out"; then
    ok "ctls-server --www keeps serving after failed clients"
else
    not_ok "ctls-server --www keeps serving after failed clients (bad rc=$bad_rc good rc=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

# ---- client certificates, ctls to ctls ------------------------------------------------------------
n=mutual
ctls_srv "$n" "${ECDSA[@]}" --www --once --require-client-cert --cafile "$CERTS/ca.pem"
client "$n" --request "$GET" --cert "$CERTS/client.pem" --key "$CERTS/client.key"
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -q '^verify: ok' "$TMP/$n.cli.out" &&
    grep -q '^peer-certs: 2' "$TMP/$n.cli.out" && expect_summary "$TMP/$n.srv.err" peer-certs 2; then
    ok "ctls-client --cert -> ctls-server --require-client-cert"
else
    not_ok "ctls-client --cert -> ctls-server --require-client-cert (rc=$CLI_RC/$SRV_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi
n=mutual-missing
ctls_srv "$n" "${ECDSA[@]}" --www --once --require-client-cert --cafile "$CERTS/ca.pem"
client "$n" --request "$GET"
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 1 ] && [ $SRV_RC -eq 1 ] && grep -q '^error: ' "$TMP/$n.cli.err" &&
    grep -q '^error: ' "$TMP/$n.srv.err"; then
    ok "ctls-client without --cert -> ctls-server --require-client-cert: both exit 1"
else
    not_ok "ctls-client without --cert -> --require-client-cert (rc=$CLI_RC/$SRV_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- --key-update on both sides, then echo ---------------------------------------------------------
n=key-update
ctls_srv "$n" "${ECDSA[@]}" --echo --once --key-update
mkfifo "$TMP/$n.cin"
(
    echo "hello $n"
    wait_file_text "$TMP/$n.cli.out" "hello $n" "$T"
) >"$TMP/$n.cin" &
timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" --key-update localhost "$PORT" \
    <"$TMP/$n.cin" >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err"
CLI_RC=$?
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -qxF "hello $n" "$TMP/$n.cli.out"; then
    ok "--key-update on ctls-client and ctls-server, echo after"
else
    not_ok "--key-update on both sides (rc=$CLI_RC/$SRV_RC)" "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- SIGINT on an interactive ctls-client: close_notify, exit 0 ----------------------------------
n=sigint
ctls_srv "$n" "${ECDSA[@]}" --echo --once
mkfifo "$TMP/$n.cin"
(
    echo "hello $n"
    exec sleep $((T + 5))
) >"$TMP/$n.cin" &
BG_PIDS+=("$!")
timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" localhost "$PORT" <"$TMP/$n.cin" \
    >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err" &
CLI=$!
if wait_file_text "$TMP/$n.cli.out" "hello $n" 10; then
    kill -INT "$(pgrep -P "$CLI" | head -n 1)" 2>/dev/null
fi
wait_pid $CLI 10
CLI_RC=$?
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ]; then
    ok "SIGINT: ctls-client sends close_notify and exits 0 (server exits 0)"
else
    not_ok "SIGINT: ctls-client (rc=$CLI_RC server rc=$SRV_RC)" "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- session files: --sess-out then --sess-in resumes ----------------------------------------------
n=resume
ctls_srv "$n" "${ECDSA[@]}" --www
client "$n.1" --request "$GET" --sess-out "$TMP/$n.sess"
rc1=$CLI_RC
client "$n.2" --request "$GET" --sess-in "$TMP/$n.sess"
rc2=$CLI_RC
stop "$SRV"
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ -s "$TMP/$n.sess" ] &&
    expect_summary "$TMP/$n.2.cli.err" resumed yes && grep -q '^resumed: yes' "$TMP/$n.2.cli.out"; then
    ok "ctls-client --sess-out / --sess-in resumes with ctls-server"
else
    not_ok "ctls-client --sess-out / --sess-in resumption (rc=$rc1/$rc2)" "$TMP/$n.1.cli.err" \
        "$TMP/$n.2.cli.err"
fi

# ---- TLS 1.2 between the tools ----------------------------------------------------------------------
n=tls12
ctls_srv "$n" "${ECDSA[@]}" --www --once --tls1.2
client "$n" --request "$GET" --tls1.2
wait_pid "$SRV" 10
SRV_RC=$?
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" version TLSv1.2 &&
    grep -q '^version: TLSv1.2' "$TMP/$n.cli.out"; then
    ok "ctls-client --tls1.2 -> ctls-server --tls1.2"
else
    not_ok "ctls-client --tls1.2 -> ctls-server --tls1.2 (rc=$CLI_RC/$SRV_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- exit statuses for bad invocations --------------------------------------------------------------
timeout 5 "$CTLS_CLIENT" >/dev/null 2>&1
r1=$?
timeout 5 "$CTLS_CLIENT" --no-such-option localhost 1 >/dev/null 2>&1
r2=$?
timeout 5 "$CTLS_SERVER" --port 0 >/dev/null 2>&1
r3=$?
timeout 5 "$CTLS_CLIENT" --cafile "$TMP/does-not-exist.pem" localhost 1 >/dev/null \
    2>"$TMP/nofile.err"
r4=$?
if [ $r1 -eq 1 ] && [ $r2 -eq 1 ] && [ $r3 -eq 1 ] && [ $r4 -eq 1 ] &&
    grep -q '^error: ' "$TMP/nofile.err"; then
    ok "bad invocations exit 1"
else
    not_ok "bad invocations exit 1 (got $r1 $r2 $r3 $r4)" "$TMP/nofile.err"
fi

# ---- --timeout: a silent client is dropped after the handshake timeout -----------------------------
n=timeout
ctls_srv "$n" "${ECDSA[@]}" --echo --once --timeout 300
start=$(date +%s)
(exec 3<>"/dev/tcp/127.0.0.1/$PORT" && sleep 3) 2>/dev/null &
silent=$!
wait_pid "$SRV" 5 >/dev/null 2>&1
SRV_RC=$?
took=$(($(date +%s) - start))
kill "$silent" 2>/dev/null
if [ $SRV_RC -eq 1 ] && [ $took -le 2 ] &&
    grep -qxF "error: $(strerror TIMEOUT)" "$TMP/$n.srv.err"; then
    ok "--timeout 300: a silent client is dropped with the timeout error"
else
    not_ok "--timeout 300 (rc=$SRV_RC, ${took}s)" "$TMP/$n.srv.err"
fi

finish
