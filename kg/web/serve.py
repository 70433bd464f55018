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

import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from kg.store import sandbox
from kg.store.embedded import open_store
from kg.store.remote import is_url
from kg.web.common import BufferedLogHandler

HEADER_TIMEOUT_MS = 10_000
"""A client has this long to send a request's headers (slowloris)."""
BACKPRESSURE = 1024
"""Requests a worker takes in at once: queued for the threads, far more than there are threads."""

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
        logging.basicConfig(level=logging.INFO, handlers=[BufferedLogHandler()])
        sandboxed = not is_url(store_location)  # a remote store is reached over the network
        if sandboxed:
            os.environ[sandbox.NO_NETWORK] = "1"  # the query workers, spawned from here, start sandboxed
        app = create_app(open_store(store_location), config)
        from kg.web.intake import repair_at_start

        repair_at_start(app)
        return ChunkedBodies(SandboxOnFirstRequest(app) if sandboxed else app)

    server = MPServer("server:create_app", address=host, port=port, interface=Interfaces.WSGI, workers=1,
                      blocking_threads=threads, backpressure=max(BACKPRESSURE, threads), log_access=False,
                      http1_settings=HTTP1Settings(header_read_timeout=HEADER_TIMEOUT_MS),
                      respawn_failed_workers=True, respawn_interval=0.5)
    try:
        server.serve(target_loader=load_app, wrap_loader=False)
    finally:  # the worker has stopped: Granian joins it before returning
        shutil.rmtree(snapshots, ignore_errors=True)


class ChunkedBodies:
    """WSGI middleware: a chunked request body (no ``Content-Length``) is read to its end.

    Granian hands the app the whole body, but without a length werkzeug reads nothing unless the
    server says the input ends by itself (``wsgi.input_terminated``); Flask's size limit
    (``MAX_CONTENT_LENGTH``) still applies.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            environ["wsgi.input_terminated"] = True
        return self.app(environ, start_response)


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
