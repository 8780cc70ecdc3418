#!/usr/bin/env python3
"""Turns the driver's results.jsonl into benchmarks/results/rl-workload.md."""
import os
import re
import subprocess
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import report_common  # noqa: E402

p = report_common.argument_parser()
p.add_argument("--seconds", required=True)
p.add_argument("--turns", required=True)
p.add_argument("--latency-ms", required=True)
p.add_argument("--max-new-tokens", required=True)
a = p.parse_args()

rows = report_common.read_rows(a.results)
conv = defaultdict(dict)      # (concurrency, mode) -> peer -> row
locality = defaultdict(dict)  # concurrency -> peer -> row
retrieve, lag = [], []
for r in rows:
    if r["phase"] == "conversations":
        conv[(int(r["concurrency"]), r["mode"])][r["peer"]] = r
    elif r["phase"] == "locality":
        locality[int(r["concurrency"])][r["peer"]] = r
    elif r["phase"] == "retrieve":
        retrieve.append(r)
    elif r["phase"] == "lag":
        lag.append(r)
concurrencies = sorted({c for c, _ in conv})
PEERS = {"direct": "driver → workers directly (round-robin by the driver, text)",
         "slime-rr": "slime-router, radix-tree, round-robin",
         "slime-rr-turns": "slime-router, radix-tree, round-robin, turns only (no `/retrieve_from_text`)",
         "slime-ca": "slime-router, radix-tree, cache-aware",
         "sglang-rr": "sglang-router round_robin",
         "sglang-ca": "sglang-router cache_aware"}


def f(x, nd=1):
    return "–" if x is None else f"{x:,.{nd}f}"


def pct(x, nd=0):
    return "–" if x is None else f"{100 * x:.{nd}f} %"


def tokenizer_mb_s():
    try:
        text = open("benchmarks/results/tokenizer.md").read()
        m = re.search(r"\| slime-router Tokenizer \(Swift\) \| ([\d.]+) \|", text)
        return float(m.group(1)) if m else None
    except OSError:
        return None


out = []
w = out.append
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
w("# Multi-turn RL workload (issue 5, item 11)\n")
w(f"Synthetic GSM8K-like dialogues: a shared Qwen3 system prompt (chat template), a question, "
  f"{a.turns} turns; each turn sends the whole conversation so far as `text` to `POST /generate` "
  f"(`max_new_tokens` {a.max_new_tokens}) and appends the returned `text` and a follow-up question. "
  f"Two `mock-sglang` workers on core 0, {a.latency_ms} ms per generated token "
  f"(a turn ≈ {float(a.latency_ms) * int(a.max_new_tokens):.0f} ms at the worker); the router under test pinned "
  f"to core 1 (`taskset -c 1`), the driver (Python asyncio, one keep-alive connection per conversation) on core 0. "
  f"Every configuration is started fresh, checked to answer 200, and measured side by side in one run.\n")
w(f"Machine: {report_common.machine()}; "
  f"{swift[0] if swift else 'swift ?'}. Versions: {report_common.versions(a.versions)}. "
  f"Load average before / after: {a.load[0]} / {a.load[1]}. "
  f"Date: {report_common.now_utc()}.\n")
w(f"Reproduce: `{a.command}` (after `scripts/setup.sh` and `scripts/setup-bench.sh`); "
  f"`--seconds 30` for longer runs. Raw results: `benchmarks/results/raw/rl-workload.jsonl` (local, gitignored).\n")
w("> The machine is small and shared: other engineers' builds and benchmarks ran on both cores during "
  "this run (see the core-busy columns: they include everyone's load). Read ratios within one table, "
  "not absolute figures, and expect a few percent of run-to-run noise; tails (p99) are noisier still.\n")

# 1. hit rate
w("## 1. Per-turn token hit rate (slime-router, radix-tree middleware)\n")
w("Lock-step waves: all conversations of a wave do turn *t*, then `/metrics` cache counters are read "
  "(deltas of `prompt_tokens_from_cache` and `prompt_tokens_tokenized`), so each figure is exactly the "
  "share of the prompt tokens the worker received that came from the radix cache instead of the "
  "tokenizer. Wave 1 starts with an empty cache (its turn-1 requests all arrive before any is stored); "
  "waves 2–3 start with the shared system prompt cached.\n")
