"""The mapper engine: turn a declarative mapping plus its source text into RDF.

A mapping (``mappings/<source-id>.yaml``) is data, not code: it lists the facts a curator
reads in the text, each with the exact words that support it. The engine

* refuses a quote that is not in the text, or that occurs more than once (offsets must be
  unambiguous), and records the character offsets of each quote;
* refuses a class, property or individual that the ontology does not declare;
* refuses a reference to an entity that is neither in the authority data, declared by the
  mapping, nor described by one of its facts;
* types every value from the ontology (``editionNumber: "8"`` becomes an
  ``xsd:integer``; a date without a year stays an ``xsd:gMonthDay``).

Output, for one source:

* the *stated* graph: exactly what the text states, plus one ``rats:Evidence`` per
  (triple, quote) with Web Annotation selectors, and the source's own metadata;
* the *inferred* graph: facts derived from stated ones, each with its derivation;
* the *reference* graph: labels and types of entities the mapping introduces.

The format is documented in ``mappings/README.md``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import MappingError
from kg.namespaces import AUTHORITY_GRAPH, ENTITY, OA, RATS, bind_prefixes, inferred_graph, source_graph, source_iri
from kg.sources.ontology import Vocabulary
from kg.sources.values import typed_literal
from kg.sources.yamlfile import LineDict, load_yaml

TOP_LEVEL_KEYS = {"source", "entities", "facts", "inferred"}
SOURCE_KEYS = {"language", "url"}
FACT_KEYS = {"subject", "quote", "each"}
INFERRED_KEYS = {"subject", "from", "derivation", "each"}

_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


@dataclass
class MappedSource:
    """What one source contributes to the dataset: its three graphs."""

    source_id: str
    stated: Graph
    inferred: Graph
    reference: Graph
    facts: int = 0


@dataclass
class _Claim:
    """One triple with the quotes that support it, and where the mapping says so."""

    triple: tuple
    quotes: list[tuple[str, int, int]]
    fact: int
    line: int
    derivation: str | None = None


@dataclass
class _Context:
    """Per-run state: the inputs and what has been read so far."""

    name: str
    text: str
    source_id: str
    vocabulary: Vocabulary
    known: set
    language: str = "en"
    described: set = field(default_factory=set)
    referenced: list = field(default_factory=list)

    def error(self, message, *, line=None, fact=None):
        return MappingError(message, file=self.name, line=line, fact=fact)


def map_source(
    mapping_text: str,
    text: str,
    *,
    source_id: str,
    vocabulary: Vocabulary,
    known: set[URIRef],
    name: str = "mapping",
) -> MappedSource:
    """Apply a mapping to the text of source ``source_id``.

    :param known: IRIs of the entities already known (authority data, other sources).
    :param name: how errors name the mapping (usually its path).
    :raises MappingError: naming the file, line and fact at fault.
    """
    ctx = _Context(name=name, text=text, source_id=source_id, vocabulary=vocabulary, known=set(known))
    data = load_yaml(mapping_text, name=name)
    if not isinstance(data, dict):
        raise ctx.error("a mapping is a YAML mapping with the keys " + ", ".join(sorted(TOP_LEVEL_KEYS)))
    _check_keys(ctx, data, TOP_LEVEL_KEYS, "top-level key", line=getattr(data, "line", None))

    source_meta = data.get("source") or LineDict()
    _check_keys(ctx, source_meta, SOURCE_KEYS, "key under 'source'", line=getattr(source_meta, "line", None))
    ctx.language = source_meta.get("language", "")
    if not _LANGUAGE_TAG.match(ctx.language):
        raise ctx.error(f"source.language must be a BCP 47 tag such as 'en', not {ctx.language!r}")

    reference = bind_prefixes(Graph(identifier=AUTHORITY_GRAPH))
    for path, decl in (data.get("entities") or {}).items():
        _declare_entity(ctx, reference, path, decl)

    claims = []
    for index, fact in enumerate(data.get("facts") or [], start=1):
        claims.extend(_read_fact(ctx, fact, index, inferred=False))
    inferred_claims = []
    for index, fact in enumerate(data.get("inferred") or [], start=1):
        inferred_claims.extend(_read_fact(ctx, fact, index, inferred=True))
    if not claims:
        raise ctx.error("the mapping states no facts")
    _check_references(ctx)

    stated = bind_prefixes(Graph(identifier=source_graph(source_id)))
    _describe_source(stated, source_id, text, ctx.language, source_meta.get("url"))
    for claim in claims:
        stated.add(claim.triple)
        _add_evidence(stated, claim, source_id, RATS.Evidence)
    inferred = bind_prefixes(Graph(identifier=inferred_graph(source_id)))
    for claim in inferred_claims:
        inferred.add(claim.triple)
        _add_evidence(inferred, claim, source_id, RATS.InferredFact)
    return MappedSource(source_id, stated, inferred, reference, facts=len(claims))


def map_file(mapping_path: Path, text_path: Path, *, vocabulary: Vocabulary, known: set[URIRef]) -> MappedSource:
    """Apply the mapping file at ``mapping_path`` to the text file at ``text_path``."""
    return map_source(
        Path(mapping_path).read_text(encoding="utf-8"),
        Path(text_path).read_text(encoding="utf-8"),
        source_id=Path(text_path).stem,
        vocabulary=vocabulary,
        known=known,
        name=str(mapping_path),
    )


def sha256_hex(text: str) -> str:
    """Return the SHA-256 of ``text`` encoded as UTF-8, in lower-case hex.

    >>> sha256_hex("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------- reading


def _check_keys(ctx, mapping, allowed, what, *, line=None, fact=None):
    if not isinstance(mapping, dict):
        raise ctx.error(f"expected a mapping of {what}s, found {type(mapping).__name__}", line=line, fact=fact)
    for key in mapping:
        if key not in allowed:
            raise ctx.error(
                f"unknown {what} {key!r} (expected one of: {', '.join(sorted(allowed))})", line=line, fact=fact
            )


def _declare_entity(ctx, reference, path, decl):
    line = getattr(decl, "line", None)
    _check_keys(ctx, decl, {"a", "label"}, "key of an entity declaration", line=line)
    iri = _entity_iri(ctx, path, line=line, fact=None)
    cls = ctx.vocabulary.term(decl.get("a", ""))
    if cls is None or cls not in ctx.vocabulary.classes:
        raise ctx.error(f"entity {path}: unknown class {decl.get('a')!r} (not declared in the ontology)", line=line)
    if not decl.get("label"):
        raise ctx.error(f"entity {path}: a declared entity needs a label", line=line)
    reference.add((iri, RDF.type, cls))
    reference.add((iri, SKOS.prefLabel, Literal(decl["label"], lang="en")))
    ctx.known.add(iri)


def _read_fact(ctx, fact, index, *, inferred):
    line = getattr(fact, "line", None)
    if not isinstance(fact, dict):
        raise ctx.error("a fact is a mapping with 'subject', 'quote' and properties", line=line, fact=index)
    reserved = INFERRED_KEYS if inferred else FACT_KEYS
    for key in ("subject", "from" if inferred else "quote"):
        if key not in fact:
            raise ctx.error(f"the fact has no {key!r}", line=line, fact=index)
    if inferred and not fact.get("derivation"):
        raise ctx.error("an inferred fact must say how it was derived ('derivation')", line=line, fact=index)
    properties = {k: v for k, v in fact.items() if k not in reserved}
    if not properties:
        raise ctx.error("the fact states no property", line=line, fact=index)

    quote_key = "from" if inferred else "quote"
    quotes = fact[quote_key] if isinstance(fact[quote_key], list) else [fact[quote_key]]
    located = [_locate(ctx, q, line=line, fact=index) for q in quotes]

    items = fact.get("each")
    if items is None:
        substitutions = [None]
    elif isinstance(items, list) and items:
        substitutions = items
    else:
        raise ctx.error("'each' must be a non-empty list", line=line, fact=index)

    claims = []
    for item in substitutions:
        subject = _entity_iri(ctx, _fill(fact["subject"], item), line=line, fact=index)
        for key, values in properties.items():
            key_line = getattr(fact, "key_lines", {}).get(key, line)
            for value in values if isinstance(values, list) else [values]:
                triple = (subject,) + _predicate_object(ctx, key, _fill(value, item), line=key_line, fact=index)
                if triple[1] == RDF.type:
                    ctx.described.add(subject)
                claims.append(
                    _Claim(triple, located, index, line, fact.get("derivation") if inferred else None)
                )
        ctx.referenced.append((subject, line, index, "subject"))
    return claims


def _fill(value, item):
    if item is None:
        return value
    if not isinstance(value, str):
        return value
    return value.replace("{each}", str(item))


def _locate(ctx, quote, *, line, fact):
    """Find ``quote`` once in the text; return the text's own words and their offsets.

    Runs of white space match any run of white space, because sources carry no-break
    spaces and line breaks a curator cannot see; everything else must match exactly. The
    evidence keeps the text's own characters, so re-reading ``text[start:end]`` gives it.
    """
    if not isinstance(quote, str) or not quote.strip():
        raise ctx.error("a quote must be a non-empty string", line=line, fact=fact)
    pattern = re.compile(r"\s+".join(re.escape(word) for word in quote.split()))
    matches = [m.span() for m in pattern.finditer(ctx.text)]
    if not matches:
        raise ctx.error(f"quote not found in the text: {quote!r}{_near_miss(ctx.text, quote)}", line=line, fact=fact)
    if len(matches) > 1:
        raise ctx.error(
            f"quote occurs {len(matches)} times in the text (at characters "
            f"{', '.join(str(start) for start, _ in matches)}); quote more words so it is unique: {quote!r}",
            line=line,
            fact=fact,
        )
    start, end = matches[0]
    return ctx.text[start:end], start, end


def _near_miss(text, quote):
    """Say how much of the quote does occur, to point the curator at the first difference."""
    flat = " ".join(text.split())
    low, high = 0, len(quote)
    while low < high:
        mid = (low + high + 1) // 2
        if " ".join(quote[:mid].split()) in flat:
            low = mid
        else:
            high = mid - 1
    if low == 0:
        return ""
    return f" (the text has the first {low} characters; it differs from {quote[low:low + 30]!r})"


def _entity_iri(ctx, path, *, line, fact):
    if path == "source":
        return source_iri(ctx.source_id)
    if not isinstance(path, str) or not re.fullmatch(r"[a-z][a-z0-9-]*(/[A-Za-z0-9._-]+)+", path):
        raise ctx.error(
            f"{path!r} is not an entity path such as 'state/india' or 'meeting/rats-conference/8'",
            line=line,
            fact=fact,
        )
    return ENTITY[path]


def _predicate_object(ctx, key, value, *, line, fact):
    vocab = ctx.vocabulary
    if not isinstance(value, str):
        raise ctx.error(f"{key}: expected a value, found {type(value).__name__}", line=line, fact=fact)
    if key == "altLabel":  # a spelling as the source writes it, with its quote (kg.sources.names compares them)
        return SKOS.altLabel, Literal(value, lang=ctx.language)
    if key == "a":
        cls = vocab.term(value)
        if cls is None or cls not in vocab.classes:
            raise ctx.error(f"unknown class {value!r}: the ontology does not declare rats:{value}", line=line, fact=fact)
        return RDF.type, cls
    predicate = vocab.term(key)
    if predicate in vocab.object_properties:
        if "/" in value or value == "source":
            obj = _entity_iri(ctx, value, line=line, fact=fact)
            ctx.referenced.append((obj, line, fact, key))
            return predicate, obj
        individual = vocab.term(value)
        if individual is None or individual not in vocab.individuals:
            raise ctx.error(
                f"{key}: unknown term {value!r}: neither an entity path nor an individual of the ontology",
                line=line,
                fact=fact,
            )
        return predicate, individual
    if predicate in vocab.datatype_properties:
        return predicate, _literal(ctx, key, value, vocab.ranges.get(predicate), line=line, fact=fact)
    raise ctx.error(f"unknown property {key!r}: the ontology does not declare rats:{key}", line=line, fact=fact)


def _literal(ctx, key, value, range_, *, line, fact):
    try:
        return typed_literal(value, range_, ctx.language)
    except ValueError as exc:
        raise ctx.error(f"{key}: {exc}", line=line, fact=fact) from None


def _check_references(ctx):
    for iri, line, fact, role in ctx.referenced:
        if iri == source_iri(ctx.source_id) or iri in ctx.known or iri in ctx.described:
            continue
        what = "subject" if role == "subject" else f"value of {role}"
        raise ctx.error(
            f"unknown entity {iri} ({what}): add it to the authority data, declare it under 'entities', "
            f"or give it a type with 'a' in some fact",
            line=line,
            fact=fact,
        )


# ----------------------------------------------------------------------------- writing


def _describe_source(graph, source_id, text, language, url):
    iri = source_iri(source_id)
    graph.add((iri, RDF.type, RATS.Source))
    graph.add((iri, RATS.language, Literal(language, datatype=XSD.language)))
    graph.add((iri, RATS.sha256, Literal(sha256_hex(text), datatype=XSD.hexBinary)))
    if url:
        graph.add((iri, RATS.url, Literal(url, datatype=XSD.anyURI)))


def _add_evidence(graph, claim, source_id, kind):
    """Attach a Web Annotation to the claim's triple: the quote and its offsets per quote."""
    s, p, o = claim.triple
    key = " ".join(t.n3() for t in claim.triple) + "\n" + "\n".join(q for q, _, _ in claim.quotes)
    evidence = URIRef(f"{source_iri(source_id)}/{'evidence' if kind == RATS.Evidence else 'inference'}/"
                      + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16])
    graph.add((evidence, RDF.type, kind))
    graph.add((evidence, RDF.subject, s))
    graph.add((evidence, RDF.predicate, p))
    graph.add((evidence, RDF.object, o))
    if claim.derivation:
        graph.add((evidence, RATS.derivation, Literal(claim.derivation)))
        graph.add((evidence, RATS.derivedFrom, source_iri(source_id)))
    for number, (quote, start, end) in enumerate(claim.quotes, start=1):
        target = URIRef(f"{evidence}#target-{number}")
        quote_selector = URIRef(f"{evidence}#quote-{number}")
        position_selector = URIRef(f"{evidence}#position-{number}")
        graph.add((evidence, OA.hasTarget, target))
        graph.add((target, RDF.type, OA.SpecificResource))
        graph.add((target, OA.hasSource, source_iri(source_id)))
        graph.add((target, OA.hasSelector, quote_selector))
        graph.add((target, OA.hasSelector, position_selector))
        graph.add((quote_selector, RDF.type, OA.TextQuoteSelector))
        graph.add((quote_selector, OA.exact, Literal(quote)))
        graph.add((position_selector, RDF.type, OA.TextPositionSelector))
        graph.add((position_selector, OA.start, Literal(start, datatype=XSD.integer)))
        graph.add((position_selector, OA.end, Literal(end, datatype=XSD.integer)))
