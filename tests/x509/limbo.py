#!/usr/bin/env python3
"""Runs the x509-limbo path-validation suite through ctls-verify.

usage: limbo.py CTLS_VERIFY [LIMBO_JSON] [--floor FILE] [--verbose] [--only SUBSTRING]

Scope: server authentication on the web PKI. Cases whose features are listed in EXCLUDED are
out of scope (counted and reported by feature). Prints "total / in scope / passed", the
exclusions, every in-scope failure, then "N passed, N failed". Exits non-zero only when the
pass count drops below the floor recorded in limbo_floor.txt.

Known in-scope failure (kept in scope on purpose):
  rfc5280::nc::permitted-dn-match expects SUCCESS for peer name example.com, but the leaf's
  only names are subject CN=foo and SAN DirName CN=foo. RFC 9525 6.1 matches DNS names
  against subjectAltName dNSName entries only, so ctls rejects it (hostname mismatch).
  webpki::aki::root-with-aki-all-fields expects a root whose AKI carries
  authorityCertIssuer/serial to be rejected; ctls tolerates those fields in trust anchors
  because roots in the Mozilla/Debian store (Certigna, QuoVadis Root CA 2, Go Daddy and
  Starfield Class 2) carry them.
"""
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))

# feature -> why it is out of scope
EXCLUDED = {
    "rfc5280-incompatible-with-webpki":
        "RFC 5280 reading that the web PKI profile deliberately rejects",
    "pedantic-webpki-eku":
        "conflicts with rfc5280::eku::ee-without-eku (we follow RFC 5280: no EKU = any)",
    "pedantic-public-suffix-wildcard":
        "needs a public-suffix list",
}


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        return 2
    tool = args.pop(0)
    limbo = os.path.join("..", "shared", "testdata", "x509-limbo", "limbo.json")
    floor_file = os.path.join(HERE, "limbo_floor.txt")
    verbose = False
    only = None
    rest = []
    while args:
        a = args.pop(0)
        if a == "--floor":
            floor_file = args.pop(0)
        elif a == "--verbose":
            verbose = True
        elif a == "--only":
            only = args.pop(0)
        else:
            rest.append(a)
    if rest:
        limbo = rest[0]
    with open(limbo) as f:
        data = json.load(f)
    cases = data["testcases"]
    excluded = {}
    failed = []
    passed = 0
    in_scope = 0
    unsupported = 0
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            cid = case["id"]
            if only and only not in cid:
                continue
            feats = [x for x in (case.get("features") or []) if x in EXCLUDED]
            reason = None
            if feats:
                reason = feats[0]
            elif case.get("validation_kind") != "SERVER":
                reason = "validation_kind " + str(case.get("validation_kind"))
            elif (case.get("expected_peer_name") or {}).get("kind") not in (None, "DNS", "IP"):
                reason = "peer name kind " + case["expected_peer_name"]["kind"]
            if reason:
                excluded[reason] = excluded.get(reason, 0) + 1
                continue
            in_scope += 1
            paths = {}
            for name, pems in (("trusted", case["trusted_certs"]),
                               ("untrusted", case["untrusted_intermediates"]),
                               ("leaf", [case["peer_certificate"]])):
                p = os.path.join(tmp, name + ".pem")
                with open(p, "w") as f:
                    f.write("\n".join(pems))
                paths[name] = p
            cmd = [tool, "--trusted", paths["trusted"], "--untrusted", paths["untrusted"],
                   "--leaf", paths["leaf"]]
            vt = case.get("validation_time")
            if vt:
                t = datetime.fromisoformat(vt.replace("Z", "+00:00"))
                cmd += ["--time", str(int(t.timestamp()))]
            peer = case.get("expected_peer_name")
            if peer:
                cmd += ["--dns" if peer["kind"] == "DNS" else "--ip", peer["value"]]
            for eku in case.get("extended_key_usage") or []:
                cmd += ["--eku", eku]
            if case.get("max_chain_depth") is not None:
                cmd += ["--max-depth", str(case["max_chain_depth"])]
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
                code, out = r.returncode, (r.stdout + r.stderr).strip().replace("\n", " | ")
            except subprocess.TimeoutExpired:
                code, out = 3, "timeout"
            if code == 2:
                unsupported += 1
            got = "SUCCESS" if code == 0 else "FAILURE"
            if got == case["expected_result"] and code in (0, 1):
                passed += 1
                if verbose:
                    print("ok   %s (%s)" % (cid, out))
            else:
                failed.append((cid, case["expected_result"], out))
    total = len(cases) if not only else sum(1 for c in cases if only in c["id"])
    print("x509-limbo: %d total / %d in scope / %d passed" % (total, in_scope, passed))
    for reason, count in sorted(excluded.items()):
        print("  excluded %-36s %3d  (%s)" % (reason, count, EXCLUDED.get(reason, "")))
    if unsupported:
        print("  %d in-scope cases could not be expressed (exit 2)" % unsupported)
    for cid, want, out in failed:
        print("  FAIL %s: expected %s, got: %s" % (cid, want, out))
    print("%d passed, %d failed" % (passed, len(failed)))
    floor = 0
    if os.path.exists(floor_file):
        with open(floor_file) as f:
            floor = int(f.read().split()[0])
    if not only and passed < floor:
        print("regression: %d passed is below the floor of %d (%s)" % (passed, floor, floor_file))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
