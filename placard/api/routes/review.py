"""Review: confirm, reject, reopen and edit an event; merge events; split one.

Every change needs a token and lands in the audit log under the token's name.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from placard.api.auth import require_writer
from placard.api.deps import StoreAccess, event_json, stores
from placard.api.routes import WRITE_RESPONSES
from placard.api.schemas import EventOut, MergeIn, ReviewIn, SplitIn

router = APIRouter(prefix="/api/events", tags=["review"], responses=WRITE_RESPONSES)


@router.post("/{event_id:int}/review", response_model=EventOut, summary="Review an event")
def review_event(event_id: int, body: ReviewIn, who: Annotated[str, Depends(require_writer)],
                 access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """``confirm`` or ``reject`` the event as it is, ``reopen`` it (back to
    machine), or ``edit`` it with ``changes``, a partial codebook record
    (``{"form": "march", "location": {"city": "Almaty"}}``) checked against the
    codebook's vocabularies. A reviewed event keeps its record when later
    documents are ingested."""
    with access.open() as store:
        event = store.review(event_id, body.action, who, changes=body.changes, note=body.note)
    return event_json(event)


@router.post("/merge", response_model=EventOut, summary="Merge events")
def merge_events(body: MergeIn, who: Annotated[str, Depends(require_writer)],
                 access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """All sources of the events go into the first id; the others disappear
    (their audit entries stay)."""
    with access.open() as store:
        event = store.merge(body.ids, who, note=body.note)
    return event_json(event)


@router.post("/{event_id:int}/split", response_model=EventOut, status_code=201, summary="Split an event")
def split_event(event_id: int, body: SplitIn, who: Annotated[str, Depends(require_writer)],
                access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """The sources named by ``mention_ids`` leave for a new event, which is returned."""
    with access.open() as store:
        event = store.split(event_id, body.mention_ids, who, note=body.note)
    return event_json(event)
