"""Shared fixtures: the seed build once per session, an in-memory store, the app and the CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import Project, build
from kg.ontology import Vocabulary, load_ontology
from kg.store import load_graphs, open_store, oxigraph
from kg.validate import load_shapes
from server import create_app

ROOT = Path(__file__).resolve().parent.parent


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
    """An in-memory store holding the seed build; read-only by convention."""
    dataset = open_store()
    load_graphs(dataset, built.dataset.graphs())
    return dataset


@pytest.fixture(scope="session")
def ox_store(store):
    return oxigraph(store)


@pytest.fixture
def writable_store(built):
    """A fresh in-memory store for tests that write."""
    dataset = open_store()
    load_graphs(dataset, built.dataset.graphs())
    return dataset


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


@pytest.fixture(scope="session")
def live_server(built, tmp_path_factory):
    """``kg serve`` itself, in its own process, on the seed build saved to disk; yields its root URL."""
    from kg.server_process import ServerProcess

    directory = tmp_path_factory.mktemp("served")
    dataset = open_store(directory / "store")
    load_graphs(dataset, built.dataset.graphs())
    oxigraph(dataset).flush()
    del dataset  # closed: the server opens it
    with ServerProcess(directory / "store", ["--rate-limit", "0"], log=directory / "serve.log") as server:
        yield server.url
