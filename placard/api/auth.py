"""Who is asking: API tokens (``Authorization: Bearer TOKEN``).

Writes always need a token; the token's name is what the audit log records.
Reads need one only when the settings say ``read_access = "token"``.
401 means "no token, or one we do not know" (send one); 403 means the server
takes no writes at all (no tokens are configured).
"""
from __future__ import annotations

from typing import Optional

from fastapi import Request

from placard.api.errors import ApiError
from placard.api.settings import TOKENS_ENV, Settings

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="placard"'}


def _bearer(request: Request) -> Optional[str]:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "the Authorization header must be 'Bearer TOKEN'", headers=_CHALLENGE)
    return value.strip()


def _identify(request: Request, settings: Settings, purpose: str) -> str:
    token = _bearer(request)
    if token is None:
        raise ApiError(401, f"{purpose} needs an API token (Authorization: Bearer TOKEN)", headers=_CHALLENGE)
    who = settings.who(token)
    if who is None:
        raise ApiError(401, "unknown API token", headers=_CHALLENGE)
    return who


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def require_reader(request: Request) -> Optional[str]:
    """Dependency of every read route: the reader's name, or None when reading is open."""
    settings = settings_of(request)
    if settings.read_access == "open":
        return None
    return _identify(request, settings, "reading")


def require_writer(request: Request) -> str:
    """Dependency of every write route: the name the audit log records."""
    settings = settings_of(request)
    if not settings.writes_enabled:
        raise ApiError(403, f"this server takes no writes: no API tokens are configured ({TOKENS_ENV} "
                            "or placard serve --token)")
    return _identify(request, settings, "this change")
