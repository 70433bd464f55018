"""QuickStatements exports of the Wikibase view: V1 commands (TAB form) and the CSV form.

An item with a QID (verified in the authority data, or recorded by a curator in
``curation/qids.yaml``) is addressed by it; any other item is made with ``CREATE`` and then
addressed as ``LAST``. QuickStatements V1 can only refer to the item it just created, so a
statement whose value is an item without a QID is left out and counted in
:attr:`Export.skipped`; so is a membership (P463) whose role (P2868) has no QID, as without
its role an observer would read as a member. Other qualifiers without a QID are dropped (a
participant stays a participant without its role). Every statement carries its references:
``S248`` stated in (the source's item, once it has a QID), ``S854`` the URL when known,
``S577`` the publication date when known, ``S1683`` the quote (monolingual text).

Uploading is therefore done in two passes, as with any QuickStatements batch that creates
items which other statements point at: run the first export (it creates the sources, the
series and the other local items), record the QIDs the batch log lists in
``curation/qids.yaml``, rebuild, and export again; QuickStatements does not duplicate a
statement that already exists, it only adds the missing ones and their references.

Edition numbers are quoted strings; times carry their precision (``/11`` day, ``/10`` month,
``/9`` year); approximate quantities carry their bounds. Only stated facts are in the view,
so inferred facts are never exported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.namespaces import SCHEMA, WD
from kg.wikidata.wikibase import KGWD, PQ, PR, PROV, PS, PSV, WIKIBASE


ROLE_BEARING = {"P463"}
"""Properties whose meaning depends on the role qualifier (P2868): without it, no statement."""


@dataclass
class Command:
    """One QuickStatements command: the item, property, value, qualifiers and sources."""

    item: str
    property: str
    value: str
    qualifiers: list[tuple[str, str]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Export:
    """The commands for some items, and how many statements could not be written."""

    blocks: list[tuple[str, list[Command]]]  # (item key, commands); key "" means CREATE + LAST
    skipped: int = 0

    def to_v1(self) -> str:
        """QuickStatements V1, one TAB-separated command a line."""
        lines = []
        for qid, commands in self.blocks:
            if not qid:
                lines.append("CREATE")
            for command in commands:
                parts = [command.item, command.property, command.value]
                for prop, value in command.qualifiers:
                    parts += [prop, value]
                for prop, value in command.sources:
                    parts += [prop, value]
                lines.append("\t".join(parts))
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        """The QuickStatements CSV form: a row per item; a statement column is followed by its
        qualifier (``qalNNN``) and source (``SNNN``) columns, so names repeat across groups."""
        groups: list[tuple[str, list[str]]] = []  # (property or label code, the columns that follow it)
        per_item = []
        for qid, commands in self.blocks:
            seen: dict[str, int] = {}
            cells = {}
            for command in commands:
                index = seen.get(command.property, 0)
                seen[command.property] = index + 1
                extras = [f"qal{p[1:]}" for p, _ in command.qualifiers] + [p for p, _ in command.sources]
                group = (command.property, index)
                cells[group] = [command.value] + [v for _, v in command.qualifiers] + [v for _, v in command.sources]
                known = next((g for g in groups if g[0] == group), None)
                if known is None:
                    groups.append((group, extras))
                elif len(extras) > len(known[1]) or extras[:len(known[1])] != known[1][:len(extras)]:
                    groups[groups.index(known)] = (group, extras if len(extras) > len(known[1]) else known[1])
            per_item.append((qid, cells))
        header = ["qid"]
        for (prop, _), extras in groups:
            header += [prop] + extras
        rows = []
        for qid, cells in per_item:
            row = [qid]
            for group, extras in groups:
                values = cells.get(group, [])
                row += (values + [""] * (1 + len(extras)))[: 1 + len(extras)]
            rows.append(row)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()


def export(view: Graph, entity: URIRef | None = None) -> Export:
    """Export every local item of the Wikibase view, or the one item ``entity`` names."""
    items = sorted({s for s in view.subjects(RDF.type, WIKIBASE.Item) if str(s).startswith(str(KGWD))})
    if entity is not None:
        items = [i for i in items if i == entity]
    result = Export(blocks=[])
    for local in items:
        qid = _qid(view, local)
        key = qid or "LAST"
        commands = []
        for prop in (RDFS.label, SKOS.altLabel, SCHEMA.description):
            code = {RDFS.label: "Len", SKOS.altLabel: "Aen", SCHEMA.description: "Den"}[prop]
            if qid and prop != SKOS.altLabel:
                continue  # never overwrite Wikidata's own label and description
            for text in sorted(view.objects(local, prop)):
                commands.append(Command(key, code, _quote(str(text))))
        for predicate, statement in sorted(view.predicate_objects(local)):
            if (statement, RDF.type, WIKIBASE.Statement) not in view:
                continue
            pid = str(predicate).rsplit("/", 1)[1]
            value = _value(view, statement, PS[pid], PSV[pid])
            if value is None:
                result.skipped += 1
                continue
            qualifiers, lost_role = [], False
            for q_pred, q_value in sorted(view.predicate_objects(statement)):
                if str(q_pred).startswith(str(PQ)):
                    q_pid = "P" + str(q_pred).rsplit("/P", 1)[1]
                    rendered = _simple(view, q_value)
                    if rendered is None:
                        lost_role = lost_role or (pid in ROLE_BEARING and q_pid == "P2868")
                        continue
                    qualifiers.append((q_pid, rendered))
            if lost_role:
                # "member of" without its role would turn an observer into a member: leave it out.
                result.skipped += 1
                continue
            sources = []
            for reference in sorted(view.objects(statement, PROV.wasDerivedFrom)):
                stated_in = _qid(view, view.value(reference, PR.P248))
                if stated_in:
                    sources.append(("S248", stated_in))
                for prop in ("P854", "P577", "P1683"):
                    for ref_value in sorted(view.objects(reference, PR[prop])):
                        rendered = _simple(view, ref_value)
                        if rendered:
                            sources.append(("S" + prop[1:], rendered))
            commands.append(Command(key, pid, value, qualifiers, sources))
        if commands:
            result.blocks.append((qid, commands))
    return result


def _qid(view: Graph, local) -> str:
    for same in view.objects(local, OWL.sameAs):
        if str(same).startswith(str(WD)):
            return str(same)[len(str(WD)):]
    return ""


def _value(view: Graph, statement, ps, psv) -> str | None:
    full = view.value(statement, psv)
    if full is not None and (full, RDF.type, WIKIBASE.QuantityValue) in view:
        amount = view.value(full, WIKIBASE.quantityAmount)
        lower = view.value(full, WIKIBASE.quantityLowerBound)
        upper = view.value(full, WIKIBASE.quantityUpperBound)
        if lower is None:
            return _number(amount)
        if (amount.toPython() - lower.toPython()) == (upper.toPython() - amount.toPython()):
            return f"{_number(amount)}~{_number(Literal(amount.toPython() - lower.toPython()))}"
        return f"{_number(amount)}[{_number(lower)},{_number(upper)}]"
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
        return _number(value)
    return _quote(str(value))


def _time(value: Literal) -> str:
    """A QuickStatements time: ``+YYYY-MM-DDT00:00:00Z`` (rdflib may rewrite "Z" as "+00:00")."""
    return f"+{str(value)[:10]}T00:00:00Z"


def _number(value) -> str:
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


def _quote(text: str) -> str:
    """QuickStatements strings are in double quotes; inner quotes and tabs cannot appear raw.

    >>> _quote('said "hello"')
    '"said \\'hello\\'"'
    """
    return '"' + text.replace("\t", " ").replace("\n", " ").replace('"', "'") + '"'
