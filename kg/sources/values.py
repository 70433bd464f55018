"""Typed values of mappings: numbers, dates as stated (full or partial), text in the source's language.

Where the ontology sets no range (dates, periods), the lexical form decides: ``2022-11-08`` is
an ``xsd:date``, ``2017-06`` an ``xsd:gYearMonth``, ``2013`` an ``xsd:gYear``, ``--11-07`` an
``xsd:gMonthDay`` (a date stated without a year), ``--09`` an ``xsd:gMonth`` (a month without a
year); anything else stays text.
"""

from __future__ import annotations

import re
from datetime import date

from rdflib import RDF, XSD, Literal, URIRef

# Lexical forms of the date-like values a mapping may give where the ontology sets no range.
_DATE_FORMS = [
    (re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})?$"), XSD.dateTime),
    (re.compile(r"^\d{4}-\d{2}-\d{2}$"), XSD.date),
    (re.compile(r"^\d{4}-\d{2}$"), XSD.gYearMonth),
    (re.compile(r"^\d{4}$"), XSD.gYear),
    (re.compile(r"^--\d{2}-\d{2}$"), XSD.gMonthDay),
    (re.compile(r"^--\d{2}$"), XSD.gMonth),
]
_INTEGER = re.compile(r"^[+-]?\d+$")
def typed_literal(value: str, range_: URIRef | None, language: str) -> Literal:
    """Type a mapping's value by the property's range, or by its form where the ontology sets none.

    >>> typed_literal("--11-07", None, "en").datatype == XSD.gMonthDay
    True
    >>> typed_literal("1,500", XSD.decimal, "en")
    rdflib.term.Literal('1500', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))

    :raises ValueError: the value is not a valid lexical form of its datatype.
    """
    if range_ == RDF.langString:
        return Literal(value, lang=language)
    if range_ in (XSD.decimal, XSD.integer, XSD.positiveInteger, XSD.nonNegativeInteger):
        cleaned = value.replace(",", "") if range_ == XSD.decimal else value
        datatype = XSD.integer if range_ == XSD.decimal and _INTEGER.match(cleaned) else range_
        literal = Literal(cleaned, datatype=datatype)
    elif range_ is not None and range_ != XSD.string:
        literal = Literal(value, datatype=range_)
    else:
        datatype = next((dt for pattern, dt in _DATE_FORMS if pattern.match(value)), None)
        literal = Literal(value, datatype=datatype) if (range_ is None and datatype) else Literal(value)
    if not well_formed(literal):
        datatype = str(literal.datatype).replace(str(XSD), "xsd:")
        raise ValueError(f"{value!r} is not a valid {datatype}")
    return literal


_CALENDAR_FORMS = {
    XSD.date: re.compile(r"^-?\d{4,}-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$"),
    XSD.gYearMonth: re.compile(r"^-?\d{4,}-(\d{2})(Z|[+-]\d{2}:\d{2})?$"),
    XSD.gYear: re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    XSD.gMonthDay: re.compile(r"^--(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$"),
    XSD.gMonth: re.compile(r"^--(\d{2})(Z|[+-]\d{2}:\d{2})?$"),
}


def well_formed(literal: Literal) -> bool:
    """Check a literal's lexical form against its datatype.

    Calendar types are checked here rather than by ``Literal.ill_typed``: owlrl (loaded by
    pySHACL for RDFS inference) replaces rdflib's converters for them process-wide and
    rejects valid values such as ``--11-07``.
    """
    pattern = _CALENDAR_FORMS.get(literal.datatype)
    if pattern is None:
        return not literal.ill_typed
    match = pattern.match(str(literal))
    if not match:
        return False
    numbers = [int(g) for g in match.groups() if g and g[0].isdigit()]
    if literal.datatype == XSD.date:
        month, day = numbers
        year = int(str(literal).lstrip("-")[:4])
        try:
            date(year, month, day)
        except ValueError:
            return False
    elif literal.datatype == XSD.gMonthDay:
        month, day = numbers
        try:
            date(2000, month, day)  # a leap year, so --02-29 is allowed as XSD allows it
        except ValueError:
            return False
    elif literal.datatype in (XSD.gYearMonth, XSD.gMonth):
        return 1 <= numbers[0] <= 12
    return True


