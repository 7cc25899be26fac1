"""Reading documents: JSONL, JSON, plain text, HTML and WARC files, folders, standard input.

Bad input never stops a run: every problem becomes one ``ReadFailure`` with a
one-line reason, in input order, and reading goes on with the next document.

Documents over ``max_bytes`` are cut there (at a character boundary) and still
read; the cap guards memory, it is not an error. The note about it ("truncated
to 5 MB") is kept in ``DocumentReader.warnings`` under the document's id, set
before the document is yielded, and logged.
"""
from __future__ import annotations

import codecs
import json
import logging
import os
import re
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional, Sequence, Union

from placard.records import Document

log = logging.getLogger(__name__)

JSON_TYPES = (".jsonl", ".json")
PAGE_TYPES = (".txt", ".html", ".htm")
WARC_TYPES = (".warc", ".warc.gz")  # HTML responses only: see placard/warc.py
KNOWN_TYPES = JSON_TYPES + PAGE_TYPES + WARC_TYPES
STDIN = "-"
DEFAULT_MAX_BYTES = 5_000_000

# Single-byte encodings charset-normalizer may choose from when a file is not
# UTF-8: Cyrillic (Russian, Kazakh) and Western ones. UTF-16 is recognised by
# its BOM or its NUL bytes before detection runs.
_CANDIDATE_ENCODINGS = ["cp1251", "kz1048", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5", "cp1252", "latin_1"]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_BINARY_SHARE = 0.05  # more control characters than this: not text


@dataclass(frozen=True)
class ReadFailure:
    """An input that gave no document, and why."""

    doc_id: str  # the document's id when known, else "<path>:<line>" or the path
    reason: str  # one line
    source: Optional[str] = None  # the file it came from ("<stdin>" for standard input)


Item = Union[Document, ReadFailure]


class _Unreadable(Exception):
    """Internal: a reason to turn into a ReadFailure."""


def _size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    if n % 1_000 == 0:
        return f"{n // 1_000} kB"
    return f"{n} bytes"


def _decode(data: bytes, *, declared: Optional[str] = None, cut: bool = False) -> str:
    """Bytes to text: a BOM, then UTF-8, then a declared charset, then detection.

    ``cut``: the bytes were cut at an arbitrary point; drop a partial last character.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data, final=not cut)
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=not cut)
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        text = _decode_utf16_without_bom(data)
        if text is None:
            raise _Unreadable("binary content (not text)")
        return text
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    import charset_normalizer  # only for files that are not UTF-8

    best = charset_normalizer.from_bytes(data, cp_isolation=_CANDIDATE_ENCODINGS).best()
    if best is None:
        raise _Unreadable("undecodable bytes: not UTF-8 and no encoding detected")
    return str(best)


def _decode_utf16_without_bom(data: bytes) -> Optional[str]:
    """UTF-16 text has its NUL bytes (high bytes of spaces, digits, Latin) on one side only."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) < len(sample) // 40 or min(even, odd) > max(even, odd) // 10:
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data[: len(data) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    # Binary that happens to have its NULs on one side decodes to arbitrary scripts;
    # the languages read here are written in Latin and Cyrillic (below U+0530).
    sample_text = text[:2000]
    common = sum(1 for c in sample_text if c < "\u0530" or c.isspace())
    return text if common >= 0.8 * len(sample_text) else None


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    return len(_CONTROL.findall(sample)) > _BINARY_SHARE * max(len(sample), 1)


def _cut(text: str, max_bytes: int) -> Optional[str]:
    """``text`` cut to ``max_bytes`` of UTF-8 at a character boundary, or None when it fits."""
    if len(text) * 4 <= max_bytes:
        return None
    data = text.encode("utf-8", errors="surrogatepass")
    if len(data) <= max_bytes:
        return None
    return data[:max_bytes].decode("utf-8", errors="ignore")


class DocumentReader:
    """Iterates over the documents of ``paths`` (files, folders, ``"-"`` for standard input).

    ``published`` and ``lang`` fill in what a document does not say itself.
    ``warnings`` maps a document id to notes about it (truncation, fields ignored);
    ``warc_stats`` counts the WARC records read and skipped (by reason).
    """

    def __init__(
        self,
        paths: Sequence[Union[str, os.PathLike]],
        *,
        published: Optional[str] = None,
        lang: Optional[str] = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ):
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]  # one path, not a sequence of one-letter paths
        self.paths = [os.fspath(p) for p in paths]
        self.published = published
        self.lang = lang
        self.max_bytes = max_bytes
        self.warnings: dict[str, tuple[str, ...]] = {}
        self._seen: set[str] = set()
        from placard.warc import WarcStats  # placard.warc imports this module

        self.warc_stats = WarcStats()

    def __iter__(self) -> Iterator[Item]:
        for path in self.paths:
            yield from self._read_path(path)

    # --- paths ---

    def _read_path(self, path: str) -> Iterator[Item]:
        if path == STDIN:
            yield from self.read_jsonl_lines(sys.stdin.buffer, "<stdin>")
        elif os.path.isdir(path):
            for file_path, relative, error in _walk(path):
                if error is not None:
                    yield ReadFailure(file_path, f"cannot open: {error}", file_path)
                else:
                    yield from self._read_file(file_path, relative)
        else:
            yield from self._read_file(path, os.path.basename(path), given=True)

    def _read_file(self, path: str, name: str, given: bool = False) -> Iterator[Item]:
        extension = _extension(path)
        if extension not in KNOWN_TYPES:
            if given and not os.path.exists(path):
                yield ReadFailure(path, "cannot open: no such file or directory", path)
            else:
                known = ", ".join(KNOWN_TYPES)
                yield ReadFailure(path, f"unsupported file type {extension or '(none)'!r} (known: {known})", path)
            return
        try:
            if extension == ".jsonl":
                with open(path, "rb") as handle:
                    yield from self.read_jsonl_lines(handle, path)
            elif extension == ".json":
                yield from self._read_json(path)
            elif extension in WARC_TYPES:
                yield from self._read_warc(path)
            else:
                yield self._read_page(path, name, html=extension != ".txt")
        except OSError as exc:
            yield ReadFailure(path, f"cannot open: {exc.strerror or exc}".lower(), path)

    # --- JSON documents ---

    def read_jsonl_lines(self, stream: Iterable[bytes], source: str) -> Iterator[Item]:
        for number, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            where = f"{source}:{number}"
            try:
                value = json.loads(_decode(raw).strip())
            except _Unreadable as exc:
                yield ReadFailure(where, f"line {number}: {exc}", source)
                continue
            except json.JSONDecodeError as exc:
                yield ReadFailure(where, f"line {number}: invalid JSON ({_json_problem(exc)})", source)
                continue
            yield self._document_from_object(value, where, f"line {number}: ", source)

    def _read_json(self, path: str) -> Iterator[Item]:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            value = json.loads(_decode(data))
        except _Unreadable as exc:
            yield ReadFailure(path, str(exc), path)
            return
        except json.JSONDecodeError as exc:
            yield ReadFailure(path, f"invalid JSON ({_json_problem(exc, with_line=True)})", path)
            return
        if isinstance(value, list):
            for number, item in enumerate(value, start=1):
                yield self._document_from_object(item, f"{path}:{number}", f"item {number}: ", path)
        else:
            yield self._document_from_object(value, path, "", path)

    def _document_from_object(self, value: object, where: str, prefix: str, source: str) -> Item:
        if not isinstance(value, dict):
            return ReadFailure(where, f"{prefix}not a JSON object", source)
        doc_id = value.get("id")
        if isinstance(doc_id, (int, float)) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        if not isinstance(doc_id, str) or not doc_id.strip():
            return ReadFailure(where, f"{prefix}no 'id' (a non-empty string)", source)
        notes: list[str] = []
        bodies = {}
        for field in ("text", "html"):
            body = value.get(field)
            if body is not None and not isinstance(body, str):
                return ReadFailure(doc_id, f"{prefix}'{field}' is not a string", source)
            bodies[field] = body
        text, html = bodies["text"], bodies["html"]
        if text is None and html is None:
            return ReadFailure(doc_id, f"{prefix}neither 'text' nor 'html' given", source)
        if not (text or "").strip() and not (html or "").strip():
            return ReadFailure(doc_id, f"{prefix}empty document", source)
        if _looks_binary(text or html):
            return ReadFailure(doc_id, f"{prefix}binary content (not text)", source)
        text, html = self._sanitise(text, notes), self._sanitise(html, notes)
        fields = {}
        for field in ("url", "lang", "published"):
            field_value = value.get(field)
            if field_value is not None and not isinstance(field_value, str):
                if field == "published" and isinstance(field_value, int) and not isinstance(field_value, bool):
                    field_value = str(field_value)  # a bare year
                else:
                    notes.append(f"'{field}' ignored: not a string")
                    field_value = None
            fields[field] = field_value or None
        return self._accept(
            Document(
                id=doc_id,
                text=text,
                html=html,
                url=fields["url"],
                lang=fields["lang"] or self.lang,
                published=fields["published"] or self.published,
            ),
            notes,
            source,
            prefix,
        )

    def _sanitise(self, body: Optional[str], notes: list[str]) -> Optional[str]:
        if body is None:
            return None
        if _SURROGATE.search(body):
            body = _SURROGATE.sub("\ufffd", body)  # lone surrogates cannot be written out as UTF-8
            notes.append("invalid characters replaced")
        cut = _cut(body, self.max_bytes)
        if cut is not None:
            notes.append(f"truncated to {_size_label(self.max_bytes)}")
            return cut
        return body

    # --- WARC archives ---

    def _read_warc(self, path: str) -> Iterator[Item]:
        from placard.warc import read_warc

        with open(path, "rb") as handle:
            for item in read_warc(handle, path, stats=self.warc_stats, lang=self.lang, published=self.published,
                                  max_bytes=self.max_bytes, seen=self._seen, warnings=self.warnings):
                if isinstance(item, Document) and item.id in self.warnings:
                    log.warning("%s: %s", item.id, "; ".join(self.warnings[item.id]))
                yield item

    # --- pages ---

    def _read_page(self, path: str, name: str, html: bool) -> Item:
        doc_id = name.replace(os.sep, "/")
        with open(path, "rb") as handle:
            data = handle.read(self.max_bytes + 1)
        notes = []
        if len(data) > self.max_bytes:
            data = data[: self.max_bytes]
            notes.append(f"truncated to {_size_label(self.max_bytes)}")
        if not data.strip():
            return ReadFailure(doc_id, "empty document", path)
        declared = None
        if html:
            match = _META_CHARSET.search(data, 0, 4096)
            declared = match.group(1).decode("ascii", "ignore") if match else None
        try:
            text = _decode(data, declared=declared, cut=bool(notes))
        except _Unreadable as exc:
            return ReadFailure(doc_id, str(exc), path)
        if _looks_binary(text):
            return ReadFailure(doc_id, "binary content (not text)", path)
        if not text.strip():
            return ReadFailure(doc_id, "empty document", path)
        document = Document(
            id=doc_id,
            text=None if html else text,
            html=text if html else None,
            lang=self.lang,
            published=self.published,
        )
        return self._accept(document, notes, path)

    def _accept(self, document: Document, notes: list[str], source: str, prefix: str = "") -> Item:
        if document.id in self._seen:
            return ReadFailure(document.id, f"{prefix}duplicate id", source)
        self._seen.add(document.id)
        if notes:
            self.warnings[document.id] = tuple(notes)
            log.warning("%s: %s", document.id, "; ".join(notes))
        return document


def _json_problem(exc: json.JSONDecodeError, with_line: bool = False) -> str:
    where = f"line {exc.lineno}, column {exc.colno}" if with_line else f"column {exc.colno}"
    return f"{exc.msg.removesuffix(' at')} at {where}"


def _extension(path: str) -> str:
    name = os.path.basename(path).lower()
    if name.endswith(".warc.gz"):
        return ".warc.gz"
    return os.path.splitext(name)[1]


def _walk(folder: str) -> Iterator[tuple[str, str, Optional[str]]]:
    """(path, path relative to ``folder``, error) of the files of known types, sorted; hidden ones skipped."""
    found = []

    def unreadable(exc: OSError) -> None:
        path = exc.filename or folder
        found.append((os.path.relpath(path, folder), path, (exc.strerror or str(exc)).lower()))

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and _extension(name) in KNOWN_TYPES:
                path = os.path.join(root, name)
                found.append((os.path.relpath(path, folder), path, None))
    for relative, path, error in sorted(found, key=lambda entry: entry[0].replace(os.sep, "/")):
        yield path, relative, error


def iter_documents(
    paths: Sequence[Union[str, os.PathLike]],
    *,
    published: Optional[str] = None,
    lang: Optional[str] = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> DocumentReader:
    """Documents and read failures of ``paths``, in input order: a ``DocumentReader`` to iterate
    over once, its ``warnings`` and ``warc_stats`` filled in as it goes."""
    return DocumentReader(paths, published=published, lang=lang, max_bytes=max_bytes)
