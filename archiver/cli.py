"""The `archiver` command: parse flags, make one call on `Archive`, print the result.

This is the one place errors are caught: an `ArchiverError` becomes one line on stderr.
Exit codes: 0 all done; 1 done, but some sources (articles, files, images, queries) failed,
or an error of its own; 2 usage or configuration error; 3 could not run (another job holds
the archive, the database or blob store is unusable).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from . import __version__
from .archive import DEFAULT_DB, Archive, extract_source
from .config import Config
from .errors import ArchiverError, ConfigError, StoreError
from .export.bundle import verify_bundle
from .export.selection import Selection
from .fetch.client import Fetcher
from .history import DEFAULT_MEMENTO_BASE, as_cdxj, as_text, as_timemap, describe_note
from .jobs.jobfile import JobFile
from .jobs.sources import read_list_file
from .media.lookup import ReuseAnswer
from .models import Extraction

EXIT_FAILED = 1  # done, with items that failed
EXIT_USAGE = 2  # usage or configuration error (click exits 2 for usage errors too)
EXIT_CANNOT_RUN = 3  # another job holds the archive, or the store is unusable


class ArchiverGroup(click.Group):
    """Catches ArchiverError once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiverError as exc:
            click.echo(f"Error: {type(exc).__name__}: {exc}", err=True)
            sys.exit(_exit_code(exc))


def _exit_code(error: ArchiverError) -> int:
    if isinstance(error, ConfigError):
        return EXIT_USAGE
    if isinstance(error, StoreError):
        return EXIT_CANNOT_RUN
    return EXIT_FAILED


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
@click.option(
    "--wait", "wait_for_lock", is_flag=True,
    help="When another job is writing the archive, wait for it instead of exiting 3.",
)  # fmt: skip
@click.option(
    "--concurrency", type=click.IntRange(min=1),
    help="Captures and downloads in flight at once (else [network] concurrency, 8).",
)  # fmt: skip
@click.pass_context
def cli(
    ctx: click.Context,
    db_path: str,
    config_path: str | None,
    wait_for_lock: bool,
    concurrency: int | None,
) -> None:
    """Find, capture and verify the social posts embedded in news articles.

    \b
    Quick start:
        archiver archive                 # archive seeds/ into archive.db
        archiver extract article.html --json
    """
    ctx.obj = {
        "db": db_path, "config_path": config_path, "wait": wait_for_lock,
        "concurrency": concurrency,
    }  # fmt: skip


def json_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(command)


@contextmanager
def open_archive(ctx: click.Context) -> Iterator[Archive]:
    config = Config.load(ctx.obj["config_path"])
    if ctx.obj["concurrency"]:
        config.network.concurrency = ctx.obj["concurrency"]
    with Archive.open(ctx.obj["db"], config) as archive:
        archive.wait_for_lock = ctx.obj["wait"]
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
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Skip feed and sitemap items dated before this day (YYYY-MM-DD).",
)  # fmt: skip
@click.option(
    "--resume", is_flag=True,
    help="Finish the latest run that was killed, instead of starting a new one.",
)  # fmt: skip
@click.option(
    "--screenshots", is_flag=True,
    help="Also render each article and each post's public page in Chromium: full-page "
    "screenshot, annotated copy, rendered DOM ([browser] settings).",
)  # fmt: skip
@json_option
@click.pass_context
def archive(
    ctx: click.Context,
    sources: tuple[str, ...],
    list_files: tuple[str, ...],
    since: datetime | None,
    resume: bool,
    screenshots: bool,
    as_json: bool,
) -> None:
    """Archive articles: find their posts and credits, capture each post, store everything.

    SOURCES are files, folders (read recursively), http(s) URLs of articles or of posts,
    RSS/Atom feeds and XML sitemaps (recognised by their content; they add the articles
    they list), and image files; with none given (and no --from), seeds/ is archived.
    One failing item is recorded and the run goes on. Exit 0 when every source was read
    (posts that could not be captured are recorded, not failures of the run); 1 when some
    source could not be read; 2 for a usage or configuration error; 3 when the run could
    not start or go on (another job holds the archive, the database is unusable).

    \b
    Examples:
        archiver archive
        archiver --db nightly.db archive articles/ https://example.org/news/1 --json
        archiver archive --from tonight.txt --since 2026-11-01
        archiver archive https://example.org/feed.xml https://example.org/news-sitemap.xml
        archiver archive --resume
        archiver archive --screenshots seeds/
    """
    locations = list(sources) + [s for path in list_files for s in read_list_file(path)]
    if resume and locations:
        raise click.UsageError("--resume takes no sources: it finishes the killed run's own")
    with open_archive(ctx) as opened, _progress(enabled=sys.stderr.isatty()) as progress:
        opened.config.browser.enabled |= screenshots
        if resume:
            resumed = opened.resume(progress)
            if resumed is None:
                click.echo("Nothing to resume: every run finished.")
                return
            summary = resumed
        else:
            summary = opened.archive(locations or None, progress, since.date() if since else None)
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.describe())
    if summary.articles_failed:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--due", is_flag=True, help="Only posts due under the [recapture] schedule.")
