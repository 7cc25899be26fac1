"""Sentence splitting with offsets into the cleaned text.

Lines are hard boundaries (a scraped headline has no full stop); within a line
razdel splits, and we re-join the splits it makes after abbreviations that
English news uses ("Jan. 27", "6 p.m. (3 p.m. Moscow time)", "Mr. Smith").
"""
from __future__ import annotations

import re

import razdel

from placard.records import Article, Sentence

# Abbreviations after which a sentence practically never ends.
NEVER_FINAL = {
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
    "mr.", "mrs.", "ms.", "dr.", "st.", "gen.", "lt.", "col.", "sgt.", "capt.", "gov.", "sen.", "rep.",
    "prof.", "no.", "vs.", "ул.", "г.", "гг.", "т.", "им.", "проф.", "тел.", "см.", "ст.", "д.", "пр.",
}
# Abbreviations that end a sentence only when a capital letter follows.
SOMETIMES_FINAL = {"a.m.", "p.m.", "u.s.", "u.k.", "u.n.", "inc.", "co.", "ltd.", "e.g.", "i.e.", "etc."}
LAST_TOKEN = re.compile(r"(\S+)\s*$")
# razdel keeps "Jan. 27. The rally" whole: it reads "27." as an ordinal.
MISSED_BOUNDARY = re.compile(r"(?:(?<=\b\d\.)|(?<=\b\d\d\.))\s+(?=[A-Z][a-z])")
INITIAL = re.compile(r"(?:^|\s)(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.){1,2}$")  # "A." or "Sh." style initials


def _should_join(previous: str, following: str) -> bool:
    match = LAST_TOKEN.search(previous)
    if not match:
        return False
    token = match.group(1).lower().lstrip("(\"'«“")
    first = following[:1]
    if previous.count("(") > previous.count(")"):
        return True  # a parenthesis is still open
    if token in NEVER_FINAL or INITIAL.search(previous):
        return True
    if token in SOMETIMES_FINAL:
        return not first.isupper()
    return bool(first) and (first.islower() or first.isdigit()) and token.endswith(".") and len(token) <= 5


def _pieces(line: str):
    for piece in razdel.sentenize(line):
        start = piece.start
        for match in MISSED_BOUNDARY.finditer(piece.text):
            yield start, piece.start + match.start()
            start = piece.start + match.end()
        yield start, piece.stop


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    paragraph = 0
    offset = 0
    for block in re.split(r"(\n\s*\n)", text):
        if re.fullmatch(r"\n\s*\n", block):
            offset += len(block)
            paragraph += 1
            continue
        line_offset = offset
        for line in block.split("\n"):
            pieces: list[list[int]] = []
            for piece in _pieces(line):
                start, stop = piece
                if pieces and _should_join(line[pieces[-1][0]:pieces[-1][1]], line[start:stop]):
                    pieces[-1][1] = stop
                else:
                    pieces.append([start, stop])
            for start, stop in pieces:
                chunk = line[start:stop]
                if chunk.strip():
                    sentences.append(Sentence(line_offset + start, line_offset + stop, chunk, paragraph))
            line_offset += len(line) + 1
        offset += len(block)
    return sentences


class SentenceStage:
    name = "sentences"

    def __call__(self, article: Article) -> Article:
        return article.evolve(sentences=tuple(split_sentences(article.text)))
