import pytest

from placard.morphology import to_nominative


@pytest.mark.parametrize("phrase,expected", [
    ("акиматом", "акимат"),
    ("Верховного суда", "Верховный суд"),
    ("властями", "власти"),
    ("парламентом Грузии", "парламент Грузии"),  # the genitive complement stays
    ("Владимира Путина", "Владимир Путин"),
    ("акимат", "акимат"),
])
def test_morphology_russian_targets_go_to_the_nominative(phrase, expected):
    assert to_nominative(phrase, "ru") == expected


def test_morphology_leaves_other_languages_alone():
    assert to_nominative("әкімдікке", "kk") == "әкімдікке" and to_nominative("the mayors", "en") == "the mayors"
