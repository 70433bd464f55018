"""A page as a browser asks for it: the helper the page tests share (imported by its bare name,
as browser.py is)."""

from __future__ import annotations

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
"""Chromium's Accept header for a page."""


def page(client, path):
    """The HTML of ``path``, asserting a 200 in text/html."""
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html", path
    return response.get_data(as_text=True)
