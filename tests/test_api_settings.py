"""The API's settings: tokens, read access and tiles, from the environment or code."""
from __future__ import annotations

import pytest

from placard.api.app import content_security_policy
from placard.api.settings import Settings, parse_tokens, tile_origin
from placard.errors import ConfigError


def test_api_settings_tokens_parse_name_token_pairs():
    assert parse_tokens(" alice:secret1 , bob:s3cret-two,") == {"secret1": "alice", "s3cret-two": "bob"}
    assert parse_tokens("") == {}


@pytest.mark.parametrize(("spec", "problem"), [
    ("alice", "NAME:TOKEN"),
    ("alice:", "NAME:TOKEN"),
    (":secret1", "NAME:TOKEN"),
    ("alice:short", "shorter than"),
    ("alice:secret1,bob:secret1", "share one token"),
    ("al ice:secret1", "token name"),
])
def test_api_settings_tokens_refuse_bad_specs(spec, problem):
    with pytest.raises(ConfigError, match=problem):
        parse_tokens(spec)


def test_api_settings_from_env_reads_every_variable():
    settings = Settings.from_env({
        "PLACARD_API_TOKENS": "alice:secret1", "PLACARD_READ_ACCESS": "Token",
        "PLACARD_TILE_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png", "PLACARD_TILE_ATTRIBUTION": "© Example",
    })
    assert settings.who("secret1") == "alice" and settings.who("secret2") is None
    assert settings.read_access == "token" and settings.writes_enabled
    assert settings.tile_attribution == "© Example"


def test_api_settings_default_is_open_and_read_only():
    settings = Settings.from_env({})
    assert settings.read_access == "open" and not settings.writes_enabled and settings.tile_url is None


@pytest.mark.parametrize("environ", [
    {"PLACARD_READ_ACCESS": "closed"},
    {"PLACARD_TILE_URL": "ftp://tiles.example.org/{z}/{x}/{y}.png"},
    {"PLACARD_TILE_URL": "https://tiles.example.org/tile.png"},
])
def test_api_settings_refuse_bad_values(environ):
    with pytest.raises(ConfigError):
        Settings.from_env(environ)


def test_api_settings_with_tokens_adds_and_checks():
    settings = Settings.from_env({"PLACARD_API_TOKENS": "alice:secret1"}).with_tokens({"secret2": "bob"})
    assert settings.who("secret2") == "bob" and settings.who("secret1") == "alice"
    with pytest.raises(ConfigError, match="share one token"):
        settings.with_tokens({"secret1": "carol"})


@pytest.mark.parametrize(("url", "origin"), [
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ("https://tiles.example.org:8443/{z}/{x}/{y}.png", "https://tiles.example.org:8443"),
    ("http://tile-{s}.example.org/{z}/{x}/{y}.png", "http:"),
])
def test_api_settings_tile_origin_for_the_csp(url, origin):
    assert tile_origin(url) == origin


def test_api_settings_csp_allows_images_from_the_tile_server_only_when_set():
    assert "tile.example.org" not in content_security_policy(Settings())
    policy = content_security_policy(Settings(tile_url="https://{s}.tile.example.org/{z}/{x}/{y}.png"))
    assert "img-src 'self' data: https://*.tile.example.org" in policy
    assert "script-src 'self';" in policy
