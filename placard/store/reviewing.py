"""The whole SQL store, with analysts' actions on canonical events: confirm,
edit, reject, reopen, merge, split, an audit entry for each; and the gold
export of what they checked.

A reviewed event (any state but "machine") is the analyst's: a later machine
run never rewrites its record or takes its sources to another event; new
mentions that fit it join it as sources. ``reopen`` hands it back: its record
is merged from its sources again and it may join other machine events.
``merge`` and ``split`` leave the events they produce "edited" so the machine
does not undo them; a merge keeps the first event's record when that was
confirmed or edited, and merges the sources' records otherwise.
"""
from __future__ import annotations

import json
from typing import IO, Optional, Sequence

from placard import dedup
from placard.errors import InputError, NotFound
from placard.store import REVIEW_ACTIONS, AuditEntry, EventQuery, StoredEvent
from placard.store.edits import apply_changes, snapshot
from placard.store.grouping import Grouping
from placard.store.queries import Queries
from placard.store.sql import MENTION_ROW, RECORD_COLUMNS, Regroup, now, record_columns, translating_errors

_REVIEWED_STATES = {"confirm": "confirmed", "reject": "rejected", "edit": "edited"}
_SET_REVIEW = "UPDATE events SET review = ?, reviewed_by = ?, reviewed_at = ?, updated_at = ? WHERE id = ?"
_SET_RECORD = "UPDATE events SET " + ", ".join(f"{c} = ?" for c in RECORD_COLUMNS) + " WHERE id = ?"
_INSERT_REVIEWED = (f"INSERT INTO events (doc_id, sources, review, reviewed_by, reviewed_at, updated_at, "
                    f"{', '.join(RECORD_COLUMNS)}) VALUES ({', '.join('?' * (6 + len(RECORD_COLUMNS)))})")
_INSERT_AUDIT = ("INSERT INTO audit (event_id, action, who, at, before_state, after_state, note) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?)")


def _who(who: object) -> str:
    if not isinstance(who, str) or not who.strip():
        raise InputError("who must name the analyst (a non-empty string)")
    return who.strip()


def _note(note: object) -> Optional[str]:
    if note is None:
        return None
    if not isinstance(note, str):
        raise InputError(f"note must be a string, not {note!r}")
    return note.strip() or None


