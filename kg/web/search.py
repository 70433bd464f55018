"""Search: entities by any of their spellings, and quotes by their words, ranked, the words highlighted.

The index is SQLite's FTS5 (in the standard library), in memory, with the ``unicode61``
tokenizer folding case and diacritics. It holds every label, alternative label and stated
name of every entity (each with the graph that gives it), and every quote of every evidence
record (once per quote, with the statements it supports). A query in Cyrillic is also searched
transliterated ("Мирзаев" finds Ruslan Mirzayev through his spelling "Mirzaev"), and each word
matches as a prefix ("Afghan" finds Afghanistan). The index is rebuilt from the store when the
store has changed (any write through this server empties the answer cache; a source added by
another process changes the named graphs), so intake and builds show up without a restart.

``GET /search?q=…`` answers JSON, or a page in a browser; every page has the search box.
"""

from __future__ import annotations

import re
import sqlite3
import threading

from flask import Blueprint, jsonify, render_template, request
from markupsafe import escape

from kg.errors import BadRequest
from kg.namespaces import BASE, PREFIXES
from kg.web.common import local_link, state
from kg.web.negotiation import wants_html

blueprint = Blueprint("search", __name__)

_NAMES = """
SELECT DISTINCT ?x ?p ?name ?g WHERE {
  GRAPH ?g { ?x ?p ?name } VALUES ?p { skos:prefLabel skos:altLabel rdfs:label rats:statedName }
  FILTER (isIRI(?x) && !STRSTARTS(STR(?x), STR(rats:)) && !STRSTARTS(STR(?x), STR(kgwd:)))
}"""
_QUOTES = """
SELECT ?subject ?predicate ?quote ?source ?start ?end WHERE {
  GRAPH ?g { ?ev a rats:Evidence ; rdf:subject ?subject ; rdf:predicate ?predicate ; oa:hasTarget ?t .
             ?t oa:hasSource ?source ; oa:hasSelector ?qs , ?ps . ?qs oa:exact ?quote . ?ps oa:start ?start }
}"""
_TITLES = "SELECT ?source ?title WHERE { GRAPH ?g { ?source a rats:Source ; rats:title ?title } }"
_KIND = {PREFIXES["skos"] + "prefLabel": "name", PREFIXES["skos"] + "altLabel": "also known as",
         PREFIXES["rdfs"] + "label": "label", PREFIXES["rats"] + "statedName": "as stated"}

CYRILLIC = dict(zip("абвгдезийклмнопрстуфхцчшщъыьэюяёғқңүұһәөіў",
                    ["a", "b", "v", "g", "d", "e", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
                     "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "yo", "g", "q", "ng", "u", "u", "h",
                     "a", "o", "i", "o"], strict=True))
CYRILLIC["ж"] = "zh"
OPEN, CLOSE = "\x02", "\x03"


def transliterations(word: str) -> list[str]:
    """``word`` and, if it is Cyrillic, its Latin spellings (``е`` after a vowel is ``e`` or ``ye``).

    >>> transliterations("мирзаев")
    ['мирзаев', 'mirzaev', 'mirzayev']
    >>> transliterations("cells")
    ['cells']
    """
    if not re.search(r"[\u0400-\u04ff]", word):
        return [word]
    plain = "".join(CYRILLIC.get(c, c) for c in word)
    yes = "".join(("y" + CYRILLIC[c] if c == "е" and i and word[i - 1] in "аеёиоуыэюя" else CYRILLIC.get(c, c))
                  for i, c in enumerate(word))
    return list(dict.fromkeys([word, plain, yes]))


def fts_query(text: str) -> str:
    """The FTS5 query for what a person typed: every word, as a prefix, in any of its spellings.

    >>> fts_query('Мирзаев "cells')
    '("мирзаев"* OR "mirzaev"* OR "mirzayev"*) AND ("cells"*)'
    """
    words = re.findall(r"\w+", text.lower())
    if not words:
        raise BadRequest("give some words to search for: GET /search?q=words")
    return " AND ".join("(" + " OR ".join(f'"{w}"*' for w in transliterations(word)) + ")" for word in words[:12])


def pieces(marked: str) -> list[tuple[str, bool]]:
    """Text that FTS5's ``highlight()`` marked, as (piece, highlighted) pairs."""
    out = []
    for i, part in enumerate(re.split(f"[{OPEN}{CLOSE}]", marked)):
        if part:
            out.append((part, i % 2 == 1))
    return out


