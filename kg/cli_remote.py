"""``kg add-source`` while ``kg serve`` holds the store: the source goes through the server.

The embedded store has one writer, and a running server holds its lock, so opening the store
here would be refused (and two writers would corrupt it). The server says where it is in a
file beside the store (:func:`kg.web.serve.announce`); the source is then sent to its
``POST /sources`` with the token, exactly as a curator's client sends it, and the server
validates it, adds it and lets every reader see it at once, without a restart. What is printed
and the exit code are those of the offline path: the report in ``--format`` on standard output,
0 when added, 1 when a violation refused it (with the report of the same check), 2 for an error.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from pathlib import Path

import click

from kg.cli_common import EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK
from kg.errors import BadRequest
from kg.validation.intake import MEDIA_TYPES, RDF_FORMATS, choose_files

TIMEOUT = 600.0
"""Seconds to wait for the server's answer (it validates the source against the graph first)."""
_RDF_MEDIA_TYPES = {format_: mime for mime, format_ in MEDIA_TYPES.items()}


def request_body(paths: list[Path]) -> tuple[bytes, str]:
    """The body of ``POST /sources`` for the files ``kg add-source`` was given (chosen as
    :func:`kg.validation.intake.choose_files` chooses): a mapping and its text as JSON, or one RDF file as itself."""
    first, text = choose_files(paths)
    if text is None:
        return first.read_bytes(), _RDF_MEDIA_TYPES[RDF_FORMATS[first.suffix]]
    body = {"id": text.stem, "mapping": first.read_text(encoding="utf-8"), "text": text.read_text(encoding="utf-8")}
    return json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"


def no_token(store, server: dict) -> BadRequest:
    return BadRequest(
        f"the store at {store} is in use by kg serve at {server['url']} (pid {server['pid']}), so the source must go "
        "through it, with the token it was started with: give --token-file FILE (or set $KG_API_TOKEN) and run this "
        "again")


def add_through_server(server: dict, files: list[Path], *, token: str, override_reason: str | None,
                       format_: str) -> int:
    """Send the source to the running server; print its report; return the exit code."""
    body, mime = request_body(files)
    query = {"format": format_, **({"override_reason": override_reason} if override_reason else {})}
    click.echo(f"the store is served by kg serve at {server['url']} (pid {server['pid']}): sending the source "
               "through it", err=True)
    status, answer, headers = _post(server["url"], "/sources?" + urllib.parse.urlencode(query), body, mime, token)
    if status == 201:
        click.echo(answer.decode("utf-8"), nl=False)
        click.echo(f"added source {(headers.get('Location') or '').rsplit('/', 1)[-1]} (served at once by "
                   f"{server['url']})", err=True)
        return EXIT_OK
    message = _error_message(answer, status)
    if status == 422:  # refused for a violation: print the report of the same check, in the format asked for
        check, report, _ = _post(server["url"], "/validate?" + urllib.parse.urlencode({"format": format_}), body,
                                 mime, None)
        if check == 200:
            click.echo(report.decode("utf-8"), nl=False)
        click.echo(f"error: {message}", err=True)
        return EXIT_CHECK_FAILED
    if status in (401, 403):
        message = f"kg serve at {server['url']} refused the token ({message}); give the token it was started with"
    click.echo(f"error: {message}", err=True)
    return EXIT_ERROR


def _post(url: str, path: str, body: bytes, mime: str, token: str | None) -> tuple[int, bytes, Message]:
    headers = {"Content-Type": mime, **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - the server's own URL, http
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers
    except OSError as exc:
        raise BadRequest(f"could not reach kg serve at {url}: {exc}; is it still running?") from None


def _error_message(answer: bytes, status: int) -> str:
    try:
        return str(json.loads(answer)["error"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {status}: {answer[:200].decode('utf-8', 'replace') or 'no message'}"
