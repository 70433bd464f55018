"""Regression: after one validation, dates without a year became ill-typed.

pySHACL's RDFS inference installs owlrl's lexical converters in rdflib process-wide, and
owlrl parses an xsd:gMonthDay as ``"2008-" + value`` ("2008---11-07"), which fails. A second
build in the same process then rejected ``--11-07`` in the mappings and in the shapes.
"""

from rdflib import XSD, Graph, Literal

from kg.validation.validate import validate


def test_month_day_literals_stay_well_typed_after_validation(ontology, shapes):
    validate(Graph(), shapes=shapes, ontology=ontology)
    assert not Literal("--11-07", datatype=XSD.gMonthDay).ill_typed
