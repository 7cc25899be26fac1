"""The dates stage: date expressions in en/ru/kk, resolved against a pinned publication date."""
from __future__ import annotations

import json
import pickle
import re
import time
from pathlib import Path

import pytest

from placard import dates
from placard.dates import DateStage, find_dates, parse_published
from placard.records import Article, Document, ResolvedDate

SHARED = Path(__file__).resolve().parents[2] / "shared"

# 2019-06-05 is a Wednesday; 2022-03-02 is a Wednesday.
EN = "2019-06-05"
KK = "2022-03-02"


def found(lang, text, published):
    ref = parse_published(published)
    return [(m.date.value if m.date else None, m.date.precision if m.date else None, m.kind)
            for m in find_dates(text, lang, ref)]


ENGLISH = [
    ("Dozens of women rallied on June 3 outside the akimat.", EN, [("2019-06-03", "day", "explicit")]),
    ("The hearing was held on June 3, 2019, in Oral.", EN, [("2019-06-03", "day", "explicit")]),
    ("Activists met on 3 June 2019 in Almaty.", EN, [("2019-06-03", "day", "explicit")]),
    ("The court ruled on Jan. 27 against the miners.", EN, [("2019-01-27", "day", "explicit")]),
    ("Workers downed tools on Sept 4 at the plant.", "2019-09-10", [("2019-09-04", "day", "explicit")]),
    ("They picketed on the 5th of May.", EN, [("2019-05-05", "day", "explicit")]),
    ("Police fired on strikers in December 2011.", EN, [("2011-12", "month", "explicit")]),
    ("The square was closed in January.", EN, [("2019-01", "month", "explicit")]),
    ("The camp was cleared in December.", "2019-01-07", [("2018-12", "month", "explicit")]),
    ("A similar protest took place in 2018.", EN, [("2018", "year", "explicit")]),
    ("Farmers blocked the road on Monday.", EN, [("2019-06-03", "day", "weekday")]),
    ("Saturday saw the largest crowd.", EN, [("2019-06-01", "day", "weekday")]),
    ("Riot police moved in late Thursday.", EN, [("2019-05-30", "day", "weekday")]),
    ("Mothers gathered on Wednesday.", EN, [("2019-06-05", "day", "weekday")]),
    ("They plan a march next Monday.", EN, [("2019-06-10", "day", "weekday")]),
    ("The strike began last Wednesday.", EN, [("2019-05-29", "day", "weekday")]),
    ("Hundreds marched today in the capital.", EN, [("2019-06-05", "day", "published")]),
    ("A vigil is planned for tonight.", EN, [("2019-06-05", "day", "published")]),
    ("Residents blocked the highway this morning.", EN, [("2019-06-05", "day", "published")]),
    ("Two activists were detained yesterday.", EN, [("2019-06-04", "day", "relative")]),
    ("Students walked out last week.", EN, [("2019-05", "month", "relative")]),
    ("Teachers struck last month over pay.", EN, [("2019-05", "month", "relative")]),
    ("Drivers protested earlier this month.", EN, [("2019-06", "month", "relative")]),
    ("The hunger strike started two days ago.", EN, [("2019-06-03", "day", "relative")]),
    ("The order is dated 03.06.2021.", EN, [("2021-06-03", "day", "explicit")]),
    ("Filed on 2021-06-03 by the lawyers.", EN, [("2021-06-03", "day", "explicit")]),
    ("Pickets ran from 23 November to 11 December.", "2019-12-20",
     [("2019-11-23", "day", "explicit"), ("2019-12-11", "day", "explicit")]),
    ("Pickets ran from 23 November to 11 December 2018.", EN,
     [("2018-11-23", "day", "explicit"), ("2018-12-11", "day", "explicit")]),
    ("She has refused food since April 23.", EN, [("2019-04-23", "day", "explicit")]),
    ("The sit-in lasted 5-7 June.", EN,
     [("2019-06-05", "day", "explicit"), ("2019-06-07", "day", "explicit")]),
    ("On Tuesday, January 8, they marched again.", "2019-01-07", [("2019-01-08", "day", "explicit")]),
    ("The rally of June 3, 2015 was the first.", EN, [("2015-06-03", "day", "explicit")]),
    ("They vowed to return on January 17.", "2019-01-07", [("2019-01-17", "day", "explicit")]),
    ("The first picket was on December 28.", "2019-01-05", [("2018-12-28", "day", "explicit")]),
    ("A march is called for January 5.", "2019-12-20", [("2020-01-05", "day", "explicit")]),
    ("They rallied in January last year.", EN, [("2018-01", "month", "explicit")]),
    ("The rally continued over the weekend.", EN, [("2019-06-01", "day", "weekday")]),
    ("Protests resumed last March.", "2019-09-04", [("2019-03", "month", "explicit")]),
    ("A congress is due next January.", EN, [("2020-01", "month", "explicit")]),
    ("A vote is expected in July.", EN, [("2019-07", "month", "explicit")]),
    ("The strike resumes next Wednesday.", EN, [("2019-06-12", "day", "weekday")]),
    ("They will rally this Saturday.", EN, [("2019-06-08", "day", "weekday")]),
    ("Police dispersed them on 29 February.", "2021-03-01", [("2020-02-29", "day", "explicit")]),
    ("Nothing happened on 31 June.", EN, []),
]

