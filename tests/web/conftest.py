"""The headless Chromium the browser tests share (tests/web/browser.py drives it)."""

from __future__ import annotations

import os

import pytest
from browser import Browser, missing


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, or a skip that says what is missing (a failure under CI, which installs it)."""
    why = missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"the browser tests must run in CI: {why}")
        pytest.skip(why)
    chromium = Browser()
    yield chromium
    chromium.close()


@pytest.fixture
def writable_client(writable_store, tmp_path):
    """A test client of an app over a store of its own, with a token and an accepted/ folder."""
    from server import create_app

    app = create_app(writable_store, {"API_TOKEN": "secret", "ACCEPTED_DIR": str(tmp_path / "accepted"), "TESTING": True})
    return app.test_client()
