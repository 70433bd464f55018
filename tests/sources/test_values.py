"""Calendar values: one notion of "compatible" in Python and in the consistency shapes' SPARQL."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.sources.values import compatible, sparql_conflict
from kg.store.embedded import to_oxigraph
from kg.validation.validate import CONSISTENCY_SHAPES, load_shapes


def lit(text, datatype):
    return Literal(text, datatype=datatype)


D, YM, Y, MD, DT, M = XSD.date, XSD.gYearMonth, XSD.gYear, XSD.gMonthDay, XSD.dateTime, XSD.gMonth
PAIRS = [
    (lit("--11-06", MD), lit("2019-11-06", D), True),
    (lit("--11-06", MD), lit("2019-11-08", D), False),
    (lit("--11-06", MD), lit("--11-06", MD), True),
    (lit("--11-06", MD), lit("--12-06", MD), False),
    (lit("2019", Y), lit("2019-11-06", D), True),
    (lit("2019", Y), lit("2020-11-06", D), False),
    (lit("2019", Y), lit("--11-06", MD), True),
    (lit("2019-11", YM), lit("2019-11-30", D), True),
    (lit("2019-11", YM), lit("2019-12-01", D), False),
    (lit("2019-11", YM), lit("--12-01", MD), False),
    (lit("2019-11", YM), lit("2019", Y), True),
    (lit("2024-09-08T10:00:00", DT), lit("2024-09-08", D), True),
    (lit("2024-09-08T10:00:00", DT), lit("--09-07", MD), False),
    (lit("--09", M), lit("2012-09-05", D), True),
    (lit("--09", M), lit("2012-10-05", D), False),
    (lit("--09", M), lit("2012-09", YM), True),
    (lit("--09", M), lit("--09-27", MD), True),
    (lit("--09", M), lit("--10-27", MD), False),
    (lit("--09", M), lit("2012", Y), True),
    (lit("--09", M), lit("--10", M), False),
    (lit("2019-11-06", D), lit("2019-11-06", D), True),
    (lit("2019-11-06", D), lit("2019-11-07", D), False),
    (Literal("over the past three years"), lit("2019", Y), False),
    (Literal("over the past three years"), Literal("over the past three years"), True),
    (URIRef("urn:example:a"), URIRef("urn:example:a"), True),
    (URIRef("urn:example:a"), URIRef("urn:example:b"), False),
]

QUERY = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?value ?other WHERE { VALUES (?value ?other) { (%s %s) } %s }"""


@pytest.mark.parametrize("a, b, expected", PAIRS, ids=lambda v: str(v))
def test_python_and_sparql_agree_on_compatible_values(a, b, expected):
    assert compatible(a, b) is expected and compatible(b, a) is expected
    for x, y in ((a, b), (b, a)):
        query = QUERY % (x.n3(), y.n3(), sparql_conflict())
        oxigraph_rows = list(ox.Store().query(query))
        rdflib_rows = list(Graph().query(query))
        assert (len(oxigraph_rows) == 0) is expected, (x, y, "oxigraph")
        assert (len(rdflib_rows) == 0) is expected, (x, y, "rdflib")


def test_the_date_shapes_use_the_shared_notion(project):
    shapes = load_shapes(project.shapes, CONSISTENCY_SHAPES)
    shape = URIRef("https://w3id.org/sco-rats/shapes#OneDateRangePerMeeting")
    selects = [" ".join(str(shapes.value(n, SH.select)).split()) for n in shapes.objects(shape, SH.sparql)]
    assert len(selects) == 2
    assert all(" ".join(sparql_conflict().split()) in select for select in selects)


def test_to_oxigraph_keeps_partial_dates():
    assert to_oxigraph(lit("--11-06", MD)).datatype.value == str(MD)
    assert to_oxigraph(lit("--09", M)).datatype.value == str(M)


def test_a_month_without_a_year_is_typed_by_its_form():
    from kg.sources.values import typed_literal

    assert typed_literal("--09", None, "zh") == lit("--09", M)
    with pytest.raises(ValueError):
        typed_literal("--13", None, "zh")