ENGLISH_NOTHING = [
    "The meeting ran 11:00-13:00 and ended at 6 p.m. sharp.",
    "Bread costs 120 tenge, 50 percent more than before.",
    "They may gather again if the mayor refuses.",
    "1510 views",
    "Some 2000 people came to the square.",
    "Organisers said 10 of the 2019 candidates were barred.",
    "He was jailed for 15 days after the picket.",
    "Several flats on the 3 floor burned.",
]

RUSSIAN = [
    ("Митинг прошел 21 мая у здания акимата.", EN, [("2019-05-21", "day", "explicit")]),
    ("Суд состоялся 21 мая 2019 года.", EN, [("2019-05-21", "day", "explicit")]),
    ("Жители вышли на улицу в понедельник.", EN, [("2019-06-03", "day", "weekday")]),
    ("В субботу прошла акция.", EN, [("2019-06-01", "day", "weekday")]),
    ("Вчера рабочие объявили забастовку.", EN, [("2019-06-04", "day", "relative")]),
    ("Сегодня у акимата собрались матери.", EN, [("2019-06-05", "day", "published")]),
    ("Пикет прошел в прошлом месяце.", EN, [("2019-05", "month", "relative")]),
    ("Забастовка началась на прошлой неделе.", EN, [("2019-05", "month", "relative")]),
    ("Цены выросли в январе.", EN, [("2019-01", "month", "explicit")]),
    ("Протесты вспыхнули в январе 2022 года.", EN, [("2022-01", "month", "explicit")]),
    ("Акция прошла 2 января.", EN, [("2019-01-02", "day", "explicit")]),
    ("Голодовка длилась с 5 по 7 января.", EN,
     [("2019-01-05", "day", "explicit"), ("2019-01-07", "day", "explicit")]),
    ("Активистов задержали на следующий день.", EN, [("2019-06-06", "day", "anaphoric")]),
    ("В тот же день их отпустили.", EN, [("2019-06-05", "day", "anaphoric")]),
    ("Накануне полиция оцепила площадь.", EN, [("2019-06-04", "day", "anaphoric")]),
    ("Закон приняли в 2018 году.", EN, [("2018", "year", "explicit")]),
    ("Постановление от 03.06.2021 отменено.", EN, [("2021-06-03", "day", "explicit")]),
    ("Во вторник, 4 июня, прошел митинг.", EN, [("2019-06-04", "day", "explicit")]),
    ("Сегодня, 4 июня, жители вышли к акимату.", EN, [("2019-06-04", "day", "explicit")]),
    ("Пикет прошел в конце мая.", EN, [("2019-05", "month", "explicit")]),
    ("Забастовка началась три дня назад.", EN, [("2019-06-02", "day", "relative")]),
]

RUSSIAN_NOTHING = [
    "Штраф составил 120 тысяч тенге, в акции участвовали 50 человек.",
    "Задержан участник 2002 года рождения.",
    "Встреча прошла с 11:00 до 13:00.",
    "Он получил 15 суток ареста.",
]

