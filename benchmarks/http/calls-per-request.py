#!/usr/bin/env python3
"""Calls per request to some functions (swift_retain, swift_release, malloc...),
from callgrind's output kept by instructions.sh --keep: callgrind_annotate's
caller tree counts each call at its callers, whose counts add up.

    usage: benchmarks/http/calls-per-request.py CALLGRIND_OUT REQUESTS FUNCTION...
"""
import re
import subprocess
import sys

if len(sys.argv) < 4:
    sys.exit(__doc__)
path, requests, functions = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
tree = subprocess.run(
    ["callgrind_annotate", "--tree=caller", "--threshold=100", path],
    capture_output=True, text=True, check=True).stdout

calls = dict.fromkeys(functions, 0)
callers = []  # the "<" lines above the function they call
for line in tree.splitlines():
    if re.match(r"\s*[\d,]+ .*<\s", line):
        callers.append(line)
        continue
    callee = re.search(r"\*\s+\S*?:(\S+) \[", line)
    if callee and callee.group(1) in calls:
        for caller in callers:
            count = re.findall(r"\(([\d,]+)x\)", caller)
            if count:
                calls[callee.group(1)] += int(count[-1].replace(",", ""))
    callers = []
for function, count in calls.items():
    print(f"{function}: {count / requests:.1f} per request")
