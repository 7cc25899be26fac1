"""Find date expressions in English, Russian and Kazakh text and resolve them.

Every relative expression is resolved against the publication date handed in
(``published``), never against the clock. The grammar is data: each language
has ``lexicons/dates.<lang>.toml`` with its month and weekday words and an
ordered list of regex rules; the rules of a language are compiled once into
one alternation and matched against a folded copy of the text (lower case,
Latin diacritics folded, one character for one, so offsets are kept). Kazakh
rules are written in Cyrillic and widened letter by letter to read Kazakh in
Latin script too.

Resolution rules (codebook, "Dates"):

* A year written in the expression wins. Without one and without a
  publication date, a day and month give ``XXXX-MM-DD``; a bare month,
  weekday or relative word gives nothing (anaphoric ones keep ``date=None``).
* Year of a day and month without a year: the latest occurrence on or
  before publication + 60 days. So "January 17" in a text of 2019-01-07 is
  2019-01-17 (an announced event), "December 28" in a text of 2019-01-05 is
  2018-12-28, and "January 5" in a text of 2019-12-20 is 2020-01-05. When
  only the month of publication is known, the window counts from the last
  day of that month; when only the year is known, that year is taken.
* A month alone ("in January") is the latest such month that starts on or
  before publication + 60 days; "last/next January" look strictly back or
  forward from the month of publication.
* A weekday is the latest such day on or before publication (the day of
  publication counts); "last Monday" is strictly before, "next Monday"
  strictly after, "this Saturday" on or after. With a publication date of
  month or year precision a weekday or "yesterday" gives that month or year.
* "last week", "earlier this month", "на прошлой неделе", "өткен аптада" are
  vague: the day they point to is given with month precision.
* A weekday or "today" written right next to an explicit date ("Monday,
  June 3", "сегодня, 10 мая") is one mention: the explicit date.
* In "from 23 November to 11 December 2019" the first date takes the year
  of the second.
"""
from __future__ import annotations

import calendar
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from typing import Optional

from placard.errors import ConfigError
from placard.script import fold, kazakh_latin, widen  # noqa: F401 (fold and widen are part of this API)
from placard.records import Article, DateMention, ResolvedDate

LANGUAGES = ("en", "ru", "kk")
FORWARD_DAYS = 60  # how far after publication a date without a year may lie
RULE_TYPES = ("date", "month", "year", "weekday", "relative", "anaphoric")
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

# --------------------------------------------------------------------- grammar
@dataclass(frozen=True)
class _Vocab:
    """Folded words to values; Kazakh Latin spellings are found by pattern."""

    exact: dict
    variants: tuple = ()  # ((compiled fullmatch pattern, value), ...)

    def get(self, word: Optional[str]):
        if word is None:
            return None
        word = " ".join(word.rstrip(".").split())
        if word in self.exact:
            return self.exact[word]
        for pattern, value in self.variants:
            if pattern.fullmatch(word):
                return value
        return None


@dataclass(frozen=True)
class _Rule:
    name: str
    lang: str
    type: str
    groups: frozenset
    capitalized: tuple = ()
    unit: str = "day"
    amount: int = 0
    precision: str = "day"
    kind: str = ""
    weekday: Optional[int] = None
    direction: Optional[str] = None


@dataclass(frozen=True)
class _Language:
    months: _Vocab
    weekdays: _Vocab
    numbers: _Vocab
    directions: _Vocab
    year_relative: _Vocab
    connectors: re.Pattern


@dataclass(frozen=True)
class _Grammar:
    regex: re.Pattern
    rules: dict  # outer group name -> _Rule
    languages: dict  # lang -> _Language


def load_lexicon(lang: str) -> dict:
    """The raw TOML data of ``dates.<lang>.toml``."""
    try:
        text = resources.files("placard.lexicons").joinpath(f"dates.{lang}.toml").read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"date lexicon {lang!r} cannot be read: {exc}") from exc
    if data.pop("latin_script", False):
        data["latin"] = kazakh_latin()
    return data


def _alternation(items) -> str:
    return "|".join(sorted(set(items), key=lambda s: (-len(s), s)))


def _literal(word: str) -> str:
    return r"\s+".join(re.escape(part) for part in fold(word).split())


