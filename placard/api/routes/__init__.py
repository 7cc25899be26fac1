"""The API's routes, one module per resource; every one lives under /api."""
from __future__ import annotations

from placard.api.schemas import ErrorOut

# Documented on every route: the one error shape (see placard.api.errors).
ERROR_RESPONSES = {
    status: {"model": ErrorOut, "description": description}
    for status, description in (
        (400, "A value the library refuses"),
        (401, "No API token, or an unknown one"),
        (404, "No such event or document"),
        (422, "The request does not match the schema"),
        (500, "The store or the server failed"),
    )
}
WRITE_RESPONSES = {**ERROR_RESPONSES, 403: {"model": ErrorOut, "description": "The server takes no writes"}}
