"""Helpers for the hardening suite: generated corpora, the real `seedsearch` CLI, a live server.

Everything here runs the product the way a user does: the console script as a subprocess,
`seedsearch serve` on a free 127.0.0.1 port, plain HTTP. It holds no asserts of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

# Queries every seed-based corpus answers (the seeds are about Biden, China and Korea).
SEED_QUERIES = ["korea", "china", "biden", "president", "alliance", "moon jae-in", "washington"]


def seedsearch_command() -> list[str]:
    """The installed console script next to this interpreter (the venv's), else on PATH."""
    script = Path(sys.executable).with_name("seedsearch")
    if script.exists():
        return [str(script)]
    found = shutil.which("seedsearch")
    if found:
        return [found]
    return [sys.executable, "-c", "from webapp.cli import main; main()"]


def _vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in SEEDS.iterdir())
    return sorted({w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)})


VOCABULARY = _vocabulary()


def article(rng: random.Random, title: str, extra: str = "", paragraphs: int = 4) -> str:
    """A small English-looking news article the cleaner keeps."""
    body = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(3):
            words = [rng.choice(VOCABULARY) for _ in range(rng.randint(10, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        body.append(" ".join(sentences))
    if extra:
        body.append(extra)
    return f"{title}\n\n" + "\n\n".join(body) + "\n"


def make_corpus(folder: Path, rng: random.Random, articles: int) -> Path:
    """The seeds plus `articles` generated ones (gen_0000.txt ...)."""
    shutil.copytree(SEEDS, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    for i in range(articles):
        text = article(rng, f"Report number {i} on regional affairs")
        (folder / f"gen_{i:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def write_config(folder: Path, corpus: Path, index: Path, threads: int = 4) -> Path:
    config = folder / "config.toml"
    config.write_text(
        f'[corpus]\ndir = "{corpus}"\n[index]\ndir = "{index}"\n[server]\nthreads = {threads}\n',
        encoding="utf-8",
    )
    return config


def run_cli(config: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*seedsearch_command(), "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def tree_snapshot(folder: Path, content: bool = True) -> dict[str, tuple]:
    """Every file below `folder`: (size, mtime_ns[, sha256]) by relative path."""
    snapshot = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if content else ""
            snapshot[path.relative_to(folder).as_posix()] = (st.st_size, st.st_mtime_ns, digest)
    return snapshot


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes, dict]:
    """(status, body, headers); HTTP errors are answers too, connection failures raise."""
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def get_json(url: str, timeout: float = 10) -> tuple[int, dict]:
    status, body, _ = http_get(url, timeout)
    return status, json.loads(body)


class Server:
    """`seedsearch serve --port 0` as a subprocess; `url` once it says where it listens."""

    def __init__(self, config: Path, startup_timeout: float = 60):
        self.config = config
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.log: list[str] = []

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(
            [*seedsearch_command(), "--config", str(self.config), "serve", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        found = threading.Event()

        def drain() -> None:
            for line in self.process.stdout:
                self.log.append(line.rstrip("\n"))
                match = re.search(r"serving on (http://[\d.]+:\d+)/", line)
                if match and not found.is_set():
                    self.url = match.group(1)
                    found.set()

        threading.Thread(target=drain, daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not found.wait(0.1):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError("seedsearch serve did not start:\n" + "\n".join(self.log))
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def health(self) -> dict:
        status, body = get_json(self.url + "/healthz")
        return body if status == 200 else {}

    def wait_for_generation(self, generation: str, timeout: float = 15) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.health().get("generation") == generation:
                return True
            time.sleep(0.05)
        return False


class Hammer(threading.Thread):
    """Queries the server without pause until stopped; records every answer."""

    def __init__(self, base_url: str, queries: list[str], health_every: int = 10):
        super().__init__(daemon=True)
        self.base_url = base_url
        self.queries = queries
        self.health_every = health_every
        self.stop = threading.Event()
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []  # anything that is not a 200 with results
        self.generations: list[str] = []
        self.requests = 0

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            query = self.queries[n % len(self.queries)]
            health = n % self.health_every == 0
            path = "/healthz" if health else "/api/search?" + urllib.parse.urlencode({"q": query})
            try:
                status, body = get_json(self.base_url + path)
            except Exception as exc:  # noqa: BLE001 - every failure is a finding
                self.requests += 1
                self.failures.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status != 200:
                self.failures.append(f"{path}: HTTP {status}: {body}")
            elif health:
                self.generations.append(body["generation"])
            elif body["total"] <= 0 or not body["results"]:
                self.failures.append(f"{path}: empty answer: {body}")


def children_of(pid: int) -> list[int]:
    """Direct children of `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Field 4 is the parent pid; the command name (field 2) may hold spaces, so split after it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def env_seed(name: str) -> int:
    """A seed from $name if set (to replay a failure), else a fresh one."""
    value = os.environ.get(name)
    return int(value) if value else random.SystemRandom().randrange(2**32)
