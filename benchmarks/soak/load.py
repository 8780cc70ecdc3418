"""What the soak's clients do: multi-turn conversations with a trainer's
retrieval at the end, clients that vanish mid-request or pipeline and then
close, slow-loris connections, and a readiness probe. Every request whose
answer a client waits for is counted in a Tally."""
import asyncio
import json
import os
import random
import sys
import time

from http1 import Connection, ConnectionBroken, read_chunk, read_head, read_response, request_bytes
from records import Mismatch, check_retrieved, pick_record

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "rl"))
from driver import first_prompt, next_prompt, question  # noqa: E402  (the RL benchmark's dialogues)


class Tally:
    """Answers, by kind: 2xx/4xx counts, 5xx answers with their times (to
    hold against the windows when every worker was down), and connection
    errors with their messages."""

    def __init__(self):
        self.answers = {}  # kind -> {status class: count}
        self.server_errors = []  # (answered at, kind, status, body head, sent at or None)
        self.connection_errors = []  # (at, kind, message, request sent at)
        self.unexpected = []  # (kind, status, body head): any other status but 200

    def answered(self, kind, response):
        counts = self.answers.setdefault(kind, {})
        key = f"{response.status // 100}xx"
        counts[key] = counts.get(key, 0) + 1
        if response.status >= 500:
            self.server_errors.append((time.monotonic(), kind, response.status,
                                       response.body[:160].decode("utf-8", "replace"), response.sent_at))
        elif response.status != 200:
            self.unexpected.append((kind, response.status, response.body[:160].decode("utf-8", "replace")))

    def broke(self, kind, error, sent_at=None):
        now = time.monotonic()
        self.connection_errors.append((now, kind, str(error), sent_at or now))

    @property
    def total(self):
        return sum(sum(c.values()) for c in self.answers.values())


class Conversations:
    """`slots` keep-alive connections, each running conversations one after
    another: 2-4 turns of whole-conversation `text` to `/generate` with a
    think time between turns, then the trainer's `/retrieve_from_text`
    with the last turn's rid, checked against the workers' records."""

    def __init__(self, port, tally, records, rng, max_new_tokens, think, request_timeout):
        self.port = port
        self.tally = tally
        self.records = records
        self.rng = rng
        self.max_new_tokens = max_new_tokens
        self.think = think
        self.request_timeout = request_timeout
        self.started = 0
        self.finished = 0  # retrieved and checked
        self.exact = 0
        self.mismatches = []  # (conversation, message)
        self.abandoned = 0  # a turn got a 4xx, or no answer but 5xx and aborts in 20 tries
        self.turns = 0
        self.aborted_answers = 0  # 200 with finish_reason abort: the router's retries ran out
        self.duplicate_records = 0  # rids a worker finished twice (killed before its answer left)
        self.broken = 0  # conversations cut short by a connection error

    async def slot(self, k, stop_at, ramp):
        await asyncio.sleep(ramp * k)
        conn = Connection("127.0.0.1", self.port)
        try:
            while time.monotonic() < stop_at:
                cid = self.started
                self.started += 1
                try:
                    await self.converse(conn, cid, random.Random(self.rng.random()))
                except ConnectionBroken:
                    self.broken += 1  # counted where it happened; go on with a new connection
                    await asyncio.sleep(1)
        finally:
            conn.close()

    async def _request(self, conn, kind, path, obj):
        try:
            return await conn.post_json(path, obj, self.request_timeout)
        except ConnectionBroken as e:
            self.tally.broke(kind, e)
            raise

    async def converse(self, conn, cid, rng):
        text = first_prompt(question(rng))
        turns = rng.randint(2, 4)
        got = []  # per turn: (rid, output ids, logprobs)
        for turn in range(1, turns + 1):
            answer = await self.generate(conn, cid, turn, text)
            if answer is None:
                self.abandoned += 1
                return
            rid, out_text, output_ids, logprobs = answer
            got.append((rid, output_ids, logprobs))
            if turn < turns:
                text = next_prompt(text, out_text, rng)
                await asyncio.sleep(rng.uniform(*self.think))
            else:
                text += out_text
        response = await self._request(conn, "retrieve", "/retrieve_from_text", {"text": text, "rid": got[-1][0]})
        self.tally.answered("retrieve", response)
        self.finished += 1
        if response.status != 200:
            self.mismatches.append((cid, f"/retrieve_from_text answered {response.status}: {response.body[:200]!r}"))
            return
        try:
            turn_records = []
            for rid, output_ids, logprobs in got:
                candidates = self.records.take(rid)
                if not candidates:
                    raise Mismatch(f"{rid}: no finished record in the workers' files")
                self.duplicate_records += len(candidates) > 1
                turn_records.append(pick_record(candidates, output_ids, logprobs))
            check_retrieved(response.json(), turn_records)
            self.exact += 1
        except Mismatch as e:
            self.mismatches.append((cid, f"{got[-1][0]}: {e}"))

    async def generate(self, conn, cid, turn, text):
        """(rid, text, output ids, logprobs) of one finished turn. A turn the
        router answered with an abort (its retries ran out) or a 5xx is sent
        again under a new rid, as a rollout would; None after 20 tries."""
        for attempt in range(20):
            rid = f"c{cid}-t{turn}-a{attempt}"
            body = {"text": text, "rid": rid, "return_logprob": True,
                    "sampling_params": {"max_new_tokens": self.max_new_tokens, "temperature": 1.0}}
            response = await self._request(conn, "generate", "/generate", body)
            self.tally.answered("generate", response)
            if response.status == 200:
                r = response.json()
                meta = r["meta_info"]
                if (meta.get("finish_reason") or {}).get("type") == "abort":
                    self.aborted_answers += 1
                else:
                    self.turns += 1
                    logprobs = [entry[0] for entry in meta["output_token_logprobs"]]
                    return rid, r["text"], r["output_ids"], logprobs
            elif response.status < 500:
                return None  # a 4xx is counted as unexpected in the tally
            else:
                await asyncio.sleep(1.0)
        return None


