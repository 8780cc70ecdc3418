#!/usr/bin/env bash
# Fuzzes the parsers with libFuzzer under AddressSanitizer (the package in
# fuzz/; each folder of fuzz/Targets is a target).
#   scripts/fuzz.sh TARGET SECONDS   runs one target
#   scripts/fuzz.sh all SECONDS      runs each target in turn
# Seeds come from fuzz/corpus/TARGET (read only); what the fuzzer learns
# goes to fuzz/.build/corpus/TARGET and is kept between runs. A crash or a
# sanitizer report stops the run, writes the input to fuzz/.build/artifacts/,
# and fails the script: add it to fuzz/corpus/TARGET once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 TARGET|all SECONDS" >&2; exit 2; }
target=$1 seconds=$2
export SLIME_FIXTURES_DIR=${SLIME_FIXTURES_DIR:-$PWD/.fixtures}
# libFuzzer and ASan report crashes themselves; the Swift runtime's own
# backtracer would run inside a crashed, instrumented process.
export SWIFT_BACKTRACE=enable=no

targets=$(ls fuzz/Targets)
if [ "$target" = all ]; then
    for name in $targets; do "$0" "$name" "$seconds"; done
    exit 0
fi
echo "$targets" | grep -qx "$target" || { echo "unknown target '$target'; known: $(echo $targets)" >&2; exit 2; }

# llhttp instrumented too, so that its states guide the fuzzer and ASan
# watches its memory accesses.
llhttp="$PWD/fuzz/.build/llhttp"
if [ ! -f "$llhttp/lib/libllhttp.a" ]; then
    CC=clang LLHTTP_CFLAGS="-g -fsanitize=fuzzer-no-link,address" scripts/build-llhttp.sh "$llhttp"
fi
export PKG_CONFIG_PATH="$llhttp/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# Coverage of every edge plus comparison operands (what lets libFuzzer
# guess magic bytes); -enable-testing for targets that use @testable import.
# The manifest lists Targets/ as it finds it, so SwiftPM's manifest cache
# (keyed by the manifest's text) would hide a target added since it was filled.
(cd fuzz && swift build -c release --product "$target" --manifest-cache none \
    --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xswiftc -enable-testing)

# fuzz/corpus/TARGET.seeds may name more seed folders, one a line, such as
# test data fetched at set-up (third-party files are not committed).
extra_seeds() {
    [ -f "fuzz/corpus/$1.seeds" ] || return 0
    while read -r folder; do [ -d "$folder" ] && echo "$folder"; done < "fuzz/corpus/$1.seeds"
}

mkdir -p "fuzz/.build/corpus/$target" "fuzz/.build/artifacts/$target"
echo "==> fuzzing $target for $seconds s"
fuzz/.build/release/"$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="fuzz/.build/artifacts/$target/" \
    "fuzz/.build/corpus/$target" "fuzz/corpus/$target" $(extra_seeds "$target")
