"""The ``clean`` stage: page furniture goes, article lines stay verbatim.

Every page and sentence here was written for these tests.
"""
from __future__ import annotations

import json
import pickle
import re
import statistics
import time
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from placard.boilerplate import load_boilerplate
from placard.clean import CleanStage, CleanedText, clean_html, clean_text, parse_published_date
from placard.errors import InputError
from placard.records import Article, Document, ResolvedDate

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"

# --- composed pages, one per language ------------------------------------------------------

EN_PAGE = """Accessibility links
Skip to main content
Breaking News
Home  >
  News  >
  Asia
Teachers Rally In Karaganda Over Unpaid Wages
By
Daniyar Omarov
14 March 2021, 10:42
1 240 views
Teachers gather outside the city hall in Karaganda (file photo)

KARAGANDA -- More than a hundred teachers rallied outside the city hall in Karaganda on March 13, demanding wages that have not been paid since January.

The protesters held placards reading "Pay us what we earned!" and asked to meet the mayor.

A deputy mayor came out after two hours and promised that the debt would be settled by the end of the month.
Share
Print
This website uses cookies to improve your experience. By continuing you agree to our cookie policy.

  • 16x9 Image

    Steppe Radio's Karaganda Service

    Steppe Radio's Karaganda Service offers independent reporting in Kazakh and Russian about the issues that matter to audiences in central Kazakhstan.
Read also
Storm warning issued for the north
New stadium opens in Astana
Flights resume after fog
"""
EN_EXPECTED = [
    "Teachers Rally In Karaganda Over Unpaid Wages",
    "KARAGANDA -- More than a hundred teachers rallied outside the city hall in Karaganda on March 13, "
    "demanding wages that have not been paid since January.",
    'The protesters held placards reading "Pay us what we earned!" and asked to meet the mayor.',
    "A deputy mayor came out after two hours and promised that the debt would be settled by the end of the month.",
]

RU_PAGE = """Ссылки доступа
Перейти к основному содержанию
Срочные новости:
Главная / Новости / Общество
Этот материал выпустило СМИ, которое власти внесли в реестр как иностранного агента.
Пенсионеры вышли на пикет у здания акимата
12 апреля 2022, 09:15
Поделиться
Фото: пресс-служба акимата
В понедельник около тридцати пенсионеров вышли на пикет у здания акимата Павлодара. Они требовали пересчитать пенсии.
Участники акции держали плакаты с надписями «Нам не на что жить».
Аким города встретился с пенсионерами и пообещал создать рабочую группу.
Сайт степные-вести.kz — независимое информационное издание, которое рассказывает читателям новости Павлодара.
Читайте также
В Павлодаре открыли новую школу
Синоптики обещают снег на выходных
Подпишитесь на наш Telegram-канал, чтобы не пропустить главное.
"""
RU_EXPECTED = [
    "Пенсионеры вышли на пикет у здания акимата",
    "В понедельник около тридцати пенсионеров вышли на пикет у здания акимата Павлодара. Они требовали пересчитать пенсии.",
    "Участники акции держали плакаты с надписями «Нам не на что жить».",
    "Аким города встретился с пенсионерами и пообещал создать рабочую группу.",
]

KK_PAGE = """Ссылки доступа
Бөлісу
Басты бет » Жаңалықтар » Қоғам
Оралда көп балалы аналар әкімдік алдына жиналды
15.06.2021 | 14:30
2310 рет қаралған
Сурет: Азаттық тілшісі
Сәрсенбі күні Орал қаласында жиырмаға жуық көп балалы ана облыс әкімдігінің алдына жиналды. Олар баспана кезегін жылдамдатуды талап етті.
Аналар әкім орынбасарымен кездесті.
Әкімдік өкілдері өтініштерді қарауға уәде берді.
Азаттық радиосы – Қазақстандағы оқиғалар туралы тәуелсіз ақпарат ұсынады.
Оқи отырыңыз
Ақтөбеде жаңа саябақ ашылды
Астанада жол жөндеу басталды
Пікір қосу
"""
KK_EXPECTED = [
    "Оралда көп балалы аналар әкімдік алдына жиналды",
    "Сәрсенбі күні Орал қаласында жиырмаға жуық көп балалы ана облыс әкімдігінің алдына жиналды. "
    "Олар баспана кезегін жылдамдатуды талап етті.",
    "Аналар әкім орынбасарымен кездесті.",
    "Әкімдік өкілдері өтініштерді қарауға уәде берді.",
]

