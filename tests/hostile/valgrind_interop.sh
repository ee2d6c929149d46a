#!/bin/sh
# Runs the interop tests (tests/interop/*.sh) and the malformed-traffic suite with
# ctls-client / ctls-server under `valgrind --leak-check=full`, and fails on any valgrind
# error or definite/indirect leak in any of their processes. Needs a build WITHOUT sanitizers
# (valgrind and ASan do not mix). Interop failures that are not valgrind's (e.g. the TLS 1.2
# cases while TLS 1.2 is not implemented) are reported but do not fail this script.
# Usage: sh tests/hostile/valgrind_interop.sh [BUILD_DIR]   (default build-vg; built if needed)
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-build-vg}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found: skipped" >&2; exit 77; }
if [ ! -x "$BUILD/ctls-server" ] || [ ! -x "$BUILD/ctls-client" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DCTLS_BUILD_BENCH=OFF >/dev/null &&
        cmake --build "$BUILD" -j "${JOBS:-2}" --target ctls-client ctls-server >/dev/null ||
        exit 1
fi
W=$(mktemp -d "${TMPDIR:-/tmp}/ctls-vg.XXXXXX")
trap 'rm -rf "$W"' EXIT INT TERM
mkdir -p "$W/bin" "$W/logs"
ROOT=$(pwd)
for t in client server; do
    cat >"$W/bin/ctls-$t" <<WRAP
#!/bin/sh
exec valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \\
    --error-exitcode=99 --log-file=$W/logs/$t.%p.log $ROOT/$BUILD/ctls-$t "\$@"
WRAP
    chmod +x "$W/bin/ctls-$t"
done
sh tests/certs/mkcerts.sh "$W/certs" >/dev/null 2>&1 || { echo "mkcerts failed" >&2; exit 1; }
start=$(date +%s)
for s in tests/interop/*.sh; do
    case $(basename "$s") in lib.sh) continue ;; esac
    CTLS_CERTS="$W/certs" bash "$s" "$W/bin/ctls-client" "$W/bin/ctls-server" >"$W/out" 2>&1
    printf '%-28s %s\n' "$(basename "$s")" "$(tail -1 "$W/out")"
done
python3 tests/hostile/malformed.py --server "$W/bin/ctls-server" --max-rss-growth-mb 1024 >"$W/out" 2>&1
printf '%-28s %s\n' "malformed.py" "$(tail -1 "$W/out")"
procs=$(ls "$W/logs" | wc -l)
bad=$(find "$W/logs" -type f -size +0 | wc -l)
echo "valgrind: $procs processes, $bad with errors or leaks, $(($(date +%s) - start)) s"
if [ "$bad" -ne 0 ]; then
    for f in $(find "$W/logs" -type f -size +0 | head -5); do
        echo "--- $f"
        head -60 "$f"
    done
    exit 1
fi
exit 0
