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
import pickle
import queue
import select
import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass
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
    """Run ``query`` and serialise it natively in the chosen format for its kind of result.

    Relative IRIs in the query are resolved against the service's base IRI, the dataset's
    namespace :data:`kg.namespaces.BASE` (the SPARQL 1.1 Protocol asks a service to define one).
    """
    try:
        result = store.query(query, base_iri=BASE, prefixes=prefixes_used(query), substitutions=substitutions or None,
                             **dataset)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {where(str(exc))}") from None
    except RuntimeError as exc:  # it parsed, and Oxigraph cannot run it (an unknown function): as the workers say
        raise QueryError(f"the query failed: {exc}") from None
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


def prefixes_used(query: str) -> dict[str, str]:
    """The project's prefixes whose ``name:`` occurs in ``query``: the ones it may use undeclared.

    Oxigraph parses every prefix it is given on every call; all of them cost a light query a
    quarter of its evaluation. One that occurs by chance (``p:`` in ``http:``) does no harm.
    """
    return {name: iri for name, iri in PREFIXES.items() if f"{name}:" in query}


def _send(connection, message) -> None:
    # pickle itself, not Connection.send's ForkingPickler: the messages are plain data, and
    # the hand-off to a worker is on the path of every query.
    connection.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def _receive(connection):
    return pickle.loads(connection.recv_bytes())


def _worker(connection) -> None:
    """Serve queries sent over ``connection`` until it closes."""
    sandbox.forbid_network_if_asked()  # kg serve's workers evaluate with no way to open a network socket
    store, opened = None, None
    while True:
        try:
            snapshot, query, dataset, results_mime, graph_mime, max_bytes, substitutions = _receive(connection)
        except EOFError:
            return
        try:
            if snapshot != opened:
                store, opened = ox.Store.read_only(snapshot), snapshot
            substitutions = {ox.Variable(k): _term(v) for k, v in (substitutions or {}).items()}
            dataset_args = _dataset_args(dataset)
            _send(connection, ("ok", evaluate(store, query, dataset_args, results_mime, graph_mime, max_bytes,
                                              substitutions)))
        except KGError as exc:
            _send(connection, ("error", type(exc).__name__, exc.status, exc.message))
        except Exception as exc:  # noqa: BLE001 - anything else must still reach the caller, not kill the worker
            _send(connection, ("error", "QueryError", 400, f"the query failed: {exc}"))


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
        # One poll object for the worker's life: Connection.poll builds a selector every call.
        self._answers = select.poll()
        self._answers.register(self.connection.fileno(), select.POLLIN)

    def answered_within(self, seconds: float) -> bool:
        """Whether the worker answered (or died) within ``seconds``."""
        return bool(self._answers.poll(seconds * 1000))

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _stop(workers: list[_Worker], directory: Path) -> None:
    for worker in workers:
        worker.kill()
    shutil.rmtree(directory, ignore_errors=True)


class QueryExecutor:
    """A pool of query workers over snapshots of ``store``.

    :param timeout: seconds a query may run before its worker is killed.
    :param workers: queries that run at once; more wait for a free worker (up to ``timeout``).
    """

    def __init__(self, store: ox.Store, *, timeout: float = 30.0, workers: int = 2,
                 max_result_bytes: int = 50_000_000, snapshots_in: str | Path | None = None):
        self.store = store
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self._context = multiprocessing.get_context("spawn")
        self._directory = Path(tempfile.mkdtemp(prefix="kg-snapshots-", dir=snapshots_in))
        self._generation = itertools.count()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        # A snapshot left behind keeps the store's old files on disk (they are hard links), so
        # the snapshots go when the executor is closed, collected or left at interpreter exit.
        self._cleanup = weakref.finalize(self, _stop, self._workers, self._directory)
        self._snapshot = self._take_snapshot()
        self._workers += [_Worker(self._context) for _ in range(workers)]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._workers:
            self._idle.put(worker)

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
        :raises WorkerLost: the worker died while running the query; it was replaced.
        """
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for {self.timeout:g} s; try again later") from None
        try:
            request = (str(self._snapshot), query, plain_dataset(dataset), results_mime, graph_mime,
                       self.max_result_bytes, plain_terms(substitutions))
            try:
                _send(worker.connection, request)
            except OSError:  # the worker died while idle (killed from outside): the query goes to a new one
                worker = self._replace(worker)
                _send(worker.connection, request)
            try:
                reply = _receive(worker.connection) if worker.answered_within(self.timeout) else None
            except (EOFError, OSError):  # the worker died running this query: out of memory, or killed
                worker = self._replace(worker)
                raise WorkerLost("the process running the query ended before it answered (it has been "
                                 "replaced); if the query needs much memory, narrow it") from None
            if reply is None:
                worker = self._replace(worker)
                raise QueryTimeout(f"the query ran past this endpoint's limit of {self.timeout:g} s and was stopped")
        finally:
            self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        _, name, status, message = reply
        error = {"QueryTimeout": QueryTimeout, "ResultTooLarge": ResultTooLarge,
                 "NotAcceptable": NotAcceptable}.get(name, QueryError)(message)
        error.status = status
        raise error

    def worker_pids(self) -> list[int]:
        """The process ids of the query workers, busy or idle."""
        return [worker.process.pid for worker in self._workers]

    def close(self) -> None:
        """Stop the workers and remove the snapshots."""
        self._cleanup()

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill ``worker`` (whatever it is doing) and start another in its place."""
        worker.kill()
        fresh = _Worker(self._context)
        with self._lock:
            self._workers[self._workers.index(worker)] = fresh
        return fresh

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
