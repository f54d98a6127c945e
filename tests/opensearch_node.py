"""Real OpenSearch nodes for the tests: tools/opensearch-node/run in a child process.

Java 17 and Maven are needed; without them tests that use a node skip, saying how to get them,
unless SEEDSEARCH_REQUIRE_OPENSEARCH=1 (set by .ci/run), which makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAUNCHER = ROOT / "tools" / "opensearch-node" / "run"
REQUIRE_VARIABLE = "SEEDSEARCH_REQUIRE_OPENSEARCH"
START_TIMEOUT = 180.0  # seconds; a node starts in ~15 s on a quiet 2-core machine
BUILD_TIMEOUT = 600.0


def missing_reason() -> str | None:
    """Why no node can be started here, or None when one can."""
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            return (
                f"'{tool}' not found: the OpenSearch tests need Java 17 and Maven "
                "(Debian: apt-get install openjdk-17-jdk-headless maven)"
            )
    try:
        import opensearchpy  # noqa: F401
    except ImportError:
        return 'opensearch-py not installed: pip install -e ".[opensearch]"'
    return None


def require_node() -> None:
    """Skip the calling test when no node can be had, or fail when CI requires one."""
    reason = missing_reason()
    if reason is None:
        return
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(f"{REQUIRE_VARIABLE}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def build_launcher() -> None:
    """Build the launcher now (a no-op when it is up to date), so node start-up is not timed
    against Maven."""
    result = subprocess.run(
        [str(LAUNCHER), "--build-only"],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"building the OpenSearch launcher failed:\n{result.stderr[-4000:]}")


def _free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A port P with P+1 also free: HTTP and transport of one node."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port < 65535 and _free(port) and _free(port + 1):
            return port
    raise RuntimeError("no two adjacent free ports on 127.0.0.1")


def get_json(url: str, timeout: float = 5.0) -> dict:
    """GET a URL and decode its JSON body (urllib: the fixture needs no client library)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


@dataclass
class Node:
    """One launcher process: `start()` it, `wait_ready()`, then `stop()` or `kill()`."""

    port: int
    data_dir: Path
    cluster: str = "seedsearch-test"
    seed: str | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def transport(self) -> str:
        return f"127.0.0.1:{self.port + 1}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "node.log"

    def start(self) -> Node:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(LAUNCHER), str(self.port), str(self.data_dir), "--cluster", self.cluster]
        if self.seed:
            args += ["--seed", self.seed]
        # The node stops when this pipe closes, so a test run that dies leaves no JVM behind.
        args.append("--stop-on-stdin-eof")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def health(self, params: str = "") -> dict:
        return get_json(f"{self.url}/_cluster/health{params}", timeout=60.0)

    def wait_ready(self, nodes: int = 1, timeout: float = START_TIMEOUT) -> float:
        """Wait until the node answers and the cluster has `nodes` nodes; return seconds taken."""
        start = time.monotonic()
        while True:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"OpenSearch node exited early:\n{self.log_tail()}")
            try:
                if self.health().get("number_of_nodes", 0) >= nodes:
                    return time.monotonic() - start
            except (OSError, urllib.error.URLError, ValueError):
                pass
            if time.monotonic() - start > timeout:
                raise RuntimeError(
                    f"OpenSearch node not ready after {timeout:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.25)

    def kill(self) -> None:
        """SIGKILL: the node dies as in a crash, without closing anything."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the node: close its stdin (it shuts down), then SIGKILL if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            if self.process.stdin is not None:
                self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        elif self.process.stdin is not None:
            self.process.stdin.close()


def start_node(
    data_dir: Path, *, cluster: str = "seedsearch-test", seed: str | None = None, nodes: int = 1
) -> Node:
    """Build the launcher if needed, start a node on free ports, and wait until it serves.

    Another process may take the ports between choosing and binding them; then the node exits
    at once and is started again on other ports."""
    build_launcher()
    for attempt in range(3):
        node = Node(free_port_pair(), data_dir, cluster=cluster, seed=seed).start()
        try:
            node.wait_ready(nodes=nodes)
            return node
        except BaseException:
            node.stop()
            if attempt == 2 or node.process is None or node.process.poll() is None:
                raise
            if "BindException" not in node.log_tail() and "Address already in use" not in (
                node.log_tail()
            ):
                raise
    raise AssertionError("unreachable")
