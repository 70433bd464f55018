"""The tests mirror the library: the tests of ``kg/<folder>/<module>.py`` are in
``tests/<folder>/test_<module>.py``, so anyone finds the tests of a module by its name.

The rules checked here:

* **Every module has its test module.** ``kg/<folder>/<module>.py`` has
  ``tests/<folder>/test_<module>.py``; a top-level module (``kg/build.py``, ``kg/cli.py``) and
  ``server.py`` have ``tests/test_<module>.py``. A package's ``__init__.py`` that holds code is
  tested like a module named after its package (``kg/draft/__init__.py`` in
  ``tests/draft/test_draft.py``); one that holds only a docstring needs no tests. The only
  modules allowed without one are in :data:`UNTESTED`, each with its reason.
* **Every test module is where its module is.** In a folder that mirrors one of ``kg/``
  (``tests/`` itself mirrors the top level), ``test_<name>.py`` names a module of that very
  folder. One that names a module of another folder fails, saying where it belongs
  (``tests/web/test_build.py`` is the test of ``kg/build.py``: it belongs in ``tests/``).
* **Tests about no one module are few and named.** A test module whose name is no module's
  checks something that spans modules (the README against the code, the graph against the
  seeds, real clients over a socket, a browser); each is listed in :data:`TOPICS` with what
  it checks, in the folder of the stage it is about. A folder of ``tests/`` that mirrors no
  folder of ``kg/`` holds such tests only, and is listed in :data:`TOPIC_FOLDERS`.
* **Two test modules may share a name only inside packages.** Two stages may each have a module
  of one name (``kg/validation/intake.py``, ``kg/web/intake.py``), so their test modules share
  it too; pytest imports a test module that is in no package by its bare name, so the stage
  folders of ``tests/`` are packages (an empty ``__init__.py``). ``tests/`` and ``tests/web/``
  are not (the browser tests import their helper by its bare name), and no name may repeat there.
* **The lists stay true**: each module of :data:`UNTESTED` exists and still has no test module;
  each file of :data:`TOPICS` and folder of :data:`TOPIC_FOLDERS` exists.

Tests of an HTTP route are with the blueprint that serves it (``tests/web/test_sparql.py`` for
``/sparql``), unless they are about what a helper module builds for the route (an entity page's
layout: ``tests/web/test_entity_view.py``). Helpers of the tests (``conftest.py``, ``browser.py``,
``html_page.py``, ``probe.py``, ``drafting.py``) are not test modules and are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KG = ROOT / "kg"
TESTS = ROOT / "tests"

UNTESTED = {
    "kg/__main__.py": "two lines that run kg.cli.main for `python -m kg`; the command line is tested in tests/test_cli.py",
}
"""Modules that cannot be tested alone, and why."""

TOPICS = {
    "tests/test_docs.py": "the README against the code: every command, option, route and module is documented",
    "tests/test_facts.py": "the graph says what the seeds say, and nothing they do not",
    "tests/test_files.py": "every Turtle and SPARQL file of the project parses; the seeds are the shared texts",
    "tests/test_layout.py": "this file: the tests mirror the library",
    "tests/validation/test_shapes.py": "the shapes of shapes/ are valid SHACL and each catches its bad node",
    "tests/web/test_base_iri.py": "relative IRIs resolve against the base IRI on every path: front, view, workers, updates, remote store",
    "tests/web/test_browser.py": "the workbench in a real browser against kg serve",
    "tests/web/test_browser_curation.py": "the curation page in a real browser against kg serve",
    "tests/web/test_clients.py": "the endpoint through real clients over a socket: SPARQLWrapper, rdflib, curl",
    "tests/web/test_sparqlwrapper.py": "SPARQLWrapper with its own defaults, for every query form, against kg serve",
    "tests/web/test_reconciliation_testbench.py": "the checks of the reconciliation testbench, against kg serve",
}
"""Test modules about no one module, and what each checks."""

TOPIC_FOLDERS = {
    "tests/reliability": "the reliability and security suite (issue 24), one test module per group of items, "
                         "run by make reliability",
    "tests/regressions": "regressions across modules, one test module each",
}
"""Folders of tests that mirror no folder of kg/, and what they hold."""


def has_code(path: Path) -> bool:
    """Whether a Python file holds more than a docstring."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


def library_modules() -> dict[str, tuple[str, str]]:
    """Each module that needs tests, as its path, and its folder ("" for the top) and test name."""
    modules = {"server.py": ("", "server")}
    for path in sorted(KG.rglob("*.py")):
        relative = path.relative_to(KG)
        folder = relative.parent.as_posix() if relative.parent != Path(".") else ""
        if path.name == "__init__.py":
            if not has_code(path) or not folder:
                continue
            name = relative.parent.name
        else:
            name = path.stem
        modules[path.relative_to(ROOT).as_posix()] = (folder, name)
    return modules


