"""Per-language word lists (``lexicons/<lang>.toml``), compiled once.

A language plugs in as data: a new ``<lang>.toml`` with the same sections
gives the detector and extractor everything they need.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Optional, Pattern

from placard.errors import ConfigError
from placard.records import FORMS, GROUPS, ISSUES, RESPONSES
from placard.script import kazakh_latin, widen

FLAGS = re.IGNORECASE | re.UNICODE


def word_regex(patterns: list[str], flags: int = FLAGS) -> Optional[Pattern[str]]:
    """One regex matching any of ``patterns`` as whole words."""
    if not patterns:
        return None
    body = "|".join(f"(?:{p})" for p in patterns)
    # a hyphen joins words: the "in" of "sit-in" is no preposition
    return re.compile(rf"(?<![\w-])(?:{body})(?!\w)", flags)


@dataclass(frozen=True)
class TriggerRule:
    form: str
    strength: float
    generic: bool
    regex: Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    lang: str
    triggers: tuple[TriggerRule, ...]
    any_trigger: Optional[Pattern[str]]  # every trigger pattern in one regex
    not_protest: Optional[Pattern[str]]
    generic: Optional[Pattern[str]]
    planned: Optional[Pattern[str]]
    prevented: Optional[Pattern[str]]
    cancelled: Optional[Pattern[str]]
    numbers: dict[str, int]
    number_words: Optional[Pattern[str]]
    vague: tuple[tuple[Pattern[str], Optional[int], Optional[int]], ...]
    quantifiers: dict[str, Pattern[str]]
    people: Optional[Pattern[str]]
    units: Optional[Pattern[str]]
    negation: Optional[Pattern[str]]
    groups: dict[str, Pattern[str]]
    claim_cues: Optional[Pattern[str]]
    issues: dict[str, Pattern[str]]
    target_titles: Optional[Pattern[str]]
    institutions: Optional[Pattern[str]]
    target_cues: Optional[Pattern[str]]
    responses: dict[str, Pattern[str]]
    extra: dict  # language-specific sections (e.g. Kazakh suffixes), raw


def _compile_table(table: dict, vocabulary: tuple[str, ...], section: str, lang: str,
                   stems: bool = False) -> dict[str, Pattern[str]]:
    """``stems``: patterns are word beginnings ("corrupt" finds "corruption")."""
    compiled = {}
    for label, patterns in table.items():
        if label not in vocabulary:
            raise ConfigError(f"lexicon {lang}: [{section}] has {label!r}, not in the codebook vocabulary")
        regex = word_regex(list(patterns))
        if stems and patterns:
            regex = re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", FLAGS)
        if regex is not None:
            compiled[label] = regex
    return compiled


PATTERN_LISTS = ("not_protest", "generic", "people", "units", "negation")
PATTERN_TABLES = ("status", "quantifier", "groups", "issues", "responses", "targets", "x_site", "x_capital")


def _widened(data: dict) -> dict:
    """The lexicon with every pattern widened to read Latin-script Kazakh too."""
    latin = kazakh_latin()

    def w(patterns):
        return [widen(p, latin) for p in patterns]

    data = dict(data)
    data["trigger"] = [{**entry, "patterns": w(entry["patterns"])} for entry in data.get("trigger", [])]
    for section in PATTERN_LISTS:
        if section in data:
            data[section] = {**data[section], "patterns": w(data[section].get("patterns", []))}
    for section in PATTERN_TABLES:
        if section in data:
            data[section] = {k: w(v) if isinstance(v, list) else v for k, v in data[section].items()}
    if "claims" in data:
        data["claims"] = {**data["claims"], "cues": w(data["claims"].get("cues", []))}
    data["vague"] = {widen(k, latin): v for k, v in data.get("vague", {}).items()}
    return data


def build_lexicon(data: dict) -> Lexicon:
    lang = data.get("lang", "?")
    try:
        if data.get("x_latin_script"):
            data = _widened(data)
        triggers = []
        for entry in data.get("trigger", []):
            if entry["form"] not in FORMS:
                raise ConfigError(f"lexicon {lang}: trigger form {entry['form']!r} is not a codebook form")
            triggers.append(TriggerRule(entry["form"], float(entry.get("strength", 1.0)),
                                        bool(entry.get("generic", False)), word_regex(entry["patterns"])))
        numbers = {k.lower(): int(v) for k, v in data.get("numbers", {}).items()}
        vague = tuple(
            (word_regex([pattern]), None if lo < 0 else lo, None if hi < 0 else hi)
            for pattern, (lo, hi) in sorted(data.get("vague", {}).items(), key=lambda kv: -len(kv[0]))
        )
        status = data.get("status", {})
        targets = data.get("targets", {})
        return Lexicon(
            lang=lang,
            triggers=tuple(triggers),
            any_trigger=re.compile("|".join(r.regex.pattern for r in triggers), FLAGS) if triggers else None,
            not_protest=word_regex(data.get("not_protest", {}).get("patterns", [])),
            generic=word_regex(data.get("generic", {}).get("patterns", [])),
            planned=word_regex(status.get("planned", [])),
            prevented=word_regex(status.get("prevented", [])),
            cancelled=word_regex(status.get("cancelled", [])),
            numbers=numbers,
            number_words=_number_regex(numbers, agglutinative=bool(data.get("x_agglutinative")),
                                       latin=kazakh_latin() if data.get("x_latin_script") else None),
            vague=vague,
            quantifiers={k: word_regex(v) for k, v in data.get("quantifier", {}).items() if v},
            people=word_regex(data.get("people", {}).get("patterns", [])),
            units=word_regex(data.get("units", {}).get("patterns", [])),
            negation=word_regex(data.get("negation", {}).get("patterns", [])),
            groups=_compile_table(data.get("groups", {}), GROUPS, "groups", lang),
            claim_cues=word_regex(data.get("claims", {}).get("cues", [])),
            issues=_compile_table(data.get("issues", {}), ISSUES, "issues", lang, stems=True),
            target_titles=word_regex(targets.get("titles", []), re.UNICODE),
            institutions=word_regex(targets.get("institutions", [])),
            target_cues=word_regex(targets.get("cues", [])),
            responses=_compile_table(data.get("responses", {}), RESPONSES, "responses", lang),
            extra={k: v for k, v in data.items() if k.startswith("x_")},
        )
    except re.error as exc:
        raise ConfigError(f"lexicon {lang}: bad pattern: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"lexicon {lang}: malformed entry: {exc}") from exc


def _number_regex(numbers: dict[str, int], agglutinative: bool, latin: Optional[dict] = None) -> Optional[Pattern[str]]:
    if not numbers:
        return None
    body = "|".join(sorted((re.escape(k) for k in numbers), key=len, reverse=True))
    if latin:
        body = widen(body, latin)
    # In Kazakh the case ending sticks to the number word ("жиырмадан астам").
    end = "" if agglutinative else r"(?!\w)"
    return re.compile(rf"(?<!\w)(?:{body}){end}", FLAGS)


def available_languages() -> list[str]:
    folder = resources.files("placard") / "lexicons"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml") and p.name.count(".") == 1
                  and len(p.name) == 7)


@lru_cache(maxsize=None)
def load_lexicon(lang: str) -> Lexicon:
    """The compiled lexicon for ``lang`` (cached: lexicons are immutable)."""
    path = resources.files("placard") / "lexicons" / f"{lang}.toml"
    if not path.is_file():
        raise ConfigError(f"no lexicon for language {lang!r}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"lexicon {lang}: {exc}") from exc
    return build_lexicon(data)
