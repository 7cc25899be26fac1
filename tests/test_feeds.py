"""``placard watch`` against a real HTTP server on 127.0.0.1 serving feeds and
pages written here: 50 good items (en/ru/kk), and slow, broken, huge,
malicious and mistyped responses. Stores on SQLite, and on PostgreSQL when
$PLACARD_TEST_POSTGRES_URL is set."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

import placard.cli
import placard.cli.watch  # noqa: F401  (registers the command)
from placard import feeds
from placard.pipeline import Pipeline
from placard.records import Document
from placard.store import Store
from placard.store.testing import postgres_skip_reason, postgres_test_url, temporary_postgres_url

REPO = Path(__file__).resolve().parents[1]

# (lang, sentence template); {city} is filled from the language's own list.
TEMPLATES = [
    ("en", "About {n}00 workers of the bus depot went on strike in {city} on Monday, demanding higher wages."),
    ("en", "Hundreds of residents rallied in {city} on Sunday against the planned rise in heating prices."),
    ("en", "Police detained {n} activists who held a picket outside the city hall in {city} on Tuesday."),
    ("ru", "В понедельник около {n}00 рабочих завода вышли на забастовку {city}, требуя повышения зарплаты."),
    ("ru", "В воскресенье жители провели митинг {city} против закрытия районной больницы."),
    ("ru", "Во вторник полиция задержала {n} участников пикета у здания акимата {city}."),
    ("kk", "Дүйсенбі күні {city} {n}00-ге жуық жұмысшы жалақыны көтеруді талап етіп ереуілге шықты."),
    ("kk", "Жексенбі күні {city} тұрғындар аурухананың жабылуына қарсы митинг өткізді."),
]
CITIES = {
    "en": ["Almaty", "Karaganda", "Pavlodar", "Aktobe", "Shymkent", "Kostanay"],
    "ru": ["в Караганде", "в Павлодаре", "в Актобе", "в Шымкенте", "в Костанае", "в Алматы"],
    "kk": ["Алматыда", "Шымкентте", "Ақтөбеде", "Павлодарда", "Қарағандыда", "Қостанайда"],
}
GOOD = 50
DAYS = ["2024-05-06", "2024-05-13", "2024-05-20", "2024-05-27", "2024-06-03"]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"> <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"> <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"> <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rss version="2.0"><channel><title>&i;</title><item><title>&i;</title><link>http://x/1</link></item></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&secret;</title><link>http://x/2</link></item></channel></rss>"""
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    etag: str | None = None
    location: str | None = None
    declare_length: bool = True
    encoding: str | None = None


