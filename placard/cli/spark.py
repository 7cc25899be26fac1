"""``placard spark``: the batch job on Apache Spark (see ``placard.spark``)."""
from __future__ import annotations

import time

import click

from placard import spark as job
from placard.cli import main
from placard.errors import PlacardError


@main.command("spark")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--output", "-o", required=True, metavar="DIR",
              help="Folder (any path Spark writes: local, hdfs://, s3a://) for the Parquet tables "
                   "documents, mentions, events and failures; replaced when it exists.")
@click.option("--master", metavar="URL",
              help=f"Spark master (local[N], spark://host:7077, yarn...); default: spark-submit's master under "
                   f"spark-submit, else {job.DEFAULT_MASTER}.")
@click.option("--partitions", type=click.IntRange(min=1), metavar="N",
              help="Split the input into at least N partitions (default: as Spark reads it).")
def spark_command(inputs, output, master, partitions):
    """Extract protest events from INPUTS (.jsonl documents, .warc or .warc.gz files, globs; any path
    Spark reads) on Apache Spark, deduplicate them across documents as the store does, and write
    Parquet tables under DIR.

    \b
    Examples:
      placard spark docs.jsonl --output out/
      placard spark 's3a://bucket/crawl/*.warc.gz' --output s3a://bucket/events/ --master yarn
    """
    try:
        session = job.start_session(master)
    except PlacardError as exc:
        raise click.ClickException(str(exc)) from None
    started = time.monotonic()
    try:
        summary = job.run_job(session, list(inputs), output, partitions=partitions)
    except PlacardError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        session.stop()
    seconds = time.monotonic() - started
    rate = summary.documents / seconds if seconds else 0.0
    for line in summary.lines():
        click.echo(f"placard: {line}", err=True)
    click.echo(f"placard: {seconds:.1f} s, {rate:.1f} documents per second", err=True)
