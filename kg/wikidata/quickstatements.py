"""QuickStatements exports of the Wikibase view: V1 commands (TAB form) and the CSV form.

An export never creates a duplicate of a Wikidata item. An item with a QID (verified in the
authority data, or recorded by a curator in ``curation/qids.yaml``) is addressed by it; an item
a curator has marked as new in ``curation/new-items.yaml`` is made with ``CREATE`` and then
addressed as ``LAST``; any other item is left out with all its statements, and listed by
:func:`kg.wikidata.exports.reconciliation_csv` (``kg export reconcile-csv``) for a curator to reconcile against
Wikidata (OpenRefine) and record the QIDs found in ``curation/qids.yaml``.

QuickStatements V1 can only refer to the item it just created, so a statement whose value is
an item without a QID is left out and counted in :attr:`Export.skipped`; so is a statement with
a qualifier whose value is an item without a QID (a role, P2868 or P3831, or how a figure
relates to the true one, P1480): without it an observer would read as a member, or "more than
160" as exactly 160. Every statement carries its references, one reference per line (the
statement repeated with its qualifiers, as both implementations add a reference to a statement
that already exists): ``S248`` stated in (the source's item, once it has a QID), ``S854`` the
URL when known, ``S577`` the publication date when known, ``S1683`` the quote.

Uploading is done in passes, as with any QuickStatements batch that creates items which other
statements point at: run the export, record the QIDs the batch log lists in
``curation/qids.yaml``, rebuild, and export again; QuickStatements does not duplicate a statement
that already exists, it only adds the missing ones and their references.

Values are written only in forms both QuickStatements implementations parse (checked line by
line by ``tests/wikidata/quickstatements_grammar.py``): items ``Q1``, strings and monolingual
text in double quotes (no TAB, newline or ``|``, which QuickStatements 3 reads as a TAB),
times ``+2022-11-08T00:00:00Z/11``, quantities ``10`` or ``1.2~0.3`` (the latter only for
bounds symmetric about the amount; other bounds have no V1 form and the statement is left out).
Only stated facts are in the view, so inferred facts are never exported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import SCHEMA, WD
from kg.wikidata.wikibase import KGWD, NEW_ITEM, PQ, PR, PROV, PS, PSV, WIKIBASE


@dataclass
class Command:
    """One statement: the item, property, value, qualifiers and reference blocks (each a list
    of ``(Snnn, value)``). A label, alias or description is a command without qualifiers."""

    item: str
    property: str
    value: str
    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    references: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass
class Export:
    """The commands for some items, how many statements could not be written, and the items
    left out because they are neither linked to Wikidata nor marked as new."""

    blocks: list[tuple[str, list[Command]]]  # (item key, commands); key "" means CREATE + LAST
    skipped: int = 0
    unlinked: list[URIRef] = field(default_factory=list)

    def to_v1(self) -> str:
        """QuickStatements V1, one TAB-separated command a line, one reference a line."""
        lines = []
        for qid, commands in self.blocks:
            if not qid:
                lines.append("CREATE")
            for command in commands:
                base = [command.item, command.property, command.value]
                for prop, value in command.qualifiers:
                    base += [prop, value]
                for reference in command.references or [[]]:
                    lines.append("\t".join(base + [part for pair in reference for part in pair]))
        return "\n".join(lines) + "\n" if lines else ""

    def to_csv(self) -> str:
        """The QuickStatements CSV form: a row per item (an empty ``qid`` creates it). A statement
        column is followed by its qualifier (``qalNNN``) columns and its references, each opened
        by an ``SNNN`` column and continued by ``sNNN`` columns (QuickStatements 3 starts a new
        reference at an upper-case ``S``). Columns are grouped by their exact layout, so every
        row's cells line up with the header."""
        groups: list[tuple] = []  # (layout, occurrence)
        layouts: dict[tuple, list[str]] = {}
        per_item = []
        for qid, commands in self.blocks:
            seen: dict[tuple, int] = {}
            cells = {}
            for command in commands:
                layout = [command.property] + [f"qal{p[1:]}" for p, _ in command.qualifiers]
                values = [command.value] + [v for _, v in command.qualifiers]
                for reference in command.references:
                    layout += [("S" if i == 0 else "s") + p[1:] for i, (p, _) in enumerate(reference)]
                    values += [v for _, v in reference]
                key = tuple(layout)
                group = (key, seen.get(key, 0))
                seen[key] = group[1] + 1
                cells[group] = values
                if group not in layouts:
                    layouts[group] = layout
                    groups.append(group)
            per_item.append((qid, cells))
        header = ["qid"] + [column for group in groups for column in layouts[group]]
        rows = []
        for qid, cells in per_item:
            row = [qid]
            for group in groups:
                row += cells.get(group, [""] * len(layouts[group]))
            rows.append(row)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()


