import pytest

from placard.sentences import split_sentences


@pytest.mark.parametrize("text,expected", [
    ("Police detained five people on Jan. 27. The march broke up at 8 p.m. (5 p.m. GMT), officials said.",
     ["Police detained five people on Jan. 27.", "The march broke up at 8 p.m. (5 p.m. GMT), officials said."]),
    ("Mr. Smith spoke. Ms. Jones left the U.S. embassy.", ["Mr. Smith spoke.", "Ms. Jones left the U.S. embassy."]),
    ("A headline without a full stop\nThe body starts here. It goes on.",
     ["A headline without a full stop", "The body starts here.", "It goes on."]),
    ("Митинг прошёл на ул. Абая. Его разогнали.", ["Митинг прошёл на ул. Абая.", "Его разогнали."]),
    ("Алматыда митинг өтті. Полиция 20 адамды ұстады.", ["Алматыда митинг өтті.", "Полиция 20 адамды ұстады."]),
    ("«We want justice. We will stay,» one said.", ["«We want justice.", "We will stay,» one said."]),
])
def test_sentences_split_where_a_reader_would(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_sentences_offsets_point_into_the_text_and_paragraphs_count():
    text = "First para one. First para two.\n\nSecond para.\n\n\nThird para."
    sentences = split_sentences(text)
    assert all(text[s.start:s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 0, 1, 2]
