#!/usr/bin/env bash
# Rendering a 32-message conversation with the Qwen3 chat template, side by
# side on one core: our engine (parsed once) against transformers'
# apply_chat_template path (its compiled template cached). Checks both give
# the same bytes. Writes benchmarks/results/chat-template.md.
#   usage: benchmarks/chat-template/compare.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/python-env.sh
rounds=${1:-15}
scripts/fetch-chat-templates.sh >/dev/null
template=.fixtures/chat-templates/templates/Qwen-Qwen3-0.6B.jinja
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

swiftc -O -wmo -parse-as-library -module-name JSON Sources/JSON/*.swift \
    -emit-module -emit-module-path "$build/JSON.swiftmodule" -emit-library -static -o "$build/libJSON.a"
swiftc -O -wmo -module-name ChatTemplateThroughput -I "$build" -L "$build" -lJSON \
    Sources/ChatTemplate/*.swift benchmarks/chat-template/main.swift -o "$build/render"
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then pin=(taskset -c 1); fi
peer=$("${pin[@]}" python3 benchmarks/chat-template/transformers_peer.py "$template" "$build/request.json" \
    "$build/theirs.txt" "$rounds" 200 2> >(grep -v PyTorch >&2))
ours=$("${pin[@]}" "$build/render" "$template" "$build/request.json" "$build/ours.txt" "$rounds" 2000)
cmp -s "$build/ours.txt" "$build/theirs.txt" || { echo "compare.sh: the renderings differ" >&2; exit 1; }

python3 - "$ours" "$peer" "$rounds" <<'PY' > benchmarks/results/chat-template.md
import json, os, platform, subprocess, sys
ours, peer, rounds = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
import transformers, jinja2
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
print("# Chat-template rendering\n")
print("One core; the Qwen3 template (`Qwen-Qwen3-0.6B.jinja` from the corpus of `scripts/fetch-chat-templates.sh`);")
print("a 32-message conversation with a system prompt, a tool definition, 10 tool calls with their results and")
print(f"reasoning, `add_generation_prompt` and `enable_thinking` on; {ours['bytes']:,} bytes rendered, identical on")
print(f"both sides (checked). Best of {rounds} rounds; parsing happens once and is not in the render time.\n")
print("| engine | render (µs) | speed-up | parse (ms) |")
print("|---|---:|---:|---:|")
print(f"| slime-router ChatTemplate (Swift) | {ours['render_s'] * 1e6:.0f} | {peer['render_s'] / ours['render_s']:.1f}x | {ours['parse_s'] * 1e3:.2f} |")
print(f"| transformers {transformers.__version__} `apply_chat_template` (jinja2 {jinja2.__version__}) | {peer['render_s'] * 1e6:.0f} | 1.0x | {peer['parse_s'] * 1e3:.2f} |")
print("\ntransformers' time is `render_jinja_template`, what `tokenizer.apply_chat_template(tokenize=False)`")
print("runs after looking up the template; its compiled template is cached between calls, like our parsed one.")
print("The goal is 20x (issue 15); not reached. The engine compiles a template when it loads it: the syntax into")
print("final classes, every variable resolved to frame slots (or an index into the render's variables), filters to an")
print("enum, literal subexpressions computed; a dict is one reference, so a `Value` takes 17 bytes, not 25. Where our")
print("render's time goes (instructions counted by `valgrind --tool=callgrind` on the same driver, see Reproduce;")
print("0.53 million per render, from 0.63 million before the last round and 0.86 million before compiling): executing")
print("the template 81%, of which `tojson` 6%; reading the request, setting up the render and freeing it after 19%")
print("(checking its numbers 1.5%). The last round took out retaining the current frame on every variable read,")
print("copying each of the request's values out of its array to check its numbers, an array append for each piece of")
print("output (now a byte buffer of its own, `RenderOutput`), converting request objects into values for `tojson`,")
print("matching a test's name on every call, converting a message with reasoning field by field (now a view of its")
print("JSON with the two added members), and converting `tool_calls` again each time it is read. Reference counting is")
print("still about a quarter of the instructions (24%) and more of the time (each is an atomic operation): per render")
print("about 2,600 retains and 3,000 releases of objects (from 3,500 and 3,950), and 750 and 1,090 of strings' and")
print("arrays' storage (from 1,000 and 1,400). They come from copying values: out of frames and out of the request's")
print("JSON (a message each time the template names it, a string each time it reads one), and from calls into the")
print("tree's nodes; reading a frame's value in place instead (a switch on its slot, an `inout` argument) still copied")
print("it, measured.")
print("What remains for 20x (about 0.42 million instructions at this ratio): values that copy without reference")
print("counting, such as a render-local arena addressed by index with strings as slices of the request's bytes, which")
print("needs the JSON module's values and `Value` reshaped together.\n")
print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.platform()}; {swift}; run pinned to one core;")
print(f"load average {os.getloadavg()[0]:.1f} when the run ended (the machine is shared: compare ratios from one run).\n")
print("Reproduce: `benchmarks/chat-template/compare.sh` (after `scripts/setup.sh`). Profile: build the same")
print("driver (`swiftc -O -wmo -g`, as in compare.sh), then `valgrind --tool=callgrind render TEMPLATE REQUEST OUT 1 200`")
print("and `callgrind_annotate --inclusive=yes`.")
PY
cat benchmarks/results/chat-template.md