_PLACEHOLDER = re.compile(r"(?<!P)<(day2?|year2?|month|weekday|number|dir|yrel|word)(?::([\w+|]+))?>")


def _expand(pattern: str, data: dict) -> str:
    words = data.get("words", {})
    count_nouns = "|".join(words.get("count_nouns", ["%"]))

    def day(group):
        return rf"\b(?<![\d.,:/])(?P<{group}>3[01]|[12]\d|0?[1-9])(?![.,:]?\d)"

    def year(group):
        return (rf"\b(?<![\d.,:/])(?P<{group}>(?:19|20)\d\d)(?![.,:]?\d)"
                rf"(?!\s*(?:{count_nouns})(?!\w))")

    def entry_forms(entries: list, spec: str) -> list:
        # "names+abbr|bare": the forms of the fields names and abbr of the entries marked bare;
        # an abbreviation may end in a dot ("Jan. 27", "3 янв.")
        fields, _, flag = spec.partition("|")
        return [_literal(form) + (r"\b\.?" if field == "abbr" else "")
                for entry in entries if not flag or entry.get(flag)
                for field in fields.split("+") for form in entry.get(field, [])]

    def replace_one(match):
        name, arg = match.group(1), match.group(2)
        if name in ("day", "day2"):
            return day("d" if name == "day" else "d2")
        if name in ("year", "year2"):
            return year("y" if name == "year" else "y2")
        if name in ("month", "weekday"):
            forms = entry_forms(data["months" if name == "month" else "weekdays"], arg or "")
            if not forms:
                raise ConfigError(f"date lexicon {data.get('lang')}: <{name}:{arg}> has no words")
            return f"(?P<{name[0]}>{_alternation(forms)})"
        if name == "number":
            return rf"(?P<n>\d{{1,2}}|{_alternation(_literal(k) for k in data.get('numbers', {}))})"
        if name in ("dir", "yrel"):
            table = data.get("directions" if name == "dir" else "year_relative", {})
            return f"(?P<{name}>{_alternation(_literal(k) for k in table)})"
        if arg not in words:
            raise ConfigError(f"date lexicon {data.get('lang')}: no [words].{arg}")
        return f"(?:{_alternation(words[arg])})"

    return _PLACEHOLDER.sub(replace_one, pattern)


def compile_rule(pattern: str, data: dict) -> str:
    """One rule's pattern with its placeholders expanded (and widened for Kazakh)."""
    expanded = _expand(pattern, data)
    return widen(expanded, data["latin"]) if "latin" in data else expanded


def _forms(entries: list) -> list:
    """Every word form of month or weekday entries, with the entry's index."""
    return [(form, index) for index, entry in enumerate(entries) for forms in entry.values()
            if isinstance(forms, list) for form in forms]


def _language(data: dict) -> _Language:
    latin = data.get("latin")

    def vocab(pairs) -> _Vocab:
        pairs = list(pairs)
        variants = tuple((re.compile(widen(_literal(k), latin)), v) for k, v in pairs) if latin else ()
        return _Vocab({fold(k): v for k, v in pairs}, variants)

    connectors = data.get("words", {}).get("range_connectors", ["-"])
    return _Language(
        months=vocab(_forms(data["months"])), weekdays=vocab(_forms(data["weekdays"])),
        numbers=vocab(data.get("numbers", {}).items()), directions=vocab(data.get("directions", {}).items()),
        year_relative=vocab(data.get("year_relative", {}).items()),
        connectors=re.compile(rf"\s*(?:{_alternation(re.escape(c) for c in connectors)})\s*"),
    )


