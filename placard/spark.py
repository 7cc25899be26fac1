"""The batch job on Apache Spark: documents in (JSONL or WARC, from any path
Spark reads), Parquet tables out.

``run_job`` reads the inputs, runs the pipeline once per partition
(``mapPartitions``; the stages are built once per executor process and kept in
``_EXECUTOR_PIPELINE``), deduplicates the events across documents exactly as
the store does (``placard.dedup``: mentions grouped by the store's city key,
each group clustered and merged) and writes four tables under the output
folder:

* ``documents``: doc_id, source, url, lang, published, title, error, note, n_events;
* ``mentions``: each document's events as ``placard extract`` gives them
  (``record``, the codebook record as JSON) with doc_id, ordinal and flat columns;
* ``events``: one row per event after deduplication, with its sources;
* ``failures``: doc_id, source, reason: a document that could not be read or
  processed; the job goes on without it.

pyspark is optional (``pip install 'placard[spark]'``) and imported only when
a job runs, so this module imports without it.
"""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Optional, Sequence

from placard import dedup
from placard.errors import ConfigError, InputError
from placard.pipeline import Pipeline
from placard.reading import DocumentReader, ReadFailure
from placard.records import Document, Result

TABLES = ("documents", "mentions", "events", "failures")
WARC_SUFFIXES = (".warc", ".warc.gz")
DEFAULT_MASTER = "local[2]"

# Row kinds a partition yields; one cached RDD is split into the tables by kind.
_DOCUMENT, _MENTION, _FAILURE, _SKIPPED = "document", "mention", "failure", "skipped"

# The pipeline of this executor process, built by the first task that needs it.
# Python workers are reused between tasks (spark.python.worker.reuse), so the
# stages' set-up (lexicons, gazetteer) is paid once per worker, not per task.
_EXECUTOR_PIPELINE: Optional[Pipeline] = None


def executor_pipeline() -> Pipeline:
    global _EXECUTOR_PIPELINE
    if _EXECUTOR_PIPELINE is None:
        _EXECUTOR_PIPELINE = Pipeline.default()
    return _EXECUTOR_PIPELINE


def require_pyspark():
    """The ``pyspark`` module, or ConfigError saying how to install it."""
    try:
        import pyspark
    except ImportError:
        raise ConfigError("pyspark is not installed: pip install 'placard[spark]' (it also needs Java 17+)") from None
    return pyspark


@dataclass
class JobSummary:
    """What a job did: counts for the summary line."""

    output: str
    documents: int = 0
    failed: int = 0
    mentions: int = 0
    events: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count

    def lines(self) -> list[str]:
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(self.skipped.items()))
        return [
            f"documents read: {self.documents:,} ({self.failed:,} failed)",
            f"records skipped: {skipped:,}" + (f" ({reasons})" if reasons else ""),
            f"events: {self.events:,} from {self.mentions:,} mentions",
            f"written: {', '.join(os.path.join(self.output, t) for t in TABLES)}",
        ]


# --- worker side: plain Python, testable without Spark -------------------------


def flat_columns(record: dict) -> dict:
    """The flat columns of a codebook record, for filtering in SQL."""
    location = record.get("location") or {}
    participants = record.get("participants") or {}
    return {
        "date": record.get("date"),
        "form": record.get("form"),
        "status": record.get("status"),
        "country": location.get("country"),
        "city": location.get("city"),
        "lat": _float(location.get("lat")),
        "lon": _float(location.get("lon")),
        "size_min": participants.get("size_min"),
        "size_max": participants.get("size_max"),
        "confidence": _float(record.get("confidence")),
    }


def _float(value) -> Optional[float]:
    return None if value is None else float(value)


def result_rows(item, pipeline: Pipeline, source: Optional[str]) -> Iterator[tuple]:
    """``(kind, row)`` pairs for one document or read failure."""
    from placard.store import city_key

    if isinstance(item, ReadFailure):
        result = Result(doc_id=item.doc_id, error=item.reason)
        doc = None
    else:
        result = pipeline.run(item)
        doc = item
    record = result.to_record()
    article = result.article
    published = (article.published.value if article.published else doc.published) if article else None
    yield _DOCUMENT, {
        "doc_id": result.doc_id,
        "source": item.source if isinstance(item, ReadFailure) else source,
        "url": doc.url if doc else None,
        "lang": (article.lang or doc.lang) if article else None,
        "published": published,
        "title": article.title if article else None,
        "error": result.error,
        "note": record.get("note"),
        "n_events": len(record["events"]),
    }
    if result.error is not None:
        yield _FAILURE, {"doc_id": result.doc_id, "source": source if doc else item.source, "reason": result.error}
    for ordinal, event in enumerate(record["events"]):
        yield _MENTION, {
            "doc_id": result.doc_id,
            "ordinal": ordinal,
            "published": published,
            "city_key": city_key((event.get("location") or {}).get("city")),
            "record": json.dumps(event, ensure_ascii=False),
            **flat_columns(event),
        }


