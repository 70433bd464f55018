"""The compiled Core property shapes find exactly what pySHACL finds, on the shape cases and on each seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.namespaces import AUTHORITY_GRAPH, RATS
from kg.store.embedded import default_graph_quads, quads_of
from kg.validation.core_queries import compile_core, may_match, run_core
from kg.validation.validate import Validator, validate

HERE = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engines(project):
    return {name: Validator.from_folders(project.ontology, project.shapes, engine=name) for name in ("oxigraph", "pyshacl")}


def core_findings(results: Graph) -> set:
    """What identifies a SHACL Core result: focus, predicate path, value, component, severity."""
    return {
        (results.value(r, SH.focusNode), results.value(r, SH.resultPath) if isinstance(results.value(r, SH.resultPath), URIRef) else None,
         results.value(r, SH.value), results.value(r, SH.sourceConstraintComponent), results.value(r, SH.resultSeverity))
        for r in results.subjects(SH.focusNode, None)
    }


def native_core(engines, data: Graph) -> Graph:
    """Run the compiled source shapes on ``data`` as if it were one source graph."""
    named = Graph(identifier=URIRef("https://w3id.org/sco-rats/graph/source/case"))
    named += data
    validator = engines["oxigraph"]
    scratch = validator._scratch(default_graph_quads(data), named=quads_of([named]))
    return run_core(validator._core(scratch), scratch)


def test_every_source_shape_compiles(engines):
    shapes = engines["oxigraph"].source_shapes
    assert len({c.shape for c in compile_core(shapes, "x")}) == len(list(shapes.objects(None, SH.property)))


def test_core_shapes_find_what_pyshacl_finds_on_the_shape_cases(engines):
    data = Graph().parse(HERE / "cases" / "shapes" / "source.ttl")
    reference = validate(data, shapes=engines["pyshacl"].source_shapes, ontology=engines["pyshacl"].ontology).graph
    native = core_findings(native_core(engines, data))
    assert native == core_findings(reference) and len(native) >= 13  # the bad quote: five along its paths


@pytest.mark.slow
@pytest.mark.parametrize("index", range(5))
def test_core_shapes_find_what_pyshacl_finds_on_each_seed(engines, built, index):
    stated = built.sources[index].stated + built.dataset.graph(AUTHORITY_GRAPH)
    broken = Graph()
    broken += stated
    for statistic in list(broken.subjects(RDF.type, RATS.Statistic))[:1]:  # one bad value, one missing measure
        broken.add((statistic, RATS.value, Literal(-1)))
        broken.remove((statistic, RATS.measure, None))
    for data in (stated, broken):
        reference = validate(data, shapes=engines["pyshacl"].source_shapes, ontology=engines["pyshacl"].ontology).graph
        assert core_findings(native_core(engines, data)) == core_findings(reference)


def test_unsupported_core_constraints_are_refused():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:example:> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "^a" ] .""", format="turtle")
    with pytest.raises(ValueError, match="cannot run"):
        compile_core(shapes, "x")


def one_source_store(validator, built):
    """The scratch store of one seed source with the reference data, as a new source gets."""
    data = built.sources[0].stated + built.dataset.graph(AUTHORITY_GRAPH)
    named = Graph(identifier=URIRef("https://w3id.org/sco-rats/graph/source/case"))
    named += data
    return validator._scratch(default_graph_quads(data), named=quads_of([named]))


def test_constraints_left_out_for_want_of_a_target_would_find_nothing(engines, built):
    """A constraint is not run on a store where no quad matches its target (or the first step of
    its path): run anyway, each such one finds nothing, and on one source's store many are left out."""
    validator = engines["oxigraph"]
    scratch = one_source_store(validator, built)
    left_out = [c for c in validator._core(scratch) if not may_match(scratch, c)]
    assert len(left_out) >= 10
    assert [c.query for c in left_out if any(c.selects(row) for row in scratch.query(c.query))] == []


def test_components_of_one_property_shape_share_a_query():
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <urn:example:> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 1 ;
            sh:datatype xsd:integer ; sh:minInclusive 0 ; sh:class ex:D ] .""", format="turtle")
    constraints = compile_core(shapes, "urn:graph:")
    assert len(constraints) == 5 and len({c.query for c in constraints}) == 3  # counts, value checks, class
