import pytest

from placard.language import LanguageIdentifier, LanguageStage, is_latin_kazakh, matching_text
from placard.records import Article, Document


@pytest.mark.parametrize("text,expected", [
    ("Police detained several activists who gathered outside the city hall on Monday.", "en"),
    ("Полиция задержала нескольких активистов у здания акимата в понедельник.", "ru"),
    ("Полиция әкімдік ғимаратының алдында жиналған белсенділерді ұстады.", "kk"),
    ("Бүгін алаңда митинг өтті", "kk"),  # short Kazakh headline
    ("Bügin alañda narazılıq aksiyası ötti, polisiya belsendilerdi ustadı.", "kk"),  # 2021 Latin alphabet
    ("Митинг в Алматы: задержаны десятки человек", "ru"),
    ("12345 !!! ---", "other"),
])
def test_language_identifies_en_ru_kk(text, expected):
    assert LanguageIdentifier().identify(text) == expected


def test_language_russian_page_quoting_a_kazakh_name_stays_russian():
    text = "В Шымкенте жители вышли к акимату. Организатор, Әлия Қасымова, сказала, что они будут стоять до ответа."
    assert LanguageIdentifier().identify(text) == "ru"


def test_language_declared_language_wins_over_detection():
    article = Article(doc=Document(id="d", text="x", lang="kk"), text="Police detained activists.")
    assert LanguageStage()(article).lang == "kk"


@pytest.mark.parametrize("text,trigger", [
    ("Bügin ereuil ötti, jwmısşılar jalaqını köterudi talap etti.", "strike"),        # 2021 alphabet
    ("Belsendıler aksiia ötkızıp, mitiŋge şyǧyp, talap ettı.", "rally"),             # ǧ, ŋ, ı for і
    ("Jataqhana túrghyndary ákimdik aldynda narazylyq bildirip, úiden qumaýdy súrady.", "rally"),  # digraphs, accents
])
def test_language_latin_kazakh_is_read_by_the_cyrillic_lexicon(text, trigger):
    from placard.detect import find_triggers, lexicon_for
    from placard.sentences import split_sentences

    assert is_latin_kazakh(text) or LanguageIdentifier().identify(text) == "kk"
    folded = matching_text(text, "kk")
    assert len(folded) == len(text)  # offsets hold
    found = find_triggers(folded, split_sentences(text), lexicon_for("kk"))
    assert trigger in {t.form for t in found}


def test_language_only_kazakh_is_folded():
    text = "Жители вышли на митинг."
    assert matching_text(text, "ru") == text and matching_text("Жұмысшылар", "kk") == "жұмысшылар"
