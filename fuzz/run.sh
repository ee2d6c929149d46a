#!/bin/sh
# Runs every libFuzzer target of BUILD_DIR/fuzz for SECONDS each on a copy of its seed corpus
# (fuzz/corpus/<target>, so the repository corpus is not polluted) plus its kept regressions
# (fuzz/regressions/<target>). Prints one line per target: executions per second, coverage
# (libFuzzer's cov: counter), corpus size. Exit status non-zero if any target found a crash,
# a leak, a timeout or a sanitizer report; the reproducer is copied to
# fuzz/findings/<target>/ for triage (move it under fuzz/regressions/<target>/ with the fix).
# Usage: sh fuzz/run.sh BUILD_DIR [SECONDS]   (make fuzz FUZZ_SECONDS=N)
set -u
BUILD=${1:?usage: run.sh BUILD_DIR [SECONDS]}
SECS=${2:-60}
SRC=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ctls-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# Fresh seeds from the engine as built: the committed corpus replays a handshake only while
# the ClientHello / server flight it recorded stays byte-identical, so regenerate alongside.
if [ -x "$BUILD/fuzz/gen_corpus" ]; then
    "$BUILD/fuzz/gen_corpus" "$WORK/gen" >"$WORK/gen.log" 2>&1 ||
        echo "run.sh: gen_corpus failed (see below); using the committed corpus only" >&2
    [ -s "$WORK/gen.log" ] && head -20 "$WORK/gen.log" >&2
fi
fail=0
ran=0
for exe in "$BUILD"/fuzz/fuzz_*; do
    [ -x "$exe" ] || continue
    t=$(basename "$exe")
    ran=$((ran + 1))
    mkdir -p "$WORK/$t/corpus" "$WORK/$t/artifacts"
    [ -d "$SRC/fuzz/corpus/$t" ] && cp "$SRC/fuzz/corpus/$t"/* "$WORK/$t/corpus/" 2>/dev/null
    [ -d "$SRC/fuzz/regressions/$t" ] && cp "$SRC/fuzz/regressions/$t"/* "$WORK/$t/corpus/" 2>/dev/null
    if [ -d "$WORK/gen/$t" ]; then
        for f in "$WORK/gen/$t"/*; do cp "$f" "$WORK/$t/corpus/gen-$(basename "$f")"; done
    fi
    dict=""
    [ -f "$SRC/fuzz/$t.dict" ] && dict="-dict=$SRC/fuzz/$t.dict"
    "$exe" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$WORK/$t/artifacts/" $dict \
        "$WORK/$t/corpus" >"$WORK/$t/log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/$t/log" | tail -1)
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$WORK/$t/log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$WORK/$t/log" | tail -1 | sed 's/cov: //')
    ft=$(grep -o 'ft: [0-9]*' "$WORK/$t/log" | tail -1 | sed 's/ft: //')
    units=$(ls "$WORK/$t/corpus" | wc -l)
    status=ok
    if [ $rc -ne 0 ] || ls "$WORK/$t/artifacts/"* >/dev/null 2>&1; then
        status=FAIL
        fail=1
        mkdir -p "$SRC/fuzz/findings/$t"
        cp "$WORK/$t/artifacts/"* "$SRC/fuzz/findings/$t/" 2>/dev/null
        cp "$WORK/$t/log" "$SRC/fuzz/findings/$t/log.txt"
        grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$WORK/$t/log" | head -25
    fi
    printf '%-14s %s  %ss  execs=%s  execs/s=%s  cov=%s  ft=%s  corpus=%s\n' \
        "$t" "$status" "$SECS" "${execs:-?}" "${eps:-?}" "${cov:-?}" "${ft:-?}" "$units"
done
if [ $ran -eq 0 ]; then
    echo "run.sh: no fuzz targets in $BUILD/fuzz (configure with -DCTLS_FUZZ=ON)" >&2
    exit 2
fi
[ $fail -eq 0 ] && echo "fuzz: all $ran targets clean" || echo "fuzz: FINDINGS (see fuzz/findings/)"
exit $fail
