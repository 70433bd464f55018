"""What the rules share (kg/draft/context.py): sentences, look-ups, and quotes the engine finds exactly once.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from rdflib import Graph

from kg.draft.context import Context, Proposal, count, split_sentences
from kg.draft.gazetteer import Gazetteer
from tests.draft.drafting import drafted, values


def test_a_quote_found_twice_is_widened_until_unique(drafter, vocabulary):
    text = "Tashkent hosted it.\n\nThe 5th scientific-practical conference of the SCO RATS was held in Tashkent."
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "meeting/rats-conference/5", "location") == ["city/tashkent"]


def test_sentences_end_at_stops_and_lines_but_not_after_an_abbreviation():
    text = "Mr. Alimov spoke on Nov. 7. The meeting ended.\nA new line\n\nThen more。之后"
    assert [s.text for s in split_sentences(text)] == ["Mr. Alimov spoke on Nov. 7.", "The meeting ended.",
                                                       "A new line", "Then more。", "之后"]
    assert all(text[s.start:s.end] == s.text for s in split_sentences(text))


def test_a_quote_is_counted_as_the_engine_finds_it_across_white_space():
    assert count("held in\n  Tashkent, in Tashkent", "in Tashkent") == 2
    assert count("held in Tashkent", "in  Tashkent") == 1


def test_a_quote_is_widened_to_the_left_until_it_occurs_once():
    text = "Tashkent hosted it. Experts met in Tashkent again."
    ctx = Context(text, "en", Gazetteer(Graph()))
    at = text.rindex("Tashkent")
    assert ctx.quote(at, at + len("Tashkent")) == "in Tashkent"
    assert ctx.quote(0, len("Tashkent")) == "Tashkent hosted"  # the first word of its sentence: to the right
    assert ctx.quote(at - 1, at + len("Tashkent") + 1) == "in Tashkent"  # trimmed of its spaces, then widened


def test_facts_are_added_once():
    ctx = Context("The 5th conference was held.", "en", Gazetteer(Graph()))
    proposal = Proposal("meeting", "meeting/rats-conference/5", {"editionNumber": "5"}, "The 5th conference", 0.9, "why")
    ctx.add(proposal)
    ctx.add(Proposal("meeting", "meeting/rats-conference/5", {"editionNumber": "5"}, "5th", 0.5, "again"))
    ctx.add(Proposal("meeting", "meeting/rats-conference/6", {"editionNumber": "6"}, None, 0.5, "no quote"))
    assert ctx.facts == [proposal]
