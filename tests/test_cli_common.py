"""What every ``kg`` command shares (kg/cli_common.py): the ``--store`` type, the token options and
the error wrapper with its exit codes, on a small command built from them."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from kg.cli_common import EXIT_CHECK_FAILED, EXIT_ERROR, EXIT_OK, read_token, reports_errors, store_option, token_options
from kg.errors import BadRequest, ValidationFailed


@click.command()
@store_option
@token_options
@click.option("--fail", type=click.Choice(["none", "check", "input", "os"]), default="none")
@reports_errors
def probe(store_path, token, token_file, fail):
    """Echo what the shared options gave, or fail as asked."""
    if fail == "check":
        raise ValidationFailed("the graph does not conform", "1 violation(s)")
    if fail == "input":
        raise BadRequest("no such source")
    if fail == "os":
        raise OSError("disk full")
    click.echo(f"{type(store_path).__name__} {store_path} token={read_token(token, token_file)}")


def test_the_exit_codes_are_pyshacls():
    assert (EXIT_OK, EXIT_CHECK_FAILED, EXIT_ERROR) == (0, 1, 2)


@pytest.mark.parametrize("given, kind", [("var/store", "PosixPath"), ("http://127.0.0.1:7878/query", "str"),
                                         ("https://example.org/sparql", "str")])
def test_store_is_a_folder_or_a_servers_url(runner, given, kind):
    result = runner.invoke(probe, ["--store", given])
    assert result.exit_code == 0, result.output
    assert result.output.split()[:2] == [kind, given]


def test_a_store_url_that_is_not_http_is_a_usage_error(runner):
    result = runner.invoke(probe, ["--store", "ftp://example.org/store"])
    assert result.exit_code == 2 and "a remote store is an http:// or https:// URL" in result.output


@pytest.mark.parametrize("fail, code, message", [("check", 1, "error: the graph does not conform\n1 violation(s)"),
                                                 ("input", 2, "error: no such source"), ("os", 2, "error: disk full")])
def test_library_errors_become_a_message_and_the_documented_exit_code(runner, fail, code, message):
    result = runner.invoke(probe, ["--fail", fail])
    assert result.exit_code == code and message in result.output
    assert "Traceback" not in result.output


def test_the_token_from_a_file_the_environment_or_the_command_line(runner, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("s3cret\nignored\n", encoding="utf-8")
    assert "token=s3cret" in runner.invoke(probe, ["--token-file", str(token_file)]).output
    from_env = runner.invoke(probe, [], env={"KG_API_TOKEN": "from-env"})
    assert "token=from-env" in from_env.output and "warning" not in from_env.output
    typed = runner.invoke(probe, ["--token", "typed"])
    assert "token=typed" in typed.output and "visible to every user" in typed.output
    assert "token=None" in runner.invoke(probe, [], env={"KG_API_TOKEN": ""}).output


def test_a_token_given_twice_or_an_empty_token_file_is_refused(runner, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("s3cret\n", encoding="utf-8")
    twice = runner.invoke(probe, ["--token-file", str(token_file), "--token", "other"])
    assert twice.exit_code == 2 and "give the token once" in twice.output
    token_file.write_text("\n", encoding="utf-8")
    empty = runner.invoke(probe, ["--token-file", str(token_file)])
    assert empty.exit_code == 2 and "the token file is empty" in empty.output
    with pytest.raises(BadRequest, match="the token file is empty"):
        read_token(None, Path(token_file))
