"""``kg serve`` as a child process: it answers, its writes stay beside its own store (never in the
checkout, where a later ``kg build`` would replay them), and it stops when asked."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg.bench.server_process import ServerProcess, free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]


def test_free_port_can_be_bound():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", free_port()))


def test_an_acknowledged_update_is_logged_beside_the_store_not_in_the_checkout(tmp_path):
    ox.Store(str(tmp_path / "store")).flush()
    before = (ROOT / "updates").exists()
    with ServerProcess(tmp_path / "store", ["--token", "t0ken", "--rate-limit", "0"],
                       log=tmp_path / "serve.log") as server:
        request = urllib.request.Request(
            server.url + "/update", method="POST",
            data=b'INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "c" } }',
            headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer t0ken"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204
    assert list((tmp_path / "updates").glob("*.rq")), "the update is recorded beside the store"
    assert (ROOT / "updates").exists() == before, "nothing written into the checkout"


def test_stop_process_kills_what_does_not_end(tmp_path):
    stubborn = subprocess.Popen([sys.executable, "-c",
                                 "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                                 "print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE)
    assert stubborn.stdout.readline().strip() == b"ready"
    stop_process(stubborn, grace=0.5)
    assert stubborn.returncode is not None
    stubborn.stdout.close()
