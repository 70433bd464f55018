"""What every blueprint shares (kg/web/common.py): the write token, the rate limit, the access
log and its buffer, the local links, and the one JSON error shape."""

from __future__ import annotations

import json
import logging

import pytest
from werkzeug.exceptions import Forbidden, Unauthorized

from kg.store.workers import Answer
from kg.web.common import BufferedLogHandler, RateLimiter, error, local_link, require_token, store_changed
from server import create_app


def test_access_log_is_one_json_line(client, caplog):
    with caplog.at_level("INFO", logger="kg.access"):
        client.get("/health")
    line = json.loads(caplog.records[-1].getMessage())
    assert line["path"] == "/health" and line["status"] == 200 and "ms" in line


def test_rate_limit_per_client(store, tmp_path):
    from server import create_app

    limited = create_app(store, {"RATE_LIMIT": 3, "ACCEPTED_DIR": str(tmp_path)}).test_client()
    statuses = [limited.get("/health").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = limited.get("/health")
    assert int(response.headers["Retry-After"]) >= 1 and "limit is 3 a minute" in response.get_json()["error"]


def test_serve_log_is_buffered_but_never_lost(capfd):
    """kg serve's log lines wait in a buffer; a warning, the timer and close write them out."""
    handler = BufferedLogHandler(interval=3600)
    logger = logging.getLogger("kg.test-buffered")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.info("first answer")
        assert "first answer" not in capfd.readouterr().err
        logger.warning("something is wrong")
        assert capfd.readouterr().err.splitlines() == ["first answer", "something is wrong"]
        logger.info("last answer")
        handler.close()
        assert capfd.readouterr().err.splitlines() == ["last answer"]
    finally:
        logger.removeHandler(handler)


@pytest.fixture
def app_with_token(store, tmp_path):
    return create_app(store, {"TESTING": True, "API_TOKEN": "s3cret", "ACCEPTED_DIR": str(tmp_path / "accepted")})


@pytest.mark.parametrize("header, refusal", [
    ("Bearer s3cret", None), ("bearer s3cret", None), ("BEARER  s3cret ", None),  # the scheme ignores case (RFC 7235)
    (None, Unauthorized), ("Basic s3cret", Unauthorized), ("Bearer", Unauthorized), ("Bearer wrong", Forbidden),
])
def test_a_write_needs_the_bearer_token(app_with_token, header, refusal):
    with app_with_token.test_request_context("/update", method="POST",
                                             headers={"Authorization": header} if header else {}):
        if refusal is None:
            require_token()
        else:
            with pytest.raises(refusal):
                require_token()


def test_without_a_configured_token_the_service_is_read_only(app):
    with app.test_request_context("/update", method="POST", headers={"Authorization": "Bearer anything"}):
        with pytest.raises(Forbidden, match="read-only"):
            require_token()


def test_our_entities_link_to_this_servers_pages_and_others_stay(app):
    with app.test_request_context("/", base_url="http://example.org/kg/"):
        assert local_link("https://w3id.org/sco-rats/person/ruslan-mirzayev") == "/kg/person/ruslan-mirzayev"
        assert local_link("https://w3id.org/sco-rats/ontology#Person") == "https://w3id.org/sco-rats/ontology#Person"
        assert local_link("http://www.wikidata.org/entity/Q668") == "http://www.wikidata.org/entity/Q668"


def test_the_one_error_shape(app):
    with app.test_request_context("/"):
        response, status = error(415, "send application/sparql-query")
        assert status == 415 and response.get_json() == {"ok": False, "error": "send application/sparql-query",
                                                          "status": 415}


def test_the_rate_limit_is_a_bucket_per_client_that_refills():
    limiter = RateLimiter(60)  # one a second, bursts of 60
    assert [limiter.wait("a") for _ in range(60)] == [0.0] * 60
    assert 0 < limiter.wait("a") <= 1.0
    assert limiter.wait("b") == 0.0, "another client has its own bucket"
    assert RateLimiter(0).wait("a") == 0.0 and RateLimiter(0).refusal("a") is None, "0: no limit"


def test_a_write_empties_the_answer_cache(app):
    cache = app.extensions["kg"]["cache"]
    cache.put(("k",), Answer("text/plain", b"an answer"), cache.generation)
    assert cache.get(("k",)).body == b"an answer"
    with app.test_request_context("/"):
        store_changed()
    assert cache.get(("k",)) is None
