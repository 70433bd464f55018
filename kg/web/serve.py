"""Run the app under Granian, the production server ``kg serve`` uses.

Granian parses HTTP and keeps connections alive in Rust, and runs the Flask app under WSGI in
one worker process (the embedded store has one writer) with ``threads`` request threads.

Facing the internet (issue 24): headers must arrive within :data:`HEADER_TIMEOUT_MS`, far more
connections are accepted than there are threads (:data:`BACKPRESSURE`), so idle keep-alives,
slow clients and unread answers wait in Rust without holding a thread; a worker process that
dies is started again; and with the embedded store the worker process, and the query workers
it starts, cannot open a network socket (:mod:`kg.store.sandbox`).
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tempfile
import threading
from http import HTTPStatus
from pathlib import Path

from kg.store import sandbox
from kg.store.embedded import open_store
from kg.store.remote import is_url
from kg.web.common import BufferedLogHandler, access_log_to

HEADER_TIMEOUT_MS = 10_000
"""A client has this long to send a request's headers (slowloris)."""
BACKPRESSURE = 1024
"""Requests a worker takes in at once: queued for the threads, far more than there are threads."""

BODY_TIMEOUT = 10.0
"""Seconds a request body may take to arrive once its headers have."""
SPARE_THREADS = 4
"""Granian threads per app thread that may wait for bodies (or on slow clients) without running the app."""

log = logging.getLogger("kg.serve")


def serve(store_location: str, *, host: str, port: int, threads: int, config: dict) -> None:
    """Serve the store at ``store_location`` until interrupted; ``config`` goes to ``create_app``."""
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import MPServer

    from server import create_app

    # The query workers' snapshots of the store go in a folder made and removed here: Granian's
    # worker process, where they are taken, ends without running exit handlers.
    snapshots = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    config = {**config, "SNAPSHOT_DIR": str(snapshots)}

    def load_app():
        # Runs in Granian's worker process: the store is opened there, after the fork.
        handler = BufferedLogHandler()
        logging.basicConfig(level=logging.INFO, handlers=[handler])
        access_log_to(handler)
        sandboxed = not is_url(store_location)  # a remote store is reached over the network
        if sandboxed:
            os.environ[sandbox.NO_NETWORK] = "1"  # the query workers, spawned from here, start sandboxed
        app = create_app(open_store(store_location), config)
        from kg.web.intake import repair_at_start

        repair_at_start(app)
        return BodiesFirst(SandboxOnFirstRequest(app) if sandboxed else app, workers=threads,
                           max_bytes=int(app.config["MAX_CONTENT_LENGTH"]))

    announced = announce(Path(store_location), host, port) if not is_url(store_location) else None
    server = MPServer("server:create_app", address=host, port=port, interface=Interfaces.WSGI, workers=1,
                      blocking_threads=threads * (1 + SPARE_THREADS), backpressure=max(BACKPRESSURE, threads),
                      log_access=False,
                      http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT_MS),
                      respawn_failed_workers=True, respawn_interval=0.5)
    try:
        server.serve(target_loader=load_app, wrap_loader=False)
    finally:  # the worker has stopped: Granian joins it before returning
        shutil.rmtree(snapshots, ignore_errors=True)
        if announced is not None:
            withdraw(announced)


def serve_file(store: Path) -> Path:
    """Where a running ``kg serve`` says where it is: ``<store>.serve.json`` beside the store's folder.

    ``kg add-source`` cannot open a store a server holds (one writer); it reads this file and sends
    the source to the server instead (:mod:`kg.cli_remote`).
    """
    store = Path(store).resolve()
    return store.parent / f"{store.name}.serve.json"


def announce(store: Path, host: str, port: int) -> Path:
    """Write the serve file (URL, pid, store, the process's start time), in one rename; return its path."""
    reachable = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104 - a bind-all address
    netloc = f"[{reachable}]:{port}" if ":" in reachable else f"{reachable}:{port}"
    path = serve_file(store)
    staged = path.with_name(path.name + f".{os.getpid()}")
    staged.write_text(json.dumps({"url": f"http://{netloc}", "pid": os.getpid(), "store": str(Path(store).resolve()),
                                  "started": process_start(os.getpid())}),
                      encoding="utf-8")
    os.replace(staged, path)
    return path


