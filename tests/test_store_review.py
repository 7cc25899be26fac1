"""Review in the store: confirm, edit, reject, reopen, merge, split; the audit
log; reviewed events against later machine runs; the gold export. On SQLite
and (with $PLACARD_TEST_POSTGRES_URL) PostgreSQL."""
from __future__ import annotations

import io
import json

import pytest

from placard.errors import InputError, NotFound
from placard.store import EventQuery
from tests.test_store_dedup import report


@pytest.fixture
def two_events(store):
    """Event 1: an Almaty rally from documents a and b; event 2: an Oral picket from c."""
    store.ingest(report("a", "Residents rallied in Almaty.", size=(24, 99)))
    store.ingest(report("b", "Residents rallied in Almaty today.", size=(200, 999), responses=(("detained", 3),)))
    store.ingest(report("c", "Activists picketed in Oral.", city="Oral", form="picket", date="2024-06-02"))
    [rally], [picket] = store.events(EventQuery(city="Almaty")), store.events(EventQuery(city="Oral"))
    return store, rally, picket


def test_store_review_confirm_records_who_and_when(two_events):
    store, rally, _ = two_events
    confirmed = store.review(rally.id, "confirm", "aigerim", note="checked both sources")
    assert (confirmed.review, confirmed.reviewed_by) == ("confirmed", "aigerim")
    assert confirmed.reviewed_at and confirmed.reviewed_at.endswith("+00:00")
    assert confirmed.record == rally.record
    [entry] = store.audit(rally.id)
    assert (entry.event_id, entry.action, entry.who, entry.note) == (rally.id, "confirm", "aigerim",
                                                                     "checked both sources")
    assert entry.before["review"] == "machine" and entry.after["review"] == "confirmed"
    assert entry.after["sources"] == sorted(s.mention_id for s in rally.sources)
    assert [e.id for e in store.events(EventQuery(review="confirmed"))] == [rally.id]
    assert [e.id for e in store.events(EventQuery(review="machine"))] != [rally.id]


def test_store_review_edit_changes_fields_and_geocodes_a_new_city(two_events):
    store, _, picket = two_events
    edited = store.review(picket.id, "edit", "aigerim", {
        "form": "rally", "location": {"city": "Almaty"}, "participants": {"size_min": 10},
        "responses": [{"type": "detained", "count": 5}], "claims": [{"text": "free the blogger"}],
    })
    record = edited.record
    assert edited.review == "edited"
    assert record["form"] == "rally" and record["location"]["city"] == "Almaty"
    assert record["location"]["lat"] == pytest.approx(43.25, abs=0.2) and record["location"]["country"] == "KZ"
    assert record["participants"]["size_min"] == 10 and record["participants"]["size_max"] == picket.record[
        "participants"]["size_max"]
    assert record["claims"] == [{"text": "free the blogger", "issues": []}]
    assert record["responses"] == [{"type": "detained", "count": 5}]
    assert record["evidence"] == picket.record["evidence"]
    # Filters follow the edit.
    assert picket.id in {e.id for e in store.events(EventQuery(city="Almaty", response="detained"))}
    assert store.events(EventQuery(city="Oral")) == []
    [entry] = store.audit(picket.id)
    assert entry.before["record"]["form"] == "picket" and entry.after["record"]["form"] == "rally"


@pytest.mark.parametrize("changes, message", [
    ({"form": "parade"}, "form must be one of"),
    ({"status": "done"}, "status must be one of"),
    ({"date": "03.06.2024"}, "date must be"),
    ({"date": "2024-02-30"}, "date must be"),
    ({"location": {"country": "Kazakhstan"}}, "two-letter"),
    ({"location": {"lat": 123}}, "location.lat"),
    ({"location": {"town": "Almaty"}}, "location has no key 'town'"),
    ({"participants": {"size_min": -5}}, "size_min"),
    ({"participants": {"size_min": 500, "size_max": 100}}, "larger than size_max"),
    ({"participants": {"groups": ["aliens"]}}, "group must be one of"),
    ({"claims": [{"issues": ["housing"]}]}, "needs 'text'"),
    ({"claims": [{"text": "flats", "issues": ["flats"]}]}, "issue must be one of"),
    ({"responses": [{"type": "arrested"}]}, "responses[].type"),
    ({"responses": [{"type": "detained"}, {"type": "detained", "count": 2}]}, "one type twice"),
    ({"targets": "the akim"}, "targets must be a list"),
    ({"evidence": ["made up"]}, "sources' own words"),
    ({"mood": "angry"}, "no field 'mood'"),
    ({}, "needs changes"),
    ({"date": "2024-06-05", "end_date": "2024-06-01"}, "before date"),
])
def test_store_review_edit_rejects_bad_values(two_events, changes, message):
    store, rally, _ = two_events
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        store.review(rally.id, "edit", "aigerim", changes)
    assert store.event(rally.id) == rally and store.audit() == []


