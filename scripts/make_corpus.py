#!/usr/bin/env python3
"""A corpus of N documents for benchmarks, made from the project's own example articles.

Repeats ``placard/examples/`` (news.jsonl, the .txt and .html pages) with
variations so that no two documents are the same: a new id, a publication
date moved by up to a year, English city names swapped from a list, and
numbers changed. Deterministic for a given ``--seed``. Never uses /work/shared.

    python scripts/make_corpus.py 10000 --out /tmp/corpus-10k.jsonl
"""
from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "placard" / "examples"
# Cities named in the English examples, and the ones they may become (uninflected
# languages only: Russian and Kazakh names change form with their case).
EN_CITIES = ("Almaty", "Nairobi", "Lyon")
EN_REPLACEMENTS = ("Almaty", "Astana", "Karaganda", "Aktobe", "Pavlodar", "Kostanay", "Semey", "Atyrau",
                   "Taraz", "Shymkent", "Nairobi", "Mombasa", "Lyon", "Marseille", "Toulouse")
_CITY = re.compile(r"\b(" + "|".join(EN_CITIES) + r")\b")
_NUMBER = re.compile(r"(?<![\d-])\d{2,4}(?![\d-])")


def example_documents() -> list[dict]:
    docs = [json.loads(line) for line in (EXAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix in (".txt", ".html"):
            field = "text" if path.suffix == ".txt" else "html"
            docs.append({"id": path.stem, field: path.read_text(encoding="utf-8"), "published": "2024-05-02"})
    return docs


def _vary_number(match: re.Match, rng: random.Random) -> str:
    value = int(match.group())
    if 1900 <= value <= 2100:
        return match.group()  # a year: keep the story's dates consistent
    return str(max(10, value + rng.randint(-value // 3, value // 3)))


def vary(doc: dict, number: int, rng: random.Random) -> dict:
    out = dict(doc, id=f"{doc['id']}-{number:07d}")
    city = rng.choice(EN_REPLACEMENTS)
    for field in ("text", "html"):
        body = out.get(field)
        if not body:
            continue
        if out.get("lang", "en") == "en" or field == "html":
            body = _CITY.sub(city, body)
        out[field] = _NUMBER.sub(lambda m: _vary_number(m, rng), body)
    if out.get("published"):
        day = datetime.date.fromisoformat(out["published"]) + datetime.timedelta(days=rng.randint(-180, 180))
        out["published"] = day.isoformat()
    if out.get("url"):
        out["url"] = f"{out['url']}-{number}"
    return out


def write_corpus(size: int, out: Path, seed: int = 5) -> None:
    rng = random.Random(seed)
    examples = example_documents()
    with open(out, "w", encoding="utf-8") as handle:
        for number in range(size):
            handle.write(json.dumps(vary(examples[number % len(examples)], number, rng), ensure_ascii=False) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int, help="number of documents")
    parser.add_argument("--out", type=Path, required=True, help="the JSONL file to write")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    write_corpus(args.size, args.out, args.seed)
    print(f"{args.size} documents -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
