"""Quotes on entity pages (kg/web/quotes.py): each quote shown once, numbered when it supports
several statements, the words of each value marked in it."""

from __future__ import annotations

import pytest

from kg.web.quotes import QuoteBook, date_words, segments


def test_quote_book_counts_statements_not_quotes():
    book = QuoteBook()
    one = book.cite("s", "in Tashkent in 2022", 0, 19, words=["Tashkent"], statement=("m", "location", "t"), label="location")
    book.cite("s", "in Tashkent in 2022", 0, 19, words=["2022"], statement=("m", "date", "2022"), label="date")
    book.cite("s", "other", 30, 35, words=[], statement=("m", "x", "y"), label="x")
    assert book.shared() == [one] and one.number == 1 and len(book) == 2
    assert [p for p, marked in one.pieces if marked] == ["Tashkent", "2022"]


@pytest.mark.parametrize("value, words", [("2022-11", ["November", "2022"]), ("not a date", []),
                                          ("--03-18", ["March 18", "18 March", "March"])])
def test_the_words_a_text_uses_for_a_date(value, words):
    assert date_words(value) == words


def test_the_longest_words_are_marked_first_case_ignored_never_inside_a_word():
    pieces = segments("The SCO RATS Council and the RATS council met", ["RATS Council", "council", "RAT"])
    assert [p for p, marked in pieces if marked] == ["RATS Council", "RATS council"]
    assert "".join(p for p, _ in pieces) == "The SCO RATS Council and the RATS council met"
    assert segments("in 2022", ["2", "x"]) == [("in 2022", False)]  # a digit alone only as a whole number


def test_one_quote_per_place_in_a_source_numbered_when_it_is_shared():
    book = QuoteBook()
    a = book.cite("s", "in Tashkent", 0, 11, words=["Tashkent"], statement=("m", "location", "t"), label="location")
    b = book.cite("t", "in Tashkent", 0, 11, words=["Tashkent"], statement=("m", "location", "t"), label="location")
    assert a is not b and len(book) == 2 and book.shared() == [] and a.number == 0
    again = book.cite("s", "in Tashkent", 0, 11, words=["in"], statement=("m", "held", "t"), label="held")
    assert again is a and a.shared and book.shared() == [a] and a.number == 1
