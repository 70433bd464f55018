"""Quotes on entity pages: the words of a value highlighted in its quote, and each quote shown once.

A quote often supports several statements (the 8th conference's opening sentence gives its
edition, dates, place, series, status and title). :class:`QuoteBook` keeps one
:class:`Quote` per (source, start, end), counts the statements it supports, and collects the
words to highlight: the value as written, its labels in every language, and for dates the
forms a text uses ("November 8", "2022").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def date_words(value: str) -> list[str]:
    """The words a text may use for an ``xsd:date``, ``xsd:gMonthDay`` or ``xsd:gYear`` value.

    >>> date_words("2022-11-08")
    ['November 8', '8 November', 'November', '2022']
    >>> date_words("--11-06")
    ['November 6', '6 November', 'November']
    >>> date_words("2019")
    ['2019']
    """
    match = re.fullmatch(r"(\d{4}|-)-(\d{2})-(\d{2})", value)
    if match:
        year, month, day = match.groups()
        name, day = MONTHS[int(month) - 1], str(int(day))
        return [f"{name} {day}", f"{day} {name}", name] + ([year] if year != "-" else [])
    if re.fullmatch(r"\d{4}(-\d{2})?", value):
        words = [value[:4]]
        if len(value) == 7:
            words.insert(0, MONTHS[int(value[5:]) - 1])
        return words
    return []


def segments(text: str, words) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, highlighted) pairs, the longest of ``words`` found first, case ignored.

    >>> segments("took place on November 8-9, 2022, in Tashkent", ["Tashkent", "November 8", "2022"])
    [('took place on ', False), ('November 8', True), ('-9, ', False), ('2022', True), (', in ', False), ('Tashkent', True)]
    >>> segments("no match here", ["x"])
    [('no match here', False)]
    """
    spans: list[tuple[int, int]] = []
    for word in sorted({w.strip() for w in words if w and len(w.strip()) >= 2 or (w and w.strip().isdigit())},
                       key=len, reverse=True):
        pattern = re.escape(word)
        if word[0].isalnum():
            pattern = r"(?<!\w)" + pattern
        if word[-1].isalnum():
            pattern += r"(?!\w)"
        for match in re.finditer(pattern, text, re.IGNORECASE):
            start, end = match.span()
            if all(end <= s or start >= e for s, e in spans):
                spans.append((start, end))
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


@dataclass
class Quote:
    """One quote of one source, with every statement of the page it supports."""

    source: str
    text: str
    start: int
    end: int
    words: set[str] = field(default_factory=set)
    supports: list[tuple] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    number: int = 0
    """Its number in the page's list of shared quotes (0 for a quote shown where it is used)."""

    @property
    def shared(self) -> bool:
        """Whether it supports more than one statement: then the page shows it once, in its own list."""
        return len(self.supports) > 1

    @property
    def pieces(self) -> list[tuple[str, bool]]:
        return segments(self.text, self.words)


class QuoteBook:
    """The quotes of one page, one per (source, start, end), numbered in the order they are met."""

    def __init__(self):
        self._quotes: dict[tuple[str, int, int], Quote] = {}

    def cite(self, source: str, text: str, start: int, end: int, *, words, statement: tuple, label: str) -> Quote:
        """Record that ``text`` supports ``statement`` (a triple, named ``label``), with ``words`` as the value's words."""
        key = (source, start, end)
        quote = self._quotes.get(key)
        if quote is None:
            quote = self._quotes[key] = Quote(source, text, start, end)
        quote.words.update(w for w in words if w)
        if statement not in quote.supports:
            quote.supports.append(statement)
        if label not in quote.labels and label != "type":
            quote.labels.append(label)
        return quote

    def shared(self) -> list[Quote]:
        """The quotes that support several statements, in order, numbered from 1."""
        shared = [q for q in self._quotes.values() if q.shared]
        for number, quote in enumerate(shared, 1):
            quote.number = number
        return shared

    def __len__(self) -> int:
        return len(self._quotes)
