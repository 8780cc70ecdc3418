#!/usr/bin/env bash
# Compiles llhttp from the C sources of Debian's node-llhttp package into
# PREFIX/lib/libllhttp.a with a header and a pkg-config file.
# In strict mode (LLHTTP_STRICT_MODE, off by default): the lenient default
# accepts whitespace between a header name and its colon, which proxies in
# front of the router may read differently (request smuggling, RFC 9112 5.1).
# The pkg-config file says `strict=1` so that set-up can tell the builds apart.
# CC and LLHTTP_CFLAGS choose another compiler and add flags (the sanitizer
# and fuzzing scripts build instrumented copies with the toolchain's clang).
set -euo pipefail
prefix=${1:-/usr/local}
src=/usr/share/llhttp
inc=/usr/share/include/llhttp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for f in api http llhttp; do
    "${CC:-cc}" -O3 -fPIC -DLLHTTP_STRICT_MODE=1 ${LLHTTP_CFLAGS:-} -I"$inc" -c "$src/$f.c" -o "$work/$f.o"
done
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
# Built aside and moved into place: a build linking meanwhile never sees half a library.
ar rcs "$work/libllhttp.a" "$work"/*.o
mv -f "$work/libllhttp.a" "$prefix/lib/libllhttp.a"
cp "$inc/llhttp.h" "$prefix/include/llhttp.h"
version=$(sed -n 's/^#define LLHTTP_VERSION_MAJOR \([0-9]*\)/\1/p;' "$inc/llhttp.h").$(sed -n 's/^#define LLHTTP_VERSION_MINOR \([0-9]*\)/\1/p' "$inc/llhttp.h")
cat > "$prefix/lib/pkgconfig/llhttp.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include
strict=1

Name: llhttp
Description: HTTP/1.1 parser (built from Debian's node-llhttp sources)
Version: $version
Libs: -L\${libdir} -lllhttp
Cflags: -I\${includedir}
PC
echo "llhttp $version (strict mode) installed in $prefix"
