#!/bin/sh
# `make demo`: a TLS 1.3 conversation between ctls-server and ctls-client on loopback.
# Usage: sh tools/demo.sh BUILD_DIR
set -u

BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")/.." && pwd)
CLIENT=$BUILD/ctls-client
SERVER=$BUILD/ctls-server
[ -x "$CLIENT" ] || CLIENT=$BUILD/tools/ctls-client
[ -x "$SERVER" ] || SERVER=$BUILD/tools/ctls-server
for t in "$CLIENT" "$SERVER"; do
    if [ ! -x "$t" ]; then
        echo "demo: $t not found (build first: make build)" >&2
        exit 1
    fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ctls-demo.XXXXXX")
SPID=
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }
indent() { sed 's/^/   /' "$@"; }
fail() {
    echo "demo FAILED: $*" >&2
    for f in "$TMP"/*.err; do
        [ -f "$f" ] && { echo "--- $(basename "$f")" >&2; cat "$f" >&2; }
    done
    exit 1
}

say "ctls demo: generating a test PKI"
if ! sh "$SRC/tests/certs/mkcerts.sh" "$TMP/certs" >"$TMP/mkcerts.err" 2>&1; then
    fail "certificate generation (tests/certs/mkcerts.sh)"
fi
echo "   root CA:      $TMP/certs/ca.pem"
echo "   server chain: $TMP/certs/server-ecdsa.pem (ECDSA P-256 leaf + intermediate)"

say "starting: ctls-server --echo --once on 127.0.0.1 (a free port)"
"$SERVER" --cert "$TMP/certs/server-ecdsa.pem" --key "$TMP/certs/server-ecdsa.key" \
    --port 0 --echo --once >"$TMP/server.out" 2>"$TMP/server.err" &
SPID=$!
PORT=
i=0
while [ $i -lt 100 ]; do
    PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/server.err")
    [ -n "$PORT" ] && break
    kill -0 "$SPID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
[ -n "$PORT" ] || fail "the server did not start listening"
echo "   server is listening on 127.0.0.1:$PORT"

MSG="Hello from ctls-client over TLS 1.3!"
say "running: echo '$MSG' | ctls-client --cafile ca.pem localhost $PORT"
echo "$MSG" | timeout 20 "$CLIENT" --cafile "$TMP/certs/ca.pem" localhost "$PORT" \
    >"$TMP/client.out" 2>"$TMP/client.err"
CRC=$?
i=0
while kill -0 "$SPID" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$SPID" 2>/dev/null; then
    kill "$SPID"
    fail "the server did not exit after the connection"
fi
wait "$SPID"
SRC_RC=$?
SPID=

say "client summary (stderr of ctls-client):"
indent "$TMP/client.err"
say "server summary (stderr of ctls-server):"
indent "$TMP/server.err"
say "server said: $(cat "$TMP/client.out")"

[ $CRC -eq 0 ] || fail "ctls-client exited with $CRC"
[ $SRC_RC -eq 0 ] || fail "ctls-server exited with $SRC_RC"
[ "$(cat "$TMP/client.out")" = "$MSG" ] || fail "the echo does not match what was sent"
grep -q '^verify: ok' "$TMP/client.err" || fail "the client did not verify the server"
say "demo OK: handshake verified, message echoed, both sides closed cleanly (exit 0)"
