"""The web pages in a real headless Chromium: the query form runs a query offline, pages render.

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it). Chromium runs
with the flags that keep it off the network, so a page that needed an outside asset would
fail here.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None and not __import__("os").environ.get("CI"),
                                reason="Chromium is not installed (CI installs it)")


def dom(url: str) -> str:
    """Load ``url`` in headless Chromium, let its scripts run, and return the resulting DOM."""
    assert CHROMIUM, "CI must install chromium"
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=8000", "--dump-dom", url],
            capture_output=True, text=True, timeout=90, check=True,
        ).stdout


def test_query_form_runs_its_query_in_the_browser(live_server):
    page = dom(live_server + "/sparql#run")
    assert "26 rows" in page  # 8 meetings of the seeds, 18 more from the corpus texts
    assert "5th scientific-practical conference of the SCO RATS" in page and "--11-06" in page


def test_entity_page_renders_statements_with_quotes(live_server):
    page = dom(live_server + "/meeting/rats-council/40")
    assert "40th meeting of the Council of the SCO RATS" in page
    assert "Under the presidency of Kazakhstan" in page
