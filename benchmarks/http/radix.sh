#!/usr/bin/env bash
# The radix cache's paths on one core (issue 17), side by side in one run:
#   1. POST /generate with a ~1 KB shared system prompt and a unique user turn
#      per request (benchmarks/http/radix-generate.lua) through
#        slime-router       --middleware radix-tree, worker calls on our client
#        slime-router-curl  the same, worker calls on libcurl
#        sglang-router      SGLang's Rust router, round_robin (no cache: it
#                           relays the text)
#   2. POST /retrieve_from_text on two stored trajectories of about 2 KB
#      (retrieve.sh): a chat prompt with a short answer, and a rollout mostly
#      generated, with log-probabilities (slime-router alone: no peer has the
#      endpoint).
# Each peer alone on core 1, in front of a static nginx upstream (http/run.sh's,
# answering radix-upstream.json to every request: SGLang's shape with
# log-probabilities, float32 values widened and spelled as Python's repr, so
# that slime-router stores each trajectory), which
# shares core 0 with wrk. Prints a markdown table; the results file quotes it.
#
#   usage: benchmarks/http/radix.sh [--duration S] [--warmup S] [--connections N]
#                                   [--peers "slime-router slime-router-curl sglang-router"] [--no-build]
#                                   [--binary FILE]   (another slime-router build, e.g. a baseline; implies --no-build)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/http
script=http/radix.sh
. benchmarks/lib/common.sh
. benchmarks/http/nginx.sh
. benchmarks/http/retrieve.sh

duration=10
warmup=3
connections=32
peers="slime-router slime-router-curl sglang-router"
build=1
binary=""
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --binary) binary=$2; build=0; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "radix.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

need wrk nginx taskset curl python3 timeout
case " $peers " in *" sglang-router "*) need sglang-router ;; esac
need_cores "router on core 1, load and upstream on core 0"
bin=.build-release/release
tokenizer=$(qwen3_tokenizer)
[ "$build" = 0 ] || build_release slime-router
router=${binary:-$bin/slime-router}
[ -x "$router" ] || die "$router missing (drop --no-build)"

start_work_dir http-radix

upstream_port=$(free_port)
start_trajectory_upstream chat "$upstream_port" "$tokenizer"
pids+=("$started_pid")
upstream="http://127.0.0.1:$upstream_port"
wait_for_200 chat-upstream "$started_pid" "$upstream/generate" 2 "$(cat "$here/request.json")"
case " $peers " in
    *" slime-router "*)
        rollout_port=$(free_port)
        start_trajectory_upstream rollout "$rollout_port" "$tokenizer"
        pids+=("$started_pid")
        rollout_upstream="http://127.0.0.1:$rollout_port"
        wait_for_200 rollout-upstream "$started_pid" "$rollout_upstream/generate" 2 "$(cat "$here/request.json")" ;;
esac

# start_peer NAME PORT [UPSTREAM]: UPSTREAM defaults to the chat upstream.
start_peer() {
    local name=$1 port=$2 upstream=${3:-$upstream}
    case $name in
        slime-router|slime-router-curl)
            local client=native
            [ "$name" = slime-router-curl ] && client=curl
            taskset -c 1 "$router" --port "$port" --worker-urls "$upstream" --worker-client "$client" \
                --middleware radix-tree --hf-checkpoint "$tokenizer" --max-connections-per-worker 256 \
                --policy round-robin --disable-health-check --log-level warning >"$work/$name.log" 2>&1 &
            started_pid=$! ;;
        sglang-router)
            start_sglang_router "$work/$name.log" "$port" round_robin "$upstream" ;;
        *) die "unknown peer '$name'" ;;
    esac
}

