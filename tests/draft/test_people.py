"""People in a draft (kg/draft/people.py): names with their posts, before or after the name, and a person the authority data does not know.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

import yaml

from tests.draft.drafting import drafted, values


def test_english_posts_people_and_a_new_person(drafter, vocabulary):
    text = ("The 36th meeting of the Council of the SCO RATS was held in Astana. Chairman of the National Security "
            "Committee of the Republic of Kazakhstan Ermek Sagimbayev delivered a welcome speech. Director of the SCO "
            "RATS Executive Committee Bakhtiyor Nazarov reported on the work done.")  # a name no authority data knows
    mapping, facts = drafted(drafter, vocabulary, text)
    holding = "holding/kazakhstan-national-security-committee-chairman/ermek-sagimbayev"
    assert values(facts, holding, "post") == ["post/kazakhstan-national-security-committee-chairman"]
    assert values(facts, holding, "atMeeting") == ["meeting/rats-council/36"]
    assert values(facts, "participation/rats-council/36/ermek-sagimbayev", "role") == ["speaker"]
    assert values(facts, "holding/sco-rats-executive-committee-director/bakhtiyor-nazarov", "holder") == [
        "person/bakhtiyor-nazarov"]
    entities = yaml.safe_load(mapping)["entities"]
    assert entities["person/bakhtiyor-nazarov"] == {"a": "Person", "label": "Bakhtiyor Nazarov"}


def test_chinese_post_after_the_name(drafter, vocabulary):
    text = "上海合作组织地区反恐怖机构理事会第二十次会议同意鲁斯兰·米尔扎耶夫为地区反恐怖机构执委会主任。"
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "holding/sco-rats-executive-committee-director/ruslan-mirzayev", "holder") == [
        "person/ruslan-mirzayev"]


def test_a_post_after_is_an_and_the_name_first_seen_bare(drafter, vocabulary):
    text = ("Date: September 8, 2024\nThe 40th meeting of the Council of the SCO RATS was held in Astana.\n\n"
            "Puck Henry\nPuck Henry is an editor for ePrimefeed covering all types of news.\n")
    _, facts = drafted(drafter, vocabulary, text)
    holding = "holding/eprimefeed-editor/puck-henry"
    assert values(facts, holding, "post") == ["post/eprimefeed-editor"]
    assert values(facts, holding, "asOf") == ["2024-09-08"]  # a note on the author: not said at the meeting
    assert values(facts, holding, "atMeeting") == []


def test_a_rank_or_academic_title_right_before_the_name(drafter, vocabulary):
    text = ("The Executive Committee of SCO-RATS, led by its Director, Major General Ghiyosov Jamakhon, attended. "
            "Professor Alexey Maslov believes it. The general director of the Institute of Political Studies and "
            "candidate of Political Sciences, Sergei Markov, recalled it. Deputy SCO Secretary General Sabyr "
            "Imandosov spoke.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "person/jumakhon-giyosov", "militaryRank") == ["Major General"]
    assert values(facts, "person/alexey-maslov", "academicTitle") == ["Professor"]
    assert values(facts, "person/sergei-markov", "academicTitle") == ["candidate of Political Sciences"]
    assert not [key for key in facts if key[1] == "militaryRank" and "imandosov" in key[0]]


def test_a_post_whose_organisation_is_placed_and_a_title_before_the_name(drafter, vocabulary):
    text = ("Date: September 8, 2024\nDirector of the Institute of Asian and African Countries at Moscow State "
            "University named after MV Lomonosov, Professor Alexey Maslov believes that the SCO matters.")
    _, facts = drafted(drafter, vocabulary, text)
    holding = "holding/institute-of-asian-and-african-countries-director/alexey-maslov"
    assert values(facts, holding, "post") == ["post/institute-of-asian-and-african-countries-director"]
