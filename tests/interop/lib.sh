# shellcheck shell=bash
# Common helpers for the interop scripts (bash). Source it first:
#
#   . "$(dirname "$0")/lib.sh" "$@"      # args: [CTLS_CLIENT [CTLS_SERVER]]
#
# Tool paths come from the arguments or the environment (CTLS_CLIENT, CTLS_SERVER), else from
# build/tools/. Certificates: $CTLS_CERTS when it holds ca.pem (CTest generates them once),
# else generated into the temp dir with tests/certs/mkcerts.sh.
#
# Every case prints "ok - NAME" or "not ok - NAME"; `finish` prints "N passed, N failed" and
# gives the exit status. Everything is bounded in time: servers are started with `timeout`,
# waits poll with a deadline, and the EXIT trap kills whatever is still running.

set -u

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR=$(cd "$INTEROP_DIR/../.." && pwd)
CTLS_CLIENT=${1:-${CTLS_CLIENT:-$SRC_DIR/build/tools/ctls-client}}
CTLS_SERVER=${2:-${CTLS_SERVER:-$SRC_DIR/build/tools/ctls-server}}
if [ ! -x "$CTLS_CLIENT" ] && [ -x "$SRC_DIR/build/ctls-client" ]; then
    CTLS_CLIENT=$SRC_DIR/build/ctls-client
    CTLS_SERVER=$SRC_DIR/build/ctls-server
fi
OPENSSL=${OPENSSL:-openssl}
# Default bound for one tool run, in seconds.
T=${INTEROP_TIMEOUT:-20}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ctls-interop.XXXXXX")
PASS=0
FAIL=0
BG_PIDS=()

