"""The checks the reconciliation testbench (reconciliation-api/testbench) makes, run over HTTP
against ``kg serve`` as the testbench runs them from its page in a browser.

What the testbench does, from its source:

* ``FeatureRow.js`` / ``ReconciliationServiceInput.js``: fetch the endpoint (CORS, else JSONP
  with ``fetch-jsonp``'s ``callback=jsonp_…``), read the manifest, and show which features it
  offers: ``view.url``, ``suggest.entity|type|property``, ``preview``, ``extend``.
* ``TestBench.js``: validate the manifest against the API's JSON schema; build the query from
  the form (``formulateReconQuery``: ``query``, ``type`` from ``defaultTypes`` or from the type
  suggest, ``properties`` as ``[{pid, v}]`` with the property from the property suggest,
  ``limit``), send it as ``queries={"q0": …}`` (GET, ``formulateQueryUrl``; the newer testbench
  POSTs the same form, ``postParams``), validate the answer against the result-batch schema and
  show ``q0.result``.
* ``Candidate.js``: link each candidate to ``view.url`` with ``{{id}}`` replaced by its id.
* ``ReconcileSuggest.js``: call each suggest service with ``prefix=`` (at the endpoint plus
  ``/suggest/KIND``; API 0.2's manifest gives ``service_url`` + ``service_path``), read
  ``result``.
* ``PreviewRenderer.js``: replace ``{{id}}`` in ``preview.url`` by the id, URI-encoded, check
  that it makes a URL, and show it in an iframe of the manifest's ``width`` and ``height``.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from tests.web.test_reconciliation import check_candidate, conforms

TESTBENCH = "https://reconciliation-api.github.io"  # the page the testbench runs from (another origin)


def fetch(url: str, data: dict | None = None) -> tuple[int, dict, str]:
    """What the browser's ``fetch`` sees from the testbench's page: status, headers (lower case), text."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Origin": TESTBENCH})
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the test server
        headers = {name.lower(): value for name, value in response.headers.items()}
        return response.status, headers, response.read().decode("utf-8")


def fetch_json(url: str, params: dict | None = None, data: dict | None = None):
    """``fetchParams``: the parameters in the query string, the answer read as JSON, cross-origin."""
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    status, headers, text = fetch(url, data)
    assert status == 200, url
    assert headers.get("access-control-allow-origin") in ("*", TESTBENCH), f"{url}: no CORS header"
    return json.loads(text)


def fetch_jsonp(url: str, params: dict | None = None):
    """``fetch-jsonp``: a ``callback`` parameter, and the answer must call it with the JSON."""
    callback = "jsonp_1700000000000_12345"
    query = urllib.parse.urlencode({**(params or {}), "callback": callback})
    status, headers, text = fetch(f"{url}{'&' if '?' in url else '?'}{query}")
    match = re.fullmatch(rf"\s*(?:/\*\*/)?\s*{callback}\((.*)\);?\s*", text, re.S)
    assert status == 200 and match, text[:200]
    return json.loads(match.group(1))


def encode_uri_component(text: str) -> str:
    return urllib.parse.quote(text, safe="-_.!~*'()")


@pytest.fixture(scope="module")
def endpoint(live_server) -> str:
    return live_server.rstrip("/") + "/reconcile"


@pytest.fixture(scope="module")
def manifest(endpoint) -> dict:
    return fetch_json(endpoint)


def test_the_endpoint_answers_cross_origin_and_by_jsonp(endpoint, manifest):
    assert fetch_jsonp(endpoint) == manifest
    conforms(manifest, "manifest")


def test_the_feature_row(manifest):
    features = {"view": "url" in manifest.get("view", {}), "preview": "preview" in manifest,
                **{f"suggest {kind}": kind in manifest.get("suggest", {}) for kind in ("entity", "type", "property")}}
    assert all(features.values()), features
    assert "{{id}}" in manifest["view"]["url"] and "{{id}}" in manifest["preview"]["url"]
    assert isinstance(manifest["preview"]["width"], int) and isinstance(manifest["preview"]["height"], int)


