"""Names as sources write them: one person's name compared across scripts, transliterations
and Russian case forms.

Сысоев, Sysoyev and Sysoev; Гиёсов, Гиесов, Giyosov and Ghiyosov; Мирзаев, Mirzayev and
Mirzaev are one name, and "Раджиндером Ханна" (the instrumental case) is Rajinder Khanna. A
name is reduced to *keys*: each word in its dictionary forms (pymorphy3's lemmas, for Cyrillic
words), written in Latin letters (anyascii, which also knows the Tajik and Kazakh letters), and
folded where romanisations differ (``kh``/``h``, ``dzh``/``j``, ``ye``/``e``, ``iy``/``i``...).
Two spellings name the same person when they share a key, or when the words of one are among
the words of the other (a surname alone). Erlan and Ermek stay different names.

:func:`recognised_spellings` is how the build and intake use this: a name a source states
(``rats:statedName`` or ``skos:altLabel``) that matches a known label of the same entity is
recorded as a ``rats:recognisedSpelling`` of it in the reference data, so the spelling shapes
do not warn about it; a name that matches none still warns.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from anyascii import anyascii
from rdflib import Graph, Literal
from rdflib.namespace import SKOS

from kg.namespaces import AUTHORITY_GRAPH, RATS

_FOLDS = [("dzh", "j"), ("zh", "j"), ("kh", "h"), ("gh", "g"), ("yo", "e"), ("ye", "e"), ("iy", "i"), ("ij", "i"),
          ("yi", "i"), ("ts", "c"), ("q", "k"), ("w", "v")]
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MAX_FORMS = 4


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3  # loaded once, on first use: its dictionaries take a moment to open

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def _word_forms(word: str) -> frozenset[str]:
    """The word and, if it is Cyrillic, its dictionary forms (a name in any case)."""
    forms = {word.casefold().replace("ё", "е")}
    if _CYRILLIC.search(word):
        for parse in _morph().parse(word)[:_MAX_FORMS]:
            forms.add(parse.normal_form.replace("ё", "е"))
    return frozenset(_latin(f) for f in forms if _latin(f))


def _latin(word: str) -> str:
    """Write ``word`` in folded Latin letters.

    >>> _latin("Сысоев"), _latin("Sysoyev"), _latin("Ghiyosov"), _latin("Гиесов")
    ('sysoev', 'sysoev', 'giesov', 'giesov')
    """
    text = unicodedata.normalize("NFKD", anyascii(word)).casefold()
    text = re.sub(r"[^a-z]", "", text)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    text = re.sub(r"y$", "i", text)
    return re.sub(r"(.)\1+", r"\1", text)


def name_keys(name: str) -> frozenset[str]:
    """The keys of a name: one per combination of its words' forms, words sorted.

    >>> bool(name_keys("Раджиндером Ханна") & name_keys("Rajinder Khanna"))
    True
    """
    words = [w for w in re.split(r"[\s\-‐,.]+", name) if w]
    options = [sorted(_word_forms(w)) for w in words]
    options = [o for o in options if o]
    if not options:
        return frozenset()
    return frozenset(" ".join(sorted(combination)) for combination in product(*options))


def same_name(a: str, b: str) -> bool:
    """Whether two spellings name the same person.

    >>> same_name("Гиёсов", "Ghiyosov"), same_name("Erlan Sagimbayev", "Ermek Sagimbayev")
    (True, False)
    """
    keys_a, keys_b = name_keys(a), name_keys(b)
    if keys_a & keys_b:
        return True
    words_a = [set(k.split()) for k in keys_a]
    words_b = [set(k.split()) for k in keys_b]
    return any(x <= y or y <= x for x in words_a for y in words_b if x and y)


def recognised_spellings(stated: list[Graph], reference: Graph) -> Graph:
    """The spellings ``stated`` gives its entities that :func:`same_name` finds among their known
    labels (``skos:prefLabel``/``skos:altLabel`` in ``reference`` or stated), as
    ``rats:recognisedSpelling`` triples for the reference data. Misspellings a curator recorded
    (``skos:hiddenLabel``) are left to be flagged."""
    found = Graph(identifier=AUTHORITY_GRAPH)
    spellings = Graph()
    for graph in stated:
        for triple in graph.triples((None, RATS.statedName, None)):
            spellings.add(triple)
        for triple in graph.triples((None, SKOS.altLabel, None)):
            spellings.add(triple)
    for entity, name in spellings.subject_objects():
        known = {str(label) for g in (reference, *stated) for p in (SKOS.prefLabel, SKOS.altLabel)
                 for label in g.objects(entity, p)}
        hidden = {str(label) for label in reference.objects(entity, SKOS.hiddenLabel)}
        if str(name) in known or str(name) in hidden:
            continue
        if any(same_name(str(name), label) for label in known):
            found.add((entity, RATS.recognisedSpelling, Literal(str(name))))
    return found
