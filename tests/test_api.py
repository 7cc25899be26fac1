"""The REST API over a store filled with the example documents, on SQLite and
(when PLACARD_TEST_POSTGRES_URL is set) PostgreSQL."""
from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient

from api_helpers import (
    CANONICAL_EVENTS, KARAGANDA_DOCS, SETTINGS_TOKENS, auth, fill_store, store_location,
)
from placard.api import Settings, create_app

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def location(request, tmp_path):
    with store_location(request.param, tmp_path) as where:
        fill_store(where)
        yield where


@pytest.fixture
def client(location):
    with TestClient(create_app(location, Settings(tokens=SETTINGS_TOKENS))) as test_client:
        yield test_client


def listed(client, **params) -> list[dict]:
    response = client.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def event_in(client, city: str) -> dict:
    (event,) = listed(client, city=city)
    return client.get(f"/api/events/{event['id']}").json()


# --- reading ---------------------------------------------------------------


def test_api_events_lists_one_event_per_protest_with_total(client):
    body = client.get("/api/events").json()
    assert body["total"] == CANONICAL_EVENTS
    assert len(body["events"]) == CANONICAL_EVENTS
    karaganda = [e for e in body["events"] if e["location"]["city"] == "Karaganda"]
    assert len(karaganda) == 1
    assert sorted(s["doc_id"] for s in karaganda[0]["sources"]) == list(KARAGANDA_DOCS)
    assert karaganda[0]["review"] == "machine"


FILTERS = [
    # (query parameters, cities of the events expected)
    ({"country": "kz"}, {"Karaganda", "Pavlodar", "Oral", "Almaty", "Shymkent", "Aktobe"}),
    ({"city": "karaganda"}, {"Karaganda"}),
    ({"admin1": "west kazakhstan region"}, {"Oral"}),
    ({"form": "strike"}, {"Pavlodar"}),
    ({"form": "Picket"}, {"Oral"}),
    ({"status": "planned"}, {"Almaty"}),
    ({"issue": "political-prisoners"}, {"Oral"}),
    ({"response": "detained"}, {"Oral"}),
    ({"date_from": "2024-05", "date_to": "2024-05"}, {"Karaganda", "Aktobe"}),
    ({"date_from": "2024-06-01"}, {"Pavlodar", "Almaty"}),
    ({"date_to": "2024-04-09"}, {"Oral", "Shymkent"}),
    ({"date_to": "2024-04-08"}, {"Shymkent"}),
    ({"q": "miners"}, {"Pavlodar"}),
    ({"q": "снос"}, {"Aktobe"}),
    ({"q": "veterans council"}, {"Karaganda"}),  # words of the second source's evidence
    ({"country": "KZ", "form": "rally", "date_from": "2024-05"}, {"Karaganda", "Aktobe"}),
    ({"city": "Astana"}, set()),
    ({"city": ""}, {"Karaganda", "Pavlodar", "Oral", "Almaty", "Shymkent", "Aktobe"}),  # empty = no filter
]


@pytest.mark.parametrize(("params", "cities"), FILTERS)
def test_api_events_filters_match_the_cli(client, params, cities):
    events = listed(client, **params)
    assert {e["location"]["city"] for e in events} == cities
    assert client.get("/api/events", params=params).json()["total"] == len(events)


def test_api_events_pages_with_limit_and_offset(client):
    everything = [e["id"] for e in listed(client, limit=500)]
    first = client.get("/api/events", params={"limit": 2}).json()
    second = client.get("/api/events", params={"limit": 2, "offset": 2}).json()
    assert first["total"] == second["total"] == CANONICAL_EVENTS
    assert [e["id"] for e in first["events"] + second["events"]] == everything[:4]
    assert client.get("/api/events", params={"limit": 501}).status_code == 422


def test_api_events_orders_by_date_recent_and_confidence(client):
    dates = [e["date"] for e in listed(client)]
    assert dates == sorted(dates)
    assert [e["date"] for e in listed(client, order="recent")] == sorted(dates, reverse=True)
    confidences = [e["confidence"] for e in listed(client, order="confidence")]
    assert confidences == sorted(confidences)


