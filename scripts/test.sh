#!/usr/bin/env bash
# Runs every test of the project: set-up (idempotent), the whole suite
# (unit, integration and end-to-end tests start real routers and fake
# workers on loopback), then the radix cache's tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build
benchmarks/soak/run.sh --short --bin-dir .build/debug  # chaos soak (issue 12), about 2 minutes
scripts/tsan-radix.sh
