"""Deduplication across documents: which event mentions report one protest, and
how their records merge into one canonical event.

Pure functions over codebook records; the store calls them and keeps the SQL.

**Matching** (``match_score``). Two mentions can be one event only when

* they come from different documents (the extractor already split a
  document's events, so two events of one text are never merged);
* they name the same city, compared by ``placard.store.city_key`` (renamings
  folded: Nur-Sultan = Astana), and no two different countries;
* their dates agree at the precision both give and lie within a day: the same
  day; or a day inside a month the other gives (``2019-06`` ~ ``2019-06-03``);
  or a day inside the other's ``date``..``end_date`` run; or one day apart
  when the later date is its own document's publication date (an outlet that
  dates by publication: a rally on the 3rd reported "today" in a paper of the
  4th). ``XXXX-MM-DD`` compares by month and day. A date known only to the
  year, or no date, never matches: too vague to tell protests apart;
* their forms fit: the same form; ``rally`` with ``march``, ``picket``,
  ``sit-in``, ``blockade`` or ``riot`` (outlets name one crowd differently);
  ``sit-in`` with ``hunger-strike``; ``other`` with anything. A strike and a
  rally are two events;
* their claims fit: when both name issues, they share one (``other`` aside),
  or their issues are of one family (``ISSUE_FAMILIES``: livelihood or
  politics), which costs ``OTHER_ISSUES``: issue words are noisy, and one
  water protest is "environment" to one outlet and "public-services" to
  another; a housing rally and a rally for political prisoners are two events.

Fitting pairs get a score, 1 minus what was uncertain (a day's slack, a
month-only date, a generic form, other organisers, planned vs occurred) plus
what two reports share (an issue, an organiser); a pair is one event at
``MATCH_THRESHOLD`` or more.

**Clustering** (``cluster``). Mentions are taken earliest published first
(then doc_id, ordinal: ``source_order``); each joins the event it fits best
or starts a new one. It fits an event when it matches every mention already
there (complete link: a month-only report cannot chain June 3 to June 20) and
its document is not there yet; best = the highest lowest score, ties the
event begun first. The result depends on the set of mentions only, never on
the order they were ingested in, and stays inside the connected parts of the
match graph: the store re-clusters just the part a new document touches.

**Merging** (``merge_records``). Sources are ordered earliest published first
(then doc_id, ordinal); the first source gives ``evidence``, its spans, and
whatever is not merged. Then:

* ``date``: the most precise wins (day > month > year; a year-less
  ``XXXX-MM-DD`` takes the year of a source that agrees); ties: the earliest.
  ``end_date``: the latest given, when after ``date``;
* ``form``: the most specific: ``other`` and ``rally`` give way to a specific
  form; among several, the one most sources give, ties by ``FORM_SPECIFICITY``;
* ``status``: occurred > prevented > planned (any source that saw it happen);
* ``location``: the most precise source's (a city with coordinates > a city >
  a region > a country), whole, so coordinates and names stay together;
  ``site``: the first given;
* crowd: ``size_min``/``size_max`` span what the sources say: the smallest
  lower bound and the largest upper bound (open ends stay open only when no
  source closes them); ``participants.text`` the first given; ``groups`` united;
* ``responses``: united by type, the largest count per type;
* ``claims``, ``targets``, ``organizers``: united, first seen first, compared
  after folding case and accents;
* ``confidence``: 1 - product of (1 - each source's), the chance that at
  least one source is right.

One source merges to its own record, unchanged.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Optional, Sequence

from placard.errors import InputError

MATCH_THRESHOLD = 0.5

# What each doubt costs, and what shared details earn.
ONE_DAY_SLACK = 0.2      # a day apart, the later dated by its publication
WITHIN_RUN = 0.1         # a day inside the other's date..end_date
MONTH_ONLY = 0.25        # one date known only to the month
YEARLESS = 0.05          # an XXXX-MM-DD date
FORM_GENERIC = 0.1       # rally vs a specific form, sit-in vs hunger strike
FORM_OTHER = 0.15        # "other" vs anything
STATUS_DIFFERS = 0.1     # planned (or prevented) vs occurred
ORGANIZERS_DIFFER = 0.2  # both name organisers, none in common
OTHER_ISSUES = 0.3       # both name issues, none shared, but of one family
SHARED_ISSUE = 0.1
SHARED_ORGANIZER = 0.1

FORM_SPECIFICITY = ("hunger-strike", "sit-in", "blockade", "strike", "riot", "march", "picket", "rally", "other")
_FITTING_FORMS = {
    frozenset(pair): FORM_GENERIC
    for pair in [("rally", "march"), ("rally", "picket"), ("rally", "sit-in"), ("rally", "blockade"),
                 ("rally", "riot"), ("sit-in", "hunger-strike")]
}
ISSUE_FAMILIES = {
    "livelihood": ("housing", "social-benefits", "wages-labor", "prices-economy", "public-services",
                   "environment", "land", "health-covid"),
    "politics": ("elections", "political-prisoners", "leadership-change", "rights-freedoms", "police-repression",
                 "justice-courts", "corruption", "foreign-influence", "ethnic-religious"),
}
_FAMILY = {issue: family for family, issues in ISSUE_FAMILIES.items() for issue in issues}
_STATUS_RANK = {"occurred": 0, "prevented": 1, "planned": 2}
_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2})(?:-(\d{2}))?)?$")
_YEARLESS_REFERENCE = 2000  # a leap year: XXXX-02-29 is a day too


def fold(text: Optional[str]) -> str:
    """Case, accents and punctuation folded away, for comparing names."""
    if not text:
        return ""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(re.findall(r"\w+", bare.casefold()))


@dataclass(frozen=True)
class When:
    """A codebook date as days: ``lo``..``hi`` (date ordinals), ``precision``
    "day" | "month" | "year"; ``yearless`` for XXXX dates (then lo/hi are in
    the reference year and ``month``/``day`` carry the comparison)."""

    precision: str
    lo: int
    hi: int
    month: Optional[int] = None
    day: Optional[int] = None
    yearless: bool = False


def parse_when(value: Optional[str]) -> Optional[When]:
    """``When`` of a codebook date; None when absent or malformed."""
    match = _DATE.match(value or "")
    if not match:
        return None
    year_text, month_text, day_text = match.groups()
    yearless = year_text == "XXXX"
    if yearless and not (month_text and day_text):
        return None  # "XXXX" or "XXXX-06": nothing to compare
    year = _YEARLESS_REFERENCE if yearless else int(year_text)
    try:
        if day_text:
            day = dt.date(year, int(month_text), int(day_text)).toordinal()
            return When("day", day, day, int(month_text), int(day_text), yearless)
        if month_text:
            first = dt.date(year, int(month_text), 1)
            following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return When("month", first.toordinal(), following.toordinal() - 1, int(month_text))
        return When("year", dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal())
    except ValueError:
        return None


@dataclass(frozen=True)
class Mention:
    """One document's event, as the extractor wrote it: the unit dedup works on.

    ``city_key`` is the store's key of ``record["location"]["city"]``; pass it
    when known (the store has it), else it is computed."""

    doc_id: str
    ordinal: int
    record: dict
    published: Optional[str] = None
    city_key: Optional[str] = None

    @property
    def key(self) -> tuple[str, int]:
        return self.doc_id, self.ordinal

    @cached_property
    def city(self) -> Optional[str]:
        if self.city_key is not None:
            return self.city_key
        from placard.store import city_key

        return city_key(((self.record.get("location") or {}).get("city")))

    @cached_property
    def when(self) -> Optional[When]:
        return parse_when(self.record.get("date"))

    @cached_property
    def run_end(self) -> Optional[int]:
        """Last day of a multi-day event (its ``end_date``), when after the start."""
        end = parse_when(self.record.get("end_date"))
        start = self.when
        if end is None or start is None or start.yearless != end.yearless or end.hi <= start.hi:
            return None
        return end.hi

    @cached_property
    def dated_by_publication(self) -> bool:
        return bool(self.published) and self.record.get("date") == self.published

    @cached_property
    def country(self) -> Optional[str]:
        country = (self.record.get("location") or {}).get("country")
        return country.upper() if country else None

    @cached_property
    def issues(self) -> frozenset[str]:
        return frozenset(i for c in self.record.get("claims") or [] for i in c.get("issues") or [] if i != "other")

    @cached_property
    def organizers(self) -> frozenset[str]:
        return frozenset(filter(None, (fold(o) for o in self.record.get("organizers") or [])))

    @cached_property
    def signature(self) -> tuple:
        """Everything ``match_score`` reads but the document: equal signatures
        score alike, so a crowd of similar reports is scored once."""
        record = self.record
        return (self.city, self.country, record.get("date"), record.get("end_date"), self.dated_by_publication,
                record.get("form"), record.get("status"), self.issues, self.organizers)

    def window(self) -> Optional[tuple[int, int]]:
        """Days (ordinals) a matching mention's date range must touch; None
        when this mention matches nothing by date or has no year."""
        when = self.when
        if when is None or when.precision == "year" or when.yearless:
            return None
        return when.lo - 1, max(when.hi, self.run_end or when.hi) + 1


def source_order(mention: Mention) -> tuple:
    """Earliest published first (undated last), then doc_id and ordinal."""
    return (mention.published is None, mention.published or "", mention.doc_id, mention.ordinal)


# --- matching -------------------------------------------------------------


def date_doubt(a: Mention, b: Mention) -> Optional[float]:
    """What the dates of ``a`` and ``b`` leave uncertain, or None when they
    cannot be one event's."""
    wa, wb = a.when, b.when
    if wa is None or wb is None or "year" in (wa.precision, wb.precision):
        return None
    if wa.yearless or wb.yearless:
        return _yearless_doubt(a, b)
    if wa.precision == "month" or wb.precision == "month":
        if wa.precision == wb.precision:
            return MONTH_ONLY * 2 if wa.lo == wb.lo else None
        day, month = (wa, wb) if wa.precision == "day" else (wb, wa)
        return MONTH_ONLY if month.lo <= day.lo <= month.hi else None
    if wa.lo == wb.lo:
        return 0.0
    for run, other in ((a, wb), (b, wa)):
        if run.run_end is not None and run.when.lo <= other.lo <= run.run_end:
            return WITHIN_RUN
    if abs(wa.lo - wb.lo) == 1:
        later = a if wa.lo > wb.lo else b
        if later.dated_by_publication:
            return ONE_DAY_SLACK
    return None


