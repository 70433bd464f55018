"""``kg bench``: measure the store, the endpoint and validation on a generated graph of a chosen size.

The graph comes from :mod:`kg.bench.synthetic` (the real mapping engine on generated texts, with
planted contradictions), so it has the shape of the real one. Figures are wall-clock on this
machine. HTTP figures are of ``kg serve`` itself, in its own process, with its answer cache
off; the cache's own throughput is measured separately and the share of answers it gave is
reported with it. This is a benchmark, not a test: CI runs it only at a tiny size.
"""

from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import resource
import shutil
import socket
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph
from tqdm import tqdm

from kg.bench.compare import OxigraphServer, in_memory, release_memory, tree_memory_mb, wrk_windows
from kg.bench.report import HEAVY_MS, growth, table, targets
from kg.bench.server_process import ServerProcess
from kg.bench.synthetic import plans, source
from kg.bench.timing import once_within, paired_timings, summary, timings
from kg.namespaces import ONTOLOGY_GRAPH, RATS, source_graph
from kg.sources.ontology import Vocabulary, load_ontology
from kg.sources.project import Project, load_authority
from kg.store.embedded import named_quads, quads_of, with_merge
from kg.store.executor import QueryExecutor, evaluate
from kg.validation.intake import Intake, from_mapping
from kg.validation.validate import Validator
from kg.web.named_queries import load_queries
from kg.wikidata.curation import Curation

HEAVY = {
    "aggregate: triples per predicate": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "conflict: meetings with two start dates": """SELECT ?m (COUNT(DISTINCT ?d) AS ?n) WHERE {
        GRAPH ?g { ?m <https://w3id.org/sco-rats/ontology#startDate> ?d } } GROUP BY ?m HAVING (COUNT(DISTINCT ?d) > 1)""",
    "conflict: a state in two roles at a meeting": """PREFIX rats: <https://w3id.org/sco-rats/ontology#>
        SELECT ?m ?s (COUNT(DISTINCT ?r) AS ?n) WHERE {
        GRAPH ?g { ?p rats:meeting ?m ; rats:participant ?s ; rats:role ?r } } GROUP BY ?m ?s HAVING (COUNT(DISTINCT ?r) > 1)""",
    "path: statements per series": """PREFIX rats: <https://w3id.org/sco-rats/ontology#>
        SELECT ?series (COUNT(*) AS ?n) WHERE {
        ?evidence <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>/rats:meeting/rats:partOfSeries ?series }
        GROUP BY ?series""",
    "path: instances of Meeting subclasses": """SELECT (COUNT(*) AS ?n) WHERE {
        ?m a ?k . ?k <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/sco-rats/ontology#Meeting> }""",
}
LIGHT = "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }"
JSON_RESULTS = "application/sparql-results+json"


__all__ = ["growth", "run_bench", "table", "write_json"]

ACCEPTED = 3
"""New sources accepted through the write path, each timed."""


