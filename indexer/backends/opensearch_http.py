"""opensearch-py's Connection over the standard library's http.client.

opensearch-py's default connection goes through urllib3 (its pool, retries, header and
response objects) around the same http.client: on the 200 Reuters benchmark bodies that
cost 1.14 ms of CPU per search against 0.59 ms for a bare http.client keep-alive POST
(medians of 5, alternating; docs/decisions.md, issue 14). This class keeps opensearch-py's
side of the contract (its exceptions, warnings and logging; the Transport above still
retries and serialises) and only replaces the HTTP: idle keep-alive connections reused one
request at a time, TLS always verified.
"""

from __future__ import annotations

import base64
import http.client
import select
import socket
import ssl
import time
from urllib.parse import urlencode

from opensearchpy.connection import Connection
from opensearchpy.exceptions import ConnectionError as Unreachable
from opensearchpy.exceptions import ConnectionTimeout, SSLError


class HTTPClientConnection(Connection):
    """One node's HTTP(S) endpoint; up to `pool_maxsize` idle connections kept for reuse."""

    def __init__(
        self,
        host: str = "localhost",
        port: int | None = None,
        http_auth: tuple[str, str] | None = None,
        use_ssl: bool = False,
        ca_certs: str | None = None,
        pool_maxsize: int = 10,
        **kwargs,
    ):
        kwargs.pop("verify_certs", None)  # always verified: there is no way to turn it off
        super().__init__(host=host, port=port, use_ssl=use_ssl, **kwargs)
        if http_auth is not None:
            token = base64.b64encode(":".join(http_auth).encode()).decode()
            self.headers["authorization"] = f"Basic {token}"
        self.context = ssl.create_default_context(cafile=ca_certs) if self.use_ssl else None
        self.pool_maxsize = pool_maxsize
        # list.append and list.pop are atomic: a connection is held by one thread at a time.
        self.idle: list[http.client.HTTPConnection] = []

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        if self.context is not None:
            return http.client.HTTPSConnection(
                self.hostname, self.port, timeout=timeout, context=self.context
            )
        return http.client.HTTPConnection(self.hostname, self.port, timeout=timeout)

    def _reused(self, timeout: float) -> http.client.HTTPConnection:
        """An idle connection the node has not closed meanwhile, else a new one."""
        while self.idle:
            try:
                conn = self.idle.pop()
            except IndexError:  # another thread took the last one
                break
            if conn.sock is None or not _dropped(conn.sock):
                if conn.sock is not None:
                    conn.sock.settimeout(timeout)
                conn.timeout = timeout
                return conn
            conn.close()
        return self._connect(timeout)

    def perform_request(
        self, method, url, params=None, body=None, timeout=None, ignore=(), headers=None
    ):
        url = self.url_prefix + url
        if params:
            url = f"{url}?{urlencode(params)}"
        full_url = self.host + url
        request_headers = self.headers | dict(headers or {})
        start = time.time()
        conn = self._reused(timeout or self.timeout)
        try:
            conn.request(method, url, body, request_headers)
            response = conn.getresponse()
            raw_data = response.read().decode("utf-8", "surrogatepass")
        except Exception as e:
            conn.close()
            self.log_request_fail(method, full_url, url, body, time.time() - start, exception=e)
            if isinstance(e, ssl.SSLError):
                raise SSLError("N/A", str(e), e) from e
            if isinstance(e, TimeoutError):
                raise ConnectionTimeout("TIMEOUT", str(e), e) from e
            raise Unreachable("N/A", str(e), e) from e
        duration = time.time() - start
        if len(self.idle) < self.pool_maxsize:
            self.idle.append(conn)
        else:
            conn.close()
        self._raise_warnings(response.headers.get_all("warning") or ())
        if not (200 <= response.status < 300) and response.status not in ignore:
            self.log_request_fail(method, full_url, url, body, duration, response.status, raw_data)
            self._raise_error(response.status, raw_data, response.headers.get("content-type"))
        self.log_request_success(method, full_url, url, body, response.status, raw_data, duration)
        return response.status, response.headers, raw_data

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle keep-alive socket was closed by the node (readable means EOF: the node
    sends nothing unasked)."""
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))
