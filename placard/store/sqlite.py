"""The embedded backend: one SQLite file (WAL journal, foreign keys on).

Every write is one transaction per document, so a crash loses at most the
document being written. ``synchronous=NORMAL`` keeps WAL commits safe against
a killed process (only a power cut can lose the last commits, never corrupt
the file). The schema comes from the numbered files in ``migrations/sqlite/``;
the version applied is kept in ``schema_version``. The text index is FTS5.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from placard.errors import StoreError
from placard.store.feedstate import FeedStateStore
from placard.store.reviewing import ReviewingStore
from placard.store.sql import SCHEMA_VERSION_DDL, load_migrations, now

BACKEND = "sqlite"


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


class SQLiteStore(ReviewingStore, FeedStateStore):
    db_errors = (sqlite3.Error,)
    no_limit = -1

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
        store = cls(conn, str(path))
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            store._migrate()
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return store

    # --- the dialect ------------------------------------------------------------

    def execute(self, sql: str, params: Sequence = ()):
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        self._conn.executemany(sql, rows)

    def insert(self, sql: str, params: Sequence) -> int:
        return self._conn.execute(sql, params).lastrowid

    def begin(self, *, write: bool) -> None:
        # IMMEDIATE takes the write lock up front: two ingesting processes
        # queue instead of failing when both try to upgrade a read lock.
        self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def commit(self) -> None:
        self._conn.execute("COMMIT")

    def rollback(self) -> None:
        self._conn.execute("ROLLBACK")

    def set_search(self, event_id: int, body: str) -> None:
        self._conn.execute("DELETE FROM event_search WHERE rowid = ?", (event_id,))
        self._conn.execute("INSERT INTO event_search (rowid, body) VALUES (?, ?)", (event_id, body))

    def text_clause(self, words: list[str]) -> tuple[str, list]:
        # Every word, each as a word prefix ("митинг" finds "митингом").
        return ("e.id IN (SELECT rowid FROM event_search WHERE event_search MATCH ?)",
                [" ".join(f'"{word}"*' for word in words)])

    def close(self) -> None:
        self._conn.close()

    # --- migrations ---------------------------------------------------------------

    def _migrate(self) -> None:
        conn = self._conn
        conn.execute(SCHEMA_VERSION_DDL)
        current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
        migrations = load_migrations(BACKEND)
        newest = migrations[-1].version if migrations else 0
        if current > newest:
            raise StoreError(f"the store has schema version {current}; this Placard knows up to {newest}: "
                             "upgrade Placard")
        for migration in migrations:
            if migration.version <= current:
                continue
            with self.transaction():
                # Another process may have migrated while we waited for the lock.
                done = conn.execute("SELECT 1 FROM schema_version WHERE version = ?",
                                    (migration.version,)).fetchone()
                if not done:
                    for statement in split_statements(migration.sql):
                        conn.execute(statement)
                    self.after_migration(migration.version)
                    conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                                 (migration.version, migration.name, now()))
