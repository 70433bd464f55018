"""Build the dataset from the project's files: ontology, authority data, seeds and mappings.

``build`` is pure with respect to the store: it reads files and returns an in-memory
``Dataset`` with one named graph for the ontology, one for the reference data (authority
data plus the entities mappings introduce), and per source one graph of what it states and
one of what was inferred from it. Loading it into a store is :mod:`kg.store.embedded`'s job.
Every IRI is minted from names in the files, so two builds give the same dataset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Dataset, Graph

from kg.errors import ValidationFailed
from kg.validation.intake import accepted_graph_files
from kg.sources.mapper import MappedSource, map_file
from kg.sources.names import recognised_spellings
from kg.namespaces import AUTHORITY_GRAPH, GRAPH, ONTOLOGY_GRAPH, bind_prefixes
from kg.sources.project import Project, load_authority
from kg.sources.ontology import Vocabulary
from kg.store.embedded import parse_nquads
from kg.validation.validate import Validator
from kg.wikidata.curation import Curation


@dataclass
class BuildResult:
    """The built dataset and, per source, what its mapping produced."""

    dataset: Dataset
    sources: list[MappedSource] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    """The ids of the sources loaded from ``accepted/`` (accepted through intake)."""


def build(project: Project = Project(), *, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Map every seed, validate each source graph, and return the dataset.

    :raises MappingError: a mapping does not fit its text or the ontology.
    :raises ValidationFailed: a source graph violates a shape (the report text is attached).
    """
    step = progress or (lambda message: None)
    validator = Validator.from_folders(project.ontology, project.shapes)
    ontology = validator.ontology
    vocabulary = Vocabulary.from_graph(ontology)
    reference = load_authority(project.authority)
    known = set(reference.subjects())

    mapped = []
    for text, mapping in project.sources():
        step(f"map {text.stem}")
        result = map_file(mapping, text, vocabulary=vocabulary, known=known)
        reference += result.reference
        known |= set(result.reference.subjects())
        mapped.append(result)

    reference += recognised_spellings([m.stated for m in mapped], reference)
    for result in mapped:
        step(f"validate {result.source_id}")
        report = validator.check_sources(result.stated, result.inferred, reference)
        if not report.conforms:
            raise ValidationFailed(f"source {result.source_id} does not conform to the shapes", report.to_text())

    accepted, accepted_ids = [], []
    for path in accepted_graph_files(project.accepted):
        step(f"load accepted {path.parent.name}")
        accepted_ids.append(path.parent.name)
        for name, graph in parse_nquads(path).items():
            if name == str(AUTHORITY_GRAPH):
                reference += graph
            else:
                accepted.append(graph)

    dataset = bind_prefixes(Dataset())
    _copy(dataset, ONTOLOGY_GRAPH, ontology)
    _copy(dataset, AUTHORITY_GRAPH, reference)
    for result in mapped:
        _copy(dataset, result.stated.identifier, result.stated)
        if len(result.inferred):
            _copy(dataset, result.inferred.identifier, result.inferred)
    for graph in accepted:
        _copy(dataset, graph.identifier, graph)
    step("write the Wikibase view")
    stated = [m.stated for m in mapped] + [g for g in accepted if str(g.identifier).startswith(str(GRAPH["source/"]))]
    view = Curation.from_folder(project.curation).view(stated, reference, ontology)
    _copy(dataset, view.identifier, view)
    return BuildResult(dataset=dataset, sources=mapped, accepted=accepted_ids)


def _copy(dataset: Dataset, name, graph: Graph) -> None:
    target = dataset.graph(name)
    for triple in graph:
        target.add(triple)
