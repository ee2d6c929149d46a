#!/bin/bash
# Application ticket keys (ctls-server --ticket-key FILE) against OpenSSL's client: a session
# saved from one ctls-server process (s_client -sess_out) resumes on a second process given
# the same key (-sess_in: "Reused", the --www page says resumed: yes): a restart, or another
# server of a farm. The first server reads the key as hex, the second as raw bytes. A third
# process with another key: a full handshake ("New"). TLS 1.3 and TLS 1.2 (RFC 5077 tickets).
# The same across two processes with ctls-client --sess-out / --sess-in.
# --ticket-lifetime: the lifetime announced. A key file of the wrong size, a rotation or
# lifetime out of range: ctls-server refuses to start.
# Usage: ticket_keys.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# the same 32-byte key as raw bytes and as hex (with a newline); another key
"$OPENSSL" rand -out "$TMP/key.raw" 32
od -An -v -tx1 "$TMP/key.raw" | tr -d ' \n' >"$TMP/key.hex"
echo >>"$TMP/key.hex"
"$OPENSSL" rand -hex 48 >"$TMP/other.hex"

for v in 1.3 1.2; do
    n=tk-$v
    ver=-tls1_${v#1.}
    ctls_srv "$n.a" "${ECDSA[@]}" --www --ticket-key "$TMP/key.hex"
    ossl_www_get "$n.1" "$ver" -sess_out "$TMP/$n.sess"
    stop "$SRV"
    cp "$TMP/$n.sess" "$TMP/$n.sess.copy" 2>/dev/null
    ctls_srv "$n.b" "${ECDSA[@]}" --www --ticket-key "$TMP/key.raw"
    ossl_www_get "$n.2" "$ver" -sess_in "$TMP/$n.sess"
    stop "$SRV"
    ctls_srv "$n.c" "${ECDSA[@]}" --www --ticket-key "$TMP/other.hex"
    ossl_www_get "$n.3" "$ver" -sess_in "$TMP/$n.sess.copy"
    stop "$SRV"
    if grep -q "^New, TLSv$v" "$TMP/$n.1.scli.out" && grep -q '^resumed: no' "$TMP/$n.1.scli.out" &&
        [ -s "$TMP/$n.sess" ] &&
        grep -q "^Reused, TLSv$v" "$TMP/$n.2.scli.out" && grep -q '^resumed: yes' "$TMP/$n.2.scli.out"; then
        ok "s_client -sess_out / -sess_in across two ctls-server processes, same --ticket-key: TLS $v reused"
    else
        not_ok "same --ticket-key on two ctls-server processes, TLS $v" "$TMP/$n.a.srv.err" \
            "$TMP/$n.b.srv.err" "$TMP/$n.1.scli.out" "$TMP/$n.2.scli.out"
    fi
    if grep -q "^New, TLSv$v" "$TMP/$n.3.scli.out" && grep -q '^resumed: no' "$TMP/$n.3.scli.out"; then
        ok "s_client -sess_in on a ctls-server with another --ticket-key: TLS $v full handshake"
    else
        not_ok "another --ticket-key, TLS $v" "$TMP/$n.c.srv.err" "$TMP/$n.3.scli.out"
    fi
done

# ctls-client --sess-out on one process, --sess-in on a second with the same key
for v in 1.3 1.2; do
    n=tk-ctls-$v
    for i in 1 2; do
        key=$TMP/key.hex io=(--sess-out "$TMP/$n.sess")
        [ $i = 2 ] && key=$TMP/key.raw io=(--sess-in "$TMP/$n.sess")
        ctls_srv "$n.$i" "${ECDSA[@]}" --www --ticket-key "$key"
        timeout -k 2 "$T" "$CTLS_CLIENT" --cafile "$CERTS/ca.pem" --tls"$v" "${io[@]}" \
            --request 'GET / HTTP/1.0\r\n\r\n' localhost "$PORT" </dev/null \
            >"$TMP/$n.$i.cli.out" 2>"$TMP/$n.$i.cli.err"
        stop "$SRV"
    done
    if expect_summary "$TMP/$n.1.cli.err" resumed no && expect_summary "$TMP/$n.2.cli.err" resumed yes &&
        expect_summary "$TMP/$n.2.cli.err" version "TLSv$v" &&
        grep -q '^resumed: yes' "$TMP/$n.2.cli.out"; then
        ok "ctls-client --sess-out / --sess-in across two ctls-server processes, same --ticket-key: TLS $v resumed"
    else
        not_ok "ctls-client across two ctls-server processes, TLS $v" "$TMP/$n.1.srv.err" \
            "$TMP/$n.2.srv.err" "$TMP/$n.1.cli.err" "$TMP/$n.2.cli.err" "$TMP/$n.2.cli.out"
    fi
done

# --ticket-lifetime: the lifetime announced (OpenSSL prints it as the hint), TLS 1.3 and 1.2
for v in 1.3 1.2; do
    n=tk-life-$v
    ctls_srv "$n" "${ECDSA[@]}" --www --ticket-key "$TMP/key.hex" --ticket-lifetime 600 \
        --ticket-rotation 0
    ossl_www_get "$n" "-tls1_${v#1.}"
    stop "$SRV"
    if grep -q 'lifetime hint: 600 ' "$TMP/$n.scli.out" && ! grep -q 'lifetime hint: 7200' "$TMP/$n.scli.out"; then
        ok "ctls-server --ticket-lifetime 600: TLS $v tickets announce 600 s"
    else
        not_ok "ctls-server --ticket-lifetime 600, TLS $v" "$TMP/$n.srv.err" "$TMP/$n.scli.out"
    fi
done

# a key file too short (16 bytes) or missing, a rotation or lifetime beyond 7 days: refused
"$OPENSSL" rand -out "$TMP/short.raw" 16
for a in "--ticket-key $TMP/short.raw" "--ticket-key $TMP/missing" "--ticket-rotation 604801" \
    "--ticket-lifetime 0" "--ticket-lifetime 604801"; do
    # shellcheck disable=SC2086
    timeout -k 2 "$T" "$CTLS_SERVER" "${ECDSA[@]}" --port 0 $a >/dev/null 2>"$TMP/bad-opt.err"
    rc=$?
    if [ $rc -eq 1 ] && grep -q -- "${a%% *}" "$TMP/bad-opt.err"; then
        ok "ctls-server ${a/$TMP\//}: refused (exit 1)"
    else
        not_ok "ctls-server $a (rc=$rc)" "$TMP/bad-opt.err"
    fi
done

finish
