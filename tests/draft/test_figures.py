"""Numbers in words and digits (kg/draft/figures.py): ordinals in every case and script, figures with their scale.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

import pytest

from tests.draft.drafting import drafted


@pytest.mark.parametrize("phrase, edition", [("на 24-м заседании Совета РАТС ШОС", 24),
                                             ("сорокового заседания Совета РАТС ШОС", 40),
                                             ("двадцать четвёртое заседание Совета РАТС ШОС", 24),
                                             ("9-й научно-практической конференции РАТС ШОС", 9)])
def test_russian_ordinals(drafter, vocabulary, phrase, edition):
    _, facts = drafted(drafter, vocabulary, f"В Ташкенте состоялось {phrase}.", "ru")
    assert [s for s, k in facts if k == "editionNumber"][0].endswith(f"/{edition}")
