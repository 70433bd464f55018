"""Query worker processes: what runs a query (:func:`evaluate`), the loop a worker serves
queries in (:func:`serve_queries`), and the two kinds of worker :class:`kg.store.executor.QueryExecutor`
hands queries to: spawned afresh on snapshots of the store on disk (:class:`SpawnedWorker`), or
forked from the in-memory copy (:class:`ForkedWorker`, see :mod:`kg.store.memory`).

Messages are pickled directly (not through ``multiprocessing``'s ``ForkingPickler``): they are
plain data, and the hand-off to a worker is on the path of every query.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, QueryError, where
from kg.namespaces import BASE, PREFIXES
from kg.store import sandbox


class QueryTimeout(KGError):
    """The query ran past the time limit and was stopped."""

    status = 503


class WorkerLost(KGError):
    """The worker process running the query ended before it answered."""

    status = 500


class ResultTooLarge(KGError):
    """The serialised result is larger than the configured limit."""

    status = 413


class NotAcceptable(KGError):
    """The client accepts no format this kind of result can be written in."""

    status = 406


@dataclass(frozen=True)
class Answer:
    """A serialised result: its media type and bytes, and the seconds its evaluation and
    serialisation took (which tells the executor a light query from a heavy one)."""

    mime: str
    body: bytes
    seconds: float = field(default=0.0, compare=False)


RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def evaluate(store: ox.Store, query: str, dataset: dict, results_mime: str | None, graph_mime: str | None,
             max_bytes: int | None, substitutions: dict | None = None) -> Answer:
    """Run ``query`` and serialise it natively in the chosen format for its kind of result.

    Relative IRIs in the query are resolved against the service's base IRI, the dataset's
    namespace :data:`kg.namespaces.BASE` (the SPARQL 1.1 Protocol asks a service to define one).
    The answer is stopped as it passes ``max_bytes``; ``None`` is for an answer known to be small,
    which is then written in one piece (a write to a Python object per chunk costs a light query
    as much as its evaluation, in interpreter lock hand-offs).
    """
    started = time.perf_counter()
    try:
        result = store.query(query, base_iri=BASE, prefixes=prefixes_used(query), substitutions=substitutions or None,
                             **dataset)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {where(str(exc))}") from None
    except RuntimeError as exc:  # it parsed, and Oxigraph cannot run it (an unknown function): as the workers say
        raise QueryError(f"the query failed: {exc}") from None
    out = _BoundedOutput(max_bytes) if max_bytes is not None else None
    try:
        if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):  # triples, embedded or remote
            if graph_mime is None:
                raise NotAcceptable("this query returns a graph, and the request accepts no RDF format")
            fmt = ox.RdfFormat.from_media_type(graph_mime)
            triples = result
            if fmt.supports_datasets:  # TriG, N-Quads: the triples go in the default graph
                triples = (ox.Quad(t.subject, t.predicate, t.object) for t in result)
            if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
                body = ox.serialize(triples, out, format=fmt, prefixes=PREFIXES)
            else:
                body = ox.serialize(triples, out, format=fmt)
            mime = graph_mime
        else:
            if results_mime is None:
                raise NotAcceptable("this query returns solutions, and the request accepts no SPARQL results format")
            body = result.serialize(out, format=RESULTS_FORMATS[results_mime])
            mime = results_mime
    except _Overflow:
        raise ResultTooLarge(f"the result is over this endpoint's limit of {max_bytes:,} bytes (stopped as it "
                             "passed it); narrow the query or add a LIMIT") from None
    return Answer(mime, out.getvalue() if out is not None else body, time.perf_counter() - started)


class _Overflow(Exception):
    """The answer being written passed the size limit."""


class _BoundedOutput:
    """Where an answer is serialised: it stops the serialiser as soon as the answer passes
    ``limit`` bytes, so an answer over the limit is never built in full (nor its triples listed)."""

    def __init__(self, limit: int):
        self.limit, self._buffer = limit, io.BytesIO()

    def write(self, chunk) -> int:
        if self._buffer.tell() + len(chunk) > self.limit:
            raise _Overflow
        return self._buffer.write(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return self._buffer.getvalue()


def prefixes_used(query: str) -> dict[str, str]:
    """The project's prefixes whose ``name:`` occurs in ``query``: the ones it may use undeclared.

    Oxigraph parses every prefix it is given on every call; all of them cost a light query a
    quarter of its evaluation. One that occurs by chance (``p:`` in ``http:``) does no harm.
    """
    return {name: iri for name, iri in PREFIXES.items() if f"{name}:" in query}


def send_message(connection, message) -> None:
    # pickle itself, not Connection.send's ForkingPickler: the messages are plain data, and
    # the hand-off to a worker is on the path of every query.
    connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def receive_message(connection):
    return pickle.loads(connection.recv_bytes())


def serve_queries(connection, store: ox.Store | None = None) -> None:
    """Serve queries sent over ``connection`` until it closes: from ``store`` (an in-memory copy
    this worker was forked with) or, without one, from the snapshot on disk each request names."""
    sandbox.forbid_network_if_asked()  # kg serve's workers evaluate with no way to open a network socket
    in_memory, opened = store is not None, None
    while True:
        try:
            snapshot, query, dataset, results_mime, graph_mime, max_bytes, substitutions = receive_message(connection)
        except EOFError:
            return
        try:
            if not in_memory and snapshot != opened:
                store, opened = ox.Store.read_only(snapshot), snapshot
            substitutions = {ox.Variable(k): _term(v) for k, v in (substitutions or {}).items()}
            dataset_args = _dataset_args(dataset)
            send_message(connection, ("ok", evaluate(store, query, dataset_args, results_mime, graph_mime, max_bytes,
                                              substitutions)))
        except KGError as exc:
            send_message(connection, ("error", type(exc).__name__, exc.status, exc.message))
        except Exception as exc:  # noqa: BLE001 - anything else must still reach the caller, not kill the worker
            send_message(connection, ("error", "QueryError", 400, f"the query failed: {exc}"))


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


class SpawnedWorker:
    """A worker spawned afresh, reading snapshots of the store on disk."""

    copy = generation = None
    killed = False

    def __init__(self, context):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=serve_queries, args=(child,), daemon=True)
        self.process.start()
        self.pid = self.process.pid
        child.close()
        # One poll object for the worker's life: Connection.poll builds a selector every call.
        self._answers = select.poll()
        self._answers.register(self.connection.fileno(), select.POLLIN)

    def answered_within(self, seconds: float) -> bool:
        """Whether the worker answered (or died) within ``seconds``."""
        return bool(self._answers.poll(max(0.0, seconds) * 1000))

    def kill(self) -> None:
        if self.killed:
            return
        self.killed = True
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class ForkedWorker(SpawnedWorker):
    """A worker forked from the in-memory copy (:class:`kg.store.memory.MemoryCopy`), sharing its memory."""

    def __init__(self, copy, context):
        self.copy = copy
        self.connection, self.pid, self.generation = copy.fork(context)
        self._answers = select.poll()
        self._answers.register(self.connection.fileno(), select.POLLIN)

    def kill(self) -> None:
        if self.killed:
            return
        self.killed = True
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.connection.close()
        for _ in range(500):  # the copy's process reaps it; wait until it is gone
            if _gone(self.pid):
                return
            time.sleep(0.01)


def memory_kb(pid: int) -> dict[str, int]:
    """The kB figures of ``/proc/<pid>/smaps_rollup`` (``Rss``, ``Pss``, ``Private_Dirty``, ...);
    empty where there is no such file (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            lines = rollup.read().splitlines()[1:]  # the first line names the mapping
    except OSError:
        return {}
    return {name: int(value.split()[0]) for name, value in (line.split(":", 1) for line in lines)}


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


