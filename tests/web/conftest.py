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
