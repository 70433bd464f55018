"""The native engine finds exactly what pySHACL finds, on the seeds and on each invented source."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from kg.intake import from_mapping
from kg.native_shacl import compile_shapes
from kg.namespaces import AUTHORITY_GRAPH
from kg.store import read_graphs
from kg.validate import Validator

HERE = Path(__file__).resolve().parent
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


def test_same_findings_on_the_seeds(engines, built):
    union = seed_union(built)
    native = findings(engines["oxigraph"].check_consistency(union))
    reference = findings(engines["pyshacl"].check_consistency(union))
    assert native == reference and len(native) >= 5


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_same_findings_with_each_invented_source(engines, built, ox_store, vocabulary, case):
    known = set(read_graphs(ox_store, [str(AUTHORITY_GRAPH)]).subjects())
    candidate = from_mapping((case / "mapping.yaml").read_text(), (case / "text.txt").read_text(),
                             source_id=case.name, vocabulary=vocabulary, known=known)
    union = seed_union(built) + candidate.stated + candidate.reference
    assert findings(engines["oxigraph"].check_consistency(union)) == findings(engines["pyshacl"].check_consistency(union))
