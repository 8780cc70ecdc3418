#!/usr/bin/env bash
# Pass-through HTTP proxy benchmark (issue 2): POST /generate through each
# peer to the same static upstream, side by side in one run, as ratios to
# nginx. The peer under test is pinned to core 1; the upstream and wrk share
# core 0 (anchors.md). Writes benchmarks/results/http-proxy.md and prints it.
#
#   usage: benchmarks/http/run.sh [--duration S] [--warmup S] [--connections "32 256"]
#                                 [--threads N] [--peers "slime-router nginx sglang-router"]
#                                 [--no-build] [--slime-router BINARY] [--output FILE]
# By default slime-router is built (release) from this work tree;
# --slime-router measures a binary built elsewhere (e.g. another commit).
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/http
args=("$@")   # kept for the report's "Reproduce" line

duration=10
warmup=3
connections="32"
threads=1
peers="slime-router nginx sglang-router"
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

die() { echo "run.sh: $*" >&2; exit 1; }
log() { printf '==> %s\n' "$*" >&2; }

# --- tools ------------------------------------------------------------------
need() {
    command -v "$1" >/dev/null ||
        die "'$1' not found: run scripts/setup.sh and scripts/setup-bench.sh (as root) first"
}
for tool in wrk nginx taskset curl python3 timeout; do need "$tool"; done
[ "$build" = 0 ] || need swift
case " $peers " in *" sglang-router "*) need sglang-router ;; esac
command_line=$(python3 -c 'import shlex, sys; print(shlex.join(sys.argv[1:]))' "$here/run.sh" ${args[@]+"${args[@]}"})
[ "$(nproc)" -ge 2 ] || die "needs 2 cores (router on core 1, load and upstream on core 0)"

if [ "$build" = 1 ]; then
    log "building slime-router (release)"
    swift build -c release --scratch-path .build-release --product slime-router >&2
fi
[ -x "$router_bin" ] || die "$router_bin missing (drop --no-build)"

# --- processes --------------------------------------------------------------
work=$(mktemp -d /tmp/http-bench.XXXXXX)
chmod 755 "$work"   # nginx workers run as nobody when started by root
pids=()

stop() {   # stop one process we started: TERM, then KILL after 5 s
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in "${pids[@]}"; do stop "$pid"; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The upstream's answer, minified: what every peer must relay byte for byte.
expected=$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' \
    "$here/upstream.json")

# wait_ready NAME PID URL: poll until URL answers POST /generate with 200 and
# exactly the upstream's body; a benchmark of error responses is worthless.
wait_ready() {
    local name=$1 pid=$2 url=$3 status="" i
    for i in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; its log: $(tail -5 "$work/$name.log")"
        status=$(curl -s -o "$work/$name.body" -w '%{http_code}' --max-time 2 \
            -H 'Content-Type: application/json' --data-binary "$(cat "$here/request.json")" "$url/generate" || true)
        [ "$status" = 200 ] && break
        sleep 0.2
    done
    [ "$status" = 200 ] || die "$name did not answer 200 on $url/generate within 30 s (last: '$status'); log: $work/$name.log"
    [ "$(cat "$work/$name.body")" = "$expected" ] ||
        die "$name answered 200 but not the upstream's body: $(head -c 300 "$work/$name.body")"
}

# start_nginx NAME TEMPLATE CORE PORT [UPSTREAM_PORT]: nginx from a template,
# in a directory of its own.
start_nginx() {
    local name=$1 template=$2 core=$3 port=$4 upstream_port=${5:-} dir="$work/$1"
    mkdir -p "$dir"
    python3 - "$template" "$dir/nginx.conf" "$dir" "$port" "$upstream_port" "$expected" <<'PY'
import sys
template, out, d, port, upstream_port, body = sys.argv[1:]
text = open(template).read()
for key, value in {"DIR": d, "PORT": port, "UPSTREAM_PORT": upstream_port, "BODY": body}.items():
    text = text.replace(f"@{key}@", value)
open(out, "w").write(text)
PY
    taskset -c "$core" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$work/$name.log" 2>&1 &
    started_pid=$!
}

# One start-up function per peer. Each leaves started_pid set.
start_peer() {
    local name=$1 port=$2 upstream="http://127.0.0.1:$upstream_port"
    case $name in
        slime-router)
            taskset -c 1 "$router_bin" --port "$port" --worker-urls "$upstream" \
                --policy round-robin --disable-health-check --log-level warning >"$work/$name.log" 2>&1 &
            started_pid=$! ;;
        nginx)
            start_nginx "$name" "$here/nginx-proxy.conf.template" 1 "$port" "$upstream_port" ;;
        sglang-router)
            # Its Prometheus exporter defaults to port 29000: give it a free
            # one so that two runs on one machine don't collide.
            taskset -c 1 sglang-router launch --host 127.0.0.1 --port "$port" --worker-urls "$upstream" \
                --policy round_robin --disable-health-check --log-level warn \
                --prometheus-port "$(free_port)" >"$work/$name.log" 2>&1 &
            started_pid=$! ;;
        *) die "unknown peer '$name' (slime-router, nginx, sglang-router)" ;;
    esac
}

