"""An analyst's edit of an event record, checked against the codebook.

``apply_changes(record, changes)`` takes a partial codebook record: a key
replaces that field (lists whole), except ``location`` and ``participants``,
which are updated key by key. Every value is checked against the codebook's
vocabularies and shapes; a bad one raises ``InputError`` naming the field.
``evidence`` (and its spans) are the sources' own sentences and cannot be
edited: merge or split events to change which sources an event has.

A new ``location.city`` without coordinates in the same edit is looked up in
the gazetteer: its coordinates, GeoNames id, and (unless given) country and
region replace the old ones, which described the old city.
"""
from __future__ import annotations

import copy
import math
import re
from typing import Any, Callable, Optional

from placard.dedup import parse_when
from placard.errors import InputError
from placard.records import FORMS, GROUPS, ISSUES, RESPONSES, STATUSES

EDITABLE = ("form", "status", "date", "end_date", "location", "participants", "organizers", "claims",
            "targets", "responses")
LOCATION_KEYS = ("country", "admin1", "city", "site", "lat", "lon", "geonames_id")
PARTICIPANT_KEYS = ("text", "groups", "size_min", "size_max")
_DATE_SHAPE = re.compile(r"^(\d{4}|XXXX)(-\d{2}(-\d{2})?)?$")


def _choice(field: str, vocabulary: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in vocabulary:
            raise InputError(f"{field} must be one of {', '.join(vocabulary)}, not {value!r}")
        return value

    return check


def _date(field: str) -> Callable[[Any], Optional[str]]:
    def check(value: Any) -> Optional[str]:
        if value is None:
            return None
        if not isinstance(value, str) or not _DATE_SHAPE.match(value) or (
                parse_when(value) is None and not re.fullmatch(r"\d{4}", value)):
            raise InputError(f"{field} must be YYYY-MM-DD, YYYY-MM, YYYY, XXXX-MM-DD or null, not {value!r}")
        return value

    return check


def _text(field: str, *, optional: bool = True) -> Callable[[Any], Optional[str]]:
    def check(value: Any) -> Optional[str]:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"{field} must be a non-empty string{' or null' if optional else ''}, not {value!r}")
        return value.strip()

    return check


def _count(field: str) -> Callable[[Any], Optional[int]]:
    def check(value: Any) -> Optional[int]:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InputError(f"{field} must be a whole number >= 0 or null, not {value!r}")
        return value

    return check


def _coordinate(field: str, limit: float) -> Callable[[Any], Optional[float]]:
    def check(value: Any) -> Optional[float]:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or abs(value) > limit:
            raise InputError(f"{field} must be a number from -{limit:g} to {limit:g} or null, not {value!r}")
        return float(value)

    return check


def _country(value: Any) -> Optional[str]:
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        raise InputError(f"location.country must be a two-letter ISO code or null, not {value!r}")
    return value.strip().upper()


def _list(field: str, item: Callable[[Any], Any]) -> Callable[[Any], list]:
    def check(value: Any) -> list:
        if not isinstance(value, list):
            raise InputError(f"{field} must be a list, not {value!r}")
        return [item(v) for v in value]

    return check


def _unique(field: str, check_list: Callable[[Any], list]) -> Callable[[Any], list]:
    def check(value: Any) -> list:
        return list(dict.fromkeys(check_list(value)))

    return check


def _object(field: str, checks: dict[str, Callable[[Any], Any]], required: tuple[str, ...] = ()):
    def check(value: Any) -> dict:
        if not isinstance(value, dict):
            raise InputError(f"{field} must be an object, not {value!r}")
        unknown = sorted(set(value) - set(checks))
        if unknown:
            raise InputError(f"{field} has no key {unknown[0]!r}; its keys: {', '.join(checks)}")
        missing = [k for k in required if k not in value]
        if missing:
            raise InputError(f"{field} needs {missing[0]!r}")
        return {key: checks[key](value[key]) for key in value}

    return check


_claim = _object("claims[]", {"text": _text("claims[].text", optional=False),
                              "issues": _unique("claims[].issues", _list("claims[].issues",
                                                                         _choice("issue", ISSUES)))},
                 required=("text",))
