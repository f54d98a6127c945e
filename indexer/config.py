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
    max_query_chars: int = 20000
    max_terms: int = 1000
    max_prefix_terms: int = 64
    time_budget_ms: int = 1500
    max_request_bytes: int = 65536


@dataclass(frozen=True)
class BackendConfig:
    kind: str = "whoosh"  # or "opensearch"


@dataclass(frozen=True)
class OpenSearchConfig:
    """Where the cluster is. Credentials come only from SEEDSEARCH_OPENSEARCH_USER and
    SEEDSEARCH_OPENSEARCH_PASSWORD; TLS certificates are always verified (`ca_certs` names
    a CA bundle for a private CA)."""

    url: str = "http://127.0.0.1:9200"
    index: str = "seedsearch"  # the alias searched; generations are "<index>-g000001", ...
    shards: int = 1
    replicas: int = 0
    ca_certs: str = ""


@dataclass(frozen=True)
class Config:
    corpus_dir: Path
    index_dir: Path
    server: ServerConfig = field(default_factory=ServerConfig)
    search: SearchConfig = field(default_factory=SearchConfig)
    source: Path | None = None
    backend: BackendConfig = field(default_factory=BackendConfig)
    opensearch: OpenSearchConfig = field(default_factory=OpenSearchConfig)

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


# Whole-number settings outside [1, unbounded) and their allowed (low, high) range.
RANGES = {("server", "port"): (0, 65535), ("opensearch", "replicas"): (0, 16)}
# String settings with a fixed set of values.
CHOICES = {("backend", "kind"): ("whoosh", "opensearch")}
# The sections a config file may hold, and the keys each takes (with their types).
_PATH_KEYS = {"dir": str}


def _keys(cls) -> dict[str, type]:
    return {f.name: type(getattr(cls(), f.name)) for f in fields(cls)}


SECTIONS = {
    "corpus": _PATH_KEYS,
    "index": _PATH_KEYS,
    "server": _keys(ServerConfig),
    "search": _keys(SearchConfig),
    "backend": _keys(BackendConfig),
    "opensearch": _keys(OpenSearchConfig),
}


def _check_value(section: str, key: str, value, expected: type) -> None:
    """One line naming the key when a value has the wrong type or is out of range."""
    if type(value) is not expected:  # bool is an int subclass: `port = true` is no port
        raise ConfigError(
            f"[{section}] {key} must be {'a whole number' if expected is int else 'a string'}, "
            f"got {value!r}"
        )
    choices = CHOICES.get((section, key))
    if choices and value not in choices:
        raise ConfigError(f"[{section}] {key} must be one of {', '.join(choices)}, got {value!r}")
    if expected is int:
        low, high = RANGES.get((section, key), (1, None))
        if value < low or (high is not None and value > high):
            if high is None:
                raise ConfigError(f"[{section}] {key} must be positive, got {value}")
            raise ConfigError(f"[{section}] {key} must be between {low} and {high}, got {value}")


def _validate(raw: dict) -> None:
    """Every section and key known, every value of its type and in range; else ConfigError."""
    for section, values in raw.items():
        if section not in SECTIONS:
            raise ConfigError(
                f"unknown section [{section}] (known: {', '.join(f'[{s}]' for s in SECTIONS)})"
            )
        if not isinstance(values, dict):
            raise ConfigError(f"{section} must be a table ([{section}] with keys), got {values!r}")
        known = SECTIONS[section]
        for key, value in values.items():
            if key not in known:
                raise ConfigError(
                    f"unknown key [{section}] {key} (known: {', '.join(sorted(known))})"
                )
            _check_value(section, key, value, known[key])


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
    _validate(raw)
    base = file.parent
    corpus = raw.get("corpus", {}).get("dir", "seeds")
    index = raw.get("index", {}).get("dir", "var/index")
    return Config(
        corpus_dir=(base / corpus).resolve(),
        index_dir=(base / index).resolve(),
        server=ServerConfig(**raw.get("server", {})),
        search=SearchConfig(**raw.get("search", {})),
        source=file,
        backend=BackendConfig(**raw.get("backend", {})),
        opensearch=OpenSearchConfig(**raw.get("opensearch", {})),
    )
