"""Numbers in words and digits (kg/draft/figures.py): ordinals in every case and script, figures with their scale.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

import pytest

from kg.draft.figures import FIGURE, ORDINAL, figure_value, ordinal_value
from tests.draft.drafting import drafted


@pytest.mark.parametrize("phrase, edition", [("на 24-м заседании Совета РАТС ШОС", 24),
                                             ("сорокового заседания Совета РАТС ШОС", 40),
                                             ("двадцать четвёртое заседание Совета РАТС ШОС", 24),
                                             ("9-й научно-практической конференции РАТС ШОС", 9)])
def test_russian_ordinals(drafter, vocabulary, phrase, edition):
    _, facts = drafted(drafter, vocabulary, f"В Ташкенте состоялось {phrase}.", "ru")
    assert [s for s, k in facts if k == "editionNumber"][0].endswith(f"/{edition}")


@pytest.mark.parametrize("text, language, value", [
    ("the fortieth meeting", "en", 40), ("the 36th meeting", "en", 36), ("the twenty-fourth meeting", "en", 24),
    ("сорок второе заседание", "ru", 42), ("на 24-м заседании", "ru", 24), ("第二十次会议", "zh", 20),
])
def test_ordinals_in_words_and_digits(text, language, value):
    assert ordinal_value(ORDINAL[language].search(text), language) == value


@pytest.mark.parametrize("text, language, value", [
    ("about 1,500 online materials", "en", "1500"), ("more than 160 participants", "en", "160"),
    ("2.5 million", "en", "2500000"), ("задержано 1,5 тыс. их членов", "ru", "1500"),
    ("около 240 тыс. интернет-ресурсов", "ru", "240000"), ("超过40起", "zh", "40"),
])
def test_figures_with_their_scale(text, language, value):
    assert figure_value(FIGURE[language].search(text), language) == value
