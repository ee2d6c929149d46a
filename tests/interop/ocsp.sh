#!/bin/bash
# OCSP stapling (RFC 6066 8 for TLS 1.2, RFC 8446 4.4.2.1 for TLS 1.3), both roles, with a real
# OCSP response for the server-ecdsa leaf made by `openssl ocsp` (index.txt, the intermediate
# that issued the leaf as the responder; no network: -respout writes the response to a file):
#   openssl s_client -status and gnutls-cli --ocsp -> ctls-server --ocsp resp.der: the peers
#     print / verify the stapled response (GnuTLS fails the handshake without one), and
#     gnutls-cli --save-ocsp gets resp.der byte for byte;
#   ctls-client --status --ocsp-out -> openssl s_server -status_file resp.der and gnutls-serv
#     --ocsp-response resp.der: "ocsp: N bytes" and the same bytes (sha256), which
#     `openssl ocsp -respin` then verifies as "good" (what an application would do);
#   without a request / without a response: nothing stapled, the handshake as before.
# TLS 1.3 and TLS 1.2 each. The GnuTLS cases are skipped when gnutls-bin is missing.
# Usage: ocsp.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

# ---- the OCSP response ------------------------------------------------------------------------
# The leaf alone (server-ecdsa.pem also holds the intermediate), an index with it as valid.
"$OPENSSL" x509 -in "$CERTS/server-ecdsa.pem" -out "$TMP/leaf.pem"
serial=$("$OPENSSL" x509 -in "$TMP/leaf.pem" -noout -serial | cut -d= -f2)
subject=$("$OPENSSL" x509 -in "$TMP/leaf.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
printf 'V\t450101000000Z\t\t%s\tunknown\t%s\n' "$serial" "$subject" >"$TMP/index.txt"
RESP=$TMP/resp.der
"$OPENSSL" ocsp -index "$TMP/index.txt" -rsigner "$CERTS/int.pem" -rkey "$CERTS/int.key" \
    -CA "$CERTS/int.pem" -issuer "$CERTS/int.pem" -cert "$TMP/leaf.pem" -no_nonce -ndays 1 \
    -respout "$RESP" >"$TMP/mkresp.log" 2>&1
if [ -s "$RESP" ] && "$OPENSSL" ocsp -respin "$RESP" -resp_text -noverify 2>/dev/null |
    grep -q 'Cert Status: good'; then
    ok "openssl ocsp made a response for the server-ecdsa leaf ($(wc -c <"$RESP") bytes)"
else
    not_ok "openssl ocsp response" "$TMP/mkresp.log"
    finish
fi
RESP_LEN=$(wc -c <"$RESP")
RESP_SHA=$(sha256sum <"$RESP" | cut -d' ' -f1)

# same_bytes FILE: FILE holds exactly the response (sha256).
same_bytes() { [ -s "$1" ] && [ "$(sha256sum <"$1" | cut -d' ' -f1)" = "$RESP_SHA" ]; }

# ---- s_client / gnutls-cli -> ctls-server --ocsp ------------------------------------------------

# csrv NAME ARGS...: ctls-server --echo --once with server-ecdsa and ARGS; PORT, SRV.
csrv() {
    local name=$1
    shift
    ctls_srv "$name" --echo --once --cert "$CERTS/server-ecdsa.pem" \
        --key "$CERTS/server-ecdsa.key" "$@"
}

# scli NAME ARGS...: openssl s_client (verifying) to $PORT, a line in (s_client may close at
# its stdin EOF before the echo is back: only the handshake is checked); SCLI_RC, NAME.scli.out.
scli() {
    local name=$1
    shift
    echo "hello $name" | timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" \
        -servername localhost -verify_hostname localhost -CAfile "$CERTS/ca.pem" \
        -verify_return_error "$@" >"$TMP/$name.scli.out" 2>"$TMP/$name.scli.err"
    SCLI_RC=$?
}

for v in 1.3 1.2; do
    ov=-tls1_${v#1.}
    n=scli-$v
    csrv "$n" --ocsp "$RESP"
    scli "$n" -status "$ov"
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if [ $SCLI_RC -eq 0 ] && grep -q 'OCSP Response Status: successful' "$TMP/$n.scli.out" &&
        grep -q 'Cert Status: good' "$TMP/$n.scli.out" &&
        expect_summary "$TMP/$n.srv.err" version "TLSv$v"; then
        ok "s_client -status -> ctls-server --ocsp, TLS $v: response printed"
    else
        not_ok "s_client -status -> ctls-server --ocsp, TLS $v (rc=$SCLI_RC)" \
            "$TMP/$n.scli.out" "$TMP/$n.scli.err" "$TMP/$n.srv.err"
    fi

    n=scli-none-$v
    csrv "$n"
    scli "$n" -status "$ov"
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if [ $SCLI_RC -eq 0 ] && grep -q 'OCSP response: no response sent' "$TMP/$n.scli.out"; then
        ok "s_client -status -> ctls-server without --ocsp, TLS $v: no response sent"
    else
        not_ok "s_client -status -> ctls-server without --ocsp, TLS $v (rc=$SCLI_RC)" \
            "$TMP/$n.scli.out" "$TMP/$n.scli.err" "$TMP/$n.srv.err"
    fi

    n=scli-noreq-$v
    csrv "$n" --ocsp "$RESP"
    scli "$n" "$ov" -msg
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if [ $SCLI_RC -eq 0 ] && ! grep -qi 'OCSP' "$TMP/$n.scli.out" &&
        ! grep -q 'CertificateStatus' "$TMP/$n.scli.out"; then
        ok "s_client (no -status) -> ctls-server --ocsp, TLS $v: nothing stapled"
    else
        not_ok "s_client (no -status) -> ctls-server --ocsp, TLS $v (rc=$SCLI_RC)" \
            "$TMP/$n.scli.out" "$TMP/$n.srv.err"
    fi
done

if have_gnutls; then
    for v in 1.3 1.2; do
        n=gcli-$v
        csrv "$n" --ocsp "$RESP"
        echo "hello $n" | timeout -k 2 "$T" gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" \
            --verify-hostname localhost --priority "NORMAL:-VERS-ALL:+VERS-TLS$v" --ocsp \
            --save-ocsp="$TMP/$n.der" 127.0.0.1 >"$TMP/$n.gcli.out" 2>"$TMP/$n.gcli.err"
        GCLI_RC=$?
        wait_pid "$SRV" 10 >/dev/null 2>&1
        # --ocsp: GnuTLS verifies the staple (and, without one, fails: the leaf names no
        # responder to ask, and we never let it go to the network)
        if [ $GCLI_RC -eq 0 ] && grep -q 'Options:.*OCSP status request' "$TMP/$n.gcli.out" &&
            grep -q 'Status: The certificate is trusted' "$TMP/$n.gcli.out" &&
            same_bytes "$TMP/$n.der" && grep -qF "hello $n" "$TMP/$n.gcli.out"; then
            ok "gnutls-cli --ocsp -> ctls-server --ocsp, TLS $v: verified, same bytes"
        else
            not_ok "gnutls-cli --ocsp -> ctls-server --ocsp, TLS $v (rc=$GCLI_RC)" \
                "$TMP/$n.gcli.out" "$TMP/$n.gcli.err" "$TMP/$n.srv.err"
        fi
    done
else
    echo "# gnutls-cli cases skipped: gnutls-bin not installed"
fi

# ---- ctls-client --status -> s_server -status_file / gnutls-serv --ocsp-response ----------------

# osrv NAME VERSION ARGS...: openssl s_server for one connection, stdin held open on fd 7.
osrv() {
    local name=$1 version=$2
    shift 2
    PORT=$(free_port)
    rm -f "$TMP/$name.fifo"
    mkfifo "$TMP/$name.fifo"
    BG_STDIN=$TMP/$name.fifo
    bg "$name.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 1 "$version" \
        $(cert_args_ossl server-ecdsa) -quiet "$@"
    SRV=$BG_PID
    exec 7>"$TMP/$name.fifo"
    wait_listen "$PORT" 10
}

# ccli NAME ARGS...: ctls-client (verifying) ARGS to $PORT; a line in, and EOF only once the
# line came back (echo servers) or at once (s_server, echo=0). CLI_RC.
ccli() {
    local name=$1 echo=$2
    shift 2
    rm -f "$TMP/$name.cin"
    mkfifo "$TMP/$name.cin"
    (
        echo "hello $name"
        [ "$echo" = 1 ] && wait_file_text "$TMP/$name.cli.out" "hello $name" "$T"
    ) >"$TMP/$name.cin" &
    ctls_cli_fifo "$name" "$@"
}

# stapled NAME: the client printed the response's size and wrote the same bytes, which openssl
# verifies against the intermediate (the application's job: ctls does not verify it).
stapled() {
    [ $CLI_RC -eq 0 ] && grep -qx "ocsp: $RESP_LEN bytes" "$TMP/$1.cli.err" &&
        same_bytes "$TMP/$1.der" &&
        "$OPENSSL" ocsp -respin "$TMP/$1.der" -issuer "$CERTS/int.pem" -CAfile "$CERTS/ca.pem" \
            -cert "$TMP/leaf.pem" >"$TMP/$1.verify" 2>&1 &&
        grep -q ': good' "$TMP/$1.verify" && grep -q 'Response verify OK' "$TMP/$1.verify"
}

for v in 1.3 1.2; do
    ov=-tls1_${v#1.}
    n=cli-$v
    osrv "$n" "$ov" -status_file "$RESP"
    ccli "$n" 0 "--tls$v" --status --ocsp-out "$TMP/$n.der"
    exec 7>&-
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if stapled "$n" && expect_summary "$TMP/$n.cli.err" version "TLSv$v" &&
        grep -qF "hello $n" "$TMP/$n.srv.out"; then
        ok "ctls-client --status -> s_server -status_file, TLS $v: same bytes, verifiable"
    else
        not_ok "ctls-client --status -> s_server -status_file, TLS $v (rc=$CLI_RC)" \
            "$TMP/$n.cli.err" "$TMP/$n.srv.err" "$TMP/$n.verify"
    fi

    n=cli-none-$v
    osrv "$n" "$ov"
    ccli "$n" 0 "--tls$v" --status --ocsp-out "$TMP/$n.der"
    exec 7>&-
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if [ $CLI_RC -eq 0 ] && grep -qx 'ocsp: none' "$TMP/$n.cli.err" && [ ! -e "$TMP/$n.der" ]; then
        ok "ctls-client --status -> s_server without a response, TLS $v: ocsp: none"
    else
        not_ok "ctls-client --status -> s_server without a response, TLS $v (rc=$CLI_RC)" \
            "$TMP/$n.cli.err" "$TMP/$n.srv.err"
    fi

    n=cli-noreq-$v
    osrv "$n" "$ov" -status_file "$RESP"
    ccli "$n" 0 "--tls$v"
    exec 7>&-
    wait_pid "$SRV" 10 >/dev/null 2>&1
    if [ $CLI_RC -eq 0 ] && ! grep -q '^ocsp:' "$TMP/$n.cli.err" &&
        expect_summary "$TMP/$n.cli.err" verify ok; then
        ok "ctls-client (no --status) -> s_server -status_file, TLS $v: handshake as before"
    else
        not_ok "ctls-client (no --status) -> s_server -status_file, TLS $v (rc=$CLI_RC)" \
            "$TMP/$n.cli.err" "$TMP/$n.srv.err"
    fi
done

if have_gnutls; then
    for v in 1.3 1.2; do
        n=gsrv-$v
        PORT=$(free_port)
        bg "$n.srv" gnutls-serv --echo -p "$PORT" --x509certfile "$CERTS/server-ecdsa.pem" \
            --x509keyfile "$CERTS/server-ecdsa.key" --ocsp-response "$RESP" \
            --priority "NORMAL:-VERS-ALL:+VERS-TLS$v"
        SRV=$BG_PID
        wait_listen "$PORT" 10
        ccli "$n" 1 "--tls$v" --status --ocsp-out "$TMP/$n.der"
        stop "$SRV"
        if stapled "$n" && grep -qx "hello $n" "$TMP/$n.cli.out" &&
            expect_summary "$TMP/$n.cli.err" version "TLSv$v"; then
            ok "ctls-client --status -> gnutls-serv --ocsp-response, TLS $v: same bytes"
        else
            not_ok "ctls-client --status -> gnutls-serv --ocsp-response, TLS $v (rc=$CLI_RC)" \
                "$TMP/$n.cli.err" "$TMP/$n.srv.err" "$TMP/$n.srv.out" "$TMP/$n.verify"
        fi
    done
else
    echo "# gnutls-serv cases skipped: gnutls-bin not installed"
fi

finish
