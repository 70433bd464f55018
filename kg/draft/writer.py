"""Write the proposals as a mapping, and keep it valid: the engine reads every draft it writes.

Each fact is preceded by a comment giving its confidence and why it is proposed. The draft is
then read by the mapper engine itself; a fact the engine refuses (a quote found twice, an
entity it does not know) is commented out with the engine's message and the draft is read
again, so what is left always maps. A fact the rules are unsure of is commented out too.
"""

from __future__ import annotations

import yaml

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml where installed: a draft is dumped fact by fact

from kg.draft.context import Context, Proposal
from kg.errors import MappingError
from kg.sources.mapper import map_source
from kg.sources.ontology import Vocabulary

HEADER = """\
# Draft mapping written by `kg draft` for a curator to review: every fact below is a
# proposal, with the quote it rests on and, in the comment above it, a confidence (0-1)
# and the rule that proposed it. Facts the drafter is unsure of are commented out with
# the reason; uncomment them once checked. Nothing here has been read by a person yet.
"""


def _dump(item) -> list[str]:
    text = yaml.dump([item], Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=False)
    return text.rstrip("\n").split("\n")


def _fact_dict(proposal: Proposal, inferred: bool) -> dict:
    item = {"subject": proposal.subject}
    if inferred:
        item["from"] = proposal.quote
        item["derivation"] = proposal.why
    else:
        item["quote"] = proposal.quote
    item.update(proposal.props)
    return item


def render(ctx: Context) -> tuple[str, dict[int, Proposal]]:
    """Return the mapping's text and, for each line that starts a fact, its proposal."""
    lines = HEADER.split("\n")[:-1]
    lines += ["source:", f"  language: {ctx.language}", ""]
    if ctx.entities:
        lines.append("entities:")
        for path, (cls, label, why) in ctx.entities.items():
            lines.append(f"  # new entity, not in the authority data: {why}")
            for line in yaml.safe_dump({path: {"a": cls, "label": label}}, allow_unicode=True, sort_keys=False,
                                       width=100000).rstrip("\n").split("\n"):
                lines.append("  " + line)
        lines.append("")
    starts: dict[int, Proposal] = {}
    for section, proposals, inferred in (("facts", ctx.facts, False), ("inferred", ctx.inferred, True)):
        if not proposals:
            continue
        lines.append(f"{section}:")
        for proposal in proposals:
            lines.append(f"  # {proposal.kind}, confidence {proposal.confidence:.2f}: {proposal.why}")
            body = _dump(_fact_dict(proposal, inferred))
            if proposal.unsure:
                lines.append(f"  # UNSURE, left out: {proposal.unsure}")
                lines += ["  # " + line for line in body]
            else:
                starts[len(lines) + 1] = proposal
                lines += ["  " + line for line in body]
        lines.append("")
    return "\n".join(lines) + "\n", starts


def validated(ctx: Context, vocabulary: Vocabulary, known: set, *, source_id: str = "draft") -> str:
    """Render the draft, commenting out each fact the engine refuses until it maps."""
    for _ in range(len(ctx.facts) + len(ctx.inferred) + 2):
        if not any(not f.unsure for f in ctx.facts):
            _fallback(ctx)
        text, starts = render(ctx)
        try:
            map_source(text, ctx.text, source_id=source_id, vocabulary=vocabulary, known=known, name="draft")
            return text
        except MappingError as exc:
            culprit = _culprit(starts, exc.line)
            if culprit is None:
                raise
            reason = exc.message.split(": ", 1)[-1] if exc.message.startswith("draft") else exc.message
            culprit.unsure = "the mapper engine refused it: " + reason
    raise MappingError("the draft did not settle into a valid mapping", file="draft")


def _culprit(starts, line):
    if line is None:
        return None
    candidates = [number for number in starts if number <= line]
    return starts[max(candidates)] if candidates else None


def _fallback(ctx):
    """A text the rules found nothing in still gets a valid draft: its first line as the title."""
    first = next((line.strip() for line in ctx.text.split("\n") if line.strip()), "")
    at = ctx.text.find(first)
    quote = ctx.quote(at, at + min(len(first), 200)) if first else None
    if quote and not any(f.subject == "source" and "title" in f.props and not f.unsure for f in ctx.facts):
        ctx.facts.insert(0, Proposal("source", "source", {"title": quote}, quote, 0.2,
                                     "nothing else was found: the first line, as a title to check"))
