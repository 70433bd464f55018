"""The SHACL Core property shapes of ``shapes/source.ttl`` compiled to Oxigraph queries over
the source graphs (:func:`compile_core`), and run (:func:`run_core`).

pySHACL checks each focus node in turn; here one query finds a component's results for every
source graph at once. The components of one property shape that read the same values share
one query: the counts (``sh:minCount``, ``sh:maxCount``) one aggregate, the checks of each
value that are expressions (datatype, ``sh:or`` of datatypes, ``sh:minInclusive``,
``sh:minLength``) one query that flags each value with each check. A value's class and
``sh:in`` stay queries of their own: as ``FILTER NOT EXISTS`` Oxigraph joins them with the
values in one pass, where a flag would look them up value by value.
``tests/validation/test_native_shacl.py`` checks the results are pySHACL's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.store.embedded import to_oxigraph, to_rdflib
from kg.validation.native_shacl import Results, present, solutions


@dataclass(frozen=True)
class CoreConstraint:
    """One SHACL Core constraint of a property shape, and the query that finds its results.

    The query returns ``?g`` (the source graph), ``?this`` and, for value-based components,
    ``?value``: a row is a result of this constraint, as pySHACL would find validating that
    source graph alone with the reference data, if it binds ``flag`` to true (a query shared
    by several value checks) or its ``?count`` is under ``fewer_than`` or over ``more_than``
    (the shared count); else every row is.
    """

    shape: BNode | URIRef
    component: URIRef
    path: URIRef | None
    severity: URIRef
    query: str
    messages: tuple[str, ...]
    targets: tuple[tuple[str, str | None], ...] | None = None
    """(predicate, object) patterns of the target, one of which a quad must match for the
    constraint to have a focus node (None: not known)."""
    first_step: str | None = None
    """The path's first predicate, which a quad must have for a value to be found (None for
    ``sh:minCount``, which finds focus nodes without values)."""
    flag: str | None = None
    fewer_than: int | None = None
    more_than: int | None = None

    def selects(self, row: dict) -> bool:
        """Whether ``row`` of :attr:`query` is a result of this constraint."""
        if self.flag is not None:
            flag = row.get(self.flag)
            return flag is not None and flag.value == "true"
        if self.fewer_than is None and self.more_than is None:
            return True
        count = int(row["count"].value)
        return (self.fewer_than is not None and count < self.fewer_than) or \
            (self.more_than is not None and count > self.more_than)


CORE_KEYS = {SH.path, SH.message, SH.name, SH.description, SH.severity, SH.minCount, SH.maxCount, SH.datatype,
             SH["or"], SH["class"], SH.minInclusive, SH.minLength, SH["in"]}
"""What a property shape may say for :func:`compile_core` to run it exactly."""


def compile_core(shapes: Graph, graphs: str, ontology: Graph | None = None, *,
                 typed_anywhere: bool = False) -> list[CoreConstraint]:
    """Compile the property shapes of ``shapes`` (SHACL Core) to queries over the named graphs
    whose IRIs start with ``graphs``; types of values are looked up in the default graph.

    With ``typed_anywhere`` (the inferred graphs, which hold derived values of entities typed
    elsewhere), focus nodes are typed in the default graph, and no minimum count is asked:
    the values in each graph are still counted apart from every other graph's.

    With ``ontology``, a class target is written as its subclasses there, one constant
    pattern each, instead of a ``rdfs:subClassOf*`` path walked for every quad: about four
    times faster on a large graph, and the same while the data's classes are the ontology's.

    Targets may be classes (subclasses included), or subjects or objects of a property. Components:
    min/max count, datatype, an ``sh:or`` of datatypes, class, min inclusive, min length, in.

    :raises ValueError: a shape uses something this compiler does not run exactly.
    """
    constraints = []
    for shape in sorted(set(shapes.subjects(SH.property, None)), key=str):
        targets, patterns = [], []
        for cls in shapes.objects(shape, SH.targetClass):  # typed in the source, subclasses from the ontology
            typed = "?this <%s> %s" % (RDF.type, "%s")
            if ontology is None:
                typing = typed % "?type"
                targets.append(f"?type <{RDFS.subClassOf}>* <{cls}> . "
                               + (typing if typed_anywhere else f"GRAPH ?g {{ {typing} }}"))
                patterns = None
            else:
                subclasses = sorted(ontology.transitive_subjects(RDFS.subClassOf, cls))
                targets += [typed % f"<{sub}>" if typed_anywhere else f"GRAPH ?g {{ {typed % f'<{sub}>'} }}"
                            for sub in subclasses]
                patterns = None if patterns is None else patterns + [(str(RDF.type), str(sub)) for sub in subclasses]
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            targets.append(f"GRAPH ?g {{ ?subject <{prop}> ?this }}")
            patterns = None if patterns is None else patterns + [(str(prop), None)]
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            targets.append(f"GRAPH ?g {{ ?this <{prop}> ?object }}")
            patterns = None if patterns is None else patterns + [(str(prop), None)]
        if not targets or any((shape, p, None) in shapes for p in (SH.targetNode, SH.target)):
            raise ValueError(f"{shape}: the native engine runs class, subjects-of and objects-of targets only")
        target = " UNION ".join(f"{{ {t} }}" for t in targets)
        for node in shapes.objects(shape, SH.property):
            unknown = {p for p in shapes.predicates(node, None)} - CORE_KEYS
            if unknown:
                raise ValueError(f"{shape}: the native engine cannot run {', '.join(sorted(map(str, unknown)))}")
            constraints.extend(_core_constraints(shapes, node, target, graphs,
                                                 None if patterns is None else tuple(patterns),
                                                 minimum=not typed_anywhere))
    return constraints


def _hash_joined(steps: list[URIRef]) -> str:
    """The values of a predicate path from ``?this`` to ``?value`` in graph ``?g``, each step in
    a sub-select of its own, so that Oxigraph joins them with the focus nodes and with one
    another by hashing, one scan of each predicate, instead of an index lookup per node: three
    times faster over a large graph. Bag semantics are lost, which the counts (DISTINCT) allow."""
    nodes = ["?this", *(f"?step{i}" for i in range(1, len(steps))), "?value"]
    joined = " ".join(f"{{ SELECT ?g {a} {b} WHERE {{ GRAPH ?g {{ {a} <{step}> {b} }} }} }}"
                      for a, step, b in zip(nodes, steps, nodes[1:]))
    return joined if len(steps) == 1 else f"{{ SELECT DISTINCT ?g ?this ?value WHERE {{ {joined} }} }}"


def _core_constraints(shapes: Graph, node, target: str, graphs: str, patterns: tuple | None, *, minimum: bool):
    raw_path = shapes.value(node, SH.path)
    if isinstance(raw_path, URIRef):
        steps, result_path = [raw_path], raw_path
    else:
        steps, result_path = list(Collection(shapes, raw_path)), None
        if not steps or not all(isinstance(step, URIRef) for step in steps):
            raise ValueError(f"{node}: the native engine runs predicate paths and sequences of predicates only")
    severity = shapes.value(node, SH.severity) or SH.Violation
    messages = tuple(str(m) for m in shapes.objects(node, SH.message))
    scope = f'FILTER (STRSTARTS(STR(?g), "{graphs}"))'
    focus = f"{target} {scope}"
    values_of = _hash_joined(steps)
    values = f"{target} {values_of} {scope}"

    def make(component, query, **selection):
        first_step = None if component == SH.MinCountConstraintComponent else str(steps[0])
        return CoreConstraint(node, component, result_path, severity, query, messages, patterns, first_step,
                              **selection)

    counts = [(SH.MinCountConstraintComponent, {"fewer_than": int(n)}) for n in shapes.objects(node, SH.minCount)
              if minimum]
    counts += [(SH.MaxCountConstraintComponent, {"more_than": int(n)}) for n in shapes.objects(node, SH.maxCount)]
    if counts:
        having = " || ".join(f"COUNT(DISTINCT ?value) < {s['fewer_than']}" if "fewer_than" in s
                             else f"COUNT(DISTINCT ?value) > {s['more_than']}" for _, s in counts)
        # with a minimum, every focus node is counted, those without a value too
        where = f"{{ SELECT DISTINCT ?g ?this WHERE {{ {focus} }} }} OPTIONAL {values_of}" \
            if any(c == SH.MinCountConstraintComponent for c, _ in counts) else values
        query = f"""
            SELECT ?g ?this (COUNT(DISTINCT ?value) AS ?count) WHERE {{ {where} }}
            GROUP BY ?g ?this HAVING ({having})"""
        yield from (make(component, query, **selection) for component, selection in counts)

    checks = [(SH.DatatypeConstraintComponent, f"!isLiteral(?value) || DATATYPE(?value) != <{datatype}>")
              for datatype in shapes.objects(node, SH.datatype)]
    for alternatives in shapes.objects(node, SH["or"]):
        datatypes = []
        for member in Collection(shapes, alternatives):
            if set(shapes.predicates(member, None)) != {SH.datatype}:
                raise ValueError(f"{node}: the native engine runs sh:or of datatypes only")
            datatypes.append(f"<{shapes.value(member, SH.datatype)}>")
        checks.append((SH.OrConstraintComponent, f"!isLiteral(?value) || DATATYPE(?value) NOT IN ({', '.join(datatypes)})"))
    checks += [(SH.MinInclusiveConstraintComponent, f"!COALESCE(?value >= {to_oxigraph(bound)}, false)")
               for bound in shapes.objects(node, SH.minInclusive)]
    checks += [(SH.MinLengthConstraintComponent, f"isBlank(?value) || STRLEN(STR(?value)) < {int(length)}")
               for length in shapes.objects(node, SH.minLength)]
    if checks:
        flags = [f"?check{i}" for i in range(len(checks))]
        flagged = " ".join(f"BIND (COALESCE({condition}, false) AS {flag})" for (_, condition), flag in zip(checks, flags))
        query = f"""
            SELECT DISTINCT ?g ?this ?value {" ".join(flags)} WHERE {{ {values} {flagged}
              FILTER ({" || ".join(flags)}) }}"""
        yield from (make(component, query, flag=flag[1:]) for (component, _), flag in zip(checks, flags))

    for cls in shapes.objects(node, SH["class"]):
        yield make(SH.ClassConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER NOT EXISTS {{ ?value <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }} }}""")
    for members in shapes.objects(node, SH["in"]):  # sh:in compares terms, as sameTerm does
        allowed = " ".join(str(to_oxigraph(m)) for m in Collection(shapes, members))
        yield make(SH.InConstraintComponent, f"""
            SELECT DISTINCT ?g ?this ?value WHERE {{ {values}
              FILTER NOT EXISTS {{ VALUES ?allowed {{ {allowed} }} FILTER (sameTerm(?value, ?allowed)) }} }}""")


COUNTS = (SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent)
"""Components whose results have no value node."""


def run_core(constraints: list[CoreConstraint], store: ox.Store, *, parallel: bool = True) -> Graph:
    """Evaluate compiled core constraints on ``store`` (each shared query once); return a SHACL results graph."""
    report = Results(store)
    constraints = [c for c in constraints if may_match(store, c)]
    queries = list(dict.fromkeys(c.query for c in constraints))
    rows_of = dict(zip(queries, solutions(store, queries, parallel)))
    for constraint in constraints:
        for row in rows_of[constraint.query]:
            if not constraint.selects(row):
                continue
            value = None if constraint.component in COUNTS else row.get("value")
            report.add(constraint.severity, constraint.shape, None, constraint.component, to_rdflib(row["this"]),
                       constraint.path, to_rdflib(value) if value is not None else None,
                       [(m, {}) for m in constraint.messages])
    return report.graph()


def may_match(store, constraint: CoreConstraint) -> bool:
    """False when no quad of an embedded store matches the constraint's target (or, for a
    value, the first step of its path): it has no result there, and is not run (see
    :func:`kg.validation.native_shacl.present`)."""
    if not isinstance(store, ox.Store) or constraint.targets is None:
        return True
    if constraint.first_step is not None and not present(store, constraint.first_step):
        return False
    return any(present(store, predicate, object_) for predicate, object_ in constraint.targets)
