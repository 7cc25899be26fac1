"""The Spark job (placard.spark) on a real local Spark session with two workers."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from placard import spark as job
from placard.errors import ConfigError, InputError

DEV_DOCS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "docs.jsonl"

# (id, lang, text): written for these tests. t-en and t-ru-same report one rally.
DOCUMENTS = [
    ("t-en", "en", "SHYMKENT — About two hundred market traders held a rally outside the city administration on "
                   "Friday, protesting against a sharp rise in rent."),
    ("t-ru-same", "ru", "В Шымкенте в пятницу около двухсот торговцев рынка вышли на митинг у здания акимата "
                        "против резкого повышения арендной платы."),
    ("t-ru", "ru", "В Караганде в пятницу около ста шахтёров провели митинг у здания акимата, требуя повысить "
                   "зарплату."),
    ("t-kk", "kk", "Ақтөбеде жұма күні жүзге жуық тұрғын әкімдік алдында жиын өткізіп, жол жөндеуді талап етті."),
    ("t-quiet", "en", "The city council approved a new budget for road repairs on Friday."),
]
PUBLISHED = "2023-04-15"


# --- without Spark ----------------------------------------------------------------


@pytest.mark.parametrize("paths, expected", [
    (["a.jsonl", "s3a://b/c.warc.gz", "hdfs:///d/e.WARC"], (["a.jsonl"], ["s3a://b/c.warc.gz", "hdfs:///d/e.WARC"])),
    (["crawl/*.jsonl"], (["crawl/*.jsonl"], [])),
])
def test_spark_split_inputs_by_type(paths, expected):
    assert job.split_inputs(paths) == expected


def test_spark_split_inputs_rejects_unknown_types():
    with pytest.raises(InputError, match="notes.txt"):
        job.split_inputs(["a.jsonl", "notes.txt"])


def test_spark_require_pyspark_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import fails as if not installed
    with pytest.raises(ConfigError, match=r"pip install 'placard\[spark\]'"):
        job.require_pyspark()


def test_spark_command_without_pyspark_fails_with_one_line(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import placard.cli.spark  # noqa: F401 - registers the command
    from placard.cli import main

    monkeypatch.setitem(sys.modules, "pyspark", None)
    outcome = CliRunner().invoke(main, ["spark", "docs.jsonl", "--output", str(tmp_path / "out")])
    assert outcome.exit_code == 1
    assert outcome.output.strip().splitlines() == [
        "Error: pyspark is not installed: pip install 'placard[spark]' (it also needs Java 17+)"]


def test_spark_flat_columns_of_a_record():
    record = {"date": "2023-04-14", "form": "rally", "status": "occurred", "confidence": 1,
              "location": {"country": "KZ", "city": "Shymkent", "lat": 42, "lon": 69.6},
              "participants": {"size_min": 150, "size_max": None}}
    assert job.flat_columns(record) == {"date": "2023-04-14", "form": "rally", "status": "occurred",
                                        "country": "KZ", "city": "Shymkent", "lat": 42.0, "lon": 69.6,
                                        "size_min": 150, "size_max": None, "confidence": 1.0}


def test_spark_events_of_group_clusters_across_documents():
    def row(doc_id, date):
        record = {"date": date, "form": "rally", "status": "occurred", "location": {"city": "Almaty"}}
        return {"doc_id": doc_id, "ordinal": 0, "published": date, "city_key": "almaty",
                "record": json.dumps(record)}

    events = list(job.events_of_group([row("b", "2023-04-14"), row("a", "2023-04-14"), row("c", "2023-05-20")]))
    assert [(e["event_id"], e["n_mentions"]) for e in events] == [("a#0", 2), ("c#0", 1)]


# --- on Spark ---------------------------------------------------------------------


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'placard[spark]')"
    if shutil.which("java") is None and not __import__("os").environ.get("JAVA_HOME"):
        return "no Java runtime for Spark"
    return None


needs_spark = pytest.mark.skipif(_spark_missing() is not None, reason=str(_spark_missing()))


@pytest.fixture(scope="module")
def spark():
    session = job.start_session("local[2]", "placard-tests", **{
        "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2",
        "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def written(spark, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")
    lines = [json.dumps({"id": i, "lang": lang, "published": PUBLISHED, "text": text,
                         "url": f"https://example.test/{i}"}, ensure_ascii=False)
             for i, lang, text in DOCUMENTS]
    lines[2:2] = ['{"id": "t-broken", "text": ', json.dumps({"id": "t-empty", "lang": "en"})]
    (folder / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    output = folder / "out"
    summary = job.run_job(spark, [str(folder / "docs.jsonl")], str(output), partitions=2)
    tables = {name: [row.asDict(recursive=True) for row in spark.read.parquet(str(output / name)).collect()]
              for name in job.TABLES}
    return summary, tables


@needs_spark
def test_spark_job_summary_counts(written):
    summary, tables = written
    assert (summary.documents, summary.failed) == (7, 2)
    assert summary.mentions == len(tables["mentions"]) == 4
    assert summary.events == len(tables["events"]) == 3


@needs_spark
def test_spark_job_documents_table(written):
    _, tables = written
    documents = {row["doc_id"]: row for row in tables["documents"]}
    assert {i for i, _, _ in DOCUMENTS} < set(documents)
    assert [(documents[i]["lang"], documents[i]["n_events"]) for i in ("t-en", "t-ru", "t-kk", "t-quiet")] == [
        ("en", 1), ("ru", 1), ("kk", 1), ("en", 0)]
    assert documents["t-quiet"]["note"].startswith("no protest event")
    assert documents["t-en"]["url"] == "https://example.test/t-en"


@needs_spark
def test_spark_job_failures_go_to_their_table(written):
    _, tables = written
    reasons = {row["doc_id"]: row["reason"] for row in tables["failures"]}
    assert "neither 'text' nor 'html' given" in reasons["t-empty"]
    broken = [reason for doc_id, reason in reasons.items() if doc_id != "t-empty"]
    assert len(broken) == 1 and "invalid JSON" in broken[0]


@needs_spark
def test_spark_job_mentions_by_language(written):
    _, tables = written
    cities = {(row["doc_id"], row["ordinal"]): (row["form"], row["date"], row["city"]) for row in tables["mentions"]}
    assert cities == {
        ("t-en", 0): ("rally", "2023-04-14", "Shymkent"),
        ("t-ru-same", 0): ("rally", "2023-04-14", "Shymkent"),
        ("t-ru", 0): ("rally", "2023-04-14", "Karaganda"),
        ("t-kk", 0): ("rally", "2023-04-14", "Aktobe"),
    }
    for row in tables["mentions"]:
        assert json.loads(row["record"])["location"]["city"] == row["city"]


@needs_spark
def test_spark_job_deduplicates_one_protest_in_two_documents(written):
    _, tables = written
    shymkent = [row for row in tables["events"] if row["city"] == "Shymkent"]
    assert len(shymkent) == 1
    assert shymkent[0]["n_mentions"] == 2
    assert sorted(s["doc_id"] for s in shymkent[0]["sources"]) == ["t-en", "t-ru-same"]
    assert {row["n_mentions"] for row in tables["events"] if row["city"] != "Shymkent"} == {1}


@pytest.fixture(scope="module")
def dev_run(spark, tmp_path_factory):
    if not DEV_DOCS.exists():
        pytest.skip(f"{DEV_DOCS} is absent")
    output = tmp_path_factory.mktemp("dev") / "out"
    summary = job.run_job(spark, [str(DEV_DOCS)], str(output), partitions=2)
    tables = {name: [row.asDict(recursive=True) for row in spark.read.parquet(str(output / name)).collect()]
              for name in ("mentions", "events")}
    return summary, tables


@needs_spark
def test_spark_mentions_equal_extract_on_the_dev_set(dev_run):
    from click.testing import CliRunner

    from placard.cli import main

    extracted = CliRunner().invoke(main, ["extract", str(DEV_DOCS), "--no-progress"])
    expected = {}
    for line in extracted.stdout.splitlines():
        record = json.loads(line)
        expected[record["doc_id"]] = record["events"]
    summary, tables = dev_run
    got = {doc_id: [] for doc_id in expected}
    for row in sorted(tables["mentions"], key=lambda r: (r["doc_id"], r["ordinal"])):
        got[row["doc_id"]].append(json.loads(row["record"]))
    assert summary.documents == len(expected) and summary.failed == 0
    assert got == expected


@needs_spark
def test_spark_events_equal_the_store_on_the_dev_set(dev_run, tmp_path):
    from placard.pipeline import Pipeline
    from placard.reading import iter_documents
    from placard.store import Store

    store = Store.open(tmp_path / "events.db")
    pipeline = Pipeline.default()
    for doc in iter_documents([DEV_DOCS]):
        store.ingest(pipeline.run(doc))

    def canonical(pair):
        return pair[0], json.dumps(pair[1], sort_keys=True)

    stored = sorted(((sorted(s.doc_id for s in e.sources), e.record) for e in store.events()), key=canonical)
    _, tables = dev_run
    spark_events = sorted(((sorted(s["doc_id"] for s in e["sources"]), json.loads(e["record"]))
                           for e in tables["events"]), key=canonical)
    assert len(spark_events) < len(tables["mentions"])  # some protests are reported twice
    assert [doc_ids for doc_ids, _ in spark_events] == [doc_ids for doc_ids, _ in stored]
    assert spark_events == stored

def _warc_record(kind: str, uri: str, block: bytes, number: int) -> bytes:
    content_type = f"application/http; msgtype={kind}"
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-04-15T09:30:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(block)}\r\n\r\n")
    return head.encode("ascii") + block + b"\r\n\r\n"


def _http_response(status: str, body: str) -> bytes:
    return (f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body).encode("utf-8")


@needs_spark
def test_spark_job_reads_warc_gz(spark, tmp_path):
    pytest.importorskip("fastwarc", reason="fastwarc (the WARC reader) is not installed")
    import gzip

    page = ("<html><head><title>Rally in Shymkent</title></head><body><article><p>"
            + DOCUMENTS[0][2] + "</p></article></body></html>")
    records = [
        _warc_record("request", "https://example.test/rally", b"GET /rally HTTP/1.1\r\nHost: example.test\r\n\r\n", 1),
        _warc_record("response", "https://example.test/rally", _http_response("200 OK", page), 2),
        _warc_record("response", "https://example.test/gone", _http_response("404 Not Found", "<p>gone</p>"), 3),
    ]
    archive = tmp_path / "crawl.warc.gz"
    archive.write_bytes(b"".join(gzip.compress(record) for record in records))  # one gzip member per record
    summary = job.run_job(spark, [str(archive)], str(tmp_path / "out"))
    mentions = spark.read.parquet(str(tmp_path / "out" / "mentions")).collect()
    assert (summary.documents, summary.failed, sum(summary.skipped.values())) == (1, 0, 2)
    assert [(m.doc_id, m.form, m.date, m.city) for m in mentions] == [
        ("https://example.test/rally", "rally", "2023-04-14", "Shymkent")]
