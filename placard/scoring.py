"""Scoring system events against gold events (codebook section 4).

Events of one document are paired one to one, best pair first. A gold and a
system event may pair only when they are *compatible*: their cities agree after
folding (both null agree) and their dates agree at the precision both give (a
null date agrees only when the two records share their ``form``).

Among compatible pairs, "best" is a score that rewards agreement beyond
compatibility (see ``pair_score``); ties go to the pair that comes first in the
documents (lower gold index, then lower system index), so pairing is
deterministic and does not depend on dict or set order.

Figures with nothing to divide by (precision when the system found nothing,
accuracy over zero pairs) are ``None``, printed as ``-``.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Optional

from placard.errors import InputError
from placard.records import Result

CityKey = Callable[[Optional[str]], Optional[str]]

UNDETERMINED = "und"  # language of a document whose docs line gives none
LANGUAGE_ORDER = ("en", "ru", "kk")
SIZE_CLASSES = ("1-9", "10-99", "100-999", "1000+", "unknown")
FIGURES = (
    "precision", "recall", "f1", "doc_accuracy", "form", "date", "status", "size",
    "issues_f1", "responses_f1", "targets_recall",
)

_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?$")
_WORD = re.compile(r"\w+")


# --- field readers: tolerant of system output with missing or null keys ------

def record_city(record: Mapping) -> Optional[str]:
    city = (record.get("location") or {}).get("city")
    return city.strip() or None if isinstance(city, str) else None


def record_issues(record: Mapping) -> set[str]:
    return {i for c in record.get("claims") or [] for i in (c or {}).get("issues") or []}


def record_responses(record: Mapping) -> set[str]:
    return {r.get("type") for r in record.get("responses") or [] if r and r.get("type")}


def size_class(record: Mapping) -> str:
    """Crowd-size class from ``size_min``, else ``size_max``."""
    part = record.get("participants") or {}
    value = part.get("size_min")
    if value is None:
        value = part.get("size_max")
    try:
        n = int(value)
    except (TypeError, ValueError):
        return "unknown"
    for bound, label in ((1, "unknown"), (10, "1-9"), (100, "10-99"), (1000, "100-999")):
        if n < bound:
            return label
    return "1000+"


def last_word(name: str) -> Optional[str]:
    words = _WORD.findall(name.casefold())
    return words[-1] if words else None


# --- compatibility -----------------------------------------------------------

def simple_city_fold(name: Optional[str]) -> Optional[str]:
    """Lowercase, strip diacritics, drop hyphens, spaces and punctuation."""
    if not name:
        return None
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(ch for ch in decomposed if ch.isalnum())
    return folded or None


def default_city_key() -> CityKey:
    """The gazetteer's fold when it is importable, else ``simple_city_fold``."""
    try:
        from placard.places import canonical_city_key
    except ImportError:
        return simple_city_fold
    return canonical_city_key


def date_parts(value: Optional[str]) -> Optional[tuple[Optional[int], ...]]:
    """``"XXXX-06-03"`` -> (None, 6, 3); ``"2019-06"`` -> (2019, 6, None); None if unparsable."""
    if not isinstance(value, str):
        return None
    m = _DATE.match(value.strip())
    if not m:
        return None
    return tuple(int(p) if p and p.isdigit() else None for p in m.groups())


def dates_agree(a: Optional[str], b: Optional[str]) -> bool:
    """Agreement at the precision both give: every part known on both sides is equal.

    ``"XXXX-06-03"`` and ``"2019"`` share no known part, so nothing disagrees.
    Null dates are handled by the caller (they need the same form). A string
    that is not a codebook date agrees only with an identical string.
    """
    pa, pb = date_parts(a), date_parts(b)
    if pa is None or pb is None:
        return a == b
    return all(x is None or y is None or x == y for x, y in zip(pa, pb))


class _CityMatcher:
    """Caches folded city names for one scoring run."""

    def __init__(self, city_key: CityKey):
        self._key = city_key
        self._cache: dict[str, tuple[Optional[str], Optional[str]]] = {}

    def _keys(self, name: str) -> tuple[Optional[str], Optional[str]]:
        if name not in self._cache:
            self._cache[name] = (self._key(name), simple_city_fold(name))
        return self._cache[name]

    def agree(self, a: Optional[str], b: Optional[str]) -> bool:
        if a is None or b is None:
            return a is None and b is None
        (ka, fa), (kb, fb) = self._keys(a), self._keys(b)
        return (ka is not None and ka == kb) or (fa is not None and fa == fb)


