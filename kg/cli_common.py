"""What every ``kg`` command shares: the exit codes, the ``--store`` type, the token options and the error wrapper.

Exit codes (as pySHACL's): 0 success; 1 a check failed; 2 a usage or input error.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kg.errors import BadRequest, KGError, ValidationFailed
from kg.store.remote import is_url


EXIT_OK, EXIT_CHECK_FAILED, EXIT_ERROR = 0, 1, 2


class StoreLocation(click.ParamType):
    """A store directory, or the URL of a SPARQL 1.1 server's query endpoint."""

    name = "DIR|URL"

    def convert(self, value, param, ctx):
        if isinstance(value, Path) or is_url(value):
            return value
        if "://" in str(value):
            self.fail(f"{value!r}: a remote store is an http:// or https:// URL", param, ctx)
        return Path(value)


store_option = click.option(
    "--store",
    "store_path",
    type=StoreLocation(),
    default=None,
    help="Store directory, or a SPARQL server's query URL (default: $KG_STORE or var/store); "
         "$KG_STORE_UPDATE and $KG_STORE_DATA name a server's update and graph store endpoints.",
)


def token_options(command):
    """``--token`` (or ``$KG_API_TOKEN``) and ``--token-file``: the writers' bearer token, as ``kg serve`` takes it."""
    command = click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                           help="Read the bearer token from this file (its first line).")(command)
    return click.option("--token", envvar="KG_API_TOKEN", default=None,
                        help="Bearer token for writes (default: $KG_API_TOKEN). On the command line it is visible "
                             "to every user in ps: prefer $KG_API_TOKEN or --token-file.")(command)


def read_token(token: str | None, token_file: Path | None) -> str | None:
    """The token given by ``--token-file``, or ``--token``/``$KG_API_TOKEN`` (warning when it was typed), or None."""
    if token_file:
        if token:
            raise BadRequest("give the token once: --token-file or --token/$KG_API_TOKEN, not both")
        lines = token_file.read_text(encoding="utf-8").splitlines()
        token = lines[0].strip() if lines else ""
        if not token:
            raise BadRequest(f"{token_file}: the token file is empty")
    elif token and click.get_current_context().get_parameter_source("token").name == "COMMANDLINE":
        click.echo("warning: a token given with --token is visible to every user of this machine (ps); "
                   "use $KG_API_TOKEN or --token-file", err=True)
    return token or None


def reports_errors(command):
    """Turn library errors into a message on stderr and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        # Exit outside the except blocks, so the exit carries no traceback that would keep
        # the store (and its lock) alive in a caller that catches SystemExit.
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            click.echo(f"error: {exc.message}", err=True)
            if exc.report_text:
                click.echo(exc.report_text, err=True)
            code = EXIT_CHECK_FAILED
        except KGError as exc:
            click.echo(f"error: {exc.message}", err=True)
            code = EXIT_ERROR
        except OSError as exc:
            click.echo(f"error: {exc}", err=True)
            code = EXIT_ERROR
        sys.exit(code)

    return wrapper