def run_bench(size: int, *, project: Project = Project(), runs: int = 15, seconds: float = 3.0,
              clients: int = 8, progress: Callable[[str], None] = lambda message: None) -> dict:
    """Generate about ``size`` quads into a store on disk and measure; return the figures.

    The graph is generated and loaded in a process of its own (:func:`_generate`), so what is
    measured here runs in a process as small as the CLI's or the server's. Validation is measured
    first, on the bare store, then new sources are accepted through the write path ``kg serve``
    uses (the store on disk and the in-memory copy). Then, side by side on the same files: each
    query in-process on the store loaded into memory (the engine's limit), over HTTP on ``kg serve``
    (answer cache and rate limit off) and on Oxigraph server, timed in turn; and throughput with
    wrk on both servers, and on ``kg serve`` again with its answer cache on.
    """
    figures: dict = {"size_target": size, "clients": clients}
    directory = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        progress(f"generate and load about {size:,} quads (in a process of its own)")
        # The generator holds the whole graph in rdflib; measured beside that heap, the same
        # validation took half as long again as in the small process `kg validate` runs in.
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
            generated = pool.submit(_generate, size, directory / "store", project).result()
        new = Graph(identifier=generated.pop("new_source")).parse(data=generated.pop("new_stated"), format="nt")
        new_reference = Graph().parse(data=generated.pop("new_reference"), format="nt")
        to_accept = generated.pop("to_accept")
        figures.update(generated)
        store = ox.Store(str(directory / "store"))
        validator = Validator.from_folders(project.ontology, project.shapes)
        progress("validate one new source")
        figures["new_source_facts"] = sum(1 for _ in new.subjects(RDF.type, RATS.Evidence))
        figures["validate_new_source_ms"] = timings(
            lambda: validator.validate_candidate(store, new, new_reference), max(5, runs))
        progress("validate the whole graph")
        started = time.perf_counter()
        validator.validate_store(store)
        figures["validate_whole_s"] = time.perf_counter() - started
        progress(f"accept {len(to_accept)} new sources through the store on disk and its in-memory copy")
        figures.update(accept_sources(store, project, to_accept, directory))
        store.flush()
        del store  # closes it: the servers open it next
        gc.collect()

        progress("load the store into memory in this process (the engine's limit)")
        memory, figures["in_memory_load_s"] = in_memory(directory / "store")
        queries = {name: q.text for name, q in load_queries(project.root / "queries").items()
                   if not any(p.required for p in q.params) and not name.startswith("wdqs")}
        queries.update(HEAVY)
        figures["queries"] = {name: {} for name in queries}

        progress("start Oxigraph server (serve-read-only --union-default-graph) on the same files")
        oxigraph = OxigraphServer(directory / "store")

        def restart() -> str:
            nonlocal oxigraph
            oxigraph.stop()
            oxigraph = OxigraphServer(directory / "store")
            return oxigraph.url

        try:
            figures["oxigraph_start_s"] = oxigraph.start_seconds
            _time_queries(figures["queries"], queries, memory, oxigraph.url, "oxigraph", runs, progress, restart)
        finally:
            oxigraph.stop()
        progress("start kg serve (answer cache and rate limit off); wait for its in-memory copy")
        with ServerProcess(directory / "store", ["--rate-limit", "0", "--cache-mb", "0"],
                           log=directory / "serve.log") as server:
            figures["server_start_s"] = server.start_seconds
            figures["server_in_memory_s"] = server.wait_for_log(MEMORY_READY, timeout=3600)
            figures["server_memory_loaded_mb"] = tree_memory_mb(server.process.pid)
            _time_queries(figures["queries"], queries, memory, server.url + "/sparql", "kg", runs, progress)
            # Throughput needs no limit to compare with; at 10M this copy and kg serve's workers,
            # each running a heavy query at once, did not fit the machine's memory together.
            del memory
            release_memory()
            _throughputs(figures, "kg", server.url + "/sparql", clients, seconds, progress)
            figures["server_memory_mb"] = tree_memory_mb(server.process.pid)
            figures["server_peak_rss_mb"] = server.peak_rss_mb()
        progress("start Oxigraph server again; its throughput")
        oxigraph = OxigraphServer(directory / "store")
        try:
            _throughputs(figures, "oxigraph", oxigraph.url, clients, seconds, progress)
            figures["oxigraph_memory_mb"] = tree_memory_mb(oxigraph.process.pid)
        finally:
            oxigraph.stop()
        progress("restart kg serve with its answer cache on; throughput of a repeated light query")
        with ServerProcess(directory / "store", ["--rate-limit", "0"], log=directory / "serve-cached.log") as server:
            server.wait_for_log(MEMORY_READY, timeout=3600)  # else the copy's load takes a core from what is measured
            client = _Client(server.url + "/sparql")
            client.get(LIGHT)
            figures["cached_answer_hit"] = client.get(LIGHT)[1] == "hit"
            client.close()
            figures["kg_cached_light"] = wrk_windows(server.url + "/sparql", LIGHT, seconds=seconds,
                                                     connections=clients)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    figures["targets"] = targets(figures)
    return figures


MEMORY_READY = "queries are answered from memory"
"""What ``kg serve`` logs once its query workers answer from the in-memory copy."""


def accept_sources(store: ox.Store, project: Project, sources: list[dict], directory: Path) -> dict:
    """Accept ``sources`` (``{"id", "mapping", "text"}``) as ``POST /sources`` does, through the
    store on disk and an in-memory copy; return the time each took (validation and both writes)
    and whether a query answered from the copy then sees them."""
    executor = QueryExecutor(store, workers=1, snapshots_in=directory)
    try:
        copied = executor.wait_for_copy(3600)
        intake = Intake.from_folders(executor.store, project.ontology, project.shapes, directory / "accepted",
                                     Curation.from_folder(project.root / "curation"))
        known = intake.known()
        candidates = [from_mapping(given["mapping"], given["text"], source_id=given["id"],
                                   vocabulary=intake.vocabulary, known=known) for given in sources]
        intake.check(candidates[0])  # the first check compiles the shapes, as a server's first request does
        samples = []
        for candidate in candidates:
            started = time.perf_counter()
            intake.add(candidate, override_reason="benchmark: accepted whatever validation finds")
            executor.refresh()
            samples.append((time.perf_counter() - started) * 1000)
        ask = "ASK { " + " ".join(f"GRAPH <{source_graph(given['id'])}> {{ ?s{i} ?p{i} ?o{i} }}"
                                  for i, given in enumerate(sources)) + " }"
        seen = b"true" in executor.execute(ask, {}, results_mime=JSON_RESULTS, graph_mime=None).body
        return {"accept_source_ms": summary(samples), "accepted_seen_in_memory": copied and seen,
                "accept_copy_load_s": executor.copy.load_seconds}
    finally:
        executor.close()


