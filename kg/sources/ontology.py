"""Load the ontology and answer what the mapper engine needs to know about a term."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespaces import RATS, bind_prefixes


def load_ontology(directory: Path) -> Graph:
    """Parse every ``*.ttl`` file in ``directory`` into one graph."""
    graph = bind_prefixes(Graph())
    for path in sorted(Path(directory).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class Vocabulary:
    """The terms of our ontology, sorted by kind, as the mapper engine checks them."""

    classes: frozenset[URIRef]
    object_properties: frozenset[URIRef]
    datatype_properties: frozenset[URIRef]
    individuals: frozenset[URIRef]
    ranges: dict[URIRef, URIRef]

    @classmethod
    def from_graph(cls, graph: Graph) -> "Vocabulary":
        """Read the terms of the ``rats:`` namespace declared in ``graph``."""

        def ours(kind):
            return frozenset(s for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(RATS._NS)))

        classes = ours(OWL.Class)
        individuals = frozenset(
            s
            for s, o in graph.subject_objects(RDF.type)
            if str(s).startswith(str(RATS._NS)) and o in classes
        )
        return cls(
            classes=classes,
            object_properties=ours(OWL.ObjectProperty),
            datatype_properties=ours(OWL.DatatypeProperty),
            individuals=individuals,
            ranges={p: r for p, r in graph.subject_objects(RDFS.range) if isinstance(r, URIRef)},
        )

    def term(self, local_name: str) -> URIRef | None:
        """Return the IRI of ``local_name`` in our namespace, or None if it is not declared."""
        iri = URIRef(str(RATS._NS) + local_name)
        declared = self.classes | self.object_properties | self.datatype_properties | self.individuals
        return iri if iri in declared else None
