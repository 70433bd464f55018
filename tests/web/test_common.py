"""What every blueprint shares (kg/web/common.py): the write token, the rate limit, the access
log and its buffer, the local links, and the one JSON error shape."""

from __future__ import annotations

import json
import logging

from kg.web.common import BufferedLogHandler


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
