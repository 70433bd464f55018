"""Try a SPARQL update on a checkpoint of the store, in a process a time limit can stop.

Oxigraph applies an update in one call that Python cannot interrupt, in the server's own
process, under the write lock: a cartesian ``INSERT … WHERE`` ran 75 s at 100 % until the
server was killed. So before an update is applied, :func:`try_update` runs it on a RocksDB
checkpoint of the store (hard links, made in milliseconds) in a process of its own: past the
time limit that process is killed and the update refused, with nothing changed; a parser that
crashes takes only that process down. An update that finishes is then applied for real,
where it takes about as long again, so an update holds the server for at most twice the limit.
An in-memory store (tests) or a remote one (which enforces its own limits) is not tried.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from kg.errors import BadRequest, KGError
from kg.namespaces import BASE
from kg.store import sandbox


class UpdateTimeout(KGError):
    """The update ran past the time limit on the checkpoint; nothing was changed."""

    status = 503


def try_update(store, update: str, *, prefixes: dict, timeout: float, folder: str | None = None) -> bool:
    """Run ``update`` on a checkpoint of ``store`` within ``timeout`` seconds; return whether it was tried.

    :raises UpdateTimeout: it ran past ``timeout``.
    :raises SyntaxError: Oxigraph's syntax error, as :meth:`pyoxigraph.Store.update` raises it.
    :raises RuntimeError: Oxigraph's evaluation error.
    :raises BadRequest: the process trying it died (a parser crash).
    """
    if not isinstance(store, ox.Store):
        return False
    scratch = Path(tempfile.mkdtemp(prefix="kg-update-trial-", dir=folder))
    try:
        try:
            store.backup(str(scratch / "store"))
        except (RuntimeError, OSError):
            return False  # an in-memory store has no checkpoint
        context = multiprocessing.get_context("spawn")
        answers, child = context.Pipe(duplex=False)
        process = context.Process(target=_trial, args=(str(scratch / "store"), update, prefixes, child), daemon=True)
        process.start()
        child.close()
        try:
            if not answers.poll(timeout):
                process.kill()
                raise UpdateTimeout(f"the update ran past this endpoint's limit of {timeout:g} s and was stopped; "
                                    "nothing was changed. Narrow its WHERE clause, or split it")
            try:
                kind, message = answers.recv()
            except EOFError:
                raise BadRequest("the update could not be evaluated (the process trying it ended); nothing was "
                                 "changed") from None
        finally:
            process.join(timeout=5)
            answers.close()
        if kind == "syntax":
            raise SyntaxError(message)
        if kind == "error":
            raise RuntimeError(message)
        return True
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _trial(location: str, update: str, prefixes: dict, connection) -> None:
    sandbox.forbid_network_if_asked()
    try:
        ox.Store(location).update(update, base_iri=BASE, prefixes=prefixes)
    except SyntaxError as exc:
        connection.send(("syntax", str(exc)))
    except Exception as exc:  # noqa: BLE001 - reported to the server as the update's error
        connection.send(("error", str(exc)))
    else:
        connection.send(("ok", ""))
