"""Serving with waitress in one or more worker processes that share one listening socket.

Search is Python code holding the GIL, so one process uses one core however many threads
it has. Worker processes (one per core by default) accept on the same socket, each with
its own threads, searchers and caches; the parent only starts them, restarts one that dies
and stops them all on SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

import waitress

log = logging.getLogger("seedsearch.server")
_PR_SET_PDEATHSIG = 1
# A worker that exits by itself this soon after starting is broken (it would fail again):
# stop instead of looping. One killed by a signal (the OOM killer, an operator) is replaced.
_MIN_LIFETIME = 2.0
# glibc gives each thread that allocates its own malloc arena (up to 8 per core) and keeps
# the freed memory of each: a worker's 8 request threads held ~10 MiB more after the
# benchmark's queries than with 2 arenas. The GIL serialises most allocations anyway.
_M_ARENA_MAX = -8
MALLOC_ARENAS = 2


class ServeError(Exception):
    """The workers cannot run (they exit as soon as they start)."""


def listen(host: str, port: int) -> socket.socket:
    """The listening socket (port 0 picks a free one); raises OSError if it cannot bind."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=1024)


def serve(app_factory: Callable, sock: socket.socket, workers: int, **waitress_options) -> None:
    """Serve the app from `app_factory()` on `sock` until SIGTERM or Ctrl-C."""
    if workers <= 1:
        _run(app_factory(), sock, waitress_options)
        return
    children: dict[int, float] = {}
    stopping = failed = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The modules imported so far are shared with the workers until written to; a garbage
    # collection in a worker writes to every object it visits, copying those pages. Frozen
    # objects are never visited.
    gc.freeze()
    for _ in range(workers):
        children[_fork(app_factory, sock, waitress_options)] = time.monotonic()
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        started = children.pop(pid, None)
        if stopping or started is None:
            continue
        log.error("worker %d exited (status %d)", pid, status)
        if os.WIFEXITED(status) and time.monotonic() - started < _MIN_LIFETIME:
            failed = True
            stop(signal.SIGTERM, None)
            continue
        children[_fork(app_factory, sock, waitress_options)] = time.monotonic()
    if failed:
        raise ServeError("worker processes fail on start; see the log above")


def _fork(app_factory: Callable, sock: socket.socket, options: dict) -> int:
    pid = os.fork()
    if pid:
        return pid
    # Until the server installs its own handler, SIGTERM simply ends the worker (the
    # parent's handler, inherited through fork, would not).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        # A worker must not outlive its parent, even one killed with SIGKILL.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us
        _run(app_factory(), sock, options)
        code = 0
    except BaseException:  # noqa: BLE001 - a worker reports and exits; it never returns
        log.exception("worker failed")
        code = 1
    finally:
        logging.shutdown()
    os._exit(code)


def _limit_arenas() -> None:
    """Cap malloc arenas before the request threads start (glibc only; elsewhere a no-op)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, MALLOC_ARENAS)


def _run(app, sock: socket.socket, options: dict) -> None:
    _limit_arenas()
    server = waitress.create_server(app, sockets=[sock], **options)
    # What start-up made (modules, the app, its backend's client) lives as long as the process:
    # frozen, a full collection no longer visits it. Over OpenSearch a worker held ~123,000
    # such objects, and a full collection came about once per 600 searches and stopped every
    # thread for 110-200 ms (the whole of some requests' p99); frozen, it found ~1,700 objects
    # and none ran in 600 searches. Searchers open later, per thread, and are not frozen.
    gc.freeze()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)