def _yearless_doubt(a: Mention, b: Mention) -> Optional[float]:
    wa, wb = a.when, b.when
    if wa.precision == "month" or wb.precision == "month":
        return MONTH_ONLY + YEARLESS if wa.month == wb.month else None
    # Both are days: compare them within one year.
    known = wb if wa.yearless else wa
    year = _YEARLESS_REFERENCE if known.yearless else dt.date.fromordinal(known.lo).year
    try:
        da = dt.date(year, wa.month, wa.day).toordinal()
        db = dt.date(year, wb.month, wb.day).toordinal()
    except ValueError:
        return None
    if da == db:
        return YEARLESS
    return YEARLESS + ONE_DAY_SLACK if abs(da - db) == 1 else None


def form_doubt(form_a: Optional[str], form_b: Optional[str]) -> Optional[float]:
    if form_a == form_b:
        return 0.0
    if "other" in (form_a, form_b):
        return FORM_OTHER
    return _FITTING_FORMS.get(frozenset((form_a, form_b)))


def match_score(a: Mention, b: Mention) -> Optional[float]:
    """How sure we are that ``a`` and ``b`` report one event (0..1), or None
    when they cannot: see the module docstring. Symmetric."""
    if a.doc_id == b.doc_id or a.city is None or a.city != b.city:
        return None
    if a.country and b.country and a.country != b.country:
        return None
    dates = date_doubt(a, b)
    if dates is None:
        return None
    forms = form_doubt(a.record.get("form"), b.record.get("form"))
    if forms is None:
        return None
    score = 1.0 - dates - forms
    if a.issues and b.issues and not (a.issues & b.issues):
        if {_FAMILY.get(i) for i in a.issues}.isdisjoint({_FAMILY.get(i) for i in b.issues}):
            return None
        score -= OTHER_ISSUES
    if a.record.get("status") != b.record.get("status"):
        score -= STATUS_DIFFERS
    if a.issues & b.issues:
        score += SHARED_ISSUE
    if a.organizers and b.organizers:
        score += SHARED_ORGANIZER if a.organizers & b.organizers else -ORGANIZERS_DIFFER
    score = min(score, 1.0)
    return round(score, 6) if score >= MATCH_THRESHOLD else None


