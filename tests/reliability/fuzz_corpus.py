"""A corpus of malformed requests across every route, made from a seed so a failure can be replayed.

Each request is ``(method, path_with_query, headers, body)`` with ``path_with_query`` already
percent-encoded as a client would send it (so invalid UTF-8 and NUL arrive as bytes, not as
Python strings) and ``body`` bytes. The kinds follow issue 24's list (entity paths with a
space, ``<``, ``"``, NUL or invalid UTF-8; NULs in parameters; wrong types in reconciliation
queries and ``/validate`` JSON; deep JSON and YAML; non-UTF-8 files; SPARQL Update errors;
lower-case ``bearer``) and add mutations of valid queries, bodies and headers.
"""

from __future__ import annotations

import json
import random
import urllib.parse

KINDS = ("meeting", "person", "state", "city", "org", "source", "statistic", "entity")
NAMED = ("evidence", "meetings", "participants", "statistics", "memberships", "people", "sources", "wdqs-quotes")
PARAMS = ("subject", "meeting", "organisation", "limit", "offset", "format", "query", "graph", "id", "entity", "prefix",
          "callback", "queries", "default-graph-uri", "named-graph-uri")
BAD_PIECES = ("a b", "a<b", 'a"b', "a\x00b", "%ff%fe", "%00", "%c0%af", "\u202eevil", "а", "{}", "|", "^", "`", "\\",
              "..%2f..%2f", "x" * 3000, "%", "%zz", "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"), "",
              "-1", "1.5", "abc", "1e9", "99999999999999999999", "[]", "{\"a\":1}", "null", "true")
QUERIES = (
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    "ASK { ?s a <https://w3id.org/sco-rats/ontology#CouncilMeeting> }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ex:a\\# }",
)
JSON_VALUES = (5, -1, 1.5, None, True, [], {}, ["x"], {"a": "b"}, "", "\x00", "a" * 5000, [[[[[]]]]])


def _quote(text: str) -> str:
    """Percent-encode like a client, keeping the %xx sequences a piece already spells."""
    return urllib.parse.quote(text, safe="%/:=&?+")


def corpus(count: int, seed: int = 24) -> list[tuple[str, str, dict, bytes]]:
    """``count`` malformed requests, the same for the same seed."""
    rng = random.Random(seed)
    makers = [_entity, _named, _sparql_get, _sparql_post, _update, _validate_json, _validate_rdf, _validate_form,
              _reconcile, _suggest, _misc]
    return [rng.choice(makers)(rng) for _ in range(count)]


def _bad(rng) -> str:
    return rng.choice(BAD_PIECES)


def _entity(rng):
    kind = rng.choice(KINDS)
    return "GET", f"/{kind}/{_quote(_bad(rng))}{_quote(_bad(rng))}", _accept(rng), b""


def _named(rng):
    name = rng.choice(NAMED + ("no-such-query", "..", "%00"))
    params = "&".join(f"{rng.choice(PARAMS)}={_quote(_bad(rng))}" for _ in range(rng.randint(1, 3)))
    return "GET", f"/queries/{_quote(name)}?{params}", _accept(rng), b""


def _mutate(rng, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(chars) + 1)
        action = rng.random()
        if action < 0.4 and chars:
            del chars[min(position, len(chars) - 1)]
        elif action < 0.8:
            chars.insert(position, rng.choice(["{", "}", "(", ")", '"', "'", "<", ">", "\\", "#", "\x00", "\n", "?",
                                                "SERVICE", "LOAD", "\\u0000", "é", "\u202e", " GRAPH ", " ; "]))
        else:
            chars[position:position] = list(rng.choice(["{" * 200, "(" * 200, "[" * 200, "\"" * 3, "'''"]))
    return "".join(chars)


def _sparql_get(rng):
    query = _mutate(rng, rng.choice(QUERIES))
    extra = rng.choice(["", "&query=ASK{}", "&default-graph-uri=%00", "&named-graph-uri=a%20b", "&format=%ff",
                        "&format=nonsense", "&default-graph-uri=urn:x"])
    return "GET", "/sparql?query=" + urllib.parse.quote(query, safe="") + extra, _accept(rng), b""


def _sparql_post(rng):
    query = _mutate(rng, rng.choice(QUERIES))
    content_type = rng.choice(["application/sparql-query", "application/x-www-form-urlencoded", "text/plain",
                               "application/sparql-query; charset=latin-1", "multipart/form-data", "", "*/*"])
    body = query.encode("utf-8", "surrogatepass") if "x-www" not in content_type else \
        ("query=" + urllib.parse.quote(query, safe="")).encode()
    if rng.random() < 0.2:
        body = b"\xff\xfe\x00" + body
    return "POST", "/sparql", {**_accept(rng), "Content-Type": content_type}, body


def _update(rng):
    update = rng.choice([
        "CLEAR GRAPH <urn:none>", "DROP GRAPH <urn:none>", "CREATE GRAPH <https://w3id.org/sco-rats/graph/authority>",
        "INSERT DATA { GRAPH <urn:g> { " + "{" * rng.choice([10, 100, 10000]) + " } }",
        "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }", "DROP ALL", "CLEAR NAMED", "MOVE <urn:a> TO <urn:b>",
        "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> \"\\u0000\" } }", "LOAD <http://127.0.0.1:9/x>",
        _mutate(rng, "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> \"c\" } }"),
    ])
    auth = rng.choice(["Bearer reliability-token", "bearer reliability-token", "BEARER reliability-token", "Bearer",
                       "Basic abc", "Bearer wrong", "", "Bearer reliability-token\x00"])
    content_type = rng.choice(["application/sparql-update", "application/x-www-form-urlencoded", "text/plain"])
    body = update.encode() if "x-www" not in content_type else ("update=" + urllib.parse.quote(update)).encode()
    headers = {"Content-Type": content_type, **({"Authorization": auth} if auth else {})}
    return "POST", "/update" + rng.choice(["", "?using-graph-uri=urn:x", "?update=x"]), headers, body