@pytest.mark.parametrize("call, error", [
    (lambda s, e: s.review(9999, "confirm", "aigerim"), NotFound),
    (lambda s, e: s.review(e, "approve", "aigerim"), InputError),
    (lambda s, e: s.review(e, "confirm", "  "), InputError),
    (lambda s, e: s.review(e, "confirm", "aigerim", {"form": "march"}), InputError),
    (lambda s, e: s.review(e, "reopen", "aigerim"), InputError),  # not reviewed
    (lambda s, e: s.merge([e], "aigerim"), InputError),
    (lambda s, e: s.merge([e, 9999], "aigerim"), NotFound),
    (lambda s, e: s.split(9999, [1], "aigerim"), NotFound),
    (lambda s, e: s.split(e, [], "aigerim"), InputError),
    (lambda s, e: s.split(e, [987654], "aigerim"), InputError),
])
def test_store_review_refuses_bad_calls(two_events, call, error):
    store, rally, _ = two_events
    with pytest.raises(error):
        call(store, rally.id)
    assert store.audit() == []


def test_store_review_reject_hides_the_event(two_events):
    store, rally, picket = two_events
    store.review(rally.id, "reject", "aigerim", note="a concert, not a protest")
    assert [e.id for e in store.events()] == [picket.id]
    assert store.count_events() == 1 and store.stats()["events"] == 1
    assert store.stats()["by_review"] == {"rejected": 1, "machine": 1}
    assert [e.id for e in store.events(EventQuery(review="rejected"))] == [rally.id]
    assert {e.id for e in store.events(EventQuery(include_rejected=True))} == {rally.id, picket.id}
    assert store.event(rally.id).review == "rejected"


def test_store_review_reopen_hands_the_event_back_to_the_machine(two_events):
    store, rally, _ = two_events
    store.review(rally.id, "edit", "aigerim", {"form": "march"})
    reopened = store.review(rally.id, "reopen", "bolat")
    assert reopened.id == rally.id and reopened.review == "machine" and reopened.reviewed_by is None
    assert reopened.record == rally.record  # merged from its sources again
    assert [e.action for e in store.audit(rally.id)] == ["reopen", "edit"]  # newest first


def test_store_review_reviewed_events_are_never_overwritten_by_machine_runs(two_events):
    store, rally, _ = two_events
    store.review(rally.id, "edit", "aigerim", {"participants": {"size_min": 5000, "size_max": 5000}})
    edited = store.event(rally.id)
    # A source changes its report and a new outlet reports the rally: both attach, the record stays.
    store.ingest(report("b", "Residents rallied in Almaty; police detained nine.", responses=(("detained", 9),)))
    store.ingest(report("d", "Almaty residents rallied.", outlet="other.example", size=(10, 15)))
    after = store.event(rally.id)
    assert after.record == edited.record and after.review == "edited"
    assert sorted(s.doc_id for s in after.sources) == ["a", "b", "d"]
    assert store.recluster() >= 1 and store.event(rally.id).record == edited.record
    # Even when all its sources leave, a reviewed event stays.
    for doc_id in ("a", "b", "d"):
        store.ingest(report(doc_id, "Nothing about Almaty.", city="Taraz", date="2020-01-01"))
    assert store.event(rally.id).record == edited.record and store.event(rally.id).sources == ()


