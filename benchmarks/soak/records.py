"""The workers' own records of their generations, and what a conversation's
trajectory must be according to them.

Each mock-sglang incarnation appends one JSON line per answered generation
to its own file (`--record-file`) before the answer leaves, so the records
of a SIGKILLed worker survive it. A kill can still cut the last line short:
such a line has no newline, belongs to an answer that never left, and is
counted as torn.
"""
import glob
import json
import os
import struct


class Record:
    __slots__ = ("rid", "prompt_ids", "output_ids", "logprobs", "weight_version")

    def __init__(self, obj):
        self.rid = obj["rid"]
        self.prompt_ids = obj["prompt_ids"]
        self.output_ids = obj["output_ids"]
        self.logprobs = obj["logprobs"]
        self.weight_version = obj["weight_version"]


class RecordIndex:
    """Finished generations by rid, read incrementally from every
    `*.jsonl` file in a directory while the workers still write them.
    Only rids starting with `prefix` are kept (the conversations'); the
    others are counted."""

    def __init__(self, directory, prefix):
        self.directory = directory
        self.prefix = prefix
        self.offsets = {}  # path -> bytes consumed (whole lines only)
        self.finished = {}  # rid -> [Record]
        self.counts = {"finished": 0, "aborted": 0, "other_rids": 0, "torn_lines": 0}

    def refresh(self):
        for path in glob.glob(os.path.join(self.directory, "*.jsonl")):
            offset = self.offsets.get(path, 0)
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read()
            end = data.rfind(b"\n") + 1
            self.offsets[path] = offset + end
            for line in data[:end].splitlines():
                self._add(json.loads(line))

    def _add(self, obj):
        if obj["aborted"]:
            self.counts["aborted"] += 1
            return
        self.counts["finished"] += 1
        if not obj["rid"].startswith(self.prefix):
            self.counts["other_rids"] += 1
            return
        self.finished.setdefault(obj["rid"], []).append(Record(obj))

    def take(self, rid):
        """The finished records of `rid` (reading what was appended since the
        last look when none is known yet), forgotten afterwards."""
        if rid not in self.finished:
            self.refresh()
        return self.finished.pop(rid, [])

    def count_torn_lines(self):
        """Once every worker is gone: files that end in a partial line."""
        self.refresh()
        self.counts["torn_lines"] = sum(os.path.getsize(path) > offset for path, offset in self.offsets.items())


def bits(values):
    """Doubles as their bit patterns: equal only when bit for bit equal."""
    return [struct.unpack("<q", struct.pack("<d", v))[0] for v in values]


class Mismatch(Exception):
    pass


def pick_record(candidates, output_ids, logprobs):
    """The record of the generation the client got: a rid finished twice
    when a worker was killed after recording it and the router sent it
    again elsewhere; the client's ids and log-probabilities tell which."""
    for record in candidates:
        if record.output_ids == output_ids and bits(record.logprobs) == bits(logprobs):
            return record
    raise Mismatch(f"none of the {len(candidates)} finished record(s) of this rid has the ids and "
                   f"log-probabilities the client got")


def expected_trajectory(turns):
    """(tokens, loss_mask, rollout_logp, weight_versions) of a conversation
    whose turns' records are `turns`, oldest first: the last turn's prompt
    ids and output ids; mask 1, the worker's log-probability and version on
    every turn's output ids; mask 0, 0.0 and no version elsewhere. Each
    turn's prompt must begin with the previous turn's whole trajectory (the
    router sent the cached ids, not a re-tokenization)."""
    last = turns[-1]
    tokens = last.prompt_ids + last.output_ids
    mask = [0] * len(tokens)
    logp = [0.0] * len(tokens)
    versions = [None] * len(tokens)
    for k, record in enumerate(turns):
        start = len(record.prompt_ids)
        if tokens[:start + len(record.output_ids)] != record.prompt_ids + record.output_ids:
            raise Mismatch(f"turn {k + 1}'s prompt ids and output ids are not a prefix of the last turn's prompt")
        for i, lp in enumerate(record.logprobs):
            mask[start + i] = 1
            logp[start + i] = lp
            versions[start + i] = record.weight_version
    return tokens, mask, logp, versions


def check_retrieved(retrieved, turns):
    """Raises Mismatch unless the trainer's `/retrieve_from_text` answer is
    exactly the trajectory the records make."""
    tokens, mask, logp, versions = expected_trajectory(turns)
    if not retrieved.get("exact") or retrieved.get("retokenized_tokens") != 0:
        raise Mismatch(f"exact={retrieved.get('exact')}, {retrieved.get('retokenized_tokens')} token(s) re-tokenized")
    if retrieved.get("rid") != turns[-1].rid:
        raise Mismatch(f"rid {retrieved.get('rid')!r}, expected {turns[-1].rid!r}")
    fields = [("tokens", retrieved.get("tokens"), tokens), ("loss_mask", retrieved.get("loss_mask"), mask),
              ("weight_versions", retrieved.get("weight_versions"), versions)]
    for name, got, want in fields:
        if got != want:
            raise Mismatch(f"{name} differ{first_difference(got, want)}")
    got_logp = retrieved.get("rollout_logp") or []
    if len(got_logp) != len(logp) or bits(got_logp) != bits(logp):
        raise Mismatch(f"rollout_logp differ{first_difference(got_logp, logp)}")
    if retrieved.get("token_length") != len(tokens) or retrieved.get("loss_mask_length") != len(tokens):
        raise Mismatch(f"token_length {retrieved.get('token_length')}, expected {len(tokens)}")


def first_difference(got, want):
    if not isinstance(got, list):
        return f": got {type(got).__name__}"
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return f" at {i} of {len(want)}: got {a!r}, expected {b!r}"
    return f": length {len(got)}, expected {len(want)}"
