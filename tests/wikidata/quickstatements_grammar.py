"""What the two QuickStatements implementations accept, written from their parsers.

* QuickStatements 3 (WikiMovimentoBrasil/quickstatements3): ``src/core/parsers/base.py``
  (``parse_value`` and the ``is_valid_*`` checks), ``v1.py`` (``V1CommandParser``) and ``csv.py``
  (``CSVCommandParser``).
* QuickStatements 2 (magnusmanske/quickstatements): ``public_html/quickstatements.php``
  (``importDataFromV1`` and ``parseValueV1``). The version read there imports V1 only.

A line passes only if both would read it as the command it means, with no value left as
"Unknown V1 value format" (QS2) or ``None`` (QS3), so the rules are the stricter of the two
wherever they differ. Each function returns the reasons a line or cell would be refused (an
empty list when it is accepted).
"""

from __future__ import annotations

import csv
import io
import re

# parse_value (QS3) / parseValueV1 (QS2), value by value.
ITEM = re.compile(r"Q\d+")  # QS3 also takes M, P, L ids; QS2 only P and Q: items are Q on both
STRING = re.compile(r'"(.*)"', re.S)
MONOLINGUAL = re.compile(r'([a-z_-]+):"(.*)"', re.S)  # QS3 lower case only; QS2 any case
TIME = re.compile(r"[+-]?\d+-\d\d-\d\dT\d\d:\d\d:\d\dZ/?\d*")  # QS3 also takes a /J suffix, QS2 does not
QUANTITY = re.compile(r"[+-]?\d+(\.\d+)?(U\d+)?")
QUANTITY_ERROR = re.compile(r"[+-]?\d+(\.\d+)?\s*~\s*[+-]?\d+(\.\d+)?(U\d+)?")
TRIPLE_QUOTED = re.compile(r'""".*"""', re.S)  # QS3 reads it as a URL, a file or an external id

PROPERTY = re.compile(r"P\d+")  # QS2: ^([P])(\d+)$ on the raw column; QS3: ^P\d+$
SOURCE = re.compile(r"S\d+")
TERM = re.compile(r"([LAD])([a-z]{2})")  # QS2: ^([LADS])([a-z_-]+)$i; QS3 (CSV header): ^L[a-z]{2}$, ^A.., ^D..
ENTITY = re.compile(r"Q\d+|LAST")


def value_errors(value: str, expected: str | None = None) -> list[str]:
    """Why ``value`` would not be read, or not as ``expected`` (item, string, monolingualtext,
    time, quantity)."""
    v = value.strip()
    if v != value:
        return [f"{value!r}: surrounding spaces (both implementations trim them, the value changes)"]
    kind = None
    if ITEM.fullmatch(v):
        kind = "item"
    elif TRIPLE_QUOTED.fullmatch(v):
        return [f"{value!r}: QuickStatements 3 reads a triple-quoted value as a URL or external id"]
    elif MONOLINGUAL.fullmatch(v):
        kind = "monolingualtext"
    elif STRING.fullmatch(v):
        kind = "string"
    elif TIME.fullmatch(v):
        kind = "time"
        precision = v.rsplit("/", 1)[1] if "/" in v else ""
        if precision and not 0 <= int(precision) <= 14:
            return [f"{value!r}: precision {precision} is not a Wikibase precision (0-14)"]
    elif QUANTITY.fullmatch(v) or QUANTITY_ERROR.fullmatch(v):
        kind = "quantity"
    if kind is None:
        return [f"{value!r}: Unknown V1 value format (neither item, string, monolingual text, time nor quantity)"]
    if kind in ("string", "monolingualtext") and ("|" in v or "\t" in v or "\n" in v):
        return [f"{value!r}: a TAB, newline or '|' inside text (QuickStatements 3 turns '|' into a TAB)"]
    if expected is not None and kind != expected:
        return [f"{value!r}: read as {kind}, not {expected}"]
    return []