mbs = tokenizer_mb_s()
for c in concurrencies:
    for peer in ("slime-rr", "slime-ca"):
        r = conv.get((c, "lockstep"), {}).get(peer)
        if not r or "per_turn_metrics" not in r:
            continue
        w(f"**{c} concurrent conversations, {PEERS[peer]}**\n")
        w("| turn | wave 1: hit rate | waves 2–3: hit rate | prompt tokens per request | tokens not re-tokenized (all waves) |")
        w("|---:|---:|---:|---:|---:|")
        tot_cache = tot_tok = 0
        for t in range(1, int(a.turns) + 1):
            ms = [m for m in r["per_turn_metrics"] if m["turn"] == t]
            first = [m for m in ms if m["wave"] == 1]
            later = [m for m in ms if m["wave"] > 1]

            def rate(xs):
                fc = sum(m["from_cache"] for m in xs)
                tk = sum(m["tokenized"] for m in xs)
                return fc / (fc + tk) if fc + tk else None
            fc = sum(m["from_cache"] for m in ms)
            tk = sum(m["tokenized"] for m in ms)
            tot_cache += fc
            tot_tok += tk
            w(f"| {t} | {pct(rate(first))} | {pct(rate(later))} | {(fc + tk) / (len(ms) * c):,.0f} | {fc:,} |")
        w("")
        pb = sum(v["prompt_bytes"] for v in r["per_turn"].values())
        pt = sum(v["prompt_tokens"] for v in r["per_turn"].values())
        bpt = pb / pt if pt else 0
        saved = f"{tot_cache * bpt / (mbs * 1e6) * 1000:,.0f} ms of one core" if mbs else "n/a"
        w(f"Overall {pct(tot_cache / (tot_cache + tot_tok) if tot_cache + tot_tok else None, 1)} of prompt tokens "
          f"from the cache; {tot_cache:,} tokens (≈ {tot_cache * bpt / 1e6:.1f} MB of text at {bpt:.1f} bytes/token) "
          f"not re-tokenized: at the tokenizer's {mbs or '?'} MB/s (`tokenizer.md`) that is ≈ {saved} of "
          f"tokenization saved for {len(r['per_turn_metrics']) // int(a.turns) * c} conversations"
          + (f", and `/retrieve_from_text` on each final text found {pct(r['retrieve_at_end']['cached_tokens'] / r['retrieve_at_end']['token_length'], 1)} of its tokens cached"
             if r.get("retrieve_at_end") else "") + ".\n")
        break  # slime-ca gives the same counters (the cache does not depend on the policy)

# 2. throughput and latency
w("## 2. Throughput and added latency\n")
w(f"Free-running: each conversation slot runs conversations back to back for {a.seconds} s "
  "(bounded in count too); a turn's latency is the `/generate` round trip seen by the driver. "
  "*Added* = this configuration's percentile minus the direct one's. Every client asks for "
  "`return_logprob`, as an RL rollout does. slime-router slots also call "
  "`/retrieve_from_text` at the end of each conversation, as a trainer does (counted in neither turns nor latency, "
  "but in the wall time; the driver parses its answers on core 0, which the workers share); the *turns only* row "
  "leaves that out. *Token hit rate*: the cache counters over the phase, which count the "
  "`/retrieve_from_text` lookups too where they run. CPU: ticks of the router process over the phase (100 % = one core); "
  "core busy: all processes on that core, everyone's.\n")
