#!/usr/bin/env bash
# Builds the package and its tests with a sanitizer in a scratch path of its
# own, runs the tests (SWIFT_TEST_ARGS: e.g. --filter X), and fails on any
# sanitizer report. The router and mock-sglang processes the tests start
# are the instrumented builds too (they sit beside the test bundle), and a
# report from one of them goes to a file like the test runner's, so that no
# report is lost in a child's captured stderr.
#   scripts/sanitized-test-run.sh SCRATCH OPTIONS_VARIABLE OPTIONS SWIFT_BUILD_FLAGS...
# Used by scripts/asan.sh and scripts/ubsan.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$1 options_variable=$2 options=$3
shift 3
reports="$PWD/$scratch/sanitizer-reports"

swift build --build-tests --scratch-path "$scratch" "$@"
rm -rf "$reports" && mkdir -p "$reports"
export "$options_variable=$options:log_path=$reports/report"
# The Swift runtime's backtracer would run inside a crashed, instrumented process.
export SWIFT_BACKTRACE=enable=no
status=0
# shellcheck disable=SC2086  # SWIFT_TEST_ARGS is a list of arguments
swift test --skip-build --scratch-path "$scratch" "$@" ${SWIFT_TEST_ARGS:-} || status=$?
if compgen -G "$reports/report*" >/dev/null; then
    echo "sanitizer reports (in $reports):" >&2
    cat "$reports"/report* >&2
    exit 1
fi
exit "$status"