SHORT_PROMPT = "<|im_start|>user\nCount to three.<|im_end|>\n<|im_start|>assistant\n"


def generate_body(rid, stream=False, max_new_tokens=8):
    return json.dumps({"text": SHORT_PROMPT, "rid": rid, "stream": stream,
                       "sampling_params": {"max_new_tokens": max_new_tokens}}).encode()


class Hostile:
    """Clients that misbehave, in a loop: vanish mid-body, vanish while
    their generation runs, vanish mid-stream, pipeline several requests and
    close after the first answer (or none), or pipeline and read every
    answer (those answers are counted in the tally)."""

    BEHAVIOURS = ("vanish_mid_body", "vanish_awaiting_answer", "vanish_mid_stream", "pipeline_then_close",
                  "pipeline_read_all")

    def __init__(self, port, tally, rng):
        self.port = port
        self.tally = tally
        self.rng = rng
        self.done = {b: 0 for b in self.BEHAVIOURS}
        self.serial = 0

    async def loop(self, stop_at, pause):
        while time.monotonic() < stop_at:
            behaviour = self.rng.choice(self.BEHAVIOURS)
            self.serial += 1
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError as e:
                self.tally.broke(behaviour, e)
                await asyncio.sleep(1)
                continue
            sent_at = time.monotonic()
            try:
                await getattr(self, behaviour)(reader, writer, f"h{self.serial}")
                self.done[behaviour] += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionBroken, ValueError) as e:
                self.tally.broke(behaviour, repr(e), sent_at)
            finally:
                writer.close()
            await asyncio.sleep(self.rng.uniform(0, pause))

    async def vanish_mid_body(self, reader, writer, rid):
        whole = request_bytes("POST", "/generate", generate_body(rid))
        writer.write(whole[:len(whole) - self.rng.randint(1, 40)])
        await writer.drain()
        await asyncio.sleep(self.rng.uniform(0, 0.2))

    async def vanish_awaiting_answer(self, reader, writer, rid):
        writer.write(request_bytes("POST", "/generate", generate_body(rid, max_new_tokens=32)))
        await writer.drain()
        await asyncio.sleep(self.rng.uniform(0, 0.1))

    async def vanish_mid_stream(self, reader, writer, rid):
        writer.write(request_bytes("POST", "/generate", generate_body(rid, stream=True, max_new_tokens=48)))
        status, headers = await asyncio.wait_for(read_head(reader), 30)
        if status == 200 and "chunked" in headers.get("transfer-encoding", ""):
            for _ in range(self.rng.randint(1, 3)):
                await asyncio.wait_for(read_chunk(reader), 30)

    @staticmethod
    def _pipeline(rid):
        return [request_bytes("GET", "/health"), request_bytes("GET", "/list_workers"),
                request_bytes("POST", "/generate", generate_body(rid)), request_bytes("GET", "/health"),
                request_bytes("POST", "/retrieve_from_text", json.dumps({"text": SHORT_PROMPT}).encode())]

    async def pipeline_then_close(self, reader, writer, rid):
        requests = self._pipeline(rid)
        writer.write(b"".join(requests))
        await writer.drain()
        if self.rng.random() < 0.5:
            await asyncio.wait_for(read_response(reader), 30)

    async def pipeline_read_all(self, reader, writer, rid):
        requests = self._pipeline(rid)
        writer.write(b"".join(requests))
        await writer.drain()
        for _ in requests:
            self.tally.answered("pipelined", await asyncio.wait_for(read_response(reader), 60))


