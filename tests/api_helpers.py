"""Shared by the API, error-shape and dashboard tests: example documents
(written for these tests, tests/fixtures/api/documents.jsonl), stores filled
with them on SQLite or a fresh PostgreSQL database, and a `placard serve`
process on a free port."""
from __future__ import annotations

import contextlib
import functools
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from placard.records import Document
from placard.store import Store

HERE = Path(__file__).resolve().parent
DOCUMENTS = HERE / "fixtures" / "api" / "documents.jsonl"
POSTGRES_ENV = "PLACARD_TEST_POSTGRES_URL"

# name -> token; the API's settings take token -> name.
TOKENS = {"alice": "alice-secret-token", "bob": "bob-secret-token"}
SETTINGS_TOKENS = {token: name for name, token in TOKENS.items()}

# What the example documents hold, as canonical events: the Karaganda rally
# is told by three outlets; every other story by one.
KARAGANDA_DOCS = ("karaganda-heating-a", "karaganda-heating-b", "karaganda-heating-c")
CANONICAL_EVENTS = 6  # Karaganda, Pavlodar, Oral, Almaty, Shymkent, Aktobe


def auth(name: str = "alice") -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


@functools.cache
def pipeline():
    from placard.pipeline import Pipeline

    return Pipeline.default()


def documents() -> list[Document]:
    from placard.reading import iter_documents

    docs = list(iter_documents([DOCUMENTS]))
    assert all(isinstance(d, Document) for d in docs), docs
    return docs


def fill_store(location: str) -> None:
    with Store.open(location) as store:
        for doc in documents():
            store.ingest(pipeline().run(doc), source="tests")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (scripts/start_test_postgres.sh starts a server)")
    import psycopg

    name = f"placard_api_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def store_location(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(tmp_path / "events.db")
    else:
        with postgres_database() as url:
            yield url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# `placard serve` as the user starts it; the serve module registers itself on
# the command group when imported.
SERVE = "import placard.cli.serve; from placard.cli import main; main()"


@contextlib.contextmanager
def serving(location: str, *extra: str, env: dict | None = None) -> Iterator[str]:
    """`placard serve --db location` on a free 127.0.0.1 port; yields its base URL."""
    import httpx

    port = free_port()
    command = [sys.executable, "-c", SERVE, "serve", "--db", location, "--host", "127.0.0.1", "--port", str(port),
               *extra]
    environment = {**os.environ, "PLACARD_READ_ACCESS": "open", **(env or {})}
    process = subprocess.Popen(command, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"placard serve exited with {process.returncode}: {process.stdout.read()}")
            try:
                if httpx.get(f"{base}/api/config", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("placard serve did not answer within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
