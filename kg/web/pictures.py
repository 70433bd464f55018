"""Pictures of the graph, drawn in the page from the endpoint's own answers.

``/pictures`` holds a timeline of meetings and exercises by series, a state × meeting matrix
of roles, the figures the sources report (by measure and year, with their qualifiers) and the
values sources disagree on. The page sends each query below to ``/sparql`` and draws its
answer with Observable Plot (vendored from npm with d3 by ``make vendor``), so what is drawn is
what a SPARQL client gets; each picture links its query to the editor.
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from kg.web.examples import with_prefixes
from kg.web.landing import editor_link
from kg.web.workbench import VENDOR

blueprint = Blueprint("pictures", __name__)

# Each query selects its rows in a sub-select first and looks their labels up after: at 100k
# quads that took the roles from 8.3 s to 0.2 s, the figures from 2.0 s to 0.07 s and the
# disagreements (grouped, instead of a FILTER EXISTS per value) from 1.3 s to 0.02 s.

PICTURES = {
    "timeline": ("Meetings and exercises over time, by series", """
SELECT ?meeting ?label ?kindLabel ?seriesLabel ?start ?source WHERE {
  GRAPH ?g { ?source a rats:Source . ?meeting a ?kind .
             OPTIONAL { ?meeting rats:startDate ?s } OPTIONAL { ?meeting rats:date ?d }
             OPTIONAL { ?meeting rats:partOfSeries ?series } }
  ?kind rdfs:subClassOf+ rats:Meeting ; rdfs:label ?kindLabel .
  ?meeting skos:prefLabel ?label .
  OPTIONAL { ?meeting rats:partOfSeries/skos:prefLabel ?seriesLabel }
  BIND (COALESCE(?s, ?d) AS ?start)
} ORDER BY ?start ?meeting"""),
    "roles": ("Which state had which role at which meeting", """
SELECT ?state ?stateLabel ?meeting ?meetingLabel ?roleLabel ?start WHERE {
  { SELECT DISTINCT ?state ?meeting ?role WHERE { GRAPH ?g { ?p a rats:Participation ; rats:meeting ?meeting ; rats:participant ?state ; rats:role ?role } } }
  ?state a rats:State .
  OPTIONAL { ?state skos:prefLabel ?stateLabel FILTER (lang(?stateLabel) = "en") }
  OPTIONAL { ?meeting skos:prefLabel ?meetingLabel FILTER (lang(?meetingLabel) IN ("en", "")) }
  OPTIONAL { ?meeting rats:startDate ?start }
  OPTIONAL { ?role rdfs:label ?roleLabel FILTER (lang(?roleLabel) IN ("en", "")) }
} ORDER BY ?start ?meeting ?stateLabel"""),
    "figures": ("The figures the sources report, by measure and year", """
SELECT ?statistic ?measureLabel ?value ?qualifierLabel ?period ?areaLabel ?meetingLabel ?when ?source WHERE {
  { SELECT ?statistic ?value ?measure ?period ?source ?published WHERE {
      GRAPH ?g { ?statistic a rats:Statistic ; rats:value ?value ; rats:measure ?measure . ?source a rats:Source .
                 OPTIONAL { ?statistic rats:period ?period } OPTIONAL { ?source rats:publicationDate ?published } } } }
  OPTIONAL { ?measure skos:prefLabel ?measureLabel }
  OPTIONAL { ?statistic rats:qualifier/rdfs:label ?qualifierLabel }
  OPTIONAL { ?statistic rats:area/skos:prefLabel ?areaLabel FILTER (lang(?areaLabel) = "en") }
  OPTIONAL { ?statistic rats:reportedAt ?meeting . ?meeting skos:prefLabel ?meetingLabel
             OPTIONAL { ?meeting rats:startDate ?held } }
  BIND (COALESCE(?held, ?published) AS ?when)
} ORDER BY ?measureLabel ?statistic"""),
    "disagreements": ("Values the sources disagree on", """
SELECT ?entity ?entityLabel ?property ?value ?source ?quote WHERE {
  { SELECT ?entity ?property WHERE {
      VALUES ?property { rats:startDate rats:endDate rats:date rats:location rats:editionNumber rats:value
                         rats:qualifier rats:statedName rats:holder }
      ?entity ?property ?v } GROUP BY ?entity ?property HAVING (COUNT(DISTINCT STR(?v)) > 1) }
  GRAPH ?g { ?entity ?property ?value . ?source a rats:Source .
             OPTIONAL { ?ev rdf:subject ?entity ; rdf:predicate ?property ; rdf:object ?value ;
                            oa:hasTarget/oa:hasSelector/oa:exact ?quote } }
  OPTIONAL { ?entity skos:prefLabel ?entityLabel FILTER (lang(?entityLabel) = "en") }
} ORDER BY ?entity ?property ?value ?source"""),
}


@blueprint.route("/pictures")
def pictures():
    """The pictures page: each picture's query, run and drawn by the page."""
    pictures = [{"id": key, "title": title, "query": with_prefixes(query.strip()), "editor": editor_link(query)}
                for key, (title, query) in PICTURES.items()]
    missing = [name for name in ("plot.umd.min.js", "d3.min.js") if not (VENDOR / name).is_file()]
    return render_template("pictures.html", pictures=pictures, missing=missing,
                           endpoint=url_for("sparql.sparql"))
