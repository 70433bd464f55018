"""Entity reconciliation, as the W3C Entity Reconciliation CG's API v0.2 (the one OpenRefine speaks).

Names are matched against every label an entity has in the reference data: its preferred
label, its legitimate variants (``skos:altLabel``: Mirzaev for Mirzayev, Vilayat for
Wilayat Khorasan) and the misspellings the sources contain (``skos:hiddenLabel``: Erlan for
Ermek Sagimbayev). Matching ignores case, diacritics and punctuation. A misspelling scores
lower and is never an automatic ``match``, so a curator sees it. The spellings the sources
state (``rats:statedName``, a mapping's ``altLabel``) are matched too, as variants, and names
compare across scripts, transliterations and Russian case forms (:mod:`kg.sources.names`:
Сысоев, Sysoev and Sysoyev; "Раджиндером Ханна" for Rajinder Khanna) as variants as well.

Spec: https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import AUTHORITY_GRAPH, BASE, ONTOLOGY_GRAPH, PREFIXES, RATS
from kg.sources.names import name_keys

SPEC = "https://www.w3.org/community/reports/reconciliation/CG-FINAL-specs-0.2-20230410/"
LABEL_SCORES = {"pref": 100.0, "alt": 95.0, "hidden": 80.0}
MATCH_SCORE = 95.0

_ENTITIES = """
SELECT ?entity ?kind ?label ?type ?typeLabel WHERE {
  GRAPH ?reference {
    { ?entity skos:prefLabel ?label BIND ("pref" AS ?kind) }
    UNION { ?entity skos:altLabel ?label BIND ("alt" AS ?kind) }
    UNION { ?entity skos:hiddenLabel ?label BIND ("hidden" AS ?kind) }
    ?entity a ?type .
  }
  OPTIONAL { GRAPH ?ontology { ?type rdfs:label ?typeLabel } }
}"""

_STATED_SPELLINGS = """
SELECT DISTINCT ?entity ?label WHERE {
  GRAPH ?g { ?entity rats:statedName|skos:altLabel|rats:recognisedSpelling ?label }
  FILTER (STRSTARTS(STR(?g), STR(kg:graph/source/)) || ?g = ?reference)
}"""

_PROPERTIES = """
SELECT ?entity ?property ?value ?valueLabel WHERE {
  GRAPH ?reference { ?entity ?property ?value . FILTER (STRSTARTS(STR(?property), STR(rats:))) }
  OPTIONAL { GRAPH ?reference { ?value skos:prefLabel ?valueLabel } }
}"""

_CLASSES = """
SELECT ?class ?label ?super WHERE {
  GRAPH ?ontology { ?class a owl:Class ; rdfs:label ?label . OPTIONAL { ?class rdfs:subClassOf+ ?super } }
}"""


def normalise(text: str) -> str:
    """Fold case, diacritics and punctuation so that spellings compare.

    >>> normalise("  Ermék  SAGIMBAYEV, ")
    'ermek sagimbayev'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare.casefold()).split())


@dataclass
class Entity:
    """An entity as reconciliation sees it: labels by kind, types, and property values."""

    id: str
    name: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # normalised label -> kind
    types: dict[str, str] = field(default_factory=dict)  # type id -> name
    properties: dict[str, set[str]] = field(default_factory=dict)  # property id -> values (ids and labels)
    keys: dict[str, str] = field(default_factory=dict)  # name key (kg.sources.names) -> kind of its label


