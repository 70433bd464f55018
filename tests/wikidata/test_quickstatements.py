"""QuickStatements exports, checked line by line against the QuickStatements V1 grammar."""

from __future__ import annotations

import csv
import io
import re

import pytest

from kg.wikidata.exports import render_export

VALUE = (r'(?:Q\d+|"[^"\t]*"|[a-z]{2,3}:"[^"\t]*"|\+\d{4}-\d\d-\d\dT00:00:00Z/(?:9|10|11)'
         r'|-?\d+(?:\.\d+)?(?:~\d+(?:\.\d+)?|\[-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?\])?)')
LABEL = re.compile(r'^(?:Q\d+|LAST)\t[LAD][a-z]{2,3}\t"[^"\t]*"$')
STATEMENT = re.compile(rf"^(?:Q\d+|LAST)\tP\d+\t{VALUE}(?:\tP\d+\t{VALUE})*(?:\tS\d+\t{VALUE})+$")
M8 = "https://w3id.org/sco-rats/meeting/rats-conference/8"


@pytest.fixture(scope="module")
def everything(store) -> str:
    return render_export(store, "quickstatements")[0]


def test_every_line_follows_the_grammar(everything):
    lines = everything.splitlines()
    assert lines
    for line in lines:
        assert line == "CREATE" or LABEL.match(line) or STATEMENT.match(line), line


def test_the_8th_conference_is_created_with_statements_and_references(store):
    text, _ = render_export(store, "quickstatements", M8)
    lines = text.splitlines()
    assert lines[0] == "CREATE" and lines[1] == 'LAST\tLen\t"8th scientific-practical conference of the SCO RATS"'
    by_property = {line.split("\t")[1]: line for line in lines[2:]}
    assert by_property["P393"].startswith('LAST\tP393\t"8"\tS1683\ten:"8th International Scientific')
    assert by_property["P580"].startswith("LAST\tP580\t+2022-11-08T00:00:00Z/11\t")
    assert by_property["P582"].startswith("LAST\tP582\t+2022-11-09T00:00:00Z/11\t")
    assert by_property["P276"].startswith("LAST\tP276\tQ269\t")
    assert by_property["P1476"].startswith('LAST\tP1476\ten:"Contemporary Security: Challenges and Solutions"\tS1683')
    participants = [line.split("\t")[2] for line in lines if "\tP710\t" in line]
    assert {"Q668", "Q159", "Q148", "Q184", "Q711", "Q8475"} <= set(participants)


def test_precisions_and_quantities(everything):
    assert "\tP585\t+2017-06-01T00:00:00Z/10\t" in everything  # June 2017: month precision
    assert "\tP585\t+2022-01-01T00:00:00Z/9\t" in everything  # the year of a statistic
    assert "\tP1114\t25000~500\t" in everything  # approximately 25,000
    assert "\tP1114\t160[161,1600]\t" in everything  # more than 160
    assert "\tP1114\t69\t" in everything  # exactly


def test_publication_date_is_a_source_and_no_year_is_invented(everything, store):
    assert "\tS577\t+2024-09-08T00:00:00Z/11" in everything
    assert not re.search(r"\t\+?--\d\d-\d\d", everything)  # no day without a year exported as a date
    # The 7th and 9th conferences are dated without a year: none is exported for them (a
    # yearly series since 2013 would put the 9th in 2021). 2021 itself is a real year of the
    # corpus (Pabbi-Anti-Terror-2021).
    for edition in ("7", "9"):
        text, _ = render_export(store, "quickstatements", f"https://w3id.org/sco-rats/meeting/rats-conference/{edition}")
        assert "\tP580\t" not in text and "\tP582\t" not in text and "+2021" not in text


def test_memberships_without_their_role_are_not_exported(everything):
    # Roles have no verified QID; "member of" without the role would make observers members.
    assert "\tP463\t" not in everything


def test_csv_form(store):
    text, skipped = render_export(store, "qs-csv", M8)
    header, row = list(csv.reader(io.StringIO(text)))
    assert header[0] == "qid" and row[0] == "" and "P393" in header and "S1683" in header
    assert row[header.index("P393")] == '"8"' and row[header.index("P580")] == "+2022-11-08T00:00:00Z/11"
    assert skipped > 0  # organisations without QIDs among the participants


def test_http_routes(client):
    response = client.get("/export/quickstatements", query_string={"entity": M8})
    assert response.status_code == 200 and response.get_data(as_text=True).startswith("CREATE\n")
    assert int(response.headers["X-Skipped-Statements"]) > 0
    assert client.get("/export/wikibase", query_string={"entity": M8}).mimetype == "text/turtle"
    assert client.get("/export/nope").status_code == 400
    assert client.get("/export/quickstatements", query_string={"entity": "https://w3id.org/sco-rats/person/x"}).status_code == 404


def test_recorded_qids_let_the_export_write_stated_in_and_item_values(built, tmp_path):
    """After a batch has created the source and series items, their QIDs go into
    ``curation/qids.yaml`` and the next export writes S248 and P179 (test QIDs, not real ones)."""
    from rdflib import URIRef

    from kg.namespaces import AUTHORITY_GRAPH, ONTOLOGY_GRAPH
    from kg.wikidata.quickstatements import export
    from kg.wikidata.curation import Curation
    from kg.wikidata.wikibase import item

    (tmp_path / "qids.yaml").write_text(
        "- entity: https://w3id.org/sco-rats/source/002_cdc5ba49de91e49a\n  qid: Q900000002\n  note: test batch\n"
        "- entity: https://w3id.org/sco-rats/series/rats-conference\n  qid: Q900000001\n  note: test batch\n"
        "- entity: https://w3id.org/sco-rats/source/003_447af5d37e1149f2\n  qid: Q900000003\n  note: test batch\n")
    view = Curation.from_folder(tmp_path).view([m.stated for m in built.sources], built.dataset.graph(AUTHORITY_GRAPH),
                                               built.dataset.graph(ONTOLOGY_GRAPH))
    lines = export(view, item(URIRef(M8))).to_v1().splitlines()
    by_property = {line.split("\t")[1]: line for line in lines[1:]}
    assert "\tS248\tQ900000002\t" in by_property["P580"]
    assert by_property["P179"].startswith("LAST\tP179\tQ900000001\tS248\tQ900000002\t")
    for line in lines:
        assert line == "CREATE" or LABEL.match(line) or STATEMENT.match(line), line
    source_lines = export(view, item(URIRef("https://w3id.org/sco-rats/source/003_447af5d37e1149f2"))).to_v1()
    assert source_lines.startswith('Q900000003\tP1476\ten:"Tashkent hosts RATS SCO conference')  # by QID, not created


@pytest.mark.parametrize("text, message", [
    ("- entity: https://w3id.org/sco-rats/source/x\n  qid: 900\n  note: n\n", "not a QID"),
    ("- entity: http://example.org/x\n  qid: Q1\n  note: n\n", "not an entity IRI of this graph"),
    ("- entity: https://w3id.org/sco-rats/source/x\n  qid: Q1\n", "entry 1: missing note"),
    ("entity: x\n", "expected a list"),
])
def test_a_bad_qid_entry_is_refused_with_its_number(tmp_path, text, message):
    from kg.errors import BadRequest
    from kg.wikidata.curation import load_qids

    (tmp_path / "qids.yaml").write_text(text)
    with pytest.raises(BadRequest, match=message):
        load_qids(tmp_path / "qids.yaml")
