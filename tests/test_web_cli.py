"""`seedsearch serve`: its error paths give one clear line, and it really serves."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from webfixtures import SEEDS

from webapp.cli import cli

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]


def write_config(folder: Path, index_dir: Path, corpus_dir: Path = SEEDS) -> Path:
    config = folder / "config.toml"
    config.write_text(
        f'[corpus]\ndir = "{corpus_dir}"\n[index]\ndir = "{index_dir}"\n', encoding="utf-8"
    )
    return config


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


def assert_one_line_error(result, *words: str) -> None:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert lines and lines[-1].startswith("Error:"), result.output
    for word in words:
        assert word in lines[-1]


def test_bad_port_is_refused(tmp_path):
    result = run("serve", "--port", "70000")
    assert result.exit_code == 2 and "70000" in result.output


def test_missing_config_file(tmp_path):
    result = run("--config", str(tmp_path / "nope.toml"), "serve")
    assert_one_line_error(result, "config file not found")


def test_unreadable_config_file(tmp_path):
    bad = tmp_path / "config.toml"
    bad.write_text("[server\nport = 'x'", encoding="utf-8")
    assert_one_line_error(run("--config", str(bad), "serve"), "cannot read config")


def test_port_in_use_after_building_the_missing_index(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    config = write_config(tmp_path, tmp_path / "configured-index", corpus)
    index = tmp_path / "index"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--config", str(config), "serve", "--port", str(port), "--index", str(index))
    assert_one_line_error(result, "cannot listen", str(port))
    # There was no index, so serve built one (where --index said) before it tried to listen.
    assert (index / "CURRENT").is_file()
    assert not (tmp_path / "configured-index").exists()


def test_unknown_host(tmp_path, web_config):
    config = write_config(tmp_path, web_config.index_dir, web_config.corpus_dir)
    result = run("--config", str(config), "serve", "--host", "no-such-host.invalid", "--port", "0")
    assert_one_line_error(result, "cannot listen", "no-such-host.invalid")


def test_missing_corpus_is_one_line(tmp_path):
    config = write_config(tmp_path, tmp_path / "index", tmp_path / "no-corpus")
    assert_one_line_error(run("--config", str(config), "serve", "--port", "0"), "index")


def test_serves_for_real(tmp_path, web_config):
    config = write_config(tmp_path, web_config.index_dir, web_config.corpus_dir)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "webapp.cli", "--config", str(config), "serve", "--port", "0"]
    server = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = ""
        for line in server.stderr:  # noqa: B007 - the last line read is the one we want
            if "serving on" in line:
                break
        assert "serving on http://127.0.0.1:" in line
        base = line.split("serving on ")[1].strip().rstrip("/")
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        with urllib.request.urlopen(base + "/api/search?q=korea", timeout=10) as response:
            assert json.load(response)["total"] >= 3
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/api/search?q=korea&page=0", timeout=10)
        assert refused.value.code == 400
        # An oversized body is refused by the app, with its security headers, not by waitress.
        body = b"x" * (web_config.search.max_request_bytes + 1)
        request = urllib.request.Request(base + "/api/search?q=korea", data=body, method="POST")
        with pytest.raises(urllib.error.HTTPError) as too_large:
            urllib.request.urlopen(request, timeout=10)
        assert too_large.value.code == 413
        assert "frame-ancestors" in too_large.value.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        # SIGTERM is a normal stop: the server closes its socket and exits 0.
        assert server.wait(timeout=10) == 0


def _start(config: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "webapp.cli", "--config", str(config), "serve", "--port", "0"]
    server = subprocess.Popen([*command, *extra], stderr=subprocess.PIPE, text=True, env=env)
    for line in server.stderr:
        if "serving on" in line:
            return server, line.split("serving on ")[1].strip().rstrip("/")
    raise AssertionError("the server did not start")


def _workers(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def _wait_until(check, timeout: float = 30) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_worker_processes_serve_replace_the_fallen_and_stop_together(tmp_path, web_config):
    config = write_config(tmp_path, web_config.index_dir, web_config.corpus_dir)
    server, base = _start(config, "--workers", "2")
    try:
        assert _wait_until(lambda: len(_workers(server.pid)) == 2)
        first, second = _workers(server.pid)
        for _ in range(20):  # both workers take connections from the one socket
            with urllib.request.urlopen(base + "/api/search?q=korea", timeout=10) as response:
                assert json.load(response)["total"] >= 3
        os.kill(first, 9)
        assert _wait_until(lambda: first not in _workers(server.pid))
        assert _wait_until(lambda: len(_workers(server.pid)) == 2)  # a new one took its place
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            assert json.load(response)["status"] == "ok"
        workers = _workers(server.pid)
    finally:
        server.terminate()
        assert server.wait(timeout=10) == 0
    assert _wait_until(lambda: not any(_alive(w) for w in workers))


def test_workers_do_not_outlive_a_killed_parent(tmp_path, web_config):
    config = write_config(tmp_path, web_config.index_dir, web_config.corpus_dir)
    server, _ = _start(config, "--workers", "2")
    assert _wait_until(lambda: len(_workers(server.pid)) == 2)
    workers = _workers(server.pid)
    server.kill()
    server.wait(timeout=10)
    assert _wait_until(lambda: not any(_alive(w) for w in workers))
