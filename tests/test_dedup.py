"""placard.dedup: which mentions are one event, how they cluster, how records
merge; and the merging's precision and recall on the document pairs of
tests/fixtures/dedup/pairs.jsonl through the real pipeline and store."""
from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import pytest

from placard.dedup import Mention, cluster, match_score, merge_records, merged_date, merged_form, merged_size

REPO = Path(__file__).resolve().parents[1]
PAIRS = REPO / "tests" / "fixtures" / "dedup" / "pairs.jsonl"


def record(**fields) -> dict:
    base = {
        "form": "rally", "status": "occurred", "date": "2024-06-03", "end_date": None,
        "location": {"country": "KZ", "admin1": None, "city": "Almaty", "site": None, "lat": None, "lon": None,
                     "geonames_id": None},
        "participants": {"text": None, "groups": [], "size_min": None, "size_max": None},
        "organizers": [], "claims": [], "targets": [], "responses": [], "evidence": ["A sentence."],
        "confidence": 0.5, "evidence_spans": [[0, 11]],
    }
    for key, value in fields.items():
        if key in ("city", "country", "site", "lat", "lon"):
            base["location"] = {**base["location"], key: value}
        elif key in ("size_min", "size_max", "groups"):
            base["participants"] = {**base["participants"], key: value}
        elif key == "issues":
            base["claims"] = [{"text": "a claim", "issues": list(value)}]
        else:
            base[key] = value
    return base


def mention(doc_id: str, published: str | None = "2024-06-10", ordinal: int = 0, **fields) -> Mention:
    return Mention(doc_id, ordinal, record(**fields), published)


# --- matching --------------------------------------------------------------------


@pytest.mark.parametrize("a, b, same", [
    ({}, {}, True),
    ({"date": "2024-06-03"}, {"date": "2024-06-04"}, False),  # a day apart, both dated in the text
    ({"date": "2024-06-03"}, {"date": "2024-06-04", "published": "2024-06-04"}, True),  # ...dated by publication
    ({"date": "2024-06-04", "published": "2024-06-04"}, {"date": "2024-06-06"}, False),
    ({"date": "2024-06-03"}, {"date": "2024-06-05"}, False),
    ({"date": "2024-06"}, {"date": "2024-06-20"}, True),  # agrees at the month
    ({"date": "2024-07"}, {"date": "2024-06-20"}, False),
    ({"date": "2024"}, {"date": "2024-06-03"}, False),  # a year is too vague
    ({"date": None}, {"date": None}, False),
    ({"date": "XXXX-06-03"}, {"date": "2024-06-03"}, True),
    ({"date": "XXXX-06-03"}, {"date": "2023-06-04"}, True),
    ({"date": "XXXX-06-03"}, {"date": "2024-06-09"}, False),
    ({"date": "2024-06-01", "end_date": "2024-06-10"}, {"date": "2024-06-07"}, True),  # within the run
    ({"date": "2023-06-03"}, {"date": "2024-06-03"}, False),
    ({"city": "Almaty"}, {"city": "Astana"}, False),
    ({"city": "Nur-Sultan"}, {"city": "Astana"}, True),  # renamed
    ({"city": "Uralsk"}, {"city": "Oral"}, True),
    ({"city": None}, {"city": None}, False),
    ({"country": "KZ"}, {"country": "KG"}, False),
    ({"form": "strike"}, {"form": "rally"}, False),
    ({"form": "march"}, {"form": "rally"}, True),
    ({"form": "march"}, {"form": "picket"}, False),
    ({"form": "sit-in"}, {"form": "hunger-strike"}, True),
    ({"form": "other"}, {"form": "strike"}, True),
    ({"form": "blockade"}, {"form": "strike"}, False),
    ({"issues": ["housing"]}, {"issues": ["political-prisoners"]}, False),  # other claims: two events
    ({"issues": ["environment"]}, {"issues": ["public-services"]}, True),  # one family: noisy labels
    ({"issues": ["housing"]}, {"issues": []}, True),
    ({"issues": ["other"]}, {"issues": ["elections"]}, True),
    ({"status": "planned", "published": "2024-06-01"}, {}, True),
    ({"organizers": ["Oyan, Qazaqstan"]}, {"organizers": ["Ata-Zhurt"]}, True),  # a doubt, not a veto
    # Doubts add up: a day's slack, another form, other organisers, other issues of one family.
    ({"organizers": ["Oyan"], "form": "march", "issues": ["housing"]},
     {"organizers": ["Ata-Zhurt"], "issues": ["environment"], "date": "2024-06-04", "published": "2024-06-04"}, False),
])
def test_dedup_match_score(a, b, same):
    x = mention("x", **{"published": "2024-06-10", **a})
    y = mention("y", **{"published": "2024-06-10", **b})
    assert (match_score(x, y) is not None) is same
    assert match_score(x, y) == match_score(y, x)