def test_api_event_has_every_field_and_sources_with_evidence_into_the_text(client):
    event = event_in(client, "Karaganda")
    assert event["form"] == "rally" and event["status"] == "occurred" and event["date"] == "2024-05-14"
    assert event["location"]["country"] == "KZ" and event["location"]["lat"] == pytest.approx(49.8, abs=0.3)
    assert {s["outlet"] for s in event["sources"]} == {
        "steppe-courier.example", "tribune.example.kz", "eurasia-wire.example.com"}
    for source in event["sources"]:
        text = client.get(f"/api/documents/{source['doc_id']}").json()["text"]
        assert source["evidence"], source
        assert [text[s:e] for s, e in source["evidence_spans"]] == source["evidence"]


def test_api_event_unknown_id_is_404(client):
    response = client.get("/api/events/999999")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_events_geojson_points_are_lon_lat(client):
    response = client.get("/api/events.geojson", params={"city": "Karaganda"})
    assert response.headers["content-type"].startswith("application/geo+json")
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert lon == pytest.approx(73.1, abs=0.3) and lat == pytest.approx(49.8, abs=0.3)
    assert feature["properties"]["sources"] == 3 and feature["properties"]["form"] == "rally"
    assert len(client.get("/api/events.geojson").json()["features"]) == CANONICAL_EVENTS


def test_api_documents_list_and_one_with_cleaned_text(client):
    body = client.get("/api/documents", params={"limit": 3}).json()
    assert body["total"] == 8 and len(body["documents"]) == 3
    assert all("text" not in d or d["text"] is None for d in body["documents"])
    doc = client.get("/api/documents/pavlodar-miners-strike").json()
    assert doc["url"] == "https://www.steppe-courier.example/news/pavlodar-strike"
    assert "About 300 miners went on strike" in doc["text"] and doc["events"] == 1
    assert client.get("/api/documents/no-such-doc").status_code == 404


# --- writing: documents ----------------------------------------------------

FOURTH_REPORT = {
    "url": "https://www.northern-post.example/karaganda-rally", "lang": "en", "published": "2024-05-15",
    "text": "Karaganda rally against heating prices\n\nHundreds of pensioners held a rally in Karaganda on "
            "May 14 to demand lower heating tariffs, local reporters said.",
}


def test_api_post_document_extracts_stores_and_joins_the_known_event(client):
    karaganda = listed(client, city="Karaganda")[0]
    response = client.post("/api/documents", json=FOURTH_REPORT, headers=auth())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "added" and body["doc_id"].startswith("api-")
    assert [e["id"] for e in body["events"]] == [karaganda["id"]]
    assert len(body["events"][0]["sources"]) == 4
    again = client.post("/api/documents", json=FOURTH_REPORT, headers=auth())
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert again.json()["doc_id"] == body["doc_id"]
    assert client.get("/api/events").json()["total"] == CANONICAL_EVENTS


def test_api_post_document_html_with_id_and_a_new_event(client):
    page = ("<html><head><title>Strike in Aktau</title></head><body><article><h1>Strike in Aktau</h1>"
            "<p>About 120 oil workers went on strike in Aktau on June 5, 2024, demanding higher wages.</p>"
            "<p>The company said it would meet the workers.</p></article></body></html>")
    response = client.post("/api/documents", headers=auth(),
                           json={"id": "aktau-html", "html": page, "published": "2024-06-06"})
    assert response.status_code == 201, response.text
    (event,) = response.json()["events"]
    assert event["form"] == "strike" and event["location"]["city"] == "Aktau"
    assert client.get("/api/events").json()["total"] == CANONICAL_EVENTS + 1


def test_api_post_document_without_event_says_why(client):
    response = client.post("/api/documents", headers=auth(), json={"text": "The weather was fine in Almaty today."})
    assert response.status_code == 201
    assert response.json()["events"] == [] and "no protest" in response.json()["note"]


