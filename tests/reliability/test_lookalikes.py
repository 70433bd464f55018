"""Item 8: look-alike identifiers. A source id with a Cyrillic ``а`` was accepted beside the
seed it imitates, and a label with a right-to-left override without a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

CASE = Path(__file__).resolve().parents[1] / "cases" / "sources" / "agreeing-source"


def _body(source_id="lookalike-case", label=None):
    mapping = (CASE / "mapping.yaml").read_text()
    if label is not None:
        mapping = mapping.replace("source: {language: en}\n", "source: {language: en}\nentities:\n"
                                  f"  person/lookalike-person: {{a: Person, label: \"{label}\"}}\n", 1)
    return {"id": source_id, "mapping": mapping, "text": (CASE / "text.txt").read_text()}


@pytest.mark.parametrize("source_id", ["000_1db01\u0430" + "3067431b98", "agreeing\u2011source", "a\u202eb", "ｆｕｌｌ",
                                       "a b", "../x", ".hidden", "x" * 300])
def test_source_ids_are_ascii(client, source_id):
    response = client.post("/validate", json=_body(source_id))
    assert response.status_code == 400 and "not a valid source id" in response.get_json()["error"]


@pytest.mark.parametrize("label, problem", [
    ("Ruslan Mirz\u0430yev", "mixes CYRILLIC and LATIN"),
    ("Ruslan \u202eveyazriM", "bidirectional control"),
    ("Ruslan\u200bMirzayev", "invisible"),
])
def test_lookalike_names_get_a_warning(client, label, problem):
    response = client.post("/validate", json=_body(label=label))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    warnings = [f for f in response.get_json()["results"] if f["shape"] == "look-alike characters"]
    assert warnings and warnings[0]["severity"] == "Warning" and problem in " ".join(warnings[0]["messages"])


def test_plain_and_single_script_names_get_none(client):
    for label in ("Ruslan Mirzayev", "Руслан Мирзаев", "Türkiye"):
        response = client.post("/validate", json=_body(label=label))
        assert response.status_code == 200
        assert not [f for f in response.get_json()["results"] if f["shape"] == "look-alike characters"], label


def test_the_token_comes_from_a_file_or_the_environment(tmp_path):
    """A token on the command line is visible in ps: kg serve warns; a token file is read."""
    from click.testing import CliRunner

    from kg.cli import cli

    missing = str(tmp_path / "no-store")
    warned = CliRunner().invoke(cli, ["serve", "--store", missing, "--token", "secret"])
    assert warned.exit_code == 2 and "visible to every user" in warned.output
    quiet = CliRunner().invoke(cli, ["serve", "--store", missing], env={"KG_API_TOKEN": "secret"})
    assert quiet.exit_code == 2 and "visible" not in quiet.output
    empty = tmp_path / "token"
    empty.write_text("\n")
    refused = CliRunner().invoke(cli, ["serve", "--store", missing, "--token-file", str(empty)], env={"KG_API_TOKEN": ""})
    assert refused.exit_code == 2 and "token file is empty" in refused.output
    empty.write_text("secret\n")
    read = CliRunner().invoke(cli, ["serve", "--store", missing, "--token-file", str(empty)], env={"KG_API_TOKEN": ""})
    assert read.exit_code == 2 and "no store at" in read.output and "visible" not in read.output
