"""Shared fixtures: the seed build once per session, a store holding it, the app and the CLI runner.

With ``KG_TEST_STORE`` set to the query URL of a SPARQL 1.1 server (CI starts Oxigraph's),
the store fixtures and ``kg serve`` use that server instead of the embedded store, so the
same tests check both. The server holds one dataset: a test that writes to it gets the seed
back afterwards, so the session-wide store stays what its readers expect.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import pytest

# Intake and /update write beside ACCEPTED_DIR (accepted/, updates/): never into the checkout.
os.environ.setdefault("KG_ACCEPTED_DIR", os.path.join(tempfile.mkdtemp(prefix="kg-tests-"), "accepted"))
from click.testing import CliRunner

from kg.sources.project import Project
from kg.build import build
from kg.sources.ontology import Vocabulary, load_ontology
from kg.store.embedded import dataset_quads, load_graphs, open_store
from kg.validation.validate import load_shapes
from server import create_app

ROOT = Path(__file__).resolve().parent.parent
REMOTE_STORE = os.environ.get("KG_TEST_STORE") or None
"""The query URL of the SPARQL server to test against, or None for the embedded store."""


def seeded_store(built):
    """A store holding the seed build: a new in-memory one, or the remote one refilled."""
    if REMOTE_STORE:
        store = open_store(REMOTE_STORE)
        store.replace_all(dataset_quads(built.dataset.graphs()))
        return store
    store = open_store()
    load_graphs(store, built.dataset.graphs())
    return store


def pytest_addoption(parser):
    parser.addoption(
        "--regen-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output instead of comparing; review them in the git diff.",
    )


@pytest.fixture(scope="session")
def regen_golden(request) -> bool:
    return request.config.getoption("--regen-golden")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def ontology(project):
    return load_ontology(project.ontology)


@pytest.fixture(scope="session")
def vocabulary(ontology) -> Vocabulary:
    return Vocabulary.from_graph(ontology)


@pytest.fixture(scope="session")
def shapes(project):
    return load_shapes(project.shapes)


@pytest.fixture(scope="session")
def built(project):
    """The seeds built once per session (like datasette's ``ds_client``)."""
    return build(project)


@pytest.fixture(scope="session")
def store(built):
    """A store holding the seed build; read-only by convention."""
    return seeded_store(built)


@pytest.fixture
def writable_store(built):
    """A store of its own for a test that writes (the remote one is refilled afterwards)."""
    yield seeded_store(built)
    if REMOTE_STORE:
        seeded_store(built)


@pytest.fixture
def app(store, tmp_path):
    return create_app(store, {"TESTING": True, "QUERIES_DIR": str(ROOT / "queries"),
                              "ACCEPTED_DIR": str(tmp_path / "accepted")})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner():
    return CliRunner()


@contextlib.contextmanager
def serving(built, directory: Path, options: list[str] = ()):
    """``kg serve`` itself, in its own process, on the seed build (saved to disk, or the remote
    store refilled); yields the server."""
    from kg.bench.server_process import ServerProcess

    if REMOTE_STORE:
        seeded_store(built)
        location = REMOTE_STORE
    else:
        location = directory / "store"
        store = open_store(location)
        load_graphs(store, built.dataset.graphs())
        store.flush()
        del store  # closed: the server opens it
    with ServerProcess(location, ["--rate-limit", "0", *options], log=directory / "serve.log") as server:
        yield server


@pytest.fixture(scope="session")
def live_server(built, tmp_path_factory):
    """``kg serve`` on the seed build; yields its root URL."""
    with serving(built, tmp_path_factory.mktemp("served")) as server:
        yield server.url


@pytest.fixture
def send_query():
    """Send a query by one of the Protocol's three styles: ``get``, ``form`` (URL-encoded POST) or
    ``direct`` (``application/sparql-query`` POST); return the response."""
    def send(client, query: str, style: str):
        if style == "get":
            return client.get("/sparql", query_string={"query": query})
        if style == "form":
            return client.post("/sparql", data={"query": query})
        return client.post("/sparql", data=query, content_type="application/sparql-query")
    return send