def _trie(words) -> str:
    """A regex for ``words`` branching letter by letter; ``word*`` matches any word it begins."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word.rstrip("*"):
            node = node.setdefault(char, {})
        node["*" if word.endswith("*") else ""] = {}

    def emit(node: dict) -> str:
        if "*" in node:  # a word beginning already decides
            return ""
        parts = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        parts += [r"(?!\w)"] if "" in node else []
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return emit(tree)


def gate_words(data: dict) -> tuple[list, list]:
    """(leads, anchors) of a language: see the [words] section of its lexicon."""
    words = data.get("words", {})
    stem = "*" if "latin" in data else ""  # Kazakh stems take case endings
    anchors = list(words.get("anchors", []))
    anchors += list(data.get("directions", {})) + list(data.get("year_relative", {}))
    anchors += [form + stem for form, _ in _forms(data["months"]) + _forms(data["weekdays"])]
    leads = list(words.get("leads", [])) + list(data.get("numbers", {}))
    first_words = lambda items: sorted({fold(w).split()[0] for w in items if w.strip()})
    return first_words(leads), first_words(anchors)


def _gate(data: dict) -> str:
    leads, anchors = gate_words(data)
    gate = rf"(?:{_trie(leads)}\W{{1,3}}){{0,4}}(?:\d|{_trie(anchors)})"
    return widen(gate, data["latin"]) if "latin" in data else gate


@lru_cache(maxsize=None)
def _grammar(langs: tuple) -> _Grammar:
    # Rules are tried only where a few lead words reach an anchor word or a
    # digit: trying every rule at every position is ten times slower.
    pieces, rules, languages, gates = [], {}, {}, []
    for lang in langs:
        data = load_lexicon(lang)
        languages[lang] = _language(data)
        gates.append(_gate(data))
        for index, spec in enumerate(data.get("rules", [])):
            if spec.get("type") not in RULE_TYPES:
                raise ConfigError(f"date lexicon {lang}: rule {index} has type {spec.get('type')!r}")
            name = f"{lang}{index}"
            body = compile_rule(spec["pattern"], data)
            groups = frozenset(re.findall(r"\(\?P<(\w+)>", body))
            body = re.sub(r"\(\?P([<=])(\w+)", lambda m: f"(?P{m.group(1)}{name}_{m.group(2)}", body)
            pieces.append(f"(?P<{name}>{body})")
            rules[name] = _Rule(
                name=name, lang=lang, type=spec["type"], groups=groups,
                capitalized=tuple(spec.get("capitalized", ())), unit=spec.get("unit", "day"),
                amount=int(spec.get("amount", 0)), precision=spec.get("precision", "day"),
                kind=spec.get("kind", ""), weekday=spec.get("weekday"), direction=spec.get("direction"))
    try:
        regex = re.compile(rf"(?<!\w)(?={'|'.join(gates)})(?:{'|'.join(pieces)})")
    except re.error as exc:
        raise ConfigError(f"date rules for {langs} do not compile: {exc}") from exc
    return _Grammar(regex, rules, languages)


_CYRILLIC = re.compile("[а-яәғқңөұүһі]")
_LATIN = re.compile("[a-z]")


def grammar_for(lang: Optional[str], folded: str = "") -> _Grammar:
    """The compiled rules of ``lang``; for an unknown one, of each language whose script
    ``folded`` uses (Kazakh is written in both)."""
    if lang in LANGUAGES:
        return _grammar((lang,))
    if not folded:
        return _grammar(LANGUAGES)
    return _grammar(tuple(code for code, present in (
        ("en", _LATIN.search(folded)), ("ru", _CYRILLIC.search(folded)), ("kk", True)) if present))


# ------------------------------------------------------------------ resolution
@dataclass(frozen=True)
class _Reference:
    """The publication date, split up, with the latest day it may stand for."""

    value: ResolvedDate
    year: int
    month: int = 0
    day: int = 0

    @property
    def precision(self) -> str:
        return self.value.precision

    @property
    def anchor(self) -> date:
        if self.precision == "day":
            return date(self.year, self.month, self.day)
        if self.precision == "month":
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)


_PUBLISHED = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_published(value: Optional[str]) -> Optional[ResolvedDate]:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as a ResolvedDate; anything else None."""
    if not isinstance(value, str):
        return None
    match = _PUBLISHED.fullmatch(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else 0 for g in match.groups())
    if not 1000 <= year <= 2999 or (match.group(2) and not 1 <= month <= 12):
        return None
    if match.group(3):
        return _day(year, month, day)
    return ResolvedDate(f"{year:04d}-{month:02d}", "month") if month else ResolvedDate(f"{year:04d}", "year")


def _reference(published: Optional[ResolvedDate]) -> Optional[_Reference]:
    if published is None or not published.year_known:
        return None
    parts = [int(p) for p in published.value.split("-")]
    return _Reference(published, *parts)


def _day(year: int, month: int, day: int) -> Optional[ResolvedDate]:
    if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
        return ResolvedDate(f"{year:04d}-{month:02d}-{day:02d}", "day")
    return None


