"""The bundled example articles (``placard/examples``) through the real pipeline.

These pin what a user sees when following ``placard/examples/README.md``: the
events each example gives (city, date, form), the crowd sizes and police
responses the codebook asks for, and that page furniture never becomes
evidence. What the extractor still gets wrong on them is listed under "Known
mistakes" in that README and left out here.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import placard
from placard.cli import main
from placard.pipeline import Pipeline
from placard.reading import iter_documents
from placard.records import Document
from placard.scoring import default_city_key

EXAMPLES = Path(placard.__file__).parent / "examples"
README_PUBLISHED = "2024-05-02"  # the --published the examples README uses
city_key = default_city_key()


def _extract(*options: str) -> dict[str, dict]:
    result = CliRunner().invoke(main, ["extract", str(EXAMPLES), *options])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    return {r["doc_id"]: r for r in records}


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    """``placard extract placard/examples --published 2024-05-02``, by doc_id."""
    return _extract("--published", README_PUBLISHED)


@pytest.fixture(scope="module")
def undated_records() -> dict[str, dict]:
    """The same without ``--published``: .txt/.html files carry only what they say."""
    return _extract()


@pytest.fixture(scope="module")
def articles() -> dict:
    pipeline = Pipeline.default()
    return {doc.id: (doc, pipeline.process(doc)) for doc in iter_documents([str(EXAMPLES)], published=README_PUBLISHED)}


def _events_at(record: dict, city: str) -> list[dict]:
    return [e for e in record["events"] if city_key(e["location"]["city"] or "") == city_key(city)]


def _one_event(records: dict, doc_id: str, city: str) -> dict:
    found = _events_at(records[doc_id], city)
    assert len(found) == 1, f"{doc_id}: {len(found)} events in {city}: {records[doc_id]['events']}"
    return found[0]


# --- which events each example gives ------------------------------------------

# (doc_id, [(city, date, form), ...]): every event the document should give, no more.
# en-football-draw is missing on purpose: see "Known mistakes" in the examples README.
EXPECTED_EVENTS = [
    ("en-almaty-mothers", [("Almaty", "2024-04-16", "rally"), ("Shymkent", "2024-03-12", "rally")]),
    ("en-teachers-strike", [("Pavlodar", "2024-03-04", "strike"), ("Karaganda", "2024-03-04", "strike"),
                            ("Kostanay", "2024-03-04", "strike")]),
    ("en-nairobi-bread-tax", [("Nairobi", "2024-06-20", "march")]),
    ("en-election-result", []),
    ("ru-uralsk-picket", [("Oral", "2024-02-13", "picket")]),
    ("ru-zhanaozen-strike", [("Zhanaozen", "2024-04-08", "strike")]),
    ("kk-shymkent-bazaar", [("Shymkent", "2024-03-19", "rally")]),
    ("kk-zhezkazgan-strike", [("Zhezkazgan", "2024-04-02", "strike")]),
    ("lyon-may-day.html", [("Lyon", "2024-05-01", "march")]),
    ("almaty-rally-call.txt", [("Almaty", "2024-05-12", "rally")]),
]


def test_examples_every_document_gets_a_line(records):
    jsonl_ids = [json.loads(line)["id"] for line in (EXAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    assert set(records) == set(jsonl_ids) | {"lyon-may-day.html", "almaty-rally-call.txt"}
    assert not [r for r in records.values() if "error" in r]


@pytest.mark.parametrize("doc_id, expected", EXPECTED_EVENTS)
def test_examples_give_one_event_per_city_and_day(records, doc_id, expected):
    got = sorted((city_key(e["location"]["city"] or ""), e["date"], e["form"]) for e in records[doc_id]["events"])
    assert got == sorted((city_key(city), date, form) for city, date, form in expected)


def test_examples_multi_city_strike_shares_its_day_and_splits_evidence(records):
    events = records["en-teachers-strike"]["events"]
    assert len({e["date"] for e in events}) == 1
    # each city's event carries the sentence about that city alone, not its neighbours'
    for city, other in (("Pavlodar", "Kostanay"), ("Kostanay", "Pavlodar"), ("Karaganda", "Pavlodar")):
        own = [s for s in _one_event(records, "en-teachers-strike", city)["evidence"] if city in s]
        assert any(other not in s for s in own), (city, own)


@pytest.mark.parametrize("doc_id", [d for d, events in EXPECTED_EVENTS if events and not d.endswith(".txt")])
def test_examples_reported_events_have_occurred(records, doc_id):
    assert {e["status"] for e in records[doc_id]["events"]} == {"occurred"}


def test_examples_no_event_page_says_why(records):
    record = records["en-election-result"]
    assert record["events"] == []
    assert "error" not in record
    assert record["note"].strip()


# --- the fields the codebook asks for -----------------------------------------

# (doc_id, city, country, size_min, size_max)
EXPECTED_SIZES = [
    ("en-almaty-mothers", "Almaty", "KZ", 24, 99),  # "dozens"
    ("en-almaty-mothers", "Shymkent", "KZ", 40, 40),  # "about 40"
    ("en-teachers-strike", "Pavlodar", "KZ", 300, 300),
    ("en-teachers-strike", "Kostanay", "KZ", 200, 999),  # "several hundred"
    ("en-nairobi-bread-tax", "Nairobi", "KE", 200, 999),  # "hundreds"
    ("ru-uralsk-picket", "Oral", "KZ", 10, 15),  # "около десятка"
    ("ru-zhanaozen-strike", "Zhanaozen", "KZ", 200, 200),  # "около 200"
    ("kk-zhezkazgan-strike", "Zhezkazgan", "KZ", 101, None),  # "жүзден астам"
    ("lyon-may-day.html", "Lyon", "FR", 2000, 9999),  # "thousands"
]


@pytest.mark.parametrize("doc_id, city, country, size_min, size_max", EXPECTED_SIZES)
def test_examples_crowd_size_and_country(records, doc_id, city, country, size_min, size_max):
    event = _one_event(records, doc_id, city)
    assert event["location"]["country"] == country
    assert (event["participants"]["size_min"], event["participants"]["size_max"]) == (size_min, size_max)


# (doc_id, city, responses that must be there as {type: count}; None: any count)
EXPECTED_RESPONSES = [
    ("en-nairobi-bread-tax", "Nairobi", {"detained": 12, "force": None}),
    ("ru-uralsk-picket", "Oral", {"detained": 5}),
    ("kk-shymkent-bazaar", "Shymkent", {"detained": 3, "dispersed": None}),
]


@pytest.mark.parametrize("doc_id, city, expected", EXPECTED_RESPONSES)
def test_examples_police_responses(records, doc_id, city, expected):
    got = {r["type"]: r["count"] for r in _one_event(records, doc_id, city)["responses"]}
    for kind, count in expected.items():
        assert kind in got, (kind, got)
        if count is not None:
            assert got[kind] == count


# (doc_id, city, groups that must be there, issues that must be there)
EXPECTED_WHO_AND_WHY = [
    ("en-almaty-mothers", "Almaty", {"mothers"}, {"social-benefits", "housing"}),
    ("en-nairobi-bread-tax", "Nairobi", {"youth"}, {"prices-economy"}),
    ("lyon-may-day.html", "Lyon", set(), {"social-benefits"}),
    ("kk-zhezkazgan-strike", "Zhezkazgan", {"workers"}, set()),
]


@pytest.mark.parametrize("doc_id, city, groups, issues", EXPECTED_WHO_AND_WHY)
def test_examples_participants_and_issues(records, doc_id, city, groups, issues):
    event = _one_event(records, doc_id, city)
    assert groups <= set(event["participants"]["groups"])
    assert issues <= {i for claim in event["claims"] for i in claim["issues"]}


# --- dates of files that carry none -------------------------------------------

def test_examples_html_is_dated_by_its_metadata(undated_records):
    event = _one_event(undated_records, "lyon-may-day.html", "Lyon")
    assert event["date"] == "2024-05-01"  # "on Wednesday", counted from article:published_time


def test_examples_txt_without_published_has_no_year(undated_records):
    dates = {e["date"] for e in undated_records["almaty-rally-call.txt"]["events"]}
    assert dates == {"XXXX-05-12"}


# --- cleaning and evidence ----------------------------------------------------

# Page furniture in the examples; none of it is news.
BOILERPLATE = [
    "Accessibility links", "Skip to content", "Breaking News", "(file photo)", "Read also",
    "Kenyan shilling falls", "Главная | Новости", "Читайте также", "Цены на бензин",
    "Rhône Valley Herald", "Most read", "Cookie settings", "All rights reserved", "Guillotière bridge",
]


@pytest.mark.parametrize("phrase", BOILERPLATE)
def test_examples_boilerplate_is_cleaned_away(articles, phrase):
    assert not [doc_id for doc_id, (_, article) in articles.items() if phrase in article.text]


def test_examples_evidence_is_verbatim_in_cleaned_text_and_source(articles):
    for doc_id, (doc, article) in articles.items():
        source = doc.text if doc.text is not None else doc.html
        for event in article.events:
            record = event.to_record(article.text)
            spans = record["evidence_spans"]
            assert spans == sorted(spans), doc_id
            for (start, end), sentence in zip(spans, record["evidence"], strict=True):
                assert sentence == article.text[start:end] and sentence.strip() == sentence, (doc_id, sentence)
                assert sentence in source, (doc_id, sentence)


def test_examples_evidence_has_no_boilerplate(records):
    for doc_id, record in records.items():
        for event in record["events"]:
            for sentence in event["evidence"]:
                assert not [p for p in BOILERPLATE if p in sentence], (doc_id, sentence)


def test_examples_languages_are_detected(articles):
    """With the declared language taken away, each text is still read as it was declared."""
    declared = {doc_id: doc.lang for doc_id, (doc, _) in articles.items()}
    declared["lyon-may-day.html"], declared["almaty-rally-call.txt"] = "en", "kk"
    pipeline = Pipeline.default()
    for doc_id, (doc, _) in articles.items():
        undeclared = Document(id=doc.id, text=doc.text, html=doc.html, published=doc.published)
        assert pipeline.process(undeclared).lang == declared[doc_id], doc_id


# --- the examples folder itself -----------------------------------------------

def test_examples_news_jsonl_is_codebook_form():
    lines = (EXAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    assert len({d["id"] for d in docs}) == len(docs)
    for doc in docs:
        assert set(doc) == {"id", "url", "lang", "published", "text"}, doc["id"]
        assert doc["lang"] in ("en", "ru", "kk") and doc["id"].startswith(doc["lang"] + "-")
        assert re.fullmatch(r"https://news\.example\.org/\S+", doc["url"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc["published"])


def test_examples_readme_lists_every_file_and_document():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    files = [p.name for p in EXAMPLES.iterdir() if p.is_file() and p.name != "README.md"]
    ids = [json.loads(line)["id"] for line in (EXAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not [name for name in files + ids if f"`{name}`" not in readme]


def test_examples_ingest_and_events_match_extract(tmp_path, records):
    db = tmp_path / "examples.db"
    runner = CliRunner()
    ingested = runner.invoke(main, ["ingest", str(EXAMPLES), "--db", str(db), "--published", README_PUBLISHED])
    assert ingested.exit_code == 0, ingested.output
    listed = runner.invoke(main, ["events", "--db", str(db), "--format", "jsonl"])
    assert listed.exit_code == 0, listed.output
    stored = sorted((e["doc_id"], e["date"], e["form"]) for e in map(json.loads, listed.stdout.splitlines()))
    extracted = sorted((doc_id, e["date"], e["form"]) for doc_id, r in records.items() for e in r["events"])
    assert stored == extracted

    strikes = runner.invoke(main, ["events", "--db", str(db), "--country", "KZ", "--form", "strike", "--format", "jsonl"])
    assert {city_key(json.loads(line)["location"]["city"]) for line in strikes.stdout.splitlines()} == {
        city_key(c) for c in ("Pavlodar", "Karaganda", "Kostanay", "Zhanaozen", "Zhezkazgan")}
