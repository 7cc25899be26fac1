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


def test_language_latin_kazakh_reads_as_cyrillic_letter_for_letter():
    text = "Bügin ereuil ötti, jwmısşılar jalaqını köterudi talap etti."
    assert is_latin_kazakh(text)
    cyrillic = matching_text(text, "kk")
    assert len(cyrillic) == len(text)
    assert "ереуіл" in cyrillic and "талап етті" in cyrillic


def test_language_cyrillic_text_is_matched_as_is():
    text = "Жұмысшылар ереуілге шықты."
    assert matching_text(text, "kk") == text
