#!/bin/bash
# TLS 1.2 renegotiation (RFC 5746, RFC 5246 7.4.1.1), opt-in, both roles:
#   ctls-client --renegotiate -> openssl s_server, whose stdin command "r" sends a HelloRequest
#     and "R" one asking for a client certificate in the new handshake: the renegotiation runs
#     (openssl logs a second ClientHello / Finished, ctls prints "renegotiations: 1"), data
#     flows after it both ways; without --renegotiate ctls refuses (warning no_renegotiation);
#   openssl s_client typing "R" (client-initiated) -> ctls-server --renegotiate: completed;
#     without --renegotiate: refused with no_renegotiation (openssl gives up the connection);
#   ctls-server --renegotiate-now (HelloRequest) -> openssl s_client: completed;
#   ctls-server --renegotiate-now --require-client-cert --late-client-auth (a client
#     certificate asked for only in the renegotiation, ctls_conn_set_verify) -> s_client with a
#     certificate (verified, reported after the renegotiation) and without (handshake_failure);
#   gnutls-cli --rehandshake -> ctls-server --renegotiate, gnutls-cli with a certificate ->
#     ctls-server --renegotiate-now --require-client-cert --late-client-auth (server-initiated),
#     ctls-client --renegotiate-now -> gnutls-serv (client-initiated), and gnutls-serv's
#     "**REHANDSHAKE**" echo command (server-initiated) -> ctls-client --renegotiate.
# Usage: reneg.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

# ---- ctls-client -> openssl s_server ---------------------------------------------------------

# ossl_srv NAME CMD CLIENT-ARGS...: s_server -tls1_2 (-msg log), CMD ("r" / "R") on its stdin
# once the handshake is done, then a line each way.
ossl_srv() {
    local name=$1 cmd=$2
    shift 2
    ossl_stdin_cmd "$name" -tls1_2 "$cmd" "after reneg" --tls1.2 "$@"
}

# data_flowed NAME CLI-OUT SRV-OUT: the lines sent after the request crossed both ways.
data_flowed() {
    grep -qF "server after reneg $1" "$2" && grep -qF "client after reneg $1" "$3"
}

# second_handshake MSGFILE: openssl logged the renegotiation: a HelloRequest or a second
# ClientHello, then a second Finished each way.
second_handshake() {
    [ "$(grep -c '^<<< .*ClientHello' "$1")" -ge 2 ] &&
        [ "$(grep -c '^<<< .*Finished' "$1")" -ge 2 ] &&
        [ "$(grep -c '^>>> .*Finished' "$1")" -ge 2 ]
}

n=ossl-r
ossl_srv "$n" r --renegotiate
if [ $CLI_RC -eq 0 ] && data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" &&
    grep -q '^>>> .*HelloRequest' "$TMP/$n.msg" && second_handshake "$TMP/$n.msg" &&
    expect_summary "$TMP/$n.cli.err" renegotiations 1; then
    ok "ctls-client --renegotiate -> s_server 'r': renegotiated, data after both ways"
else
    not_ok "ctls-client --renegotiate -> s_server 'r' (rc=$CLI_RC)" "$TMP/$n.cli.err" \
        "$TMP/$n.srv.out" "$TMP/$n.msg"
fi

n=ossl-R
ossl_srv "$n" R --renegotiate --cert "$CERTS/client.pem" --key "$CERTS/client.key"
if [ $CLI_RC -eq 0 ] && data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" &&
    second_handshake "$TMP/$n.msg" && grep -q '^>>> .*CertificateRequest' "$TMP/$n.msg" &&
    grep -q '^<<< .*CertificateVerify' "$TMP/$n.msg" &&
    grep -q 'depth=0 O = ctls test, CN = client' "$TMP/$n.srv.err" &&
    ! grep -q 'verify error' "$TMP/$n.srv.err" &&
    expect_summary "$TMP/$n.cli.err" renegotiations 1; then
    ok "ctls-client --renegotiate -> s_server 'R': client certificate in the renegotiation"
else
    not_ok "ctls-client --renegotiate -> s_server 'R' (rc=$CLI_RC)" "$TMP/$n.cli.err" \
        "$TMP/$n.srv.out" "$TMP/$n.msg"
fi

