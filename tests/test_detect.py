import pytest

from placard.detect import find_triggers, lexicon_for
from placard.sentences import split_sentences


def forms(lang, text):
    lexicon = lexicon_for(lang)
    return [(t.form, text[t.start:t.end]) for t in find_triggers(text, split_sentences(text), lexicon)]


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "Dozens of nurses rallied outside the hospital.", [("rally", "rallied")]),
    ("en", "Miners went on strike on Monday.", [("strike", "went on strike")]),
    ("en", "She has been on a hunger strike since May 2.", [("hunger-strike", "hunger strike")]),
    ("en", "Two men picketed the embassy.", [("picket", "picketed")]),
    ("en", "Farmers blocked a highway with tractors.", [("blockade", "blocked a highway")]),
    ("en", "Students marched to the parliament.", [("march", "marched")]),
    ("ru", "Жители перекрыли дорогу и потребовали газ.", [("blockade", "перекрыли дорогу")]),
    ("ru", "Рабочие объявили забастовку.", [("strike", "забастовку")]),
    ("ru", "Активисты вышли на пикет у акимата.", [("picket", "пикет")]),
    ("kk", "Жұмысшылар ереуілге шықты.", [("strike", "ереуілге")]),
    ("kk", "Белсенді аштық жариялады.", [("hunger-strike", "аштық")]),
])
def test_detect_finds_the_protest_word_and_its_form(lang, text, expected):
    assert forms(lang, text) == expected


@pytest.mark.parametrize("lang,text", [
    ("en", "The ministry summoned the ambassador to protest over remarks made on television."),
    ("en", "The team lodged a protest against the stewards' decision."),
    ("en", "An air strike hit the depot."),
    ("en", "Shares rallied on Friday after the report."),
    ("en", "The plan will be presented in March 2025."),
    ("ru", "МИД направил ноту протеста послу."),
    ("kk", "Сыртқы істер министрлігі наразылық нотасын тапсырды."),
])
def test_detect_ignores_words_that_are_not_protests(lang, text):
    assert forms(lang, text) == []


def test_detect_prefers_the_longest_overlapping_trigger():
    found = forms("en", "Workers staged a hunger strike.")
    assert found == [("hunger-strike", "hunger strike")]


def test_detect_unknown_language_has_no_lexicon():
    assert lexicon_for("de") is None and lexicon_for(None) is None
