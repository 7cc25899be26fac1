"""The team backend: a PostgreSQL server, through psycopg 3.

``Store.open("postgresql://user@host/db")`` (or ``PLACARD_DB`` set to such a
URL) opens it; ``pip install "placard[postgres]"`` brings psycopg. The schema
comes from ``migrations/postgresql/``. Writers take a transaction-level
advisory lock, so concurrent ingests queue like SQLite's (grouping reads
before it writes). The text index is a ``tsvector`` over words that Placard
folds (case, accents) itself, so the 'simple' configuration serves every
language in any server locale.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from placard.dedup import fold
from placard.errors import ConfigError, StoreError
from placard.store import redact_url
from placard.store.feedstate import FeedStateStore
from placard.store.reviewing import ReviewingStore
from placard.store.sql import SCHEMA_VERSION_DDL, load_migrations, now

try:
    import psycopg
except ImportError:  # the optional extra is not installed
    psycopg = None

BACKEND = "postgresql"
_WRITE_LOCK = 7_310_452_001  # any fixed number: the advisory lock of Placard's writers
_PLACEHOLDER = re.compile(r"\?")


def _translate(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (a literal % doubled)."""
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


class PostgresStore(ReviewingStore, FeedStateStore):
    db_errors = (psycopg.Error,) if psycopg else ()
    no_limit = None

    def __init__(self, connection, location: str):
        self._conn = connection
        self.location = location

    @classmethod
    def open_url(cls, url: str) -> "PostgresStore":
        location = redact_url(url)
        if psycopg is None:
            raise ConfigError(f"{location} needs psycopg: pip install \"placard[postgres]\" "
                              "(or pip install \"psycopg[binary]\")")
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot open store {location}: {exc}".strip()) from exc
        store = cls(conn, location)
        try:
            store._migrate()
        except psycopg.Error as exc:
            conn.close()
            raise StoreError(f"cannot open store {location}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        return store

    # --- the dialect ------------------------------------------------------------

    def execute(self, sql: str, params: Sequence = ()):
        if not params:
            return self._conn.execute(sql)
        return self._conn.execute(_translate(sql), params)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> None:
        rows = list(rows)
        if rows:
            with self._conn.cursor() as cursor:
                cursor.executemany(_translate(sql), rows)

    def insert(self, sql: str, params: Sequence) -> int:
        return self._conn.execute(_translate(sql) + " RETURNING id", params).fetchone()[0]

    def begin(self, *, write: bool) -> None:
        self._conn.execute("BEGIN")
        if write:
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))

    def commit(self) -> None:
        self._conn.execute("COMMIT")

    def rollback(self) -> None:
        if not self._conn.closed:
            self._conn.execute("ROLLBACK")

    def set_search(self, event_id: int, body: str) -> None:
        self._conn.execute("UPDATE events SET search_body = %s WHERE id = %s", (fold(body), event_id))

    def text_clause(self, words: list[str]) -> tuple[str, list]:
        folded = [w for word in words for w in fold(word).split()]
        if not folded:
            return "FALSE", []
        return "e.search @@ to_tsquery('simple', ?)", [" & ".join(f"'{w}':*" for w in folded)]

    def close(self) -> None:
        self._conn.close()

    # --- migrations ---------------------------------------------------------------

    def _migrate(self) -> None:
        migrations = load_migrations(BACKEND)
        newest = migrations[-1].version if migrations else 0
        with self.transaction():
            # The writers' lock also keeps two processes from migrating at once.
            self._conn.execute(SCHEMA_VERSION_DDL)
            current = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
            if current > newest:
                raise StoreError(f"the store has schema version {current}; this Placard knows up to {newest}: "
                                 "upgrade Placard")
            for migration in migrations:
                if migration.version <= current:
                    continue
                self._conn.execute(migration.sql)
                self.after_migration(migration.version)
                self._conn.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (%s, %s, %s)",
                                   (migration.version, migration.name, now()))
