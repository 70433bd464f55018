"""Find dates as the texts state them: full, without a year, as ranges, in three languages.

Regular expressions find the shape (a day or two, a month, a year if one is written); the
month word is read by dateparser with the text's language set, which knows every form
("Nov.", "November", "ноя", "ноября", "сент."). dateparser's own search (``search_dates``)
was tried and dropped: it turns "1500" into the year 1500 and "7-8" into 8 July, and fills a
missing year with the current one. Here a year is a date's year only when it is written in
the date; otherwise the value is an ``xsd:gMonthDay`` ("--11-07").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import dateparser

EN_MONTH = r"(?P<m>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?)"
EN_MONTH2 = EN_MONTH.replace("?P<m>", "?P<m2>")
RU_MONTH = r"(?P<m>(?:янв|фев|мар|апр|мая|май|июн|июл|авг|сен|окт|ноя|дек)[а-я]*\.?)"
RU_MONTH2 = RU_MONTH.replace("?P<m>", "?P<m2>")
DASH = r"\s*[-–—]\s*"
YEAR = r"(?P<y>(?:19|20)\d{2})"

PATTERNS = {
    "en": [
        # 21 September to 4 October 2021
        re.compile(r"(?<!\d)(?P<d1>\d{1,2})\s+" + EN_MONTH + r"\s+(?:to|till|until|-|–)\s+(?P<d2>\d{1,2})\s+" + EN_MONTH2
                   + r"(?:,?\s+" + YEAR + r")?(?!\d)"),
        # November 6-7, 2022 / Nov. 7-8 / May 29
        re.compile(r"(?<![\w])" + EN_MONTH + r"\s+(?P<d1>\d{1,2})(?:" + DASH + r"(?P<d2>\d{1,2}))?(?:st|nd|rd|th)?"
                   + r"(?:,?\s+" + YEAR + r")?(?![\d:])"),
        # 1-2 November 2017 / 4 October 2021
        re.compile(r"(?<![\d-])(?P<d1>\d{1,2})(?:" + DASH + r"(?P<d2>\d{1,2}))?(?:st|nd|rd|th)?\s+(?:of\s+)?" + EN_MONTH
                   + r"(?:,?\s+" + YEAR + r")?(?![\w])"),
        # June 2017
        re.compile(r"(?<![\w])" + EN_MONTH + r"\s+" + YEAR + r"(?!\d)"),
    ],
    "ru": [
        re.compile(r"(?<![\d-])(?P<d1>\d{1,2})(?:" + DASH + r"(?P<d2>\d{1,2}))?\s+" + RU_MONTH
                   + r"(?:\s+" + YEAR + r"(?:\s*(?:года|год|г\.))?)?(?![\w])", re.IGNORECASE),
        re.compile(r"(?<![\d.])(?P<d1>\d{2})\.(?P<mn>\d{2})\." + YEAR + r"(?!\d)"),
        re.compile(r"(?<![\w])" + RU_MONTH + r"\s+" + YEAR + r"(?:\s*(?:года|год|г\.))?(?![\w])", re.IGNORECASE),
    ],
    "zh": [
        re.compile(r"(?:" + YEAR + r"年)?(?P<mn>\d{1,2})月(?P<d1>\d{1,2})(?:日|号)?(?:(?:至|到|-|—|－)(?P<d2>\d{1,2})日)?"),
        re.compile(YEAR + r"年(?P<mn>\d{1,2})月(?!\d)"),
    ],
}
ISO = re.compile(r"(?<![\d-])" + YEAR + r"-(?P<mn>\d{2})-(?P<d1>\d{2})(?![\d-])")


@dataclass(frozen=True)
class DateSpan:
    """A date the text states: where, and its start and end as mapping values."""

    start: int
    end: int
    text: str
    first: str
    last: str | None
    has_year: bool

    @property
    def full(self) -> bool:
        return self.has_year and len(self.first) == 10


@lru_cache(maxsize=256)
def month_number(word: str, language: str) -> int | None:
    """Return the month a word names, read by dateparser in ``language``.

    >>> month_number("Nov.", "en"), month_number("ноября", "ru")
    (11, 11)
    """
    parsed = dateparser.parse(f"15 {word}", languages=[language],
                              settings={"REQUIRE_PARTS": ["month"], "PREFER_DAY_OF_MONTH": "first"})
    return parsed.month if parsed else None


def _value(year, month, day):
    if year and day:
        return f"{year}-{month:02d}-{day:02d}"
    if year:
        return f"{year}-{month:02d}"
    return f"--{month:02d}-{day:02d}"


def find_dates(text: str, language: str) -> list[DateSpan]:
    """Return the dates stated in ``text``, in text order, none overlapping another.

    >>> [d.first for d in find_dates("hosted on Nov. 7-8 the ninth, with 1500 guests", "en")]
    ['--11-07']
    >>> [(d.first, d.last) for d in find_dates("Between 1-2 November 2017, Tashkent", "en")]
    [('2017-11-01', '2017-11-02')]
    """
    spans: list[DateSpan] = []
    for pattern in [ISO, *PATTERNS.get(language, PATTERNS["en"])]:
        for m in pattern.finditer(text):
            if any(not (m.end() <= s.start or m.start() >= s.end) for s in spans):
                continue
            groups = m.groupdict()
            month = int(groups["mn"]) if groups.get("mn") else month_number(groups["m"], language)
            if not month or not 1 <= month <= 12:
                continue
            month2 = month_number(groups["m2"], language) if groups.get("m2") else month
            year = int(groups["y"]) if groups.get("y") else None
            d1 = int(groups["d1"]) if groups.get("d1") else None
            d2 = int(groups["d2"]) if groups.get("d2") else None
            if (d1 and not 1 <= d1 <= 31) or (d2 and not 1 <= d2 <= 31) or (d1 is None and year is None):
                continue
            end, word = m.end(), groups.get("m2") or groups.get("m") or ""
            if m.group(0).endswith(".") and word.endswith(".") and len(word) > 5:
                end -= 1  # a full month name closing a sentence: the full stop is the sentence's
            first = _value(year, month, d1)
            last = _value(year, month2, d2) if d2 else None
            spans.append(DateSpan(m.start(), end, text[m.start():end], first, last, year is not None))
    return sorted(spans, key=lambda s: s.start)