# --- clustering -------------------------------------------------------------


class _Group:
    """An event being built: its mentions, documents and distinct signatures."""

    def __init__(self, first: Mention):
        self.members = [first]
        self.documents = {first.doc_id}
        self.signatures = {first.signature: first}

    def add(self, mention: Mention) -> None:
        self.members.append(mention)
        self.documents.add(mention.doc_id)
        self.signatures.setdefault(mention.signature, mention)


def _bucket_keys(mention: Mention, *, own_days: bool) -> list[tuple]:
    """Where a group holding ``mention`` is filed (``own_days`` False: its
    whole match window), or where a mention looks for groups (``own_days``:
    the days it names). Year-less dates are filed by month."""
    when = mention.when
    city = mention.city
    if when.yearless:
        months = {(when.month + k - 1) % 12 + 1 for k in (-1, 0, 1)}
        return [(city, "md", m) for m in months] + ([(city, "month", m) for m in months] if own_days else [])
    if own_days:
        days = range(when.lo, max(when.hi, mention.run_end or when.hi) + 1)
    else:
        lo, hi = mention.window()
        days = range(lo, hi + 1)
    keys: list[tuple] = [(city, "day", d) for d in days]
    months = {dt.date.fromordinal(d).month for d in days}
    keys += [(city, "md" if own_days else "month", m) for m in months]
    return keys


