"""Exports: ACLED-like CSV, GeoJSON and gold JSON Lines, as file downloads.

CSV and GeoJSON take the event filters, so an analyst exports what the
dashboard shows; gold JSONL holds reviewed events, one line per document.
"""
from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from placard.api.auth import require_reader
from placard.api.deps import StoreAccess, event_query, stores
from placard.api.routes import ERROR_RESPONSES
from placard.api.schemas import EventSelection, GoldQuery
from placard.export import EXPORTERS

router = APIRouter(prefix="/api/export", tags=["exports"], dependencies=[Depends(require_reader)],
                   responses=ERROR_RESPONSES)


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _export(fmt: str, filters: EventSelection, access: StoreAccess) -> str:
    buffer = io.StringIO(newline="")
    with access.open() as store:
        EXPORTERS[fmt](store.events(event_query(filters, filters.limit, filters.offset)), buffer)
    return buffer.getvalue()


@router.get("/events.csv", summary="Events as ACLED-like CSV",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_csv(filters: Annotated[EventSelection, Query()], access: Annotated[StoreAccess, Depends(stores)]):
    """One row per event: ACLED's columns (event_date, event type and sub-type,
    actors, country, admin1, location, coordinates, geo_precision, source,
    notes) and Placard's own."""
    return _download(_export("acled", filters, access), "text/csv; charset=utf-8", "placard-events.csv")


@router.get("/events.geojson", summary="Events as a GeoJSON file",
            response_class=Response, responses={200: {"content": {"application/geo+json": {}}}})
def export_geojson(filters: Annotated[EventSelection, Query()], access: Annotated[StoreAccess, Depends(stores)]):
    return _download(_export("geojson", filters, access), "application/geo+json", "placard-events.geojson")


@router.get("/gold.jsonl", summary="Reviewed events as gold JSON Lines",
            response_class=Response, responses={200: {"content": {"application/x-ndjson": {}}}})
def export_gold(query: Annotated[GoldQuery, Query()], access: Annotated[StoreAccess, Depends(stores)]):
    """Codebook section 3's gold format, one line per document, for training or evaluation."""
    buffer = io.StringIO(newline="")
    with access.open() as store:
        store.export_gold(buffer, reviewed_only=query.reviewed_only)
    return _download(buffer.getvalue(), "application/x-ndjson; charset=utf-8", "placard-gold.jsonl")
