"""The ``placard`` command: a thin layer over the library.

Each sub-module adds its commands to ``main``; only this layer configures
logging and turns library errors into exit statuses.
"""
from __future__ import annotations

import logging

import click

from placard import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="placard")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Placard turns news articles (English, Russian, Kazakh) into protest event records.

    \b
    Typical use:
      placard extract articles.jsonl > events.jsonl     # batch, codebook section 5
      placard extract page.html --published 2024-06-25  # one file
      placard ingest examples/ --db events.db           # into the embedded store
      placard events --db events.db --country KZ --format csv
      placard eval docs.jsonl gold.jsonl                # score against gold events
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


# Sub-modules register their commands on ``main``.
from placard.cli import evaluate as _evaluate, extract as _extract, serve as _serve, spark as _spark, store as _store, watch as _watch  # noqa: E402,F401