def v1_line_errors(line: str) -> list[str]:
    """Why QuickStatements 2 or 3 would refuse one V1 line (TAB form)."""
    if "|" in line:
        return [f"{line!r}: '|' (QuickStatements 3 replaces every '|' by a TAB, '||' by a newline)"]
    if re.search(r"/\*.*\*/\s*$", line):
        return [f"{line!r}: ends in /* ... */, which QuickStatements 3 takes for an edit summary"]
    if line != line.strip():
        return [f"{line!r}: leading or trailing spaces"]
    cols = line.split("\t")
    if cols == ["CREATE"]:
        return []
    if len(cols) < 3:
        return [f"{line!r}: a statement needs an entity, a property and a value"]
    entity, prop = cols[0], cols[1]
    if not ENTITY.fullmatch(entity):
        return [f"{line!r}: {entity!r} is neither a QID nor LAST"]
    term = TERM.fullmatch(prop)
    if term:
        if len(cols) != 3:  # QS2: count($cols) === 3; QS3: llen == 3 for L/A/D
            return [f"{line!r}: a label, alias or description line has exactly three columns"]
        return value_errors(cols[2], "string")
    if not PROPERTY.fullmatch(prop):
        return [f"{line!r}: {prop!r} is not a property"]
    errors = value_errors(cols[2])
    rest = cols[3:]
    if len(rest) % 2:
        errors.append(f"{line!r}: Incomplete reference/qualifier list (an odd number of columns after the value)")
    seen_source = False
    for key, value in zip(rest[::2], rest[1::2]):
        if PROPERTY.fullmatch(key):
            if seen_source:  # QS2 makes a new sources command after a qualifier: the reference splits
                errors.append(f"{line!r}: qualifier {key} after a source")
        elif SOURCE.fullmatch(key):
            seen_source = True
        else:  # QS2 drops a pair it cannot read; QS3 refuses it ("Invalid source")
            errors.append(f"{line!r}: {key!r} is neither a qualifier (Pnnn) nor a source (Snnn)")
        errors += value_errors(value)
    return errors


def csv_errors(text: str) -> list[str]:
    """Why QuickStatements 3's CSV import would refuse or misread ``text``; every cell must
    also be a value the V1 rules read (QS3 would keep any other cell as a plain string)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return ["empty CSV"]
    header, errors = rows[0], []
    if header[0] != "qid":
        errors.append("CSV header first element must be qid")
    current = None  # the column that opened the current command
    kinds = []
    for name in header[1:]:
        if not name:
            errors.append("an empty header cell")
            kinds.append(None)
        elif TERM.fullmatch(name) or PROPERTY.fullmatch(name):
            current = name
            kinds.append("command")
        elif re.fullmatch(r"qal\d+", name) or re.fullmatch(r"[Ss]\d+", name):
            if current is None:
                errors.append(f"{name}: a valid property must precede a qualifier or a source")
            kinds.append("qualifier" if name.startswith("qal") else "reference")
        else:
            errors.append(f"{name!r}: not a column QuickStatements 3 knows")
            kinds.append(None)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            errors.append(f"row {number}: {len(row)} cells for {len(header)} columns")
            continue
        if row[0] and not ITEM.fullmatch(row[0]):
            errors.append(f"row {number}: {row[0]!r} is not a QID (empty creates an item)")
        open_command, open_reference = None, False
        for name, kind, cell in zip(header[1:], kinds, row[1:]):
            if kind == "command":
                open_command, open_reference = (name if cell else None), False
            if not cell:
                continue
            if kind != "command" and open_command is None:
                errors.append(f"row {number}, {name}: a value whose statement cell is empty attaches to another one")
            if kind == "reference":
                if name[0] == "s" and not open_reference:
                    errors.append(f"row {number}, {name}: a lower-case s continues a reference none opened")
                open_reference = True
            expected = "string" if kind == "command" and TERM.fullmatch(name) else None
            errors += [f"row {number}, {name}: {e}" for e in value_errors(cell, expected)]
    return errors
