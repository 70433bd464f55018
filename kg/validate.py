"""Validate graphs against the SHACL shapes in ``shapes/`` with pySHACL.

pySHACL runs with ``inference="rdfs"`` and the ontology as ``ont_graph`` so that shapes
targeting a class also reach its subclasses (a ``CouncilMeeting`` is a ``Meeting``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from rdflib.term import _toPythonMapping

from kg.namespaces import bind_prefixes


SOURCE_SHAPES = "source.ttl"
"""Shapes every source graph must satisfy on its own."""

CONSISTENCY_SHAPES = "consistency.ttl"
"""Shapes checked on the union of the source graphs, where sources can contradict each other."""


def load_shapes(directory: Path, name: str = SOURCE_SHAPES) -> Graph:
    """Parse one shapes file of ``directory``."""
    return bind_prefixes(Graph()).parse(Path(directory) / name, format="turtle")


@dataclass(frozen=True)
class Report:
    """The outcome of one validation: pySHACL's verdict, report graph and text."""

    conforms: bool
    graph: Graph
    text: str


def validate(data: Graph, *, shapes: Graph, ontology: Graph) -> Report:
    """Validate ``data`` against ``shapes``, reasoning over ``ontology``."""
    converters = dict(_toPythonMapping)
    try:
        conforms, report_graph, report_text = pyshacl_validate(
            data,
            shacl_graph=shapes,
            ont_graph=ontology,
            inference="rdfs",
            advanced=True,
            allow_warnings=True,
        )
    finally:
        # RDFS inference installs owlrl's lexical converters in rdflib for the whole process
        # and leaves them there (its own restore misses types rdflib has no converter for);
        # owlrl's gMonthDay converter rejects valid values such as "--11-07", so every
        # literal made afterwards would be ill-typed. Put rdflib's table back as it was.
        _toPythonMapping.clear()
        _toPythonMapping.update(converters)
    return Report(conforms=bool(conforms), graph=report_graph, text=report_text)