def cluster(mentions: Iterable[Mention]) -> list[tuple[Mention, ...]]:
    """Partition ``mentions`` into events (see the module docstring): each
    group in source order, groups ordered by their first mention's key."""
    unique = {m.key: m for m in mentions}
    memo: dict[tuple, Optional[float]] = {}
    groups: list[_Group] = []
    filed: dict[tuple, list[int]] = {}

    def score(x: Mention, y: Mention) -> Optional[float]:
        pair = (x.signature, y.signature)
        if pair not in memo:
            memo[pair] = memo[pair[::-1]] = match_score(x, y)
        return memo[pair]

    for mention in sorted(unique.values(), key=source_order):
        best: Optional[tuple[float, int]] = None
        matchable = mention.city is not None and mention.when is not None and mention.when.precision != "year"
        if matchable:
            seen: set[int] = set()
            for key in _bucket_keys(mention, own_days=True):
                for index in filed.get(key, ()):
                    if index in seen:
                        continue
                    seen.add(index)
                    group = groups[index]
                    if mention.doc_id in group.documents:
                        continue
                    # Complete link: it must fit every kind of report already there.
                    fits = [score(mention, other) for other in group.signatures.values()]
                    if any(f is None for f in fits):
                        continue
                    candidate = (min(fits), -index)
                    if best is None or candidate > (best[0], -best[1]):
                        best = (min(fits), index)
        if best is None:
            groups.append(_Group(mention))
            index = len(groups) - 1
        else:
            index = best[1]
            groups[index].add(mention)
        if matchable:
            for key in _bucket_keys(mention, own_days=False):
                bucket = filed.setdefault(key, [])
                if not bucket or bucket[-1] != index:
                    bucket.append(index)
    result = [tuple(sorted(g.members, key=source_order)) for g in groups]
    return sorted(result, key=lambda g: min(m.key for m in g))


# --- merging ----------------------------------------------------------------


def merge_records(mentions: Sequence[Mention]) -> dict:
    """One record for mentions of one event (see the module docstring)."""
    ordered = sorted(mentions, key=source_order)
    if not ordered:
        raise InputError("there is nothing to merge: no mention given")
    first = ordered[0].record
    if len(ordered) == 1:
        return _copy(first)
    records = [m.record for m in ordered]
    merged = _copy(first)
    merged["form"] = merged_form([r.get("form") for r in records])
    merged["status"] = min((r.get("status") for r in records), key=lambda s: _STATUS_RANK.get(s, 9))
    merged["date"] = merged_date([r.get("date") for r in records])
    merged["end_date"] = _merged_end(merged["date"], [r.get("end_date") for r in records])
    merged["location"] = _merged_location([r.get("location") or {} for r in records])
    merged["participants"] = _merged_participants([r.get("participants") or {} for r in records])
    merged["organizers"] = _united([r.get("organizers") or [] for r in records], fold)
    merged["targets"] = _united([r.get("targets") or [] for r in records], fold)
    merged["claims"] = _united([r.get("claims") or [] for r in records], lambda c: fold(c.get("text")))
    merged["responses"] = merged_responses([r.get("responses") or [] for r in records])
    if any(r.get("confidence") is not None for r in records):
        doubt = 1.0
        for r in records:
            doubt *= 1.0 - float(r.get("confidence") or 0.0)
        merged["confidence"] = round(1.0 - doubt, 3)
    return merged


