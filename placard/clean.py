"""The ``clean`` stage: from a scraped page to the article text every offset points into.

Plain text is cleaned by dropping whole lines of page furniture (menus,
captions, timestamps, notices, link lists); a kept line is never edited, so
the sentences that later become evidence stay exactly as the source wrote
them. HTML goes through trafilatura first, then through the same rules.

Paragraphs in the result are separated by one blank line. Every kept line is
a paragraph of its own unless it continues a sentence the line before it
broke off (hard-wrapped text), because scraped pages put headlines, captions
and paragraphs on lines of their own without sentence punctuation between.

Which lines are furniture is decided in ``placard/boilerplate.py`` from the
patterns in ``lexicons/boilerplate.toml``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from placard.boilerplate import (
    BREADCRUMB_END,
    CLOSERS,
    SENTENCE_BREAK,
    ends_sentence,
    furniture,
    is_outlet_label,
    is_short_name,
    is_tail_like,
    load_boilerplate,
)
from placard.errors import InputError, PlacardError
from placard.records import Article, ResolvedDate

# " date 2019-05-16 " that some scrapers put before the first line of a page.
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}(?:-\d{1,2}(?:-\d{1,2})?)?)(?=\s|$)\s*")
_FRAGMENT_WORDS = 3  # a lone closing line this short is a credit or a cut-off stub
_CAPTION_CHARS = 200  # a line repeated at once is an image's alt text and caption when this short


@dataclass(frozen=True)
class CleanedText:
    text: str
    title: Optional[str] = None
    published: Optional[str] = None  # a date the page itself gives ("YYYY-MM-DD", "YYYY-MM", "YYYY")


# --- plain text ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    text: str  # stripped
    index: int  # line number in the input, to tell which kept lines were neighbours there


def clean_text(raw: str, lang: Optional[str] = None) -> CleanedText:
    """Drop page furniture from carelessly scraped text; kept lines stay verbatim.

    ``lang`` is accepted for symmetry with the other stages; furniture of all
    three languages is removed whatever it says, because pages mix them.
    """
    lex = load_boilerplate()
    lines = raw.splitlines()
    hint = None
    for i, line in enumerate(lines):
        if line.strip():
            match = _DATE_PREFIX.match(line)
            if match:
                hint = match.group(1)
                lines[i] = line[match.end():]
            break

    kept: list[_Line] = []
    after_breadcrumb = after_byline = in_list = False
    half, seen = sum(1 for line in lines if line.strip()) / 2, 0
    for index, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        seen += 1
        reason = furniture(text, lex, late=seen > half)
        if reason is None:
            if (after_breadcrumb or after_byline) and is_short_name(text):
                reason = "breadcrumb" if after_breadcrumb else "byline"
            elif in_list and is_tail_like(text):
                reason = "link-list"
        # "Main Page >" / "News >" / "Diplomacy": the step after a dropped ">" goes too
        # (not after "|", which also closes timestamps set over a headline).
        after_breadcrumb = reason is not None and text[-1] in ">»›" and BREADCRUMB_END.search(text) is not None
        after_byline = reason == "byline-label"
        if reason == "self-description" and kept and is_outlet_label(kept[-1].text, lex):
            kept.pop()  # the outlet's name, set as a heading over its self-description
        if reason == "list-heading":
            in_list = True
        elif reason is None:
            in_list = False
            kept.append(_Line(text, index))

    kept = _drop_tail(_drop_repeats(kept))
    title = kept[0].text if kept and _looks_like_headline(kept[0].text) else None
    return CleanedText(text=_join(kept), title=title, published=hint)


def _repeat_key(text: str) -> str:
    return text.rstrip(".!?" + CLOSERS).casefold()


def _drop_repeats(kept: list[_Line]) -> list[_Line]:
    """Keep one copy of a repeated line: the headline's first, otherwise the last (the body's).

    A short line repeated on the very next line (an image's alt text, then its
    caption) goes entirely.
    """
    keys = [_repeat_key(line.text) for line in kept]
    last = {key: i for i, key in enumerate(keys)}
    captions = {
        key for i, key in enumerate(keys[1:-1], start=1)
        if key == keys[i + 1] and len(kept[i].text) <= _CAPTION_CHARS and kept[i + 1].index - kept[i].index <= 2
    }
    return [
        line for i, (line, key) in enumerate(zip(kept, keys))
        if i == 0 or (key != keys[0] and key not in captions and last[key] == i)
    ]


def _drop_tail(kept: list[_Line]) -> list[_Line]:
    """Drop a closing run of linked headlines, or a cut-off last fragment, after the body."""
    end = len(kept)
    while end > 1 and is_tail_like(kept[end - 1].text):
        end -= 1
    run = len(kept) - end
    if run == 0 or end == 1:
        # Nothing to drop, or only the headline before the run: then the run is the article.
        return kept
    if run == 1 and len(kept[-1].text.split()) > _FRAGMENT_WORDS:
        # A longer cut-off sentence is still article text (and may be evidence).
        return kept
    return kept[:end]


def _looks_like_headline(line: str) -> bool:
    return len(line) <= 200 and not line.endswith(".") and SENTENCE_BREAK.search(line) is None


def _join(kept: list[_Line]) -> str:
    """Paragraphs apart by a blank line; a hard-wrapped sentence keeps its single newline."""
    parts: list[str] = []
    previous: Optional[_Line] = None
    for line in kept:
        if previous is not None:
            continues = (
                line.index == previous.index + 1
                and not ends_sentence(previous.text)
                and line.text[:1].islower()
            )
            parts.append("\n" if continues else "\n\n")
        parts.append(line.text)
        previous = line
    return "".join(parts)


# --- HTML --------------------------------------------------------------------------------

_HTML_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer main aside nav "
    "blockquote pre dd dt dl figure figcaption caption address form fieldset details summary hr".split()
)
_TITLE_CHARS = 300
_RECALL_CHARS = 1000  # main text shorter than this: let trafilatura compare its fallback extractors
_HTML_SKIP = ("script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas")


def clean_html(html: str, url: Optional[str] = None) -> CleanedText:
    """Main text, title and publication date of a page; never raises on broken HTML.

    trafilatura finds the article; when it finds nothing, the page's block
    texts are taken as they stand. Either way the plain-text rules run after.
    """
    tree = _parse_html(html)
    if tree is None:
        return CleanedText(text="")
    title, published = _page_title(tree), _page_date(tree)
    text = _main_text(html, tree, url)
    if not text.strip():
        text = _block_text(_parse_html(html))  # trafilatura changed the tree; parse again
    cleaned = clean_text(text)
    body = cleaned.text
    if title and body and not _starts_with_title(body, title) and furniture(title, load_boilerplate()) is None:
        body = f"{title}\n\n{body}"  # trafilatura leaves the headline out of some pages
    return CleanedText(text=body, title=title or cleaned.title, published=published or cleaned.published)


def _parse_html(html: str):
    """An lxml tree of ``html``, or None when there is nothing to parse."""
    import lxml.etree
    import lxml.html

    try:
        # Bytes with an explicit encoding: lxml refuses str with an XML encoding declaration.
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        return lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None


def _main_text(html: str, tree, url: Optional[str]) -> str:
    """trafilatura's main text of the page (paragraphs on lines of their own), or "".

    Its own extractor first; when that gives little, again with its fallback
    algorithms compared (they cost as much again, and matter on short pages).
    """
    text = _trafilatura(tree, url, fast=True)
    if len(text) < _RECALL_CHARS:
        retry = _parse_html(html)  # trafilatura prunes the tree it is given
        text = max(text, _trafilatura(retry, url, fast=False), key=len) if retry is not None else text
    return text


def _trafilatura(tree, url: Optional[str], fast: bool) -> str:
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=fast,
            favor_recall=True,  # short news pages lose paragraphs otherwise
            include_comments=False,
            include_tables=False,
            with_metadata=False,  # its full metadata pass costs more than the extraction; see _page_*
        )
    except Exception:  # noqa: BLE001 - a third-party parser on arbitrary pages: any failure means "no result"
        return ""
    return (extracted.text or "") if extracted is not None else ""


def _page_date(tree) -> Optional[str]:
    """The publication date in the page's metadata (htmldate, metadata only: body dates are events)."""
    import htmldate

    try:  # returns "YYYY-MM-DD" or None
        return htmldate.find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # noqa: BLE001 - as above
        return None