class Site:
    """The routes a test serves, and the paths requested, in order."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.conditional: list[str] = []
        self.page_delay = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return self.base + path

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                site.requests.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if self.path.startswith("/news/"):
                    time.sleep(site.page_delay)
                time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    site.conditional.append(self.path)
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.location:
                    self.send_header("Location", route.location)
                if route.encoding:
                    self.send_header("Content-Encoding", route.encoding)
                if route.declare_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def news_text(i: int) -> tuple[str, str]:
    lang, template = TEMPLATES[i % len(TEMPLATES)]
    cities = CITIES[lang]
    return lang, template.format(n=i % 9 + 2, city=cities[(i // len(TEMPLATES)) % len(cities)])


def page(title: str, text: str, published: str | None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (f"<html><head><title>{escape(title)}</title>{meta}</head><body><nav>Home | World | Sport</nav>"
            f"<article><h1>{escape(title)}</h1><p>{escape(text)}</p></article></body></html>").encode()


def rss(items: list[tuple[str, str, str | None]]) -> bytes:
    """An RSS 2.0 feed of (title, link, pubDate or None)."""
    parts = []
    for title, link, pub in items:
        date = f"<pubDate>{pub}</pubDate>" if pub else ""
        parts.append(f"<item><title>{escape(title)}</title><link>{escape(link)}</link>{date}</item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
            f'<link>http://127.0.0.1/</link>{"".join(parts)}</channel></rss>').encode()


BAD_PAGES = {
    "/bad/slow": (Route(page("Slow", "Slow page.", None), delay=2.5), "timeout after 1 s"),
    "/bad/error": (Route(b"oops", status=500), "HTTP 500"),
    "/bad/huge": (Route(b"<html>" + b"x" * 300_000, declare_length=False), "over the 0.2 MB cap"),
    "/bad/image": (Route(PNG, content_type="image/png"), "not HTML (image/png)"),
    "/bad/redirect-to-file": (Route(b"", status=302, location="file:///etc/passwd"), "not an http(s) URL (file:)"),
}


def build_site(site: Site, etag: str = '"feed-v1"') -> dict:
    """The main feed (50 good items, then the bad pages and a javascript: link)
    and the bad feeds; returns {"good": [urls], "bad": {url: reason}, "feeds": [urls]}."""
    items, good = [], []
    for i in range(GOOD):
        lang, text = news_text(i)
        path = f"/news/{lang}/{i:02d}.html"
        day = DAYS[i % len(DAYS)]
        # Every third item has no date in the feed: the page's metadata dates it.
        feed_date = None if i % 3 == 0 else time.strftime(
            "%a, %d %b %Y 09:00:00 GMT", time.strptime(day, "%Y-%m-%d"))
        site.routes[path] = Route(page(text.split(",")[0], text, day))
        items.append((text.split(",")[0], site.url(path), feed_date))
        good.append(site.url(path))
    bad = {}
    for path, (route, reason) in BAD_PAGES.items():
        site.routes[path] = route
        items.append((path, site.url(path), None))
        bad[site.url(path)] = reason
    items.append(("script", "javascript:alert(1)", None))
    bad["javascript:alert(1)"] = "not an http(s) URL (javascript:)"
    site.routes["/feed.xml"] = Route(rss(items), content_type="application/rss+xml", etag=etag)
    bad_feeds = {
        "/feeds/error.xml": (Route(b"", status=500), "HTTP 500"),
        "/feeds/truncated.xml": (Route(rss(items[:3])[:-40], content_type="application/rss+xml"),
                                 "not well-formed XML"),
        "/feeds/laughs.xml": (Route(BILLION_LAUGHS, content_type="application/rss+xml"), "unsafe XML refused"),
        "/feeds/xxe.xml": (Route(EXTERNAL_ENTITY, content_type="text/xml"), "unsafe XML refused"),
        "/feeds/image.xml": (Route(PNG, content_type="image/png"), "wrong content type (image/png)"),
        "/feeds/huge.xml": (Route(b"<rss>" + b" " * 300_000, content_type="text/xml"), "over the 0.2 MB cap"),
    }
    for path, (route, reason) in bad_feeds.items():
        site.routes[path] = route
        bad[site.url(path)] = reason
    return {"good": good, "bad": bad, "feeds": [site.url("/feed.xml"), *(site.url(p) for p in bad_feeds)]}


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


@pytest.fixture(params=["sqlite", "postgres"])
def location(request, tmp_path):
    if request.param == "sqlite":
        yield str(tmp_path / "events.db")
        return
    if not postgres_test_url():
        pytest.skip(postgres_skip_reason())
    with temporary_postgres_url() as url:
        yield url


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline.default()


def fetcher() -> feeds.Fetcher:
    return feeds.Fetcher(timeout=1, max_bytes=200_000, per_host_delay=0)


def expected_mentions(pipeline, site: Site, urls: list[str]) -> int:
    total = 0
    for url in urls:
        route = site.routes[url[len(site.base):]]
        result = pipeline.run(Document(id=url, html=route.body.decode(), url=url))
        total += len(result.article.events)
    return total


# --- the whole round -----------------------------------------------------------------


def test_feeds_watch_round_stores_good_items_once_and_skips_bad_with_reasons(site, location, pipeline, caplog):
    plan = build_site(site)
    with Store.open(location) as store, fetcher() as fetch:
        first = feeds.watch_round(plan["feeds"], store, fetch, pipeline)
        stats = store.stats()
        stored = {i.item_id for i in store.feed_items() if i.state == "stored"}
        failed = {i.item_id: i.reason for i in store.feed_items() if i.state == "failed"}
        undated_page = store.document(plan["good"][0])
        dated_by_feed = store.document(plan["good"][1])
        # The second round: the feed answers 304, no page is fetched, nothing is added.
        requests_before = len(site.requests)
        second = feeds.watch_round(plan["feeds"], store, fetch, pipeline)
        again = store.stats()
    assert stored == set(plan["good"])
    assert stats["documents"] == GOOD
    assert stats["mentions"] == expected_mentions(pipeline, site, plan["good"]) >= GOOD * 0.8
    assert (first.new, first.failed, first.feeds_failed) == (GOOD + len(BAD_PAGES) + 1, len(BAD_PAGES) + 1, 6)
    skipped = dict(first.skipped)
    for url, reason in plan["bad"].items():
        assert reason in skipped[url], url
        assert f"skip {url}: {skipped[url]}" in caplog.text
        if url in failed:
            assert reason in failed[url]
    assert undated_page.published == DAYS[0]  # from the page's metadata
    assert dated_by_feed.published == DAYS[1]  # from the feed item
    assert site.conditional == ["/feed.xml"]
    assert (second.not_modified, second.new, second.events) == (1, 0, 0)
    assert not any(p.startswith("/news/") for p in site.requests[requests_before:])
    assert (again["documents"], again["events"], again["mentions"]) == (
        stats["documents"], stats["events"], stats["mentions"])


def test_feeds_watch_changed_feed_fetches_only_new_items(site, tmp_path, pipeline):
    plan = build_site(site)
    with Store.open(tmp_path / "events.db") as store, fetcher() as fetch:
        feeds.watch_round(plan["feeds"][:1], store, fetch, pipeline)
        site.routes["/news/en/extra.html"] = Route(page("Extra", news_text(0)[1].replace("Monday", "Friday"), None))
        feed = site.routes["/feed.xml"]
        site.routes["/feed.xml"] = Route(feed.body.replace(b"<item>", b"<item><title>Extra</title><link>"
                                                           + site.url("/news/en/extra.html").encode()
                                                           + b"</link></item><item>", 1),
                                         content_type=feed.content_type, etag='"feed-v2"')
        start = len(site.requests)
        second = feeds.watch_round(plan["feeds"][:1], store, fetch, pipeline)
        assert store.feed_state(plan["feeds"][0]).etag == '"feed-v2"'
    news = [p for p in site.requests[start:] if p.startswith("/news/")]
    assert news == ["/news/en/extra.html"]
    assert (second.new, second.seen) == (1 + len(BAD_PAGES) + 1, GOOD)  # failed items are retried


# --- one response at a time --------------------------------------------------------------


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_feeds_parse_feed_refuses_entity_declarations_quickly_in_bounded_memory(body):
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(feeds.FetchFailure, match="unsafe XML refused"):
        feeds.parse_feed(body)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.5
    assert peak < 5_000_000


def test_feeds_parse_feed_reads_atom_dates_and_ids():
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><title>One</title><id>urn:one</id><link href="https://news.example/one"/>
    <updated>2024-05-06T23:30:00+05:00</updated></entry>
    <entry><title>Two</title><id>urn:two</id></entry></feed>"""
    items = feeds.parse_feed(atom)
    assert [(i.id, i.link, i.published) for i in items] == [
        ("https://news.example/one", "https://news.example/one", "2024-05-06"), ("urn:two", None, None)]


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "not an http(s) URL (file:)"),
    ("ftp://news.example/feed.xml", "not an http(s) URL (ftp:)"),
    ("javascript:alert(1)", "not an http(s) URL (javascript:)"),
    ("http:///no-host", "URL without a host"),
])
def test_feeds_fetcher_refuses_other_schemes(url, reason):
    with fetcher() as fetch, pytest.raises(feeds.FetchFailure) as caught:
        fetch.get(url, accept=("",))
    assert str(caught.value) == reason