for c in concurrencies:
    rs = conv.get((c, "free"), {})
    d = rs.get("direct")
    if not rs:
        continue
    w(f"**{c} concurrent conversations**\n")
    w("| configuration | turns/s | vs direct | p50 ms | p99 ms | added p50 | added p99 | router CPU | router CPU per turn | driver CPU | core 0 / core 1 busy | same worker as previous turn | requests per worker | token hit rate |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for peer in PEERS:
        r = rs.get(peer)
        if not r:
            continue
        lat = r["latency"]
        loc = locality.get(c, {}).get(peer, {})
        ratio = r["turns_per_s"] / d["turns_per_s"] if d else None
        add50 = lat["p50_ms"] - d["latency"]["p50_ms"] if d and peer != "direct" else None
        add99 = lat["p99_ms"] - d["latency"]["p99_ms"] if d and peer != "direct" else None
        ticks = int(r.get("peer_cpu_ticks", 0) or 0)
        hz = int(r.get("hz", 100) or 100)
        router_cpu = f"{100 * ticks / hz / r['wall_s']:.0f} %" if peer != "direct" else "–"
        per_turn_cpu = f"{1000 * ticks / hz / max(1, r['turns']):.2f} ms" if peer != "direct" else "–"
        cc = r.get("cache_counters")
        hit = pct(cc["from_cache"] / (cc["from_cache"] + cc["tokenized"]), 1) if cc and cc["from_cache"] + cc["tokenized"] else "–"
        w(f"| {PEERS[peer]} | {r['turns_per_s']:,.0f} | {f(ratio, 2)}x | {f(lat['p50_ms'])} | {f(lat['p99_ms'])} "
          f"| {'–' if add50 is None else f'{add50:+.1f}'} | {'–' if add99 is None else f'{add99:+.1f}'} "
          f"| {router_cpu} | {per_turn_cpu} | {r['driver_cpu_pct']:.0f} % | {r.get('core0_busy_pct', '?')} / {r.get('core1_busy_pct', '?')} % "
          f"| {f(loc.get('same_worker_pct'), 0)} % | {' / '.join(map(str, loc.get('requests_per_worker', [])))} | {hit} |")
    w("")
    counted = [(p, r) for p, r in rs.items() if "kernel_syscalls" in r]
    if counted:
        w("Kernel work per turn over the same phase (`--count-kernel`: perf on the router process, all its threads):\n")
        w("| configuration | system calls | context switches | CPU migrations |")
        w("|---|---:|---:|---:|")
        for peer, r in counted:
            turns = max(1, r["turns"])
            w(f"| {PEERS[peer]} | {int(r['kernel_syscalls']) / turns:.1f} "
              f"| {int(r.get('kernel_context_switches', 0)) / turns:.2f} | {int(r.get('kernel_cpu_migrations', 0)) / turns:.3f} |")
        w("")
    errs = [f"{p}: {r['error_count']}" for p, r in rs.items() if r.get("error_count")]
    if errs:
        w(f"Errors: {', '.join(errs)}.\n")
w("*Same worker as previous turn* and *requests per worker* come from the lock-step waves (the workers' "
  "request records, matched by `rid`): the share of follow-up turns that ran where the conversation's "
  "previous turn ran — where a real SGLang worker's KV prefix cache would still be warm. Turns are sent in a new random order each lock-step turn, as free-running conversations would arrive.\n")
w("Per-turn latency (p50 / p99 ms, free-running):\n")
for c in concurrencies:
    rs = conv.get((c, "free"), {})
    if not rs:
        continue
    w(f"| {c} conversations | " + " | ".join(f"turn {t}" for t in range(1, int(a.turns) + 1)) + " |")
    w("|---|" + "---:|" * int(a.turns))
    for peer in PEERS:
        r = rs.get(peer)
        if r:
            w(f"| {PEERS[peer]} | " + " | ".join(
                f"{f(v['p50_ms'])} / {f(v['p99_ms'])}" for v in r["per_turn"].values()) + " |")
    w("")

# 3. retrieve
if retrieve:
    w("## 3. `/retrieve_from_text` throughput\n")
    w("Many concurrent retrieves of the final texts stored by the free-running phase (each fully cached), "
      f"one keep-alive connection per client, for {a.seconds} s; answers are read but not parsed (one sample is "
      "parsed and checked).\n")
    w("| concurrent clients | requests/s | p50 ms | p99 ms | tokens per text (sample) | answer size | router CPU | driver CPU |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in retrieve:
        ticks = int(r.get("peer_cpu_ticks", 0) or 0)
        hz = int(r.get("hz", 100) or 100)
        w(f"| {r['concurrency']} | {r['req_per_s']:,.0f} | {f(r['latency']['p50_ms'])} | {f(r['latency']['p99_ms'])} "
          f"| {r['sample_tokens']:,} ({pct(r['sample_cached_fraction'])} cached) | {r['mean_response_kb']:.1f} KB "
          f"| {100 * ticks / hz / r['wall_s']:.0f} % | {r['driver_cpu_pct']:.0f} % |")
    w("")

# 4. lag
if lag:
    w("## 4. Event-loop lag while ~100K-token prompts are tokenized\n")
    w("A fresh router (round-robin). A light stream (4 clients, small `/generate`, 5 ms apart) and a probe "
      "(`GET /list_workers`, answered by the loop itself, every 2 ms) run throughout; after a baseline, "
      "`/generate` requests with fresh text (slices of `.fixtures/tokenizers/bench-corpus.txt`) are sent "
      "two at a time. `event_loop_max_lag_ms` is the maximum since start; the histogram "
      "(`slime_router_event_loop_lag_seconds`) is shown as deltas per window.\n")
    layouts = {"shared-core": "The whole router on core 1 (`taskset -c 1`): the loop shares its core with the "
                              "thread pool that tokenizes.",
               "two-cores": "The router on both cores (`taskset -c 0,1`), its threads wherever the kernel puts them.",
               "own-core": "The loop alone on core 1, its other threads (thread pool, cache writer, lag probe) on "
                           "core 0 beside the driver and workers (`taskset -c 0,1 slime-router --loop-cpu 1`)."}
    for r in lag:
        w(f"### {r.get('layout', 'shared-core')}\n")
        w(layouts.get(r.get("layout", "shared-core"), "") + "\n")
        toks = [b["prompt_tokens"] for b in r["big_latency_s"]]
        secs = [b["s"] for b in r["big_latency_s"]]
        w(f"Big prompts: {r['big_requests']} requests of {r['big_bytes'] / 1000:.0f} KB "
          f"({min(toks):,}–{max(toks):,} tokens), each answered in {min(secs) * 1000:.0f}–{max(secs) * 1000:.0f} ms "
          f"(tokenizing, upstream JSON, a worker parsing the ids, storing), {r['big_wall_s']:.1f} s in all.\n")
        w("| window | `event_loop_max_lag_ms` at its end | lag samples | ≤ 0.1 ms | ≤ 0.25 | ≤ 0.5 | ≤ 1 | ≤ 2.5 | ≤ 5 | ≤ 10 | ≤ 25 | ≤ 50 | ≤ 100 | > 100 ms | probe p50 / p99 / max ms | light `/generate` p50 / p99 / max ms |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        bounds = ["0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1"]

        def hist_cells(h):
            prev = 0
            cells = []
            for b in bounds:
                v = h.get(b, 0)
                cells.append(f"{v - prev:.0f}")
                prev = v
            cells.append(f"{h.get('+Inf', 0) - prev:.0f}")
            return cells
        for name, mx, h, pr, li in (
                ("start-up and readiness check", r["max_lag_ms_startup"], r["hist_startup"], None, None),
                (f"light stream only ({r['baseline_s']:.0f} s)", r["max_lag_ms_baseline"], r["hist_baseline"],
                 r["probe_baseline"], r["light_baseline"]),
                ("light stream + big prompts", r["max_lag_ms_after"], r["hist_during_big"],
                 r["probe_during_big"], r["light_during_big"])):
            def trio(s):
                return "–" if not s or not s.get("n") else f"{s['p50_ms']:.2f} / {s['p99_ms']:.1f} / {s['max_ms']:.1f}"
            w(f"| {name} | {mx:.2f} | {h.get('count', 0):.0f} | " + " | ".join(hist_cells(h)) + f" | {trio(pr)} | {trio(li)} |")
        w("")
    w("The lag probe (`Sources/EventLoop/LoopLagProbe.swift`) is a thread that wakes the loop through an "
      "eventfd every millisecond in this phase (`--event-loop-lag-interval-ms 1`; 10 ms by default); lag = how long the loop took to answer, measured with a nanosecond clock. "
      "A stall of the loop (a long callback, or its thread waiting for a CPU) is answered late by its whole "
      "length, so every stall over 1 ms is caught. The driver's probe latency is the outside view "
      "(it also includes the driver's own scheduling on the busy core 0).\n")
print("\n".join(out))