def _page_title(tree) -> Optional[str]:
    candidates = [m.get("content") for m in tree.iterfind('.//meta[@property="og:title"]')]
    candidates += [e.text_content() for path in (".//h1", ".//title") for e in tree.iterfind(path)]
    for candidate in candidates:
        title = " ".join((candidate or "").split())
        if title and len(title) <= _TITLE_CHARS:  # an unclosed <title> swallows the page
            return title
    return None


def _block_text(tree) -> str:
    """The page's text, one line per block element (the fallback when trafilatura finds nothing)."""
    for element in list(tree.iter(*_HTML_SKIP)):
        element.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag in _HTML_BLOCKS:
            element.tail = "\n" + (element.tail or "")
            element.text = "\n" + (element.text or "")
    return "\n".join(line.strip() for line in tree.text_content().splitlines() if line.strip())


def _starts_with_title(body: str, title: str) -> bool:
    first = " ".join(body[:400].split("\n\n", 1)[0].split()).casefold()
    wanted = title.casefold()
    return first.startswith(wanted) or wanted.startswith(first) or wanted in body[:2000].casefold()


# --- publication dates ---------------------------------------------------------------------

_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")


def parse_published_date(value: str) -> Optional[ResolvedDate]:
    """ "YYYY-MM-DD" / "YYYY-MM" / "YYYY" (a time after a full date is ignored) as a ResolvedDate, else None."""
    value = value.strip()
    timestamp = _TIMESTAMP.match(value)
    if timestamp:
        value = timestamp.group(1)
    try:
        from placard.dates import parse_published  # the dates stage's parser, when it is there
    except ImportError:
        return _parse_iso_published(value)
    try:
        parsed = parse_published(value)
    except (PlacardError, ValueError):
        return None
    return parsed if isinstance(parsed, ResolvedDate) else None


