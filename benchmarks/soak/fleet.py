"""The soak's processes: mock-sglang workers that are SIGKILLed and
restarted on the same port, with a log of when each was down; weight
updates; the router, with its RSS sampled from /proc."""
import asyncio
import os
import signal
import time


class Worker:
    """One worker port; each (re)start is a new incarnation with its own
    record file, so a line cut short by SIGKILL never runs into the next
    incarnation's first one."""

    def __init__(self, index, port, binary, tokenizer, records_dir, logs_dir, options):
        self.index, self.port = index, port
        self.url = f"http://127.0.0.1:{port}"
        self.binary, self.tokenizer = binary, tokenizer
        self.records_dir, self.logs_dir = records_dir, logs_dir
        self.options = options
        self.process = None
        self.incarnation = 0

    @property
    def is_up(self):
        return self.process is not None

    async def start(self, weight_version, on_exit):
        """Starts the next incarnation; `on_exit(worker, status)` is called
        if it exits without being killed or stopped here."""
        self.incarnation += 1
        name = f"worker{self.index}-{self.incarnation}"
        args = [self.binary, "--port", str(self.port), "--tokenizer-path", self.tokenizer,
                "--record-file", os.path.join(self.records_dir, name + ".jsonl"),
                "--weight-version", str(weight_version), *self.options]
        log = open(os.path.join(self.logs_dir, name + ".log"), "wb")
        process = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, stderr=log)
        log.close()
        # It prints "mock-sglang listening on ..." once its socket accepts.
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if b"listening" not in line:
            process.kill()
            await process.wait()
            raise RuntimeError(f"{name} did not start (see {self.logs_dir}/{name}.log): {line!r}")
        self.process = process
        asyncio.ensure_future(self._watch(process, on_exit))

    async def _watch(self, process, on_exit):
        status = await process.wait()
        if self.process is process:  # nobody here ended it
            self.process = None
            on_exit(self, status)

    async def kill(self):
        process, self.process = self.process, None
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async def stop(self):
        if self.process is not None:
            process, self.process = self.process, None
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except asyncio.TimeoutError:
                process.kill()
                await process.wait()


class Fleet:
    """Workers, their kills and restarts, and weight updates. Every change
    of the set of live workers is logged with its time (time.monotonic())."""

    def __init__(self, workers):
        self.workers = workers
        self.weight_version = 1
        self.events = []  # (time, worker index, "up" | "down")
        self.kills = 0
        self.weight_updates = 0
        self.unexpected_exits = []  # (time, worker index, exit status)

    async def start_all(self):
        for w in self.workers:
            await self.restart(w)

    async def restart(self, worker):
        if worker.is_up:  # came back already (after dying on its own)
            return
        await worker.start(self.weight_version, self._exited)
        self.events.append((time.monotonic(), worker.index, "up"))

    def _exited(self, worker, status):
        """A worker died on its own: a finding. It counts as down, and is
        brought back as a killed one would be."""
        now = time.monotonic()
        self.unexpected_exits.append((now, worker.index, status))
        self.events.append((now, worker.index, "down"))
        asyncio.ensure_future(self._restart_later(worker, 1.0))

    async def kill(self, worker):
        # Down from the moment the signal is sent: the router may see it
        # before the process is reaped. (Gathered kills all log and signal
        # before any of them waits.)
        self.events.append((time.monotonic(), worker.index, "down"))
        self.kills += 1
        await worker.kill()

    async def chaos(self, until, kill_every, restart_after, outage_at, outage_seconds, rng):
        """Until `until`: every `kill_every` seconds SIGKILL a random live
        worker (never the last one) and restart it `restart_after` (a (low,
        high) range) seconds later; at `outage_at`, once, kill every worker
        and restart them all `outage_seconds` later."""
        pending = {}  # worker index -> its restart task
        outage_done = outage_at is None
        try:
            while True:
                await asyncio.sleep(kill_every)
                now = time.monotonic()
                if now >= until:
                    break
                if not outage_done and now >= outage_at:
                    outage_done = True
                    await asyncio.gather(*pending.values())
                    await asyncio.gather(*(self.kill(w) for w in self.workers if w.is_up))
                    await asyncio.sleep(outage_seconds)
                    for w in self.workers:  # one after another: the first is back sooner
                        await self.restart(w)
                    continue
                live = [w for w in self.workers if w.is_up]
                if len(live) < 2:
                    continue
                victim = rng.choice(live)
                await self.kill(victim)
                pending[victim.index] = asyncio.ensure_future(self._restart_later(victim, rng.uniform(*restart_after)))
                pending[victim.index].add_done_callback(lambda _, i=victim.index: pending.pop(i, None))
        finally:
            await asyncio.gather(*pending.values())

    async def _restart_later(self, worker, delay):
        await asyncio.sleep(delay)
        await self.restart(worker)

    async def weight_updates_every(self, seconds, until, post):
        """A new weight version every `seconds`, sent to the live workers
        (`post(url, path, obj)`); restarted workers start with the current one."""
        while time.monotonic() + seconds < until:
            await asyncio.sleep(seconds)
            self.weight_version += 1
            self.weight_updates += 1
            for w in self.workers:
                if w.is_up:
                    try:
                        await post(w.url, "/update_weight_version", {"new_version": str(self.weight_version)})
                    except Exception:
                        pass  # killed meanwhile: it restarts with the current version

    def all_down_windows(self, end):
        """[(start, stop)] while no worker was up."""
        up = set()
        windows, start = [], None
        for t, index, what in sorted(self.events):
            (up.add if what == "up" else up.discard)(index)
            if not up and start is None:
                start = t
            elif up and start is not None:
                windows.append((start, t))
                start = None
        if start is not None:
            windows.append((start, end))
        return windows

    def any_down_between(self, start, stop):
        return any(start <= t <= stop for t, _, what in self.events if what == "down")

    def down_windows(self, end):
        """Per worker: [(start, stop)] while it was down."""
        since = {}
        windows = []
        for t, index, what in sorted(self.events):
            if what == "down":
                since[index] = t
            elif index in since:
                windows.append((index, since.pop(index), t))
        windows += [(index, t, end) for index, t in since.items()]
        return windows

    async def stop_all(self):
        for w in self.workers:
            await w.stop()


def vm_rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return None


class Router:
    def __init__(self, binary, port, args, log_path):
        self.binary, self.port, self.args, self.log_path = binary, port, args, log_path
        self.url = f"http://127.0.0.1:{port}"
        self.process = None
        self.rss = []  # (time, kB)

    async def start(self):
        log = open(self.log_path, "wb")
        self.process = await asyncio.create_subprocess_exec(
            self.binary, "--port", str(self.port), *self.args, stdout=log, stderr=asyncio.subprocess.STDOUT)
        log.close()

    async def sample_rss(self, every, stop):
        while not stop.is_set() and self.process.returncode is None:
            kb = vm_rss_kb(self.process.pid)
            if kb is not None:
                self.rss.append((time.monotonic(), kb))
            try:
                await asyncio.wait_for(stop.wait(), every)
            except asyncio.TimeoutError:
                pass

    async def terminate_and_time(self, limit):
        """SIGTERM; returns (exit status or None if still running after
        `limit` seconds, seconds to exit)."""
        t0 = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status = await asyncio.wait_for(self.process.wait(), limit)
        except asyncio.TimeoutError:
            status = None
        return status, time.monotonic() - t0

    async def kill(self):
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
