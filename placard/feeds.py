"""Watching news feeds: fetch RSS/Atom feeds and the pages of their new items,
run the pipeline on each page and keep the results in the store.

Politeness and safety live in ``Fetcher``: http(s) only, a delay between
requests to one host, connect/read timeouts and a deadline for the whole
response, a size cap, few redirects, content types checked, conditional
requests. Feeds are parsed with entity declarations forbidden (``defusedxml``)
before feedparser sees them, so entity bombs and external entities are
refused, not expanded. State (validators per feed, stored/failed per item) is
kept in the store, and an item is marked stored only after its document is
committed: a run killed mid-item fetches just that item again.
"""
from __future__ import annotations

import calendar
import datetime as dt
import logging
import threading
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as safe_xml
import feedparser
import httpx
from defusedxml import DefusedXmlException

from placard.errors import InputError
from placard.records import Document
from placard.store import Store

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5_000_000
DEFAULT_PER_HOST_DELAY = 2.0
MAX_REDIRECTS = 5
USER_AGENT = "placard-watch (+https://github.com/placard; protest event research)"
FEED_TYPES = ("xml", "rss", "atom", "rdf")  # substrings of acceptable feed content types
PAGE_TYPES = ("text/html", "application/xhtml+xml")
REDIRECTS = (301, 302, 303, 307, 308)
DECODED_CHUNK = 65_536  # the most bytes one step of decompression may produce


class FetchFailure(InputError):
    """A URL that could not be fetched or was refused; the message is the reason."""


@dataclass(frozen=True)
class Response:
    url: str                  # after redirects
    status: int               # 200 or 304
    content_type: str         # media type, lower case, no parameters
    charset: Optional[str]
    body: bytes
    etag: Optional[str] = None
    last_modified: Optional[str] = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _size(n: int) -> str:
    if n < 100_000:
        return f"{n} bytes"
    return f"{n / 1_000_000:.1f}".rstrip("0").rstrip(".") + " MB"


class Fetcher:
    """A polite, bounded HTTP client. ``get`` raises ``FetchFailure`` with a
    one-line reason for anything but a usable 200 (or a 304 when asked)."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 per_host_delay: float = DEFAULT_PER_HOST_DELAY, max_redirects: int = MAX_REDIRECTS,
                 sleep: Callable[[float], None] = time.sleep):
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.per_host_delay = per_host_delay
        self.max_redirects = max_redirects
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()
        self._client = httpx.Client(
            follow_redirects=False, timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _wait_for(self, host: str) -> None:
        with self._lock:
            last = self._last_request.get(host)
            if last is not None:
                remaining = self.per_host_delay - (time.monotonic() - last)
                if remaining > 0:
                    self._sleep(remaining)
            self._last_request[host] = time.monotonic()

    def get(self, url: str, *, accept: Sequence[str], etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET ``url``; the response's media type must contain one of ``accept``."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(self.max_redirects + 1):
            check_url(current)
            self._wait_for(urlsplit(current).netloc.lower())
            response, target = self._request(current, headers)
            if response is not None:
                return self._checked(response, accept)
            current = target
        raise FetchFailure(f"more than {self.max_redirects} redirects")

    def _request(self, url: str, headers: dict) -> tuple[Response | None, str]:
        """The response, or None and the target of a redirect."""
        deadline = time.monotonic() + self.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as reply:
                if reply.status_code in REDIRECTS:
                    location = reply.headers.get("location")
                    if not location:
                        raise FetchFailure(f"HTTP {reply.status_code} without a Location")
                    return None, urljoin(url, location)
                if reply.status_code == 304:
                    return Response(url, 304, "", None, b"", reply.headers.get("etag"),
                                    reply.headers.get("last-modified")), url
                if reply.status_code != 200:
                    raise FetchFailure(f"HTTP {reply.status_code}")
                declared = reply.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchFailure(f"over the {_size(self.max_bytes)} cap ({_size(int(declared))} declared)")
                chunks, total = [], 0
                for chunk in _decoded(reply):
                    total += len(chunk)
                    if total > self.max_bytes:
                        raise FetchFailure(f"over the {_size(self.max_bytes)} cap")
                    if time.monotonic() > deadline:
                        raise FetchFailure(f"timeout after {self.timeout:g} s")
                    chunks.append(chunk)
                media_type = reply.headers.get("content-type", "")
                return Response(
                    url=str(reply.url), status=200,
                    content_type=media_type.split(";")[0].strip().lower(), charset=reply.charset_encoding,
                    body=b"".join(chunks), etag=reply.headers.get("etag"),
                    last_modified=reply.headers.get("last-modified"),
                ), url
        except httpx.TimeoutException:
            raise FetchFailure(f"timeout after {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchFailure(f"connection failed ({type(exc).__name__}: {exc})".strip()) from None

    @staticmethod
    def _checked(response: Response, accept: Sequence[str]) -> Response:
        if response.not_modified:
            return response
        if not any(kind in response.content_type for kind in accept):
            raise FetchFailure(f"wrong content type ({response.content_type or 'none given'})")
        return response


def _decoded(reply: httpx.Response) -> Iterator[bytes]:
    """The body, decompressed in bounded steps, so the size cap stops a
    compression bomb before it is inflated (httpx's own decoding would
    inflate each network chunk whole)."""
    encoding = reply.headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        yield from reply.iter_raw()
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailure(f"unsupported content encoding ({encoding})")
    inflater = zlib.decompressobj(32 + zlib.MAX_WBITS)  # a gzip or zlib header
    try:
        for raw in reply.iter_raw():
            pending = raw
            while pending:
                yield inflater.decompress(pending, DECODED_CHUNK)
                pending = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error as exc:
        raise FetchFailure(f"bad {encoding} data ({exc})") from None


def check_url(url: str) -> None:
    """Only absolute http(s) URLs are fetched."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchFailure(f"not an http(s) URL ({parts.scheme or 'no scheme'}:)")
    if not parts.hostname:
        raise FetchFailure("URL without a host")


