#!/bin/bash
# The keying material exporter (RFC 8446 7.5, RFC 5705) against OpenSSL and GnuTLS: TLS 1.3 and
# TLS 1.2, a SHA-256 and a SHA-384 suite each, ctls as client and as server. ctls-client and
# ctls-server --export LABEL:LEN print "exported: <hex>"; openssl s_server / s_client
# -keymatexport LABEL -keymatexportlen LEN print "Keying material: <HEX>", gnutls-serv /
# gnutls-cli --keymatexport LABEL --keymatexportsize LEN "- Key material: <hex>": the values
# must be equal (and the suite the one asked for). Neither CLI takes a context: contexts are
# checked ctls to ctls here, and against the RFC formulas in tests/unit/test_exporter.c. The
# GnuTLS cases are skipped when gnutls-bin is not installed.
# Usage: export.sh [CTLS_CLIENT [CTLS_SERVER]]
. "$(dirname "$0")/lib.sh" "$@"

LABEL=EXPERIMENTAL-ctls-interop
ECDSA=(--cert "$CERTS/server-ecdsa.pem" --key "$CERTS/server-ecdsa.key")

# The hex each tool printed, lowercased.
ctls_hex() { sed -n 's/^exported: \([0-9a-f]*\)$/\1/p' "$1" | head -n 1; }
ossl_hex() { sed -n 's/^ *Keying material: \([0-9A-Fa-f]*\)$/\1/p' "$1" | head -n 1 | tr A-F a-f; }
gnutls_hex() { sed -n 's/^- Key material: \([0-9A-Fa-f]*\)$/\1/p' "$1" | head -n 1 | tr A-F a-f; }

