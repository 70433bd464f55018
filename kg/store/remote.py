"""A remote SPARQL 1.1 server used as the store: Oxigraph server, Apache Jena Fuseki, GraphDB.

:class:`RemoteStore` speaks only the standards (the SPARQL 1.1 Protocol for queries and
updates, the Graph Store Protocol for bulk loads) and offers the part of
``pyoxigraph.Store``'s interface the project uses, with the same result types: solutions are
parsed by pyoxigraph itself (:func:`pyoxigraph.parse_query_results`), so every caller (the
endpoint, validation, intake, exports) runs unchanged over either store.

What the embedded store does that a remote one cannot:

* Substitutions (a named query's parameters) are sent as a ``VALUES`` block at the start of
  the query's outermost group, the standard way to bind a variable before evaluation.
* Blank nodes: the SPARQL protocols give no handle on a server's blank nodes, so a pattern
  cannot name one (:class:`RemoteStoreError`); the graph itself uses IRIs only.
* Transactions: each request is one transaction on the servers named above, so a write that
  must be all-or-nothing (adding a source, replacing the graph) is sent as one update request.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

import pyoxigraph as ox
import urllib3

from kg.errors import KGError

RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
RESULTS_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
UPDATE_BATCH = 50_000
"""Quads sent at a time by a bulk load (which, as in Oxigraph, is not atomic)."""


class RemoteStoreError(KGError):
    """The remote store refused a request or could not be reached."""

    status = 502


def is_url(location) -> bool:
    """True when a store location names a SPARQL server rather than a directory."""
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def sibling(url: str, name: str) -> str:
    """Replace the last path segment of ``url`` (Oxigraph's ``/query`` beside ``/update``, ``/store``)."""
    return url.rsplit("/", 1)[0] + "/" + name


class RemoteTriples:
    """The triples of a remote ``CONSTRUCT`` or ``DESCRIBE``, like ``pyoxigraph.QueryTriples``."""

    def __init__(self, triples: list[ox.Triple]):
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(self, output=None, format: ox.RdfFormat | None = None):  # noqa: A002 - pyoxigraph's name
        return ox.serialize(self._triples, output, format=format)


class RemoteStore:
    """A SPARQL 1.1 server with the subset of ``pyoxigraph.Store``'s methods this project calls.

    :param query_url: the SPARQL Query endpoint (the store's ``--store`` URL).
    :param update_url: the SPARQL Update endpoint; default: the query URL's sibling ``update``.
    :param data_url: the Graph Store Protocol endpoint; default: the query URL's sibling ``store``.
        The defaults fit Oxigraph server; the README gives the URLs of Fuseki and GraphDB, and says
        why Virtuoso cannot hold this graph (it has no default graph of its own).
    :param timeout: seconds a request may take before it is given up.
    """

    def __init__(self, query_url: str, update_url: str | None = None, data_url: str | None = None, *,
                 timeout: float = 60.0, read_only: bool = False):
        self.query_url = query_url
        self.update_url = update_url or sibling(query_url, "update")
        self.data_url = data_url or sibling(query_url, "store")
        self.timeout = timeout
        self.read_only = read_only
        # A pool that threads share safely: the endpoint's request threads all use one store.
        self._http = urllib3.PoolManager(maxsize=16, retries=False)

    @classmethod
    def from_url(cls, url: str, *, read_only: bool = False) -> RemoteStore:
        """The store at ``url``; ``KG_STORE_UPDATE`` and ``KG_STORE_DATA`` name the other endpoints."""
        return cls(url, os.environ.get("KG_STORE_UPDATE") or None, os.environ.get("KG_STORE_DATA") or None,
                   read_only=read_only)

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # Reading

    def query(self, query: str, *, prefixes: dict[str, str] | None = None, substitutions: dict | None = None,
              default_graph=None, named_graphs=None, use_default_graph_as_union: bool = False,
              base_iri: str | None = None):
        """Run a query on the server; return pyoxigraph's result types (or :class:`RemoteTriples`).

        ``base_iri`` is sent as a ``BASE`` declaration opening the query, so relative IRIs are
        resolved against it and not against whatever base the server defines.

        :raises SyntaxError: the server rejected the query (HTTP 400), with its message.
        """
        if use_default_graph_as_union:
            raise RemoteStoreError("a remote store cannot be asked for the union default graph per query; "
                                   "this project keeps the merge in the default graph instead")
        text = bind(query, substitutions) if substitutions else query
        head = prologue(prefixes, base_iri)
        fields = [("query", head + text)]
        fields += [("default-graph-uri", _iri(g)) for g in _graphs(default_graph)]
        fields += [("named-graph-uri", _iri(g)) for g in named_graphs or ()]
        response = self._request("POST", self.query_url, urlencode(fields).encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded", "Accept": RESULTS_ACCEPT},
                                 syntax_errors=head.count("\n"))
        mime = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if mime in RESULTS_TYPES:
            return ox.parse_query_results(response.data, format=RESULTS_TYPES[mime])
        if mime in GRAPH_TYPES:
            return RemoteTriples([q.triple for q in ox.parse(response.data, format=GRAPH_TYPES[mime])])
        raise RemoteStoreError(f"{self.query_url} answered a query with {mime or 'no media type'}, "
                               "which is neither a SPARQL results format nor an RDF format")

    def quads_for_pattern(self, subject=None, predicate=None, object=None,  # noqa: A002 - pyoxigraph's name
                          graph_name=None) -> Iterator[ox.Quad]:
        """The quads matching a pattern; ``None`` matches anything, ``DefaultGraph()`` the default graph."""
        if subject is None and predicate is None and object is None and graph_name is not None:
            # A whole graph: the Graph Store Protocol streams it without evaluating a query.
            return (ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in self.get_graph(graph_name))
        return self._matching(subject, predicate, object, graph_name)

    def _matching(self, subject, predicate, object, graph_name) -> Iterator[ox.Quad]:  # noqa: A002
        terms = {"s": subject, "p": predicate, "o": object}
        if isinstance(graph_name, ox.DefaultGraph):
            where = "{ ?s ?p ?o }"
        elif graph_name is None:
            where = "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        else:
            terms["g"] = graph_name
            where = "{ GRAPH ?g { ?s ?p ?o } }"
        bound = {ox.Variable(name): term for name, term in terms.items() if term is not None}
        for row in self.query(f"SELECT ?s ?p ?o ?g WHERE {where}", substitutions=bound):
            graph = row["g"] if row["g"] is not None else ox.DefaultGraph()
            yield ox.Quad(row["s"], row["p"], row["o"], graph)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern()

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(next(iter(rows))["n"].value)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """Every named graph that holds a triple."""
        for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            if isinstance(row["g"], ox.NamedNode):
                yield row["g"]

    def contains_named_graph(self, graph_name) -> bool:
        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }", substitutions={ox.Variable("g"): graph_name}))

    # Writing

    def update(self, update: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None) -> None:
        """Run a SPARQL Update request (one transaction on the server); ``base_iri`` as in :meth:`query`.

        :raises SyntaxError: the server rejected the update (HTTP 400), with its message.
        """
        self._refuse_if_read_only()
        head = prologue(prefixes, base_iri)
        self._request("POST", self.update_url, (head + update).encode(),
                      {"Content-Type": "application/sparql-update"}, syntax_errors=head.count("\n"))

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add ``quads`` in one ``INSERT DATA`` request: all of them or none."""
        data = insert_data(quads)
        if data:
            self._apply(data)

    def remove_graph(self, graph_name: ox.NamedNode) -> None:
        self._apply(f"DROP SILENT GRAPH {graph_name}")

    def _apply(self, update: str) -> None:
        """Send an update written here, not by a user: a 400 then means the server cannot take
        it (Virtuoso, for one, wants a graph for every triple and runs out of parser memory on
        a large request), which is no syntax error of the caller's."""
        try:
            self.update(update)
        except SyntaxError as exc:
            said = (exc.msg or "").strip().splitlines()
            raise RemoteStoreError(f"{self.update_url} refused an update of {update.count(chr(10)) + 1:,} lines "
                                   f"that kg wrote: {said[0][:300] if said else 'no reason given'}") from None

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add many quads, graph by graph through the Graph Store Protocol, a batch at a time;
        like ``Store.bulk_extend``, not atomic."""
        batch: dict = defaultdict(list)
        for count, quad in enumerate(quads, 1):
            batch[quad.graph_name].append(quad.triple)
            if count % UPDATE_BATCH == 0:
                self._post_batch(batch)
        self._post_batch(batch)

    def _post_batch(self, batch: dict) -> None:
        for name, triples in batch.items():
            self.post_graph(name, triples)
        batch.clear()

    def load(self, input=None, format: ox.RdfFormat | None = None, *,  # noqa: A002 - pyoxigraph's names
             path=None, to_graph=None, base_iri: str | None = None) -> None:
        """Parse a file here, then send it in one request: a syntax error loads nothing."""
        quads = ox.parse(input, format, path=path, base_iri=base_iri)
        if to_graph is not None:
            quads = (ox.Quad(q.subject, q.predicate, q.object, to_graph) for q in quads)
        self.extend(list(quads))

    def _graph_url(self, name) -> str:
        return f"{self.data_url}?" + ("default" if isinstance(name, ox.DefaultGraph) else urlencode({"graph": name.value}))

    def post_graph(self, name: ox.NamedNode | ox.DefaultGraph, triples: Iterable[ox.Triple]) -> None:
        """Add triples to one graph through the Graph Store Protocol (``POST``)."""
        self._refuse_if_read_only()
        self._request("POST", self._graph_url(name), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                      {"Content-Type": "application/n-triples"})

    def get_graph(self, name: ox.NamedNode | ox.DefaultGraph) -> list[ox.Triple]:
        """Read one graph through the Graph Store Protocol (``GET``); a missing graph is empty."""
        response = self._request("GET", self._graph_url(name), None, {"Accept": "application/n-triples"},
                                 missing_ok=True)
        if response.status == 404:
            return []
        return [q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)]

    def replace_all(self, quads: list[ox.Quad]) -> None:
        """Replace everything the server holds with ``quads`` in one update request (one transaction)."""
        self._apply("DROP SILENT ALL ;\n" + (insert_data(quads) or "CLEAR SILENT DEFAULT"))

    def flush(self) -> None:
        """Nothing to do: the server makes each request durable itself."""

    def backup(self, target_directory) -> None:
        raise OSError("a remote store has no local checkpoint; back it up with its server's own tools")

    # HTTP

    def _request(self, method: str, url: str, body: bytes | None, headers: dict, *,
                 syntax_errors: int | None = None, missing_ok: bool = False):
        """Send one request; a 400 becomes a :class:`SyntaxError` when ``syntax_errors`` is the
        number of lines of prologue we added (its positions are moved back to the caller's text)."""
        try:
            response = self._http.request(method, url, body=body, headers=headers, timeout=self.timeout,
                                          preload_content=True, redirect=False)
        except urllib3.exceptions.NewConnectionError as exc:  # before TimeoutError: it is one of those too
            raise RemoteStoreError(f"cannot reach the store at {url}: {exc.__cause__ or exc}") from None
        except urllib3.exceptions.TimeoutError:
            raise RemoteStoreError(f"{url} gave no answer within {self.timeout:g} s") from None
        except urllib3.exceptions.HTTPError as exc:
            raise RemoteStoreError(f"cannot reach the store at {url}: {exc}") from None
        if response.status < 300 or (missing_ok and response.status == 404):
            return response
        message = response.data.decode("utf-8", "replace").strip()[:2000]
        if syntax_errors is not None and response.status == 400:
            raise SyntaxError(_shift_lines(message, syntax_errors) or f"{url} rejected the request")
        raise RemoteStoreError(f"{url} answered {response.status}: {message}")

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise RemoteStoreError(f"the store at {self.query_url} was opened read-only")


def _shift_lines(message: str, lines: int) -> str:
    """Move line numbers in a server's error message back by the ``lines`` of prologue we added.

    >>> _shift_lines("error at 29:16: expected '}'", 27)
    "error at 2:16: expected '}'"
    >>> _shift_lines("Encountered ... at line 30, column 3.", 27)
    'Encountered ... at line 3, column 3.'
    """
    def shift(match: re.Match) -> str:
        number = int(match[2]) - lines
        return f"{match[1]}{number}" if number > 0 else match[0]

    return re.sub(r"(error at |\bline )(\d+)", shift, message)


def prologue(prefixes: dict[str, str] | None, base_iri: str | None = None) -> str:
    """``BASE`` and ``PREFIX`` declarations; the query's own, written after them, take precedence.

    >>> prologue({"ex": "http://example.org/"}, "http://example.org/base/").splitlines()
    ['BASE <http://example.org/base/>', 'PREFIX ex: <http://example.org/>']
    """
    base = f"BASE <{base_iri}>\n" if base_iri else ""
    return base + "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in (prefixes or {}).items())


def insert_data(quads: Iterable[ox.Quad]) -> str:
    """An ``INSERT DATA`` operation adding ``quads`` (empty text when there are none)."""
    quads = list(quads)
    return "INSERT DATA " + _data_block(quads) if quads else ""


def _data_block(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            # Blank nodes in INSERT DATA are new nodes on every request: say so instead of forking them.
            raise RemoteStoreError(f"a remote store cannot keep blank node identity across requests: {quad}")
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        by_graph.setdefault(graph, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
    parts = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        parts.append(f"GRAPH {graph} {{\n{body}\n}}" if graph else body)
    return "{\n" + "\n".join(parts) + "\n}"


def _graphs(default_graph) -> list:
    if default_graph is None:
        return []
    return list(default_graph) if isinstance(default_graph, (list, tuple, set)) else [default_graph]


def _iri(node) -> str:
    if not isinstance(node, ox.NamedNode):
        raise RemoteStoreError(f"a remote store's dataset can only be named by IRIs, not {node}")
    return node.value


_SKIPPED = re.compile(r"""
    (?P<skip> \#[^\n]*                                   # a comment
      | '''(?:[^'\\]|\\.|'(?!''))*''' | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"   # long strings
      | '(?:[^'\\\n]|\\.)*' | "(?:[^"\\\n]|\\.)*"         # strings
      | <[^<>"{}|^`\\\s]*> )                              # an IRI
    | (?P<open> \{ ) | (?P<close> \} )
    | (?P<where> \bWHERE\b )
""", re.VERBOSE | re.IGNORECASE)


def bind(query: str, substitutions: dict) -> str:
    """Bind variables by a ``VALUES`` block opening the query's outermost group pattern.

    A ``VALUES`` block there is joined first with the rest of the pattern, which is what
    Oxigraph's substitutions do; it works on every SPARQL 1.1 server.

    >>> bind("SELECT ?x WHERE { ?x ?p ?o }", {ox.Variable("x"): ox.NamedNode("http://a")})
    'SELECT ?x WHERE { VALUES (?x) { (<http://a>) } ?x ?p ?o }'
    """
    variables = " ".join(f"?{v.value}" for v in substitutions)
    values = " ".join(map(str, substitutions.values()))
    if any(isinstance(term, ox.BlankNode) for term in substitutions.values()):
        raise RemoteStoreError("a remote store cannot bind a variable to a blank node")
    block = f" VALUES ({variables}) {{ ({values}) }}"
    depth, after_where, first_open = 0, False, None
    for match in _SKIPPED.finditer(query):
        if match["open"]:
            if depth == 0 and after_where:
                return query[:match.end()] + block + query[match.end():]
            if depth == 0 and first_open is None:
                first_open = match.end()  # ASK { … } and SELECT * { … } have no WHERE
            depth += 1
        elif match["close"]:
            depth -= 1
        elif match["where"] and depth == 0:
            after_where = True
    if first_open is None:
        raise RemoteStoreError("cannot bind parameters: the query has no group pattern")
    return query[:first_open] + block + query[first_open:]
