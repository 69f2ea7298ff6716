"""Runs every benchmark and prints one Markdown table: `.venv/bin/python -m tests.benchmarks`.

Each benchmark runs in its own process (its memory and time are its own) and prints
``key: value`` lines; this collects them. ``--quick`` runs small sizes (a smoke test of the
benchmarks themselves, numbers not comparable). Name benchmarks to run only those:
``python -m tests.benchmarks updates cluster``. Options a benchmark knows are passed on to it:
``python -m tests.benchmarks updates --json docs/benchmarks/updates.json``.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
# name → (module, title, full-size arguments, quick arguments); missing modules are skipped.
BENCHMARKS = {
    "updates": (
        "bench_updates",
        "(a) update handling: check-in taps vs. the floor bot and echo bots (SQLite, PostgreSQL)",
        [],
        ["--youths", "5", "--rounds", "2"],
    ),
    "fanout": (
        "bench_fanout",
        "(b) fan-out: 10,000 due check-ins, Telegram limits on",
        [],
        ["--youths", "200"],
    ),
    "summaries": (
        "bench_summaries",
        "(c) weekly summaries with charts for 1,000 youths",
        [],
        ["--youths", "50"],
    ),
    "cluster": (
        "bench_webhook_cluster",
        "(d) 2 webhook instances, PostgreSQL + Redis, burst of 5,000 updates",
        [],
        ["--youths", "10", "--messages", "10"],
    ),
    "console": (
        "bench_console",
        "(e) web console: a mentor's overview of 40 young people (server time)",
        [],
        ["--youths", "10", "--runs", "3"],
    ),
    "crisis": (
        "bench_crisis",
        "(f) crisis screen: cost per 500-character message",
        [],
        ["--rounds", "200"],
    ),
}
LINE = re.compile(r"^\s*([^:]{1,60}):\s+(.+?)\s*$")


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return (
        f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}"
    )


def run(module: str, args: list[str]) -> tuple[int, list[tuple[str, str]], float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", f"tests.benchmarks.{module}", *args],
        capture_output=True,
        text=True,
        cwd=HERE.parent.parent,
    )
    rows = [
        (m.group(1), m.group(2)) for line in result.stdout.splitlines() if (m := LINE.match(line))
    ]
    return result.returncode, rows, time.perf_counter() - started, result.stderr[-2000:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Fremad's benchmarks; print one table.")
    parser.add_argument("names", nargs="*", help=f"only these of {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args, passed_on = parser.parse_known_args(argv)
    names = args.names or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    print(f"Machine: {machine()}\n")
    print("| benchmark | measure | value |\n|---|---|---|")
    failed = 0
    for name in names:
        module, title, full, quick = BENCHMARKS[name]
        if not (HERE / f"{module}.py").exists():
            print(f"| {title} | — | not present ({module}.py) |")
            continue
        code, rows, seconds, errors = run(module, [*(quick if args.quick else full), *passed_on])
        for index, (key, value) in enumerate(rows):
            print(f"| {title if index == 0 else ''} | {key} | {value} |")
        if not rows:
            print(f"| {title} | error | exit {code}: {errors.strip().splitlines()[-1:]} |")
        print(f"| | wall time (s) | {seconds:.0f} |")
        failed += code != 0
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
