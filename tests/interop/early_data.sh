#!/bin/bash
# TLS 1.3 early data (0-RTT, RFC 8446 2.3, 4.2.10) against OpenSSL and GnuTLS, both roles,
# accepted and rejected:
#   ctls-client --sess-in --early-data -> openssl s_server -early_data: accepted (the server
#     prints the bytes as early data); the session of a restarted server (another ticket key):
#     rejected, the bytes resent as 1-RTT data; a server without -early_data: not sent
#   ctls-client --early-data -> gnutls-serv --earlydata --maxearlydata N: accepted
#   openssl s_client -sess_in -early_data -> ctls-server --max-early-data --session-cache
#     --echo: accepted and echoed; the same session again: a full handshake, rejected (the
#     ticket is single-use); an HTTP GET as early data answered by --www; without
#     --max-early-data the ticket allows none: not sent
#   gnutls-cli --resume --earlydata -> ctls-server --max-early-data: accepted; ctls-server
#     without the cache (stateless tickets): never accepted
# Usage: early_data.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")
printf 'EARLY %s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$TMP/early.txt"
EARLY=$(cat "$TMP/early.txt")

# cli NAME ARGS...: ctls-client to $PORT sending "hello NAME", output in NAME.cli.out / .err.
cli() {
    local name=$1
    shift
    echo "hello $name" >"$TMP/$name.in"
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" "$@" localhost "$PORT" \
        <"$TMP/$name.in" >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
}

# ossl_srv NAME ARGS...: openssl s_server -tls1_3 on a free port for two connections.
ossl_srv() {
    local name=$1
    shift
    PORT=$(free_port)
    hold_stdin "$name"
    bg "$name.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 2 -tls1_3 \
        $(cert_args_ossl server-ecdsa) "$@"
    SRV=$BG_PID
    wait_listen "$PORT" 10
}

# early_accepted NAME: against the server $SRV on $PORT, a full connection (NAME.1, saving the
# session) then one resuming it with early.txt (NAME.2); stops the server; 0 when both
# succeeded and the second resumed with its early data accepted. RC1 / RC2: their statuses.
early_accepted() {
    cli "$1.1" --sess-out "$TMP/$1.sess"
    RC1=$CLI_RC
    cli "$1.2" --sess-in "$TMP/$1.sess" --early-data "$TMP/early.txt"
    RC2=$CLI_RC
    stop "$SRV"
    [ $RC1 -eq 0 ] && [ $RC2 -eq 0 ] && expect_summary "$TMP/$1.2.cli.err" resumed yes &&
        expect_summary "$TMP/$1.2.cli.err" early-data accepted
}

# ---- ctls-client -> openssl s_server ----------------------------------------------------------
n=c-ossl
ossl_srv "$n" -early_data
if early_accepted "$n" && grep -A3 'Early data received' "$TMP/$n.srv.out" | grep -qF 'End of early data' &&
    grep -qF "$EARLY" "$TMP/$n.srv.out" && grep -qF "hello $n.2" "$TMP/$n.srv.out"; then
    ok "ctls-client --early-data -> s_server -early_data: accepted"
else
    not_ok "ctls-client --early-data -> s_server -early_data (rc=$RC1/$RC2)" \
        "$TMP/$n.2.cli.err" "$TMP/$n.srv.out" "$TMP/$n.srv.err"
fi

# the session of a server that restarted (another ticket key): a full handshake, rejected
n=c-ossl-rejected
ossl_srv "$n" -early_data
cli "$n" --sess-in "$TMP/c-ossl.sess" --early-data "$TMP/early.txt"
stop "$SRV"
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.cli.err" resumed no &&
    expect_summary "$TMP/$n.cli.err" early-data rejected && grep -qF "$EARLY" "$TMP/$n.srv.out" &&
    ! grep -qF 'Early data received' "$TMP/$n.srv.out"; then
    ok "ctls-client --early-data -> s_server, unknown ticket: rejected, resent as 1-RTT data"
else
    not_ok "ctls-client --early-data -> s_server, unknown ticket (rc=$CLI_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.out"