PAGES = [("en", EN_PAGE, EN_EXPECTED), ("ru", RU_PAGE, RU_EXPECTED), ("kk", KK_PAGE, KK_EXPECTED)]


@pytest.mark.parametrize("lang,page,expected", PAGES)
def test_clean_scraped_page_keeps_headline_and_body_only(lang, page, expected):
    cleaned = clean_text(page, lang)
    assert cleaned.text.split("\n\n") == expected
    assert cleaned.title == expected[0]


@pytest.mark.parametrize("lang,page,expected", PAGES)
def test_clean_kept_lines_are_verbatim_input_lines(lang, page, expected):
    source_lines = {line.strip() for line in page.splitlines()}
    for paragraph in clean_text(page, lang).text.split("\n\n"):
        for line in paragraph.split("\n"):
            assert line in source_lines


# --- single lines: furniture or text --------------------------------------------------------

HEADLINE = "Residents block a road in Aktobe"
BODY = "About forty residents blocked the road to the district centre on Monday, demanding a new bridge."

FURNITURE = [
    ("en", "Accessibility links"),
    ("en", "Skip to main content"),
    ("en", "BREAKING NEWS"),
    ("en", "Back to top"),
    ("en", "Comments"),
    ("en", "Your browser doesn’t support HTML5"),
    ("en", "XS SM MD LG"),
    ("en", "16x9 Image"),
    ("en", "Residents on the blocked road (file photo)"),
    ("en", "Police stand guard near the bridge in Aktobe, Kazakhstan, Monday, May 3, 2021. (AP Photo/Jane Doe, File)"),
    ("en", "Photo: Residents on the road"),
    ("en", "The march against the closure Credit: Local TV"),
    ("en", "7 Jan 2019 22:33"),
    ("en", "June 10, 19:57 UTC+3"),
    ("en", "Updated: 3 May 2021, 18:05"),
    ("en", "Main Page > News > Society"),
    ("en", "Tags: protest, roads, Aktobe"),
    ("en", "We use cookies to give you the best experience on our website."),
    ("en", "Read also: New bridge promised for next year"),
    ("en", "Follow us on Telegram and Facebook"),
    ("en", "https://example.org/images/road-block.jpg"),
    ("en", "Reuters"),
    ("en", "Some information for this report came from local media."),
    ("en", "The Steppe Courier is an independent news outlet that provides information about Central Asia."),
    ("ru", "Ссылки доступа"),
    ("ru", "Читайте также:"),
    ("ru", "Поделиться"),
    ("ru", "Фото: Иван Петров"),
    ("ru", "Жители на перекрытой дороге (архивное фото)"),
    ("ru", "21:16, 19 октября 2019"),
    ("ru", "Опубликовано: 3 мая 2021"),
    ("ru", "Просмотров: 1 204"),
    ("ru", "Главная » Новости » Общество"),
    ("ru", "Мы используем файлы cookie, чтобы сайт работал лучше."),
    ("ru", "НАСТОЯЩИЙ МАТЕРИАЛ ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ."),
    ("ru", "Подробнее читайте на example.ru"),
    ("ru", "Для отправки комментария необходимо войти на сайт."),
    ("ru", "(Новость дополняется)"),
    ("ru", "Агентство «Степь» — ведущее информационное агентство региона, оно предоставляет новости на трёх языках."),
    ("kk", "Оқи отырыңыз"),
    ("kk", "Бөлісу"),
    ("kk", "Пікірлер"),
    ("kk", "Сурет: әкімдіктің баспасөз қызметі"),
    ("kk", "1510 рет қаралған"),
    ("kk", "30-06-19 |"),
    ("kk", "5 қаңтар 2012 жыл"),
    ("kk", "Автор мен редакция көзқарасы әрдайым сәйкес келе бермейді."),
    ("kk", "(Жаңалық толықтырылады)"),
    ("kk", "Біздің Telegram арнамызға жазылыңыз"),
    ("kk", "Adyrna.kz Telegram"),
]


