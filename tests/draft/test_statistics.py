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


def test_what_a_figure_counts_by_the_form_of_its_phrase(drafter, vocabulary):
    text = ("A three-member team from Delhi is in Pakistan. The exercise was announced by the RATS of the eight-member "
            "SCO during its 36th meeting in Tashkent.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "statistic/rats-council-36/member-states", "value") == ["8"]
    assert values(facts, "statistic/rats-council-36/member-states", "about") == ["org/sco"]
    assert values(facts, "statistic/rats-council-36/delegation-members", "value") == ["3"]
    zh = "上海合作组织地区反恐怖机构理事会第二十次会议27日在塔什干举行。来自哈萨克斯坦、中国和俄罗斯3个成员国的代表参加了会议。"
    _, facts = drafted(drafter, vocabulary, zh)
    assert values(facts, "statistic/rats-council-20/participating-countries", "value") == ["3"]
    assert values(facts, "statistic/rats-council-20/participating-countries", "about") == ["meeting/rats-council/20"]


def test_an_organisation_reporting_figures_and_russian_periods(drafter, vocabulary):
    text = ("По данным РАТС, в странах ШОС предотвращено более 40 терактов. "
            "С начала 2017 г. задержано 1,5 тыс. их членов и пособников.")
    _, facts = drafted(drafter, vocabulary, text)
    stat = "statistic/sco-space/terrorist-attacks-prevented"
    assert values(facts, stat, "reportedBy") == ["org/sco-rats"]
    assert values(facts, stat, "area") == ["region/sco-space"]
    detained = [s for s, k in facts if s.endswith("individuals-detained") and k == "period"]
    assert [values(facts, s, "period") for s in detained] == [["с начала 2017 г."]]


def test_a_count_of_member_states_some_came_from_is_not_the_organisation_s(drafter, vocabulary):
    text = "Pabbi-2021 was the first exercise with forces from two SCO member states – Pakistan and China."
    _, facts = drafted(drafter, vocabulary, text)
    assert not [key for key in facts if key[1] == "measure" and facts[key][0][0] == "measure/member-states"]