# --- feeds -------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    id: str                    # the link, else the guid
    link: Optional[str]
    title: Optional[str]
    published: Optional[str]   # YYYY-MM-DD from the item, else None


def parse_feed(body: bytes) -> list[FeedItem]:
    """The items of an RSS/Atom document. Entity declarations (entity bombs,
    external entities) and XML that is not well-formed are refused."""
    try:
        safe_xml.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FetchFailure(f"unsafe XML refused ({type(exc).__name__})") from None
    except safe_xml.ParseError as exc:
        raise FetchFailure(f"not well-formed XML ({exc})") from None
    parsed = feedparser.parse(body, resolve_relative_uris=False, sanitize_html=False)
    if not parsed.get("version"):
        raise FetchFailure("not an RSS or Atom feed")
    items = []
    for entry in parsed.entries:
        # feedparser copies a guid into ``link`` when there is none; only a URL guid is a link.
        link = entry.get("link") if entry.get("links") else None
        guid = entry.get("id")
        if link is None and guid and urlsplit(guid).scheme.lower() in ("http", "https"):
            link = guid
        item_id = link or guid
        if not item_id:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.timezone.utc).date().isoformat()
                     if stamp else None)
        items.append(FeedItem(id=item_id, link=link, title=entry.get("title"), published=published))
    return items


def read_opml(path: str | Path) -> list[str]:
    """The feed URLs (``xmlUrl``) an OPML file lists, in order, once each."""
    try:
        root = safe_xml.parse(str(path), forbid_dtd=False, forbid_entities=True, forbid_external=True).getroot()
    except (OSError, DefusedXmlException, safe_xml.ParseError) as exc:
        raise InputError(f"cannot read OPML {path}: {exc}") from None
    urls = [o.get("xmlUrl") for o in root.iter("outline") if o.get("xmlUrl")]
    return list(dict.fromkeys(urls))


# --- one round ---------------------------------------------------------------------


@dataclass
class RoundSummary:
    feeds: int = 0
    not_modified: int = 0
    feeds_failed: int = 0
    new: int = 0
    seen: int = 0
    failed: int = 0
    events: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    def line(self) -> str:
        return (f"{self.feeds} feeds checked ({self.not_modified} not modified, {self.feeds_failed} failed); "
                f"items: {self.new} new, {self.seen} seen, {self.failed} failed; {self.events} events stored")


def _skip(summary: RoundSummary, url: str, reason: str) -> None:
    summary.skipped.append((url, reason))
    log.warning("skip %s: %s", url, reason)


def page_document(item: FeedItem, response: Response) -> Document:
    """The item's page as a pipeline document; the page's own metadata dates it
    when the feed item has no date (the clean stage reads it)."""
    if not any(kind in response.content_type for kind in PAGE_TYPES):
        raise FetchFailure(f"not HTML ({response.content_type})")
    encoding = response.charset or "utf-8"
    try:
        html = response.body.decode(encoding, errors="replace")
    except LookupError:
        html = response.body.decode("utf-8", errors="replace")
    return Document(id=item.id, html=html, url=item.link or response.url, lang=None, published=item.published)


def watch_round(feed_urls: Iterable[str], store: Store, fetcher: Fetcher, pipeline) -> RoundSummary:
    """Check every feed once and process its new items; a failure is logged,
    recorded and skipped, never fatal."""
    summary = RoundSummary()
    for feed_url in feed_urls:
        summary.feeds += 1
        state = store.feed_state(feed_url)
        try:
            response = fetcher.get(feed_url, accept=FEED_TYPES, etag=state.etag if state else None,
                                   last_modified=state.last_modified if state else None)
            if response.not_modified:
                summary.not_modified += 1
                log.info("feed %s: not modified", feed_url)
                store.save_feed_state(feed_url, status="not modified", keep_validators=True)
                continue
            items = parse_feed(response.body)
        except FetchFailure as exc:
            summary.feeds_failed += 1
            _skip(summary, feed_url, str(exc))
            store.save_feed_state(feed_url, status=str(exc), keep_validators=True)
            continue
        for item in items:
            _process_item(feed_url, item, store, fetcher, pipeline, summary)
        # Validators are saved only after every item is handled, so a killed
        # round fetches the whole feed again rather than getting a 304.
        store.save_feed_state(feed_url, etag=response.etag, last_modified=response.last_modified, status="200")
    return summary


def _process_item(feed_url: str, item: FeedItem, store: Store, fetcher: Fetcher, pipeline,
                  summary: RoundSummary) -> None:
    if store.item_seen(feed_url, item.id):
        summary.seen += 1
        return
    summary.new += 1
    url = item.link or item.id
    try:
        if not item.link:
            raise FetchFailure("item without a link")
        document = page_document(item, fetcher.get(item.link, accept=("",)))
    except FetchFailure as exc:
        summary.failed += 1
        _skip(summary, url, str(exc))
        store.mark_item(feed_url, item.id, state="failed", url=url, reason=str(exc))
        return
    result = pipeline.run(document)
    outcome = store.ingest(result, source=feed_url)
    if outcome.status == "failed":
        summary.failed += 1
        _skip(summary, url, outcome.error or result.error or "pipeline failed")
        store.mark_item(feed_url, item.id, state="failed", url=url, reason=outcome.error or result.error,
                        doc_id=item.id)
        return
    summary.events += outcome.events if outcome.status != "unchanged" else 0
    store.mark_item(feed_url, item.id, state="stored", url=url, doc_id=item.id)
