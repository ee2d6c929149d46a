#!/bin/bash
# Shutdown orderings against real peers: ctls closes first, the peer closes first, and the
# peer disappears without close_notify (truncation), for ctls-client (vs openssl s_server) and
# ctls-server (vs openssl s_client).
# Usage: shutdown.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

TRUNC_TEXT=$(strerror TRUNCATED)
[ -n "$TRUNC_TEXT" ] || TRUNC_TEXT="(no text for CTLS_ERR_TRUNCATED in src/api/errors.c)"

# child_of PID: the process `timeout` runs (the real peer), to kill it without warning.
child_of() { pgrep -P "$1" | head -n 1; }

# ---- ctls-client vs s_server -------------------------------------------------------------------

# 1. ctls-client closes first: stdin EOF -> close_notify; s_server answers with its own.
n=client-closes-first
PORT=$(free_port)
hold_stdin "$n"
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
    -msg -msgfile "$TMP/$n.msg" $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
wait_listen "$PORT" 10
echo "hello $n" | timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" localhost "$PORT" \
    >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err"
CLI_RC=$?
wait_pid "$SRV" 10 >/dev/null 2>&1
if [ $CLI_RC -eq 0 ] && grep -q '<<< .*close_notify' "$TMP/$n.msg" &&
    grep -q '>>> .*close_notify' "$TMP/$n.msg"; then
    ok "ctls-client closes first: close_notify both ways, exit 0"
else
    not_ok "ctls-client closes first (rc=$CLI_RC)" "$TMP/$n.cli.err" "$TMP/$n.msg"
fi

# 2. s_server closes first (its stdin ends: it sends its data and close_notify); ctls-client's
#    stdin stays open, it must answer and exit 0 on its own.
#    s_server's stdin gets its line only once s_server has finished the handshake (its tickets
#    are out): when stdin and the client's handshake records are readable at the same time,
#    s_server answers stdin with SSL_write and then blocks in SSL_read on the socket, never
#    seeing its stdin EOF while the client, correctly, waits (seen under CPU load in CI).
n=server-closes-first
PORT=$(free_port)
mkfifo "$TMP/$n.sin"
BG_STDIN=$TMP/$n.sin
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
    -no_ign_eof -msg -msgfile "$TMP/$n.msg" $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
exec 7>"$TMP/$n.sin" # the only writer: children below close their copy (7>&-)
wait_listen "$PORT" 10
mkfifo "$TMP/$n.cin"
(sleep $((T + 5))) >"$TMP/$n.cin" 7>&- &
HOLD=$!
BG_PIDS+=("$HOLD")
start=$SECONDS
timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" localhost "$PORT" <"$TMP/$n.cin" \
    >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err" 7>&- &
CLI=$!
wait_file_text "$TMP/$n.msg" "NewSessionTicket" 10
printf 'bye from s_server\n' >&7
exec 7>&-
wait_pid $CLI $((T + 5))
CLI_RC=$?
took=$((SECONDS - start))
kill $HOLD 2>/dev/null
wait_pid "$SRV" 10 >/dev/null 2>&1
if [ $CLI_RC -eq 0 ] && [ $took -lt $T ] && grep -qF 'bye from s_server' "$TMP/$n.cli.out" &&
    grep -m 1 'close_notify' "$TMP/$n.msg" | grep -q '^>>>'; then
    ok "s_server closes first: ctls-client answers and exits 0"
else
    not_ok "s_server closes first (rc=$CLI_RC, ${took}s)" "$TMP/$n.cli.err" "$TMP/$n.msg"
fi

# 3. s_server killed after the handshake: ctls-client must report truncation.
n=server-killed
PORT=$(free_port)
mkfifo "$TMP/$n.sin"
BG_STDIN=$TMP/$n.sin
bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 -tls1_3 -quiet \
    $(cert_args_ossl server-ecdsa)
SRV=$BG_PID
exec 7>"$TMP/$n.sin"
wait_listen "$PORT" 10
mkfifo "$TMP/$n.cin"
(
    echo "hello $n"
    sleep $((T + 5))
) >"$TMP/$n.cin" &
HOLD=$!
BG_PIDS+=("$HOLD")
timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" localhost "$PORT" <"$TMP/$n.cin" \
    >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err" &
CLI=$!
if wait_file_text "$TMP/$n.srv.out" "hello $n" 10; then
    kill -9 "$(child_of "$SRV")" 2>/dev/null
fi
wait_pid $CLI 10
CLI_RC=$?
kill $HOLD 2>/dev/null
exec 7>&-
stop "$SRV"
if [ $CLI_RC -eq 1 ] && grep -qxF "error: $TRUNC_TEXT" "$TMP/$n.cli.err"; then
    ok "s_server killed: ctls-client reports \"$TRUNC_TEXT\""