def test_store_review_merge_moves_every_source_into_the_first(two_events):
    store, rally, picket = two_events
    merged = store.merge([rally.id, picket.id], "aigerim", note="one protest")
    assert merged.id == rally.id and merged.review == "edited"
    assert sorted(s.doc_id for s in merged.sources) == ["a", "b", "c"]
    assert store.event(picket.id) is None and store.count_events() == 1
    assert merged.record["participants"]["size_min"] == 24  # merged from all sources
    assert [(e.event_id, e.action) for e in store.audit()] == [(rally.id, "merge"), (picket.id, "merge")]
    gone = store.audit(picket.id)[0]
    assert gone.after is None and gone.before["sources"] == [s.mention_id for s in picket.sources]
    # The machine does not undo an analyst's merge.
    store.ingest(report("e", "Unrelated rally in Taraz.", city="Taraz"))
    assert sorted(s.doc_id for s in store.event(rally.id).sources) == ["a", "b", "c"]


def test_store_review_split_sends_sources_to_a_new_event(two_events):
    store, rally, _ = two_events
    leaving = [s.mention_id for s in rally.sources if s.doc_id == "b"]
    new = store.split(rally.id, leaving, "aigerim", note="b reports another rally")
    assert new.id != rally.id and [s.doc_id for s in new.sources] == ["b"]
    assert new.review == "edited" and new.record["participants"]["size_min"] == 200
    old = store.event(rally.id)
    assert [s.doc_id for s in old.sources] == ["a"] and old.review == "edited"
    assert old.record["responses"] == []  # merged again from what stayed
    assert {e.action for e in store.audit(new.id)} == {"split"} and store.audit(new.id)[0].before is None
    # A later ingest does not join them again.
    store.ingest(report("f", "Another Almaty report.", outlet="late.example"))
    assert [s.doc_id for s in store.event(new.id).sources] == ["b"]
    with pytest.raises(InputError):
        store.split(rally.id, [s.mention_id for s in store.event(rally.id).sources], "aigerim")  # none would stay


def test_store_review_audit_pages_newest_first(two_events):
    store, rally, picket = two_events
    store.review(rally.id, "confirm", "a")
    store.review(picket.id, "confirm", "b")
    store.review(rally.id, "reject", "c")
    assert [e.who for e in store.audit()] == ["c", "b", "a"]
    assert [e.who for e in store.audit(limit=1, offset=1)] == ["b"]
    assert [e.who for e in store.audit(rally.id)] == ["c", "a"]


def test_store_review_queue_orders_by_confidence_and_recency(store):
    store.ingest(report("old", "Rally in Almaty.", date="2024-01-02"))
    store.ingest(report("new", "Rally in Oral.", city="Oral", date="2024-05-02"))
    store.ingest(report("none", "Rally in Taraz.", city="Taraz", date=None))
    by_confidence = [e.doc_id for e in store.events(EventQuery(order="confidence"))]
    assert len(by_confidence) == 3
    assert [e.doc_id for e in store.events(EventQuery(order="recent"))] == ["new", "old", "none"]
    assert [e.doc_id for e in store.events(EventQuery(order="date"))] == ["old", "new", "none"]


def test_store_review_export_gold_holds_documents_whose_events_were_all_reviewed(two_events):
    store, rally, picket = two_events
    store.ingest(report("e", "Rally in Taraz.", city="Taraz"))  # never reviewed
    out = io.StringIO()
    assert store.export_gold(out) == 0 and out.getvalue() == ""
    store.review(rally.id, "confirm", "aigerim")
    store.review(picket.id, "reject", "aigerim")
    out = io.StringIO()
    assert store.export_gold(out) == 3
    lines = {line["doc_id"]: line for line in map(json.loads, out.getvalue().splitlines())}
    assert set(lines) == {"a", "b", "c"}
    assert lines["c"]["events"] == []  # its only event was rejected: a document without events
    [event] = lines["b"]["events"]
    assert event["evidence"] == ["Residents rallied in Almaty today."]  # this document's sentences
    assert set(event) == {"form", "status", "date", "end_date", "location", "participants", "organizers",
                          "claims", "targets", "responses", "evidence"}
    everything = io.StringIO()
    assert store.export_gold(everything, reviewed_only=False) == 4