# the default: a warning no_renegotiation; openssl's server ends the connection on it with a
# fatal handshake_failure (OpenSSL 3.0 treats the refusal as fatal)
n=ossl-refused
ossl_srv "$n" r
if grep -q '^<<< .*Alert \[length 0002\], warning no_renegotiation' "$TMP/$n.msg" &&
    [ "$(grep -c '^<<< .*ClientHello' "$TMP/$n.msg")" -eq 1 ] &&
    ! grep -q '^renegotiations:' "$TMP/$n.cli.err" &&
    grep -qF 'alert: handshake_failure (40)' "$TMP/$n.cli.err"; then
    ok "ctls-client (default) -> s_server 'r': refused with warning no_renegotiation"
else
    not_ok "ctls-client (default) -> s_server 'r' (rc=$CLI_RC)" "$TMP/$n.cli.err" "$TMP/$n.msg"
fi

# ---- openssl s_client -> ctls-server ---------------------------------------------------------

# reneg_srv NAME WAIT SERVER-ARGS... [-- CLIENT-ARGS...]: the fifos NAME.sin / NAME.cin and a
# one-connection ctls-server --tls1.2 (stdin/stdout mode) with SERVER-ARGS whose line "server
# after reneg NAME" goes out once the client's line is in and its stderr shows WAIT ("": at
# once); its stdin ends once NAME.cli.done says done. CLIENT-ARGS are left in CLI_ARGS.
reneg_srv() {
    local name=$1 wait=$2 srv_args=()
    shift 2
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        srv_args+=("$1")
        shift
    done
    [ $# -gt 0 ] && shift
    CLI_ARGS=("$@")
    mkfifo "$TMP/$name.sin" "$TMP/$name.cin"
    (
        wait_file_text "$TMP/$name.srv.out" "client after reneg $name" "$T"
        wait_file_text "$TMP/$name.srv.err" "$wait" "$T"
        echo "server after reneg $name"
        wait_file_text "$TMP/$name.cli.done" "done" "$T"
    ) >"$TMP/$name.sin" &
    BG_STDIN=$TMP/$name.sin
    ctls_srv "$name" --cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key" --tls1.2 \
        --once "${srv_args[@]}"
}

# sclient NAME CMD SERVER-ARGS... [-- CLIENT-ARGS...]: reneg_srv and an interactive s_client
# -tls1_2 (-msg log) with CLIENT-ARGS typing CMD ("R", or nothing) after the handshake, then a
# line each way; s_client's stdin ends once both lines are in.
sclient() {
    local name=$1 cmd=$2
    shift 2
    reneg_srv "$name" "" "$@"
    (
        wait_file_text "$TMP/$name.cli.out" "Verify return code" "$T" && sleep 0.3
        [ -n "$cmd" ] && echo "$cmd" && sleep 1
        echo "client after reneg $name"
        wait_file_text "$TMP/$name.cli.out" "server after reneg $name" "$T"
    ) >"$TMP/$name.cin" &
    local feeder=$!
    timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_2 \
        -servername localhost -CAfile "$CERTS/ca.pem" -verify_return_error \
        -msg "${CLI_ARGS[@]}" <"$TMP/$name.cin" >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
    echo done >"$TMP/$name.cli.done"
    wait_pid "$SRV" 10
    SRV_RC=$?
    wait_pid $feeder 5 >/dev/null 2>&1
}

n=sclient-R
sclient "$n" R --renegotiate
if [ $SRV_RC -eq 0 ] && data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" &&
    [ "$(grep -c '^>>> .*ClientHello' "$TMP/$n.cli.out")" -ge 2 ] &&
    [ "$(grep -c '^<<< .*Finished' "$TMP/$n.cli.out")" -ge 2 ] &&
    expect_summary "$TMP/$n.srv.err" renegotiations 1; then
    ok "s_client 'R' -> ctls-server --renegotiate: client-initiated renegotiation completed"
else
    not_ok "s_client 'R' -> ctls-server --renegotiate (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

n=sclient-refused
sclient "$n" R
if grep -q '^<<< .*Alert \[length 0002\], warning no_renegotiation' "$TMP/$n.cli.out" &&
    ! grep -q '^renegotiations:' "$TMP/$n.srv.err" &&
    grep -qF 'alert: handshake_failure (40)' "$TMP/$n.srv.err" &&
    [ "$(grep -c '^<<< .*Finished' "$TMP/$n.cli.out")" -eq 1 ]; then
    ok "s_client 'R' -> ctls-server (default): refused with warning no_renegotiation"
else
    not_ok "s_client 'R' -> ctls-server (default) (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

n=sclient-hellorequest
sclient "$n" "" --renegotiate-now
if [ $SRV_RC -eq 0 ] && data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" &&
    grep -q '^<<< .*HelloRequest' "$TMP/$n.cli.out" &&
    [ "$(grep -c '^>>> .*ClientHello' "$TMP/$n.cli.out")" -ge 2 ] &&
    expect_summary "$TMP/$n.srv.err" renegotiations 1; then
    ok "ctls-server --renegotiate-now -> s_client: server-initiated renegotiation completed"
else
    not_ok "ctls-server --renegotiate-now -> s_client (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

# ---- a client certificate asked for only in the renegotiation ---------------------------------

LATE=(--renegotiate-now --require-client-cert --late-client-auth --cafile "$CERTS/ca.pem")
CLIENT_CERT=(-cert "$CERTS/client.pem" -key "$CERTS/client.key" -cert_chain "$CERTS/int.pem")

# cr_in_renegotiation FILE: s_client's -msg log has one CertificateRequest, after its second
# ClientHello (none in the first handshake).
cr_in_renegotiation() {
    awk '/^>>> .*ClientHello/ { ch++ } /^<<< .*CertificateRequest/ { cr++; if (ch < 2) bad = 1 }
         END { exit !(cr == 1 && !bad) }' "$1"
}

# late_reported NAME: ctls-server asked for nothing in the handshake and reported the
# renegotiation's client chain (leaf and intermediate), verified.
late_reported() {
    expect_summary "$TMP/$1.srv.err" peer-certs 0 &&
        expect_summary "$TMP/$1.srv.err" renegotiations 1 &&
        expect_last "$TMP/$1.srv.err" verify ok && expect_last "$TMP/$1.srv.err" peer-certs 2
}

n=sclient-late-cert
sclient "$n" "" "${LATE[@]}" -- "${CLIENT_CERT[@]}"
if [ $SRV_RC -eq 0 ] && data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" &&
    cr_in_renegotiation "$TMP/$n.cli.out" && grep -q '^>>> .*CertificateVerify' "$TMP/$n.cli.out" &&
    late_reported "$n"; then
    ok "ctls-server --late-client-auth -> s_client -cert: certificate asked for and verified in the renegotiation only"
else
    not_ok "ctls-server --late-client-auth -> s_client -cert (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

# RFC 5246 7.4.6: no certificate where one is demanded: handshake_failure, after a handshake
# that asked for none
n=sclient-late-nocert
sclient "$n" "" "${LATE[@]}"
if [ $SRV_RC -ne 0 ] && expect_summary "$TMP/$n.srv.err" peer-certs 0 &&
    grep -qF "error: $(strerror HANDSHAKE_FAILURE)" "$TMP/$n.srv.err" &&
    ! grep -q '^renegotiations:' "$TMP/$n.srv.err" && cr_in_renegotiation "$TMP/$n.cli.out" &&
    grep -q '^<<< .*Alert .*fatal handshake_failure' "$TMP/$n.cli.out"; then
    ok "ctls-server --late-client-auth -> s_client without a certificate: handshake_failure in the renegotiation"
else
    not_ok "ctls-server --late-client-auth -> s_client without a certificate (srv=$SRV_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

# ---- GnuTLS ----------------------------------------------------------------------------------

if ! have_gnutls; then
    echo "# gnutls tools not installed: GnuTLS cases skipped"
    finish
fi

# gnutls_cli NAME WAIT SERVER-ARGS... -- CLIENT-ARGS...: reneg_srv (WAIT: a renegotiation the
# server started must be complete before its line: gnutls-cli fails on application data inside
# its rehandshake) and gnutls-cli (TLS 1.2 only, verifying it) with CLIENT-ARGS; a line each way.
gnutls_cli() {
    local name=$1
    shift
    reneg_srv "$name" "$@"
    (
        echo "client after reneg $name"
        wait_file_text "$TMP/$name.cli.out" "server after reneg $name" "$T"
    ) >"$TMP/$name.cin" &
    timeout -k 2 "$T" gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" \
        --sni-hostname localhost --verify-hostname localhost \
        --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2' "${CLI_ARGS[@]}" 127.0.0.1 <"$TMP/$name.cin" \
        >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
    echo done >"$TMP/$name.cli.done"
    wait_pid "$SRV" 10
    SRV_RC=$?
}

# gnutls-cli --rehandshake renegotiates right after its handshake
n=gnutls-cli
gnutls_cli "$n" "" --renegotiate -- --rehandshake
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] &&
    grep -q 'ReHandshake was completed' "$TMP/$n.cli.out" &&
    data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" &&
    expect_summary "$TMP/$n.srv.err" renegotiations 1; then
    ok "gnutls-cli --rehandshake -> ctls-server --renegotiate: completed, data after"
