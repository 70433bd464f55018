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

import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import queue
import select
import shutil
import signal
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError, QueryError, where
from kg.namespaces import PREFIXES
from kg.store.fair import FairShares, NoWorker
from kg.store.memory import CopyFailed, MemoryCopy, Mirrored

LOG = logging.getLogger("kg.store")


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
    """Run ``query`` and serialise it natively in the chosen format for its kind of result."""
    try:
        result = store.query(query, prefixes=prefixes_used(query), substitutions=substitutions or None, **dataset)
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


def serve_queries(connection, store: ox.Store | None = None) -> None:
    """Serve queries sent over ``connection`` until it closes: from ``store`` (an in-memory copy
    this worker was forked with) or, without one, from the snapshot on disk each request names."""
    in_memory, opened = store is not None, None
    while True:
        try:
            snapshot, query, dataset, results_mime, graph_mime, max_bytes, substitutions = _receive(connection)
        except EOFError:
            return
        try:
            if not in_memory and snapshot != opened:
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
    """A worker spawned afresh, reading snapshots of the store on disk."""

    copy = generation = None

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
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class _Forked(_Worker):
    """A worker forked from the in-memory copy (:class:`kg.store.memory.MemoryCopy`), sharing its memory."""

    def __init__(self, copy: MemoryCopy, context):
        self.copy = copy
        self.connection, self.pid, self.generation = copy.fork(context)
        self._answers = select.poll()
        self._answers.register(self.connection.fileno(), select.POLLIN)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.connection.close()
        for _ in range(500):  # the copy's process reaps it; wait until it is gone
            if _gone(self.pid):
                return
            time.sleep(0.01)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _weak(method):
    """``method``, called only while its object lives: the copy's thread must not keep the executor alive."""
    reference = weakref.WeakMethod(method)
    return lambda *args: (reference() or (lambda *_: None))(*args)


def _stop(workers: list[_Worker], copies: list[MemoryCopy], directory: Path) -> None:
    for worker in workers:
        worker.kill()
    for copy in copies:
        copy.close()
    shutil.rmtree(directory, ignore_errors=True)


