"""What the graph says about one entity as RDF (kg/web/describe.py): its triples from every graph,
with the evidence for them and nothing else."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.errors import NotFound
from kg.web.describe import rdf_description, source_of

BASE = "https://w3id.org/sco-rats/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def test_an_entity_with_its_statements_and_their_evidence(store):
    triples = rdf_description(store, BASE + "meeting/rats-conference/8")
    about = {t.predicate.value.rsplit("#", 1)[-1] for t in triples if t.subject.value == BASE + "meeting/rats-conference/8"}
    assert {"startDate", "endDate", "location", "editionNumber"} <= about
    evidence = {t.subject for t in triples if t.predicate.value == RDF + "subject"}
    assert evidence and all(ox.Triple(e, ox.NamedNode(RDF + "subject"), ox.NamedNode(BASE + "meeting/rats-conference/8"))
                            in triples for e in evidence)
    assert {t.subject for t in triples} <= evidence | {ox.NamedNode(BASE + "meeting/rats-conference/8")}


def test_nothing_about_an_iri_is_not_found(store):
    with pytest.raises(NotFound, match="the graph says nothing about https://w3id.org/sco-rats/person/nobody"):
        rdf_description(store, BASE + "person/nobody")


def test_source_of_names_a_graphs_role():
    assert source_of(BASE + "graph/source/002_cdc5ba49de91e49a") == "source/002_cdc5ba49de91e49a"
    assert source_of(BASE + "graph/authority") == "authority"