else
    not_ok "gnutls-cli --rehandshake -> ctls-server --renegotiate (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

# the server's HelloRequest asks for the certificate gnutls-cli holds. --tickets 0: gnutls-cli
# 3.7 waits for a NewSessionTicket in a rehandshake whose ServerHello announces none when the
# first handshake had one (RFC 5077 3.2: only the SessionTicket extension announces one), and
# a server asking for a certificate issues no ticket
n=gnutls-cli-late-cert
gnutls_cli "$n" "renegotiations: 1" "${LATE[@]}" --tickets 0 -- \
    --x509certfile "$CERTS/client.pem" --x509keyfile "$CERTS/client.key"
if [ $CLI_RC -eq 0 ] && [ $SRV_RC -eq 0 ] &&
    grep -q 'Rehandshake was performed' "$TMP/$n.cli.out" &&
    data_flowed "$n" "$TMP/$n.cli.out" "$TMP/$n.srv.out" && late_reported "$n"; then
    ok "ctls-server --late-client-auth -> gnutls-cli with a certificate: asked for and verified in the renegotiation only"
else
    not_ok "ctls-server --late-client-auth -> gnutls-cli with a certificate (srv=$SRV_RC cli=$CLI_RC)" \
        "$TMP/$n.srv.err" "$TMP/$n.cli.out" "$TMP/$n.cli.err"
