"""The HTTP load every benchmark times servers with: keep-alive clients, each cycling through its
requests from its own offset; a request's latency includes reading the whole response (not
checking it)."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    """One HTTP request of a load: method, path, and a JSON body or none."""

    method: str
    path: str
    body: bytes | None = None


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 of latencies in ms (the same cuts as bench/perf.py)."""
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return {"p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def http_load(
    url: str,
    requests: list[Request],
    clients: int,
    seconds: float,
    answered: Callable[[int, bytes], bool],
) -> dict:
    """`clients` keep-alive connections to `url`, each cycling through `requests` for `seconds`;
    latency percentiles in ms, requests/s, and how many answers `answered` refused."""
    parts = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/json"}
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def client(offset: int) -> None:
        conn = connect()
        mine, bad, i = [], 0, offset
        while time.monotonic() < deadline:
            request = requests[i % len(requests)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request(request.method, request.path, request.body, headers)
                resp = conn.getresponse()
                status, body = resp.status, resp.read()
            except (OSError, http.client.HTTPException):
                status, body = 0, b""
                conn.close()
                conn = connect()
            # Checked after the clock stops: the check (a JSON parse for some) is the
            # benchmark's, not the server's, and differs between the two sides compared.
            mine.append((time.perf_counter() - t) * 1000)
            bad += not (status and answered(status, body))
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(k * len(requests) // clients,))
        for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        **percentiles(latencies),
        "errors": errors[0],
        "requests": len(latencies),
    }
