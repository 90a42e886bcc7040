"""The `archiver` command: parse flags, make one call on `Archive`, print the result.

This is the one place errors are caught: an `ArchiverError` becomes one line on stderr and
exit code 1; usage errors exit 2 (click's convention).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from . import __version__
from .archive import DEFAULT_DB, Archive, extract_source
from .config import Config
from .errors import ArchiverError
from .fetch.client import Fetcher
from .jobs.sources import read_list_file
from .models import Extraction, RunSummary

EXIT_FAILED = 1


class ArchiverGroup(click.Group):
    """Catches ArchiverError once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
            sys.exit(EXIT_FAILED)


@click.group(cls=ArchiverGroup)
@click.version_option(__version__, prog_name="archiver")
@click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
    help="SQLite database; created on first use, with its blobs in <name>.blobs/ beside it.",
)  # fmt: skip
@click.option(
    "--config", "config_path", envvar="ARCHIVER_CONFIG", type=click.Path(dir_okay=False),
    help="TOML settings file (else $ARCHIVER_CONFIG, else the defaults).",
)  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, db_path: str, config_path: str | None) -> None:
    """Find, capture and verify the social posts embedded in news articles.

    \b
    Quick start:
        archiver archive                 # archive seeds/ into archive.db
        archiver extract article.html --json
    """
    ctx.obj = {"db": db_path, "config_path": config_path}


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(command)


@contextmanager
def open_archive(ctx: click.Context) -> Iterator[Archive]:
    config = Config.load(ctx.obj["config_path"])
    with Archive.open(ctx.obj["db"], config) as archive:
        yield archive


@cli.command()
@click.argument("source")
@json_option
@click.pass_context
def extract(ctx: click.Context, source: str, as_json: bool) -> None:
    """List the embedded posts and image credits in one article.

    SOURCE is an HTML file, a plain-text file, or an http(s) URL. Nothing is stored.

    \b
    Example:
        archiver extract seeds/000_2b039dc95ea20508.txt --json
    """
    config = Config.load(ctx.obj["config_path"])
    with Fetcher(config.network, config.operator) as fetcher:
        extraction = extract_source(source, config, fetcher)
    if as_json:
        click.echo(json.dumps(extraction.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(_describe_extraction(extraction))


@cli.command()
@click.argument("sources", nargs=-1)
@click.option(
    "--from", "list_files", multiple=True, type=click.Path(dir_okay=False),
    help="A file listing sources, one per line (# comments allowed). Repeatable.",
)  # fmt: skip
@json_option
@click.pass_context
def archive(
    ctx: click.Context, sources: tuple[str, ...], list_files: tuple[str, ...], as_json: bool
) -> None:
    """Archive articles: find their posts and credits, capture each post, store everything.

    SOURCES are files, folders (read recursively), http(s) URLs and image files; with
    none given (and no --from), seeds/ is archived. One failing item is recorded and the
    run goes on. Exit 0 when the run finished (failed captures are recorded, not fatal);
    1 when the run itself failed or no source could be read at all.

    \b
    Examples:
        archiver archive
        archiver --db nightly.db archive articles/ https://example.org/news/1 --json
        archiver archive --from tonight.txt
    """
    locations = list(sources) + [s for path in list_files for s in read_list_file(path)]
    with open_archive(ctx) as opened, _progress(enabled=sys.stderr.isatty()) as progress:
        summary = opened.archive(locations or None, progress)
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.describe())
    if _nothing_read(summary):
        sys.exit(EXIT_FAILED)


def _nothing_read(summary: RunSummary) -> bool:
    return summary.articles_failed > 0 and summary.articles == 0 and summary.media == 0


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int, str], None] | None]:
    """A rich progress bar on a terminal; nothing when output is piped or logged."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("archiving", total=None)

        def advance(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label[-60:])

        yield advance


def _describe_extraction(extraction: Extraction) -> str:
    lines = [
        f"{extraction.source}: {len(extraction.embeds)} embeds, {len(extraction.credits)} credits"
    ]
    for embed in extraction.embeds:
        who = f"@{embed.author_handle}" if embed.author_handle else "-"
        lines.append(
            f"  {embed.platform:<9} {embed.post_id or embed.url or '(no link)'}  {who}"
            f"  {embed.published or ''}  [{embed.found_by}]"
        )
    for credit in extraction.credits:
        where = f"{credit.platform}/{credit.account}" if credit.platform else "-"
        lines.append(f"  credit    {credit.text!r}  {where}  {credit.kind}")
    lines += [f"  warning: {warning}" for warning in extraction.warnings]
    return "\n".join(lines)
