"""Quotes on entity pages (kg/web/quotes.py): each quote shown once, numbered when it supports
several statements, the words of each value marked in it."""

from __future__ import annotations

from kg.web.quotes import QuoteBook


def test_quote_book_counts_statements_not_quotes():
    book = QuoteBook()
    one = book.cite("s", "in Tashkent in 2022", 0, 19, words=["Tashkent"], statement=("m", "location", "t"), label="location")
    book.cite("s", "in Tashkent in 2022", 0, 19, words=["2022"], statement=("m", "date", "2022"), label="date")
    book.cite("s", "other", 30, 35, words=[], statement=("m", "x", "y"), label="x")
    assert book.shared() == [one] and one.number == 1 and len(book) == 2
    assert [p for p, marked in one.pieces if marked] == ["Tashkent", "2022"]
