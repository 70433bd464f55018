"""Dates as the texts state them (kg/draft/dates.py): full, without a year, as ranges, in English,
Russian and Chinese; a year only when it is written, never a number taken for a date."""

from __future__ import annotations

import pytest

from kg.draft.dates import find_dates, month_number


def stated(text: str, language: str = "en") -> list[tuple[str, str | None, bool]]:
    return [(d.first, d.last, d.has_year) for d in find_dates(text, language)]


@pytest.mark.parametrize("text, language, expected", [
    ("took place on November 8-9, 2022, in Tashkent", "en", [("2022-11-08", "2022-11-09", True)]),
    ("on Nov. 7-8 the fortieth conference", "en", [("--11-07", "--11-08", False)]),
    ("from 21 September to 4 October 2021", "en", [("2021-09-21", "2021-10-04", True)]),
    ("held on 1 November 2017.", "en", [("2017-11-01", None, True)]),
    ("in June 2017 the experts", "en", [("2017-06", None, True)]),
    ("published 2024-09-08 at noon", "en", [("2024-09-08", None, True)]),
    ("состоялось 7-8 ноября 2023 года", "ru", [("2023-11-07", "2023-11-08", True)]),
    ("Ташкент. 12 апреля. В Ташкенте", "ru", [("--04-12", None, False)]),
    ("опубликовано 21.06.2017", "ru", [("2017-06-21", None, True)]),
    ("2019年4月12日在塔什干举行", "zh", [("2019-04-12", None, True)]),
    ("3月27日电", "zh", [("--03-27", None, False)]),
])
def test_dates_are_read_as_stated(text, language, expected):
    assert stated(text, language) == expected


@pytest.mark.parametrize("text", ["The hall seats 1500 people.", "3 270", "the 7-8 of them", "on 32 November"])
def test_numbers_are_not_dates(text):
    assert stated(text) == []


def test_spans_are_in_text_order_with_their_offsets_and_no_overlap():
    text = "On 4 October 2021 it started; it ended on October 14, 2021."
    spans = find_dates(text, "en")
    assert [(d.text, d.full) for d in spans] == [("4 October 2021", True), ("October 14, 2021", True)]
    assert all(text[d.start:d.end] == d.text for d in spans)
    assert not find_dates("November 8", "en")[0].full  # no year: not a full date


def test_a_full_month_name_ending_a_sentence_leaves_the_full_stop():
    [span] = find_dates("It was held on 8 November.", "en")
    assert span.text == "8 November" and span.first == "--11-08"


@pytest.mark.parametrize("word, language, month", [("Sept.", "en", 9), ("December", "en", 12), ("ноября", "ru", 11),
                                                   ("сент.", "ru", 9), ("мая", "ru", 5), ("nothing", "en", None)])
def test_month_words_in_every_form(word, language, month):
    assert month_number(word, language) == month
