"""``placard ingest`` and ``placard events`` through click's test runner."""
from __future__ import annotations

import csv
import io
import json
import re
import sys
import types
from dataclasses import dataclass

import click
import pytest
from click.testing import CliRunner

import placard.cli
import placard.cli.store  # noqa: F401  (registers the commands)
from placard.errors import InputError, PlacardError
from placard.pipeline import Pipeline
from placard.records import Article, Claim, Document, Event, Place, ResolvedDate, Result
from placard.store import EventQuery, Store

main = placard.cli.main


def _result(doc_id: str, city: str, country: str, date: str, form: str, claim: str, issues=()) -> Result:
    text = f"Protesters rallied in {city} about one thing: {claim}."
    doc = Document(id=doc_id, text=text, url=f"https://news.example/{doc_id}", lang="en", published="2024-06-25")
    event = Event(form=form, date=ResolvedDate(date, "day"), place=Place(name=city, country=country),
                  claims=(Claim(claim, tuple(issues)),), size_min=24, size_max=99,
                  evidence_spans=((0, len(text)),), confidence=0.7)
    return Result(doc_id=doc_id, article=Article(doc=doc, text=text, lang="en", events=(event,)))


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "events.db"
    with Store.open(path) as store:
        store.ingest(_result("d1", "Almaty", "KZ", "2022-01-05", "rally", "lower gas prices", ["prices-economy"]))
        store.ingest(_result("d2", "Oral", "KZ", "2022-01-06", "strike", "higher wages, \"today\"", ["wages-labor"]))
        store.ingest(_result("d3", "Moscow", "RU", "2021-04-21", "rally", "free Navalny", ["political-prisoners"]))
    return path


def _run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def _jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


# --- placard events -----------------------------------------------------------


@pytest.mark.parametrize("options, expected", [
    ([], ["d3", "d1", "d2"]),  # oldest first
    (["--country", "kz"], ["d1", "d2"]),
    (["--city", "ALMATY"], ["d1"]),
    (["--from", "2022-01-06"], ["d2"]),
    (["--to", "2021"], ["d3"]),
    (["--form", "Rally"], ["d3", "d1"]),
    (["--issue", "wages-labor"], ["d2"]),
    (["--status", "planned"], []),
    (["--text", "gas"], ["d1"]),
    (["--limit", "1", "--offset", "1"], ["d1"]),
])
def test_cli_store_events_filters(db, options, expected):
    result = _run("events", "--db", db, "--format", "jsonl", *options)
    assert result.exit_code == 0, result.output
    assert [r["doc_id"] for r in _jsonl(result.output)] == expected


