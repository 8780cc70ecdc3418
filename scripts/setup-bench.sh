#!/usr/bin/env bash
# Installs what only the benchmarks need, beyond scripts/setup.sh (which
# already brings wrk and nginx-light): SGLang's Rust router from PyPI, the
# peer of benchmarks/http/run.sh, and perf, which counts each peer's system
# calls there. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
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
if ! command -v perf >/dev/null; then
    printf '\n==> apt-get install linux-perf\n'
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q linux-perf >/dev/null
fi
for tool in wrk nginx; do
    command -v "$tool" >/dev/null || echo "setup-bench.sh: '$tool' missing: run scripts/setup.sh too" >&2
done
printf '\n==> benchmark set-up done (sglang-router %s)\n' "$version"
