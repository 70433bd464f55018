"""Run SPARQL queries in worker processes, each with a time limit that really stops it.

Oxigraph evaluates a query inside one call that Python cannot interrupt, so a thread cannot
enforce a time limit: a runaway query would keep a core busy after its answer was given up.
Here each query runs in a worker process; past the limit the process is killed and replaced,
and meanwhile the other workers keep answering.

A query measured *light* (its evaluation in a worker took under :data:`LIGHT_SECONDS`, and its
answer is small) is answered in the calling thread from then on, on the store on disk, until
the next write: the same query on the same data does the same work, so it cannot run long, and
the hand-off to a worker (two processes and the interpreter lock passed back and forth) costs
several times such a query's evaluation. Any write forgets every such mark. The first answer
given here is compared with the worker's: where the store on disk gives another order (a query
without ``ORDER BY``), the query stays with the workers, so a client never sees one query's
rows in two orders. And a query the disk answers more slowly than a worker would, hand-off
included (the disk is no copy in memory: up to six times as slow, measured), goes back to the
workers after its first answers here (:class:`_LightMark`).

Workers are forked from an in-memory copy of the store (:mod:`kg.store.memory`) and share its
memory; the app writes through :attr:`QueryExecutor.store`, which makes each write on disk and
in the copy. Until the copy is loaded (or if it fails), workers read a *snapshot* of the store
on disk: a RocksDB checkpoint (hard links, made in milliseconds) opened read-only, renewed by
:meth:`QueryExecutor.refresh` after every write. Workers are shared fairly between clients
(:mod:`kg.store.fair`), and a query's time limit counts its wait for one.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import queue
import shutil
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from cachetools import LRUCache

from kg.errors import KGError
from kg.store.fair import FairShares, NoWorker
from kg.store.memory import CopyFailed, MemoryCopy, Mirrored
from kg.store.workers import (
    RESULTS_FORMATS,
    Answer,
    ForkedWorker,
    NotAcceptable,
    QueryError,
    QueryTimeout,
    ResultTooLarge,
    SpawnedWorker,
    WorkerLost,
    evaluate,
    memory_kb,
    plain_dataset,
    plain_terms,
    prefixes_used,
    receive_message,
    send_message,
)

__all__ = ["RESULTS_FORMATS", "Answer", "NotAcceptable", "QueryExecutor", "QueryTimeout", "ResultTooLarge",
           "WorkerLost", "evaluate", "prefixes_used"]

LOG = logging.getLogger("kg.store")

LIGHT_SECONDS = 0.005
"""A query that a worker evaluated (and serialised) in less than this is answered in the calling
thread until the next write, as long as the store on disk keeps up with the workers (:class:`_LightMark`)."""
LIGHT_BYTES = 256 * 1024
"""...if its answer is no larger than this."""
LIGHT_KEPT = 10_000
"""Light queries remembered (the least recently used are forgotten first)."""
WEIGHED_SECONDS = 1.0
"""A forked worker's own memory is weighed after a query that ran this long: weighing reads the
process's page tables (about 50 ms for 6 GB, measured), so at most 5 % more for such a query."""
MEMORY_MB = 8192
"""The memory budget of the server, its in-memory copy and its query workers together (``kg serve
--memory-mb``): what is left of it beside the copy and the server is shared between the workers."""
WORKER_OWN_MB = 512
"""The least a forked worker may write of its own memory before it is replaced by a new fork,
whatever the budget leaves. Measured at 10M quads: after the heavy queries each of four workers
had written 2.7-3.3 GB of pages it had shared with the copy (6 GB), so the server's memory grew
from 6 to 18 GB (PSS). At 1M quads one query (state-roles-timeline) made its worker write 537 MB,
and then no more: replaced at 512 MB, every run of it paid those pages again (2.5 s on a new
fork, 2.1 s on the same worker), where the budget had room to keep it."""
HANDOFF_SECONDS = 0.0005
"""About what handing a query to a worker costs the server: at 100k quads a light query took
1.05 ms of the two cores per answer through the workers, 0.58 ms in the calling thread."""
TRIALS_HERE = 3
"""Answers on disk after which a light query's place is decided: the fastest of them must be
within :data:`HANDOFF_SECONDS` of the worker's time, or the query goes back to the workers."""


