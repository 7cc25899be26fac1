"""What goes in and out of the API, as pydantic models (the only place pydantic is used).

Query filters mirror ``placard events`` and ``EventQuery``; unknown query
parameters are refused (a misspelt filter would otherwise match everything).
Output models describe the codebook record for the OpenAPI spec and let
keys the record may gain later pass through.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from placard.errors import PlacardError
from placard.records import FORMS, GROUPS, ISSUES, LANGUAGES, RESPONSES, STATUSES
from placard.store import EVENT_ORDERS as ORDERS
from placard.store import REVIEW_ACTIONS, REVIEW_STATES, query_date_bound, search_words

MAX_PAGE = 500
DEFAULT_PAGE = 50
# The size the file reader accepts (placard.reading.DEFAULT_MAX_BYTES), in characters.
MAX_DOCUMENT_CHARS = 5_000_000
DATE_PATTERN = r"^(\d{4}|XXXX)(-\d{2}(-\d{2})?)?$"


def _folded(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _query_date(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            query_date_bound(value, end=False)
        except PlacardError:
            raise ValueError("takes YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-05 or 2024-05-14)") from None
    return value


def _words(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            search_words(value)
        except PlacardError:
            raise ValueError("needs at least one word") from None
    return value


def _blank_is_none(value: Any) -> Any:
    # An empty form field (?city=) means "no filter", as in the dashboard's forms.
    return None if isinstance(value, str) and not value.strip() else value


Folded = BeforeValidator(_folded)
Blank = BeforeValidator(_blank_is_none)
QueryDate = Annotated[Optional[str], Blank, AfterValidator(_query_date)]
Form = Literal[FORMS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]
Issue = Literal[ISSUES]  # type: ignore[valid-type]
ResponseType = Literal[RESPONSES]  # type: ignore[valid-type]
Group = Literal[GROUPS]  # type: ignore[valid-type]
ReviewState = Literal[REVIEW_STATES]  # type: ignore[valid-type]


class EventFilters(BaseModel):
    """Filters of ``GET /api/events`` and the exports; every one given narrows the result."""

    model_config = ConfigDict(extra="forbid")

    date_from: QueryDate = Field(None, description="Events that started on or after this day, month or year "
                                                   "(an event known only to the month must lie wholly inside).",
                                 examples=["2024-05"])
    date_to: QueryDate = Field(None, description="Events that started on or before this; a month or year means "
                                                 "its last day.", examples=["2024-06-30"])
    country: Annotated[Optional[str], Blank] = Field(None, pattern=r"^[A-Za-z]{2}$",
                                                     description="ISO 3166-1 alpha-2 code.", examples=["KZ"])
    admin1: Annotated[Optional[str], Blank] = Field(None, max_length=200, description="Region, case- and accent-blind.")
    city: Annotated[Optional[str], Blank] = Field(None, max_length=200,
                                                  description="City, case- and accent-blind; renamings count as one "
                                                              "(Nur-Sultan finds Astana).", examples=["Almaty"])
    form: Annotated[Optional[Form], Blank, Folded] = None
    issue: Annotated[Optional[Issue], Blank, Folded] = None
    status: Annotated[Optional[Status], Blank, Folded] = None
    response: Annotated[Optional[ResponseType], Blank, Folded] = Field(
        None, description="Events where the authorities responded this way.")
    review: Annotated[Optional[ReviewState], Blank, Folded] = Field(
        None, description="Review state; rejected events are listed only with review=rejected or include_rejected.")
    include_rejected: bool = False
    q: Annotated[Optional[str], Blank, AfterValidator(_words)] = Field(
        None, max_length=500, description="Free text: every word must start a word of the evidence, claims, "
                                          "participants, organizers, targets, site or place.")
    order: Annotated[Literal[ORDERS], Folded] = Field(  # type: ignore[valid-type]
        "date", description="date: oldest first, undated last; confidence: lowest first (the review queue); "
                            "recent: newest first.")


class EventPage(EventFilters):
    limit: int = Field(DEFAULT_PAGE, ge=0, le=MAX_PAGE, description=f"At most {MAX_PAGE}.")
    offset: int = Field(0, ge=0)


class EventSelection(EventFilters):
    """Filters of the GeoJSON list and the exports: everything unless limited."""

    limit: Optional[int] = Field(None, ge=0)
    offset: int = Field(0, ge=0)


class DocumentPage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_PAGE, ge=0, le=MAX_PAGE)
    offset: int = Field(0, ge=0)
    failed: Optional[bool] = Field(None, description="true: only documents that could not be processed; "
                                                     "false: only the others.")


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: Optional[int] = None
    limit: int = Field(100, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


class GoldQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reviewed_only: bool = Field(True, description="false: every document, machine events included.")


# --- request bodies --------------------------------------------------------


class DocumentIn(BaseModel):
    """A document to extract and store (codebook section 3): ``text`` or ``html``."""

    model_config = ConfigDict(extra="forbid")

    id: Optional[str] = Field(None, min_length=1, max_length=300, pattern=r"\S",
                              description="Default: derived from url and content, so posting the same "
                                          "document twice stores it once.")
    text: Optional[str] = Field(None, max_length=MAX_DOCUMENT_CHARS)
    html: Optional[str] = Field(None, max_length=MAX_DOCUMENT_CHARS)
    url: Optional[str] = Field(None, max_length=2000)
    lang: Annotated[Optional[Literal[LANGUAGES]], Folded] = Field(  # type: ignore[valid-type]
        None, description="Detected when not given.")
    published: Optional[str] = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                                     description="Relative dates in the text resolve against it.",
                                     examples=["2024-05-15"])

    @model_validator(mode="after")
    def _one_body(self) -> "DocumentIn":
        if not (self.text or "").strip() and not (self.html or "").strip():
            raise ValueError("give the document as non-empty 'text' or 'html'")
        if self.text is not None and self.html is not None:
            raise ValueError("give 'text' or 'html', not both")
        return self


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal[REVIEW_ACTIONS]  # type: ignore[valid-type]
    changes: Optional[dict[str, Any]] = Field(
        None, description='edit only: a partial codebook record, e.g. {"form": "march", "location": {"city": "Almaty"}}.')
    note: Optional[str] = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _changes_for_edit(self) -> "ReviewIn":
        if self.action == "edit" and not self.changes:
            raise ValueError("an edit needs 'changes' (a partial record)")
        if self.action != "edit" and self.changes:
            raise ValueError(f"'changes' go with action 'edit', not {self.action!r}")
        return self


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[int] = Field(..., min_length=2, max_length=100,
                           description="Events to merge; all sources go into the first.")
    note: Optional[str] = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _distinct(self) -> "MergeIn":
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("ids must be distinct")
        return self


class SplitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mention_ids: list[int] = Field(..., min_length=1, max_length=1000,
                                   description="Sources (mention ids) that leave for a new event.")
    note: Optional[str] = Field(None, max_length=2000)


# --- responses -------------------------------------------------------------


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Location(_Open):
    country: Optional[str] = None
    admin1: Optional[str] = None
    city: Optional[str] = None
    site: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    geonames_id: Optional[int] = None


class Participants(_Open):
    text: Optional[str] = None
    groups: list[str] = []
    size_min: Optional[int] = None
    size_max: Optional[int] = None


class Claim(_Open):
    text: Optional[str] = None
    issues: list[str] = []


class Response(_Open):
    type: str
    count: Optional[int] = None


class Source(BaseModel):
    mention_id: int
    doc_id: str
    url: Optional[str] = None
    outlet: Optional[str] = None
    title: Optional[str] = None
    published: Optional[str] = None
    evidence: list[str] = []
    evidence_spans: list[list[int]] = Field([], description="[start, end) offsets into the document's cleaned text.")


class EventOut(_Open):
    """A canonical event: the merged codebook record, its review state and its sources."""

    id: int
    doc_id: str
    url: Optional[str] = None
    form: Optional[str] = None
    status: Optional[str] = None
    date: Optional[str] = None
    end_date: Optional[str] = None
    location: Location = Location()
    participants: Participants = Participants()
    organizers: list[str] = []
    claims: list[Claim] = []
    targets: list[str] = []
    responses: list[Response] = []
    evidence: list[str] = []
    evidence_spans: list[list[int]] = []
    confidence: Optional[float] = None
    review: str = "machine"
    reviewed_by: Optional[str] = None
    reviewed_at: Optional[str] = None
    sources: list[Source] = []


class EventList(BaseModel):
    events: list[EventOut]
    total: int = Field(description="How many events match the filters, ignoring limit and offset.")


class DocumentOut(BaseModel):
    doc_id: str
    url: Optional[str] = None
    lang: Optional[str] = None
    published: Optional[str] = None
    title: Optional[str] = None
    source: Optional[str] = None
    error: Optional[str] = None
    events: int = Field(description="Events extracted from the document.")
    ingested_at: str
    text: Optional[str] = Field(None, description="The cleaned text that evidence spans point into "
                                                  "(only for one document).")


class DocumentList(BaseModel):
    documents: list[DocumentOut]
    total: int


class IngestOut(BaseModel):
    doc_id: str
    status: Literal["added", "unchanged", "updated"]
    events: list[EventOut] = Field(description="The stored events this document is a source of.")
    note: Optional[str] = Field(None, description="Why no event was found, when none was.")


class AuditEntryOut(BaseModel):
    id: int
    event_id: int
    action: str
    who: str
    at: str
    before: Optional[dict[str, Any]] = None
    after: Optional[dict[str, Any]] = None
    note: Optional[str] = None


class AuditList(BaseModel):
    entries: list[AuditEntryOut]


class Vocabularies(BaseModel):
    forms: list[str] = list(FORMS)
    statuses: list[str] = list(STATUSES)
    issues: list[str] = list(ISSUES)
    responses: list[str] = list(RESPONSES)
    groups: list[str] = list(GROUPS)
    languages: list[str] = list(LANGUAGES)
    review_states: list[str] = list(REVIEW_STATES)
    review_actions: list[str] = list(REVIEW_ACTIONS)
    orders: list[str] = list(ORDERS)


class ConfigOut(BaseModel):
    """What a client needs to know before its first request."""

    version: str
    read_access: Literal["open", "token"]
    writes_enabled: bool
    max_page: int = MAX_PAGE
    tile_url: Optional[str] = None
    tile_attribution: Optional[str] = None
    vocabularies: Vocabularies = Vocabularies()


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    details: Any = None


class ErrorOut(BaseModel):
    error: ErrorDetail
