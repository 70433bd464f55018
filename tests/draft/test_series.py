"""Numbered meetings of the authority data's other series in a draft (kg/draft/series.py), found by the series' labels.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import drafted, values


def test_russian_numbered_meeting_of_a_series_named_by_its_label(drafter, vocabulary):
    text = ("Об этом рассказал директор исполкома РАТС ШОС Руслан Мирзаев в ходе 15-го заседания генеральных "
            "прокуроров стран-участниц ШОС, которое прошло в Ташкенте.")
    _, facts = drafted(drafter, vocabulary, text)
    meeting = "meeting/sco-prosecutors-general/15"
    assert values(facts, meeting, "partOfSeries") == ["series/sco-prosecutors-general"]
    assert values(facts, meeting, "editionNumber") == ["15"]
    assert values(facts, meeting, "a") == ["Meeting"]
    assert values(facts, f"participation/sco-prosecutors-general/15/ruslan-mirzayev", "role") == ["speaker"]


def test_english_exercise_numbered_by_its_series_but_not_a_drill_of_another(drafter, vocabulary):
    text = "Sysoev noted that this will be the second online counter-terrorism exercises of the SCO member countries."
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "meeting/rats-online-exercise/2", "a") == ["Exercise"]
    mapping, facts = drafted(drafter, vocabulary, "The SCO held its first joint anti-terrorism drill in China.")
    assert "meeting/rats-jate/1" not in mapping  # a drill is not named by the words of "Joint Anti-Terrorism Exercise"


def test_chinese_numbered_meeting_of_a_series(drafter, vocabulary):
    text = "第十五次上合组织成员国总检察长会议在塔什干举行。"
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "meeting/sco-prosecutors-general/15", "editionNumber") == ["15"]
    assert values(facts, "meeting/sco-prosecutors-general/15", "location") == ["city/tashkent"]