def _format(when: date, precision: str) -> ResolvedDate:
    value = {"day": f"{when:%Y-%m-%d}", "month": f"{when:%Y-%m}", "year": f"{when.year:04d}"}[precision]
    return ResolvedDate(value, precision)


def _day_month(ref: Optional[_Reference], month: int, day: int, year: Optional[int] = None):
    if year is not None:
        return _day(year, month, day)
    if ref is None:
        return ResolvedDate(f"XXXX-{month:02d}-{day:02d}", "day") if _day(2000, month, day) else None
    if ref.precision == "year":
        return _day(ref.year, month, day)
    limit = ref.anchor + timedelta(days=FORWARD_DAYS)
    year = limit.year if (month, day) <= (limit.month, limit.day) else limit.year - 1
    for candidate in range(year, year - 4, -1):  # 29 February: the latest leap year
        if resolved := _day(candidate, month, day):
            return resolved
    return None


def _month_alone(ref: Optional[_Reference], month: int, direction: Optional[str]):
    if ref is None:
        return None
    year, limit = ref.year, ref.anchor + timedelta(days=FORWARD_DAYS)
    if ref.precision != "year":
        year = {"last": ref.year - (month >= ref.month), "next": ref.year + (month <= ref.month),
                "upcoming": ref.year + (month < ref.month)}.get(direction, limit.year - (month > limit.month))
    return ResolvedDate(f"{year:04d}-{month:02d}", "month")


def _weekday(ref: Optional[_Reference], weekday: int, direction: Optional[str]):
    if ref is None:
        return None
    if ref.precision != "day":
        return ref.value
    base = ref.anchor
    ahead, back = (weekday - base.weekday()) % 7, (base.weekday() - weekday) % 7
    delta = {"next": ahead or 7, "upcoming": ahead, "last": -(back or 7)}.get(direction, -back)
    return _format(base + timedelta(days=delta), "day")


def _shift(ref: Optional[_Reference], unit: str, amount: int, precision: str):
    """Publication date moved by ``amount`` units, at the coarser of the two precisions."""
    if ref is None:
        return None
    if _PRECISION_RANK[ref.precision] > _PRECISION_RANK.get(unit, 0):
        unit, amount = ref.precision, 0  # a day shift of a month-precision date: stay in that month
    if _PRECISION_RANK[ref.precision] > _PRECISION_RANK[precision]:
        precision = ref.precision
    start = date(ref.year, ref.month or 1, ref.day or 1)
    if unit == "day":
        when = start + timedelta(days=amount)
    elif unit == "month":
        year, month = divmod(ref.year * 12 + start.month - 1 + amount, 12)
        when = date(year, month + 1, 1)
    else:
        when = date(ref.year + amount, 1, 1)
    return _format(when, precision)


# --------------------------------------------------------------------- finding
@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    date: Optional[ResolvedDate]
    kind: str
    offset_days: Optional[int] = None
    day_month: Optional[tuple] = None  # (month, day) of an explicit date
    year: Optional[int] = None  # the year the text wrote for it