def compatible(gold: Mapping, system: Mapping, cities: _CityMatcher) -> bool:
    if not cities.agree(record_city(gold), record_city(system)):
        return False
    gd, sd = gold.get("date"), system.get("date")
    if gd is None or sd is None:
        return gold.get("form") == system.get("form")
    return dates_agree(gd, sd)


def _evidence_words(record: Mapping) -> set[str]:
    return {w for s in record.get("evidence") or [] for w in _WORD.findall(str(s).casefold())}


def pair_score(gold: Mapping, system: Mapping) -> float:
    """How much a compatible pair agrees; higher pairs first.

    exact date (null == null) 3, else a date part known and equal on both sides 1;
    same form 2; same status 1; evidence word overlap (Jaccard) up to 2;
    same crowd-size class 0.5. Date and form lead because they decide identity
    most often; evidence breaks ties between same-day, same-form events.
    """
    score = 0.0
    gd, sd = gold.get("date"), system.get("date")
    if gd == sd:
        score += 3
    elif gd is not None and sd is not None:
        pa, pb = date_parts(gd), date_parts(sd)
        if pa and pb and any(x is not None and x == y for x, y in zip(pa, pb)):
            score += 1
    if gold.get("form") == system.get("form"):
        score += 2
    if gold.get("status") == system.get("status"):
        score += 1
    gw, sw = _evidence_words(gold), _evidence_words(system)
    if gw and sw:
        score += 2 * len(gw & sw) / len(gw | sw)
    if size_class(gold) == size_class(system):
        score += 0.5
    return score


def pair_events(gold: list[Mapping], system: list[Mapping], cities: _CityMatcher) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing, best pair first; returns (gold index, system index)."""
    candidates = [
        (-pair_score(g, s), gi, si)
        for gi, g in enumerate(gold)
        for si, s in enumerate(system)
        if compatible(g, s, cities)
    ]
    candidates.sort()
    used_gold: set[int] = set()
    used_system: set[int] = set()
    pairs = []
    for _, gi, si in candidates:
        if gi not in used_gold and si not in used_system:
            used_gold.add(gi)
            used_system.add(si)
            pairs.append((gi, si))
    return sorted(pairs)


# --- tallies -----------------------------------------------------------------

def _ratio(num: int, den: int) -> Optional[float]:
    return num / den if den else None


@dataclass
class SetCounts:
    """Micro counts for set-valued fields (issues, response types)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add_sets(self, gold: set, system: set) -> None:
        self.tp += len(gold & system)
        self.fp += len(system - gold)
        self.fn += len(gold - system)

    def add(self, other: "SetCounts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> Optional[float]:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> Optional[float]:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> Optional[float]:
        # 2TP / (2TP + FP + FN): the harmonic mean of P and R, defined whenever anything was expected or found
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn}


_COUNTERS = (
    "n_docs", "n_gold", "n_system", "n_paired", "docs_correct", "form_correct", "date_correct",
    "status_correct", "size_correct", "targets_found", "targets_total",
)


@dataclass
class Tally:
    """Counts for a set of documents; figures are computed from them."""

    n_docs: int = 0
    n_gold: int = 0
    n_system: int = 0
    n_paired: int = 0
    docs_correct: int = 0
    form_correct: int = 0
    date_correct: int = 0
    status_correct: int = 0
    size_correct: int = 0
    issues: SetCounts = field(default_factory=SetCounts)
    responses: SetCounts = field(default_factory=SetCounts)
    targets_found: int = 0
    targets_total: int = 0

    def add(self, other: "Tally") -> None:
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.issues.add(other.issues)
        self.responses.add(other.responses)

    @property
    def events(self) -> SetCounts:
        return SetCounts(self.n_paired, self.n_system - self.n_paired, self.n_gold - self.n_paired)

    def figures(self) -> dict[str, Optional[float]]:
        events, paired = self.events, self.n_paired
        return {
            "precision": events.precision,
            "recall": events.recall,
            "f1": events.f1,
            "doc_accuracy": _ratio(self.docs_correct, self.n_docs),
            "form": _ratio(self.form_correct, paired),
            "date": _ratio(self.date_correct, paired),
            "status": _ratio(self.status_correct, paired),
            "size": _ratio(self.size_correct, paired),
            "issues_f1": self.issues.f1,
            "responses_f1": self.responses.f1,
            "targets_recall": _ratio(self.targets_found, self.targets_total),
        }

    def to_dict(self) -> dict:
        """Counts (n_docs, n_gold, n_system, n_paired), figures, and the raw counts under "counts"."""
        counts = {name: getattr(self, name) for name in _COUNTERS}
        head = {k: counts.pop(k) for k in ("n_docs", "n_gold", "n_system", "n_paired")}
        counts.update(issues=self.issues.to_dict(), responses=self.responses.to_dict())
        return {**head, **self.figures(), "counts": counts}


