"""The store rule: a path means on disk, None means in memory, a URL a SPARQL server."""

from rdflib import Graph, Literal, URIRef

from kg.store.embedded import load_graphs, open_store, refresh_default_graph, replace_directory


def test_in_memory_store_round_trip():
    store = open_store()
    graph = Graph(identifier=URIRef("urn:g"))
    graph.add((URIRef("urn:s"), URIRef("urn:p"), Literal("o", lang="en")))
    assert load_graphs(store, [graph]) == 1
    assert len(store) == 2  # the named graph and the default graph (their merge)


def test_on_disk_store_persists(tmp_path):
    graph = Graph(identifier=URIRef("urn:g"))
    graph.add((URIRef("urn:s"), URIRef("urn:p"), Literal(3)))
    store = open_store(tmp_path / "store")
    load_graphs(store, [graph])
    store.flush()
    del store
    assert len(open_store(tmp_path / "store", read_only=True)) == 2


def test_replace_directory_swaps_whole_folders(tmp_path):
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "x").write_text("new")
    (tmp_path / "live").mkdir()
    (tmp_path / "live" / "x").write_text("old")
    replace_directory(tmp_path / "new", tmp_path / "live")
    assert (tmp_path / "live" / "x").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["live"]


def test_default_graph_is_a_set_merge():
    """Regression: Oxigraph's union default graph counted a triple once per graph stating it."""
    store = open_store()
    triple = (URIRef("urn:s"), URIRef("urn:p"), Literal("o"))
    graphs = []
    for name in ("urn:g1", "urn:g2"):
        graph = Graph(identifier=URIRef(name))
        graph.add(triple)
        graphs.append(graph)
    load_graphs(store, graphs)
    assert len(list(store.query("SELECT * WHERE { ?s ?p ?o }"))) == 1
    store.update("DELETE DATA { GRAPH <urn:g1> { <urn:s> <urn:p> \"o\" } . GRAPH <urn:g2> { <urn:s> <urn:p> \"o\" } }")
    refresh_default_graph(store)
    assert len(list(store.query("SELECT * WHERE { ?s ?p ?o }"))) == 0