# ----------------------------------------------------------------------------- compatible calendar values

CALENDAR_TYPES = (XSD.date, XSD.dateTime, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay, XSD.gMonth)
"""The datatypes a date may be stated in, from the full date to the year, the day or the month alone."""


def calendar_key(literal) -> str | None:
    """Write a calendar value as ``YYYY-MM-DD`` with ``?`` for what it does not state; None if
    it is not a calendar value. A dateTime is cut to its date; time zones are ignored.

    >>> calendar_key(Literal("--11-06", datatype=XSD.gMonthDay))
    '????-11-06'
    >>> calendar_key(Literal("2019", datatype=XSD.gYear))
    '2019-??-??'
    >>> calendar_key(Literal("--09", datatype=XSD.gMonth))
    '????-09-??'
    """
    if not isinstance(literal, Literal) or literal.datatype not in CALENDAR_TYPES:
        return None
    text = str(literal)
    if literal.datatype in (XSD.date, XSD.dateTime):
        return text[:10]
    if literal.datatype == XSD.gYearMonth:
        return text[:7] + "-??"
    if literal.datatype == XSD.gYear:
        return text[:4] + "-??-??"
    if literal.datatype == XSD.gMonth:
        return "????" + text[1:4] + "-??"
    return "????" + text[1:7]


def compatible(a, b) -> bool:
    """Whether two values can describe the same thing: equal terms, or calendar values that
    agree on every part both state (``--11-06`` and ``2019-11-06``; ``2019`` and ``--11-06``).

    >>> compatible(Literal("--11-06", datatype=XSD.gMonthDay), Literal("2019-11-06", datatype=XSD.date))
    True
    >>> compatible(Literal("2019-11", datatype=XSD.gYearMonth), Literal("2020-11-06", datatype=XSD.date))
    False
    """
    if a == b:
        return True
    key_a, key_b = calendar_key(a), calendar_key(b)
    if key_a is None or key_b is None:
        return False
    return all(x == y or "?" in (x, y) for x, y in zip(key_a, key_b))


def sparql_calendar_key(variable: str, key: str) -> str:
    """A SPARQL ``BIND`` of :func:`calendar_key`: ``key`` is left unbound if ``variable`` is not a
    calendar value. The consistency shapes carry this text (a test checks they do)."""
    v = variable
    return (
        f"BIND (IF(DATATYPE({v}) IN (xsd:date, xsd:dateTime), SUBSTR(STR({v}), 1, 10),"
        f" IF(DATATYPE({v}) = xsd:gYearMonth, CONCAT(SUBSTR(STR({v}), 1, 7), \"-??\"),"
        f" IF(DATATYPE({v}) = xsd:gYear, CONCAT(SUBSTR(STR({v}), 1, 4), \"-??-??\"),"
        f" IF(DATATYPE({v}) = xsd:gMonthDay, CONCAT(\"????\", SUBSTR(STR({v}), 2, 6)),"
        f" IF(DATATYPE({v}) = xsd:gMonth, CONCAT(\"????\", SUBSTR(STR({v}), 2, 3), \"-??\"), ?unbound))))) AS {key})"
    )


def sparql_incompatible(a: str, b: str, key_a: str, key_b: str) -> str:
    """A SPARQL ``FILTER`` true when ``a`` and ``b`` are not :func:`compatible`, given their keys
    bound by :func:`sparql_calendar_key`: each stated digit of one must be the other's or unstated."""
    pattern = f"CONCAT(\"^\", REPLACE(REPLACE({key_a}, \"[?]\", \".\"), \"([0-9])\", \"[$1?]\"), \"$\")"
    return f"FILTER (!sameTerm({a}, {b}) && (!BOUND({key_a}) || !BOUND({key_b}) || !REGEX({key_b}, {pattern})))"


def sparql_conflict(a: str = "?value", b: str = "?other") -> str:
    """The lines a consistency shape uses to say two values of a property are not compatible."""
    key_a, key_b = f"{a}Day", f"{b}Day"
    return "\n".join([sparql_calendar_key(a, key_a), sparql_calendar_key(b, key_b),
                      sparql_incompatible(a, b, key_a, key_b)])
