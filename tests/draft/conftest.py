"""The drafter the tests of ``kg/draft`` share (helpers in ``drafting.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.draft import Drafter
from kg.draft.gazetteer import Gazetteer
from kg.sources.project import load_authority

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def drafter(project, vocabulary):
    """The project's authority data, with Russian and Chinese spellings added for these tests."""
    authority = load_authority(project.authority)
    authority.parse(HERE / "labels.ttl", format="turtle")
    return Drafter(Gazetteer(authority), vocabulary, set(authority.subjects()))
