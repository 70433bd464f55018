"""Run the W3C SPARQL 1.1 test suites through ``kg serve`` over HTTP, and in-process on pyoxigraph.

``python -m kg.bench.conformance [SUITE] [--folder NAME]... [--json FILE]`` (or ``kg
conformance``; ``make conformance``) starts ``kg serve`` with a write token on an empty store
of its own, and for each test loads the test's data through ``/update``, sends the query (GET
``/sparql``, in the results format the expected file is written in) or the update (POST
``/update``), and compares the answer with the expected one (:mod:`kg.bench.conformance_suite`).
The same test runs in the same process on a fresh pyoxigraph store, the reference.

A test that passes in-process and fails over HTTP is the project's doing. Each is run once
more in-process *as the project lays the dataset out* (the data files as named graphs, the
default graph their merge, the project's predeclared prefixes, the default graph recomputed
after an update): if that fails too, the difference is the documented data model (README,
"Default graph") and is listed with that reason; a 403 is the security posture (SERVICE and
LOAD refused); anything else is a defect, and the run exits with 1.

The suite is ``SUITE``, else ``$KG_W3C_TESTS``, else ``../shared/w3c-rdf-tests`` beside the checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Namespace, URIRef

from kg.bench.conformance_suite import (
    RESULTS_FORMATS, Case, SuiteError, csv_rows, dataset_quads, expected, find_suite, iri_of, read_rdf,
    read_suite, results_outcome, same, without_remote_iris,
)
from kg.bench.server_process import ServerProcess
from kg.namespaces import BASE
from kg.store.embedded import refresh_default_graph
from kg.store.executor import prefixes_used

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SUITE = ROOT.parent / "shared" / "w3c-rdf-tests"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SKIPPED_FOLDERS = {
    "service": "SERVICE to other endpoints: refused by this endpoint (nothing is fetched), and the reference would "
               "have to reach the endpoints the tests name",
    "entailment": "entailment regimes (RDFS, OWL, D): offered neither by Oxigraph nor by the project",
    "protocol": "raw HTTP exchanges with an endpoint that takes queries and updates at one URL and loads the "
                "datasets its default-graph-uri names from kasei.us: this service fetches nothing and takes updates "
                "at /update; the Protocol's rules are tested in tests/web",
    "graph-store-protocol": "the write side of the Graph Store Protocol (PUT, POST, DELETE of graphs): this "
                            "service offers the read side only",
}
MIMES = {".srx": "application/sparql-results+xml", ".srj": "application/sparql-results+json",
         ".tsv": "text/tab-separated-values", ".csv": "text/csv"}
RESULT_TYPES = {MIMES[suffix]: RESULTS_FORMATS[suffix] for suffix in MIMES}
LAYOUT = ("the project's data model: the default graph is the merge of the named graphs (a test's default-graph "
          "data is loaded as a named graph, and a write to the default graph alone does not stay), and its prefixes "
          "are predeclared")
NOT_IN_PROCESS = "a test of an endpoint: not run in-process"
POSTURE = "refused by the security posture: SERVICE and LOAD are not allowed, nothing is fetched"


@dataclass
class Result:
    case: Case
    http: str | None = None  # None: passed; else why not
    local: str | None = None
    reason: str | None = None  # why a test passing in-process fails over HTTP; None with a difference: a defect

    @property
    def difference(self) -> bool:
        return self.local is None and self.http is not None


# ---------------------------------------------------------------- in-process (the reference)


def in_process(suite: Path, case: Case, *, as_project: bool = False) -> str | None:
    """Run ``case`` on a fresh pyoxigraph store; None if it passes, else why not.

    :param as_project: lay the dataset out as ``kg serve`` holds it (see the module's docstring).
    """
    store = ox.Store()
    quads = project_quads(suite, case) if as_project else dataset_quads(suite, case)
    store.extend(quads)
    if as_project:
        refresh_default_graph(store)
    text = without_remote_iris(case.text())
    prefixes = prefixes_used(text) if as_project else None
    base = iri_of(suite, case.action) if case.action else None
    try:
        if case.kind in ("syntax+", "syntax-"):
            return _syntax(case, lambda: store.query(text, base_iri=BASE if as_project else base, prefixes=prefixes))
        if case.kind in ("update-syntax+", "update-syntax-"):
            return _syntax(case, lambda: store.update(text, base_iri=BASE if as_project else base, prefixes=prefixes))
        if case.kind == "update":
            store.update(text, base_iri=base, prefixes=prefixes)
            if as_project:
                refresh_default_graph(store)
            return compare_state(suite, case, _default(store), lambda name: _named(store, name),
                                 {g.value for g in store.named_graphs()})
        result = store.query(text, base_iri=base, prefixes=prefixes)
    except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    want = expected(suite, case)
    if isinstance(result, ox.QueryTriples):
        return same(want, ("graph", list(result)))
    suffix = case.result.suffix
    if suffix not in RESULTS_FORMATS:  # solutions written in RDF (rs:ResultSet)
        return same(want, results_outcome(result))
    body = result.serialize(format=RESULTS_FORMATS[suffix])
    actual = ("csv", csv_rows(body)) if suffix == ".csv" else results_outcome(
        ox.parse_query_results(body, format=RESULTS_FORMATS[suffix]))
    return same(want, actual)


def _syntax(case: Case, run) -> str | None:
    try:
        run()
    except SyntaxError as exc:
        return None if case.kind.endswith("-") else f"refused: {str(exc).splitlines()[0][:160]}"
    except (OSError, ValueError, RuntimeError):
        pass  # parsed; it failed while running, which a syntax test does not ask about
    return "accepted a request that is not SPARQL 1.1" if case.kind.endswith("-") else None


def project_quads(suite: Path, case: Case) -> list[ox.Quad]:
    """The test's dataset as the HTTP run loads it: every data file in a named graph of its IRI."""
    quads = []
    for path in dict.fromkeys(case.data):
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri_of(suite, path)))
                  for t in read_rdf(suite, path)]
    for name, path in case.graph_data:
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name)) for t in read_rdf(suite, path)]
    return quads


def _default(store: ox.Store) -> list[ox.Triple]:
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]


def _named(store: ox.Store, name: str) -> list[ox.Triple]:
    return [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name))]


def compare_state(suite: Path, case: Case, default: list, named, names: set[str]) -> str | None:
    """Compare a store's state after an update with the expected one."""
    problem = same(("graph", [t for p in case.result_data for t in read_rdf(suite, p)]), ("graph", default))
    if problem:
        return f"default graph: {problem}"
    wanted = {name: [t for n, p in case.result_graph_data if n == name for t in read_rdf(suite, p)]
              for name, _ in case.result_graph_data}
    for name, triples in wanted.items():
        problem = same(("graph", triples), ("graph", named(name)))
        if problem:
            return f"graph <{name}>: {problem}"
    extra = {n for n in names - set(wanted) if named(n)}
    return f"graphs that should not be there: {', '.join(sorted(extra))}" if extra else None


# ---------------------------------------------------------------- over HTTP, through kg serve


class Endpoint:
    """``kg serve`` at ``url``, written to with ``token``; it holds one test's dataset at a time."""

    def __init__(self, url: str, token: str):
        self.url, self.token, self.loaded = url, token, None
        self.graphs: set[str] = set()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own loopback server
                return response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Content-Type", ""), error.read()

    def update(self, text: str):
        return self.request("POST", "/update", text.encode(), {"Content-Type": "application/sparql-update",
                                                                "Authorization": f"Bearer {self.token}"})

    def load(self, quads: list[ox.Quad], key) -> None:
        """Replace the store's content by ``quads`` (all in named graphs), unless it holds ``key`` already."""
        if key is not None and key == self.loaded:
            return
        graphs: dict[str, list[str]] = defaultdict(list)
        for q in quads:
            graphs[q.graph_name.value].append(f"{q.subject} {q.predicate} {q.object} .")
        blocks = " ".join(f"GRAPH <{g}> {{ {' '.join(lines)} }}" for g, lines in graphs.items())
        # The graphs the last test loaded, dropped by name: DROP ALL is refused (it would take the
        # reference data with it), and the update tests' own graphs are dropped the same way.
        drops = [f"DROP SILENT GRAPH <{g}>" for g in sorted(self.graphs | self._present())]
        steps = drops + ([f"INSERT DATA {{ {blocks} }}"] if blocks else [])
        status, _, body = self.update(" ; ".join(steps) if steps else "CLEAR SILENT DEFAULT")
        if status != 204:
            raise RuntimeError(f"kg serve refused the test data ({status}): {body[:300]!r}")
        self.graphs = set(graphs)
        self.loaded = key

    def _present(self) -> set[str]:
        """The named graphs the server holds now (an update test may have made some)."""
        status, _, body = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", "application/sparql-results+json")
        if status != 200:
            return set()
        return {row["g"]["value"] for row in json.loads(body)["results"]["bindings"]}

    def query(self, text: str, accept: str):
        encoded = urllib.parse.urlencode({"query": text})
        if len(encoded) < 4000:  # the Protocol's GET, answered by the fast front
            return self.request("GET", "/sparql?" + encoded, headers={"Accept": accept})
        return self.request("POST", "/sparql", encoded.encode(), {"Accept": accept,
                                                                  "Content-Type": "application/x-www-form-urlencoded"})

    def triples(self, graph: str | None) -> list[ox.Triple]:
        query = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
        status, _, body = self.request("GET", "/rdf-graphs?" + query, headers={"Accept": "application/n-triples"})
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)) if status == 200 else []

    def graph_names(self) -> set[str]:
        status, _, body = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", MIMES[".srj"])
        return {row["g"]["value"] for row in json.loads(body)["results"]["bindings"]}