@click.option("--all", "every", is_flag=True, help="Every post the archive has captured.")
@json_option
@click.pass_context
def recapture(
    ctx: click.Context, urls: tuple[str, ...], due: bool, every: bool, as_json: bool
) -> None:
    """Capture known posts again and record what changed since their last capture.

    Give post URLs (any form), or --due for the posts the schedule says are due (by default
    1 hour, 1 day, 7 days and 30 days after the first capture, then every 30 days), or
    --all. Edits, media added, removed or re-encoded, deletions, posts made private or
    withheld, posts that came back and renamed authors are stored as changes.

    \b
    Examples:
        archiver recapture --due --json
        archiver recapture https://x.com/someone/status/1660666060461764609
    """
    if bool(urls) + due + every != 1:
        raise click.UsageError("give post URLs, or --due, or --all (one of them)")
    with open_archive(ctx) as opened, _progress(enabled=sys.stderr.isatty()) as progress:
        summary = opened.recapture(list(urls), due=due, progress=progress)
    click.echo(json.dumps(summary.to_dict(), indent=2) if as_json else summary.describe())


@cli.command()
@json_option
@click.pass_context
def health(ctx: click.Context, as_json: bool) -> None:
    """Capture the [health] reference posts with every method of their platform, one at a time.

    Prints, per platform and method, ok or broken with the reason, and since when it has
    been failing, so that a platform's endpoint change is noticed the night it happens.
    Exit 1 when any method is broken.

    \b
    Example:
        archiver health --json
    """
    with open_archive(ctx) as opened:
        methods = opened.health()
    if as_json:
        click.echo(json.dumps([asdict(m) for m in methods], indent=2))
    else:
        for m in methods:
            state = "ok" if m.ok else f"BROKEN ({m.reason}) since {m.failing_since}"
            click.echo(f"{m.platform:<10} {m.method:<12} {state}")
    if not all(m.ok for m in methods):
        sys.exit(EXIT_FAILED)


@cli.group()
def job() -> None:
    """Jobs for cron and systemd timers.

    \b
    Example:
        archiver job run examples/nightly.toml
    """


@job.command("run")
@click.argument("jobfile", type=click.Path(exists=True, dir_okay=False))
@json_option
@click.pass_context
def job_run(ctx: click.Context, jobfile: str, as_json: bool) -> None:
    """Run a nightly job file: resume, archive, recapture, report, notify.

    See examples/nightly.toml for every setting. Exit 0 when the job ran (posts that could
    not be captured are recorded, with their reasons, in the report); 1 when a source could
    not be read; 2 for a bad job file or a failed notification; 3 when another job holds the
    archive or the database is unusable.

    \b
    Example:
        archiver --db /srv/evidence/archive.db job run /srv/evidence/nightly.toml
    """
    with open_archive(ctx) as opened:
        report = opened.run_job(JobFile.load(jobfile))
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.describe())
    if any(summary.articles_failed for summary in report.summaries()):
        sys.exit(EXIT_FAILED)


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


