"""What routes share: the store (opened per request), the pipeline (built once),
and the records turned into JSON objects.

The store is opened inside each request's own thread and closed at its end:
an SQLite connection may only be used by the thread that opened it, and
FastAPI runs the routes of one app on a pool of threads.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Optional

from fastapi import Request

from placard.store import EventQuery, Store, StoredEvent

from placard.errors import NotFound
from placard.api.schemas import EventFilters


class StoreAccess:
    """Opens the store at ``location`` (a path or a database URL) on demand."""

    def __init__(self, location: Optional[str]):
        self.location = location

    @contextmanager
    def open(self) -> Iterator[Store]:
        store = Store.open(self.location)
        try:
            yield store
        finally:
            store.close()


class PipelineHolder:
    """The extraction pipeline, built on the first document posted (it loads lexicons and the gazetteer)."""

    def __init__(self):
        self._pipeline = None
        self._lock = threading.Lock()

    def get(self):
        with self._lock:
            if self._pipeline is None:
                from placard.pipeline import Pipeline

                self._pipeline = Pipeline.default()
            return self._pipeline


def stores(request: Request) -> StoreAccess:
    return request.app.state.stores


def pipeline_of(request: Request):
    return request.app.state.pipeline.get()


def event_query(filters: EventFilters, limit: Optional[int], offset: int) -> EventQuery:
    return EventQuery(
        date_from=filters.date_from, date_to=filters.date_to, country=filters.country,
        admin1=filters.admin1, city=filters.city, form=filters.form, issue=filters.issue,
        status=filters.status, text=filters.q, response=filters.response, review=filters.review,
        include_rejected=filters.include_rejected, order=filters.order, limit=limit, offset=offset,
    )


def source_json(source) -> dict:
    return {
        "mention_id": source.mention_id, "doc_id": source.doc_id, "url": source.url, "outlet": source.outlet,
        "title": source.title, "published": source.published, "evidence": list(source.evidence),
        "evidence_spans": [list(span) for span in source.evidence_spans],
    }


def event_json(event: StoredEvent) -> dict:
    """The codebook record with the store's id, review state and sources."""
    return {
        "id": event.id, "doc_id": event.doc_id, "url": event.url, **event.record,
        "review": event.review, "reviewed_by": event.reviewed_by, "reviewed_at": event.reviewed_at,
        "sources": [source_json(s) for s in event.sources],
    }


def audit_json(entry) -> dict:
    return {
        "id": entry.id, "event_id": entry.event_id, "action": entry.action, "who": entry.who, "at": entry.at,
        "before": entry.before, "after": entry.after, "note": entry.note,
    }


def document_json(document, *, with_text: bool = False) -> dict:
    out = {
        "doc_id": document.doc_id, "url": document.url, "lang": document.lang, "published": document.published,
        "title": document.title, "source": document.source, "error": document.error,
        "events": document.events, "ingested_at": document.ingested_at,
    }
    if with_text:
        out["text"] = document.text
    return out


def found_event(store: Store, event_id: int) -> StoredEvent:
    event = store.event(event_id)
    if event is None:
        raise NotFound(f"no event {event_id}")
    return event
