#!/usr/bin/env python3
"""Latency of the signups that overlapped a time window, from pgbench per-transaction logs.

    signup_latency.py --from EPOCH --to EPOCH --key PREFIX LOGFILE...

A pgbench log line (no aggregation) is
    client_id transaction_no latency_us script_no end_epoch_s end_us [...]
A transaction overlaps [from, to] when it ended at or after `from` and started at or before `to`.
Prints tab-separated `PREFIX.n`, `.p99_ms`, `.max_ms`, `.avg_ms` and `.tps` (transactions that
ended inside the window per second of window) for bench/run.sh's results file.
"""
import argparse
import math
import sys


def percentile(sorted_values, p):
    """Nearest-rank percentile: the smallest value with at least p % of values at or below it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--from", dest="start", type=float, required=True)
    parser.add_argument("--to", dest="end", type=float, required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("logs", nargs="+")
    args = parser.parse_args()

    latencies = []
    ended_inside = 0
    for path in args.logs:
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) < 6:
                    continue
                latency_us = int(fields[2])
                end = int(fields[4]) + int(fields[5]) / 1e6
                begin = end - latency_us / 1e6
                if end >= args.start and begin <= args.end:
                    latencies.append(latency_us / 1000)
                if args.start <= end <= args.end:
                    ended_inside += 1
    if not latencies:
        sys.exit(f"signup_latency: no transaction overlapped the window in {args.logs}")
    latencies.sort()
    window = max(args.end - args.start, 1e-9)
    out = {
        "n": len(latencies),
        "p99_ms": round(percentile(latencies, 99), 3),
        "max_ms": round(latencies[-1], 3),
        "avg_ms": round(sum(latencies) / len(latencies), 3),
        "tps": round(ended_inside / window, 1),
    }
    for name, value in out.items():
        print(f"{args.key}.{name}\t{value}")


if __name__ == "__main__":
    main()
