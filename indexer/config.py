"""Configuration, read once from config.toml into a typed object."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

ENV_VAR = "SEEDSEARCH_CONFIG"
FILE_NAME = "config.toml"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or holds a bad value."""


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 8  # per worker process
    # Search holds the GIL: one worker process per core uses them all (webapp/server.py).
    workers: int = field(default_factory=lambda: len(os.sched_getaffinity(0)))


@dataclass(frozen=True)
class SearchConfig:
    per_page: int = 10
    max_per_page: int = 100
    max_depth: int = 1000
    max_query_chars: int = 2000
    max_terms: int = 24
    max_prefix_terms: int = 64
    time_budget_ms: int = 1500
    max_request_bytes: int = 65536


@dataclass(frozen=True)
class Config:
    corpus_dir: Path
    index_dir: Path
    server: ServerConfig = field(default_factory=ServerConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    source: Path | None = None

    def with_paths(self, corpus_dir: Path | None = None, index_dir: Path | None = None) -> Config:
        """A copy with command-line paths taking precedence."""
        return replace(
            self,
            corpus_dir=Path(corpus_dir) if corpus_dir else self.corpus_dir,
            index_dir=Path(index_dir) if index_dir else self.index_dir,
        )


def find_config_file(start: Path | None = None) -> Path | None:
    """The config.toml in the working directory or the nearest parent that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def _section(cls, raw: dict, name: str):
    values = raw.get(name, {})
    if not isinstance(values, dict):
        raise ConfigError(f"[{name}] must be a table")
    known = {f.name: f for f in fields(cls)}
    unknown = set(values) - set(known)
    if unknown:
        raise ConfigError(f"unknown key(s) in [{name}]: {', '.join(sorted(unknown))}")
    for key, value in values.items():
        expected = type(getattr(cls(), key))
        if type(value) is not expected:
            raise ConfigError(f"[{name}] {key} must be {expected.__name__}, got {value!r}")
        if expected is int and value <= 0 and key != "port":
            raise ConfigError(f"[{name}] {key} must be positive, got {value}")
    return cls(**values)


def load_config(path: str | os.PathLike | None = None) -> Config:
    """Read `path`, $SEEDSEARCH_CONFIG or the nearest config.toml; with none, the defaults."""
    chosen = path or os.environ.get(ENV_VAR) or find_config_file()
    if not chosen:
        cwd = Path.cwd()
        return Config(corpus_dir=cwd / "seeds", index_dir=cwd / "var" / "index")
    file = Path(chosen).resolve()
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {file}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {file}: {exc}") from None
    base = file.parent
    corpus = raw.get("corpus", {}).get("dir", "seeds")
    index = raw.get("index", {}).get("dir", "var/index")
    if not isinstance(corpus, str) or not isinstance(index, str):
        raise ConfigError("[corpus] dir and [index] dir must be strings")
    return Config(
        corpus_dir=(base / corpus).resolve(),
        index_dir=(base / index).resolve(),
        server=_section(ServerConfig, raw, "server"),
        search=_section(SearchConfig, raw, "search"),
        source=file,
    )