# CPU ticks used so far by a process and its children (nginx's worker is a
# child of its master): tells whether a peer saturated its core.
cpu_ticks() {
    local total=0 p fields
    for p in "$1" $(pgrep -P "$1" || true); do
        fields=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
        set -- $fields
        total=$((total + ${12} + ${13}))   # utime + stime (fields 14 and 15)
    done
    echo "$total"
}

# measure LABEL PID URL: warm-up, then one wrk run per connection count; the
# summary of each goes to results.jsonl.
measure() {
    local label=$1 pid=$2 url=$3 c raw before after json
    for c in $connections; do
        log "$label: warm-up ${warmup}s, then ${duration}s with $c connections"
        taskset -c 0 timeout $((warmup + 30)) wrk -t"$threads" -c"$c" -d"${warmup}s" --timeout 2s \
            -s "$here/generate.lua" "$url/generate" >/dev/null
        raw="$work/wrk-$label-c$c.txt"
        before=$(cpu_ticks "$pid")
        taskset -c 0 timeout $((duration + 30)) wrk -t"$threads" -c"$c" -d"${duration}s" --timeout 2s --latency \
            -s "$here/generate.lua" "$url/generate" >"$raw"
        after=$(cpu_ticks "$pid")
        json=$(sed -n 's/^WRK_JSON //p' "$raw")
        [ -n "$json" ] || die "no summary from wrk for $label: $(cat "$raw")"
        python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r.update(peer=sys.argv[2], connections=int(sys.argv[3]), cpu_ticks=int(sys.argv[4]), hz=int(sys.argv[5])); print(json.dumps(r))' \
            "$json" "$label" "$c" $((after - before)) "$(getconf CLK_TCK)" >>"$work/results.jsonl"
        mkdir -p benchmarks/results/raw && cp "$raw" benchmarks/results/raw/
    done
}

# --- run --------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

upstream_port=$(free_port)
start_nginx upstream "$here/nginx-upstream.conf.template" 0 "$upstream_port"
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

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
versions=$(
    if [ "$build" = 1 ]; then
        echo "slime-router $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- Sources Package.swift)" ] ||
            echo ' plus uncommitted changes')"
    else
        echo "slime-router binary $router_bin (built $(date -u -r "$router_bin" '+%Y-%m-%d %H:%M UTC'))"
    fi
    echo "$(nginx -v 2>&1 | sed 's/^nginx version: //')"
    echo "$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
    if command -v sglang-router >/dev/null; then
        echo "sglang-router $(python3 -c 'import importlib.metadata as m; print(m.version("sglang-router"))' 2>/dev/null || echo '?')"
    fi
)
mkdir -p "$(dirname "$output")"
python3 "$here/report.py" "$work/results.jsonl" --command "$command_line" --duration "$duration" \
    --warmup "$warmup" --threads "$threads" --load "$load_before" "$load_after" --versions "$versions" >"$output"
cat "$output"