def _validate_json(rng):
    body = {"id": "test_source", "mapping": "source:\n  language: en\nfacts: []\n", "text": "text"}
    for key in rng.sample(["id", "mapping", "text"], rng.randint(1, 3)):
        body[key] = rng.choice(JSON_VALUES + ("a" * 300, "000_1db01а3067431b98", "a: &a [x]\nb: [*a, *a]",
                                              "a:\n" + "  " * 70 + "b: c", "[" * 2000))
    raw = json.dumps(body).encode()
    if rng.random() < 0.3:
        raw = rng.choice([b"[" * 50000, b"{\"id\": ", b"\xff\xfe", b"null", b"[]", b"5", raw[: len(raw) // 2]])
    return "POST", "/validate" + rng.choice(["", "?format=bogus", "?format=html"]), \
        {"Content-Type": rng.choice(["application/json", "application/json; charset=utf-16"]), **_accept(rng)}, raw


def _validate_rdf(rng):
    content_type = rng.choice(["text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"])
    body = rng.choice([
        b"<urn:a> <urn:b> " + b"(" * 5000 + b")" * 5000 + b" .",
        b"@prefix : <urn:> . :a :b [ " * 300,
        b'{"@context": "http://127.0.0.1:9/c.jsonld", "@id": "urn:a"}',
        b'{"@context": {"@import": "file:///etc/passwd"}}',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>',
        b"\xff\xfe\x00\x00garbage", b"", b"{", b"<rdf:RDF", b"[" * 30000,
        "<urn:a> <urn:b> \"\\u0000\u202e\" .".encode(),
    ])
    return "POST", "/validate", {"Content-Type": content_type}, body


def _validate_form(rng):
    boundary = "fuzzboundary"
    parts = []
    for name in rng.sample(["id", "mapping", "text", "override_reason"], rng.randint(1, 4)):
        content = rng.choice([b"\xff\xfe\xfd", b"a: [" * 100, b"", "000_1db01а3067431b98".encode(), b"\x00" * 10])
        filename = rng.choice(["", '; filename="x.txt"', '; filename="\xff.txt"', '; filename="../../x.txt"'])
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n'.encode("latin-1")
                     + content + b"\r\n")
    body = b"".join(parts) + (f"--{boundary}--\r\n".encode() if rng.random() < 0.8 else b"")
    path = rng.choice(["/validate", "/sources"])
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if path == "/sources" and rng.random() < 0.5:
        headers["Authorization"] = "Bearer reliability-token"
    return "POST", path, headers, body


def _reconcile(rng):
    query = {"query": "Tashkent"}
    for key in rng.sample(["query", "limit", "type", "properties", "type_strict"], rng.randint(1, 3)):
        query[key] = rng.choice(JSON_VALUES + ("abc", "1.5", [{"pid": 5, "v": []}], [{"v": {"id": 5}}], "0"))
    batch = rng.choice([{"q0": query}, [query], query, "x", {"q0": "x"}, {"q0": query, "q1": None}])
    raw = json.dumps(batch)
    if rng.random() < 0.2:
        raw = raw[: len(raw) // 2]
    if rng.random() < 0.5:
        return "GET", "/reconcile?queries=" + urllib.parse.quote(raw) + rng.choice(["", "&callback=%00", "&callback=a.b"]), \
            {}, b""
    return "POST", "/reconcile", {"Content-Type": "application/x-www-form-urlencoded"}, \
        ("queries=" + urllib.parse.quote(raw)).encode()


def _suggest(rng):
    kind = rng.choice(["entity", "type", "property", "nothing", "%00"])
    return "GET", f"/reconcile/suggest/{kind}?prefix={_quote(_bad(rng))}&limit={_quote(_bad(rng))}", {}, b""


def _misc(rng):
    path = rng.choice([
        f"/rdf-graphs?graph={_quote(_bad(rng))}", "/rdf-graphs?default&graph=urn:x", "/rdf-graphs",
        f"/dumps/{_quote(_bad(rng))}", f"/sources/{_quote(_bad(rng))}", f"/export/{_quote(_bad(rng))}",
        f"/export/quickstatements?entity={_quote(_bad(rng))}", f"/reconcile/preview?id={_quote(_bad(rng))}",
        f"/ontology?format={_quote(_bad(rng))}", f"/static/{_quote(_bad(rng))}", f"/{_quote(_bad(rng))}",
        f"/queries?x={_quote(_bad(rng))}", f"/.well-known/void?x={_quote(_bad(rng))}", "/health?%ff=%00",
        f"/openapi.json?{_quote(_bad(rng))}",
    ])
    method = rng.choice(["GET", "GET", "POST", "PUT", "DELETE", "PATCH"])
    return method, path, _accept(rng), b"" if method == "GET" else b"\xff" * rng.randint(0, 10)


def _accept(rng) -> dict:
    return rng.choice([{}, {"Accept": "text/html"}, {"Accept": "application/x-nothing"}, {"Accept": "*/*;q=abc"},
                       {"Accept": "\x00"}, {"Accept": "text/turtle;q=0.9, application/ld+json"},
                       {"Accept": "," * 500}, {"Origin": "https://example.org"}])
