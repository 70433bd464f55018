"""Names compared across scripts, transliterations and Russian case forms (kg.sources.names)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import RATS
from kg.sources.names import recognised_spellings, same_name

SAME = [
    ("Сысоев", "Sysoyev"), ("Сысоев", "Sysoev"), ("Sysoyev", "Sysoev"),
    ("Гиёсов", "Гиесов"), ("Гиёсов", "Giyosov"), ("Гиесов", "Ghiyosov"), ("Giyosov", "Ghiyosov"),
    ("Мирзаев", "Mirzayev"), ("Мирзаев", "Mirzaev"), ("Руслан Мирзаев", "Ruslan Mirzayev"),
    ("Раджиндером Ханна", "Rajinder Khanna"), ("Раджиндером Ханной", "Rajinder Khanna"),
    ("Сагимбаевым", "Ermek Sagimbayev"),  # a surname alone, inflected
]
DIFFERENT = [
    ("Erlan Sagimbayev", "Ermek Sagimbayev"), ("Ruslan Mirzayev", "Ruslan Seisembayev"),
    ("Сысоев", "Сидоров"), ("Rajinder Khanna", "Rajinder Singh"),
]


@pytest.mark.parametrize("a, b", SAME)
def test_one_name_in_several_spellings(a, b):
    assert same_name(a, b) and same_name(b, a)


@pytest.mark.parametrize("a, b", DIFFERENT)
def test_different_names_stay_different(a, b):
    assert not same_name(a, b) and not same_name(b, a)


def test_a_stated_spelling_is_recognised_and_a_misspelling_is_not():
    person = URIRef("https://w3id.org/sco-rats/person/ermek-sagimbayev")
    reference = Graph()
    reference.add((person, SKOS.prefLabel, Literal("Ermek Sagimbayev", lang="en")))
    reference.add((person, SKOS.hiddenLabel, Literal("Erlan Sagimbayev", lang="en")))
    stated = Graph()
    for name in ("Ермек Сагимбаев", "Erlan Sagimbayev", "Ermek Sagimbayev", "Нурлан Ермекбаев"):
        stated.add((person, RATS.statedName, Literal(name)))
    found = {str(o) for o in recognised_spellings([stated], reference).objects(person, RATS.recognisedSpelling)}
    assert found == {"Ермек Сагимбаев"}
