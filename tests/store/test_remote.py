"""The remote store against a real Oxigraph server (the ``oxigraph`` package's), started here.

These run in every suite, whatever ``KG_TEST_STORE`` says: they check what only a remote
store does (binding by ``VALUES``, the protocols' errors, one-request writes).
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import cli
from kg.store.remote import RemoteStore, RemoteStoreError, bind
from kg.bench.server_process import free_port
from kg.store.embedded import load_graphs, open_store

ROOT = Path(__file__).resolve().parents[2]
EX = "http://example.org/"


def _oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    assert found, "the oxigraph server (pip install oxigraph, in the test extra) is needed for these tests"
    return found


@pytest.fixture(scope="module")
def server_url():
    """An in-memory Oxigraph server on a free loopback port; yields its query URL."""
    port = free_port()
    process = subprocess.Popen([_oxigraph_binary(), "serve", "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).close()  # noqa: S310 - loopback
            break
        except OSError:
            assert time.monotonic() < deadline and process.poll() is None, "the oxigraph server did not start"
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def remote(server_url):
    store = RemoteStore(server_url)
    store.update("DROP SILENT ALL")
    return store


def quad(s, p, o, g=None):
    obj = ox.Literal(o) if isinstance(o, (str, int)) and not str(o).startswith("http") else ox.NamedNode(o)
    graph = ox.NamedNode(EX + g) if g else ox.DefaultGraph()
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj, graph)


def test_writes_and_reads_give_pyoxigraph_types(remote):
    remote.extend([quad("a", "p", "one", "g1"), quad("a", "p", "one"), quad("b", "p", f"{EX}a", "g2")])
    assert len(remote) == 3
    assert {g.value for g in remote.named_graphs()} == {EX + "g1", EX + "g2"}
    assert remote.contains_named_graph(ox.NamedNode(EX + "g1"))
    assert [q.object for q in remote.quads_for_pattern(None, None, None, ox.NamedNode(EX + "g1"))] == [ox.Literal("one")]
    assert [q.graph_name for q in remote.quads_for_pattern(None, None, None, ox.DefaultGraph())] == [ox.DefaultGraph()]
    assert len(list(remote.quads_for_pattern(ox.NamedNode(EX + "a")))) == 2
    solutions = remote.query("SELECT ?s WHERE { ?s ex:p ?o }", prefixes={"ex": EX})
    assert isinstance(solutions, ox.QuerySolutions) and [r["s"] for r in solutions] == [ox.NamedNode(EX + "a")]
    assert bool(remote.query("ASK { GRAPH ?g { ?s ?p ?o } }")) is True
    triples = list(remote.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert len(triples) == 2 and all(isinstance(t, ox.Triple) for t in triples)


def test_substitutions_bind_like_the_embedded_store(remote):
    quads = [quad("a", "p", "one", "g1"), quad("b", "p", "two", "g1")]
    remote.extend(quads)
    embedded = ox.Store()
    embedded.extend(quads)
    query = "SELECT ?s ?o WHERE { GRAPH ?g { $s ?p ?o } } ORDER BY ?o"
    bound = {ox.Variable("s"): ox.NamedNode(EX + "b")}
    assert [(r["s"], r["o"]) for r in remote.query(query, substitutions=bound)] == \
        [(r["s"], r["o"]) for r in embedded.query(query, substitutions=bound)] == [(ox.NamedNode(EX + "b"), ox.Literal("two"))]


def test_dataset_arguments_become_protocol_parameters(remote):
    remote.extend([quad("a", "p", "one", "g1"), quad("b", "p", "two", "g2")])
    rows = remote.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph=[ox.NamedNode(EX + "g2")])
    assert [r["o"] for r in rows] == [ox.Literal("two")]


@pytest.mark.parametrize("query, expected", [
    ("ASK { ?x ?p ?o }", "ASK { VALUES (?x) { (<urn:x>) } ?x ?p ?o }"),
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "CONSTRUCT { ?x ?p ?o } WHERE { VALUES (?x) { (<urn:x>) } ?x ?p ?o }"),
    ('SELECT * # where {\nWHERE { ?x ?p "where {" }', 'SELECT * # where {\nWHERE { VALUES (?x) { (<urn:x>) } ?x ?p "where {" }'),
    ("SELECT * { { SELECT ?x WHERE { ?x ?p ?o } } }", "SELECT * { VALUES (?x) { (<urn:x>) } { SELECT ?x WHERE { ?x ?p ?o } } }"),
])
def test_bind_opens_the_outermost_group(query, expected):
    assert bind(query, {ox.Variable("x"): ox.NamedNode("urn:x")}) == expected


def test_errors_say_what_and_where(remote, server_url):
    with pytest.raises(SyntaxError, match="1:"):
        remote.query("SELECT * WHERE { ?s ?p }")
    nobody = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(RemoteStoreError, match=f"cannot reach the store at {nobody}"):
        RemoteStore(nobody).query("ASK {}")
    with pytest.raises(RemoteStoreError, match="opened read-only"):
        RemoteStore(server_url, read_only=True).update("CLEAR ALL")
    with pytest.raises(RemoteStoreError, match="blank node"):
        remote.extend([ox.Quad(ox.BlankNode(), ox.NamedNode(EX + "p"), ox.Literal("x"))])


def test_a_malformed_file_loads_nothing(remote, tmp_path):
    bad = tmp_path / "bad.nq"
    bad.write_text(f"<{EX}a> <{EX}p> <{EX}c> <{EX}g> .\n<{EX}a> <{EX}p> \"unterminated .\n")
    with pytest.raises(SyntaxError):
        remote.load(path=str(bad), format=ox.RdfFormat.N_QUADS)
    assert len(remote) == 0


def test_replace_all_is_one_request(remote):
    remote.extend([quad("old", "p", "x", "g0")])
    remote.replace_all([quad("a", "p", "one", "g1"), quad("a", "p", "one")])
    assert len(remote) == 2 and not remote.contains_named_graph(ox.NamedNode(EX + "g0"))


def test_bulk_loads_and_whole_graph_reads_use_the_graph_store_protocol(remote):
    quads = [quad(f"s{i}", "p", str(i), f"g{i % 3}") for i in range(10)] + [quad("a", "p", "x")]
    remote.bulk_extend(quads)
    assert len(remote) == 11
    for name in (ox.NamedNode(EX + "g1"), ox.DefaultGraph()):
        assert sorted(map(str, remote.quads_for_pattern(None, None, None, name))) == \
            sorted(str(q) for q in quads if q.graph_name == name)
    assert list(remote.quads_for_pattern(None, None, None, ox.NamedNode(EX + "missing"))) == []


@pytest.mark.slow
def test_cli_builds_queries_and_validates_over_the_server(runner, server_url, tmp_path, built):
    """The same commands as on a directory: the build is checked here, then sent in one request."""
    result = runner.invoke(cli, ["build", "--root", str(ROOT), "--store", server_url, "--graphs", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    embedded = open_store()
    load_graphs(embedded, built.dataset.graphs())
    assert len(open_store(server_url)) == len(embedded)
    result = runner.invoke(cli, ["query", "meetings", "--store", server_url, "--queries", str(ROOT / "queries")])
    assert result.exit_code == 0 and "kg:meeting/rats-council/40" in result.output
    result = runner.invoke(cli, ["validate", "--store", server_url, "--root", str(ROOT)])
    assert result.exit_code == 0 and "0 violation(s), 8 warning(s), 5 note(s)" in result.output  # as on a directory
    result = runner.invoke(cli, ["query", "meetings", "--store", "ftp://example.org/sparql"])
    assert result.exit_code == 2 and "a remote store is an http:// or https:// URL" in result.output


def test_cli_loads_and_dumps_over_the_server(runner, remote, server_url, tmp_path):
    data = tmp_path / "data.nq"
    data.write_text(f"<{EX}a> <{EX}p> \"one\" <{EX}g> .\n<{EX}b> <{EX}p> <{EX}a> <{EX}g> .\n")
    result = runner.invoke(cli, ["load", str(data), "--store", server_url])
    assert result.exit_code == 0 and "store holds 2 quads in named graphs" in result.output, result.output
    assert len(remote) == 4  # and their merge in the default graph
    result = runner.invoke(cli, ["dump", "--store", server_url, "-o", str(tmp_path / "out.nq")])
    assert result.exit_code == 0 and sorted((tmp_path / "out.nq").read_text().splitlines()) == \
        sorted(data.read_text().splitlines())


class _Refusing(http.server.BaseHTTPRequestHandler):
    """A server that refuses every update with a 400, as Virtuoso refuses a request it cannot parse."""

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b"Virtuoso 37000 Error SP030: SPARQL compiler, line 2: memory exhausted\n\nSPARQL query:\n..."
        self.send_response(400)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_a_refused_generated_update_is_the_servers_limit_not_a_syntax_error(runner, built, tmp_path):
    """A server that cannot take the updates kg writes gets a one-line error naming it, and
    ``kg build`` stops with exit code 2 (not a traceback, not the whole request echoed)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        with pytest.raises(RemoteStoreError, match=r"refused an update of 3 lines that kg wrote: Virtuoso 37000"):
            RemoteStore(url, update_url=url).extend([quad("a", "p", "x")])
        result = runner.invoke(cli, ["build", "--root", str(ROOT), "--store", url,
                                     "--graphs", str(tmp_path / "graphs")], env={"KG_STORE_UPDATE": url})
        assert result.exit_code == 2, result.output
        assert "refused an update of" in result.output and "SPARQL query" not in result.output
    finally:
        server.shutdown()
        server.server_close()
