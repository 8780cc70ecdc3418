#!/usr/bin/env bash
# Where each peer's time goes per proxied request (benchmarks/results/
# http-proxy-cost.md): POST /generate through the peer on core 1 to a static
# nginx upstream, wrk and the upstream on core 0, as http/run.sh does; perf
# samples core 1 for one wrk run per peer and splits the peer's samples into
# the kernel and the user-space libraries. CPU per request is the peer's
# CPU time (from /proc) over the requests served.
#
#   usage: benchmarks/http/profile.sh [--duration S] [--connections N]
#                                     [--peers "slime-router slime-router-curl nginx"] [--no-build]
#                                     [--slime-router BINARY]   (a binary built elsewhere, e.g. another commit)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/http
script=http/profile.sh
. benchmarks/lib/common.sh
. benchmarks/http/nginx.sh

duration=6
connections=32
peers="slime-router slime-router-curl nginx"
build=1
router_bin=.build-release/release/slime-router
while [ $# -gt 0 ]; do
    case $1 in
        --duration) duration=$2; shift 2 ;;
        --connections) connections=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --slime-router) router_bin=$2; build=0; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "profile.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
need wrk nginx taskset curl python3 perf
need_cores "peer on core 1, load and upstream on core 0"
[ "$build" = 0 ] || build_release slime-router
start_work_dir http-profile

body=$(minified_json "$here/upstream.json")
upstream_port=$(free_port)
start_nginx upstream "$here/nginx-upstream.conf.template" 0 "$upstream_port" "" "$body"
pids+=("$started_pid")
wait_for_200 upstream "$started_pid" "http://127.0.0.1:$upstream_port/generate" 2 "$(cat "$here/request.json")"

echo "| peer | req/s | CPU per request | kernel | user space, by library (µs per request) |"
echo "|---|---:|---:|---:|---|"
for peer in $peers; do
    port=$(free_port)
    case $peer in
        slime-router|slime-router-curl)
            client=native
            [ "$peer" = slime-router-curl ] && client=curl
            taskset -c 1 "$router_bin" --port "$port" --worker-urls "http://127.0.0.1:$upstream_port" \
                --worker-client "$client" --policy round-robin --disable-health-check --log-level warning \
                >"$work/$peer.log" 2>&1 &
            started_pid=$!
            comms="slime-router slime-lag-probe" ;;
        nginx)
            start_nginx nginx "$here/nginx-proxy.conf.template" 1 "$port" "$upstream_port" "$body"
            comms="nginx" ;;
        *) die "unknown peer '$peer'" ;;
    esac
    pids+=("$started_pid")
    url="http://127.0.0.1:$port/generate"
    wait_for_200 "$peer" "$started_pid" "$url" 2 "$(cat "$here/request.json")"
    taskset -c 0 wrk -t1 -c"$connections" -d2s -s "$here/generate.lua" "$url" >/dev/null
    before=$(tree_cpu_ticks "$started_pid")
    perf record -q -o "$work/perf.data" -C 1 -F 2999 -- \
        taskset -c 0 wrk -t1 -c"$connections" -d"${duration}s" -s "$here/generate.lua" "$url" >"$work/wrk.txt" 2>/dev/null
    ticks=$(( $(tree_cpu_ticks "$started_pid") - before ))
    perf report -i "$work/perf.data" --sort comm,dso --stdio 2>/dev/null >"$work/report.txt"
    python3 - "$peer" "$comms" "$ticks" "$(getconf CLK_TCK)" "$(sed -n 's/^WRK_JSON //p' "$work/wrk.txt")" "$work/report.txt" <<'PY'
import json, re, sys, collections
peer, comms, ticks, hz, summary, report = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5]), sys.argv[6]
shares = collections.Counter()
for line in open(report):
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+(\S+)", line)
    if m and m.group(2) in comms:
        dso = m.group(3)
        name = ("kernel" if "kernel" in dso else "Swift runtime" if "libswift" in dso else "glibc" if dso.startswith("libc.") else
                "libcurl" if "libcurl" in dso else "libuv" if "libuv" in dso else "our code and llhttp" if dso == "slime-router" else
                "nginx" if dso == "nginx" else "other")
        shares[name] += float(m.group(1))
total = sum(shares.values())
per_request = ticks / hz / summary["requests"] * 1e6
rate = summary["requests"] / (summary["duration_us"] / 1e6)
user = ", ".join(f"{k} {per_request * v / total:.1f}" for k, v in shares.most_common() if k != "kernel" and per_request * v / total >= 0.05)
print(f"| {peer} | {rate:,.0f} | {per_request:.1f} µs | {100 * shares['kernel'] / total:.0f} % = {per_request * shares['kernel'] / total:.1f} µs | {user} |")
PY
    stop "$started_pid"
done
echo
echo "wrk -t1 -c$connections, ${duration} s per peer after a 2 s warm-up; load average at the end $(load_average)."
