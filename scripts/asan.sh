#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer (the router and
# mock-sglang processes the tests start included); any report fails it.
# Arguments go to `swift test` (e.g. --filter IntegrationTests).
# Scratch path .build-asan keeps the instrumented build apart from .build.
# Leak checking is off: XCTest's runner and every server process leave
# objects behind at exit (a stopped loop's handles are never closed), and
# LeakSanitizer then fails the exit status that shutdown tests check.
# `ASAN_OPTIONS=detect_leaks=1 scripts/asan.sh` cannot override it; edit
# the line below to look for leaks.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT_TEST_ARGS="$*" exec scripts/sanitized-test-run.sh .build-asan ASAN_OPTIONS \
    "halt_on_error=1:detect_leaks=0:detect_stack_use_after_return=1:strict_string_checks=1" \
    --sanitize=address
