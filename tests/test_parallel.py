"""``--workers N``: the same output, in the same order, as one process."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import placard
from placard.cli import main
from placard.parallel import run_item, run_items
from placard.pipeline import Pipeline
from placard.reading import ReadFailure
from placard.records import Article, Document
from placard.store import Store

EXAMPLES = Path(placard.__file__).parent / "examples"


def _corpus(tmp_path) -> Path:
    """The examples three times over under new ids, with two broken lines among them."""
    lines = []
    examples = [json.loads(line) for line in (EXAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    for copy in range(3):
        for doc in examples:
            lines.append(json.dumps({**doc, "id": f"{doc['id']}-{copy}"}, ensure_ascii=False))
        lines.append("{not json")
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_parallel_extract_output_is_the_same_for_one_and_two_workers(tmp_path):
    docs = _corpus(tmp_path)
    one = CliRunner().invoke(main, ["extract", str(docs), "--workers", "1"])
    two = CliRunner().invoke(main, ["extract", str(docs), "--workers", "2"])
    assert one.exit_code == two.exit_code == 1  # the broken lines fail
    assert one.stdout == two.stdout
    records = [json.loads(line) for line in two.stdout.splitlines()]
    assert len(records) == 30 and sum(len(r["events"]) for r in records) > 0
    assert "documents read: 30, skipped: 0, failed: 3" in two.stderr


def test_parallel_ingest_stores_the_same_events_for_one_and_two_workers(tmp_path):
    docs = _corpus(tmp_path)
    stored = []
    for workers in ("1", "2"):
        db = tmp_path / f"w{workers}.db"
        result = CliRunner().invoke(main, ["ingest", str(docs), "--db", str(db), "--workers", workers])
        assert result.exit_code == 1, result.output
        assert "documents read: 30" in result.stdout
        with Store.open(str(db)) as store:
            stored.append(sorted(json.dumps(e.record, sort_keys=True) for e in store.events()))
    assert stored[0] == stored[1] and stored[0]


class _Exploding:
    name = "exploding"

    def __call__(self, article: Article) -> Article:
        if "boom" in article.doc.text:
            raise RuntimeError("stage bug")
        return article.evolve(text=article.doc.text)


def test_parallel_run_item_turns_failures_into_results():
    pipeline = Pipeline([_Exploding()])
    assert run_item(pipeline, ReadFailure("x.jsonl:3", "line 3: invalid JSON", "x.jsonl")).error == "line 3: invalid JSON"
    assert run_item(pipeline, Document(id="b", text="boom")).error == "internal error: RuntimeError: stage bug"
    assert run_item(pipeline, Document(id="c", text="calm")).error is None


@pytest.mark.parametrize("workers", [1, 3])
def test_parallel_run_items_keeps_input_order(workers):
    items = [Document(id=str(n), text=f"Document {n}.", lang="en") for n in range(40)]
    items.insert(7, ReadFailure("bad", "empty document", "x"))
    pairs = list(run_items(items, workers=workers, stage_names=("clean",), chunk=3))
    assert [item for item, _ in pairs] == items
    assert [result.doc_id for _, result in pairs] == [getattr(i, "id", "bad") for i in items]
    assert pairs[7][1].error == "empty document"
