"""Find the authority data's entities in a text, by every label they have in every script.

The authority data (``authority/*.ttl``) gives each state, city, organisation, person, post,
series and measure its preferred label, its variants and the misspellings found in sources
(``skos:hiddenLabel``), in English, Russian and Chinese. Matching is:

* Latin script: case-insensitive, on word boundaries; a label of capitals only ("UN", "SCO")
  must match its case, so "un" in a word never matches;
* Cyrillic: each word may end in a different case ending ("Мирзаев", "Мирзаева"), since
  Russian inflects names; the stem kept is the word less its last two letters (at least
  four letters kept), followed by at most four letters;
* Chinese: the label as it is written, anywhere (Chinese has no spaces between words).

Overlapping matches keep the longest ("Executive Committee of the SCO RATS" over "SCO RATS").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import BASE, RATS

LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)

KINDS = {
    RATS.State: "state", RATS.MemberState: "state", RATS.City: "city", RATS.Region: "region", RATS.Site: "site",
    RATS.Place: "place", RATS.Person: "person", RATS.Post: "post", RATS.MeetingSeries: "series",
    RATS.Measure: "measure", RATS.MediaOrganisation: "media", RATS.TerroristOrganisation: "terrorist",
}
"""The kind of an entity, by its class; every other class of the authority data is an organisation."""

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Match:
    """One occurrence of an entity's label in the text."""

    path: str
    kind: str
    start: int
    end: int
    text: str
    hidden: bool = False


@dataclass
class Entity:
    """An authority entity: its path, kind and labels."""

    path: str
    kind: str
    labels: list[tuple[str, str, bool]]  # (label, language, hidden)

    @property
    def label(self) -> str:
        """The English label if there is one, else the first."""
        for text, language, hidden in self.labels:
            if language == "en" and not hidden:
                return text
        return self.labels[0][0]


def label_pattern(label: str) -> str:
    """Return the regular expression that finds ``label`` in a text.

    >>> bool(re.search(label_pattern("Руслан Мирзаев"), "слова Руслана Мирзаева."))
    True
    >>> bool(re.search(label_pattern("UN"), "the unit"))
    False
    """
    if _HAN.search(label):
        return re.escape(label)
    words = label.split()
    parts = []
    for word in words:
        if _CYRILLIC.search(word) and len(word) >= 5 and word[-1].isalpha():
            parts.append(re.escape(word[: max(4, len(word) - 2)]) + r"[\u0400-\u04ff]{0,4}")
        else:
            parts.append(re.escape(word).replace("'", "['’]").replace("’", "['’]"))
    body = r"[\s\u00a0]+".join(parts)
    if not (label.isupper() and len(label) <= 6):
        body = "(?i:" + body + ")"
    return r"(?<![\w-])" + body + r"(?![\w])"


def _key(label: str) -> str:
    """The part of a label that any match must contain, lower-cased: its longest word (a Russian word's stem).

    >>> _key("Руслан Мирзаев"), _key("Executive Committee of the SCO RATS")
    ('мирза', 'executive')
    """
    if _HAN.search(label):
        return label[:2].lower()
    word = max(re.findall(r"[^\W_]+", label) or [label[:2]], key=len)
    if _CYRILLIC.search(word) and len(word) >= 5:
        word = word[: max(4, len(word) - 2)]
    return word.lower()


class Gazetteer:
    """The authority entities and a matcher over all their labels."""

    def __init__(self, authority: Graph):
        self.entities: dict[str, Entity] = {}
        for subject in sorted(set(authority.subjects(RDF.type, None))):  # sorted: the same draft every run
            if not isinstance(subject, URIRef) or not str(subject).startswith(BASE):
                continue
            classes = set(authority.objects(subject, RDF.type))
            kind = next((KINDS[c] for c in classes if c in KINDS), "org")
            labels = []
            for predicate in LABELS:
                for label in authority.objects(subject, predicate):
                    labels.append((str(label), label.language or "", predicate == SKOS.hiddenLabel))
            if labels:
                path = str(subject)[len(BASE):]
                self.entities[path] = Entity(path, kind, sorted(labels, key=lambda item: (item[2], item[1] != "en")))
        # Labels stated on entities whose type is given in another file (corpus spellings).
        for subject, predicate, label in sorted(authority.triples((None, None, None))):
            if predicate in LABELS and isinstance(subject, URIRef) and str(subject)[len(BASE):] not in self.entities:
                path = str(subject)[len(BASE):]
                kind = {"state": "state", "city": "city", "person": "person", "post": "post"}.get(path.split("/")[0], "org")
                self.entities[path] = Entity(path, kind, [(str(label), label.language or "", predicate == SKOS.hiddenLabel)])

    @cached_property
    def _patterns(self) -> list[tuple[str, re.Pattern, str, str, bool]]:
        patterns = []
        for entity in self.entities.values():
            for text, _language, hidden in entity.labels:
                if len(text) >= 2:
                    key = _key(text)  # a cheap test before the regular expression
                    patterns.append((key, re.compile(label_pattern(text)), entity.path, entity.kind, hidden))
        return patterns

    def find(self, text: str, kinds: set[str] | None = None) -> list[Match]:
        """Return the non-overlapping matches in ``text``, longest first where two overlap, in text order."""
        found = {}
        lower = text.lower()
        where: dict[str, list[int]] = {}
        for key, pattern, path, kind, hidden in self._patterns:
            if (kinds and kind not in kinds) or key not in lower:
                continue
            if key not in where:
                where[key] = [m.start() for m in re.finditer(re.escape(key), lower)]
            # only around the places the key occurs: a label is at most a few times its key's length
            reach = 4 * len(pattern.pattern) // 3 + 20
            for at in where[key]:
                for m in pattern.finditer(text, max(0, at - reach), min(len(text), at + reach)):
                    whole = pattern.match(text, m.start())  # the window's end may have cut a longer word
                    if whole and whole.end() == m.end():
                        found[(m.start(), m.end(), path)] = Match(path, kind, m.start(), m.end(), m.group(0), hidden)
        found = list(found.values())
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        taken: list[Match] = []
        for match in found:
            if all(match.end <= t.start or match.start >= t.end for t in taken):
                taken.append(match)
        return sorted(taken, key=lambda m: m.start)

    def kind(self, path: str) -> str | None:
        entity = self.entities.get(path)
        return entity.kind if entity else None

    def of_kind(self, kind: str) -> list[Entity]:
        return [e for e in self.entities.values() if e.kind == kind]
