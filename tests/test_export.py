"""Exports: CSV columns and quoting, JSON and JSON Lines round trips, GeoJSON structure,
ACLED-like CSV (event types, actors, precision, sources), gold JSONL per document."""
from __future__ import annotations

import csv
import io
import json

import pytest

from placard.export import (
    ACLED_COLUMNS, CSV_COLUMNS, acled_row, acled_type, geo_precision, to_acled_csv, to_csv, to_geojson, to_gold,
    to_json, to_jsonl,
)
from placard.store import Source, StoredEvent, outlet_of


def _record(**changes) -> dict:
    record = {
        "form": "rally", "status": "occurred", "date": "2022-01-04", "end_date": "2022-01-06",
        "location": {"country": "KZ", "admin1": "Mangystau Region", "city": "Zhanaozen",
                     "site": "the square, by the akimat", "lat": 43.34, "lon": 52.86, "geonames_id": 1},
        "participants": {"text": "hundreds of oil workers", "groups": ["workers", "residents"],
                         "size_min": 200, "size_max": 999},
        "organizers": [],
        "claims": [{"text": "lower gas prices, \"now\"", "issues": ["prices-economy"]},
                   {"text": "Отставка акима,\nи правительства", "issues": ["leadership-change", "prices-economy"]}],
        "targets": ["Government"],
        "responses": [{"type": "detained", "count": 5}, {"type": "warning", "count": None}],
        "evidence": ["Hundreds gathered on the square, by the akimat.", "Они требовали снизить цены; \"сейчас\"."],
        "confidence": 0.9,
        "evidence_spans": [[0, 48], [49, 90]],
    }
    record.update(changes)
    return record


EVENTS = [
    StoredEvent(id=7, doc_id="kz-1", url="https://news.example/a?b=1,2", record=_record()),
    StoredEvent(id=9, doc_id="kz-2", url=None, record=_record(
        date=None, end_date=None,
        location={"country": None, "admin1": None, "city": None, "site": None, "lat": None, "lon": None,
                  "geonames_id": None},
        participants={"text": None, "groups": [], "size_min": None, "size_max": None},
        claims=[], targets=[], responses=[], evidence=[], evidence_spans=[])),
]