class ReviewingStore(Grouping, Queries):
    """The whole SQL store: grouping, reading, and the review actions; a
    backend adds its dialect."""

    def _state(self, event_id: int) -> tuple[str, dict, list[int]]:
        row = self.execute("SELECT review, record FROM events WHERE id = ?", (event_id,)).fetchone()
        if row is None:
            raise NotFound(f"no event {event_id}")
        mentions = [r[0] for r in self.execute("SELECT id FROM mentions WHERE event_id = ?", (event_id,))]
        return row[0], json.loads(row[1]), mentions

    def _audit(self, event_id: int, action: str, who: str, before: Optional[dict], after: Optional[dict],
               note: Optional[str], at: str) -> None:
        self.execute(_INSERT_AUDIT, (event_id, action, who, at,
                                     json.dumps(before, ensure_ascii=False) if before is not None else None,
                                     json.dumps(after, ensure_ascii=False) if after is not None else None, note))

    def _set_record(self, event_id: int, record: dict) -> None:
        self.execute(_SET_RECORD, [*record_columns(record), event_id])

    def _merged_record(self, mention_ids: Sequence[int]) -> dict:
        marks = ", ".join("?" * len(mention_ids))
        rows = self._rows(f"{MENTION_ROW} WHERE m.id IN ({marks})", list(mention_ids))
        return dedup.merge_records([r.mention for r in rows])

    def _evidence(self, event_id: int) -> list[str]:
        rows = sorted(self._rows(f"{MENTION_ROW} WHERE m.event_id = ?", (event_id,)),
                      key=lambda r: dedup.source_order(r.mention))
        return [s for r in rows for s in r.mention.record.get("evidence") or []]

    @translating_errors
    def review(self, event_id: int, action: str, who: str, changes: dict | None = None,
               note: str | None = None) -> StoredEvent:
        if action not in REVIEW_ACTIONS:
            raise InputError(f"action must be one of {', '.join(REVIEW_ACTIONS)}, not {action!r}")
        who, note = _who(who), _note(note)
        if action != "edit" and changes:
            raise InputError(f"{action} takes no changes; use edit")
        with self.transaction():
            review, record, mentions = self._state(event_id)
            before = snapshot(review, record, mentions)
            at = now()
            if action == "reopen":
                return self._reopen(event_id, review, mentions, before, who, note, at)
            if action == "edit":
                record = apply_changes(record, changes)
                self._set_record(event_id, record)
                self.write_derived(event_id, record, self._evidence(event_id))
            self.execute(_SET_REVIEW, (_REVIEWED_STATES[action], who, at, at, event_id))
            self._audit(event_id, action, who, before, snapshot(_REVIEWED_STATES[action], record, mentions), note, at)
            return self.load_event(event_id)

    def _reopen(self, event_id: int, review: str, mentions: list[int], before: dict, who: str,
                note: Optional[str], at: str) -> StoredEvent:
        if review == "machine":
            raise InputError(f"event {event_id} is not reviewed: there is nothing to reopen")
        if not mentions:
            raise InputError(f"event {event_id} has no sources left to merge from; reject it instead")
        self.execute("UPDATE events SET review = 'machine', reviewed_by = NULL, reviewed_at = NULL, "
                     "updated_at = ? WHERE id = ?", (at, event_id))
        self.regroup(Regroup(seeds=set(mentions), events={event_id}, rewrite={event_id}))
        # The machine may have joined it to another event: follow its sources.
        holder = self.execute("SELECT event_id FROM mentions WHERE id = ?", (min(mentions),)).fetchone()[0]
        after_review, after_record, after_mentions = self._state(holder)
        self._audit(event_id, "reopen", who, before, snapshot(after_review, after_record, after_mentions), note, at)
        return self.load_event(holder)

    @translating_errors
    def merge(self, event_ids: Sequence[int], who: str, note: str | None = None) -> StoredEvent:
        ids = list(dict.fromkeys(event_ids))
        if len(ids) < 2:
            raise InputError("merge needs at least two different event ids")
        who, note = _who(who), _note(note)
        with self.transaction():
            states = {event_id: self._state(event_id) for event_id in ids}
            target = ids[0]
            review, record, mentions = states[target]
            everything = [m for event_id in ids for m in states[event_id][2]]
            at = now()
            if review not in ("confirmed", "edited"):
                record = self._merged_record(everything) if everything else record
                self._set_record(target, record)
            for event_id in ids[1:]:
                self._point_mentions(target, states[event_id][2])
                self._audit(event_id, "merge", who, snapshot(*states[event_id]), None,
                            note or f"merged into event {target}", at)
                self.execute("DELETE FROM events WHERE id = ?", (event_id,))
            self.execute(_SET_REVIEW, ("edited", who, at, at, target))
            self.refresh_sources(target)
            self._audit(target, "merge", who, snapshot(*states[target]),
                        snapshot("edited", record, everything), note, at)
            return self.load_event(target)

    @translating_errors
    def split(self, event_id: int, mention_ids: Sequence[int], who: str, note: str | None = None) -> StoredEvent:
        leaving = sorted(set(mention_ids))
        who, note = _who(who), _note(note)
        if not leaving:
            raise InputError("split needs the mention ids of the sources that leave")
        with self.transaction():
            review, record, mentions = self._state(event_id)
            strangers = [m for m in leaving if m not in mentions]
            if strangers:
                raise InputError(f"mention {strangers[0]} is not a source of event {event_id}")
            staying = [m for m in mentions if m not in leaving]
            if not staying:
                raise InputError("split must leave at least one source with the event")
            at = now()
            before = snapshot(review, record, mentions)
            if review == "machine":
                record = self._merged_record(staying)
                self._set_record(event_id, record)
            kept_review = "edited" if review in ("machine", "confirmed") else review
            self.execute(_SET_REVIEW, (kept_review, who, at, at, event_id))
            new_record = self._merged_record(leaving)
            first = self.execute("SELECT doc_id FROM mentions WHERE id = ?", (leaving[0],)).fetchone()[0]
            new_id = self.insert(_INSERT_REVIEWED, [first, len(leaving), "edited", who, at, at,
                                                    *record_columns(new_record)])
            self._point_mentions(new_id, leaving)
            self.refresh_sources(event_id)
            self.refresh_sources(new_id)
            self._audit(event_id, "split", who, before, snapshot(kept_review, record, staying),
                        note or f"sources {', '.join(map(str, leaving))} left for event {new_id}", at)
            self._audit(new_id, "split", who, None, snapshot("edited", new_record, leaving),
                        note or f"split from event {event_id}", at)
            return self.load_event(new_id)

    @translating_errors
    def audit(self, event_id: int | None = None, limit: int = 100, offset: int = 0) -> list[AuditEntry]:
        if limit < 0 or offset < 0:
            raise InputError("limit and offset cannot be negative")
        sql = "SELECT id, event_id, action, who, at, before_state, after_state, note FROM audit"
        params: list = []
        if event_id is not None:
            sql += " WHERE event_id = ?"
            params.append(event_id)
        sql += " ORDER BY id DESC LIMIT ? OFFSET ?"
        return [AuditEntry(id=row[0], event_id=row[1], action=row[2], who=row[3], at=row[4],
                           before=json.loads(row[5]) if row[5] is not None else None,
                           after=json.loads(row[6]) if row[6] is not None else None, note=row[7])
                for row in self.execute(sql, [*params, limit, offset])]

    @translating_errors
    def export_gold(self, fh: IO[str], reviewed_only: bool = True) -> int:
        from placard.export import to_gold

        with self.snapshot():
            events = self.events(EventQuery(include_rejected=True))
            documents = [r[0] for r in self.execute(
                "SELECT doc_id FROM documents WHERE error IS NULL ORDER BY ingested_at, doc_id")]
        return to_gold(events, fh, reviewed_only=reviewed_only, documents=documents)