def over_http(suite: Path, case: Case, endpoint: Endpoint) -> str | None:
    """Run ``case`` through ``kg serve``; None if it passes, else why not."""
    text = case.text()
    if case.kind in ("syntax+", "syntax-", "update-syntax+", "update-syntax-"):
        endpoint.load([], "empty")
        if case.kind.startswith("update"):
            endpoint.loaded = None  # the update ran: the store is no longer what it was
            status, _, body = endpoint.update(text)
        else:
            status, _, body = endpoint.query(text, MIMES[".srj"] + ", application/n-triples;q=0.9")
        # As in-process: a syntax error is refused (400, "syntax error"); a request that parsed and
        # could not be carried out (DROP of a graph that is not there, an unknown function) was accepted.
        refused = status == 400 and "syntax error" in _message(body)
        accepted = status in (200, 204) or (status == 400 and not refused)
        if case.kind.endswith("+"):
            return None if accepted else f"{status}: {_message(body)}"
        return None if refused else f"{status} (not a syntax error): {_message(body)}"
    if case.kind == "service-description":
        return service_description(case, endpoint)
    based = f"BASE <{iri_of(suite, case.action)}>\n{text}"  # the test's base, as a client would declare it
    endpoint.load(project_quads(suite, case), (tuple(case.data), tuple(case.graph_data)) if case.kind == "query" else None)
    if case.kind == "update":
        endpoint.loaded = None
        status, _, body = endpoint.update(based)
        if status != 204:
            return f"{status}: {_message(body)}"
        return compare_state(suite, case, endpoint.triples(None), endpoint.triples, endpoint.graph_names())
    suffix = case.result.suffix
    accept = f"{MIMES[suffix]}, application/n-triples;q=0.9" if suffix in MIMES else \
        "application/n-triples, application/sparql-results+json;q=0.9"
    status, content_type, body = endpoint.query(based, accept)
    if status != 200:
        return f"{status}: {_message(body)}"
    mime = content_type.split(";")[0].strip()
    if mime == "text/csv":
        actual = ("csv", csv_rows(body))
    elif mime in RESULT_TYPES:
        actual = results_outcome(ox.parse_query_results(body, format=RESULT_TYPES[mime]))
    else:
        actual = ("graph", list(ox.parse(body, format=ox.RdfFormat.from_media_type(mime))))
    return same(expected(suite, case), actual)


def service_description(case: Case, endpoint: Endpoint) -> str | None:
    """The three service-description tests, as their names state them."""
    status, content_type, body = endpoint.request("GET", "/sparql", headers={"Accept": "text/turtle"})
    if status != 200 or not content_type.startswith("text/turtle"):
        return f"GET /sparql answered {status} {content_type}"
    graph = Graph().parse(data=body.decode(), format="turtle")
    services = list(graph.subjects(URIRef(str(SD.endpoint)), None))
    if case.short == "has-endpoint-triple":
        return None if (None, SD.endpoint, URIRef(endpoint.url + "/sparql")) in graph else "no sd:endpoint of the URL asked"
    if case.short == "conforms-to-schema":
        languages = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
        for service in services:
            if not set(graph.objects(service, SD.supportedLanguage)) & languages:
                return f"{service} has no sd:supportedLanguage"
            for prop in (SD.resultFormat, SD.feature, SD.inputFormat):
                if any(not isinstance(o, URIRef) for o in graph.objects(service, prop)):
                    return f"{service} has a {prop} that is not an IRI"
        return None if services else "no sd:Service with an sd:endpoint"
    return None if len(graph) else "an empty graph"


def _message(body: bytes) -> str:
    try:
        return json.loads(body)["error"].splitlines()[0][:160]
    except (ValueError, KeyError, TypeError):
        return body[:160].decode(errors="replace")


