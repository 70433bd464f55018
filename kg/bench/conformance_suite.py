"""The W3C SPARQL 1.1 test suites as data: their manifests read into :class:`Case` objects, and
the comparisons the suites prescribe (solutions as multisets with blank nodes matched, graphs by
isomorphism, CSV rows, booleans).

The suite is read from a folder holding ``sparql/sparql11/`` of W3C's ``rdf-tests`` (or that
folder itself); every file is named by its IRI at the suite's published location
(:data:`SUITE_IRI`), never by a local path, so graph names, base IRIs and reports are the same
on every machine.

Vocabulary: https://www.w3.org/2001/sw/DataAccess/tests/README
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from kg.store.embedded import to_rdflib

SUITE_IRI = "https://w3c.github.io/rdf-tests/sparql/sparql11/"
"""Where W3C publishes the suite: the IRIs files are named by (and the base of their contents)."""
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")

KINDS = {
    MF.QueryEvaluationTest: "query", MF.CSVResultFormatTest: "query",
    MF.PositiveSyntaxTest11: "syntax+", MF.NegativeSyntaxTest11: "syntax-",
    MF.PositiveUpdateSyntaxTest11: "update-syntax+", MF.NegativeUpdateSyntaxTest11: "update-syntax-",
    MF.UpdateEvaluationTest: "update", MF.ServiceDescriptionTest: "service-description",
}
RESULTS_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                   ".tsv": ox.QueryResultsFormat.TSV, ".csv": ox.QueryResultsFormat.CSV}
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML,
               ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}


class SuiteError(Exception):
    """The suite is missing or a manifest cannot be read; the message names the file."""


@dataclass
class Case:
    """One test of a manifest: what to run, on which data, and what it must give."""

    iri: str
    folder: str
    kind: str
    name: str
    action: Path | None = None  # the query or update text
    data: list[Path] = field(default_factory=list)  # the default graph's files
    graph_data: list[tuple[str, Path]] = field(default_factory=list)  # (graph name, file)
    result: Path | None = None  # expected results or graph (queries)
    result_data: list[Path] = field(default_factory=list)  # expected default graph (updates)
    result_graph_data: list[tuple[str, Path]] = field(default_factory=list)
    approved: bool = True

    @property
    def short(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    def text(self) -> str:
        return self.action.read_text(encoding="utf-8") if self.action else ""


def find_suite(location: Path) -> Path:
    """The ``sparql11`` folder in ``location`` (the copy of rdf-tests or the folder itself)."""
    for candidate in (location, location / "sparql" / "sparql11", location / "sparql11"):
        if (candidate / "manifest-all.ttl").exists():
            return candidate
    raise SuiteError(f"no W3C SPARQL 1.1 suite in {location}: expected sparql/sparql11/manifest-all.ttl there "
                     "(give the folder as an argument or in KG_W3C_TESTS)")


def iri_of(suite: Path, path: Path) -> str:
    """The published IRI of a file of the suite."""
    return SUITE_IRI + path.relative_to(suite).as_posix()


def path_of(suite: Path, iri) -> Path:
    text = str(iri)
    if not text.startswith(SUITE_IRI):
        raise SuiteError(f"{text} is not a file of the suite")
    return suite / text[len(SUITE_IRI):]


def read_suite(suite: Path, folders: list[str] | None = None) -> list[Case]:
    """Every test of the folders named in ``manifest-all.ttl`` (or of ``folders``), in manifest order."""
    index = _parse(suite, suite / "manifest-all.ttl")
    listed = [path_of(suite, m).parent.name for m in _entries(index, URIRef(iri_of(suite, suite / "manifest-all.ttl")),
                                                                     MF.include)]
    cases = []
    for folder in folders or listed:
        if not (suite / folder / "manifest.ttl").exists():
            raise SuiteError(f"no folder {folder!r} in the suite; folders: {', '.join(listed)}")
        cases.extend(read_manifest(suite, folder))
    return cases


def read_manifest(suite: Path, folder: str) -> list[Case]:
    path = suite / folder / "manifest.ttl"
    graph = _parse(suite, path)
    cases = []
    for entry in _entries(graph, URIRef(iri_of(suite, path)), MF.entries):
        kind = KINDS.get(graph.value(entry, RDF.type))
        if kind is None:
            continue  # protocol and graph store tests describe raw HTTP exchanges; not run here
        case = Case(str(entry), folder, kind, str(graph.value(entry, MF.name) or entry),
                    approved=graph.value(entry, DAWGT.approval) != DAWGT.Withdrawn)
        action, result = graph.value(entry, MF.action), graph.value(entry, MF.result)
        if isinstance(action, URIRef):
            case.action = path_of(suite, action)
        elif action is not None:
            request = graph.value(action, QT.query) or graph.value(action, UT.request)
            case.action = path_of(suite, request) if request is not None else None
            case.data = [path_of(suite, d) for d in graph.objects(action, QT.data)]
            case.data += [path_of(suite, d) for d in graph.objects(action, UT.data)]
            case.graph_data = [(str(g), path_of(suite, g)) for g in graph.objects(action, QT.graphData)]
            case.graph_data += _update_graphs(suite, graph, action)
        if isinstance(result, URIRef):
            case.result = path_of(suite, result)
        elif result is not None:
            case.result_data = [path_of(suite, d) for d in graph.objects(result, UT.data)]
            case.result_graph_data = _update_graphs(suite, graph, result)
        cases.append(case)
    return cases


def _update_graphs(suite: Path, graph: Graph, node) -> list[tuple[str, Path]]:
    return [(str(graph.value(g, RDFS.label)), path_of(suite, graph.value(g, UT.graph)))
            for g in graph.objects(node, UT.graphData)]


def _parse(suite: Path, path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle", publicID=iri_of(suite, path))
    except Exception as exc:  # noqa: BLE001 - any parser error becomes one message naming the file
        raise SuiteError(f"{path.relative_to(suite)}: cannot read the manifest: {exc}") from None


def _entries(graph: Graph, manifest: URIRef, predicate) -> list:
    head = graph.value(manifest, predicate)
    return list(Collection(graph, head)) if head is not None else []


# ---------------------------------------------------------------- data and expected results


def read_rdf(suite: Path, path: Path) -> list[ox.Triple]:
    """The triples of a data file, relative IRIs resolved against its published IRI."""
    fmt = RDF_FORMATS.get(path.suffix)
    if fmt is None:
        raise SuiteError(f"{path.relative_to(suite)}: unknown RDF format")
    return [q.triple for q in ox.parse(path=str(path), format=fmt, base_iri=iri_of(suite, path))]


def dataset_quads(suite: Path, case: Case) -> list[ox.Quad]:
    """The test's dataset: its data in the default graph, each graph data file in a named graph."""
    quads = [ox.Quad(t.subject, t.predicate, t.object) for p in case.data for t in read_rdf(suite, p)]
    for name, path in case.graph_data:
        quads += [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(name)) for t in read_rdf(suite, path)]
    return quads


