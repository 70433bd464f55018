"""``kg bench`` works end to end at a tiny size (it is a benchmark, not a timed test): kg serve,
the in-memory limit and Oxigraph server side by side, throughput from wrk."""

import shutil

import pytest

from kg.bench.measure import growth, run_bench, table

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")


@pytest.mark.slow
@needs_wrk
def test_bench_runs_and_reports_every_figure(project):
    figures = run_bench(3000, project=project, runs=2, seconds=1, clients=2)
    assert figures["quads"] >= 3000 and figures["sources"] >= 1
    assert {"meetings", "aggregate: triples per predicate"} <= set(figures["queries"])
    for row in figures["queries"].values():
        assert row["kg_ratio"] > 0 and row["oxigraph_ratio"] > 0 and row["in_memory_ms"]["median"] > 0
    for name in ("kg_light", "oxigraph_light", "kg_cached_light", "kg_heavy", "oxigraph_heavy"):
        row = figures[name]
        assert row["requests"] > 0 and 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], name
        assert len(row["windows_rps"]) == 3 and min(row["windows_rps"]) <= row["rps"] <= max(row["windows_rps"])
    assert figures["cached_answer_hit"] and figures["accepted_seen_in_memory"]
    assert figures["accept_source_ms"]["median"] > 0 and figures["validate_new_source_ms"]["median"] > 0
    assert 0 < figures["server_start_s"] <= figures["server_in_memory_s"] < 120
    assert 10 < figures["server_memory_mb"]["pss"] <= figures["server_memory_mb"]["rss_sum"]
    assert all(isinstance(met, bool) for met in figures["targets"].values()) and len(figures["targets"]) == 9
    text = table(figures)
    assert "throughput with wrk, 2 connections" in text and "Oxigraph server" in text and "[met]" in text
    assert growth([figures, figures]).count(f"{figures['quads']:>10,}") == 2


def test_the_client_opens_another_connection_when_the_server_closed_an_idle_one():
    """Servers close kept-alive connections that stay idle (while the benchmark evaluates a slow
    query in memory): the next request goes on a new connection, as a client library's would."""
    import socket
    import threading

    from kg.bench.measure import _Client

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    answer = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'

    def serve():
        first, _ = listener.accept()
        first.recv(65536)
        first.sendall(answer)
        first.close()  # idle: closed before the next request
        second, _ = listener.accept()
        second.recv(65536)
        second.sendall(answer)
        second.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = _Client(f"http://127.0.0.1:{port}/sparql")
    try:
        assert client.get("ASK {}")[0] == b"ok"
        assert client.get("ASK {}")[0] == b"ok"
    finally:
        client.close()
        listener.close()
    thread.join(5)


def test_a_server_that_does_not_answer_within_the_limit_is_started_again(monkeypatch):
    """Oxigraph server works on past any limit: the benchmark records the wait, starts it again
    (so it stops taking a core) and times the next query on the new one."""
    import pyoxigraph as ox

    from kg.bench import measure

    monkeypatch.setattr(measure, "SERVER_LIMIT_S", 0.5)
    silent = socket_server(answer=None)
    answering = socket_server(answer=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    rows = {"slow": {}, "next": {}}
    restarted = []
    measure._time_queries(rows, {"slow": "ASK { ?s ?p ?o }", "next": "ASK {}"}, ox.Store(), silent, "oxigraph", 1,
                          lambda message: None, lambda: restarted.append(1) or answering)
    assert rows["slow"]["oxigraph_error"] == "no answer within 1 s" and restarted == [1]
    assert rows["next"]["oxigraph_ms"]["median"] > 0 and "oxigraph_error" not in rows["next"]


def socket_server(answer: bytes | None) -> str:
    """A loopback endpoint that answers every request with ``answer``, or never answers."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            connection, _ = listener.accept()
            threading.Thread(target=reply, args=(connection,), daemon=True).start()

    def reply(connection):
        while connection.recv(65536):
            if answer is not None:
                connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
