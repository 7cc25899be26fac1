#!/usr/bin/env python3
"""How time and memory grow with the input: placard extract over 1k, 10k, 100k documents.

For every size a corpus is generated (scripts/make_corpus.py: the project's own
example articles, varied), then each mode runs as a subprocess:
``placard extract --workers N`` for every N given, and ``placard spark ...
--master local[2]`` with --spark (skipped when ``placard spark --help`` fails).
Wall time includes start-up (building the pipeline); docs/s is size / wall time.
Peak RSS is the largest single process (the command or one of its workers),
from ru_maxrss of the waited-for children, measured in a fresh wrapper per run.

    python scripts/benchmark_scale.py --sizes 1000 10000 --workers 1 2
    python scripts/benchmark_scale.py --sizes 1000 10000 100000 --workers 1 2 --spark --json results.json
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from make_corpus import write_corpus  # noqa: E402

# Runs one command and reports its wall time and its children's peak RSS (KiB on Linux).
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": code, "wall_s": wall, "peak_rss_kib": peak}))
"""


def placard_command() -> list[str]:
    found = shutil.which("placard", path=str(Path(sys.executable).parent)) or shutil.which("placard")
    return [found] if found else [sys.executable, "-m", "placard.cli"]


def measure(command: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def spark_available(placard: list[str]) -> bool:
    return subprocess.run([*placard, "spark", "--help"], capture_output=True).returncode == 0


def run(sizes: list[int], workers: list[int], spark: bool, folder: Path) -> list[dict]:
    placard = placard_command()
    modes = [(f"workers={n}", n) for n in workers]
    if spark:
        if spark_available(placard):
            modes.append(("spark local[2]", None))
        else:
            print("spark: skipped ('placard spark --help' failed)", file=sys.stderr)
    rows = []
    for size in sizes:
        corpus = folder / f"corpus-{size}.jsonl"
        write_corpus(size, corpus)
        for label, n in modes:
            if n is None:
                output = folder / f"spark-{size}"
                command = [*placard, "spark", str(corpus), "--output", str(output), "--master", "local[2]"]
            else:
                command = [*placard, "extract", str(corpus), "--workers", str(n), "--no-progress",
                           "-o", os.devnull]
            result = measure(command)
            row = {"size": size, "mode": label, "wall_s": round(result["wall_s"], 2),
                   "docs_per_s": round(size / result["wall_s"], 1),
                   "peak_rss_mib": round(result["peak_rss_kib"] / 1024, 1), "rc": result["rc"]}
            rows.append(row)
            print(f"{size:>8}  {label:<15} {row['wall_s']:>9.2f} s {row['docs_per_s']:>9.1f} docs/s "
                  f"{row['peak_rss_mib']:>8.1f} MiB  rc={row['rc']}", file=sys.stderr, flush=True)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| documents | mode | wall (s) | docs/s | peak RSS (MiB) |", "|---:|---|---:|---:|---:|"]
    lines += [f"| {r['size']:,} | {r['mode']} | {r['wall_s']:.2f} | {r['docs_per_s']:.1f} | {r['peak_rss_mib']:.1f} |"
              for r in rows]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--spark", action="store_true", help="also placard spark --master local[2]")
    parser.add_argument("--json", dest="json_path", metavar="FILE", help="also write the rows as JSON here")
    parser.add_argument("--keep", metavar="DIR", help="keep the corpora and outputs here (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        rows = run(args.sizes, args.workers, args.spark, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="placard-bench-") as folder:
            rows = run(args.sizes, args.workers, args.spark, Path(folder))
    print(table(rows))
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["rc"] in (0, 1) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
