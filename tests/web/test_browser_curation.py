"""The curation page and the report page in a real headless Chromium, against ``kg serve`` with a token.

A curator's path: paste a seed text, draft its mapping, see it in the editor, break a quote
by typing and see the engine's error marked on its line, mend it, see the report, submit with
the token and find the new source in the graph; a text uploaded as a file, a source that is
already there, a wrong token and a contradiction are said in plain words. After each test no
request may have left the server. Screenshots go to ``tests/web/screenshots/``.

Without Chromium, chromedriver or Selenium the tests skip on a developer's machine and fail
under CI (``CI`` set), as ``test_browser.py``'s do.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser import SCREENSHOTS

from tests.conftest import REMOTE_STORE, seeded_store, serving

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
CLEAN_SEED = "2014-interfax-24th-council-tashkent"  # its draft contradicts nothing in the graph
CONTRADICTING_SEED = "2023-silkway-40th-council-belarus-mongolia"  # in the graph already: its upload is a 409
TOKEN = "browser-curator-token"
pytestmark = pytest.mark.slow  # a kg serve of their own, with a token (test_browser.py's live_server has none)


@pytest.fixture(scope="module")
def curated_server(built, tmp_path_factory):
    """``kg serve`` with a token, in its own process, on a copy of the seed build; yields its root URL."""
    directory = tmp_path_factory.mktemp("curated")
    token_file = directory / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    with serving(built, directory, ["--token-file", str(token_file)]) as server:
        yield server.url
    if REMOTE_STORE:
        seeded_store(built)  # the sources added here out again


@pytest.fixture
def site(browser, curated_server):
    """The server's root URL; after the test, no request may have left it, nor the policy refused anything."""
    browser.requests()
    browser.console()
    yield curated_server
    assert browser.outside(curated_server) == [], "a page loaded something from outside the server"
    refused = [line for line in browser.console() if "Content Security Policy" in line]
    assert not refused, f"a page tried to load or run something its policy forbids: {refused}"


def open_page(browser, site):
    browser.get(site + "/curate")
    browser.wait("return window.curation && window.curation.editor && document.querySelector('.CodeMirror')",
                 what="the mapping editor")


def paste(browser, selector, text):
    """Put ``text`` in a field as a paste does: the value changes, then an input event."""
    browser.js("var e = document.querySelector(arguments[0]); e.focus(); e.value = arguments[1]; "
               "e.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste'}))", selector, text)


def checked(browser, state, timeout=60):
    """Wait for the check of the mapping to reach ``state`` (ok, error) and return the status line."""
    browser.wait("return document.getElementById('check-status').dataset.state === arguments[0]", state,
                 timeout=timeout, what=f"the check to say {state}")
    return browser.text("#check-status")


def draft(browser):
    browser.js("document.getElementById('draft').click()")
    browser.wait("return window.curation.editor.getValue().indexOf('facts:') >= 0", timeout=120, what="the draft")
    return browser.js("return window.curation.editor.getValue()")


def report_text(browser, selector="#report"):
    return browser.js("var r = document.querySelector(arguments[0]); return r && r.shadowRoot ? r.shadowRoot.textContent : ''",
                      selector)


def submit(browser, token):
    browser.js("var t = document.getElementById('token'); t.value = arguments[0]; "
               "document.getElementById('outcome').removeAttribute('data-outcome'); "
               "document.getElementById('submit').click()", token)
    browser.wait("return document.getElementById('outcome').dataset.outcome", timeout=60, what="the outcome")
    return browser.js("return document.getElementById('outcome').dataset.outcome"), browser.text("#outcome")


