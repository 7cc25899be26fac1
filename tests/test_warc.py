"""WARC archives: HTML responses become documents, the other records are counted and skipped."""
from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

pytest.importorskip("fastwarc", reason="fastwarc is not installed")
warcio = pytest.importorskip("warcio", reason="warcio (writes the test archives) is not installed")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from placard.cli import main  # noqa: E402
from placard.reading import ReadFailure, iter_documents  # noqa: E402
from placard.records import Document  # noqa: E402
from placard.warc import WarcStats, read_warc  # noqa: E402

EN_PAGE = (
    "<html><head><title>Nurses picket the regional hospital</title></head><body>"
    "<h1>Nurses picket the regional hospital</h1>"
    "<p>About forty nurses picketed the regional hospital in Karaganda on Monday, "
    "asking for the overtime pay they were promised in the spring.</p></body></html>"
)
RU_PAGE = (
    "<html><head><title>Жильцы вышли к акимату</title></head><body>"
    "<p>Около тридцати жильцов аварийного дома собрались у акимата Павлодара во вторник "
    "и потребовали новое жильё.</p></body></html>"
)
DATED_PAGE = (
    '<html><head><meta property="article:published_time" content="2023-11-02T08:00:00Z">'
    "<title>Drivers strike</title></head><body><p>Bus drivers in Shymkent went on strike.</p></body></html>"
)
CRAWL_DATE = "2024-03-05T12:30:00Z"


def _response(writer, uri, body: bytes, content_type: str, date=CRAWL_DATE, status="200 OK"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def _archive(gzip: bool) -> bytes:
    """A crawl: two articles (en UTF-8, ru cp1251), a request, a PDF, a revisit, a 404 page."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    _response(writer, "https://news.example.kz/en/nurses", EN_PAGE.encode("utf-8"), "text/html; charset=utf-8")
    request = StatusAndHeaders("GET /en/nurses HTTP/1.1", [("Host", "news.example.kz")], is_http_request=True)
    writer.write_record(writer.create_warc_record("https://news.example.kz/en/nurses", "request",
                                                  payload=io.BytesIO(b""), http_headers=request))
    _response(writer, "https://news.example.kz/ru/zhiltsy", RU_PAGE.encode("cp1251"),
              "text/html; charset=windows-1251")
    _response(writer, "https://news.example.kz/report.pdf", b"%PDF-1.4 not an article", "application/pdf")
    writer.write_record(writer.create_revisit_record(
        "https://news.example.kz/en/nurses", digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        refers_to_uri="https://news.example.kz/en/nurses", refers_to_date=CRAWL_DATE))
    _response(writer, "https://news.example.kz/missing", b"<html><body>Not found</body></html>",
              "text/html", status="404 Not Found")
    return buffer.getvalue()


@pytest.mark.parametrize("gzip", [False, True])
def test_warc_reads_html_responses_and_counts_the_rest(gzip):
    stats = WarcStats()
    items = list(read_warc(io.BytesIO(_archive(gzip)), "crawl.warc", stats=stats))
    assert [type(i) for i in items] == [Document, Document]
    en, ru = items
    assert (en.id, en.url) == ("https://news.example.kz/en/nurses",) * 2
    assert "forty nurses picketed" in en.html
    assert "Около тридцати жильцов" in ru.html  # decoded by the server's charset
    assert en.published == ru.published == "2024-03-05"  # the crawl day: the pages give no date
    assert (stats.records, stats.html_responses) == (6, 2)
    assert stats.skipped == {"requests": 1, "non-HTML responses": 1, "revisits": 1, "non-2xx responses": 1}
    assert stats.summary() == "WARC: 1 non-2xx responses, 1 non-HTML responses, 1 requests, 1 revisits"


def test_warc_page_with_its_own_date_keeps_published_empty():
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    _response(writer, "https://news.example.kz/en/drivers", DATED_PAGE.encode(), "text/html")
    _response(writer, "https://news.example.kz/2023/11/02/drivers-again", EN_PAGE.encode(), "text/html")
    dated, dated_url = read_warc(io.BytesIO(buffer.getvalue()), "x.warc", published="2024-01-01")
    # The page's own date (used by the clean stage) must not lose to the crawl day.
    assert dated.published is None and dated_url.published is None


def test_warc_repeated_uri_gets_the_record_id():
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for _ in range(2):
        _response(writer, "https://news.example.kz/en/nurses", EN_PAGE.encode(), "text/html")
    first, second = read_warc(io.BytesIO(buffer.getvalue()), "x.warc")
    assert first.id == "https://news.example.kz/en/nurses"
    assert second.id.startswith("https://news.example.kz/en/nurses#urn:uuid:")
    assert second.url == first.url


@pytest.mark.parametrize("name, cut", [
    ("cut-in-body.warc", lambda data: data[: data.index(b"forty nurses")]),
    ("cut-in-headers.warc", lambda data: data[: data.index(b"WARC-Type: request") + 30]),
    ("cut.warc.gz", lambda data: data[: len(data) // 2]),
    ("not-a-warc.warc", lambda data: b"these are not the records you are looking for\n" * 3),
])
def test_warc_truncated_file_is_a_failure_and_reading_goes_on(tmp_path, name, cut):
    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / name).write_bytes(cut(_archive(gzip=name.endswith(".gz"))))
    (folder / "z-good.warc.gz").write_bytes(_archive(gzip=True))
    items = list(iter_documents([folder]))
    failures = [i for i in items if isinstance(i, ReadFailure)]
    assert len(failures) == 1 and "WARC" in failures[0].reason
    assert failures[0].source == str(folder / name)
    good = [i for i in items if isinstance(i, Document) and i.url.endswith(("/nurses", "/zhiltsy"))]
    assert len(good) >= 2  # the good file's articles (ids made unique when the cut file gave one first)


def test_warc_extract_prints_one_line_per_article_and_a_summary(tmp_path):
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(_archive(gzip=True))
    result = CliRunner().invoke(main, ["extract", str(archive)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc_id"] for r in records] == ["https://news.example.kz/en/nurses", "https://news.example.kz/ru/zhiltsy"]
    assert "documents read: 2, skipped: 4, failed: 0" in result.stderr
    assert "WARC: 1 non-2xx responses, 1 non-HTML responses, 1 requests, 1 revisits" in result.stderr