def suggest_urls(endpoint: str, manifest: dict, kind: str) -> set[str]:
    """Where the testbench's suggest box asks: the newer testbench at the endpoint plus
    ``/suggest/KIND``, API 0.2 clients at ``service_url`` + ``service_path``."""
    service = manifest["suggest"][kind]
    return {endpoint.rstrip("/") + f"/suggest/{kind}",
            service.get("service_url", endpoint).rstrip("/") + service["service_path"]}


@pytest.mark.parametrize("kind, prefix, expected", [
    ("entity", "mirz", "person/ruslan-mirzayev"), ("type", "cit", "City"), ("property", "coun", "country")])
def test_the_suggest_tab(endpoint, manifest, kind, prefix, expected):
    urls = suggest_urls(endpoint, manifest, kind)
    assert len(urls) == 1, urls  # both ways of building the URL reach the same service
    (url,) = urls
    for fetcher in (fetch_json, fetch_jsonp):
        body = fetcher(url, {"prefix": prefix})
        conforms(body, {"entity": "suggestEntitiesResponse", "type": "suggestTypesResponse",
                        "property": "suggestPropertiesResponse"}[kind])
        assert all({"id", "name"} <= set(item) for item in body["result"])
        assert expected in [item["id"] for item in body["result"]]


def formulate_recon_query(name: str, type_id: str | None, properties: list[tuple[str, str]], limit) -> dict:
    """``formulateReconQuery`` of the 0.2 testbench."""
    query = {"query": name}
    if type_id is not None:
        query["type"] = type_id
    if properties:
        query["properties"] = [{"pid": pid, "v": value} for pid, value in properties]
    if limit is not None:
        query["limit"] = int(limit)
    return query


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_match_tab_with_a_type_and_properties(endpoint, manifest, method):
    default_types = [t["id"] for t in manifest["defaultTypes"]]
    assert "City" in default_types  # the radio buttons
    (url,) = suggest_urls(endpoint, manifest, "property")
    country = next(p for p in fetch_json(url, {"prefix": "coun"})["result"] if p["id"] == "country")
    queries = {"q0": formulate_recon_query("Tashkent", "City", [(country["id"], "state/uzbekistan")], 3)}
    conforms(queries, "queryBatch")
    if method == "GET":
        body = fetch_json(endpoint, {"queries": json.dumps(queries)})
    else:
        body = fetch_json(endpoint, data={"queries": json.dumps(queries)})
    conforms(body, "resultBatch")
    results = body["q0"]["result"]
    assert results and results[0]["id"] == "city/tashkent" and len(results) <= 3
    for candidate in results:
        check_candidate(candidate)
        assert {"id", "name", "score", "match"} <= set(candidate)
        view = manifest["view"]["url"].replace("{{id}}", candidate["id"])  # Candidate.js
        assert fetch(view)[0] == 200, view


def test_the_match_tab_with_a_custom_type_from_the_type_suggest(endpoint, manifest):
    (url,) = suggest_urls(endpoint, manifest, "type")
    person = next(t for t in fetch_json(url, {"prefix": "pers"})["result"] if t["id"] == "Person")
    queries = {"q0": formulate_recon_query("Ruslan Mirzaev", person["id"], [], None)}
    body = fetch_jsonp(endpoint, {"queries": json.dumps(queries)})
    conforms(body, "resultBatch")
    assert body["q0"]["result"][0]["id"] == "person/ruslan-mirzayev"


def test_the_preview_tab(endpoint, manifest):
    (url,) = suggest_urls(endpoint, manifest, "entity")
    entity = next(e for e in fetch_json(url, {"prefix": "sagimb"})["result"] if e["id"] == "person/ermek-sagimbayev")
    iframe = manifest["preview"]["url"].replace("{{id}}", encode_uri_component(entity["id"]))
    parsed = urllib.parse.urlsplit(iframe)
    assert parsed.scheme in ("http", "https") and parsed.netloc  # "new URL(iframeUrl)" succeeds
    status, headers, text = fetch(iframe)
    assert status == 200 and headers["content-type"].startswith("text/html") and "Ermek Sagimbayev" in text
