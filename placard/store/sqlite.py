"""The embedded backend: one SQLite file (WAL journal, foreign keys on).

Every write is one transaction per document, so a crash loses at most the
document being written. ``synchronous=NORMAL`` keeps WAL commits safe against
a killed process (only a power cut can lose the last commits, never corrupt
the file). The schema comes from the numbered files in ``migrations/``; the
version applied is kept in ``schema_version``.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterator

from placard.errors import ConfigError, InputError, StoreError
from placard.records import Result
from placard.store import (
    EventQuery,
    IngestOutcome,
    Store,
    StoredDocument,
    StoredEvent,
    city_key,
    content_hash,
    date_bounds,
    date_precision,
    fold_name,
    issues_of,
    query_date_bound,
    records_hash,
    search_body,
    search_words,
)

SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
)"""

_UPSERT_DOCUMENT = """
INSERT INTO documents (doc_id, url, lang, published, title, source, content_hash,
                       events_hash, text, error, ingested_at)
VALUES (:doc_id, :url, :lang, :published, :title, :source, :content_hash,
        :events_hash, :text, :error, :ingested_at)
ON CONFLICT (doc_id) DO UPDATE SET
    url = excluded.url, lang = excluded.lang, published = excluded.published,
    title = excluded.title, source = excluded.source,
    content_hash = excluded.content_hash, events_hash = excluded.events_hash,
    text = excluded.text, error = excluded.error, ingested_at = excluded.ingested_at"""

_INSERT_EVENT = """
INSERT INTO events (doc_id, ordinal, form, status, date, date_precision, date_lo, date_hi,
                    end_date, country, admin1, admin1_key, city, city_key, site, lat, lon,
                    geonames_id, size_min, size_max, confidence, record)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""

_INSERT_EVIDENCE = "INSERT INTO evidence (event_id, ordinal, char_start, char_end, text) VALUES (?, ?, ?, ?, ?)"
_INSERT_ISSUE = "INSERT OR IGNORE INTO event_issues (event_id, issue) VALUES (?, ?)"
_INSERT_SEARCH = "INSERT INTO event_search (rowid, body) VALUES (?, ?)"
_DELETE_EVENTS = "DELETE FROM events WHERE doc_id = ?"
_PREVIOUS = "SELECT content_hash, events_hash, error FROM documents WHERE doc_id = ?"
_COUNT_DOC_EVENTS = "SELECT COUNT(*) FROM events WHERE doc_id = ?"

_SELECT_EVENTS = "SELECT e.id, e.doc_id, d.url, e.record FROM events e JOIN documents d ON d.doc_id = e.doc_id"
_EVENT_ORDER = "ORDER BY e.date_lo IS NULL, e.date_lo, e.id"

_SELECT_DOCUMENTS = """
SELECT d.doc_id, d.url, d.lang, d.published, d.title, d.source, d.error,
       (SELECT COUNT(*) FROM events e WHERE e.doc_id = d.doc_id), d.ingested_at
