"""`placard serve`: options, and a real server process answering over HTTP."""
from __future__ import annotations

import httpx
from click.testing import CliRunner

import placard.cli.serve  # noqa: F401  (registers the command on the group)
from api_helpers import CANONICAL_EVENTS, TOKENS, fill_store, serving
from placard.cli import main


def test_api_serve_refuses_a_bad_token_option(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "e.db"), "--token", "alice"])
    assert result.exit_code == 2
    assert "NAME:TOKEN" in result.output


def test_api_serve_refuses_a_bad_environment_setting(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "e.db")],
                                env={"PLACARD_READ_ACCESS": "sometimes"})
    assert result.exit_code == 1
    assert "PLACARD_READ_ACCESS" in result.output


def test_api_serve_answers_with_tokens_and_token_only_reading(tmp_path):
    location = str(tmp_path / "events.db")
    fill_store(location)
    with serving(location, "--token", f"alice:{TOKENS['alice']}", "--read-token-only") as base:
        config = httpx.get(f"{base}/api/config").json()
        assert config["writes_enabled"] is True and config["read_access"] == "token"
        assert httpx.get(f"{base}/api/events").status_code == 401
        headers = {"Authorization": f"Bearer {TOKENS['alice']}"}
        assert httpx.get(f"{base}/api/events", headers=headers).json()["total"] == CANONICAL_EVENTS
        page = httpx.get(f"{base}/")
        assert page.status_code == 200 and "Placard" in page.text


def test_api_serve_creates_a_missing_store_and_is_read_only_without_tokens(tmp_path):
    location = tmp_path / "new" / "events.db"
    with serving(str(location), env={"PLACARD_API_TOKENS": ""}) as base:
        assert httpx.get(f"{base}/api/events").json() == {"events": [], "total": 0}
        assert httpx.post(f"{base}/api/events/merge", json={"ids": [1, 2]}).status_code == 403
    assert location.exists()
