"""The ontology: every term labelled and explained, aligned only to verified Wikidata items."""

import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg.namespaces import RATS, WD

# The identifiers the design lists as verified; nothing else may be linked.
VERIFIED_ITEMS = set(
    "Q485207 Q269 Q1520 Q265 Q232 Q148 Q159 Q668 Q843 Q813 Q863 Q794 Q184 Q711 Q227 Q399 Q79 Q424 Q851 "
    "Q43 Q889 Q1065 Q37470 Q8475 Q81299 Q318693 Q7779 Q2429253 Q34490 Q5 Q3624078 Q484652 Q17127659 "
    "Q2761147 Q2020153 Q1949963 Q199 Q1985727".split()
)
VERIFIED_PROPERTIES = set(
    "P31 P279 P17 P276 P580 P582 P585 P393 P179 P1545 P155 P156 P710 P664 P463 P39 P108 P1132 P1114 "
    "P248 P854 P813 P1683 P1476 P577 P123 P2868 P3831 P518 P1120 P1339 P159 P488 P1037".split()
)


def our_terms(ontology):
    return sorted({s for s in ontology.subjects() if str(s).startswith(str(RATS._NS))})


@pytest.mark.parametrize("prop", [RDFS.label, RDFS.comment])
def test_every_term_has_an_english_label_and_comment(ontology, prop):
    missing = [t for t in our_terms(ontology) if not any(o.language == "en" for o in ontology.objects(t, prop))]
    assert missing == []


def test_ontology_declares_itself(ontology):
    assert (URIRef("https://w3id.org/sco-rats/ontology"), RDF.type, OWL.Ontology) in ontology


@pytest.mark.parametrize(
    "cls", ["Organisation", "Meeting", "ScientificPracticalConference", "CouncilMeeting", "Summit", "Exercise",
            "Workshop", "MeetingSeries", "MemberState", "Membership", "Participation", "Person", "Post",
            "PostHolding", "Statistic", "Source", "Evidence"],
)
def test_required_classes_exist(ontology, cls):
    assert (RATS[cls], RDF.type, OWL.Class) in ontology


def test_only_verified_wikidata_items_are_linked(ontology, project):
    graph = Graph()
    graph += ontology
    graph.parse(project.authority / "entities.ttl")
    linked = {str(o)[len(str(WD)):] for o in graph.objects() if str(o).startswith(str(WD))}
    assert linked and linked <= VERIFIED_ITEMS


def test_only_verified_wikidata_properties_are_named(ontology):
    named = {str(o) for o in ontology.objects(None, RATS.wikidataProperty)}
    assert named and named <= VERIFIED_PROPERTIES
    assert all(re.fullmatch(r"P\d+", p) for p in named)
