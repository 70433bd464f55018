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
