"""The dataset as a whole (the routes of kg/web/dataset.py): /health, the Graph Store Protocol's
reads, the dumps, and each as clients read them.

``GET /rdf-graphs?default`` sent every quad's triple (each two or three times) and ``/health``
counted the default graph's copies too; the dumps were ``application/n-quads+gzip``, which
Comunica refuses as a source (issue 22, defect 5).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://w3id.org/sco-rats/"
G004 = BASE + "graph/source/004_19d1a5506ceb2ba2"
COMUNICA = ROOT / "tests" / "clients" / "node_modules" / ".bin" / "comunica-sparql"
"""Comunica's CLI (npm: @comunica/query-sparql), installed by ``make clients`` (``make test`` does)."""


def named_quads(store) -> set[ox.Quad]:
    return {q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}


def distinct_triples(store) -> set[ox.Triple]:
    return {q.triple for q in named_quads(store)}


def test_the_default_graph_sends_each_triple_once(client, store):
    response = client.get("/rdf-graphs?default", headers={"Accept": "application/n-triples"})
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == len(set(lines)) == len(distinct_triples(store))
    assert {q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)} == distinct_triples(store)


def test_health_counts_the_named_graphs_and_the_default_graph_once(client, store):
    body = client.get("/health").get_json()
    assert body == {"ok": True, "quads": len(named_quads(store)), "default_graph_triples": len(distinct_triples(store))}


@pytest.mark.parametrize("name, fmt", [("dataset.nq.gz", ox.RdfFormat.N_QUADS), ("dataset.trig.gz", ox.RdfFormat.TRIG)])
def test_dumps_are_rdf_gzipped_on_the_wire(client, store, name, fmt):
    response = client.get(f"/dumps/{name}", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.mimetype == fmt.media_type and response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert set(ox.parse(gzip.decompress(response.data), format=fmt)) == named_quads(store)
    plain = client.get(f"/dumps/{name}")  # no Accept-Encoding: the RDF itself
    assert "Content-Encoding" not in plain.headers and plain.mimetype == fmt.media_type
    assert set(ox.parse(plain.data, format=fmt)) == named_quads(store)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")  # rdflib's own parsers
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("name", ["dataset.nq.gz", "dataset.trig.gz"])
def test_rdflib_reads_the_dumps_from_kg_serve(live_server, store, name):
    dataset = Dataset()
    dataset.parse(f"{live_server}/dumps/{name}")  # the format from the media type
    graphs = {str(g) for _, _, _, g in dataset.quads((None, None, None, None))}
    assert sum(1 for _ in dataset.quads((None, None, None, None))) == len(named_quads(store))
    assert graphs == {q.graph_name.value for q in named_quads(store)}  # the default graph is derived, not dumped


def comunica(*args: str) -> list[dict]:
    if shutil.which("node") is None or not COMUNICA.exists():
        missing = "Comunica is not installed: run `make clients` (it needs node and npm)"
        if os.environ.get("CI"):
            pytest.fail(missing + "; CI must install it")
        pytest.skip(missing)
    done = subprocess.run([str(COMUNICA), *args, "-t", "application/json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("name", ["dataset.nq.gz", "dataset.trig.gz"])
def test_comunica_reads_the_dumps_from_kg_serve(live_server, store, name):
    rows = comunica(f"{live_server}/dumps/{name}", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(rows[0]["n"].split('"')[1] if rows[0]["n"].startswith('"') else rows[0]["n"]) == len(named_quads(store))


def test_comunica_queries_the_endpoint_with_its_default_settings(live_server, store):
    """Comunica as a SPARQL client of /sparql (its own request: POST, its own Accept list)."""
    rows = comunica(f"sparql@{live_server}/sparql",
                    "SELECT ?meeting WHERE { ?meeting a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }")
    expected = {str(r["meeting"]) for r in rows}
    assert "https://w3id.org/sco-rats/meeting/rats-council/40" in expected, expected


def test_comunica_reads_the_default_graph_from_kg_serve(live_server, store):
    url = f"{live_server}/rdf-graphs?default"
    rows = comunica(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"].split('"')[1] if rows[0]["n"].startswith('"') else rows[0]["n"]) == len(distinct_triples(store))


def test_health(client):
    body = client.get("/health").get_json()
    assert body["ok"] is True and body["quads"] > 10000


def test_graph_store_protocol_reads(client):
    response = client.get("/rdf-graphs", query_string={"graph": G004}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and len(response.data.splitlines()) > 1000
    assert client.head("/rdf-graphs", query_string={"graph": G004}).status_code == 200
    assert client.get("/rdf-graphs", query_string={"graph": BASE + "graph/nope"}).status_code == 404
    assert client.get("/rdf-graphs").status_code == 400
    default = client.get("/rdf-graphs?default", headers={"Accept": "application/n-triples"})
    assert default.status_code == 200


@pytest.mark.parametrize("name, fmt", [("dataset.nq.gz", ox.RdfFormat.N_QUADS), ("dataset.trig.gz", ox.RdfFormat.TRIG)])
def test_dumps_are_gzipped_and_complete(client, name, fmt, store):
    response = client.get(f"/dumps/{name}", headers={"Accept-Encoding": "gzip"})
    quads = list(ox.parse(gzip.decompress(response.data), format=fmt))
    assert len(quads) == sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
