"""The dashboard end to end in a real headless Chromium (Debian's, driven by
Playwright through its executable path): `placard serve` runs in a subprocess
on a free port over a store filled with the example documents; the tests load
the dashboard, filter, open an event, see the evidence highlighted, edit and
confirm an event, and find the change in the API and the audit log."""
from __future__ import annotations

import os
import re

import httpx
import pytest

from api_helpers import CANONICAL_EVENTS, KARAGANDA_DOCS, TOKENS, fill_store, serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

if not os.path.exists(CHROMIUM):
    pytest.skip(f"no browser at {CHROMIUM} (Debian: apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Python Playwright is not installed")
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path):
    """A fresh store and server per test: tests that review change the data."""
    location = str(tmp_path / "events.db")
    fill_store(location)
    # One token from the environment, one from the command line: both ways work.
    env = {"PLACARD_API_TOKENS": f"alice:{TOKENS['alice']}"}
    with serving(location, "--token", f"bob:{TOKENS['bob']}", env=env) as base:
        yield base


class Page:
    """A browser page that records script errors, console errors and dialogs."""

    def __init__(self, browser, base: str, token: str | None = None, bypass_csp: bool = False):
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=bypass_csp)
        if token:
            self.context.add_init_script(f"sessionStorage.setItem('placard.token', {token!r});")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base = base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, hash_path: str = "#/"):
        self.page.goto(f"{self.base}/{hash_path}")
        self.page.wait_for_selector("body[data-ready=true]")
        return self.page


@pytest.fixture
def make_page(browser):
    opened = []

    def make(base, token=None, bypass_csp=False) -> Page:
        page = Page(browser, base, token, bypass_csp)
        opened.append(page)
        return page

    yield make
    for page in opened:
        page.context.close()


