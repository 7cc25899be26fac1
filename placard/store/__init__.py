"""The event store: documents, the events found in them, and canonical events.

For every document the store keeps the events the extractor found in it
("mentions"), and groups mentions of one protest from several documents into
one *canonical event* (``placard.dedup`` decides which and how records merge).
Everything listed is canonical events, each with its sources.

``Store.open()`` picks the backend from the location: a file path (the
default) opens the embedded SQLite store, a ``postgresql://`` URL a
PostgreSQL server (``pip install "placard[postgres]"``). The records here are
the whole public interface; everything backend-specific, SQL included, lives
in the backend modules.

The location is an explicit argument, else the ``PLACARD_DB`` environment
variable, else ``./placard.db``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal, Optional, Sequence

from placard.errors import ConfigError
from placard.records import Document, Result

DB_ENV_VAR = "PLACARD_DB"
DEFAULT_DB_PATH = "placard.db"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

IngestStatus = Literal["added", "unchanged", "updated", "failed"]
REVIEW_STATES = ("machine", "confirmed", "edited", "rejected")
REVIEW_ACTIONS = ("confirm", "reject", "reopen", "edit")
AUDIT_ACTIONS = ("confirm", "edit", "reject", "reopen", "merge", "split")
EVENT_ORDERS = ("date", "confidence", "recent")


def is_postgres_url(location: str | os.PathLike | None) -> bool:
    return isinstance(location, str) and location.strip().lower().startswith(POSTGRES_SCHEMES)


def resolve_db_location(location: str | os.PathLike | None = None) -> str | Path:
    """The store location: ``location``, else $PLACARD_DB, else ./placard.db;
    a ``postgresql://`` URL stays a string, anything else is a file path."""
    chosen = location if location not in (None, "") else os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH
    if is_postgres_url(chosen):
        return str(chosen).strip()
    return Path(chosen).expanduser()


def resolve_db_path(path: str | os.PathLike | None = None) -> Path:
    """The store location as a file path: ``path``, else $PLACARD_DB, else ./placard.db."""
    chosen = path if path not in (None, "") else os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH
    return Path(chosen).expanduser()


