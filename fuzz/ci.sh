#!/bin/sh
# CI entry point for the fuzzers: builds every target with clang (libFuzzer + ASan + UBSan) in
# BUILD_DIR (default build-fuzz-ci) and runs each for FUZZ_SECONDS (default 60) on the seed
# corpus plus the kept regressions (fuzz/run.sh). Exit status non-zero on any finding, on a
# build failure, or when clang / libFuzzer is missing (exit 77 then: "skipped").
# Total time: about (number of targets) x (FUZZ_SECONDS + 2 s) plus the build; with the eight
# targets and 60 s: ~8.5 minutes after a ~2 minute build on 2 cores.
# Usage: sh fuzz/ci.sh [BUILD_DIR]   (env: FUZZ_SECONDS, JOBS)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build-fuzz-ci}
SECS=${FUZZ_SECONDS:-60}
JOBS=${JOBS:-2}
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz/ci.sh: clang not found: skipped" >&2
    exit 77
fi
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n){(void)d;(void)n;return 0;}\n' \
    >"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null; then
    rm -rf "$probe"
    echo "fuzz/ci.sh: clang cannot link libFuzzer (apt-get install libclang-rt-dev): skipped" >&2
    exit 77
fi
rm -rf "$probe"
start=$(date +%s)
cmake -S . -B "$BUILD" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCTLS_FUZZ=ON -DCTLS_BUILD_TESTS=OFF -DCTLS_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "$JOBS" >/dev/null
built=$(date +%s)
echo "fuzz/ci.sh: built in $((built - start)) s; running each target for $SECS s"
rc=0
sh fuzz/run.sh "$BUILD" "$SECS" || rc=$?
echo "fuzz/ci.sh: total $(($(date +%s) - start)) s"
exit $rc
