"""The source's own facts in a draft (kg/draft/source.py): title, publication date, publisher and relays, author, dateline city; the page's date is never a meeting's.

Each test drafts a text with the whole drafter (tests/draft/drafting.py), reads the draft with
the mapper engine (so it must be valid) and checks the facts it states."""

from __future__ import annotations

from tests.draft.drafting import drafted, values


def test_english_publication_date_and_publisher_are_the_source_s(drafter, vocabulary):
    text = ("Kazinform\nSCO RATS Council meets in Astana today\n\nDate: September 8, 2024\n\n"
            "ASTANA – The 40th meeting of the Council of the SCO RATS opened, as reported by the SCO press service.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "source", "publicationDate") == ["2024-09-08"]
    assert values(facts, "source", "publisher") == ["org/kazinform"]
    assert values(facts, "source", "relays") == ["org/sco-press-service"]
    assert values(facts, "source", "title") == ["SCO RATS Council meets in Astana today"]
    assert values(facts, "meeting/rats-council/40", "startDate") == []  # the page's date is not the meeting's


def test_byline_and_a_page_time(drafter, vocabulary):
    text = "发布时间:2019-04-12 11:29:27\n作者:鲁斯兰·米尔扎耶夫\n上海合作组织地区反恐怖机构理事会第二十次会议在塔什干举行。"
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "source", "publicationDate") == ["2019-04-12T11:29:27"]
    assert values(facts, "source", "author") == ["person/ruslan-mirzayev"]


def test_bylines_wires_and_the_outlet_on_the_date_line(drafter, vocabulary):
    text = ("Kazinform\nRuslan Mirzayev\n\nTASHKENT, May 29 (Kazinform) -- The SCO RATS Director of the Executive "
            "Committee Ruslan Mirzayev spoke.")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "source", "publisher") == ["org/kazinform"]
    assert values(facts, "source", "author") == ["person/ruslan-mirzayev"]
    assert values(facts, "source", "relays") == ["org/kazinform"]
    assert values(facts, "holding/sco-rats-executive-committee-director/ruslan-mirzayev", "post") == [
        "post/sco-rats-executive-committee-director"]


def test_the_dateline_s_date_and_the_outlet_filing_after_it(drafter, vocabulary):
    text = "Ташкент. 28 марта. INTERFAX.RU - Заседание Совета РАТС ШОС откроется в пятницу в Ташкенте."
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "source", "datelineCity") == ["city/tashkent"]
    assert values(facts, "source", "datelineDate") == ["--03-28"]  # no year: none is written
    assert values(facts, "source", "publisher") == ["org/interfax"]
    zh = "新华社塔什干3月27日电 上海合作组织地区反恐怖机构理事会第二十次会议27日在塔什干举行。"
    _, facts = drafted(drafter, vocabulary, zh)
    assert values(facts, "source", "datelineDate") == ["--03-27"]


def test_contributing_agencies_another_outlet_s_report_and_a_twelve_hour_clock(drafter, vocabulary):
    text = ("SCO holds a joint drill\nPublished: Jul 23, 2024 07:56 PM\nThe drill took place in Xinjiang, China "
            "Central Television (CCTV) reported on Tuesday.\n(With inputs from PTI)")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "source", "publicationDate") == ["2024-07-23T19:56:00"]
    assert sorted(values(facts, "source", "relays")) == ["org/cctv", "org/pti"]
    assert values(facts, "source", "publisher") == []  # "reported": another outlet's report, not the page's


def test_the_note_on_the_author_closing_the_page_gives_author_and_publisher(drafter, vocabulary):
    text = ("Date: September 8, 2024\nThe SCO RATS met in Astana.\n\nPuck Henry\nPuck Henry is an editor for "
            "ePrimefeed covering all types of news.\n\nMost Popular\n\nRecent Comments\n")
    _, facts = drafted(drafter, vocabulary, text)
    assert values(facts, "source", "author") == ["person/puck-henry"]
    assert values(facts, "source", "publisher") == ["org/eprimefeed"]
    assert values(facts, "holding/eprimefeed-editor/puck-henry", "post") == ["post/eprimefeed-editor"]
    assert values(facts, "holding/eprimefeed-editor/puck-henry", "asOf") == ["2024-09-08"]


def test_a_full_date_alone_after_the_last_paragraph_is_the_page_s(drafter, vocabulary):
    paragraph = ("JATE is an annual counter-terrorism exercise held under the framework of the SCO Regional "
                 "Anti-Terrorism Structure (RATS). This year, Pakistan hosted this exercise at its National "
                 "Counter-Terrorism Centre at Pabbi, Punjab.")
    _, facts = drafted(drafter, vocabulary, f"Press Releases|\n\n{paragraph}\n\n4 October 2021\n\nClose Search Window")
    assert values(facts, "source", "publicationDate") == ["2021-10-04"]
    _, facts = drafted(drafter, vocabulary, f"Press Releases|\n\n4 October 2021\n\n{paragraph} On 5 May 2020 it began.")
    assert values(facts, "source", "publicationDate") == []  # not after the text: a date in it is not the page's
