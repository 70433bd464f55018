"""The build: deterministic, every quote re-readable in its text, integrity checks clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal

from kg.sources.project import Project
from kg.build import build
from kg.cli import run_checks
from kg.errors import BadRequest, ValidationFailed
from kg.sources.mapper import sha256_hex
from kg.namespaces import OA, RATS, source_iri

ROOT = Path(__file__).resolve().parent.parent


def quads(dataset):
    return {(s, p, o, g.identifier) for g in dataset.graphs() for s, p, o in g}


@pytest.mark.slow
def test_second_build_is_identical(built, project):
    assert quads(build(project).dataset) == quads(built.dataset)


def test_every_quote_is_the_text_at_its_offsets(built, project):
    checked = 0
    for mapped in built.sources:
        text = (project.seeds / f"{mapped.source_id}.txt").read_text(encoding="utf-8")
        graph = mapped.stated + mapped.inferred
        for target in graph.subjects(OA.hasSource, source_iri(mapped.source_id)):
            selectors = list(graph.objects(target, OA.hasSelector))
            exact = next(graph.value(s, OA.exact) for s in selectors if (s, OA.exact, None) in graph)
            start = next(int(graph.value(s, OA.start)) for s in selectors if (s, OA.start, None) in graph)
            end = next(int(graph.value(s, OA.end)) for s in selectors if (s, OA.end, None) in graph)
            assert text[start:end] == str(exact)
            checked += 1
        assert graph.value(source_iri(mapped.source_id), RATS.sha256) == Literal(
            sha256_hex(text), datatype=RATS.sha256.__class__("http://www.w3.org/2001/XMLSchema#hexBinary")
        )
    assert checked > 700


def test_one_named_graph_per_source_plus_ontology_and_authority(built):
    names = sorted(str(g.identifier) for g in built.dataset.graphs() if len(g))
    seeds = sorted(p.stem for p in (ROOT / "seeds").glob("*.txt"))
    # the sources whose mappings derive facts, each with its inferred graph
    inferred = ["004_19d1a5506ceb2ba2", "2012-cssn-xinhua-20th-council-tashkent", "2014-interfax-24th-council-tashkent",
                "2017-eurasia-expert-sysoev-50-cells", "2019-islworld-giyosov-2018-figures", "2021-news18-pabbi-36th-council",
                "2022-asiaplus-mirzoyev-dushanbe-border-conference", "2022-islam-today-mirzaev-2021-figures",
                "2022-outlook-rats-council-new-delhi", "2023-sputnik-tj-9th-conference-69-attacks",
                "2024-globaltimes-interaction-2024", "2024-newsaz-cooperation-counterterrorism-2024"]
    assert len(seeds) == 25
    assert [n.rsplit("/graph/", 1)[1] for n in names] == (
        ["authority"] + [f"inferred/{s}" for s in inferred] + ["ontology"] + [f"source/{s}" for s in seeds] + ["wikibase"])


def test_integrity_checks_find_nothing(store):
    assert run_checks(store, ROOT / "queries" / "checks") == {}


@pytest.fixture
def project_copy(tmp_path):
    for folder in ("ontology", "authority", "seeds", "mappings", "shapes", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return Project(tmp_path)


def test_a_seed_without_mapping_is_refused(project_copy):
    (project_copy.mappings / "004_19d1a5506ceb2ba2.yaml").unlink()
    with pytest.raises(BadRequest, match="004_19d1a5506ceb2ba2.txt: no mapping"):
        build(project_copy)


def test_a_graph_that_violates_a_shape_fails_the_build(project_copy):
    shape = project_copy.shapes / "source.ttl"
    shape.write_text(shape.read_text().replace(
        "sh:path rats:sha256 ; sh:minCount 1 ; sh:maxCount 1", "sh:path rats:sha256 ; sh:minCount 2"))
    with pytest.raises(ValidationFailed) as caught:
        build(project_copy)
    assert "A source needs exactly one SHA-256" in caught.value.report_text


def test_the_store_keeps_every_quad_as_built(built, store):
    """Oxigraph canonicalises derived integer types, so the ontology uses none (regression)."""
    from kg.store.embedded import read_graphs

    for graph in built.dataset.graphs():
        if len(graph):
            assert set(read_graphs(store, [str(graph.identifier)])) == set(graph), graph.identifier
