"""The pipeline: an ordered list of ``Article -> Article`` stages.

The order is data (``DEFAULT_STAGES``); each name maps to a factory that builds
the stage once, so a pipeline built on a Spark executor or in a worker process
pays the set-up cost (lexicons, gazetteer) a single time.
"""
from __future__ import annotations

import importlib
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from placard.errors import PlacardError
from placard.records import Article, Document, Result


class Stage(Protocol):
    name: str

    def __call__(self, article: Article) -> Article: ...


# name -> "module:factory"; factories take keyword options and return a Stage.
STAGE_FACTORIES: dict[str, str] = {
    "clean": "placard.clean:CleanStage",
    "language": "placard.language:LanguageStage",
    "sentences": "placard.sentences:SentenceStage",
    "dates": "placard.dates:DateStage",
    "places": "placard.places:PlaceStage",
    "detect": "placard.detect:DetectStage",
    "extract": "placard.extract:ExtractStage",
}
DEFAULT_STAGES: tuple[str, ...] = tuple(STAGE_FACTORIES)


def build_stage(name: str, **options) -> Stage:
    try:
        target = STAGE_FACTORIES[name]
    except KeyError:
        raise PlacardError(f"unknown pipeline stage {name!r}; known: {', '.join(STAGE_FACTORIES)}") from None
    module_name, attr = target.split(":")
    factory: Callable[..., Stage] = getattr(importlib.import_module(module_name), attr)
    return factory(**options)


class Pipeline:
    """Runs the stages over documents; a failing document becomes a Result with a reason."""

    def __init__(self, stages: Sequence[Stage]):
        self.stages = tuple(stages)

    @classmethod
    def default(cls, names: Iterable[str] = DEFAULT_STAGES) -> "Pipeline":
        return cls([build_stage(n) for n in names])

    def process(self, doc: Document) -> Article:
        article = Article(doc=doc)
        for stage in self.stages:
            article = stage(article)
        return article

    def run(self, doc: Document) -> Result:
        try:
            return Result(doc_id=doc.id, article=self.process(doc))
        except PlacardError as exc:
            return Result(doc_id=doc.id, error=str(exc))

    def run_many(self, docs: Iterable[Document]) -> Iterator[Result]:
        for doc in docs:
            yield self.run(doc)
