"""``kg add-source`` while ``kg serve`` runs: a real server process and real ``kg add-source`` processes.

The source goes through the server (one writer on the store), is answered by ``/sparql`` at once
without a restart, and the command prints the same report and exits with the same codes as
when it writes the store itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.bench.server_process import ServerProcess
from kg.cli_remote import request_body
from kg.errors import BadRequest
from kg.store.embedded import load_graphs, open_store
from kg.web.serve import serve_file

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "sources"
TOKEN = "cli-curator-token"


def kg(*args: str, token: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "KG_API_TOKEN"}
    if token:
        env["KG_API_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, cwd=ROOT, env=env,
                          check=False, timeout=600)


def source_triples(url: str, source_id: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <https://w3id.org/sco-rats/graph/source/{source_id}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(url + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # our own loopback server
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture
def project_dir(tmp_path, built):
    """A project folder (ontology, shapes, curation) with the seed build as its store, for the offline path."""
    for folder in ("ontology", "shapes", "curation"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    store = open_store(tmp_path / "store")
    load_graphs(store, built.dataset.graphs())
    store.flush()
    del store
    return tmp_path


def case_files(name: str, folder: Path) -> list[str]:
    """A case's mapping and text as a curator keeps them: named by the source id, which the text's name gives."""
    for kind, suffix in (("mapping", ".yaml"), ("text", ".txt")):
        if not (folder / f"{name}{suffix}").exists():
            shutil.copy(CASES / name / f"{kind}{suffix}", folder / f"{name}{suffix}")
    return [str(folder / f"{name}.yaml"), str(folder / f"{name}.txt")]


@pytest.mark.slow
def test_add_source_goes_through_the_running_server(project_dir, tmp_path):
    project = project_dir
    store = project / "store"
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    where = ["--store", str(store), "--root", str(project)]
    with ServerProcess(store, ["--rate-limit", "0", "--token-file", str(token_file)], log=tmp_path / "serve.log") as server:
        announced = json.loads(serve_file(store).read_text(encoding="utf-8"))
        assert announced["url"] == server.url and announced["pid"] == server.process.pid
        assert source_triples(server.url, "agreeing-source") == 0

        without = kg("add-source", *case_files("agreeing-source", tmp_path), *where)
        assert without.returncode == 2, without.stderr
        assert f"in use by kg serve at {server.url}" in without.stderr and "--token-file FILE" in without.stderr
        assert "$KG_API_TOKEN" in without.stderr

        wrong = kg("add-source", *case_files("agreeing-source", tmp_path), *where, token="not-the-token")
        assert wrong.returncode == 2 and "refused the token" in wrong.stderr, wrong.stderr

        added = kg("add-source", *case_files("agreeing-source", tmp_path), *where, "--token-file", str(token_file))
        assert added.returncode == 0, added.stderr
        assert "0 violation(s)" in added.stdout and "added source agreeing-source" in added.stderr
        assert source_triples(server.url, "agreeing-source") > 0, "answered at once, without a restart"

        again = kg("add-source", *case_files("agreeing-source", tmp_path), *where, token=TOKEN)
        assert again.returncode == 2 and "already" in again.stderr, again.stderr

        refused = kg("add-source", *case_files("member-and-observer", tmp_path), *where, "--format", "json", token=TOKEN)
        assert refused.returncode == 1, refused.stderr
        served_report = json.loads(refused.stdout)
        assert served_report["conforms"] is False and "error:" in refused.stderr
        assert source_triples(server.url, "member-and-observer") == 0
    assert not serve_file(store).exists(), "the server removes its file when it stops"

    offline = kg("add-source", *case_files("member-and-observer", tmp_path), *where, "--format", "json")
    assert offline.returncode == 1, offline.stderr
    assert json.loads(offline.stdout) == served_report, "the same report either way"
    in_use = kg("add-source", *case_files("member-and-observer", tmp_path), "--store", str(project / "missing"), "--root", str(project))
    assert in_use.returncode == 2


def test_the_request_body_is_chosen_as_for_the_offline_path(tmp_path):
    body, mime = request_body(case_files("agreeing-source", tmp_path))
    assert mime == "application/json"
    assert json.loads(body)["id"] == "agreeing-source" and json.loads(body)["mapping"].startswith(
        (CASES / "agreeing-source" / "mapping.yaml").read_text(encoding="utf-8")[:20])
    turtle = tmp_path / "copy.ttl"
    turtle.write_text("<a:b> <a:c> <a:d> .\n", encoding="utf-8")
    assert request_body([turtle]) == (turtle.read_bytes(), "text/turtle")
    with pytest.raises(BadRequest, match="no such file"):
        request_body([tmp_path / "absent.yaml"])
    with pytest.raises(BadRequest, match="give a mapping"):
        request_body([turtle, turtle])
