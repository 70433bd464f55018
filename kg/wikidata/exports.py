"""One entry point for the Wikidata-style exports, shared by the CLI and the HTTP routes."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import BadRequest, NotFound
from kg.namespaces import BASE
from kg.wikidata.quickstatements import export
from kg.store.embedded import read_graphs
from kg.wikidata.wikibase import KGWD, WIKIBASE_GRAPH, item

KINDS = {"quickstatements": "text/tab-separated-values", "qs-csv": "text/csv", "wikibase": "text/turtle"}


def render_export(store: ox.Store, kind: str, entity: str | None = None) -> tuple[str, int]:
    """Return the export text and how many statements it had to leave out."""
    if kind not in KINDS:
        raise BadRequest(f"unknown export {kind!r}; use one of: {', '.join(KINDS)}")
    view = read_graphs(store, [str(WIKIBASE_GRAPH)])
    target = None
    if entity:
        target = URIRef(entity) if entity.startswith(str(KGWD)) else item(URIRef(entity)) if entity.startswith(BASE) else None
        if target is None or (target, None, None) not in view:
            raise NotFound(f"no item {entity} in the Wikibase view")
    if kind == "wikibase":
        if target is not None:
            view = view.cbd(target)
        return view.serialize(format="turtle"), 0
    result = export(view, target)
    return (result.to_v1() if kind == "quickstatements" else result.to_csv()), result.skipped
