#!/usr/bin/env bash
# Compiles llhttp from the C sources of Debian's node-llhttp package into
# PREFIX/lib/libllhttp.a with a header and a pkg-config file.
set -euo pipefail
prefix=${1:-/usr/local}
src=/usr/share/llhttp
inc=/usr/share/include/llhttp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for f in api http llhttp; do
    cc -O3 -fPIC -I"$inc" -c "$src/$f.c" -o "$work/$f.o"
done
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
ar rcs "$prefix/lib/libllhttp.a" "$work"/*.o
cp "$inc/llhttp.h" "$prefix/include/llhttp.h"
version=$(sed -n 's/^#define LLHTTP_VERSION_MAJOR \([0-9]*\)/\1/p;' "$inc/llhttp.h").$(sed -n 's/^#define LLHTTP_VERSION_MINOR \([0-9]*\)/\1/p' "$inc/llhttp.h")
cat > "$prefix/lib/pkgconfig/llhttp.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: llhttp
Description: HTTP/1.1 parser (built from Debian's node-llhttp sources)
Version: $version
Libs: -L\${libdir} -lllhttp
Cflags: -I\${includedir}
PC
echo "llhttp $version installed in $prefix"
