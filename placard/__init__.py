"""Placard: news in, protest events out."""
from placard.records import Article, Document, Event, Result

__version__ = "0.1.0"
__all__ = ["Article", "Document", "Event", "Result", "__version__"]
