"""Meetings in a draft (kg/draft/meetings.py): numbered meetings of each series, their dates, city, host and chair, the states taking part by role, the organiser.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import EN_CONFERENCE, RU_COUNCIL, drafted, values


def test_english_meeting_with_ordinal_word_partial_date_host_and_venue(drafter, vocabulary):
    mapping, facts = drafted(drafter, vocabulary, EN_CONFERENCE)
    meeting = "meeting/rats-conference/40"
    assert values(facts, meeting, "editionNumber") == ["40"]
    assert values(facts, meeting, "startDate") == ["--11-07"] and values(facts, meeting, "endDate") == ["--11-08"]
    assert values(facts, meeting, "location") == ["city/tashkent"]
    assert values(facts, "source", "datelineCity") == ["city/tashkent"]
    assert values(facts, "participation/rats-conference/40/kazakhstan", "role") == ["host"]
    assert values(facts, meeting, "participantCategory") == [["member", "observer"]]
    assert "2026" not in mapping  # no year is filled in


def test_english_enumeration_of_states_by_role(drafter, vocabulary):
    text = ("The 8th scientific-practical conference of the SCO RATS took place on November 8-9, 2022, in the city "
            "of Tashkent. It was attended by the SCO member states: the Republic of India, the People's Republic of "
            "China and the Russian Federation; the SCO observer states: the Republic of Belarus and Mongolia; SCO "
            "dialogue partner states: the Kingdom of Cambodia and the Republic of Turkey.")
    _, facts = drafted(drafter, vocabulary, text)
    roles = {subject.split("/")[-1]: values(facts, subject, "role")[0]
             for subject, key in facts if subject.startswith("participation/") and key == "role"}
    assert roles == {"india": "member", "china": "member", "russia": "member", "belarus": "observer",
                     "mongolia": "observer", "cambodia": "dialoguePartner", "turkey": "dialoguePartner"}
    assert values(facts, "meeting/rats-conference/8", "startDate") == ["2022-11-08"]
    quote = facts[("participation/rats-conference/8/belarus", "role")][0][1]
    assert quote.startswith("the SCO observer states") and quote.endswith("Mongolia")


def test_russian_ordinal_in_words_chair_roles_and_dateline(drafter, vocabulary):
    _, facts = drafted(drafter, vocabulary, RU_COUNCIL)
    meeting = "meeting/rats-council/42"
    assert values(facts, meeting, "editionNumber") == ["42"]
    assert values(facts, meeting, "location") == ["city/tashkent"]
    assert values(facts, meeting, "startDate") == []  # "12 апреля" is the dateline's date
    assert values(facts, "source", "datelineCity") == ["city/tashkent"]
    assert values(facts, "participation/rats-council/42/kazakhstan", "role") == ["chair", "member"]
    assert values(facts, "participation/rats-council/42/mongolia", "role") == ["observer"]


def test_a_bare_numbered_meeting_of_the_rats_and_its_organiser(drafter, vocabulary):
    text = ("The decision was announced by the RATS of the SCO during its 36th meeting in Tashkent, Uzbekistan, on "
            "March 18. Participants praised the efforts of the RATS Executive Committee in organising the meeting.")
    _, facts = drafted(drafter, vocabulary, text)
    meeting = "meeting/rats-council/36"
    assert values(facts, meeting, "startDate") == ["--03-18"]
    assert values(facts, meeting, "location") == ["city/tashkent"]
    assert values(facts, meeting, "organiser") == ["org/sco-rats-executive-committee"]


def test_chinese_member_states_after_the_sco_was_named_are_its_members(drafter, vocabulary):
    text = ("发布时间:2012-03-28 10:00:00\n上海合作组织地区反恐怖机构理事会第二十次会议27日在塔什干举行。"
            "来自哈萨克斯坦、中国和俄罗斯3个成员国的代表参加了会议。")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "participation/rats-council/20/china", "role") == ["member"]
    assert values(facts, "membership/sco/china/member", "role") == ["member"]
    assert values(facts, "membership/sco/china/member", "asOf") == ["2012-03-28"]
