"""The store: Oxigraph embedded (on disk at a path, or in memory), or a remote SPARQL server.

One rule everywhere (as Oxigraph's own): a path means on disk, ``None`` means in memory,
and an ``http(s)://`` URL means a SPARQL 1.1 server (:mod:`kg.store.remote`). Either way callers
get an object with ``pyoxigraph.Store``'s interface, so nothing else knows which it is.

The default graph holds the RDF merge of all named graphs, kept by every write here
(:func:`add_graphs`, :func:`refresh_default_graph`). Oxigraph's own "default graph as
union" option evaluates patterns over every quad, so a triple two sources state would
match twice; a materialised merge gives SPARQL's set semantics.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef

from kg.errors import KGError
from kg.store.remote import RemoteStore, is_url

DEFAULT_STORE = Path("var") / "store"
"""Where ``kg build`` writes and ``kg serve`` reads, unless ``--store`` or ``KG_STORE`` say otherwise."""

Store = ox.Store | RemoteStore
Location = Path | str

FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
SUFFIXES = {".nq": "nquads", ".trig": "trig", ".ttl": "turtle", ".nt": "ntriples"}


def default_store_location() -> Location:
    """Return the store location from ``KG_STORE`` (a directory or a SPARQL server's URL), or :data:`DEFAULT_STORE`."""
    location = os.environ.get("KG_STORE")
    if not location:
        return DEFAULT_STORE
    return location if is_url(location) else Path(location)


def open_store(location: Location | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``location``: a directory (created if missing), a SPARQL server's URL, or memory."""
    if location is None:
        return ox.Store()
    if is_url(location):
        return RemoteStore.from_url(str(location), read_only=read_only)
    if read_only:
        return ox.Store.read_only(str(location))
    return ox.Store(str(location))


def quads_of(graphs: Iterable[Graph]) -> list[ox.Quad]:
    """Return the triples of each graph as quads in the named graph of its identifier."""
    quads = []
    for graph in graphs:
        name = ox.NamedNode(str(graph.identifier))
        quads.extend(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in graph)
    return quads


def default_graph_quads(graph: Graph) -> list[ox.Quad]:
    """Return the triples of ``graph`` as quads of the default graph."""
    return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in graph]


def with_merge(quads: list[ox.Quad]) -> list[ox.Quad]:
    """``quads`` (in named graphs), then the same triples in the default graph (the merge)."""
    return quads + [ox.Quad(q.subject, q.predicate, q.object) for q in quads]


def dataset_quads(graphs: Iterable[Graph]) -> list[ox.Quad]:
    """The quads of each graph in its named graph, and their merge in the default graph."""
    return with_merge(quads_of(graphs))


def add_graphs(store: Store, graphs: Iterable[Graph]) -> list[ox.Quad]:
    """Add each graph to its named graph and to the default graph (the merge), in one transaction;
    return the named-graph quads."""
    quads = quads_of(graphs)
    store.extend(with_merge(quads))
    return quads


def load_graphs(store: Store, graphs: Iterable[Graph]) -> int:
    """Add every triple of each graph to the named graph of its identifier; return the count."""
    return len(add_graphs(store, graphs))


def refresh_default_graph(store: Store) -> None:
    """Recompute the default graph as the merge of the named graphs (after a bulk load or an update)."""
    store.update("DROP SILENT DEFAULT ; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")


def named_quads(store: Store) -> Iterable[ox.Quad]:
    """Every quad of a named graph: the dataset without its derived default graph."""
    return (q for q in store if not isinstance(q.graph_name, ox.DefaultGraph))


def dump(store: Store, format_: ox.RdfFormat) -> bytes:
    """Serialise the named graphs (the default graph is derived from them)."""
    return ox.serialize(named_quads(store), format=format_)


def parse_nquads(path: Path) -> dict[str, Graph]:
    """Read an N-Quads file into rdflib graphs, one per graph name."""
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        name = quad.graph_name.value
        graph = graphs.setdefault(name, Graph(identifier=URIRef(name)))
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graphs


def to_rdflib(term):
    """Convert a pyoxigraph term to its rdflib equivalent."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):
        # RDF 1.1: a simple literal is an xsd:string, but rdflib tells them apart.
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def graph_names(store: Store, prefix: str) -> list[str]:
    """Return the IRIs of the named graphs that start with ``prefix``, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))


def graph_subjects(store: Store, name: str) -> set:
    """The subjects of the named graph ``name``, as rdflib terms, found by the engine (reading the
    graph into rdflib to list them took ten times as long)."""
    query = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
    return {to_rdflib(solution[0]) for solution in store.query(query)}


def read_graphs(store: Store, names: Iterable[str], into: Graph | None = None) -> Graph:
    """Copy the triples of the named graphs ``names`` into one rdflib graph (their union)."""
    graph = into if into is not None else Graph()
    for name in names:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


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


def to_oxigraph(term):
    """Convert an rdflib term to its pyoxigraph equivalent."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


class StoreInUse(KGError):
    """Another process (usually a running ``kg serve``) holds the store's lock."""

    status = 409


def _in_use(location, exc: OSError) -> StoreInUse | None:
    text = str(exc)
    if "LOCK" in text and ("lock" in text.lower()):
        return StoreInUse(
            f"the store at {location} is in use by another process (a running kg serve?). Write through the "
            "server instead (POST /sources or /update with the token), or stop it first and run this again")
    return None


def open_writable(location: Location) -> Store:
    """Open the store at ``location`` for writing, saying what to do when a server holds it.

    :raises StoreInUse: another process holds the store's lock.
    """
    try:
        return open_store(location)
    except OSError as exc:
        in_use = _in_use(location, exc)
        if in_use is None:
            raise
        raise in_use from None


def replace_store(build_dir: Path, target: Path) -> None:
    """Swap a finished store into ``target`` while holding the lock of the store it replaces.

    A server reading ``target`` holds that lock, so a build while it serves is refused (the
    server would go on writing to files the swap deleted, and lose what it wrote) instead of
    pulling the store away from under it. The lock is RocksDB's own (``LOCK``, a POSIX record
    lock), taken on the file rather than by opening the store: a store open here would write
    its closing files by path, into the new store moved to the same place.

    :raises StoreInUse: a running server holds ``target``.
    """
    target = Path(target)
    lock = target / "LOCK"
    if not lock.exists():
        replace_directory(build_dir, target)
        return
    descriptor = os.open(lock, os.O_RDWR)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise _in_use(target, OSError(f"While lock file: {lock}: {exc.strerror}")) from None
        replace_directory(build_dir, target)
    finally:
        os.close(descriptor)
