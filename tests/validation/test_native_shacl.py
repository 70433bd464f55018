"""The native engine finds exactly what pySHACL finds, on the seeds and on each invented source."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.validation.intake import from_mapping
from kg.validation.native_shacl import _has_focus, _may_match_core, compile_core, compile_shapes, run_core
from kg.namespaces import AUTHORITY_GRAPH, RATS
from kg.store.embedded import default_graph_quads, quads_of, read_graphs
from kg.validation.validate import Validator, validate

HERE = Path(__file__).resolve().parents[1]
CASES = sorted(p for p in (HERE / "cases" / "sources").iterdir() if p.is_dir())


def findings(results: Graph) -> set:
    return {
        (results.value(r, SH.focusNode), results.value(r, SH.resultPath), results.value(r, SH.value),
         results.value(r, SH.resultSeverity), results.value(r, SH.sourceShape))
        for r in results.subjects(SH.focusNode, None)
    }


@pytest.fixture(scope="module")
def engines(project):
    return {name: Validator.from_folders(project.ontology, project.shapes, engine=name) for name in ("oxigraph", "pyshacl")}


def seed_union(built) -> Graph:
    union = Graph()
    for graph in built.dataset.graphs():
        if "/graph/source/" in str(graph.identifier) or str(graph.identifier).endswith("/authority"):
            union += graph
    return union


def test_every_consistency_shape_compiles(engines):
    constraints = compile_shapes(engines["oxigraph"].consistency_shapes)
    shapes = engines["oxigraph"].consistency_shapes
    assert len(constraints) == len(list(shapes.objects(None, SH.sparql)))


@pytest.mark.reference
def test_same_findings_on_the_seeds(engines, built):
    union = seed_union(built)
    native = findings(engines["oxigraph"].check_consistency(union))
    reference = findings(engines["pyshacl"].check_consistency(union))
    assert native == reference and len(native) >= 5


@pytest.mark.reference
@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_same_findings_with_each_invented_source(engines, built, store, vocabulary, case):
    known = set(read_graphs(store, [str(AUTHORITY_GRAPH)]).subjects())
    candidate = from_mapping((case / "mapping.yaml").read_text(), (case / "text.txt").read_text(),
                             source_id=case.name, vocabulary=vocabulary, known=known)
    union = seed_union(built) + candidate.stated + candidate.reference
    assert findings(engines["oxigraph"].check_consistency(union)) == findings(engines["pyshacl"].check_consistency(union))


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


def test_constraints_left_out_for_want_of_a_target_would_find_nothing(engines, built):
    """A constraint is not run on a store where no quad matches its target (or the first step of
    its path): run anyway, each such one finds nothing, and on one source's store most are left out."""
    validator = engines["oxigraph"]
    data = built.sources[0].stated + built.dataset.graph(AUTHORITY_GRAPH)
    named = Graph(identifier=URIRef("https://w3id.org/sco-rats/graph/source/case"))
    named += data
    scratch = validator._scratch(default_graph_quads(data), named=quads_of([named]))
    core = [c for c in validator._core(scratch) if not _may_match_core(scratch, c)]
    sparql = [c for c in validator._sparql if not _has_focus(scratch, c.target, {})]
    assert len(core) >= 10 and len(sparql) >= 5
    assert [c.query for c in core + sparql if list(scratch.query(c.query))] == []