fi

# a ticket without early_data (s_server without -early_data): not sent, 1-RTT instead
n=c-ossl-none
ossl_srv "$n"
cli "$n.1" --sess-out "$TMP/$n.sess"
cli "$n.2" --sess-in "$TMP/$n.sess" --early-data "$TMP/early.txt"
stop "$SRV"
if [ $CLI_RC -eq 0 ] && expect_summary "$TMP/$n.2.cli.err" resumed yes &&
    expect_summary "$TMP/$n.2.cli.err" early-data "not sent" &&
    grep -qF "$EARLY" "$TMP/$n.srv.out"; then
    ok "ctls-client --early-data -> s_server without early data: not sent, 1-RTT instead"
else
    not_ok "ctls-client --early-data -> s_server without early data (rc=$CLI_RC)" \
        "$TMP/$n.2.cli.err" "$TMP/$n.srv.out"
fi

# ---- ctls-client -> gnutls-serv ---------------------------------------------------------------
if have_gnutls; then
    n=c-gnutls
    PORT=$(free_port)
    cat "$CERTS/server-ecdsa.pem" "$CERTS/int.pem" >"$TMP/chain.pem"
    bg "$n.srv" gnutls-serv -p "$PORT" --x509certfile "$TMP/chain.pem" \
        --x509keyfile "$CERTS/server-ecdsa.key" --earlydata --maxearlydata 1000 --echo
    SRV=$BG_PID
    wait_listen "$PORT" 10
    if early_accepted "$n" && grep -qF "hello $n.2" "$TMP/$n.2.cli.out"; then
        ok "ctls-client --early-data -> gnutls-serv --earlydata: accepted"
    else
        not_ok "ctls-client --early-data -> gnutls-serv --earlydata (rc=$RC1/$RC2)" \
            "$TMP/$n.2.cli.err" "$TMP/$n.srv.out" "$TMP/$n.srv.err"
    fi
fi

# ---- openssl s_client -> ctls-server ----------------------------------------------------------
# scli NAME ARGS...: s_client -tls1_3 sending a line, output in NAME.scli.out (stdin held open
# a moment so the echo comes back before it closes).
scli() {
    local name=$1
    shift
    (
        echo "hello $name"
        sleep 1
    ) | timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_3 \
        -servername localhost -verify_hostname localhost -CAfile "$CERTS/ca.pem" \
        -verify_return_error "$@" >"$TMP/$name.scli.out" 2>"$TMP/$name.scli.err"
}

n=s-ossl
ctls_srv "$n" "${ECDSA[@]}" --echo --session-cache 16 --max-early-data 1000
scli "$n.1" -sess_out "$TMP/$n.sess"
cp "$TMP/$n.sess" "$TMP/$n.sess.copy" 2>/dev/null
scli "$n.2" -sess_in "$TMP/$n.sess" -early_data "$TMP/early.txt"
scli "$n.3" -sess_in "$TMP/$n.sess.copy" -early_data "$TMP/early.txt"
stop "$SRV"
size=$(stat -c %s "$TMP/early.txt")
if grep -q '^Reused, TLSv1.3' "$TMP/$n.2.scli.out" &&
    grep -q '^Early data was accepted' "$TMP/$n.2.scli.out" &&
    grep -qF "$EARLY" "$TMP/$n.2.scli.out" && grep -qF "early-data: $size bytes" "$TMP/$n.srv.err"; then
    ok "s_client -early_data -> ctls-server --max-early-data: accepted, echoed"
else
    not_ok "s_client -early_data -> ctls-server --max-early-data" "$TMP/$n.srv.err" \
        "$TMP/$n.2.scli.out"
fi
if grep -q '^New, TLSv1.3' "$TMP/$n.3.scli.out" &&
    grep -q '^Early data was rejected' "$TMP/$n.3.scli.out" &&
    grep -qF "early-data: rejected" "$TMP/$n.srv.err" &&
    [ "$(grep -c "^early-data: $size bytes" "$TMP/$n.srv.err")" -eq 1 ]; then
    ok "s_client replays the session and its early data -> ctls-server: single use, rejected"
