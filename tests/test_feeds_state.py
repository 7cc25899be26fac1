"""Feed state in the store (migration 003) on SQLite and PostgreSQL: validators
per feed, stored/failed per item, retries of failed items."""
from __future__ import annotations

import pytest

from placard.errors import InputError
from placard.store.feedstate import MAX_ATTEMPTS

FEED = "https://news.example/rss.xml"


def test_feeds_state_unknown_feed_has_no_state(store):
    assert store.feed_state(FEED) is None
    assert store.item_state(FEED, "https://news.example/1") is None
    assert not store.item_seen(FEED, "https://news.example/1")


def test_feeds_state_validators_saved_and_kept_on_not_modified(store):
    store.save_feed_state(FEED, etag='"v1"', last_modified="Mon, 06 May 2024 10:00:00 GMT", status="200")
    first = store.feed_state(FEED)
    assert (first.etag, first.last_modified, first.last_status) == (
        '"v1"', "Mon, 06 May 2024 10:00:00 GMT", "200")
    store.save_feed_state(FEED, status="not modified", keep_validators=True)
    second = store.feed_state(FEED)
    assert (second.etag, second.last_status) == ('"v1"', "not modified")
    assert second.last_checked > first.last_checked
    store.save_feed_state(FEED, etag='"v2"', status="200")
    third = store.feed_state(FEED)
    assert (third.etag, third.last_modified) == ('"v2"', None)


def test_feeds_state_stored_item_is_seen_once_marked(store):
    store.mark_item(FEED, "https://news.example/1", state="stored", url="https://news.example/1",
                    doc_id="https://news.example/1")
    assert store.item_seen(FEED, "https://news.example/1")
    assert not store.item_seen("https://other.example/feed", "https://news.example/1")
    assert [(i.item_id, i.state, i.attempts) for i in store.feed_items(FEED)] == [
        ("https://news.example/1", "stored", 0)]


def test_feeds_state_failed_item_retried_until_max_attempts(store):
    item = "https://news.example/slow"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert not store.item_seen(FEED, item)
        store.mark_item(FEED, item, state="failed", url=item, reason="timeout after 10 s")
        assert store.item_state(FEED, item).attempts == attempt
    assert store.item_seen(FEED, item)
    assert store.item_state(FEED, item).reason == "timeout after 10 s"


def test_feeds_state_failed_then_stored_item_is_stored(store):
    item = "https://news.example/flaky"
    store.mark_item(FEED, item, state="failed", reason="HTTP 503")
    store.mark_item(FEED, item, state="stored", doc_id=item)
    state = store.item_state(FEED, item)
    assert (state.state, state.reason, state.doc_id) == ("stored", None, item)
    assert store.item_seen(FEED, item)


def test_feeds_state_unknown_item_state_refused(store):
    with pytest.raises(InputError, match="unknown item state"):
        store.mark_item(FEED, "x", state="done")