def _resolve_match(match: re.Match, rule: _Rule, text: str, ref: Optional[_Reference],
                   lang: _Language) -> list:
    """The mentions one match of ``rule`` stands for (two for a range, none if it cannot be resolved)."""
    start, end = match.span()

    def g(group: str) -> Optional[str]:  # the rule's own groups carry its name as a prefix
        return match.group(f"{rule.name}_{group}") if group in rule.groups else None

    def span(group: str) -> tuple:
        return match.span(f"{rule.name}_{group}")

    for group in rule.capitalized:
        if g(group) is not None and not text[span(group)[0]].isupper():
            return []
    yrel = lang.year_relative.get(g("yrel"))
    rel_year = ref.year + yrel if ref is not None and yrel is not None else None
    month = lang.months.get(g("m"))
    month = month + 1 if month is not None else int(g("mn") or 0)
    if rule.type in ("date", "month") and not month:
        return []
    if rule.type == "date":
        year = int(g("y")) if g("y") else rel_year
        days = [(start, end, int(g("d")))]
        if g("d2"):  # a range: two mentions sharing the month and year
            days = [(start, span("d")[1], int(g("d"))), (span("d2")[0], end, int(g("d2")))]
        found = []
        for s, e, day in days:
            resolved = _day_month(ref, month, day, year)
            if resolved:
                found.append(_Found(s, e, resolved, "explicit", day_month=(month, day), year=year))
        return found
    if rule.type == "month":
        if g("y") or rel_year is not None:
            resolved = ResolvedDate(f"{int(g('y')) if g('y') else rel_year:04d}-{month:02d}", "month")
        else:
            resolved = _month_alone(ref, month, lang.directions.get(g("dir")))
        return [_Found(start, end, resolved, "explicit")] if resolved else []
    if rule.type == "year":
        found = [_Found(start, span("y")[1] if g("y2") else end, ResolvedDate(g("y"), "year"), "explicit")]
        if g("y2") and int(g("y2")) > int(g("y")):
            found.append(_Found(span("y2")[0], end, ResolvedDate(g("y2"), "year"), "explicit"))
        return found
    if rule.type == "weekday":
        weekday = rule.weekday if rule.weekday is not None else lang.weekdays.get(g("w"))
        if weekday is None:
            return []
        resolved = _weekday(ref, weekday, lang.directions.get(g("dir")) or rule.direction)
        return [_Found(start, end, resolved, "weekday")] if resolved else []
    count = lang.numbers.get(g("n")) if g("n") and not g("n").isdigit() else int(g("n") or 1)
    amount = rule.amount * (count or 1)
    if rule.type == "anaphoric":
        return [_Found(start, end, _shift(ref, "day", amount, "day"), "anaphoric", offset_days=amount)]
    resolved = _shift(ref, rule.unit, amount, rule.precision)
    return [_Found(start, end, resolved, rule.kind or "relative")] if resolved else []


_BESIDE = re.compile(r"[ \t]*[,(]?[ \t]*")


def _join(found: list, text: str, ref: Optional[_Reference], languages: dict) -> list:
    """Lend a range's year to its first date; fold "Monday, June 3" into one mention."""
    connectors = [lang.connectors for lang in languages.values()]
    for i in range(len(found) - 1):
        first, second = found[i], found[i + 1]
        if (first.day_month and first.year is None and second.day_month and second.year is not None
                and any(c.fullmatch(text, first.end, second.start) for c in connectors)):
            year = second.year if first.day_month <= second.day_month else second.year - 1
            resolved = _day_month(ref, *first.day_month, year)
            if resolved:
                found[i] = replace(first, date=resolved, year=year)
    joined: list = []
    for item in found:
        if joined and _BESIDE.fullmatch(text, joined[-1].end, item.start):
            last = joined[-1]
            vague = ("weekday", "relative", "published", "anaphoric")
            if last.kind in vague and item.kind == "explicit" and item.day_month:
                joined[-1] = replace(item, start=last.start)
                continue
            if item.kind == "weekday" and last.kind == "explicit" and last.day_month:
                joined[-1] = replace(last, end=item.end)
                continue
        joined.append(item)
    return joined


def find_dates(text: str, lang: Optional[str], published: Optional[ResolvedDate],
               start: int = 0, end: Optional[int] = None) -> list[DateMention]:
    """Date expressions in ``text[start:end]``, resolved against ``published``, in text order."""
    end = len(text) if end is None else min(end, len(text))
    if not text or start >= end:
        return []
    ref = _reference(published)
    offset = max(0, start - 8)  # a little context before ``start`` for look-behinds
    window = text[offset:end]
    folded = fold(window)
    grammar = grammar_for(lang, folded)
    found: list = []
    for match in grammar.regex.finditer(folded, start - offset):
        rule = grammar.rules[match.lastgroup]
        found.extend(_resolve_match(match, rule, window, ref, grammar.languages[rule.lang]))
    found = _join(found, window, ref, grammar.languages)
    return [DateMention(f.start + offset, f.end + offset, f.date, f.kind, f.offset_days) for f in found]


class DateStage:
    """Pipeline stage: ``Article.dates`` from the cleaned text; sets ``published`` if missing."""

    name = "dates"

    def __call__(self, article: Article) -> Article:
        published = article.published or parse_published(article.doc.published)
        dates = tuple(find_dates(article.text, article.lang, published))
        if article.published is None and published is not None:
            return article.evolve(dates=dates, published=published)
        return article.evolve(dates=dates)