class SearchIndex:
    """The full-text index of one state of the store."""

    def __init__(self, store):
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute("CREATE VIRTUAL TABLE names USING fts5(name, iri UNINDEXED, kind UNINDEXED, graph UNINDEXED,"
                        " tokenize='unicode61 remove_diacritics 2')")
        self.db.execute("CREATE VIRTUAL TABLE quotes USING fts5(quote, source UNINDEXED, start UNINDEXED,"
                        " supports UNINDEXED, tokenize='unicode61 remove_diacritics 2')")
        self.lock = threading.Lock()
        names = [(r["name"].value, r["x"].value, _KIND[r["p"].value], r["g"].value)
                 for r in store.query(_NAMES, prefixes=PREFIXES)]
        self.db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", names)
        quotes: dict[tuple[str, int], tuple[str, list[str]]] = {}
        for r in store.query(_QUOTES, prefixes=PREFIXES):
            key = (r["source"].value, int(r["start"].value))
            quote = quotes.setdefault(key, (r["quote"].value, []))
            if r["subject"].value not in quote[1]:
                quote[1].append(r["subject"].value)
        self.db.executemany("INSERT INTO quotes VALUES (?, ?, ?, ?)",
                            [(text, source, start, " ".join(subjects)) for (source, start), (text, subjects) in quotes.items()])
        self.titles = {r["source"].value: r["title"].value for r in store.query(_TITLES, prefixes=PREFIXES)}
        self.labels: dict[str, str] = {}
        for name, iri, kind, _ in sorted(names, key=lambda n: n[2] != "name"):  # a name before other spellings
            self.labels.setdefault(iri, name)
        self.size = (len(names), len(quotes))

    def search(self, text: str, limit: int = 20) -> dict:
        """Entities and quotes matching ``text``, best first."""
        query = fts_query(text)
        with self.lock:
            try:
                name_rows = self.db.execute(
                    f"SELECT iri, kind, graph, highlight(names, 0, '{OPEN}', '{CLOSE}'), bm25(names) FROM names "
                    "WHERE names MATCH ? ORDER BY bm25(names) LIMIT 200", (query,)).fetchall()
                quote_rows = self.db.execute(
                    f"SELECT source, start, supports, highlight(quotes, 0, '{OPEN}', '{CLOSE}') FROM quotes "
                    "WHERE quotes MATCH ? ORDER BY bm25(quotes) LIMIT ?", (query, limit)).fetchall()
            except sqlite3.OperationalError as exc:
                raise BadRequest(f"cannot search for {text!r}: {exc}") from None
        entities: dict[str, dict] = {}
        for iri, kind, graph, marked, _ in name_rows:
            hit = entities.setdefault(iri, {"iri": iri, "label": self.labels.get(iri, iri), "page": local_link(iri),
                                            "matches": []})
            match = {"text": marked.replace(OPEN, "").replace(CLOSE, ""), "kind": kind, "pieces": pieces(marked),
                     "source": graph, "source_title": self._source_title(graph)}
            if all(m["text"] != match["text"] for m in hit["matches"]):
                hit["matches"].append(match)
        quotes = [{"quote": marked.replace(OPEN, "").replace(CLOSE, ""), "pieces": pieces(marked), "source": source,
                   "source_title": self.titles.get(source, source.rsplit("/", 1)[-1]), "start": int(start),
                   "page": local_link(source),
                   "about": [{"iri": s, "label": self.labels.get(s, s.removeprefix(BASE)), "page": local_link(s)}
                             for s in supports.split()]}
                  for source, start, supports, marked in quote_rows]
        return {"q": text, "entities": list(entities.values())[:limit], "quotes": quotes}

    def _source_title(self, graph: str) -> str:
        source = graph.replace("/graph/source/", "/source/")
        if source in self.titles:
            return self.titles[source]
        return graph.rsplit("/", 1)[-1] if "/graph/source/" in graph else "reference data"


def index() -> SearchIndex:
    """The index of the store as it is now, rebuilt after a change."""
    kg = state()
    key = (kg["cache"].generation, len(list(kg["store"].named_graphs())))
    with _BUILDING:
        kept = kg.get("search")
        if kept is None or kept[0] != key:
            kept = kg["search"] = (key, SearchIndex(kg["store"]))
    return kept[1]


_BUILDING = threading.Lock()


@blueprint.route("/search")
def search():
    """``?q=words``: entities by any spelling, quotes by their words (JSON, or a page in a browser)."""
    text = request.args.get("q", "").strip()
    if wants_html():
        results = index().search(text) if text else None
        return render_template("search.html", q=text, results=results)
    if not text:
        raise BadRequest("give some words to search for: GET /search?q=words")
    limit = request.args.get("limit", "20")
    if not limit.isdigit() or not 0 < int(limit) <= 100:
        raise BadRequest(f"limit must be a whole number from 1 to 100, not {limit!r}")
    results = index().search(text, limit=int(limit))
    for item in [m for hit in results["entities"] for m in hit["matches"]] + results["quotes"]:
        marked = item.pop("pieces")
        item["matched"] = [piece for piece, hit in marked if hit]
        item["highlighted"] = "".join(f"<mark>{escape(p)}</mark>" if hit else str(escape(p)) for p, hit in marked)
    return jsonify(results)