def test_feeds_fetcher_limits_redirects_and_honours_per_host_delay(site):
    site.routes["/loop"] = Route(b"", status=302, location="/loop")
    site.routes["/ok"] = Route(page("Ok", "Fine.", None))
    with feeds.Fetcher(timeout=1, max_redirects=3, per_host_delay=0) as fetch, \
            pytest.raises(feeds.FetchFailure, match="more than 3 redirects"):
        fetch.get(site.url("/loop"), accept=("",))
    assert site.requests.count("/loop") == 4
    waits = []
    with feeds.Fetcher(timeout=1, per_host_delay=2.0, sleep=waits.append) as fetch:
        fetch.get(site.url("/ok"), accept=("html",))
        fetch.get(site.url("/ok"), accept=("html",))
    assert len(waits) == 1 and 1.5 < waits[0] <= 2.0


def test_feeds_fetcher_inflates_gzip_but_stops_a_compression_bomb_at_the_cap(site):
    text = page("Zipped", "Workers in Almaty went on strike on Monday.", "2024-05-06")
    site.routes["/zipped"] = Route(gzip.compress(text), encoding="gzip")
    site.routes["/bomb"] = Route(gzip.compress(b"<html>" + bytes(50_000_000)), encoding="gzip")
    tracemalloc.start()
    with fetcher() as fetch:
        assert fetch.get(site.url("/zipped"), accept=("html",)).body == text
        with pytest.raises(feeds.FetchFailure, match=r"^over the 0.2 MB cap$"):
            fetch.get(site.url("/bomb"), accept=("html",))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3_000_000


