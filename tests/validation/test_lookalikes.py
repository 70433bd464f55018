"""Names that look like other names (kg/validation/lookalikes.py): bidirectional controls, invisible
characters and words mixing scripts, each said with its code point; a Warning for each term of a
graph that has one. (The reproduction of the attack is in tests/reliability/test_lookalikes.py.)"""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from kg.validation.lookalikes import lookalike_findings, problems


@pytest.mark.parametrize("text", ["Tashkent", "Ташкент", "塔什干", "Mirzayev (Мирзаев)", "Türkiye", "al-Qaeda 2024"])
def test_a_name_in_one_script_per_word_is_fine(text):
    assert problems(text) == []


def test_a_word_mixing_scripts_is_named_with_the_odd_letter():
    [found] = problems("T\u0430shkent")
    assert found == "the word 'T\u0430shkent' mixes CYRILLIC and LATIN letters (U+0430 CYRILLIC SMALL LETTER A)"
    [greek] = problems("\u039fmsk")
    assert "GREEK and LATIN" in greek and "U+039F GREEK CAPITAL LETTER OMICRON" in greek


def test_controls_and_invisible_characters_are_named():
    found = problems("Ruslan\u202e Mirzayev\u200b")
    assert found == ["bidirectional control character(s) that change how the text displays: "
                     "U+202E RIGHT-TO-LEFT OVERRIDE", "invisible character(s): U+200B ZERO WIDTH SPACE"]


def test_each_odd_term_of_a_graph_is_a_warning_once():
    graph = Graph()
    person = URIRef("https://w3id.org/sco-rats/person/x")
    label = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")
    graph.add((person, label, Literal("R\u0443slan")))  # a Cyrillic у
    graph.add((URIRef("https://w3id.org/sco-rats/person/y"), label, Literal("R\u0443slan")))  # the same text again
    graph.add((person, label, Literal("Ruslan")))
    graph.add((URIRef("https://w3id.org/sco-rats/city/t\u0430shkent"), label, Literal("Tashkent")))
    findings = lookalike_findings(graph)
    assert sorted(f.values[0].value for f in findings) == ["R\u0443slan", "https://w3id.org/sco-rats/city/t\u0430shkent"]
    for finding in findings:
        assert finding.severity == "Warning" and finding.involves_candidate and finding.shape == "look-alike characters"
        assert finding.path_label == "core#prefLabel".split("#")[-1] and "mixes CYRILLIC and LATIN" in finding.messages[0]