def test_export_csv_header_and_quoting():
    out = io.StringIO(newline="")
    assert to_csv(EVENTS, out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    first = dict(zip(rows[0], rows[1]))
    assert first["url"] == "https://news.example/a?b=1,2"
    assert first["claims"] == "lower gas prices, \"now\"; Отставка акима,\nи правительства"
    assert first["issues"] == "prices-economy; leadership-change"
    assert first["groups"] == "workers; residents"
    assert first["responses"] == "detained:5; warning"
    assert first["evidence"] == "Hundreds gathered on the square, by the akimat.; Они требовали снизить цены; \"сейчас\"."
    assert (first["lat"], first["lon"], first["size_min"], first["city"]) == ("43.34", "52.86", "200", "Zhanaozen")
    second = dict(zip(rows[0], rows[2]))
    assert (second["url"], second["date"], second["lat"], second["claims"], second["responses"]) == ("", "", "", "", "")
    assert len(rows) == 3


def test_export_csv_of_nothing_is_a_header():
    out = io.StringIO()
    assert to_csv([], out) == 0
    assert out.getvalue().strip() == ",".join(CSV_COLUMNS)


@pytest.mark.parametrize("events", [EVENTS, []])
def test_export_json_round_trip(events):
    out = io.StringIO()
    assert to_json(iter(events), out) == len(events)
    loaded = json.loads(out.getvalue())
    assert [obj.pop("id") for obj in loaded] == [e.id for e in events]
    assert [(obj.pop("doc_id"), obj.pop("url")) for obj in loaded] == [(e.doc_id, e.url) for e in events]
    assert loaded == [e.record for e in events]


def test_export_jsonl_one_record_a_line():
    out = io.StringIO()
    assert to_jsonl(EVENTS, out) == 2
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["id"] == 7 and first["claims"][1]["text"] == "Отставка акима,\nи правительства"
    assert "Отставка" in lines[0]  # written as UTF-8, not \u escapes


def test_export_geojson_structure():
    out = io.StringIO()
    assert to_geojson(EVENTS, out) == 2
    collection = json.loads(out.getvalue())
    assert collection["type"] == "FeatureCollection"
    located, unlocated = collection["features"]
    assert located["type"] == "Feature" and located["id"] == 7
    assert located["geometry"] == {"type": "Point", "coordinates": [52.86, 43.34]}  # lon first
    props = located["properties"]
    assert (props["id"], props["doc_id"], props["url"], props["city"]) == (7, "kz-1", "https://news.example/a?b=1,2",
                                                                         "Zhanaozen")
    assert props["responses"] == "detained:5; warning" and props["size_max"] == 999
    assert unlocated["geometry"] is None and unlocated["properties"]["lat"] is None


def test_export_geojson_of_nothing_is_an_empty_collection():
    out = io.StringIO()
    to_geojson([], out)
    assert json.loads(out.getvalue()) == {"type": "FeatureCollection", "features": []}


# --- ACLED-like CSV ---------------------------------------------------------------



def _source(mention_id: int, doc_id: str, url, evidence=("A sentence.",)) -> Source:
    return Source(mention_id=mention_id, doc_id=doc_id, url=url, outlet=outlet_of(url), title=None,
                  published="2022-01-05", evidence=tuple(evidence), evidence_spans=((0, len(evidence[0])),))


SOURCED = StoredEvent(id=7, doc_id="kz-1", url="https://www.rferl.org/a/1", record=_record(), sources=(
    _source(1, "kz-1", "https://www.rferl.org/a/1"), _source(2, "kz-2", "https://tengrinews.kz/x"),
    _source(3, "kz-3", "https://rferl.org/a/2"), _source(4, "kz-4", None)), review="confirmed")


@pytest.mark.parametrize("form, responses, expected", [
    ("rally", [], ("Protests", "Peaceful protest")),
    ("rally", ["warning", "meeting-held"], ("Protests", "Peaceful protest")),
    ("march", ["detained"], ("Protests", "Protest with intervention")),
    ("picket", ["dispersed"], ("Protests", "Protest with intervention")),
    ("rally", ["blocked"], ("Protests", "Protest with intervention")),
    ("rally", ["force"], ("Protests", "Protest with intervention")),
    ("rally", ["force", "injured"], ("Protests", "Excessive force against protesters")),
    ("strike", ["killed"], ("Protests", "Excessive force against protesters")),
    ("riot", ["detained"], ("Riots", "Violent demonstration")),
])
def test_export_acled_event_type_from_form_and_responses(form, responses, expected):
    record = _record(form=form, responses=[{"type": t, "count": None} for t in responses])
    assert acled_type(record) == expected


@pytest.mark.parametrize("location, expected", [
    ({"city": "Zhanaozen", "admin1": "Mangystau Region", "country": "KZ", "lat": 43.3, "lon": 52.8}, 1),
    ({"city": "Zhanaozen", "admin1": None, "country": "KZ", "lat": None, "lon": None}, 2),
    ({"city": None, "admin1": "Mangystau Region", "country": "KZ", "lat": None, "lon": None}, 2),
    ({"city": None, "admin1": None, "country": "KZ", "lat": None, "lon": None}, 3),
    ({"city": None, "admin1": None, "country": None, "lat": None, "lon": None}, None),
])
def test_export_acled_geo_precision(location, expected):
    assert geo_precision(location) == expected


def test_export_acled_row():
    row = acled_row(SOURCED)
    assert set(row) == set(ACLED_COLUMNS)
    assert (row["event_date"], row["event_type"], row["sub_event_type"]) == (
        "2022-01-04", "Protests", "Protest with intervention")
    assert row["actor1"] == "Protesters (Kazakhstan)"
    assert row["assoc_actor_1"] == "Labor Group (Kazakhstan); Residents (Kazakhstan)"
    assert (row["country"], row["iso"], row["admin1"], row["location"]) == (
        "Kazakhstan", 398, "Mangystau Region", "Zhanaozen")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (43.34, 52.86, 1)
    assert row["source"] == "rferl.org; tengrinews.kz"  # outlets once each, sources without a URL left out
    assert row["notes"] == ("Hundreds gathered on the square, by the akimat. Claims: lower gas prices, \"now\"; "
                            "Отставка акима,\nи правительства.")
    assert (row["placard_id"], row["form"], row["review"], row["sources"], row["size_min"]) == (
        7, "rally", "confirmed", 4, 200)
    assert row["responses"] == "detained:5; warning"
    riot = acled_row(StoredEvent(id=1, doc_id="d", url=None, record=_record(form="riot", organizers=["Oyan"])))
    assert riot["actor1"] == "Rioters (Kazakhstan)" and riot["assoc_actor_1"].startswith("Oyan; ")


def test_export_acled_csv_quotes_and_blanks():
    out = io.StringIO(newline="")
    assert to_acled_csv([SOURCED, EVENTS[1]], out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert rows[0]["notes"].endswith("и правительства.")
    blank = rows[1]
    assert (blank["event_date"], blank["country"], blank["geo_precision"], blank["actor1"], blank["sources"]) == (
        "", "", "", "Protesters", "0")


# --- gold JSONL --------------------------------------------------------------------------


def test_export_gold_writes_checked_documents_whole():
    checked = StoredEvent(id=1, doc_id="a", url=None, record=_record(), review="confirmed", sources=(
        _source(1, "a", None, ["A's sentence."]), _source(2, "b", None, ["B's sentence."])))
    unchecked = StoredEvent(id=2, doc_id="b", url=None, record=_record(date="2022-01-06"), sources=(
        _source(3, "b", None),))
    rejected = StoredEvent(id=3, doc_id="c", url=None, record=_record(), review="rejected",
                           sources=(_source(4, "c", None),))
    out = io.StringIO()
    assert to_gold([checked, unchecked, rejected], out, documents=["c", "a", "b", "z"]) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["doc_id"] for line in lines] == ["c", "a"]  # b has an unchecked event; z has none
    assert lines[0]["events"] == []
    [event] = lines[1]["events"]
    assert event["evidence"] == ["A's sentence."] and "confidence" not in event and "evidence_spans" not in event
    everything = io.StringIO()
    assert to_gold([checked, unchecked, rejected], everything, reviewed_only=False, documents=["c", "a", "b", "z"]) == 4
    by_doc = {json.loads(l)["doc_id"]: json.loads(l) for l in everything.getvalue().splitlines()}
    assert [e["date"] for e in by_doc["b"]["events"]] == ["2022-01-04", "2022-01-06"]
    assert by_doc["z"]["events"] == []


def test_export_acled_notes_end_a_headline_before_the_claims():
    event = StoredEvent(id=1, doc_id="d", url=None, record=_record(evidence=["Teachers strike in Pavlodar"]))
    assert acled_row(event)["notes"].startswith("Teachers strike in Pavlodar. Claims: lower gas prices")
