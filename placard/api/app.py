"""The web application: the REST API under /api and the dashboard at /.

    from placard.api import create_app
    app = create_app("events.db")            # or "postgresql://...", or None for $PLACARD_DB
    uvicorn.run(app, host="127.0.0.1", port=8000)

The dashboard is static HTML, CSS and JavaScript (no build step) with its
map library and country outlines vendored under static/vendor, so it works
without a network. Every response carries a Content-Security-Policy that
allows scripts from this server only: article text is untrusted, and even a
slip in escaping could not run a script it carries.
"""
from __future__ import annotations

from importlib import resources
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from placard import __version__
from placard.api.deps import PipelineHolder, StoreAccess
from placard.api.errors import install_error_handlers
from placard.api.routes import documents, events, exports, meta, review
from placard.api.settings import Settings, tile_origin

STATIC_DIR = resources.files("placard.api").joinpath("static")

DESCRIPTION = """Protest events extracted from news in English, Russian and Kazakh, one event per
protest however many documents report it, with review by analysts.

Reading is open or needs a token (`PLACARD_READ_ACCESS`); writing needs one:
`Authorization: Bearer TOKEN` (`PLACARD_API_TOKENS="alice:TOKEN,..."`). Every error has one shape:
`{"error": {"status", "code", "message", "details"}}`."""


def content_security_policy(settings: Settings) -> str:
    images = "'self' data:"
    if settings.tile_url:
        images += " " + tile_origin(settings.tile_url)
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        # Leaflet positions map panes with inline styles.
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ])


def create_app(store_location: Optional[str] = None, settings: Optional[Settings] = None) -> FastAPI:
    """The app over the store at ``store_location`` (a path or a PostgreSQL URL;
    None: $PLACARD_DB, else ./placard.db), with ``settings`` (None: from the
    environment). The store is opened once here, so a bad location or an
    unreadable store fails now rather than on the first request."""
    settings = settings if settings is not None else Settings.from_env()
    access = StoreAccess(None if store_location is None else str(store_location))
    with access.open():
        pass

    app = FastAPI(title="Placard", version=__version__, description=DESCRIPTION,
                  openapi_url="/openapi.json", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.stores = access
    app.state.pipeline = PipelineHolder()
    install_error_handlers(app)
    for module in (events, documents, review, exports, meta):
        app.include_router(module.router)

    policy = content_security_policy(settings)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    index = STATIC_DIR.joinpath("index.html")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(str(index), media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    return app
