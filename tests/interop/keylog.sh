#!/bin/bash
# The key log (SSLKEYLOGFILE format, RFC 9850) against OpenSSL and GnuTLS, TLS 1.3 and 1.2,
# ctls as client and as server: ctls-client / ctls-server --keylog FILE (or SSLKEYLOGFILE) and
# the peer's own key log (openssl -keylogfile, GnuTLS's SSLKEYLOGFILE) must hold the same set
# of lines ('#' comment lines, which OpenSSL writes first, left out): 5 per TLS 1.3 handshake,
# 1 per TLS 1.2 handshake, resumed ones included. The GnuTLS cases are skipped when gnutls-bin
# is not installed.
# Usage: keylog.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# lines FILE: the key log's lines, sorted, without comments.
lines() { grep -v '^#' "$1" 2>/dev/null | sort; }

# same_log A B COUNT: A and B hold the same COUNT lines.
same_log() {
    [ "$(lines "$1" | wc -l)" -eq "$3" ] && [ "$(lines "$1")" = "$(lines "$2")" ]
}

# report DESC A B COUNT FILES...: ok when same_log A B COUNT.
report() {
    local desc=$1 a=$2 b=$3 count=$4
    shift 4
    if same_log "$a" "$b" "$count"; then
        ok "$desc"
    else
        not_ok "$desc ($(lines "$a" | wc -l) / $(lines "$b" | wc -l) lines, want $count the same)" \
            "$a" "$b" "$@"
    fi
}

# cli NAME ARGS...: ctls-client (stdin: one line) to the server on $PORT. CLI_RC.
cli() {
    local name=$1
    shift
    echo "hello $name" >"$TMP/$name.cin"
    ctls_cli_fifo "$name" "$@"
}

# scli NAME ARGS...: openssl s_client to the ctls-server --www on $PORT: a GET, and the page
# read until the server closes (-ign_eof), so that TLS 1.3 tickets are in for -sess_out.
scli() {
    local name=$1
    shift
    printf 'GET / HTTP/1.0\r\n\r\n' | timeout -k 2 "$T" "$OPENSSL" s_client -ign_eof \
        -connect "127.0.0.1:$PORT" -servername localhost -CAfile "$CERTS/ca.pem" \
        -verify_return_error "$@" >"$TMP/$name.scli.out" 2>"$TMP/$name.scli.err"
}

for version in 1.3 1.2; do
    per=$([ $version = 1.3 ] && echo 5 || echo 1) # lines per handshake
    prio="NORMAL:-VERS-ALL:+VERS-TLS$version"

    # ---- ctls-client --keylog -> openssl s_server -keylogfile ----
    n="c-ossl-$version"
    ossl_srv "$n" $(cert_args_ossl server-ecdsa) -keylogfile "$TMP/$n.peer.log"
    cli "$n" --tls$version --keylog "$TMP/$n.ctls.log"
    ossl_srv_end
    report "ctls-client --keylog = s_server -keylogfile, TLS $version" \
        "$TMP/$n.ctls.log" "$TMP/$n.peer.log" "$per" "$TMP/$n.cli.err"

    # ---- the same through SSLKEYLOGFILE, with the warning ----
    n="c-env-$version"
    ossl_srv "$n" $(cert_args_ossl server-ecdsa) -keylogfile "$TMP/$n.peer.log"
    SSLKEYLOGFILE=$TMP/$n.ctls.log cli "$n" --tls$version
    ossl_srv_end
    if grep -qF "warning: key log: the TLS secrets are written to $TMP/$n.ctls.log" \
        "$TMP/$n.cli.err" && [ "$(stat -c %a "$TMP/$n.ctls.log")" = 600 ]; then
        report "ctls-client with SSLKEYLOGFILE (warned, file 0600) = s_server -keylogfile, TLS $version" \
            "$TMP/$n.ctls.log" "$TMP/$n.peer.log" "$per" "$TMP/$n.cli.err"
    else
        not_ok "ctls-client with SSLKEYLOGFILE: warning / mode 0600, TLS $version" "$TMP/$n.cli.err"
    fi

    # ---- openssl s_client -keylogfile -> ctls-server --keylog, and a resumed handshake ----
    n="s-ossl-$version"
    ctls_srv "$n" "${ECDSA[@]}" --www --tls$version --keylog "$TMP/$n.ctls.log"
    scli "$n" -keylogfile "$TMP/$n.peer.log" -sess_out "$TMP/$n.sess"
    scli "$n.2" -keylogfile "$TMP/$n.peer.log" -sess_in "$TMP/$n.sess"
    stop "$SRV"
    if grep -q '^Reused' "$TMP/$n.2.scli.out" && [ "$(grep -c '^resumed: yes' "$TMP/$n.srv.err")" = 1 ]; then
        report "s_client -keylogfile = ctls-server --keylog, full + resumed, TLS $version" \
            "$TMP/$n.ctls.log" "$TMP/$n.peer.log" $((2 * per)) "$TMP/$n.srv.err"
    else
        not_ok "s_client -> ctls-server resumption, TLS $version" "$TMP/$n.srv.err" \
            "$TMP/$n.2.scli.out"
    fi

    have_gnutls || continue
    # ---- ctls-client --keylog -> gnutls-serv (SSLKEYLOGFILE) ----
    n="c-gnutls-$version"
    PORT=$(free_port)
    SSLKEYLOGFILE=$TMP/$n.peer.log bg "$n.srv" gnutls-serv --echo -p "$PORT" \
        --x509certfile "$CERTS/server-ecdsa.pem" --x509keyfile "$CERTS/server-ecdsa.key" \
        --priority "$prio"
    SRV=$BG_PID
    wait_listen "$PORT" 10
    cli "$n" --tls$version --keylog "$TMP/$n.ctls.log"
    stop "$SRV"
    report "ctls-client --keylog = gnutls-serv SSLKEYLOGFILE, TLS $version" \
        "$TMP/$n.ctls.log" "$TMP/$n.peer.log" "$per" "$TMP/$n.cli.err"

    # ---- gnutls-cli (SSLKEYLOGFILE) -> ctls-server --keylog ----
    n="s-gnutls-$version"
    ctls_srv "$n" "${ECDSA[@]}" --echo --once --tls$version --keylog "$TMP/$n.ctls.log"
    echo "hello $n" | SSLKEYLOGFILE=$TMP/$n.peer.log timeout -k 2 "$T" gnutls-cli -p "$PORT" \
        --x509cafile "$CERTS/ca.pem" --verify-hostname localhost --priority "$prio" 127.0.0.1 \
        >"$TMP/$n.gcli.out" 2>"$TMP/$n.gcli.err"
    wait_pid "$SRV" 10 >/dev/null 2>&1
    report "gnutls-cli SSLKEYLOGFILE = ctls-server --keylog, TLS $version" \
        "$TMP/$n.ctls.log" "$TMP/$n.peer.log" "$per" "$TMP/$n.srv.err" "$TMP/$n.gcli.err"
done

# ---- off unless asked: no file, no warning ----------------------------------------------------
n=off
ossl_srv "$n" $(cert_args_ossl server-ecdsa)
(unset SSLKEYLOGFILE && cli "$n" && [ $CLI_RC -eq 0 ])
rc=$?
ossl_srv_end
if [ $rc -eq 0 ] && ! grep -q 'key log' "$TMP/$n.cli.err"; then
    ok "no --keylog, no SSLKEYLOGFILE: no key log, no warning"
else
    not_ok "no --keylog, no SSLKEYLOGFILE (rc=$rc)" "$TMP/$n.cli.err"
fi

finish
