"""What the rules share: the text cut into sentences, the matches found in it, the proposals.

A :class:`Proposal` is one fact of the draft with its quote, a confidence between 0 and 1 and
the reason the drafter proposes it; a proposal with ``unsure`` set is written commented out.
Quotes are chosen so that the engine finds them exactly once in the text (white space runs
match any white space, as in the engine): a phrase that occurs twice is widened, word by
word, to the left within its sentence, then to the whole sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.draft.dates import DateSpan, find_dates
from kg.draft.gazetteer import Gazetteer, Match

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”»’]?[ \t\u00a0]+(?=[\"“«A-ZА-ЯЁ])|\s*\n\s*|(?<=[。！？；])")
ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|No|Jan|Feb|Mar|Apr|Aug|Sep|Sept|Oct|Nov|Dec|Gen|Prof|[A-Z])"
                          r"|(?<![а-яё])(?:г|гг|тыс|им|ул|т\.е|т\.к|ст))\.$")


@dataclass
class Proposal:
    """One proposed fact."""

    kind: str
    subject: str
    props: dict
    quote: str | list
    confidence: float
    why: str
    unsure: str | None = None


@dataclass
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Context:
    """The text and everything the rules have found in it so far."""

    text: str
    language: str
    gazetteer: Gazetteer
    facts: list[Proposal] = field(default_factory=list)
    inferred: list[Proposal] = field(default_factory=list)
    entities: dict = field(default_factory=dict)  # path -> (class, label, why)
    meetings: list = field(default_factory=list)  # (start, path, series, edition)
    persons: list = field(default_factory=list)  # (start, end, path)
    dateline: tuple | None = None  # (start, end)
    ordinals: list = field(default_factory=list)  # (start, end) of the ordinals naming meetings
    publication: DateSpan | None = None

    def __post_init__(self):
        self.matches: list[Match] = self.gazetteer.find(self.text)
        self.dates: list[DateSpan] = find_dates(self.text, self.language)
        self.sentences: list[Sentence] = split_sentences(self.text)

    # ------------------------------------------------------------------ look-ups

    def sentence_at(self, offset: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return Sentence(0, len(self.text), self.text)

    def matches_in(self, start: int, end: int, kinds: set[str] | None = None) -> list[Match]:
        return [m for m in self.matches if m.start >= start and m.end <= end and (not kinds or m.kind in kinds)]

    def dates_in(self, start: int, end: int) -> list[DateSpan]:
        skip = self.dateline or (-1, -1)
        return [d for d in self.dates if d.start >= start and d.end <= end
                and not (d.start < skip[1] and d.end > skip[0])
                and not (self.publication and d.start == self.publication.start)]

    def meeting_at(self, offset: int):
        """The meeting the text is about at ``offset``: the last named before it, else the first named."""
        before = [m for m in self.meetings if m[0] <= offset]
        if before:
            return before[-1]
        return self.meetings[0] if self.meetings else None

    # ------------------------------------------------------------------ quoting

    def quote(self, start: int, end: int) -> str | None:
        """Return text[start:end], widened to the left until it occurs once, or None."""
        start, end = _trim(self.text, start, end)
        original = start
        sentence = self.sentence_at(start)
        low = min(sentence.start, start)
        while True:
            candidate = self.text[start:end]
            if candidate.strip() and count(self.text, candidate) == 1:
                return candidate
            if start <= low:
                break
            start = _previous_word(self.text, start, low)
        start = original
        while end < sentence.end:  # then to the right
            end = _next_word(self.text, end, sentence.end)
            candidate = self.text[start:end]
            if count(self.text, candidate) == 1:
                return candidate
        high = max(sentence.end, end)
        for _ in range(3):  # a line that repeats (a headline): with the next line
            candidate = self.text[low:high].strip()
            if candidate and count(self.text, candidate) == 1:
                return candidate
            following = self.text.find("\n", high + 1)
            high = len(self.text) if following < 0 else following
        return None

    def add(self, proposal: Proposal) -> None:
        if proposal.quote is None or (isinstance(proposal.quote, list) and None in proposal.quote):
            return
        for old in self.facts:
            if old.subject == proposal.subject and old.props == proposal.props:
                # the text states it again elsewhere: the fact rests on both places (a headline and its body)
                quotes = old.quote if isinstance(old.quote, list) else [old.quote]
                more = [q for q in (proposal.quote if isinstance(proposal.quote, list) else [proposal.quote])
                        if q not in quotes]
                if more and len(quotes) < 3:
                    old.quote = quotes + more[:3 - len(quotes)]
                return
        self.facts.append(proposal)

    def declare(self, path: str, cls: str, label: str, why: str) -> None:
        if path not in self.gazetteer.entities:
            self.entities.setdefault(path, (cls, label, why))


def split_sentences(text: str) -> list[Sentence]:
    """Cut ``text`` into sentences and lines, keeping offsets."""
    sentences, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.end() <= start:
            continue
        if "\n" not in m.group(0) and ABBREVIATION.search(text[start:m.start()]):
            continue  # "Nov. 7", "Mr. Alimov": not the end of a sentence
        if text[start:m.start()].strip():
            sentences.append(Sentence(start, m.start(), text[start:m.start()]))
        start = m.end()
    if text[start:].strip():
        sentences.append(Sentence(start, len(text), text[start:]))
    return sentences


def count(text: str, quote: str) -> int:
    """How often the engine would find ``quote`` in ``text``."""
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    return sum(1 for _ in pattern.finditer(text))


def _trim(text, start, end):
    while start < end and text[start] in " \t\n\u00a0,;:":
        start += 1
    while end > start and text[end - 1] in " \t\n\u00a0,;:(":
        end -= 1
    return start, end


def _next_word(text, end, high):
    position = end
    while position < high and text[position].isspace():
        position += 1
    while position < high and not text[position].isspace():
        position += 1
    return min(position, high)


def _previous_word(text, start, low):
    position = start - 1
    while position > low and text[position - 1].isspace():
        position -= 1
    while position > low and not text[position - 1].isspace():
        position -= 1
    return max(position, low)