@cli.command()
@click.argument("images", nargs=-1, required=True, type=click.Path(dir_okay=False))
@json_option
@click.pass_context
def reuse(ctx: click.Context, images: tuple[str, ...], as_json: bool) -> None:
    """Find where the archive has seen these pictures before, even re-encoded or cropped.

    Each IMAGE is compared with every stored image: exact bytes (sha256), then PDQ hashes of
    the whole picture, its mirror image, its central part and the photo inside a screenshot
    or captioned image. Matches are listed best first, with every post, article or file each
    was seen in. Exit 1 when an image could not be read.

    \b
    Example:
        archiver reuse suspicious.jpg --json
    """
    with open_archive(ctx) as opened:
        answers = opened.reuse(list(images))
    if as_json:
        click.echo(json.dumps([a.to_dict() for a in answers], indent=2, ensure_ascii=False))
    else:
        click.echo(_describe_reuse(answers))
    if any(answer.error for answer in answers):
        sys.exit(EXIT_FAILED)


@cli.command()
@json_option
@click.pass_context
def rehash(ctx: click.Context, as_json: bool) -> None:
    """Recompute the hashes of images fingerprinted by an older version of the pipeline.

    Hashes of different pipeline versions are never compared, so after an upgrade older
    images are invisible to `reuse` until rehashed. Exit 1 when an image could not be read.

    \b
    Example:
        archiver rehash --json
    """
    with open_archive(ctx) as opened:
        summary = opened.rehash()
    if as_json:
        click.echo(json.dumps(asdict(summary), indent=2))
    else:
        click.echo(f"Rehashed {summary.rehashed} images to hash version {summary.hash_version}.")
        for failure in summary.failed:
            click.echo(f"  could not rehash {failure['sha256']}: {failure['error']}")
    if summary.failed:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("url")
@click.option(
    "--format", "output", type=click.Choice(["text", "json", "timemap", "cdxj"]),
    default="text", show_default=True,
    help="timemap: an RFC 7089 Memento TimeMap (application/link-format); cdxj: CDXJ lines.",
)  # fmt: skip
@click.option(
    "--memento-base", default=DEFAULT_MEMENTO_BASE, show_default=True,
    help="Where mementos point: the default names each capture; a replay URL (pywb, "
    "ReplayWeb.page on an exported WACZ) gives BASE/TIMESTAMP/URL.",
)  # fmt: skip
@json_option
@click.pass_context
def history(ctx: click.Context, url: str, output: str, memento_base: str, as_json: bool) -> None:
    """Everything the archive holds about a post, found by any URL form of it.

    Its identity, every capture in time order (status, text, media with where each image
    was seen first, the HTTP exchanges), what changed between captures and when it
    vanished, the articles that embedded it, and the notes on it. Exit 1 when the archive
    does not hold the post.

    \b
    Examples:
        archiver history https://x.com/officejjsmart/status/1660666060461764609
        archiver history https://twitter.com/officejjsmart/status/1660666060461764609?s=20 --json
        archiver history https://t.me/s/channel/123 --format timemap
    """
    with open_archive(ctx) as opened:
        story = opened.history(url)
    if as_json or output == "json":
        click.echo(json.dumps(story.to_dict(), indent=2, ensure_ascii=False))
    elif output == "timemap":
        click.echo(as_timemap(story, memento_base), nl=False)
    elif output == "cdxj":
        click.echo(as_cdxj(story), nl=False)
    else:
        click.echo(as_text(story))


