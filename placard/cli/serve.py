"""``placard serve``: the REST API and the dashboard over one store."""
from __future__ import annotations

import dataclasses
from typing import Optional

import click

from placard.cli import main
from placard.errors import PlacardError
from placard.store import resolve_db_path


def parse_token_options(values: tuple[str, ...]) -> dict[str, str]:
    """``("alice:secret",)`` -> ``{"secret": "alice"}``; click errors for bad ones."""
    from placard.api.settings import parse_tokens

    try:
        return parse_tokens(",".join(values), source="--token")
    except PlacardError as exc:
        raise click.BadParameter(str(exc), param_hint="--token") from None


@main.command("serve")
@click.option("--db", "db", metavar="PATH_OR_URL",
              help="The store: an SQLite file (created when missing) or a postgresql:// URL. "
                   "Default: $PLACARD_DB when set, else ./placard.db. Example: --db events.db")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 listens on every interface (put TLS in front).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--token", "tokens", multiple=True, metavar="NAME:TOKEN",
              help="An API token that may write (review, post documents); NAME goes into the audit log. "
                   "Repeat for more; added to $PLACARD_API_TOKENS (which keeps tokens out of the process "
                   "list). Example: --token alice:7f3c9a21e5")
@click.option("--read-open/--read-token-only", "read_open", default=None,
              help="Whether reading needs a token too. Default: $PLACARD_READ_ACCESS (open|token), else open.")
def serve_command(db: Optional[str], host: str, port: int, tokens: tuple[str, ...],
                  read_open: Optional[bool]) -> None:
    """Serve the REST API (/api, spec at /openapi.json) and the dashboard (/).

    Without any token the server is read-only: reviewing and posting
    documents answer 403.

    \b
    Examples:
      placard serve --db events.db                       # http://127.0.0.1:8000/
      PLACARD_API_TOKENS=alice:7f3c9a21e5 placard serve --db events.db
      placard serve --db postgresql://placard@db/events --host 0.0.0.0 --read-token-only
    """
    try:
        import uvicorn

        from placard.api import Settings, create_app
    except ImportError as exc:
        raise click.ClickException(f"serving needs the API packages (fastapi, uvicorn): {exc}") from None
    try:
        settings = Settings.from_env().with_tokens(parse_token_options(tokens))
        if read_open is not None:
            settings = dataclasses.replace(settings, read_access="open" if read_open else "token")
        app = create_app(db, settings)
    except PlacardError as exc:
        raise click.ClickException(str(exc)) from None
    location = db or str(resolve_db_path(None))
    writes = f"{len(settings.tokens)} token(s) may write" if settings.writes_enabled else "read-only (no tokens)"
    click.echo(f"placard: serving {location} at http://{host}:{port}/ ({writes}; "
               f"reading {'open' if settings.read_access == 'open' else 'needs a token'})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
