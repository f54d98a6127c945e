"""The web app and CLI over an OpenSearch that does not answer: 503s that say so, never a 500.

A real unreachable address (the discard port, where nothing listens), not a mock."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from indexer.config import BackendConfig, Config, OpenSearchConfig
from webapp import create_app
from webapp.cli import cli

pytest.importorskip("opensearchpy", reason="pip install -e '.[opensearch]'")
DOWN = "http://127.0.0.1:9"


@pytest.fixture
def client(tmp_path):
    config = Config(
        corpus_dir=tmp_path,
        index_dir=tmp_path / "index",
        backend=BackendConfig("opensearch"),
        opensearch=OpenSearchConfig(url=DOWN),
    )
    return create_app(config).test_client()


@pytest.mark.parametrize("path", ["/api/search?q=korea", "/api/doc/abc", "/healthz"])
def test_api_answers_503_backend_unavailable(client, path):
    response = client.get(path)
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "backend_unavailable"
    assert response.headers["Retry-After"]


@pytest.mark.parametrize("path", ["/search?q=korea", "/doc/abc"])
def test_pages_say_the_engine_is_down(client, path):
    response = client.get(path)
    assert response.status_code == 503
    assert "search engine is not answering" in response.get_data(as_text=True)


def test_cli_says_the_engine_is_down(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[backend]\nkind = "opensearch"\n\n[opensearch]\nurl = "{DOWN}"\n')
    runner = CliRunner()
    for args in (["search", "korea"], ["index"], ["index", "--check"]):
        result = runner.invoke(cli, ["--config", str(config), *args])
        assert result.exit_code == 1, result.output
        assert "not answering" in result.output and "Traceback" not in result.output
