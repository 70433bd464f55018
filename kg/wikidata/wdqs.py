"""The Wikidata Query Service's label service, as a query rewrite.

WDQS users write ``SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }`` and
get ``?xLabel``, ``?xDescription`` and ``?xAltLabel`` for every selected ``?x``. This endpoint
sends no request to any service, so the block is rewritten into plain SPARQL before the
query runs: for each such variable, the label in the first language of the list that has
one (``rdfs:label`` or ``skos:prefLabel``), else the entity's local name, as WDQS falls back to
the Q-id; descriptions from ``schema:description``; aliases in any of the languages, joined by ", ".
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"SERVICE\s+(?:wikibase:label|<http://wikiba\.se/ontology#label>)\s*\{(?P<body>[^{}]*)\}",
                    re.IGNORECASE)
_LANGUAGE = re.compile(r"wikibase:language\s+\"(?P<langs>[^\"]*)\"")
_PROJECTION = re.compile(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(?P<vars>.*?)\s*(?:WHERE\s*)?\{", re.IGNORECASE | re.S)
_SUFFIXES = ("AltLabel", "Description", "Label")


def rewrite_label_service(query: str) -> str:
    """Replace a WDQS label-service block with the patterns that bind the same variables.

    >>> q = 'SELECT ?x ?xLabel WHERE { ?x a ?t . SERVICE wikibase:label { bd:serviceParam wikibase:language "en". } }'
    >>> "SERVICE" in rewrite_label_service(q), "?xLabel" in rewrite_label_service(q)
    (False, True)
    """
    match = _BLOCK.search(query)
    if match is None:
        return query
    languages = _languages(match.group("body"))
    projection = _PROJECTION.search(query)
    selected = re.findall(r"\?(\w+)", projection.group("vars")) if projection else []
    patterns = []
    for name in selected:
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                base = name[: -len(suffix)]
                if re.search(rf"[?$]{re.escape(base)}\b", query[: match.start()] + query[match.end():]):
                    patterns.append(_pattern(base, suffix, languages))
                break
    return query[: match.start()] + " ".join(patterns) + query[match.end():]


def _languages(body: str) -> list[str]:
    found = _LANGUAGE.search(body)
    raw = found.group("langs") if found else "en"
    languages = [lang.strip() for lang in raw.split(",") if lang.strip() and lang.strip() != "[AUTO_LANGUAGE]"]
    return languages or ["en"]


def _pattern(base: str, suffix: str, languages: list[str]) -> str:
    var = f"?{base}"
    if suffix == "Label":
        options = " ".join(
            f"OPTIONAL {{ {var} rdfs:label|skos:prefLabel ?{base}__label{i} FILTER (LANGMATCHES(LANG(?{base}__label{i}), \"{lang}\")) }}"
            for i, lang in enumerate(languages))
        chain = ", ".join(f"?{base}__label{i}" for i in range(len(languages)))
        fallback = f'IF(isIRI({var}), REPLACE(STR({var}), "^.*[/#]", ""), STR({var}))'
        return f"{options} BIND (COALESCE({chain}, {fallback}) AS ?{base}Label)"
    if suffix == "Description":
        options = " ".join(
            f"OPTIONAL {{ {var} schema:description ?{base}__description{i} "
            f"FILTER (LANGMATCHES(LANG(?{base}__description{i}), \"{lang}\")) }}"
            for i, lang in enumerate(languages))
        chain = ", ".join(f"?{base}__description{i}" for i in range(len(languages)))
        return f"{options} BIND (COALESCE({chain}) AS ?{base}Description)"
    wanted = ", ".join(f'"{lang}"' for lang in languages)
    return (f"OPTIONAL {{ SELECT {var} (GROUP_CONCAT(?{base}__alias; separator=\", \") AS ?{base}AltLabel) "
            f"WHERE {{ {var} skos:altLabel ?{base}__alias FILTER (LANG(?{base}__alias) IN ({wanted})) }} "
            f"GROUP BY {var} }}")