def api(base: str, path: str, **params):
    response = httpx.get(f"{base}{path}", params=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def event_id(base: str, city: str) -> int:
    (event,) = api(base, "/api/events", city=city)["events"]
    return event["id"]


def test_dashboard_loads_map_outlines_markers_timeline_and_list(server, make_page):
    view = make_page(server)
    page = view.open()
    page.wait_for_selector("#event-list tbody tr")
    assert page.locator("#event-list tbody tr").count() == CANONICAL_EVENTS
    assert page.locator("#list-count").inner_text().startswith(f"1–{CANONICAL_EVENTS} of {CANONICAL_EVENTS}")
    # Country outlines come from the vendored TopoJSON: one SVG path per country.
    page.wait_for_selector(".leaflet-overlay-pane path", state="attached")
    assert page.locator(".leaflet-overlay-pane path").count() > 100
    markers = page.locator(".event-marker, .event-cluster")
    assert markers.count() >= 1
    assert page.locator(".map-legend").inner_text().count("\n") > 4
    # Weeks from 2024-04-01 (Shymkent) to 2024-06-17 (Almaty), empty ones included.
    weeks = page.locator("#timeline svg .week")
    assert weeks.count() == 12
    counts = weeks.evaluate_all("els => els.map(e => Number(e.dataset.count))")
    assert sum(counts) == CANONICAL_EVENTS and counts[0] == 1 and counts[-1] == 1
    assert page.locator("#timeline svg rect.bar").count() == 5  # Karaganda and Aktobe share a week
    assert re.search(r"\d+ events · \d+ documents", page.locator("#stats").inner_text())
    assert view.errors == [] and view.dialogs == []


def test_dashboard_filters_update_list_map_and_url(server, make_page):
    view = make_page(server)
    page = view.open()
    page.wait_for_selector("#event-list tbody tr")
    rows = page.locator("#event-list tbody tr")
    page.fill("#f-city", "pavlodar")
    page.click("#apply-filters")
    expect(rows).to_have_count(1)
    assert "city=pavlodar" in page.url
    assert page.locator("#event-list tbody tr").inner_text().lower().count("strike") >= 1
    page.click("#reset-filters")
    expect(rows).to_have_count(CANONICAL_EVENTS)
    page.select_option("#f-form", "picket")  # a select applies at once
    expect(rows).to_have_count(1)
    assert "Oral" in page.locator("#event-list tbody tr").inner_text()
    assert page.locator("#map-count").inner_text() == "1 event"
    # The one marker left opens its event from the popup.
    page.locator(".event-marker").click()
    page.locator(".leaflet-popup a.popup-link").click()
    expect(page.locator("#event-title")).to_have_text(re.compile(r"^Picket in Oral"))
    # The same filters in the URL give the same view on a fresh load.
    fresh = make_page(server).open("#/?status=planned")
    expect(fresh.locator("#event-list tbody tr")).to_have_count(1)
    assert "Almaty" in fresh.locator("#event-list tbody tr").inner_text()
    assert fresh.locator("#f-status").input_value() == "planned"
    assert view.errors == []


def test_dashboard_event_page_highlights_each_sources_evidence(server, make_page):
    view = make_page(server)
    page = view.open()
    page.wait_for_selector("#event-list tbody tr")
    page.locator("#event-list tbody tr", has_text="Karaganda").locator("a.event-link").click()
    page.wait_for_selector("#event-title")
    assert "Karaganda" in page.locator("#event-title").inner_text()
    event = api(server, f"/api/events/{event_id(server, 'Karaganda')}")
    expect(page.locator(".source mark.evidence")).to_have_count(sum(len(s["evidence"]) for s in event["sources"]))
    for source in event["sources"]:
        card = page.locator(f".source[data-doc='{source['doc_id']}']")
        assert card.locator("mark.evidence").all_inner_texts() == source["evidence"]
        # The whole cleaned text is there around the marks.
        text = api(server, f"/api/documents/{source['doc_id']}")["text"]
        assert card.locator(".source-text").text_content() == text
    assert sorted(page.locator(".source").evaluate_all("els => els.map(e => e.dataset.doc)")) == list(KARAGANDA_DOCS)
    fields = page.locator("dl.fields")
    assert fields.locator("dd[data-field='Date']").inner_text() == "2024-05-14"
    assert fields.locator("dd[data-field='Country']").inner_text() == "KZ"
    assert view.errors == []


def test_dashboard_edit_and_confirm_reach_the_api_and_the_audit_log(server, make_page):
    target = event_id(server, "Pavlodar")
    view = make_page(server)
    page = view.open(f"#/event/{target}")
    page.wait_for_selector("#event-title")
    page.keyboard.press("e")
    page.wait_for_selector("#edit-form")
    page.select_option("#edit-form select[name=form]", "picket")
    page.fill("#edit-form input[name=size_min]", "250")
    page.fill("#edit-form input[name=note]", "counted on the video")
    page.click("#edit-save")
    # No token yet: the dashboard asks once, then keeps it for the tab.
    page.wait_for_selector("#token-input")
    page.fill("#token-input", TOKENS["alice"])
    page.click("#token-save")
    expect(page.locator("#event-title")).to_have_text(re.compile(r"^Picket in Pavlodar"))
    page.click("#action-confirm")
    page.wait_for_selector("#audit-table tbody tr[data-action=confirm]")

    event = api(server, f"/api/events/{target}")
    assert event["form"] == "picket" and event["participants"]["size_min"] == 250
    assert event["review"] == "confirmed" and event["reviewed_by"] == "alice"
    entries = api(server, "/api/audit", event_id=target)["entries"]
    assert [(e["action"], e["who"]) for e in entries] == [("confirm", "alice"), ("edit", "alice")]
    assert entries[1]["note"] == "counted on the video"
    assert page.locator("#audit-table tbody tr").count() == 2
    assert page.locator("#token-input").count() == 0  # asked only once
    assert view.errors == []


def test_dashboard_review_queue_works_from_the_keyboard(server, make_page):
    view = make_page(server, token=TOKENS["bob"])
    page = view.open("#/review")
    page.wait_for_selector(".queue-item.selected")
    queue = api(server, "/api/events", review="machine", order="confidence")["events"]
    ids = [int(i) for i in page.locator(".queue-item").evaluate_all("els => els.map(e => e.dataset.id)")]
    assert ids == [e["id"] for e in queue]
    page.keyboard.press("j")
    page.wait_for_selector(f".queue-item.selected[data-id='{ids[1]}']")
    page.keyboard.press("k")
    page.wait_for_selector(f".queue-item.selected[data-id='{ids[0]}']")
    page.keyboard.press("r")
    page.wait_for_selector(f".queue-item[data-id='{ids[0]}']", state="detached")
    page.keyboard.press("c")
    page.wait_for_selector(f".queue-item[data-id='{ids[1]}']", state="detached")
    assert api(server, f"/api/events/{ids[0]}")["review"] == "rejected"
    assert api(server, f"/api/events/{ids[1]}")["reviewed_by"] == "bob"
    page.keyboard.press("?")
    assert page.locator(".dialog table.shortcuts").inner_text().count("\n") >= 6
    page.keyboard.press("Escape")
    assert page.locator(".dialog").count() == 0
    assert view.errors == []


@pytest.mark.parametrize("policy", ["enforced", "bypassed"])
def test_dashboard_shows_script_in_article_text_as_text(server, make_page, policy):
    # With the Content-Security-Policy bypassed, escaping alone must keep the script inert.
    view = make_page(server, bypass_csp=policy == "bypassed")
    page = view.open(f"#/event/{event_id(server, 'Shymkent')}")
    page.wait_for_selector(".source mark.evidence")
    text = page.locator(".source-text").text_content()
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(2)>" in text
    assert "<script>alert(1)</script>" in page.locator(".source mark.evidence").inner_text()
    assert page.locator(".source-text script, .source-text img, #view img[src=x]").count() == 0
    # The review queue quotes evidence too.
    page.goto(f"{server}/#/review")
    page.wait_for_selector(".queue-item")
    page.locator(".queue-item", has_text="Shymkent").click()
    page.wait_for_selector("#preview .evidence-quote")
    assert "<img src=x onerror=alert(2)>" in page.locator("#preview").inner_text()
    assert page.locator("#preview img, #preview script").count() == 0
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert view.dialogs == [] and view.errors == []


def test_dashboard_asks_for_a_token_when_reading_needs_one(tmp_path, make_page):
    location = str(tmp_path / "events.db")
    fill_store(location)
    env = {"PLACARD_API_TOKENS": f"alice:{TOKENS['alice']}"}
    with serving(location, "--read-token-only", env=env) as base:
        view = make_page(base)
        view.page.goto(f"{base}/#/")
        view.page.wait_for_selector("#token-input")
        view.page.fill("#token-input", TOKENS["alice"])
        view.page.click("#token-save")
        expect(view.page.locator("#event-list tbody tr")).to_have_count(CANONICAL_EVENTS)
        # Kept for the tab: another view does not ask again.
        view.page.goto(f"{base}/#/review")
        view.page.wait_for_selector(".queue-item.selected")
        assert view.page.locator("#token-input").count() == 0
