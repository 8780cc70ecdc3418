#!/usr/bin/env python3
"""The chaos soak (issue 12, point 5): run.sh's engine.

Starts mock-sglang workers and slime-router (radix cache on) on 127.0.0.1,
holds thousands of client connections running multi-turn conversations
while workers are SIGKILLed and restarted, generations abort, clients
vanish or pipeline and close, and slow-loris connections dribble headers;
then SIGTERMs the router and checks, printing PASS/FAIL per item:

  answers       every request got an answer: no connection error, no
                unexpected 4xx, no 5xx but while every worker was down
                (until the router's health checks could see one back)
  trajectories  every finished conversation's /retrieve_from_text is exact
                against the workers' record files
  connections   the router held the concurrent client connections asked for
  rss           after warm-up, router RSS <= cache budget + fixed overhead
  sigterm       SIGTERM: in-flight requests answered, exit 0 within the
                grace period

Bounded in time and count; exits 1 on any FAIL. Writes a JSON summary for
report.py. Standard library only.
"""
import argparse
import asyncio
import json
import os
import random
import resource
import socket
import sys
import time

from fleet import Fleet, Router, Worker
from http1 import Connection, ConnectionBroken
from load import Conversations, Hostile, Readiness, SlowLoris, Tally, generate_body
from records import RecordIndex


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def post(url, path, obj):
    conn = Connection("127.0.0.1", int(url.rsplit(":", 1)[1]))
    try:
        return await conn.post_json(path, obj, timeout=10)
    finally:
        conn.close()


async def get(port, path):
    conn = Connection("127.0.0.1", port)
    try:
        return await conn.request("GET", path, timeout=10)
    finally:
        conn.close()


async def wait_ready(router, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if router.process.returncode is not None:
            raise RuntimeError(f"slime-router exited with {router.process.returncode} at start (log {router.log_path})")
        try:
            if (await get(router.port, "/readiness")).json().get("status") == "ready":
                return
        except (ConnectionBroken, ValueError):
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"slime-router not ready within {seconds} s (log {router.log_path})")


class MetricsSampler:
    """The router's /metrics every second: the open client connections over
    the run (Prometheus text has the gauge), and the last JSON answer whole."""

    def __init__(self, port):
        self.port = port
        self.open_connections = []  # (time, value)
        self.last = None

    async def run(self, stop):
        while not stop.is_set():
            try:
                self.last = (await get(self.port, "/metrics")).json()
                text = (await get(self.port, "/metrics?format=prometheus")).body.decode()
                self.open_connections.append((time.monotonic(), prometheus_value(text, "slime_router_open_connections")))
            except (ConnectionBroken, ValueError, KeyError):
                pass  # a missed sample; a router that stopped answering fails the answers check
            try:
                await asyncio.wait_for(stop.wait(), 1.0)
            except asyncio.TimeoutError:
                pass


def prometheus_value(text, name):
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise KeyError(name)


async def shutdown_probe(router, grace, loris):
    """SIGTERM while two generations and a stream are in flight and the
    slow-loris connections dribble: each in-flight request must still get
    its whole answer, and the router must exit 0 within the grace period."""
    async def in_flight(i, stream):
        conn = Connection("127.0.0.1", router.port)
        try:
            r = await conn.request("POST", "/generate", generate_body(f"shutdown-{i}", stream=stream, max_new_tokens=400),
                                   timeout=grace + 10)
            return r.status
        except ConnectionBroken as e:
            return repr(e)
        finally:
            conn.close()

    probes = [asyncio.ensure_future(in_flight(i, stream)) for i, stream in enumerate((False, False, True))]
    await asyncio.sleep(0.3)  # they reach the workers
    loris.reconnect = False
    status, seconds = await router.terminate_and_time(grace + 5)
    answers = await asyncio.gather(*probes)
    return {"exit_status": status, "seconds": seconds, "grace_seconds": grace, "in_flight_answers": answers}


def within(t, windows):
    return any(a <= t <= b for a, b in windows)


async def soak(args):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rng = random.Random(args.seed)
    work = args.work_dir
    records_dir, logs_dir = os.path.join(work, "records"), os.path.join(work, "logs")
    os.makedirs(records_dir, exist_ok=True)
    os.makedirs(logs_dir, exist_ok=True)

    worker_options = ["--independent-samples", "--abort-rate", str(args.abort_rate),
                      "--latency-per-token-ms", str(args.latency_ms), "--keep-alive-timeout-ms", "5000"]
    # Half the workers end generations with the stop token, half at max_new_tokens.
    workers = [Worker(i, free_port(), args.mock_bin, args.tokenizer, records_dir, logs_dir,
                      worker_options + (["--finish-with-stop-token"] if i % 2 else []))
               for i in range(args.workers)]
    fleet = Fleet(workers)
    router_args = [
        "--host", "127.0.0.1", "--worker-urls", *[w.url for w in workers],
        "--middleware", "radix-tree", "--hf-checkpoint", args.tokenizer, "--policy", "cache-aware",
        "--cache-max-mb", str(args.cache_max_mb),
        "--health-check-interval", str(args.health_interval), "--health-success-threshold", "1",
        "--request-read-timeout", str(args.request_read_timeout),
        "--shutdown-grace-period", str(args.grace), "--log-level", args.router_log_level]
    router = Router(args.router_bin, free_port(), router_args, os.path.join(logs_dir, "router.log"))
    summary = {"settings": vars(args), "router_command": " ".join([router.binary, "--port", "PORT", *router_args])}

    await fleet.start_all()
    await router.start()
    try:
        await wait_ready(router)
        summary.update(await run_load(args, rng, fleet, router, records_dir))
    finally:
        await router.kill()
        await fleet.stop_all()
    return summary


async def run_load(args, rng, fleet, router, records_dir):
    tally = Tally()
    records = RecordIndex(records_dir, prefix="c")
    conversations = Conversations(router.port, tally, records, rng, args.max_new_tokens, tuple(args.think),
                                  request_timeout=120)
    hostile = Hostile(router.port, tally, rng)
    loris = SlowLoris(router.port, args.loris_interval, stagger=args.request_read_timeout)
    readiness = Readiness(router.port)
    metrics = MetricsSampler(router.port)
    t0, cpu0 = time.monotonic(), time.process_time()
    stop_at = t0 + args.seconds
    warmed_at = t0 + args.warmup_seconds
    probes_stop, loris_stop = asyncio.Event(), asyncio.Event()
    print(f"soak: {args.connections} conversation connections, {args.slow_loris} slow-loris, {args.workers} workers, "
          f"{args.seconds:.0f} s", file=sys.stderr)

    background = [asyncio.ensure_future(x) for x in (
        router.sample_rss(0.5, probes_stop), readiness.poll(probes_stop, 0.1), metrics.run(probes_stop))]
    loris_tasks = [asyncio.ensure_future(loris.connection(loris_stop, rng)) for _ in range(args.slow_loris)]
    # The outage: every worker down at once, halfway through.
    chaos = asyncio.ensure_future(fleet.chaos(stop_at, args.kill_every, tuple(args.restart_after),
                                              t0 + args.seconds / 2 if args.outage_seconds > 0 else None,
                                              args.outage_seconds, rng))
    versions = asyncio.ensure_future(fleet.weight_updates_every(args.version_every, stop_at, post))
    ramp = args.ramp_seconds / max(1, args.connections)
    slots = [asyncio.ensure_future(conversations.slot(k, stop_at, ramp)) for k in range(args.connections)]
    hostiles = [asyncio.ensure_future(hostile.loop(stop_at, args.hostile_pause)) for _ in range(args.hostile)]

    progress = asyncio.ensure_future(report_progress(t0, conversations, tally, loris, fleet, router, metrics))
    await asyncio.gather(chaos, versions, *hostiles)
    # Conversations started before the end finish (bounded by their turns).
    done, late = await asyncio.wait(slots, timeout=args.drain_seconds)
    for task in late:
        task.cancel()
    progress.cancel()
    load_end, driver_cpu = time.monotonic(), time.process_time() - cpu0
    alive_before_sigterm = router.process.returncode is None
    probes_stop.set()
    await asyncio.gather(*background)
    shutdown = await shutdown_probe(router, args.grace, loris) if alive_before_sigterm else None
    loris_stop.set()
    await asyncio.gather(*loris_tasks)
    await fleet.stop_all()
    records.count_torn_lines()

    # --- checks ---------------------------------------------------------
    all_down = fleet.all_down_windows(load_end)
    # A worker back up is seen by the router's next health check at the latest.
    allowance = args.health_interval + 1.0
    excused = [(a, b + allowance) for a, b in all_down]
    unexcused_5xx = [e for e in tally.server_errors if not within(e[0], excused)]
    # A stream whose worker died after the answer began cannot move to
    # another worker: the router can only cut the client's connection.
    cut_streams = [e for e in tally.connection_errors
                   if e[1] == "vanish_mid_stream" and fleet.any_down_between(e[3], e[0])]
    connection_errors = [e for e in tally.connection_errors if e not in cut_streams]
    rss_after = [kb for t, kb in router.rss if t >= warmed_at]
    rss_limit_kb = (args.cache_max_mb + args.rss_overhead_mb) * 1024
    max_open = max((v for _, v in metrics.open_connections), default=0)
    cache = (metrics.last or {}).get("cache", {})
    checks = {
        "answers": (not connection_errors and not tally.unexpected and not unexcused_5xx
                    and alive_before_sigterm and len(late) == 0 and tally.total > 0,
                    f"{tally.total} answers; {len(connection_errors)} connection errors "
                    f"(and {len(cut_streams)} streams cut as their worker was killed), "
                    f"{len(tally.unexpected)} unexpected 4xx, {len(tally.server_errors)} 5xx of which "
                    f"{len(unexcused_5xx)} outside the {len(all_down)} all-workers-down window(s); "
                    f"{len(late)} conversation(s) still running {args.drain_seconds:.0f} s after the end"
                    + ("" if alive_before_sigterm else f"; ROUTER DIED with status {router.process.returncode}")),
        "trajectories": (conversations.finished > 0 and conversations.exact == conversations.finished,
                         f"{conversations.exact} of {conversations.finished} finished conversations exact "
                         f"({len(conversations.mismatches)} mismatches)"),
        "connections": (max_open >= args.connections,
                        f"router held up to {max_open} client connections (asked {args.connections} "
                        f"conversations + {args.slow_loris} slow-loris)"),
        "rss": (bool(rss_after) and max(rss_after) <= rss_limit_kb,
                f"max RSS after warm-up {max(rss_after, default=0) / 1024:.0f} MB; limit {rss_limit_kb // 1024} MB "
                f"({args.cache_max_mb} MB cache + {args.rss_overhead_mb} MB overhead)"),
        "sigterm": (shutdown is not None and shutdown["exit_status"] == 0 and shutdown["seconds"] <= args.grace
                    and shutdown["in_flight_answers"] == [200, 200, 200],
                    f"exit {shutdown and shutdown['exit_status']} after {shutdown and round(shutdown['seconds'], 2)} s "
                    f"(grace {args.grace} s); in-flight answers {shutdown and shutdown['in_flight_answers']}"),
    }
    rel = lambda t: round(t - t0, 2)  # noqa: E731
    return {
        "checks": {k: {"pass": bool(ok), "detail": detail} for k, (ok, detail) in checks.items()},
        "wall_s": round(load_end - t0, 1),
        "driver_cpu_s": round(driver_cpu, 1),
        "conversations": {"started": conversations.started, "finished": conversations.finished,
                          "exact": conversations.exact, "turns": conversations.turns,
                          "abandoned": conversations.abandoned, "cut_by_connection_error": conversations.broken,
                          "aborted_answers": conversations.aborted_answers,
                          "rids_finished_twice": conversations.duplicate_records,
                          "mismatches": conversations.mismatches[:10]},
        "answers": tally.answers,
        "connection_errors": [(rel(t), k, m) for t, k, m, _ in connection_errors[:10]],
        "streams_cut_by_kills": len(cut_streams),
        "unexpected": tally.unexpected[:10],
        "server_error_count": len(tally.server_errors),
        "server_errors": [(rel(t), k, s, b) for t, k, s, b, _ in tally.server_errors[:20]],
        "unexcused_5xx": [(rel(t), k, s, b, sent and f"sent at {rel(sent)}") for t, k, s, b, sent in unexcused_5xx[:10]],
        "all_down_windows": [(rel(a), rel(b)) for a, b in all_down],
        "not_ready_windows": [(rel(a), rel(b)) for a, b in readiness.not_ready_windows()],
        "worker_kills": fleet.kills,
        "worker_exits_unasked": [(rel(t), i, status) for t, i, status in fleet.unexpected_exits], "weight_updates": fleet.weight_updates,
        "worker_down_windows": [(i, rel(a), rel(b)) for i, a, b in fleet.down_windows(load_end)],
        "hostile": hostile.done,
        "slow_loris": {"connections": len(loris.lifetimes), "answers": loris.answers,
                       "median_lifetime_s": sorted(loris.lifetimes)[len(loris.lifetimes) // 2] if loris.lifetimes else None,
                       "connect_errors": len(loris.connect_errors)},
        "records": records.counts,
        "rss_mb": {"first": router.rss[0][1] / 1024 if router.rss else None,
                   "max_after_warmup": max(rss_after, default=0) / 1024,
                   "last": router.rss[-1][1] / 1024 if router.rss else None,
                   "limit": rss_limit_kb / 1024,
                   "series": [(rel(t), round(kb / 1024, 1)) for t, kb in router.rss[::20]]},
        "max_open_connections": max_open,
        "cache": cache,
        "shutdown": shutdown,
    }


async def report_progress(t0, conversations, tally, loris, fleet, router, metrics):
    while True:
        await asyncio.sleep(10)
        rss = router.rss[-1][1] / 1024 if router.rss else 0
        conns = metrics.open_connections[-1][1] if metrics.open_connections else "?"
        print(f"soak: {time.monotonic() - t0:5.0f} s  conversations {conversations.finished} done "
              f"({conversations.exact} exact)  answers {tally.total}  5xx {len(tally.server_errors)}  "
              f"conn errors {len(tally.connection_errors)}  kills {fleet.kills}  router connections {conns}  "
              f"slow-loris open {loris.open}  RSS {rss:.0f} MB", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--router-bin", required=True)
    p.add_argument("--mock-bin", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--summary-out", required=True)
    p.add_argument("--seed", type=int, default=12)
    p.add_argument("--seconds", type=float, default=180, help="load phase")
    p.add_argument("--connections", type=int, default=2000, help="concurrent conversation connections")
    p.add_argument("--ramp-seconds", type=float, default=10)
    p.add_argument("--slow-loris", type=int, default=200)
    p.add_argument("--loris-interval", type=float, default=1.0, help="seconds between dribbled header bytes")
    p.add_argument("--hostile", type=int, default=16, help="loops of vanishing and pipelining clients")
    p.add_argument("--hostile-pause", type=float, default=0.5)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--kill-every", type=float, default=3.0)
    p.add_argument("--restart-after", type=float, nargs=2, default=[1.0, 2.5])
    p.add_argument("--outage-seconds", type=float, default=4.0, help="every worker down once (0: never)")
    p.add_argument("--abort-rate", type=float, default=0.1)
    p.add_argument("--version-every", type=float, default=15.0, help="seconds between weight updates")
    p.add_argument("--latency-ms", type=float, default=2.0, help="mock per-token latency")
    p.add_argument("--max-new-tokens", type=int, default=24)
    p.add_argument("--think", type=float, nargs=2, default=[1.0, 4.0], help="seconds between a conversation's turns")
    p.add_argument("--cache-max-mb", type=int, default=32)
    p.add_argument("--rss-overhead-mb", type=int, default=192,
                   help="fixed part of the RSS bound: binary, tokenizer, buffers of the connections, allocator slack")
    p.add_argument("--warmup-seconds", type=float, default=30)
    p.add_argument("--health-interval", type=float, default=1.0)
    p.add_argument("--request-read-timeout", type=float, default=10.0)
    p.add_argument("--grace", type=float, default=15.0,
                   help="router --shutdown-grace-period (above --request-read-timeout: slow-loris requests end first)")
    p.add_argument("--drain-seconds", type=float, default=90.0)
    p.add_argument("--router-log-level", default="warning", help="debug logs one line per proxied request")
    args = p.parse_args()
    summary = asyncio.run(soak(args))
    with open(args.summary_out, "w") as f:
        json.dump(summary, f, indent=1)
    failed = [k for k, c in summary["checks"].items() if not c["pass"]]
    for name, check in summary["checks"].items():
        print(f"{'PASS' if check['pass'] else 'FAIL'}  {name:13s} {check['detail']}")
    for cid, message in summary["conversations"]["mismatches"][:5]:
        print(f"      conversation {cid}: {message}")
    for item in summary["connection_errors"][:5] + summary["unexpected"][:5] + summary["unexcused_5xx"][:5]:
        print(f"      {item}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
