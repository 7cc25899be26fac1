"""Reading canonical events: the list, one event, the map's GeoJSON, the audit log."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from placard.api.auth import require_reader
from placard.api.deps import StoreAccess, audit_json, event_json, event_query, found_event, stores
from placard.api.routes import ERROR_RESPONSES
from placard.api.schemas import AuditList, AuditQuery, EventList, EventOut, EventPage, EventSelection
from placard.store import StoredEvent

router = APIRouter(prefix="/api", tags=["events"], dependencies=[Depends(require_reader)],
                   responses=ERROR_RESPONSES)


@router.get("/events", response_model=EventList, summary="List events")
def list_events(filters: Annotated[EventPage, Query()],
                access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """Canonical events (one per protest, however many documents report it)
    matching every filter given, with the number matching in all."""
    with access.open() as store:
        events = store.events(event_query(filters, filters.limit, filters.offset))
        total = store.count_events(event_query(filters, None, 0))
    return {"events": [event_json(e) for e in events], "total": total}


def map_feature(event: StoredEvent) -> dict:
    """A point for the map with what its marker and popup show."""
    record = event.record
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    claims = record.get("claims") or []
    lat, lon = location.get("lat"), location.get("lon")
    geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
    issues = list(dict.fromkeys(i for claim in claims for i in claim.get("issues", [])))
    return {
        "type": "Feature", "id": event.id, "geometry": geometry,
        "properties": {
            "id": event.id, "date": record.get("date"), "end_date": record.get("end_date"),
            "form": record.get("form"), "status": record.get("status"),
            "country": location.get("country"), "admin1": location.get("admin1"), "city": location.get("city"),
            "site": location.get("site"), "size_min": participants.get("size_min"),
            "size_max": participants.get("size_max"), "claim": claims[0].get("text") if claims else None,
            "issues": issues, "responses": [r.get("type") for r in record.get("responses", [])],
            "confidence": record.get("confidence"), "review": event.review, "sources": len(event.sources),
        },
    }


@router.get("/events.geojson", summary="Events as GeoJSON",
            response_class=JSONResponse, responses={200: {"content": {"application/geo+json": {}}}})
def events_geojson(filters: Annotated[EventSelection, Query()],
                   access: Annotated[StoreAccess, Depends(stores)]) -> JSONResponse:
    """A FeatureCollection of the events matching the filters (all of them
    unless ``limit`` is given); events without coordinates have a null geometry."""
    with access.open() as store:
        events = store.events(event_query(filters, filters.limit, filters.offset))
    collection = {"type": "FeatureCollection", "features": [map_feature(e) for e in events]}
    return JSONResponse(collection, media_type="application/geo+json")


@router.get("/events/{event_id:int}", response_model=EventOut, summary="One event")
def get_event(event_id: int, access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """The event with every field, its review state and every source with its evidence."""
    with access.open() as store:
        return event_json(found_event(store, event_id))


@router.get("/audit", response_model=AuditList, summary="The audit log")
def audit_log(query: Annotated[AuditQuery, Query()], access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """Review changes, newest first; ``event_id`` keeps one event's."""
    with access.open() as store:
        entries = store.audit(event_id=query.event_id, limit=query.limit, offset=query.offset)
    return {"entries": [audit_json(e) for e in entries]}
