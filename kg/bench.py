"""``kg bench``: measure the store, the endpoint and validation on a generated graph of a chosen size.

The graph comes from :mod:`kg.synthetic` (the real mapping engine on generated texts, with
planted contradictions), so it has the shape of the real one. Figures are wall-clock on this
machine; a query answered from a cache would be reported as such, but there is no query
cache yet, so every figure is a real evaluation. This is a benchmark, not a test: CI runs it
only at a tiny size to check that it works.
"""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from rdflib import RDF, Graph

from kg.build import Project, load_authority
from kg.cache import AnswerCache
from kg.executor import evaluate
from kg.namespaces import ONTOLOGY_GRAPH, RATS
from kg.ontology import Vocabulary, load_ontology
from kg.queries import load_queries
from kg.store import add_graphs, named_quads, open_store, oxigraph
from kg.synthetic import plans, source
from kg.validate import Validator

HEAVY = {
    "aggregate: triples per predicate": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "conflict: meetings with two start dates": """SELECT ?m (COUNT(DISTINCT ?d) AS ?n) WHERE {
        GRAPH ?g { ?m <https://w3id.org/sco-rats/ontology#startDate> ?d } } GROUP BY ?m HAVING (COUNT(DISTINCT ?d) > 1)""",
    "path: instances of Meeting subclasses": """SELECT (COUNT(*) AS ?n) WHERE {
        ?m a ?k . ?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/sco-rats/ontology#Meeting> }""",
}
LIGHT = "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
JSON_RESULTS = "application/sparql-results+json"


def run_bench(size: int, *, project: Project = Project(), runs: int = 15, seconds: float = 3.0,
              clients: int = 8, whole_validation_limit: int | None = None,
              progress: Callable[[str], None] = lambda message: None) -> dict:
    """Generate about ``size`` quads, load them, and measure; return the figures."""
    ontology = load_ontology(project.ontology)
    vocabulary = Vocabulary.from_graph(ontology)
    reference = load_authority(project.authority)
    known = set(reference.subjects())
    figures: dict = {"size_target": size}

    progress(f"generate about {size:,} quads")
    started = time.perf_counter()
    graphs, quads, count = [], 0, 0
    for plan in plans(10 ** 9, seed=1, editions=max(3, size // 2500), plant_every=100):
        candidate = source(plan, vocabulary=vocabulary, known=known)
        for graph in (candidate.stated, candidate.reference):
            quads += len(graph)
        known |= set(candidate.reference.subjects())
        reference += candidate.reference
        graphs.append(candidate.stated)
        count += 1
        if quads >= size:
            break
    figures["generate_s"] = time.perf_counter() - started
    figures["sources"] = count

    directory = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    dataset = open_store(directory / "store")
    store = oxigraph(dataset)
    progress(f"load {count:,} sources")
    ontology_graph = Graph(identifier=ONTOLOGY_GRAPH)
    ontology_graph += ontology
    started = time.perf_counter()
    add_graphs(store, [ontology_graph, reference] + graphs)
    store.flush()
    figures["load_s"] = time.perf_counter() - started
    figures["quads"] = sum(1 for _ in named_quads(store))  # the default graph is their merge, not counted
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    queries = {name: q.text for name, q in load_queries(project.root / "queries").items()
               if not any(p.required for p in q.params) and not name.startswith("wdqs")}
    queries.update(HEAVY)
    from server import create_app
    import waitress

    # Every figure but the last is a real evaluation: the answer cache is off until then.
    app = create_app(dataset, {"QUERIES_DIR": str(project.root / "queries"), "ACCEPTED_DIR": str(directory / "accepted"),
                               "MAX_RESULT_BYTES": 10 ** 9, "QUERY_CACHE_BYTES": 0})
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=clients)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{server.effective_port}/sparql"
    try:
        figures["queries"] = {}
        for name, text in queries.items():
            progress(f"query {name}")
            local = _timings(lambda: evaluate(store, text, {}, JSON_RESULTS, "text/turtle", 10 ** 9), runs)
            remote = _timings(lambda: _http(endpoint, text), runs)
            figures["queries"][name] = {"in_process_ms": local, "http_ms": remote,
                                        "ratio": remote["median"] / local["median"] if local["median"] else None}
        for label, text in (("light", LIGHT), ("heavy", HEAVY["aggregate: triples per predicate"])):
            progress(f"throughput, {label} query, {clients} clients")
            figures[f"throughput_{label}_rps"] = _throughput(endpoint, text, clients, seconds)
        app.extensions["kg"]["cache"] = AnswerCache(64 * 1024 * 1024)
        progress(f"throughput, light query served from the answer cache, {clients} clients")
        figures["throughput_light_cached_rps"] = _throughput(endpoint, LIGHT, clients, seconds)
    finally:
        server.close()

    validator = Validator.from_folders(project.ontology, project.shapes)
    new = source(next(p for p in plans(10 ** 6, seed=99, editions=max(3, size // 2500), plant_every=2) if p.planted),
                 vocabulary=vocabulary, known=known, prefix="new")
    progress("validate one new source")
    figures["new_source_facts"] = sum(1 for _ in new.stated.subjects(RDF.type, RATS.Evidence))
    figures["validate_new_source_ms"] = _timings(
        lambda: validator.validate_candidate(store, new.stated, new.reference), max(3, runs // 3))
    if whole_validation_limit is None or figures["quads"] <= whole_validation_limit:
        progress("validate the whole graph")
        started = time.perf_counter()
        validator.validate_store(store)
        figures["validate_whole_s"] = time.perf_counter() - started
    else:
        figures["validate_whole_s"] = None
    return figures


def _timings(call: Callable, runs: int) -> dict:
    samples = []
    call()  # warm up
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median": statistics.median(samples), "p95": samples[min(len(samples) - 1, int(len(samples) * 0.95))]}


def _http(endpoint: str, query: str) -> bytes:
    url = endpoint + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": JSON_RESULTS})
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own loopback server
        return response.read()


def _throughput(endpoint: str, query: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        while time.perf_counter() < deadline:
            _http(endpoint, query)
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def table(figures: dict) -> str:
    """Render the figures as a plain text table."""
    lines = [
        f"quads {figures['quads']:,} in {figures['sources']:,} sources; generated in {figures['generate_s']:.1f} s, "
        f"loaded in {figures['load_s']:.2f} s; peak RSS {figures['peak_rss_mb']:.0f} MB",
        "",
        f"{'query':45} {'in-process ms (median/p95)':>28} {'HTTP ms (median/p95)':>24} {'ratio':>7}",
    ]
    for name, q in figures["queries"].items():
        local, remote = q["in_process_ms"], q["http_ms"]
        ratio = f"{q['ratio']:.2f}" if q["ratio"] else "-"
        lines.append(f"{name[:45]:45} {local['median']:>16.2f} / {local['p95']:>8.2f} "
                     f"{remote['median']:>12.2f} / {remote['p95']:>8.2f} {ratio:>7}")
    lines += [
        "",
        f"throughput, 8 clients: light {figures['throughput_light_rps']:.0f} req/s, "
        f"heavy {figures['throughput_heavy_rps']:.1f} req/s (evaluated); "
        f"light {figures['throughput_light_cached_rps']:.0f} req/s (served from the answer cache)",
        f"validate one new source ({figures['new_source_facts']} facts): "
        f"{figures['validate_new_source_ms']['median']:.0f} ms median; whole graph: "
        + (f"{figures['validate_whole_s']:.1f} s" if figures["validate_whole_s"] is not None else "not run (too large)"),
    ]
    return "\n".join(lines) + "\n"


def write_json(figures: dict, path: Path) -> None:
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
