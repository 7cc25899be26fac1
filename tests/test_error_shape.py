"""Every error the API answers has one shape:
{"error": {"status": N, "code": "...", "message": "...", "details": ...}}."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from api_helpers import SETTINGS_TOKENS, auth, fill_store
from placard.api import Settings, create_app
from placard.errors import StoreError


@pytest.fixture(scope="module")
def location(tmp_path_factory):
    where = str(tmp_path_factory.mktemp("errors") / "events.db")
    fill_store(where)
    return where


@pytest.fixture
def client(location):
    app = create_app(location, Settings(tokens=SETTINGS_TOKENS))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status and error["code"] == code
    assert isinstance(error["message"], str) and error["message"].strip()
    return error


def first_event_id(client) -> int:
    return client.get("/api/events", params={"limit": 1}).json()["events"][0]["id"]


CASES = [
    # (name, method, path, request keyword arguments, status, code)
    ("unknown route", "GET", "/api/nothing-here", {}, 404, "not_found"),
    ("unknown event", "GET", "/api/events/987654", {}, 404, "not_found"),
    ("unknown document", "GET", "/api/documents/no-such-document", {}, 404, "not_found"),
    ("event id not a number", "GET", "/api/events/abc", {}, 404, "not_found"),
    ("review of unknown event", "POST", "/api/events/987654/review", {"json": {"action": "confirm"}, "headers": auth()},
     404, "not_found"),
    ("wrong method", "DELETE", "/api/events/1", {}, 405, "method_not_allowed"),
    ("GET on a POST route", "GET", "/api/events/merge", {}, 405, "method_not_allowed"),
    ("limit too large", "GET", "/api/events?limit=100000", {}, 422, "validation_error"),
    ("misspelt filter", "GET", "/api/events?contry=KZ", {}, 422, "validation_error"),
    ("bad date", "GET", "/api/events?date_from=2024-13-40", {}, 422, "validation_error"),
    ("form outside the codebook", "GET", "/api/events?form=flashmob", {}, 422, "validation_error"),
    ("body not JSON", "POST", "/api/documents",
     {"content": b"{not json", "headers": {**auth(), "Content-Type": "application/json"}}, 422, "validation_error"),
    ("body misses a field", "POST", "/api/events/merge", {"json": {}, "headers": auth()}, 422, "validation_error"),
    ("no token", "POST", "/api/events/merge", {"json": {"ids": [1, 2]}}, 401, "unauthorized"),
    ("unknown token", "POST", "/api/events/merge", {"json": {"ids": [1, 2]}, "headers": {"Authorization": "Bearer nope-nope"}},
     401, "unauthorized"),
    ("not a bearer header", "POST", "/api/events/merge", {"json": {"ids": [1, 2]}, "headers": {"Authorization": "Basic YTpi"}},
     401, "unauthorized"),
]


@pytest.mark.parametrize(("name", "method", "path", "kwargs", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_error_shape_for_every_kind(client, name, method, path, kwargs, status, code):
    assert_error_shape(client.request(method, path, **kwargs), status, code)


def test_error_shape_validation_details_name_the_field(client):
    error = assert_error_shape(client.get("/api/events?limit=-5&country=KAZ"), 422, "validation_error")
    locations = {tuple(d["location"]) for d in error["details"]}
    assert locations == {("query", "limit"), ("query", "country")}
    assert error["message"].startswith(("limit:", "country:")) and "(and 1 more)" in error["message"]


def test_error_shape_library_input_error_is_400(client):
    response = client.post(f"/api/events/{first_event_id(client)}/review", headers=auth(),
                           json={"action": "edit", "changes": {"status": "maybe"}})
    assert_error_shape(response, 400, "bad_input")


def test_error_shape_unreadable_document_is_400(client, monkeypatch):
    from placard.records import Result

    class RefusingPipeline:
        def run(self, doc):
            return Result(doc_id=doc.id, error="binary content (not text)")

    monkeypatch.setattr(client.app.state.pipeline, "get", lambda: RefusingPipeline())
    error = assert_error_shape(client.post("/api/documents", headers=auth(), json={"text": "x"}), 400, "bad_input")
    assert "binary content" in error["message"]


def test_error_shape_writes_disabled_is_403(location):
    with TestClient(create_app(location, Settings())) as client:
        response = client.post("/api/events/merge", json={"ids": [1, 2]}, headers=auth())
        assert_error_shape(response, 403, "forbidden")


class BrokenStores:
    location = "broken"

    def __init__(self, error: Exception):
        self.error = error

    @contextmanager
    def open(self):
        raise self.error
        yield  # pragma: no cover


def test_error_shape_store_failure_is_500_without_internals(client):
    client.app.state.stores = BrokenStores(StoreError("store /srv/secret/events.db: disk I/O error"))
    error = assert_error_shape(client.get("/api/events"), 500, "store_error")
    assert "/srv/secret" not in error["message"]


def test_error_shape_unexpected_exception_is_500(client):
    client.app.state.stores = BrokenStores(RuntimeError("a bug with a secret in it"))
    error = assert_error_shape(client.get("/api/events"), 500, "internal_error")
    assert "secret" not in error["message"]
