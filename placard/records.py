"""Typed records passed between the pipeline stages.

Every stage is an ``Article -> Article`` callable; an ``Article`` starts as a
``Document`` read from input and gains cleaned text, language, sentences, date
and place mentions, triggers and finally ``Event`` records. All offsets are
character offsets into ``Article.text`` (the cleaned text).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Optional

Precision = Literal["day", "month", "year"]
FORMS = ("rally", "march", "picket", "sit-in", "strike", "hunger-strike", "blockade", "riot", "other")
STATUSES = ("occurred", "planned", "prevented")
GROUPS = (
    "women", "mothers", "workers", "students", "pensioners", "farmers", "residents", "activists",
    "opposition", "relatives", "journalists", "entrepreneurs", "religious", "ethnic-minority",
    "youth", "veterans", "citizens", "other",
)
ISSUES = (
    "justice-courts", "housing", "social-benefits", "wages-labor", "prices-economy", "elections",
    "political-prisoners", "leadership-change", "rights-freedoms", "police-repression", "corruption",
    "land", "foreign-influence", "environment", "public-services", "ethnic-religious", "health-covid",
    "other",
)
RESPONSES = (
    "ignored", "meeting-refused", "meeting-held", "concession", "warning", "blocked", "dispersed",
    "detained", "sentenced", "force", "injured", "killed",
)
LANGUAGES = ("en", "ru", "kk")


@dataclass(frozen=True)
class Document:
    """One input document as codebook section 3 defines it."""

    id: str
    text: Optional[str] = None
    html: Optional[str] = None
    url: Optional[str] = None
    lang: Optional[str] = None
    published: Optional[str] = None  # "YYYY-MM-DD", "YYYY-MM", "YYYY" or None


@dataclass(frozen=True)
class ResolvedDate:
    """A date with its precision: ``2019-06-03``/day, ``2019-06``/month, ``XXXX-06-03``/day."""

    value: str
    precision: Precision

    @property
    def year_known(self) -> bool:
        return not self.value.startswith("XXXX")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Place:
    """A geocoded place. ``precision`` says what the name denotes."""

    name: str
    geonames_id: Optional[int] = None
    country: Optional[str] = None  # ISO 3166-1 alpha-2
    admin1: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    precision: Literal["city", "admin1", "country"] = "city"


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int = 0  # index of the paragraph (blank-line separated block) it sits in


@dataclass(frozen=True)
class DateMention:
    """A date expression found in the text and resolved against ``published``."""

    start: int
    end: int
    date: Optional[ResolvedDate]  # None: an anaphoric date with nothing to count from
    # "explicit" (a month name or number), "weekday", "relative" ("yesterday"),
    # "published" (today / now: the publication date itself), "anaphoric"
    # ("the next day", "a day earlier": ``offset_days`` from the date the
    # text spoke of last; ``date`` then holds the fallback against published)
    kind: str = "explicit"
    offset_days: Optional[int] = None


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    place: Place
    role: Literal["dateline", "text"] = "text"


@dataclass(frozen=True)
class Trigger:
    """A word or phrase that reports a protest action, with the form it implies."""

    start: int
    end: int
    form: str
    sentence: int  # index into Article.sentences
    strength: float = 1.0  # how sure the word alone makes us (0..1)
    generic: bool = False  # "protest", "demonstration": any form; a specific word near wins


@dataclass(frozen=True)
class Claim:
    text: str
    issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    type: str
    count: Optional[int] = None


@dataclass(frozen=True)
class Event:
    """One protest event: codebook section 2, plus confidence and evidence spans."""

    form: str
    status: str = "occurred"
    date: Optional[ResolvedDate] = None
    end_date: Optional[ResolvedDate] = None
    place: Optional[Place] = None
    site: Optional[str] = None
    participants_text: Optional[str] = None
    groups: tuple[str, ...] = ()
    size_min: Optional[int] = None
    size_max: Optional[int] = None
    organizers: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()
    targets: tuple[str, ...] = ()
    responses: tuple[Response, ...] = ()
    evidence_spans: tuple[tuple[int, int], ...] = ()
    confidence: float = 0.5

    def to_record(self, text: str) -> dict:
        """The codebook JSON object; ``text`` is the cleaned text the spans point into."""
        place = self.place
        return {
            "form": self.form,
            "status": self.status,
            "date": self.date.value if self.date else None,
            "end_date": self.end_date.value if self.end_date else None,
            "location": {
                "country": place.country if place else None,
                "admin1": place.admin1 if place else None,
                "city": place.name if place and place.precision == "city" else None,
                "site": self.site,
                "lat": place.lat if place else None,
                "lon": place.lon if place else None,
                "geonames_id": place.geonames_id if place else None,
            },
            "participants": {
                "text": self.participants_text,
                "groups": list(self.groups),
                "size_min": self.size_min,
                "size_max": self.size_max,
            },
            "organizers": list(self.organizers),
            "claims": [{"text": c.text, "issues": list(c.issues)} for c in self.claims],
            "targets": list(self.targets),
            "responses": [{"type": r.type, "count": r.count} for r in self.responses],
            "evidence": [text[s:e] for s, e in self.evidence_spans],
            "confidence": round(self.confidence, 3),
            "evidence_spans": [[s, e] for s, e in self.evidence_spans],
        }


@dataclass(frozen=True)
class Article:
    """The document as it moves through the pipeline."""

    doc: Document
    text: str = ""  # cleaned text; every offset points into it
    title: Optional[str] = None
    lang: Optional[str] = None  # "en", "ru", "kk" or "other"
    published: Optional[ResolvedDate] = None
    sentences: tuple[Sentence, ...] = ()
    dates: tuple[DateMention, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    events: tuple[Event, ...] = ()
    warnings: tuple[str, ...] = ()

    def evolve(self, **changes) -> "Article":
        return replace(self, **changes)

    def sentence_at(self, offset: int) -> int:
        """Index of the sentence that contains ``offset`` (or -1)."""
        for i, s in enumerate(self.sentences):
            if s.start <= offset < s.end:
                return i
        return -1


@dataclass(frozen=True)
class Result:
    """What the pipeline gives back for one input: events, or a reason it could not."""

    doc_id: str
    article: Optional[Article] = None
    error: Optional[str] = None

    @property
    def events(self) -> tuple[Event, ...]:
        return self.article.events if self.article else ()

    def to_record(self) -> dict:
        record: dict = {
            "doc_id": self.doc_id,
            "events": [e.to_record(self.article.text) for e in self.events] if self.article else [],
        }
        if self.error:
            record["error"] = self.error
        elif not record["events"]:
            record["note"] = self.no_event_reason()
        return record

    def no_event_reason(self) -> str:
        """Why a readable document gave no event, in one line."""
        article = self.article
        if article is None:
            return "not processed"
        if article.lang not in LANGUAGES:
            return f"language {article.lang!r} is not read (only {', '.join(LANGUAGES)})"
        if not article.triggers:
            return "no protest event: no word that reports a protest"
        return "no protest event: protest words only in passing (no specific place, date or crowd)"
