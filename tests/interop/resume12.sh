#!/bin/bash
# TLS 1.2 session resumption (RFC 5077 tickets, RFC 5246 session IDs, RFC 7627 5.3) between
# ctls and OpenSSL / GnuTLS, both roles; every case checks both sides' view of the resumption:
#   ctls-client --sess-out / --sess-in -> openssl s_server -www (tickets; -no_ticket: session
#     IDs), -> gnutls-serv (HTTP page; tickets; --noticket: session IDs)
#   openssl s_client -sess_out / -sess_in and -reconnect -> ctls-server --www (tickets;
#     -no_ticket: our server has no session-ID cache: an empty session ID, nothing saved),
#   gnutls-cli --resume -> ctls-server
# Usage: resume12.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

GET='GET / HTTP/1.0\r\n\r\n'
ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# cli NAME ARGS...: ctls-client --request GET to localhost:$PORT; CLI_RC, NAME.cli.out/.err.
cli() {
    local name=$1
    shift
    timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" --request "$GET" "$@" localhost \
        "$PORT" </dev/null >"$TMP/$name.cli.out" 2>"$TMP/$name.cli.err"
    CLI_RC=$?
}

# first_then_resumed NAME: both runs succeeded in TLS 1.2, the first full, the second resumed
# (ctls-client's summary), and the session file was written.
first_then_resumed() {
    [ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && [ -s "$TMP/$1.sess" ] &&
        expect_summary "$TMP/$1.1.cli.err" version TLSv1.2 &&
        expect_summary "$TMP/$1.2.cli.err" version TLSv1.2 &&
        expect_summary "$TMP/$1.1.cli.err" resumed no &&
        expect_summary "$TMP/$1.2.cli.err" resumed yes
}

# ---- ctls-client -> openssl s_server (-www: the page says New / Reused) ------------------------
for mode in ticket session-id; do
    n=c-ossl-$mode
    extra=()
    [ "$mode" = session-id ] && extra=(-no_ticket)
    PORT=$(free_port)
    hold_stdin "$n"
    bg "$n.srv" "$OPENSSL" s_server -accept "127.0.0.1:$PORT" -naccept 2 -tls1_2 -www \
        -msg -msgfile "$TMP/$n.msg" $(cert_args_ossl server-ecdsa) "${extra[@]}"
    SRV=$BG_PID
    wait_listen "$PORT" 10
    cli "$n.1" --tls1.2 --sess-out "$TMP/$n.sess"
    rc1=$CLI_RC
    # the second run offers TLS 1.3 and 1.2 (the default): the 1.2 session is still offered
    cli "$n.2" --sess-in "$TMP/$n.sess"
    rc2=$CLI_RC
    stop "$SRV"
    # tickets: NewSessionTicket in the first handshake; session IDs: none at all
    nst=$(grep -c 'NewSessionTicket' "$TMP/$n.msg")
    nst_ok=0
    if [ "$mode" = ticket ] && [ "$nst" -ge 1 ]; then nst_ok=1; fi
    if [ "$mode" = session-id ] && [ "$nst" -eq 0 ]; then nst_ok=1; fi
    if first_then_resumed "$n" && grep -q '^New, TLSv1.2' "$TMP/$n.1.cli.out" &&
        grep -q '^Reused, TLSv1.2' "$TMP/$n.2.cli.out" && [ $nst_ok -eq 1 ]; then
        ok "ctls-client -> s_server TLS 1.2 resumption ($mode)"
    else
        not_ok "ctls-client -> s_server TLS 1.2 resumption ($mode) (rc=$rc1/$rc2, NST lines $nst)" \
            "$TMP/$n.1.cli.err" "$TMP/$n.2.cli.err" "$TMP/$n.2.cli.out" "$TMP/$n.srv.err"
    fi
done

# ---- ctls-client -> gnutls-serv (HTTP mode: it logs "This is a resumed session") --------------
if have_gnutls; then
    for mode in ticket session-id; do
        n=c-gnutls-$mode
        extra=()
        [ "$mode" = session-id ] && extra=(--noticket)
        PORT=$(free_port)
        bg "$n.srv" gnutls-serv -p "$PORT" --x509certfile "$CERTS/server-ecdsa.pem" \
            --x509keyfile "$CERTS/server-ecdsa.key" --priority "NORMAL:-VERS-ALL:+VERS-TLS1.2" \
            "${extra[@]}"
        SRV=$BG_PID
        wait_listen "$PORT" 10
        cli "$n.1" --sess-out "$TMP/$n.sess"
        rc1=$CLI_RC
        cli "$n.2" --tls1.2 --sess-in "$TMP/$n.sess"
        rc2=$CLI_RC
        wait_file_text "$TMP/$n.srv.out" "Accepted connection" 5
        sleep 0.3
        stop "$SRV"
        resumed=$(grep -c 'This is a resumed session' "$TMP/$n.srv.out")
        if first_then_resumed "$n" && [ "$resumed" -eq 1 ]; then
            ok "ctls-client -> gnutls-serv TLS 1.2 resumption ($mode)"
        else
            not_ok "ctls-client -> gnutls-serv TLS 1.2 resumption ($mode) (rc=$rc1/$rc2, server resumed $resumed)" \
                "$TMP/$n.1.cli.err" "$TMP/$n.2.cli.err" "$TMP/$n.srv.out"
        fi
    done
else
    echo "# gnutls-serv / gnutls-cli not installed: GnuTLS cases skipped"
fi

# ---- openssl s_client -> ctls-server --www (the page says resumed: yes / no) --------------------
# scli NAME ARGS...: s_client -tls1_2 sending GET, output in NAME.scli.out.
scli() {
    local name=$1
    shift
    printf 'GET / HTTP/1.0\r\n\r\n' >"$TMP/$name.get"
    timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" -tls1_2 -servername localhost \
        -verify_hostname localhost -CAfile "$CERTS/ca.pem" -verify_return_error -ign_eof "$@" \
        <"$TMP/$name.get" >"$TMP/$name.scli.out" 2>"$TMP/$name.scli.err"
}

n=s-ossl-ticket
ctls_srv "$n" "${ECDSA[@]}" --www
scli "$n.1" -sess_out "$TMP/$n.sess"
scli "$n.2" -sess_in "$TMP/$n.sess"
stop "$SRV"
if grep -q '^New, TLSv1.2' "$TMP/$n.1.scli.out" && grep -q '^resumed: no' "$TMP/$n.1.scli.out" &&
    grep -q '^Reused, TLSv1.2' "$TMP/$n.2.scli.out" && grep -q '^resumed: yes' "$TMP/$n.2.scli.out" &&
    grep -q '^version: TLSv1.2' "$TMP/$n.2.scli.out"; then
    ok "s_client -> ctls-server TLS 1.2 resumption (ticket)"
else
    not_ok "s_client -> ctls-server TLS 1.2 resumption (ticket)" "$TMP/$n.srv.err" \
        "$TMP/$n.1.scli.out" "$TMP/$n.2.scli.out"
fi

# the same with -reconnect (five more connections with the first session)
n=s-ossl-reconnect
ctls_srv "$n" "${ECDSA[@]}" --www
scli "$n" -reconnect
stop "$SRV"
if [ "$(grep -c '^Reused, TLSv1.2' "$TMP/$n.scli.out")" -ge 5 ] &&
    [ "$(grep -c '^resumed: yes' "$TMP/$n.srv.err")" -ge 5 ]; then
    ok "s_client -reconnect -> ctls-server TLS 1.2 resumption"
else
    not_ok "s_client -reconnect -> ctls-server TLS 1.2 resumption" "$TMP/$n.srv.err" \
        "$TMP/$n.scli.out"
fi

# no tickets: our server has no session-ID cache, so it sends an empty session ID (RFC 5246
# 7.4.1.3: not resumable) and s_client has no session to save
n=s-ossl-noticket
ctls_srv "$n" "${ECDSA[@]}" --www
scli "$n" -no_ticket -sess_out "$TMP/$n.sess"
stop "$SRV"
if grep -q '^New, TLSv1.2' "$TMP/$n.scli.out" && grep -q '^resumed: no' "$TMP/$n.scli.out" &&
    grep -qx ' *Session-ID: *' "$TMP/$n.scli.out" && ! grep -q 'TLS session ticket' "$TMP/$n.scli.out" &&
    [ ! -s "$TMP/$n.sess" ]; then
    ok "s_client -no_ticket -> ctls-server TLS 1.2: no ticket, empty session ID, nothing to resume"
else
    not_ok "s_client -no_ticket -> ctls-server TLS 1.2" "$TMP/$n.srv.err" "$TMP/$n.scli.out"
fi

# ---- gnutls-cli --resume -> ctls-server ----------------------------------------------------------
if have_gnutls; then
    n=s-gnutls
    ctls_srv "$n" "${ECDSA[@]}" --www
    gnutls_resume "$n" "NORMAL:-VERS-ALL:+VERS-TLS1.2"
    stop "$SRV"
    if gnutls_resumed "$n" 1.2; then
        ok "gnutls-cli --resume -> ctls-server TLS 1.2 resumption"
    else
        not_ok "gnutls-cli --resume -> ctls-server TLS 1.2 resumption (rc=$GCLI_RC)" \
            "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
    fi
fi

finish
