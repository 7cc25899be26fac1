"""Placard over HTTP: the REST API and the analysts' dashboard (``create_app``).

A client of the library like the CLI: it opens the store, runs the pipeline
and maps library errors to HTTP; the library never imports it.
"""
from __future__ import annotations

from placard.api.app import create_app
from placard.api.settings import Settings

__all__ = ["Settings", "create_app"]