def process_jsonl_partition(index: int, rows: Iterable) -> Iterator[tuple]:
    """``mapPartitionsWithIndex`` over ``(path, line)`` rows of JSONL files.

    A reader per run of lines from one file: its line numbers (in the failure
    of a broken line) count within this Spark split, named in the source."""
    pipeline = executor_pipeline()
    for path, lines in _runs_by_file(rows):
        source = f"{path} (split {index})"
        reader = DocumentReader([])
        encoded = (line.encode("utf-8") for line in lines)
        for item in reader.read_jsonl_lines(encoded, source):  # the per-line parser reading.py uses
            yield from result_rows(item, pipeline, path)


def _runs_by_file(rows: Iterable) -> Iterator[tuple[str, list[str]]]:
    current, lines = None, []
    for path, line in rows:
        if path != current and lines:
            yield current, lines
            lines = []
        current = path
        lines.append(line)
    if lines:
        yield current, lines


def process_warc_partition(files: Iterable[tuple[str, bytes]]) -> Iterator[tuple]:
    """``mapPartitions`` over ``(path, content)`` of WARC files (``binaryFiles``)."""
    import io

    from placard.warc import WarcStats, read_warc

    pipeline = executor_pipeline()
    for path, content in files:
        stats = WarcStats()
        for item in read_warc(io.BytesIO(content), path, stats=stats):
            yield from result_rows(item, pipeline, path)
        for reason, count in stats.skipped.items():
            yield _SKIPPED, {"reason": reason, "count": count}


def events_of_group(mentions: Iterable[dict]) -> Iterator[dict]:
    """Cluster and merge the mentions of one city key, as the store does."""
    by_key = {}
    for row in mentions:
        mention = dedup.Mention(row["doc_id"], row["ordinal"], json.loads(row["record"]), row["published"],
                                row["city_key"])
        by_key[mention.key] = mention
    for group in dedup.cluster(by_key.values()):
        yield event_row(group)


def event_row(group: Sequence[dedup.Mention]) -> dict:
    record = dedup.merge_records(group)
    first = min(m.key for m in group)
    return {
        "event_id": f"{first[0]}#{first[1]}",
        "record": json.dumps(record, ensure_ascii=False),
        **flat_columns(record),
        "n_mentions": len(group),
        "sources": [{"doc_id": m.doc_id, "ordinal": m.ordinal} for m in group],
    }


def _events_of_keyed_group(pair) -> Iterator[dict]:
    return events_of_group(pair[1])


def _lone_event(row: dict) -> dict:
    # No city: the store never matches it with anything.
    return event_row([dedup.Mention(row["doc_id"], row["ordinal"], json.loads(row["record"]), row["published"])])


# --- driver side ------------------------------------------------------------------


def split_inputs(paths: Sequence[str]) -> tuple[list[str], list[str]]:
    """(JSONL paths, WARC paths); anything else is an InputError."""
    jsonl, warc = [], []
    for path in paths:
        lowered = path.lower().rstrip("/")
        if lowered.endswith(WARC_SUFFIXES):
            warc.append(path)
        elif lowered.endswith(".jsonl"):
            jsonl.append(path)
        else:
            raise InputError(f"{path}: cannot tell its type; give .jsonl, .warc or .warc.gz files (or globs of them)")
    return jsonl, warc


def under_spark_submit() -> bool:
    # spark-submit starts the Python driver with the gateway to its JVM in the environment.
    return "PYSPARK_GATEWAY_PORT" in os.environ


def start_session(master: Optional[str] = None, app_name: str = "placard", **config):
    """A SparkSession on ``master``; by default spark-submit's master, or
    ``DEFAULT_MASTER`` when not run by spark-submit."""
    require_pyspark()
    from pyspark.sql import SparkSession

    if master is None and not under_spark_submit():
        master = DEFAULT_MASTER
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    # Workers must run this interpreter (the one placard is installed in) unless told otherwise;
    # PySpark reads the variable when it starts the context, the config key only under spark-submit.
    if "PYSPARK_PYTHON" not in os.environ and not under_spark_submit():
        os.environ["PYSPARK_PYTHON"] = sys.executable
        builder = builder.config("spark.pyspark.python", sys.executable)
    if not under_spark_submit():
        builder = builder.config("spark.ui.showConsoleProgress", "true")  # spark-submit's own setting wins
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