@pytest.mark.parametrize("lang,line", FURNITURE)
def test_clean_drops_furniture_line(lang, line):
    cleaned = clean_text(f"{HEADLINE}\n{line}\n{BODY}", lang)
    assert cleaned.text == f"{HEADLINE}\n\n{BODY}"


TEXT_LINES = [
    ("en", "Photographers were detained near the square."),
    ("en", "Share prices fell as dockers went on strike."),
    ("en", "The agency said about 200 people took part in the rally."),
    ("en", "Radio Azattyq reported that police detained 12 activists."),
    ("en", "On 12 December 2020, about 50 people gathered in Almaty."),
    ("en", "Workers at the plant say the news of the cuts came as a shock."),
    ("en", "Police detained the organisers at 10:30, witnesses said."),
    ("ru", "Фотограф задержан у здания суда."),
    ("ru", "Поделиться своими жалобами пришли десятки жителей."),
    ("ru", "Агентство сообщает, что митинг прошёл мирно."),
    ("ru", "12 апреля 2022 года около ста человек вышли на митинг."),
    ("ru", "Сайт акимата не работал весь день, жаловались жители."),
    ("kk", "Сурет салатын студенттер наразылық акциясына қатысты."),
    ("kk", "Агенттік хабарлағандай, митингке жүзге жуық адам қатысты."),
    ("kk", "Бүгін сағат 11:00-де алаңға жүзге жуық адам жиналды."),
]


@pytest.mark.parametrize("lang,line", TEXT_LINES)
def test_clean_keeps_text_line(lang, line):
    cleaned = clean_text(f"{HEADLINE}\n{line}\n{BODY}", lang)
    assert cleaned.text == f"{HEADLINE}\n\n{line}\n\n{BODY}"


# --- whole-page rules ------------------------------------------------------------------------


def test_clean_date_prefix_becomes_published_hint():
    cleaned = clean_text(f" date 2019-05-16 Accessibility links\n{HEADLINE}\n{BODY}")
    assert cleaned.published == "2019-05-16"
    assert cleaned.text == f"{HEADLINE}\n\n{BODY}"


def test_clean_date_prefix_before_a_sentence_keeps_the_sentence():
    cleaned = clean_text(f" date 2021-06 {BODY}\nThe police did not comment.")
    assert cleaned.published == "2021-06"
    assert cleaned.text == f"{BODY}\n\nThe police did not comment."


def test_clean_breadcrumb_over_several_lines():
    page = f"Main Page  >\n  News  >\n  Society\n{HEADLINE}\n{BODY}"
    assert clean_text(page).text == f"{HEADLINE}\n\n{BODY}"


def test_clean_headline_after_timestamp_with_bar_is_kept():
    page = f"12.05.2021 |\nМитинг в Алматы\n{BODY}"
    assert clean_text(page).text == f"Митинг в Алматы\n\n{BODY}"


def test_clean_byline_name_after_label():
    page = f"{HEADLINE}\nАвтор:\nИван Петров\n{BODY}"
    assert clean_text(page).text == f"{HEADLINE}\n\n{BODY}"


def test_clean_headline_repeated_keeps_first_copy():
    page = f"{HEADLINE}\n12 December 2020, 21:01\n{HEADLINE}\n{BODY}"
    assert clean_text(page).text == f"{HEADLINE}\n\n{BODY}"


