#!/usr/bin/env bash
# Runs every benchmark of the project in turn and writes
# benchmarks/results/README.md: an index with the machine, date, command and
# a link to each results file. A failing benchmark is reported in the index
# and does not stop the others (the exit status is then 1).
#
#   usage: benchmarks/run-all.sh [--long] [--only "http tokenizer chat-template micro rl"]
#     (default)  short runs, about 10 minutes on 2 cores
#     --long     longer runs: more stable figures, about 30 minutes
# Needs scripts/setup.sh and scripts/setup-bench.sh (wrk, nginx, sglang-router,
# tiktoken/tokenizers for the tokenizer peers).
set -uo pipefail
cd "$(dirname "$0")/.."
command_line=$(printf '%q ' benchmarks/run-all.sh "$@"); command_line=${command_line% }

long=0
only="http tokenizer chat-template micro rl"
while [ $# -gt 0 ]; do
    case $1 in
        --long) long=1; shift ;;
        --only) only=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "run-all.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

results=benchmarks/results
mkdir -p "$results/raw"
logs=$(mktemp -d /tmp/run-all.XXXXXX)
trap 'rm -rf "$logs"' EXIT
started=$(date '+%Y-%m-%d %H:%M %Z')
rows=()
failed=0

log() { printf '\n==> %s\n' "$*" >&2; }

# step NAME RESULTS_FILE DESCRIPTION COMMAND...: runs one benchmark, keeps a
# row for the index.
step() {
    local name=$1 file=$2 what=$3; shift 3
    case " $only " in *" $name "*) ;; *) return 0 ;; esac
    log "$name: $*"
    local t0=$SECONDS status
    if "$@" 2>&1 | tee "$logs/$name.log" >&2; then status=ok; else status="**failed** (exit ${PIPESTATUS[0]})"; failed=1; fi
    local secs=$((SECONDS - t0))
    local cmd; cmd=$(printf '%q ' "$@"); cmd=${cmd% }
    [ "$1" = micro ] && cmd="cd benchmarks && swift package --disable-sandbox benchmark --format markdown"
    if [ "$status" != ok ]; then
        cp "$logs/$name.log" "$results/raw/$name-failed.log"
        status="$status, log: [raw/$name-failed.log](raw/$name-failed.log)"
    fi
    rows+=("| $name | $what | [${file#$results/}](${file#$results/}) | \`$cmd\` | ${secs} s | $status |")
}

# One release build for the HTTP and RL benchmarks.
log "building slime-router and mock-sglang (release)"
swift build -c release --scratch-path .build-release --product slime-router >&2 &&
    swift build -c release --scratch-path .build-release --product mock-sglang >&2 ||
    { echo "run-all.sh: release build failed" >&2; exit 1; }

if [ "$long" = 1 ]; then
    http_args=(--duration 30 --warmup 5 --connections "32 256")
    tok_rounds=10
    rl_args=(--seconds 30 --lag-rounds 5)
else
    http_args=(--duration 5 --warmup 2)
    tok_rounds=3
    rl_args=(--seconds 8)
fi

micro() {   # package-benchmark micro-benchmarks, markdown tables on stdout
    (cd benchmarks && swift package --disable-sandbox benchmark --no-progress --format markdown) >"$logs/micro.md" || return 1
    {
        echo "# Micro-benchmarks (package-benchmark)"
        echo
        echo "\`cd benchmarks && swift package --disable-sandbox benchmark --format markdown\`, run $(date '+%Y-%m-%d %H:%M') by benchmarks/run-all.sh."
        echo
        sed 's/\x1b\[[0-9;]*m//g' "$logs/micro.md"   # package-benchmark colours its warnings
    } >"$results/microbenchmarks.md"
}

step http "$results/http-proxy.md" "pass-through proxy vs nginx and sglang-router (wrk)" \
    benchmarks/http/run.sh --no-build "${http_args[@]}"
step tokenizer "$results/tokenizer.md" "tokenizer throughput vs tiktoken and HF tokenizers" \
    benchmarks/tokenizer/compare.sh "$tok_rounds"
step chat-template "$results/chat-template.md" "chat-template rendering vs transformers' apply_chat_template" \
    benchmarks/chat-template/compare.sh "$tok_rounds"
step micro "$results/microbenchmarks.md" "Tokenizer and RadixCache micro-benchmarks (package-benchmark)" micro
step rl "$results/rl-workload.md" "multi-turn RL workload: hit rate, throughput, latency, retrieve, loop lag" \
    benchmarks/rl/run.sh --no-build "${rl_args[@]}"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "# Benchmark results"
    echo
    mode='short runs; `--long` for longer ones'; [ "$long" = 1 ] && mode='long runs'
    echo "Written by \`$command_line\` ($mode),"
    echo "started $started, finished $(date '+%Y-%m-%d %H:%M %Z'), at commit $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- Sources Package.swift)" ] || echo ' plus uncommitted changes')."
    echo
    echo "Machine: $cpu, $(nproc) cores, $(uname -sr), $(swift --version 2>/dev/null | head -1)."
    echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). The machine is small and shared: compare"
    echo "figures within one results file (they are measured side by side in one run), not across runs."
    echo
    echo "| benchmark | what | results | command | took | status |"
    echo "|---|---|---|---|---:|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "[radix-cache.md](radix-cache.md) reads the RadixCache micro-benchmarks against the goals, and"
    echo "[http-proxy-cost.md](http-proxy-cost.md) where a proxied request's time goes (both written by hand)."
    echo
    echo "Each results file names its own reproduce command; run one benchmark alone with"
    echo "\`benchmarks/run-all.sh --only rl\` (names: http, tokenizer, chat-template, micro, rl)."
} >"$results/README.md"
cat "$results/README.md"
exit "$failed"