KAZAKH = [
    ("Аналар 28 ақпан күні әкімдікке барды.", KK, [("2022-02-28", "day", "explicit")]),
    ("Тұрғындар 1 наурызда жиналды.", KK, [("2022-03-01", "day", "explicit")]),
    ("Белсенді 7 қаңтарда ұсталды.", KK, [("2022-01-07", "day", "explicit")]),
    ("Жұмысшылар 21 шілдеде ереуілге шықты.", KK, [("2021-07-21", "day", "explicit")]),
    ("2022 жылғы 5 қаңтарда наразылық басталды.", KK, [("2022-01-05", "day", "explicit")]),
    ("Митинг 5 қаңтар өтті.", KK, [("2022-01-05", "day", "explicit")]),
    ("Өткен аптада жұмысшылар ереуіл жариялады.", KK, [("2022-02", "month", "relative")]),
    ("Кеше аналар әкімдікке барды.", KK, [("2022-03-01", "day", "relative")]),
    ("Бүгін алаңда жүзге жуық адам жиналды.", KK, [("2022-03-02", "day", "published")]),
    ("Белсенділер дүйсенбі күні пикетке шықты.", KK, [("2022-02-28", "day", "weekday")]),
    ("Сенбіде митинг өтті.", KK, [("2022-02-26", "day", "weekday")]),
    ("Наразылық қаңтарда басталды.", KK, [("2022-01", "month", "explicit")]),
    ("Наразылық қазан айында басталды.", KK, [("2021-10", "month", "explicit")]),
    ("Шеру 5 қазанда өтті.", KK, [("2021-10-05", "day", "explicit")]),
    ("Келесі күні полиция оларды ұстады.", KK, [("2022-03-03", "day", "anaphoric")]),
    ("Бір күн бұрын әкім жиналысқа келмеді.", KK, [("2022-03-01", "day", "anaphoric")]),
    ("Сол күні он адам ұсталды.", KK, [("2022-03-02", "day", "anaphoric")]),
    ("Желтоқсанның 16-сында оқиға болды.", "2012-01-16", [("2011-12-16", "day", "explicit")]),
    ("Наразылар 2018 жылы жиналған.", KK, [("2018", "year", "explicit")]),
    # Latin script
    ("Bügin, 1 säuirde analar jinaldy.", "2021-04-01", [("2021-04-01", "day", "explicit")]),
    ("Belsendi 7 qañtarda ustaldy.", KK, [("2022-01-07", "day", "explicit")]),
    ("Olar aqpannıñ soñında jinaldy.", KK, [("2022-02", "month", "explicit")]),
    ("Bügin alañda adamdar jinaldy.", KK, [("2022-03-02", "day", "published")]),
    ("Jūmysşylar 4 qazan küni ereuilge şyqty.", KK, [("2021-10-04", "day", "explicit")]),
]

KAZAKH_NOTHING = [
    "Қазанда митинг өтті.",  # the city of Kazan, not October
    "Үлкен қазан толы ас.",
    "Айыппұл 120 мың теңге болды, 50 адам қатысты.",
]


@pytest.mark.parametrize("text, published, expected", ENGLISH)
def test_dates_english_expressions(text, published, expected):
    assert found("en", text, published) == expected


@pytest.mark.parametrize("text, published, expected", RUSSIAN)
def test_dates_russian_expressions(text, published, expected):
    assert found("ru", text, published) == expected


@pytest.mark.parametrize("text, published, expected", KAZAKH)
def test_dates_kazakh_expressions(text, published, expected):
    assert found("kk", text, published) == expected


@pytest.mark.parametrize("lang, text", [("en", t) for t in ENGLISH_NOTHING]
                         + [("ru", t) for t in RUSSIAN_NOTHING] + [("kk", t) for t in KAZAKH_NOTHING])
def test_dates_ignores_times_money_counts_and_words(lang, text):
    assert found(lang, text, EN) == []


