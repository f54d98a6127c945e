"""What the command line says: version, grammar, no-op builds, --check, --rollback, cut files,
--json, --help. Through click's runner on the real seeds and real files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer import generations as gens
from indexer.build import build_index
from indexer.clean import MAX_CHARS
from indexer.config import load_config
from webapp import create_app
from webapp.cli import cli

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_002 = "002_366b9a06e0d49ebc.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def index_args(corpus: Path, index: Path, *extra: str) -> list[str]:
    return ["index", "--corpus", str(corpus), "--index", str(index), *extra]


def test_version_is_the_installed_one(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"seedsearch, version {version('seedsearch')}"


def test_one_document_and_one_result_are_singular(runner, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEEDS / SEED_002, corpus)
    built = runner.invoke(cli, index_args(corpus, tmp_path / "ix"))
    assert built.exit_code == 0, built.output
    assert built.stdout.startswith("1 document indexed in ")
    found = runner.invoke(cli, ["search", "trilateral", "--index", str(tmp_path / "ix")])
    assert found.exit_code == 0, found.output
    assert "1 result (" in found.output and "1 results" not in found.output


def test_a_run_that_changed_nothing_says_so(runner, corpus, tmp_path):
    args = index_args(corpus, tmp_path / "ix")
    assert "5 documents indexed" in runner.invoke(cli, args).output
    live = gens.read_pointer(tmp_path / "ix")
    again = runner.invoke(cli, args)
    assert again.exit_code == 0
    assert again.stdout == "nothing changed: 5 documents, index untouched\n"
    assert gens.read_pointer(tmp_path / "ix") == live
    summary = json.loads(runner.invoke(cli, [*args, "--json"]).output)
    assert summary["unchanged"] is True and summary["generation"] == live


def test_check_names_missing_stale_and_extra_files(runner, corpus, tmp_path):
    args = index_args(corpus, tmp_path / "ix")
    runner.invoke(cli, args)
    added = [f"new-{n:02d}.txt" for n in range(25)]
    for name in added:
        (corpus / name).write_text(f"News {name}\n\nA new story on the summit, number {name}.\n")
    stale = corpus / SEED_002
    stale.write_text(stale.read_text() + "\nA paragraph added later.\n")
    gone = sorted(p.name for p in corpus.glob("00[01]_*.txt"))
    for name in gone:
        (corpus / name).unlink()
    result = runner.invoke(cli, [*args, "--check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "index differs from corpus: 25 missing, 1 stale, 2 extra"
    assert lines[1] == "missing: " + ", ".join(added[:20]) + ", and 5 more"
    assert lines[2] == f"stale: {SEED_002}"
    assert lines[3] == "extra: " + ", ".join(gone)


def test_rollback_twice_says_where_it_went(runner, corpus, tmp_path):
    args = index_args(corpus, tmp_path / "ix")
    runner.invoke(cli, args)
    first = gens.read_pointer(tmp_path / "ix")
    (corpus / "extra.txt").write_text("News\n\nA brand new story on the trilateral summit.\n")
    runner.invoke(cli, args)
    second = gens.read_pointer(tmp_path / "ix")
    assert first != second
    back = runner.invoke(cli, [*args, "--rollback"])
    assert back.exit_code == 0
    assert back.output.startswith(f"switched back to {first} (from {second}")
    assert gens.read_pointer(tmp_path / "ix") == first
    again = runner.invoke(cli, [*args, "--rollback"])
    assert again.output.startswith(f"switched back to {second} (from {first}")
    assert gens.read_pointer(tmp_path / "ix") == second


def test_a_cut_file_is_a_warning_in_the_summary_and_ends_at_a_paragraph(runner, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    para = "The trilateral summit talks in Seoul ran for hours and ended without a statement. "
    paragraphs = [f"Part {n}. " + para * 12 for n in range(MAX_CHARS // (len(para) * 12) + 40)]
    (corpus / "huge.txt").write_text("Huge report\n\n" + "\n\n".join(paragraphs) + "\n")
    built = runner.invoke(cli, index_args(corpus, tmp_path / "ix"))
    assert built.exit_code == 0, built.output
    warnings = [line for line in built.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning: huge.txt: larger than 4,000,000 characters, so cut")
    summary = json.loads(runner.invoke(cli, index_args(corpus, tmp_path / "ix2", "--json")).output)
    assert list(summary["warnings"]) == ["huge.txt"]

    cleaned = runner.invoke(cli, ["clean", str(corpus / "huge.txt"), "--json"])
    assert "warning: " in cleaned.stderr
    text = json.loads(cleaned.stdout)["text"]
    assert text.split("\n")[-1] in [p.strip() for p in paragraphs]  # the last one is whole


def test_search_json_is_the_api_json(runner, tmp_path):
    index = tmp_path / "ix"
    build_index(SEEDS, index)
    cli_json = json.loads(
        runner.invoke(cli, ["search", "trilateral summit", "--json", "--index", str(index)]).output
    )
    config = load_config(None).with_paths(index_dir=index)
    api_json = create_app(config).test_client().get("/api/search?q=trilateral+summit").get_json()
    assert list(cli_json) == list(api_json)
    assert cli_json["results"] and [list(h) for h in cli_json["results"]] == [
        list(h) for h in api_json["results"]
    ]
    cli_json.pop("took_ms"), api_json.pop("took_ms")
    assert cli_json == api_json


def test_top_level_help_shows_each_summary_whole(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, command in cli.commands.items():
        summary = command.help.splitlines()[0].strip()
        assert f"{name}  " in result.output and summary in result.output, name


def test_serve_says_one_worker_process(tmp_path):
    index = tmp_path / "ix"
    build_index(SEEDS, index)
    config = tmp_path / "config.toml"
    config.write_text(f'[corpus]\ndir = "{SEEDS}"\n[index]\ndir = "{index}"\n', encoding="utf-8")
    command = [sys.executable, "-m", "webapp.cli", "--config", str(config), "serve"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [*command, "--port", "0", "--workers", "1"], stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        said = []
        for line in server.stderr:
            said.append(line)
            if "serving on" in line:
                break
        assert any(line.startswith("1 worker process, 8 threads each") for line in said), said
        base = said[-1].split("serving on ")[1].strip()
        with urllib.request.urlopen(base + "healthz", timeout=10) as response:
            assert response.status == 200  # serving, with its signal handlers in place
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0
