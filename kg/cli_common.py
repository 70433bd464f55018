"""What every ``kg`` command shares: the exit codes, the ``--store`` type, and the error wrapper.

Exit codes (as pySHACL's): 0 success; 1 a check failed; 2 a usage or input error.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from kg.errors import KGError, ValidationFailed
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
