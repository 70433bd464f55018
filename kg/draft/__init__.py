"""Draft a mapping from a raw text: what it states, each fact with its quote and a confidence.

The drafter reads a news text about the SCO RATS in English, Russian or Chinese and proposes
a mapping in the project's format (``mappings/README.md``): the source's title, publication
date, dateline city and publisher; numbered meetings with their dates, city, host and chair;
the states and organisations taking part and their roles; people with their posts; and
statistics with measure, value, qualifier, period and area. Everything runs offline from the
authority data (``authority/*.ttl``, every label in every script) and rules; see the README's
"Drafting a mapping" for the libraries chosen and the measured precision and recall.

>>> from kg.sources.project import Project
>>> drafter = Drafter.from_project(Project())
>>> "datelineCity: city/astana" in drafter.draft("ASTANA – The 9th scientific-practical conference opened.")
True
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from kg.draft.context import Context
from kg.draft.gazetteer import Gazetteer
from kg.draft.meetings import propose_meetings
from kg.draft.organisations import propose_organisations
from kg.draft.people import propose_people
from kg.draft.source import propose_source_facts
from kg.draft.statistics import propose_statistics
from kg.draft.writer import validated
from kg.errors import BadRequest
from kg.sources.ontology import Vocabulary, load_ontology
from kg.sources.project import Project, load_authority

LANGUAGES = ("en", "ru", "zh")


def read_text(path: Path) -> tuple[str, str]:
    """Read a source text from a file (or standard input for ``-``); return it and its source id."""
    if str(path) == "-":
        return sys.stdin.read(), "draft"
    if not Path(path).is_file():
        raise BadRequest(f"{path}: no such file")
    try:
        return Path(path).read_text(encoding="utf-8"), Path(path).stem
    except UnicodeDecodeError as exc:
        raise BadRequest(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def guess_language(text: str) -> str:
    """Return the language of ``text`` by its script: Chinese, Russian, else English.

    >>> guess_language("Ташкент"), guess_language("塔什干"), guess_language("Tashkent")
    ('ru', 'zh', 'en')
    """
    han = len(re.findall(r"[\u4e00-\u9fff]", text))
    cyrillic = len(re.findall(r"[\u0400-\u04ff]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if han and han * 3 >= max(cyrillic, latin) / 2:
        return "zh"
    return "ru" if cyrillic > latin else "en"


@dataclass
class Drafter:
    """The authority data and the ontology, read once, and the rules that draft a mapping."""

    gazetteer: Gazetteer
    vocabulary: Vocabulary
    known: set

    @classmethod
    def from_project(cls, project: Project) -> "Drafter":
        authority = load_authority(project.authority)
        return cls(Gazetteer(authority), Vocabulary.from_graph(load_ontology(project.ontology)),
                   set(authority.subjects()))

    def warm(self) -> float:
        """Compile the rules' patterns and load the libraries' data once; return the seconds it took.

        The first draft of a process pays this (about a third of a second); a server or the
        benchmark pays it once, before the first text.
        """
        import time

        started = time.perf_counter()
        for text in ("ASTANA, May 29 – The 9th scientific-practical conference: more than 10 participants.",
                     "Ташкент. 28 марта. Более 40 терактов предотвращено.", "塔什干3月27日电 超过40起。"):
            self.draft(text)
        return time.perf_counter() - started

    def context(self, text: str, language: str | None = None) -> Context:
        """Run the rules over ``text`` and return what they found."""
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("the text to draft from is empty")
        language = (language or guess_language(text)).lower()
        if language not in LANGUAGES:
            raise BadRequest(f"language {language!r} is not supported: give one of {', '.join(LANGUAGES)}")
        ctx = Context(text, language, self.gazetteer)
        propose_source_facts(ctx)
        propose_meetings(ctx)
        propose_people(ctx)
        propose_organisations(ctx)
        propose_statistics(ctx)
        return ctx

    def draft(self, text: str, language: str | None = None, *, source_id: str = "draft") -> str:
        """Return the draft mapping of ``text`` as YAML, valid for the mapper engine."""
        return validated(self.context(text, language), self.vocabulary, self.known, source_id=source_id)
