"""``kg serve`` itself (kg/web/serve.py): the file that says a server holds a store, and the
middleware that reads a request's body whole, within its time, before the app runs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.web.serve import BodiesFirst, announce, process_start, running_server, serve_file, withdraw


def test_a_serve_file_whose_process_is_gone_or_another_is_ignored(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    path = announce(store, "0.0.0.0", 8123)  # noqa: S104 - what kg serve --host 0.0.0.0 writes
    assert json.loads(path.read_text(encoding="utf-8")) == {"url": "http://127.0.0.1:8123", "pid": os.getpid(),
                                                             "store": str(store.resolve()),
                                                             "started": process_start(os.getpid())}
    assert running_server(store)["url"] == "http://127.0.0.1:8123", "this process announced itself"
    # A file of a server whose pid another process took since: the start time differs.
    path.write_text(json.dumps({"url": "http://127.0.0.1:8123", "pid": os.getpid(),
                                "started": process_start(os.getpid()) - 1}), encoding="utf-8")
    assert running_server(store) is None, "another process with the same pid"
    # A file without a start time: a process whose arguments do not name the command is no kg serve.
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


def echo(environ, start_response):
    """A WSGI app that answers with the body it was given."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]


def call(app, body=b"", **environ):
    got = {}

    def start_response(status, headers):
        got["status"], got["headers"] = status, dict(headers)

    answer = b"".join(app({"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(body), **environ}, start_response))
    return got["status"], answer


def test_a_body_is_read_whole_before_the_app_runs():
    app = BodiesFirst(echo, workers=2, max_bytes=100)
    assert call(app, b"ASK {}", CONTENT_LENGTH="6") == ("200 OK", b"ASK {}")
    assert call(app, b"a chunked body", HTTP_TRANSFER_ENCODING="chunked") == ("200 OK", b"a chunked body")
    assert call(app) == ("200 OK", b"")


@pytest.mark.parametrize("environ, body, status, message", [
    ({"CONTENT_LENGTH": "12a"}, b"", "400 Bad Request", b"Content-Length must be a number of bytes, not '12a'"),
    ({"CONTENT_LENGTH": "101"}, b"x" * 101, "413 Request Entity Too Large", b"at most 100 are read"),
    ({"HTTP_TRANSFER_ENCODING": "chunked"}, b"x" * 101, "413 Request Entity Too Large", b"more than 100 bytes"),
])
def test_a_body_that_cannot_be_read_is_refused_in_the_one_json_shape(environ, body, status, message):
    answered, answer = call(BodiesFirst(echo, workers=1, max_bytes=100), body, **environ)
    assert answered == status and message in answer
    assert json.loads(answer)["ok"] is False


def test_a_body_that_does_not_arrive_in_time_is_a_408(monkeypatch):
    monkeypatch.setattr("kg.web.serve.BODY_TIMEOUT", 0.2)
    reader, writer = os.pipe()  # nothing is written until the end: a read waits
    try:
        with open(reader, "rb", buffering=0) as stream:
            got = {}
            answer = BodiesFirst(echo, workers=1, max_bytes=100)(
                {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "10", "wsgi.input": stream},
                lambda status, headers: got.update(status=status))
            assert got["status"] == "408 Request Timeout" and b"did not arrive within" in b"".join(answer)
    finally:
        os.close(writer)  # the helper thread's read ends


def test_the_serve_file_is_beside_the_stores_folder(tmp_path):
    assert serve_file(tmp_path / "var" / "store") == (tmp_path / "var" / "store.serve.json").resolve()
    assert running_server(tmp_path / "nothing") is None


def test_a_process_whose_command_line_only_contains_serve_is_no_kg_serve(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "observer"])
    while b"observer" not in Path(f"/proc/{other.pid}/cmdline").read_bytes():
        time.sleep(0.01)  # until the child has run exec
    try:
        serve_file(store).write_text(json.dumps({"url": "http://127.0.0.1:8126", "pid": other.pid}), encoding="utf-8")
        assert running_server(store) is None
    finally:
        other.kill()
        other.wait()
