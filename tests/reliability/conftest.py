"""The reliability and security suite (issue 24): each item reproduced, with its variants.

Quick cases go through the Flask test client and run in ``make test``. Cases marked ``live``
start ``kg serve`` in its own process (loopback only) and run in ``make reliability``
(``KG_RELIABILITY=1``), bounded in time and in the number of requests.

Every case that could make the server send a request points it at :func:`listener`, a
loopback HTTP server that records each request it receives: the suite asserts it got none.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg.bench.server_process import stop_process
from kg.store.embedded import load_graphs, open_store

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "reliability-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIVE = os.environ.get("KG_RELIABILITY") == "1"


def pytest_configure(config):
    config.addinivalue_line("markers", "live: starts kg serve in its own process; run by make reliability")


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="starts kg serve: run by make reliability (KG_RELIABILITY=1)")
    for item in items:
        if "live" in item.keywords and not LIVE:
            item.add_marker(skip)


class Listener:
    """A loopback HTTP server that records every request (method and path) it receives."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append((self.command, self.path))
                body = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"leak"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def writer(writable_store, tmp_path):
    """The app over a store of its own, with a write token and ``accepted/`` in a temporary folder."""
    from server import create_app

    app = create_app(writable_store, {"TESTING": True, "API_TOKEN": TOKEN, "ACCEPTED_DIR": str(tmp_path / "accepted")})
    return app.test_client()


def project_copy(tmp: Path) -> Path:
    """A project folder whose sources are the repository's and whose accepted/ and updates/ are its own."""
    root = tmp / "project"
    root.mkdir()
    for name in ("ontology", "authority", "seeds", "mappings", "shapes", "queries", "curation"):
        (root / name).symlink_to(ROOT / name)
    (root / "accepted").mkdir()
    return root


class Served:
    """``kg serve`` on a store in ``root``, with the token and ``root/accepted``; the log kept for failures."""

    def __init__(self, root: Path, store: Path, options: list[str] = ()):
        from kg.bench.server_process import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / f"serve-{self.port}.log"
        env = {**os.environ, "KG_API_TOKEN": TOKEN}
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg", "serve", "--store", str(store), "--port", str(self.port),
                 "--accepted", str(root / "accepted"), "--rate-limit", "0", *options],
                stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kg serve exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    if probe.recv(12).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("kg serve did not answer within 90 s")

    def stop(self):
        stop_process(self.process)


@pytest.fixture(scope="module")
def live(built, tmp_path_factory):
    """``kg serve`` on the seed build in a project folder of its own (module-wide)."""
    tmp = tmp_path_factory.mktemp("live")
    root = project_copy(tmp)
    store_dir = tmp / "store"
    store = open_store(store_dir)
    load_graphs(store, built.dataset.graphs())
    store.flush()
    del store
    server = Served(root, store_dir)
    server.root, server.store = root, store_dir
    yield server
    server.stop()
    shutil.rmtree(tmp, ignore_errors=True)
