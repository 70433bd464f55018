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
from kg.namespaces import BASE, ONTOLOGY_GRAPH, SCHEMA, WD
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
        ontology = read_graphs(store, [str(ONTOLOGY_GRAPH)])
        return reconciliation_csv(view, result.unlinked, _entities(store), ontology), result.skipped
    return (result.to_v1() if kind == "quickstatements" else result.to_csv()), result.skipped


def reconciliation_csv(view: Graph, items: list[URIRef], entities: dict[URIRef, tuple[str, list[str]]],
                       ontology: Graph) -> str:
    """The items an export leaves out (neither linked nor marked new), one row each.

    :param entities: the entity IRI and ``rdf:type`` of each local item (``item(entity) -> ...``);
        where the view states no P31, the entity's own class gives the type (the ontology's
        label, and its Wikidata class where aligned).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RECONCILE_COLUMNS)
    for local in items:
        entity, classes = entities.get(local, ("", []))
        types = sorted(view.objects(local, WDT.P31)) or [_aligned(ontology, URIRef(c)) for c in sorted(classes)]
        names = [str(t) for t in sorted(view.objects(local, RDFS.label)) if getattr(t, "language", "en") == "en"]
        spellings = sorted({str(a) for a in view.objects(local, SKOS.altLabel)} - set(names))
        writer.writerow([
            entity,
            names[0] if names else "",
            "; ".join(_label(view, t) or _label(ontology, t) for t in types),
            "; ".join(str(t)[len(str(WD)):] for t in types if str(t).startswith(str(WD))),
            "; ".join(spellings),
            " ".join(str(d) for d in sorted(view.objects(local, SCHEMA.description))),
            str(local),
        ])
    return out.getvalue()


def _label(graph: Graph, term) -> str:
    labels = [str(t) for t in graph.objects(term, RDFS.label) if getattr(t, "language", "en") in ("en", None)]
    return min(labels) if labels else ""


def _aligned(ontology: Graph, cls: URIRef) -> URIRef:
    """The Wikidata class an ontology class is aligned to (``skos:exactMatch``), else itself."""
    match = ontology.value(cls, SKOS.exactMatch)
    return match if match is not None and str(match).startswith(str(WD)) else cls


def _entities(store: ox.Store) -> dict[URIRef, tuple[str, list[str]]]:
    """Every typed entity of this graph (outside the Wikibase view), by its local item: its IRI
    and its classes."""
    entities: dict[URIRef, tuple[str, list[str]]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None):
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(BASE) and \
                not subject.value.startswith(str(KGWD)) and isinstance(quad.object, ox.NamedNode):
            entity, classes = entities.setdefault(item(URIRef(subject.value)), (subject.value, []))
            if quad.object.value.startswith(BASE) and quad.object.value not in classes:
                classes.append(quad.object.value)
    return entities
