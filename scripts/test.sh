#!/usr/bin/env bash
# Runs every test of the project: set-up (idempotent), the whole suite
# (unit, integration and end-to-end tests start real routers and fake
# workers on loopback), the radix cache's tests under ThreadSanitizer, each
# fuzz target briefly, and the whole suite again under AddressSanitizer and
# under UndefinedBehaviorSanitizer (C code). Any failure, crash or sanitizer
# report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build
scripts/tsan-radix.sh
scripts/fuzz.sh all 30
scripts/asan.sh
scripts/ubsan.sh
