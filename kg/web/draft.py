"""Draft a mapping over HTTP: ``POST /draft``, for the curator pages of the web workbench.

The text comes as JSON ``{"text": "...", "language": "en"}`` (the language may be left out:
it is then guessed from the script), or as a ``text/plain`` body with ``?language=``. The answer
is the draft mapping as YAML (``application/yaml``), or, when the client prefers JSON, as
``{"ok": true, "language": ..., "mapping": ...}``. A missing or empty text, an unknown language
or another body type gets the usual JSON error (400, 415).
"""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import UnsupportedMediaType

from kg.draft import Drafter, guess_language
from kg.errors import BadRequest
from kg.sources.project import Project
from kg.web.common import state

blueprint = Blueprint("draft", __name__)
_LOCK = threading.Lock()


def _drafter() -> Drafter:
    """The drafter for this app's ontology and authority data, read on first use."""
    kg = state()
    if "drafter" not in kg:
        with _LOCK:
            if "drafter" not in kg:
                root = Path(current_app.config["ONTOLOGY_DIR"]).parent
                kg["drafter"] = Drafter.from_project(Project(Path(current_app.config.get("AUTHORITY_DIR") or
                                                                  root / "authority").parent))
    return kg["drafter"]


def _read_request() -> tuple[str, str | None]:
    if request.mimetype == "application/json":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest('the body must be a JSON object {"text": "...", "language": "en"}')
        text, language = body.get("text"), body.get("language")
        if not isinstance(text, str):
            raise BadRequest('the JSON body needs "text", the source text, as a string')
        if language is not None and not isinstance(language, str):
            raise BadRequest('"language" must be a string such as "en", "ru" or "zh"')
        return text, language
    if request.mimetype == "text/plain":
        try:
            return request.get_data().decode("utf-8"), request.args.get("language")
        except UnicodeDecodeError as exc:
            raise BadRequest(f"the text/plain body is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    raise UnsupportedMediaType(f"send the text as application/json or text/plain, not {request.mimetype or 'nothing'}")


@blueprint.route("/draft", methods=["POST"])
def draft():
    """Answer the draft mapping of the posted text."""
    text, language = _read_request()
    if not text.strip():
        raise BadRequest("the text to draft from is empty")
    language = language or guess_language(text)
    mapping = _drafter().draft(text, language)
    best = request.accept_mimetypes.best_match(["application/yaml", "text/yaml", "application/json"],
                                               default="application/yaml")
    if best == "application/json":
        return jsonify({"ok": True, "language": language, "mapping": mapping})
    return Response(mapping, mimetype=best if best != "application/json" else "application/yaml")
