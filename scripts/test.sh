#!/usr/bin/env bash
# Runs every test of the project: set-up (idempotent), the whole suite
# (unit, integration and end-to-end tests start real routers and fake
# workers on loopback), then the radix cache's tests under ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build --build-tests
swift test --skip-build
scripts/tsan-radix.sh
