"""The W3C conformance runner (kg/bench/conformance.py): a whole run through ``kg serve`` on a small
suite written here in the manifests' own vocabulary (the real suite is ``make conformance``)."""

from __future__ import annotations

import textwrap

import pytest

from kg.bench import conformance
from kg.bench.conformance_suite import find_suite


def write(folder, name, text):
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.fixture(scope="module")
def tiny_suite(tmp_path_factory):
    root = tmp_path_factory.mktemp("w3c") / "sparql" / "sparql11"
    tiny = root / "tiny"
    tiny.mkdir(parents=True)
    prefixes = """\
        @prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
        @prefix qt: <http://www.w3.org/2001/sw/DataAccess/tests/test-query#> .
        @prefix ut: <http://www.w3.org/2009/sparql/tests/test-update#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        """
    write(root, "manifest-all.ttl", prefixes + "<> a mf:Manifest ; mf:include ( <tiny/manifest.ttl> ) .\n")
    write(tiny, "manifest.ttl", prefixes + """\
        @prefix : <manifest#> .
        <> a mf:Manifest ; mf:entries ( :select :construct :relative :bad :update :has-endpoint-triple ) .
        :select a mf:QueryEvaluationTest ; mf:name "select" ;
            mf:action [ qt:query <select.rq> ; qt:data <data.ttl> ] ; mf:result <select.srx> .
        :construct a mf:QueryEvaluationTest ; mf:name "construct" ;
            mf:action [ qt:query <construct.rq> ; qt:data <data.ttl> ] ; mf:result <construct.ttl> .
        :relative a mf:PositiveSyntaxTest11 ; mf:name "relative" ; mf:action <relative.rq> .
        :bad a mf:NegativeSyntaxTest11 ; mf:name "bad" ; mf:action <bad.rq> .
        :update a mf:UpdateEvaluationTest ; mf:name "update" ; mf:action [ ut:request <update.ru> ] ;
            mf:result [ ut:graphData [ ut:graph <data.ttl> ; rdfs:label "http://example.org/g" ] ] .
        :has-endpoint-triple a mf:ServiceDescriptionTest ; mf:name "a matching sd:endpoint triple" .
        """)
    write(tiny, "data.ttl", "_:a <http://example.org/p> 1, 2 .\n")
    write(tiny, "select.rq", "SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }\n")
    write(tiny, "select.srx", """\
        <?xml version="1.0"?>
        <sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/><variable name="o"/></head>
        <results>
          <result><binding name="s"><bnode>x</bnode></binding><binding name="o"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">1</literal></binding></result>
          <result><binding name="s"><bnode>x</bnode></binding><binding name="o"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">2</literal></binding></result>
        </results></sparql>
        """)
    write(tiny, "construct.rq", "CONSTRUCT { ?s <q> ?o } WHERE { ?s <http://example.org/p> ?o }\n")
    write(tiny, "construct.ttl", "_:z <q> 1, 2 .\n")  # relative to the file: the query's BASE is its own
    write(tiny, "relative.rq", "SELECT * WHERE { <relative> ?p ?o }\n")
    write(tiny, "bad.rq", "SELECT * WHERE {\n")
    write(tiny, "update.ru", "INSERT DATA { GRAPH <http://example.org/g> { _:a <http://example.org/p> 1, 2 } }\n")
    return root.parent.parent


def test_a_whole_run_through_kg_serve(tiny_suite, capsys):
    results = {r.case.short: r for r in conformance.run(find_suite(tiny_suite))}
    for name in ("select", "construct", "relative", "bad"):
        assert results[name].http is None and results[name].local is None, (name, results[name])
    assert results["has-endpoint-triple"].http is None
    # The W3C model: the default graph stays empty; here it is the merge of the named graphs.
    update = results["update"]
    assert update.local is None and update.http.startswith("default graph") and update.reason == conformance.LAYOUT
    table = conformance.table(list(results.values()), {})
    assert "| tiny | 6 | 5 | 5 | 0 | 1 | 0 | 0 |" in table and "`tiny/update` (update, data model)" in table


def test_main_prints_the_table_and_exits_0_without_defects(tiny_suite, capsys):
    assert conformance.main([str(tiny_suite)]) == 0
    assert "| tiny | 6 |" in capsys.readouterr().out


def test_a_missing_suite_or_folder_is_a_usage_error(tiny_suite, tmp_path, capsys):
    assert conformance.main([str(tmp_path)]) == 2
    assert "no W3C SPARQL 1.1 suite in" in capsys.readouterr().err
    assert conformance.main([str(tiny_suite), "--folder", "nope"]) == 2
    assert "no folder 'nope' in the suite; folders: tiny" in capsys.readouterr().err
