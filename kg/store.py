"""The store: an Oxigraph-backed rdflib ``Dataset``, on disk at a path or in memory.

One rule everywhere (as Oxigraph's own): a path means on disk, ``None`` means in memory.
No other module names a store plugin. Queries go to Oxigraph's own SPARQL engine through
oxrdflib (rdflib's evaluator is tens of times slower), with the default graph being the
union of all named graphs, as documented in the README.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, BNode, Dataset, Graph, URIRef

DEFAULT_STORE = Path("var") / "store"
"""Where ``kg build`` writes and ``kg serve`` reads, unless ``--store`` or ``KG_STORE`` say otherwise."""

FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
SUFFIXES = {".nq": "nquads", ".trig": "trig", ".ttl": "turtle", ".nt": "ntriples"}


def default_store_path() -> Path:
    """Return the store path from ``KG_STORE``, or :data:`DEFAULT_STORE`."""
    return Path(os.environ.get("KG_STORE") or DEFAULT_STORE)


def open_store(path: str | Path | None = None, *, read_only: bool = False) -> Dataset:
    """Open the Oxigraph store at ``path`` (created if missing), or a new one in memory."""
    if path is None:
        inner = ox.Store()
    elif read_only:
        inner = ox.Store.read_only(str(path))
    else:
        inner = ox.Store(str(path))
    from oxrdflib import OxigraphStore

    dataset = Dataset(store=OxigraphStore(store=inner), default_union=True)
    return dataset


def oxigraph(dataset: Dataset) -> ox.Store:
    """Return the pyoxigraph store under ``dataset`` for bulk and native operations."""
    return dataset.store._inner


def load_graphs(dataset: Dataset, graphs: Iterable[Graph]) -> int:
    """Add every triple of each graph to the named graph of the same identifier; return the count."""
    store = oxigraph(dataset)
    count = 0
    for graph in graphs:
        name = ox.NamedNode(str(graph.identifier))
        quads = [ox.Quad(_ox(s), _ox(p), _ox(o), name) for s, p, o in graph]
        store.extend(quads)
        count += len(quads)
    return count


def replace_directory(build_dir: Path, target: Path) -> None:
    """Move a finished store into place, so readers never see a half-built one."""
    target = Path(target)
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    Path(build_dir).rename(target)
    if old.exists():
        shutil.rmtree(old)


def _ox(term):
    """Convert an rdflib term to its pyoxigraph equivalent."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
