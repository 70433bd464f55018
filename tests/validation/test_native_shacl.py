"""The native engine finds exactly what pySHACL finds, on the seeds and on each invented source."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kg.validation.intake import from_mapping
from kg.validation.native_shacl import _has_focus, compile_shapes
from kg.namespaces import AUTHORITY_GRAPH
from kg.store.embedded import default_graph_quads, read_graphs
from kg.validation.validate import Validator

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


def test_shapes_left_out_for_want_of_a_focus_node_would_find_nothing(engines, built):
    """A consistency shape is not run on a store where nothing is in its target: run anyway, each
    such one finds nothing, and on one source's store several are left out."""
    validator = engines["oxigraph"]
    data = built.sources[0].stated + built.dataset.graph(AUTHORITY_GRAPH)
    scratch = validator._scratch(default_graph_quads(data))
    left_out = [c for c in validator._sparql if not _has_focus(scratch, c.target, {})]
    assert len(left_out) >= 5
    assert [c.query for c in left_out if list(scratch.query(c.query))] == []