@cli.command()
@click.argument("target")
@click.argument("text")
@click.option("--author", help="Who wrote the note (default: the operator).")
@click.option("--supersedes", type=int, help="The number of an earlier note this one corrects.")
@json_option
@click.pass_context
def note(
    ctx: click.Context, target: str, text: str, author: str | None, supersedes: int | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Add a provenance note to a post, a capture, an article or an image.

    TARGET is a post URL (any form), a capture number (12 or capture:12), an article's URL
    or path as archived, or an image's sha256. Notes are never edited or deleted: a
    correction is a new note with --supersedes. Every note enters the event chain.

    \b
    Example:
        archiver note https://x.com/someone/status/1 "Geolocated to Kherson by A. Analyst"
    """
    with open_archive(ctx) as opened:
        added = opened.note(target, text, author, supersedes)
    if as_json:
        click.echo(json.dumps(added, indent=2, ensure_ascii=False))
    else:
        click.echo(f"Note #{added['id']} on {added['target']}")


@cli.command()
@click.argument("target")
@json_option
@click.pass_context
def notes(ctx: click.Context, target: str, as_json: bool) -> None:
    """List the notes on a post, capture, article or image, oldest first.

    \b
    Example:
        archiver notes https://x.com/someone/status/1 --json
    """
    with open_archive(ctx) as opened:
        found = opened.notes(target)
    if as_json:
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    for item in found:
        click.echo(describe_note(item, on_target=False))  # they all share the one target


@cli.command()
@click.option("--sample", type=click.IntRange(min=0), help="Re-hash only N blobs, at random.")
@json_option
@click.pass_context
def verify(ctx: click.Context, sample: int | None, as_json: bool) -> None:
    """Check the archive: blobs, references, the event chain and every sealed row.

    Re-hashes every blob (or --sample N of them) against its sha256, checks that every
    row's references resolve, recomputes the event hash chain from the first event to the
    head and prints the head hash, and checks every sealed row (exchanges, captures,
    images, notes, changes) against its seal. Exit 0 only when everything holds; otherwise
    each problem is named and the exit code is 1.

    \b
    Example:
        archiver verify --json
    """
    with open_archive(ctx) as opened:
        result = opened.verify(sample)
    click.echo(json.dumps(result.to_dict(), indent=2) if as_json else result.describe())
    if not result.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("urls", nargs=-1)
@click.option("--article", help="An article (URL or path as archived) and every post it embedded.")
@click.option("--run", "run_id", type=int, help="What one run captured.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Posts captured on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Posts captured on or before.")
@click.option("--all", "every", is_flag=True, help="The whole archive.")
@click.option(
    "-o", "--output", required=True, type=click.Path(),
    help="The bundle: a new folder, or a file ending in .zip.",
)  # fmt: skip
@json_option
@click.pass_context
def export(
    ctx: click.Context, urls: tuple[str, ...], article: str | None, run_id: int | None,
    since: datetime | None, until: datetime | None, every: bool, output: str, as_json: bool,
) -> None:  # fmt: skip
    """Export an evidence bundle that a third party can check without archiver.

    A BagIt 1.0 bag (sha256 and sha512 manifests) holding a WARC/1.1 file of the captured
    HTTP exchanges (request and response records at their capture dates, revisits for
    unchanged recaptures, metadata records with provenance, resource records for files), a
    WACZ 1.1.1 package of it for ReplayWeb.page and pywb, provenance.json, the images named
    by sha256, a custody log (the event chain's events about the slice, and its head hash)
    and report.html. Choose posts by URL (any form), or --article, --run, --since/--until,
    or --all.

    \b
    Examples:
        archiver export https://x.com/officejjsmart/status/1660666060461764609 -o post.zip
        archiver export --article seeds/000_2b039dc95ea20508.txt -o bundle/
        archiver export --since 2026-11-01 --until 2026-11-30 -o november.zip
    """
    selection = Selection(
        list(urls), article, run_id, since.date() if since else None,
        until.date() if until else None, every,
    )  # fmt: skip
    with open_archive(ctx) as opened:
        summary = opened.export(selection, output)
    if as_json:
        click.echo(json.dumps(asdict(summary), indent=2))
    else:
        click.echo(
            f"Wrote {summary.path}: {summary.posts} posts, {summary.articles} articles, "
            f"{summary.exchanges} exchanges, {summary.media} images, {summary.warc_records} "
            f"WARC records, {summary.events} custody events; chain head {summary.head_hash}"
        )
        click.echo(f"Signed by {summary.signed_by}")
        if summary.timestamp:
            click.echo(f"Timestamped {summary.timestamp}")
        if summary.timestamp_error:
            click.echo(f"Not timestamped: {summary.timestamp_error}")


@cli.command("verify-bundle")
@click.argument("bundle", type=click.Path(exists=True))
@click.option(
    "--key", "expected_key",
    help="The fingerprint the archive publishes (sha256:...): the signature must be by it.",
)  # fmt: skip
@json_option
def verify_bundle_command(bundle: str, expected_key: str | None, as_json: bool) -> None:
    """Check an evidence bundle as a third party would, with no database: BagIt fixity and
    version, the Ed25519 signature over the tag manifest, the RFC 3161 timestamp token if
    there is one, every WARC record's digests, the WACZ package, and the custody log's
    hashes and continuity. Exit 1 on any problem.

    \b
    Examples:
        archiver verify-bundle post.zip
        archiver verify-bundle post.zip --key sha256:3f1c...
    """
    check = verify_bundle(Path(bundle), expected_key)
    if as_json:
        click.echo(json.dumps(check.to_dict(), indent=2))
    else:
        click.echo("\n".join(check.checked + [f"PROBLEM {p}" for p in check.problems]))
        click.echo("The bundle holds." if check.ok else "The bundle does NOT hold.")
    if not check.ok:
        sys.exit(EXIT_FAILED)


@cli.command()
@json_option
@click.pass_context
def timestamp(ctx: click.Context, as_json: bool) -> None:
    """Give every capture trusted time: anchor the events since the last anchor in a Merkle
    tree and get an RFC 3161 token for its root from each [timestamp] authority.

    Authorities that fail are asked again on the next run, for every anchor they have not
    stamped. Nightly jobs run this step when [timestamp] tsas is set. Exit 1 when an
    authority failed.

    \b
    Example:
        archiver timestamp --json
    """
    with open_archive(ctx) as opened:
        result = opened.timestamp()
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
    else:
        click.echo(
            f"{result.anchors_made} new anchor(s), {result.tokens} token(s); captures with "
            f"trusted time: {result.captures_with_time} of {result.captures}"
        )
        for failure in result.failures:
            click.echo(f"  failed (asked again next run): {failure}")
    if result.failures:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Open the archive in the browser: look up posts by any URL form, see their captures,
    screenshots, changes, reuse and notes, add a note, download an evidence bundle.

    Listens on 127.0.0.1 by default. Serving beyond this machine needs [web] token: then
    notes and exports (and, unless [web] public_reads, every page) ask for it; a browser
    gives it once at /login?token=... . JSON under /api/ in the CLI's --json shapes.

    \b
    Example:
        archiver serve --port 8000
    """
    import uvicorn

    from .web.app import LOCAL_HOSTS, create_app

    config = Config.load(ctx.obj["config_path"])
    if host not in ("127.0.0.1", "localhost", "::1") and not config.web.token:
        raise ConfigError(f"serving on {host} needs [web] token set (anyone could write notes)")
    db = ctx.obj["db"]
    # on every address the Host header can be any of the machine's names; the token (which a
    # rebinding page on another name never has) is the guard there
    hosts = ["*"] if host in ("0.0.0.0", "::") else sorted({*LOCAL_HOSTS, host})
    app = create_app(lambda: Archive.open(db, config), config.web, hosts)
    click.echo(f"archiver: http://{host}:{port}/ (Ctrl-C stops it)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@cli.group()
def keys() -> None:
    """The archive's Ed25519 signing key, which signs every evidence bundle.

    \b
    Example:
        archiver keys init
    """


@keys.command("init")
@click.pass_context
def keys_init(ctx: click.Context) -> None:
    """Make the signing key beside the database (<name>.keys/), readable by you only, and
    print its fingerprint: publish it, so auditors can check bundles came from this archive.
    An existing key is never replaced. `export` makes one on first use if there is none.

    \b
    Example:
        archiver --db /srv/evidence/archive.db keys init
    """
    with open_archive(ctx) as opened:
        key = opened.init_key()
    click.echo(f"Signing key in {key.folder}\nFingerprint: {key.fingerprint}")


@keys.command("show")
@click.pass_context
def keys_show(ctx: click.Context) -> None:
    """Print the signing key's fingerprint and public key.

    \b
    Example:
        archiver keys show
    """
    with open_archive(ctx) as opened:
        key = opened.signing_key()
    if key is None:
        raise click.ClickException("no signing key yet: run `archiver keys init`")
    click.echo(f"Fingerprint: {key.fingerprint}\n{key.public_pem.decode()}", nl=False)


def _describe_reuse(answers: list[ReuseAnswer]) -> str:
    lines = []
    for answer in answers:
        if answer.error:
            lines.append(f"{answer.path}: {answer.error}")
            continue
        lines.append(f"{answer.path} ({(answer.sha256 or '')[:12]}): {len(answer.matches)} matches")
        for match, places in answer.matches:
            how = "exact bytes" if match.exact else f"{match.method} distance {match.distance}"
            lines.append(f"  {match.sha256[:12]}  {how}")
            for place in places:
                where = (
                    place.get("post_url") or place.get("article_url") or place.get("source_path")
                )
                lines.append(f"    {place['first_seen']}  {place['platform'] or '-':<9} {where}")
    return "\n".join(lines)
