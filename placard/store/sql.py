"""The SQL core both backends share: the dialect a backend supplies,
transactions, migrations, and the columns a record fills.

The backends (``sqlite.py``, ``postgres.py``) give a connection, transactions,
id-returning inserts and the text index; the SQL of ``grouping.py`` (ingest
and canonical events), ``queries.py`` (reading) and ``reviewing.py`` is plain
enough for both (``?`` placeholders, translated by the PostgreSQL backend).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
from abc import abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from typing import Iterable, Iterator, Optional, Sequence

from placard import dedup
from placard.errors import StoreError
from placard.store import Store, city_key, date_bounds, date_precision, fold_name

# Columns a record fills, shared by mentions and events.
RECORD_COLUMNS = ("form", "status", "date", "date_precision", "date_lo", "date_hi", "end_date", "country",
                  "admin1", "admin1_key", "city", "city_key", "site", "lat", "lon", "geonames_id",
                  "size_min", "size_max", "confidence", "record")
# A mention with what dedup needs; "machine" ones are not held by a reviewed event.
MENTION_ROW = """
SELECT m.id, m.event_id, m.doc_id, m.ordinal, m.record, d.published, m.city_key
FROM mentions m JOIN documents d ON d.doc_id = m.doc_id LEFT JOIN events e ON e.id = m.event_id"""
MACHINE = "(m.event_id IS NULL OR e.review = 'machine')"
CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@functools.cache
def load_migrations(backend: str) -> tuple[Migration, ...]:
    """The numbered ``NNN_name.sql`` files of ``migrations/<backend>/``, in order."""
    folder = resources.files("placard.store").joinpath("migrations", backend)
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two {backend} migrations share a number: {versions}")
    return tuple(found)


SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)"""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def iso_day(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def record_columns(record: dict) -> list:
    """Values of ``RECORD_COLUMNS`` for a codebook record."""
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    date = record.get("date")
    date_lo, date_hi = date_bounds(date)
    country = location.get("country")
    return [
        record.get("form"), record.get("status"), date, date_precision(date), date_lo, date_hi,
        record.get("end_date"), country.upper() if country else None,
        location.get("admin1"), fold_name(location.get("admin1")),
        location.get("city"), city_key(location.get("city")), location.get("site"),
        location.get("lat"), location.get("lon"), location.get("geonames_id"),
        participants.get("size_min"), participants.get("size_max"),
        record.get("confidence"), json.dumps(record, ensure_ascii=False),
    ]


def span_end(record: dict) -> Optional[str]:
    """The last day a record's date or end date reaches (ISO), for finding matches."""
    _, date_hi = date_bounds(record.get("date"))
    _, end_hi = date_bounds(record.get("end_date"))
    if date_hi and end_hi and end_hi > date_hi:
        return end_hi
    return date_hi


@dataclass
class MentionRow:
    """A mention as grouping sees it."""

    id: int
    event_id: Optional[int]
    mention: dedup.Mention


@dataclass
class Regroup:
    """What an ingest or review touched: mentions to start from, events whose
    members must be re-clustered, events to rewrite even when unchanged."""

    seeds: set[int] = field(default_factory=set)
    events: set[int] = field(default_factory=set)
    rewrite: set[int] = field(default_factory=set)


def translating_errors(method):
    """Database errors leave the store as StoreError, so callers catch one family."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except self.db_errors as exc:
            raise StoreError(f"store {self.location}: {exc}") from exc

    return wrapper


class SQLBase(Store):
    """The store over one DB-API connection; subclasses supply the dialect."""

    db_errors: tuple[type[BaseException], ...] = ()
    no_limit: object = None

    # --- what a backend supplies ---------------------------------------------

    @abstractmethod
    def execute(self, sql: str, params: Sequence = ()):
        """Run one statement (``?`` placeholders); returns a cursor."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None: ...

    @abstractmethod
    def insert(self, sql: str, params: Sequence) -> int:
        """Run an INSERT and return the new row's id."""

    @abstractmethod
    def begin(self, *, write: bool) -> None:
        """Start a transaction; a write transaction waits for other writers."""

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def rollback(self) -> None: ...

    _depth = 0

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[None]:
        """One transaction; a nested one is part of the outer."""
        if self._depth:
            yield
            return
        self.begin(write=write)
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self.rollback()
            raise
        self._depth = 0
        self.commit()

    def snapshot(self):
        """A read transaction: one consistent view for several queries."""
        return self.transaction(write=False)

    @abstractmethod
    def set_search(self, event_id: int, body: str) -> None:
        """Index ``body`` as the words of event ``event_id``."""

    @abstractmethod
    def text_clause(self, words: list[str]) -> tuple[str, list]:
        """A WHERE clause (on ``e``) keeping events whose words start with every word."""

    def _rows(self, sql: str, params: Sequence = ()) -> list[MentionRow]:
        return [MentionRow(mid, eid, dedup.Mention(doc_id, ordinal, json.loads(record), published, key))
                for mid, eid, doc_id, ordinal, record, published, key in self.execute(sql, params)]


def chunks(values: Sequence, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
