"""Generate sources shaped like the real ones, with planted contradictions.

Each generated source is a text and its mapping, mapped by the real engine, so the graph
has the real shape: meetings of a numbered series with dates and a place, states taking
part in a role, an official in a post, a statistic, one named graph per source with
evidence. About one source in ``plant_every`` contradicts another: a different start date
for the same edition, or a state both member and observer of the same meeting.
Everything is derived from ``seed``, so a size and a seed always give the same graph.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from kg.validation.intake import Candidate, from_mapping
from kg.sources.ontology import Vocabulary

STATES = ["china", "india", "iran", "kazakhstan", "kyrgyzstan", "pakistan", "russia", "tajikistan", "uzbekistan",
          "belarus", "mongolia"]
SERIES = "series/synthetic-conference"


@dataclass(frozen=True)
class Plan:
    """What one generated source says, before it is written as text and mapping."""

    index: int
    edition: int
    start_day: int
    members: tuple[str, ...]
    observers: tuple[str, ...]
    planted: str | None


def plans(count: int, *, seed: int = 1, editions: int | None = None, plant_every: int = 100) -> Iterator[Plan]:
    """Yield ``count`` source plans; every ``plant_every``-th one contradicts an earlier one."""
    rng = random.Random(seed)
    editions = editions or max(1, count // 3)
    for index in range(count):
        edition = index % editions + 1
        members = tuple(sorted(rng.sample(STATES[:9], 3)))
        observers = ("mongolia",)
        planted = None
        start_day = 1 + edition % 27
        if index >= editions and index % plant_every == plant_every - 1:
            if index % 2:
                planted, start_day = "date", start_day + 1
            else:
                planted, observers = "role", (members[0],)
        yield Plan(index, edition, start_day, members, observers, planted)


def source(plan: Plan, *, vocabulary: Vocabulary, known: set, prefix: str = "synthetic") -> Candidate:
    """Write one plan as a text and a mapping and map it with the real engine."""
    meeting = f"meeting/synthetic-conference/{plan.edition}"
    year = 2000 + plan.edition
    date = f"{year}-11-{plan.start_day:02d}"
    members = ", ".join(s.title() for s in plan.members)
    observers = ", ".join(s.title() for s in plan.observers)
    text = (
        f"Report {plan.index}. The conference number {plan.edition} of the synthetic series took place on "
        f"{date} in Tashkent. Member delegations came from {members}. Observers came from {observers}. "
        f"Organisers counted {100 + plan.index} participants.\n"
    )
    lines = [
        "source: {language: en}",
        "entities:",
        f"  {SERIES}: {{a: MeetingSeries, label: Synthetic conference series}}",
        f"  {meeting}: {{a: ScientificPracticalConference, label: Synthetic conference {plan.edition}}}",
        "facts:",
        f"  - subject: {meeting}",
        f"    quote: \"The conference number {plan.edition} of the synthetic series took place on {date} in Tashkent.\"",
        "    a: ScientificPracticalConference",
        f"    partOfSeries: {SERIES}",
        f"    editionNumber: \"{plan.edition}\"",
        f"    startDate: \"{date}\"",
        "    location: city/tashkent",
    ]
    for role, states, quote in (("member", plan.members, f"Member delegations came from {members}."),
                                ("observer", plan.observers, f"Observers came from {observers}.")):
        lines += [
            f"  - each: [{', '.join(states)}]",
            f"    subject: participation/synthetic-conference/{plan.edition}/{{each}}",
            f"    quote: \"{quote}\"",
            "    a: Participation",
            f"    meeting: {meeting}",
            "    participant: state/{each}",
            f"    role: {role}",
        ]
    lines += [
        f"  - subject: statistic/synthetic-{plan.index}/participants",
        f"    quote: \"Organisers counted {100 + plan.index} participants.\"",
        "    a: Statistic",
        "    measure: measure/participants",
        f"    value: \"{100 + plan.index}\"",
        "    qualifier: exactly",
        f"    about: {meeting}",
    ]
    return from_mapping("\n".join(lines) + "\n", text, source_id=f"{prefix}-{plan.index:07d}",
                        vocabulary=vocabulary, known=known)
