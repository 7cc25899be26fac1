"""Documents: list them, read one (with its cleaned text), post a new one to extract and store."""
from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from placard.api.auth import require_reader, require_writer
from placard.api.deps import StoreAccess, document_json, event_json, pipeline_of, stores
from placard.api.errors import ApiError
from placard.errors import NotFound
from placard.api.routes import ERROR_RESPONSES, WRITE_RESPONSES
from placard.api.schemas import DocumentIn, DocumentList, DocumentOut, DocumentPage, IngestOut
from placard.records import Document
from placard.store import EventQuery, Store, StoredEvent

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents", response_model=DocumentList, summary="List documents",
            dependencies=[Depends(require_reader)], responses=ERROR_RESPONSES)
def list_documents(page: Annotated[DocumentPage, Query()], access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """Documents in the order they were stored, without their text."""
    with access.open() as store:
        documents = store.documents(page.limit, page.offset, failed=page.failed)
        stats = store.stats()
    total = {None: stats["documents"], True: stats["failures"], False: stats["documents"] - stats["failures"]}
    return {"documents": [document_json(d) for d in documents], "total": total[page.failed]}


@router.get("/documents/{doc_id:path}", response_model=DocumentOut, summary="One document",
            dependencies=[Depends(require_reader)], responses=ERROR_RESPONSES)
def get_document(doc_id: str, access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """The document with its cleaned text, which evidence spans point into."""
    with access.open() as store:
        document = store.document(doc_id)
    if document is None:
        raise NotFound(f"no document {doc_id!r}")
    return document_json(document, with_text=True)


def default_doc_id(body: DocumentIn) -> str:
    """Same URL and content, same id: posting a document twice stores it once."""
    payload = "\x1f".join([body.url or "", body.published or "", body.text or "", body.html or ""])
    return "api-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def events_of_document(store: Store, doc_id: str) -> list[StoredEvent]:
    """The canonical events that have ``doc_id`` among their sources."""
    return sorted(store.events(EventQuery(doc_id=doc_id, include_rejected=True)), key=lambda e: e.id)


@router.post("/documents", response_model=IngestOut, status_code=201, summary="Extract and store a document",
             responses={**WRITE_RESPONSES, 200: {"model": IngestOut, "description": "Stored before, unchanged"}})
def post_document(body: DocumentIn, request: Request, response: Response,
                  who: Annotated[str, Depends(require_writer)],
                  access: Annotated[StoreAccess, Depends(stores)]) -> dict:
    """Runs the extraction pipeline on the document and stores it with its
    events, merged with events other documents already reported. Answers 201
    when the document is new or changed, 200 when it was stored as it is.
    A document the pipeline cannot read is refused (400) and not stored."""
    doc = Document(id=body.id or default_doc_id(body), text=body.text, html=body.html, url=body.url,
                   lang=body.lang, published=body.published)
    result = pipeline_of(request).run(doc)
    if result.error or result.article is None:
        raise ApiError(400, f"the document cannot be processed: {result.error or 'no text'}",
                       details={"doc_id": doc.id})
    record = result.to_record()
    with access.open() as store:
        outcome = store.ingest(result, source=f"api:{who}")
        events = events_of_document(store, doc.id)
    if outcome.status == "unchanged":
        response.status_code = 200
    return {"doc_id": doc.id, "status": outcome.status, "events": [event_json(e) for e in events],
            "note": record.get("note")}
