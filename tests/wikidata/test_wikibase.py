"""The Wikibase view (kg/wikidata/wikibase.py): statements, references, ranks, values, and WDQS-style querying."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import OWL, XSD, Graph, Literal, URIRef
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.validation.intake import from_mapping
from kg.namespaces import AUTHORITY_GRAPH, ONTOLOGY_GRAPH, RATS, WD
from kg.web.named_queries import load_queries
from kg.wikidata.wikibase import KGWD, P, PR, PROV, PS, PSV, WDT, WIKIBASE, WIKIBASE_GRAPH, _quantity, item, wikibase_graph

ROOT = Path(__file__).resolve().parents[2]
M8 = KGWD["meeting-rats-conference-8"]


@pytest.fixture(scope="module")
def view(built) -> Graph:
    return built.dataset.graph(WIKIBASE_GRAPH)


def statements(view: Graph, subject, pid: str) -> list:
    return list(view.objects(subject, P[pid]))


def test_edition_is_a_string_and_start_a_day_precise_time(view):
    assert list(view.objects(M8, WDT.P393)) == [Literal("8")]
    (statement,) = statements(view, M8, "P580")
    value = view.value(statement, PSV.P580)
    assert view.value(value, WIKIBASE.timeValue) == Literal("2022-11-08T00:00:00Z", datatype=XSD.dateTime)
    assert int(view.value(value, WIKIBASE.timePrecision)) == 11
    assert view.value(value, WIKIBASE.timeCalendarModel) == WD.Q1985727


def test_month_precision_and_no_time_without_a_year(view):
    summit = KGWD["meeting-sco-summit-2017-06-astana"]
    value = view.value(statements(view, summit, "P585")[0], PSV.P585)
    assert int(view.value(value, WIKIBASE.timePrecision)) == 10
    assert statements(view, KGWD["meeting-rats-conference-7"], "P580") == []  # "November 6-7": no year


def test_every_statement_has_a_reference_with_source_date_and_quote(view):
    council = KGWD["meeting-rats-council-40"]
    for statement in view.subjects(WIKIBASE.rank, WIKIBASE.NormalRank):
        references = list(view.objects(statement, PROV.wasDerivedFrom))
        assert references, statement
        for reference in references:
            assert view.value(reference, PR.P248) is not None and view.value(reference, PR.P1683) is not None
    (chair,) = [s for s in statements(view, council, "P710") if view.value(s, PS.P710) == KGWD["state-kazakhstan"]]
    # Two sources state the chair (seed 004 and the silkway report): one reference each.
    (reference,) = [r for r in view.objects(chair, PROV.wasDerivedFrom)
                    if str(view.value(r, PR.P1683)) == "Under the presidency of Kazakhstan"]
    assert view.value(reference, PR.P577) == Literal("2024-09-08T00:00:00Z", datatype=XSD.dateTime)


def test_participation_role_is_an_object_has_role_qualifier(view):
    """The role is the participant's (the statement's value): P3831, as P2868's documentation says."""
    council = KGWD["meeting-rats-council-40"]
    roles = {view.value(s, PS.P710): view.value(s, URIRef("http://www.wikidata.org/prop/qualifier/P3831"))
             for s in statements(view, council, "P710")}
    assert roles[KGWD["state-belarus"]] == KGWD["class-observer"]
    assert roles[KGWD["state-kazakhstan"]] == KGWD["class-chair"]


@pytest.mark.parametrize("qualifier", [RATS.exactly, RATS.approximately, RATS.moreThan, RATS.atLeast])
def test_a_quantity_never_has_bounds_the_source_does_not_state(qualifier):
    quantity = _quantity(Literal(160), qualifier)
    assert (quantity.amount, quantity.lower, quantity.upper) == (Decimal(160), None, None)


@pytest.mark.parametrize("statistic, amount, circumstance", [
    ("statistic-rats-conference-9-participating-countries", 17, None),
    ("statistic-rats-conference-9-online-materials-blocked", 25000, WD.Q5727902),  # approximately: circa
    ("statistic-rats-conference-9-participants", 160, KGWD["class-moreThan"]),  # more than
])
def test_how_a_figure_relates_to_the_true_one_is_a_sourcing_circumstances_qualifier(view, statistic, amount,
                                                                                      circumstance):
    (statement,) = statements(view, KGWD[statistic], "P1114")
    value = view.value(statement, PSV.P1114)
    assert view.value(value, WIKIBASE.quantityAmount).toPython() == amount
    assert view.value(value, WIKIBASE.quantityLowerBound) is None and view.value(value, WIKIBASE.quantityUpperBound) is None
    assert view.value(statement, URIRef("http://www.wikidata.org/prop/qualifier/P1480")) == circumstance


def test_verified_items_are_same_as_wikidata(view):
    assert (KGWD["state-india"], OWL.sameAs, WD.Q668) in view
    assert not list(view.objects(KGWD["person-ruslan-mirzayev"], OWL.sameAs))


