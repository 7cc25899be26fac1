"""CI quality gate: extraction quality on the seed and dev sets must not fall under
the floors pinned in ``eval_floors.json`` (raise them with ``scripts/pin_floors.py``).

The sets live outside the repository (``../shared/eval`` or ``$PLACARD_EVAL_DIR``);
the gate skips when they are absent.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from placard import scoring

FLOORS_PATH = Path(__file__).with_name("eval_floors.json")
FLOORS: dict = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
EVAL_DIR = Path(os.environ.get("PLACARD_EVAL_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "eval")
TOLERANCE = 1e-9


def _set_dir(name: str) -> Path:
    path = EVAL_DIR / name
    if not (path / "docs.jsonl").is_file() or not (path / "gold.jsonl").is_file():
        pytest.skip(f"eval set {name!r} not found under {EVAL_DIR}")
    return path


@pytest.fixture(scope="module")
def pipeline():
    from placard.pipeline import Pipeline

    return Pipeline.default()


@pytest.fixture(scope="module")
def evaluated(pipeline):
    """Runs each set once per module and keeps its report."""
    cache: dict[str, scoring.Report] = {}

    def get(name: str) -> scoring.Report:
        if name not in cache:
            path = _set_dir(name)
            cache[name] = scoring.evaluate(path / "docs.jsonl", path / "gold.jsonl", pipeline)
        return cache[name]

    return get


def _floor_cases():
    return [
        pytest.param(set_name, lang, figure, floor, id=f"{set_name}-{lang}-{figure}")
        for set_name, langs in FLOORS.items()
        for lang, figures in langs.items()
        for figure, floor in figures.items()
    ]


def test_eval_gate_floors_file_names_known_figures():
    for set_name, langs in FLOORS.items():
        assert set_name in {"seed", "dev"}, set_name
        for lang, figures in langs.items():
            assert lang in {"en", "ru", "kk", "all"}, lang
            for figure, floor in figures.items():
                assert figure in scoring.FIGURES, figure
                assert 0.0 <= floor <= 1.0, (set_name, lang, figure, floor)
    assert FLOORS["seed"]["all"]["f1"] == 1.0


@pytest.mark.parametrize("set_name, lang, figure, floor", _floor_cases())
def test_eval_gate_figure_holds_its_floor(evaluated, set_name, lang, figure, floor):
    report = evaluated(set_name)
    value = report.figure(lang, figure)
    # a pinned figure that can no longer be computed (no pairs, no docs) is a regression too
    assert value is not None, f"{set_name}/{lang}/{figure}: no value (floor {floor})"
    assert value >= floor - TOLERANCE, f"{set_name}/{lang}/{figure}: {value:.4f} < floor {floor:.2f}"


def test_eval_gate_seed_events_match_field_by_field(evaluated):
    report = evaluated("seed")
    (doc,) = report.docs
    assert report.figure("all", "f1") == 1.0, scoring.format_diagnostics(scoring.per_doc_diagnostics(report))
    assert len(doc.pairs) == 3
    for gi, si in doc.pairs:
        gold, found = doc.gold[gi], doc.system[si]
        label = scoring.describe_event(gold)
        assert found.get("form") == gold["form"], label
        assert found.get("status") == gold["status"], label
        assert found.get("date") == gold["date"], label
        assert scoring.size_class(found) == scoring.size_class(gold), label
    assert sorted(doc.system[si].get("date") or "" for _, si in doc.pairs) == ["", "XXXX-05-16", "XXXX-06-03"]

    events = doc.system
    target_words = {scoring.last_word(t) for e in events for t in e.get("targets") or []}
    assert "toqaev" in target_words
    response_types = {t for e in events for t in scoring.record_responses(e)}
    assert {"meeting-refused", "ignored"} <= response_types
