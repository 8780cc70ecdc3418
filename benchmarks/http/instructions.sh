#!/usr/bin/env bash
# User-space instructions per request on one of the router's paths, by
# callgrind (issue 17): robust where requests per second are not, on a busy
# machine. The router runs under valgrind in front of a static nginx upstream
# answering radix-upstream.json (SGLang's shape with log-probabilities,
# float32 values widened to double and spelled as Python's repr, 16 to 19
# digits, as SGLang sends them); instrumentation is switched on only after
# a warm-up, so start-up and shutdown do not count. Every thread counts (the
# thread pool's, the cache writer's). Prints the total per request and the
# costliest functions.
#
#   usage: benchmarks/http/instructions.sh [--path retrieve|retrieve-rollout|radix-generate|generate]
#                                          [--binary FILE] [--requests N] [--top N] [--keep FILE]
#                                          [--router-args "ARGS"]   (extra slime-router flags, e.g. "--request-timeout 60")
#     retrieve        POST /retrieve_from_text on a stored ~2 KB chat trajectory (430 tokens, 12 generated)
#     retrieve-rollout  the same on a rollout-shaped one (427 tokens, 330 generated with log-probabilities)
#     radix-generate  POST /generate through the radix cache (radix-generate.lua)
#     generate        pass-through POST /generate (no middleware)
#   --binary defaults to .build-release/release/slime-router; --keep copies
#   callgrind's output to FILE (for callgrind_annotate --inclusive=yes).
#   A fixed number of requests is measured (--requests, default 2000, after
#   500 for warm-up), not a fixed time: how far the radix cache has grown
#   changes what an insert costs, so two builds compare only on equal counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/http
script=http/instructions.sh
. benchmarks/lib/common.sh
. benchmarks/http/nginx.sh
. benchmarks/http/retrieve.sh

path=retrieve
binary=.build-release/release/slime-router
requests_wanted=2000
warmup_requests=500
top=25
keep=""
router_args=""
while [ $# -gt 0 ]; do
    case $1 in
        --path) path=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --requests) requests_wanted=$2; shift 2 ;;
        --top) top=$2; shift 2 ;;
        --keep) keep=$2; shift 2 ;;
        --router-args) router_args=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "instructions.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $path in retrieve|retrieve-rollout|radix-generate|generate) ;; *) die "unknown path '$path'" ;; esac
need wrk nginx curl python3 valgrind callgrind_control callgrind_annotate strip
[ -x "$binary" ] || die "$binary missing: swift build -c release --scratch-path .build-release --product slime-router"
tokenizer=$(qwen3_tokenizer)

start_work_dir http-instructions
# valgrind 3.19 cannot read Swift 6.3's DWARF: a copy without it.
cp "$binary" "$work/router"
strip -g "$work/router"

trajectory=chat
[ "$path" = retrieve-rollout ] && trajectory=rollout
upstream_port=$(free_port)
start_trajectory_upstream "$trajectory" "$upstream_port" "$tokenizer"
pids+=("$started_pid")
upstream="http://127.0.0.1:$upstream_port"
wait_for_200 "$trajectory-upstream" "$started_pid" "$upstream/generate" 2 "$(cat "$here/request.json")"

middleware=(--middleware radix-tree --hf-checkpoint "$tokenizer")
[ "$path" = generate ] && middleware=()
port=$(free_port)
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
    "$work/router" --port "$port" --worker-urls "$upstream" "${middleware[@]}" \
    --policy round-robin --disable-health-check --log-level warning $router_args >"$work/router.log" 2>&1 &
router=$!
pids+=("$router")
wait_for_200 router "$router" "http://127.0.0.1:$port/generate" 10 "$(cat "$here/request.json")"

case $path in
    retrieve|retrieve-rollout)
        stored=$(store_trajectory "$trajectory" "http://127.0.0.1:$port" "$work/retrieve.json")
        log "$trajectory trajectory: $stored"
        export RETRIEVE_BODY="$work/retrieve.json"
        url="http://127.0.0.1:$port/retrieve_from_text" lua=$here/retrieve.lua ;;
    radix-generate) url="http://127.0.0.1:$port/generate" lua=$here/radix-generate.lua ;;
    generate) url="http://127.0.0.1:$port/generate" lua=$here/generate.lua ;;
esac

# wrk stops after a number of answers: its script touches a file, and wrk,
# interrupted, prints its summary (-d only caps a run that stalls).
counted_wrk() {
    local answers=$1 start=$2
    rm -f "$work/stopped"
    WRK_STOP_AFTER=$answers WRK_STOP_FILE="$work/stopped" \
        wrk -t1 -c8 -d600s --timeout 10s -s "$lua" "$url" -- "$start" >"$work/wrk.out" &
    local wrk_pid=$!
    while [ ! -e "$work/stopped" ] && kill -0 "$wrk_pid" 2>/dev/null; do sleep 0.05; done
    kill -INT "$wrk_pid" 2>/dev/null || true
    wait "$wrk_pid" || true
}
counted_wrk "$warmup_requests" 100000000
callgrind_control -i on "$router" >/dev/null
counted_wrk "$requests_wanted" 200000000
out=$(cat "$work/wrk.out")
callgrind_control -i off "$router" >/dev/null
stop "$router"
requests=$(echo "$out" | sed -n 's/^WRK_JSON //p' | python3 -c 'import json, sys; print(json.load(sys.stdin)["requests"])')
[ "$requests" -gt 0 ] || die "no request answered: $out"

[ -z "$keep" ] || cp "$work/callgrind.out" "$keep"
callgrind_annotate --threshold=100 "$work/callgrind.out" 2>/dev/null >"$work/annotate.txt"
python3 - "$path" "$requests" "$top" "$work/annotate.txt" <<'PY'
import re, sys
path, requests, top, annotate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
total, rows = None, []
for line in open(annotate):
    m = re.match(r"\s*([\d,]+)\s+(?:\([\s\d.%]+\)\s+)?(.*)", line)
    if not m:
        continue
    count, what = int(m.group(1).replace(",", "")), m.group(2).strip()
    if total is None and "PROGRAM TOTALS" in what:
        total = count
    elif total is not None and what and "PROGRAM TOTALS" not in what:
        rows.append((count, what))
print(f"{path}: {requests} requests, {total / requests:,.0f} instructions per request")
for count, what in rows[:top]:
    print(f"{count / requests:>10,.0f}  {what[:150]}")
PY
