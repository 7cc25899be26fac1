"""``placard extract``: documents in, one JSON line of events per document out."""
from __future__ import annotations

import csv
import json
import sys

import click

from placard import export
from placard.cli import main
from placard.cli.progress import LONG_RUN_DOCUMENTS, Progress
from placard.parallel import run_items
from placard.reading import DocumentReader, ReadFailure
from placard.records import LANGUAGES
from placard.store import StoredEvent

CSV_COLUMNS = [*export.CSV_COLUMNS, "error", "note"]


def _csv_rows(record: dict, url):
    """One row per event (as ``placard events --format csv``), or one row saying why there is none."""
    if not record["events"]:
        yield {"doc_id": record["doc_id"], "url": url, "error": record.get("error"), "note": record.get("note")}
    for event in record["events"]:
        yield export.flat_row(StoredEvent(id=None, doc_id=record["doc_id"], url=url, record=event))


def summary_lines(read: int, failed: int, events: int, warc_stats) -> list[str]:
    """The end-of-run counts: documents read, skipped (by reason), failed, events found."""
    skipped = sum(warc_stats.skipped.values())
    lines = [f"documents read: {read}, skipped: {skipped}, failed: {failed}, events found: {events}"]
    if warc_stats.summary():
        lines.append(f"skipped {warc_stats.summary()}")
    return lines


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--published", metavar="YYYY-MM-DD",
              help="Publication date for documents that do not carry one (.txt/.html files); relative dates "
                   "such as 'on Saturday' resolve against it.")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of documents that do not say (default: detect).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one {doc_id, events} line per document (codebook section 5); json: one list; "
                   "csv: one row per event.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write here instead of standard output.")
@click.option("--progress/--no-progress", default=None,
              help=f"Progress bar on stderr (default: on a terminal, or once a run passes {LONG_RUN_DOCUMENTS:,} documents).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes running the pipeline (each builds it once); output is the same for any number.")
def extract_command(paths, published, lang, fmt, output, progress, workers):
    """Extract protest events from PATHS: .jsonl/.json document files, .txt or .html files, .warc/.warc.gz
    web archives (their HTML responses), folders of them, or - for JSONL on standard input.

    Every input document gets exactly one output, in input order; a document that cannot be read gets
    "events": [] and an "error" saying why, and the run goes on. Exit status 1 means at least one
    document failed.

    \b
    Examples:
      placard extract docs.jsonl > events.jsonl
      placard extract article.txt --published 2019-06-05 --lang en
      placard extract pages/ --format csv -o events.csv
      placard extract crawl.warc.gz --workers 4 > events.jsonl
    """
    failed = 0
    events = 0
    records = []
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS)
        writer.writeheader()
    with Progress(progress, "extracting") as bar:
        reader = DocumentReader(list(paths), published=published, lang=lang)
        for item, result in run_items(reader, workers=workers):
            failed += result.error is not None
            record = result.to_record()
            events += len(record["events"])
            notes = reader.warnings.get(result.doc_id, ()) + (result.article.warnings if result.article else ())
            if notes:
                record["warning"] = "; ".join(notes)
            if fmt == "jsonl":
                output.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif fmt == "json":
                records.append(record)
            else:
                url = None if isinstance(item, ReadFailure) else item.url
                for row in _csv_rows(record, url):
                    writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
            bar.advance(events=len(record["events"]), failed=result.error is not None)
    if fmt == "json":
        json.dump(records, output, ensure_ascii=False, indent=2)
        output.write("\n")
    output.flush()
    for line in summary_lines(bar.count, failed, events, reader.warc_stats):
        click.echo(line, err=True)
    if failed:
        click.echo(f"placard: {failed} document(s) failed; see their \"error\"", err=True)
        sys.exit(1)
