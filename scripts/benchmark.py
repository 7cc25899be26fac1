#!/usr/bin/env python3
"""Throughput and memory of the extraction pipeline on one core.

Runs the default pipeline over the dev documents (or the package's example
articles), repeated with unique ids up to ``--repeat-to`` documents, pinned to
one CPU. Set-up (building the stages) and the first document (lazy loads) are
timed apart from throughput; peak memory is the process's max RSS.

    python scripts/benchmark.py                       # ../shared/eval/dev/docs.jsonl
    python scripts/benchmark.py --docs my.jsonl --repeat-to 2000 --json
    python scripts/benchmark.py --examples            # placard/examples/, no shared data needed
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from placard.records import Document  # noqa: E402

TARGET_DOCS_PER_SECOND = 100


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        return "pinned to one core"
    return "not pinned (no sched_setaffinity here)"


def peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def default_docs_path() -> Path:
    eval_dir = os.environ.get("PLACARD_EVAL_DIR") or REPO.parent / "shared" / "eval"
    return Path(eval_dir) / "dev" / "docs.jsonl"


def load_documents(path: Path) -> list[Document]:
    if path.is_file() and path.suffix == ".jsonl":
        from placard.scoring import load_jsonl

        fields = {f.name for f in dataclasses.fields(Document)}
        return [Document(**{k: v for k, v in row.items() if k in fields}) for row in load_jsonl(path)]
    from placard.reading import iter_documents  # .txt/.html files and folders of them

    return [d for d in iter_documents([path]) if isinstance(d, Document)]


def repeat_to(docs: list[Document], n: int) -> list[Document]:
    """The documents cycled until there are ``n``, each copy with its own id."""
    if not docs:
        return []
    out = []
    for i in range(max(n, len(docs))):
        doc = docs[i % len(docs)]
        out.append(dataclasses.replace(doc, id=f"{doc.id}#{i // len(docs)}"))
    return out


class TimedStage:
    """Wraps a stage and adds up the time spent in it."""

    def __init__(self, stage):
        self.stage = stage
        self.name = stage.name
        self.seconds = 0.0

    def __call__(self, article):
        start = time.perf_counter()
        try:
            return self.stage(article)
        finally:
            self.seconds += time.perf_counter() - start


def benchmark(docs: list[Document]) -> dict:
    from placard.pipeline import Pipeline

    start = time.perf_counter()
    built = Pipeline.default()
    setup_s = time.perf_counter() - start
    rss_after_setup = peak_rss_mib()

    stages = [TimedStage(s) for s in built.stages]
    pipeline = Pipeline(stages)
    start = time.perf_counter()
    pipeline.run(docs[0])  # lazy loads happen here, outside the throughput figure
    first_doc_s = time.perf_counter() - start
    for s in stages:
        s.seconds = 0.0

    events = errors = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for doc in docs:
        result = pipeline.run(doc)
        events += len(result.events)
        errors += result.error is not None
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0

    n = len(docs)
    chars = sum(len(d.text or d.html or "") for d in docs)
    return {
        "docs": n,
        "distinct_docs": len({d.id.rsplit("#", 1)[0] for d in docs}),
        "chars_per_doc": round(chars / n),
        "setup_s": round(setup_s, 3),
        "first_doc_s": round(first_doc_s, 4),
        "wall_s": round(wall, 3),
        "docs_per_s": round(n / wall, 1),
        "ms_per_doc": round(1000 * wall / n, 3),
        "cpu_ms_per_doc": round(1000 * cpu / n, 3),
        "peak_rss_mib_after_setup": round(rss_after_setup, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "events": events,
        "errors": errors,
        "stages_ms_per_doc": {s.name: round(1000 * s.seconds / n, 4) for s in stages},
        "meets_target": n / wall >= TARGET_DOCS_PER_SECOND,
    }


def format_report(r: dict, source: str, pinning: str) -> str:
    lines = [
        f"source      {source} ({pinning})",
        f"documents   {r['docs']} ({r['distinct_docs']} distinct, {r['chars_per_doc']} chars each on average)",
        f"set-up      {r['setup_s']:.3f} s, peak RSS {r['peak_rss_mib_after_setup']:.0f} MiB",
        f"first doc   {r['first_doc_s'] * 1000:.1f} ms",
        f"throughput  {r['docs_per_s']:.1f} docs/s ({r['ms_per_doc']:.2f} ms/doc wall, "
        f"{r['cpu_ms_per_doc']:.2f} ms/doc CPU); target {TARGET_DOCS_PER_SECOND}/s "
        f"{'met' if r['meets_target'] else 'NOT MET'}",
        f"peak RSS    {r['peak_rss_mib']:.0f} MiB",
        f"output      {r['events']} events, {r['errors']} documents with errors",
        "",
        f"{'stage':<12}{'ms/doc':>10}{'share':>8}",
    ]
    total = sum(r["stages_ms_per_doc"].values()) or 1.0
    for name, ms in r["stages_ms_per_doc"].items():
        lines.append(f"{name:<12}{ms:>10.3f}{ms / total:>8.0%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--docs", type=Path, help="documents (.jsonl, or files/folders the reader takes)")
    source.add_argument("--examples", action="store_true", help="use placard/examples/")
    parser.add_argument("--repeat-to", type=int, default=1000, metavar="N", help="documents to run (default 1000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    path = args.docs
    if path is None and not args.examples and default_docs_path().is_file():
        path = default_docs_path()
    if path is None:
        path = REPO / "placard" / "examples"
        if not path.exists():
            parser.error(f"no documents: neither the dev set nor {path} exists")
    docs = load_documents(path)
    if not docs:
        parser.error(f"no documents read from {path}")

    pinning = pin_one_core()
    figures = benchmark(repeat_to(docs, args.repeat_to))
    if args.json:
        print(json.dumps({"source": str(path), "pinning": pinning, **figures}, indent=2))
    else:
        print(format_report(figures, str(path), pinning))
    return 0


if __name__ == "__main__":
    sys.exit(main())
