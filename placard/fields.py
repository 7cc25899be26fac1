"""Field extractors: crowd size, participants, claims, targets, responses, site.

Each function reads one span of text (usually one sentence) with a language's
``Lexicon`` and returns plain values; ``extract.py`` decides which sentences
belong to which event and calls these on them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Sequence

from placard.lexicon import Lexicon
from placard.records import Claim, Response

NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,\u00a0 ]\d{3})+|\d+)(?![\d])")
CLAUSE_END = re.compile(r"[.;!?…]|\s--\s|\s[—–]\s|,\s(?:and|while|but|who|which|as|after|before|when|where|said|"
                        r"according)\b")
CAPITALIZED = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w’'.-]*(?:\s+[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w’'-]*){0,3}")
STOP_CAPITALIZED = {
    "The", "A", "An", "He", "She", "They", "It", "We", "In", "On", "At", "And", "But", "Some", "All", "Prime",
    "Minister", "President", "Interim", "Mayor", "Governor", "Kazakh", "Kyrgyz", "Police", "If", "To", "Chinese",
}


@dataclass(frozen=True)
class Crowd:
    size_min: Optional[int]
    size_max: Optional[int]
    start: int  # span of the whole quantity phrase, offsets into the text given
    end: int
    is_count_of_detained: bool = False


def parse_number(token: str, lexicon: Lexicon) -> Optional[int]:
    token = token.strip()
    digits = re.sub(r"[,\u00a0 ]", "", token)
    if digits.isdigit():
        return int(digits)
    return lexicon.numbers.get(token.lower())


def _quantity_phrases(lexicon: Lexicon, segment: str):
    """Yield (start, end, size_min, size_max) for every quantity in ``segment``."""
    taken: list[tuple[int, int]] = []
    for regex, low, high in lexicon.vague:
        for m in regex.finditer(segment):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                taken.append(m.span())
                yield m.start(), m.end(), low, high
    numbers = [(m.start(1), m.end(1), m.group(1)) for m in NUMBER.finditer(segment)]
    if lexicon.number_words:
        numbers += [(m.start(), m.end(), m.group(0)) for m in lexicon.number_words.finditer(segment)]
    between = re.compile(r"between\s+$|от\s+$|from\s+$", re.IGNORECASE)
    for start, end, token in sorted(numbers):
        if any(start < e and s < end for s, e in taken):
            continue
        value = parse_number(token, lexicon)
        if value is None:
            continue
        before = segment[max(0, start - 30):start]
        base = start - len(before)
        stripped = before.rstrip()
        after = segment[end:end + 25]
        low, high = value, value
        for kind in ("more_than", "at_least", "up_to", "about"):
            regex = lexicon.quantifiers.get(kind)
            m = next((m for m in regex.finditer(stripped) if m.end() == len(stripped)), None) if regex else None
            if m:
                low, high = {"more_than": (value + 1, None), "at_least": (value, None),
                             "up_to": (None, value), "about": (value, value)}[kind]
                start = base + m.start()
                break
        else:
            for kind in ("more_than_after", "about_after", "at_least_after", "up_to_after"):
                regex = lexicon.quantifiers.get(kind)
                lead = len(after) - len(after.lstrip())
                m = regex.match(after, lead) if regex else None
                if m:
                    low, high = {"more_than_after": (value + 1, None), "about_after": (value, value),
                                 "at_least_after": (value, None), "up_to_after": (None, value)}[kind]
                    end += m.end()
                    break
        range_match = re.match(r"\s*(?:and|to|-|–|до|и)\s*(\d{1,3}(?:[,\u00a0 ]\d{3})+|\d+)", segment[end:])
        if range_match and between.search(segment[max(0, start - 10):start]):
            high = parse_number(range_match.group(1), lexicon)
            end += range_match.end()
        if 1900 <= value <= 2100 and low == high:
            continue  # a year, not a crowd
        taken.append((start, end))
        yield start, end, low, high


def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


def find_crowd(lexicon: Lexicon, segment: str, trigger_regex=None, exclude=()) -> Optional[Crowd]:
    """The first quantity of people in ``segment`` ("dozens of women", "about 30 people").

    ``exclude``: spans (dates, place names) where a number is not a quantity.
    """
    if lexicon.people is None:
        return None
    detained = lexicon.responses.get("detained")
    for start, end, low, high in sorted(_quantity_phrases(lexicon, segment)):
        if _overlaps(start, end, exclude):
            continue
        if lexicon.units and (unit := lexicon.units.match(segment, end + len(segment[end:]) - len(segment[end:].lstrip()))):
            if unit.start() - end <= 2:
                continue  # "146,000 tenge", "96 hours": money and time, not people
        window = segment[end:end + 60]
        people = lexicon.people.search(window)
        near_people = people is not None and len(window[:people.start()].split()) <= 4
        # "Hundreds participating in a rally": vague words need no noun; a bare number does ("96 hours to gather")
        vague = not NUMBER.search(segment[start:end]) and not (lexicon.number_words and lexicon.number_words.search(
            segment[start:end]))
        # ...and a verb right after them ("Hundreds participating"), not a noun ("several strikes")
        vague = vague and re.match(r"\s*\w+(?:ing|ed)\b", window) is not None
        near_trigger = vague and trigger_regex is not None and (m := trigger_regex.search(window)) is not None and \
            len(window[:m.start()].split()) <= 3
        if not (near_people or near_trigger):
            continue
        clause_end = CLAUSE_END.search(segment, end)
        clause = segment[end:clause_end.start() if clause_end else len(segment)]
        before = segment[max(0, start - 25):start]
        counted = bool(detained and (detained.search(before) or detained.search(clause[:80])))
        return Crowd(low, high, start, end + (people.end() if near_people else 0), counted)
    return None


def participants_phrase(lexicon: Lexicon, segment: str, crowd: Optional[Crowd]) -> Optional[str]:
    if crowd is not None and not crowd.is_count_of_detained:
        phrase = segment[crowd.start:crowd.end]
        tail = re.match(r"\s+(?:of|from|at|with)\s+[^,.;:]{1,50}?(?=[,.;:]|\s(?:gathered|rallied|protested|"
                        r"demonstrated|marched|held|staged|went|were|have|had|came|took|blocked|in\s))", segment[crowd.end:])
        return (phrase + tail.group(0)) if tail else phrase
    if lexicon.people:
        m = lexicon.people.search(segment)
        if m:
            return m.group(0)
    return None


def groups_in(lexicon: Lexicon, phrase: Optional[str]) -> tuple[str, ...]:
    if not phrase:
        return ()
    found = [group for group, regex in lexicon.groups.items() if group != "citizens" and regex.search(phrase)]
    if "mothers" in found and "women" in found:
        found.remove("women")
    if not found and "citizens" in lexicon.groups and lexicon.groups["citizens"].search(phrase):
        found = ["citizens"]
    return tuple(found)


def claims_in(lexicon: Lexicon, segment: str) -> list[Claim]:
    if lexicon.claim_cues is None:
        return []
    claims = []
    for cue in lexicon.claim_cues.finditer(segment):
        rest = segment[cue.end():]
        if not rest.strip() or rest.lstrip()[:1].isdigit():
            continue  # "over 20 people": a quantity, not a claim
        stop = CLAUSE_END.search(rest)
        text = rest[:stop.start() if stop else len(rest)].strip(" ,:\"'«»“”")
        words = text.split()
        if len(words) < 2:
            continue
        text = " ".join(words[:25])
        issues = tuple(issue for issue, regex in lexicon.issues.items() if regex.search(text))
        claims.append(Claim(text, issues))
    return claims


def implied_claims(lexicon: Lexicon, sentences: Sequence[str]) -> list[Claim]:
    """When no cue introduces a claim, the issue words of the sentences that report the protest."""
    claims = []
    for sentence in sentences:
        issues = tuple(issue for issue, regex in lexicon.issues.items() if regex.search(sentence))
        if issues:
            claims.append(Claim(" ".join(sentence.split()[:30]), issues))
            break
    return claims


@lru_cache(maxsize=8)
def _target_name_regex(titles_pattern: str) -> re.Pattern:
    return re.compile(rf"(?:{titles_pattern})\s+({CAPITALIZED.pattern})")


def targets_in(lexicon: Lexicon, segment: str, exclude=()) -> list[str]:
    """People and institutions the claims are addressed to (not dates or places: ``exclude``)."""
    targets: list[str] = []
    if lexicon.target_titles is not None:
        for m in _target_name_regex(lexicon.target_titles.pattern).finditer(segment):
            if not _overlaps(m.start(1), m.end(1), exclude):
                targets.append(m.group(1))
    if lexicon.target_cues is not None:
        for cue in lexicon.target_cues.finditer(segment):
            clause = segment[cue.end():cue.end() + 120]
            stop = re.search(r"[.;:!?]|\s--\s|\s(?:to|who|which|that|come|and speak|for)\s", clause)
            clause = clause[:stop.start()] if stop else clause
            for m in CAPITALIZED.finditer(clause):
                if _overlaps(cue.end() + m.start(), cue.end() + m.end(), exclude):
                    continue
                words = [w for w in m.group(0).split() if w not in STOP_CAPITALIZED]
                if words:
                    targets.append(" ".join(words))
    if lexicon.institutions is not None:
        targets += [m.group(0) for m in lexicon.institutions.finditer(segment)]
    cleaned = []
    for t in targets:
        t = t.strip(" ,.'’")
        if lexicon.target_titles is not None:  # "Akim Bakytzhan Sagintayev" -> "Bakytzhan Sagintayev"
            t = re.sub(rf"^(?:{lexicon.target_titles.pattern})\s+", "", t).strip()
        if t:
            cleaned.append(t)
    unique: list[str] = []
    for t in sorted(cleaned, key=len, reverse=True):
        # "Toqaev" is "Qasym-Zhomart Toqaev" told again
        if not any(u.lower() == t.lower() or u.lower().endswith(" " + t.lower()) for u in unique):
            unique.append(t)
    return sorted(unique, key=lambda u: cleaned.index(u))


# A refusal or silence reads like a meeting ("would not meet with them"):
# those types go first and claim their words.
RESPONSE_ORDER = ("meeting-refused", "ignored")


def responses_in(lexicon: Lexicon, segment: str) -> list[Response]:
    responses = []
    claimed: list[tuple[int, int]] = []
    kinds = sorted(lexicon.responses, key=lambda k: (k not in RESPONSE_ORDER, RESPONSE_ORDER.index(k)
                                                     if k in RESPONSE_ORDER else 0))
    for kind in kinds:
        match = next((m for m in lexicon.responses[kind].finditer(segment)
                      if not any(m.start() < e and s < m.end() for s, e in claimed)
                      and not negated(lexicon, segment, m.start(), m.end())), None)
        if match is None:
            continue
        claimed.append(match.span())
        count = None
        if kind in ("detained", "sentenced", "killed", "injured"):
            count = _count_near(lexicon, segment, match.start(), match.end())
        responses.append(Response(kind, count))
    return responses


def negated(lexicon: Lexicon, segment: str, start: int, end: int) -> bool:
    """"No one was detained", "никто не задержан", "ешкім ұсталған жоқ"."""
    if lexicon.negation is None:
        return False
    before = segment[max(0, start - 25):start]
    before = re.split(r"[,;:]", before)[-1]
    if lexicon.negation.search(before):
        return True
    if lexicon.extra.get("x_cue_after_trigger"):
        return bool(lexicon.negation.match(segment[end:end + 8].lstrip()))
    return False


TOKEN = re.compile(r"\d[\d,]*|\w+")


def _count_near(lexicon: Lexicon, segment: str, start: int, end: int) -> Optional[int]:
    """A number of people next to a response word: "detained two men", "26 people were arrested"."""
    if lexicon.people is None:
        return None
    after = TOKEN.findall(segment[end:end + 50])[:4]
    before = TOKEN.findall(segment[max(0, start - 50):start])[-5:]
    for tokens in (after, before):
        for k, token in enumerate(tokens):
            value = parse_number(token, lexicon)
            following = tokens[k + 1:k + 3]
            # "detained 15 of them", "26 people were arrested"
            if value and not 1900 <= value <= 2100 and (
                    any(lexicon.people.fullmatch(w) for w in following) or following[:1] == ["of"]):
                return value
    return None


@lru_cache(maxsize=8)
def _site_regex(prepositions: tuple[str, ...], nouns: tuple[str, ...]) -> Optional[re.Pattern]:
    if not nouns:
        return None
    preps = "|".join(p for p in prepositions if p)
    noun = "|".join(nouns)
    # the words between a preposition and the site noun are not prepositions themselves
    # ("on strike at the steel plant" is "at the steel plant")
    filler = rf"(?:(?!(?:{preps})\s)[\w’'-]+\s+)" if preps else r"(?:[\w’'-]+\s+)"
    return re.compile(
        rf"(?<!\w)(?:{preps})\s+(?:the\s+)?{filler}{{0,5}}(?:{noun})(?!\w)"
        rf"(?:\s+(?:of|to)\s+(?:the\s+)?(?:[\w’'-]+\s+){{0,4}}[\w’'-]+)?", re.IGNORECASE)


def site_in(lexicon: Lexicon, segment: str) -> Optional[str]:
    spec = lexicon.extra.get("x_site", {})
    regex = _site_regex(tuple(spec.get("prepositions", ())), tuple(spec.get("nouns", ())))
    if regex is None:
        return None
    m = regex.search(segment)
    if not m:
        return None
    phrase = m.group(0)
    stop = re.search(r"\s(?:in|on|during|days|demanding|to demand|holding|where|with)\s", phrase[4:])
    return phrase[:stop.start() + 4] if stop else phrase


@lru_cache(maxsize=8)
def _organizer_regex(patterns: tuple[str, ...]) -> Optional[re.Pattern]:
    return re.compile("|".join(f"(?:{p})" for p in patterns).replace("(?P<who>", "(?:"), re.UNICODE) if patterns else None


def organizers_in(lexicon: Lexicon, segment: str) -> list[str]:
    found = []
    for pattern in lexicon.extra.get("x_organizers", {}).get("patterns", ()):
        for m in re.finditer(pattern, segment):
            who = m.group("who").strip()
            if who and who not in found and who.split()[0] not in STOP_CAPITALIZED:
                found.append(who)
    return found


def status_cue(lexicon: Lexicon, segment: str, triggers: Sequence[tuple[int, int]] = ()) -> Optional[str]:
    """"prevented", "planned" or None; with ``triggers`` (spans in segment) a planning word must
    stand just before one of them ("plans to hold a rally"), not anywhere in the sentence."""
    if lexicon.prevented and lexicon.prevented.search(segment):
        return "prevented"
    after = bool(lexicon.extra.get("x_cue_after_trigger"))  # Kazakh: "митинг өткізуді жоспарлап отыр"
    if lexicon.planned:
        for m in lexicon.planned.finditer(segment):
            if not triggers or any(m.start() <= start and start - m.end() <= 60 for start, _ in triggers) or (
                    after and any(0 <= m.start() - end <= 60 for _, end in triggers)):
                return "planned"
    return None


def is_generic(lexicon: Lexicon, segment: str) -> bool:
    return bool(lexicon.generic and lexicon.generic.search(segment))


__all__ = [
    "Crowd", "find_crowd", "participants_phrase", "groups_in", "claims_in", "targets_in", "responses_in",
    "site_in", "organizers_in", "status_cue", "is_generic", "parse_number",
]
