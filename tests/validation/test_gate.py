"""The integrity checks of ``queries/checks`` (kg/validation/gate.py), one gate for the build and
intake: each failure says in words what is wrong, naming the entity and the source."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.cli import run_checks
from kg.namespaces import AUTHORITY_GRAPH
from kg.validation.gate import Check, candidate_store, load_checks
from kg.validation.gate import run_checks as failures_of

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ROOT = Path(__file__).resolve().parents[2]


def test_integrity_check_catches_an_unsupported_fact(writable_store):
    store = writable_store
    store.update(
        "INSERT DATA { GRAPH <https://w3id.org/sco-rats/graph/source/000_1db01a3067431b98> {"
        " <https://w3id.org/sco-rats/meeting/rats-conference/9> <https://w3id.org/sco-rats/ontology#editionNumber> 10 } }"
    )
    assert run_checks(store, ROOT / "queries" / "checks") == {"unsupported-fact-violation": 1}
    from kg.validation.gate import load_checks, run_checks as failures

    [failure] = failures(store, load_checks(ROOT / "queries" / "checks"))
    assert failure.entity == "https://w3id.org/sco-rats/meeting/rats-conference/9"
    assert failure.source == "https://w3id.org/sco-rats/source/000_1db01a3067431b98"
    assert "source https://w3id.org/sco-rats/source/000_1db01a3067431b98 states" in failure.message


def test_the_checks_are_read_with_their_headers(tmp_path):
    (tmp_path / "no-label-violation.rq").write_text(
        "#+ summary: an entity without a label\n#+ message: '{entity} has no label in {source}'\n"
        "SELECT ?entity ?source WHERE { GRAPH ?source { ?entity a ?kind } }\n")
    (tmp_path / "plain-violation.rq").write_text("SELECT ?entity WHERE { ?entity a <urn:Nothing> }\n")
    (tmp_path / "not-a-check.rq").write_text("SELECT * {}\n")
    checks = load_checks(tmp_path)
    assert [(c.name, c.summary, c.message) for c in checks] == [
        ("no-label-violation", "an entity without a label", "{entity} has no label in {source}"),
        ("plain-violation", "plain-violation", "plain-violation")]
    assert load_checks(None) == [] and load_checks(tmp_path / "missing") == []


def test_each_row_is_a_failure_in_words_naming_the_entity_and_the_source(tmp_path):
    (tmp_path / "no-label-violation.rq").write_text(
        "#+ summary: an entity without a label\n#+ message: '{entity} has no label in {source} ({nothing})'\n"
        "SELECT ?entity ?source WHERE { GRAPH ?source { ?entity a ?kind } }\n")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:e"), ox.NamedNode(RDF_TYPE), ox.NamedNode("urn:K"), ox.NamedNode("urn:s")))
    [failure] = failures_of(store, load_checks(tmp_path))
    assert (failure.check, failure.entity, failure.source) == ("no-label-violation", "urn:e", "urn:s")
    assert failure.message == "no-label-violation: urn:e has no label in urn:s (?)"


def test_a_candidate_is_checked_with_the_labels_the_graph_has_for_what_it_names():
    store = ox.Store()
    label = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
    authority = ox.NamedNode(str(AUTHORITY_GRAPH))
    store.add(ox.Quad(ox.NamedNode("urn:named"), label, ox.Literal("Named"), authority))
    store.add(ox.Quad(ox.NamedNode("urn:other"), label, ox.Literal("Other"), authority))
    candidate = [ox.Quad(ox.NamedNode("urn:named"), ox.NamedNode(RDF_TYPE), ox.NamedNode("urn:K"),
                         ox.NamedNode("urn:candidate"))]
    scratch = candidate_store("graphs", store, lambda graphs: candidate, {"urn:named"})
    assert set(scratch) == {*candidate, ox.Quad(ox.NamedNode("urn:named"), label, ox.Literal("Named"), authority)}
    checks = [Check("unlabelled-violation", "SELECT ?entity WHERE { ?entity a ?k FILTER NOT EXISTS { ?entity "
                    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }", "s", "{entity}")]
    assert failures_of(scratch, checks, union=True) == []  # its label is in the scratch store's union
    alone = candidate_store("graphs", store, lambda graphs: candidate, set())
    assert [f.entity for f in failures_of(alone, checks, union=True)] == ["urn:named"]
