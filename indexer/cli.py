"""The `seedsearch` command line: index, clean and search (the web app adds `serve`)."""

from __future__ import annotations

import html
import json
import re
import sys
import time
from dataclasses import asdict
from pathlib import Path

import click

from . import generations as gens
from .backend import BackendUnavailable, open_backend
from .build import BuildError
from .config import Config, ConfigError, load_config
from .document import Skip
from .live import IndexMissing
from .search import BadRequest, parse_request
from .serialize import response_json

MARK_RE = re.compile(r"</?mark>")
# `index --check` names this many files of each kind, then counts the rest.
CHECK_NAMES = 20


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 result', '2 results'; `many` for irregular plurals ('process', 'processes')."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


class Progress:
    """A one-line progress bar on a terminal, a few plain log lines elsewhere."""

    def __init__(self, stream, tty: bool):
        self.stream, self.tty = stream, tty
        self.started = time.perf_counter()
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        interval = 0.2 if self.tty else 5.0
        if done < total and now - self.last < interval:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {done}/{total} docs  {rate:,.0f}/s  {left:,.0f}s left ")
            if done == total:
                self.stream.write("\n")
        else:
            self.stream.write(f"cleaned and indexed {done}/{total} ({rate:,.0f}/s)\n")
        self.stream.flush()