SERVER_LIMIT_S = 30.0
"""``kg serve``'s default time limit: a query that takes longer in memory is not timed over HTTP."""


def _time_queries(rows: dict, queries: dict, memory: ox.Store, endpoint: str, server: str, runs: int,
                  progress: Callable[[str], None], restart: Callable[[], str] | None = None) -> None:
    """Time each query in turn in-process on ``memory`` and over HTTP on ``server``'s ``endpoint``.

    A query that takes longer in memory than :data:`SERVER_LIMIT_S` is stopped there
    (:func:`kg.bench.timing.once_within`) and marked ``over_limit``; one the server refuses, or
    does not answer within that limit, keeps the server's words (or the wait) as
    ``<server>_error``. A server without a limit of its own that works on (Oxigraph server: its
    ``--timeout-s`` does not stop an evaluation) is started again by ``restart``, which returns
    its new endpoint, so that it does not go on taking a core from what is measured next.
    """
    client = _Client(endpoint)
    try:
        for name, text in queries.items():
            row = rows[name]
            if "in_memory_ms" not in row:
                progress(f"in memory, in-process, once: {name}")
                once = once_within(lambda: evaluate(memory, text, {}, JSON_RESULTS, "text/turtle", 10 ** 9),  # noqa: B023
                                   SERVER_LIMIT_S)
                row["over_limit"] = once is None
                if row["over_limit"]:
                    row["in_memory_ms"], row["heavy"] = None, False
            if row["over_limit"]:
                progress(f"not timed over HTTP (over {SERVER_LIMIT_S:g} s in memory): {name}")
                continue
            progress(f"in memory, in-process, and on {server} over HTTP, in turn: {name}")
            client.connection.settimeout(SERVER_LIMIT_S * 2)  # kg serve answers a query over its limit with a 503
            try:
                client.get(text)
            except TimeoutError:
                row[f"{server}_error"] = f"no answer within {SERVER_LIMIT_S * 2:g} s"
                client.close()
                endpoint = restart() if restart else endpoint
                client = _Client(endpoint)
                continue
            except RuntimeError as exc:
                row[f"{server}_error"] = str(exc)[:300]
                continue
            finally:
                if client.connection.fileno() != -1:
                    client.connection.settimeout(600)
            try:
                local, remote, ratio = paired_timings(
                    lambda: evaluate(memory, text, {}, JSON_RESULTS, "text/turtle", 10 ** 9),  # noqa: B023
                    lambda: client.get(text), runs)  # noqa: B023
            except RuntimeError as exc:
                row[f"{server}_error"] = str(exc)[:300]
                client.close()
                client = _Client(endpoint)
                continue
            row.setdefault("in_memory_ms", local)
            row["heavy"] = row["in_memory_ms"]["median"] >= HEAVY_MS
            row[f"{server}_ms"], row[f"{server}_ratio"] = remote, ratio
    finally:
        client.close()


def _throughputs(figures: dict, server: str, endpoint: str, clients: int, seconds: float,
                 progress: Callable[[str], None]) -> None:
    for label, text in (("light", LIGHT), ("heavy", HEAVY["aggregate: triples per predicate"])):
        progress(f"throughput on {server} with wrk, {label} query, {clients} connections")
        try:
            figures[f"{server}_{label}"] = wrk_windows(endpoint, text, seconds=seconds, connections=clients)
        except RuntimeError as exc:  # at 10M, eight heavy queries at once can outlast wrk's time-out
            figures[f"{server}_{label}"] = {"rps": 0.0, "error": str(exc)[:300]}


