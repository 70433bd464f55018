"""Run SPARQL queries in worker processes, each with a time limit that really stops it.

Oxigraph evaluates a query inside one call that Python cannot interrupt, so a thread cannot
enforce a time limit: a runaway query would keep a core busy after its answer was given up.
Here each query runs in a worker process; past the limit the process is killed and replaced,
and meanwhile the other workers keep answering.

Workers read a *snapshot* of the store: a RocksDB checkpoint (hard links, made in
milliseconds) opened read-only, so no process reads files another one writes. After every
write the server calls :meth:`QueryExecutor.refresh` and workers move to the new snapshot.
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.namespaces import PREFIXES
from kg.queries import where


class QueryTimeout(KGError):
    """The query ran past the time limit and was stopped."""

    status = 503


class ResultTooLarge(KGError):
    """The serialised result is larger than the configured limit."""

    status = 413


class NotAcceptable(KGError):
    """The client accepts no format this kind of result can be written in."""

    status = 406


@dataclass(frozen=True)
class Answer:
    """A serialised result: its media type and bytes."""

    mime: str
    body: bytes


RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def evaluate(store: ox.Store, query: str, dataset: dict, results_mime: str | None, graph_mime: str | None,
             max_bytes: int, substitutions: dict | None = None) -> Answer:
    """Run ``query`` and serialise it natively in the chosen format for its kind of result."""
    try:
        result = store.query(query, prefixes=PREFIXES, substitutions=substitutions or None, **dataset)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {where(str(exc))}") from None
    if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):  # triples, embedded or remote
        if graph_mime is None:
            raise NotAcceptable("this query returns a graph, and the request accepts no RDF format")
        fmt = ox.RdfFormat.from_media_type(graph_mime)
        triples = list(result)
        if fmt.supports_datasets:  # TriG, N-Quads: the triples go in the default graph
            triples = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) \
            else ox.serialize(triples, format=fmt)
        mime = graph_mime
    else:
        if results_mime is None:
            raise NotAcceptable("this query returns solutions, and the request accepts no SPARQL results format")
        body = result.serialize(format=RESULTS_FORMATS[results_mime])
        mime = results_mime
    if len(body) > max_bytes:
        raise ResultTooLarge(f"the result is {len(body):,} bytes, over this endpoint's limit of {max_bytes:,}; "
                             "narrow the query or add a LIMIT")
    return Answer(mime, body)


def _worker(connection) -> None:
    """Serve queries sent over ``connection`` until it closes."""
    store, opened = None, None
    while True:
        try:
            snapshot, query, dataset, results_mime, graph_mime, max_bytes, substitutions = connection.recv()
        except EOFError:
            return
        try:
            if snapshot != opened:
                store, opened = ox.Store.read_only(snapshot), snapshot
            substitutions = {ox.Variable(k): _term(v) for k, v in (substitutions or {}).items()}
            dataset_args = _dataset_args(dataset)
            connection.send(("ok", evaluate(store, query, dataset_args, results_mime, graph_mime, max_bytes,
                                            substitutions)))
        except KGError as exc:
            connection.send(("error", type(exc).__name__, exc.status, exc.message))
        except Exception as exc:  # noqa: BLE001 - anything else must still reach the caller, not kill the worker
            connection.send(("error", "QueryError", 400, f"the query failed: {exc}"))


def _dataset_args(dataset: dict) -> dict:
    """Rebuild Oxigraph's dataset arguments from plain IRIs (they cross a process boundary)."""
    args = {}
    if "default_graph" in dataset:
        args["default_graph"] = [ox.NamedNode(i) for i in dataset["default_graph"]]
    if "named_graphs" in dataset:
        args["named_graphs"] = [ox.NamedNode(i) for i in dataset["named_graphs"]]
    return args


def plain_terms(substitutions: dict | None) -> dict:
    """Turn query substitutions into plain tuples for a worker."""
    plain = {}
    for variable, term in (substitutions or {}).items():
        if isinstance(term, ox.NamedNode):
            plain[variable.value] = ("iri", term.value, None, None)
        else:
            plain[variable.value] = ("literal", term.value, term.datatype.value, term.language)
    return plain


def _term(plain: tuple):
    kind, value, datatype, language = plain
    if kind == "iri":
        return ox.NamedNode(value)
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype))


def plain_dataset(args: dict) -> dict:
    """Turn Oxigraph dataset arguments into plain IRIs for a worker."""
    return {key: [node.value for node in nodes] for key, nodes in args.items()}


class _Worker:
    def __init__(self, context):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class QueryExecutor:
    """A pool of query workers over snapshots of ``store``.

    :param timeout: seconds a query may run before its worker is killed.
    :param workers: queries that run at once; more wait for a free worker (up to ``timeout``).
    """

    def __init__(self, store: ox.Store, *, timeout: float = 30.0, workers: int = 2,
                 max_result_bytes: int = 50_000_000):
        self.store = store
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self._context = multiprocessing.get_context("spawn")
        self._directory = Path(tempfile.mkdtemp(prefix="kg-snapshots-"))
        self._generation = itertools.count()
        self._lock = threading.Lock()
        self._snapshot = self._take_snapshot()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(workers):
            self._idle.put(_Worker(self._context))

    def refresh(self) -> None:
        """Take a new snapshot after a write; queries from now on see it."""
        with self._lock:
            old, self._snapshot = self._snapshot, self._take_snapshot()
        # Workers still reading the old snapshot keep their open files (hard links), so it can go.
        shutil.rmtree(old, ignore_errors=True)

    def execute(self, query: str, dataset: dict, *, results_mime: str | None, graph_mime: str | None,
                substitutions: dict | None = None) -> Answer:
        """Run ``query`` in a worker and return its serialised answer.

        :raises QueryTimeout: the limit passed; the worker was killed and replaced.
        """
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s; try again later") from None
        try:
            worker.connection.send((str(self._snapshot), query, plain_dataset(dataset), results_mime, graph_mime,
                                    self.max_result_bytes, plain_terms(substitutions)))
            if not worker.connection.poll(self.timeout):
                worker.kill()
                worker = _Worker(self._context)
                raise QueryTimeout(f"the query ran past this endpoint's limit of {self.timeout:g} s and was stopped")
            reply = worker.connection.recv()
        finally:
            self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        _, name, status, message = reply
        error = {"QueryTimeout": QueryTimeout, "ResultTooLarge": ResultTooLarge,
                 "NotAcceptable": NotAcceptable}.get(name, QueryError)(message)
        error.status = status
        raise error

    def close(self) -> None:
        """Stop the workers and remove the snapshots."""
        while not self._idle.empty():
            self._idle.get_nowait().kill()
        shutil.rmtree(self._directory, ignore_errors=True)

    def _take_snapshot(self) -> Path:
        target = self._directory / f"snapshot-{next(self._generation)}"
        try:
            self.store.backup(str(target))
        except RuntimeError:
            # An in-memory store has no checkpoint: copy it into a new on-disk store.
            copy = ox.Store(str(target))
            copy.bulk_extend(self.store)
            copy.flush()
            del copy
        return target
