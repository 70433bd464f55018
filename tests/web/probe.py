"""The probe the answer-cache tests count: how many ``rats:Probe`` the graph has, and whether
the answer came from the cache (imported by its bare name, as browser.py is)."""

from __future__ import annotations

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/sco-rats/ontology#Probe> }"


def count(client) -> tuple[str, str]:
    """The count and the answer's ``X-Cache`` (hit or miss)."""
    response = client.get("/sparql", query_string={"query": QUERY}, headers={"Accept": "application/sparql-results+json"})
    return response.get_json()["results"]["bindings"][0]["n"]["value"], response.headers["X-Cache"]
