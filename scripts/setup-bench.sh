#!/usr/bin/env bash
# Installs what the benchmarks need: scripts/setup.sh's set-up first (wrk,
# nginx-light, the Python environment, the tokenizer fixtures), then SGLang's
# Rust router from PyPI, the peer of the HTTP and RL benchmarks, and perf,
# which counts each peer's system calls. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/apt-install.sh
. scripts/python-env.sh

# Pinned: the version whose figures anchors.md quotes. Override with
# SGLANG_ROUTER_VERSION=... to measure another.
version=${SGLANG_ROUTER_VERSION:-0.3.2}

installed=$(python3 -c 'import importlib.metadata as m; print(m.version("sglang-router"))' 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    printf '\n==> pip install sglang-router==%s\n' "$version"
    python3 -m pip install -q "sglang-router==$version"
fi
command -v sglang-router >/dev/null || {
    echo "setup-bench.sh: sglang-router installed but not on PATH (pip's script directory?)" >&2
    exit 1
}
command -v perf >/dev/null || apt_install linux-perf
printf '\n==> benchmark set-up done (sglang-router %s)\n' "$version"