def test_cli_store_events_reads_db_from_environment(db):
    result = _run("events", "--format", "jsonl", "--country", "RU", env={"PLACARD_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert [r["doc_id"] for r in _jsonl(result.output)] == ["d3"]


@pytest.mark.parametrize("suffix", ["csv", "json", "jsonl", "geojson"])
def test_cli_store_events_output_suffix_picks_the_format(db, tmp_path, suffix):
    out = tmp_path / f"events.{suffix}"
    result = _run("events", "--db", db, "--country", "KZ", "-o", out)
    assert result.exit_code == 0, result.output
    body = out.read_text(encoding="utf-8")
    if suffix == "csv":
        rows = list(csv.DictReader(io.StringIO(body, newline="")))
        assert [r["claims"] for r in rows] == ["lower gas prices", "higher wages, \"today\""]
    elif suffix == "json":
        assert [r["doc_id"] for r in json.loads(body)] == ["d1", "d2"]
    elif suffix == "jsonl":
        assert [r["doc_id"] for r in _jsonl(body)] == ["d1", "d2"]
    else:
        assert [f["properties"]["doc_id"] for f in json.loads(body)["features"]] == ["d1", "d2"]


def test_cli_store_events_table(db):
    result = _run("events", "--db", db, "--format", "table")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "date", "form", "status", "city", "country", "size", "sources", "review",
                                "claim"]
    assert re.match(r"\s*\d+\s+2021-04-21\s+rally\s+occurred\s+Moscow\s+RU\s+24-99\s+1\s+machine\s+"
                    r"free Navalny$", lines[1])
    assert lines[-1] == "3 events"
    limited = _run("events", "--db", db, "--format", "table", "--limit", "1")
    assert limited.output.splitlines()[-1] == "1 of 3 events"


@pytest.mark.parametrize("options, message", [
    (["--form", "sitin"], "did you mean sit-in?"),
    (["--issue", "housng"], "did you mean housing?"),
    (["--status", "finished"], "choose one of: occurred, planned, prevented"),
    (["--from", "June 2019"], "--from takes YYYY, YYYY-MM or YYYY-MM-DD"),
    (["--to", "2019-02-30"], "--to takes YYYY"),
    (["--country", "Kazakhstan"], "two-letter ISO code"),
    (["--text", "?!"], "--text needs at least one word"),
])
def test_cli_store_events_rejects_bad_options_in_one_line(db, options, message):
    result = _run("events", "--db", db, *options)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_cli_store_events_without_a_store_says_how_to_make_one(tmp_path):
    result = _run("events", "--db", tmp_path / "missing.db")
    assert result.exit_code == 1
    assert "placard ingest" in result.stderr
    assert not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("command", ["ingest", "events", "review"])
def test_cli_store_help_explains_every_option_with_an_example(command):
    cmd = main.commands[command]
    for param in cmd.params:
        if isinstance(param, click.Option) and not param.is_flag and param.name != "help":
            assert param.help and "Example" in param.help, f"--{param.name} has no example"
    text = _run(command, "--help").output
    assert "PLACARD_DB" in text and "placard.db" in text and "Examples:" in text


# --- placard ingest (a stand-in pipeline and reader) ----------------------


@dataclass(frozen=True)
class _Unreadable:
    doc_id: str
    reason: str
    source: str


class _RallyStage:
    """Reports a rally in Almaty for each sentence with "rallied"; "FAIL" makes the document fail."""

    name = "rally-stand-in"

    def __call__(self, article: Article) -> Article:
        text = article.doc.text
        if "FAIL" in text:
            raise InputError("no usable text")
        events = []
        for match in re.finditer(r"[^.]*rallied[^.]*\.", text):
            events.append(Event(form="rally", date=ResolvedDate(article.doc.published, "day"),
                                place=Place(name="Almaty", country="KZ"),
                                evidence_spans=((match.start(), match.end()),)))
        return article.evolve(text=text, lang=article.doc.lang, events=tuple(events))


def _read_jsonl(paths, published=None, lang=None):
    for path in paths:
        for line in open(path, encoding="utf-8"):
            item = json.loads(line)
            if "text" not in item:
                yield _Unreadable(item["id"], "no text or html", str(path))
            else:
                yield Document(id=item["id"], text=item["text"], lang=lang or "en", published=published)


@pytest.fixture
def stand_ins(monkeypatch):
    monkeypatch.setattr(Pipeline, "default", classmethod(lambda cls, names=None: cls([_RallyStage()])))
    monkeypatch.setitem(sys.modules, "placard.reading", types.SimpleNamespace(iter_documents=_read_jsonl))


def _docs_file(tmp_path, docs: list[dict]):
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def test_cli_store_ingest_summary_and_exit_status(stand_ins, tmp_path):
    docs = _docs_file(tmp_path, [
        {"id": "a", "text": "Workers rallied at noon. Then they went home. Students rallied too."},
        {"id": "b", "text": "Жители rallied у акимата."},
        {"id": "c", "text": "FAIL"},
        {"id": "d"},
    ])
    db = tmp_path / "out.db"
    first = _run("ingest", docs, "--db", db, "--published", "2024-06-25")
    assert first.exit_code == 1
    assert "documents read: 4" in first.stdout
    assert "added: 2, unchanged: 0, updated: 0, failed: 2" in first.stdout
    assert "failed c: no usable text" in first.stdout and "failed d: no text or html" in first.stdout
    assert "events stored: 3" in first.stdout
    # a's two rallies stay apart (one document); b's rally is the same as one of them.
    assert "holds 2 events (3 reports) from 4 documents" in first.stdout

    again = _run("ingest", docs, "--db", db, "--published", "2024-06-25")
    assert "added: 0, unchanged: 2, updated: 0, failed: 2" in again.stdout
    with Store.open(db) as store:
        assert store.count_events() == 2 and store.stats()["mentions"] == 3
        assert {d.doc_id for d in store.documents(failed=True)} == {"c", "d"}
        assert {e.record["date"] for e in store.events()} == {"2024-06-25"}

    redated = _run("ingest", docs, "--db", db, "--published", "2024-06-26")
    assert "added: 0, unchanged: 0, updated: 2, failed: 2" in redated.stdout


def test_cli_store_ingest_exits_0_when_all_documents_pass(stand_ins, tmp_path):
    docs = _docs_file(tmp_path, [{"id": "a", "text": "Pensioners rallied."}])
    result = _run("ingest", docs, "--db", tmp_path / "out.db")
    assert result.exit_code == 0, result.output
    assert "failed: 0" in result.stdout


def test_cli_store_ingest_rejects_a_bad_published_date(stand_ins, tmp_path):
    docs = _docs_file(tmp_path, [{"id": "a", "text": "Pensioners rallied."}])
    result = _run("ingest", docs, "--db", tmp_path / "out.db", "--published", "25.06.2024")
    assert result.exit_code == 2 and "--published takes" in result.stderr
    assert not (tmp_path / "out.db").exists()


# --- placard ingest with the real pipeline ------------------------------------


def _real_pipeline_or_skip():
    try:
        import placard.reading  # noqa: F401

        return Pipeline.default()
    except (ImportError, AttributeError, PlacardError) as exc:  # stages still being written
        pytest.skip(f"the real pipeline cannot be built yet: {exc}")


def test_cli_store_ingest_with_the_real_pipeline(tmp_path):
    _real_pipeline_or_skip()
    page = tmp_path / "rally.txt"
    page.write_text("Hundreds of teachers rallied outside the city hall in Almaty on Saturday, "
                    "demanding higher salaries. Police detained three of them.\n", encoding="utf-8")
    db = tmp_path / "real.db"
    result = _run("ingest", page, "--db", db, "--published", "2024-06-25", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "documents read: 1" in result.stdout and "added: 1" in result.stdout
    with Store.open(db) as store:
        [doc] = store.documents()
        assert doc.error is None and doc.lang == "en"
        assert all(e.record["evidence"] for e in store.events())


@pytest.mark.parametrize("options, long_run, shown", [
    ([], 1000, False),  # not a terminal, short run: no bar
    (["--progress"], 1000, True),
    ([], 2, True),  # not a terminal, but the run grew long
    (["--no-progress"], 2, False),
])
def test_cli_store_ingest_progress_bar(stand_ins, tmp_path, monkeypatch, options, long_run, shown):
    monkeypatch.setattr(placard.cli.progress, "LONG_RUN_DOCUMENTS", long_run)
    docs = _docs_file(tmp_path, [{"id": str(n), "text": "Pensioners rallied."} for n in range(3)])
    result = _run("ingest", docs, "--db", tmp_path / "out.db", *options)
    assert result.exit_code == 0, result.output
    assert ("ingesting" in result.stderr and "doc" in result.stderr) is shown


def test_cli_store_ingest_reads_folders_and_stores_read_failures(tmp_path, monkeypatch):
    pytest.importorskip("placard.reading", reason="placard.reading is not there yet")
    monkeypatch.setattr(Pipeline, "default", classmethod(lambda cls, names=None: cls([_RallyStage()])))
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "good.txt").write_text("Pensioners rallied in the square.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    db = tmp_path / "out.db"
    result = _run("ingest", folder, "--db", db, "--published", "2024-06-25", "--lang", "en")
    assert result.exit_code == 1
    assert "documents read: 2" in result.stdout and "added: 1" in result.stdout and "failed: 1" in result.stdout
    with Store.open(db) as store:
        [failed] = store.documents(failed=True)
        assert failed.source == str(folder / "empty.txt") and failed.error
        [event] = store.events()
        assert event.record["evidence"] == ["Pensioners rallied in the square."]


def test_cli_store_ingest_reads_standard_input(tmp_path, monkeypatch):
    pytest.importorskip("placard.reading", reason="placard.reading is not there yet")
    monkeypatch.setattr(Pipeline, "default", classmethod(lambda cls, names=None: cls([_RallyStage()])))
    lines = "".join(json.dumps({"id": f"s{n}", "text": "Farmers rallied by the road.", "lang": "en",
                                "published": "2024-06-25"}) + "\n" for n in range(2))
    db = tmp_path / "stdin.db"
    result = CliRunner().invoke(main, ["ingest", "-", "--db", str(db)], input=lines)
    assert result.exit_code == 0, result.output
    assert "added: 2" in result.stdout
    with Store.open(db) as store:  # the same story twice: one event, two sources
        [event] = store.events()
        assert [s.doc_id for s in event.sources] == ["s0", "s1"]


# --- canonical events, review and exports through the CLI ----------------------------


def _ids(output: str) -> list[int]:
    return [r["id"] for r in _jsonl(output)]


def test_cli_store_events_filters_by_response_and_review(db):
    with Store.open(db) as store:
        moscow = store.events(EventQuery(country="RU"))[0]
        store.review(moscow.id, "reject", "tester")
    shown = _run("events", "--db", db, "--format", "jsonl")
    assert moscow.id not in _ids(shown.output) and len(_ids(shown.output)) == 2
    rejected = _run("events", "--db", db, "--format", "jsonl", "--review", "rejected")
    assert _ids(rejected.output) == [moscow.id]
    assert _run("events", "--db", db, "--format", "jsonl", "--response", "detained").output == ""
    bad = _run("events", "--db", db, "--review", "checked")
    assert bad.exit_code == 2 and "choose one of: machine, confirmed, edited, rejected" in bad.stderr


def test_cli_store_events_acled_and_gold_formats(db, tmp_path):
    acled = _run("events", "--db", db, "--format", "acled")
    assert acled.exit_code == 0, acled.output
    rows = list(csv.DictReader(io.StringIO(acled.output, newline="")))
    assert [r["location"] for r in rows] == ["Moscow", "Almaty", "Oral"]
    assert {r["event_type"] for r in rows} == {"Protests"} and rows[0]["source"] == "news.example"
    empty = _run("events", "--db", db, "--format", "gold")
    assert empty.exit_code == 0 and empty.output == ""  # nothing reviewed yet
    with Store.open(db) as store:
        for event in store.events():
            store.review(event.id, "confirm", "tester")
    out = tmp_path / "gold.jsonl"
    assert _run("events", "--db", db, "--format", "gold", "-o", out).exit_code == 0
    assert sorted(json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()) == [
        "d1", "d2", "d3"]
    filtered = _run("events", "--db", db, "--format", "gold", "--country", "KZ")
    assert filtered.exit_code == 2 and "filters do not apply" in filtered.stderr


def test_cli_store_review_confirm_edit_merge_split(db):
    with Store.open(db) as store:
        almaty, oral = [e.id for e in store.events() if e.record["location"]["country"] == "KZ"]
    edited = _run("review", almaty, "edit", "--db", db, "--set", "form=march", "--set", "participants.size_min=300",
                  "--set", "participants.size_max=null", "--who", "aigerim", "--note", "a march")
    assert edited.exit_code == 0, edited.output
    body = json.loads(edited.stdout)
    assert (body["form"], body["participants"]["size_min"], body["participants"]["size_max"]) == ("march", 300, None)
    assert (body["review"], body["reviewed_by"]) == ("edited", "aigerim")
    merged = json.loads(_run("review", almaty, "merge", "--with", oral, "--db", db, "--who", "aigerim").stdout)
    assert sorted(s["doc_id"] for s in merged["sources"]) == ["d1", "d2"]
    leaving = [s["mention_id"] for s in merged["sources"] if s["doc_id"] == "d2"]
    split = json.loads(_run("review", almaty, "split", "--mention", leaving[0], "--db", db, "--who", "b").stdout)
    assert [s["doc_id"] for s in split["sources"]] == ["d2"] and split["id"] not in (almaty, oral)
    with Store.open(db) as store:
        assert [e.action for e in store.audit(almaty)] == ["split", "merge", "edit"]


@pytest.mark.parametrize("args, message", [
    (["edit"], "edit needs at least one --set"),
    (["confirm", "--set", "form=march"], "--set goes with edit"),
    (["edit", "--set", "form"], "--set takes FIELD=VALUE"),
    (["merge"], "merge takes the other events"),
    (["split"], "split takes the leaving sources"),
])
def test_cli_store_review_rejects_bad_options(db, args, message):
    result = _run("review", 1, *args, "--db", db)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("args, message", [
    (["9999", "confirm"], "no event 9999"),
    (["1", "edit", "--set", "form=parade"], "form must be one of"),
])
def test_cli_store_review_reports_store_errors_in_one_line(db, args, message):
    result = _run("review", *args, "--db", db, "--who", "x")
    assert result.exit_code == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_store_ingest_and_events_on_postgresql(stand_ins, tmp_path):
    from placard.store.testing import postgres_skip_reason, postgres_test_url, temporary_postgres_url

    if not postgres_test_url():
        pytest.skip(postgres_skip_reason())
    docs = _docs_file(tmp_path, [{"id": "a", "text": "Workers rallied at noon."},
                                 {"id": "b", "text": "Жители rallied у акимата."}])
    with temporary_postgres_url() as url:
        ingested = _run("ingest", docs, "--db", url, "--published", "2024-06-25")
        assert ingested.exit_code == 0, ingested.output
        assert "holds 1 event (2 reports) from 2 documents" in ingested.stdout
        assert "postgresql://" in ingested.stdout
        listed = _run("events", "--format", "jsonl", env={"PLACARD_DB": url})
        assert listed.exit_code == 0, listed.output
        [event] = _jsonl(listed.output)
        assert event["doc_id"] == "a"
