"""One entry point for the Wikidata-style exports, shared by the CLI and the HTTP routes.

``quickstatements`` and ``qs-csv`` write the items that have a QID or that a curator marked as
new (:mod:`kg.wikidata.quickstatements`); ``reconcile-csv`` lists every other item of the view,
the ones an export leaves out, for a curator to reconcile against Wikidata in OpenRefine
(:func:`reconciliation_csv`); ``wikibase`` is the Wikibase RDF view itself.
"""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from kg.errors import BadRequest, NotFound
from kg.namespaces import BASE, SCHEMA, WD
from kg.wikidata.quickstatements import export
from kg.store.embedded import read_graphs
from kg.wikidata.wikibase import KGWD, WDT, WIKIBASE_GRAPH, item

KINDS = {"quickstatements": "text/tab-separated-values", "qs-csv": "text/csv", "wikibase": "text/turtle",
         "reconcile-csv": "text/csv"}

RECONCILE_COLUMNS = ["entity", "name", "type", "type_qid", "spellings", "description", "item"]
"""The reconciliation list: the entity IRI (what ``curation/qids.yaml`` records), its English
name, its type (label, and the Wikidata class where the ontology is aligned: reconcile against
it), every other spelling separated by ``; `` (OpenRefine's "Split multi-valued cells" takes it
apart), its description, and its item in the Wikibase view."""


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
    if kind == "reconcile-csv":
        return reconciliation_csv(view, result.unlinked, _entities(store)), result.skipped
    return (result.to_v1() if kind == "quickstatements" else result.to_csv()), result.skipped


def reconciliation_csv(view: Graph, items: list[URIRef], entities: dict[URIRef, str]) -> str:
    """The items an export leaves out (neither linked nor marked new), one row each.

    :param entities: the entity IRI of each local item (``item(entity) -> entity``).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECONCILE_COLUMNS)
    for local in items:
        types = sorted(view.objects(local, WDT.P31))
        names = [str(t) for t in sorted(view.objects(local, RDFS.label)) if getattr(t, "language", "en") == "en"]
        spellings = sorted({str(a) for a in view.objects(local, SKOS.altLabel)} - set(names))
        writer.writerow([
            entities.get(local, ""),
            names[0] if names else "",
            "; ".join(_label(view, t) for t in types),
            "; ".join(str(t)[len(str(WD)):] for t in types if str(t).startswith(str(WD))),
            "; ".join(spellings),
            " ".join(str(d) for d in sorted(view.objects(local, SCHEMA.description))),
            str(local),
        ])
    return out.getvalue()


def _label(view: Graph, term) -> str:
    label = view.value(term, RDFS.label)
    return str(label) if label is not None else str(term).rsplit("/", 1)[1]


def _entities(store: ox.Store) -> dict[URIRef, str]:
    """Every typed entity of this graph (outside the Wikibase view), by its local item."""
    entities = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(BASE) and \
                not subject.value.startswith(str(KGWD)):
            entities.setdefault(item(URIRef(subject.value)), subject.value)
    return entities
