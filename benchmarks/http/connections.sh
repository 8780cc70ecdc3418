#!/usr/bin/env bash
# Router CPU per proxied request against the number of client connections
# (benchmarks/results/http-proxy-cost.md, "Thousands of connections"):
# two mock-sglang workers (16 tokens at 2 ms) and wrk on core 0, the router
# alone on core 1; after a 3 s warm-up, its CPU ticks over a 6 s wrk run
# divided by the requests served.
#   usage: benchmarks/http/connections.sh [--no-build] [CONNECTIONS...]   (default: 256 1000 3000)
set -euo pipefail
cd "$(dirname "$0")/../.."
script=http/connections.sh
. benchmarks/lib/common.sh

build=1
[ "${1:-}" = --no-build ] && { build=0; shift; }
counts=("${@:-256 1000 3000}")
need wrk taskset curl
need_cores "router alone on core 1"
[ "$build" = 0 ] || build_release slime-router mock-sglang
bin=.build-release/release
start_work_dir http-connections

workers=()
for i in 1 2; do
    port=$(free_port)
    taskset -c 0 "$bin/mock-sglang" --port "$port" --latency-per-token-ms 2 >"$work/worker$i.log" 2>&1 &
    pids+=("$!")
    workers+=("http://127.0.0.1:$port")
    wait_for_200 "worker$i" "$!" "http://127.0.0.1:$port/generate" 5 "$(cat benchmarks/http/request.json)"
done
router_port=$(free_port)
taskset -c 1 "$bin/slime-router" --port "$router_port" --worker-urls "${workers[@]}" \
    --disable-health-check --log-level warning >"$work/router.log" 2>&1 &
router=$!
pids+=("$router")
wait_for_200 router "$router" "http://127.0.0.1:$router_port/generate" 5 "$(cat benchmarks/http/request.json)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "| wrk connections | requests in 6 s | router CPU per request |"
echo "|---:|---:|---:|"
for count in ${counts[*]}; do
    load() { taskset -c 0 wrk -t2 -c"$count" -d"$1" --timeout 30s -s benchmarks/http/generate.lua \
        "http://127.0.0.1:$router_port/generate"; }
    load 3s >/dev/null
    before=$(cpu_ticks "$router")
    requests=$(load 6s | awk '/requests in/ {print $1}')
    ticks=$(( $(cpu_ticks "$router") - before ))
    echo "| $count | $requests | $(( ticks * 1000000 / $(getconf CLK_TCK) / requests )) µs |"
done
