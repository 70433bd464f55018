"""The Wikidata-style exports (kg/wikidata/exports.py): QuickStatements, the Wikibase RDF view and
the list of unlinked entities for OpenRefine, of the whole graph or of one entity."""

from __future__ import annotations

import csv
import io

from kg.wikidata.exports import RECONCILE_COLUMNS, render_export

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
