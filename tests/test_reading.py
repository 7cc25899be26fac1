"""Reading documents: every input gives a Document or a ReadFailure with a one-line reason."""
from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from placard.reading import DocumentReader, ReadFailure, iter_documents
from placard.records import Document

READING = Path(__file__).parent / "fixtures" / "reading"

RU_PAGE = "Жители посёлка перекрыли дорогу\n\nВ понедельник около сорока жителей посёлка перекрыли дорогу к районному центру. Они требовали отремонтировать мост.\n"
EN_PAGE = "Café workers strike in Zürich\n\nAbout thirty café workers stopped work on Friday, demanding a pay rise of five per cent.\n"
KK_PAGE = "Жұмысшылар ереуілге шықты\n\nДүйсенбі күні кен орнындағы жүзге жуық жұмысшы жалақыны көтеруді талап етіп, ереуілге шықты.\n"


def _summary(items) -> list[tuple[str, str, str]]:
    """(kind, id, text or reason) of each item, for comparing runs with a table."""
    out = []
    for item in items:
        if isinstance(item, ReadFailure):
            out.append(("failure", item.doc_id, item.reason))
        else:
            out.append(("doc", item.id, item.text if item.text is not None else item.html))
    return out


def test_reading_jsonl_bad_lines_become_failures_in_order():
    mixed = str(READING / "mixed.jsonl")
    assert _summary(iter_documents([mixed])) == [
        ("doc", "ok-1", "Dozens of women rallied in the capital on Monday."),
        ("doc", "ok-2", "Сотни людей вышли на митинг."),
        ("failure", f"{mixed}:4", "line 4: invalid JSON (Unterminated string starting at column 28)"),
        ("failure", f"{mixed}:5", "line 5: not a JSON object"),
        ("failure", f"{mixed}:6", "line 6: no 'id' (a non-empty string)"),
        ("failure", "bad-text", "line 7: 'text' is not a string"),
        ("failure", "no-body", "line 8: neither 'text' nor 'html' given"),
        ("failure", "blank-text", "line 9: empty document"),
        ("failure", "ok-1", "line 10: duplicate id"),
        ("doc", "ok-html", "<p>Students marched through Almaty on Saturday.</p>"),
    ]


def test_reading_jsonl_fields_and_options_fill_what_is_missing():
    docs = [d for d in iter_documents([READING / "mixed.jsonl"], published="2020-01-01", lang="ru")
            if isinstance(d, Document)]
    assert docs[0] == Document(
        id="ok-1", text="Dozens of women rallied in the capital on Monday.", url="https://example.org/1",
        lang="en", published="2019-06-05",
    )
    assert (docs[1].lang, docs[1].published, docs[1].url) == ("ru", "2020-01-01", None)
    assert (docs[2].html is not None, docs[2].text, docs[2].published) == (True, None, "2021-03")


def test_reading_json_list_single_object_and_invalid_file():
    listing, single, invalid = (str(READING / n) for n in ("list.json", "single.json", "invalid.json"))
    assert _summary(iter_documents([listing, single, invalid])) == [
        ("doc", "list-1", "Farmers blocked the highway near Shymkent."),
        ("failure", f"{listing}:2", "item 2: not a JSON object"),
        ("doc", "list-2", "<p>Workers went on strike.</p>"),
        ("doc", "single", "A lone picketer stood outside the akimat."),
        ("failure", invalid, "invalid JSON (Expecting ',' delimiter at line 1, column 36)"),
    ]


def test_reading_folder_recursive_sorted_known_types_only():
    items = list(iter_documents([READING / "folder"], published="2021-05-05", lang="en"))
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "a.html"),
        ("Document", "b.txt"),
        ("Document", "sub/c.txt"),
        ("Document", "folder-doc"),  # from sub/d.jsonl
    ]
    page, text = items[0], items[1]
    assert page.html.startswith("<html>") and page.text is None
    assert (text.text, text.html, text.published, text.lang, text.url) == (EN_PAGE, None, "2021-05-05", "en", None)


