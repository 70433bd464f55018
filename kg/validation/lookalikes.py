"""Warnings for names that look like other names: bidirectional controls, invisible characters,
and words that mix scripts (a Cyrillic ``а`` among Latin letters).

A label with a right-to-left override displays differently from what it holds, and
``Tаshkent`` with a Cyrillic ``а`` is another string than ``Tashkent`` that no reader can tell
apart; both are how a source could slip a second entity in beside a real one. These are
Warnings (a name may be written in two scripts for a reason), each naming the character by
its code point and Unicode name. Source ids themselves must be ASCII (:mod:`kg.validation.intake`).
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Graph, Literal, URIRef

from kg.validation.report import Finding, Value

BIDI_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
INVISIBLE = {0x00AD, 0x034F, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF}
CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"}
"""Scripts with letters that look like Latin ones; a word mixing two of them is suspicious."""
_WORD = re.compile(r"\w+")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"


def problems(text: str) -> list[str]:
    """What is odd about ``text``, in words; empty if nothing is.

    >>> problems("Tashkent")
    []
    >>> problems("T\\u0430shkent")
    ["the word 'Tаshkent' mixes CYRILLIC and LATIN letters (U+0430 CYRILLIC SMALL LETTER A)"]
    """
    found = []
    controls = sorted({c for c in text if ord(c) in BIDI_CONTROLS})
    if controls:
        found.append("bidirectional control character(s) that change how the text displays: "
                     + ", ".join(_describe(c) for c in controls))
    invisible = sorted({c for c in text if ord(c) in INVISIBLE})
    if invisible:
        found.append("invisible character(s): " + ", ".join(_describe(c) for c in invisible))
    for word in _WORD.findall(text):
        scripts: dict[str, str] = {}
        for char in word:
            if char.isalpha():
                script = unicodedata.name(char, "").split(" ")[0]
                if script in CONFUSABLE_SCRIPTS:
                    scripts.setdefault(script, char)
        if len(scripts) > 1:
            minority = [c for s, c in scripts.items() if s != "LATIN"] or list(scripts.values())[1:]
            found.append(f"the word {word!r} mixes {' and '.join(sorted(scripts))} letters "
                         f"({', '.join(_describe(c) for c in minority)})")
    return found


def lookalike_findings(graph: Graph) -> list[Finding]:
    """A Warning for every literal or IRI of ``graph`` whose characters could pass for others."""
    findings = []
    seen = set()
    for subject, predicate, obj in graph:
        for term in (subject, obj) if isinstance(obj, (Literal, URIRef)) else (subject,):
            text = str(term)
            if text in seen or text.isascii():
                continue
            seen.add(text)
            found = problems(text)
            if found:
                findings.append(Finding(
                    severity="Warning", shape="look-alike characters", focus=str(subject), focus_label=str(subject),
                    path=str(predicate), path_label=str(predicate).rsplit("/", 1)[-1].rsplit("#", 1)[-1],
                    messages=[f"{text[:200]!r}: {problem}" for problem in found],
                    values=[Value(text, text, True)], involves_candidate=True))
    return findings
