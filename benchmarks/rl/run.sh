#!/usr/bin/env bash
# Multi-turn RL workload benchmark (issue 5, item 11). Synthetic GSM8K-like
# dialogues (shared Qwen3 system prompt, a question, follow-up turns) sent as
# whole-conversation `text` to POST /generate, side by side in one run:
#   direct       the driver round-robins over the two workers itself (text)
#   slime-rr     slime-router, radix-tree middleware, --policy round-robin;
#                each conversation ends with /retrieve_from_text, as a trainer's
#   slime-rr-turns  the same without /retrieve_from_text: the turns alone
#   slime-ca     slime-router, radix-tree middleware, --policy cache-aware
#   sglang-rr    SGLang's Rust router (sglang-router), --policy round_robin
#   sglang-ca    SGLang's Rust router, --policy cache_aware
# in front of the same two mock-sglang workers with a per-token latency.
# Then /retrieve_from_text throughput and event-loop lag while ~100K-token
# prompts are tokenized. The router under test is pinned to core 1; workers
# and the driver share core 0 (anchors.md). Writes
# benchmarks/results/rl-workload.md (raw JSON in benchmarks/results/raw/).
#
#   usage: benchmarks/rl/run.sh [--seconds S] [--concurrency "32 256"] [--turns N]
#            [--latency-ms MS] [--max-new-tokens N] [--peers "direct slime-rr ..."]
#            [--lag-rounds N] [--no-build] [--count-kernel] [--output FILE]
# --count-kernel: perf counts each router's system calls, context switches and
# CPU migrations (all its threads) over the free-running phase; the report gives
# them per turn. The tracepoint costs a little per call: compare router CPU per
# turn between runs of the same setting.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/rl
script=rl/run.sh
. benchmarks/lib/common.sh
command_line=$(shell_command "$here/run.sh" "$@")

seconds=8
concurrency="32 256"
turns=4
latency_ms=1.5
max_new_tokens=64
peers="direct slime-rr slime-rr-turns slime-ca sglang-rr sglang-ca"
lag_rounds=3
build=1
count_kernel=0
output=benchmarks/results/rl-workload.md
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) seconds=$2; shift 2 ;;
        --concurrency) concurrency=$2; shift 2 ;;
        --turns) turns=$2; shift 2 ;;
        --latency-ms) latency_ms=$2; shift 2 ;;
        --max-new-tokens) max_new_tokens=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --lag-rounds) lag_rounds=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --count-kernel) count_kernel=1; shift ;;
        --output) output=$2; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "rl/run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

need taskset curl python3 timeout
[ "$build" = 0 ] || need swift
[ "$count_kernel" = 0 ] || need perf
case " $peers " in *" sglang-"*) need sglang-router ;; esac
need_cores "router on core 1, driver and workers on core 0"

bin=.build-release/release
tokenizer=$(qwen3_tokenizer)
[ "$build" = 0 ] || build_release slime-router mock-sglang
[ -x "$bin/slime-router" ] && [ -x "$bin/mock-sglang" ] || die "$bin/slime-router or mock-sglang missing (drop --no-build)"

# --- processes --------------------------------------------------------------
start_work_dir rl-bench

# wait_ready NAME PID URL: poll until URL answers a small text POST /generate
# with 200 and an SGLang-shaped body.
wait_ready() {
    local name=$1
    wait_for_200 "$name" "$2" "$3/generate" 5 '{"text":"ready?","sampling_params":{"max_new_tokens":2}}'
    grep -q '"meta_info"' "$work/$name.body" || die "$name answered 200 without meta_info: $(head -c 300 "$work/$name.body")"
}

worker_urls=()
worker_pids=()
for i in 1 2; do
    port=$(free_port)
    taskset -c 0 "$bin/mock-sglang" --port "$port" --tokenizer-path "$tokenizer" \
        --latency-per-token-ms "$latency_ms" --max-new-tokens "$max_new_tokens" >"$work/worker$i.log" 2>&1 &
    pids+=("$!"); worker_pids+=("$!")
    worker_urls+=("http://127.0.0.1:$port")
    wait_ready "worker$i" "$!" "http://127.0.0.1:$port"