def withdraw(path: Path) -> None:
    """Remove the serve file if it is still this process's (another server may have started since)."""
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def running_server(store: Path) -> dict | None:
    """The ``{"url", "pid", "store", "started"}`` of the ``kg serve`` that announced itself for
    ``store``, or None when there is no serve file, or its process is gone (a server killed with -9
    leaves its file) and its pid now belongs to another process."""
    try:
        found = json.loads(serve_file(store).read_text(encoding="utf-8"))
        pid, url = int(found["pid"]), str(found["url"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, another user's
    started = process_start(pid)
    if started is not None and found.get("started") is not None:
        if found["started"] != started:
            return None  # the pid was reused by another process
    elif started is not None and "serve" not in _arguments(pid):
        return None  # a file without a start time: the process's arguments must name the command
    return {**found, "pid": pid, "url": url}


def _arguments(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return ["serve"]  # not ours to read: trust the pid


def process_start(pid: int) -> int | None:
    """When process ``pid`` started, in clock ticks since boot (field 22 of ``/proc/<pid>/stat``),
    or None where there is no ``/proc``: with the pid it names one process, even after pid reuse."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return int(stat[stat.rindex(")") + 2:].split()[19])  # after the command's name, which may hold spaces
    except (OSError, ValueError, IndexError):
        return None


class BodiesFirst:
    """WSGI middleware: a request's body is read in full, within :data:`BODY_TIMEOUT`, before the
    app runs, and at most ``workers`` requests run the app at once.

    Granian's WSGI threads read a body as the app asks for it, so a client that announces
    ``Content-Length: 1000`` and sends 6 bytes held a thread until it gave up: eight such
    clients held every thread (70 s in the issue's trial). Here the body is read by a helper
    thread while the request's thread waits at most :data:`BODY_TIMEOUT` (then a 408), and
    Granian has :data:`SPARE_THREADS` per worker thread for such waits, so slow senders wait
    beside the requests being answered instead of in front of them. A chunked body (no
    ``Content-Length``) is read to its end too (werkzeug would read it as empty).
    """

    def __init__(self, app, *, workers: int, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes
        self._working = threading.BoundedSemaphore(workers)

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if (length and length != "0") or chunked:
            if length and not length.isdigit():
                return _refuse(start_response, 400, f"Content-Length must be a number of bytes, not {length[:40]!r}")
            if length and int(length) > self.max_bytes:
                return _refuse(start_response, 413, f"the request body has {int(length):,} bytes; at most "
                                                    f"{self.max_bytes:,} are read")
            body = _read_within(environ["wsgi.input"], int(length) if length else self.max_bytes + 1, BODY_TIMEOUT)
            if body is None:
                return _refuse(start_response, 408, f"the request body did not arrive within {BODY_TIMEOUT:.0f} s")
            if len(body) > self.max_bytes:
                return _refuse(start_response, 413, f"the request body has more than {self.max_bytes:,} bytes")
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        with self._working:
            return self.app(environ, start_response)


def _read_within(stream, size: int, seconds: float) -> bytes | None:
    """Read up to ``size`` bytes of ``stream`` in a helper thread; None if they take longer than ``seconds``."""
    done, got = threading.Event(), {}

    def read():
        try:
            got["body"] = stream.read(size)
        except Exception:  # noqa: BLE001 - the client went away: treated as a body that never came
            got["body"] = None
        done.set()

    threading.Thread(target=read, name="body-reader", daemon=True).start()
    return got.get("body") if done.wait(seconds) else None


def _refuse(start_response, status: int, message: str):
    body = json.dumps({"ok": False, "error": message, "status": status}).encode() + b"\n"
    start_response(f"{status} {HTTPStatus(status).phrase}", [("Content-Type", "application/json"),
                                                             ("Content-Length", str(len(body))), ("Connection", "close")])
    return [body]


class SandboxOnFirstRequest:
    """WSGI middleware: forbid network sockets in the server's process once Granian serves.

    Granian opens its sockets after the app is loaded, so the filter cannot go in before; on the
    first request it is installed for every thread (updates, in-process evaluation), once.
    """

    def __init__(self, app):
        self.app, self._pending, self._lock = app, True, threading.Lock()

    def __call__(self, environ, start_response):
        if self._pending:
            with self._lock:
                if self._pending:
                    try:
                        sandbox.forbid_network()
                        log.info("network sandbox on: the server and its query workers cannot open network sockets")
                    except OSError as exc:
                        log.warning("no network sandbox (%s): SERVICE and LOAD are refused from the parsed query "
                                    "alone", exc)
                    self._pending = False
        return self.app(environ, start_response)
