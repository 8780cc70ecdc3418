#!/usr/bin/env bash
# Chaos soak (issue 12, point 5): slime-router with the radix cache in front
# of mock-sglang workers that are SIGKILLed and restarted every few seconds,
# 10 % of generations aborting, clients vanishing mid-request or pipelining
# and closing, slow-loris connections dribbling headers, while thousands of
# client connections run multi-turn conversations and a trainer retrieves
# each finished one. Then SIGTERM. Prints PASS/FAIL per check (see
# soak.py's docstring) and exits non-zero on any FAIL. 127.0.0.1 only;
# bounded in time and count.
#
#   usage: benchmarks/soak/run.sh [--short] [--bin-dir DIR] [--output FILE] [--note TEXT]
#                                 [soak.py options...]
#
#   (full)   2,000 conversation connections for 180 s; writes
#            benchmarks/results/soak.md (or --output)
#   --short  300 connections for 45 s, what CI runs; writes no results file
#            unless --output is given
#   --bin-dir DIR  slime-router and mock-sglang from DIR (e.g. .build/debug,
#            as scripts/test.sh does) instead of a release build
#   --note TEXT  a sentence for the results file (e.g. how the binaries were made)
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/soak
script=soak/run.sh
. benchmarks/lib/common.sh

short=0
bin=""
output=""
note=""
passthrough=()
while [ $# -gt 0 ]; do
    case $1 in
        --short) short=1; shift ;;
        --bin-dir) bin=$2; shift 2 ;;
        --output) output=$2; shift 2 ;;
        --note) note=$2; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; python3 "$here/soak.py" --help | sed -n '/^options:/,$p'; exit 0 ;;
        *) passthrough+=("$1"); shift ;;
    esac
done
# The command that reproduces the run, without the note.
shown=()
[ "$short" = 0 ] || shown+=(--short)
[ -z "$bin" ] || shown+=(--bin-dir "$bin")
command_line=$(shell_command "$here/run.sh" ${shown[@]+"${shown[@]}"} ${passthrough[@]+"${passthrough[@]}"})
if [ "$short" = 1 ]; then
    preset=(--connections 300 --seconds 45 --slow-loris 200 --hostile 6 --warmup-seconds 15
            --version-every 5 --cache-max-mb 3 --drain-seconds 60)
else
    preset=(--connections 2000 --seconds 180)
    [ -n "$output" ] || output=benchmarks/results/soak.md
fi

need python3
tokenizer=${SLIME_FIXTURES_DIR:-.fixtures}/tokenizers/qwen3
if [ -z "$bin" ]; then
    need swift
    build_release slime-router mock-sglang
    bin=.build-release/release
fi
[ -x "$bin/slime-router" ] && [ -x "$bin/mock-sglang" ] || die "no slime-router or mock-sglang in $bin"
if [ ! -f "$tokenizer/tokenizer.json" ]; then
    scripts/make-tokenizer-fixtures.sh >/dev/null
    tokenizer=.fixtures/tokenizers/qwen3
fi

python3 -m unittest discover -s "$here" -p 'test_*.py' -q || die "the soak's checker fails its own tests"
start_work_dir soak
log "soak ($([ "$short" = 1 ] && echo short || echo full)); work directory $work"
load_before=$(load_average)
status=0
python3 "$here/soak.py" --router-bin "$bin/slime-router" --mock-bin "$bin/mock-sglang" --tokenizer "$tokenizer" \
    --work-dir "$work" --summary-out "$work/summary.json" "${preset[@]}" ${passthrough[@]+"${passthrough[@]}"} || status=$?
load_after=$(load_average)
[ -f "$work/summary.json" ] || die "the soak stopped before its checks (status $status)"
if [ "$status" != 0 ]; then
    # Keep what explains a failure: router and worker logs, the summary.
    kept=$(mktemp -d /tmp/soak-failed.XXXXXX)
    cp -r "$work/logs" "$work/summary.json" "$kept/"
    log "FAIL: logs and summary kept in $kept"
fi
if [ -n "$output" ]; then
    versions=$(slime_router_version; slime_router_version "$bin/slime-router"; python3 --version)
    mkdir -p "$(dirname "$output")" benchmarks/results/raw
    cp "$work/summary.json" benchmarks/results/raw/soak.json
    python3 "$here/report.py" "$work/summary.json" --command "$command_line" --load "$load_before" "$load_after" \
        --versions "$versions" --cores "$(nproc)" --note "$note" >"$output"
    log "wrote $output"
fi
exit "$status"
