"""Run the app under Granian, the production server ``kg serve`` uses.

Granian parses HTTP and keeps connections alive in Rust, and runs the Flask app under WSGI in
one worker process (the embedded store has one writer) with ``threads`` request threads.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from kg.store.embedded import open_store
from kg.web.common import BufferedLogHandler


def serve(store_location: str, *, host: str, port: int, threads: int, config: dict) -> None:
    """Serve the store at ``store_location`` until interrupted; ``config`` goes to ``create_app``."""
    from granian.constants import Interfaces
    from granian.server import MPServer

    from server import create_app

    # The query workers' snapshots of the store go in a folder made and removed here: Granian's
    # worker process, where they are taken, ends without running exit handlers.
    snapshots = Path(tempfile.mkdtemp(prefix="kg-serve-"))
    config = {**config, "SNAPSHOT_DIR": str(snapshots)}

    def load_app():
        # Runs in Granian's worker process: the store is opened there, after the fork.
        logging.basicConfig(level=logging.INFO, handlers=[BufferedLogHandler()])
        return create_app(open_store(store_location), config)

    server = MPServer("server:create_app", address=host, port=port, interface=Interfaces.WSGI, workers=1,
                      blocking_threads=threads, backpressure=threads, log_access=False)
    try:
        server.serve(target_loader=load_app, wrap_loader=False)
    finally:  # the worker has stopped: Granian joins it before returning
        shutil.rmtree(snapshots, ignore_errors=True)
