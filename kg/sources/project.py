"""Where a project's inputs are, and the authority data read from them.

A project is a folder holding ``ontology/``, ``authority/``, ``seeds/`` with ``mappings/``,
``shapes/``, ``curation/`` and ``accepted/``; every later stage finds its files through
:class:`Project`, so a test or a benchmark can point the whole pipeline at another folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg.errors import BadRequest
from kg.namespaces import AUTHORITY_GRAPH, bind_prefixes


@dataclass(frozen=True)
class Project:
    """Where the project's inputs are; the defaults are the repository's own folders."""

    root: Path = Path(".")

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def authority(self) -> Path:
        return self.root / "authority"

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def mappings(self) -> Path:
        return self.root / "mappings"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def curation(self) -> Path:
        """Curators' decisions for the Wikibase view (preferred values, recorded QIDs)."""
        return self.root / "curation"

    @property
    def accepted(self) -> Path:
        """Sources accepted through intake (``kg add-source``, ``POST /sources``)."""
        return self.root / "accepted"

    def sources(self) -> list[tuple[Path, Path]]:
        """Return (text, mapping) pairs; every seed text needs a mapping of the same stem."""
        pairs = []
        for text in sorted(self.seeds.glob("*.txt")):
            mapping = self.mappings / f"{text.stem}.yaml"
            if not mapping.exists():
                raise BadRequest(f"{text}: no mapping; write {mapping} (see mappings/README.md)")
            pairs.append((text, mapping))
        for mapping in sorted(self.mappings.glob("*.yaml")):
            if not (self.seeds / f"{mapping.stem}.txt").exists():
                raise BadRequest(f"{mapping}: no source text {self.seeds / (mapping.stem + '.txt')}")
        return pairs



def load_authority(directory: Path) -> Graph:
    """Parse every ``*.ttl`` file of authority data into one graph."""
    graph = bind_prefixes(Graph(identifier=AUTHORITY_GRAPH))
    for path in sorted(Path(directory).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph
