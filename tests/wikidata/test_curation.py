"""Curators' decisions for the Wikibase view (kg/wikidata/curation.py): preferred values, items
marked new, QIDs recorded from a reconciliation; a bad entry is refused naming its file and number,
and a recorded QID is never silently changed."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import OWL, URIRef

from kg.wikidata.curation import Curation
from kg.wikidata.exports import RECONCILE_COLUMNS, render_export
from kg.wikidata.quickstatements import export
from kg.wikidata.wikibase import item
from tests.wikidata.curating import curated_view, curation_folder

BASE = "https://w3id.org/sco-rats/"


@pytest.mark.parametrize("name, text, message", [
    ("qids.yaml", "- entity: https://w3id.org/sco-rats/source/x\n  qid: 900\n  note: n\n", "not a QID"),
    ("qids.yaml", "- entity: http://example.org/x\n  qid: Q1\n  note: n\n", "not an entity IRI of this graph"),
    ("qids.yaml", "- entity: https://w3id.org/sco-rats/source/x\n  qid: Q1\n", "entry 1: missing note"),
    ("qids.yaml", "entity: x\n", "expected a list"),
    ("new-items.yaml", "- entity: https://w3id.org/sco-rats/city/kabul\n", "entry 1: missing note"),
    ("new-items.yaml", "- entity: http://example.org/x\n  note: n\n", "not an entity IRI of this graph"),
    ("new-items.yaml", "- {entity: https://w3id.org/sco-rats/city/kabul, note: a}\n"
                       "- {entity: https://w3id.org/sco-rats/city/kabul, note: b}\n", "entry 2: .* listed twice"),
])
def test_a_bad_curation_entry_is_refused_with_its_file_and_number(tmp_path, name, text, message):
    from kg.errors import BadRequest

    (tmp_path / name).write_text(text)
    with pytest.raises(BadRequest, match=f"{name}, {message}" if "entry" in message else message):
        Curation.from_folder(tmp_path)


def test_an_entity_cannot_be_both_new_and_on_wikidata(tmp_path):
    from kg.errors import BadRequest

    curation_folder(tmp_path, [BASE + "city/kabul"], {BASE + "city/kabul": "Q900000099"})
    with pytest.raises(BadRequest, match="city/kabul already has a QID"):
        Curation.from_folder(tmp_path)


def _reconciled(store, found: dict[str, str]) -> str:
    """The reconciliation list as OpenRefine gives it back: a qid column added from the matches."""
    rows = list(csv.DictReader(io.StringIO(render_export(store, "reconcile-csv")[0])))
    out = io.StringIO()
    writer = csv.DictWriter(out, RECONCILE_COLUMNS + ["qid"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "qid": found.get(row["entity"], "")})
    return out.getvalue()


def test_the_qids_a_reconciliation_finds_are_recorded_in_qids_yaml(store, built, runner, tmp_path):
    from pathlib import Path

    from kg.cli import cli
    from kg.wikidata.curation import load_qids

    (tmp_path / "curation").mkdir()
    shipped = (Path(__file__).resolve().parents[2] / "curation" / "qids.yaml").read_text()
    (tmp_path / "curation" / "qids.yaml").write_text(shipped)
    found = {BASE + "city/kabul": "Q900000031", BASE + "document/un-charter": "Q900000032"}
    (tmp_path / "reconciled.csv").write_text(_reconciled(store, found))
    result = runner.invoke(cli, ["record-qids", str(tmp_path / "reconciled.csv"), "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "curation" / "qids.yaml").read_text()
    assert text.startswith(shipped.split("\n[]")[0])  # the file's own comments stay
    assert {str(e): q for e, q in load_qids(tmp_path / "curation" / "qids.yaml").items()} == found
    again = runner.invoke(cli, ["record-qids", str(tmp_path / "reconciled.csv"), "--root", str(tmp_path)])
    assert again.exit_code == 0 and (tmp_path / "curation" / "qids.yaml").read_text() == text  # nothing twice
    view = curated_view(built, tmp_path / "curation")
    assert (item(URIRef(BASE + "city/kabul")), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q900000031")) in view
    assert item(URIRef(BASE + "city/kabul")) not in export(view).unlinked  # linked now: no longer to reconcile


@pytest.mark.parametrize("rows, message", [
    ("entity,name\nhttps://w3id.org/sco-rats/city/kabul,Kabul\n", "no qid column"),
    ("entity,qid\nhttps://w3id.org/sco-rats/city/kabul,5838\n", "row 2: '5838' is not a QID"),
    ("entity,qid\nKabul,Q900000031\n", "row 2: 'Kabul' is not an entity IRI"),
    ("entity,qid\nhttps://w3id.org/sco-rats/city/kabul,Q900000031\nhttps://w3id.org/sco-rats/city/kabul,Q900000032\n",
     "row 3: .* already has Q900000031 above"),
])
def test_a_bad_reconciled_list_is_refused_with_its_row(tmp_path, rows, message):
    from kg.errors import BadRequest
    from kg.wikidata.curation import read_reconciled

    with pytest.raises(BadRequest, match=f"reconciled.csv.*{message}"):
        read_reconciled(rows, name="reconciled.csv")


def test_a_recorded_qid_is_never_silently_changed(tmp_path):
    from kg.errors import BadRequest
    from kg.wikidata.curation import record_qids

    curation_folder(tmp_path, [BASE + "city/turkestan"], {BASE + "city/kabul": "Q900000031"})
    with pytest.raises(BadRequest, match="city/kabul already has Q900000031, not Q900000033"):
        record_qids(tmp_path / "qids.yaml", {URIRef(BASE + "city/kabul"): "Q900000033"}, "n")
    with pytest.raises(BadRequest, match="city/turkestan is marked new but has Q900000034"):
        record_qids(tmp_path / "qids.yaml", {URIRef(BASE + "city/turkestan"): "Q900000034"}, "n")


def test_a_bad_curation_entry_is_refused(tmp_path):
    from kg.errors import BadRequest
    from kg.wikidata.curation import load_preferences

    curation = tmp_path / "preferred.yaml"
    curation.write_text("- item: https://w3id.org/sco-rats/meeting/rats-conference/8\n  property: P580\n")
    with pytest.raises(BadRequest, match="entry 1: missing value, reason"):
        load_preferences(curation)