@pytest.mark.parametrize("body", [
    {"text": "   "},
    {"published": "2024-05-01"},
    {"text": "a", "html": "<p>a</p>"},
    {"text": "a", "lang": "de"},
    {"text": "a", "published": "May 2024"},
    {"text": "a", "colour": "red"},
])
def test_api_post_document_refuses_bad_bodies(client, body):
    response = client.post("/api/documents", headers=auth(), json=body)
    assert response.status_code == 422, response.text


def test_api_post_document_needs_a_token(client):
    assert client.post("/api/documents", json=FOURTH_REPORT).status_code == 401
    bad = client.post("/api/documents", json=FOURTH_REPORT, headers={"Authorization": "Bearer wrong-token-x"})
    assert bad.status_code == 401
    assert client.get("/api/documents").json()["total"] == 8


# --- writing: review -------------------------------------------------------


def test_api_review_edit_then_confirm_is_audited_with_the_token_name(client):
    event = event_in(client, "Pavlodar")
    edited = client.post(f"/api/events/{event['id']}/review", headers=auth("alice"), json={
        "action": "edit", "changes": {"form": "picket", "participants": {"size_min": 250}}, "note": "photo count"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["review"] == "edited" and edited.json()["form"] == "picket"
    assert edited.json()["participants"]["size_min"] == 250
    assert edited.json()["participants"]["size_max"] == event["participants"]["size_max"]
    confirmed = client.post(f"/api/events/{event['id']}/review", headers=auth("bob"), json={"action": "confirm"})
    assert confirmed.json()["review"] == "confirmed" and confirmed.json()["reviewed_by"] == "bob"
    stored = client.get(f"/api/events/{event['id']}").json()
    assert stored["form"] == "picket" and stored["review"] == "confirmed"
    entries = client.get("/api/audit", params={"event_id": event["id"]}).json()["entries"]
    assert [(e["action"], e["who"]) for e in entries] == [("confirm", "bob"), ("edit", "alice")]
    assert entries[1]["note"] == "photo count"
    assert entries[1]["before"]["record"]["form"] == "strike" and entries[1]["after"]["record"]["form"] == "picket"
    assert client.get("/api/events", params={"review": "confirmed"}).json()["total"] == 1


def test_api_review_edit_with_a_value_outside_the_codebook_is_400(client):
    event = event_in(client, "Pavlodar")
    response = client.post(f"/api/events/{event['id']}/review", headers=auth(),
                           json={"action": "edit", "changes": {"form": "flashmob"}})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_input" and "flashmob" in response.json()["error"]["message"]
    assert client.get(f"/api/events/{event['id']}").json()["form"] == "strike"


@pytest.mark.parametrize("body", [
    {"action": "approve"},
    {"action": "edit"},
    {"action": "confirm", "changes": {"form": "march"}},
])
def test_api_review_refuses_bad_bodies(client, body):
    event = listed(client)[0]
    assert client.post(f"/api/events/{event['id']}/review", headers=auth(), json=body).status_code == 422


def test_api_reject_hides_the_event_until_asked_for(client):
    event = event_in(client, "Shymkent")
    response = client.post(f"/api/events/{event['id']}/review", headers=auth(), json={"action": "reject"})
    assert response.json()["review"] == "rejected"
    assert client.get("/api/events").json()["total"] == CANONICAL_EVENTS - 1
    assert [e["id"] for e in listed(client, review="rejected")] == [event["id"]]
    assert client.get("/api/events", params={"include_rejected": "true"}).json()["total"] == CANONICAL_EVENTS
    reopened = client.post(f"/api/events/{event['id']}/review", headers=auth(), json={"action": "reopen"})
    assert reopened.json()["review"] == "machine"
    assert client.get("/api/events").json()["total"] == CANONICAL_EVENTS


def test_api_review_unknown_event_is_404(client):
    response = client.post("/api/events/999999/review", headers=auth(), json={"action": "confirm"})
    assert response.status_code == 404


def test_api_merge_and_split_move_sources(client):
    oral, shymkent = event_in(client, "Oral"), event_in(client, "Shymkent")
    merged = client.post("/api/events/merge", headers=auth(), json={"ids": [oral["id"], shymkent["id"]]})
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == oral["id"]
    assert {s["doc_id"] for s in merged.json()["sources"]} == {"oral-picket-detained", "shymkent-market-xss"}
    assert client.get(f"/api/events/{shymkent['id']}").status_code == 404
    assert client.get("/api/events").json()["total"] == CANONICAL_EVENTS - 1

    leaving = [s["mention_id"] for s in merged.json()["sources"] if s["doc_id"] == "shymkent-market-xss"]
    split = client.post(f"/api/events/{oral['id']}/split", headers=auth("bob"), json={"mention_ids": leaving})
    assert split.status_code == 201, split.text
    assert split.json()["id"] != oral["id"]
    assert [s["doc_id"] for s in split.json()["sources"]] == ["shymkent-market-xss"]
    assert [s["doc_id"] for s in client.get(f"/api/events/{oral['id']}").json()["sources"]] == ["oral-picket-detained"]
    actions = [(e["action"], e["who"]) for e in client.get("/api/audit").json()["entries"]]
    assert ("merge", "alice") in actions and ("split", "bob") in actions


def test_api_merge_needs_two_distinct_ids(client):
    event = listed(client)[0]
    for ids in ([event["id"]], [event["id"], event["id"]]):
        assert client.post("/api/events/merge", headers=auth(), json={"ids": ids}).status_code == 422


# --- exports ---------------------------------------------------------------


def test_api_export_csv_has_acled_like_columns_and_follows_filters(client):
    response = client.get("/api/export/events.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == CANONICAL_EVENTS
    assert {"event_date", "country", "admin1", "latitude", "longitude"} <= set(rows[0])
    strikes = list(csv.DictReader(io.StringIO(client.get("/api/export/events.csv", params={"form": "strike"}).text)))
    assert len(strikes) == 1 and strikes[0]["event_date"] == "2024-06-03"


def test_api_export_geojson_is_a_feature_collection(client):
    response = client.get("/api/export/events.geojson", params={"country": "KZ"})
    assert response.headers["content-type"].startswith("application/geo+json")
    assert len(json.loads(response.text)["features"]) == CANONICAL_EVENTS


def test_api_export_gold_holds_reviewed_events(client):
    assert client.get("/api/export/gold.jsonl").text.strip() == ""
    event = event_in(client, "Pavlodar")
    client.post(f"/api/events/{event['id']}/review", headers=auth(), json={"action": "confirm"})
    lines = [json.loads(line) for line in client.get("/api/export/gold.jsonl").text.splitlines()]
    assert [line["doc_id"] for line in lines] == ["pavlodar-miners-strike"]
    assert lines[0]["events"][0]["form"] == "strike"
    everything = client.get("/api/export/gold.jsonl", params={"reviewed_only": "false"}).text.splitlines()
    assert len(everything) >= 7


# --- access ----------------------------------------------------------------


def test_api_read_access_token_only(location):
    settings = Settings(tokens=SETTINGS_TOKENS, read_access="token")
    with TestClient(create_app(location, settings)) as client:
        assert client.get("/api/events").status_code == 401
        assert client.get("/api/events").headers["www-authenticate"].startswith("Bearer")
        assert client.get("/api/events", headers=auth("bob")).json()["total"] == CANONICAL_EVENTS
        assert client.get("/api/export/events.csv").status_code == 401
        config = client.get("/api/config").json()  # open, so the dashboard knows to ask
        assert config["read_access"] == "token" and config["writes_enabled"] is True


def test_api_without_tokens_is_read_only(location):
    with TestClient(create_app(location, Settings())) as client:
        assert client.get("/api/events").status_code == 200
        response = client.post("/api/events/merge", json={"ids": [1, 2]}, headers=auth())
        assert response.status_code == 403
        assert client.get("/api/config").json()["writes_enabled"] is False


def test_api_openapi_describes_every_route(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/events", "/api/events/{event_id}", "/api/events.geojson", "/api/documents",
        "/api/documents/{doc_id}", "/api/events/{event_id}/review", "/api/events/merge",
        "/api/events/{event_id}/split", "/api/audit", "/api/export/events.csv", "/api/export/events.geojson",
        "/api/export/gold.jsonl", "/api/config", "/api/stats",
    } <= paths
    assert "ErrorOut" in spec["components"]["schemas"]