def test_feeds_read_opml_lists_feed_urls_once(tmp_path):
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="KZ">'
                    '<outline text="a" xmlUrl="https://a.example/rss"/><outline text="b" xmlUrl="https://b.example/atom"/>'
                    '</outline><outline text="a again" xmlUrl="https://a.example/rss"/></body></opml>')
    assert feeds.read_opml(opml) == ["https://a.example/rss", "https://b.example/atom"]


# --- the command, killed halfway ---------------------------------------------------------------


def watch_command(location: str, *feed_urls: str) -> list[str]:
    code = "import placard.cli.watch; from placard.cli import main; main()"
    return [sys.executable, "-c", code, "watch", *feed_urls, "--db", location, "--once",
            "--per-host-delay", "0", "--timeout", "1", "--max-bytes", "200000"]


def test_feeds_watch_command_killed_halfway_resumes_without_duplicates_or_gaps(site, location, pipeline):
    plan = build_site(site)
    site.page_delay = 0.08
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(watch_command(location, *plan["feeds"]), env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        stored_before_kill = 0
        while time.monotonic() < deadline and stored_before_kill < 10:
            time.sleep(0.1)
            with Store.open(location) as store:
                stored_before_kill = sum(i.state == "stored" for i in store.feed_items())
        assert 10 <= stored_before_kill < GOOD
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    fetched_before = [p for p in site.requests if p.startswith("/news/")]
    site.page_delay = 0.0
    start = len(site.requests)
    done = subprocess.run(watch_command(location, *plan["feeds"]), env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    fetched_after = [p for p in site.requests[start:] if p.startswith("/news/")]
    # Only the item in flight at the kill is fetched twice; none is missed.
    assert len(set(fetched_before) & set(fetched_after)) <= 1
    assert set(fetched_before) | set(fetched_after) == {u[len(site.base):] for u in plan["good"]}
    with Store.open(location) as store:
        items = store.feed_items()
        stats = store.stats()
    assert sorted(i.item_id for i in items if i.state == "stored") == sorted(plan["good"])
    assert stats["documents"] == GOOD
    assert stats["mentions"] == expected_mentions(pipeline, site, plan["good"])
    for url, reason in plan["bad"].items():
        assert f"skip {url}: {reason}" in done.stderr
    assert "round 1: 7 feeds checked" in done.stderr


def test_feeds_watch_command_needs_a_feed():
    result = CliRunner().invoke(placard.cli.main, ["watch", "--once"])
    assert result.exit_code == 2
    assert "at least one FEED_URL" in result.output
