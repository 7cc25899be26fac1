"""``placard ingest``, ``placard events`` and ``placard review``: fill the event
store, query it, and record an analyst's judgement."""
from __future__ import annotations

import difflib
import getpass
import json
import logging
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Optional

import click

from placard.cli import main
from placard.cli.progress import LONG_RUN_DOCUMENTS, Progress
from placard.errors import PlacardError
from placard.export import EXPORTERS, event_object
from placard.records import FORMS, ISSUES, LANGUAGES, RESPONSES, STATUSES, Document, Result
from placard.store import DB_ENV_VAR, DEFAULT_DB_PATH, EVENT_ORDERS, REVIEW_STATES, EventQuery, IngestOutcome
from placard.store import Store, StoredEvent, query_date_bound, resolve_db_location, search_words

log = logging.getLogger(__name__)

DB_HELP = (
    f"The store: an SQLite file (created on first ingest) or a PostgreSQL URL "
    f"(postgresql://user@host/db; needs the postgres extra). Default: ${DB_ENV_VAR} when set, "
    f"else ./{DEFAULT_DB_PATH}. Example: --db events.db"
)
FORMATS = ("table", "json", "jsonl", "csv", "acled", "geojson", "gold")
FORMAT_BY_SUFFIX = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".geojson": "geojson"}


class OptionError(click.ClickException):
    """A bad option value: one line on stderr, exit status 2 like click's own."""

    exit_code = 2


def _check_date(value: Optional[str], option: str, *, end: bool = False) -> Optional[str]:
    if value is None:
        return None
    try:
        query_date_bound(value, end=end, option=option)
    except PlacardError:
        raise OptionError(f"{option} takes YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019-06-03), not {value!r}") from None
    return value


def search_words_or_none(text: str) -> Optional[list[str]]:
    try:
        return search_words(text)
    except PlacardError:
        return None


def _check_choice(value: Optional[str], option: str, vocabulary: Iterable[str]) -> Optional[str]:
    if value is None:
        return None
    vocabulary = tuple(vocabulary)
    folded = value.strip().lower()
    if folded in vocabulary:
        return folded
    close = difflib.get_close_matches(folded, vocabulary, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise OptionError(f"{option} {value!r} is not in the codebook{hint}; choose one of: {', '.join(vocabulary)}")


# --- placard ingest -------------------------------------------------------


def _read(paths: Iterable[Path], published: Optional[str], lang: Optional[str]):
    """The documents and read failures of ``paths``; ``warc_stats`` on it counts skipped WARC records."""
    from placard.reading import iter_documents

    return iter_documents([str(p) for p in paths], published=published, lang=lang)


def _failure_source(item) -> Optional[str]:
    if isinstance(item, Document):
        return None
    source = getattr(item, "source", None)
    return source and str(source)


def _summary(outcomes: list[IngestOutcome], store: Store, warc_stats=None, events_found: int = 0) -> list[str]:
    counts = Counter(o.status for o in outcomes)
    stored = sum(o.events for o in outcomes if o.status in ("added", "updated"))
    skipped = sum(warc_stats.skipped.values()) if warc_stats is not None else 0
    lines = [
        f"documents read: {len(outcomes)}, skipped: {skipped}, events found: {events_found}",
        f"added: {counts['added']}, unchanged: {counts['unchanged']}, updated: {counts['updated']}, "
        f"failed: {counts['failed']}",
    ]
    if warc_stats is not None and warc_stats.summary():
        lines.append(f"skipped {warc_stats.summary()}")
    lines += [f"  failed {o.doc_id}: {o.error}" for o in outcomes if o.status == "failed"]
    totals = store.stats()
    lines.append(f"events stored: {stored}")
    events, reports = totals["events"], totals["mentions"]
    lines.append(f"store: {store.location} holds {events} event{'s' if events != 1 else ''} "
                 f"({reports} report{'s' if reports != 1 else ''}) from {totals['documents']} documents")
    return lines


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True, path_type=Path))
@click.option("--db", "db_path", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--published", metavar="DATE",
              help="Publication date for documents that carry none; relative dates (\"yesterday\", "
                   "\"on Saturday\") resolve against it. YYYY-MM-DD, YYYY-MM or YYYY. "
                   "Example: --published 2024-06-25")
