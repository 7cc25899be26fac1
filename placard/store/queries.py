"""Reading canonical events, documents and figures back."""
from __future__ import annotations

import json
from typing import Sequence

from placard.errors import ConfigError
from placard.store import (
    EVENT_ORDERS, REVIEW_STATES, EventQuery, Source, StoredDocument, StoredEvent, city_key, fold_name, outlet_of,
    query_date_bound, search_words,
)
from placard.store.sql import SQLBase, chunks, translating_errors

_SELECT_EVENTS = """
SELECT e.id, e.doc_id, d.url, e.record, e.review, e.reviewed_by, e.reviewed_at
FROM events e LEFT JOIN documents d ON d.doc_id = e.doc_id"""
_ORDERS = {
    "date": "ORDER BY e.date_lo IS NULL, e.date_lo, e.id",
    "confidence": "ORDER BY e.confidence IS NULL, e.confidence, e.id",
    "recent": "ORDER BY e.date_lo IS NULL, e.date_lo DESC, e.id DESC",
}
_SELECT_SOURCES = """
SELECT m.event_id, m.id, m.doc_id, d.url, d.title, d.published, m.ordinal
FROM mentions m JOIN documents d ON d.doc_id = m.doc_id WHERE m.event_id IN ({marks})"""
_SELECT_EVIDENCE = """
SELECT mention_id, char_start, char_end, text FROM evidence
WHERE mention_id IN ({marks}) ORDER BY mention_id, ordinal"""
_SELECT_DOCUMENTS = """
SELECT d.doc_id, d.url, d.lang, d.published, d.title, d.source, d.error,
       (SELECT COUNT(*) FROM mentions m WHERE m.doc_id = d.doc_id), d.ingested_at{text}
FROM documents d"""

_NOT_REJECTED = "e.review <> 'rejected'"
_STATS_TOTALS = f"""
SELECT (SELECT COUNT(*) FROM documents),
       (SELECT COUNT(*) FROM events e WHERE {_NOT_REJECTED}),
       (SELECT COUNT(*) FROM mentions),
       (SELECT COUNT(*) FROM documents WHERE error IS NOT NULL)"""
_STATS_GROUPS = {
    "by_language": "SELECT lang, COUNT(*) FROM documents WHERE error IS NULL GROUP BY lang",
    "by_form": f"SELECT form, COUNT(*) FROM events e WHERE {_NOT_REJECTED} GROUP BY form",
    "by_status": f"SELECT status, COUNT(*) FROM events e WHERE {_NOT_REJECTED} GROUP BY status",
    "by_country": f"SELECT country, COUNT(*) FROM events e WHERE {_NOT_REJECTED} GROUP BY country",
    "by_review": "SELECT review, COUNT(*) FROM events GROUP BY review",
}


