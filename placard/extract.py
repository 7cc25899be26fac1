"""From triggers, dates and places to events, by the codebook's unit rule.

One event is one protest in one city on one day. We read the sentences in
order and keep *drafts*: a sentence that reports a protest joins the draft
whose city and date it fits, or opens a new one when it names another city
or day (a multi-city sentence opens one per city). Sentences without a
trigger that continue the story ("They said they would remain in the
building", "None of them did.") attach to the draft just before them.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Optional

from placard import fields
from placard.detect import lexicon_for
from placard.language import matching_text
from placard.lexicon import Lexicon
from placard.lexicon import word_regex
from placard.morphology import to_nominative
from placard.places import Gazetteer, canonical_city_key
from placard.records import Article, Claim, DateMention, Event, Place, ResolvedDate, Response, Trigger

# Specific forms win over the generic "protest"; among specific ones, the
# rarer word is the more informative.
FORM_PRIORITY = {"hunger-strike": 8, "sit-in": 7, "blockade": 6, "picket": 5, "strike": 4, "march": 3,
                 "riot": 2, "other": 1, "rally": 0}
FOLLOW_UP = re.compile(
    r"^\W*(?:they|the (?:protesters|demonstrators|women|men|mothers|workers|activists|strikers|participants|crowd|"
    r"group|rally|protest|picket|march)|protesters|demonstrators|participants|police|none of them|some (?:of them|"
    r"protesters)|both|most were|organi[sz]ers?|он[иа]?|они|участники|протестующие|полиция|олар|наразылар|полиция)\b",
    re.IGNORECASE)
ANOTHER = re.compile(r"\b(?:another|earlier|previous|last (?:year|month|week)|a (?:day|week|month) earlier|"
                     r"ещё один|еще один|другой|тағы|бұрын)\b", re.IGNORECASE)
# "extended until March 31": a deadline, not the day of an event
UNTIL = re.compile(r"\b(?:until|till|through|by|до|дейін|шейін)\s+(?:at least\s+|не позднее\s+)?$", re.IGNORECASE)
END = re.compile(r"\b(?:ended|was over|finished|завершил\w*|закончил\w*|аяқталды)\b", re.IGNORECASE)
RANGE_LINK = re.compile(r"\s*(?:to|until|till|through|-|–|—|по|до|дейін|-ге дейін)\s*", re.IGNORECASE)
TIME_ZONE = re.compile(r"\s+(?:time|время|уақыты)\b", re.IGNORECASE)
# "since 1991", "с 1991 года", "2019 жылдан бері" open a period; they date no event
SINCE = re.compile(r"\b(?:since|с)\s+(?:\w+\s+)?\d", re.IGNORECASE)
SINCE_AFTER = re.compile(r"(?:\s+\w+){0,2}?\s+(?:бері|beri)\b", re.IGNORECASE)
COORDINATION = re.compile(r"^\s*(?:,|\band\b|as well as|&|\bи\b|\bжәне\b|\bмен\b|\bпен\b|\bбен\b)", re.IGNORECASE)
# "the demonstrators", "this rally": a trigger that points back to an event already told.
DEFINITE = re.compile(r"\b(?:the|this|that|these|their|its|эт\w+|т\w*|бұл|осы)\s+(?:\w+\s+)?$", re.IGNORECASE)
PRESENT = re.compile(r"\b(?:is|are|remain|remains|continues?|continuing|ongoing|has been|have been|"
                     r"продолжа\w*|жалғас\w*)\b", re.IGNORECASE)


@dataclass
class Draft:
    """An event being assembled (mutable while we read; frozen into an Event)."""

    triggers: list[Trigger] = field(default_factory=list)
    sentences: list[int] = field(default_factory=list)
    city: Optional[Place] = None
    region: Optional[Place] = None  # admin1 or country when no city is named
    date: Optional[ResolvedDate] = None
    end_date: Optional[ResolvedDate] = None
    date_kind: Optional[str] = None  # "explicit", "weekday", ... (DateMention.kind)
    specificity: float = 0.0

    @property
    def city_key(self) -> Optional[str]:
        return canonical_city_key(self.city.name) if self.city else None

    def add_sentence(self, index: int) -> None:
        if index not in self.sentences:
            self.sentences.append(index)
            self.sentences.sort()


def _dates_agree(a: Optional[ResolvedDate], b: Optional[ResolvedDate]) -> bool:
    if a is None or b is None:
        return True
    x, y = a.value, b.value
    n = min(len(x), len(y))
    return all(p == q or "X" in (p, q) for p, q in zip(x[:n], y[:n]))


class EventBuilder:
    """Groups one article's triggers into events. Built per article."""

    def __init__(self, article: Article, lexicon: Lexicon):
        self.article = article
        self.lexicon = lexicon
        self.text = matching_text(article.text, article.lang)
        self.drafts: list[Draft] = []
        self.current: Optional[Draft] = None
        n = len(article.sentences)
        self.triggers_at: list[list[Trigger]] = [[] for _ in range(n)]
        for t in article.triggers:
            self.triggers_at[t.sentence].append(t)
        self.dates_at: list[list[DateMention]] = [[] for _ in range(n)]
        for d in article.dates:
            i = article.sentence_at(d.start)
            if i >= 0:
                self.dates_at[i].append(d)
        self.places_at: list[list[Place]] = [[] for _ in range(n)]
        self.mentions_at: list[list[tuple[Place, int, int]]] = [[] for _ in range(n)]
        self.dateline: list[Place] = []
        seen_cities: list[Place] = []
        for p in sorted(article.places, key=lambda m: m.start):
            place = p.place
            if place.precision == "city":
                place = _enclosing_city(place, seen_cities)
                if place not in seen_cities:
                    seen_cities.append(place)
            if p.role == "dateline":
                self.dateline.append(place)
                continue
            i = article.sentence_at(p.start)
            if i >= 0:
                self.mentions_at[i].append((place, p.start, p.end))
                if place not in self.places_at[i]:
                    self.places_at[i].append(place)
        # Spans (relative to their sentence) where numbers are dates and names are places.
        self.masks: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for mention in list(article.dates) + list(article.places):
            i = article.sentence_at(mention.start)
            if i >= 0:
                base = article.sentences[i].start
                self.masks[i].append((mention.start - base, mention.end - base))
        capital_regex = word_regex(lexicon.extra.get("x_capital", {}).get("patterns", []))
        self.says_capital = [bool(capital_regex and capital_regex.search(self.sentence_text(i))) for i in range(n)]
        # a protest story: police detaining people in a named city reports a protest there
        self.protest_story = any(t.strength >= 0.9 for t in article.triggers)
        self.last_date: Optional[ResolvedDate] = None
        self.date_kind: Optional[str] = None  # kind of the date of the sentence being read
        # per sentence, asked both while grouping and while filling fields
        self._crowds: dict[int, Optional[fields.Crowd]] = {}
        self._sites: dict[int, Optional[str]] = {}
        self._responses: dict[int, list[Response]] = {}

    # -------------------------------------------------------------- reading
    def crowd_at(self, i: int) -> Optional[fields.Crowd]:
        if i not in self._crowds:
            self._crowds[i] = fields.find_crowd(self.lexicon, self.sentence_text(i), self.lexicon.any_trigger,
                                                self.masks[i])
        return self._crowds[i]

    def site_at(self, i: int) -> Optional[str]:
        if i not in self._sites:
            self._sites[i] = fields.site_in(self.lexicon, self.sentence_text(i))
        return self._sites[i]

    def responses_at(self, i: int) -> list[Response]:
        if i not in self._responses:
            self._responses[i] = fields.responses_in(self.lexicon, self.sentence_text(i))
        return self._responses[i]

    def sentence_text(self, i: int) -> str:
        s = self.article.sentences[i]
        return self.text[s.start:s.end]

    PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

    def pick_date(self, i: int, triggers: list[Trigger]) -> tuple[Optional[ResolvedDate], Optional[str]]:
        """The date of the event a sentence reports (the date nearest its trigger), and its kind."""
        trigger_starts = {t.start for t in triggers}
        # "next month's election" dates the election, "Sunday's rallies" the rallies
        mentions = [d for d in self.dates_at[i] if d.date is not None and not (
            self.text[d.end:d.end + 2] in ("'s", "’s") and not any(0 <= ts - d.end <= 4 for ts in trigger_starts))
            and not (d.date.precision == "year" and (SINCE.search(self.text[max(0, d.start - 8):d.end])
                                                     or SINCE_AFTER.match(self.text, d.end)))
            and not UNTIL.search(self.text[max(0, d.start - 20):d.start])]
        if not mentions:
            return None, None
        anchor = triggers[0].start if triggers else self.article.sentences[i].start
        best = min(mentions, key=lambda d: (abs(d.start - anchor),
                                            self.PRECISION_RANK.get(d.date.precision if d.date else "year", 2)))
        if best.kind == "anaphoric" and best.offset_days is not None:
            # "the same day", "a day earlier": counted from the day the story is about
            anchor_date = next((d.date for d in self.drafts if d.date and d.date.precision == "day"), self.last_date)
            if anchor_date is not None:
                return _shift(anchor_date, best.offset_days) or best.date, best.kind
        return best.date, best.kind

    def event_cities(self, i: int, triggers: list[Trigger]) -> list[Place]:
        """The cities where this sentence's protest happened.

        Cities listed together ("in Aktau, Kalamkas and Zhetybay") are one
        list, one event each; of several lists, the one nearest a trigger wins
        ("rallied in Belgrade ... the collapse at the station in Novi Sad").
        """
        mentions = [m for m in self.mentions_at[i] if m[0].precision == "city"
                    and not TIME_ZONE.match(self.text, m[2])]  # "3 p.m. Moscow time"
        if not mentions:
            capital = self.capital(i) if self.says_capital[i] else None
            return [capital] if capital else []
        groups: list[list[tuple[Place, int, int]]] = [[mentions[0]]]
        for previous, mention in zip(mentions, mentions[1:]):
            between = self.text[previous[2]:mention[1]]
            if len(between) <= 45 and COORDINATION.search(between) and not re.search(r"[.;:!?]", between):
                groups[-1].append(mention)
            else:
                groups.append([mention])

        def distance(group) -> tuple[int, int]:
            # the sentence's first protest word leads: "gathered in Belgrade ... the attack on
            # protesting students in Novi Sad" happened in Belgrade
            start, end = group[0][1], group[-1][2]
            gaps = [max(0, start - t.end, t.start - end) for t in triggers]
            return gaps[0], min(gaps)

        best = min(groups, key=distance)
        cities: list[Place] = []
        for place, _, _ in best:
            if place not in cities:
                cities.append(place)
        return cities

    def capital(self, i: int) -> Optional[Place]:
        """The capital of the country the sentence names ("Qırğızstan astanasında"), else of the
        country the text is about ("in the capital", "елордада")."""
        here = [p.country for p in self.places_at[i] if p.precision == "country"]
        countries = Counter(p.place.country for p in self.article.places if p.place.country)
        country = here[0] if here else (countries.most_common(1)[0][0] if countries
                                        else self.lexicon.extra.get("x_default_country"))
        return Gazetteer.default().capital(country) if country else None

    def detention_trigger(self, i: int) -> list[Trigger]:
        """"Police detained 14 people in Nur-Sultan": in a protest story, a protest in that city."""
        detained = self.lexicon.responses.get("detained")
        if not self.protest_story or detained is None:
            return []
        segment = self.sentence_text(i)
        match = detained.search(segment)
        if match is None or fields.negated(self.lexicon, segment, match.start(), match.end()):
            return []
        start = self.article.sentences[i].start
        trigger = Trigger(start + match.start(), start + match.end(), "rally", i, 0.6, True)
        return [trigger] if self.event_cities(i, [trigger]) else []

    def specificity(self, i: int, triggers: list[Trigger], date, cities) -> float:
        segment = self.sentence_text(i)
        score = 0.0
        score += 1.0 if date is not None else 0.0
        score += 1.0 if cities else 0.0
        score += 1.0 if self.crowd_at(i) is not None else 0.0
        score += 0.5 if self.site_at(i) else 0.0
        if max(t.strength for t in triggers) >= 0.9:
            score += 0.5
        if fields.is_generic(self.lexicon, segment):
            score -= 1.5
        return score

    # -------------------------------------------------------------- grouping
    def find_draft(self, city: Optional[Place], date: Optional[ResolvedDate], i: int) -> Optional[Draft]:
        key = canonical_city_key(city.name) if city else None
        paragraph = self.article.sentences[i].paragraph
        best, best_score = None, -1.0
        for draft in self.drafts:
            if key and draft.city_key and key != draft.city_key:
                continue
            if not _dates_agree(date, draft.date):
                continue
            near = paragraph - self.article.sentences[draft.sentences[-1]].paragraph <= 1 or (
                city is None and i - draft.sentences[-1] <= 3)
            if date is not None and draft.date is None and not near:
                continue  # a dated mention far away from an undated story is another event
            if key and draft.city is None and draft.region is not None and city.country != draft.region.country:
                continue
            if key and draft.city is None and date is None and draft is not self.current:
                continue  # an undated city mention names a new place for the story now told, not an old one
            score = (2.0 if key and key == draft.city_key else 0.0) + (2.0 if date and draft.date == date else 0.0)
            score += 1.0 if draft is self.current else 0.0
            score += 0.5 if near else 0.0
            if score > best_score:
                best, best_score = draft, score
        return best

    def read(self) -> list[Draft]:
        sentences = self.article.sentences
        for i in range(len(sentences)):
            triggers = self.triggers_at[i] or self.detention_trigger(i)
            if not triggers:
                self.follow_up(i)
                continue
            segment = self.sentence_text(i)
            date, self.date_kind = self.pick_date(i, triggers)
            cities = self.event_cities(i, triggers)
            regions = [p for p in self.places_at[i] if p.precision != "city"]
            spec = self.specificity(i, triggers, date, cities)
            has_new_info = date is not None or bool(cities)
            if not has_new_info:
                if self.continues_current(i, triggers) and not ANOTHER.search(segment):
                    self.attach(self.current, i, triggers, regions)
                    continue
                lead = not self.drafts and spec >= 0.5 and sentences[i].paragraph <= 2 and bool(
                    self.lexicon.people and self.lexicon.people.search(segment))
                if spec < 1.0 and not lead:
                    continue  # a passing, generic mention
                self.open(i, triggers, None, None, regions, spec)
                continue
            current = self.current
            if not cities and date is not None and current is not None and current.date is not None and \
                    END.search(segment) and self.points_back(i, triggers) and date.value > current.date.value:
                current.end_date = date  # "The strike ended on June 4."
                current.add_sentence(i)
                continue
            if not cities and self.points_back(i, triggers) and current is not None and \
                    _dates_agree(date, current.date):
                # "The rally was held on Sunday" dates it; "news of the rally spread the day before" does not
                told = date if self.date_kind in ("explicit", "weekday") else None
                self.attach(self.current, i, triggers, regions, None, told)
                continue
            for city in cities or [None]:
                draft = None if ANOTHER.search(segment) and date is not None and cities else \
                    self.find_draft(city, date, i)
                if draft is None:
                    if spec < 1.0:
                        continue
                    self.open(i, triggers, city, date, regions, spec)
                else:
                    self.attach(draft, i, triggers, regions, city, date)
            if date is not None and date.precision == "day":
                self.last_date = date
        return self.drafts

    def continues_current(self, i: int, triggers: list[Trigger]) -> bool:
        """Does this sentence go on about the event just told (same paragraph, or pointing back)?"""
        current = self.current
        if current is None:
            return False
        sentences = self.article.sentences
        last = current.sentences[-1]
        if sentences[i].paragraph == sentences[last].paragraph:
            return True
        if i - last > 6:
            return False
        segment_start = sentences[i].start
        if self.points_back(i, triggers):
            return True
        # the next line of a page that puts every sentence in its own paragraph,
        # unless it speaks of protests in general ("Protests over prices grew")
        first = triggers[0]
        bare_plural = self.text[first.start:first.end].lower().endswith("s") and not DEFINITE.search(
            self.text[segment_start:first.start])
        return i - last <= 2 and not bare_plural

    def points_back(self, i: int, triggers: list[Trigger]) -> bool:
        """"The protesters...", "They...", "the rally": the sentence speaks of an event already told."""
        current = self.current
        if current is None or i - current.sentences[-1] > 6:
            return False
        start = self.article.sentences[i].start
        return bool(FOLLOW_UP.search(self.sentence_text(i)) or any(
            DEFINITE.search(self.text[start:t.start]) for t in triggers))

    def open(self, i, triggers, city, date, regions, spec) -> None:
        if date is None and self.current is not None and self.current.date is not None and \
                self.article.sentences[i].paragraph - self.article.sentences[self.current.sentences[-1]].paragraph <= 1:
            date = self.current.date  # "Demonstrations were also staged in X": the day told just before
        draft = Draft(specificity=spec)
        self.drafts.append(draft)
        self.attach(draft, i, triggers, regions, city, date)

    def attach(self, draft: Draft, i: int, triggers, regions, city=None, date=None) -> None:
        draft.triggers.extend(triggers)
        draft.add_sentence(i)
        if city is not None and draft.city is None:
            draft.city = city
        if date is not None and (draft.date is None or (
                self.PRECISION_RANK[date.precision] < self.PRECISION_RANK[draft.date.precision]
                and _dates_agree(date, draft.date))):
            draft.date = date  # the more precise date wins
            draft.date_kind = self.date_kind
        if regions and draft.region is None:
            draft.region = regions[0]
        self.current = draft

    def follow_up(self, i: int) -> None:
        """A sentence without a trigger joins the event just before it when it continues that story."""
        draft = self.current
        if draft is None:
            return
        last = draft.sentences[-1]
        sentences = self.article.sentences
        if i - last > 3 or sentences[i].paragraph - sentences[last].paragraph > 2:
            return
        segment = self.sentence_text(i)
        has_response = any(r.search(segment) for r in self.lexicon.responses.values())
        has_claim = bool(self.lexicon.claim_cues and self.lexicon.claim_cues.search(segment))
        gives_missing_date = draft.date is None and i - last == 1 and any(
            d.date is not None and d.kind in ("explicit", "weekday") for d in self.dates_at[i]) and bool(
            self.site_at(i) or (self.lexicon.people and self.lexicon.people.search(segment)))
        if FOLLOW_UP.search(segment) or ((has_response or has_claim or gives_missing_date) and i - last <= 1):
            if self.dates_at[i] and not any(_dates_agree(d.date, draft.date) for d in self.dates_at[i]):
                return
            draft.add_sentence(i)

    # -------------------------------------------------------------- fields
    def finish(self, draft: Draft, index: int) -> Optional[Event]:
        article, lexicon = self.article, self.lexicon
        trigger_sentences = sorted({t.sentence for t in draft.triggers})
        trigger_text = " ".join(self.sentence_text(i) for i in trigger_sentences)

        strength = max(t.strength for t in draft.triggers)

        place = draft.city
        if place is None and len(self.dateline) == 1 and index == 0:
            place = self.dateline[0]
        if place is None and draft.region is None:
            # no place named at all: the story's city, the one told just before (or the dateline)
            earlier = [d.city for d in self.drafts[:index] if d.city is not None]
            later = [d.city for d in self.drafts[index + 1:] if d.city is not None]
            named = {p for mentions in self.mentions_at for p, _, _ in mentions if p.precision == "city"}
            place = earlier[-1] if earlier else (self.dateline[0] if len(self.dateline) == 1 else
                                                 (later[0] if later else
                                                  (named.pop() if len(named) == 1 else None)))
        if place is None and draft.region is not None and draft.region.precision == "country":
            # "in Kyrgyzstan" and the page names one city of it: that city
            named = {p for mentions in self.mentions_at for p, _, _ in mentions
                     if p.precision == "city" and p.country == draft.region.country}
            place = named.pop() if len(named) == 1 else None
        if place is None:
            place = draft.region

        if lexicon.cancelled and any(lexicon.cancelled.search(self.sentence_text(i)) for i in trigger_sentences):
            return None  # called off by its organisers: nothing happened, nothing was blocked
        status = "occurred"
        cues = [fields.status_cue(lexicon, self.sentence_text(i), [
            (t.start - article.sentences[i].start, t.end - article.sentences[i].start)
            for t in draft.triggers if t.sentence == i]) for i in trigger_sentences]
        date = draft.date
        if date is None:
            # the date may come in the next sentence: "They came to the embassy on June 26."
            date = next((d.date for i in draft.sentences for d in self.dates_at[i]
                         if d.date is not None and d.kind in ("explicit", "weekday")), None)
        published = article.published
        future = date is not None and published is not None and date.year_known and published.precision == "day" \
            and date.precision == "day" and date.value > published.value
        if "prevented" in cues:
            status = "prevented"
        elif "planned" in cues and (date is None or published is None or date.value >= published.value):
            status = "planned"
        elif future:
            status = "planned"  # a day still to come at publication
        if status == "planned" and date is not None and published is not None and date.precision == "day" \
                and date.year_known and date.value < published.value and draft.date_kind == "weekday":
            date = _shift(date, 7) or date  # "plans to rally on Saturday": the coming one
        if status == "planned" and published is not None and (date is None or date.value <= published.value):
            # called for, then police detained or blocked the people: it could not take place
            blocked = {"detained", "blocked", "dispersed"}
            if any(r.type in blocked for i in draft.sentences for r in self.responses_at(i)):
                status = "prevented"
        if date is None and published is not None and status == "occurred":
            first = article.sentences[trigger_sentences[0]]
            if index == 0 and first.paragraph <= 2 or PRESENT.search(trigger_text):
                date = published

        end_date = draft.end_date or self.end_date(draft, date, trigger_sentences)
        crowd = None
        participants = None
        for group in (trigger_sentences, [s for s in draft.sentences if s not in trigger_sentences]):
            for i in group:
                found = self.crowd_at(i)
                # the main crowd, not "a small group of protesters" who clashed later
                if found is not None and not found.is_count_of_detained and (
                        crowd is None or (found.size_max or found.size_min or 0) > (crowd.size_max or crowd.size_min or 0)):
                    crowd = found
                    participants = fields.participants_phrase(lexicon, article.text[
                        article.sentences[i].start:article.sentences[i].end], found)
            if crowd is not None:
                break
        if participants is None:
            for i in trigger_sentences:
                participants = fields.participants_phrase(lexicon, self.sentence_text(i), None)
                if participants:
                    participants = article.text[article.sentences[i].start:article.sentences[i].end][
                        self.sentence_text(i).find(participants):][:len(participants)]
                    break

        form = self.choose_form(draft, crowd)
        claims, targets, responses, organizers = [], [], {}, []
        site = None
        for i in draft.sentences:
            original = article.text[article.sentences[i].start:article.sentences[i].end]
            for claim in fields.claims_in(lexicon, original):
                if all(claim.text != c.text for c in claims):
                    claims.append(claim)
            targets += [t for t in fields.targets_in(lexicon, original, self.masks[i]) if t not in targets]
            for response in self.responses_at(i):
                if response.type not in responses or (responses[response.type].count is None and response.count):
                    responses[response.type] = response
            organizers += [o for o in fields.organizers_in(lexicon, original) if o not in organizers]
            if site is None and i in trigger_sentences:
                site = fields.site_in(lexicon, original)
        claims = [c for c in claims if c.issues] or claims
        # "акимата", "акимату", "акимат" are one target, written in the nominative
        targets = list(dict.fromkeys(to_nominative(t, article.lang) for t in targets))
        if not claims:
            # no "demanding ..." phrase: what the report says they protested about
            claims = fields.implied_claims(lexicon, [article.text[article.sentences[i].start:article.sentences[i].end]
                                                     for i in trigger_sentences])
        confidence = min(1.0, 0.35 + 0.3 * strength + 0.1 * min(draft.specificity, 3.0))
        return Event(
            form=form, status=status, date=date, end_date=end_date, place=place, site=site,
            participants_text=participants, groups=fields.groups_in(lexicon, participants or trigger_text),
            size_min=crowd.size_min if crowd else None, size_max=crowd.size_max if crowd else None,
            organizers=tuple(organizers[:3]), claims=tuple(claims[:5]), targets=tuple(targets[:8]),
            responses=tuple(responses.values()),
            evidence_spans=tuple((article.sentences[i].start, article.sentences[i].end) for i in draft.sentences),
            confidence=round(confidence, 3),
        )

    def end_date(self, draft: Draft, date: Optional[ResolvedDate], sentences: list[int]) -> Optional[ResolvedDate]:
        """The last day of a protest told as a range: "from May 3 to May 7", "с 5 по 7 января"."""
        if date is None:
            return None
        for i in sentences:
            mentions = sorted((d for d in self.dates_at[i] if d.date is not None), key=lambda d: d.start)
            for first, second in zip(mentions, mentions[1:]):
                if first.date == date and RANGE_LINK.fullmatch(self.text[first.end:second.start]) \
                        and second.date.value > date.value:
                    return second.date
        return None

    @staticmethod
    def choose_form(draft: Draft, crowd) -> str:
        """A clear word for a specific form wins ("went on strike"); a few people with a banner
        make a picket; anything else is a rally."""
        strong = [t for t in draft.triggers if not t.generic and t.strength >= 0.9]
        if strong:
            return max(strong, key=lambda t: FORM_PRIORITY.get(t.form, 0)).form
        size = (crowd.size_max or crowd.size_min or 0) if crowd else 0
        if any(t.form == "picket" for t in draft.triggers) and size <= 12:
            return "picket"
        return "rally"

    def events(self) -> list[Event]:
        drafts = self.read()
        events: list[Event] = []
        for index, draft in enumerate(drafts):
            event = self.finish(draft, index)
            if event is not None:
                events.append(event)
        # the cities of one sentence ("in Moscow and St Petersburg") share that sentence's day
        dated = {e.evidence_spans[0]: e.date for e in events if e.date is not None and e.evidence_spans}
        return [replace(e, date=dated.get(e.evidence_spans[0])) if e.date is None and e.evidence_spans else e
                for e in events]


