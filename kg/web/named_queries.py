"""Named queries: ``queries/<name>.rq`` files with a grlc-style YAML header.

A header is a block of ``#+`` comment lines at the top of the file, so the file stays plain
SPARQL::

    #+ summary: Meetings with their dates and places, one row per stating source
    #+ description: ...
    #+ params:
    #+   - name: meeting
    #+     type: iri
    #+     required: false
    #+     description: restrict to one meeting

Parameters are bound as SPARQL substitutions (SEP-0007: the variable is replaced by the
value before evaluation), never spliced into the query text. Queries run on Oxigraph's own
engine with the default graph as the union of all graphs, and results are serialised by
Oxigraph's native writers (JSON, XML, CSV, TSV).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml

from kg.errors import BadRequest, NotFound, QueryError, where
from kg.namespaces import BASE, PREFIXES

PARAM_TYPES = {"iri", "string", "integer", "date"}

RESULT_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str = "string"
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class NamedQuery:
    """A stored query and what its header declares."""

    name: str
    text: str
    summary: str
    description: str = ""
    params: tuple[Param, ...] = field(default_factory=tuple)
    path: Path | None = None

    def bind(self, values: dict[str, str]) -> dict[ox.Variable, object]:
        """Check ``values`` against the declared parameters and convert them to RDF terms.

        >>> q = NamedQuery("q", "SELECT * {}", "s", params=(Param("n", "integer", True),))
        >>> q.bind({"n": "3"})
        {<Variable value=n>: <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}

        :raises BadRequest: a missing required or an unknown parameter, or a value of the wrong type.
        """
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise BadRequest(
                f"query {self.name!r} has no parameter {unknown[0]!r}; "
                f"its parameters are: {', '.join(declared) or 'none'}"
            )
        bindings = {}
        for param in self.params:
            value = values.get(param.name)
            if value is None or value == "":
                if param.required:
                    raise BadRequest(f"query {self.name!r} needs the parameter {param.name!r} ({param.type})")
                continue
            bindings[ox.Variable(param.name)] = to_term(value, param.type, name=param.name)
        return bindings


def to_term(value: str, type_: str, *, name: str):
    """Convert a parameter value to an RDF term of the declared type."""
    if type_ == "iri":
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", value):
            raise BadRequest(f"parameter {name!r} must be an absolute IRI, not {value!r}")
        return ox.NamedNode(value)
    if type_ == "integer":
        if not re.match(r"^[+-]?\d+$", value):
            raise BadRequest(f"parameter {name!r} must be an integer, not {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    if type_ == "date":
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            raise BadRequest(f"parameter {name!r} must be a date YYYY-MM-DD, not {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    return ox.Literal(value)


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file and its header.

    :raises BadRequest: the header is not valid YAML, lacks a summary, or declares a bad parameter.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        header_lines.append(line[2:].removeprefix(" "))
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise BadRequest(f"{path}: the '#+' header is not valid YAML: {exc}") from None
    if not isinstance(header, dict) or not header.get("summary"):
        raise BadRequest(f"{path}: the '#+' header needs a 'summary'")
    params = []
    for entry in header.get("params") or []:
        if not isinstance(entry, dict) or "name" not in entry:
            raise BadRequest(f"{path}: each parameter needs a 'name'")
        param = Param(
            name=str(entry["name"]),
            type=str(entry.get("type", "string")),
            required=bool(entry.get("required", False)),
            description=str(entry.get("description", "")),
        )
        if param.type not in PARAM_TYPES:
            raise BadRequest(f"{path}: parameter {param.name!r} has unknown type {param.type!r}")
        params.append(param)
    return NamedQuery(
        name=path.stem,
        text=text,
        summary=str(header["summary"]),
        description=str(header.get("description", "")),
        params=tuple(params),
        path=path,
    )


def load_queries(directory: Path) -> dict[str, NamedQuery]:
    """Parse every ``*.rq`` file directly in ``directory`` (not ``checks/``), by name."""
    return {path.stem: parse_query_file(path) for path in sorted(Path(directory).glob("*.rq"))}


def get_query(queries: dict[str, NamedQuery], name: str) -> NamedQuery:
    """Return the named query or raise :class:`NotFound` listing the known names."""
    try:
        return queries[name]
    except KeyError:
        raise NotFound(f"no query named {name!r}; known queries: {', '.join(sorted(queries))}") from None


def execute(store: ox.Store, text: str, substitutions: dict | None = None, *, dataset: dict | None = None):
    """Run a SPARQL query on Oxigraph with our prefixes; the default graph is the merge of all graphs.

    :param dataset: Oxigraph's dataset arguments (see :func:`kg.web.protocol.dataset`).
    :raises QueryError: the query does not parse, with Oxigraph's message (line and column).
    """
    try:
        return store.query(
            text,
            base_iri=BASE,  # the service's base IRI: relative IRIs resolve as on /sparql
            prefixes=PREFIXES,
            substitutions=substitutions or None,
            **(dataset or {}),
        )
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {where(str(exc))}") from None


def run(store: ox.Store, query: NamedQuery, values: dict[str, str] | None = None):
    """Run a named query with parameter values (strings, as they come from a CLI or URL)."""
    from kg.wikidata.wdqs import rewrite_label_service

    return execute(store, rewrite_label_service(query.text), query.bind(values or {}))


def serialize(result, format_: str) -> bytes:
    """Serialise SELECT or ASK results in one of :data:`RESULT_FORMATS`."""
    if format_ not in RESULT_FORMATS:
        raise BadRequest(f"unknown result format {format_!r}; use one of: {', '.join(RESULT_FORMATS)}")
    return result.serialize(format=RESULT_FORMATS[format_][0])


def to_table(result, prefixes: dict[str, str] = PREFIXES) -> str:
    """Render SELECT results as an aligned text table for the terminal, IRIs shortened."""
    variables = [v.value for v in result.variables]
    rows = [[_short(solution[v], prefixes) for v in variables] for solution in result]
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(variables, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join([line, rule, *body, f"({len(rows)} rows)"]) + "\n"


def _short(term, prefixes) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri):]}"
        return f"<{term.value}>"
    return term.value
