"""An in-memory copy of the store that query workers are forked from, and the writes that reach it.

Oxigraph answers a heavy query from memory several times faster than from RocksDB. So the query
workers read a copy of the store held in memory, while the store on disk stays the durable
copy:

* :class:`MemoryCopy` starts one process (spawned: no threads, no server state) that loads the
  copy from a checkpoint of the store and then *forks* each query worker. A forked worker shares
  the copy's memory pages with the process it came from and with every other worker (copy on
  write: a query reads them, it does not write them), so N workers cost about one copy, not N.
* :class:`Mirrored` is the store the app writes through: every write goes to the store on disk
  first (that write is the one acknowledged, and it is durable), then, in the same call and under
  one lock, to the copy. A write changes the copy in one transaction, and workers forked before
  it are replaced by new forks before they answer another query, so a query started after a
  write is acknowledged sees it, and no query sees half of one.

A write the copy cannot repeat exactly (an update that calls ``NOW()``, ``RAND()``, ``UUID()``,
``STRUUID()`` or ``BNODE()``), or that fails in the copy, makes the copy be loaded again from a
new checkpoint; until it is, queries are answered from snapshots on disk, as they are while the
first copy loads after the server starts (so the server answers at once, from disk, and at the
engine's speed once the copy is in).
"""

from __future__ import annotations

import gc
import os
import re
import signal
import threading
import time
from multiprocessing import reduction
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kg.store.workers import receive_message, send_message, serve_queries

WRITES = ("add", "add_graph", "bulk_extend", "bulk_load", "clear", "clear_graph", "extend", "load", "remove",
          "remove_graph", "update")
"""The methods of ``pyoxigraph.Store`` that change it."""

QUADS = ("extend", "bulk_extend")
"""The writes whose first argument is quads."""

NOT_REPEATABLE = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
"""Functions whose value differs between two evaluations of one update: the copy must be reloaded."""


