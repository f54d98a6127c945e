"""The `seedsearch` console script: the indexer's commands plus `serve`."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from indexer.backend import BackendUnavailable, open_backend
from indexer.build import BuildError
from indexer.cli import cli, main, plural
from indexer.config import Config
from indexer.generations import IndexBusy

from . import create_app, server

__all__ = ["cli", "main", "serve"]


@cli.command()
@click.option("--host", help="Address to listen on (default: [server] host).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port to listen on (default: [server] port)."
)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes (default: [server] workers, one per CPU core).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    index_dir: Path | None,
    workers: int | None,
):
    """Serve the search page and JSON API.

    Builds the index first if there is none."""
    config: Config = ctx.find_object(Config).with_paths(index_dir=index_dir)
    host = host or config.server.host
    port = config.server.port if port is None else port
    try:
        backend = open_backend(config)
        missing = not backend.has_index()
    except BackendUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if missing:
        where = (
            f"'{config.opensearch.index}' on {config.opensearch.url}"
            if backend.kind == "opensearch"
            else config.index_dir
        )
        click.echo(f"no index in {where}; building it from the corpus", err=True)
        try:
            report = backend.build(config.corpus_dir)
        except (BuildError, IndexBusy, OSError, BackendUnavailable) as exc:
            raise click.ClickException(f"cannot build the index: {exc}") from None
        click.echo(f"indexed {plural(report.indexed, 'document')}", err=True)
    backend.warm()
    try:
        sock = server.listen(host, port)
    except (OSError, ValueError, OverflowError) as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
    # Unexpected errors are logged (with their traceback) to stderr, never sent to clients.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    bound_host, bound_port = sock.getsockname()[:2]
    workers = workers or config.server.workers
    click.echo(
        f"{plural(workers, 'worker process', 'worker processes')}, "
        f"{plural(config.server.threads, 'thread')} each",
        err=True,
    )
    click.echo(f"serving on http://{bound_host}:{bound_port}/", err=True)
    try:
        server.serve(
            lambda: create_app(config),
            sock,
            workers,
            threads=config.server.threads,
            # The app answers a declared oversized body with its own 413 (security headers
            # included); waitress's cap, well above it, only bounds undeclared chunked bodies.
            max_request_body_size=config.search.max_request_bytes * 16,
            ident="seedsearch",
        )
    except server.ServeError as exc:
        raise click.ClickException(str(exc)) from None


if __name__ == "__main__":
    main()