def _config(ctx: click.Context) -> Config:
    return ctx.find_object(Config)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="seedsearch", prog_name="seedsearch")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    envvar="SEEDSEARCH_CONFIG",
    help="Config file (default: ./config.toml or the nearest parent's; else built-in defaults).",
)
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Clean, index and search scraped news pages."""
    try:
        ctx.obj = load_config(config_path)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), help="Corpus folder.")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder.")
@click.option("--full", is_flag=True, help="Rebuild everything instead of only what changed.")
@click.option(
    "--check", is_flag=True, help="Compare the index with the corpus; exit 1 on mismatch."
)
@click.option("--rollback", is_flag=True, help="Make the previous index generation live again.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def index(ctx, corpus, index_dir, full, check, rollback, quiet, as_json):
    """Clean the corpus and build (or update) the search index."""
    config = _config(ctx).with_paths(corpus, index_dir)
    try:
        backend = open_backend(config)
        if rollback:
            name, was = backend.rollback()
            text = f"switched back to {name} (from {was}; --rollback again switches to {was})"
            _emit(as_json, quiet, {"rolled_back_to": name, "rolled_back_from": was}, text)
            return
        if check:
            report = backend.check(config.corpus_dir)
            _emit(as_json, quiet and report.ok, {"ok": report.ok, **asdict(report)}, _check(report))
            if not report.ok:
                ctx.exit(1)
            return
        progress = None if quiet or as_json else Progress(sys.stderr, sys.stderr.isatty())
        report = backend.build(config.corpus_dir, full=full, progress=progress)
    except (BuildError, gens.IndexBusy, FileNotFoundError, IndexMissing) as exc:
        raise click.ClickException(str(exc)) from None
    except BackendUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot build the index: {exc}") from None
    if report.unchanged:
        head = f"nothing changed: {plural(report.indexed, 'document')}, index untouched"
    else:
        head = (
            f"{plural(report.indexed, 'document')} indexed in {report.seconds:.2f}s "
            f"({report.added} added, {report.updated} updated, {report.deleted} deleted"
            f"{', full rebuild' if report.full else ''}) -> {report.generation}"
        )
    lines = [head]
    lines += [f"warning: {source}: {text}" for source, text in report.warnings.items()]
    lines += [f"skipped {source}: {reason}" for source, reason in report.skipped.items()]
    _emit(as_json, quiet, report.summary(), "\n".join(lines))


def _names(files: list[str]) -> str:
    """The first CHECK_NAMES file names, then how many more."""
    shown = ", ".join(files[:CHECK_NAMES])
    rest = len(files) - CHECK_NAMES
    return shown + (f", and {rest:,} more" if rest > 0 else "")


def _check(report) -> str:
    """What `index --check` prints: a verdict, then the files of each kind of mismatch."""
    if report.ok:
        return f"index matches corpus ({plural(report.index_count, 'document')})"
    if report.outdated:
        return "index written by an older seedsearch; run 'seedsearch index' to rebuild"
    kinds = {k: getattr(report, k) for k in ("missing", "stale", "extra")}
    if not any(kinds.values()):
        # Counts alone can differ too (a generation whose manifest is not its own).
        return (
            f"index differs from corpus: it holds {plural(report.index_count, 'document')}, "
            f"its manifest lists {report.manifest_count}"
        )
    lines = [
        "index differs from corpus: " + ", ".join(f"{len(v)} {k}" for k, v in kinds.items() if v)
    ]
    lines += [f"{kind}: {_names(files)}" for kind, files in kinds.items() if files]
    return "\n".join(lines)


def _emit(as_json: bool, quiet: bool, data: dict, text: str) -> None:
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    elif not quiet:
        click.echo(text)


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the document as JSON.")
def clean(path: Path, as_json: bool):
    """Print the cleaned article of one .txt or .html file."""
    from .clean import clean_bytes, cut_warning

    try:
        doc = clean_bytes(path.read_bytes(), path.name)
    except Skip as exc:
        raise click.ClickException(f"{path}: skipped: {exc}") from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from None
    if warning := cut_warning(doc):
        click.echo(f"warning: {path}: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(asdict(doc), indent=2, ensure_ascii=False))
        return
    click.echo(f"title: {doc.title or '-'}\ndate:  {doc.date or '-'}\n")
    click.echo(doc.text)


@cli.command("search")
@click.argument("query")
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder.")
@click.option("--limit", "-n", type=int, help="Results per page.")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--from", "date_from", help="Earliest date, YYYY-MM-DD.")
@click.option("--to", "date_to", help="Latest date, YYYY-MM-DD.")
@click.option("--source", help="Only documents from this source file.")
@click.option("--site", help="Only documents from this publisher.")
@click.option("--all-copies", is_flag=True, help="List every copy of a story, not one each.")
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON.")
@click.pass_context
def search_command(
    ctx, query, index_dir, limit, page, date_from, date_to, source, site, all_copies, sort, as_json
):
    """Search the index and print the results."""
    config = _config(ctx).with_paths(index_dir=index_dir)
    params = {"q": query, "page": str(page), "sort": sort}
    optional = {"per_page": limit, "from": date_from, "to": date_to, "source": source}
    optional |= {"site": site, "collapse": "false" if all_copies else None}
    params.update({k: str(v) for k, v in optional.items() if v is not None})
    try:
        request = parse_request(params, config.search)
        response = open_backend(config).search(request, config.search)
    except BadRequest as exc:
        raise click.ClickException(exc.message) from None
    except (IndexMissing, BackendUnavailable) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(response_json(response), indent=2, ensure_ascii=False))
        return
    _print_results(response, sys.stdout.isatty())


def _print_results(response, color: bool) -> None:
    for notice in response.notices:
        click.echo(f"note: {notice}")
    if response.suggestion:
        click.echo(f"did you mean: {response.suggestion}")
    first = (response.page - 1) * response.per_page + 1
    shown = len(response.results)
    click.echo(
        f"{plural(response.total, 'result')} ({response.took_ms:.0f} ms)"
        + (f", showing {first}-{first + shown - 1}" if shown else "")
    )
    bold = {"<mark>": "\033[1m", "</mark>": "\033[0m"} if color else {}
    for number, hit in enumerate(response.results, first):
        click.echo()
        click.secho(f"{number}. {hit.title or hit.source}", bold=True, color=color)
        site = f"{hit.site}  " if hit.site else ""
        click.echo(f"   {hit.date or 'undated'}  {site}{hit.source}  score {hit.score:.2f}")
        if hit.versions:
            click.echo(f"   {plural(len(hit.versions), 'other version')}")
        text = html.unescape(MARK_RE.sub(lambda m: bold.get(m.group(), ""), hit.snippet))
        click.echo(f"   {text}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: click's own errors, plus one clear line for anything unexpected."""
    try:
        cli.main(args=argv, prog_name="seedsearch", standalone_mode=True)
    except Exception as exc:  # noqa: BLE001 - last resort: a line, never a traceback
        click.echo(f"seedsearch: unexpected error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)