def _copy(record: dict) -> dict:
    import copy

    return copy.deepcopy(record)


def merged_form(forms: Sequence[Optional[str]]) -> Optional[str]:
    given = [f for f in forms if f]
    if not given:
        return None
    specific = [f for f in given if f not in ("rally", "other")] or [f for f in given if f != "other"] or given
    rank = {f: i for i, f in enumerate(FORM_SPECIFICITY)}
    return min(set(specific), key=lambda f: (-specific.count(f), rank.get(f, len(rank)), f))


def _date_rank(value: str) -> tuple:
    when = parse_when(value)
    if when is None:
        return (9,)
    precision = {"day": 0, "month": 2, "year": 3}[when.precision]
    return (precision + (1 if when.yearless else 0), when.yearless, when.lo)


def merged_date(values: Sequence[Optional[str]]) -> Optional[str]:
    """The most precise date; ties the earliest; a year-less day borrows the
    year of a source whose date agrees with it."""
    given = [v for v in values if parse_when(v) is not None]
    if not given:
        return next((v for v in values if v), None)
    best = min(given, key=_date_rank)
    when = parse_when(best)
    if when.yearless:
        for other in sorted(given, key=_date_rank):
            ow = parse_when(other)
            if not ow.yearless and ow.precision in ("day", "month") and ow.month == when.month:
                year = dt.date.fromordinal(ow.lo).year
                return f"{year:04d}-{when.month:02d}-{when.day:02d}"
    return best


def _merged_end(date: Optional[str], ends: Sequence[Optional[str]]) -> Optional[str]:
    start = parse_when(date)
    candidates = [(parse_when(e), e) for e in ends if parse_when(e) is not None]
    if start is not None:
        candidates = [(w, e) for w, e in candidates if w.yearless == start.yearless and w.hi > start.hi]
    if not candidates:
        return None
    return max(candidates, key=lambda pair: (pair[0].hi, -_date_rank(pair[1])[0]))[1]


def _location_rank(location: dict) -> int:
    if location.get("city") and location.get("lat") is not None and location.get("lon") is not None:
        return 0
    if location.get("city"):
        return 1
    if location.get("admin1"):
        return 2
    return 3 if location.get("country") else 4


def _merged_location(locations: Sequence[dict]) -> dict:
    best = dict(min(locations, key=_location_rank))  # min() keeps the first of equals
    if not best.get("site"):
        best["site"] = next((loc.get("site") for loc in locations if loc.get("site")), None)
    return best


def merged_size(bounds: Sequence[tuple[Optional[int], Optional[int]]]) -> tuple[Optional[int], Optional[int]]:
    """The range the sources span."""
    lows = [lo for lo, _ in bounds if lo is not None]
    highs = [hi for _, hi in bounds if hi is not None]
    low = min(lows) if lows else None
    high = max(highs) if highs else None
    if low is not None and high is not None and low > high:
        every = lows + highs
        low, high = min(every), max(every)
    return low, high


def _merged_participants(parts: Sequence[dict]) -> dict:
    merged = dict(parts[0])
    merged["text"] = next((p.get("text") for p in parts if p.get("text")), None)
    merged["groups"] = _united([p.get("groups") or [] for p in parts], str)
    merged["size_min"], merged["size_max"] = merged_size([(p.get("size_min"), p.get("size_max")) for p in parts])
    return merged


def merged_responses(lists: Sequence[Sequence[dict]]) -> list[dict]:
    """United by type, the largest count per type, first seen first."""
    merged: list[dict] = [dict(r) for r in lists[0]]
    for responses in lists[1:]:
        for response in responses:
            same = next((r for r in merged if r.get("type") == response.get("type")), None)
            if same is None:
                merged.append(dict(response))
            elif response.get("count") is not None and (same.get("count") is None
                                                         or response["count"] > same["count"]):
                same["count"] = response["count"]
    return merged


def _united(lists: Sequence[Sequence], key) -> list:
    """The first list as it is, then what later lists add (compared by ``key``)."""
    merged = [_copy(item) for item in lists[0]]
    seen = {key(item) for item in merged}
    for items in lists[1:]:
        for item in items:
            k = key(item)
            if k not in seen:
                seen.add(k)
                merged.append(_copy(item))
    return merged