def targets_found(gold: Mapping, system: Mapping) -> tuple[int, int]:
    """(found, total) gold targets: found when a system target shares its last word."""
    system_words = {last_word(t) for t in system.get("targets") or [] if isinstance(t, str)}
    gold_words = [last_word(t) for t in gold.get("targets") or [] if isinstance(t, str)]
    found = sum(1 for w in gold_words if w is not None and w in system_words)
    return found, len(gold_words)


def _has_occurred(events: Iterable[Mapping]) -> bool:
    return any(e.get("status") == "occurred" for e in events)


@dataclass(frozen=True)
class DocAlignment:
    """How one document's events were paired."""

    doc_id: str
    lang: str
    gold: tuple[Mapping, ...]
    system: tuple[Mapping, ...]
    pairs: tuple[tuple[int, int], ...]

    @property
    def missed(self) -> list[Mapping]:
        paired = {g for g, _ in self.pairs}
        return [e for i, e in enumerate(self.gold) if i not in paired]

    @property
    def spurious(self) -> list[Mapping]:
        paired = {s for _, s in self.pairs}
        return [e for i, e in enumerate(self.system) if i not in paired]

    def tally(self) -> Tally:
        t = Tally(n_docs=1, n_gold=len(self.gold), n_system=len(self.system), n_paired=len(self.pairs))
        t.docs_correct = int(_has_occurred(self.gold) == _has_occurred(self.system))
        for gi, si in self.pairs:
            g, s = self.gold[gi], self.system[si]
            t.form_correct += g.get("form") == s.get("form")
            t.date_correct += g.get("date") == s.get("date")
            t.status_correct += g.get("status") == s.get("status")
            t.size_correct += size_class(g) == size_class(s)
            t.issues.add_sets(record_issues(g), record_issues(s))
            t.responses.add_sets(record_responses(g), record_responses(s))
            found, total = targets_found(g, s)
            t.targets_found += found
            t.targets_total += total
        return t


@dataclass
class Report:
    """Tallies per language and overall ("all"), plus each document's pairing."""

    tallies: dict[str, Tally]
    docs: list[DocAlignment]
    unscored_system_docs: list[str] = field(default_factory=list)

    def languages(self) -> list[str]:
        """Languages present, codebook order first, "all" last."""
        present = [k for k in self.tallies if k != "all"]
        ordered = [lang for lang in LANGUAGE_ORDER if lang in present]
        return ordered + sorted(k for k in present if k not in LANGUAGE_ORDER) + ["all"]

    def figure(self, lang: str, name: str) -> Optional[float]:
        return self.tallies[lang].to_dict()[name] if lang in self.tallies else None

    def to_dict(self) -> dict:
        return {
            "languages": {lang: self.tallies[lang].to_dict() for lang in self.languages()},
            "unscored_system_docs": list(self.unscored_system_docs),
        }


def score(
    gold: Mapping[str, list[dict]],
    system: Mapping[str, list[dict]],
    langs: Mapping[str, str] | None = None,
    city_key: CityKey | None = None,
) -> Report:
    """Score system events against gold. Documents are those of ``gold``; a gold
    document missing from ``system`` counts as one with no events."""
    cities = _CityMatcher(city_key or default_city_key())
    langs = langs or {}
    tallies: dict[str, Tally] = {"all": Tally()}
    docs = []
    for doc_id, gold_events in gold.items():
        gold_events = list(gold_events or [])
        system_events = list(system.get(doc_id) or [])
        lang = langs.get(doc_id) or UNDETERMINED
        alignment = DocAlignment(
            doc_id, lang, tuple(gold_events), tuple(system_events),
            tuple(pair_events(gold_events, system_events, cities)),
        )
        docs.append(alignment)
        doc_tally = alignment.tally()
        tallies.setdefault(lang, Tally()).add(doc_tally)
        tallies["all"].add(doc_tally)
    unscored = [d for d in system if d not in gold]
    return Report(tallies, docs, unscored)


# --- presentation ------------------------------------------------------------

_COLUMNS = (
    ("docs", "n_docs"), ("gold", "n_gold"), ("sys", "n_system"), ("P", "precision"),
    ("R", "recall"), ("F1", "f1"), ("doc-acc", "doc_accuracy"), ("form", "form"),
    ("date", "date"), ("status", "status"), ("size", "size"), ("issues-F1", "issues_f1"),
    ("resp-F1", "responses_f1"), ("targets-R", "targets_recall"),
)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def format_table(report: Report) -> str:
    header = ["lang"] + [title for title, _ in _COLUMNS]
    rows = [header]
    for lang in report.languages():
        data = report.tallies[lang].to_dict()
        rows.append([lang] + [_cell(data[key]) for _, key in _COLUMNS])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    if report.unscored_system_docs:
        lines.append(f"({len(report.unscored_system_docs)} system documents not in gold were not scored)")
    return "\n".join(lines)


