#!/bin/bash
# ctls against GnuTLS (TLS 1.3, and TLS 1.2 at the end): ctls-client -> gnutls-serv --echo and gnutls-cli ->
# ctls-server, every suite x every group, ECDSA / RSA / P-384 / Ed25519 certificates, ALPN,
# HelloRetryRequest. Skipped (exit 77) when gnutls-bin is not installed.
# Note: gnutls-serv has no option to bind one address; it listens on all of them, and the
# tests only ever connect to 127.0.0.1.
# Usage: gnutls.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

have_gnutls || skip_all "gnutls-serv / gnutls-cli not installed (apt-get install gnutls-bin)"

PRIO13="NORMAL:-VERS-ALL:+VERS-TLS1.3"

# gsrv NAME CERT PRIORITY [args...]: gnutls-serv --echo on a free port. Sets PORT, SRV.
gsrv() {
    local name=$1 cert=$2 prio=$3
    shift 3
    PORT=$(free_port)
    bg "$name.srv" gnutls-serv --echo -p "$PORT" --x509certfile "$CERTS/$cert.pem" \
        --x509keyfile "$CERTS/$cert.key" --priority "$prio" "$@"
    SRV=$BG_PID
    wait_listen "$PORT" 10
}

# cli NAME ARGS...: ctls-client to the echo server; the line must come back.
cli() {
    local name=$1
    shift
    mkfifo "$TMP/$name.cin"
    (
        echo "hello $name"
        wait_file_text "$TMP/$name.cli.out" "hello $name" "$T"
    ) >"$TMP/$name.cin" &
    ctls_cli_fifo "$name" "$@"
}

# gcli NAME PRIORITY [args...]: gnutls-cli to the ctls-server --echo on $PORT.
gcli() {
    local name=$1 prio=$2
    shift 2
    echo "hello $name" | timeout -k 2 "$T" gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" \
        --verify-hostname localhost --priority "$prio" "$@" 127.0.0.1 \
        >"$TMP/$name.gcli.out" 2>"$TMP/$name.gcli.err"
    GCLI_RC=$?
}

echoed() { [ $CLI_RC -eq 0 ] && grep -qxF "hello $1" "$TMP/$1.cli.out"; }

# ---- ctls-client -> gnutls-serv ----------------------------------------------------------------
for suite in $SUITES; do
    for group in $GROUPS_ALL; do
        n="c-$suite-$group"
        gsrv "$n" server-ecdsa "$PRIO13:-CIPHER-ALL:+$(gnutls_suite "$suite"):-GROUP-ALL:+$(gnutls_group "$group")"
        cli "$n" --ciphers "$suite" --groups "$group"
        stop "$SRV"
        if echoed "$n" && expect_summary "$TMP/$n.cli.err" cipher "$suite" &&
            expect_summary "$TMP/$n.cli.err" group "$group" &&
            expect_summary "$TMP/$n.cli.err" version TLSv1.3; then
            ok "ctls-client -> gnutls-serv $suite $group"
        else
            not_ok "ctls-client -> gnutls-serv $suite $group (rc=$CLI_RC)" "$TMP/$n.cli.err" \
                "$TMP/$n.srv.err"
        fi
    done
done

for cert in server-ecdsa server-rsa server-p384 server-ed25519; do
    n="c-cert-$cert"
    gsrv "$n" "$cert" "$PRIO13"
    cli "$n"
    stop "$SRV"
    if echoed "$n" && expect_summary "$TMP/$n.cli.err" verify ok; then
        ok "ctls-client -> gnutls-serv certificate $cert"
    else
        not_ok "ctls-client -> gnutls-serv certificate $cert (rc=$CLI_RC)" "$TMP/$n.cli.err" \
            "$TMP/$n.srv.err"
    fi
done

n=c-hrr
gsrv "$n" server-ecdsa "$PRIO13:-GROUP-ALL:+GROUP-SECP256R1" -d 4
cli "$n" --groups x25519:secp256r1
stop "$SRV"
if echoed "$n" && expect_summary "$TMP/$n.cli.err" group secp256r1 &&
    grep -qi "hello retry request" "$TMP/$n.srv.err"; then
    ok "ctls-client -> gnutls-serv HelloRetryRequest (x25519 share, server wants secp256r1)"
else
    not_ok "ctls-client -> gnutls-serv HelloRetryRequest (rc=$CLI_RC)" "$TMP/$n.cli.err" \
        "$TMP/$n.srv.err"
fi

n=c-alpn
gsrv "$n" server-ecdsa "$PRIO13" --alpn http/1.1 --alpn h2
cli "$n" --alpn foo,h2
stop "$SRV"
if echoed "$n" && expect_summary "$TMP/$n.cli.err" alpn h2; then
    ok "ctls-client -> gnutls-serv ALPN"
else
    not_ok "ctls-client -> gnutls-serv ALPN (rc=$CLI_RC)" "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# 1 MiB through gnutls-serv --echo: up to the server and back, compared by hash. gnutls-serv's