class Queries(SQLBase):
    """What the store answers."""

    def where(self, query: EventQuery) -> tuple[str, list]:
        clauses: list[str] = []
        params: list = []
        if query.date_from:
            clauses.append("e.date_lo >= ?")
            params.append(query_date_bound(query.date_from, end=False, option="date_from"))
        if query.date_to:
            clauses.append("e.date_hi <= ?")
            params.append(query_date_bound(query.date_to, end=True, option="date_to"))
        if query.country:
            clauses.append("e.country = ?")
            params.append(query.country.strip().upper())
        if query.admin1:
            clauses.append("e.admin1_key = ?")
            params.append(fold_name(query.admin1))
        if query.city:
            clauses.append("e.city_key = ?")
            params.append(city_key(query.city))
        if query.review and query.review not in REVIEW_STATES:
            raise ConfigError(f"review must be one of {', '.join(REVIEW_STATES)}, not {query.review!r}")
        for column, value in (("form", query.form), ("status", query.status), ("review", query.review)):
            if value:
                clauses.append(f"e.{column} = ?")
                params.append(value)
        if not query.include_rejected and query.review != "rejected":
            clauses.append(_NOT_REJECTED)
        if query.issue:
            clauses.append("EXISTS (SELECT 1 FROM event_issues i WHERE i.event_id = e.id AND i.issue = ?)")
            params.append(query.issue)
        if query.response:
            clauses.append("EXISTS (SELECT 1 FROM event_responses r WHERE r.event_id = e.id AND r.response = ?)")
            params.append(query.response)
        if query.doc_id:
            clauses.append("EXISTS (SELECT 1 FROM mentions s WHERE s.event_id = e.id AND s.doc_id = ?)")
            params.append(query.doc_id)
        if query.text:
            clause, words = self.text_clause(search_words(query.text))
            clauses.append(clause)
            params += words
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    @translating_errors
    def events(self, query: EventQuery = EventQuery()) -> list[StoredEvent]:
        if (query.limit is not None and query.limit < 0) or query.offset < 0:
            raise ConfigError("limit and offset cannot be negative")
        if query.order not in EVENT_ORDERS:
            raise ConfigError(f"order must be one of {', '.join(EVENT_ORDERS)}, not {query.order!r}")
        where, params = self.where(query)
        sql = f"{_SELECT_EVENTS}{where} {_ORDERS[query.order]} LIMIT ? OFFSET ?"
        params += [self.no_limit if query.limit is None else query.limit, query.offset]
        with self.snapshot():
            rows = self.execute(sql, params).fetchall()
            return self._with_sources(rows)

    @translating_errors
    def count_events(self, query: EventQuery = EventQuery()) -> int:
        where, params = self.where(query)
        return self.execute(f"SELECT COUNT(*) FROM events e{where}", params).fetchone()[0]

    @translating_errors
    def event(self, event_id: int) -> StoredEvent | None:
        with self.snapshot():
            return self.load_event(event_id)

    def load_event(self, event_id: int) -> StoredEvent | None:
        rows = self.execute(f"{_SELECT_EVENTS} WHERE e.id = ?", (event_id,)).fetchall()
        found = self._with_sources(rows)
        return found[0] if found else None

    def _with_sources(self, rows: Sequence[tuple]) -> list[StoredEvent]:
        ids = [row[0] for row in rows]
        sources: dict[int, list[tuple]] = {}
        for chunk in chunks(ids):
            for row in self.execute(_SELECT_SOURCES.format(marks=", ".join("?" * len(chunk))), chunk):
                sources.setdefault(row[0], []).append(row[1:])
        mention_ids = [s[0] for found in sources.values() for s in found]
        evidence: dict[int, list[tuple]] = {}
        for chunk in chunks(mention_ids):
            for mention_id, start, end, text in self.execute(
                    _SELECT_EVIDENCE.format(marks=", ".join("?" * len(chunk))), chunk):
                evidence.setdefault(mention_id, []).append((start, end, text))
        events = []
        for event_id, doc_id, url, record, review, reviewed_by, reviewed_at in rows:
            found = sorted(sources.get(event_id, []),
                           key=lambda s: (s[4] is None, s[4] or "", s[1], s[5]))
            events.append(StoredEvent(
                id=event_id, doc_id=doc_id, url=url, record=json.loads(record),
                sources=tuple(
                    Source(mention_id=mid, doc_id=sdoc, url=surl, outlet=outlet_of(surl), title=title,
                           published=published,
                           evidence=tuple(t for _, _, t in evidence.get(mid, [])),
                           evidence_spans=tuple((s, e) for s, e, _ in evidence.get(mid, [])))
                    for mid, sdoc, surl, title, published, _ in found),
                review=review, reviewed_by=reviewed_by, reviewed_at=reviewed_at,
            ))
        return events

    @translating_errors
    def documents(
        self, limit: int = 100, offset: int = 0, *, failed: bool | None = None
    ) -> list[StoredDocument]:
        where = {None: "", True: " WHERE d.error IS NOT NULL", False: " WHERE d.error IS NULL"}[failed]
        sql = f"{_SELECT_DOCUMENTS.format(text='')}{where} ORDER BY d.ingested_at, d.doc_id LIMIT ? OFFSET ?"
        return [StoredDocument(*row) for row in self.execute(sql, (limit, offset))]

    @translating_errors
    def document(self, doc_id: str) -> StoredDocument | None:
        row = self.execute(f"{_SELECT_DOCUMENTS.format(text=', d.text')} WHERE d.doc_id = ?", (doc_id,)).fetchone()
        return StoredDocument(*row) if row else None

    @translating_errors
    def stats(self) -> dict:
        with self.snapshot():
            documents, events, mentions, failures = self.execute(_STATS_TOTALS).fetchone()
            result: dict = {"documents": documents, "events": events, "mentions": mentions, "failures": failures}
            for key, sql in _STATS_GROUPS.items():
                rows = self.execute(sql).fetchall()
                result[key] = {(value or "unknown"): count for value, count in sorted(rows, key=lambda r: -r[1])}
        return result