else
    not_ok "s_client replay -> ctls-server --max-early-data" "$TMP/$n.srv.err" "$TMP/$n.3.scli.out"
fi

# the usual 0-RTT request: an HTTP GET as early data, answered by --www
n=s-ossl-www
printf 'GET / HTTP/1.0\r\n\r\n' >"$TMP/get.txt"
ctls_srv "$n" "${ECDSA[@]}" --www --session-cache 16 --max-early-data 1000
scli "$n.1" -sess_out "$TMP/$n.sess"
timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_3 -servername localhost \
    -CAfile "$CERTS/ca.pem" -sess_in "$TMP/$n.sess" -early_data "$TMP/get.txt" -ign_eof \
    </dev/null >"$TMP/$n.2.scli.out" 2>"$TMP/$n.2.scli.err"
stop "$SRV"
if grep -q '^Early data was accepted' "$TMP/$n.2.scli.out" &&
    grep -q '^early-data: accepted' "$TMP/$n.2.scli.out" &&
    grep -q '^resumed: yes' "$TMP/$n.2.scli.out"; then
    ok "s_client GET as early data -> ctls-server --www: answered from the early data"
else
    not_ok "s_client GET as early data -> ctls-server --www" "$TMP/$n.srv.err" \
        "$TMP/$n.2.scli.out"
fi

n=s-ossl-off
ctls_srv "$n" "${ECDSA[@]}" --echo --session-cache 16
scli "$n.1" -sess_out "$TMP/$n.sess"
scli "$n.2" -sess_in "$TMP/$n.sess" -early_data "$TMP/early.txt"
stop "$SRV"
if grep -q '^Reused, TLSv1.3' "$TMP/$n.2.scli.out" &&
    grep -q '^Early data was not sent' "$TMP/$n.2.scli.out" &&
    ! grep -q '^early-data' "$TMP/$n.srv.err"; then
    ok "s_client -early_data -> ctls-server without --max-early-data: the ticket allows none"
else
    not_ok "s_client -early_data -> ctls-server without --max-early-data" "$TMP/$n.srv.err" \
        "$TMP/$n.2.scli.out"
fi

# ---- gnutls-cli -> ctls-server ----------------------------------------------------------------
if have_gnutls; then
    for cache in 16 0; do
        n=s-gnutls-$cache
        args=(--max-early-data 1000)
        [ "$cache" -gt 0 ] && args+=(--session-cache "$cache")
        ctls_srv "$n" "${ECDSA[@]}" --echo "${args[@]}"
        (
            echo "hello $n"
            sleep 1
        ) | timeout -k 2 "$T" gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" \
            --verify-hostname localhost --resume --earlydata "$TMP/early.txt" 127.0.0.1 \
            >"$TMP/$n.gcli.out" 2>"$TMP/$n.gcli.err"
        rc=$?
        stop "$SRV"
        if [ "$cache" -gt 0 ]; then
            if [ $rc -eq 0 ] && grep -q 'This is a resumed session' "$TMP/$n.gcli.out" &&
                grep -qF "$EARLY" "$TMP/$n.gcli.out" &&
                grep -qF "early-data: $size bytes" "$TMP/$n.srv.err"; then
                ok "gnutls-cli --earlydata -> ctls-server --max-early-data: accepted, echoed"
            else
                not_ok "gnutls-cli --earlydata -> ctls-server --max-early-data (rc=$rc)" \
                    "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
            fi
        elif [ $rc -eq 0 ] && grep -q 'This is a resumed session' "$TMP/$n.gcli.out" &&
            ! grep -q '^early-data: [0-9]' "$TMP/$n.srv.err"; then
            ok "gnutls-cli --earlydata -> ctls-server without the cache: stateless ticket, no 0-RTT"
        else
            not_ok "gnutls-cli --earlydata -> ctls-server without the cache (rc=$rc)" \
                "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
        fi
    done
else
    echo "# gnutls-cli not installed: GnuTLS cases skipped"
fi

finish
