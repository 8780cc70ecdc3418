#!/usr/bin/env bash
# Runs every test of the project: set-up (idempotent), the format check
# (.swift-format), the whole suite
# (unit tests in-process; IntegrationTests and EndToEndTests start real
# routers and mock workers on loopback), the radix cache's tests under ThreadSanitizer, each
# fuzz target briefly, the whole suite again under AddressSanitizer, and the
# suites that drive llhttp in-process (both directions) under
# UndefinedBehaviorSanitizer, which instruments only the C code: the whole
# suite under it (scripts/ubsan.sh with no arguments) costs CI a quarter of
# an hour for little more of llhttp. Any failure, crash or sanitizer report
# fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/check-format.sh
swift build --build-tests
swift test --skip-build
benchmarks/soak/run.sh --short --bin-dir .build/debug  # chaos soak (issue 12), about 2 minutes
scripts/tsan-radix.sh
scripts/fuzz.sh all 30
scripts/asan.sh
scripts/ubsan.sh --filter 'HTTPServerTests|WorkerClientTests'
