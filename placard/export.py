"""Writing stored events out: CSV, JSON, JSON Lines and GeoJSON.

JSON and JSON Lines keep each codebook record whole, with ``id``, ``doc_id``
and ``url`` in front. CSV and the GeoJSON properties are flat: one column per
field, lists joined with "; ", responses written "detained:5; warning".
Every writer streams (events can be a generator) and returns how many events
it wrote.
"""
from __future__ import annotations

import csv
import json
from typing import Callable, Iterable, TextIO

from placard.store import StoredEvent, issues_of

CSV_COLUMNS: tuple[str, ...] = (
    "id", "doc_id", "url", "date", "end_date", "form", "status", "country", "admin1", "city",
    "site", "lat", "lon", "geonames_id", "participants", "groups", "size_min", "size_max",
    "organizers", "claims", "issues", "targets", "responses", "confidence", "evidence",
)
LIST_SEPARATOR = "; "


def event_object(event: StoredEvent) -> dict:
    """The codebook record with the store's ``id``, ``doc_id`` and ``url``."""
    return {"id": event.id, "doc_id": event.doc_id, "url": event.url, **event.record}


def _joined(values: Iterable[str | None]) -> str:
    return LIST_SEPARATOR.join(v for v in values if v)


def format_response(response: dict) -> str:
    count = response.get("count")
    return f"{response['type']}:{count}" if count is not None else response["type"]


def flat_row(event: StoredEvent) -> dict:
    """One event as flat values keyed by ``CSV_COLUMNS`` (numbers stay numbers)."""
    record = event.record
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    return {
        "id": event.id,
        "doc_id": event.doc_id,
        "url": event.url,
        "date": record.get("date"),
        "end_date": record.get("end_date"),
        "form": record.get("form"),
        "status": record.get("status"),
        "country": location.get("country"),
        "admin1": location.get("admin1"),
        "city": location.get("city"),
        "site": location.get("site"),
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "geonames_id": location.get("geonames_id"),
        "participants": participants.get("text"),
        "groups": _joined(participants.get("groups", [])),
        "size_min": participants.get("size_min"),
        "size_max": participants.get("size_max"),
        "organizers": _joined(record.get("organizers", [])),
        "claims": _joined(c.get("text") for c in record.get("claims", [])),
        "issues": _joined(issues_of(record)),
        "targets": _joined(record.get("targets", [])),
        "responses": _joined(format_response(r) for r in record.get("responses", [])),
        "confidence": record.get("confidence"),
        "evidence": _joined(record.get("evidence", [])),
    }


def to_csv(events: Iterable[StoredEvent], fh: TextIO) -> int:
    """A header row, then one row per event. Open ``fh`` with ``newline=""``."""
    writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for event in events:
        writer.writerow({k: ("" if v is None else v) for k, v in flat_row(event).items()})
        count += 1
    return count


def to_jsonl(events: Iterable[StoredEvent], fh: TextIO) -> int:
    count = 0
    for event in events:
        fh.write(json.dumps(event_object(event), ensure_ascii=False) + "\n")
        count += 1
    return count


def to_json(events: Iterable[StoredEvent], fh: TextIO) -> int:
    """A JSON list, one event a line."""
    count = 0
    fh.write("[")
    for event in events:
        fh.write(("," if count else "") + "\n" + json.dumps(event_object(event), ensure_ascii=False))
        count += 1
    fh.write("\n]\n" if count else "]\n")
    return count


def geojson_feature(event: StoredEvent) -> dict:
    """A Point at [lon, lat] when both are known, else a null geometry."""
    row = flat_row(event)
    lat, lon = row["lat"], row["lon"]
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    return {"type": "Feature", "id": event.id, "geometry": geometry, "properties": row}


def to_geojson(events: Iterable[StoredEvent], fh: TextIO) -> int:
    count = 0
    fh.write('{"type": "FeatureCollection", "features": [')
    for event in events:
        fh.write(("," if count else "") + "\n" + json.dumps(geojson_feature(event), ensure_ascii=False))
        count += 1
    fh.write("\n]}\n")
    return count


EXPORTERS: dict[str, Callable[[Iterable[StoredEvent], TextIO], int]] = {
    "csv": to_csv,
    "json": to_json,
    "jsonl": to_jsonl,
    "geojson": to_geojson,
}