FROM documents d"""

_STATS_TOTALS = """
SELECT (SELECT COUNT(*) FROM documents),
       (SELECT COUNT(*) FROM events),
       (SELECT COUNT(*) FROM documents WHERE error IS NOT NULL)"""
_STATS_GROUPS = {
    "by_language": "SELECT lang, COUNT(*) FROM documents WHERE error IS NULL GROUP BY lang",
    "by_form": "SELECT form, COUNT(*) FROM events GROUP BY form",
    "by_status": "SELECT status, COUNT(*) FROM events GROUP BY status",
    "by_country": "SELECT country, COUNT(*) FROM events GROUP BY country",
}


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


@functools.cache
def load_migrations() -> tuple[Migration, ...]:
    """The numbered ``NNN_name.sql`` files, in order."""
    folder = resources.files("placard.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"two migrations share a number: {versions}")
    return tuple(found)


def split_statements(sql: str) -> list[str]:
    """One string per statement (trigger bodies stay whole)."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    leftover = [ln for ln in buffer.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    if leftover:
        raise StoreError(f"migration ends inside a statement: {leftover[0]!r}")
    return statements


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def _translating_errors(method):
    """sqlite3 errors leave the store as StoreError, so callers catch one family."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.location}: {exc}") from exc

    return wrapper


class SQLiteStore(Store):
    def __init__(self, connection: sqlite3.Connection, location: str):
        self._conn = connection
        self.location = location

    @classmethod
    def open_file(cls, path: Path) -> "SQLiteStore":
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are begun and ended here, explicitly.
            conn = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            _migrate(conn)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, str(path))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front: two ingesting processes
        # queue instead of failing when both try to upgrade a read lock.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # --- writing --------------------------------------------------------

    @_translating_errors
    def ingest(self, result: Result, *, source: str | None = None) -> IngestOutcome:
        if not result.doc_id:
            raise InputError("a result without a doc_id cannot be stored")
        article = result.article
        doc = article.doc if article else None
        row = {
            "doc_id": result.doc_id,
            "url": doc.url if doc else None,
            "lang": (article.lang or doc.lang) if article else None,
            "published": (article.published.value if article.published else doc.published) if article else None,
            "title": article.title if article else None,
            "source": source,
            "content_hash": content_hash(doc) if doc else None,
            "events_hash": None,
            "text": article.text if article else None,
            "error": None,
            "ingested_at": _now(),
        }
        if result.error or article is None:
            # A failure replaces what was stored: the stored events no longer
            # describe what the source holds now.
            row["error"] = result.error or "no article was produced"
            with self._transaction() as conn:
                conn.execute(_DELETE_EVENTS, (result.doc_id,))
                conn.execute(_UPSERT_DOCUMENT, row)
            return IngestOutcome(result.doc_id, "failed", 0, row["error"])

        records = result.to_record()["events"]
        row["events_hash"] = records_hash(records)
        with self._transaction() as conn:
            previous = conn.execute(_PREVIOUS, (result.doc_id,)).fetchone()
            # Same content and same events: nothing to do. Same content with
            # other events (a better extractor) is an update, like new content.
            if previous == (row["content_hash"], row["events_hash"], None):
                stored = conn.execute(_COUNT_DOC_EVENTS, (result.doc_id,)).fetchone()[0]
                return IngestOutcome(result.doc_id, "unchanged", stored)
            if previous is not None:
                conn.execute(_DELETE_EVENTS, (result.doc_id,))
            conn.execute(_UPSERT_DOCUMENT, row)
            for ordinal, record in enumerate(records):
                self._insert_event(conn, result.doc_id, ordinal, record)
        return IngestOutcome(result.doc_id, "updated" if previous else "added", len(records))

    @staticmethod
    def _insert_event(conn: sqlite3.Connection, doc_id: str, ordinal: int, record: dict) -> None:
        location = record.get("location") or {}
        participants = record.get("participants") or {}
        date = record.get("date")
        date_lo, date_hi = date_bounds(date)
        country = location.get("country")
        cursor = conn.execute(
            _INSERT_EVENT,
            (
                doc_id, ordinal, record["form"], record["status"], date, date_precision(date),
                date_lo, date_hi, record.get("end_date"),
                country.upper() if country else None,
                location.get("admin1"), fold_name(location.get("admin1")),
                location.get("city"), city_key(location.get("city")), location.get("site"),
                location.get("lat"), location.get("lon"), location.get("geonames_id"),
                participants.get("size_min"), participants.get("size_max"),
                record.get("confidence"), json.dumps(record, ensure_ascii=False),
            ),
        )
        event_id = cursor.lastrowid
        spans = record.get("evidence_spans") or []
        texts = record.get("evidence") or []
        conn.executemany(
            _INSERT_EVIDENCE,
            [(event_id, i, start, end, text) for i, ((start, end), text) in enumerate(zip(spans, texts))],
        )
        conn.executemany(_INSERT_ISSUE, [(event_id, issue) for issue in issues_of(record)])
        conn.execute(_INSERT_SEARCH, (event_id, search_body(record)))

    # --- reading --------------------------------------------------------

    @staticmethod
    def _where(query: EventQuery) -> tuple[str, list]:
        clauses: list[str] = []
        params: list = []
        if query.date_from:
            clauses.append("e.date_lo >= ?")
            params.append(query_date_bound(query.date_from, end=False, option="date_from"))
        if query.date_to:
            clauses.append("e.date_hi <= ?")
            params.append(query_date_bound(query.date_to, end=True, option="date_to"))
        if query.country:
            clauses.append("e.country = ?")
            params.append(query.country.strip().upper())
        if query.admin1:
            clauses.append("e.admin1_key = ?")
            params.append(fold_name(query.admin1))
        if query.city:
            clauses.append("e.city_key = ?")
            params.append(city_key(query.city))
        if query.form:
            clauses.append("e.form = ?")
            params.append(query.form)
        if query.status:
            clauses.append("e.status = ?")
            params.append(query.status)
        if query.issue:
            clauses.append("EXISTS (SELECT 1 FROM event_issues i WHERE i.event_id = e.id AND i.issue = ?)")
            params.append(query.issue)
        if query.text:
            # Every word, each as a word prefix ("митинг" finds "митингом").
            clauses.append("e.id IN (SELECT rowid FROM event_search WHERE event_search MATCH ?)")
            params.append(" ".join(f'"{word}"*' for word in search_words(query.text)))
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @_translating_errors
    def events(self, query: EventQuery = EventQuery()) -> list[StoredEvent]:
        if (query.limit is not None and query.limit < 0) or query.offset < 0:
            raise ConfigError("limit and offset cannot be negative")
        where, params = self._where(query)
        sql = f"{_SELECT_EVENTS}{where} {_EVENT_ORDER} LIMIT ? OFFSET ?"
        params += [-1 if query.limit is None else query.limit, query.offset]
        return [_stored_event(row) for row in self._conn.execute(sql, params)]

    @_translating_errors
    def count_events(self, query: EventQuery = EventQuery()) -> int:
        where, params = self._where(query)
        return self._conn.execute(f"SELECT COUNT(*) FROM events e{where}", params).fetchone()[0]

    @_translating_errors
    def event(self, event_id: int) -> StoredEvent | None:
        row = self._conn.execute(f"{_SELECT_EVENTS} WHERE e.id = ?", (event_id,)).fetchone()
        return _stored_event(row) if row else None

    @_translating_errors
    def documents(
        self, limit: int = 100, offset: int = 0, *, failed: bool | None = None
    ) -> list[StoredDocument]:
        where = {None: "", True: " WHERE d.error IS NOT NULL", False: " WHERE d.error IS NULL"}[failed]
        sql = f"{_SELECT_DOCUMENTS}{where} ORDER BY d.ingested_at, d.doc_id LIMIT ? OFFSET ?"
        return [StoredDocument(*row) for row in self._conn.execute(sql, (limit, offset))]

    @_translating_errors
    def stats(self) -> dict:
        documents, events, failures = self._conn.execute(_STATS_TOTALS).fetchone()
        result: dict = {"documents": documents, "events": events, "failures": failures}
        for key, sql in _STATS_GROUPS.items():
            rows = self._conn.execute(sql).fetchall()
            result[key] = {(value or "unknown"): count for value, count in sorted(rows, key=lambda r: -r[1])}
        return result

    def close(self) -> None:
        self._conn.close()


def _stored_event(row: tuple) -> StoredEvent:
    event_id, doc_id, url, record = row
    return StoredEvent(id=event_id, doc_id=doc_id, url=url, record=json.loads(record))


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute(SCHEMA_VERSION_DDL)
    current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
    migrations = load_migrations()
    newest = migrations[-1].version if migrations else 0
    if current > newest:
        raise StoreError(f"the store has schema version {current}; this Placard knows up to {newest}: upgrade Placard")
    for migration in migrations:
        if migration.version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            done = conn.execute("SELECT 1 FROM schema_version WHERE version = ?", (migration.version,)).fetchone()
            if not done:
                for statement in split_statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _now()),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