done
reset_workers() { local u; for u in "${worker_urls[@]}"; do curl -s -o /dev/null --max-time 10 -X POST "$u/mock/reset"; done; }

# start_peer NAME: leaves started_pid and peer_url set. slime-router runs
# on the CPUs in $router_cpus with the extra flags in $router_flags.
router_cpus=1
router_flags=()
start_peer() {
    local name=$1 port
    port=$(free_port)
    peer_url="http://127.0.0.1:$port"
    case $name in
        slime-rr|slime-rr-turns|slime-ca)
            local policy=round-robin; [ "$name" = slime-ca ] && policy=cache-aware
            taskset -c "$router_cpus" "$bin/slime-router" --port "$port" --worker-urls "${worker_urls[@]}" \
                --middleware radix-tree --hf-checkpoint "$tokenizer" --policy "$policy" \
                --disable-health-check --log-level warning "${router_flags[@]}" >"$work/$name.log" 2>&1 &
            started_pid=$! ;;
        sglang-rr|sglang-ca)
            local policy=round_robin; [ "$name" = sglang-ca ] && policy=cache_aware
            start_sglang_router "$work/$name.log" "$port" "$policy" "${worker_urls[@]}" ;;
        *) die "unknown peer '$name'" ;;
    esac
    pids+=("$started_pid")
}

results=$work/results.jsonl
driver() { taskset -c 0 timeout $((${seconds%.*} + 120)) python3 "$here/driver.py" "$@"; }
# record PHASE_JSON KEY=VALUE...: one line of results.jsonl with extra fields
record() {
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.update(a.split("=", 1) for a in sys.argv[2:]); print(json.dumps(r))' "$@" >>"$results"
}

load_before=$(load_average)
for c in $concurrency; do
    for peer in $peers; do
        if [ "$peer" = direct ]; then
            targets=(); for u in "${worker_urls[@]}"; do targets+=(--url "$u"); done
            pid=""
        else
            start_peer "$peer"
            wait_ready "$peer" "$started_pid" "$peer_url"
            targets=(--url "$peer_url"); pid=$started_pid
        fi
        extra=(); metrics=()
        case $peer in slime-*) metrics=(--metrics-url "$peer_url") ;; esac
        case $peer in slime-rr|slime-ca) extra=(--retrieve-at-end) ;; esac
        locality_urls=(); for u in "${worker_urls[@]}"; do locality_urls+=(--url "$u"); done
        resets=(); for u in "${worker_urls[@]}"; do resets+=(--reset-url "$u"); done

        # 1. lock-step waves: per-turn cache counters and which worker served each turn
        log "$peer, $c conversations: lock-step waves"
        reset_workers
        out=$(driver conversations "${targets[@]}" --label "$peer" --concurrency "$c" --turns "$turns" \
            --max-new-tokens "$max_new_tokens" --lockstep --waves 3 --seconds "$seconds" "${metrics[@]}" "${extra[@]}") ||
            die "$peer lock-step run failed"
        record "$out" peer="$peer"
        record "$(driver locality "${locality_urls[@]}" --label "$peer")" peer="$peer" concurrency="$c"
        reset_workers

        # 2. free-running conversations for the time bound: throughput and latency
        log "$peer, $c conversations: free-running for ${seconds}s"
        before=$( [ -n "$pid" ] && process_cpu_ticks "$pid" || echo 0)
        wbefore=$(( $(process_cpu_ticks "${worker_pids[0]}") + $(process_cpu_ticks "${worker_pids[1]}") ))
        read -r c0b c0t < <(core_ticks 0); read -r c1b c1t < <(core_ticks 1)
        perf_pid=""
        if [ "$count_kernel" = 1 ] && [ -n "$pid" ]; then
            perf stat -x, -o "$work/kernel-$peer-$c.csv" \
                -e raw_syscalls:sys_enter,context-switches,cpu-migrations -p "$pid" &
            perf_pid=$!
        fi
        out=$(driver conversations "${targets[@]}" --label "$peer" --concurrency "$c" --turns "$turns" \
            --max-new-tokens "$max_new_tokens" --seconds "$seconds" "${resets[@]}" "${metrics[@]}" "${extra[@]}" \
            --texts-out "$work/texts-$peer-$c.json") || die "$peer free-running run failed"
        kernel=()
        if [ -n "$perf_pid" ]; then
            kill -INT "$perf_pid"; wait "$perf_pid" || true
            kernel=($(awk -F, '$1 ~ /^[0-9]+$/ { sub(/^raw_syscalls:sys_enter$/, "syscalls", $3); gsub(/-/, "_", $3); print "kernel_" $3 "=" $1 }' \
                "$work/kernel-$peer-$c.csv"))
        fi
        after=$( [ -n "$pid" ] && process_cpu_ticks "$pid" || echo 0)
        wafter=$(( $(process_cpu_ticks "${worker_pids[0]}") + $(process_cpu_ticks "${worker_pids[1]}") ))
        read -r c0b2 c0t2 < <(core_ticks 0); read -r c1b2 c1t2 < <(core_ticks 1)
        record "$out" peer="$peer" peer_cpu_ticks=$((after - before)) worker_cpu_ticks=$((wafter - wbefore)) \
            hz="$(getconf CLK_TCK)" core0_busy_pct=$(( 100 * (c0b2 - c0b) / (c0t2 - c0t + 1) )) \
            core1_busy_pct=$(( 100 * (c1b2 - c1b) / (c1t2 - c1t + 1) )) "${kernel[@]}"
        reset_workers

        # 3. /retrieve_from_text throughput on the texts just stored
        if [ "$peer" = slime-rr ]; then
            log "$peer: /retrieve_from_text, $c concurrent"
            before=$(process_cpu_ticks "$pid")
            out=$(driver retrieve --url "$peer_url" --label "$peer" --concurrency "$c" --seconds "$seconds" \
                --texts "$work/texts-$peer-$c.json") || die "retrieve phase failed"
            record "$out" peer="$peer" peer_cpu_ticks=$(( $(process_cpu_ticks "$pid") - before )) hz="$(getconf CLK_TCK)"
        fi
        if [ -n "$pid" ]; then
            curl -s --max-time 5 "$peer_url/metrics" >"$work/metrics-$peer-$c.json" || true
            stop "$pid"
        fi
    done
