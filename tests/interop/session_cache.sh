#!/bin/bash
# The server session cache (ctls-server --session-cache N) against OpenSSL and GnuTLS clients;
# every case checks both sides' view of the resumption (the client's "Reused" / "resumed" and
# the --www page or the server's "resumed:" summary lines):
#   openssl s_client -tls1_2 -no_ticket -sess_out / -sess_in: a 32-byte session ID, reused
#     (RFC 5246 7.4.1.3 / 7.3); -reconnect: five reuses of one ID
#   openssl s_client -tls1_3 -sess_out / -sess_in: a cache-key ticket, reused once; the same
#     session a second time is a full handshake (single use)
#   gnutls-cli --resume, TLS 1.2 with priority %NO_TICKETS (session ID; gnutls-cli 3.7's
#     --noticket still sends a TLS 1.2 SessionTicket, which our tickets would answer), and
#     TLS 1.3 (a cache-key ticket)
# Usage: session_cache.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

session_id() { sed -n 's/^ *Session-ID: *\([0-9A-F]*\)$/\1/p' "$1" | head -n 1; }

# ---- TLS 1.2: session IDs -------------------------------------------------------------------
n=s-ossl-12
ctls_srv "$n" "${ECDSA[@]}" --www --tls1.2 --session-cache 64
ossl_www_get "$n.1" -tls1_2 -no_ticket -sess_out "$TMP/$n.sess"
ossl_www_get "$n.2" -tls1_2 -no_ticket -sess_in "$TMP/$n.sess"
stop "$SRV"
id1=$(session_id "$TMP/$n.1.scli.out")
id2=$(session_id "$TMP/$n.2.scli.out")
if grep -q '^New, TLSv1.2' "$TMP/$n.1.scli.out" && grep -q '^resumed: no' "$TMP/$n.1.scli.out" &&
    [ ${#id1} -eq 64 ] && [ "$id1" = "$id2" ] && [ -s "$TMP/$n.sess" ] &&
    ! grep -q 'TLS session ticket:' "$TMP/$n.1.scli.out" &&
    grep -q '^Reused, TLSv1.2' "$TMP/$n.2.scli.out" && grep -q '^resumed: yes' "$TMP/$n.2.scli.out"; then
    ok "s_client -no_ticket -> ctls-server --session-cache: TLS 1.2 session ID reused"
else
    not_ok "s_client -no_ticket -> ctls-server --session-cache TLS 1.2 (ids '$id1' '$id2')" \
        "$TMP/$n.srv.err" "$TMP/$n.1.scli.out" "$TMP/$n.2.scli.out"
fi

n=s-ossl-12-reconnect
ctls_srv "$n" "${ECDSA[@]}" --www --tls1.2 --session-cache 64
ossl_www_get "$n" -tls1_2 -no_ticket -reconnect
stop "$SRV"
if [ "$(grep -c '^Reused, TLSv1.2' "$TMP/$n.scli.out")" -ge 5 ] &&
    [ "$(grep -c '^resumed: yes' "$TMP/$n.srv.err")" -ge 5 ] &&
    [ "$(grep -c '^resumed: no' "$TMP/$n.srv.err")" -eq 1 ]; then
    ok "s_client -no_ticket -reconnect -> ctls-server --session-cache: five reuses"
else
    not_ok "s_client -no_ticket -reconnect -> ctls-server --session-cache" "$TMP/$n.srv.err" \
        "$TMP/$n.scli.out"
fi

# ---- TLS 1.3: cache-key tickets, single use ---------------------------------------------------
n=s-ossl-13
ctls_srv "$n" "${ECDSA[@]}" --www --session-cache 64
ossl_www_get "$n.1" -tls1_3 -sess_out "$TMP/$n.sess"
cp "$TMP/$n.sess" "$TMP/$n.sess.copy" 2>/dev/null
ossl_www_get "$n.2" -tls1_3 -sess_in "$TMP/$n.sess"
ossl_www_get "$n.3" -tls1_3 -sess_in "$TMP/$n.sess.copy"
stop "$SRV"
if grep -q '^New, TLSv1.3' "$TMP/$n.1.scli.out" && grep -q '^resumed: no' "$TMP/$n.1.scli.out" &&
    grep -q '^Reused, TLSv1.3' "$TMP/$n.2.scli.out" && grep -q '^resumed: yes' "$TMP/$n.2.scli.out" &&
    grep -q '^New, TLSv1.3' "$TMP/$n.3.scli.out" && grep -q '^resumed: no' "$TMP/$n.3.scli.out"; then
    ok "s_client -> ctls-server --session-cache: TLS 1.3 ticket reused once, then a full handshake"
else
    not_ok "s_client -> ctls-server --session-cache TLS 1.3" "$TMP/$n.srv.err" \
        "$TMP/$n.1.scli.out" "$TMP/$n.2.scli.out" "$TMP/$n.3.scli.out"
fi

# ---- gnutls-cli --resume ----------------------------------------------------------------------
if have_gnutls; then
    for v in 1.2 1.3; do
        n=s-gnutls-$v
        prio="NORMAL:-VERS-ALL:+VERS-TLS$v"
        [ "$v" = 1.2 ] && prio="$prio:%NO_TICKETS"
        ctls_srv "$n" "${ECDSA[@]}" --www --session-cache 64
        gnutls_resume "$n" "$prio"
        stop "$SRV"
        # TLS 1.2 without tickets: both connections name the same (cached) session ID
        ids=$(sed -n 's/^- Session ID: \(..*\)$/\1/p' "$TMP/$n.gcli.out" | sort -u | wc -l)
        if gnutls_resumed "$n" "$v" && { [ "$v" = 1.3 ] || [ "$ids" -eq 1 ]; }; then
            ok "gnutls-cli --resume ($prio) -> ctls-server --session-cache: TLS $v resumed"
        else
            not_ok "gnutls-cli --resume ($prio) -> ctls-server --session-cache TLS $v (rc=$GCLI_RC)" \
                "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
        fi
    done
else
    echo "# gnutls-cli not installed: GnuTLS cases skipped"
fi

finish
