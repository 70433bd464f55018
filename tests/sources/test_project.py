"""Where a project's inputs are (kg/sources/project.py): its folders, its sources as (text,
mapping) pairs with each half required, and the authority data as one graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from kg.errors import BadRequest
from kg.namespaces import AUTHORITY_GRAPH
from kg.sources.project import Project, load_authority


def test_the_folders_are_under_the_root(tmp_path):
    project = Project(tmp_path)
    assert [project.ontology, project.authority, project.seeds, project.mappings, project.shapes, project.curation,
            project.accepted] == [tmp_path / name for name in ("ontology", "authority", "seeds", "mappings", "shapes",
                                                               "curation", "accepted")]
    assert Project().root == Path(".")


def test_sources_pair_each_text_with_its_mapping_in_order(tmp_path):
    project = Project(tmp_path)
    project.seeds.mkdir()
    project.mappings.mkdir()
    for stem in ("b", "a"):
        (project.seeds / f"{stem}.txt").write_text("text")
        (project.mappings / f"{stem}.yaml").write_text("facts: []")
    assert project.sources() == [(project.seeds / "a.txt", project.mappings / "a.yaml"),
                                 (project.seeds / "b.txt", project.mappings / "b.yaml")]


def test_a_text_without_mapping_or_a_mapping_without_text_is_refused(tmp_path):
    project = Project(tmp_path)
    project.seeds.mkdir()
    project.mappings.mkdir()
    (project.seeds / "a.txt").write_text("text")
    with pytest.raises(BadRequest, match=r"a\.txt: no mapping; write .*a\.yaml"):
        project.sources()
    (project.seeds / "a.txt").unlink()
    (project.mappings / "b.yaml").write_text("facts: []")
    with pytest.raises(BadRequest, match=r"b\.yaml: no source text .*b\.txt"):
        project.sources()


def test_the_repository_is_a_project_of_25_sources(project):
    assert len(project.sources()) == 25


def test_the_authority_data_is_every_turtle_file_in_one_graph(tmp_path):
    (tmp_path / "one.ttl").write_text("<https://w3id.org/sco-rats/city/a> a <https://w3id.org/sco-rats/ontology#City> .")
    (tmp_path / "two.ttl").write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                                      '<https://w3id.org/sco-rats/city/a> skos:prefLabel "A"@en .')
    (tmp_path / "notes.txt").write_text("not read")
    graph = load_authority(tmp_path)
    assert graph.identifier == AUTHORITY_GRAPH and len(graph) == 2
    assert set(graph.subjects()) == {URIRef("https://w3id.org/sco-rats/city/a")}
    assert dict(graph.namespaces())["rats"] == URIRef("https://w3id.org/sco-rats/ontology#")  # the project's prefixes