def test_dedup_never_matches_two_mentions_of_one_document():
    assert match_score(mention("x"), mention("x", ordinal=1)) is None


def test_dedup_match_prefers_what_agrees():
    exact = match_score(mention("x"), mention("y"))
    slack = match_score(mention("x"), mention("y", date="2024-06-04", published="2024-06-04"))
    month = match_score(mention("x"), mention("y", date="2024-06"))
    assert exact > slack > month


# --- clustering ----------------------------------------------------------------------


def _partition(groups) -> set:
    return {frozenset(m.key for m in group) for group in groups}


def test_dedup_cluster_needs_every_pair_to_fit():
    # June 3 and June 20 both fit "June", but not each other: two events.
    mentions = [mention("a", "2024-06-04"), mention("b", "2024-06-25", date="2024-06"),
                mention("c", "2024-06-21", date="2024-06-20")]
    assert len(cluster(mentions)) == 2
    assert frozenset({("a", 0), ("b", 0)}) in _partition(cluster(mentions)) or \
        frozenset({("b", 0), ("c", 0)}) in _partition(cluster(mentions))


def test_dedup_cluster_keeps_one_document_apart():
    mentions = [mention("a"), mention("a", ordinal=1), mention("b"), mention("c")]
    groups = cluster(mentions)
    assert sorted(len(g) for g in groups) == [1, 3]
    assert all(len({m.doc_id for m in g}) == len(g) for g in groups)


def test_dedup_cluster_does_not_depend_on_input_order():
    mentions = [
        mention("a", "2024-06-04"), mention("b", "2024-06-04", date="2024-06-04"),
        mention("c", "2024-06-25", date="2024-06"), mention("d", "2024-06-21", date="2024-06-20"),
        mention("e", "2024-06-22", ordinal=0), mention("e", "2024-06-22", ordinal=1, date="2024-06-20"),
        mention("f", "2024-06-01", status="planned"), mention("g", form="strike"),
        mention("h", city="Nur-Sultan", form="march"), mention("i", city="Astana", issues=["social-benefits"]),
    ]
    expected = _partition(cluster(mentions))
    for order in itertools.islice(itertools.permutations(mentions), 0, 5000, 97):
        assert _partition(cluster(order)) == expected


def test_dedup_cluster_handles_a_crowd_of_reports_quickly():
    import time

    crowd = [mention(f"d{n}", ordinal=k) for n in range(400) for k in range(3)]
    started = time.perf_counter()
    groups = cluster(crowd)
    assert sorted(len(g) for g in groups) == [400, 400, 400]
    assert time.perf_counter() - started < 2.0


# --- merging -----------------------------------------------------------------------------


def test_dedup_merge_of_one_is_the_record_itself():
    only = mention("a", size_min=101, responses=[{"type": "warning", "count": None}])
    assert merge_records([only]) == only.record and merge_records([only]) is not only.record


