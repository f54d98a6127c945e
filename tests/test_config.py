"""Reading config.toml into the typed Config."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.config import ConfigError, find_config_file, load_config

ROOT = Path(__file__).resolve().parents[1]


def test_the_repository_config_points_at_the_bundled_seeds():
    config = load_config(ROOT / "config.toml")
    assert config.corpus_dir == ROOT / "seeds"
    assert config.index_dir == ROOT / "var" / "index"
    assert config.search.max_per_page == 100 and config.server.port == 8000


def test_no_config_in_reach_means_defaults_relative_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SEEDSEARCH_CONFIG", raising=False)
    assert find_config_file() is None
    config = load_config()
    assert config.corpus_dir == tmp_path / "seeds" and config.source is None


def test_the_nearest_parent_config_is_found(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text('[index]\ndir = "elsewhere"\n')
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    monkeypatch.delenv("SEEDSEARCH_CONFIG", raising=False)
    assert load_config().index_dir == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[search]\nmax_terms = 'many'\n", r"\[search\] max_terms must be a whole number"),
        ("[search]\nbogus = 1\n", "unknown key"),
        ("[server]\nthreads = -2\n", "must be positive"),
        ("search = 3\n", "must be a table"),
        ("[corpus]\ndir = 5\n", r"\[corpus\] dir must be a string"),
    ],
)
def test_bad_values_are_rejected_with_the_key_named(tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
