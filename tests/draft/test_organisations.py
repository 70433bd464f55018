"""Organisations in a draft (kg/draft/organisations.py): the SCO's members, observers and partners as of the page's date, founding and prospective members, organisations attending as delegations.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import drafted, values


def test_members_listed_as_the_sco_s_as_of_the_page_date(drafter, vocabulary):
    text = (" date 2024-07-23\n\nJoint drills took place in China, News.Az reports. The SCO, established in 2001, "
            "includes Belarus, China, India and Russia.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "membership/sco/belarus/member", "asOf") == ["2024-07-23"]
    assert values(facts, "membership/sco/russia/member", "role") == ["member"]
    assert values(facts, "source", "publicationDate") == ["2024-07-23"]
    assert values(facts, "source", "publisher") == ["org/news-az"] or "org/news-az" not in drafter.gazetteer.entities


def test_sco_status_from_a_sentence_naming_it_after_the_states(drafter, vocabulary):
    text = ("TASHKENT, June 21 – The SCO was founded in 2001. Its members are China, Russia and India. "
            "Belarus and Mongolia are the SCO observer countries.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "membership/sco/india/member", "role") == ["member"]
    assert values(facts, "membership/sco/mongolia/observer", "role") == ["observer"]
    assert values(facts, "membership/sco/mongolia/observer", "asOf") == ["--06-21"]  # the dateline's day, no year


def test_organisations_named_as_attending_are_delegations(drafter, vocabulary):
    text = ("The 8th scientific-practical conference of the SCO RATS was attended by the SCO Secretariat, the "
            "Interpol and the Federal Financial Monitoring Service of the Russian Federation (Rosfinmonitoring).")
    _, facts = drafted(drafter, vocabulary, text)
    for org in ("sco-secretariat", "interpol", "rosfinmonitoring"):
        assert values(facts, f"participation/rats-conference/8/{org}", "role") == ["delegation"], org


def test_sco_status_in_clauses_founding_and_prospective_members(drafter, vocabulary):
    text = ("Date: September 8, 2024\nThe SCO was founded in 2001. Its founding members included China, Russia and "
            "Kazakhstan. Belarus and Mongolia "
            "are the SCO observer countries, while Turkey and Cambodia are dialogue partners. Mongolia and Belarus are "
            "willing to join the SCO in the near future.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "membership/sco/china/founding-member", "role") == ["foundingMember"]
    assert values(facts, "membership/sco/belarus/observer", "role") == ["observer"]
    assert values(facts, "membership/sco/cambodia/dialogue-partner", "role") == ["dialoguePartner"]
    assert values(facts, "membership/sco/mongolia/prospective-member", "asOf") == ["2024-09-08"]


def test_states_joining_the_sco_and_when(drafter, vocabulary):
    text = ("Published: Jul 23, 2024\nWith Belarus becoming a member earlier this month, the SCO has been joined by "
            "China, India, Pakistan, and Russia. The SCO is a bloc in which India and Pakistan were admitted as "
            "full members in 2017. Belarus and Mongolia will join SCO in 2026.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "membership/sco/russia/member", "asOf") == ["2024-07-23"]  # after the Oxford comma too
    assert values(facts, "membership/sco/india/member", "startTime") == ["2017"]
    assert values(facts, "membership/sco/mongolia/prospective-member", "role") == ["prospectiveMember"]
    assert values(facts, "membership/sco/mongolia/member", "status") == ["expected"]
    assert values(facts, "membership/sco/mongolia/member", "startTime") == ["2026"]


def test_russian_states_that_joined_the_sco(drafter, vocabulary):
    text = "ШОС основана в 2001 году. Позже, в 2017-м, полноправными членами объединения стали Индия и Пакистан."
    _, facts = drafted(drafter, vocabulary, text)
    for state in ("india", "pakistan"):
        assert values(facts, f"membership/sco/{state}/member", "role") == ["member"]
        assert values(facts, f"membership/sco/{state}/member", "startTime") == ["2017"]
        assert values(facts, f"membership/sco/{state}/member", "asOf") == []  # when it began, not a status as of


def test_states_listed_before_in_addition_to_these_states_share_the_status(drafter, vocabulary):
    text = ("Date: September 8, 2024\nThe SCO was established by the leaders of Russia, China and Kazakhstan "
            "(currently, in addition to these states, the alliance also includes Iran and India).")
    _, facts = drafted(drafter, vocabulary, text)
    for state in ("russia", "china", "kazakhstan", "iran", "india"):
        assert values(facts, f"membership/sco/{state}/member", "asOf") == ["2024-09-08"], state


def test_states_some_came_from_are_not_listed_as_the_sco_s_members(drafter, vocabulary):
    text = ("4 October 2021\nPabbi-2021 was the first exercise with physical participation of counter-terrorism "
            "forces from two SCO member states – Pakistan and China.")
    _, facts = drafted(drafter, vocabulary, text)
    assert not [key for key in facts if key[0].startswith("membership/")]
