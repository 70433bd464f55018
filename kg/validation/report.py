"""Validation reports people can act on: who says what, in whose words.

pySHACL's report says *that* a node breaks a shape. A curator needs more: the entity by
name, the property in words, every value the sources give for it, and for each value the
source and the quote that state it. :func:`build_report` adds that from the evidence in the
validated data, and :class:`ValidationReport` renders it as JSON, terminal text, HTML, or
the SHACL validation report itself as Turtle or JSON-LD.

JSON shape (``ValidationReport.to_dict``)::

    {"conforms": bool,                       # true when there is no Violation
     "counts": {"Violation": n, "Warning": n, "Info": n},
     "results": [{
        "severity": "Violation" | "Warning" | "Info",
        "shape": IRI of the shape,
        "focus": {"iri": ..., "label": ...},
        "property": {"iri": ..., "label": ...} | null,
        "messages": [plain-English sentences],
        "involvesCandidate": bool,           # a submitted source takes part in it
        "sources": [source IRIs stating any of the values],
        "values": [{"value": lexical form or IRI, "label": ..., "flagged": bool,
                    "statements": [{"source": IRI, "title": ..., "quote": ...,
                                    "start": int, "end": int,
                                    "inferred": bool,       # derived, not stated: the quote is its `from`
                                    "derivation": str | null}]}]}]}
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from jinja2 import Environment
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SH, SKOS

from kg.namespaces import OA, RATS, bind_prefixes
from kg.store.embedded import to_oxigraph

SEVERITIES = ("Violation", "Warning", "Info")
FORMATS = ("text", "json", "turtle", "jsonld", "html")


@dataclass(frozen=True)
class Statement:
    """One source stating one value, in its own words."""

    source: str
    title: str | None
    quote: str
    start: int
    end: int
    inferred: bool = False
    """The value is derived from what the source says, not stated: ``quote`` is what it was
    derived from (the mapping's ``from``), and ``derivation`` says how."""
    derivation: str | None = None


@dataclass
class Value:
    """A value of the property at fault, with who states it."""

    value: str
    label: str
    flagged: bool
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Finding:
    """One problem: an entity, a property, the messages and every value involved."""

    severity: str
    shape: str
    focus: str
    focus_label: str
    path: str | None
    path_label: str | None
    messages: list[str]
    values: list[Value]
    involves_candidate: bool = False

    @property
    def sources(self) -> list[str]:
        return sorted({s.source for v in self.values for s in v.statements})

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "shape": self.shape,
            "focus": {"iri": self.focus, "label": self.focus_label},
            "property": {"iri": self.path, "label": self.path_label} if self.path else None,
            "messages": self.messages,
            "involvesCandidate": self.involves_candidate,
            "sources": self.sources,
            "values": [
                {
                    "value": v.value,
                    "label": v.label,
                    "flagged": v.flagged,
                    "statements": [vars(s) for s in v.statements],
                }
                for v in self.values
            ],
        }


@dataclass
class ValidationReport:
    """Findings plus the SHACL report graph they were read from."""

    findings: list[Finding]
    graph: Graph

    @property
    def conforms(self) -> bool:
        """True when nothing is a Violation (Warnings and Infos do not block)."""
        return not any(f.severity == "Violation" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def to_dict(self) -> dict:
        return {"conforms": self.conforms, "counts": self.counts, "results": [f.to_dict() for f in self.findings]}

    def render(self, format_: str) -> str:
        """Render in one of :data:`FORMATS`."""
        if format_ == "json":
            return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"
        if format_ == "turtle":
            return self.graph.serialize(format="turtle")
        if format_ == "jsonld":
            # Oxigraph's writer: rdflib's JSON-LD plugin still uses the deprecated ConjunctiveGraph.
            triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in self.graph]
            return ox.serialize(triples, format=ox.RdfFormat.JSON_LD).decode("utf-8") + "\n"
        if format_ == "html":
            return _HTML.render(report=self, counts=self.counts)
        if format_ == "text":
            return self.to_text()
        raise ValueError(f"unknown report format {format_!r}")

    def to_text(self) -> str:
        """Render for a terminal: one block per finding, values with sources and quotes."""
        lines = []
        for f in self.findings:
            lines.append(f"{f.severity.upper()}: {f.focus_label} <{f.focus}>")
            if f.path:
                lines.append(f"  property: {f.path_label}")
            lines.extend(f"  {message}" for message in f.messages)
            for v in f.values:
                mark = "  <- flagged" if v.flagged else ""
                lines.append(f"  * {v.label}{mark}")
                for s in v.statements:
                    if s.inferred:
                        lines.append(f"      {_source_name(s)} [{s.start}:{s.end}], inferred from: \u201c{s.quote}\u201d")
                        lines.append(f"        derivation: {s.derivation}")
                    else:
                        lines.append(f"      {_source_name(s)} [{s.start}:{s.end}]: \u201c{s.quote}\u201d")
            lines.append("")
        counts = self.counts
        lines.append(
            f"{counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} note(s)"
            + ("" if self.findings else ": the graph conforms")
        )
        return "\n".join(lines) + "\n"


