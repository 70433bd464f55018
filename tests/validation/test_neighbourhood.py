"""The part of the graph a new source touches (kg/validation/neighbourhood.py): the closure of the
nodes it names with only the evidence asked for, and a neighbourhood that does not grow with the graph."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.bench.synthetic import plans, source
from kg.namespaces import AUTHORITY_GRAPH
from kg.store.embedded import add_graphs, default_graph_quads, open_store
from kg.validation.neighbourhood import closure
from kg.validation.validate import Validator

BASE = "https://w3id.org/sco-rats/"


@pytest.fixture(scope="module")
def validator(project):
    return Validator.from_folders(project.ontology, project.shapes)


@pytest.mark.slow
def test_the_neighbourhood_of_a_new_source_does_not_grow_with_the_graph(validator, built, vocabulary):
    """Three times more sources about other meetings of the same series, in the same city: the
    same neighbourhood (the series and the city are shared by every meeting, yet no key)."""
    from kg.validation.neighbourhood import neighbourhood

    near = list(plans(40, seed=3, editions=10, plant_every=1000))
    far = [replace(p, index=p.index + 1000, edition=p.edition + 10)
           for p in plans(120, seed=4, editions=30, plant_every=1000)]
    sizes = []
    for chosen in (near, near + far):
        reference = Graph(identifier=AUTHORITY_GRAPH)
        reference += built.dataset.graph(AUTHORITY_GRAPH)
        known = set(reference.subjects())
        store = open_store()
        graphs = []
        for plan in chosen:
            candidate = source(plan, vocabulary=vocabulary, known=known)
            known |= set(candidate.reference.subjects())
            reference += candidate.reference
            graphs.append(candidate.stated)
        add_graphs(store, [reference] + graphs)
        new = source(next(plans(1, seed=5, editions=1)), vocabulary=vocabulary, known=known, prefix="new")
        sizes.append(len(neighbourhood(store, default_graph_quads(new.stated), validator.join_keys)))
    assert sizes[0] > 0 and sizes[1] == sizes[0], sizes


def test_closure_reads_only_the_evidence_asked_for():
    """Each statement's evidence, with its target and source; with ``evidence_of``, only the
    evidence of statements with those predicates; never the evidence of a type."""

    rats, rdf, oa = BASE + "ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://www.w3.org/ns/oa#"
    meeting = ox.NamedNode(BASE + "meeting/m")
    store = ox.Store()
    for predicate, value in (("startDate", "2024-05-01"), ("location", "Tashkent"), (rdf + "type", rats + "Meeting")):
        p = ox.NamedNode(predicate if predicate.startswith("http") else rats + predicate)
        o = ox.NamedNode(value) if value.startswith("http") else ox.Literal(value)
        ev, target = ox.NamedNode(BASE + f"evidence/{p.value[-9:]}"), ox.BlankNode()
        store.extend(ox.Quad(*t) for t in [
            (meeting, p, o), (ev, ox.NamedNode(rdf + "subject"), meeting), (ev, ox.NamedNode(rdf + "predicate"), p),
            (ev, ox.NamedNode(rdf + "object"), o), (ev, ox.NamedNode(oa + "hasTarget"), target),
            (target, ox.NamedNode(oa + "hasSource"), ox.NamedNode(BASE + "source/s"))])

    def evidence_about(triples):
        return sorted({t.object.value.split("#")[-1] for t in triples if t.predicate.value == rdf + "predicate"})

    everything = closure(store, [meeting], sources_only=False)
    assert evidence_about(everything) == ["location", "startDate"]
    assert any(t.predicate.value == oa + "hasSource" for t in everything)
    assert evidence_about(closure(store, [meeting], sources_only=False, evidence_of=frozenset({rats + "startDate"}))) \
        == ["startDate"]
    only_own = closure(store, [meeting], sources_only=False, evidence_of=frozenset())
    assert evidence_about(only_own) == [] and len(only_own) == 3