def found_test_files() -> list[Path]:
    """Every test module of tests/."""
    return sorted(p for p in TESTS.rglob("test_*.py") if "node_modules" not in p.parts)


def mirrored_folders() -> set[str]:
    return {""} | {p.relative_to(KG).as_posix() for p in KG.rglob("*") if p.is_dir() and p.name != "__pycache__"
                   and any(p.glob("*.py"))}


def expected_test(folder: str, name: str) -> str:
    return f"tests/{folder + '/' if folder else ''}test_{name}.py"


def test_every_module_has_its_test_module():
    existing = {p.relative_to(ROOT).as_posix() for p in found_test_files()}
    missing = [f"{module}: no {expected_test(*where)}" for module, where in library_modules().items()
               if module not in UNTESTED and expected_test(*where) not in existing]
    assert not missing, "modules without their test module (write one, or move their tests there):\n" + \
        "\n".join(missing)


def test_every_test_module_is_in_the_folder_of_its_module():
    modules = library_modules()
    folders_of: dict[str, set[str]] = {}
    for folder, name in modules.values():
        folders_of.setdefault(name, set()).add(folder)
    mirrored = mirrored_folders()
    wrong = []
    for path in found_test_files():
        relative = path.relative_to(ROOT).as_posix()
        folder = path.parent.relative_to(TESTS).as_posix() if path.parent != TESTS else ""
        name = path.stem.removeprefix("test_")
        if folder not in mirrored:
            top = "tests/" + folder.split("/")[0]
            if top not in TOPIC_FOLDERS:
                wrong.append(f"{relative}: tests/{folder}/ mirrors no folder of kg/ and is not a topic folder")
            continue
        if folder in folders_of.get(name, set()) or relative in TOPICS:
            continue
        if name in folders_of:
            places = ", ".join(sorted(expected_test(f, name) for f in folders_of[name]))
            wrong.append(f"{relative}: {name} is not a module of kg/{folder}; it belongs in {places}")
        else:
            wrong.append(f"{relative}: no module kg/{folder + '/' if folder else ''}{name}.py; name it after the "
                         "module it tests, or list it in TOPICS with what it checks")
    assert not wrong, "\n".join(wrong)


def test_the_lists_are_true_and_short():
    modules = library_modules()
    for module, reason in UNTESTED.items():
        assert module in modules and reason, f"{module} is on UNTESTED and is no module of kg/"
        assert not (ROOT / expected_test(*modules[module])).exists(), \
            f"{module} has its test module now: take it off UNTESTED"
    for path in (*TOPICS, *TOPIC_FOLDERS):
        assert (ROOT / path).exists(), f"{path} is listed but does not exist"


def test_a_name_repeats_only_inside_packages():
    outside: dict[str, list[str]] = {}
    for path in found_test_files():
        if not (path.parent / "__init__.py").exists():
            outside.setdefault(path.name, []).append(path.relative_to(ROOT).as_posix())
    repeated = {name: paths for name, paths in outside.items() if len(paths) > 1}
    assert not repeated, f"test modules of one name outside packages (pytest cannot import both): {repeated}"


def test_the_rules_catch_a_module_without_tests_and_a_misplaced_test_module(tmp_path, monkeypatch):
    """The checks can fail: kg/web/pages.py without tests, and the test of kg/build.py in tests/web."""
    kg, tests = tmp_path / "kg", tmp_path / "tests"
    for folder in (kg / "web", tests / "web"):
        folder.mkdir(parents=True)
    for path in (kg / "build.py", kg / "web" / "pages.py"):
        path.write_text('"""A module."""\nX = 1\n')
    for path in (kg / "__init__.py", kg / "web" / "__init__.py", tmp_path / "server.py", tests / "test_server.py",
                 tests / "web" / "test_build.py"):
        path.write_text("")
    for name, value in (("ROOT", tmp_path), ("KG", kg), ("TESTS", tests), ("UNTESTED", {}), ("TOPICS", {}),
                        ("TOPIC_FOLDERS", {})):
        monkeypatch.setitem(globals(), name, value)
    with pytest.raises(AssertionError, match=r"(?s)kg/build.py: no tests/test_build.py.*kg/web/pages.py: no tests/web/test_pages.py"):
        test_every_module_has_its_test_module()
    with pytest.raises(AssertionError, match="tests/web/test_build.py: build is not a module of kg/web; it belongs in "
                                             "tests/test_build.py"):
        test_every_test_module_is_in_the_folder_of_its_module()
    (tests / "web" / "test_build.py").rename(tests / "test_build.py")
    (tests / "web" / "test_page.py").write_text("")
    with pytest.raises(AssertionError, match="tests/web/test_page.py: no module kg/web/page.py"):
        test_every_test_module_is_in_the_folder_of_its_module()