def test_reading_single_page_file_id_is_its_name():
    (doc,) = iter_documents([READING / "folder" / "sub" / "c.txt"])
    assert (doc.id, doc.text) == ("c.txt", KK_PAGE)


@pytest.mark.parametrize(
    "name,expected",
    [
        ("page_cp1251.txt", RU_PAGE),
        ("page_latin1.txt", EN_PAGE),
        ("page_utf16.txt", KK_PAGE),
        ("page_utf16le_nobom.txt", KK_PAGE),
        ("page_utf8_bom.txt", RU_PAGE),
    ],
)
def test_reading_encodings_are_detected(name, expected):
    (doc,) = iter_documents([READING / name])
    assert isinstance(doc, Document)
    assert doc.text == expected


@pytest.mark.parametrize(
    "name,reason",
    [
        ("binary.txt", "binary content (not text)"),
        ("noise.txt", "undecodable bytes: not UTF-8 and no encoding detected"),
        ("blank.txt", "empty document"),
    ],
)
def test_reading_unreadable_page_gives_reason(name, reason):
    (item,) = iter_documents([READING / name])
    assert item == ReadFailure(name, reason, str(READING / name))


def test_reading_html_declared_charset_is_used(tmp_path):
    page = tmp_path / "page.html"
    page.write_bytes('<html><head><meta charset="windows-1251"></head><body><p>Митинг в Актобе.</p></body></html>'.encode("cp1251"))
    (doc,) = iter_documents([page])
    assert "<p>Митинг в Актобе.</p>" in doc.html


@pytest.mark.parametrize(
    "path,reason",
    [
        ("notes.pdf", "unsupported file type '.pdf' (known: .jsonl, .json, .txt, .html, .htm, .warc, .warc.gz)"),
        ("missing.txt", "cannot open: no such file or directory"),
        ("missing.pdf", "cannot open: no such file or directory"),
    ],
)
def test_reading_unsupported_or_missing_path(path, reason):
    full = str(READING / path)
    assert list(iter_documents([full])) == [ReadFailure(full, reason, full)]