def test_disagreeing_sources_give_separate_statements_and_agreeing_ones_share_one(built, vocabulary):
    cases = ROOT / "tests" / "cases" / "sources"
    known = set(built.dataset.graph(AUTHORITY_GRAPH).subjects())
    extra = []
    for name in ("conference-8-in-2023", "agreeing-source"):
        extra.append(from_mapping((cases / name / "mapping.yaml").read_text(), (cases / name / "text.txt").read_text(),
                                  source_id=name, vocabulary=vocabulary, known=known).stated)
    view = wikibase_graph([m.stated for m in built.sources] + extra, built.dataset.graph(AUTHORITY_GRAPH),
                          built.dataset.graph(ONTOLOGY_GRAPH))
    starts = statements(view, M8, "P580")
    assert len(starts) == 2 and len(set(view.objects(M8, WDT.P580))) == 2  # both values are truthy (normal rank)
    (start5,) = statements(view, KGWD["meeting-rats-conference-5"], "P580")
    sources = {view.value(r, PR.P248) for r in view.objects(start5, PROV.wasDerivedFrom)}
    assert sources == {KGWD["source-003_447af5d37e1149f2"], KGWD["source-agreeing-source"]}


def test_inferred_facts_are_not_exported(view):
    assert all("2001" not in str(o) for o in view.objects(KGWD["org-sco"], None))


def test_item_names():
    assert item(URIRef("https://w3id.org/sco-rats/state/india")) == KGWD["state-india"]
    assert item(RATS.Person) == KGWD["class-Person"]


# ---------------------------------------------------------------- WDQS-style querying


def test_wdqs_query_runs_unchanged_through_sparqlwrapper(live_server):
    text = load_queries(ROOT / "queries")["wdqs-conferences"].text
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(text)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    editions = {(r["edition"]["value"], r.get("start", {}).get("value")) for r in rows}
    assert editions == {("5", "2017-11-01T00:00:00Z"), ("7", None), ("8", "2022-11-08T00:00:00Z"), ("9", None)}
    eighth = {r["participantLabel"]["value"] for r in rows if r["edition"]["value"] == "8"}
    assert {"India", "Mongolia", "Interpol", "SCO Secretariat"} <= eighth


def test_statements_read_through_p_ps_prov_show_source_and_quote(client):
    response = client.get("/queries/wdqs-quotes", query_string={"item": str(M8)})
    rows = response.get_json()["results"]["bindings"]
    start = [r for r in rows if r["property"]["value"].endswith("P580")]
    assert start and "took place on November 8-9, 2022" in start[0]["quote"]["value"]
    assert start[0]["sourceLabel"]["value"] == "002_cdc5ba49de91e49a"


def test_a_curator_can_prefer_a_value(built, vocabulary, tmp_path):
    from kg.wikidata.curation import load_preferences

    cases = ROOT / "tests" / "cases" / "sources"
    known = set(built.dataset.graph(AUTHORITY_GRAPH).subjects())
    extra = from_mapping((cases / "conference-8-in-2023" / "mapping.yaml").read_text(),
                         (cases / "conference-8-in-2023" / "text.txt").read_text(),
                         source_id="conference-8-in-2023", vocabulary=vocabulary, known=known).stated
    curation = tmp_path / "preferred.yaml"
    curation.write_text("- item: https://w3id.org/sco-rats/meeting/rats-conference/8\n"
                        "  property: P580\n  value: 2022-11-08T00:00:00Z\n"
                        "  reason: the organiser's own statement\n")
    view = wikibase_graph([m.stated for m in built.sources] + [extra], built.dataset.graph(AUTHORITY_GRAPH),
                          built.dataset.graph(ONTOLOGY_GRAPH), load_preferences(curation))
    ranks = {str(view.value(s, PS.P580))[:10]: view.value(s, WIKIBASE.rank) for s in statements(view, M8, "P580")}
    assert ranks == {"2022-11-08": WIKIBASE.PreferredRank, "2023-11-14": WIKIBASE.NormalRank}
    assert [str(v)[:10] for v in view.objects(M8, WDT.P580)] == ["2022-11-08"]


EXPECTED_AND_DATED = """
source: {language: en}
facts:
  - subject: membership/sco/mongolia/member-expected
    quote: Mongolia is expected to join the SCO in 2024
    a: Membership
    memberState: state/mongolia
    organisation: org/sco
    role: member
    status: expected
    startTime: "2024"
  - subject: membership/sco/india/member-2017
    quote: India was admitted as a full member in 2017
    a: Membership
    memberState: state/india
    organisation: org/sco
    role: member
    startTime: "2017"
"""


def test_a_membership_only_expected_is_not_exported_and_a_start_time_is_a_qualifier(built, vocabulary):
    """Wikidata's "member of" states a fact: an expected membership is not one; P580 dates one that is."""
    text = "Mongolia is expected to join the SCO in 2024. India was admitted as a full member in 2017."
    known = set(built.dataset.graph(AUTHORITY_GRAPH).subjects())
    extra = from_mapping(EXPECTED_AND_DATED, text, source_id="memberships", vocabulary=vocabulary, known=known).stated
    view = wikibase_graph([m.stated for m in built.sources] + [extra], built.dataset.graph(AUTHORITY_GRAPH),
                          built.dataset.graph(ONTOLOGY_GRAPH))
    quoted = {str(view.value(r, PR.P1683)) for s in view.subjects(WIKIBASE.rank, None)
              for r in view.objects(s, PROV.wasDerivedFrom)}
    assert "Mongolia is expected to join the SCO in 2024" not in quoted
    (india,) = [s for s in statements(view, KGWD["state-india"], "P463")
                if "India was admitted as a full member in 2017" in
                {str(view.value(r, PR.P1683)) for r in view.objects(s, PROV.wasDerivedFrom)}]
    start = view.value(india, URIRef("http://www.wikidata.org/prop/qualifier/P580"))
    assert start is not None and "2017" in str(start)