def export(view: Graph, entity: URIRef | None = None) -> Export:
    """Export the local items of the Wikibase view that have a QID or are marked as new (or the
    one item ``entity`` names); list the others in :attr:`Export.unlinked`."""
    items = local_items(view)
    if entity is not None:
        items = [i for i in items if i == entity]
    result = Export(blocks=[])
    for local in items:
        qid = _qid(view, local)
        if not qid and (local, RDF.type, NEW_ITEM) not in view:
            result.unlinked.append(local)
            result.skipped += sum(1 for _, st in _statements(view, local))
            continue
        key = qid or "LAST"
        commands = []
        for prop in (RDFS.label, SKOS.altLabel, SCHEMA.description):
            code = {RDFS.label: "Len", SKOS.altLabel: "Aen", SCHEMA.description: "Den"}[prop]
            if qid and prop != SKOS.altLabel:
                continue  # never overwrite Wikidata's own label and description
            for text in sorted(view.objects(local, prop)):
                if getattr(text, "language", None) in (None, "en"):
                    commands.append(Command(key, code, _quote(str(text))))
        for pid, statement in _statements(view, local):
            value = _value(view, statement, PS[pid], PSV[pid])
            qualifiers = _qualifiers(view, statement)
            if value is None or qualifiers is None:
                result.skipped += 1
                continue
            commands.append(Command(key, pid, value, qualifiers, _references(view, statement)))
        if commands:
            result.blocks.append((qid, commands))
    return result


def local_items(view: Graph) -> list[URIRef]:
    """The view's own items (not Wikidata's), in a stable order."""
    return sorted({s for s in view.subjects(RDF.type, WIKIBASE.Item) if str(s).startswith(str(KGWD))})


def _statements(view: Graph, local):
    for predicate, statement in sorted(view.predicate_objects(local)):
        if (statement, RDF.type, WIKIBASE.Statement) in view:
            yield str(predicate).rsplit("/", 1)[1], statement


def _qualifiers(view: Graph, statement) -> list[tuple[str, str]] | None:
    """The statement's qualifiers, or None when one of them cannot be written (an item without
    a QID): the statement would mean something else without it."""
    qualifiers = []
    for q_pred, q_value in sorted(view.predicate_objects(statement)):
        if str(q_pred).startswith(str(PQ)):
            rendered = _simple(view, q_value)
            if rendered is None:
                return None
            qualifiers.append(("P" + str(q_pred).rsplit("/P", 1)[1], rendered))
    return qualifiers


def _references(view: Graph, statement) -> list[list[tuple[str, str]]]:
    references = []
    for reference in sorted(view.objects(statement, PROV.wasDerivedFrom)):
        block = []
        stated_in = _qid(view, view.value(reference, PR.P248))
        if stated_in:
            block.append(("S248", stated_in))
        for prop in ("P854", "P577", "P1683"):
            for ref_value in sorted(view.objects(reference, PR[prop])):
                rendered = _simple(view, ref_value)
                if rendered:
                    block.append(("S" + prop[1:], rendered))
        if block:
            references.append(block)
    return references


def _qid(view: Graph, local) -> str:
    for same in view.objects(local, OWL.sameAs):
        if str(same).startswith(str(WD)):
            return str(same)[len(str(WD)):]
    return ""


def _value(view: Graph, statement, ps, psv) -> str | None:
    full = view.value(statement, psv)
    if full is not None and (full, RDF.type, WIKIBASE.QuantityValue) in view:
        amount = Decimal(str(view.value(full, WIKIBASE.quantityAmount)))
        lower = view.value(full, WIKIBASE.quantityLowerBound)
        upper = view.value(full, WIKIBASE.quantityUpperBound)
        if lower is None and upper is None:
            return _number(amount)
        if lower is None or upper is None:
            return None
        below, above = amount - Decimal(str(lower)), Decimal(str(upper)) - amount
        return f"{_number(amount)}~{_number(below)}" if below == above and below >= 0 else None
    if full is not None and (full, RDF.type, WIKIBASE.TimeValue) in view:
        return f"{_time(view.value(full, WIKIBASE.timeValue))}/{int(view.value(full, WIKIBASE.timePrecision))}"
    return _simple(view, view.value(statement, ps))


def _simple(view: Graph, value) -> str | None:
    if isinstance(value, URIRef):
        if str(value).startswith(str(WD)):
            return str(value)[len(str(WD)):]
        return _qid(view, value) or None
    if value.datatype == XSD.dateTime:
        return f"{_time(value)}/11"
    if value.language:
        return f"{value.language}:{_quote(str(value))}"
    if value.datatype in (XSD.decimal, XSD.integer):
        return _number(Decimal(str(value)))
    return _quote(str(value))


def _time(value: Literal) -> str:
    """A QuickStatements time: ``+YYYY-MM-DDT00:00:00Z`` (rdflib may rewrite "Z" as "+00:00")."""
    return f"+{str(value)[:10]}T00:00:00Z"


def _number(value: Decimal) -> str:
    """A decimal as QuickStatements reads it: digits, an optional point, no exponent.

    >>> _number(Decimal("2.5E+4")), _number(Decimal("160.0")), _number(Decimal("-0.50"))
    ('25000', '160', '-0.5')
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _quote(text: str) -> str:
    """QuickStatements strings are in double quotes; inner quotes, tabs, newlines and ``|``
    cannot appear raw (QuickStatements 3 turns every ``|`` into a TAB, ``||`` into a newline).

    >>> _quote('said "hello" | twice')
    '"said \\'hello\\' ¦ twice"'
    """
    cleaned = " ".join(text.replace('"', "'").replace("|", "\u00a6").split())
    return '"' + cleaned + '"'