@pytest.mark.parametrize("lang, text, expected", [
    ("en", "On June 3, dozens of women rallied.", [("XXXX-06-03", "day", "explicit")]),
    ("ru", "Акция прошла 9 декабря.", [("XXXX-12-09", "day", "explicit")]),
    ("kk", "Jeltoqsannıñ 20-ı küni olar jinaldy.", [("XXXX-12-20", "day", "explicit")]),
    ("en", "Another rally was held in May 2019.", [("2019-05", "month", "explicit")]),
    ("en", "They rallied on Monday and again yesterday.", []),
    ("en", "They returned the next day.", [(None, None, "anaphoric")]),
])
def test_dates_without_publication_date(lang, text, expected):
    assert found(lang, text, None) == expected


@pytest.mark.parametrize("text, expected", [
    ("The strike began on September 3.", [("2019-09-03", "day", "explicit")]),
    ("Workers rallied on Monday.", [("2019-09", "month", "weekday")]),
    ("Police detained them yesterday.", [("2019-09", "month", "relative")]),
    ("The same protest was held last month.", [("2019-08", "month", "relative")]),
    ("A rally followed in December.", [("2018-12", "month", "explicit")]),
])
def test_dates_with_publication_month_only(text, expected):
    assert found("en", text, "2019-09") == expected


def test_dates_anaphoric_offsets():
    text = ("They rallied on June 3. The next day police came. A day earlier the mayor left. "
            "The same day it rained.")
    mentions = find_dates(text, "en", parse_published(EN))
    assert [(m.kind, m.offset_days) for m in mentions] == [
        ("explicit", None), ("anaphoric", 1), ("anaphoric", -1), ("anaphoric", 0)]
    assert [text[m.start:m.end] for m in mentions][1:] == ["The next day", "A day earlier", "The same day"]


@pytest.mark.parametrize("lang, text, offset", [
    ("en", "the following day", 1), ("en", "the day before", -1), ("en", "two days later", 2),
    ("ru", "на следующий день", 1), ("ru", "в тот же день", 0), ("ru", "накануне", -1),
    ("kk", "келесі күні", 1), ("kk", "бір күн бұрын", -1), ("kk", "ертесі күні", 1),
])
def test_dates_anaphoric_expressions(lang, text, offset):
    (mention,) = find_dates(f"Then {text} came.", lang, None)
    assert (mention.kind, mention.offset_days, mention.date) == ("anaphoric", offset, None)


def test_dates_offsets_point_into_the_text_and_respect_the_window():
    text = "Intro. On June 3 they met. On June 4 they marched. On June 5 they left."
    start = text.index("On June 4")
    end = text.index("On June 5")
    mentions = find_dates(text, "en", parse_published(EN), start=start, end=end)
    assert [text[m.start:m.end] for m in mentions] == ["June 4"]
    assert mentions[0].date == ResolvedDate("2019-06-04", "day")


def test_dates_unknown_language_reads_all_three():
    text = "Митинг прошел 21 мая. Kazakhs rallied on May 22. Наразылар 23 мамырда жиналды."
    values = [m.date.value for m in find_dates(text, None, parse_published(EN))]
    assert values == ["2019-05-21", "2019-05-22", "2019-05-23"]
    assert [m.date.value for m in find_dates(text, "other", parse_published(EN))] == values


def test_dates_keep_offsets_when_folding_changes_letters():
    text = "İstanbul: Ötken aptada. Bügin, 1 säuirde olar jinaldy."
    for mention in find_dates(text, "kk", parse_published("2021-04-01")):
        assert text[mention.start:mention.end].strip() == text[mention.start:mention.end]
    assert dates.fold(text) and len(dates.fold(text)) == len(text)


@pytest.mark.parametrize("value, expected", [
    ("2019-06-05", ResolvedDate("2019-06-05", "day")),
    ("2019-09", ResolvedDate("2019-09", "month")),
    ("2019", ResolvedDate("2019", "year")),
    (" 2019-06-05 ", ResolvedDate("2019-06-05", "day")),
    (None, None), ("", None), ("yesterday", None), ("2019-13", None), ("2019-02-30", None),
    ("05.06.2019", None), ("XXXX-06-05", None), (20190605, None),
])
def test_dates_parse_published(value, expected):
    assert parse_published(value) == expected


