"""The README against the code, as Datasette's ``test_docs.py`` does: every CLI command and
option, and every HTTP route, is documented; every folder and module of ``kg/`` is named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMON_OPTIONS = {"--root"}
"""Options documented once, under the command table, for every command that has them."""


def _command_rows(name: str) -> list[str]:
    return [line for line in README.splitlines() if line.startswith(f"| `kg {name}")]


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_a_row_naming_each_of_its_options(name):
    rows = _command_rows(name)
    assert rows, f"the README's command table has no row for `kg {name}`"
    for param in cli.commands[name].params:
        names = [o for o in param.opts if o.startswith("-")]
        if not names or set(names) & COMMON_OPTIONS:
            continue
        assert any(o in row for o in names for row in rows), f"`kg {name}`: option {names[0]} is not documented"


def test_common_options_are_documented():
    for option in COMMON_OPTIONS:
        assert f"`{option} DIR`" in README


def _routes():
    import server

    app = server.create_app()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        yield rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"})


def _documented(route: str) -> bool:
    """A route is documented when its fixed part appears after a method in a backticked cell."""
    fixed = re.split(r"<", route, maxsplit=1)[0]
    if route.startswith("/<any("):  # entity pages: documented by their kinds
        return "every entity IRI" in README
    pattern = r"`(GET|POST|PUT|DELETE|HEAD)[A-Z/, ]* [^`]*" + re.escape(fixed.rstrip("/") or "/")
    return re.search(pattern, README) is not None


@pytest.mark.parametrize("route,methods", sorted(_routes()))
def test_every_route_is_in_the_http_table(route, methods):
    assert _documented(route), f"route {route} ({', '.join(methods)}) is not in the README's HTTP table"


def test_every_package_folder_and_module_is_named():
    for path in sorted((ROOT / "kg").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(ROOT / "kg")
        named = f"`{path.name}`" in README or f"`kg/{relative.as_posix()}`" in README
        assert named, f"kg/{relative.as_posix()} is not named in the README's layout table"
    for folder in sorted(p for p in (ROOT / "kg").iterdir() if p.is_dir() and p.name != "__pycache__"):
        assert f"`kg/{folder.name}/`" in README, f"kg/{folder.name}/ is not in the README's layout table"
