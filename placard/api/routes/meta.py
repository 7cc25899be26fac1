"""What a client reads first: the server's settings and vocabularies, and store totals."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from placard import __version__
from placard.api.auth import require_reader
from placard.api.deps import StoreAccess, stores
from placard.api.routes import ERROR_RESPONSES
from placard.api.schemas import ConfigOut

router = APIRouter(prefix="/api", tags=["meta"])


@router.get("/config", response_model=ConfigOut, summary="Server settings and vocabularies")
def config(request: Request) -> dict:
    """Open even when reading needs a token, so a client knows to ask for one."""
    settings = request.app.state.settings
    return {"version": __version__, "read_access": settings.read_access,
            "writes_enabled": settings.writes_enabled, "tile_url": settings.tile_url,
            "tile_attribution": settings.tile_attribution}


@router.get("/stats", summary="Store totals", dependencies=[Depends(require_reader)], responses=ERROR_RESPONSES)
def stats(access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """Documents, events, failures, and counts by language, form, status and country."""
    with access.open() as store:
        return store.stats()