def test_dates_stage_sets_published_and_dates_and_pickles():
    stage = DateStage()
    assert stage.name == "dates"
    doc = Document(id="d1", published="2019-06-05")
    article = Article(doc=doc, text="Dozens rallied on Monday.", lang="en")
    result = pickle.loads(pickle.dumps(stage))(article)
    assert result.published == ResolvedDate("2019-06-05", "day")
    assert [(m.date.value, m.kind) for m in result.dates] == [("2019-06-03", "weekday")]
    # a publication date set by an earlier stage wins over the document's
    earlier = article.evolve(published=ResolvedDate("2019-06-12", "day"))
    assert [m.date.value for m in stage(earlier).dates] == ["2019-06-10"]


# ---------------------------------------------------------------- integrity
@pytest.mark.parametrize("lang", dates.LANGUAGES)
def test_dates_lexicon_has_twelve_months_seven_weekdays_and_compiling_rules(lang):
    data = dates.load_lexicon(lang)
    assert data["lang"] == lang
    assert len(data["months"]) == 12
    assert len(data["weekdays"]) == 7
    for entry in data["months"] + data["weekdays"]:
        assert any(isinstance(forms, list) and forms for forms in entry.values())
    for rule in data["rules"]:
        assert rule["type"] in dates.RULE_TYPES
        body = dates.compile_rule(rule["pattern"], data)
        leftover = re.search(r"(?<!P)<(?:day|year|month|weekday|number|dir|yrel|word)\b", body)
        assert not leftover, rule["pattern"]
        re.compile(body)
        if rule["type"] in ("relative", "anaphoric"):
            assert rule.get("unit", "day") in ("day", "month", "year")
    assert dates.grammar_for(lang).regex.pattern


def test_dates_kazakh_latin_spellings_are_read_by_the_widened_cyrillic():
    data = dates.load_lexicon("kk")
    cyrillic = set("абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя")
    assert cyrillic <= set(data["latin"])
    for entry in data["months"] + data["weekdays"]:
        widened = re.compile("|".join(dates.widen(re.escape(s), data["latin"]) for s in entry["stems"]))
        for latin in entry["latin"]:
            assert widened.fullmatch(dates.fold(latin)), latin


def test_dates_october_needs_a_day_or_month_word_in_kazakh():
    data = dates.load_lexicon("kk")
    assert [m["bare"] for m in data["months"]].count(False) == 1
    assert data["months"][9]["stems"] == ["қазан"] and data["months"][9]["bare"] is False


def test_dates_are_fast():
    sentence = ("On June 3, some forty nurses picketed outside the clinic in Almaty, and on Monday "
                "police detained 12 of them; 1510 views; the next day 120 tenge fines were paid. ")
    text = (sentence * 10)[:1300]
    published = parse_published(EN)
    find_dates(text, "en", published)
    runs = 200
    started = time.perf_counter()
    for _ in range(runs):
        find_dates(text, "en", published)
    assert (time.perf_counter() - started) / runs < 0.002  # the target is well under 0.5 ms


# ---------------------------------------------------------------- dev data
@pytest.mark.skipif(not (SHARED / "eval" / "dev" / "gold.jsonl").exists(), reason="shared dev set absent")
def test_dates_find_most_gold_event_dates_on_dev():
    docs = [json.loads(line) for line in (SHARED / "eval" / "dev" / "docs.jsonl").open(encoding="utf-8")]
    gold = {}
    for line in (SHARED / "eval" / "dev" / "gold.jsonl").open(encoding="utf-8"):
        record = json.loads(line)
        gold[record["doc_id"]] = record["events"]
    total = hits = 0
    for doc in docs:
        if not doc.get("text"):
            continue
        mentions = find_dates(doc["text"], doc.get("lang"), parse_published(doc.get("published")))
        values = {m.date.value for m in mentions if m.date}
        for event in gold.get(doc["id"], []):
            if event["date"]:
                total += 1
                hits += event["date"] in values
    assert total and hits / total >= 0.75
