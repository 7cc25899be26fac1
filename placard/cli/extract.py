"""``placard extract``: documents in, one JSON line of events per document out."""
from __future__ import annotations

import csv
import json
import sys

import click

from placard.cli import main
from placard.cli.progress import progress_bar
from placard.pipeline import Pipeline
from placard.reading import DocumentReader, ReadFailure
from placard.records import LANGUAGES, Result

CSV_COLUMNS = ["doc_id", "form", "status", "date", "end_date", "country", "admin1", "city", "site", "lat", "lon",
               "geonames_id", "participants", "size_min", "size_max", "organizers", "claims", "issues", "targets",
               "responses", "confidence", "evidence", "error"]


def _csv_rows(record: dict):
    if not record["events"]:
        yield {"doc_id": record["doc_id"], "error": record.get("error", "")}
    for e in record["events"]:
        loc = e["location"]
        yield {
            "doc_id": record["doc_id"], "form": e["form"], "status": e["status"], "date": e["date"],
            "end_date": e["end_date"], "country": loc["country"], "admin1": loc["admin1"], "city": loc["city"],
            "site": loc["site"], "lat": loc["lat"], "lon": loc["lon"], "geonames_id": loc["geonames_id"],
            "participants": e["participants"]["text"], "size_min": e["participants"]["size_min"],
            "size_max": e["participants"]["size_max"], "organizers": "; ".join(e["organizers"]),
            "claims": "; ".join(c["text"] for c in e["claims"]),
            "issues": "; ".join(sorted({i for c in e["claims"] for i in c["issues"]})),
            "targets": "; ".join(e["targets"]),
            "responses": "; ".join(r["type"] + (f":{r['count']}" if r["count"] else "") for r in e["responses"]),
            "confidence": e["confidence"], "evidence": " ".join(e["evidence"]), "error": "",
        }


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
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: when it is a terminal).")
def extract_command(paths, published, lang, fmt, output, progress):
    """Extract protest events from PATHS: .jsonl/.json document files, .txt or .html files, folders of them,
    or - for JSONL on standard input.

    Every input document gets exactly one output, in input order; a document that cannot be read gets
    "events": [] and an "error" saying why, and the run goes on. Exit status 1 means at least one
    document failed.

    \b
    Examples:
      placard extract docs.jsonl > events.jsonl
      placard extract article.txt --published 2019-06-05 --lang en
      placard extract pages/ --format csv -o events.csv
    """
    pipeline = Pipeline.default()
    failed = 0
    records = []
    writer = None
    if fmt == "csv":
        writer = csv.DictWriter(output, fieldnames=CSV_COLUMNS)
        writer.writeheader()
    with progress_bar(progress, desc="extract") as bar:
        reader = DocumentReader(list(paths), published=published, lang=lang)
        for item in reader:
            if isinstance(item, ReadFailure):
                result = Result(doc_id=item.doc_id, error=item.reason)
            else:
                result = pipeline.run(item)
            failed += result.error is not None
            record = result.to_record()
            notes = reader.warnings.get(result.doc_id, ()) + (result.article.warnings if result.article else ())
            if notes:
                record["warning"] = "; ".join(notes)
            if fmt == "jsonl":
                output.write(json.dumps(record, ensure_ascii=False) + "\n")
            elif fmt == "json":
                records.append(record)
            else:
                for row in _csv_rows(record):
                    writer.writerow(row)
            bar.update(1, events=len(record["events"]), failed=failed)
    if fmt == "json":
        json.dump(records, output, ensure_ascii=False, indent=2)
        output.write("\n")
    output.flush()
    if failed:
        click.echo(f"placard: {failed} document(s) failed; see their \"error\"", err=True)
        sys.exit(1)
