import pytest

from placard import fields
from placard.lexicon import load_lexicon


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "Dozens of women rallied.", (24, 99)),
    ("en", "About 30 people gathered outside.", (30, 30)),
    ("en", "About two dozen people rallied at a square.", (24, 24)),
    ("en", "More than 100 workers walked out.", (101, None)),
    ("en", "At least 200 farmers gathered.", (200, None)),
    ("en", "Up to 500 people marched.", (None, 500)),
    ("en", "Hundreds of mothers protested.", (200, 999)),
    ("en", "Tens of thousands of students marched.", (20000, 99999)),
    ("en", "Several pensioners picketed the office.", (3, 9)),
    ("en", "Between 1,200 and 1,500 people took part.", (1200, 1500)),
    ("ru", "Около 50 человек вышли на митинг.", (50, 50)),
    ("ru", "Несколько десятков жителей собрались у акимата.", (24, 99)),
    ("ru", "Более ста человек пришли к зданию.", (101, None)),
    ("ru", "Сотни людей вышли на улицы.", (200, 999)),
    ("kk", "Алаңға 30 шақты адам жиналды.", (30, 30)),
    ("kk", "100-ден астам жұмысшы ереуілге шықты.", (101, None)),
    ("kk", "Жүздеген тұрғын наразылық білдірді.", (200, 999)),
    ("kk", "Бірнеше белсенді жиналды.", (3, 9)),
])
def test_fields_crowd_size_follows_the_codebook_table(lang, text, expected):
    crowd = fields.find_crowd(load_lexicon(lang), text)
    assert crowd is not None and not crowd.is_count_of_detained
    assert (crowd.size_min, crowd.size_max) == expected


@pytest.mark.parametrize("lang,text", [
    ("en", "Police detained 14 people near the square."),
    ("en", "Over 20 persons have been detained."),
    ("ru", "Полиция задержала 12 человек."),
    ("kk", "Полиция 15 адамды ұстады."),
])
def test_fields_numbers_of_detained_are_not_crowd_size(lang, text):
    crowd = fields.find_crowd(load_lexicon(lang), text)
    assert crowd is None or crowd.is_count_of_detained


@pytest.mark.parametrize("text", ["The rally was held in 2019 by people.", "It cost 120 tenge per liter."])
def test_fields_years_and_prices_are_not_crowds(text):
    assert fields.find_crowd(load_lexicon("en"), text) is None


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "Police detained two men outside the embassy.", [("detained", 2)]),
    ("en", "26 people were arrested for obstruction.", [("detained", 26)]),
    ("en", "Police fired tear gas and dispersed the crowd.", [("dispersed", None), ("force", None)]),
    ("en", "The mayor met with the protesters.", [("meeting-held", None)]),
    ("en", "Officials said the minister would not meet with them.", [("meeting-refused", None)]),
    ("ru", "Полиция задержала 12 человек.", [("detained", 12)]),
    ("ru", "Участников оштрафовали.", [("sentenced", None)]),
    ("kk", "Полиция 14 адамды ұстады.", [("detained", 14)]),
    ("kk", "Белсендіге айыппұл салынды.", [("sentenced", None)]),
])
def test_fields_responses_with_counts(lang, text, expected):
    found = [(r.type, r.count) for r in fields.responses_in(load_lexicon(lang), text)]
    assert sorted(found) == sorted(expected)


def test_fields_claims_keep_source_words_and_get_issues():
    claims = fields.claims_in(load_lexicon("en"), "Nurses rallied, demanding higher wages and better housing.")
    assert claims and claims[0].text == "higher wages and better housing"
    assert set(claims[0].issues) == {"wages-labor", "housing"}


def test_fields_claims_in_russian_stay_russian():
    claims = fields.claims_in(load_lexicon("ru"), "Жители вышли на митинг, требуя снизить цены на газ.")
    assert claims and claims[0].text.startswith("снизить цены") and "prices-economy" in claims[0].issues


def test_fields_targets_take_titled_names_and_addressees():
    text = "They demanded a meeting with President Jane Doerr and urged Governor Tom Briggs to resign."
    targets = fields.targets_in(load_lexicon("en"), text)
    assert "Jane Doerr" in targets and "Tom Briggs" in targets


def test_fields_site_is_the_spot_in_words():
    site = fields.site_in(load_lexicon("en"), "Dozens rallied in front of the regional court on Monday.")
    assert site == "in front of the regional court"


def test_fields_status_cues():
    lexicon = load_lexicon("en")
    assert fields.status_cue(lexicon, "The union plans to hold a rally next week.") == "planned"
    assert fields.status_cue(lexicon, "The march did not take place: police sealed off the square.") == "prevented"
    assert fields.status_cue(lexicon, "Hundreds rallied on Sunday.") is None


@pytest.mark.parametrize("lang,text,expected", [
    ("ru", "Несколько человек вышли к акимату.", (3, 9)),
    ("ru", "Десятки жителей вышли к акимату.", (24, 99)),
    ("ru", "Сотни человек вышли на площадь.", (200, 999)),
    ("ru", "Более ста человек вышли на площадь.", (101, None)),
    ("kk", "Бірнеше адам әкімдік алдына жиналды.", (3, 9)),
    ("kk", "Ондаған тұрғын әкімдік алдына жиналды.", (24, 99)),
    ("kk", "Жүздеген адам алаңға жиналды.", (200, 999)),
    ("kk", "Мыңдаған адам алаңға шықты.", (2000, 9999)),
])
def test_fields_vague_crowd_words_of_russian_and_kazakh(lang, text, expected):
    crowd = fields.find_crowd(load_lexicon(lang), text)
    assert crowd is not None and (crowd.size_min, crowd.size_max) == expected


@pytest.mark.parametrize("lang,text,kind", [
    ("ru", "Участники акции задержаны.", "detained"),
    ("ru", "Полиция разогнала митингующих.", "dispersed"),
    ("ru", "Организаторы оштрафованы.", "sentenced"),
    ("kk", "Бес белсенді ұсталды.", "detained"),
    ("kk", "Ұйымдастырушыға айыппұл салынды.", "sentenced"),
])
def test_fields_response_words_of_russian_and_kazakh(lang, text, kind):
    assert kind in {r.type for r in fields.responses_in(load_lexicon(lang), text)}
