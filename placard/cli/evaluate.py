"""``placard eval``: score extraction against gold events (codebook section 4)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from placard import scoring
from placard.cli import main
from placard.errors import PlacardError


def _documents(docs_path: Path):
    from placard.reading import iter_documents

    return iter_documents([docs_path])


def _langs(docs_path: Path) -> dict[str, str]:
    """Language of each document as the docs input gives it."""
    if docs_path.is_file() and docs_path.suffix == ".jsonl":
        return scoring.langs_from_docs(scoring.load_jsonl(docs_path))
    return {d.id: d.lang for d in _documents(docs_path) if getattr(d, "lang", None)}


def _only(mapping: dict, keep: set[str]) -> dict:
    return {k: v for k, v in mapping.items() if k in keep}


@main.command("eval")
@click.argument("docs", type=click.Path(exists=True, path_type=Path))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--system", "system_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Score this output of `placard extract` instead of running the pipeline.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--details", is_flag=True, help="Also list missed, spurious and mismatched events per document.")
@click.option("--lang", type=click.Choice(["en", "ru", "kk"]), help="Score only documents in this language.")
def eval_command(docs: Path, gold: Path, system_path: Optional[Path], as_json: bool, details: bool,
                 lang: Optional[str]) -> None:
    """Score events extracted from DOCS against the GOLD events file.

    \b
    placard eval docs.jsonl gold.jsonl                    # run the pipeline, print the table
    placard eval docs.jsonl gold.jsonl --system out.jsonl # score a ready output file
    """
    try:
        gold_events = scoring.load_events(gold)
        if system_path is not None:
            system_events = scoring.load_events(system_path)
            langs = _langs(docs)
        else:
            from tqdm import tqdm

            progress = tqdm(_documents(docs), desc="extracting", unit="doc", file=sys.stderr, disable=None)
            system_events, langs = scoring.run_pipeline(progress)
    except PlacardError as exc:
        raise click.ClickException(str(exc)) from None

    if lang:
        keep = {doc_id for doc_id, doc_lang in langs.items() if doc_lang == lang}
        gold_events, system_events = _only(gold_events, keep), _only(system_events, keep)
    report = scoring.score(gold_events, system_events, langs)
    diagnostics = scoring.per_doc_diagnostics(report) if details else None

    if as_json:
        payload = report.to_dict()
        if diagnostics is not None:
            payload["details"] = diagnostics
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(scoring.format_table(report))
    if diagnostics:
        click.echo()
        click.echo(scoring.format_diagnostics(diagnostics))