done

# 4. event-loop lag while ~100K-token prompts are tokenized (fresh router,
# probing every millisecond rather than the default 10 ms, to catch every stall):
# the whole router on core 1; on both cores; on both with the loop alone on
# core 1 (--loop-cpu), its other threads on core 0.
case " $peers " in *" slime-rr "*)
    for layout in shared-core two-cores own-core; do
        log "slime-router ($layout): event-loop lag while ~100K-token prompts are tokenized"
        case $layout in
            shared-core) router_cpus=1; router_flags=(--event-loop-lag-interval-ms 1) ;;
            two-cores) router_cpus=0,1; router_flags=(--event-loop-lag-interval-ms 1) ;;
            own-core) router_cpus=0,1; router_flags=(--event-loop-lag-interval-ms 1 --loop-cpu 1) ;;
        esac
        start_peer slime-rr
        wait_ready slime-rr "$started_pid" "$peer_url"
        out=$(driver lag --url "$peer_url" --label "slime-rr ($layout)" --seconds $((${seconds%.*} + 60)) \
            --big-rounds "$lag_rounds" --corpus "$(dirname "$tokenizer")/bench-corpus.txt") ||
            die "lag phase failed"
        record "$out" peer=slime-rr layout="$layout"
        stop "$started_pid"
        reset_workers
    done
    router_cpus=1; router_flags=() ;;
esac
load_after=$(load_average)

versions=$(
    if [ "$build" = 1 ]; then slime_router_version; else slime_router_version "$bin/slime-router"; fi
    sglang_router_version
    python3 --version
)
mkdir -p "$(dirname "$output")" benchmarks/results/raw
cp "$results" benchmarks/results/raw/rl-workload.jsonl
python3 "$here/report.py" "$results" --command "$command_line" --seconds "$seconds" --turns "$turns" \
    --latency-ms "$latency_ms" --max-new-tokens "$max_new_tokens" --load "$load_before" "$load_after" \
    --versions "$versions" >"$output"
cat "$output"
