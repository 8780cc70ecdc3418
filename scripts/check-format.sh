#!/usr/bin/env bash
# Checks the Swift sources against .swift-format (swift-format ships with the
# toolchain) and exits non-zero on any finding.
#   scripts/check-format.sh          lints (what CI runs)
#   scripts/check-format.sh --fix    reformats the same files in place
# The configuration follows the code's own style: 4-space indentation,
# 140 columns (99.8 % of Sources' lines fit), and the rules the code
# deliberately does not follow turned off: several statements or variables
# on one line, several enum cases per `case`, `case let` over tuple
# patterns, `return out += ...`, two trailing closures in one call, and
# imports sorted case-insensitively with `@testable` ones last.
set -euo pipefail
cd "$(dirname "$0")/.."
paths=(Sources Tests benchmarks/Benchmarks benchmarks/chat-template fuzz/Sources fuzz/Targets)
case "${1:-}" in
    "") exec swift format lint --strict --recursive "${paths[@]}" ;;
    --fix) exec swift format format --in-place --recursive "${paths[@]}" ;;
    *) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac
