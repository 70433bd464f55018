"""The measuring commands of ``kg``: ``kg bench``, ``kg bench-draft`` and ``kg conformance``.

They live apart from :mod:`kg.cli` (which registers them) because each only hands over to
:mod:`kg.bench`; keeping them here keeps the everyday commands in one short module.
"""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli_common import reports_errors
from kg.sources.project import Project


@click.command("bench")
@click.option("--size", "sizes", default=[10_000], show_default=True, type=click.IntRange(min=1000), multiple=True,
              help="About how many quads to generate; give it several times to see how figures grow.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures as JSON to this file (a list when several sizes are given).")
@click.option("--runs", default=15, show_default=True, type=click.IntRange(min=1),
              help="Paired runs per query (in memory and over HTTP, in turn); fewer for a quick look at 10M.")
@click.option("--seconds", default=3.0, show_default=True, type=click.FloatRange(min=0.5),
              help="Seconds of each of the three wrk windows per throughput row.")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."))
@reports_errors
def bench_command(sizes, json_path, runs, seconds, root):
    """Generate a graph of about SIZE quads, load it and measure queries, throughput and validation."""
    from kg.bench.measure import growth, run_bench, table, write_json

    measured = []
    for size in sizes:
        figures = run_bench(size, project=Project(root), runs=runs, seconds=seconds,
                            progress=lambda message: click.echo(f"  {message}", err=True))
        measured.append(figures)
        if json_path:  # first: the figures of a long run must survive a fault in the table
            write_json(measured[0] if len(measured) == 1 else measured, json_path)
        click.echo(table(figures))
    if len(measured) > 1:
        click.echo(growth(measured))
    if json_path:
        write_json(measured[0] if len(measured) == 1 else measured, json_path)


@click.command("conformance", context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def conformance_command(args):
    """Run the W3C SPARQL 1.1 test suites through kg serve and in-process on pyoxigraph (--help for options)."""
    from kg.bench.conformance import main as conformance_main

    raise SystemExit(conformance_main(list(args)))


@click.command("bench-draft")
@click.option("--root", type=click.Path(path_type=Path, file_okay=False), default=Path("."),
              help="Project folder whose seeds/ and mappings/ are the curated sources.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the figures as JSON to this file.")
@reports_errors
def bench_draft_command(root, json_path):
    """Draft every curated source from its text and compare with its mapping: precision and recall."""
    from kg.bench.draft import run, table, write_json

    results = run(Project(root), progress=lambda message: click.echo(f"  {message}", err=True))
    click.echo(table(results), nl=False)
    if json_path:
        write_json(results, json_path)