def describe_event(record: Mapping) -> str:
    """A one-line label: form/status, city, date, size class."""
    return (f"{record.get('form')}/{record.get('status')} {record_city(record) or '-'} "
            f"{record.get('date') or '-'} size={size_class(record)}")


def per_doc_diagnostics(report: Report) -> list[dict]:
    """Documents with an error: missed and spurious events, and fields that differ on pairs."""
    out = []
    for doc in report.docs:
        mismatches = []
        for gi, si in doc.pairs:
            g, s = doc.gold[gi], doc.system[si]
            fields = {
                "form": (g.get("form"), s.get("form")),
                "date": (g.get("date"), s.get("date")),
                "status": (g.get("status"), s.get("status")),
                "size": (size_class(g), size_class(s)),
            }
            differing = {k: v for k, v in fields.items() if v[0] != v[1]}
            if differing:
                mismatches.append({"event": describe_event(g), "fields": differing})
        missed = [describe_event(e) for e in doc.missed]
        spurious = [describe_event(e) for e in doc.spurious]
        if missed or spurious or mismatches:
            out.append({"doc_id": doc.doc_id, "lang": doc.lang, "missed": missed,
                        "spurious": spurious, "mismatched": mismatches})
    return out


def format_diagnostics(diagnostics: list[dict]) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{d['doc_id']} [{d['lang']}]")
        lines.extend(f"  missed    {e}" for e in d["missed"])
        lines.extend(f"  spurious  {e}" for e in d["spurious"])
        for m in d["mismatched"]:
            diffs = ", ".join(f"{k} {g!r} -> {s!r}" for k, (g, s) in m["fields"].items())
            lines.append(f"  paired    {m['event']}: {diffs}")
    return "\n".join(lines)


# --- files -------------------------------------------------------------------

def load_jsonl(path: str | Path) -> list[dict]:
    """Every non-blank line of a JSON Lines file, as dicts."""
    path = Path(path)
    rows = []
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise InputError(f"{path}:{number}: expected a JSON object")
                rows.append(row)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return rows


def events_by_doc(rows: Iterable[Mapping], source: str = "events file") -> dict[str, list[dict]]:
    """``{"doc_id", "events"}`` lines (gold or system form) as doc_id -> events."""
    out: dict[str, list[dict]] = {}
    for row in rows:
        doc_id = row.get("doc_id")
        if doc_id is None:
            raise InputError(f"{source}: a line has no doc_id")
        doc_id = str(doc_id)
        if doc_id in out:
            raise InputError(f"{source}: doc_id {doc_id!r} appears twice")
        events = row.get("events") or []
        if not isinstance(events, list):
            raise InputError(f"{source}: events of {doc_id!r} is not a list")
        out[doc_id] = [e for e in events if isinstance(e, dict)]
    return out


def load_events(path: str | Path) -> dict[str, list[dict]]:
    return events_by_doc(load_jsonl(path), source=str(path))


def langs_from_docs(rows: Iterable[Mapping]) -> dict[str, str]:
    return {str(r["id"]): r["lang"] for r in rows if r.get("id") is not None and r.get("lang")}


def run_pipeline(documents: Iterable, pipeline=None) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Extract events from ``placard.records.Document``s; returns (events, langs).

    A document's language is the one its input gives, else the one the pipeline detected.
    """
    if pipeline is None:
        from placard.pipeline import Pipeline

        pipeline = Pipeline.default()
    from placard.reading import ReadFailure

    system: dict[str, list[dict]] = {}
    langs: dict[str, str] = {}
    for doc in documents:
        # a reader may hand over an unreadable input as a Result with its reason
        if isinstance(doc, Result):
            result = doc
        elif isinstance(doc, ReadFailure):
            result = Result(doc_id=doc.doc_id, error=doc.reason)
        else:
            result = pipeline.run(doc)
        system[result.doc_id] = result.to_record()["events"]
        lang = getattr(doc, "lang", None) or (result.article.lang if result.article else None)
        if lang:
            langs[result.doc_id] = lang
    return system, langs


def evaluate(docs_path: str | Path, gold_path: str | Path, pipeline=None,
             city_key: CityKey | None = None) -> Report:
    """Run the pipeline over a docs file and score it against a gold file."""
    from placard.reading import iter_documents

    system, langs = run_pipeline(iter_documents([Path(docs_path)]), pipeline)
    return score(load_events(gold_path), system, langs, city_key)