fi

# gnutls_serv NAME CLIENT-ARGS...: gnutls-serv (echo mode, TLS 1.2) and ctls-client with
# CLIENT-ARGS sending the lines of $TMP/NAME.lines one by one, each after the previous echo
# (after the renegotiation for gnutls-serv's **REHANDSHAKE** command, which is not echoed).
gnutls_serv() {
    local name=$1
    shift
    PORT=$(free_port)
    hold_stdin "$name"
    bg "$name.srv" gnutls-serv -p "$PORT" --echo --x509certfile "$CERTS/server-ecdsa.pem" \
        --x509keyfile "$CERTS/server-ecdsa.key" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.2'
    SRV=$BG_PID
    wait_listen "$PORT" 10
    mkfifo "$TMP/$name.cin"
    (
        while read -r line; do
            echo "$line"
            if [ "$line" = '**REHANDSHAKE**' ]; then
                wait_file_text "$TMP/$name.cli.err" "renegotiations: 1" "$T"
            else
                wait_file_text "$TMP/$name.cli.out" "$line" "$T"
            fi
        done <"$TMP/$name.lines"
    ) >"$TMP/$name.cin" &
    ctls_cli_fifo "$name" --tls1.2 "$@"
    stop "$SRV"
}

n=gnutls-serv-client-initiated
printf 'client after reneg %s\n' "$n" >"$TMP/$n.lines"
gnutls_serv "$n" --renegotiate-now
if [ $CLI_RC -eq 0 ] && grep -qF "client after reneg $n" "$TMP/$n.cli.out" &&
    expect_summary "$TMP/$n.cli.err" renegotiations 1; then
    ok "ctls-client --renegotiate-now -> gnutls-serv: client-initiated renegotiation, echo after"
else
    not_ok "ctls-client --renegotiate-now -> gnutls-serv (rc=$CLI_RC)" "$TMP/$n.cli.err" \
        "$TMP/$n.srv.out" "$TMP/$n.srv.err"
fi

n=gnutls-serv-server-initiated
printf '**REHANDSHAKE**\nclient after reneg %s\n' "$n" >"$TMP/$n.lines"
gnutls_serv "$n" --renegotiate
if [ $CLI_RC -eq 0 ] && grep -qF "client after reneg $n" "$TMP/$n.cli.out" &&
    grep -qF '*** Sending rehandshake request' "$TMP/$n.srv.err" &&
    expect_summary "$TMP/$n.cli.err" renegotiations 1; then
    ok "gnutls-serv **REHANDSHAKE** -> ctls-client --renegotiate: renegotiated, echo after"
else
    not_ok "gnutls-serv **REHANDSHAKE** -> ctls-client --renegotiate (rc=$CLI_RC)" \
        "$TMP/$n.cli.err" "$TMP/$n.cli.out" "$TMP/$n.srv.out" "$TMP/$n.srv.err"
fi

finish