# ---------------------------------------------------------------- the run and its table


def run(suite: Path, folders: list[str] | None = None, *, progress=None) -> list[Result]:
    """Run every test of ``folders`` (all the suite's by default) both ways."""
    cases = [c for c in read_suite(suite, folders) if c.approved and c.folder not in SKIPPED_FOLDERS]
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="kg-conformance-") as scratch:
        ox.Store(str(Path(scratch) / "store")).flush()  # an empty store of its own, closed: the server opens it
        with ServerProcess(Path(scratch) / "store", ["--rate-limit", "0", "--token", token, "--timeout", "20"],
                           log=Path(scratch) / "serve.log") as server:
            results = _run_cases(suite, cases, Endpoint(server.url, token), progress)
    return results


def _run_cases(suite: Path, cases: list[Case], endpoint: Endpoint, progress) -> list[Result]:
    results = []
    for case in cases:
        result = Result(case, http=over_http(suite, case, endpoint),
                        local=NOT_IN_PROCESS if case.kind == "service-description" else in_process(suite, case))
        if result.difference:
            # the same failure in-process, with the dataset laid out as the project holds it: the data model
            result.reason = POSTURE if result.http.startswith("403") else \
                LAYOUT if in_process(suite, case, as_project=True) == result.http else None
        results.append(result)
        if progress:
            progress(result)
    return results


def table(results: list[Result], skipped: dict[str, str]) -> str:
    """The table per folder, then every difference with its reason."""
    by_folder: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_folder[r.case.folder].append(r)
    lines = ["| folder | tests | passed over HTTP | passed in-process | failing both ways | known: data model "
             "| known: security | defects |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    totals = [0] * 7
    for folder, rows in by_folder.items():
        counts = [len(rows), sum(r.http is None for r in rows), sum(r.local is None for r in rows),
                  sum(r.local not in (None, NOT_IN_PROCESS) and r.http is not None for r in rows),
                  sum(r.difference and r.reason == LAYOUT for r in rows),
                  sum(r.difference and r.reason == POSTURE for r in rows),
                  sum(r.difference and r.reason is None for r in rows)]
        totals = [a + b for a, b in zip(totals, counts)]
        cells = [str(n) for n in counts]
        if all(r.local == NOT_IN_PROCESS for r in rows):
            cells[2] = "-"
        lines.append(f"| {folder} | " + " | ".join(cells) + " |")
    lines.append("| **all** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    lines.append(f"\n*data model*: {LAYOUT}.\n*security*: {POSTURE}.")
    for folder, why in skipped.items():
        lines.append(f"Not run: `{folder}`: {why}.")
    differences = [r for r in results if r.difference]
    if differences:
        lines.append("\nPassing in-process, failing over HTTP:\n")
        labels = {LAYOUT: "data model", POSTURE: "security", None: "DEFECT"}
        for r in differences:
            lines.append(f"* `{r.case.folder}/{r.case.short}` ({r.case.kind}, {labels[r.reason]}): {r.http}")
    failing = [r for r in results if r.local not in (None, NOT_IN_PROCESS) and r.http is not None]
    if failing:
        lines.append("\nFailing in-process (pyoxigraph) and over HTTP:\n")
        for r in failing:
            lines.append(f"* `{r.case.folder}/{r.case.short}` ({r.case.kind}): {r.local}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kg conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("suite", nargs="?", type=Path,
                        default=Path(os.environ["KG_W3C_TESTS"]) if os.environ.get("KG_W3C_TESTS") else DEFAULT_SUITE)
    parser.add_argument("--folder", action="append", help="run only this folder (repeatable)")
    parser.add_argument("--json", type=Path, help="also write every result to this file")
    args = parser.parse_args(argv)
    try:
        suite = find_suite(args.suite)
        started = time.perf_counter()
        results = run(suite, args.folder, progress=lambda r: print(
            f"{'ok  ' if r.http is None else 'FAIL'} {r.case.folder}/{r.case.short}", file=sys.stderr))
    except SuiteError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    skipped = {f: why for f, why in SKIPPED_FOLDERS.items() if not args.folder or f in args.folder}
    print(table(results, skipped))
    print(f"\n{len(results)} tests in {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps([{"test": r.case.iri, "folder": r.case.folder, "kind": r.case.kind,
                                          "http": r.http, "in_process": r.local, "reason": r.reason}
                                         for r in results], indent=1))
    return 1 if any(r.difference and r.reason is None for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
