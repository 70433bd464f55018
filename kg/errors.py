"""Errors the library raises, each with the HTTP status and CLI exit code it maps to.

Library code raises these and never exits; the CLI turns them into exit code 2 and the
server into one JSON error shape (``{"ok": false, "error": ..., "status": ...}``).
"""

import re


class KGError(Exception):
    """Base class: a problem the user can fix, with a message that says what and where."""

    status = 400
    link = None

    def __init__(self, message: str, *, link: str | None = None):
        super().__init__(message)
        self.message = message
        if link:
            self.link = link

    def to_dict(self) -> dict:
        """Return the pinned JSON error shape."""
        body = {"ok": False, "error": self.message, "status": self.status}
        if self.link:
            body["link"] = self.link
        return body


class BadRequest(KGError):
    """Malformed input: a query, a parameter, a file."""


class MappingError(BadRequest):
    """A mapping that cannot be applied to its text: names the file, line and fact."""

    def __init__(self, message: str, *, file: str, line: int | None = None, fact: int | None = None):
        where = file
        if line is not None:
            where += f", line {line}"
        if fact is not None:
            where += f", fact {fact}"
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.fact = file, line, fact


class NotFound(KGError):
    """An unknown query name, entity or source."""

    status = 404


class QueryError(BadRequest):
    """A SPARQL query that does not parse or cannot run."""

    link = "https://www.w3.org/TR/sparql11-query/"


class ValidationFailed(KGError):
    """The graph does not conform to the shapes; carries the report text."""

    status = 422

    def __init__(self, message: str, report_text: str = ""):
        super().__init__(message)
        self.report_text = report_text


def where(message: str) -> str:
    """Spell out Oxigraph's ``error at 1:25`` position as line and column.

    >>> where("error at 2:7: expected '}'")
    "line 2, column 7: expected '}'"
    """
    match = re.match(r"error at (\d+):(\d+)(?:-\d+:\d+)?: (.*)", message, re.S)
    return f"line {match[1]}, column {match[2]}: {match[3]}" if match else message