else
    not_ok "s_server killed: expected exit 1 and \"error: $TRUNC_TEXT\" (rc=$CLI_RC)" \
        "$TMP/$n.cli.err"
fi

# ---- ctls-server vs s_client -------------------------------------------------------------------

# 4. ctls-server closes first (its stdin ends); s_client (-ign_eof) answers close_notify.
n=server-ctls-closes-first
printf 'bye from ctls-server\n' >"$TMP/$n.sin"
BG_STDIN=$TMP/$n.sin
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
mkfifo "$TMP/$n.cin"
(sleep $((T + 5))) >"$TMP/$n.cin" &
HOLD=$!
BG_PIDS+=("$HOLD")
timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_3 -quiet -ign_eof \
    -msg -msgfile "$TMP/$n.msg" <"$TMP/$n.cin" >"$TMP/$n.scli.out" 2>"$TMP/$n.scli.err"
wait_pid "$SRV" 10
SRV_RC=$?
kill $HOLD 2>/dev/null
if [ $SRV_RC -eq 0 ] && grep -qF 'bye from ctls-server' "$TMP/$n.scli.out" &&
    grep -q '<<< .*close_notify' "$TMP/$n.msg" && grep -q '>>> .*close_notify' "$TMP/$n.msg"; then
    ok "ctls-server closes first: close_notify both ways, exit 0"
else
    not_ok "ctls-server closes first (server rc=$SRV_RC)" "$TMP/$n.srv.err" "$TMP/$n.msg"
fi

# 5. s_client closes first (stdin EOF with -no_ign_eof); ctls-server's stdin stays open.
n=client-ossl-closes-first
mkfifo "$TMP/$n.sin"
(sleep $((T + 5))) >"$TMP/$n.sin" &
HOLD=$!
BG_PIDS+=("$HOLD")
BG_STDIN=$TMP/$n.sin
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
echo "bye from s_client" | timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" \
    -tls1_3 -quiet -no_ign_eof -msg -msgfile "$TMP/$n.msg" >"$TMP/$n.scli.out" \
    2>"$TMP/$n.scli.err"
wait_pid "$SRV" 10
SRV_RC=$?
kill $HOLD 2>/dev/null
if [ $SRV_RC -eq 0 ] && grep -qF 'bye from s_client' "$TMP/$n.srv.out"; then
    ok "s_client closes first: ctls-server answers and exits 0"
else
    not_ok "s_client closes first (server rc=$SRV_RC)" "$TMP/$n.srv.err" "$TMP/$n.msg"
fi

# 6. s_client killed after the handshake: ctls-server must report truncation.
n=client-killed
mkfifo "$TMP/$n.sin"
(sleep $((T + 5))) >"$TMP/$n.sin" &
HOLD=$!
BG_PIDS+=("$HOLD")
BG_STDIN=$TMP/$n.sin
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key"
mkfifo "$TMP/$n.cin"
BG_STDIN=$TMP/$n.cin
bg "$n.scli" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_3 -quiet
SCLI=$BG_PID
exec 8>"$TMP/$n.cin"
echo "hello $n" >&8
if wait_file_text "$TMP/$n.srv.out" "hello $n" 10; then
    kill -9 "$(child_of "$SCLI")" 2>/dev/null
fi
wait_pid "$SRV" 10
SRV_RC=$?
exec 8>&-
kill $HOLD 2>/dev/null
stop "$SCLI"
if [ $SRV_RC -eq 1 ] && grep -qxF "error: $TRUNC_TEXT" "$TMP/$n.srv.err"; then
    ok "s_client killed: ctls-server reports \"$TRUNC_TEXT\""
else
    not_ok "s_client killed: expected exit 1 and \"error: $TRUNC_TEXT\" (server rc=$SRV_RC)" \
        "$TMP/$n.srv.err"
fi

# 7. SIGTERM: ctls-server --echo exits 0 and a connected ctls-client sees a clean close.
n=sigterm
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --echo
mkfifo "$TMP/$n.cin"
(
    echo "hello $n"
    sleep $((T + 5))
) >"$TMP/$n.cin" &
HOLD=$!
BG_PIDS+=("$HOLD")
timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" localhost "$PORT" <"$TMP/$n.cin" \
    >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err" &
CLI=$!
if wait_file_text "$TMP/$n.cli.out" "hello $n" 10; then
    kill -TERM "$(child_of "$SRV")" 2>/dev/null
fi
wait_pid "$SRV" 10
SRV_RC=$?
wait_pid $CLI 10
CLI_RC=$?
kill $HOLD 2>/dev/null
if [ $SRV_RC -eq 0 ] && [ $CLI_RC -eq 0 ]; then
    ok "SIGTERM: ctls-server --echo closes cleanly (server 0, client 0)"
else
    not_ok "SIGTERM: ctls-server --echo (server rc=$SRV_RC client rc=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.err"
fi

finish
