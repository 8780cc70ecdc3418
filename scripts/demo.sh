#!/usr/bin/env bash
# Sets up the machine, builds, and runs slime-router on port 30000 in front
# of two bundled fake SGLang workers, with the radix-tree cache and the
# Qwen3 tokenizer built at set-up. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
swift build -c release
bin=$(swift build -c release --show-bin-path)
tokenizer=.fixtures/tokenizers/qwen3
port=${PORT:-30000}

workers=()
trap 'kill "${workers[@]}" 2>/dev/null || true' EXIT
for worker_port in 31001 31002; do
    "$bin/mock-sglang" --port "$worker_port" --tokenizer-path "$tokenizer" --latency-per-token-ms 2 >/dev/null &
    workers+=("$!")
done

echo "slime-router on http://127.0.0.1:$port (workers on 31001 and 31002); try the curl examples in README.md"
"$bin/slime-router" --port "$port" \
    --worker-urls http://127.0.0.1:31001 http://127.0.0.1:31002 \
    --middleware radix-tree --hf-checkpoint "$tokenizer"
