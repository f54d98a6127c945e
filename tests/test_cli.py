"""The seedsearch command line through click's runner, on the real seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli

SEED_002 = "002_366b9a06e0d49ebc.txt"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def config_file(tmp_path: Path, corpus: Path) -> Path:
    """A config file whose relative paths point beside it."""
    path = tmp_path / "conf" / "seedsearch.toml"
    path.parent.mkdir()
    path.write_text('[corpus]\ndir = "../corpus"\n\n[index]\ndir = "ix"\n')
    return path


def test_index_then_search_through_a_config_file(runner, config_file, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # relative paths resolve against the config file, not here
    built = runner.invoke(cli, ["--config", str(config_file), "index"])
    assert built.exit_code == 0, built.output
    assert "5 documents indexed" in built.output
    assert (config_file.parent / "ix" / "CURRENT").is_file()

    found = runner.invoke(cli, ["--config", str(config_file), "search", "trilateral summit"])
    assert found.exit_code == 0, found.output
    assert "South Korea, Japan Aim to Stabilize China Relations" in found.output
    assert "<mark>" not in found.output

    as_json = runner.invoke(
        cli, ["--config", str(config_file), "search", "trilateral summit", "--json", "--limit", "1"]
    )
    data = json.loads(as_json.output)
    assert data["per_page"] == 1 and len(data["results"]) == 1 and data["total"] >= 2
    assert "<mark>" in data["results"][0]["snippet"]


def test_config_from_environment(runner, config_file, monkeypatch):
    monkeypatch.setenv("SEEDSEARCH_CONFIG", str(config_file))
    assert runner.invoke(cli, ["index", "--quiet"]).output == ""
    result = runner.invoke(cli, ["index", "--check"])
    assert result.exit_code == 0 and "matches" in result.output


def test_index_json_summary_and_check_mismatch(runner, corpus, tmp_path):
    index = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    summary = json.loads(runner.invoke(cli, [*index, "--json"]).output)
    assert summary["documents"] == 5 and summary["full"] is True and summary["skipped"] == {}

    (corpus / "extra.txt").write_text("News\n\nA brand new story on the trilateral summit talks.\n")
    check = runner.invoke(cli, [*index, "--check", "--json"])
    assert check.exit_code == 1
    assert json.loads(check.output)["missing"] == ["extra.txt"]

    update = json.loads(runner.invoke(cli, [*index, "--json"]).output)
    assert (update["added"], update["documents"]) == (1, 6)
    assert runner.invoke(cli, [*index, "--check"]).exit_code == 0

    rollback = runner.invoke(cli, [*index, "--rollback"])
    assert rollback.exit_code == 0 and "switched back to" in rollback.output
    assert runner.invoke(cli, [*index, "--check"]).exit_code == 1


def test_clean_json_gives_title_date_and_text(runner, seeds):
    result = runner.invoke(cli, ["clean", str(seeds / SEED_002), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (
        doc["title"] == "South Korea, Japan Aim to Stabilize China Relations Despite US Partnership"
    )
    assert doc["date"] == "2023-10-01"
    assert "Reaction score" not in doc["text"] and "trilateral leaders’ summit" in doc["text"]
    assert {"text", "reason"} <= set(doc["removed"][0])


def test_clean_plain_output(runner, seeds):
    result = runner.invoke(cli, ["clean", str(seeds / SEED_002)])
    assert result.exit_code == 0
    assert result.output.startswith("title: South Korea, Japan Aim")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["clean", "/nonexistent/page.txt"], "does not exist"),
        (["index", "--corpus", "/nonexistent/corpus"], "corpus folder not found"),
        (["search", "korea", "--index", "/nonexistent/ix"], "no index"),
        (["search", "korea", "--limit", "100000"], "per_page"),
        (["search", "korea", "--from", "yesterday"], "from"),
        (["--config", "/nonexistent/seedsearch.toml", "index"], "config file not found"),
    ],
)
def test_errors_are_one_line_without_traceback(runner, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and message in errors[0]


def test_bad_config_values_are_reported(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[search]\nper_page = 0\n")
    result = runner.invoke(cli, ["--config", str(bad), "index"])
    assert result.exit_code != 0 and "per_page must be positive" in result.output
    bad.write_text("[search\n")
    result = runner.invoke(cli, ["--config", str(bad), "index"])
    assert result.exit_code != 0 and "cannot read config file" in result.output


def test_clean_reports_a_skipped_file(runner, tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    result = runner.invoke(cli, ["clean", str(binary)])
    assert result.exit_code == 1 and "skipped" in result.output


def test_second_index_run_while_one_holds_the_lock(runner, corpus, tmp_path):
    from indexer.generations import build_lock

    args = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    with build_lock(tmp_path / "ix"):
        result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "another 'seedsearch index' is running" in result.output
    assert runner.invoke(cli, args).exit_code == 0
