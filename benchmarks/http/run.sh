#!/usr/bin/env bash
# Pass-through HTTP proxy benchmark (issue 2): POST /generate through each
# peer to the same static upstream, side by side in one run, as ratios to
# nginx. The peer under test is pinned to core 1; the upstream and wrk share
# core 0 (anchors.md). Writes benchmarks/results/http-proxy.md and prints it.
#
#   usage: benchmarks/http/run.sh [--duration S] [--warmup S] [--connections "32 256"]
#                                 [--threads N] [--peers "slime-router slime-router-curl nginx sglang-router"]
#                                 [--no-build] [--slime-router BINARY] [--output FILE]
# By default slime-router is built (release) from this work tree;
# --slime-router measures a binary built elsewhere (e.g. another commit).
# slime-router-curl is the same binary with its worker calls on libcurl
# (--worker-client curl), as before our own client. Both open at most 256
# connections to the upstream (--max-connections-per-worker 256).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/http
script=run.sh
. benchmarks/lib/common.sh
. benchmarks/http/nginx.sh
command_line=$(shell_command "$here/run.sh" "$@")

duration=10
warmup=3
connections="32"
threads=1
peers="slime-router slime-router-curl nginx sglang-router"
build=1
router_bin=.build-release/release/slime-router
output=benchmarks/results/http-proxy.md
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --slime-router) router_bin=$2; build=0; shift 2 ;;
        --output) output=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

need wrk nginx taskset curl python3 timeout
[ "$build" = 0 ] || need swift
case " $peers " in *" sglang-router "*) need sglang-router ;; esac
need_cores "router on core 1, load and upstream on core 0"

[ "$build" = 0 ] || build_release slime-router
[ -x "$router_bin" ] || die "$router_bin missing (drop --no-build)"

start_work_dir http-bench

# The upstream's answer, minified: what every peer must relay byte for byte.
expected=$(minified_json "$here/upstream.json")

# wait_ready NAME PID URL: poll until URL answers POST /generate with 200 and
# exactly the upstream's body; a benchmark of error responses is worthless.
wait_ready() {
    local name=$1
    wait_for_200 "$name" "$2" "$3/generate" 2 "$(cat "$here/request.json")"
    [ "$(cat "$work/$name.body")" = "$expected" ] ||
        die "$name answered 200 but not the upstream's body: $(head -c 300 "$work/$name.body")"
}

# One start-up function per peer. Each leaves started_pid set.
start_peer() {
    local name=$1 port=$2 upstream="http://127.0.0.1:$upstream_port"
    case $name in
        slime-router|slime-router-curl)
            local client=native
            [ "$name" = slime-router-curl ] && client=curl
            taskset -c 1 "$router_bin" --port "$port" --worker-urls "$upstream" --worker-client "$client" \
                --max-connections-per-worker 256 \
                --policy round-robin --disable-health-check --log-level warning >"$work/$name.log" 2>&1 &
            started_pid=$! ;;
        nginx)
            start_nginx "$name" "$here/nginx-proxy.conf.template" 1 "$port" "$upstream_port" "$expected" ;;
        sglang-router)
            start_sglang_router "$work/$name.log" "$port" round_robin "$upstream" ;;
        *) die "unknown peer '$name' (slime-router, slime-router-curl, nginx, sglang-router)" ;;
    esac
}

# count_syscalls PID CONNECTIONS URL: "CALLS REQUESTS" for a 3 s wrk run
# under perf's system-call counter (PID and its children), or nothing when
# perf cannot count here. A run of its own: while the tracepoint is on, every
# system call on the machine takes a slower path, so the measured run does
# without it.
count_syscalls() {
    local pids calls requests
    command -v perf >/dev/null || return 0
    pids=$(echo "$1" $(pgrep -P "$1" || true) | tr ' ' ',')
    perf stat -x, -o "$work/perf.csv" -e raw_syscalls:sys_enter -p "$pids" -- \
        taskset -c 0 timeout 40 wrk -t"$threads" -c"$2" -d3s --timeout 2s -s "$here/generate.lua" "$3/generate" \
        >"$work/perf-wrk.txt" 2>&1 || return 0
    calls=$(awk -F, '/raw_syscalls:sys_enter/ && $1 ~ /^[0-9]+$/ { print $1 }' "$work/perf.csv" 2>/dev/null || true)
    requests=$(sed -n 's/^WRK_JSON //p' "$work/perf-wrk.txt" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["requests"])' 2>/dev/null || true)
    if [ -n "$calls" ] && [ -n "$requests" ]; then echo "$calls $requests"; fi
}

# measure LABEL PID URL: warm-up, then one wrk run per connection count; the
# summary of each goes to results.jsonl, with the peer's system calls per
# request from a short run after it.
measure() {
    local label=$1 pid=$2 url=$3 c raw before after json syscalls
    for c in $connections; do
        log "$label: warm-up ${warmup}s, then ${duration}s with $c connections"
        taskset -c 0 timeout $((warmup + 30)) wrk -t"$threads" -c"$c" -d"${warmup}s" --timeout 2s \
            -s "$here/generate.lua" "$url/generate" >/dev/null
        raw="$work/wrk-$label-c$c.txt"
        before=$(tree_cpu_ticks "$pid")
        taskset -c 0 timeout $((duration + 30)) wrk -t"$threads" -c"$c" -d"${duration}s" --timeout 2s --latency \
            -s "$here/generate.lua" "$url/generate" >"$raw"
        after=$(tree_cpu_ticks "$pid")
        syscalls=$(count_syscalls "$pid" "$c" "$url")
        json=$(sed -n 's/^WRK_JSON //p' "$raw")
        [ -n "$json" ] || die "no summary from wrk for $label: $(cat "$raw")"
        python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.update(peer=sys.argv[2], connections=int(sys.argv[3]), cpu_ticks=int(sys.argv[4]), hz=int(sys.argv[5]), syscalls_per_request=(lambda c: int(c[0]) / int(c[1]) if len(c) == 2 and int(c[1]) else None)(sys.argv[6].split())); print(json.dumps(r))' \
            "$json" "$label" "$c" $((after - before)) "$(getconf CLK_TCK)" "$syscalls" >>"$work/results.jsonl"
        mkdir -p benchmarks/results/raw && cp "$raw" benchmarks/results/raw/
    done
}

# --- run --------------------------------------------------------------------
load_before=$(load_average)

upstream_port=$(free_port)
start_nginx upstream "$here/nginx-upstream.conf.template" 0 "$upstream_port" "" "$expected"
pids+=("$started_pid")
wait_ready upstream "$started_pid" "http://127.0.0.1:$upstream_port"
measure upstream "$started_pid" "http://127.0.0.1:$upstream_port"

for peer in $peers; do
    port=$(free_port)
    start_peer "$peer" "$port"
    pids+=("$started_pid")
    wait_ready "$peer" "$started_pid" "http://127.0.0.1:$port"
    measure "$peer" "$started_pid" "http://127.0.0.1:$port"
    stop "$started_pid"
done

load_after=$(load_average)
versions=$(
    if [ "$build" = 1 ]; then slime_router_version; else slime_router_version "$router_bin"; fi
    echo "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
    echo "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    sglang_router_version
)
mkdir -p "$(dirname "$output")"
python3 "$here/report.py" "$work/results.jsonl" --command "$command_line" --duration "$duration" \
    --warmup "$warmup" --threads "$threads" --load "$load_before" "$load_after" --versions "$versions" >"$output"
cat "$output"