def build_report(results: Graph, data: Graph, ontology: Graph, *, candidate_source: str | None = None) -> ValidationReport:
    """Read pySHACL's ``results`` and explain each with the evidence found in ``data``.

    :param candidate_source: IRI of a submitted source; findings it takes part in are marked.
    """
    evidence = _index_evidence(data)
    labels = _Labels(data, ontology)
    grouped: dict[tuple, dict] = {}
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        path = path if isinstance(path, URIRef) else None
        shape = results.value(result, SH.sourceShape)
        shape_name = str(shape) if isinstance(shape, URIRef) else str(results.value(result, SH.sourceConstraintComponent))
        key = (severity, focus, path, shape_name)
        entry = grouped.setdefault(key, {"messages": [], "flagged": set()})
        for message in results.objects(result, SH.resultMessage):
            if str(message) not in entry["messages"]:
                entry["messages"].append(str(message))
        value = results.value(result, SH.value)
        if value is not None:
            entry["flagged"].add(value)

    findings = []
    for (severity, focus, path, shape_name), entry in grouped.items():
        values = []
        candidates = list(data.objects(focus, path)) if path else []
        for value in sorted(set(candidates) | entry["flagged"], key=lambda v: (str(v), v.n3())):
            values.append(
                Value(
                    value=str(value),
                    label=labels.of(value),
                    flagged=value in entry["flagged"],
                    statements=evidence.get((focus, path, value), []),
                )
            )
        finding = Finding(
            severity=severity,
            shape=shape_name,
            focus=str(focus),
            focus_label=labels.of(focus),
            path=str(path) if path else None,
            path_label=labels.of(path) if path else None,
            messages=sorted(entry["messages"]),
            values=values,
        )
        # The candidate is involved when it states a flagged value (or, where no value is flagged, any
        # value): the other values are shown for context, and a source that agrees with them is not.
        flagged = [v for v in values if v.flagged] or values
        finding.involves_candidate = bool(candidate_source) and any(
            s.source == candidate_source for v in flagged for s in v.statements)
        findings.append(finding)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order.get(f.severity, 9), f.focus, f.path or "", f.shape))
    return ValidationReport(findings=findings, graph=bind_prefixes(results))


def _index_evidence(data: Graph) -> dict[tuple, list[Statement]]:
    """Map each (subject, predicate, object) to the statements quoting it."""
    index = defaultdict(list)
    for kind in (RATS.Evidence, RATS.InferredFact):
        for ev in data.subjects(RDF.type, kind):
            triple = (data.value(ev, RDF.subject), data.value(ev, RDF.predicate), data.value(ev, RDF.object))
            for target in data.objects(ev, OA.hasTarget):
                source = data.value(target, OA.hasSource)
                quote = start = end = None
                for selector in data.objects(target, OA.hasSelector):
                    quote = quote or data.value(selector, OA.exact)
                    start = start if start is not None else data.value(selector, OA.start)
                    end = end if end is not None else data.value(selector, OA.end)
                title = data.value(source, RATS.title)
                derivation = data.value(ev, RATS.derivation)
                index[triple].append(
                    Statement(str(source), str(title) if title else None, str(quote or ""), int(start or 0),
                              int(end or 0), inferred=kind == RATS.InferredFact,
                              derivation=str(derivation) if derivation is not None else None)
                )
    for statements in index.values():
        statements.sort(key=lambda s: (s.source, s.start))
    return index


class _Labels:
    """Find a readable name for any term: its label, or the value itself."""

    def __init__(self, data: Graph, ontology: Graph):
        self.graphs = (data, ontology)

    def of(self, term) -> str:
        if isinstance(term, Literal):
            return str(term)
        for graph in self.graphs:
            for prop in (SKOS.prefLabel, RDFS.label):
                label = graph.value(term, prop)
                if label is not None:
                    return str(label)
        return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _source_name(statement: Statement) -> str:
    name = statement.source.rsplit("/", 1)[-1]
    return f"{name} ({statement.title})" if statement.title else name


_HTML = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Validation report</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
.finding{border-left:6px solid #999;padding:.5rem 1rem;margin:1rem 0;background:#fafafa}
.Violation{border-color:#c62828}.Warning{border-color:#ef8f00}.Info{border-color:#1565c0}
.sev{font-weight:bold}.flag{color:#c62828;font-weight:bold}
blockquote{margin:.25rem 0 .25rem 1.5rem;font-style:italic;color:#444}
code{font-size:90%}
</style></head><body>
<h1>Validation report</h1>
<p>{{ counts.Violation }} violation(s), {{ counts.Warning }} warning(s), {{ counts.Info }} note(s).
{% if report.conforms %}No contradiction.{% else %}The graph has contradictions.{% endif %}</p>
{% for f in report.findings %}
<section class="finding {{ f.severity }}">
<p><span class="sev">{{ f.severity }}</span>: <a href="{{ f.focus }}">{{ f.focus_label }}</a>
{% if f.path %} &middot; {{ f.path_label }}{% endif %}</p>
{% for m in f.messages %}<p>{{ m }}</p>{% endfor %}
<ul>{% for v in f.values %}
<li>{{ v.label }}{% if v.flagged %} <span class="flag">flagged</span>{% endif %}
{% for s in v.statements %}<blockquote>{% if s.inferred %}<span class="sev">inferred</span> from {% endif %}&ldquo;{{ s.quote }}&rdquo; &mdash;
<a href="{{ s.source }}">{{ s.source.rsplit('/', 1)[-1] }}</a>{% if s.title %}, {{ s.title }}{% endif %}
<code>[{{ s.start }}:{{ s.end }}]</code>{% if s.inferred %}<br>derivation: {{ s.derivation }}{% endif %}</blockquote>{% endfor %}</li>
{% endfor %}</ul>
</section>
{% endfor %}
</body></html>
"""
)