def test_clean_caption_repeated_at_once_goes_entirely():
    caption = "Residents on the road to the district centre"
    page = f"{HEADLINE}\n{caption}\n{caption}\n{BODY}"
    assert clean_text(page).text == f"{HEADLINE}\n\n{BODY}"


def test_clean_lede_repeated_in_body_keeps_body_copy():
    lede = "The residents want a new bridge"
    page = f"{HEADLINE}\n{lede}\n{BODY}\n{lede}."
    assert clean_text(page).text == f"{HEADLINE}\n\n{BODY}\n\n{lede}."


def test_clean_long_paragraph_repeated_at_once_keeps_one_copy():
    paragraph = f"{BODY} They said the old bridge had been closed since the spring floods and that the detour added an hour to every trip to school."
    page = f"{HEADLINE}\n{paragraph}\n{paragraph}\nThe police did not comment."
    assert clean_text(page).text == f"{HEADLINE}\n\n{paragraph}\n\nThe police did not comment."


@pytest.mark.parametrize(
    "tail,kept",
    [
        ("Storm warning issued\nNew stadium opens in Astana\nFlights resume after fog", False),
        ("Трамп прилетел во Флориду\nСиноптики обещают снег...", False),
        ("Last March,", False),
        ("K", False),
        ("Police said the protesters had gathered near the", True),  # a cut-off sentence is still text
        ("The police did not comment.", True),
    ],
)
def test_clean_tail_of_link_headlines_or_stub(tail, kept):
    cleaned = clean_text(f"{HEADLINE}\n{BODY}\n{tail}")
    assert (tail.split("\n")[0] in cleaned.text) is kept
    assert cleaned.text.startswith(f"{HEADLINE}\n\n{BODY}")


def test_clean_page_of_short_lines_only_is_kept():
    page = "Strike in Zhanaozen\nDay three of the strike"
    assert clean_text(page).text == "Strike in Zhanaozen\n\nDay three of the strike"


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("Title\r\nFirst sentence.\r\n\r\n\r\n\r\nSecond sentence.", "Title\n\nFirst sentence.\n\nSecond sentence."),
        ("Title\rFirst sentence.   \n\t  Second sentence.\t", "Title\n\nFirst sentence.\n\nSecond sentence."),
        ("Police detained five people who had\nblocked the road for an hour.", "Police detained five people who had\nblocked the road for an hour."),
        ("Police detained five people.\nthe road stayed closed.", "Police detained five people.\n\nthe road stayed closed."),
    ],
)
def test_clean_line_endings_blank_runs_and_wrapped_sentences(raw, expected):
    assert clean_text(raw).text == expected


def test_clean_empty_and_furniture_only_pages_give_empty_text():
    assert clean_text("") == CleanedText(text="")
    assert clean_text("   \n\n\t").text == ""
    assert clean_text("Share\nPrint\nComments\n12 December 2020, 21:01").text == ""


def test_clean_text_speed_2000_chars():
    page = (EN_PAGE + RU_PAGE + KK_PAGE)[:2000]
    clean_text(page)
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(50):
            clean_text(page)
        runs.append((time.perf_counter() - start) / 50)
    assert statistics.median(runs) < 0.0015  # about 0.25 ms on the development machine


# --- HTML ----------------------------------------------------------------------------------


def test_clean_html_article_page():
    cleaned = clean_html((FIXTURES / "html" / "article.html").read_text(encoding="utf-8"))
    assert cleaned.text.split("\n\n") == [
        "Жители Актау вышли на митинг против роста цен",
        "Несколько сотен жителей Актау собрались в понедельник на центральной площади города. "
        "Они требовали снизить цену на сжиженный газ.",
        "По словам участников, за неделю цена на газ выросла вдвое. Митингующие хотели встретиться с акимом области.",
        "К вечеру к собравшимся вышел заместитель акима и пообещал рассмотреть их требования.",
    ]
    assert cleaned.title == "Жители Актау вышли на митинг против роста цен"
    assert cleaned.published == "2022-01-03"


