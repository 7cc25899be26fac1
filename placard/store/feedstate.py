"""What ``placard watch`` keeps in the store between runs (migration 003):
per feed, the validators for conditional requests; per item, stored or
failed with a reason. Plain SQL that both backends run."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from placard.errors import InputError
from placard.store.sql import SQLBase, now, translating_errors

ItemState = Literal["stored", "failed"]
MAX_ATTEMPTS = 3  # a failing item is retried in later rounds until it failed this often


@dataclass(frozen=True)
class FeedState:
    url: str
    etag: Optional[str]
    last_modified: Optional[str]
    last_checked: Optional[str]  # ISO 8601 UTC
    last_status: Optional[str]   # "200", "not modified", or the reason it failed


@dataclass(frozen=True)
class FeedItemState:
    feed_url: str
    item_id: str
    url: Optional[str]
    state: ItemState
    reason: Optional[str]
    doc_id: Optional[str]
    attempts: int
    updated_at: str


_ITEM_COLUMNS = "feed_url, item_id, url, state, reason, doc_id, attempts, updated_at"


class FeedStateStore(SQLBase):
    """Feed and feed-item state; each write is its own transaction."""

    @translating_errors
    def feed_state(self, url: str) -> FeedState | None:
        row = self.execute("SELECT url, etag, last_modified, last_checked, last_status FROM feeds WHERE url = ?",
                           (url,)).fetchone()
        return FeedState(*row) if row else None

    @translating_errors
    def save_feed_state(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                        status: str | None = None, keep_validators: bool = False) -> None:
        """Record a check of ``url``; ``keep_validators`` leaves the stored
        ETag/Last-Modified as they were (a 304 or a failure)."""
        validators = ("etag = feeds.etag, last_modified = feeds.last_modified" if keep_validators
                      else "etag = excluded.etag, last_modified = excluded.last_modified")
        with self.transaction():
            self.execute(
                "INSERT INTO feeds (url, etag, last_modified, last_checked, last_status) VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (url) DO UPDATE SET {validators}, "
                "last_checked = excluded.last_checked, last_status = excluded.last_status",
                (url, etag, last_modified, now(), status))

    @translating_errors
    def item_state(self, feed_url: str, item_id: str) -> FeedItemState | None:
        row = self.execute(f"SELECT {_ITEM_COLUMNS} FROM feed_items WHERE feed_url = ? AND item_id = ?",
                           (feed_url, item_id)).fetchone()
        return FeedItemState(*row) if row else None

    def item_seen(self, feed_url: str, item_id: str) -> bool:
        """True when the item needs no more work: stored, or failed ``MAX_ATTEMPTS`` times."""
        state = self.item_state(feed_url, item_id)
        return state is not None and (state.state == "stored" or state.attempts >= MAX_ATTEMPTS)

    @translating_errors
    def mark_item(self, feed_url: str, item_id: str, *, state: ItemState, url: str | None = None,
                  reason: str | None = None, doc_id: str | None = None) -> None:
        """Record an item as stored (call after its document is committed) or failed."""
        if state not in ("stored", "failed"):
            raise InputError(f"unknown item state {state!r}")
        failed = 1 if state == "failed" else 0
        with self.transaction():
            self.execute(
                f"INSERT INTO feed_items ({_ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (feed_url, item_id) DO UPDATE SET url = excluded.url, state = excluded.state, "
                "reason = excluded.reason, doc_id = excluded.doc_id, "
                "attempts = feed_items.attempts + excluded.attempts, updated_at = excluded.updated_at",
                (feed_url, item_id, url, state, reason, doc_id, failed, now()))

    @translating_errors
    def feed_items(self, feed_url: str | None = None) -> list[FeedItemState]:
        where, params = (" WHERE feed_url = ?", (feed_url,)) if feed_url else ("", ())
        rows = self.execute(f"SELECT {_ITEM_COLUMNS} FROM feed_items{where} ORDER BY feed_url, item_id", params)
        return [FeedItemState(*row) for row in rows]