def run_job(spark, inputs: Sequence[str], output: str, *, partitions: Optional[int] = None) -> JobSummary:
    """Read ``inputs``, extract, deduplicate, write the tables under ``output``."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    jsonl_paths, warc_paths = split_inputs(inputs)
    context = spark.sparkContext
    rdds = []
    if jsonl_paths:
        lines = spark.read.text(jsonl_paths).select(F.input_file_name().alias("path"), "value")
        # a file under Spark's split size is one partition, one core: spread it over the executors
        wanted = partitions or 2 * context.defaultParallelism
        lines = lines.repartition(wanted) if lines.rdd.getNumPartitions() < wanted else lines
        rdds.append(lines.rdd.map(tuple).mapPartitionsWithIndex(process_jsonl_partition))
    if warc_paths:
        files = context.binaryFiles(",".join(warc_paths), minPartitions=partitions or context.defaultParallelism)
        rdds.append(files.mapPartitions(process_warc_partition))
    rows = rdds[0] if len(rdds) == 1 else context.union(rdds)
    # One pass of the pipeline feeds all four tables.
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        return _write_tables(spark, rows, output)
    finally:
        rows.unpersist()


def _write_tables(spark, rows, output: str) -> JobSummary:
    schemas = table_schemas()

    def table(kind: str):
        return rows.filter(lambda pair, kind=kind: pair[0] == kind).map(lambda pair: pair[1])

    summary = JobSummary(output)
    documents = spark.createDataFrame(table(_DOCUMENT), schemas["documents"])
    documents.write.mode("overwrite").parquet(os.path.join(output, "documents"))
    failures = spark.createDataFrame(table(_FAILURE), schemas["failures"])
    failures.write.mode("overwrite").parquet(os.path.join(output, "failures"))
    mention_rows = table(_MENTION)
    spark.createDataFrame(mention_rows, schemas["mentions"]).write.mode("overwrite").parquet(
        os.path.join(output, "mentions"))
    located = mention_rows.filter(lambda row: row["city_key"] is not None)
    shuffles = spark.sparkContext.defaultParallelism
    events = (located.map(lambda row: (row["city_key"], row)).groupByKey(numPartitions=shuffles)
              .flatMap(_events_of_keyed_group)
              .union(mention_rows.filter(lambda row: row["city_key"] is None).map(_lone_event)))
    events_frame = spark.createDataFrame(events, schemas["events"])
    events_frame.write.mode("overwrite").parquet(os.path.join(output, "events"))

    written = {name: spark.read.parquet(os.path.join(output, name)) for name in TABLES}
    summary.documents = written["documents"].count()
    summary.failed = written["failures"].count()
    summary.mentions = written["mentions"].count()
    summary.events = written["events"].count()
    for reason, count in table(_SKIPPED).map(lambda row: (row["reason"], row["count"])).reduceByKey(
            lambda a, b: a + b).collect():
        summary.skipped[reason] += count
    return summary


def table_schemas() -> dict:
    from pyspark.sql import types as T

    def fields(*pairs):
        return [T.StructField(name, kind, True) for name, kind in pairs]

    text, integer, number = T.StringType(), T.LongType(), T.DoubleType()
    flat = fields(("date", text), ("form", text), ("status", text), ("country", text), ("city", text),
                  ("lat", number), ("lon", number), ("size_min", integer), ("size_max", integer),
                  ("confidence", number))
    source = T.StructType(fields(("doc_id", text), ("ordinal", integer)))
    return {
        "documents": T.StructType(fields(("doc_id", text), ("source", text), ("url", text), ("lang", text),
                                         ("published", text), ("title", text), ("error", text), ("note", text),
                                         ("n_events", integer))),
        "mentions": T.StructType(fields(("doc_id", text), ("ordinal", integer), ("published", text),
                                        ("city_key", text), ("record", text)) + flat),
        "events": T.StructType(fields(("event_id", text), ("record", text)) + flat
                               + fields(("n_mentions", integer), ("sources", T.ArrayType(source)))),
        "failures": T.StructType(fields(("doc_id", text), ("source", text), ("reason", text))),
    }