class Reconciler:
    """An index of the reference data that answers reconciliation and suggest requests."""

    def __init__(self, store: ox.Store):
        self.entities: dict[str, Entity] = {}
        self.types: dict[str, str] = {}
        self.supertypes: dict[str, set[str]] = {}
        for row in store.query(_CLASSES.replace("?ontology", f"<{ONTOLOGY_GRAPH}>"), prefixes=PREFIXES):
            cls = _local(row["class"].value)
            self.types[cls] = row["label"].value
            if row["super"] is not None and row["super"].value.startswith(str(RATS._NS)):
                self.supertypes.setdefault(cls, set()).add(_local(row["super"].value))
        query = _ENTITIES.replace("?reference", f"<{AUTHORITY_GRAPH}>").replace("?ontology", f"<{ONTOLOGY_GRAPH}>")
        for row in store.query(query, prefixes=PREFIXES):
            entity = self.entities.setdefault(_id(row["entity"].value), Entity(_id(row["entity"].value)))
            kind, label = row["kind"].value, row["label"].value
            if kind == "pref":
                entity.name = label
            key = normalise(label)
            current = entity.labels.get(key)
            if current is None or LABEL_SCORES[kind] > LABEL_SCORES[current]:
                entity.labels[key] = kind
            type_id = _local(row["type"].value)
            entity.types[type_id] = row["typeLabel"].value if row["typeLabel"] is not None else type_id
        spellings = _STATED_SPELLINGS.replace("?reference", f"<{AUTHORITY_GRAPH}>").replace(
            "kg:graph/source/", f"<{BASE}graph/source/>")
        for row in store.query(spellings, prefixes=PREFIXES):
            entity = self.entities.get(_id(row["entity"].value))
            if entity is not None:  # a recorded misspelling stays one: only new spellings are variants
                entity.labels.setdefault(normalise(row["label"].value), "alt")
        for entity in self.entities.values():
            entity.keys = {key: kind for label, kind in entity.labels.items() for key in name_keys(label)}
        for row in store.query(_PROPERTIES.replace("?reference", f"<{AUTHORITY_GRAPH}>"), prefixes=PREFIXES):
            entity = self.entities.get(_id(row["entity"].value))
            if entity is None:
                continue
            values = entity.properties.setdefault(_local(row["property"].value), set())
            values.add(_id(row["value"].value) if isinstance(row["value"], ox.NamedNode) else normalise(row["value"].value))
            if row["valueLabel"] is not None:
                values.add(normalise(row["valueLabel"].value))

    # ------------------------------------------------------------------ API

    def manifest(self, base_url: str) -> dict:
        """The service manifest."""
        root = base_url.rstrip("/")
        return {
            "versions": ["0.1", "0.2"],
            "name": "SCO RATS knowledge graph",
            "identifierSpace": BASE,
            "schemaSpace": str(RATS._NS),
            "defaultTypes": [{"id": t, "name": self.types[t]} for t in ("Person", "Organisation", "State", "City")
                             if t in self.types],
            "view": {"url": root + "/{{id}}"},
            "preview": {"url": root + "/reconcile/preview?id={{id}}", "width": 400, "height": 120},
            "suggest": {
                "entity": {"service_url": root, "service_path": "/reconcile/suggest/entity"},
                "type": {"service_url": root, "service_path": "/reconcile/suggest/type"},
                "property": {"service_url": root, "service_path": "/reconcile/suggest/property"},
            },
            "documentation": SPEC,
        }

    def reconcile(self, query: dict) -> list[dict]:
        """Answer one query: candidates sorted best first, ``match`` only when confident."""
        text = normalise(str(query.get("query", "")))
        wanted = query.get("type")
        wanted = [t for t in ([wanted] if isinstance(wanted, str) else list(wanted or [])) if t]
        limit = int(query.get("limit") or 5)
        conditions = query.get("properties") or []
        scored = []
        for entity in self.entities.values():
            if wanted and not any(self._is_a(entity, t) for t in wanted):
                continue
            score, kind = self._score(entity, text)
            score += self._property_bonus(entity, conditions)
            if score >= 40:
                scored.append((min(score, 100.0), kind, entity))
        scored.sort(key=lambda item: (-item[0], item[2].name))
        results = []
        for index, (score, kind, entity) in enumerate(scored[:limit]):
            runner_up = scored[index + 1][0] if index + 1 < len(scored) else 0.0
            results.append({
                "id": entity.id,
                "name": entity.name,
                "description": self._describe(entity, kind),
                "type": [{"id": t, "name": n} for t, n in sorted(entity.types.items())],
                "score": round(score, 1),
                "match": index == 0 and score >= MATCH_SCORE and kind != "hidden" and score - runner_up >= 10,
            })
        return results

    def suggest_entities(self, prefix: str, limit: int = 10) -> list[dict]:
        """Entities with a label that starts with (or contains) ``prefix``."""
        key = normalise(prefix)
        hits = []
        for entity in self.entities.values():
            best = min((0 if label.startswith(key) else 1 for label in entity.labels if key in label), default=None)
            if best is not None:
                hits.append((best, entity.name, entity))
        hits.sort(key=lambda h: (h[0], h[1]))
        return [{"id": e.id, "name": e.name, "description": ", ".join(e.types.values())} for _, _, e in hits[:limit]]

    def suggest_types(self, prefix: str, limit: int = 10) -> list[dict]:
        key = normalise(prefix)
        return [{"id": t, "name": n} for t, n in sorted(self.types.items()) if key in normalise(n) or key in t.lower()][:limit]

    def suggest_properties(self, prefix: str, limit: int = 10) -> list[dict]:
        key = normalise(prefix)
        names = sorted({p for e in self.entities.values() for p in e.properties})
        return [{"id": p, "name": p} for p in names if key in p.lower()][:limit]

    def preview(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    # ------------------------------------------------------------------ scoring

    def _score(self, entity: Entity, text: str) -> tuple[float, str]:
        if not text:
            return 0.0, "pref"
        if text in entity.labels:
            kind = entity.labels[text]
            return LABEL_SCORES[kind], kind
        same = [entity.keys[k] for k in name_keys(text) if k in entity.keys]
        if same:  # the same name transliterated or inflected: a variant (a misspelling stays one)
            kind = "hidden" if "hidden" in same and len(set(same)) == 1 else "alt"
            return LABEL_SCORES[kind], kind
        best, best_kind = 0.0, "pref"
        for label, kind in entity.labels.items():
            ratio = difflib.SequenceMatcher(None, text, label).ratio()
            tokens = set(text.split())
            if tokens and tokens <= set(label.split()):
                ratio = max(ratio, 0.75)  # every word of the query is a word of the label ("Mirzayev")
            weighted = ratio * LABEL_SCORES[kind] * 0.9
            if weighted > best:
                best, best_kind = weighted, kind
        words = [set(k.split()) for k in name_keys(text)]
        for key, kind in entity.keys.items():  # every word of the query a word of the name, in any script
            if any(w and w <= set(key.split()) for w in words) and 0.75 * LABEL_SCORES[kind] * 0.9 > best:
                best, best_kind = 0.75 * LABEL_SCORES[kind] * 0.9, kind
        return best, best_kind

    def _property_bonus(self, entity: Entity, conditions: list[dict]) -> float:
        bonus = 0.0
        for condition in conditions:
            values = entity.properties.get(_local(str(condition.get("pid", ""))), set())
            wanted = condition.get("v")
            wanted = wanted.get("id") if isinstance(wanted, dict) else wanted
            if wanted is not None and (str(wanted) in values or normalise(str(wanted)) in values):
                bonus += 5.0
        return bonus

    def _is_a(self, entity: Entity, type_id: str) -> bool:
        type_id = _local(type_id)
        return any(t == type_id or type_id in self.supertypes.get(t, set()) for t in entity.types)

    @staticmethod
    def _describe(entity: Entity, kind: str) -> str:
        types = ", ".join(sorted(entity.types.values()))
        if kind == "hidden":
            return f"{types}; matched through a flagged misspelling in a source"
        return types


def _id(iri: str) -> str:
    return iri[len(BASE):] if iri.startswith(BASE) else iri


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri
