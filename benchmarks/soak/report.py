#!/usr/bin/env python3
"""Turns soak.py's JSON summary into benchmarks/results/soak.md."""
import argparse
import json


def main():
    p = argparse.ArgumentParser()
    p.add_argument("summary")
    p.add_argument("--command", required=True)
    p.add_argument("--load", nargs=2, required=True, help="load averages before and after")
    p.add_argument("--versions", required=True)
    p.add_argument("--cores", required=True)
    p.add_argument("--note", default="")
    args = p.parse_args()
    s = json.load(open(args.summary))
    st = s["settings"]
    conv = s["conversations"]
    cache = s["cache"]
    shutdown = s["shutdown"] or {}
    answers = s["answers"]
    failed = [k for k, c in s["checks"].items() if not c["pass"]]

    out = []
    w = out.append
    w("# Chaos soak (issue 12, point 5)")
    w("")
    w(f"Result: **{'PASS' if not failed else 'FAIL: ' + ', '.join(failed)}**. Made by `{args.command}` "
      f"on {args.cores} cores shared with the workers, the driver and other work (load average "
      f"{args.load[0]} before, {args.load[1]} after).")
    w("")
    w("```")
    w(args.versions)
    w("```")
    w("")
    if args.note:
        w(args.note)
        w("")
    w("## What ran")
    w("")
    w(f"- slime-router: `{s['router_command']}`")
    w(f"- {st['workers']} mock-sglang workers (`--independent-samples --abort-rate {st['abort_rate']} "
      f"--latency-per-token-ms {st['latency_ms']}`, half with `--finish-with-stop-token`), each incarnation "
      f"with its own `--record-file`. Every {st['kill_every']:g} s one live worker is SIGKILLed and restarted on "
      f"its port {st['restart_after'][0]:g}–{st['restart_after'][1]:g} s later; halfway, every worker is "
      f"killed at once for {st['outage_seconds']:g} s. A new weight version every {st['version_every']:g} s.")
    w(f"- {st['connections']} keep-alive client connections, each running conversations of 2–4 turns "
      f"(whole conversation as `text`, {st['max_new_tokens']} new tokens, {st['think'][0]:g}–{st['think'][1]:g} s "
      f"between turns), then the trainer's `/retrieve_from_text` with the last turn's rid, checked against the "
      f"workers' records. Load for {st['seconds']:g} s; conversations under way then finish.")
    w(f"- {st['hostile']} loops of hostile clients (vanish mid-body, while their generation runs, mid-stream; "
      f"pipeline five requests and close after one answer or none; pipeline and read every answer) and "
      f"{st['slow_loris']} slow-loris connections sending a header byte every {st['loris_interval']:g} s "
      f"(router `--request-read-timeout {st['request_read_timeout']:g}`).")
    w(f"- Then SIGTERM (grace period {st['grace']:g} s) while two generations and a stream are in flight and "
      f"the slow-loris connections are still open.")
    w("")
    w("## Checks")
    w("")
    w(f"- **answers**: every request a client waited for was answered. A reset, a close or no answer within "
      f"120 s fails, except a stream cut after its answer began when its worker was SIGKILLed meanwhile (it cannot "
      f"move to another worker). A 5xx fails unless it came while every worker was down, or within "
      f"{st['health_interval'] + 1:g} s after one came back (the router's next health check sees it).")
    w("- **trajectories**: every finished conversation's `/retrieve_from_text` (text: last prompt + the text "
      "`/generate` returned; rid: the last turn's) is `exact`, and equals what the workers' record files make: the "
      "last turn's prompt ids + output ids; on every turn's output ids mask 1 and that turn's log-probabilities bit "
      "for bit and weight version, elsewhere 0, 0.0 and null; each turn's prompt ids begin with the previous turn's "
      "whole trajectory. Each turn's record is the one with the ids and log-probabilities the client got.")
    w(f"- **rss**: the router's VmRSS, every 0.5 s after {st['warmup_seconds']:g} s of warm-up, stays within "
      f"`--cache-max-mb` + {st['rss_overhead_mb']} MB (the binary and tokenizer take about 60 MB at start; the rest "
      f"is for the connections' buffers and allocator slack).")
    w("- **sigterm**: the two generations and the stream in flight at SIGTERM get whole 200 answers, and the router "
      "exits 0 within its grace period (open slow-loris requests end at their read timeout, which is shorter).")
    w("")
    w("| check | result | detail |")
    w("|---|---|---|")
    for name, c in s["checks"].items():
        w(f"| {name} | {'PASS' if c['pass'] else '**FAIL**'} | {c['detail']} |")
    w("")
    w("## Numbers")
    w("")
    w("| what | value |")
    w("|---|---|")
    rows = [
        ("load phase, wall; driver CPU", f"{s['wall_s']} s; {s['driver_cpu_s']} s"),
        ("client connections the router held at most (its `slime_router_open_connections`)",
         f"{s['max_open_connections']:.0f}"),
        ("conversations started / finished and retrieved / exact",
         f"{conv['started']} / {conv['finished']} / {conv['exact']}"),
        ("turns answered", conv["turns"]),
        ("answers by kind", ", ".join(f"{k}: " + " ".join(f"{n} {c}" for c, n in sorted(v.items()))
                                       for k, v in sorted(answers.items()))),
        ("5xx answers", s["server_error_count"]),
        ("streams cut because their worker was killed after the answer began (not resendable)",
         s["streams_cut_by_kills"]),
        ("turns answered `abort` after the router's retries ran out (sent again by the client)",
         conv["aborted_answers"]),
        ("conversations abandoned / cut by a connection error", f"{conv['abandoned']} / {conv['cut_by_connection_error']}"),
        ("worker SIGKILLs; workers that exited unasked", f"{s['worker_kills']}; {len(s['worker_exits_unasked'])}"),
        ("windows with every worker down (s from start)", s["all_down_windows"]),
        ("router not ready (`/readiness` 503) (s from start)", s["not_ready_windows"]),
        ("weight updates", s["weight_updates"]),
        ("worker records: finished / aborted / torn by SIGKILL",
         f"{s['records']['finished']} / {s['records']['aborted']} / {s['records']['torn_lines']}"),
        ("rids finished twice (worker killed after recording, router sent it again)", conv["rids_finished_twice"]),
        ("hostile clients by behaviour", ", ".join(f"{k} {v}" for k, v in s["hostile"].items())),
        ("slow-loris connections closed by the router; what they got; median lifetime",
         f"{s['slow_loris']['connections']}; {s['slow_loris']['answers']}; {s['slow_loris']['median_lifetime_s']:.1f} s"
         if s["slow_loris"]["median_lifetime_s"] is not None else "none closed"),
        ("router RSS: first sample / max after warm-up / last / limit (MB)",
         f"{s['rss_mb']['first']:.0f} / {s['rss_mb']['max_after_warmup']:.0f} / {s['rss_mb']['last']:.0f} / "
         f"{s['rss_mb']['limit']:.0f}"),
        ("cache at the end: bytes used / budget, entries, evicted tokens",
         f"{cache.get('bytes_used', 0) / 2**20:.1f} MB / {cache.get('max_cache_bytes', 0) / 2**20:.0f} MB, "
         f"{cache.get('total_entries')}, {cache.get('evicted_tokens')}"),
        ("trajectories stored / not stored by reason",
         f"{cache.get('trajectories_stored')} / {cache.get('trajectories_not_stored_by_reason')}"),
        ("SIGTERM: exit status, seconds to exit, in-flight answers",
         f"{shutdown.get('exit_status')}, {shutdown.get('seconds', 0):.2f} s, {shutdown.get('in_flight_answers')}"),
    ]
    for what, value in rows:
        w(f"| {what} | {value} |")
    w("")
    w("RSS over the run (s from start, MB): " + ", ".join(f"{t:g}: {mb:g}" for t, mb in s["rss_mb"]["series"]))
    if conv["mismatches"] or s["connection_errors"] or s["unexcused_5xx"] or s["unexpected"]:
        w("")
        w("## What failed (first ones)")
        w("")
        for item in conv["mismatches"] + s["connection_errors"] + s["unexcused_5xx"] + s["unexpected"]:
            w(f"- `{item}`")
    print("\n".join(out))


if __name__ == "__main__":
    main()
