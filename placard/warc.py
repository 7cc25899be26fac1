"""Reading WARC archives (``.warc``, ``.warc.gz``): HTML responses become Documents.

A web crawl (Common Crawl's news archive, a newsroom's own crawler) stores
every exchange as a WARC record. Only HTTP ``response`` records with a 2xx
status and an HTML body are articles; requests, metadata, revisits, non-HTML
and error responses are skipped and counted by reason in ``WarcStats``.

A document's fields:

- ``id`` and ``url``: the record's ``WARC-Target-URI``; when a URI repeats
  (the same page crawled twice) the id gets ``#`` and the record's id.
- ``html``: the HTTP body decoded by the charset the server declared, else the
  page's ``<meta charset>``, else detection (as HTML files are).
- ``published``: the ``WARC-Date`` day is the *crawl* day, not the publication
  day, and a document's own ``published`` wins over the date in the page's
  metadata (the clean stage's rule). So the crawl day is set only when the
  page's head carries no date of its own (``article:published_time``,
  ``datePublished``, ``<time datetime>``, a /YYYY/MM/DD/ URL...); otherwise it
  is left empty so the page's own, better date is used. A crawl day is a fair
  fallback: news crawlers fetch articles within days of publication, and
  relative dates ("on Saturday") need some anchor.

A truncated or corrupt archive gives one ``ReadFailure`` with the reason and
the byte offset of the last good record; reading goes on with the next file.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator, Optional, Union

from placard.reading import _META_CHARSET, DEFAULT_MAX_BYTES, ReadFailure, _decode, _size_label, _Unreadable
from placard.records import Document

WARC_TYPES = (".warc", ".warc.gz")

# Skip reasons, as the summary prints them.
SKIP_REQUEST = "requests"
SKIP_METADATA = "metadata records"
SKIP_REVISIT = "revisits"
SKIP_INFO = "warcinfo records"
SKIP_OTHER_TYPE = "other records"
SKIP_NOT_HTML = "non-HTML responses"
SKIP_NOT_OK = "non-2xx responses"
SKIP_EMPTY = "empty responses"
SKIP_NO_URI = "responses without a target URI"

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# A page that states its own publication date in its head or URL (see the module docstring).
_OWN_DATE = re.compile(
    rb"""published_time|datePublished|dateCreated|pubdate|publish[-_]?date|dc\.date|date\.issued"""
    rb"""|sailthru\.date|<time[^>]{0,80}datetime""",
    re.IGNORECASE,
)
_URL_DATE = re.compile(r"/(?:19|20)\d\d[/-][01]?\d[/-][0-3]?\d(?:/|$|[^\d])")
_HEAD_BYTES = 20_000


@dataclass
class WarcStats:
    """What the WARC files of a run held: records read, HTML responses taken, the rest by reason."""

    records: int = 0
    html_responses: int = 0
    skipped: Counter = field(default_factory=Counter)

    def merge(self, other: "WarcStats") -> None:
        self.records += other.records
        self.html_responses += other.html_responses
        self.skipped.update(other.skipped)

    def summary(self) -> Optional[str]:
        """One line, e.g. "WARC: 12 non-HTML responses, 40 requests"; None when nothing was skipped."""
        if not self.skipped:
            return None
        parts = [f"{count} {reason}" for reason, count in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0]))]
        return "WARC: " + ", ".join(parts)


def is_warc_path(path: str) -> bool:
    return path.lower().endswith(WARC_TYPES)


def read_warc(
    stream: BinaryIO,
    source: str,
    *,
    stats: Optional[WarcStats] = None,
    lang: Optional[str] = None,
    published: Optional[str] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    seen: Optional[set] = None,
    warnings: Optional[dict] = None,
) -> Iterator[Union[Document, ReadFailure]]:
    """Documents (HTML responses) and read failures of one WARC stream, plain or gzip, in record order.

    ``published`` is used when a record has no WARC-Date; ``seen`` (ids already
    given, shared across files) makes ids unique; ``warnings`` gets notes by id.
    """
    try:
        from fastwarc.warc import ArchiveIterator
    except ImportError:
        yield ReadFailure(source, "reading WARC files needs the fastwarc package (pip install fastwarc)", source)
        return
    stats = stats if stats is not None else WarcStats()
    seen = seen if seen is not None else set()
    position = None
    taken = 0
    try:
        for record in ArchiveIterator(stream, parse_http=True):
            position = record.stream_pos
            if record.headers.get("Content-Length") is None or record.headers.get("WARC-Type") is None:
                yield ReadFailure(source, f"truncated or corrupt WARC record at byte {position}", source)
                return
            stats.records += 1
            taken += 1
            item = _document(record, source, stats, lang, published, max_bytes, seen, warnings)
            if item is not None:
                yield item
    except OSError as exc:
        where = "at its start" if position is None else f"after the record at byte {position}"
        yield ReadFailure(source, f"truncated or corrupt WARC {where}: {exc}", source)
        return
    if taken == 0:
        yield ReadFailure(source, "no WARC records (empty, truncated or not a WARC file)", source)


def _document(record, source, stats, lang, published, max_bytes, seen, warnings):
    kind = record.headers.get("WARC-Type")
    skip = {"request": SKIP_REQUEST, "metadata": SKIP_METADATA, "revisit": SKIP_REVISIT,
            "warcinfo": SKIP_INFO}.get(kind)
    if kind != "response":
        stats.skipped[skip or SKIP_OTHER_TYPE] += 1
        return None
    http = record.http_headers
    if http is None:
        stats.skipped[SKIP_NOT_HTML] += 1  # a response record that is not HTTP (dns:, ftp:)
        return None
    if not 200 <= (http.status_code or 0) < 300:
        stats.skipped[SKIP_NOT_OK] += 1
        return None
    content_type = (record.http_content_type or "").lower()
    if content_type and not content_type.startswith(_HTML_TYPES):
        stats.skipped[SKIP_NOT_HTML] += 1
        return None
    uri = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>")
    if not uri:
        stats.skipped[SKIP_NO_URI] += 1
        return None
    expected = record.content_length
    body = record.reader.read(max_bytes + 1) if record.reader is not None else b""
    if len(body) < min(expected, max_bytes + 1):
        return ReadFailure(uri, f"truncated WARC record at byte {record.stream_pos}", source)
    if not body.strip():
        stats.skipped[SKIP_EMPTY] += 1
        return None
    if not content_type and b"<" not in body[:1024]:
        stats.skipped[SKIP_NOT_HTML] += 1  # no type given and it does not look like markup
        return None
    doc_id = uri
    if doc_id in seen:
        doc_id = f"{uri}#{(record.record_id or '').strip('<>') or stats.records}"
    if doc_id in seen:
        return ReadFailure(doc_id, "duplicate id", source)
    notes = []
    if len(body) > max_bytes:
        body = body[:max_bytes]
        notes.append(f"truncated to {_size_label(max_bytes)}")
    declared = record.http_charset
    if not declared:
        match = _META_CHARSET.search(body, 0, 4096)
        declared = match.group(1).decode("ascii", "ignore") if match else None
    try:
        html = _decode(body, declared=declared, cut=bool(notes))
    except _Unreadable as exc:
        return ReadFailure(doc_id, str(exc), source)
    seen.add(doc_id)
    stats.html_responses += 1
    if notes and warnings is not None:
        warnings[doc_id] = tuple(notes)
    day = None if _has_own_date(body, uri) else (_crawl_day(record) or published)
    return Document(id=doc_id, html=html, url=uri, lang=lang, published=day)


def _has_own_date(body: bytes, uri: str) -> bool:
    return bool(_OWN_DATE.search(body, 0, _HEAD_BYTES) or _URL_DATE.search(uri))


def _crawl_day(record) -> Optional[str]:
    date = record.record_date
    return date.date().isoformat() if date is not None else None
