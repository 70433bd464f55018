"""Rules for organisations: those a meeting's attendance names, and terrorist organisations named.

Organisations attending are read like states: from the part of an attendance sentence that
names them ("the SCO Secretariat and relevant structures of international organizations"),
as delegations. A terrorist organisation of the authority data is proposed with the name the
text gives it. Acronyms alone ("SCO", "UN") are not taken as attending: they mostly qualify
other words ("SCO member states").
"""

from __future__ import annotations

from kg.draft.context import Context, Proposal
import re

from kg.draft.meetings import _segments

ATTENDED = re.compile(r"attended|took part|take part|participated|delegations?\b|representatives of|присутствовал|"
                      r"приняли участие|принял участие|出席|参加", re.IGNORECASE)


def propose_organisations(ctx: Context) -> None:
    """Propose attending organisations and the stated names of terrorist organisations."""
    named = set()
    for match in ctx.matches:
        if match.kind == "terrorist" and match.text not in named:
            named.add(match.text)
            ctx.add(Proposal("organisation", match.path, {"a": "TerroristOrganisation", "statedName": match.text},
                             ctx.quote(match.start, match.end), 0.6, "a terrorist organisation of the authority data"))
    for sentence in ctx.sentences:
        meeting = ctx.meeting_at(sentence.start)
        if not meeting or not ATTENDED.search(sentence.text):
            continue
        _, path, series, edition = meeting
        for a, b in _segments(ctx.text, sentence.start, sentence.end):
            if ctx.matches_in(a, b, {"state"}):
                continue
            orgs = [m for m in ctx.matches_in(a, b, {"org"}) if not m.text.isupper()
                    and m.path not in ("org/sco", "org/sco-rats")]
            if not orgs:
                continue
            quote = ctx.quote(orgs[0].start, orgs[-1].end)
            for org in orgs:
                ctx.add(Proposal("participation", f"participation/{series}/{edition}/{org.path.split('/')[-1]}", {
                    "a": "Participation", "meeting": path, "participant": org.path, "role": "delegation"},
                    quote, 0.55, "an organisation named in a sentence about who attended"))