def test_clean_html_broken_page_keeps_its_sentences():
    cleaned = clean_html((FIXTURES / "html" / "broken.html").read_text(encoding="utf-8"))
    paragraphs = cleaned.text.split("\n\n")
    assert paragraphs[0] == "Teachers protest in Taraz"
    assert (
        "About fifty teachers gathered outside the regional education department in Taraz on Wednesday, "
        "demanding unpaid wages." in paragraphs
    )
    assert "The teachers said they had not been paid for two months." in paragraphs
    assert "never closed" not in cleaned.text


def test_clean_html_title_added_when_extraction_drops_it():
    html = (
        '<html><head><meta property="og:title" content="Miners strike in Satpayev"></head><body>'
        "<p>Hundreds of miners in Satpayev stopped work on Monday, demanding a pay rise of a third.</p>"
        "<p>The company said talks with the strikers would continue on Tuesday.</p></body></html>"
    )
    assert clean_html(html).text.split("\n\n") == [
        "Miners strike in Satpayev",
        "Hundreds of miners in Satpayev stopped work on Monday, demanding a pay rise of a third.",
        "The company said talks with the strikers would continue on Tuesday.",
    ]


def test_clean_html_fragment_falls_back_to_block_text():
    assert clean_html("<p>Студенты вышли на митинг в Алматы.</p>").text == "Студенты вышли на митинг в Алматы."


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<<<>>>",
        "<html>",
        "\x00\x01\x02",
        "<p>" * 2000,
        "<div>" * 5000 + "deep" + "</div>" * 10,
        '<?xml version="1.0" encoding="windows-1251"?><html><body><p>Текст.</p></body></html>',
        "<html><head><title>Unclosed title<body><p>The text never shows.</p>",
        "<script>alert(1)</script><style>p{}</style>",
        "\ud800 lone surrogate <p>text</p>",
    ],
)
def test_clean_html_bad_input_does_not_raise(html):
    cleaned = clean_html(html)
    assert isinstance(cleaned, CleanedText)
    assert "alert(1)" not in cleaned.text


# --- the stage ------------------------------------------------------------------------------


def _article(**fields) -> Article:
    return Article(doc=Document(id="doc-1", **fields))


@pytest.mark.parametrize(
    "published,expected",
    [
        ("2019-06-05", ResolvedDate("2019-06-05", "day")),
        ("2019-06", ResolvedDate("2019-06", "month")),
        ("2019", ResolvedDate("2019", "year")),
        ("2019-06-05T10:30:00Z", ResolvedDate("2019-06-05", "day")),
        ("2019-02-30", None),
        ("last Monday", None),
    ],
)
def test_clean_parse_published_date(published, expected):
    assert parse_published_date(published) == expected


def test_clean_stage_sets_text_title_and_published():
    article = CleanStage()(_article(text=RU_PAGE, published="2022-04-12"))
    assert article.text == "\n\n".join(RU_EXPECTED)
    assert article.title == RU_EXPECTED[0]
    assert article.published == ResolvedDate("2022-04-12", "day")
    assert article.doc.text == RU_PAGE  # the document itself is left as it came


def test_clean_stage_document_date_wins_over_page_hint():
    article = CleanStage()(_article(text=f" date 2019-05-16 {BODY}", published="2019-05-17"))
    assert article.published == ResolvedDate("2019-05-17", "day")


def test_clean_stage_page_hint_when_document_has_no_date():
    article = CleanStage()(_article(text=f" date 2019-05 {BODY}"))
    assert article.published == ResolvedDate("2019-05", "month")
    assert article.text == BODY


def test_clean_stage_unreadable_date_is_a_warning():
    article = CleanStage()(_article(text=BODY, published="someday"))
    assert article.published is None
    assert article.warnings == ("published date 'someday' not understood",)


