"""Canonical events in the store: documents reporting one protest become one
event with every source; re-runs never split or duplicate; ingest order does
not matter. On SQLite and (with $PLACARD_TEST_POSTGRES_URL) PostgreSQL."""
from __future__ import annotations

import itertools
import json
import random

import pytest

from placard.records import Document, Result
from placard.store import EventQuery
from placard.store.testing import postgres_skip_reason, postgres_test_url, temporary_store
from tests.test_store import make_event, make_result


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    if request.param == "postgres" and not postgres_test_url():
        pytest.skip(postgres_skip_reason())
    return request.param


@pytest.fixture
def store(backend, tmp_path):
    with temporary_store(backend, tmp_path) as opened:
        yield opened


def report(doc_id: str, sentence: str, *, published="2024-06-04", outlet="news.example", **event) -> Result:
    """A one-sentence document reporting one event (an Almaty rally on June 3 unless told otherwise)."""
    event = {"date": "2024-06-03", "city": "Almaty", **event}
    return make_result(doc_id, sentence, [make_event(sentence, sentence, **event)], published=published,
                       url=f"https://www.{outlet}/{doc_id}")


THREE_OUTLETS = [
    report("en-1", "Hundreds rallied in Almaty on Monday.", outlet="steppe.example", size=(200, 999),
           claim="lower prices", issues=("prices-economy",)),
    report("ru-1", "В понедельник в Алматы прошел митинг.", outlet="novosti.example", responses=(("detained", 4),)),
    report("kk-1", "Алматыда дүйсенбі күні митинг өтті.", outlet="qazaq.example", published="2024-06-03",
           size=(1000, 1000), responses=(("detained", 7), ("dispersed", None))),
]


def test_store_dedup_three_documents_one_event_three_sources(store):
    for result in THREE_OUTLETS:
        assert store.ingest(result).status == "added"
    [event] = store.events()
    assert sorted(s.doc_id for s in event.sources) == ["en-1", "kk-1", "ru-1"]
    assert [s.outlet for s in event.sources][0] == "qazaq.example"  # earliest published first
    assert event.doc_id == "kk-1" and event.url == "https://www.qazaq.example/kk-1"
    assert {s.outlet for s in event.sources} == {"steppe.example", "novosti.example", "qazaq.example"}
    assert all(s.evidence and s.evidence_spans for s in event.sources)
    record = event.record
    assert (record["participants"]["size_min"], record["participants"]["size_max"]) == (200, 1000)
    assert record["responses"] == [{"type": "detained", "count": 7}, {"type": "dispersed", "count": None}]
    assert record["claims"] == [{"text": "lower prices", "issues": ["prices-economy"]}]
    assert record["evidence"] == ["Алматыда дүйсенбі күні митинг өтті."]
    stats = store.stats()
    assert (stats["events"], stats["mentions"], stats["documents"]) == (1, 3, 3)
    assert store.count_events(EventQuery(text="митинг понедельник")) == 1  # every source's words are searched
    assert store.count_events(EventQuery(response="dispersed")) == 1


def test_store_dedup_three_documents_through_the_real_pipeline(store):
    from placard.pipeline import Pipeline

    pipeline = Pipeline.default()
    texts = [
        ("en", "Hundreds of teachers rallied outside the akimat in Almaty on Saturday, demanding higher pay."),
        ("ru", "В субботу в Алматы сотни учителей вышли на митинг у акимата, требуя повысить зарплату."),
        ("kk", "Сенбі күні Алматыда жүздеген мұғалім әкімдік алдында митингке шығып, жалақыны көтеруді талап етті."),
    ]
    for n, (lang, text) in enumerate(texts):
        doc = Document(id=f"{lang}-{n}", text=text, lang=lang, published="2024-06-10",
                       url=f"https://outlet{n}.example/story")
        store.ingest(pipeline.run(doc))
    [event] = store.events()
    assert len(event.sources) == 3 and event.record["location"]["city"] == "Almaty"
    assert event.record["date"] == "2024-06-08"


def test_store_dedup_never_merges_two_events_of_one_document(store):
    text = "Residents rallied in Almaty. Later, more residents rallied in Almaty."
    first, second = "Residents rallied in Almaty.", "Later, more residents rallied in Almaty."
    store.ingest(make_result("one", text, [make_event(text, first, date="2024-06-03", city="Almaty"),
                                           make_event(text, second, date="2024-06-03", city="Almaty")]))
    assert store.count_events() == 2
    store.ingest(report("other", "Residents rallied in Almaty on Monday."))
    events = store.events()
    assert sorted(len(e.sources) for e in events) == [1, 2]
    assert all(len({s.doc_id for s in e.sources}) == len(e.sources) for e in events)


def test_store_dedup_keeps_apart_what_does_not_fit(store):
    store.ingest(report("rally", "Residents rallied in Almaty."))
    store.ingest(report("strike", "Workers struck in Almaty.", form="strike"))  # a strike is not the rally
    store.ingest(report("week", "Residents rallied in Almaty again.", date="2024-06-10", published="2024-06-11"))
    store.ingest(report("astana", "Residents rallied in Astana.", city="Astana"))
    store.ingest(report("undated", "Residents once rallied in Almaty.", date=None))
    assert store.count_events() == 5


