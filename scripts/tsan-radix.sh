#!/usr/bin/env bash
# Runs the RadixCache tests, the concurrency stress test among them, and
# TokenCache's hand-off of inserts between the event loop and its writer
# thread, and the tokenizer encoding from several threads at once (its
# scratch pool), under ThreadSanitizer. A reported race fails the run (halt_on_error).
# Its own scratch path keeps the instrumented build apart from .build.
set -euo pipefail
cd "$(dirname "$0")/.."
export TSAN_OPTIONS="halt_on_error=1 ${TSAN_OPTIONS:-}"
exec swift test --sanitize=thread --scratch-path .build-tsan --filter 'RadixCacheTests|TokenCacheHandOffTests|TokenizerAPITests' "$@"