# same A B LEN: A and B are the same LEN bytes of hex.
same() { [ ${#1} -eq $((2 * $3)) ] && [ "$1" = "$2" ]; }

# report NAME DESC A B LEN SUMMARY-FILE SUITE FILES...: ok when A and B are the same LEN bytes
# and the ctls summary says SUITE.
report() {
    local name=$1 desc=$2 a=$3 b=$4 len=$5 summary=$6 suite=$7
    shift 7
    if same "$a" "$b" "$len" && expect_summary "$summary" cipher "$suite"; then
        ok "$desc"
    else
        not_ok "$desc (ctls=${a:-none} peer=${b:-none})" "$@"
    fi
}

# ctls-client (stdin: one line) to the server on $PORT. CLI_RC.
cli() {
    local name=$1
    shift
    echo "hello $name" >"$TMP/$name.cin"
    ctls_cli_fifo "$name" "$@"
}

for version in 1.3 1.2; do
    if [ $version = 1.3 ]; then
        suites="TLS_AES_128_GCM_SHA256 TLS_AES_256_GCM_SHA384"
        prio="NORMAL:-VERS-ALL:+VERS-TLS1.3"
    else
        suites="TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"
        prio="NORMAL:-VERS-ALL:+VERS-TLS1.2"
    fi
    len=32
    for suite in $suites; do
        len=$((len + 29)) # a length of its own per case: 61, 90
        # ---- ctls-client -> openssl s_server ----
        n="c-ossl-$version-$suite"
        ossl_srv "$n" $(cert_args_ossl server-ecdsa) -keymatexport "$LABEL" -keymatexportlen "$len"
        cli "$n" --tls$version --ciphers "$suite" --export "$LABEL:$len"
        ossl_srv_end
        report "$n" "ctls-client --export -> s_server -keymatexport, TLS $version $suite" \
            "$(ctls_hex "$TMP/$n.cli.err")" "$(ossl_hex "$TMP/$n.srv.out")" "$len" \
            "$TMP/$n.cli.err" "$suite" "$TMP/$n.cli.err" "$TMP/$n.srv.out"

        # ---- openssl s_client -> ctls-server ----
        n="s-ossl-$version-$suite"
        ctls_srv "$n" "${ECDSA[@]}" --echo --once --tls$version --ciphers "$suite" \
            --export "$LABEL:$len"
        echo "hello $n" | timeout -k 2 "$T" "$OPENSSL" s_client -connect "127.0.0.1:$PORT" \
            -servername localhost -CAfile "$CERTS/ca.pem" -verify_return_error \
            -keymatexport "$LABEL" -keymatexportlen "$len" \
            >"$TMP/$n.scli.out" 2>"$TMP/$n.scli.err"
        wait_pid "$SRV" 10 >/dev/null 2>&1
        report "$n" "s_client -keymatexport -> ctls-server --export, TLS $version $suite" \
            "$(ctls_hex "$TMP/$n.srv.err")" "$(ossl_hex "$TMP/$n.scli.out")" "$len" \
            "$TMP/$n.srv.err" "$suite" "$TMP/$n.srv.err" "$TMP/$n.scli.out" "$TMP/$n.scli.err"

        have_gnutls || continue
        # ---- ctls-client -> gnutls-serv ----
        n="c-gnutls-$version-$suite"
        PORT=$(free_port)
        bg "$n.srv" gnutls-serv --echo -p "$PORT" --x509certfile "$CERTS/server-ecdsa.pem" \
            --x509keyfile "$CERTS/server-ecdsa.key" --priority "$prio" \
            --keymatexport "$LABEL" --keymatexportsize "$len"
        SRV=$BG_PID
        wait_listen "$PORT" 10
        cli "$n" --tls$version --ciphers "$suite" --export "$LABEL:$len"
        wait_file_text "$TMP/$n.srv.out" "Key material" 5
        stop "$SRV"
        report "$n" "ctls-client --export -> gnutls-serv --keymatexport, TLS $version $suite" \
            "$(ctls_hex "$TMP/$n.cli.err")" "$(gnutls_hex "$TMP/$n.srv.out")" "$len" \
            "$TMP/$n.cli.err" "$suite" "$TMP/$n.cli.err" "$TMP/$n.srv.out" "$TMP/$n.srv.err"

        # ---- gnutls-cli -> ctls-server ----
        n="s-gnutls-$version-$suite"
        ctls_srv "$n" "${ECDSA[@]}" --echo --once --tls$version --ciphers "$suite" \
            --export "$LABEL:$len"
        echo "hello $n" | timeout -k 2 "$T" gnutls-cli -p "$PORT" --x509cafile "$CERTS/ca.pem" \
            --verify-hostname localhost --priority "$prio" --keymatexport "$LABEL" \
            --keymatexportsize "$len" 127.0.0.1 >"$TMP/$n.gcli.out" 2>"$TMP/$n.gcli.err"
        wait_pid "$SRV" 10 >/dev/null 2>&1
        report "$n" "gnutls-cli --keymatexport -> ctls-server --export, TLS $version $suite" \
            "$(ctls_hex "$TMP/$n.srv.err")" "$(gnutls_hex "$TMP/$n.gcli.out")" "$len" \
            "$TMP/$n.srv.err" "$suite" "$TMP/$n.srv.err" "$TMP/$n.gcli.out" "$TMP/$n.gcli.err"
    done

    # ---- ctls to ctls with a context, an empty one, none: both ends agree (that a context
    #      changes the bytes, and that an empty one does only in TLS 1.2, is
    #      tests/unit/test_exporter.c's: one connection exports both there) ----
    for ctx in ":some context" ":" ""; do
        n="ctx-$version-${#ctx}"
        ctls_srv "$n" "${ECDSA[@]}" --echo --once --tls$version --export "$LABEL:48$ctx"
        cli "$n" --tls$version --export "$LABEL:48$ctx"
        wait_pid "$SRV" 10 >/dev/null 2>&1
        a=$(ctls_hex "$TMP/$n.cli.err")
        b=$(ctls_hex "$TMP/$n.srv.err")
        if [ $CLI_RC -eq 0 ] && same "$a" "$b" 48; then
            ok "ctls-client --export '$LABEL:48$ctx' = ctls-server's, TLS $version"
        else
            not_ok "ctls-client --export '$LABEL:48$ctx' vs ctls-server, TLS $version (rc=$CLI_RC)" \
                "$TMP/$n.cli.err" "$TMP/$n.srv.err"
        fi
    done
done

# ---- a reserved label (RFC 5705 4): refused, the tool exits 1 with the reason ----------------
n=reserved
ctls_srv "$n" "${ECDSA[@]}" --echo --once
cli "$n" --export "key expansion:32"
stop "$SRV"
if [ $CLI_RC -eq 1 ] && grep -qxF "error: $(strerror INVALID_ARG)" "$TMP/$n.cli.err" &&
    ! grep -q '^exported:' "$TMP/$n.cli.err"; then
    ok "ctls-client --export 'key expansion:32': refused (reserved label), exit 1"
else
    not_ok "ctls-client --export 'key expansion:32' (rc=$CLI_RC)" "$TMP/$n.cli.err"
fi

finish
