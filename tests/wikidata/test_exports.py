"""The Wikidata-style exports (kg/wikidata/exports.py): QuickStatements, the Wikibase RDF view and
the list of unlinked entities for OpenRefine, of the whole graph or of one entity."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Graph, URIRef

from kg.errors import BadRequest, NotFound
from kg.wikidata.exports import KINDS, RECONCILE_COLUMNS, render_export
from kg.wikidata.wikibase import item

BASE = "https://w3id.org/sco-rats/"
ONTOLOGY = BASE + "ontology#"


def test_unlinked_items_are_listed_for_reconciliation(store):
    text, _ = render_export(store, "reconcile-csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == RECONCILE_COLUMNS
    by_entity = {row["entity"]: row for row in rows}
    for unlinked in ("city/kabul", "document/un-charter", "meeting/rats-conference/8", "ontology#observer"):
        assert BASE + unlinked in by_entity, unlinked
    assert by_entity[BASE + "document/un-charter"]["name"] == "Charter of the United Nations"
    assert by_entity[BASE + "meeting/rats-conference/8"]["type"] == "scientific-practical conference"
    assert by_entity[BASE + "city/kabul"]["type"] == "city"  # no source states it: the entity's own class
    assert by_entity[ONTOLOGY + "observer"]["type"] == "role"
    assert not any(row["entity"].endswith("/state/india") for row in rows)  # India has a QID
    assert all(row["entity"].startswith(BASE) and row["item"] for row in rows)


def test_every_kind_of_export_of_one_entity(store):
    meeting = BASE + "meeting/rats-conference/8"
    v1, skipped = render_export(store, "quickstatements", meeting)
    assert v1 == "" and skipped > 0  # neither linked nor marked new: nothing is created, what was left is counted
    turtle, _ = render_export(store, "wikibase", meeting)
    view = Graph().parse(data=turtle, format="turtle")
    assert set(view.subjects()) >= {item(URIRef(meeting))} and len(view) > 10
    by_item, _ = render_export(store, "wikibase", str(item(URIRef(meeting))))  # the item's own IRI works too
    assert len(Graph().parse(data=by_item, format="turtle")) == len(view)


def test_an_unknown_export_or_item_is_refused(store):
    with pytest.raises(BadRequest, match="unknown export 'pdf'; use one of: quickstatements, qs-csv"):
        render_export(store, "pdf")
    with pytest.raises(NotFound, match="no item https://w3id.org/sco-rats/person/nobody in the Wikibase view"):
        render_export(store, "qs-csv", BASE + "person/nobody")
    with pytest.raises(NotFound):
        render_export(store, "wikibase", "http://example.org/elsewhere")
    assert set(KINDS) == {"quickstatements", "qs-csv", "wikibase", "reconcile-csv"}
