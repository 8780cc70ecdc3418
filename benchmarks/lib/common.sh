# Shell helpers shared by the benchmark drivers (benchmarks/*/run.sh).
# Source it from the repository root after setting `script` (the name that
# prefixes error messages):
#
#   script=rl/run.sh
#   . benchmarks/lib/common.sh
#
# It defines no variables but `work` and `pids` (see start_work_dir).

# Python with PyPI packages (sglang-router) comes from the project's .venv.
. scripts/python-env.sh

die() { echo "$script: $*" >&2; exit 1; }
log() { printf '==> %s\n' "$*" >&2; }

# --- tools and machine ------------------------------------------------------

# need TOOL...: die unless every TOOL is on PATH.
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null ||
            die "'$tool' not found: run scripts/setup.sh and scripts/setup-bench.sh (as root) first"
    done
}

# need_cores WHY: the peer under test gets core 1 to itself, the rest core 0.
need_cores() { [ "$(nproc)" -ge 2 ] || die "needs 2 cores ($1)"; }

# shell_command ARG...: the arguments as one shell command line, for the
# report's "Reproduce" line.
shell_command() { python3 -c 'import shlex, sys; print(shlex.join(sys.argv[1:]))' "$@"; }

# build_release PRODUCT...: release builds in .build-release.
build_release() {
    local product
    for product in "$@"; do
        log "building $product (release)"
        swift build -c release --scratch-path .build-release --product "$product" >&2
    done
}

# The 1, 5 and 15 minute load averages, e.g. "1.02 0.87 0.64".
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# One line per peer version: slime-router as this work tree's commit (or
# BINARY when given), and sglang-router when it is installed.
slime_router_version() {
    if [ -n "${1:-}" ]; then
        echo "slime-router binary $1 (built $(date -u -r "$1" '+%Y-%m-%d %H:%M UTC'))"
    else
        echo "slime-router $(git rev-parse --short HEAD)$([ -z "$(git status --porcelain -- Sources Package.swift)" ] ||
            echo ' plus uncommitted changes')"
    fi
}
sglang_router_version() {
    if command -v sglang-router >/dev/null; then
        echo "sglang-router $(python3 -c 'import importlib.metadata as m; print(m.version("sglang-router"))' 2>/dev/null || echo '?')"
    fi
}

# --- processes --------------------------------------------------------------

# start_work_dir PREFIX: a fresh /tmp/PREFIX.XXXXXX as `work`, and traps that
# stop every process in `pids` and remove `work` when the script ends.
start_work_dir() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    pids=()
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}

stop() {   # stop one process we started: TERM, then KILL after 5 s
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local pid
    for pid in ${pids[@]+"${pids[@]}"}; do stop "$pid"; done
    rm -rf "$work"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_200 NAME PID URL MAX_TIME BODY: poll (30 s at most) until URL
# answers POST BODY (JSON) with 200; dies when PID exits meanwhile or the
# time runs out. The answer is left in $work/NAME.body; $work/NAME.log is
# taken to be the process's log.
wait_for_200() {
    local name=$1 pid=$2 url=$3 max_time=$4 body=$5 status="" i
    for i in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; its log: $(tail -5 "$work/$name.log")"
        status=$(curl -s -o "$work/$name.body" -w '%{http_code}' --max-time "$max_time" \
            -H 'Content-Type: application/json' --data-binary "$body" "$url" || true)
        [ "$status" = 200 ] && break
        sleep 0.2
    done
    [ "$status" = 200 ] || die "$name did not answer 200 on $url within 30 s (last: '$status'); log: $work/$name.log"
}

# start_sglang_router LOG PORT POLICY WORKER_URL...: SGLang's Rust router on
# core 1, health checks off; leaves started_pid set. Its Prometheus exporter
# defaults to port 29000: it gets a free one so that two runs on one machine
# don't collide.
start_sglang_router() {
    local log_file=$1 port=$2 policy=$3
    shift 3
    taskset -c 1 sglang-router launch --host 127.0.0.1 --port "$port" --worker-urls "$@" \
        --policy "$policy" --disable-health-check --log-level warn \
        --prometheus-port "$(free_port)" >"$log_file" 2>&1 &
    started_pid=$!
}

# --- measuring --------------------------------------------------------------

# CPU ticks (utime + stime) used so far by one process; 0 once it is gone.
process_cpu_ticks() {
    local fields
    fields=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    set -- $fields
    echo $((${12} + ${13}))   # fields 14 and 15 of /proc/PID/stat
}

# The same for a process and its children (nginx's worker is a child of its
# master): tells whether a peer saturated its core.
tree_cpu_ticks() {
    local total=0 p
    for p in "$1" $(pgrep -P "$1" || true); do total=$((total + $(process_cpu_ticks "$p"))); done
    echo "$total"
}

# Busy and total jiffies of one core, from /proc/stat.
core_ticks() {
    awk -v c="cpu$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8; total = busy + $5 + $6; print busy, total }' /proc/stat
}

# The Qwen3 tokenizer fixture: where SLIME_FIXTURES_DIR points (a work tree
# sharing another's fixtures, as the tests allow), else this tree's
# .fixtures, made there if missing.
qwen3_tokenizer() {
    if [ -n "${SLIME_FIXTURES_DIR:-}" ] && [ -f "$SLIME_FIXTURES_DIR/tokenizers/qwen3/tokenizer.json" ]; then
        echo "$SLIME_FIXTURES_DIR/tokenizers/qwen3"
        return
    fi
    [ -f .fixtures/tokenizers/qwen3/tokenizer.json ] || scripts/make-tokenizer-fixtures.sh >/dev/null
    echo .fixtures/tokenizers/qwen3
}
