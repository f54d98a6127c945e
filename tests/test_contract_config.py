"""The [backend] and [opensearch] config sections: typed, unknown keys refused, no secrets."""

from __future__ import annotations

import pytest

from indexer.config import ConfigError, load_config


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_backend_is_whoosh(tmp_path):
    config = load_config(write(tmp_path, ""))
    assert config.backend.kind == "whoosh"
    assert config.opensearch.url == "http://127.0.0.1:9200"


def test_opensearch_section_is_read(tmp_path):
    config = load_config(
        write(
            tmp_path,
            '[backend]\nkind = "opensearch"\n[opensearch]\nurl = "https://os:9200"\n'
            'index = "news"\nshards = 3\nreplicas = 0\n',
        )
    )
    assert config.backend.kind == "opensearch"
    assert (config.opensearch.url, config.opensearch.index) == ("https://os:9200", "news")
    assert (config.opensearch.shards, config.opensearch.replicas) == (3, 0)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[backend]\nkind = "elastic"\n', "[backend] kind must be one of whoosh, opensearch"),
        ('[opensearch]\npassword = "hunter2"\n', "unknown key [opensearch] password"),
        ("[opensearch]\nshards = 0\n", "[opensearch] shards must be positive"),
        ("[opensearch]\nreplicas = -1\n", "[opensearch] replicas must be between 0 and 16"),
        ("[opensearch]\nurl = 9200\n", "[opensearch] url must be a string"),
    ],
)
def test_bad_backend_settings_name_the_key(tmp_path, text, says):
    with pytest.raises(ConfigError, match=None) as raised:
        load_config(write(tmp_path, text))
    assert says in str(raised.value)
