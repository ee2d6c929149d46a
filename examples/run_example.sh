#!/bin/bash
# Runs an example against a real peer on loopback (used by CTest).
#   run_example.sh https_get PROGRAM CERTDIR
#       openssl s_server -www on a free port; https_get must print its status page.
#   run_example.sh epoll_echo_server PROGRAM CERTDIR CTLS_CLIENT
#       the server with --max-conns 3; three ctls-clients at once, 256 KiB each, echoed intact.
set -u
what=$1 prog=$2 certs=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ctls-example.XXXXXX")
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$TMP"' EXIT

fail() {
    echo "FAIL: $*"
    for f in "$TMP"/*.err; do [ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done
    exit 1
}

free_port() {
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
    done
}

wait_port() {
    for _ in $(seq 1 100); do
        ss -Htln "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

case $what in
https_get)
    port=$(free_port)
    timeout 30 openssl s_server -accept "127.0.0.1:$port" -naccept 1 -www -quiet \
        -cert "$certs/server-ecdsa.pem" -key "$certs/server-ecdsa.key" \
        -cert_chain "$certs/int.pem" </dev/null >"$TMP/server.out" 2>"$TMP/server.err" &
    PIDS+=($!)
    wait_port "$port" || fail "s_server did not listen"
    timeout 20 "$prog" --cafile "$certs/ca.pem" localhost "$port" / >"$TMP/get.out" 2>"$TMP/get.err"
    rc=$?
    [ $rc -eq 0 ] || fail "https_get exited with $rc"
    grep -q '^HTTP/1.0 200 ok' "$TMP/get.out" || fail "no HTTP 200 in the response"
    grep -q 'Ciphers supported in s_server binary' "$TMP/get.out" || fail "no status page"
    echo "ok - https_get fetched the s_server status page ($(wc -c <"$TMP/get.out") bytes)"
    ;;
epoll_echo_server)
    client=$4
    timeout 60 "$prog" --cert "$certs/server-ecdsa.pem" --key "$certs/server-ecdsa.key" \
        --port 0 --max-conns 3 >"$TMP/server.out" 2>"$TMP/server.err" &
    spid=$!
    PIDS+=($spid)
    port=
    for _ in $(seq 1 100); do
        port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/server.err")
        [ -n "$port" ] && break
        sleep 0.1
    done
    [ -n "$port" ] || fail "the server did not listen"
    cpids=()
    for i in 1 2 3; do
        head -c 262144 /dev/urandom >"$TMP/in$i"
        # stdin ends only after the whole echo came back, then the client closes.
        (
            cat "$TMP/in$i"
            for _ in $(seq 1 200); do
                [ "$(stat -c %s "$TMP/out$i" 2>/dev/null || echo 0)" -ge 262144 ] && break
                sleep 0.1
            done
        ) | timeout 30 "$client" --quiet --cafile "$certs/ca.pem" localhost "$port" \
            >"$TMP/out$i" 2>"$TMP/client$i.err" &
        cpids+=($!)
    done
    for i in 1 2 3; do
        wait "${cpids[$((i - 1))]}" || fail "client $i failed"
        cmp -s "$TMP/in$i" "$TMP/out$i" || fail "client $i: echo differs"
    done
    wait $spid || fail "the server exited with an error"
    echo "ok - epoll_echo_server echoed 3 concurrent clients x 256 KiB"
    ;;
*)
    fail "unknown example $what"
    ;;
esac
