"""A headless Chromium for the browser tests, driven by Selenium through Debian's chromedriver.

Chromium runs with the flags that keep it off the network (no background requests, no
component updates, no sync), a fresh profile, and a host resolver that resolves nothing but
loopback: a page that needed an outside asset would fail. Every request the pages make is
read from Chromium's performance log (the DevTools ``Network.requestWillBeSent`` events), so a
test can check that none left the server. Screenshots go to ``tests/web/screenshots/``
(gitignored), kept as test artefacts.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1366,900", "--lang=en-GB",
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")


def missing() -> str | None:
    """What is missing to run the browser tests, or None."""
    if CHROMIUM is None:
        return "Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)"
    if CHROMEDRIVER is None:
        return "chromedriver is not installed (Debian: apt-get install chromium-driver; .ci/run installs it)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    return None


class Browser:
    """One Chromium session: load pages, run scripts, wait for conditions, keep screenshots."""

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service

        self._profile = tempfile.mkdtemp(prefix="kg-chromium-")
        options = Options()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self._profile}")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for drivers online
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(60)
        self.requested: list[str] = []

    def get(self, url: str) -> None:
        self.driver.get(url)

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, script: str, *args, timeout: float = 30.0, what: str = ""):
        """Wait until ``script`` returns something truthy; return it."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                self.screenshot("timeout")
                raise AssertionError(f"timed out after {timeout} s waiting for {what or script}; "
                                     f"page {self.driver.current_url}, console: {self.console()}")
            time.sleep(0.1)

    def text(self, selector: str = "body") -> str:
        return self.js("var e = document.querySelector(arguments[0]); return e ? e.innerText : '';", selector)

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        height = self.js("return Math.min(document.documentElement.scrollHeight, 6000)") or 900
        self.driver.set_window_size(1366, max(900, height))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1366, 900)
        return path

    def requests(self) -> list[str]:
        """Every URL requested since the last call (pages, scripts, styles, fetches)."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.requested.append(message["params"]["request"]["url"])
        seen, self.requested = self.requested, []
        return seen

    def outside(self, origin: str) -> list[str]:
        """The requested URLs that did not go to ``origin`` (data: and blob: URLs stay in the page; chrome:
    URLs are the browser's own new-tab page)."""
        own = urlsplit(origin).netloc
        return [url for url in self.requests()
                if urlsplit(url).scheme not in ("data", "blob", "about", "chrome", "chrome-untrusted") and urlsplit(url).netloc != own]

    def console(self) -> list[str]:
        return [entry["message"] for entry in self.driver.get_log("browser")]

    def close(self) -> None:
        self.driver.quit()
        shutil.rmtree(self._profile, ignore_errors=True)