def test_reading_broken_warc_is_one_failure(tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(b"\x1f\x8b")
    (item,) = iter_documents([warc])
    assert isinstance(item, ReadFailure) and "WARC" in item.reason  # tests/test_warc.py covers WARC reading


def test_reading_unreadable_file(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(EN_PAGE)

    def refuse(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("placard.reading.open", refuse, raising=False)
    assert list(iter_documents([locked])) == [ReadFailure(str(locked), "cannot open: permission denied", str(locked))]


def test_reading_huge_page_is_cut_at_a_character_boundary(tmp_path):
    page = tmp_path / "long.txt"
    page.write_text("Митинг. " * 100, encoding="utf-8")  # 15 bytes a repeat; "М" takes two
    reader = DocumentReader([page], max_bytes=101)
    (doc,) = reader
    encoded = doc.text.encode("utf-8")
    assert len(encoded) <= 101 and "Митинг. " * 100 != doc.text
    assert ("Митинг. " * 100).startswith(doc.text)
    assert len(encoded) >= 100  # only the partial character is dropped
    assert reader.warnings == {"long.txt": ("truncated to 101 bytes",)}


def test_reading_huge_jsonl_text_is_cut_and_noted(tmp_path):
    docs = tmp_path / "big.jsonl"
    docs.write_text(json.dumps({"id": "big", "text": "Жұмысшылар ереуілге шықты. " * 10000}, ensure_ascii=False) + "\n"
                    + json.dumps({"id": "small", "text": "Short one."}) + "\n", encoding="utf-8")
    reader = DocumentReader([docs], max_bytes=1000)
    big, small = list(reader)
    assert len(big.text.encode("utf-8")) <= 1000 and big.text
    assert small.text == "Short one."
    assert reader.warnings == {"big": ("truncated to 1 kB",)}


def test_reading_default_cap_is_five_megabytes(tmp_path):
    page = tmp_path / "huge.txt"
    page.write_bytes(b"Protest. " * 600_000)  # 5.4 MB
    reader = DocumentReader([page])
    (doc,) = reader
    assert len(doc.text) == 5_000_000
    assert reader.warnings["huge.txt"] == ("truncated to 5 MB",)


def test_reading_lone_surrogate_is_replaced(tmp_path):
    docs = tmp_path / "s.jsonl"
    docs.write_text('{"id": "s", "text": "Rally \\ud800 in Almaty."}\n')
    reader = DocumentReader([docs])
    (doc,) = reader
    assert doc.text == "Rally \ufffd in Almaty."
    assert reader.warnings == {"s": ("invalid characters replaced",)}


def test_reading_odd_field_types(tmp_path):
    docs = tmp_path / "odd.jsonl"
    docs.write_text(json.dumps({"id": 17, "text": "Numeric id.", "published": 2019, "lang": ["en"]}) + "\n")
    reader = DocumentReader([docs])
    (doc,) = reader
    assert (doc.id, doc.published, doc.lang) == ("17", "2019", None)
    assert reader.warnings == {"17": ("'lang' ignored: not a string",)}


def test_reading_binary_text_in_jsonl(tmp_path):
    docs = tmp_path / "bin.jsonl"
    docs.write_text(json.dumps({"id": "b", "text": "\u0000\u0001\u0002" * 50}) + "\n")
    (item,) = iter_documents([docs])
    assert item == ReadFailure("b", "line 1: binary content (not text)", str(docs))


def test_reading_jsonl_line_not_utf8_is_decoded(tmp_path):
    docs = tmp_path / "cp.jsonl"
    docs.write_bytes(('{"id": "c", "text": "' + RU_PAGE.strip().replace("\n", " ") + '"}\n').encode("cp1251"))
    (doc,) = iter_documents([docs])
    assert doc.text == RU_PAGE.strip().replace("\n", " ")


def test_reading_standard_input(monkeypatch):
    data = json.dumps({"id": "in-1", "text": "Rally in Oral."}) + "\n\nnot json\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8"))))
    assert _summary(iter_documents(["-"], lang="en")) == [
        ("doc", "in-1", "Rally in Oral."),
        ("failure", "<stdin>:3", "line 3: invalid JSON (Expecting value at column 1)"),
    ]


def test_reading_duplicate_ids_across_files_and_input_order(tmp_path):
    first, second = tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    first.write_text(json.dumps({"id": "x", "text": "One."}) + "\n")
    second.write_text(json.dumps({"id": "y", "text": "Two."}) + "\n" + json.dumps({"id": "x", "text": "Again."}) + "\n")
    assert _summary(iter_documents([second, first])) == [
        ("doc", "y", "Two."),
        ("doc", "x", "Again."),
        ("failure", "x", "line 1: duplicate id"),
    ]


def test_reading_every_failure_reason_is_one_line():
    items = list(iter_documents([READING]))
    failures = [i for i in items if isinstance(i, ReadFailure)]
    assert len(failures) >= 10
    assert all(f.reason and "\n" not in f.reason for f in failures)
    assert any(isinstance(i, Document) for i in items)


def test_reading_folder_with_unreadable_subfolder(tmp_path, monkeypatch):
    shutil.copy(READING / "folder" / "b.txt", tmp_path / "b.txt")
    locked = tmp_path / "locked"
    locked.mkdir()
    scandir = os.scandir

    def guarded(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    assert list(iter_documents([tmp_path])) == [
        Document(id="b.txt", text=EN_PAGE),
        ReadFailure(str(locked), "cannot open: permission denied", str(locked)),
    ]


def test_reading_one_path_given_as_a_string():
    single = str(READING / "single.json")
    assert _summary(iter_documents(single)) == [("doc", "single", "A lone picketer stood outside the akimat.")]
