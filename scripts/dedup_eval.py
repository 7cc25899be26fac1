"""Precision and recall of Placard's merging on document pairs.

Each line of the pairs file (default: tests/fixtures/dedup/pairs.jsonl) holds
two short news texts and whether they report the same event (``same``). Both
go through the real pipeline into an empty store, in both orders; the pair is
predicted "same" when some canonical event has both documents as sources.
A pair whose two orders disagree is an error of its own (ingest order must not
matter). Pair precision, recall and F1 follow.

    python scripts/dedup_eval.py                 # SQLite, the bundled pairs
    python scripts/dedup_eval.py --details       # ...and every pair it gets wrong
    python scripts/dedup_eval.py --postgres      # on $PLACARD_TEST_POSTGRES_URL
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from placard.pipeline import Pipeline  # noqa: E402
from placard.records import Document  # noqa: E402
from placard.store.testing import temporary_store  # noqa: E402

PAIRS = REPO / "tests" / "fixtures" / "dedup" / "pairs.jsonl"


def read_pairs(path: Path = PAIRS) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _predict(store, results) -> tuple[bool, int]:
    """Ingest ``results`` in order; (both documents share an event, events stored)."""
    for result in results:
        store.ingest(result)
    events = store.events()
    both = {results[0].doc_id, results[1].doc_id}
    return any(both <= {s.doc_id for s in e.sources} for e in events), len(events)


def evaluate(pairs: list[dict], backend: str = "sqlite", pipeline: Pipeline | None = None) -> dict:
    """Counts and figures; ``rows`` holds one verdict per pair."""
    pipeline = pipeline or Pipeline.default()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n, pair in enumerate(pairs):
            results = [pipeline.run(Document(id=d["id"], text=d["text"], lang=d.get("lang"),
                                             published=d.get("published"), url=d.get("url")))
                       for d in pair["docs"]]
            verdicts = []
            for order, ingest in enumerate((results, results[::-1])):
                with ExitStack() as stack:
                    store = stack.enter_context(temporary_store(backend, Path(folder) / f"{n}-{order}"))
                    verdicts.append(_predict(store, ingest))
            extracted = [len(r.events) for r in results]
            rows.append({"id": pair["id"], "same": pair["same"], "predicted": verdicts[0][0],
                         "order_agrees": verdicts[0] == verdicts[1], "extracted": extracted,
                         "note": pair.get("note", "")})
    tp = sum(r["same"] and r["predicted"] for r in rows)
    fp = sum(not r["same"] and r["predicted"] for r in rows)
    fn = sum(r["same"] and not r["predicted"] for r in rows)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(rows), "same": sum(r["same"] for r in rows), "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1,
            "order_disagreements": sum(not r["order_agrees"] for r in rows), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pairs", nargs="?", type=Path, default=PAIRS)
    parser.add_argument("--postgres", action="store_true", help="use $PLACARD_TEST_POSTGRES_URL, not SQLite")
    parser.add_argument("--details", action="store_true", help="list the pairs it gets wrong")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = evaluate(read_pairs(args.pairs), "postgres" if args.postgres else "sqlite")
    print(f"pairs: {report['pairs']} ({report['same']} same event, {report['pairs'] - report['same']} different)")
    print(f"precision {report['precision']:.2f}  recall {report['recall']:.2f}  F1 {report['f1']:.2f}  "
          f"(tp {report['tp']}, fp {report['fp']}, fn {report['fn']})")
    print(f"pairs whose result depends on ingest order: {report['order_disagreements']}")
    if args.details:
        for row in report["rows"]:
            wrong = row["same"] != row["predicted"] or not row["order_agrees"]
            if wrong:
                print(f"  {row['id']}: same={row['same']} predicted={row['predicted']} "
                      f"order_agrees={row['order_agrees']} events={row['extracted']}  {row['note']}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
