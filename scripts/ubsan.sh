#!/usr/bin/env bash
# Runs the whole test suite with UndefinedBehaviorSanitizer on the C code:
# llhttp (the parser every client byte goes through, built here with UBSan
# into .build-ubsan/llhttp) and the package's own C target. Any report fails
# the run. Arguments go to `swift test`.
#
# Swift code itself cannot take UBSan: this toolchain's swiftc answers
# `-sanitize=undefined` with "unsupported option '-sanitize=undefined' for
# target 'x86_64-unknown-linux-gnu'". Swift needs it less: integer overflow,
# out-of-bounds indexing and bad casts trap in every build mode.
set -euo pipefail
cd "$(dirname "$0")/.."
checks=undefined,float-divide-by-zero,local-bounds,nullability
prefix="$PWD/.build-ubsan/llhttp"
if [ ! -f "$prefix/lib/libllhttp.a" ]; then
    CC=clang LLHTTP_CFLAGS="-g -fsanitize=$checks -fno-sanitize-recover=all" scripts/build-llhttp.sh "$prefix"
fi
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
SWIFT_TEST_ARGS="$*" exec scripts/sanitized-test-run.sh .build-ubsan UBSAN_OPTIONS \
    "halt_on_error=1:print_stacktrace=1" \
    -Xcc "-fsanitize=$checks" -Xcc -fno-sanitize-recover=all \
    -Xswiftc -Xclang-linker -Xswiftc "-fsanitize=$checks"
