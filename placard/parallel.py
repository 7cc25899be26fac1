"""Running the pipeline over many documents, in this process or in N worker processes.

Each worker builds the pipeline once (the pool's initializer), then takes
documents in chunks; results come back in input order, so ``--workers 4``
writes exactly what ``--workers 1`` writes. Reading and writing (the store)
stay in the calling process.
"""
from __future__ import annotations

import logging
import multiprocessing
import threading
from collections import deque
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Union

from placard.records import Document, Result

if TYPE_CHECKING:
    import placard.reading

log = logging.getLogger(__name__)

Item = Union[Document, "placard.reading.ReadFailure"]  # anything with doc_id and reason is read as a failure
DEFAULT_CHUNK = 16

# The worker process's pipeline, set once by ``_start_worker``: a pool's workers
# have no other place to keep what their initializer built.
_worker_pipeline = None
_worker_error: Optional[str] = None


def run_item(pipeline, item: Item) -> Result:
    """The pipeline's result for a Document, or a failed result for a ReadFailure.

    A bug in one stage must not end a long run: it becomes this document's error.
    """
    if not isinstance(item, Document):
        doc_id = getattr(item, "doc_id", None) or str(getattr(item, "source", None))
        return Result(doc_id=doc_id, error=getattr(item, "reason", None) or "unreadable")
    try:
        return pipeline.run(item)
    except Exception as exc:  # noqa: BLE001 - reported per document
        log.debug("pipeline failed on %s", item.id, exc_info=True)
        return Result(doc_id=item.id, error=f"internal error: {type(exc).__name__}: {exc}")


def _start_worker(stage_names) -> None:
    global _worker_pipeline, _worker_error
    import signal

    from placard.pipeline import Pipeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle

    try:
        _worker_pipeline = Pipeline.default(stage_names) if stage_names else Pipeline.default()
    except Exception as exc:  # noqa: BLE001 - each document then says why
        _worker_error = f"cannot build the extraction pipeline: {exc}"


def _run_in_worker(item: Item) -> Result:
    if _worker_pipeline is None:
        doc_id = item.id if isinstance(item, Document) else getattr(item, "doc_id", None)
        return Result(doc_id=str(doc_id), error=_worker_error or "no pipeline")
    return run_item(_worker_pipeline, item)


def run_items(items: Iterable[Item], *, workers: int = 1, pipeline=None, stage_names=None,
              chunk: int = DEFAULT_CHUNK) -> Iterator[tuple[Item, Result]]:
    """(item, result) for every item, in input order.

    ``workers`` 1 runs ``pipeline`` (built here when not given) in this process;
    more starts that many processes, each building its own pipeline.
    """
    if workers <= 1:
        if pipeline is None:
            from placard.pipeline import Pipeline

            pipeline = Pipeline.default(stage_names) if stage_names else Pipeline.default()
        for item in items:
            yield item, run_item(pipeline, item)
        return
    pending: deque = deque()
    # The pool's feeder thread would read the whole input ahead; a bound keeps memory flat.
    room = threading.Semaphore(workers * chunk * 4)
    stopping = threading.Event()

    def remembered(source: Iterable[Item]) -> Iterator[Item]:
        for item in source:
            room.acquire()
            if stopping.is_set():
                return
            pending.append(item)  # results come back in order: pair them up with this
            yield item

    pool = multiprocessing.get_context().Pool(workers, initializer=_start_worker, initargs=(stage_names,))
    try:
        for result in pool.imap(_run_in_worker, remembered(items), chunksize=chunk):
            room.release()
            yield pending.popleft(), result
        pool.close()
    finally:
        stopping.set()
        room.release()  # a feeder waiting for room wakes up and stops
        pool.terminate()
        pool.join()
