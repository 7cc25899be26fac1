"""Russian morphology (pymorphy3 and its shipped dictionaries): names to the nominative.

The extractor keeps words as the text has them; for targets, a record reads
better, and compares better, in the dictionary form: "акиматом" -> "акимат",
"Верховного суда" -> "Верховный суд".
"""
from __future__ import annotations

import re
from functools import lru_cache

CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)?")
DECLINABLE = {"NOUN", "ADJF", "PRTF"}


@lru_cache(maxsize=1)
def _analyzer():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def _nominative(word: str, parse) -> str:
    number = {parse.tag.number} if parse.tag.number else set()
    inflected = parse.inflect({"nomn"} | number) or parse.inflect({"nomn"})
    if inflected is None:
        return word
    return inflected.word.capitalize() if word[:1].isupper() else inflected.word


def to_nominative(phrase: str, lang: str | None) -> str:
    """``phrase`` with its head in the nominative ("парламентом Грузии" -> "парламент Грузии",
    "Владимира Путина" -> "Владимир Путин"); other languages as they are."""
    if lang != "ru":
        return phrase
    out, last, head_done = [], 0, False
    for match in CYRILLIC_WORD.finditer(phrase):
        word = match.group(0)
        parse = _analyzer().parse(word)[0]
        tag = parse.tag
        name_part = tag.POS == "NOUN" and bool({"Surn", "Patr"} & set(tag.grammemes))
        if head_done and not name_part:
            break
        if tag.POS in DECLINABLE and tag.case not in (None, "nomn"):
            out.append(phrase[last:match.start()] + _nominative(word, parse))
            last = match.end()
        if tag.POS == "NOUN":
            head_done = True
    return "".join(out) + phrase[last:]