@click.option("--lang", type=click.Choice(LANGUAGES),
              help="Language of documents that do not say; otherwise it is detected. Example: --lang ru")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (documents/s) on stderr. Default: on when stderr is a "
                   f"terminal, or once a run passes {LONG_RUN_DOCUMENTS:,} documents.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes running the pipeline (each builds it once); the store is written from this one. "
                   "Example: --workers 4")
@click.pass_context
def ingest_command(ctx: click.Context, paths: tuple[Path, ...], db_path: Optional[str],
                   published: Optional[str], lang: Optional[str], progress: Optional[bool], workers: int) -> None:
    """Extract events from the documents at PATHS and keep them in the store.

    PATHS are .jsonl files (one document a line: codebook section 3), .txt or
    .html files, .warc/.warc.gz web archives (their HTML responses), folders
    of them, or - for JSON lines on standard input. Each
    document is one transaction: stop
    the run at any point and what was stored stays. Ingesting a document again
    changes nothing when its content (text or HTML, publication date,
    language) and its events are the same; otherwise its events are replaced.
    Reports of one protest in several documents become one event with every
    document as a source (same city, dates within a day, forms and claims
    that fit).
    Documents that cannot be read or processed are stored with the reason,
    listed at the end, and make the exit status 1.

    \b
    Examples:
      placard ingest articles.jsonl                      # into ./placard.db
      placard ingest pages/ --db kz.db --lang ru
      placard ingest page.html --published 2024-06-25
      PLACARD_DB=/data/events.db placard ingest feed.jsonl
      placard ingest feed.jsonl --db postgresql://placard@db.example/events
      zcat archive.jsonl.gz | placard ingest - --db archive.db
      placard ingest crawl/ --workers 4                  # .warc.gz files, 4 processes
    """
    _check_date(published, "--published")
    pipeline = None
    if workers == 1:
        try:
            from placard.pipeline import Pipeline

            pipeline = Pipeline.default()
        except (PlacardError, ImportError) as exc:
            raise click.ClickException(f"cannot build the extraction pipeline: {exc}") from None
    from placard.parallel import run_items

    reader = _read(paths, published, lang)
    events_found = 0

    outcomes: list[IngestOutcome] = []
    interrupted = False
    try:
        with Store.open(db_path) as store:
            bar = Progress(progress, "ingesting")
            try:
                for item, result in run_items(reader, workers=workers, pipeline=pipeline):
                    outcomes.append(store.ingest(result, source=_failure_source(item)))
                    events_found += len(result.events)
                    bar.advance(events=len(result.events), failed=result.error is not None)
            except KeyboardInterrupt:
                # Every document already counted is committed; say so and stop.
                interrupted = True
            finally:
                bar.close()
            for line in _summary(outcomes, store, getattr(reader, "warc_stats", None), events_found):
                click.echo(line)
    except PlacardError as exc:
        raise click.ClickException(f"{exc} (after {len(outcomes)} documents)") from None
    if interrupted:
        click.echo("interrupted: the documents above are stored; run again to continue", err=True)
        ctx.exit(130)
    if any(o.status == "failed" for o in outcomes):
        ctx.exit(1)


# --- placard events -------------------------------------------------------


def size_text(participants: dict) -> str:
    low, high = participants.get("size_min"), participants.get("size_max")
    if low is None and high is None:
        return ""
    if low == high:
        return str(low)
    if high is None:
        return f"{low}+"
    if low is None:
        return f"≤{high}"
    return f"{low}-{high}"