# echo treats data as text (it stops at a NUL byte; --crlf keeps CRLF as is), so the payload is
# base64 text, a little over 1 MiB.
n=c-bulk
head -c 786432 /dev/urandom | base64 >"$TMP/bulk.txt"
size=$(stat -c %s "$TMP/bulk.txt")
gsrv "$n" server-ecdsa "$PRIO13" --crlf
feed_until "$TMP/bulk.txt" "$TMP/$n.cli.out" "$size" "$T" |
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" --quiet localhost "$PORT" \
        >"$TMP/$n.cli.out" 2>"$TMP/$n.cli.err"
CLI_RC=${PIPESTATUS[1]}
stop "$SRV"
if [ $CLI_RC -eq 0 ] && [ "$(sha256sum <"$TMP/bulk.txt")" = "$(sha256sum <"$TMP/$n.cli.out")" ]; then
    ok "ctls-client <-> gnutls-serv 1 MiB each way (echo, sha256 match)"
else
    not_ok "ctls-client <-> gnutls-serv 1 MiB each way (rc=$CLI_RC got=$(stat -c %s "$TMP/$n.cli.out"))" \
        "$TMP/$n.cli.err" "$TMP/$n.srv.err"
fi

# ---- gnutls-cli -> ctls-server --echo ----------------------------------------------------------
for suite in $SUITES; do
    for group in $GROUPS_ALL; do
        n="s-$suite-$group"
        ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --echo \
            --once --ciphers "$suite" --groups "$group"
        gcli "$n" "$PRIO13:-CIPHER-ALL:+$(gnutls_suite "$suite"):-GROUP-ALL:+$(gnutls_group "$group")"
        wait_pid "$SRV" 10
        SRV_RC=$?
        if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -qxF "hello $n" "$TMP/$n.gcli.out" &&
            expect_summary "$TMP/$n.srv.err" cipher "$suite" &&
            expect_summary "$TMP/$n.srv.err" group "$group"; then
            ok "gnutls-cli -> ctls-server $suite $group"
        else
            not_ok "gnutls-cli -> ctls-server $suite $group (cli rc=$GCLI_RC server rc=$SRV_RC)" \
                "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
        fi
    done
done

for cert in server-ecdsa server-rsa server-p384 server-ed25519; do
    n="s-cert-$cert"
    ctls_srv "$n" --cert "$CERTS/$cert.pem" --key "$CERTS/$cert.key" --echo --once
    gcli "$n" "$PRIO13"
    wait_pid "$SRV" 10
    SRV_RC=$?
    if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -qxF "hello $n" "$TMP/$n.gcli.out"; then
        ok "gnutls-cli -> ctls-server certificate $cert"
    else
        not_ok "gnutls-cli -> ctls-server certificate $cert (cli rc=$GCLI_RC server rc=$SRV_RC)" \
            "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
    fi
done

# HelloRetryRequest: with only NIST curves enabled gnutls-cli sends one key share (the first,
# secp256r1); a server that accepts only secp384r1 must ask again.
n=s-hrr
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --echo --once \
    --groups secp384r1
gcli "$n" "$PRIO13:-GROUP-ALL:+GROUP-SECP256R1:+GROUP-SECP384R1" -d 4
wait_pid "$SRV" 10
SRV_RC=$?
if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -qxF "hello $n" "$TMP/$n.gcli.out" &&
    expect_summary "$TMP/$n.srv.err" group secp384r1 &&
    grep -q "HELLO RETRY REQUEST" "$TMP/$n.gcli.err"; then
    ok "gnutls-cli -> ctls-server HelloRetryRequest (secp256r1 share, server wants secp384r1)"
else
    not_ok "gnutls-cli -> ctls-server HelloRetryRequest (cli rc=$GCLI_RC server rc=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.gcli.out"
fi

n=s-bulk
head -c 1048576 /dev/urandom >"$TMP/bulk.bin"
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --echo --once
timeout -k 2 "$T" gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" --verify-hostname localhost \
    --priority "$PRIO13" --logfile "$TMP/$n.gcli.log" 127.0.0.1 <"$TMP/bulk.bin" \
    >"$TMP/$n.gcli.out" 2>"$TMP/$n.gcli.err"
GCLI_RC=$?
wait_pid "$SRV" 10
SRV_RC=$?
if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] &&
    [ "$(sha256sum <"$TMP/bulk.bin")" = "$(sha256sum <"$TMP/$n.gcli.out")" ]; then
    ok "gnutls-cli <-> ctls-server --echo 1 MiB each way (sha256 match)"
else
    not_ok "gnutls-cli <-> ctls-server 1 MiB each way (cli rc=$GCLI_RC server rc=$SRV_RC got=$(stat -c %s "$TMP/$n.gcli.out"))" \
        "$TMP/$n.srv.err" "$TMP/$n.gcli.err" "$TMP/$n.gcli.log"
fi