def _generate(size: int, path: Path, project: Project) -> dict:
    """Generate about ``size`` quads into a new store at ``path``, and one more source to
    validate against them; return the figures and that source (as N-Triples: it crosses a
    process boundary)."""
    ontology = load_ontology(project.ontology)
    vocabulary = Vocabulary.from_graph(ontology)
    reference = load_authority(project.authority)
    known = set(reference.subjects())
    store = ox.Store(str(path))
    generate_s, load_s, count, quads = 0.0, 0.0, 0, 0
    batch: list[Graph] = []
    with tqdm(total=size, unit="quad", unit_scale=True, disable=None, leave=False) as bar:
        started = time.perf_counter()
        for plan in plans(10 ** 9, seed=1, editions=max(3, size // 2500), plant_every=100):
            candidate = source(plan, vocabulary=vocabulary, known=known)
            known |= set(candidate.reference.subjects())
            reference += candidate.reference
            batch.append(candidate.stated)
            added = len(candidate.stated) + len(candidate.reference)
            quads, count = quads + added, count + 1
            bar.update(added)
            if len(batch) == 200 or quads >= size:
                generate_s += time.perf_counter() - started
                load_s += _load(store, batch)
                batch, started = [], time.perf_counter()
            if quads >= size:
                break
    ontology_graph = Graph(identifier=ONTOLOGY_GRAPH)
    ontology_graph += ontology
    load_s += _load(store, [ontology_graph, reference])
    started = time.perf_counter()
    store.optimize()  # compacts the bulk loads' files, as after any bulk load; else the server would
    load_s += time.perf_counter() - started  # compact them in the background while being measured
    store.flush()
    new = source(next(p for p in plans(10 ** 6, seed=99, editions=max(3, size // 2500), plant_every=2)
                      if p.planted), vocabulary=vocabulary, known=known, prefix="new")
    accepted = [source(p, vocabulary=vocabulary, known=known, prefix="accepted") for p in itertools.islice(
        (p for p in plans(10 ** 6, seed=7, editions=max(3, size // 2500)) if not p.planted), ACCEPTED)]
    return {"generate_s": generate_s, "load_s": load_s, "sources": count,
            "quads": sum(1 for _ in named_quads(store)),  # the default graph is their merge
            "bench_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "new_source": str(new.stated.identifier), "new_stated": new.stated.serialize(format="nt"),
            "new_reference": new.reference.serialize(format="nt"),
            "to_accept": [{"id": c.source_id, "mapping": c.files["mapping.yaml"], "text": c.files["text.txt"]}
                          for c in accepted]}


def _load(store: ox.Store, graphs: list[Graph]) -> float:
    """Bulk-load ``graphs`` into their named graphs and the default graph (their merge); return seconds."""
    quads = with_merge(quads_of(graphs))
    started = time.perf_counter()
    store.bulk_extend(quads)
    return time.perf_counter() - started


class _Client:
    """One kept-alive HTTP/1.1 connection to the endpoint, as a SPARQL client library keeps.

    It sends a GET and reads the status line, the headers and a ``Content-Length`` body, and
    no more. ``http.client`` parses every response's headers with the email package, and on
    the benchmark's two cores that parsing took more CPU than the server took to answer a
    light query, so the figures measured the client.
    """

    def __init__(self, endpoint: str):
        url = urllib.parse.urlsplit(endpoint)
        self.path, self.host, self.address = url.path, url.netloc, (url.hostname, url.port)
        self.requests: dict[str, bytes] = {}
        self._connect()

    def _connect(self) -> None:
        self.connection = socket.create_connection(self.address, timeout=600)
        self.responses = self.connection.makefile("rb")

    def get(self, query: str) -> tuple[bytes, str | None]:
        """The body of the answer to ``query`` and its ``X-Cache`` header."""
        request = self.requests.get(query)
        if request is None:
            encoded = urllib.parse.urlencode({'query': query})
            if len(encoded) < 4000:  # the Protocol's GET; a long query goes in a POST body (servers cap headers at 8 KB)
                request = (f"GET {self.path}?{encoded} HTTP/1.1\r\nHost: {self.host}\r\n"
                           f"Accept: {JSON_RESULTS}\r\n\r\n").encode()
            else:
                body = query.encode()
                request = (f"POST {self.path} HTTP/1.1\r\nHost: {self.host}\r\nAccept: {JSON_RESULTS}\r\n"
                           f"Content-Type: application/sparql-query\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
            self.requests[query] = request
        try:
            self.connection.sendall(request)
            status = self.responses.readline()
        except (ConnectionResetError, BrokenPipeError):
            status = b""
        if not status:  # the server closed the kept-alive connection while idle: as a client does, open another
            self.close()
            self._connect()
            self.connection.sendall(request)
            status = self.responses.readline()
        headers = {}
        while (line := self.responses.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if b"content-length" in headers:
            body = self.responses.read(int(headers[b"content-length"]))
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":  # Oxigraph server streams answers
            body = self._chunks()
        else:
            raise RuntimeError(f"the endpoint answered with neither a Content-Length nor chunks: {status!r}")
        if status.split()[1:2] != [b"200"]:
            raise RuntimeError(f"the endpoint answered {status.decode().strip()}: {body[:200]!r}")
        cache = headers.get(b"x-cache")
        return body, cache.decode() if cache else None

    def _chunks(self) -> bytes:
        chunks = []
        while size := int(self.responses.readline().split(b";")[0], 16):
            chunks.append(self.responses.read(size))
            self.responses.readline()
        while self.responses.readline() not in (b"\r\n", b""):  # trailers
            pass
        return b"".join(chunks)

    def close(self) -> None:
        self.responses.close()
        self.connection.close()


def write_json(figures, path: Path) -> None:
    path.write_text(json.dumps(figures, indent=2), encoding="utf-8")