def test_store_dedup_reingesting_an_unchanged_document_changes_nothing(store):
    for result in THREE_OUTLETS:
        store.ingest(result)
    before = store.events()
    for result in THREE_OUTLETS:
        assert store.ingest(result).status == "unchanged"
    assert store.events() == before


def test_store_dedup_changed_document_replaces_its_mentions(store):
    for result in THREE_OUTLETS:
        store.ingest(result)
    [event] = store.events()
    moved = report("ru-1", "В понедельник в Астане прошел митинг.", outlet="novosti.example", city="Astana")
    assert store.ingest(moved).status == "updated"
    kept = store.event(event.id)  # the event keeps its id and its other sources
    assert sorted(s.doc_id for s in kept.sources) == ["en-1", "kk-1"]
    assert kept.record["responses"] == [{"type": "detained", "count": 7}, {"type": "dispersed", "count": None}]
    [astana] = store.events(EventQuery(city="Astana"))
    assert astana.id != event.id and [s.doc_id for s in astana.sources] == ["ru-1"]
    # A document that now reports nothing: its event, left without sources, disappears.
    assert store.ingest(make_result("ru-1", "Nothing happened.", [])).status == "updated"
    assert store.events(EventQuery(city="Astana")) == [] and store.count_events() == 1
    store.ingest(Result(doc_id="en-1", error="page is gone"))
    assert [s.doc_id for s in store.event(event.id).sources] == ["kk-1"]


def test_store_dedup_filter_by_document(store):
    for result in THREE_OUTLETS:
        store.ingest(result)
    store.ingest(report("astana", "Residents rallied in Astana.", city="Astana"))
    assert [len(e.sources) for e in store.events(EventQuery(doc_id="ru-1"))] == [3]
    assert [e.record["location"]["city"] for e in store.events(EventQuery(doc_id="astana"))] == ["Astana"]
    assert store.count_events(EventQuery(doc_id="nobody")) == 0


# --- ingest order does not matter ------------------------------------------------

# A tangle: a month-only report that fits both June 3 and June 20 (but they are
# two events), an outlet dating by publication, a document with two events, a
# planned announcement, renamed spellings, a strike beside the rally.
TANGLE = [
    report("a", "Rally in Almaty on June 3.", size=(50, 50)),
    report("b", "Almaty rally reported today.", date="2024-06-04", published="2024-06-04", size=(200, 999)),
    report("c", "A rally in Almaty in June.", date="2024-06", published="2024-06-25"),
    report("d", "Rally in Almaty on June 20.", date="2024-06-20", published="2024-06-21"),
    make_result("e", "Two rallies in Almaty. One on June 3. One on June 20.", [
        make_event("Two rallies in Almaty. One on June 3. One on June 20.", "One on June 3.", date="2024-06-03",
                   city="Almaty", responses=(("detained", 2),)),
        make_event("Two rallies in Almaty. One on June 3. One on June 20.", "One on June 20.", date="2024-06-20",
                   city="Almaty"),
    ], published="2024-06-22"),
    report("f", "Activists will rally in Almaty on June 3.", status="planned", published="2024-06-01"),
    report("g", "Strike in Almaty on June 3.", form="strike"),
    report("h", "Nur-Sultan march on June 3.", city="Nur-Sultan", form="march"),
    report("i", "Astana rally on June 3.", city="Astana", claim="pensions", issues=("social-benefits",)),
]


def _picture(store) -> set:
    """The partition into events and each event's record, ids aside."""
    return {(frozenset(s.doc_id + f"#{s.evidence[0]}" for s in e.sources), json.dumps(e.record, sort_keys=True))
            for e in store.events()}


def test_store_dedup_ingest_order_does_not_matter(backend, tmp_path):
    orders = list(itertools.permutations(TANGLE))
    random.Random(4).shuffle(orders)
    pictures = []
    for n, order in enumerate(orders[: 12 if backend == "sqlite" else 4]):
        with temporary_store(backend, tmp_path / str(n)) as store:
            for result in order:
                store.ingest(result)
            pictures.append(_picture(store))
            if n == 0:
                assert store.recluster() == len(pictures[0])  # grouping from scratch agrees
                assert _picture(store) == pictures[0]
    assert all(p == pictures[0] for p in pictures)
    partition = sorted(sorted(doc.split("#")[0] for doc in sources) for sources, _ in pictures[0])
    # "c" (June, no day) fits both rallies; it joins the one it fits best (the
    # June 3 group holds a planned report too), never both.
    assert partition == [["a", "b", "e", "f"], ["c", "d", "e"], ["g"], ["h", "i"]]


def test_store_dedup_a_changed_document_gives_what_a_fresh_ingest_gives(backend, tmp_path):
    changed = report("c", "A rally in Almaty on June 20.", date="2024-06-20", published="2024-06-25")
    with temporary_store(backend, tmp_path / "updated") as store:
        for result in TANGLE:
            store.ingest(result)
        store.ingest(changed)
        updated = _picture(store)
    with temporary_store(backend, tmp_path / "fresh") as store:
        for result in [changed, *(r for r in TANGLE if r.doc_id != "c")]:
            store.ingest(result)
        assert _picture(store) == updated