def table_lines(events: list[StoredEvent], width: int) -> list[str]:
    """A compact aligned table; the claim column takes what width is left."""
    header = ("id", "date", "form", "status", "city", "country", "size", "sources", "review", "claim")
    rows = []
    for event in events:
        record = event.record
        location = record.get("location") or {}
        claims = record.get("claims") or []
        rows.append((
            str(event.id), record.get("date") or "", record.get("form") or "", record.get("status") or "",
            (location.get("city") or "")[:24], location.get("country") or "",
            size_text(record.get("participants") or {}), str(len(event.sources)), event.review,
            claims[0]["text"] if claims else "",
        ))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    room = max(width - sum(widths) - 2 * len(widths), 20)
    lines = []
    for row in [header, *rows]:
        claim = row[-1] if len(row[-1]) <= room else row[-1][: room - 1] + "…"
        cells = [cell.rjust(w) if i in (0, 7) else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append(("  ".join(cells) + "  " + claim).rstrip())
    return lines


def _choose_format(fmt: Optional[str], output: Optional[Path]) -> str:
    if fmt:
        return fmt
    if output is not None:
        return FORMAT_BY_SUFFIX.get(output.suffix.lower(), "jsonl")
    return "table" if sys.stdout.isatty() else "jsonl"


def _open_existing(db_path: Optional[str]) -> Store:
    """The store at ``db_path``, which must exist (a file) or answer (a URL)."""
    location = resolve_db_location(db_path)
    if isinstance(location, Path) and not location.exists():
        raise click.ClickException(
            f"no store at {location}; `placard ingest` creates one (choose it with --db or ${DB_ENV_VAR})")
    try:
        return Store.open(location)
    except PlacardError as exc:
        raise click.ClickException(str(exc)) from None


def _output(output: Optional[Path]):
    try:
        return open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror}") from None


@main.command("events")
@click.option("--db", "db_path", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--from", "date_from", metavar="DATE",
              help="Only events that started on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD). An event "
                   "known only to the month or year must lie wholly in the range; events with no "
                   "date or no year are left out. Example: --from 2019-06")
@click.option("--to", "date_to", metavar="DATE",
              help="Only events that started on or before DATE; a month or year means its last day. "
                   "Example: --to 2019-12 (through 31 December)")
@click.option("--country", metavar="CC", help="Two-letter ISO country code. Example: --country KZ")
@click.option("--admin1", metavar="NAME",
              help="Region (oblast), case- and accent-blind. Example: --admin1 'Mangystau Region'")
@click.option("--city", metavar="NAME",
              help="City, case- and accent-blind; renamings count as one city, so Nur-Sultan also "
                   "finds Astana. Example: --city almaty")
@click.option("--form", metavar="FORM", help=f"Kind of action, one of: {', '.join(FORMS)}. Example: --form strike")
@click.option("--issue", metavar="ISSUE",
              help=f"Keep events with a claim about this issue: {', '.join(ISSUES)}. Example: --issue housing")
@click.option("--status", metavar="STATUS",
              help="occurred (happened or under way at publication), planned (announced, still ahead), "
                   "prevented (called for, blocked before anyone gathered). Example: --status planned")
@click.option("--response", metavar="TYPE",
              help=f"Keep events where authorities or targets did this: {', '.join(RESPONSES)}. "
                   "Example: --response detained")
@click.option("--review", metavar="STATE",
              help="Keep events in this review state: machine (not checked yet), confirmed, edited, "
                   "rejected (otherwise hidden). Example: --review machine")
@click.option("--text", metavar="WORDS",
              help="Every word must start a word of the evidence (of any source), claims, participants, "
                   "organizers, targets, site or place; case and accents ignored. "
                   "Example: --text 'hunger митинг'")
@click.option("--order", type=click.Choice(EVENT_ORDERS), default="date", show_default=True,
              help="date: oldest first, undated last; confidence: least sure first (the review queue); "
                   "recent: newest first. Example: --order confidence")