def _parse_iso_published(value: str) -> Optional[ResolvedDate]:
    match = _PUBLISHED.fullmatch(value)
    try:
        year, month, day = match.groups()
        date(int(year), int(month or 1), int(day or 1))
    except (AttributeError, ValueError):  # no match, or no such day
        return None
    return ResolvedDate(value, "day" if day else "month" if month else "year")


# --- the stage -----------------------------------------------------------------------------


class CleanStage:
    """``Article -> Article``: sets ``text`` (cleaned), ``title`` and ``published``.

    The document's own ``published`` wins; a date the page gives (HTML metadata,
    a " date 2019-05-16" prefix) is used only when the document has none.
    """

    name = "clean"

    def __call__(self, article: Article) -> Article:
        doc = article.doc
        if doc.text is not None and doc.text.strip():
            cleaned = clean_text(doc.text, doc.lang)
        elif doc.html is not None and doc.html.strip():
            cleaned = clean_html(doc.html, doc.url)
        elif doc.text is None and doc.html is None:
            raise InputError("neither 'text' nor 'html' given")
        else:
            raise InputError("empty document")
        if not cleaned.text:
            raise InputError("no article text left after removing page furniture")
        warnings = list(article.warnings)
        published = None
        if doc.published:
            published = parse_published_date(doc.published)
            if published is None:
                warnings.append(f"published date {doc.published!r} not understood")
        if published is None and cleaned.published:
            published = parse_published_date(cleaned.published)
        return article.evolve(text=cleaned.text, title=cleaned.title, published=published, warnings=tuple(warnings))
