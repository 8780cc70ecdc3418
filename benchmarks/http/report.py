#!/usr/bin/env python3
"""Turns run.sh's results.jsonl (one wrk summary per peer and connection
count) into the markdown of benchmarks/results/http-proxy.md."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import report_common  # noqa: E402

LABELS = {
    "upstream": "upstream alone (nginx `return 200`, core 0, no proxy)",
    "slime-router": "**slime-router** (own client)",
    "slime-router-curl": "slime-router, worker calls on libcurl",
    "nginx": "nginx `proxy_pass`, keep-alive upstream",
    "sglang-router": "SGLang Rust router, round_robin",
}


def ms(us):
    return f"{us / 1000:.2f} ms"


def errors(r):
    socket = r["err_connect"] + r["err_read"] + r["err_write"] + r["err_timeout"]
    if r["err_status"] == 0 and socket == 0:
        return "0"
    return f"{r['err_status']} non-2xx, {socket} socket"


def cpu_per_request(r):
    return f"{r['cpu_ticks'] / r['hz'] / r['requests'] * 1e6:.0f} µs" if r["requests"] else "—"


def syscalls_per_request(r):
    value = r.get("syscalls_per_request")
    return "—" if value is None else f"{value:.1f}"


def main():
    ap = report_common.argument_parser()
    ap.add_argument("--duration", required=True)
    ap.add_argument("--warmup", required=True)
    ap.add_argument("--threads", required=True)
    a = ap.parse_args()

    rows = report_common.read_rows(a.results)
    for r in rows:
        r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
        r["cpu"] = r["cpu_ticks"] / r["hz"] / (r["duration_us"] / 1e6)
    nginx = {r["connections"]: r["rps"] for r in rows if r["peer"] == "nginx"}

    out = print
    out("# HTTP pass-through proxy: POST /generate to a static upstream\n")
    out(f"Each peer alone on core 1 (`taskset -c 1`), in front of the same nginx upstream that answers a fixed")
    out(f"SGLang-shaped JSON; `wrk -t{a.threads}` with `benchmarks/http/generate.lua` (small JSON body) and the")
    out(f"upstream share core 0. {a.warmup} s warm-up, then {a.duration} s measured per row; every peer was first")
    out("checked to answer 200 with the upstream's exact body. \"vs nginx\" is req/s over nginx `proxy_pass`'s at")
    out("the same connection count. \"peer CPU\" is the peer's CPU time over the measured run (1.00 = core 1 saturated);")
    out("\"CPU per request\" is that CPU time over the requests served: unlike req/s it does not drop when the load")
    out("generator on core 0 is starved, so on a busy machine it is the fairer comparison.")
    out("\"system calls\" are the peer's (all its processes) per request served, counted by perf's syscall tracepoint")
    out("in a 3 s run of their own after the measured one (\"—\": perf could not count here).\n")
    out("| peer | connections | req/s | vs nginx | mean | p50 | p99 | errors | peer CPU | CPU per request | system calls per request |")
    out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        base = nginx.get(r["connections"])
        ratio = f"{r['rps'] / base:.2f}x" if base and r["peer"] != "upstream" else "—"
        out(f"| {LABELS.get(r['peer'], r['peer'])} | {r['connections']} | {r['rps']:,.0f} | {ratio} "
            f"| {ms(r['mean_us'])} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {errors(r)} | {r['cpu']:.2f} "
            f"| {cpu_per_request(r)} | {syscalls_per_request(r)} |")
    out("")
    starved = [r for r in rows if r["peer"] != "upstream" and r["cpu"] < 0.9]
    if starved:
        # A proxy on its own core should use all of it; when it doesn't, the
        # load generator and upstream on core 0 (shared with whatever else runs
        # on the machine) were the limit, and the ratios understate the gaps.
        out(f"**Noisy run:** {len(starved)} of the proxied rows left core 1 partly idle (peer CPU < 0.90): core 0,")
        out("shared with other work on this machine, was the limit there, so those ratios understate the differences.")
        out("Rows with peer CPU near 1.00 are the trustworthy ones.\n")
    load_before, load_after = report_common.load_averages(a.load)
    out(f"Machine: {report_common.machine()}; {report_common.now_utc()}.")
    out(f"Load average (1/5/15 min) before the run: {load_before}, after: "
        f"{load_after}. The machine is shared with other engineers (compilers, tests): with a load")
    out("above ~1 the absolute numbers are noisy; compare the ratios within one run, not across runs.\n")
    out("Versions: " + report_common.versions(a.versions) + ".\n")
    out(f"Reproduce (after `scripts/setup.sh` and `scripts/setup-bench.sh`): `{a.command}`")
    out("(raw wrk outputs land in `benchmarks/results/raw/`, not committed).")


if __name__ == "__main__":
    main()