@dataclass
class _LightMark:
    """A query a worker answered light, on one version of the data: whether it stays in the
    calling thread, where the store on disk answers it.

    The store on disk is no copy in memory: at 100k quads a named query took 3.4 ms in memory and
    20 ms on disk. So it stays only while the disk gives the worker's bytes (the first answer is
    compared) in about the worker's time (the fastest of :data:`TRIALS_HERE` answers: a single
    one can wait for the interpreter lock behind other threads).
    """

    version: tuple[int, int]
    digest: int | None  # the worker's answer's hash, until an answer here has matched it
    worker_seconds: float
    here: bool = True
    trials: int = 0
    fastest: float = float("inf")

    def judge(self, answer: Answer) -> bool:
        """Whether ``answer``, evaluated on disk, may be given; decide where the query goes next."""
        if self.digest is not None:
            if hash(answer.body) != self.digest:  # another order, or under a LIMIT other rows
                self.here = False
                return False
            self.digest = None
        if self.trials < TRIALS_HERE:
            self.trials, self.fastest = self.trials + 1, min(self.fastest, answer.seconds)
            if self.trials == TRIALS_HERE and self.fastest > self.worker_seconds + HANDOFF_SECONDS:
                self.here = False  # slower on disk than through a worker: this answer is right, the next goes there
        return True


def _grown(worker: SpawnedWorker, share_kb: int) -> bool:
    """Whether a forked worker has written more than its share (kB) of its own memory
    (``Private_Dirty``: pages it no longer shares with the copy), so a new fork is cheaper.
    Nothing to weigh without ``/proc`` or once the worker is gone."""
    return worker.copy is not None and memory_kb(worker.pid).get("Private_Dirty", 0) > share_kb


