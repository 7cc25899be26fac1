"""Page furniture: the compiled ``lexicons/boilerplate.toml`` and the rules that tell a line of it.

``furniture(line)`` says why a line of a scraped page is furniture (a menu
item, a caption, a timestamp, a notice, an outlet's self-description ...) or
None when it is text. The ``clean`` stage drops such lines whole.
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Optional

from placard.errors import ConfigError

WORD = re.compile(r"\w+")
_NORMALISE_TRIM = " \t•·*-–—:|>»›"


def _normalise(line: str) -> str:
    """The form a line is compared in: case folded, one space, no bullets or trailing separators."""
    key = " ".join(line.casefold().replace("’", "'").replace("ё", "е").split())
    return key.strip(_NORMALISE_TRIM)


Gated = tuple[tuple[tuple[str, ...], re.Pattern], ...]  # (keywords, regex): the regex only where a keyword occurs


def _gated(pairs: list[list[str]]) -> Gated:
    return tuple((tuple(keys.split("|")), re.compile(regex)) for keys, regex in pairs)


def _any_gated(gated: Gated, text: str) -> bool:
    for keywords, pattern in gated:
        for keyword in keywords:
            if keyword in text:
                if pattern.search(text):
                    return True
                break
    return False


@dataclass(frozen=True)
class PatternGroup:
    """One ``[patterns.*]`` table: regexes tried on the lower-cased line."""

    name: str
    max_chars: int
    start: Optional[re.Pattern]  # matched at the start
    end: Gated  # searched in the last 120 characters
    contains: Gated

    def matches(self, low: str) -> bool:
        if len(low) > self.max_chars:
            return False
        if self.start is not None and self.start.match(low):
            return True
        return _any_gated(self.end, low[-120:]) or _any_gated(self.contains, low)


@dataclass(frozen=True)
class Boilerplate:
    """The compiled ``boilerplate.toml``."""

    exact: frozenset[str]
    list_headings: frozenset[str]
    patterns: tuple[PatternGroup, ...]
    date_words: frozenset[str]
    month_stems: tuple[str, ...]
    outlet_names: frozenset[str]
    social: frozenset[str]
    byline_labels: frozenset[str]
    outlet_nouns: frozenset[str]
    description_verb: re.Pattern  # searched in the first subject_chars + 30 characters
    description_final_verb: re.Pattern
    media_word: re.Pattern
    description_max: int
    subject_chars: int


@functools.lru_cache(maxsize=1)
def load_boilerplate() -> Boilerplate:
    """Read and compile ``lexicons/boilerplate.toml`` once per process."""
    try:
        raw = resources.files("placard.lexicons").joinpath("boilerplate.toml").read_text(encoding="utf-8")
        return _compile(tomllib.loads(raw))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as exc:
        raise ConfigError(f"lexicons/boilerplate.toml: {exc}") from exc


def _alternation(items: list[str], escape: bool = False) -> Optional[re.Pattern]:
    if not items:
        return None
    return re.compile("|".join(f"(?:{re.escape(i) if escape else i})" for i in items))


def _compile(data: dict) -> Boilerplate:
    def every_language(table: dict) -> list[str]:
        return [_normalise(item) for lang in ("en", "ru", "kk") for item in table[lang]]

    groups = tuple(
        PatternGroup(
            name=name,
            max_chars=int(spec["max_chars"]),
            start=_alternation(spec["start"]),
            end=_gated(spec["end"]),
            contains=_gated(spec["contains"]),
        )
        for name, spec in data["patterns"].items()
    )
    stamp = data["timestamp"]
    months = [m.casefold() for m in stamp["months"]]
    desc = data["self_description"]
    return Boilerplate(
        exact=frozenset(every_language(data["exact"])),
        list_headings=frozenset(every_language(data["list_headings"])),
        patterns=groups,
        date_words=frozenset(months + [w.casefold() for w in stamp["weekdays"] + stamp["words"]]),
        # Long month names also match inflected forms ("января", "қаңтарда").
        month_stems=tuple(m for m in months if len(m) >= 4),
        outlet_names=frozenset(_normalise(n) for n in data["outlets"]["names"]),
        social=frozenset(s.casefold() for s in data["outlets"]["social"]),
        byline_labels=frozenset(_normalise(b) for b in data["byline"]["labels"]),
        outlet_nouns=frozenset(n.casefold() for n in desc["outlet_nouns"]),
        description_verb=_alternation(desc["verbs"], escape=True),
        description_final_verb=_alternation(desc["final_verbs"], escape=True),
        media_word=_alternation(desc["media_words"], escape=True),
        description_max=int(desc["max_chars"]),
        subject_chars=int(desc["subject_chars"]),
    )


# --- line rules ----------------------------------------------------------------------------

_SENTENCE_END = frozenset(".!?;:")
CLOSERS = "\"'»”’)]*"
_NO_LETTERS = re.compile(r"^[\W_]*$")
_NUMBERS_ONLY = re.compile(r"^[\d\s.,:;/|()+\-–—#№]+$")
_URL_LINE = re.compile(r"^[/|]?\s*(?:https?://|www\.)\S+$|^\S+\.(?:jpe?g|png|gif|webp|svg|mp4)$", re.IGNORECASE)
BREADCRUMB_END = re.compile(r"\s[>»›/|]$")
_BREADCRUMB_INLINE = re.compile(r"^[^.!?]{1,40}(?:\s[>›»]\s[^.!?]{1,40}){1,6}$|^[^.!?]{1,40}(?:\s[/|]\s[^.!?]{1,40}){2,6}$")
_WIDE_GAP = re.compile(r"\S(?: {3,}|\t)\S")
_TAG_PUNCT = re.compile(r"[.,!?:;«»\"“”()]")
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
_QUOTES = "\"'«»“”„"
SENTENCE_BREAK = re.compile(r"[.!?]\s")


def ends_sentence(line: str) -> bool:
    tail = line.rstrip(CLOSERS + " ")
    if not tail or tail.endswith(("...", "…")):
        return False
    return tail[-1] in _SENTENCE_END


def _is_timestamp(key: str, lex: Boilerplate) -> bool:
    """A line of dates, times, counters and their words: "12 December 2020, 21:01", "1510 рет қаралған"."""
    tokens = WORD.findall(key)
    if not tokens or not any(t.isdigit() for t in tokens):
        return False
    for token in tokens:
        if token.isdigit() or token in lex.date_words:
            continue
        if any(token.startswith(stem) and len(token) - len(stem) <= 5 for stem in lex.month_stems):
            continue
        return False
    return True


def _is_outlet_line(key: str, lex: Boilerplate) -> bool:
    """A credit line: an outlet name alone, or outlet domains and social network names."""
    bare = key.strip(_QUOTES + " .")
    if bare in lex.outlet_names:
        return True
    tokens = [t.strip(_QUOTES + ",.") for t in bare.split()]
    return bool(tokens) and len(tokens) <= 4 and all(
        t in lex.social or t in lex.outlet_names or _DOMAIN.match(t) for t in tokens
    )


def _is_tag_line(line: str) -> bool:
    """A row of tags: chunks spaced wide apart, or a word cloud with repeats, no punctuation."""
    if _TAG_PUNCT.search(line):
        return False
    words = line.split()
    if _WIDE_GAP.search(line) and len(words) <= 12:
        return True
    if len(words) >= 6:
        long_words = [w.casefold() for w in words if len(w) >= 4]
        return len(long_words) - len(set(long_words)) >= 2  # a headline may repeat one word
    return False


def _is_self_description(low: str, lex: Boilerplate) -> bool:
    """An outlet describing itself: "X's Service offers ...", "Сайт X — независимое издание"."""
    if len(low) > lex.description_max:
        return False
    reach = lex.subject_chars + 70
    if not any(w in lex.outlet_nouns for w in WORD.findall(low, 0, reach)):
        return False
    verb = lex.description_verb.search(low, 0, lex.subject_chars + 30)
    if verb is not None and not SENTENCE_BREAK.search(low, 0, verb.start()):
        # The outlet noun names the subject or follows the verb ("is an independent news outlet").
        nearby = WORD.findall(low, 0, verb.start()) + WORD.findall(low, verb.end(), verb.end() + 40)
    elif lex.description_final_verb.search(low):
        # Verb-final Kazakh: the outlet noun opens the sentence, the verb comes anywhere.
        nearby = WORD.findall(low, 0, lex.subject_chars)[:5]
    else:
        return False
    return any(w in lex.outlet_nouns for w in nearby) and lex.media_word.search(low) is not None


def furniture(line: str, lex: Boilerplate, *, late: bool = True) -> Optional[str]:
    """Why a stripped, non-empty line is page furniture, or None when it is text.

    ``late``: the line comes after the first half of the page, where outlets
    describe themselves; earlier, such a sentence is more likely news.
    """
    n = len(line)
    if n <= 80:
        key = _normalise(line)
        if not key or _NO_LETTERS.match(key):
            return "punctuation"
        if key in lex.exact:
            return "menu"
        if key in lex.list_headings:
            return "list-heading"
        if key in lex.byline_labels:
            return "byline-label"
        if _NUMBERS_ONLY.match(line) or _is_timestamp(key, lex):
            return "timestamp"
        if _is_outlet_line(key, lex):
            return "outlet"
        if _BREADCRUMB_INLINE.match(line) or (BREADCRUMB_END.search(line) and len(line.split()) <= 6):
            return "breadcrumb"
        if _is_tag_line(line):
            return "tags"
    elif n <= 160 and _is_tag_line(line):
        return "tags"
    if _URL_LINE.match(line):
        return "url"
    low = line.lower()
    for group in lex.patterns:
        if group.matches(low):
            return group.name
    if late and _is_self_description(low, lex):
        return "self-description"
    return None


def is_short_name(line: str) -> bool:
    """A byline name or breadcrumb step: a few words, no sentence punctuation."""
    return len(line) <= 50 and len(line.split()) <= 5 and not any(c in line for c in ".!?;:")


def is_outlet_label(line: str, lex: Boilerplate) -> bool:
    """ "RFE/RL's Kazakh Service": a few words naming an outlet, no sentence."""
    return len(line.split()) <= 6 and not ends_sentence(line) and any(
        w in lex.outlet_nouns for w in WORD.findall(line.lower())
    )


def is_tail_like(line: str, limit: int = 150) -> bool:
    """A linked headline or a cut-off fragment: short, and no sentence ends it."""
    return len(line) <= limit and not ends_sentence(line)
