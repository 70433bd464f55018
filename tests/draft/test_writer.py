"""The draft's YAML (kg/draft/writer.py): each fact with its confidence, unsure facts commented out for the curator.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import EN_CONFERENCE, drafted


def test_every_fact_has_a_confidence_and_unsure_facts_are_commented_out(drafter, vocabulary):
    mapping, _ = drafted(drafter, vocabulary, EN_CONFERENCE)
    lines = mapping.split("\n")
    for number, line in enumerate(lines):
        if line.startswith("  - subject:"):
            assert "confidence" in lines[number - 1], lines[number - 1]
    assert "# UNSURE, left out:" in mapping  # "1500 people": no measure fits, so it is left for the curator
