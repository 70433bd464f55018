"""The ``kg`` command line: thin wrappers over library calls.

Exit codes (as pySHACL's): 0 success; 1 a check failed (the graph does not conform, or an
integrity check returned rows); 2 a usage or input error (bad option, malformed file,
unknown query, missing parameter). Messages go to standard error.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click
import pyoxigraph as ox
from tqdm import tqdm
from tqdm.utils import CallbackIOWrapper

from kg.web import named_queries as named_queries
from kg.sources.project import Project
from kg.build import build
from kg.errors import BadRequest
from kg.store.remote import is_url
from kg.store import updates as update_log
from kg.store.executor import MEMORY_MB
from kg.store.embedded import (FORMATS, SUFFIXES, StoreInUse, default_store_location, dump, load_graphs, named_quads,
                               open_store, open_writable, refresh_default_graph, replace_store)
from kg.namespaces import PREFIXES
from kg.cli_common import EXIT_CHECK_FAILED, EXIT_OK, read_token, reports_errors, store_option, token_options

@click.group()
@click.version_option(package_name="sco-rats-kg")
def cli():
    """Build, query and serve the SCO RATS knowledge graph."""


@cli.command("build")
@store_option
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="Project folder holding ontology/, authority/, seeds/, mappings/, shapes/.")
@click.option("--graphs", "graphs_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("build") / "graphs", show_default=True,
              help="Where to write each source's graph as Turtle, for reading and diffing.")
@reports_errors
def build_command(store_path, root, graphs_dir):
    """Build the graph from the seeds into the store, replacing what was there."""
    target = store_path or default_store_location()
    remote = is_url(target)
    if not remote and target.exists():
        probe = open_writable(target)  # refused now, not after the build, if a server holds the store
        del probe
    result = build(Project(root), progress=lambda message: click.echo(f"  {message}", err=True))
    if remote:
        staging = None  # checked in memory, then sent in one request
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    store = open_store(staging)
    count = load_graphs(store, tqdm(list(result.dataset.graphs()), desc="load", unit="graph", file=sys.stderr))
    replayed = update_log.replay(store, root / "updates", prefixes=PREFIXES)  # what /update acknowledged
    if replayed:
        refresh_default_graph(store)
        click.echo(f"  replayed {replayed} update(s) from {root / 'updates'}", err=True)
    from kg.validation.gate import load_checks, run_checks as check_failures

    failures = check_failures(store, load_checks(root / "queries" / "checks"))
    if failures:
        del store
        if staging:
            import shutil

            shutil.rmtree(staging)
        for failure in failures:
            click.echo(f"check failed: {failure.message}", err=True)
        sys.exit(EXIT_CHECK_FAILED)
    if remote:
        open_store(target).replace_all(list(store))
    else:
        del store
        replace_store(staging, target)
    graphs_dir.mkdir(parents=True, exist_ok=True)
    for mapped in result.sources:
        mapped.stated.serialize(graphs_dir / f"{mapped.source_id}.ttl", format="turtle")
    sources = len(result.sources) + len(result.accepted)
    click.echo(f"built {count} quads from {sources} sources ({len(result.sources)} seeds, "
               f"{len(result.accepted)} accepted) into {target}", err=True)


def run_checks(store: ox.Store, directory: Path) -> dict[str, int]:
    """Run every ``*-violation.rq`` integrity check; return those that found rows, with how many
    (:mod:`kg.validation.gate` runs them, for the build and intake alike)."""
    from kg.validation.gate import load_checks, run_checks as check_failures

    failures: dict[str, int] = {}
    for failure in check_failures(store, load_checks(directory)):
        failures[failure.check] = failures.get(failure.check, 0) + 1
    return failures


@cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--graph", "graph_iri", default=None, help="Named graph for triples of Turtle or N-Triples files.")
@store_option
@reports_errors
def load_command(files, graph_iri, store_path):
    """Load N-Quads, TriG, Turtle or N-Triples files into the store, each file atomically."""
    for path in files:
        kind = SUFFIXES.get(path.suffix.lower())
        if kind is None:
            raise BadRequest(f"{path}: unknown file type; use one of {', '.join(SUFFIXES)}")
        if kind in ("turtle", "ntriples") and not graph_iri:
            raise BadRequest(f"{path}: {kind} holds triples of no named graph, and the default graph is recomputed "
                             "from the named graphs, so they would not stay; give --graph IRI (or load N-Quads or "
                             "TriG); nothing was loaded")
    store = open_writable(store_path or default_store_location())
    for path in files:
        kind = SUFFIXES[path.suffix.lower()]
        to_graph = ox.NamedNode(graph_iri) if graph_iri else None
        with path.open("rb") as raw, tqdm(total=path.stat().st_size, unit="B", unit_scale=True,
                                          desc=path.name, file=sys.stderr) as bar:
            try:
                store.load(CallbackIOWrapper(bar.update, raw, "read"), format=FORMATS[kind], to_graph=to_graph)
            except SyntaxError as exc:
                raise BadRequest(f"{path}: {exc}; nothing from this file was loaded") from None
    refresh_default_graph(store)
    click.echo(f"store holds {sum(1 for _ in named_quads(store))} quads in named graphs", err=True)


@cli.command("dump")
@click.option("--format", "format_", type=click.Choice(["nquads", "trig"]), default="nquads", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@store_option
@reports_errors
def dump_command(format_, output, store_path):
    """Write the whole dataset, every graph, as N-Quads or TriG."""
    store = open_store(store_path or default_store_location(), read_only=True)
    data = dump(store, FORMATS[format_])
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@cli.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option("--format", "format_", type=click.Choice(["table", "json", "csv", "tsv", "xml"]), default="table",
              show_default=True)
@click.option("--queries", "queries_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("queries"),
              show_default=True)
@store_option
@reports_errors
def query_command(name, params, format_, queries_dir, store_path):
    """Run a named query (NAME) or a query file (FILE.rq) and print its results."""
    values = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise BadRequest(f"--param takes NAME=VALUE, not {item!r}")
        values[key] = value
    if name.endswith(".rq"):
        path = Path(name)
        text = path.read_text(encoding="utf-8")
        if any(line.startswith("#+") for line in text.splitlines()):
            query = named_queries.parse_query_file(path)
        else:  # an ad-hoc file needs no '#+' header
            query = named_queries.NamedQuery(name=path.stem, text=text, summary=f"ad-hoc query {path.name}", path=path)
    else:
        query = named_queries.get_query(named_queries.load_queries(queries_dir), name)
    store = open_store(store_path or default_store_location(), read_only=True)
    result = named_queries.run(store, query, values)
    if format_ == "table":
        click.echo(named_queries.to_table(result), nl=False)
    else:
        sys.stdout.buffer.write(named_queries.serialize(result, format_))


def _intake(store_path, root: Path):
    from kg.validation.intake import Intake
    from kg.wikidata.curation import Curation

    store = open_writable(store_path or default_store_location())
    project = Project(root)
    return Intake.from_folders(store, project.ontology, project.shapes, project.accepted,
                               Curation.from_folder(project.curation))


report_format_option = click.option(
    "--format", "format_", type=click.Choice(["text", "json", "turtle", "jsonld", "html"]), default="text",
    show_default=True, help="How to print the report.")
root_option = click.option(
    "--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
    help="Project folder holding ontology/, shapes/ and accepted/.")


@cli.command("validate")
@click.option("--source", "sources", multiple=True, type=click.Path(path_type=Path),
              help="A new source to check against the graph without adding it: a mapping (.yaml) and its "
                   "text (.txt), or one RDF file. Repeat for the two files of a mapping.")
@report_format_option
@store_option
@root_option
@reports_errors
def validate_command(sources, format_, store_path, root):
    """Validate the whole graph, or a new source against it; exit 1 if there is a Violation."""
    if sources:
        from kg.validation.intake import read_files

        intake = _intake(store_path, root)
        candidate = read_files(list(sources), vocabulary=intake.vocabulary, known=intake.known())
        report = intake.check(candidate)
    else:
        from kg.validation.validate import Validator

        validator = Validator.from_folders(root / "ontology", root / "shapes")
        store = open_store(store_path or default_store_location(), read_only=True)
        report = validator.validate_store(store)
    click.echo(report.render(format_), nl=False)
    sys.exit(EXIT_OK if report.conforms else EXIT_CHECK_FAILED)


@cli.command("add-source")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--accept-violations", is_flag=True, help="Accept the source even though it contradicts the graph.")
@click.option("--reason", default=None, help="Why the source is accepted despite its violations (recorded).")
@report_format_option
@store_option
@root_option
@token_options
@reports_errors
def add_source_command(files, accept_violations, reason, format_, store_path, root, token, token_file):
    """Validate a new source and add it to the graph, all of it or nothing; while kg serve holds the
    store, through that server (with its token), which serves the source at once."""
    from kg.validation.intake import Rejected, read_files

    if accept_violations and not (reason and reason.strip()):
        raise BadRequest("--accept-violations needs --reason: say why the contradiction is accepted")
    location = store_path or default_store_location()
    try:
        intake = _intake(location, root)
    except StoreInUse:
        from kg.web.serve import running_server

        server = None if is_url(location) else running_server(location)
        if server is None:
            raise
    else:
        server = None
    if server is not None:  # one writer: the server that holds the store adds the source
        from kg.cli_remote import add_through_server, no_token

        token = read_token(token, token_file)
        if not token:
            raise no_token(location, server)
        sys.exit(add_through_server(server, list(files), token=token, format_=format_,
                                    override_reason=reason if accept_violations else None))
    candidate = read_files(list(files), vocabulary=intake.vocabulary, known=intake.known())
    try:
        report = intake.add(candidate, override_reason=reason if accept_violations else None)
    except Rejected as exc:
        rejected = exc
    else:
        click.echo(report.render(format_), nl=False)
        click.echo(f"added source {candidate.source_id}", err=True)
        return
    click.echo(rejected.report.render(format_), nl=False)
    click.echo(f"error: {rejected.message}", err=True)
    del intake, rejected
    sys.exit(EXIT_CHECK_FAILED)


@cli.command("export")
@click.argument("kind", type=click.Choice(["quickstatements", "qs-csv", "wikibase", "reconcile-csv"]))
@click.option("--entity", default=None, help="Only this item (a local item IRI or one of our entity IRIs).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@store_option
@reports_errors
def export_command(kind, entity, output, store_path):
    """Export the Wikibase view: QuickStatements V1 (TAB), QuickStatements CSV, or Wikibase RDF (Turtle);
    reconcile-csv lists the items an export leaves out (no QID, not marked new), for OpenRefine."""
    from kg.wikidata.exports import render_export

    store = open_store(store_path or default_store_location(), read_only=True)
    text, skipped = render_export(store, kind, entity)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if skipped:
        click.echo(f"{skipped} statement(s) left out: their item, their value or a qualifier (a role, \"more than\") "
                   "is an item without a QID that no curator marked new; reconcile them (kg export reconcile-csv), "
                   "record the QIDs in curation/qids.yaml or mark new items in curation/new-items.yaml, "
                   "and export again", err=True)


@cli.command("record-qids")
@click.argument("reconciled", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--note", default=None, help="Where the QIDs come from (default: the file's name and today's date).")
@root_option
@reports_errors
def record_qids_command(reconciled, note, root):
    """Record in curation/qids.yaml the QIDs of a reconciled list (columns entity and qid)."""
    from datetime import date

    from kg.wikidata.curation import read_reconciled, record_qids

    found = read_reconciled(reconciled.read_text(encoding="utf-8"), name=str(reconciled))
    added = record_qids(Project(root).curation / "qids.yaml", found,
                        note or f"reconciled in OpenRefine ({reconciled.name}, {date.today().isoformat()})")
    click.echo(f"recorded {added} new QID(s) of {len(found)} in curation/qids.yaml; run kg build to link them", err=True)


@cli.command("draft")
@click.argument("text_file", metavar="TEXT", type=click.Path(dir_okay=False, path_type=Path, allow_dash=True))
@click.option("--language", type=click.Choice(["en", "ru", "zh"]), default=None, help="Default: guessed from the script.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="Project folder holding ontology/ and authority/.")
@reports_errors
def draft_command(text_file, language, output, root):
    """Draft a mapping for the source text TEXT (a file, or - for standard input), for a curator to review."""
    from kg.draft import Drafter, read_text

    text, source_id = read_text(text_file)
    mapping = Drafter.from_project(Project(root)).draft(text, language, source_id=source_id)
    if output:
        output.write_text(mapping, encoding="utf-8")
    else:
        click.echo(mapping, nl=False)


@cli.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", "--threads", "threads", default=8, show_default=True, type=int,
              help="Worker threads of the WSGI server (requests served at once).")
@token_options
@click.option("--accepted", "accepted_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where accepted sources are kept (default: the project's accepted/); /update records go in "
                   "updates/ beside it.")
@click.option("--query-workers", default=4, show_default=True, type=int,
              help="Processes that evaluate queries; each query's time limit is enforced by ending its process. "
                   "They are forked from one in-memory copy of the store and share its memory; one client "
                   "may use all but a quarter of them.")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--rate-limit", default=600, show_default=True, type=int,
              help="Requests per minute per client address (0: no limit).")
@click.option("--cache-mb", default=64, show_default=True, type=int,
              help="Memory for cached query answers; any write empties it (0: no cache).")
@click.option("--memory-mb", default=MEMORY_MB, show_default=True, type=click.IntRange(min=0),
              help="Memory budget of the server, its in-memory copy of the store and its query workers: what the "
                   "copy leaves of it is shared between the workers, and a worker that writes more than its share "
                   "(at least 512 MB) is replaced by a new fork.")
@reports_errors
def serve_command(store_path, host, port, threads, token, token_file, accepted_dir, query_workers, timeout, rate_limit,
                  cache_mb, memory_mb):
    """Serve the store over HTTP with the production server (Granian, the app under WSGI)."""
    from kg.web.serve import serve

    token = read_token(token, token_file)  # none: read-only (POST /sources and /update refused)
    path = store_path or default_store_location()
    if not is_url(path) and not Path(path).exists():
        raise BadRequest(f"no store at {path}; run 'kg build' first")
    click.echo(f"serving {path} at http://{host}:{port}/  (SPARQL endpoint: http://{host}:{port}/sparql)", err=True)
    serve(path, host=host, port=port, threads=threads,
          config={"API_TOKEN": token or None, "QUERY_WORKERS": query_workers, "QUERY_TIMEOUT": timeout,
                  "RATE_LIMIT": rate_limit, "QUERY_CACHE_BYTES": cache_mb * 1024 * 1024, "MEMORY_MB": memory_mb,
                  **({"ACCEPTED_DIR": str(accepted_dir.resolve())} if accepted_dir else {})})



from kg.cli_measure import bench_command, bench_draft_command, conformance_command  # noqa: E402

for _command in (bench_command, conformance_command, bench_draft_command):
    cli.add_command(_command)


def main():
    """Entry point of the ``kg`` console script."""
    cli(prog_name="kg")
