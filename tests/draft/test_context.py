"""What the rules share (kg/draft/context.py): sentences, look-ups, and quotes the engine finds exactly once.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import drafted, values


def test_a_quote_found_twice_is_widened_until_unique(drafter, vocabulary):
    text = "Tashkent hosted it.\n\nThe 5th scientific-practical conference of the SCO RATS was held in Tashkent."
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "meeting/rats-conference/5", "location") == ["city/tashkent"]
