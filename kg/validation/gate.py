"""The integrity checks that ``kg build`` and intake both run: one gate for every source.

``queries/checks/<what>-violation.rq`` are SPARQL queries that must return nothing (the ODK
convention). Each returns ``?entity`` and ``?source`` for every row, and its ``#+ message:``
header says in words what is wrong, with ``{variable}`` filled from the row. ``kg build``
runs them on the built store; intake runs them on the candidate source (with the labels the
graph has for what it names) *before* anything is written, so a source that intake accepts
never makes a later build fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import yaml

from kg.namespaces import AUTHORITY_GRAPH, PREFIXES


@dataclass(frozen=True)
class Check:
    """One ``*-violation.rq`` file: its name (the file stem), query and message."""

    name: str
    query: str
    summary: str
    message: str


@dataclass(frozen=True)
class CheckFailure:
    """One row of a check: what is wrong, in words, naming the entity and the source."""

    check: str
    entity: str | None
    source: str | None
    message: str


def load_checks(directory: Path | None) -> list[Check]:
    """Read every ``*-violation.rq`` file of ``directory`` (none if it is None or missing)."""
    if directory is None or not Path(directory).is_dir():
        return []
    checks = []
    for path in sorted(Path(directory).glob("*-violation.rq")):
        text = path.read_text(encoding="utf-8")
        header = yaml.safe_load("\n".join(line[2:].removeprefix(" ") for line in text.splitlines()
                                          if line.startswith("#+"))) or {}
        summary = str(header.get("summary") or path.stem)
        checks.append(Check(path.stem, text, summary, str(header.get("message") or summary)))
    return checks


def run_checks(store: ox.Store, checks: list[Check], *, union: bool = False) -> list[CheckFailure]:
    """Run ``checks`` on ``store``; return one failure per row.

    :param union: evaluate with the default graph as the merge of the named graphs (a scratch
        store); the project's own store keeps that merge in its default graph already.
    """
    failures = []
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    for check in checks:
        rows = store.query(check.query, prefixes=prefixes, use_default_graph_as_union=union)
        names = [v.value for v in rows.variables]
        for row in rows:
            bound = {name: term for name, term in zip(names, row) if term is not None}
            failures.append(CheckFailure(
                check.name,
                _plain(bound.get("entity")),
                _plain(bound.get("source")),
                check.name + ": " + re.sub(r"\{(\w+)\}", lambda m: _plain(bound.get(m.group(1))) or "?", check.message),
            ))
    return failures


def candidate_store(graphs, store: ox.Store, quads_of, entities: set[str]) -> ox.Store:
    """A scratch store holding a candidate's graphs and what ``store``'s reference data says
    about the ``entities`` it names (their labels), for :func:`run_checks` with ``union``."""
    scratch = ox.Store()
    scratch.extend(quads_of(graphs))
    if entities:
        values = " ".join(f"<{e}>" for e in sorted(entities))
        found = store.query(f"CONSTRUCT {{ ?e ?p ?o }} WHERE {{ VALUES ?e {{ {values} }} "
                            f"GRAPH <{AUTHORITY_GRAPH}> {{ ?e ?p ?o }} }}")
        name = ox.NamedNode(str(AUTHORITY_GRAPH))
        scratch.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in found)
    return scratch


def _plain(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return term.value
    return getattr(term, "value", str(term))