_response = _object("responses[]", {"type": _choice("responses[].type", RESPONSES),
                                    "count": _count("responses[].count")}, required=("type",))
_LOCATION = {
    "country": _country, "admin1": _text("location.admin1"), "city": _text("location.city"),
    "site": _text("location.site"), "lat": _coordinate("location.lat", 90), "lon": _coordinate("location.lon", 180),
    "geonames_id": _count("location.geonames_id"),
}
_PARTICIPANTS = {
    "text": _text("participants.text"),
    "groups": _unique("participants.groups", _list("participants.groups", _choice("group", GROUPS))),
    "size_min": _count("participants.size_min"), "size_max": _count("participants.size_max"),
}
_FIELDS: dict[str, Callable[[Any], Any]] = {
    "form": _choice("form", FORMS),
    "status": _choice("status", STATUSES),
    "date": _date("date"),
    "end_date": _date("end_date"),
    "organizers": _unique("organizers", _list("organizers", _text("organizers[]", optional=False))),
    "targets": _unique("targets", _list("targets", _text("targets[]", optional=False))),
    "claims": _list("claims", _claim),
    "responses": _list("responses", _response),
    "location": _object("location", _LOCATION),
    "participants": _object("participants", _PARTICIPANTS),
}


def apply_changes(record: dict, changes: Any) -> dict:
    """``record`` with ``changes`` applied; InputError on any bad value."""
    if not isinstance(changes, dict) or not changes:
        raise InputError("an edit needs changes: a partial codebook record such as {\"form\": \"march\"}")
    for key in changes:
        if key not in _FIELDS:
            if key in ("evidence", "evidence_spans"):
                raise InputError("evidence is the sources' own words: merge or split events to change it")
            raise InputError(f"an event has no field {key!r} to edit; editable: {', '.join(EDITABLE)}")
    checked = {key: _FIELDS[key](value) for key, value in changes.items()}
    edited = copy.deepcopy(record)
    for key, value in checked.items():
        if key == "location":
            edited["location"] = _new_location(edited.get("location") or {}, value)
        elif key == "participants":
            edited["participants"] = {**(edited.get("participants") or {}), **value}
        else:
            edited[key] = value
    for key in ("claims",):
        for claim in edited.get(key) or []:
            claim.setdefault("issues", [])
    for response in edited.get("responses") or []:
        response.setdefault("count", None)
    types = [r["type"] for r in edited.get("responses") or []]
    if len(types) != len(set(types)):
        raise InputError("responses name one type twice: give each type once, with the largest count")
    participants = edited.get("participants") or {}
    low, high = participants.get("size_min"), participants.get("size_max")
    if low is not None and high is not None and low > high:
        raise InputError(f"participants.size_min ({low}) is larger than size_max ({high})")
    start, end = parse_when(edited.get("date")), parse_when(edited.get("end_date"))
    if start is not None and end is not None and start.yearless == end.yearless and end.hi < start.lo:
        raise InputError(f"end_date {edited['end_date']} is before date {edited['date']}")
    return edited


def _new_location(old: dict, given: dict) -> dict:
    location = {key: old.get(key) for key in LOCATION_KEYS}
    location.update(given)
    city_changed = "city" in given and given["city"] != old.get("city")
    if city_changed and not ({"lat", "lon", "geonames_id"} & set(given)):
        place = _geocode(given["city"]) if given["city"] else None
        location["lat"] = place.lat if place else None
        location["lon"] = place.lon if place else None
        location["geonames_id"] = place.geonames_id if place else None
        if place is not None:
            if "country" not in given:
                location["country"] = place.country
            if "admin1" not in given:
                location["admin1"] = place.admin1
    return location


def _geocode(name: str):
    try:
        from placard.places import Gazetteer
    except ImportError:
        return None
    return Gazetteer.default().lookup_city(name)


def snapshot(review: str, record: dict, mention_ids) -> dict:
    """An event as the audit log keeps it."""
    return {"review": review, "record": record, "sources": sorted(mention_ids)}
