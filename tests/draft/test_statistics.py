"""Statistics in a draft (kg/draft/statistics.py): the figure, its measure, qualifier, period and who reported it; no page counter or seat count taken for a figure.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import EN_CONFERENCE, RU_COUNCIL, drafted, values


def test_english_statistics_with_qualifiers_and_no_false_figures(drafter, vocabulary):
    mapping, facts = drafted(drafter, vocabulary, EN_CONFERENCE)
    stat = "statistic/rats-conference-40/"
    assert values(facts, stat + "participants", "value") == ["150"]
    assert values(facts, stat + "participants", "qualifier") == ["moreThan"]
    assert values(facts, stat + "online-materials-blocked", "qualifier") == ["approximately"]
    assert values(facts, stat + "online-materials-blocked", "value") == ["1500"]
    assert values(facts, stat + "terrorist-attacks-prevented", "qualifier") == ["atLeast"]
    assert values(facts, stat + "individuals-detained", "qualifier") == ["approximately"]
    assert values(facts, stat + "individuals-detained", "reportedBy") == ["person/ruslan-mirzayev"]
    assert "value: '3'" not in mapping and "'270'" not in mapping  # a page counter is not a figure
    assert "seats 1500" not in mapping or "1500 people" not in mapping.split("UNSURE")[0]


def test_russian_figures_qualifiers_and_period(drafter, vocabulary):
    _, facts = drafted(drafter, vocabulary, RU_COUNCIL)
    stat = "statistic/rats-council-42/"
    assert values(facts, stat + "terrorist-attacks-prevented", "value") == ["40"]
    assert values(facts, stat + "terrorist-attacks-prevented", "qualifier") == ["moreThan"]
    assert values(facts, stat + "terrorist-attacks-prevented", "period") == ["2023"]
    assert values(facts, stat + "individuals-detained", "value") == ["1500"]
    assert values(facts, stat + "individuals-detained", "qualifier") == ["exactly"]
    assert values(facts, stat + "online-materials-blocked", "value") == ["240000"]
    assert values(facts, stat + "online-materials-blocked", "qualifier") == ["approximately"]
    assert values(facts, stat + "online-materials-blocked", "reportedBy") == ["person/ruslan-mirzayev"]
    assert values(facts, "person/ruslan-mirzayev", "statedName") == ["Руслан Мирзаев"]