cleanup() {
    local p
    # Every background job of this script too (fifo feeders, waiters): nothing may outlive the
    # test and hold CTest's output pipe open.
    for p in $(jobs -p); do
        kill "$p" 2>/dev/null
    done
    for p in "${BG_PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${BG_PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    # Close any fifo writers we hold open.
    exec 7>&- 8>&- 9>&- 2>/dev/null
    if [ -n "${KEEP_TMP:-}" ]; then
        echo "# temp files kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in "$CTLS_CLIENT" "$CTLS_SERVER"; do
    if [ ! -x "$tool" ]; then
        echo "not ok - tool missing: $tool"
        echo "0 passed, 1 failed"
        exit 1
    fi
done

# ---- reporting ----------------------------------------------------------------------------

ok() {
    echo "ok - $1"
    PASS=$((PASS + 1))
}

# not_ok NAME [FILE...]: reports a failure and shows the tail of each FILE as diagnostics.
not_ok() {
    local name=$1 f
    shift
    echo "not ok - $name"
    for f in "$@"; do
        if [ -f "$f" ]; then
            echo "#   --- $(basename "$f") (last lines)"
            tail -n 15 "$f" | cut -c1-200 | sed 's/^/#   /'
        fi
    done
    FAIL=$((FAIL + 1))
}

# check NAME COND-RESULT FILE...: ok when the previous command list returned 0.
# Usage: if cond; then ok NAME; else not_ok NAME files...; fi  (check is sugar for it)
check() {
    local name=$1 rc=$2
    shift 2
    if [ "$rc" -eq 0 ]; then ok "$name"; else not_ok "$name" "$@"; fi
}

finish() {
    echo "$PASS passed, $FAIL failed"
    [ "$FAIL" -eq 0 ]
    exit $?
}

# skip_all REASON: nothing can run here (exit 77 = CTest SKIP_RETURN_CODE).
skip_all() {
    echo "# skipped: $1"
    echo "0 passed, 0 failed"
    exit 77
}

# ---- certificates -------------------------------------------------------------------------

if [ -n "${CTLS_CERTS:-}" ] && [ -f "${CTLS_CERTS}/ca.pem" ]; then
    CERTS=$CTLS_CERTS
else
    CERTS=$TMP/certs
    if ! sh "$SRC_DIR/tests/certs/mkcerts.sh" "$CERTS" >"$TMP/mkcerts.log" 2>&1; then
        echo "not ok - certificate generation"
        cat "$TMP/mkcerts.log"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

# ---- ports and processes ------------------------------------------------------------------

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now, outside the
# kernel's ephemeral range: a port there can be the source port of some other test's client
# connection, which ss -ltn does not show and which makes the server's bind fail.
free_port() {
    local p i lo=32768 hi=60999 base span
    read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
    if [ "$lo" -gt 12000 ]; then
        base=10000 span=$((lo - 10000))
    else
        base=$((hi + 1)) span=$((65535 - hi))
    fi
    for i in $(seq 1 200); do
        p=$((base + (RANDOM * 32768 + RANDOM) % span))
        if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
            echo "$p"
            return 0
        fi
    done
    echo 0
    return 1
}

# wait_listen PORT [SECONDS]: waits until something listens on 127.0.0.1:PORT.
wait_listen() {
    local port=$1 limit=$(((${2:-10}) * 10)) i
    for i in $(seq 1 "$limit"); do
        if ss -Htln "sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# wait_file_text FILE TEXT [SECONDS]: waits until FILE contains the fixed string TEXT.
wait_file_text() {
    local file=$1 text=$2 limit=$(((${3:-10}) * 10)) i
    for i in $(seq 1 "$limit"); do
        if [ -f "$file" ] && grep -qF -- "$text" "$file"; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# wait_size FILE BYTES [SECONDS]: waits until FILE holds at least BYTES bytes.
wait_size() {
    local file=$1 size=$2 limit=$(((${3:-10}) * 10)) i
    for i in $(seq 1 "$limit"); do
        if [ -f "$file" ] && [ "$(stat -c %s "$file")" -ge "$size" ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# wait_pid PID [SECONDS]: waits for a background process; its exit status, or 124 if it had
# to be killed.
wait_pid() {
    local pid=$1 limit=$(((${2:-$T}) * 10)) i
    for i in $(seq 1 "$limit"); do
        if ! kill -0 "$pid" 2>/dev/null; then
            wait "$pid"
            return $?
        fi
        sleep 0.1
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 124
}

# bg NAME CMD...: runs CMD in the background under `timeout`, stdout in $TMP/NAME.out, stderr
# in $TMP/NAME.err, stdin from /dev/null unless redirected by the caller via BG_STDIN; the pid
# is in $BG_PID.
BG_STDIN=/dev/null
bg() {
    local name=$1
    shift
    timeout -k 2 "${BG_TIMEOUT:-$((T + 10))}" "$@" <"$BG_STDIN" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    BG_PID=$!
    BG_PIDS+=("$BG_PID")
    BG_STDIN=/dev/null
}

# stop PID: SIGTERM, then wait (bounded).
stop() {
    kill "$1" 2>/dev/null
    wait_pid "$1" 5 >/dev/null 2>&1
    return 0
}

# feed_until FILE OUT SIZE [SECONDS]: prints FILE, then waits until OUT holds SIZE bytes
# (use as the stdin of a tool that must not close before the other direction is done).
feed_until() {
    cat "$1"
    wait_size "$2" "$3" "${4:-$T}"
}

# ---- peers ----------------------------------------------------------------------------------

have_gnutls() { command -v gnutls-serv >/dev/null 2>&1 && command -v gnutls-cli >/dev/null 2>&1; }

# cert_args_ossl NAME: openssl s_server arguments for the certificate NAME (leaf + chain).
cert_args_ossl() {
    case $1 in
    bad-noint | bad-selfsigned) echo "-cert $CERTS/$1.pem -key $CERTS/$1.key" ;;
    *) echo "-cert $CERTS/$1.pem -key $CERTS/$1.key -cert_chain $CERTS/int.pem" ;;
    esac
}

# ossl_group NAME: the openssl spelling of a ctls group name.
ossl_group() {
    case $1 in
    x25519) echo X25519 ;;
    secp256r1) echo P-256 ;;
    secp384r1) echo P-384 ;;
    secp521r1) echo P-521 ;;
    x448) echo X448 ;;
    *) echo "$1" ;;
    esac
}

