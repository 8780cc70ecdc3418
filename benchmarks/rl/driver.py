#!/usr/bin/env python3
"""Multi-turn RL workload driver for slime-router (issue 5, item 11).

Standard library only: asyncio streams, HTTP/1.1 keep-alive, one connection
per conversation slot (per target when the driver itself round-robins over
several workers). Every loop is bounded in count and in time. Each phase
prints one JSON object on stdout; run.sh collects them and report.py turns
them into benchmarks/results/rl-workload.md.

Phases
  conversations  synthetic GSM8K-like dialogues (shared Qwen3 system prompt,
                 a question, follow-ups); free-running or in lock-step waves
                 (a barrier after each turn, so /metrics deltas are per turn)
  retrieve       many concurrent /retrieve_from_text of stored final texts
  lag            ~100K-token fresh prompts sent while a light stream of small
                 requests and a probe of a router-local endpoint run
"""
import argparse
import asyncio
import json
import random
import re
import sys
import time
import urllib.parse

# --------------------------------------------------------------------------
# HTTP/1.1 keep-alive client on raw asyncio streams


class HTTPError(Exception):
    pass


class Connection:
    """One keep-alive connection; requests on it are sequential."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.hostheader = f"{self.host}:{self.port}".encode()
        self.reader = self.writer = None

    async def _open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, limit=1 << 24)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    async def request(self, method, path, body=b"", timeout=60.0):
        """Returns (status, body bytes). Reconnects once if a kept-alive
        connection turned out to be closed by the peer."""
        for attempt in (0, 1):
            if self.writer is None:
                await self._open()
            head = (f"{method} {path} HTTP/1.1\r\nHost: ".encode() + self.hostheader +
                    b"\r\nContent-Type: application/json\r\nContent-Length: " +
                    str(len(body)).encode() + b"\r\n\r\n")
            try:
                self.writer.write(head + body)
                return await asyncio.wait_for(self._response(), timeout)
            except (ConnectionError, asyncio.IncompleteReadError) as e:
                self.close()
                if attempt == 1:
                    raise HTTPError(f"connection failed: {e!r}")
            except asyncio.TimeoutError:
                self.close()
                raise HTTPError(f"timeout after {timeout}s on {method} {path}")

    async def _response(self):
        r = self.reader
        head = await r.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked, close = None, False, False
        for line in lines[1:]:
            k, _, v = line.partition(b":")
            k = k.strip().lower()
            if k == b"content-length":
                length = int(v)
            elif k == b"transfer-encoding" and b"chunked" in v.lower():
                chunked = True
            elif k == b"connection" and b"close" in v.lower():
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await r.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await r.readuntil(b"\r\n")
                    break
                parts.append(await r.readexactly(size))
                await r.readexactly(2)
            data = b"".join(parts)
        elif length is not None:
            data = await r.readexactly(length)
        else:
            data = await r.read()
            close = True
        if close:
            self.close()
        return status, data


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def summary_ms(values):
    return {"n": len(values), "p50_ms": percentile(values, 50) and percentile(values, 50) * 1000,
            "p90_ms": percentile(values, 90) and percentile(values, 90) * 1000,
            "p99_ms": percentile(values, 99) and percentile(values, 99) * 1000,
            "max_ms": max(values) * 1000 if values else None,
            "mean_ms": sum(values) / len(values) * 1000 if values else None}


async def get_json(url, path):
    c = Connection(url)
    try:
        status, body = await c.request("GET", path)
    finally:
        c.close()
    if status != 200:
        raise HTTPError(f"GET {url}{path}: {status}")
    return json.loads(body)


async def get_text(url, path):
    c = Connection(url)
    try:
        status, body = await c.request("GET", path)
    finally:
        c.close()
    return body.decode()


async def post(url, path, obj):
    c = Connection(url)
    try:
        return await c.request("POST", path, json.dumps(obj).encode())
    finally:
        c.close()

# --------------------------------------------------------------------------
# Synthetic GSM8K-like dialogues

SYSTEM = (
    "You are a careful math tutor. Solve grade-school math word problems step by step. "
    "Write each intermediate computation on its own line, check the arithmetic, and finish "
    "with a line of the form '#### <answer>'. If the user asks a follow-up, answer it using "
    "the previous steps of the conversation, correct any mistake you find, and keep the same "
    "final format. Be concise: no more than eight short steps. Use plain text, no LaTeX. "
    "When units are involved (dollars, hours, kilometres, apples), keep them on every line. "
    "Round money to cents and times to whole minutes unless the problem says otherwise."
)
NAMES = ["Natalia", "Weng", "Betty", "Julie", "James", "Albert", "Ken", "Alexis", "Tina", "Randy",
         "Mark", "Joy", "Janet", "Carla", "Toulouse", "Marie", "Mishka", "Brandon", "Kylar", "Eliza"]
ITEMS = ["clips", "apples", "books", "stickers", "cupcakes", "marbles", "pencils", "tickets", "eggs", "shirts"]
TEMPLATES = [
    "{n} sold {ITEM} to {a} of her friends in April, and then she sold half as many {ITEM} in May. "
    "Each of the {a} friends bought {b} {ITEM}. How many {ITEM} did {n} sell altogether in April and May?",
    "{n} earns ${a} an hour for babysitting. Yesterday, {n} did {b} minutes of babysitting and then "
    "worked {c} more minutes at the library for ${d} an hour. How much did {n} earn in total?",
    "{n} is saving money for a new wallet which costs ${a}. {n} has only half of the money needed. "
    "The parents give ${b} and the grandparents give {c} times as much as the parents. How much more "
    "money does {n} need to buy the wallet?",
    "A store sells {ITEM} in boxes of {a}. {n} buys {b} boxes, gives {c} {ITEM} to each of {d} "
    "classmates, and puts the rest on {a} shelves equally. How many {ITEM} are on each shelf?",
    "{n} runs {a} sprints {b} times a week. Each sprint is {c} meters long. After {d} weeks, how many "
    "kilometres has {n} run in total, and how many meters per day on average?",
]
FOLLOWUPS = [
    "Can you double-check step {k} and explain why it is right?",
    "What would the answer be if every number in the problem were {k} larger?",
    "Explain the solution again for a ten-year-old, in at most {k} sentences.",
    "I think the answer is {k}. Where did I go wrong?",
    "Write the same computation as a single expression, then evaluate it with {k} as a check digit.",
    "Now solve it backwards: start from your final answer and recover step {k}.",
]


def question(rng):
    t = rng.choice(TEMPLATES)
    return t.format(n=rng.choice(NAMES), ITEM=rng.choice(ITEMS), a=rng.randint(2, 99),
                    b=rng.randint(2, 99), c=rng.randint(2, 99), d=rng.randint(2, 99))


def first_prompt(q):
    return (f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\n{q}<|im_end|>\n"
            f"<|im_start|>assistant\n")


def next_prompt(conv, answer, rng):
    f = rng.choice(FOLLOWUPS).format(k=rng.randint(2, 999))
    return conv + answer + f"<|im_end|>\n<|im_start|>user\n{f}<|im_end|>\n<|im_start|>assistant\n"


class Targets:
    """Where a turn goes: the one URL of a router, or the driver's own
    round-robin over the workers (direct mode)."""

    def __init__(self, urls):
        self.urls = urls
        self.next = 0

    def pick(self):
        i = self.next % len(self.urls)
        self.next += 1
        return i


async def conversations(args):
    urls = args.url
    targets = Targets(urls)
    rng0 = random.Random(args.seed)
    deadline = time.monotonic() + args.seconds
    turn_latency = {t: [] for t in range(1, args.turns + 1)}
    all_latency = []
    prompt_tokens = {t: 0 for t in range(1, args.turns + 1)}
    prompt_bytes = {t: 0 for t in range(1, args.turns + 1)}
    turns_done = 0
    errors = []
    finals = []  # final conversation texts (for retrieve and /retrieve_from_text at the end)
    retrieve = {"n": 0, "cached_tokens": 0, "token_length": 0, "latency": []}
    started_convs = 0
    metrics_url = args.metrics_url
    per_turn_metrics = []  # lock-step only: cache counters before/after each turn of each wave

    async def one_turn(conns, cid, turn, text):
        nonlocal turns_done
        i = targets.pick()
        body = {"text": text, "sampling_params": {"max_new_tokens": args.max_new_tokens, "temperature": 0.0},
                "rid": f"c{cid}-t{turn}", "return_logprob": args.return_logprob}
        data = json.dumps(body).encode()
        t0 = time.perf_counter()
        status, resp = await conns[i].request("POST", "/generate", data, timeout=args.request_timeout)
        dt = time.perf_counter() - t0
        if status != 200:
            raise HTTPError(f"/generate answered {status}: {resp[:200]!r}")
        r = json.loads(resp)
        turn_latency[turn].append(dt)
        all_latency.append(dt)
        prompt_tokens[turn] += r["meta_info"]["prompt_tokens"]
        prompt_bytes[turn] += len(text.encode())
        turns_done += 1
        return r["text"]

    async def finish(conns, text):
        if not args.retrieve_at_end:
            return
        t0 = time.perf_counter()
        status, resp = await conns[0].request("POST", "/retrieve_from_text", json.dumps({"text": text}).encode(),
                                              timeout=args.request_timeout)
        if status != 200:
            raise HTTPError(f"/retrieve_from_text answered {status}: {resp[:200]!r}")
        r = json.loads(resp)
        retrieve["latency"].append(time.perf_counter() - t0)
        retrieve["n"] += 1
        retrieve["cached_tokens"] += r["cached_tokens"]
        retrieve["token_length"] += r["token_length"]

    async def slot(k):
        nonlocal started_convs
        conns = [Connection(u) for u in urls]
        try:
            while started_convs < args.max_conversations and time.monotonic() < deadline:
                cid = started_convs
                started_convs += 1
                rng = random.Random(rng0.random() + cid)
                text = first_prompt(question(rng))
                for turn in range(1, args.turns + 1):
                    answer = await one_turn(conns, cid, turn, text)
                    text = (next_prompt(text, answer, rng) if turn < args.turns else text + answer)
                await finish(conns, text)
                if len(finals) < args.keep_texts:
                    finals.append(text)
        except Exception as e:  # recorded, and the phase fails
            errors.append(repr(e))
        finally:
            for c in conns:
                c.close()

    async def cache_counters():
        m = await get_json(metrics_url, "/metrics")
        c = m.get("cache", {})
        return {"from_cache": c.get("prompt_tokens_from_cache", 0), "tokenized": c.get("prompt_tokens_tokenized", 0)}

    async def wave(w):
        """args.concurrency conversations in lock-step: a barrier after each turn."""
        nonlocal started_convs
        conns = [[Connection(u) for u in urls] for _ in range(args.concurrency)]
        rngs, texts, cids = [], [], []
        for k in range(args.concurrency):
            cid = started_convs
            started_convs += 1
            rng = random.Random(rng0.random() + cid)
            rngs.append(rng)
            cids.append(cid)
            texts.append(first_prompt(question(rng)))
        try:
            for turn in range(1, args.turns + 1):
                before = await cache_counters() if metrics_url else None
                t0 = time.perf_counter()
                # Send in a new random order each turn, as free-running
                # conversations would arrive (a fixed order would keep each
                # conversation on one worker under round-robin by accident).
                order = list(range(args.concurrency))
                rng0.shuffle(order)
                results = await asyncio.gather(*(one_turn(conns[k], cids[k], turn, texts[k]) for k in order),
                                               return_exceptions=True)
                answers = [None] * args.concurrency
                for k, a in zip(order, results):
                    answers[k] = a
                failed = [a for a in answers if isinstance(a, BaseException)]
                if failed:
                    raise failed[0]
                wall = time.perf_counter() - t0
                after = await cache_counters() if metrics_url else None
                for k in range(args.concurrency):
                    texts[k] = (next_prompt(texts[k], answers[k], rngs[k]) if turn < args.turns
                                else texts[k] + answers[k])
                row = {"wave": w, "turn": turn, "wall_s": wall}
                if before is not None:
                    row.update({key: after[key] - before[key] for key in before})
                per_turn_metrics.append(row)
            await asyncio.gather(*(finish(conns[k], texts[k]) for k in range(args.concurrency)))
            finals.extend(texts[: max(0, args.keep_texts - len(finals))])
        finally:
            for cs in conns:
                for c in cs:
                    c.close()

    async def resetter():
        # mock-sglang keeps every request body it received (GET /mock/requests):
        # clear it now and then so that a long run does not grow its memory.
        while True:
            await asyncio.sleep(1.0)
            for u in args.reset_url:
                try:
                    await post(u, "/mock/reset", {})
                except Exception:
                    pass

    reset_task = asyncio.ensure_future(resetter()) if args.reset_url and not args.lockstep else None
    counters_before = await cache_counters() if metrics_url and not args.lockstep else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if args.lockstep:
        for w in range(1, args.waves + 1):
            try:
                await wave(w)
            except Exception as e:
                errors.append(repr(e))
                break
    else:
        await asyncio.gather(*(slot(k) for k in range(args.concurrency)))
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    if reset_task:
        reset_task.cancel()
    if args.texts_out and finals:
        with open(args.texts_out, "w") as f:
            json.dump(finals, f)
    out = {
        "phase": "conversations", "label": args.label, "mode": "lockstep" if args.lockstep else "free",
        "concurrency": args.concurrency, "turns_per_conversation": args.turns,
        "conversations": started_convs, "turns": turns_done, "wall_s": wall,
        "turns_per_s": turns_done / wall if wall else 0, "driver_cpu_s": cpu,
        "driver_cpu_pct": 100 * cpu / wall if wall else 0,
        "latency": summary_ms(all_latency),
        "per_turn": {t: dict(summary_ms(v), prompt_tokens=prompt_tokens[t], prompt_bytes=prompt_bytes[t])
                     for t, v in turn_latency.items()},
        "errors": errors[:5], "error_count": len(errors),
    }
    if args.lockstep:
        out["per_turn_metrics"] = per_turn_metrics
    elif counters_before is not None:
        after = await cache_counters()
        out["cache_counters"] = {k: after[k] - counters_before[k] for k in after}
    if retrieve["n"]:
        out["retrieve_at_end"] = {"n": retrieve["n"], "cached_tokens": retrieve["cached_tokens"],
                                  "token_length": retrieve["token_length"],
                                  "latency": summary_ms(retrieve["latency"])}
    return out

# --------------------------------------------------------------------------
# /retrieve_from_text throughput


async def retrieve_phase(args):
    texts = json.load(open(args.texts))
    bodies = [json.dumps({"text": t}).encode() for t in texts]
    deadline = time.monotonic() + args.seconds
    latency, errors = [], []
    sent = 0
    resp_bytes = 0

    async def worker(k):
        nonlocal sent, resp_bytes
        c = Connection(args.url[0])
        try:
            while sent < args.requests and time.monotonic() < deadline:
                body = bodies[sent % len(bodies)]
                sent += 1
                t0 = time.perf_counter()
                status, data = await c.request("POST", "/retrieve_from_text", body, timeout=args.request_timeout)
                latency.append(time.perf_counter() - t0)
                if status != 200:
                    raise HTTPError(f"/retrieve_from_text answered {status}")
                resp_bytes += len(data)
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    # Check a sample fully (the measured loop does not parse the answers).
    status, data = await post(args.url[0], "/retrieve_from_text", {"text": texts[0]})
    sample = json.loads(data)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(args.concurrency)))
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    return {"phase": "retrieve", "label": args.label, "concurrency": args.concurrency,
            "requests": len(latency), "wall_s": wall, "req_per_s": len(latency) / wall,
            "mean_response_kb": resp_bytes / max(1, len(latency)) / 1024,
            "sample_cached_fraction": sample["cached_tokens"] / max(1, sample["token_length"]),
            "sample_tokens": sample["token_length"],
            "driver_cpu_pct": 100 * cpu / wall, "latency": summary_ms(latency),
            "errors": errors[:5], "error_count": len(errors)}

# --------------------------------------------------------------------------
# Event-loop lag while ~100K-token prompts are tokenized


def lag_histogram(text):
    """slime_router_event_loop_lag_seconds buckets: {le: cumulative count}."""
    out = {}
    for m in re.finditer(r'^slime_router_event_loop_lag_seconds_bucket\{le="([^"]+)"\} (\S+)$', text, re.M):
        out[m.group(1)] = float(m.group(2))
    cnt = re.search(r'^slime_router_event_loop_lag_seconds_count (\S+)$', text, re.M)
    out["count"] = float(cnt.group(1)) if cnt else 0.0
    return out


def fresh_text(rng, nbytes, corpus=None):
    """nbytes of text the cache has not seen: a slice of the corpus at a
    random offset (natural text, ~4 bytes per token), else random words."""
    if corpus:
        start = rng.randrange(0, max(1, len(corpus) - nbytes))
        return corpus[start:start + nbytes].decode("utf-8", "ignore")
    words = []
    size = 0
    while size < nbytes:
        w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        if rng.random() < 0.1:
            w += rng.choice([".", ",", "?", str(rng.randint(0, 9999))])
        words.append(w)
        size += len(w) + 1
    return " ".join(words)


async def lag_phase(args):
    url = args.url[0]
    rng = random.Random(args.seed)
    corpus = open(args.corpus, "rb").read() if args.corpus else None
    deadline = time.monotonic() + args.seconds
    light_latency, probe_latency, big_latency, errors = [], [], [], []
    stop = asyncio.Event()

    async def light():
        c = Connection(url)
        n = 0
        try:
            while not stop.is_set() and n < 100_000 and time.monotonic() < deadline:
                n += 1
                body = json.dumps({"text": first_prompt(question(rng)),
                                   "sampling_params": {"max_new_tokens": 4}}).encode()
                t0 = time.perf_counter()
                status, _ = await c.request("POST", "/generate", body, timeout=args.request_timeout)
                light_latency.append(time.perf_counter() - t0)
                if status != 200:
                    raise HTTPError(f"light /generate answered {status}")
                await asyncio.sleep(args.light_interval)
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    async def probe():
        # GET /list_workers is answered by the router's loop itself: its
        # latency shows a stalled loop directly.
        c = Connection(url)
        n = 0
        try:
            while not stop.is_set() and n < 100_000 and time.monotonic() < deadline:
                n += 1
                t0 = time.perf_counter()
                status, _ = await c.request("GET", "/list_workers", timeout=args.request_timeout)
                probe_latency.append(time.perf_counter() - t0)
                await asyncio.sleep(args.probe_interval)
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    async def big(k):
        c = Connection(url)
        try:
            text = fresh_text(rng, args.big_bytes, corpus)
            body = json.dumps({"text": text, "sampling_params": {"max_new_tokens": 8}}).encode()
            t0 = time.perf_counter()
            status, data = await c.request("POST", "/generate", body, timeout=args.request_timeout)
            dt = time.perf_counter() - t0
            if status != 200:
                raise HTTPError(f"big /generate answered {status}: {data[:200]!r}")
            big_latency.append({"s": dt, "prompt_tokens": json.loads(data)["meta_info"]["prompt_tokens"]})
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    async def read_state():
        m = await get_json(url, "/metrics")
        h = lag_histogram(await get_text(url, "/metrics?format=prometheus"))
        return m["router"]["event_loop_max_lag_ms"], h

    cpu0, wall0 = time.process_time(), time.perf_counter()
    max_start, hist_start = await read_state()  # start-up and the readiness check
    tasks = [asyncio.ensure_future(light()) for _ in range(args.light_streams)] + [asyncio.ensure_future(probe())]
    # 1. light stream alone: the baseline lag
    await asyncio.sleep(args.baseline_seconds)
    max_before, hist_before = await read_state()
    n_light_before, n_probe_before = len(light_latency), len(probe_latency)
    # 2. the big prompts, a few at a time, while the light stream goes on
    t_big = time.perf_counter()
    for r in range(args.big_rounds):
        await asyncio.gather(*(big(k) for k in range(args.big_concurrency)))
    big_wall = time.perf_counter() - t_big
    await asyncio.sleep(0.2)
    max_after, hist_after = await read_state()
    stop.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0

    def hist_delta(a, b):
        return {k: b.get(k, 0) - a.get(k, 0) for k in b}

    return {"phase": "lag", "label": args.label, "big_bytes": args.big_bytes, "big_requests": len(big_latency),
            "big_latency_s": big_latency, "big_wall_s": big_wall,
            "max_lag_ms_startup": max_start, "max_lag_ms_baseline": max_before, "max_lag_ms_after": max_after,
            "hist_startup": hist_start, "hist_baseline": hist_delta(hist_start, hist_before),
            "hist_during_big": hist_delta(hist_before, hist_after),
            "baseline_s": args.baseline_seconds,
            "light_baseline": summary_ms(light_latency[:n_light_before]),
            "light_during_big": summary_ms(light_latency[n_light_before:]),
            "probe_baseline": summary_ms(probe_latency[:n_probe_before]),
            "probe_during_big": summary_ms(probe_latency[n_probe_before:]),
            "driver_cpu_pct": 100 * cpu / wall, "errors": errors[:5], "error_count": len(errors)}

# --------------------------------------------------------------------------
# Which worker served which turn (mock-sglang's request record)


async def locality_phase(args):
    """Reads GET /mock/requests of each worker: the share of turns 2.. that
    ran on the same worker as the conversation's previous turn (where a real
    SGLang worker's KV prefix cache would be warm), and the load split."""
    where = {}
    per_worker = []
    for i, u in enumerate(args.url):
        reqs = (await get_json(u, "/mock/requests"))["requests"]
        per_worker.append(len(reqs))
        for body in reqs:
            rid = body.get("rid") if isinstance(body, dict) else None
            if isinstance(rid, str):
                where[rid] = i
    same = total = 0
    for rid, w in where.items():
        m = re.match(r"c(\d+)-t(\d+)$", rid)
        if not m or int(m.group(2)) == 1:
            continue
        prev = where.get(f"c{m.group(1)}-t{int(m.group(2)) - 1}")
        if prev is None:
            continue
        total += 1
        same += prev == w
    return {"phase": "locality", "label": args.label, "requests_per_worker": per_worker,
            "followup_turns": total, "same_worker": same,
            "same_worker_pct": 100 * same / total if total else None}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("phase", choices=["conversations", "retrieve", "lag", "locality"])
    p.add_argument("--url", action="append", required=True,
                   help="router URL, or several worker URLs the driver round-robins over itself")
    p.add_argument("--label", default="")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--seconds", type=float, default=10, help="time bound of the phase")
    p.add_argument("--request-timeout", type=float, default=60)
    # conversations
    p.add_argument("--turns", type=int, default=4)
    p.add_argument("--max-new-tokens", type=int, default=64)
    p.add_argument("--max-conversations", type=int, default=100_000)
    p.add_argument("--lockstep", action="store_true")
    p.add_argument("--waves", type=int, default=3)
    p.add_argument("--metrics-url", help="router whose /metrics cache counters are read around each lock-step turn")
    p.add_argument("--retrieve-at-end", action="store_true")
    # An RL rollout needs each generated token's log-probability, so every
    # peer is asked for them: the radix-tree middleware asks the worker for
    # them anyway, and a client of any other peer would ask itself.
    p.add_argument("--return-logprob", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--keep-texts", type=int, default=2000)
    p.add_argument("--texts-out")
    p.add_argument("--reset-url", action="append", default=[])
    # retrieve
    p.add_argument("--texts")
    p.add_argument("--requests", type=int, default=200_000)
    # lag
    p.add_argument("--big-bytes", type=int, default=400_000)
    p.add_argument("--big-concurrency", type=int, default=2)
    p.add_argument("--big-rounds", type=int, default=3)
    p.add_argument("--light-streams", type=int, default=4)
    p.add_argument("--light-interval", type=float, default=0.005)
    p.add_argument("--probe-interval", type=float, default=0.002)
    p.add_argument("--baseline-seconds", type=float, default=4)
    p.add_argument("--corpus", help="text to slice fresh ~100K-token prompts from")
    args = p.parse_args()
    fn = {"conversations": conversations, "retrieve": retrieve_phase, "lag": lag_phase,
          "locality": locality_phase}[args.phase]
    result = asyncio.run(fn(args))
    print(json.dumps(result))
    if result.get("error_count"):
        print(f"driver: {result['error_count']} error(s) in {args.phase} {args.label}: {result['errors']}",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