def test_clean_stage_html_document_takes_date_from_metadata():
    html = (FIXTURES / "html" / "article.html").read_text(encoding="utf-8")
    article = CleanStage()(_article(html=html))
    assert article.published == ResolvedDate("2022-01-03", "day")
    assert article.text.startswith("Жители Актау вышли на митинг против роста цен\n\n")


@pytest.mark.parametrize(
    "fields,reason",
    [
        ({}, "neither 'text' nor 'html' given"),
        ({"text": "  \n "}, "empty document"),
        ({"text": "Share\nPrint\nBreaking News"}, "no article text left after removing page furniture"),
        ({"html": "<html><body><nav>Home</nav></body></html>"}, "no article text left after removing page furniture"),
    ],
)
def test_clean_stage_unusable_document_raises_input_error(fields, reason):
    with pytest.raises(InputError, match=re.escape(reason)):
        CleanStage()(_article(**fields))


def test_clean_stage_pickles_and_has_its_name():
    stage = pickle.loads(pickle.dumps(CleanStage()))
    assert stage.name == "clean"
    assert stage(_article(text=KK_PAGE)).text == "\n\n".join(KK_EXPECTED)


# --- the lexicon ----------------------------------------------------------------------------


def _lexicon_file() -> dict:
    return tomllib.loads(resources.files("placard.lexicons").joinpath("boilerplate.toml").read_text("utf-8"))


def test_clean_lexicon_lists_are_lower_case_and_unique():
    data = _lexicon_file()
    for section in ("exact", "list_headings"):
        for lang in ("en", "ru", "kk"):
            items = data[section][lang]
            assert items, (section, lang)
            assert len(items) == len(set(items)), (section, lang)
            assert all(item == item.lower() and item == item.strip() for item in items), (section, lang)
    for section, key in [("outlets", "names"), ("outlets", "social"), ("byline", "labels"), ("timestamp", "months")]:
        items = data[section][key]
        assert len(items) == len(set(items)) and all(i == i.lower() for i in items), (section, key)


def test_clean_lexicon_sections_do_not_overlap():
    lex = load_boilerplate()
    assert not lex.exact & lex.list_headings
    assert not lex.exact & lex.byline_labels
    assert not lex.list_headings & lex.byline_labels


def test_clean_lexicon_patterns_compile_and_every_group_has_rules():
    data = _lexicon_file()
    for name, group in data["patterns"].items():
        assert group["max_chars"] > 0
        assert group["start"] or group["end"] or group["contains"], name
        for regex in group["start"]:
            re.compile(regex)
        for keywords, regex in group["end"] + group["contains"]:
            re.compile(regex)
            assert keywords and all(k == k.lower() for k in keywords.split("|")), (name, keywords)


def test_clean_lexicon_every_exact_entry_is_dropped():
    data = _lexicon_file()
    for lang in ("en", "ru", "kk"):
        for entry in data["exact"][lang] + data["list_headings"][lang]:
            # Upper case too, where the round trip exists (not for the dotless "ı").
            for form in {entry, entry.upper() if entry.upper().lower() == entry else entry}:
                assert clean_text(f"{HEADLINE}\n{form}\n{BODY}").text == f"{HEADLINE}\n\n{BODY}", form


# --- the development set (read only; skipped where it is absent) -----------------------------


@pytest.mark.skipif(not SHARED_EVAL.is_dir(), reason="shared evaluation data absent")
def test_clean_dev_gold_evidence_survives_cleaning():
    docs = {}
    for name in ("dev", "seed"):
        for line in (SHARED_EVAL / name / "docs.jsonl").read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            docs[doc["id"]] = doc
    lost = []
    for name in ("dev", "seed"):
        for line in (SHARED_EVAL / name / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            gold = json.loads(line)
            doc = docs[gold["doc_id"]]
            text = clean_text(doc["text"], doc.get("lang")).text
            lost += [(gold["doc_id"], s) for event in gold["events"] for s in event["evidence"] if s not in text]
    assert lost == []
