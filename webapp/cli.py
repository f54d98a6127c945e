"""The `seedsearch` console script: the indexer's commands plus `serve`."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click
import waitress

from indexer.build import BuildError, build_index
from indexer.cli import cli, main
from indexer.config import Config
from indexer.generations import IndexBusy, read_pointer

from . import create_app

__all__ = ["cli", "main", "serve"]


@cli.command()
@click.option("--host", help="Address to listen on (default: [server] host).")
@click.option(
    "--port", type=click.IntRange(0, 65535), help="Port to listen on (default: [server] port)."
)
@click.option("--index", "index_dir", type=click.Path(path_type=Path), help="Index folder.")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, index_dir: Path | None):
    """Serve the search page and JSON API (building the index first if there is none)."""
    config: Config = ctx.find_object(Config).with_paths(index_dir=index_dir)
    host = host or config.server.host
    port = config.server.port if port is None else port
    if read_pointer(config.index_dir) is None:
        click.echo(f"no index in {config.index_dir}; building it from the corpus", err=True)
        try:
            report = build_index(config.corpus_dir, config.index_dir)
        except (BuildError, IndexBusy, OSError) as exc:
            raise click.ClickException(f"cannot build the index: {exc}") from None
        click.echo(f"indexed {report.indexed} documents", err=True)
    app = create_app(config)
    try:
        server = waitress.create_server(
            app,
            host=host,
            port=port,
            threads=config.server.threads,
            # The app answers a declared oversized body with its own 413 (security headers
            # included); waitress's cap, well above it, only bounds undeclared chunked bodies.
            max_request_body_size=config.search.max_request_bytes * 16,
            ident="seedsearch",
        )
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
    # Unexpected errors are logged (with their traceback) to stderr, never sent to clients.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # A service manager stops us with SIGTERM: close the listening socket and exit 0.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    click.echo(f"serving on http://{server.effective_host}:{server.effective_port}/", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


if __name__ == "__main__":
    main()