# wrk_row LABEL PID URL SCRIPT [ARG]: warm-up, a measured run, and a 3 s run
# under perf's system-call counter; prints one table row.
run=0
wrk_row() {
    local label=$1 pid=$2 url=$3 lua=$4 before after out json calls=""
    run=$((run + 1))
    taskset -c 0 timeout $((warmup + 30)) wrk -t1 -c"$connections" -d"${warmup}s" --timeout 2s -s "$lua" "$url" \
        -- $((run * 100000000)) >/dev/null
    before=$(tree_cpu_ticks "$pid")
    out=$(taskset -c 0 timeout $((duration + 30)) wrk -t1 -c"$connections" -d"${duration}s" --timeout 2s -s "$lua" "$url" \
        -- $((run * 100000000 + 50000000)))
    after=$(tree_cpu_ticks "$pid")
    if command -v perf >/dev/null; then
        perf stat -x, -o "$work/perf.csv" -e raw_syscalls:sys_enter -p "$pid" -- \
            taskset -c 0 timeout 40 wrk -t1 -c"$connections" -d3s --timeout 2s -s "$lua" "$url" \
            -- $((run * 100000000 + 90000000)) >"$work/perf-wrk.txt" 2>&1 &&
            calls="$(awk -F, '/raw_syscalls:sys_enter/ && $1 ~ /^[0-9]+$/ { print $1 }' "$work/perf.csv") $(sed -n 's/^WRK_JSON //p' "$work/perf-wrk.txt")"
    fi
    json=$(echo "$out" | sed -n 's/^WRK_JSON //p')
    [ -n "$json" ] || die "no summary from wrk for $label: $out"
    python3 - "$label" "$json" $((after - before)) "$(getconf CLK_TCK)" "$calls" <<'PY'
import json, sys
label, summary, ticks, hz, calls = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
seconds = summary["duration_us"] / 1e6
rate = summary["requests"] / seconds
errors = summary["err_status"] + summary["err_connect"] + summary["err_read"] + summary["err_write"] + summary["err_timeout"]
cpu = ticks / hz / seconds
per_request = f"{ticks / hz / summary['requests'] * 1e6:.0f} µs" if summary["requests"] else "—"
syscalls = "—"
if calls.strip():
    count, perf_summary = calls.split(" ", 1)
    served = json.loads(perf_summary)["requests"]
    if served:
        syscalls = f"{int(count) / served:.1f}"
print(f"| {label} | {rate:,.0f} | {summary['mean_us'] / 1000:.2f} ms | {summary['p99_us'] / 1000:.2f} ms | {errors} | {cpu:.2f} | {per_request} | {syscalls} |")
PY
}

echo "| peer | req/s | mean | p99 | errors | peer CPU | CPU per request | system calls per request |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
load_before=$(load_average)
for peer in $peers; do
    port=$(free_port)
    start_peer "$peer" "$port"
    pids+=("$started_pid")
    wait_for_200 "$peer" "$started_pid" "http://127.0.0.1:$port/generate" 5 "$(cat "$here/request.json")"
    wrk_row "$peer: /generate, 1 KB shared prompt, unique turns" "$started_pid" "http://127.0.0.1:$port/generate" "$here/radix-generate.lua"
    if [ "$peer" = slime-router ]; then
        stored=$(store_trajectory chat "http://127.0.0.1:$port" "$work/retrieve.json")
        log "chat trajectory: $stored"
        export RETRIEVE_BODY="$work/retrieve.json"
        wrk_row "$peer: /retrieve_from_text, chat trajectory ($stored)" \
            "$started_pid" "http://127.0.0.1:$port/retrieve_from_text" "$here/retrieve.lua"
        stop "$started_pid"
        # The rollout's answer comes from its own upstream: another router in front of it.
        port=$(free_port)
        start_peer "$peer" "$port" "$rollout_upstream"
        pids+=("$started_pid")
        wait_for_200 "$peer" "$started_pid" "http://127.0.0.1:$port/generate" 5 "$(cat "$here/request.json")"
        stored=$(store_trajectory rollout "http://127.0.0.1:$port" "$work/retrieve-rollout.json")
        log "rollout trajectory: $stored"
        export RETRIEVE_BODY="$work/retrieve-rollout.json"
        wrk_row "$peer: /retrieve_from_text, rollout trajectory ($stored)" \
            "$started_pid" "http://127.0.0.1:$port/retrieve_from_text" "$here/retrieve.lua"
    fi
    stop "$started_pid"
done
echo
echo "wrk -t1 -c$connections, ${warmup} s warm-up then ${duration} s per row; load average before $load_before, after $(load_average)."
