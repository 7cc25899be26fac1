#!/usr/bin/env python3
"""Pin the quality gate's floors (tests/eval_floors.json) at today's figures.

Runs the pipeline over the seed and dev sets, scores them, and writes every
figure rounded DOWN to two decimals. Figures that cannot be computed (no pairs)
are left out. Prints what moved; a floor that went down is a regression to look at.

    python scripts/pin_floors.py                 # write tests/eval_floors.json
    python scripts/pin_floors.py --dry-run       # only show the changes
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from placard import scoring  # noqa: E402

LANGS = {"seed": ("all",), "dev": ("en", "ru", "kk", "all")}


def round_down(value: float) -> float:
    # the epsilon keeps 0.29 (stored as 0.28999...) at 0.29
    return math.floor(value * 100 + 1e-9) / 100


def current_floors(eval_dir: Path) -> dict:
    from placard.pipeline import Pipeline

    pipeline = Pipeline.default()
    floors: dict = {}
    for set_name, langs in LANGS.items():
        report = scoring.evaluate(eval_dir / set_name / "docs.jsonl", eval_dir / set_name / "gold.jsonl", pipeline)
        print(f"== {set_name}\n{scoring.format_table(report)}\n", file=sys.stderr)
        floors[set_name] = {
            lang: {f: round_down(v) for f in scoring.FIGURES if (v := report.figure(lang, f)) is not None}
            for lang in langs if lang in report.tallies
        }
    return floors


def changes(old: dict, new: dict) -> list[str]:
    lines = []
    for set_name, langs in new.items():
        for lang, figures in langs.items():
            for figure, value in figures.items():
                before = old.get(set_name, {}).get(lang, {}).get(figure)
                if before != value:
                    mark = "  LOWER" if before is not None and value < before else ""
                    lines.append(f"{set_name}/{lang}/{figure}: {before} -> {value}{mark}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_eval = os.environ.get("PLACARD_EVAL_DIR") or REPO.parent / "shared" / "eval"
    parser.add_argument("--eval-dir", type=Path, default=Path(default_eval))
    parser.add_argument("--floors", type=Path, default=REPO / "tests" / "eval_floors.json")
    parser.add_argument("--dry-run", action="store_true", help="show the changes, write nothing")
    args = parser.parse_args(argv)

    if not args.eval_dir.is_dir():
        parser.error(f"no eval sets at {args.eval_dir}")
    old = json.loads(args.floors.read_text(encoding="utf-8")) if args.floors.is_file() else {}
    new = current_floors(args.eval_dir)
    print("\n".join(changes(old, new)) or "no change")
    if not args.dry_run:
        args.floors.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.floors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