def worker_share_kb(memory_mb: int, copy_pid: int, workers: int) -> int:
    """What each forked worker may write of its own: an equal share of the budget ``memory_mb``
    left beside the copy's process and this one (their resident memory now), and never less
    than :data:`WORKER_OWN_MB`."""
    left = memory_mb * 1024 - memory_kb(copy_pid).get("Rss", 0) - memory_kb(os.getpid()).get("Rss", 0)
    return max(WORKER_OWN_MB * 1024, left // max(1, workers))


def _weak(method):
    """``method``, called only while its object lives: the copy's thread must not keep the executor alive."""
    reference = weakref.WeakMethod(method)
    return lambda *args: (reference() or (lambda *_: None))(*args)


def _stop(workers: list[SpawnedWorker], copies: list[MemoryCopy], directory: Path) -> None:
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
                 in_memory: bool = True, per_client: int | None = None, reserve: int | None = None,
                 light_in_process: bool = True, memory_mb: int = MEMORY_MB):
        self.disk = store
        self.memory_mb = memory_mb
        self.worker_share_kb = WORKER_OWN_MB * 1024
        """What a forked worker may write of its own (:func:`worker_share_kb`), set once the copy is in."""
        self.light_in_process = light_in_process
        self._light: LRUCache = LRUCache(maxsize=LIGHT_KEPT)  # request -> its _LightMark
        self._light_lock = threading.Lock()
        self._refreshes = 0
        self.timeout = timeout
        self.max_result_bytes = max_result_bytes
        self.shares = FairShares(workers, per_client=per_client, reserve=reserve)
        self._context = multiprocessing.get_context("spawn")
        self._directory = Path(tempfile.mkdtemp(prefix="kg-snapshots-", dir=snapshots_in))
        self._generation = itertools.count()
        self._lock = threading.Lock()
        self._workers: list[SpawnedWorker] = []
        self._copies: list[MemoryCopy] = []
        # A snapshot left behind keeps the store's old files on disk (they are hard links), so
        # the snapshots go when the executor is closed, collected or left at interpreter exit.
        self._cleanup = weakref.finalize(self, _stop, self._workers, self._copies, self._directory)
        self.store = Mirrored(store, on_copy_failed=_weak(self._copy_failed)) if in_memory else store
        """The store to write through: writes made here reach the workers' copy too."""
        self._snapshot = self._take_snapshot()
        self._workers += [SpawnedWorker(self._context) for _ in range(workers)]
        # Last in, first out: a worker forked from the copy pays for the pages it writes on its
        # first queries over them (at 1M quads, an aggregate took 1.3 s on a fresh fork and 0.3-0.5 s
        # after), so one client's queries in turn keep going to the worker that has paid already.
        self._idle: queue.LifoQueue[SpawnedWorker] = queue.LifoQueue()
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
        copy, which the write has reached already (:class:`kg.store.memory.Mirrored`); forget
        which queries were light."""
        self._refreshes += 1
        if self.copy is not None and self.copy.ready:
            return
        with self._lock:
            old, self._snapshot = self._snapshot, self._take_snapshot()
        # Workers still reading the old snapshot keep their open files (hard links), so it can go.
        shutil.rmtree(old, ignore_errors=True)

    def wait_for_copy(self, timeout: float) -> bool:
        """Wait until queries are answered from the in-memory copy (True), or it failed or the time is up."""
        copy = self.copy
        return copy is not None and copy.settled.wait(timeout) and copy is self.copy and copy.ready

    def execute(self, query: str, dataset: dict, *, results_mime: str | None, graph_mime: str | None,
                substitutions: dict | None = None, client: str | None = None) -> Answer:
        """Run ``query`` in a worker, within the time limit counted from now, and return its answer.

        :param client: who asks (an address): workers are shared fairly between clients.
        :raises QueryTimeout: the limit passed, waiting or running; a running query's worker was
            killed and replaced.
        :raises WorkerLost: the worker died while running the query; it was replaced.
        """
        key = (query, tuple(sorted((k, tuple(v)) for k, v in plain_dataset(dataset).items())),
               tuple(sorted(plain_terms(substitutions).items())), results_mime, graph_mime)
        version = self._data_version()
        with self._light_lock:
            mark = self._light.get(key)
        if mark is not None and mark.version == version and mark.here:
            answer = self._evaluate_here(query, dataset, results_mime, graph_mime, substitutions)
            # SPARQL allows the store on disk another order than the copy (or, under a LIMIT, other
            # rows), but a client paging through would see rows twice: such a query stays with the workers.
            with self._light_lock:
                given = mark.judge(answer)
            if given:
                return answer
        answer = self._in_worker(query, dataset, results_mime, graph_mime, substitutions, client)
        if (self.light_in_process and (mark is None or mark.version != version) and answer.seconds < LIGHT_SECONDS
                and len(answer.body) <= LIGHT_BYTES and version == self._data_version()):
            with self._light_lock:
                self._light[key] = _LightMark(version, hash(answer.body), answer.seconds)
        return answer

    def _data_version(self) -> tuple[int, int]:
        """Changes with every write (begun through :attr:`store`, or announced by :meth:`refresh`)."""
        return self._refreshes, getattr(self.store, "writes", 0)

    def _evaluate_here(self, query, dataset, results_mime, graph_mime, substitutions) -> Answer:
        try:  # in one piece: the worker's answer to it was at most LIGHT_BYTES, and is compared with this one
            return evaluate(self.disk, query, dataset, results_mime, graph_mime, None, substitutions)
        except KGError:
            raise
        except Exception as exc:  # noqa: BLE001 - as a worker reports it
            raise QueryError(f"the query failed: {exc}") from None

    def _in_worker(self, query, dataset, results_mime, graph_mime, substitutions, client) -> Answer:
        deadline = time.monotonic() + self.timeout
        client = client or "unknown"
        try:
            self.shares.acquire(client, deadline)
        except NoWorker:
            raise QueryTimeout(f"every query worker this client may use stayed busy for this endpoint's limit of "
                               f"{self.timeout:g} s; try again later") from None
        worker, ran = None, 0.0
        try:
            worker = self._take()
            request = (str(self._snapshot), query, plain_dataset(dataset), results_mime, graph_mime,
                       self.max_result_bytes, plain_terms(substitutions))
            try:
                send_message(worker.connection, request)
            except OSError:  # the worker died while idle (killed from outside): the query goes to a new one
                worker = self._replace(worker)
                send_message(worker.connection, request)
            sent = time.monotonic()
            try:
                answered = worker.answered_within(deadline - sent)
                reply = receive_message(worker.connection) if answered else None
                ran = time.monotonic() - sent
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
                kept = self._current(worker) and not (ran >= WEIGHED_SECONDS and _grown(worker, self.worker_share_kb))
                self._idle.put(worker if kept else self._replace(worker))
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

    def _take(self) -> SpawnedWorker:
        worker = self._idle.get()  # the permit says one is there (or being put back)
        return worker if self._current(worker) else self._replace(worker)

    def _current(self, worker: SpawnedWorker) -> bool:
        """Whether ``worker`` reads what a query must see now."""
        copy = self.copy
        if copy is None or not copy.ready:
            return worker.copy is None
        return worker.copy is copy and worker.generation == copy.generation

    def _replace(self, worker: SpawnedWorker) -> SpawnedWorker:
        """Kill ``worker`` (whatever it is doing) and start another in its place: a fork of the
        in-memory copy when it is loaded, else a worker reading the snapshots on disk."""
        worker.kill()
        copy = self.copy
        fresh = None
        if copy is not None and copy.ready:
            try:
                fresh = ForkedWorker(copy, self._context)
            except CopyFailed:
                fresh = None
        fresh = fresh or SpawnedWorker(self._context)
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
        self.worker_share_kb = worker_share_kb(self.memory_mb, copy.process.pid, len(self._workers))
        LOG.info("queries are answered from memory: %s quads loaded in %.1f s; each query worker may write %s MB "
                 "of its own (of a budget of %s MB)", f"{copy.quads:,}", copy.load_seconds,
                 f"{self.worker_share_kb // 1024:,}", f"{self.memory_mb:,}")
        idle = []
        with contextlib.suppress(queue.Empty):
            while True:
                idle.append(self._idle.get_nowait())
        for worker in idle:  # the idle workers move to the copy now, not on their next query
            self._idle.put(worker if self._current(worker) or not self._cleanup.alive else self._replace(worker))

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