@click.option("--limit", type=click.IntRange(min=0), metavar="N", help="At most N events. Example: --limit 20")
@click.option("--offset", type=click.IntRange(min=0), default=0, metavar="N",
              help="Skip the first N matching events (page with --limit). Example: --offset 20")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="table: aligned columns to read; json: a list of records; jsonl: one record a line; "
                   "csv: one row an event, lists joined with '; '; acled: ACLED-like CSV columns (event "
                   "type, actors, geo precision, sources) plus Placard's; geojson: a FeatureCollection for "
                   "maps; gold: codebook gold JSONL, one line per document whose events were all reviewed "
                   "(filters do not apply). Default: from the --output suffix (.csv, .json, .jsonl, "
                   ".geojson), else table on a terminal and jsonl in a pipe. Example: --format acled")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to FILE instead of standard output. Example: -o kz.geojson")
def events_command(db_path: Optional[str], date_from: Optional[str], date_to: Optional[str],
                   country: Optional[str], admin1: Optional[str], city: Optional[str], form: Optional[str],
                   issue: Optional[str], status: Optional[str], response: Optional[str], review: Optional[str],
                   text: Optional[str], order: str, limit: Optional[int], offset: int, fmt: Optional[str],
                   output: Optional[Path]) -> None:
    """List stored events that match every filter given, oldest first.

    Each event is one protest, however many documents report it; the table's
    sources column counts them.

    \b
    Examples:
      placard events                                         # everything, as a table
      placard events --country KZ --from 2022-01 --to 2022-01 --form rally
      placard events --city Astana --issue housing --format csv -o housing.csv
      placard events --text "hunger strike" --status occurred --format jsonl
      placard events --review machine --order confidence --limit 20   # what to check first
      placard events --db kz.db --format acled -o kz-acled.csv
      placard events --format gold -o reviewed.jsonl
    """
    _check_date(date_from, "--from")
    _check_date(date_to, "--to", end=True)
    if country is not None and (len(country.strip()) != 2 or not country.strip().isalpha()):
        raise OptionError(f"--country takes a two-letter ISO code such as KZ, not {country!r}")
    if text is not None and not search_words_or_none(text):
        raise OptionError(f"--text needs at least one word, not {text!r}")
    query = EventQuery(
        date_from=date_from, date_to=date_to, country=country, admin1=admin1, city=city,
        form=_check_choice(form, "--form", FORMS), issue=_check_choice(issue, "--issue", ISSUES),
        status=_check_choice(status, "--status", STATUSES), text=text, limit=limit, offset=offset,
        response=_check_choice(response, "--response", RESPONSES),
        review=_check_choice(review, "--review", REVIEW_STATES), order=order,
    )
    fmt = _choose_format(fmt, output)
    if fmt == "gold" and query != EventQuery(order=order):
        raise OptionError("--format gold writes every reviewed document whole; filters do not apply")
    with _open_existing(db_path) as store:
        try:
            if fmt == "gold":
                stream = _output(output)
                try:
                    store.export_gold(stream)
                finally:
                    if output:
                        stream.close()
                return
            events = store.events(query)
            total = store.count_events(query) if fmt == "table" and (limit is not None or offset) else len(events)
        except PlacardError as exc:
            raise click.ClickException(str(exc)) from None

    stream = _output(output)
    try:
        if fmt == "table":
            width = shutil.get_terminal_size((120, 24)).columns
            for line in table_lines(events, width):
                stream.write(line + "\n")
            shown = f"{len(events)} of {total}" if total != len(events) else str(len(events))
            stream.write(f"{shown} event{'s' if total != 1 else ''}\n")
        else:
            EXPORTERS[fmt](events, stream)
    finally:
        if output:
            stream.close()


# --- placard review -------------------------------------------------------

REVIEW_COMMANDS = ("confirm", "reject", "reopen", "edit", "merge", "split")


