"""Ingesting documents and grouping their mentions into canonical events.

Grouping keeps one invariant: the machine's canonical events are exactly
``placard.dedup.cluster`` applied to all machine mentions (those not held by
a reviewed event). Clusters never cross the connected parts of the match
graph, so an ingest re-clusters only the part its document touches: the
mentions reachable, match by match, from its new mentions, from the mentions
its old ones matched, and from the members of the events its old ones were
in. That makes the result independent of ingest order. A machine group that
fits a reviewed event joins it (its record stays as reviewed). The cost of an
ingest grows with the mentions of one city within a few days of its events
(a crowd of reports of one protest), not with the store.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Optional, Sequence

from placard import dedup
from placard.errors import InputError
from placard.records import Result
from placard.store import IngestOutcome, content_hash, issues_of, records_hash, search_body
from placard.store.sql import (
    MACHINE, MENTION_ROW, RECORD_COLUMNS, MentionRow, Regroup, SQLBase, chunks, iso_day, now, record_columns,
    span_end, translating_errors,
)

_UPSERT_DOCUMENT = """
INSERT INTO documents (doc_id, url, lang, published, title, source, content_hash,
                       events_hash, text, error, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (doc_id) DO UPDATE SET
    url = excluded.url, lang = excluded.lang, published = excluded.published,
    title = excluded.title, source = excluded.source,
    content_hash = excluded.content_hash, events_hash = excluded.events_hash,
    text = excluded.text, error = excluded.error, ingested_at = excluded.ingested_at"""
_DOCUMENT_FIELDS = ("doc_id", "url", "lang", "published", "title", "source", "content_hash", "events_hash",
                    "text", "error", "ingested_at")

_INSERT_MENTION = (f"INSERT INTO mentions (doc_id, ordinal, span_hi, {', '.join(RECORD_COLUMNS)}) "
                   f"VALUES ({', '.join('?' * (3 + len(RECORD_COLUMNS)))})")
_INSERT_EVENT = (f"INSERT INTO events (doc_id, sources, review, updated_at, {', '.join(RECORD_COLUMNS)}) "
                 f"VALUES ({', '.join('?' * (4 + len(RECORD_COLUMNS)))})")
_UPDATE_EVENT = (f"UPDATE events SET doc_id = ?, sources = ?, updated_at = ?, "
                 f"{', '.join(c + ' = ?' for c in RECORD_COLUMNS)} WHERE id = ?")
_INSERT_EVIDENCE = "INSERT INTO evidence (mention_id, ordinal, char_start, char_end, text) VALUES (?, ?, ?, ?, ?)"
_PREVIOUS = "SELECT content_hash, events_hash, error FROM documents WHERE doc_id = ?"
_COUNT_DOC_MENTIONS = "SELECT COUNT(*) FROM mentions WHERE doc_id = ?"


class Grouping(SQLBase):
    """Ingest, and keep canonical events in step with the mentions."""

    # --- ingesting --------------------------------------------------------------

    @translating_errors
    def ingest(self, result: Result, *, source: str | None = None) -> IngestOutcome:
        if not result.doc_id:
            raise InputError("a result without a doc_id cannot be stored")
        article = result.article
        doc = article.doc if article else None
        row = {
            "doc_id": result.doc_id,
            "url": doc.url if doc else None,
            "lang": (article.lang or doc.lang) if article else None,
            "published": (article.published.value if article.published else doc.published) if article else None,
            "title": article.title if article else None,
            "source": source,
            "content_hash": content_hash(doc) if doc else None,
            "events_hash": None,
            "text": article.text if article else None,
            "error": None,
            "ingested_at": now(),
        }
        if result.error or article is None:
            # A failure replaces what was stored: the stored events no longer
            # describe what the source holds now.
            row["error"] = result.error or "no article was produced"
            with self.transaction():
                touched = self._remove_mentions(result.doc_id)
                self.execute(_UPSERT_DOCUMENT, [row[k] for k in _DOCUMENT_FIELDS])
                self.regroup(touched)
            return IngestOutcome(result.doc_id, "failed", 0, row["error"])

        records = result.to_record()["events"]
        row["events_hash"] = records_hash(records)
        with self.transaction():
            previous = self.execute(_PREVIOUS, (result.doc_id,)).fetchone()
            # Same content and same events: nothing to do. Same content with
            # other events (a better extractor) is an update, like new content.
            if previous is not None and tuple(previous) == (row["content_hash"], row["events_hash"], None):
                stored = self.execute(_COUNT_DOC_MENTIONS, (result.doc_id,)).fetchone()[0]
                return IngestOutcome(result.doc_id, "unchanged", stored)
            touched = self._remove_mentions(result.doc_id) if previous is not None else Regroup()
            self.execute(_UPSERT_DOCUMENT, [row[k] for k in _DOCUMENT_FIELDS])
            for ordinal, record in enumerate(records):
                touched.seeds.add(self._insert_mention(result.doc_id, ordinal, record))
            self.regroup(touched)
        return IngestOutcome(result.doc_id, "updated" if previous else "added", len(records))

    def _insert_mention(self, doc_id: str, ordinal: int, record: dict) -> int:
        mention_id = self.insert(_INSERT_MENTION, [doc_id, ordinal, span_end(record), *record_columns(record)])
        spans = record.get("evidence_spans") or []
        texts = record.get("evidence") or []
        self.executemany(_INSERT_EVIDENCE, [(mention_id, i, start, end, text)
                                            for i, ((start, end), text) in enumerate(zip(spans, texts))])
        return mention_id

    def _remove_mentions(self, doc_id: str) -> Regroup:
        """Delete a document's mentions; what must be re-clustered after."""
        touched = Regroup()
        old = self._rows(f"{MENTION_ROW} WHERE m.doc_id = ?", (doc_id,))
        machine = {r.id for r in self._rows(f"{MENTION_ROW} WHERE m.doc_id = ? AND {MACHINE}", (doc_id,))}
        for row in old:
            if row.event_id is not None:
                touched.events.add(row.event_id)
            if row.id in machine:
                touched.seeds.update(c.id for c in self._candidates(row.mention)
                                     if dedup.match_score(row.mention, c.mention) is not None)
        if touched.events:
            for chunk in chunks(sorted(touched.events)):
                marks = ", ".join("?" * len(chunk))
                touched.seeds.update(r[0] for r in self.execute(
                    f"SELECT id FROM mentions WHERE event_id IN ({marks})", chunk))
        self.execute("DELETE FROM mentions WHERE doc_id = ?", (doc_id,))
        touched.seeds -= {r.id for r in old}
        return touched

    # --- grouping ---------------------------------------------------------------

    # --- grouping ---------------------------------------------------------------

    def _candidate_query(self, mention: dedup.Mention) -> Optional[tuple[str, tuple]]:
        """The query for the machine mentions that may match ``mention`` (a
        superset; dedup decides), or None when nothing can."""
        if mention.city is None or mention.when is None or mention.when.precision == "year":
            return None
        when = mention.when
        if when.yearless:
            months = [f"{(when.month + k - 1) % 12 + 1:02d}" for k in (-1, 0, 1)]
            sql = (f"{MENTION_ROW} WHERE m.city_key = ? AND {MACHINE} AND m.date IS NOT NULL "
                   f"AND substr(m.date, 6, 2) IN (?, ?, ?)")
            return sql, (mention.city, *months)
        lo, hi = mention.window()
        months = _months(lo, hi)
        sql = (f"{MENTION_ROW} WHERE m.city_key = ? AND {MACHINE} AND ("
               f"(m.date_lo <= ? AND m.span_hi >= ?) OR (m.date LIKE ? AND substr(m.date, 6, 2) IN "
               f"({', '.join('?' * len(months))})))")
        return sql, (mention.city, iso_day(hi), iso_day(lo), "XXXX-%", *months)

    def _candidates(self, mention: dedup.Mention) -> list[MentionRow]:
        query = self._candidate_query(mention)
        return self._rows(*query) if query else []

    def _component(self, seeds: set[int]) -> dict[int, MentionRow]:
        """The machine mentions reachable from ``seeds`` by matches."""
        found: dict[int, MentionRow] = {}
        frontier: list[MentionRow] = []
        for chunk in chunks(sorted(seeds)):
            marks = ", ".join("?" * len(chunk))
            frontier += self._rows(f"{MENTION_ROW} WHERE m.id IN ({marks}) AND {MACHINE}", chunk)
        # Mentions of one city and window share a query; each query's answers
        # not reached yet are kept, so a crowd of reports is walked once.
        unreached: dict[tuple, dict[int, MentionRow]] = {}
        matches = _MatchMemo()
        while frontier:
            for row in frontier:
                found[row.id] = row
            reached: dict[int, MentionRow] = {}
            for row in frontier:
                query = self._candidate_query(row.mention)
                if query is None:
                    continue
                if query not in unreached:
                    unreached[query] = {r.id: r for r in self._rows(*query) if r.id not in found}
                left = unreached[query]
                for candidate_id in list(left):
                    candidate = left[candidate_id]
                    if candidate_id in found or candidate_id in reached:
                        del left[candidate_id]
                    elif matches(row.mention, candidate.mention):
                        reached[candidate_id] = candidate
                        del left[candidate_id]
            frontier = list(reached.values())
        return found

    def regroup(self, touched: Regroup, *, everything: bool = False) -> None:
        """Re-cluster the part of the match graph ``touched`` reaches (all
        machine mentions with ``everything``) and write the events that changed.
        Call inside a transaction."""
        if everything:
            component = {r.id: r for r in self._rows(f"{MENTION_ROW} WHERE {MACHINE}")}
        else:
            component = self._component(touched.seeds)
        by_key = {row.mention.key: row for row in component.values()}
        groups = dedup.cluster(row.mention for row in component.values())
        reviewed_touched = {eid for eid in touched.events if self._review_of(eid) not in (None, "machine")}
        machine_groups = []
        for group in groups:
            rows = [by_key[m.key] for m in group]
            target = self._reviewed_match(group)
            if target is None:
                machine_groups.append(rows)
                continue
            self._point_mentions(target, [r.id for r in rows])
            reviewed_touched.add(target)
        old_ids = {r.event_id for r in component.values() if r.event_id is not None}
        old_ids |= {eid for eid in touched.events if eid not in reviewed_touched}
        assigned = _assign_ids(machine_groups, old_ids)
        for rows, event_id in zip(machine_groups, assigned):
            unchanged = (event_id is not None and event_id not in touched.rewrite
                         and {r.id for r in rows} == {r.id for r in component.values() if r.event_id == event_id}
                         and self._member_count(event_id) == len(rows))
            if not unchanged:
                self._write_machine_event(event_id, rows)
        for event_id in sorted(old_ids - set(assigned)):
            self.execute("DELETE FROM events WHERE id = ? AND review = 'machine' AND NOT EXISTS "
                         "(SELECT 1 FROM mentions WHERE event_id = ?)", (event_id, event_id))
        for event_id in sorted(reviewed_touched):
            self.refresh_sources(event_id)

    def _review_of(self, event_id: int) -> Optional[str]:
        row = self.execute("SELECT review FROM events WHERE id = ?", (event_id,)).fetchone()
        return row[0] if row else None

    def _member_count(self, event_id: int) -> int:
        return self.execute("SELECT COUNT(*) FROM mentions WHERE event_id = ?", (event_id,)).fetchone()[0]

    def _point_mentions(self, event_id: int, mention_ids: Sequence[int]) -> None:
        for chunk in chunks(list(mention_ids)):
            marks = ", ".join("?" * len(chunk))
            self.execute(f"UPDATE mentions SET event_id = ? WHERE id IN ({marks})", [event_id, *chunk])

    def _reviewed_match(self, group: Sequence[dedup.Mention]) -> Optional[int]:
        """The reviewed event a machine group fits best, if any: some mention
        matches its (reviewed) record, and no document would appear twice."""
        first = group[0]
        if first.city is None or first.when is None:
            return None
        lo = min(m.window()[0] for m in group if m.window()) if any(m.window() for m in group) else None
        hi = max(m.window()[1] for m in group if m.window()) if lo is not None else None
        sql = "SELECT id, record, city_key FROM events WHERE review <> 'machine' AND city_key = ?"
        params: list = [first.city]
        if lo is not None:
            sql += " AND (date_lo IS NULL OR (date_lo <= ? AND date_hi >= ?))"
            params += [iso_day(hi), iso_day(lo)]
        best: Optional[tuple[float, int]] = None
        docs = {m.doc_id for m in group}
        for event_id, record, key in self.execute(sql, params).fetchall():
            reviewed = dedup.Mention(f"event:{event_id}", 0, json.loads(record), None, key)
            score = max((dedup.match_score(reviewed, m) or 0.0) for m in group)
            if not score:
                continue
            held = {r[0] for r in self.execute("SELECT doc_id FROM mentions WHERE event_id = ?", (event_id,))}
            if held & docs:
                continue
            if best is None or (-score, event_id) < (-best[0], best[1]):
                best = (score, event_id)
        return best[1] if best else None

    def _write_machine_event(self, event_id: Optional[int], rows: Sequence[MentionRow]) -> int:
        ordered = sorted(rows, key=lambda r: dedup.source_order(r.mention))
        record = dedup.merge_records([r.mention for r in ordered])
        columns = record_columns(record)
        if event_id is None:
            event_id = self.insert(_INSERT_EVENT, [ordered[0].mention.doc_id, len(rows), "machine", now(), *columns])
        else:
            self.execute(_UPDATE_EVENT, [ordered[0].mention.doc_id, len(rows), now(), *columns, event_id])
        self._point_mentions(event_id, [r.id for r in rows])
        evidence = [s for r in ordered for s in r.mention.record.get("evidence") or []]
        self.write_derived(event_id, record, evidence)
        return event_id

    def write_derived(self, event_id: int, record: dict, evidence: Sequence[str]) -> None:
        """The issue, response and text-index rows of an event."""
        self.execute("DELETE FROM event_issues WHERE event_id = ?", (event_id,))
        self.execute("DELETE FROM event_responses WHERE event_id = ?", (event_id,))
        self.executemany("INSERT INTO event_issues (event_id, issue) VALUES (?, ?)",
                         [(event_id, issue) for issue in issues_of(record)])
        responses = dict.fromkeys(r.get("type") for r in record.get("responses") or [] if r.get("type"))
        self.executemany("INSERT INTO event_responses (event_id, response) VALUES (?, ?)",
                         [(event_id, response) for response in responses])
        self.set_search(event_id, search_body(record, evidence))

    def refresh_sources(self, event_id: int) -> None:
        """After a reviewed event's sources changed: their count, the first
        source, the text index. The record stays."""
        row = self.execute("SELECT record, doc_id FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            return
        record, doc_id = json.loads(row[0]), row[1]
        rows = sorted(self._rows(f"{MENTION_ROW} WHERE m.event_id = ?", (event_id,)),
                      key=lambda r: dedup.source_order(r.mention))
        if rows:
            doc_id = rows[0].mention.doc_id
        self.execute("UPDATE events SET sources = ?, doc_id = ?, updated_at = ? WHERE id = ?",
                     (len(rows), doc_id, now(), event_id))
        evidence = [s for r in rows for s in r.mention.record.get("evidence") or []]
        self.write_derived(event_id, record, evidence)

    @translating_errors
    def recluster(self) -> int:
        with self.transaction():
            self.regroup(Regroup(), everything=True)
            return self.execute("SELECT COUNT(*) FROM events WHERE review = 'machine'").fetchone()[0]

    def after_migration(self, version: int) -> None:
        """Data steps that SQL alone cannot do; runs in the migration's transaction."""
        if version == 2:
            for mention_id, record in self.execute(
                    "SELECT id, record FROM mentions WHERE end_date IS NOT NULL").fetchall():
                self.execute("UPDATE mentions SET span_hi = ? WHERE id = ?", (span_end(json.loads(record)), mention_id))
            all_events = {r[0] for r in self.execute("SELECT id FROM events")}
            self.regroup(Regroup(rewrite=all_events), everything=True)

    # --- reading ------------------------------------------------------------------


class _MatchMemo:
    """``dedup.match_score(a, b) is not None``, remembered by signature."""

    def __init__(self):
        self._known: dict[tuple, bool] = {}

    def __call__(self, a: dedup.Mention, b: dedup.Mention) -> bool:
        if a.doc_id == b.doc_id:
            return False
        pair = (a.signature, b.signature)
        if pair not in self._known:
            self._known[pair] = dedup.match_score(a, b) is not None
        return self._known[pair]


def _assign_ids(groups: Sequence[Sequence[MentionRow]], old_ids: set[int]) -> list[Optional[int]]:
    """Each group keeps the old event id most of its mentions had (ties: the
    smallest id), each id at most once; the others get None (a new event)."""
    overlaps = []
    for index, rows in enumerate(groups):
        counts = Counter(r.event_id for r in rows if r.event_id in old_ids)
        overlaps += [(-n, event_id, index) for event_id, n in counts.items()]
    assigned: list[Optional[int]] = [None] * len(groups)
    used: set[int] = set()
    for _, event_id, index in sorted(overlaps):
        if assigned[index] is None and event_id not in used:
            assigned[index] = event_id
            used.add(event_id)
    return assigned


def _months(lo: int, hi: int) -> list[str]:
    """The months ("06") that the days lo..hi (ordinals) touch."""
    day, last, found = dt.date.fromordinal(lo).replace(day=1), dt.date.fromordinal(hi), set()
    while day <= last:
        found.add(f"{day.month:02d}")
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return sorted(found)