n=s-alpn
ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --echo --once \
    --alpn h2,http/1.1
gcli "$n" "$PRIO13" --alpn http/1.1
wait_pid "$SRV" 10
SRV_RC=$?
if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && expect_summary "$TMP/$n.srv.err" alpn http/1.1; then
    ok "gnutls-cli -> ctls-server ALPN"
else
    not_ok "gnutls-cli -> ctls-server ALPN (cli rc=$GCLI_RC server rc=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.gcli.err"
fi

# ---- TLS 1.2 (RFC 5246 + RFC 7627 + RFC 5746), both roles, ECDSA and RSA, every 1.2 suite -----
# gnutls-serv / gnutls-cli speak TLS 1.2 only; ctls offers 1.3 and 1.2 (the default) and must
# settle on 1.2 (a ctls server then sets the RFC 8446 downgrade sentinel, which a 1.2-only peer
# ignores).
PRIO12="NORMAL:-VERS-ALL:+VERS-TLS1.2"
for cert in server-ecdsa server-rsa; do
    case $cert in
    server-ecdsa) auth=ECDSA ;;
    *) auth=RSA ;;
    esac
    for bulk in AES_128_GCM_SHA256 AES_256_GCM_SHA384 CHACHA20_POLY1305_SHA256; do
        suite="TLS_ECDHE_${auth}_WITH_$bulk"
        case $bulk in
        AES_128*) gc=AES-128-GCM ;;
        AES_256*) gc=AES-256-GCM ;;
        *) gc=CHACHA20-POLY1305 ;;
        esac
        prio="$PRIO12:-CIPHER-ALL:+$gc:-KX-ALL:+ECDHE-$auth"
        n="c12-$suite"
        gsrv "$n" "$cert" "$prio"
        cli "$n" --ciphers "$suite"
        stop "$SRV"
        if echoed "$n" && expect_summary "$TMP/$n.cli.err" cipher "$suite" &&
            expect_summary "$TMP/$n.cli.err" version TLSv1.2 &&
            expect_summary "$TMP/$n.cli.err" verify ok; then
            ok "ctls-client -> gnutls-serv TLS 1.2 $suite"
        else
            not_ok "ctls-client -> gnutls-serv TLS 1.2 $suite (rc=$CLI_RC)" "$TMP/$n.cli.err" \
                "$TMP/$n.srv.err"
        fi

        n="s12-$suite"
        ctls_srv "$n" --cert "$CERTS/$cert.pem" --key "$CERTS/$cert.key" --echo --once
        gcli "$n" "$prio"
        wait_pid "$SRV" 10
        SRV_RC=$?
        if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -qxF "hello $n" "$TMP/$n.gcli.out" &&
            expect_summary "$TMP/$n.srv.err" cipher "$suite" &&
            expect_summary "$TMP/$n.srv.err" version TLSv1.2; then
            ok "gnutls-cli -> ctls-server TLS 1.2 $suite"
        else
            not_ok "gnutls-cli -> ctls-server TLS 1.2 $suite (cli rc=$GCLI_RC server rc=$SRV_RC)" \
                "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
        fi
    done
done

# every group, a 1.2-only ctls client (--tls1.2), ALPN
for group in $GROUPS_ALL; do
    n="c12-group-$group"
    gsrv "$n" server-rsa "$PRIO12:-GROUP-ALL:+$(gnutls_group "$group")" --alpn http/1.1
    cli "$n" --tls1.2 --groups "$group" --alpn h2,http/1.1
    stop "$SRV"
    if echoed "$n" && expect_summary "$TMP/$n.cli.err" group "$group" &&
        expect_summary "$TMP/$n.cli.err" version TLSv1.2 &&
        expect_summary "$TMP/$n.cli.err" alpn http/1.1; then
        ok "ctls-client --tls1.2 -> gnutls-serv TLS 1.2 $group ALPN"
    else
        not_ok "ctls-client --tls1.2 -> gnutls-serv TLS 1.2 $group (rc=$CLI_RC)" \
            "$TMP/$n.cli.err" "$TMP/$n.srv.err"
    fi

    n="s12-group-$group"
    ctls_srv "$n" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --echo --once \
        --tls1.2 --groups "$group" --alpn h2
    gcli "$n" "$PRIO12:-GROUP-ALL:+$(gnutls_group "$group")" --alpn h2
    wait_pid "$SRV" 10
    SRV_RC=$?
    if [ $GCLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] && grep -qxF "hello $n" "$TMP/$n.gcli.out" &&
        expect_summary "$TMP/$n.srv.err" group "$group" &&
        expect_summary "$TMP/$n.srv.err" alpn h2; then
        ok "gnutls-cli -> ctls-server --tls1.2 TLS 1.2 $group ALPN"
    else
        not_ok "gnutls-cli -> ctls-server --tls1.2 TLS 1.2 $group (cli rc=$GCLI_RC server rc=$SRV_RC)" \
            "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
    fi
done

finish