class SlowLoris:
    """Each `connection` task sends a request line and then dribbles one
    header byte every `interval` seconds, and connects again once the
    router closes it. Records how long each connection lasted and what it
    was answered."""

    def __init__(self, port, interval, stagger):
        self.port = port
        self.interval = interval
        self.stagger = stagger  # first connects spread over this many seconds, so that the
        # router times them out at different moments rather than in waves
        self.lifetimes = []  # seconds from connect to the router's close
        self.answers = {}  # status (or "closed") -> count
        self.open = 0
        self.connect_errors = []
        self.reconnect = True  # False once the router is to shut down

    async def connection(self, stop, rng):
        await asyncio.sleep(rng.uniform(0, self.stagger))
        while not stop.is_set() and self.reconnect:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError as e:
                self.connect_errors.append(repr(e))
                await asyncio.sleep(1)
                continue
            self.open += 1
            t0 = time.monotonic()
            try:
                writer.write(b"POST /generate HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                closed = asyncio.ensure_future(reader.read(65536))
                header = b"X-Slow-Loris: " + b"z" * 60000
                i = 0
                while not closed.done() and not stop.is_set():
                    writer.write(header[i:i + 1])
                    i = (i + 1) % len(header)
                    await asyncio.wait([closed], timeout=self.interval)
                if closed.done():
                    self.lifetimes.append(time.monotonic() - t0)
                    data = closed.result() if not closed.exception() else b""
                    key = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/1.1 ") else "closed"
                    self.answers[key] = self.answers.get(key, 0) + 1
                else:
                    closed.cancel()
            except OSError:
                self.answers["reset"] = self.answers.get("reset", 0) + 1
            finally:
                self.open -= 1
                writer.close()


class Readiness:
    """Polls the router's `/readiness` (503 while it has no healthy worker)."""

    def __init__(self, port):
        self.port = port
        self.samples = []  # (time, status or None)

    async def poll(self, stop, every):
        conn = Connection("127.0.0.1", self.port)
        while not stop.is_set():
            try:
                self.samples.append((time.monotonic(), (await conn.request("GET", "/readiness", timeout=5)).status))
            except ConnectionBroken:
                self.samples.append((time.monotonic(), None))
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass
        conn.close()

    def not_ready_windows(self):
        windows, start = [], None
        for t, status in self.samples:
            if status != 200 and start is None:
                start = t
            elif status == 200 and start is not None:
                windows.append((start, t))
                start = None
        if start is not None:
            windows.append((start, self.samples[-1][0]))
        return windows
