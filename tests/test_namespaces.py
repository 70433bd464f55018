"""The closed namespace, the ontology and the mappings agree on every term."""

from rdflib import RDF, URIRef

from kg.namespaces import RATS


def declared_terms(ontology):
    ns = str(RATS._NS)
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(ns)}


def test_every_namespace_attribute_is_declared_in_the_ontology(ontology):
    names = {URIRef(str(RATS._NS) + name) for name in RATS.__annotations__}
    assert names - declared_terms(ontology) == set()


def test_every_ontology_term_is_in_the_namespace(ontology):
    names = {URIRef(str(RATS._NS) + name) for name in RATS.__annotations__}
    assert declared_terms(ontology) - names == set()


def test_a_misspelt_term_fails_at_once():
    try:
        RATS.Meetng
    except AttributeError as exc:
        assert "Meetng" in str(exc)
    else:
        raise AssertionError("RATS accepted an undeclared term")


def test_every_term_the_mappings_emit_is_declared(built, ontology):
    declared = declared_terms(ontology)
    ns = str(RATS._NS)
    for mapped in built.sources:
        for graph in (mapped.stated, mapped.inferred):
            for s, p, o in graph:
                for term in (p, o if p == RDF.type else None):
                    if term is not None and str(term).startswith(ns):
                        assert term in declared, f"{mapped.source_id} emits undeclared {term}"
