"""``placard watch``: follow RSS/Atom feeds, extract and store the events of new items."""
from __future__ import annotations

import time

import click

from placard import feeds
from placard.cli import main
from placard.cli.store import DB_HELP
from placard.errors import PlacardError
from placard.pipeline import Pipeline
from placard.store import Store, resolve_db_location


@main.command("watch")
@click.argument("feed_urls", nargs=-1, metavar="FEED_URL...")
@click.option("--opml", "opml_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="An OPML file listing feeds (its xmlUrl attributes); may be repeated.")
@click.option("--db", "db", default=None, help=DB_HELP)
@click.option("--interval", type=click.FloatRange(min=1), default=900.0, show_default=True,
              help="Seconds between rounds.")
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option("--per-host-delay", type=click.FloatRange(min=0), default=feeds.DEFAULT_PER_HOST_DELAY,
              show_default=True, help="Seconds between two requests to one host.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=feeds.DEFAULT_TIMEOUT, show_default=True,
              help="Seconds a connection, a read and a whole response may take.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=feeds.DEFAULT_MAX_BYTES, show_default=True,
              help="Responses larger than this are refused.")
def watch(feed_urls, opml_files, db, interval, once, per_host_delay, timeout, max_bytes) -> None:
    """Fetch feeds and the pages of their new items; store the events found.

    Every failure is logged with its reason ("skip URL: HTTP 500") and the
    round goes on; state (ETag/Last-Modified per feed, stored/failed per
    item) is kept in the store, so a restart resumes where it stopped.

    \b
    Example:
      placard watch https://example.org/rss.xml --opml feeds.opml --db events.db --once
    """
    try:
        urls = list(feed_urls)
        for path in opml_files:
            urls.extend(feeds.read_opml(path))
        urls = list(dict.fromkeys(urls))
        if not urls:
            raise click.UsageError("give at least one FEED_URL or --opml FILE")
        pipeline = Pipeline.default()
        with Store.open(resolve_db_location(db)) as store, feeds.Fetcher(
                timeout=timeout, max_bytes=max_bytes, per_host_delay=per_host_delay) as fetcher:
            round_number = 0
            while True:
                round_number += 1
                started = time.monotonic()
                summary = feeds.watch_round(urls, store, fetcher, pipeline)
                click.echo(f"round {round_number}: {summary.line()} ({time.monotonic() - started:.1f} s)", err=True)
                if once:
                    return
                time.sleep(max(0.0, interval - (time.monotonic() - started)))
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    except PlacardError as exc:
        raise click.ClickException(str(exc)) from None
