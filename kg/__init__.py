"""The SCO RATS knowledge graph: build, validate, query and serve it."""
