"""The pipeline: stage order as data, pickling, failing documents, unread languages."""
import pickle

import pytest

from placard.errors import PlacardError
from placard.pipeline import DEFAULT_STAGES, Pipeline, build_stage
from placard.records import Document

DOCS = [
    Document(id="en", lang="en", published="2019-06-05",
             text="About 200 people rallied in Almaty and Shymkent on June 3, demanding lower gas prices. "
                  "Police detained 12 people in Almaty."),
    Document(id="ru", lang="ru", published="2019-06-05",
             text="3 июня в Алматы около 50 человек вышли на митинг, требуя снизить цены на газ."),
    Document(id="kk", lang="kk", published="2019-06-05",
             text="Жаңаөзенде 3 маусымда мұнайшылар ереуілге шықты."),
]


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline.default()


def test_pipeline_default_stages_run_in_the_declared_order(pipeline):
    assert list(DEFAULT_STAGES) == ["clean", "language", "sentences", "dates", "places", "detect", "extract"]
    assert [stage.name for stage in pipeline.stages] == list(DEFAULT_STAGES)


def test_pipeline_default_builds_only_the_stages_named():
    partial = Pipeline.default(["clean", "language", "sentences"])
    assert [stage.name for stage in partial.stages] == ["clean", "language", "sentences"]
    article = partial.process(DOCS[0])
    assert article.lang == "en" and len(article.sentences) == 2
    assert article.triggers == () and article.events == ()


def test_pipeline_unknown_stage_name_is_a_placard_error():
    with pytest.raises(PlacardError, match="no-such-stage"):
        build_stage("no-such-stage")


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.id)
def test_pipeline_pickles_and_runs_twice_with_the_same_result(pipeline, doc):
    first = pipeline.run(doc).to_record()
    assert first["events"], "the document should give events"
    again = pipeline.run(doc).to_record()
    copy = pickle.loads(pickle.dumps(pipeline))
    from_copy = copy.run(doc).to_record()
    assert first == again == from_copy
    fresh_copy = pickle.loads(pickle.dumps(Pipeline.default()))  # pickled before any document was read
    assert fresh_copy.run(doc).to_record() == first


def test_pipeline_each_stage_pickles_on_its_own(pipeline):
    pipeline.run(DOCS[0])  # after use, with whatever the stages loaded lazily
    for stage in pipeline.stages:
        assert pickle.loads(pickle.dumps(stage)).name == stage.name


def test_pipeline_runs_do_not_leak_into_each_other(pipeline):
    alone = pipeline.run(DOCS[1]).to_record()
    for doc in DOCS:
        pipeline.run(doc)
    assert pipeline.run(DOCS[1]).to_record() == alone


@pytest.mark.parametrize("bad,reason", [
    (Document(id="bad"), "neither 'text' nor 'html'"),
    (Document(id="bad", text="   \n  "), "empty"),
    (Document(id="bad", html="<html><body></body></html>"), "no article text"),
])
def test_pipeline_unreadable_document_gives_an_error_and_the_run_goes_on(pipeline, bad, reason):
    results = list(pipeline.run_many([DOCS[0], bad, DOCS[2]]))
    assert [r.doc_id for r in results] == ["en", "bad", "kk"]
    failed = results[1]
    assert failed.article is None and reason in failed.error
    assert failed.to_record() == {"doc_id": "bad", "events": [], "error": failed.error}
    assert results[0].events and results[2].events
    assert "error" not in results[0].to_record() and "error" not in results[2].to_record()


@pytest.mark.parametrize("doc", [
    Document(id="zh", published="2019-06-05", text="抗议者于6月3日在北京集会，要求降低房价。"),
    Document(id="de", lang="de", published="2019-06-05",
             text="Tausende Menschen nahmen am 3. Juni in Berlin an einer Demonstration gegen steigende Mieten teil."),
], ids=lambda d: d.id)
def test_pipeline_unread_language_gives_no_event_and_says_why(pipeline, doc):
    record = pipeline.run(doc).to_record()
    assert record["events"] == [] and "error" not in record
    assert "language" in record["note"] and "not read" in record["note"]


def test_pipeline_document_without_protest_gets_a_note(pipeline):
    doc = Document(id="weather", lang="en", published="2019-06-05",
                   text="It rained heavily in Almaty on June 3, and the temperature fell to 12 degrees.")
    record = pipeline.run(doc).to_record()
    assert record == {"doc_id": "weather", "events": [], "note": record["note"]}
    assert record["note"].startswith("no protest event")