def redact_url(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


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
    contain every word given (in any source's evidence too), each as the
    start of a word. ``response`` keeps events with that response type,
    ``review`` those in that review state. Rejected events are left out unless
    ``include_rejected`` or ``review="rejected"``. ``order``: "date" (oldest
    first, undated last), "confidence" (lowest first: the review queue),
    "recent" (newest date first, undated last); ties by id. ``doc_id`` keeps
    the events that document is a source of.
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
    response: Optional[str] = None
    review: Optional[str] = None
    include_rejected: bool = False
    order: str = "date"
    doc_id: Optional[str] = None


@dataclass(frozen=True)
class Source:
    """One document's report of a canonical event."""

    mention_id: int            # the per-document event row
    doc_id: str
    url: Optional[str]
    outlet: Optional[str]      # the URL's host without "www." ("rferl.org"), else None
    title: Optional[str]
    published: Optional[str]
    evidence: tuple[str, ...]  # that document's evidence sentences for this event
    evidence_spans: tuple[tuple[int, int], ...]  # offsets into that document's cleaned text


@dataclass(frozen=True)
class StoredEvent:
    """One canonical event. ``record`` is the codebook event object (section 2)
    with ``confidence``, ``evidence`` and ``evidence_spans``: the sources
    merged (``placard.dedup``), or as an analyst reviewed it; its evidence is
    the first source's. ``doc_id`` and ``url`` are the first source's (earliest
    published)."""

    id: int
    doc_id: str
    url: Optional[str]
    record: dict
    sources: tuple[Source, ...] = ()
    review: str = "machine"    # "machine" | "confirmed" | "edited" | "rejected"
    reviewed_by: Optional[str] = None
    reviewed_at: Optional[str] = None  # ISO 8601 UTC


@dataclass(frozen=True)
class AuditEntry:
    """One analyst action. ``before``/``after`` are the event as it was and
    became: ``{"review", "record", "sources"}`` (mention ids), None where the
    event did not exist (a split's new event before, a merged-away one after)."""

    id: int
    event_id: int
    action: str                # confirm | edit | reject | reopen | merge | split
    who: str
    at: str                    # ISO 8601 UTC
    before: Optional[dict]
    after: Optional[dict]
    note: Optional[str]


@dataclass(frozen=True)
class StoredDocument:
    """A stored document; ``events`` counts its mentions. ``text`` (the cleaned
    text the evidence spans point into) is filled by ``Store.document`` and
    left None in ``Store.documents`` lists."""

    doc_id: str
    url: Optional[str]
    lang: Optional[str]
    published: Optional[str]
    title: Optional[str]
    source: Optional[str]
    error: Optional[str]
    events: int
    ingested_at: str  # ISO 8601, UTC
    text: Optional[str] = None


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
    it as a context manager. Each ``ingest`` and each review action is one
    transaction. Errors: ``StoreError`` (the database), ``InputError`` (a bad
    value), ``ConfigError`` (a bad query), ``NotFound`` (an unknown id)."""

    location: str

    @classmethod
    def open(cls, location: str | os.PathLike | None = None) -> "Store":
        """Open (creating it when missing) and migrate the store at
        ``location``: a file path, or a ``postgresql://user@host/db`` URL."""
        chosen = resolve_db_location(location)
        if isinstance(chosen, str):
            from placard.store.postgres import PostgresStore

            return PostgresStore.open_url(chosen)
        from placard.store.sqlite import SQLiteStore

        return SQLiteStore.open_file(chosen)

    @abstractmethod
    def ingest(self, result: Result, *, source: str | None = None) -> IngestOutcome:
        """Store a document and its events, then group them with other
        documents' mentions of the same events. An unchanged document changes
        nothing; a changed one replaces its mentions (events left without a
        source disappear, unless reviewed)."""

    @abstractmethod
    def events(self, query: EventQuery = EventQuery()) -> list[StoredEvent]:
        """Canonical events that match ``query``, with their sources."""

    @abstractmethod
    def count_events(self, query: EventQuery = EventQuery()) -> int: ...

    @abstractmethod
    def event(self, event_id: int) -> StoredEvent | None:
        """One canonical event with its sources (rejected ones too)."""

    @abstractmethod
    def document(self, doc_id: str) -> StoredDocument | None:
        """One document with its cleaned ``text``."""

    @abstractmethod
    def review(self, event_id: int, action: str, who: str, changes: dict | None = None,
               note: str | None = None) -> StoredEvent:
        """``confirm``, ``reject``, ``reopen`` (back to the machine: the record is
        merged from the sources again, and the event may join others) or
        ``edit`` (``changes``: a partial codebook record, validated; lists are
        replaced, ``location`` and ``participants`` updated key by key). Returns
        the event afterwards; writes an audit entry."""

    @abstractmethod
    def merge(self, event_ids: Sequence[int], who: str, note: str | None = None) -> StoredEvent:
        """All sources of ``event_ids`` into the first; the others disappear."""

    @abstractmethod
    def split(self, event_id: int, mention_ids: Sequence[int], who: str, note: str | None = None) -> StoredEvent:
        """The sources ``mention_ids`` leave ``event_id`` for a new event, returned."""

    @abstractmethod
    def audit(self, event_id: int | None = None, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        """Audit entries, newest first; of one event (kept after it is merged away) or all."""

    @abstractmethod
    def export_gold(self, fh: IO[str], reviewed_only: bool = True) -> int:
        """Gold JSONL (codebook section 3), one line per document; returns the
        lines written. See ``placard.export.to_gold``."""

    @abstractmethod
    def recluster(self) -> int:
        """Group every machine mention anew (after a change to the dedup rule);
        reviewed events keep their sources. Returns the machine events after."""

    @abstractmethod
    def documents(
        self, limit: int = 100, offset: int = 0, *, failed: bool | None = None
    ) -> list[StoredDocument]:
        """Documents in ingest order; ``failed=True`` keeps those that could
        not be processed, ``failed=False`` the others."""

    @abstractmethod
    def stats(self) -> dict:
        """``{"documents", "events", "mentions", "failures", "by_language",
        "by_form", "by_status", "by_country", "by_review"}``; the ``by_*``
        values map a value ("unknown" for none) to a count, most frequent
        first. ``events`` and the event groups count canonical events that are
        not rejected (``by_review`` counts all); ``by_language`` counts the
        documents processed without failure."""

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


def city_key(name: str | None) -> str | None:
    """The key a city is stored and looked up under: renamings folded (Nur-Sultan = Astana)."""
    if not name:
        return None
    from placard.places import canonical_city_key  # the gazetteer loads on first use, not on import

    return canonical_city_key(name) or fold_name(name)


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


def search_body(record: dict, evidence: Sequence[str] = ()) -> str:
    """The words of an event that a text query looks in: its record, and
    ``evidence`` (every source's sentences) when given."""
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    parts: list[str | None] = [
        *(evidence or record.get("evidence", [])),
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


def outlet_of(url: str | None) -> str | None:
    """The host of ``url`` without "www." ("https://www.rferl.org/a/1" -> "rferl.org")."""
    if not url:
        return None
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


__all__ = [
    "AUDIT_ACTIONS", "AuditEntry", "DB_ENV_VAR", "DEFAULT_DB_PATH", "EVENT_ORDERS", "EventQuery",
    "IngestOutcome", "REVIEW_ACTIONS", "REVIEW_STATES", "Source", "Store", "StoredDocument", "StoredEvent",
    "is_postgres_url", "resolve_db_location", "resolve_db_path",
]
