"""The drafter as a whole (kg/draft/__init__.py): a Chinese text through every rule, the input it
refuses, the language guessed from the script. Each rule's own cases are in the test module of
its module (test_meetings.py for kg/draft/meetings.py, ...); the shared helpers in drafting.py."""

from __future__ import annotations

import pytest

from kg.draft import guess_language
from kg.errors import BadRequest
from tests.draft.drafting import EN_CONFERENCE, RU_COUNCIL, ZH_COUNCIL, drafted, values


def test_chinese_council_ordinal_dateline_roles_people_and_figures(drafter, vocabulary):
    _, facts = drafted(drafter, vocabulary, ZH_COUNCIL)
    meeting = "meeting/rats-council/20"
    assert values(facts, meeting, "editionNumber") == ["20"]
    assert values(facts, meeting, "location") == ["city/tashkent"]
    assert values(facts, "source", "datelineCity") == ["city/tashkent"]
    assert values(facts, "participation/rats-council/20/china", "role") == ["member"]
    assert values(facts, "participation/rats-council/20/belarus", "role") == ["observer"]
    assert values(facts, "holding/sco-rats-executive-committee-director/ruslan-mirzayev", "post") == [
        "post/sco-rats-executive-committee-director"]
    stat = "statistic/rats-council-20/terrorist-attacks-prevented"
    assert values(facts, stat, "value") == ["40"] and values(facts, stat, "qualifier") == ["moreThan"]


def test_bad_input_is_refused_with_a_message(drafter):
    with pytest.raises(BadRequest, match="empty"):
        drafter.draft("   ")
    with pytest.raises(BadRequest, match="'fr' is not supported"):
        drafter.draft("Le texte", "fr")


def test_language_is_guessed_from_the_script():
    assert [guess_language(t) for t in (RU_COUNCIL, ZH_COUNCIL, EN_CONFERENCE)] == ["ru", "zh", "en"]
