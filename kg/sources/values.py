"""Typed values of mappings: numbers, dates as stated (full or partial), text in the source's language.

Where the ontology sets no range (dates, periods), the lexical form decides: ``2022-11-08`` is
an ``xsd:date``, ``2017-06`` an ``xsd:gYearMonth``, ``2013`` an ``xsd:gYear``, ``--11-07`` an
``xsd:gMonthDay`` (a date stated without a year); anything else stays text.
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
    elif literal.datatype == XSD.gYearMonth:
        return 1 <= numbers[0] <= 12
    return True