def parse_settings(settings: Iterable[str]) -> dict:
    """``location.city=Almaty`` and the like as a partial record; values are
    JSON when they parse (numbers, null, lists), else text."""
    changes: dict = {}
    for setting in settings:
        key, sep, raw = setting.partition("=")
        if not sep or not key.strip():
            raise OptionError(f"--set takes FIELD=VALUE (e.g. form=march or location.city=Almaty), not {setting!r}")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        *parents, leaf = [part.strip() for part in key.split(".")]
        target = changes
        for part in parents:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise OptionError(f"--set {key}: {part} is given twice")
        target[leaf] = value
    return changes


@main.command("review")
@click.argument("event_id", type=int)
@click.argument("action", type=click.Choice(REVIEW_COMMANDS))
@click.option("--db", "db_path", metavar="PATH_OR_URL", help=DB_HELP)
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE",
              help="With edit: a field to change, dotted for location and participants; the value is "
                   "JSON when it parses, else text. Repeat for several. Example: --set location.city=Almaty")
@click.option("--with", "others", multiple=True, type=int, metavar="EVENT_ID",
              help="With merge: an event whose sources join EVENT_ID (repeat for several). Example: --with 17")
@click.option("--mention", "mentions", multiple=True, type=int, metavar="MENTION_ID",
              help="With split: a source (mention id, see --format json) that leaves for a new event "
                   "(repeat for several). Example: --mention 40")
@click.option("--who", metavar="NAME", help="Who reviews, for the audit log. Default: the login name. "
                                              "Example: --who aigerim")
@click.option("--note", metavar="TEXT", help="Why, for the audit log. Example: --note 'two marches, not one'")
def review_command(event_id: int, action: str, db_path: Optional[str], settings: tuple[str, ...],
                   others: tuple[int, ...], mentions: tuple[int, ...], who: Optional[str],
                   note: Optional[str]) -> None:
    """Record an analyst's judgement of event EVENT_ID; every action is kept in
    the audit log, and a reviewed event is never rewritten by later runs.

    \b
    confirm   the record is right
    reject    not a protest event (hidden from lists and exports)
    reopen    back to the machine: merged from its sources again
    edit      change fields (--set)
    merge     the events given with --with report the same protest
    split     the sources given with --mention report another protest
    Prints the event afterwards as JSON (for split: the new event).

    \b
    Examples:
      placard review 12 confirm --who aigerim
      placard review 12 edit --set form=march --set participants.size_min=200 --who aigerim
      placard review 12 merge --with 17 --with 19 --note "one march, three outlets"
      placard review 12 split --mention 40
    """
    changes = parse_settings(settings)
    if changes and action != "edit":
        raise OptionError("--set goes with edit")
    if action == "edit" and not changes:
        raise OptionError("edit needs at least one --set FIELD=VALUE")
    if (others and action != "merge") or (action == "merge" and not others):
        raise OptionError("merge takes the other events with --with EVENT_ID (and --with only goes with merge)")
    if (mentions and action != "split") or (action == "split" and not mentions):
        raise OptionError("split takes the leaving sources with --mention MENTION_ID "
                          "(and --mention only goes with split)")
    who = who or getpass.getuser()
    with _open_existing(db_path) as store:
        try:
            if action == "merge":
                event = store.merge([event_id, *others], who, note=note)
            elif action == "split":
                event = store.split(event_id, list(mentions), who, note=note)
            else:
                event = store.review(event_id, action, who, changes=changes or None, note=note)
        except PlacardError as exc:
            raise click.ClickException(str(exc)) from None
    body = {**event_object(event), "review": event.review, "reviewed_by": event.reviewed_by,
            "reviewed_at": event.reviewed_at,
            "sources": [{"mention_id": s.mention_id, "doc_id": s.doc_id, "url": s.url} for s in event.sources]}
    click.echo(json.dumps(body, ensure_ascii=False))
