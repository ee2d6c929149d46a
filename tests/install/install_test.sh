#!/usr/bin/env bash
# make install into a temporary prefix, then build consumers with pkg-config and with the CMake
# package, run them, and check the shared library exports only ctls_* symbols.
set -u
build=$1; src=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
san=""
grep -q 'CTLS_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
if cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then ok "cmake --install"; else bad "cmake --install"; cat "$tmp/install.log"; fi
libdir=$(ls -d "$tmp"/prefix/lib* | head -1)
export PKG_CONFIG_PATH="$libdir/pkgconfig" LD_LIBRARY_PATH="$libdir"
for f in include/ctls/ctls.h "$(basename "$libdir")/libctls.so" "$(basename "$libdir")/libctls.a" "$(basename "$libdir")/pkgconfig/ctls.pc" "$(basename "$libdir")/cmake/ctls/ctlsConfig.cmake" share/man/man3/ctls_handshake.3; do
  [ -e "$tmp/prefix/$f" ] && ok "installed $f" || bad "installed $f"
done
if cc $san -std=c11 -Wall -Wextra -Werror "$src/consumer.c" $(pkg-config --cflags --libs ctls) -o "$tmp/c1" 2>"$tmp/cc.log" && "$tmp/c1" >/dev/null; then ok "pkg-config consumer builds and runs"; else bad "pkg-config consumer"; cat "$tmp/cc.log"; fi
mkdir -p "$tmp/cm" && cp "$src/consumer.c" "$tmp/cm/" && cp "$src/CMakeLists.txt.in" "$tmp/cm/CMakeLists.txt"
if cmake -S "$tmp/cm" -B "$tmp/cm/b" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$san" -DCMAKE_EXE_LINKER_FLAGS="$san" >"$tmp/cm.log" 2>&1 && cmake --build "$tmp/cm/b" >>"$tmp/cm.log" 2>&1 && "$tmp/cm/b/consumer" >/dev/null; then ok "CMake package consumer builds and runs"; else bad "CMake package consumer"; tail -20 "$tmp/cm.log"; fi
others=$(nm -D --defined-only "$libdir/libctls.so" | awk '{print $3}' | grep -v '^ctls_' | grep -v '^_' | head -5)
[ -z "$others" ] && ok "only ctls_* symbols exported" || bad "non-ctls symbols exported: $others"
n=$(nm -D --defined-only "$libdir/libctls.so" | awk '{print $3}' | grep -c '^ctls_')
[ "$n" -ge 60 ] && ok "$n ctls_* functions exported" || bad "only $n ctls_* symbols exported"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
