"""Parses Prometheus text exposition from stdin with prometheus_client's own
parser (an invalid line raises, and the exit status says so) and prints the
families as JSON: {name: {"type", "samples": [[name, labels, value]]}}.
Used by the router's metrics tests."""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

families = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    if family.name in families:
        sys.exit(f"family {family.name} appears twice")
    families[family.name] = {
        "type": family.type,
        "samples": [[s.name, s.labels, None if math.isinf(s.value) else s.value] for s in family.samples],
    }
json.dump(families, sys.stdout)
