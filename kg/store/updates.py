"""The update log: every SPARQL update the server acknowledged, kept so a rebuild replays it.

``kg build`` makes a new store from the seeds and ``accepted/``; an update sent to ``/update``
lives only in the old store, so without a record it would vanish at the next build. Each
update the server applies is written to ``updates/NNNNNN.rq`` (beside ``accepted/``) before
its 204 is sent: to a temporary file, synced, renamed in one step and the folder synced, so
an acknowledged update is on disk even if the machine stops the next moment. ``kg build``
replays the log, in order, after loading the seeds and the accepted sources.

A crash between applying an update and recording it loses an update that was never
acknowledged (the client got no 204), which is the promise: nothing acknowledged is lost.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from kg.errors import BadRequest
from kg.namespaces import BASE

SUFFIX = ".rq"


def recorded(folder: Path) -> list[Path]:
    """The recorded updates in the order they were applied."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*" + SUFFIX) if p.stem.isdigit())


def record(folder: Path, update: str) -> Path:
    """Append ``update`` to the log durably; return its file. Call it under the write lock."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    done = recorded(folder)
    number = int(done[-1].stem) + 1 if done else 1
    target = folder / f"{number:06d}{SUFFIX}"
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    handle, temporary = tempfile.mkstemp(prefix=".update.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"# applied through /update at {stamp}\n{update}\n")
            out.flush()
            os.fsync(out.fileno())
        os.rename(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    sync_folder(folder)
    return target


def replay(store, folder: Path, *, prefixes: dict | None = None) -> int:
    """Apply every recorded update to ``store`` in order; return how many.

    :raises BadRequest: an update that no longer applies, naming its file.
    """
    paths = recorded(folder)
    for path in paths:
        try:
            store.update(path.read_text(encoding="utf-8"), base_iri=BASE, prefixes=prefixes)
        except (SyntaxError, RuntimeError, OSError) as exc:
            raise BadRequest(f"{path}: this recorded update no longer applies ({exc}); fix or remove the file "
                             "and build again") from None
    return len(paths)


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove temporary files a crash left while recording; return them."""
    folder = Path(folder)
    left = list(folder.glob(".update.*")) if folder.is_dir() else []
    for path in left:
        path.unlink(missing_ok=True)
    return left


def sync_folder(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (the folder's own entry, not only the files')."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