def _copy_process(control: Connection, snapshot: str) -> None:
    """Hold the in-memory copy: load it from ``snapshot``, then fork workers and apply writes on request."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # forked workers are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: the copy ends when it closes
    started = time.perf_counter()
    store = ox.Store()
    dump = Path(snapshot + ".nq")
    try:
        ox.Store.read_only(snapshot).dump(str(dump), format=ox.RdfFormat.N_QUADS)
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    except Exception as exc:  # noqa: BLE001 - the server must hear why, and go on from disk
        send_message(control, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    finally:
        dump.unlink(missing_ok=True)
    send_message(control, ("ready", len(store), time.perf_counter() - started))
    gc.freeze()  # the interpreter's own objects stay shared with the forks: the collector never writes them
    while True:
        try:
            message = receive_message(control)
        except EOFError:
            return
        if message[0] == "fork":
            handle = reduction.recv_handle(control)
            pid = os.fork()
            if pid == 0:  # the worker: it answers queries on the handle it was given, until it closes
                try:
                    control.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    serve_queries(Connection(handle), store)
                finally:
                    os._exit(0)
            os.close(handle)
            send_message(control, ("forked", pid))
        else:
            _, method, args, kwargs = message
            if method in QUADS:  # quads come as N-Quads: pickling a Quad object costs 20 times as much
                args = (ox.parse(args[0], format=ox.RdfFormat.N_QUADS), *args[1:])
            try:
                getattr(store, method)(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - reported, and the copy is then reloaded
                send_message(control, ("failed", f"{type(exc).__name__}: {exc}"))
            else:
                send_message(control, ("ok",))
                gc.freeze()


class CopyFailed(Exception):
    """The in-memory copy could not load, or could not apply a write: it must be loaded again."""


class MemoryCopy:
    """The process that holds the in-memory copy of the store (see the module's docstring).

    :param snapshot: a checkpoint of the store to load; it is removed once loaded.
    :param on_ready: called (from a thread of this object's) once the copy is loaded and every
        write made meanwhile has been applied, or with the reason it failed.
    """

    def __init__(self, context, snapshot: Path, on_ready=lambda copy, error: None):
        self.snapshot = Path(snapshot)
        self.generation = 0  # how many writes the copy has applied; a worker is current if forked at this count
        self.ready = False
        self.failed: str | None = None
        self.quads = 0
        self.load_seconds: float | None = None
        self._pending: list[tuple] = []  # writes made while the copy loads, applied once it is in
        self._lock = threading.Lock()
        self._control, child = context.Pipe()
        self.process = context.Process(target=_copy_process, args=(child, str(self.snapshot)), daemon=True)
        self.process.start()
        child.close()
        self._on_ready = on_ready
        self.settled = threading.Event()
        """Set once ``on_ready`` has returned: the copy is in use, or has failed."""
        threading.Thread(target=self._wait_until_loaded, daemon=True, name="kg-memory-copy").start()

    def _wait_until_loaded(self) -> None:
        try:
            message = receive_message(self._control)
        except (EOFError, OSError):
            message = ("failed", f"the process loading the copy ended (status {self.process.exitcode})")
        finally:
            import shutil
            shutil.rmtree(self.snapshot, ignore_errors=True)
        with self._lock:
            if message[0] == "ready":
                _, self.quads, self.load_seconds = message
                try:
                    for write in self._pending:
                        self._apply(write)
                except CopyFailed as exc:
                    self.failed = str(exc)
                else:
                    self.ready = True
            else:
                self.failed = message[1]
            self._pending = []
        try:
            self._on_ready(self, self.failed)
        finally:
            self.settled.set()

    def apply(self, method: str, args: tuple, kwargs: dict) -> None:
        """Make the write the store on disk has just made (``store.<method>(*args, **kwargs)``).

        :raises CopyFailed: the copy cannot make it; the caller must load a new copy.
        """
        with self._lock:
            if self.failed:
                raise CopyFailed(self.failed)
            if method == "update" and NOT_REPEATABLE.search(str(args[0] if args else kwargs.get("update", ""))):
                self.failed = "an update whose result differs from one evaluation to the next"
                raise CopyFailed(self.failed)
            if not self.ready:
                self._pending.append((method, args, kwargs))
                return
            try:
                self._apply((method, args, kwargs))
            except CopyFailed as exc:
                self.failed, self.ready = str(exc), False
                raise

    def _apply(self, write: tuple) -> None:
        method, args, kwargs = write
        if method in QUADS:
            kwargs = dict(kwargs)
            quads = args[0] if args else kwargs.pop("quads")
            write = (method, (ox.serialize(quads, format=ox.RdfFormat.N_QUADS), *args[1:]), kwargs)
        try:
            send_message(self._control, ("write", *write))
            reply = receive_message(self._control)
        except (EOFError, OSError) as exc:
            raise CopyFailed(f"the process holding the copy ended: {exc}") from None
        if reply[0] != "ok":
            raise CopyFailed(reply[1])
        self.generation += 1

    def fork(self, context) -> tuple[Connection, int, int]:
        """A new query worker forked from the copy: its connection, process id and generation.

        :raises CopyFailed: the copy is not there (any more).
        """
        ours, theirs = context.Pipe()
        with self._lock:
            if not self.ready:
                ours.close(), theirs.close()
                raise CopyFailed(self.failed or "the copy is still loading")
            try:
                send_message(self._control, ("fork",))
                reduction.send_handle(self._control, theirs.fileno(), self.process.pid)
                reply = receive_message(self._control)
            except (EOFError, OSError) as exc:
                self.failed, self.ready = f"the process holding the copy ended: {exc}", False
                ours.close()
                raise CopyFailed(self.failed) from None
            finally:
                theirs.close()
            return ours, reply[1], self.generation

    def close(self) -> None:
        """Stop the process holding the copy (its workers stop when their connections close)."""
        self._control.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)


class Mirrored:
    """The store on disk, with every write also made in the in-memory copy (see the module's docstring).

    Reads go to the store on disk unchanged. A write is made on disk, then in the copy, under one
    lock; if the copy cannot make it, ``on_copy_failed`` is called (it starts a new copy).
    """

    def __init__(self, store, copy: MemoryCopy | None = None, on_copy_failed=lambda reason: None):
        self._store = store
        self.copy = copy
        self.lock = threading.RLock()
        self.writes = 0
        """Writes begun: a figure measured before a write began is not to be trusted after it."""
        self._on_copy_failed = on_copy_failed

    def __getattr__(self, name):
        attribute = getattr(self._store, name)
        if name in WRITES:
            return lambda *args, **kwargs: self._write(name, args, kwargs)
        return attribute

    def __iter__(self):
        return iter(self._store)

    def __len__(self):
        return len(self._store)

    def __contains__(self, quad):
        return quad in self._store

    def _write(self, method: str, args: tuple, kwargs: dict):
        args, kwargs = _repeatable(method, args, kwargs)
        with self.lock:
            self.writes += 1
            result = getattr(self._store, method)(*args, **kwargs)
            copy = self.copy
            if copy is not None:
                try:
                    copy.apply(method, args, kwargs)
                except CopyFailed as exc:
                    self._on_copy_failed(str(exc))
            return result


def _repeatable(method: str, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """The arguments of a write, made so that they can be given twice (and sent to another process):
    an iterator of quads becomes a list, a file read becomes its bytes."""
    if method in ("extend", "bulk_extend"):
        args = (list(args[0]), *args[1:]) if args else args
        if "quads" in kwargs:
            kwargs = {**kwargs, "quads": list(kwargs["quads"])}
    elif method in ("load", "bulk_load"):
        if args and hasattr(args[0], "read"):
            args = (args[0].read(), *args[1:])
        if hasattr(kwargs.get("input"), "read"):
            kwargs = {**kwargs, "input": kwargs["input"].read()}
    return args, kwargs
