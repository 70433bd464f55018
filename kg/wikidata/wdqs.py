"""The Wikidata Query Service's label service, as a query rewrite.

WDQS users write ``SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }`` and
get ``?xLabel``, ``?xDescription`` and ``?xAltLabel`` for every selected ``?x`` (the automatic
form), or name the outputs themselves, ``?x rdfs:label ?name`` inside the block (the manual
form: then only those are bound). This endpoint sends no request to any service, so the block is
rewritten into plain SPARQL before the query runs: for each such variable, the label in the
first language of the list that has one (``rdfs:label`` or ``skos:prefLabel``), else the
value's local name (an IRI; WDQS falls back to the Q-id) or its text (a literal);
descriptions from ``schema:description``; aliases in any of the languages, joined by ", ".

As on WDQS, the service only *adds* the label variables and never binds ``?x``: where ``?x``
is unbound (an OPTIONAL that did not match), its label is unbound too. So the patterns look
the labels up through a key, ``?x`` where it is bound and an IRI nothing has a label for where
it is not, and they go at the end of the group holding the block, as WDQS runs the service
after the rest of the group, wherever it is written.

Spec: https://www.mediawiki.org/wiki/Wikidata_Query_Service/User_Manual#Label_service
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"SERVICE\s+(?:wikibase:label|<http://wikiba\.se/ontology#label>)\s*\{(?P<body>[^{}]*)\}",
                    re.IGNORECASE)
_LANGUAGE = re.compile(r"wikibase:language\s+\"(?P<langs>[^\"]*)\"")
_PROJECTION = re.compile(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?P<vars>.*?)\s*(?:WHERE\s*)?\{", re.IGNORECASE | re.S)
_SUFFIXES = ("AltLabel", "Description", "Label")
# The manual form: ``?x rdfs:label ?name`` (or the description or aliases) inside the block.
_MANUAL_PREDICATES = {
    "rdfs:label": "Label", "<http://www.w3.org/2000/01/rdf-schema#label>": "Label",
    "schema:description": "Description", "<http://schema.org/description>": "Description",
    "skos:altLabel": "AltLabel", "<http://www.w3.org/2004/02/skos/core#altLabel>": "AltLabel",
}
_MANUAL = re.compile(r"[?$](?P<base>\w+)\s+(?P<predicate>" + "|".join(re.escape(p) for p in _MANUAL_PREDICATES)
                     + r")\s+[?$](?P<output>\w+)")
# Strings, IRIs and comments, whose braces are no group's.
_OPAQUE = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
                     r'|"(?:[^"\\\n]|\\.)*"' r"|'(?:[^'\\\n]|\\.)*'" r"|<[^<>\"{}|^`\\\s]*>" r"|#[^\n]*")
UNBOUND = "urn:x-kg:label-service:unbound"
"""The key of an unbound variable: an IRI that has no label, so its labels stay unbound."""


def rewrite_label_service(query: str) -> str:
    """Replace a WDQS label-service block with patterns that bind the same label variables.

    >>> q = 'SELECT ?x ?xLabel WHERE { ?x a ?t . SERVICE wikibase:label { bd:serviceParam wikibase:language "en". } }'
    >>> "SERVICE" in rewrite_label_service(q), "?xLabel" in rewrite_label_service(q)
    (False, True)
    """
    match = _BLOCK.search(query)
    if match is None:
        return query
    body = match.group("body")
    languages = _languages(body)
    rest = query[: match.start()] + query[match.end():]
    wanted = [(m["base"], _MANUAL_PREDICATES[m["predicate"]], m["output"]) for m in _MANUAL.finditer(body)]
    if not wanted:
        projection = _PROJECTION.search(query)
        for name in re.findall(r"\?(\w+)", projection.group("vars")) if projection else []:
            for suffix in _SUFFIXES:
                if name.endswith(suffix) and len(name) > len(suffix):
                    base = name[: -len(suffix)]
                    if re.search(rf"[?$]{re.escape(base)}\b", rest):
                        wanted.append((base, suffix, name))
                    break
    patterns = []
    for base in dict.fromkeys(base for base, _, _ in wanted):
        patterns.append(f"BIND (IF(BOUND(?{base}), ?{base}, <{UNBOUND}>) AS ?{base}__key)")
    for n, (base, suffix, output) in enumerate(wanted):
        patterns.append(_pattern(base, suffix, output, languages, f"{base}__{n}"))
    end = _group_end(query, match.end())
    return query[: match.start()] + query[match.end(): end] + " " + " ".join(patterns) + " " + query[end:]


def _group_end(query: str, start: int) -> int:
    """The position of the ``}`` closing the group pattern that holds ``start``."""
    depth, position = 0, start
    while position < len(query):
        opaque = _OPAQUE.match(query, position)
        if opaque:
            position = opaque.end()
            continue
        if query[position] == "{":
            depth += 1
        elif query[position] == "}":
            if depth == 0:
                return position
            depth -= 1
        position += 1
    return len(query)  # unbalanced: the parser will say where


def _languages(body: str) -> list[str]:
    found = _LANGUAGE.search(body)
    raw = found.group("langs") if found else "en"
    languages = [lang.strip() for lang in raw.split(",") if lang.strip() and lang.strip() != "[AUTO_LANGUAGE]"]
    return languages or ["en"]


def _pattern(base: str, suffix: str, output: str, languages: list[str], scratch: str) -> str:
    """The patterns binding ``?output`` (``suffix`` says what) of ``?base``, looked up by its key."""
    key, var = f"?{base}__key", f"?{base}"
    if suffix == "Label":
        options = " ".join(
            f"OPTIONAL {{ {key} rdfs:label|skos:prefLabel ?{scratch}_{i} FILTER (LANGMATCHES(LANG(?{scratch}_{i}), \"{lang}\")) }}"
            for i, lang in enumerate(languages))
        chain = ", ".join(f"?{scratch}_{i}" for i in range(len(languages)))
        fallback = f'IF(isIRI({var}), REPLACE(STR({var}), "^.*[/#]", ""), STR({var}))'  # unbound: an error, so unbound
        return f"{options} BIND (COALESCE({chain}, {fallback}) AS ?{output})"
    if suffix == "Description":
        options = " ".join(
            f"OPTIONAL {{ {key} schema:description ?{scratch}_{i} FILTER (LANGMATCHES(LANG(?{scratch}_{i}), \"{lang}\")) }}"
            for i, lang in enumerate(languages))
        chain = ", ".join(f"?{scratch}_{i}" for i in range(len(languages)))
        return f"{options} BIND (COALESCE({chain}) AS ?{output})"
    in_languages = ", ".join(f'"{lang}"' for lang in languages)
    return (f"OPTIONAL {{ SELECT {key} (GROUP_CONCAT(?{scratch}_alias; separator=\", \") AS ?{output}) "
            f"WHERE {{ {key} skos:altLabel ?{scratch}_alias FILTER (LANG(?{scratch}_alias) IN ({in_languages})) }} "
            f"GROUP BY {key} }}")
