"""``kg serve`` itself (kg/web/serve.py): the file that says a server holds a store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from kg.web.serve import announce, running_server, withdraw


def test_a_serve_file_whose_process_is_gone_or_another_is_ignored(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    path = announce(store, "0.0.0.0", 8123)  # noqa: S104 - what kg serve --host 0.0.0.0 writes
    assert json.loads(path.read_text(encoding="utf-8")) == {"url": "http://127.0.0.1:8123", "pid": os.getpid(),
                                                             "store": str(store.resolve())}
    # A process that is no kg serve (this one, pytest, would do only while no argument of its names
    # test_serve.py: running_server takes any command line with "serve" in it for kg serve).
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    while b"sleep(60)" not in Path(f"/proc/{other.pid}/cmdline").read_bytes():
        time.sleep(0.01)  # until the child has run exec
    try:
        path.write_text(json.dumps({"url": "http://127.0.0.1:8123", "pid": other.pid}), encoding="utf-8")
        assert running_server(store) is None, "this process is no kg serve"
    finally:
        other.kill()
        other.wait()
    server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "serve"])
    while b"serve" not in Path(f"/proc/{server.pid}/cmdline").read_bytes():
        time.sleep(0.01)  # until the child has run exec
    try:
        path.write_text(json.dumps({"url": "http://[::1]:8124", "pid": server.pid}), encoding="utf-8")
        assert running_server(store)["url"] == "http://[::1]:8124"
    finally:
        server.kill()
        server.wait()
    assert running_server(store) is None, "a server killed with -9 leaves its file behind"
    path.write_text("not json", encoding="utf-8")
    assert running_server(store) is None
    path.write_text(json.dumps({"url": "http://[::1]:8124", "pid": server.pid}), encoding="utf-8")
    withdraw(path)
    assert path.exists(), "not ours to remove: another process wrote it"
    announce(store, "::", 8125)
    assert "http://[::1]:8125" in path.read_text(encoding="utf-8")
    withdraw(path)
    assert not path.exists()
