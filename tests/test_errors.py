"""The errors of the library (kg/errors.py): each with its HTTP status, the one JSON shape the
server answers with, and messages that say where."""

from __future__ import annotations

import pytest

from kg.errors import BadRequest, KGError, MappingError, NotFound, QueryError, ValidationFailed, where


@pytest.mark.parametrize("error, status", [(KGError("x"), 400), (BadRequest("x"), 400), (QueryError("x"), 400),
                                           (NotFound("x"), 404), (ValidationFailed("x"), 422)])
def test_each_error_has_its_status(error, status):
    assert error.status == status and error.to_dict()["status"] == status


def test_the_json_shape_has_a_link_only_when_there_is_one():
    assert BadRequest("no query").to_dict() == {"ok": False, "error": "no query", "status": 400}
    linked = BadRequest("no query", link="https://www.w3.org/TR/sparql11-protocol/")
    assert linked.to_dict()["link"] == "https://www.w3.org/TR/sparql11-protocol/"
    assert QueryError("bad").to_dict()["link"] == "https://www.w3.org/TR/sparql11-query/"  # the class's own link
    assert QueryError("bad", link="https://example.org/").link == "https://example.org/"


def test_a_mapping_error_names_file_line_and_fact():
    error = MappingError("unknown property 'venue'", file="m.yaml", line=23, fact=2)
    assert str(error) == error.message == "m.yaml, line 23, fact 2: unknown property 'venue'"
    assert (error.file, error.line, error.fact) == ("m.yaml", 23, 2)
    assert str(MappingError("empty", file="m.yaml")) == "m.yaml: empty"
    assert isinstance(error, BadRequest) and error.status == 400


def test_validation_failed_carries_the_report():
    error = ValidationFailed("does not conform", "1 violation(s)")
    assert error.report_text == "1 violation(s)" and error.message == "does not conform"
    assert ValidationFailed("does not conform").report_text == ""


@pytest.mark.parametrize("message, said", [
    ("error at 1:25: expected '}'", "line 1, column 25: expected '}'"),
    ("error at 3:4-3:9: unknown prefix", "line 3, column 4: unknown prefix"),
    ("something else", "something else"),
])
def test_where_spells_out_oxigraphs_positions(message, said):
    assert where(message) == said