NEIGHBOURHOOD_KM = 20.0


def _enclosing_city(place: Place, earlier: list[Place]) -> Place:
    """A district named after its city ("Mong Kok" after "Hong Kong") is that city: one city, one event."""
    if place.lat is None or place.lon is None:
        return place
    for city in earlier:
        if city.lat is None or city.country != place.country or city.geonames_id == place.geonames_id:
            continue
        dy = (city.lat - place.lat) * 111.0
        dx = (city.lon - place.lon) * 111.0 * math.cos(math.radians(place.lat))
        if math.hypot(dx, dy) <= NEIGHBOURHOOD_KM:
            return city
    return place


def _shift(date: ResolvedDate, days: int) -> Optional[ResolvedDate]:
    from datetime import date as _date, timedelta

    if date.precision != "day" or not date.year_known:
        return None
    y, m, d = (int(x) for x in date.value.split("-"))
    shifted = _date(y, m, d) + timedelta(days=days)
    return ResolvedDate(shifted.isoformat(), "day")


class ExtractStage:
    """Turns an article's triggers, dates and places into codebook events."""

    name = "extract"

    def __call__(self, article: Article) -> Article:
        lexicon = lexicon_for(article.lang)
        if lexicon is None or not article.triggers:
            return article.evolve(events=())
        return article.evolve(events=tuple(EventBuilder(article, lexicon).events()))


__all__ = ["ExtractStage", "EventBuilder", "Draft"]
