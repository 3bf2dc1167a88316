#!/usr/bin/python3
"""Scrapes a /metrics endpoint and parses it with Debian's python3-prometheus-client, the reference text parser.

Usage: /usr/bin/python3 scrape_metrics.py URL
Prints one JSON object: {"families": {name: type}, "samples": [[sample name, {label: value}, value], ...]}.
A body the parser rejects fails the scrape (exit 1 with the parser's message); the xunit tests (MetricsTests)
assert on the samples.
"""
import json
import sys
import urllib.request

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError as missing:
    print(f"{sys.executable} cannot import {missing.name}: install python3-prometheus-client "
          "(tests/run.sh installs it)", file=sys.stderr)
    sys.exit(3)


def main(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        content_type = response.headers.get("Content-Type", "")
        body = response.read().decode("utf-8")
    families = {}
    samples = []
    for family in text_string_to_metric_families(body):
        families[family.name] = family.type
        for sample in family.samples:
            samples.append([sample.name, dict(sample.labels), sample.value])
    print(json.dumps({"contentType": content_type, "families": families, "samples": samples}))


if __name__ == "__main__":
    main(sys.argv[1])