def expected(suite: Path, case: Case):
    """The expected outcome: ``("boolean", b)``, ``("solutions", rows)``, ``("graph", triples)`` or ``("csv", rows)``."""
    path = case.result
    if path.suffix == ".csv":
        return "csv", csv_rows(path.read_bytes())
    if path.suffix in RESULTS_FORMATS:
        return results_outcome(ox.parse_query_results(path=str(path), format=RESULTS_FORMATS[path.suffix]))
    triples = read_rdf(suite, path)
    return result_set(triples) or ("graph", triples)


_RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"


def result_set(triples: list[ox.Triple]):
    """Solutions or a boolean written in RDF (the DAWG ``rs:`` vocabulary), or None for a plain graph."""
    by_subject: dict = {}
    for t in triples:
        by_subject.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    sets = [s for s, props in by_subject.items() if ox.NamedNode(_RS + "ResultSet") in props.get(str(RDF.type), [])]
    if not sets:
        return None
    props = by_subject[sets[0]]
    if _RS + "boolean" in props:
        return "boolean", props[_RS + "boolean"][0].value == "true"
    rows = []
    for solution in props.get(_RS + "solution", []):
        row = {}
        for binding in by_subject.get(solution, {}).get(_RS + "binding", []):
            values = by_subject[binding]
            row[values[_RS + "variable"][0].value] = values[_RS + "value"][0]
        rows.append(row)
    return "solutions", rows


def results_outcome(results) -> tuple:
    if isinstance(results, ox.QueryBoolean):
        return "boolean", bool(results)
    if isinstance(results, ox.QuerySolutions):
        names = [v.value for v in results.variables]
        return "solutions", [{n: s[n] for n in names if s[n] is not None} for s in results]
    return "graph", list(results)


def csv_rows(body: bytes) -> list[tuple[str, ...]]:
    """CSV results as rows of strings (the header first)."""
    return [tuple(row) for row in csv.reader(io.StringIO(body.decode("utf-8")))]


# ---------------------------------------------------------------- comparisons


def same(expected_outcome: tuple, actual: tuple) -> str | None:
    """None if ``actual`` matches ``expected_outcome``, else what differs (one line)."""
    kind, want = expected_outcome
    got_kind, got = actual
    if kind != got_kind:
        return f"expected {kind}, got {got_kind}"
    if kind == "boolean":
        return None if want == got else f"expected {want}, got {got}"
    if kind == "graph":
        return None if isomorphic(_graph(want), _graph(got)) else \
            f"graphs differ: expected {len(set(want))} triples, got {len(set(got))}"
    if kind == "csv":
        return None if _csv_key(want) == _csv_key(got) else f"CSV rows differ: expected {len(want)}, got {len(got)}"
    if len(want) != len(got):
        return f"expected {len(want)} solutions, got {len(got)}"
    return None if _match_solutions(want, got) else "solutions differ"


def _graph(triples) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def _csv_key(rows: list[tuple[str, ...]]) -> tuple:
    # Columns by name (SELECT * fixes no order of the variables), rows as a multiset, blank node
    # labels (the server's own) renamed in order of appearance.
    if not rows:
        return (), Counter()
    header, order = rows[0], sorted(range(len(rows[0])), key=lambda i: rows[0][i])
    names: dict[str, str] = {}
    renamed = [tuple(names.setdefault(row[i], f"_:b{len(names)}") if row[i].startswith("_:") else row[i]
                     for i in order if i < len(row)) for row in rows[1:]]
    return tuple(header[i] for i in order), Counter(renamed)


def _match_solutions(want: list[dict], got: list[dict]) -> bool:
    """Whether the two multisets of solutions are equal up to a renaming of blank nodes."""
    if not any(isinstance(t, ox.BlankNode) for row in want + got for t in row.values()):
        return Counter(_key(r) for r in want) == Counter(_key(r) for r in got)
    return _backtrack(want, list(got), {}, {})


def _key(row: dict) -> frozenset:
    return frozenset(row.items())


def _backtrack(want: list[dict], pool: list[dict], mapping: dict, used: dict) -> bool:
    if not want:
        return True
    first, rest = want[0], want[1:]
    for i, candidate in enumerate(pool):
        extended = _unify(first, candidate, mapping, used)
        if extended is not None and _backtrack(rest, pool[:i] + pool[i + 1:], *extended):
            return True
    return False


def _unify(row: dict, other: dict, mapping: dict, used: dict):
    if row.keys() != other.keys():
        return None
    mapping, used = dict(mapping), dict(used)
    for name, term in row.items():
        theirs = other[name]
        if isinstance(term, ox.BlankNode) and isinstance(theirs, ox.BlankNode):
            if mapping.setdefault(term, theirs) != theirs or used.setdefault(theirs, term) != term:
                return None
        elif term != theirs:
            return None
    return mapping, used


_SERVICE_OR_LOAD = re.compile(r"\b(SERVICE|LOAD)(\s+SILENT)?\s+(<[^<>\s]*>|[\w.-]*:[\w.-]*)", re.IGNORECASE)


def without_remote_iris(text: str) -> str:
    """``text`` with the IRI after each SERVICE and LOAD replaced by one Oxigraph refuses to fetch
    (port 1) before sending anything: the in-process reference then parses and runs the request,
    and sends nothing anywhere.

    >>> without_remote_iris("LOAD <http://example.org/faraway> INTO GRAPH <g>")
    'LOAD <http://127.0.0.1:1/not-fetched> INTO GRAPH <g>'
    """
    return _SERVICE_OR_LOAD.sub(lambda m: f"{m[1]}{m[2] or ''} <http://127.0.0.1:1/not-fetched>", text)
