#!/usr/bin/env bash
# Single-threaded tokenizer throughput, side by side in one run on the same
# corpus and 4 KB calls: our encoder, tiktoken and HF tokenizers, all with
# the Qwen vocabulary. Writes benchmarks/results/tokenizer.md.
#   usage: benchmarks/tokenizer/compare.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/python-env.sh
rounds=${1:-5}
chunk=4096
scripts/make-tokenizer-fixtures.sh >/dev/null
model=.fixtures/tokenizers/qwen3
corpus=.fixtures/tokenizers/bench-corpus.txt
build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT

# The tokenizer reads tokenizer.json with the JSON module: build it first.
swiftc -O -wmo -parse-as-library -module-name JSON Sources/JSON/*.swift \
    -emit-module -emit-module-path "$build/JSON.swiftmodule" -emit-library -static -o "$build/libJSON.a"
swiftc -O -wmo -module-name TokenizerThroughput -I "$build" -L "$build" -lJSON \
    Sources/Tokenizer/*.swift benchmarks/tokenizer/main.swift -o "$build/throughput"
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 1 ]; then pin=(taskset -c 1); fi
ours=$("${pin[@]}" "$build/throughput" "$model" "$corpus" "$chunk" "$rounds")
peers=$("${pin[@]}" python3 benchmarks/tokenizer/peers.py "$model" "$corpus" "$chunk" "$rounds" 2> >(grep -v PyTorch >&2))

python3 - "$ours" "$peers" "$rounds" "$corpus" <<'PY' > benchmarks/results/tokenizer.md
import json, os, platform, subprocess, sys
ours, peers, rounds, corpus = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
rows = {"slime-router Tokenizer (Swift)": ours, "tiktoken": peers["tiktoken"], "HF tokenizers": peers["hf_tokenizers"]}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
print("# Tokenizer throughput\n")
print(f"One thread, Qwen vocabulary (151,643 ranks + 26 added tokens), {os.path.getsize(corpus) / 1e6:.1f} MB of")
print("prose, Python source and generated multilingual text (`.fixtures/tokenizers/bench-corpus.txt`),")
print(f"encoded in 4 KB calls; best of {rounds} rounds (HF: of {max(1, int(rounds) // 3)}).\n")
print("| encoder | MB/s | vs tiktoken | tokens | load time | resident memory of the vocabulary |")
print("|---|---:|---:|---:|---:|---:|")
for name, r in rows.items():
    print(f"| {name} | {r['mb_per_s']:.1f} | {r['mb_per_s'] / peers['tiktoken']['mb_per_s']:.2f}x | {r['tokens']:,} "
          f"| {r['load_s'] * 1000:.0f} ms | {r['vocab_rss_bytes'] / 2**20:.0f} MiB |")
print("\nOur encoder and HF normalise to NFC (part of the corpus is not NFC); tiktoken does not, hence")
print("its slightly different token count. Load time: ours and HF parse `tokenizer.json`; tiktoken reads")
print("its rank file. Memory: resident-set growth across loading.\n")
print(f"Machine: {cpu}, {os.cpu_count()} cores, {platform.platform()}; {swift}; run pinned to one core.\n")
print("Reproduce: `benchmarks/tokenizer/compare.sh` (after `scripts/setup.sh`).")
PY
cat benchmarks/results/tokenizer.md