# gnutls_group / gnutls_suite: the GnuTLS priority-string spelling.
gnutls_group() {
    case $1 in
    x25519) echo GROUP-X25519 ;;
    secp256r1) echo GROUP-SECP256R1 ;;
    secp384r1) echo GROUP-SECP384R1 ;;
    esac
}
gnutls_suite() {
    case $1 in
    TLS_AES_128_GCM_SHA256) echo AES-128-GCM ;;
    TLS_AES_256_GCM_SHA384) echo AES-256-GCM ;;
    TLS_CHACHA20_POLY1305_SHA256) echo CHACHA20-POLY1305 ;;
    esac
}

# summary_value FILE KEY: the value of "KEY: value" in a ctls summary.
summary_value() {
    sed -n "s/^$2: //p" "$1" | head -n 1
}

# expect_summary FILE KEY VALUE: 0 if the summary line KEY has exactly VALUE.
expect_summary() {
    [ "$(summary_value "$1" "$2")" = "$3" ]
}

# expect_last FILE KEY VALUE: the same for the last "KEY: value" line (a later report, e.g.
# after a renegotiation, repeats keys of the handshake's summary).
expect_last() {
    [ "$(sed -n "s/^$2: //p" "$1" | tail -n 1)" = "$3" ]
}

SUITES="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384 TLS_CHACHA20_POLY1305_SHA256"
GROUPS_ALL="x25519 secp256r1 secp384r1"

# ctls_srv NAME ARGS...: starts ctls-server --port 0 ARGS in the background (stdin from
# $BG_STDIN), waits for its "listening on" line and sets PORT and SRV. 1 if it never listened.
ctls_srv() {
    local name=$1 i
    shift
    bg "$name.srv" "$CTLS_SERVER" --port 0 "$@"
    SRV=$BG_PID
    PORT=
    for i in $(seq 1 100); do
        PORT=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$TMP/$name.srv.err" 2>/dev/null)
        [ -n "$PORT" ] && return 0
        kill -0 "$SRV" 2>/dev/null || break
        sleep 0.1
    done
    PORT=1
    return 1
}

# ossl_www_get NAME VERSION ARGS...: openssl s_client (VERSION: -tls1_2 / -tls1_3) to
# 127.0.0.1:$PORT sending an HTTP GET (for a --www server), output in $TMP/NAME.scli.out / .err.
ossl_www_get() {
    local name=$1 ver=$2
    shift 2
    printf 'GET / HTTP/1.0\r\n\r\n' >"$TMP/$name.get"
    timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" "$ver" -servername localhost \
        -verify_hostname localhost -CAfile "$CERTS/ca.pem" -verify_return_error -ign_eof "$@" \
        <"$TMP/$name.get" >"$TMP/$name.scli.out" 2>"$TMP/$name.scli.err"
}

# ctls_cli_fifo NAME ARGS...: ctls-client --cafile ca.pem ARGS localhost $PORT, stdin from the
# fifo $TMP/NAME.cin (the caller writes to it), output in $TMP/NAME.cli.out / .cli.err; CLI_RC.
ctls_cli_fifo() {
    local name=$1
    shift
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" "$@" localhost "$PORT" \
        <"$TMP/$name.cin" >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
}

# gnutls_resume NAME PRIORITY: gnutls-cli --resume with PRIORITY to the server on $PORT (a full
# connection sending GET, then one resuming its session); GCLI_RC, $TMP/NAME.gcli.out / .err.
gnutls_resume() {
    printf 'GET / HTTP/1.0\r\n\r\n' | timeout -k 2 "$T" gnutls-cli -p "$PORT" \
        --x509cafile "$CERTS/ca.pem" --verify-hostname localhost \
        --priority "$2" --resume 127.0.0.1 >"$TMP/$1.gcli.out" 2>"$TMP/$1.gcli.err"
    GCLI_RC=$?
}

# gnutls_resumed NAME VERSION: after gnutls_resume NAME against ctls-server: gnutls-cli succeeded
# and says it resumed, and the server's summaries ($TMP/NAME.srv.err) show one full and one
# resumed handshake, both TLS VERSION (1.2, 1.3).
gnutls_resumed() {
    [ "$GCLI_RC" -eq 0 ] && grep -q 'This is a resumed session' "$TMP/$1.gcli.out" &&
        [ "$(grep -c '^resumed: no' "$TMP/$1.srv.err")" -eq 1 ] &&
        [ "$(grep -c '^resumed: yes' "$TMP/$1.srv.err")" -eq 1 ] &&
        [ "$(grep -c "^version: TLSv$2" "$TMP/$1.srv.err")" -eq 2 ]
}

# ossl_stdin_cmd NAME VERSION CMD TAG CLIENT-ARGS...: openssl s_server VERSION (-tls1_2 /
# -tls1_3; server-ecdsa, -CAfile ca.pem, -msg log in $TMP/NAME.msg), CMD typed on its stdin once
# ctls-client (CLIENT-ARGS, stdin from the fifo NAME.cin) completed its handshake, then the
# lines "server TAG NAME" and "client TAG NAME" cross; CLI_RC as ctls_cli_fifo.
ossl_stdin_cmd() {
    local name=$1 version=$2 cmd=$3 tag=$4
    shift 4
    PORT=$(free_port)
    mkfifo "$TMP/$name.fifo" "$TMP/$name.cin"
    BG_STDIN=$TMP/$name.fifo
    bg "$name.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 "$version" \
        $(cert_args_ossl server-ecdsa) -CAfile "$CERTS/ca.pem" -msg -msgfile "$TMP/$name.msg"
    SRV=$BG_PID
    exec 7>"$TMP/$name.fifo"
    wait_listen "$PORT" 10
    (
        wait_file_text "$TMP/$name.cli.err" "peer-certs:" "$T" && sleep 0.3
        echo "$cmd" >&7
        sleep 1
        echo "server $tag $name" >&7
    ) &
    local feeder=$!
    (
        wait_file_text "$TMP/$name.cli.out" "server $tag $name" "$T"
        echo "client $tag $name"
        wait_file_text "$TMP/$name.srv.out" "client $tag $name" "$T"
    ) >"$TMP/$name.cin" &
    ctls_cli_fifo "$name" "$@"
    wait_pid $feeder 5 >/dev/null 2>&1
    exec 7>&-
    wait_pid "$SRV" 10 >/dev/null 2>&1
}

# ossl_srv NAME ARGS...: openssl s_server for one connection on a free port (more with
# -naccept N in ARGS: given last, it wins), stdin a fifo held open on fd 7 (write commands / data
# to it), output in $TMP/NAME.srv.out / .srv.err. Sets PORT and SRV. ossl_srv_end closes fd 7
# and waits for it, so that its (buffered) output is complete.
ossl_srv() {
    local name=$1
    shift
    PORT=$(free_port)
    rm -f "$TMP/$name.fifo"
    mkfifo "$TMP/$name.fifo"
    BG_STDIN=$TMP/$name.fifo
    bg "$name.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 "$@"
    SRV=$BG_PID
    exec 7>"$TMP/$name.fifo"
    wait_listen "$PORT" 10
}

ossl_srv_end() {
    exec 7>&-
    wait_pid "$SRV" 10 >/dev/null 2>&1
    return 0
}

# hold_stdin NAME: makes BG_STDIN a fifo that stays open (no EOF) for the whole test, for peers
# that close the connection at their stdin EOF (openssl s_server does, even with -quiet).
hold_stdin() {
    rm -f "$TMP/$1.hold"
    mkfifo "$TMP/$1.hold"
    (exec sleep $((T + 30))) >"$TMP/$1.hold" &
    BG_PIDS+=("$!")
    BG_STDIN=$TMP/$1.hold
}

# strerror CODE: the ctls_strerror text of CTLS_ERR_CODE, read from src/api/errors.c (either
# `case X: return "...";` on one line or the return on a following line).
strerror() {
    awk -v want="CTLS_ERR_$1:" '
        found && /return "/ { sub(/.*return "/, ""); sub(/";.*/, ""); print; exit }
        index($0, "case " want) { found = 1; if ($0 ~ /return "/) { sub(/.*return "/, ""); sub(/";.*/, ""); print; exit } }
    ' "$SRC_DIR/src/api/errors.c"
}
