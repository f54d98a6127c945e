"""Requests and configs that make no sense get one clear message naming what is wrong:
through the real Flask app over the real seed index, and the real command line."""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from webapp.cli import cli

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]


def test_from_later_than_to_is_a_bad_date_range(client):
    response = client.get("/api/search?q=korea&from=2023-01-01&to=2020-01-01")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_date_range"
    assert "2023-01-01" in error["message"] and "later than" in error["message"]
    # The same dates the right way round are a normal search.
    assert client.get("/api/search?q=korea&from=2020-01-01&to=2023-01-01").status_code == 200
    assert client.get("/api/search?q=korea&from=2021-02-09&to=2021-02-09").status_code == 200


def test_the_page_shows_the_date_range_message(client):
    response = client.get("/search?q=korea&from=2023-01-01&to=2020-01-01")
    assert response.status_code == 400
    assert "later than to (2020-01-01)" in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("per_page=-1", "per_page must be between 1 and 100"),
        ("per_page=0", "per_page must be between 1 and 100"),
        ("per_page=101", "per_page must be between 1 and 100"),
        ("page=-1", "page must be 1 or more"),
        ("per_page=1_0", "per_page must be a whole number"),
        ("page=%2B2", "page must be a whole number"),
    ],
)
def test_out_of_range_numbers_say_the_range(client, query, message):
    response = client.get(f"/api/search?q=korea&{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith(message)


def test_cli_date_range_is_one_line(tmp_path, web_config):
    result = CliRunner().invoke(
        cli,
        ["search", "korea", "--index", str(web_config.index_dir), "--from", "2024-01-01"]
        + ["--to", "2020-01-01"],
    )
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: from (2024-01-01) is later than to (2020-01-01): no date is in that range"
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[serach]\nper_page = 5\n", "unknown section [serach] (known: [corpus], [index],"),
        ('corpus = "x"\n', "corpus must be a table ([corpus] with keys), got 'x'"),
        ("[server]\nport = -1\n", "[server] port must be between 0 and 65535, got -1"),
        ("[server]\nport = 70000\n", "[server] port must be between 0 and 65535, got 70000"),
        ("[server]\nport = true\n", "[server] port must be a whole number, got True"),
        ('[server]\nport = "80"\n', "[server] port must be a whole number, got '80'"),
        ("[search]\nper_page = -3\n", "[search] per_page must be positive, got -3"),
        ("[corpus]\ndri = 'seeds'\n", "unknown key [corpus] dri (known: dir)"),
        ("[index]\ndir = 3\n", "[index] dir must be a string, got 3"),
    ],
)
def test_bad_config_is_one_line_naming_the_key(tmp_path, text, line):
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "index", "--check"])
    assert result.exit_code == 1
    (said,) = result.output.splitlines()  # one line, naming the key
    assert said.startswith(f"Error: {line}")


def test_serve_with_a_bad_config_stops_at_start_up(tmp_path):
    config = Path(tmp_path) / "config.toml"
    config.write_text("[server]\nport = -1\n", encoding="utf-8")
    command = [sys.executable, "-m", "webapp.cli", "--config", str(config), "serve"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Error: [server] port must be between 0 and 65535, got -1"
    ]
    assert result.stdout == ""
