"""Pieces shared by the benchmark report writers (benchmarks/*/report.py):
the arguments every run.sh passes, reading results.jsonl, and the
description of the machine, load and versions a result was measured with.

A report imports it with:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
    import report_common
"""
import argparse
import datetime
import json
import os
import platform


def argument_parser(description=None):
    """A parser with the arguments every run.sh passes: the results file,
    the command line that reproduces the run, the load average before and
    after, and the versions measured (one a line)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("results")
    parser.add_argument("--command", required=True)
    parser.add_argument("--load", nargs=2, required=True)
    parser.add_argument("--versions", required=True)
    return parser


def read_rows(path):
    """The JSON objects of a results.jsonl, one a non-empty line."""
    with open(path) as lines:
        return [json.loads(line) for line in lines if line.strip()]


def cpu_model():
    """The CPU's model name, from /proc/cpuinfo."""
    with open("/proc/cpuinfo") as lines:
        return next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), "?")


def machine():
    """CPU model, core counts (all, and those this process may use) and OS."""
    return (f"{cpu_model()}, {os.cpu_count()} cores (`nproc` {len(os.sched_getaffinity(0))}), "
            f"{platform.system()} {platform.release()}")


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def load_averages(load):
    """run.sh's two `--load` values ("1.0 0.9 0.8" each) as "1.0 / 0.9 / 0.8"."""
    return tuple(" / ".join(value.split()) for value in load)


def versions(text):
    """run.sh's `--versions` lines, joined with "; "."""
    return "; ".join(v for v in text.splitlines() if v)
