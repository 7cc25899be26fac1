"""Throwaway stores for tests, on both backends.

``PLACARD_TEST_POSTGRES_URL`` names a PostgreSQL database tests may write to
(``scripts/start_test_postgres.sh`` starts one and prints the line that sets
it). Each ``temporary_postgres_url()`` gets a schema of its own, dropped
afterwards, so tests run side by side in one database without seeing each
other.

    @pytest.fixture(params=["sqlite", "postgres"])
    def store(request, tmp_path):
        with temporary_store(request.param, tmp_path) as opened:
            yield opened
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional
from urllib.parse import quote

from placard.store import Store

POSTGRES_URL_ENV_VAR = "PLACARD_TEST_POSTGRES_URL"
SKIP_REASON = (f"PostgreSQL tests need ${POSTGRES_URL_ENV_VAR} "
               "(eval \"$(bash scripts/start_test_postgres.sh)\" starts a server and sets it)")


def postgres_test_url() -> Optional[str]:
    """The test database's URL, or None when unset or psycopg is missing
    (then PostgreSQL tests skip, with ``postgres_skip_reason()``)."""
    return None if postgres_skip_reason() else os.environ[POSTGRES_URL_ENV_VAR]


def postgres_skip_reason() -> Optional[str]:
    if not os.environ.get(POSTGRES_URL_ENV_VAR):
        return SKIP_REASON
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return f"${POSTGRES_URL_ENV_VAR} is set but psycopg is missing: pip install -e '.[postgres]'"
    return None


def with_search_path(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` first."""
    option = quote(f"-csearch_path={schema}", safe="")
    return f"{url}{'&' if '?' in url else '?'}options={option}"


@contextmanager
def temporary_postgres_url(url: Optional[str] = None) -> Iterator[str]:
    """A URL into a fresh, empty schema of the test database; dropped on exit."""
    import psycopg

    base = url or postgres_test_url()
    if not base:
        raise RuntimeError(SKIP_REASON)
    schema = f"placard_test_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def temporary_store(backend: str, folder: Path) -> Iterator[Store]:
    """An empty store: "sqlite" (a file in ``folder``) or "postgres" (a
    throwaway schema; RuntimeError when no test server is set)."""
    if backend == "sqlite":
        with Store.open(Path(folder) / "events.db") as store:
            yield store
    elif backend == "postgres":
        with temporary_postgres_url() as url, Store.open(url) as store:
            yield store
    else:
        raise ValueError(f"unknown backend {backend!r}")
