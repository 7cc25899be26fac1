"""The API's settings: who may write, whether reading needs a token, map tiles.

Settings come from the environment (``Settings.from_env``) or are built in
code; ``placard serve`` layers its options on top. Every value is checked
once, here, so a bad setting stops the server at start with a ConfigError
instead of failing requests later.

    PLACARD_API_TOKENS="alice:secret1,bob:secret2"   # name:token pairs; writes need one
    PLACARD_READ_ACCESS=open|token                   # token: reading needs a token too
    PLACARD_TILE_URL=https://tile.example.org/{z}/{x}/{y}.png   # optional online map tiles
    PLACARD_TILE_ATTRIBUTION="© OpenStreetMap contributors"
"""
from __future__ import annotations

import hmac
import os
import re
from dataclasses import dataclass, field, replace
from typing import Literal, Mapping, Optional
from urllib.parse import urlsplit

from placard.errors import ConfigError

TOKENS_ENV = "PLACARD_API_TOKENS"
READ_ACCESS_ENV = "PLACARD_READ_ACCESS"
TILE_URL_ENV = "PLACARD_TILE_URL"
TILE_ATTRIBUTION_ENV = "PLACARD_TILE_ATTRIBUTION"

ReadAccess = Literal["open", "token"]
READ_ACCESS_VALUES: tuple[str, ...] = ("open", "token")
# Short tokens can be guessed over the network; refuse them at start.
MIN_TOKEN_LENGTH = 6
_NAME = re.compile(r"^[\w.@-]{1,64}$")


def parse_tokens(spec: str, *, source: str = TOKENS_ENV) -> dict[str, str]:
    """``"alice:secret1,bob:secret2"`` -> ``{"secret1": "alice", "secret2": "bob"}``."""
    tokens: dict[str, str] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, sep, token = item.partition(":")
        name, token = name.strip(), token.strip()
        if not sep or not name or not token:
            raise ConfigError(f"{source}: {item!r} is not NAME:TOKEN (e.g. alice:s3cret-token)")
        tokens.update(check_token(name, token, tokens, source=source))
    return tokens


def check_token(name: str, token: str, known: Mapping[str, str], *, source: str) -> dict[str, str]:
    """One checked ``{token: name}`` entry."""
    if not _NAME.match(name):
        raise ConfigError(f"{source}: token name {name!r} must be letters, digits, '.', '@', '_' or '-'")
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"{source}: the token of {name!r} is shorter than {MIN_TOKEN_LENGTH} characters")
    if token in known:
        raise ConfigError(f"{source}: {name!r} and {known[token]!r} share one token")
    return {token: name}


def tile_origin(url: str) -> str:
    """The origin tiles load from, as a Content-Security-Policy source.

    A ``{s}`` subdomain becomes ``*``; where CSP cannot say it (``{s}`` inside
    a label) the scheme alone is allowed.
    """
    parts = urlsplit(url)
    host = parts.netloc
    if "{s}" in host:
        if not host.startswith("{s}.") or "{s}" in host[4:]:
            return f"{parts.scheme}:"
        host = "*." + host[4:]
    return f"{parts.scheme}://{host}"


@dataclass(frozen=True)
class Settings:
    """``tokens`` maps each API token to the name the audit log records."""

    tokens: Mapping[str, str] = field(default_factory=dict)
    read_access: ReadAccess = "open"
    tile_url: Optional[str] = None
    tile_attribution: Optional[str] = None

    def __post_init__(self) -> None:
        if self.read_access not in READ_ACCESS_VALUES:
            raise ConfigError(f"read access must be one of {', '.join(READ_ACCESS_VALUES)}, not {self.read_access!r}")
        if self.tile_url is not None:
            parts = urlsplit(self.tile_url)
            if parts.scheme not in ("http", "https") or not parts.netloc or "{z}" not in self.tile_url:
                raise ConfigError(f"tile URL must be http(s) with {{z}}, {{x}} and {{y}}, not {self.tile_url!r}")
        known: dict[str, str] = {}
        for token, name in self.tokens.items():
            known.update(check_token(name, token, known, source="tokens"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if environ is None else environ
        access = (env.get(READ_ACCESS_ENV) or "open").strip().lower()
        if access not in READ_ACCESS_VALUES:
            raise ConfigError(f"{READ_ACCESS_ENV} must be open or token, not {env.get(READ_ACCESS_ENV)!r}")
        return cls(
            tokens=parse_tokens(env.get(TOKENS_ENV) or ""),
            read_access=access,  # type: ignore[arg-type]
            tile_url=(env.get(TILE_URL_ENV) or "").strip() or None,
            tile_attribution=(env.get(TILE_ATTRIBUTION_ENV) or "").strip() or None,
        )

    def with_tokens(self, extra: Mapping[str, str]) -> "Settings":
        """These settings with more ``{token: name}`` entries."""
        merged = dict(self.tokens)
        for token, name in extra.items():
            merged.update(check_token(name, token, merged, source="--token"))
        return replace(self, tokens=merged)

    @property
    def writes_enabled(self) -> bool:
        return bool(self.tokens)

    def who(self, token: str) -> Optional[str]:
        """The name behind ``token``, or None; compares in constant time."""
        found = None
        for known, name in self.tokens.items():
            # Compare with every token, so timing does not tell how many matched.
            if hmac.compare_digest(known.encode(), token.encode()):
                found = name
        return found
