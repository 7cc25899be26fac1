"""Exports: CSV columns and quoting, JSON and JSON Lines round trips, GeoJSON structure."""
from __future__ import annotations

import csv
import io
import json

import pytest

from placard.export import CSV_COLUMNS, to_csv, to_geojson, to_json, to_jsonl
from placard.store import StoredEvent


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