def sparql_rows(site, query):
    request = urllib.request.Request(site + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # the test's own loopback server
        return [{k: v["value"] for k, v in b.items()} for b in json.load(response)["results"]["bindings"]]


def test_paste_draft_break_mend_and_submit(browser, site):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, site)
    assert browser.js("return document.getElementById('token').type") == "password"
    paste(browser, "#text", (SEEDS / f"{CLEAN_SEED}.txt").read_text(encoding="utf-8"))
    paste(browser, "#source-id", "curated-interfax-24th-council")
    mapping = draft(browser)
    assert "meeting/rats-council/24" in mapping
    assert browser.js("return document.getElementById('draft-status').dataset.language") == "ru"
    assert "CodeMirror-lint-markers" in browser.js("return window.curation.editor.getOption('gutters').join(' ')")
    assert "The engine reads the mapping" in checked(browser, "ok")
    assert "0 violation(s)" in report_text(browser)
    browser.screenshot("curate-drafted")

    # Break a quote by typing at the end of its line: the engine's error comes back on the fact's line.
    editor = "window.curation.editor"
    quote_line = browser.js(f"var e = {editor}; for (var i = 0; i < e.lineCount(); i++) "
                            "if (/^\\s+quote: /.test(e.getLine(i))) return i; return -1")
    assert quote_line > 0
    browser.js(f"var e = {editor}; e.focus(); e.setCursor({{line: arguments[0], ch: e.getLine(arguments[0]).length}})",
               quote_line)
    ActionChains(browser.driver).send_keys(" and words not in the text").perform()
    status = checked(browser, "error")
    assert "quote not found" in status
    marked = int(browser.js("return document.getElementById('check-status').dataset.line")) - 1
    assert marked in (quote_line - 1, quote_line), (marked, quote_line)  # the fact, which starts a line above its quote
    assert browser.js(f"var info = {editor}.lineInfo(arguments[0]); "
                      "return !!(info.gutterMarkers && info.gutterMarkers['CodeMirror-lint-markers'])", marked), \
        "a marker in the gutter on the line the engine names"
    assert browser.js("return document.querySelectorAll('.CodeMirror-lint-marker-error').length") == 1
    assert status.startswith(f"Line {marked + 1} — fact ")
    browser.screenshot("curate-error-on-its-line")
    marker = browser.driver.find_element("css selector", ".CodeMirror-lint-marker-error")
    ActionChains(browser.driver).move_to_element(marker).perform()
    tip = browser.wait("var t = document.querySelector('.CodeMirror-lint-tooltip'); return t && t.innerText",
                       what="the marker's message")
    assert "quote not found in the text" in tip and "and words not in the text" in tip
    browser.driver.save_screenshot(str(SCREENSHOTS / "curate-error-tooltip.png"))  # the window as it is, tooltip and all
    assert "No validation report" in report_text(browser)

    browser.js(f"{editor}.setValue(arguments[0])", mapping)  # mended
    checked(browser, "ok")
    assert browser.js("return document.querySelectorAll('.CodeMirror-lint-marker-error').length") == 0

    outcome, text = submit(browser, TOKEN)
    assert outcome == "accepted", text
    assert "Accepted" in text
    browser.screenshot("curate-accepted")
    rows = sparql_rows(site, "ASK { GRAPH <https://w3id.org/sco-rats/graph/source/curated-interfax-24th-council> "
                             "{ ?s ?p ?o } }".replace("ASK", "SELECT (COUNT(*) AS ?n) WHERE", 1))
    assert int(rows[0]["n"]) > 0, "the endpoint answers with the new source at once"
    browser.js("[...document.querySelectorAll('#outcome a')].find(a => a.textContent === 'its page').click()")
    browser.wait("return location.pathname === '/source/curated-interfax-24th-council' && document.querySelector('h1')",
                 what="the new source's page")
    assert "Заседание Совета РАТС ШОС" in browser.text("main")
    browser.screenshot("curate-new-source-page")


def test_upload_a_text_and_be_told_what_went_wrong(browser, site):
    open_page(browser, site)
    upload = browser.driver.find_element("css selector", "#text-file")
    upload.send_keys(str(SEEDS / f"{CONTRADICTING_SEED}.txt"))
    browser.wait("return document.getElementById('text').value.length > 100", what="the uploaded text")
    assert browser.js("return document.getElementById('source-id').value") == CONTRADICTING_SEED, "the id from the file name"
    browser.js("document.getElementById('language').value = 'en'")
    draft(browser)
    status = checked(browser, "error")  # said as the curator types, before any submission
    assert "already in the graph" in status and "HTTP 409" in status, status

    outcome, text = submit(browser, "")
    assert outcome == "incomplete" and "Give the token" in text, "nothing is sent without a token"
    outcome, text = submit(browser, "not-the-token")
    assert outcome == "refused" and "The server refused the token" in text and "HTTP 403" in text
    outcome, text = submit(browser, TOKEN)
    assert outcome == "refused" and "already in the graph" in text and "HTTP 409" in text

    paste(browser, "#source-id", "curated-silkway-copy")
    checked(browser, "ok")
    assert "violation(s)" in report_text(browser)
    # a copy under another id agrees with the graph: the curator makes it say "41st" where the
    # text and the graph say 40th, a contradiction the report must name
    browser.js("var e = window.curation.editor; e.setValue(e.getValue().replace(\"editionNumber: '40'\", "
               "\"editionNumber: '41'\"))")
    checked(browser, "ok")
    outcome, text = submit(browser, TOKEN)
    assert outcome == "refused" and "contradicts the graph" in text and "HTTP 422" in text
    browser.wait("var r = document.querySelector('#outcome .report'); return r && r.shadowRoot && "
                 "r.shadowRoot.textContent.indexOf('Violation') >= 0", what="the refusal's report")
    assert "more than one edition number" in report_text(browser, "#outcome .report")
    marked = ("var e = window.curation.editor, n = []; for (var i = 0; i < e.lineCount(); i++) { "
              "var g = e.lineInfo(i).gutterMarkers; if (g && g['CodeMirror-lint-markers']) n.push(i); } return n")
    # the check of the edited mapping (as the curator types) may still be on its way: wait for its marks
    browser.wait(marked.replace("return n", "return n.length > 0"), what="the findings marked on their lines")
    lines = browser.js(marked)
    assert lines, "the report's findings on the source's quotes are marked on their lines"
    browser.screenshot("curate-refused")


def test_report_page(browser, site):
    browser.get(site + "/")
    browser.js("document.getElementById('report-link').click()")
    browser.wait("return location.pathname === '/report' && document.querySelector('#report-summary')", timeout=60,
                 what="the report page")
    assert "violation(s)" in browser.text("#report-summary")
    assert browser.js("return document.querySelectorAll('section.finding').length") > 0
    assert browser.js("return [...document.querySelectorAll('nav a')].some(a => a.pathname === '/report')")
    browser.screenshot("report")
    browser.driver.save_screenshot(str(SCREENSHOTS / "report-top.png"))
    browser.js("document.querySelector('section.finding a').click()")
    browser.wait("return location.pathname !== '/report' && document.querySelector('h1')", what="an entity's page")
