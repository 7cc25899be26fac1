"""One JSON shape for every error the API answers with.

    {"error": {"status": 404, "code": "not_found", "message": "...", "details": ...}}

Library errors map by type (NotFound 404, InputError/ConfigError 400,
StoreError 500); FastAPI's own (unknown route, wrong method, a body or
parameter that does not validate) are rewritten into the same shape, and so is
anything unexpected, which is logged and answered without internals.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from placard.errors import ConfigError, InputError, NotFound, PlacardError, StoreError

log = logging.getLogger(__name__)

CODES: dict[int, str] = {
    400: "bad_input",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
}


class ApiError(Exception):
    """An error answered with ``status`` and the shape above; raised by routes."""

    def __init__(self, status: int, message: str, *, code: Optional[str] = None, details: Any = None,
                 headers: Optional[dict[str, str]] = None):
        super().__init__(message)
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message
        self.details = details
        self.headers = headers


def error_body(status: int, message: str, *, code: Optional[str] = None, details: Any = None) -> dict:
    return {"error": {"status": status, "code": code or CODES.get(status, "error"),
                      "message": message, "details": details}}


def error_response(status: int, message: str, *, code: Optional[str] = None, details: Any = None,
                   headers: Optional[dict[str, str]] = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, code=code, details=details), status_code=status,
                        headers=headers)


# Where a library error goes: (status, code). Order matters: subclasses first.
LIBRARY_ERRORS: tuple[tuple[type[PlacardError], int, str], ...] = (
    (NotFound, 404, "not_found"),
    (InputError, 400, "bad_input"),
    (ConfigError, 400, "bad_input"),
    (StoreError, 500, "store_error"),
    (PlacardError, 500, "internal_error"),
)


def _validation_details(exc: RequestValidationError) -> list[dict]:
    details = []
    for problem in exc.errors():
        details.append({
            "location": [str(part) for part in problem.get("loc", ())],
            "message": problem.get("msg", ""),
            "type": problem.get("type", ""),
        })
    return details


def _first_problem(details: list[dict]) -> str:
    if not details:
        return "the request is not valid"
    first = details[0]
    where = ".".join(part for part in first["location"] if part not in ("body", "query", "path"))
    more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
    return f"{where or 'request'}: {first['message']}{more}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, code=exc.code, details=exc.details, headers=exc.headers)

    @app.exception_handler(PlacardError)
    async def library_error(request: Request, exc: PlacardError) -> JSONResponse:
        for kind, status, code in LIBRARY_ERRORS:
            if isinstance(exc, kind):
                break
        if status >= 500:
            # The message of a database error can name files and servers: log it, answer plainly.
            log.error("%s %s failed: %s", request.method, request.url.path, exc, exc_info=exc)
            message = "the event store failed; the server log has the reason" if code == "store_error" \
                else "internal error; the server log has the reason"
            return error_response(status, message, code=code)
        return error_response(status, str(exc), code=code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        return error_response(422, _first_problem(details), details=details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else CODES.get(status, "error").replace("_", " ")
        if status == 404 and exc.detail == "Not Found":
            message = f"no such resource: {request.url.path}"
        elif status == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return error_response(status, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal error; the server log has the reason")