def test_dedup_merge_rule():
    first = mention("a", "2024-06-03", date="2024-06", size_min=200, size_max=999, form="rally",
                    status="planned", responses=[{"type": "detained", "count": 3}], organizers=["Oyan"],
                    claims=[{"text": "Lower prices", "issues": ["prices-economy"]}], evidence=["First."],
                    confidence=0.5)
    second = mention("b", "2024-06-04", date="2024-06-04", size_min=1000, size_max=1000, form="march",
                     city="Almaty", lat=43.25, lon=76.95, status="occurred",
                     responses=[{"type": "detained", "count": 7}, {"type": "dispersed", "count": None}],
                     organizers=["OYAN", "Ata-Zhurt"], claims=[{"text": "lower prices", "issues": []}],
                     evidence=["Second."], confidence=0.5)
    third = mention("c", "2024-06-05", date="2024-06-03", site="Republic Square", evidence=["Third."],
                    confidence=0.0)
    merged = merge_records([third, second, first])  # input order does not matter
    assert merged["date"] == "2024-06-03"  # a day beats the month; of two days, the earliest
    assert merged["form"] == "march" and merged["status"] == "occurred"
    assert (merged["participants"]["size_min"], merged["participants"]["size_max"]) == (200, 1000)
    assert merged["responses"] == [{"type": "detained", "count": 7}, {"type": "dispersed", "count": None}]
    assert merged["organizers"] == ["Oyan", "Ata-Zhurt"]
    assert merged["claims"] == [{"text": "Lower prices", "issues": ["prices-economy"]}]
    assert merged["location"]["lat"] == 43.25 and merged["location"]["site"] == "Republic Square"
    assert merged["evidence"] == ["First."] and merged["evidence_spans"] == [[0, 11]]  # the first published
    assert merged["confidence"] == 0.75


@pytest.mark.parametrize("dates, expected", [
    (["2024-06", "2024-06-04", "2024-06-03"], "2024-06-03"),
    (["2024", "2024-06"], "2024-06"),
    (["XXXX-06-03", "2024-06"], "2024-06-03"),  # the year-less day borrows the year
    (["XXXX-06-03", "XXXX-06-04"], "XXXX-06-03"),
    ([None, "2024-06-03"], "2024-06-03"),
    ([None, None], None),
])
def test_dedup_merged_date(dates, expected):
    assert merged_date(dates) == expected


@pytest.mark.parametrize("bounds, expected", [
    ([(200, 999), (1000, 1000)], (200, 1000)),
    ([(50, 50), (24, 99)], (24, 99)),
    ([(101, None), (200, 999)], (101, 999)),
    ([(101, None), (None, None)], (101, None)),
    ([(None, 50), (None, 20)], (None, 50)),
    ([(5000, None), (None, 1000)], (1000, 5000)),  # contradicting ends: span every number given
])
def test_dedup_merged_size_spans_the_sources(bounds, expected):
    assert merged_size(bounds) == expected


@pytest.mark.parametrize("forms, expected", [
    (["rally", "march"], "march"),
    (["rally", "other"], "rally"),
    (["other", "other"], "other"),
    (["rally", "riot", "rally"], "riot"),
    (["march", "picket", "picket"], "picket"),
    (["march", "picket"], "march"),
])
def test_dedup_merged_form_is_the_most_specific(forms, expected):
    assert merged_form(forms) == expected


# --- the document pairs ------------------------------------------------------------------


def _pairs() -> list[dict]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_dedup_pairs_fixture_is_well_formed():
    pairs = _pairs()
    assert len(pairs) >= 40 and len({p["id"] for p in pairs}) == len(pairs)
    assert {True, False} == {p["same"] for p in pairs}
    assert min(sum(p["same"] is s for p in pairs) for s in (True, False)) >= 15
    langs = {d["lang"] for p in pairs for d in p["docs"]}
    assert langs == {"en", "ru", "kk"}
    for pair in pairs:
        assert len(pair["docs"]) == 2 and pair["docs"][0]["id"] != pair["docs"][1]["id"]
        assert all(d["text"].strip() and d["published"] for d in pair["docs"])
    # Both kinds of pair in two languages, not only within one.
    assert any(p["same"] and p["docs"][0]["lang"] != p["docs"][1]["lang"] for p in pairs)


def test_dedup_pairs_precision_and_recall_hold_their_floors():
    spec = importlib.util.spec_from_file_location("dedup_eval", REPO / "scripts" / "dedup_eval.py")
    dedup_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dedup_eval)
    report = dedup_eval.evaluate(dedup_eval.read_pairs(PAIRS))
    assert report["order_disagreements"] == 0
    assert report["precision"] >= 0.95, [r for r in report["rows"] if r["predicted"] and not r["same"]]
    assert report["recall"] >= 0.90, [r for r in report["rows"] if r["same"] and not r["predicted"]]
