#!/bin/sh
# Generates the ctls test PKI into OUTDIR with the openssl 3.0 command line only.
# Validity periods are fixed absolute dates (see README.md) so that tests using the fixed
# verification time 1767225600 (2026-01-01T00:00:00Z) never rot. Idempotent: OUTDIR is
# regenerated from scratch on every run. Usage: sh tests/certs/mkcerts.sh OUTDIR
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
W="$OUT/.work"
rm -rf "$W"
mkdir -p "$W/new"

OSSL=${OPENSSL:-openssl}

# Fixed dates (UTCTime form, YYMMDDHHMMSSZ).
GOOD_FROM=250101000000Z   # 2025-01-01
GOOD_TO=450101000000Z     # 2045-01-01
OLD_FROM=200101000000Z    # 2020-01-01
OLD_TO=210101000000Z      # 2021-01-01  (bad-expired)
LATE_FROM=400101000000Z   # 2040-01-01  (bad-notyet)

# A minimal `openssl ca` setup: plain index, sequential serials, extensions from $W/ext.cnf.
cat > "$W/ca.cnf" <<CNF
[ ca ]
default_ca = ctls_ca
[ ctls_ca ]
dir = $W
database = $W/index.txt
new_certs_dir = $W/new
serial = $W/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
CNF

cat > "$W/ext.cnf" <<'CNF'
[ v3_root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_int ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:*.test.example, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_server_ed ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:*.test.example, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:client.test.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_badhost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_badeku ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost, DNS:*.test.example, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_selfsigned ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, DNS:*.test.example, IP:127.0.0.1
subjectKeyIdentifier = hash
CNF

printf '1000\n' > "$W/serial"
: > "$W/index.txt"

# genkey NAME TYPE: PKCS#8 private key in $OUT/NAME.key
genkey() {
    case $2 in
    p256) "$OSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$OUT/$1.key" ;;
    p384) "$OSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$OUT/$1.key" ;;
    rsa) "$OSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$OUT/$1.key" ;;
    ed25519) "$OSSL" genpkey -algorithm ED25519 -out "$OUT/$1.key" ;;
    esac 2>/dev/null
}

# issue NAME CN SIGNER(ca|int|self) EXT FROM TO: certificate $W/NAME.crt for $OUT/NAME.key
issue() {
    name=$1 cn=$2 signer=$3 ext=$4 from=$5 to=$6
    "$OSSL" req -new -config "$W/ca.cnf" -key "$OUT/$name.key" -subj "/O=ctls test/CN=$cn" \
        -out "$W/$name.csr"
    if [ "$signer" = self ]; then
        set -- -selfsign -keyfile "$OUT/$name.key"
    else
        set -- -cert "$OUT/$signer.pem" -keyfile "$OUT/$signer.key"
    fi
    "$OSSL" ca -batch -notext -config "$W/ca.cnf" "$@" -in "$W/$name.csr" \
        -out "$W/$name.crt" -startdate "$from" -enddate "$to" \
        -extfile "$W/ext.cnf" -extensions "$ext" 2>/dev/null
}

# Root and intermediate (ECDSA P-256).
genkey ca p256
issue ca "ctls test root" self v3_root $GOOD_FROM $GOOD_TO
cp "$W/ca.crt" "$OUT/ca.pem"
cp "$OUT/ca.pem" "$OUT/ca-bundle.pem"
genkey int p256
issue int "ctls test intermediate" ca v3_int $GOOD_FROM $GOOD_TO
cp "$W/int.crt" "$OUT/int.pem"

# leaf NAME KEYTYPE EXT FROM TO: NAME.pem = leaf then intermediate.
leaf() {
    genkey "$1" "$2"
    issue "$1" "$1" int "$3" "$4" "$5"
    cat "$W/$1.crt" "$OUT/int.pem" > "$OUT/$1.pem"
}

leaf server-ecdsa p256 v3_server $GOOD_FROM $GOOD_TO
leaf server-p384 p384 v3_server $GOOD_FROM $GOOD_TO
leaf server-rsa rsa v3_server $GOOD_FROM $GOOD_TO
leaf server-ed25519 ed25519 v3_server_ed $GOOD_FROM $GOOD_TO
leaf client p256 v3_client $GOOD_FROM $GOOD_TO
# client2: another valid client certificate (a renegotiation must not switch to it)
leaf client2 p256 v3_client $GOOD_FROM $GOOD_TO
leaf bad-expired p256 v3_server $OLD_FROM $OLD_TO
leaf bad-notyet p256 v3_server $LATE_FROM $GOOD_TO
leaf bad-host p256 v3_badhost $GOOD_FROM $GOOD_TO
leaf bad-eku p256 v3_badeku $GOOD_FROM $GOOD_TO

# bad-noint: a good leaf sent without its intermediate.
genkey bad-noint p256
issue bad-noint bad-noint int v3_server $GOOD_FROM $GOOD_TO
cp "$W/bad-noint.crt" "$OUT/bad-noint.pem"

# bad-selfsigned: a self-signed server certificate no store trusts.
genkey bad-selfsigned p256
issue bad-selfsigned bad-selfsigned self v3_selfsigned $GOOD_FROM $GOOD_TO
cp "$W/bad-selfsigned.crt" "$OUT/bad-selfsigned.pem"

# bad-sig: a good leaf whose last signature byte is flipped (the DER stays well formed: the
# last byte of an ECDSA signature is the low byte of s).
genkey bad-sig p256
issue bad-sig bad-sig int v3_server $GOOD_FROM $GOOD_TO
"$OSSL" x509 -in "$W/bad-sig.crt" -outform DER -out "$W/bad-sig.der"
size=$(wc -c < "$W/bad-sig.der")
head -c $((size - 1)) "$W/bad-sig.der" > "$W/bad-sig-corrupt.der"
last=$(tail -c 1 "$W/bad-sig.der" | od -An -tu1 | tr -d ' \n')
# shellcheck disable=SC2059
printf "\\$(printf '%03o' $((last ^ 1)))" >> "$W/bad-sig-corrupt.der"
{
    echo "-----BEGIN CERTIFICATE-----"
    "$OSSL" base64 -e -in "$W/bad-sig-corrupt.der"
    echo "-----END CERTIFICATE-----"
    cat "$OUT/int.pem"
} > "$OUT/bad-sig.pem"

rm -rf "$W"
