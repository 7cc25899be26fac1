"""The event store: documents and their events, kept in a database file.

``Store.open()`` picks the backend from the location: a file path (the
default) opens the embedded SQLite store. The records here are the whole
public interface, so another backend (PostgreSQL) can stand behind it without
callers changing; everything backend-specific, SQL included, lives in the
backend module.

The location is an explicit argument, else the ``PLACARD_DB`` environment
variable, else ``./placard.db``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import hashlib
import json
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

from placard.errors import ConfigError
from placard.records import Document, Result

DB_ENV_VAR = "PLACARD_DB"
DEFAULT_DB_PATH = "placard.db"

IngestStatus = Literal["added", "unchanged", "updated", "failed"]


def resolve_db_path(path: str | os.PathLike | None = None) -> Path:
    """The store location: ``path``, else $PLACARD_DB, else ./placard.db."""
    chosen = path if path not in (None, "") else os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH
    return Path(chosen).expanduser()


@dataclass(frozen=True)
class EventQuery:
    """Which events to return; every field that is set narrows the result.

    Dates take ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``date_from`` counts
    from the first day of that period and ``date_to`` to its last day. An
    event matches only when the whole period its date denotes lies in the
    range: "2019-06" is in 2019-06-01..2019-06-30 but not in 2019-06-10..
    2019-06-20. Events without a date, or without a year ("XXXX-06-03"), never
    match a date range. ``city`` and ``admin1`` are compared after folding case,
    accents and known renamings (Nur-Sultan = Astana). ``text`` keeps events
    whose evidence, claims, participants, organizers, targets, site or place
    contain every word given, each as the start of a word.
    """

    date_from: Optional[str] = None
    date_to: Optional[str] = None
    country: Optional[str] = None
    admin1: Optional[str] = None
    city: Optional[str] = None
    form: Optional[str] = None
    issue: Optional[str] = None
    status: Optional[str] = None
    text: Optional[str] = None
    limit: Optional[int] = None
    offset: int = 0


@dataclass(frozen=True)
class StoredEvent:
    """One stored event; ``record`` is the codebook event object (section 2)
    with ``confidence``, ``evidence`` and ``evidence_spans``."""

    id: int
    doc_id: str
    url: Optional[str]
    record: dict


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    url: Optional[str]
    lang: Optional[str]
    published: Optional[str]
    title: Optional[str]
    source: Optional[str]
    error: Optional[str]
    events: int
    ingested_at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class IngestOutcome:
    """What ``Store.ingest`` did with one result; ``events`` is how many
    events the document has in the store afterwards."""

    doc_id: str
    status: IngestStatus
    events: int
    error: Optional[str] = None


class Store(ABC):
    """A store of documents and events. Use ``Store.open()``; close it, or use
    it as a context manager. Each ``ingest`` is one transaction."""

    location: str

    @classmethod
    def open(cls, path: str | os.PathLike | None = None) -> "Store":
        """Open (creating it when missing) and migrate the store at ``path``."""
        from placard.store.sqlite import SQLiteStore

        return SQLiteStore.open_file(resolve_db_path(path))

    @abstractmethod
    def ingest(self, result: Result, *, source: str | None = None) -> IngestOutcome: ...

    @abstractmethod
    def events(self, query: EventQuery = EventQuery()) -> list[StoredEvent]: ...

    @abstractmethod
    def count_events(self, query: EventQuery = EventQuery()) -> int: ...

    @abstractmethod
    def event(self, event_id: int) -> StoredEvent | None: ...

    @abstractmethod
    def documents(
        self, limit: int = 100, offset: int = 0, *, failed: bool | None = None
    ) -> list[StoredDocument]:
        """Documents in ingest order; ``failed=True`` keeps those that could
        not be processed, ``failed=False`` the others."""

    @abstractmethod
    def stats(self) -> dict:
        """``{"documents", "events", "failures", "by_language", "by_form",
        "by_status", "by_country"}``; the ``by_*`` values map a value
        ("unknown" for none) to a count, most frequent first. ``by_language``
        counts the documents processed without failure."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


# --- Values derived at ingest time, shared by every backend ---------------

_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2})(?:-(\d{2}))?)?$")


def date_precision(value: str | None) -> str | None:
    """"day", "month" or "year" from the shape of a codebook date."""
    if not value:
        return None
    return {0: "year", 1: "month", 2: "day"}.get(value.count("-"))


def date_bounds(value: str | None) -> tuple[str | None, str | None]:
    """First and last day a codebook date can denote; (None, None) when it
    has no year or is malformed ("2019-06" -> ("2019-06-01", "2019-06-30"))."""
    match = _DATE.match(value or "")
    if not match or match.group(1) == "XXXX":
        return None, None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if day is not None:
            exact = dt.date(year, month, day).isoformat()
            return exact, exact
        if month is not None:
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1).isoformat(), dt.date(year, month, last).isoformat()
        return dt.date(year, 1, 1).isoformat(), dt.date(year, 12, 31).isoformat()
    except ValueError:
        return None, None


def query_date_bound(value: str, *, end: bool, option: str = "date") -> str:
    """A query bound as one day: the start (or, with ``end``, the last day) of
    the period ``value`` names. Raises ConfigError for anything else."""
    lo, hi = date_bounds(value)
    if lo is None:
        raise ConfigError(f"{option} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    return hi if end else lo


def fold_name(name: str | None) -> str | None:
    """Case, accents and punctuation folded away: "Öskemen" ~ "oskemen"."""
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.findall(r"\w+", bare)) or None


@functools.cache
def _canonical_city_key():
    # The gazetteer folds renamings (Nur-Sultan = Astana); without it a plain
    # fold still makes the filter case- and accent-blind.
    try:
        from placard.places import canonical_city_key
    except ImportError:
        return None
    return canonical_city_key


def city_key(name: str | None) -> str | None:
    """The key a city is stored and looked up under."""
    if not name:
        return None
    canonical = _canonical_city_key()
    key = canonical(name) if canonical else None
    return key or fold_name(name)


def content_hash(doc: Document) -> str:
    """What makes two ingests of one doc_id "the same document"."""
    payload = json.dumps([doc.text, doc.html, doc.published, doc.lang], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def records_hash(records: list[dict]) -> str:
    payload = json.dumps(records, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def search_words(text: str) -> list[str]:
    """The words of a ``text`` query, or ConfigError when it has none."""
    words = re.findall(r"\w+", text or "")
    if not words:
        raise ConfigError(f"text search needs at least one word, got {text!r}")
    return words


def search_body(record: dict) -> str:
    """The words of an event that a text query looks in."""
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    parts: list[str | None] = [
        *record.get("evidence", []),
        *(claim.get("text") for claim in record.get("claims", [])),
        participants.get("text"),
        *record.get("organizers", []),
        *record.get("targets", []),
        location.get("site"),
        location.get("city"),
        location.get("admin1"),
    ]
    return "\n".join(p for p in parts if p)


def issues_of(record: dict) -> list[str]:
    """The issues of all claims, first seen first."""
    seen: dict[str, None] = {}
    for claim in record.get("claims", []):
        for issue in claim.get("issues", []):
            seen.setdefault(issue, None)
    return list(seen)


__all__ = [
    "DB_ENV_VAR", "DEFAULT_DB_PATH", "EventQuery", "IngestOutcome", "Store", "StoredDocument",
    "StoredEvent", "resolve_db_path",
]