class QueryExecutor:
    """A pool of query workers over an in-memory copy of ``store`` (or snapshots of it on disk).

    :param timeout: seconds a query may wait for a worker and run, together, before it is
        refused or its worker killed.
    :param workers: queries that run at once; more wait for a free worker, shared fairly between
        clients (:class:`kg.store.fair.FairShares`, with ``per_client`` and ``reserve``).
    :param in_memory: answer from an in-memory copy (:mod:`kg.store.memory`); then write through
        :attr:`store`, which makes every write in the store on disk and in the copy. Until the
        copy is loaded (and if it fails), workers read snapshots of the store on disk.
    """

    def __init__(self, store: ox.Store, *, timeout: float = 30.0, workers: int = 2,
                 max_result_bytes: int = 50_000_000, snapshots_in: str | Path | None = None,
                 in_memory: bool = True, per_client: int | None = None, reserve: int | None = None):
        self.disk = store
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.shares = FairShares(workers, per_client=per_client, reserve=reserve)
        self._context = multiprocessing.get_context("spawn")
        self._directory = Path(tempfile.mkdtemp(prefix="kg-snapshots-", dir=snapshots_in))
        self._generation = itertools.count()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._copies: list[MemoryCopy] = []
        # A snapshot left behind keeps the store's old files on disk (they are hard links), so
        # the snapshots go when the executor is closed, collected or left at interpreter exit.
        self._cleanup = weakref.finalize(self, _stop, self._workers, self._copies, self._directory)
        self.store = Mirrored(store, on_copy_failed=_weak(self._copy_failed)) if in_memory else store
        """The store to write through: writes made here reach the workers' copy too."""
        self._snapshot = self._take_snapshot()
        self._workers += [_Worker(self._context) for _ in range(workers)]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self._workers:
            self._idle.put(worker)
        if in_memory:
            self._start_copy()

    @property
    def copy(self) -> MemoryCopy | None:
        """The in-memory copy (loaded, loading or failed), or None when serving from disk only."""
        return getattr(self.store, "copy", None)

    def refresh(self) -> None:
        """After a write: take a new snapshot on disk, unless the queries are answered from the
        copy, which the write has reached already (:class:`kg.store.memory.Mirrored`)."""
        if self.copy is not None and self.copy.ready:
            return
        with self._lock:
            old, self._snapshot = self._snapshot, self._take_snapshot()
        # Workers still reading the old snapshot keep their open files (hard links), so it can go.
        shutil.rmtree(old, ignore_errors=True)

    def wait_for_copy(self, timeout: float) -> bool:
        """Wait until the in-memory copy is loaded (True) or has failed or the time is up (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            copy = self.copy
            if copy is None or copy.failed:
                return False
            if copy.ready:
                return True
            time.sleep(0.02)
        return False

    def execute(self, query: str, dataset: dict, *, results_mime: str | None, graph_mime: str | None,
                substitutions: dict | None = None, client: str | None = None) -> Answer:
        """Run ``query`` in a worker, within the time limit counted from now, and return its answer.

        :param client: who asks (an address): workers are shared fairly between clients.
        :raises QueryTimeout: the limit passed, waiting or running; a running query's worker was
            killed and replaced.
        :raises WorkerLost: the worker died while running the query; it was replaced.
        """
        deadline = time.monotonic() + self.timeout
        client = client or "unknown"
        try:
            self.shares.acquire(client, deadline)
        except NoWorker:
            raise QueryTimeout(f"every query worker this client may use stayed busy for this endpoint's limit of "
                               f"{self.timeout:g} s; try again later") from None
        worker = None
        try:
            worker = self._take()
            request = (str(self._snapshot), query, plain_dataset(dataset), results_mime, graph_mime,
                       self.max_result_bytes, plain_terms(substitutions))
            try:
                _send(worker.connection, request)
            except OSError:  # the worker died while idle (killed from outside): the query goes to a new one
                worker = self._replace(worker)
                _send(worker.connection, request)
            try:
                answered = worker.answered_within(deadline - time.monotonic())
                reply = _receive(worker.connection) if answered else None
            except (EOFError, OSError):  # the worker died running this query: out of memory, or killed
                worker = self._replace(worker)
                raise WorkerLost("the process running the query ended before it answered (it has been "
                                 "replaced); if the query needs much memory, narrow it") from None
            if reply is None:
                worker = self._replace(worker)
                raise QueryTimeout(f"the query ran past this endpoint's limit of {self.timeout:g} s (its wait for a "
                                   "worker included) and was stopped")
        finally:
            if worker is not None:
                self._idle.put(worker if self._current(worker) else self._replace(worker))
            self.shares.release(client)
        if reply[0] == "ok":
            return reply[1]
        _, name, status, message = reply
        error = {"QueryTimeout": QueryTimeout, "ResultTooLarge": ResultTooLarge,
                 "NotAcceptable": NotAcceptable}.get(name, QueryError)(message)
        error.status = status
        raise error

    def worker_pids(self) -> list[int]:
        """The process ids of the query workers, busy or idle."""
        return [worker.pid for worker in self._workers]

    def close(self) -> None:
        """Stop the workers and the copy, and remove the snapshots."""
        self._cleanup()

    def _take(self) -> _Worker:
        worker = self._idle.get()  # the permit says one is there (or being put back)
        return worker if self._current(worker) else self._replace(worker)

    def _current(self, worker: _Worker) -> bool:
        """Whether ``worker`` reads what a query must see now."""
        copy = self.copy
        if copy is None or not copy.ready:
            return worker.copy is None
        return worker.copy is copy and worker.generation == copy.generation

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill ``worker`` (whatever it is doing) and start another in its place: a fork of the
        in-memory copy when it is loaded, else a worker reading the snapshots on disk."""
        worker.kill()
        copy = self.copy
        fresh = None
        if copy is not None and copy.ready:
            try:
                fresh = _Forked(copy, self._context)
            except CopyFailed:
                fresh = None
        fresh = fresh or _Worker(self._context)
        with self._lock:
            self._workers[self._workers.index(worker)] = fresh
        return fresh

    def _start_copy(self) -> None:
        """Load a new in-memory copy from a checkpoint taken now (no write can come in between)."""
        with self.store.lock:
            copy = MemoryCopy(self._context, self._take_snapshot(), on_ready=_weak(self._copy_ready))
            old, self.store.copy = self.store.copy, copy
            self._copies.append(copy)
        if old is not None:
            old.close()
            self._copies.remove(old)

    def _copy_ready(self, copy: MemoryCopy, error: str | None) -> None:
        if error:
            LOG.warning("queries are answered from snapshots on disk: the in-memory copy failed (%s)", error)
            return
        LOG.info("queries are answered from memory: %s quads loaded in %.1f s", f"{copy.quads:,}", copy.load_seconds)
        idle = []
        with contextlib.suppress(queue.Empty):
            while True:
                idle.append(self._idle.get_nowait())
        for worker in idle:  # the idle workers move to the copy now, not on their next query
            self._idle.put(worker if self._current(worker) else self._replace(worker))

    def _copy_failed(self, reason: str) -> None:
        """A write did not reach the copy (see :class:`kg.store.memory.Mirrored`): load a new one."""
        LOG.warning("the in-memory copy is loaded again (%s); meanwhile queries read snapshots on disk", reason)
        with self._lock:
            old, self._snapshot = self._snapshot, self._take_snapshot()
        shutil.rmtree(old, ignore_errors=True)
        self._start_copy()

    def _take_snapshot(self) -> Path:
        target = self._directory / f"snapshot-{next(self._generation)}"
        try:
            self.disk.backup(str(target))
        except RuntimeError:
            # An in-memory store has no checkpoint: copy it into a new on-disk store.
            copy = ox.Store(str(target))
            copy.bulk_extend(self.disk)
            copy.flush()
            del copy
        return target
