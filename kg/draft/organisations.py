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


MEMBERS_LISTED = re.compile(
    r"\b(?:includes|include|comprises|consists of|brings together|unites|members? (?:are|include)|"
    r"member states(?: are| include)?)\b|в (?:неё|нее|ее|её) входят|в состав (?:ШОС|организации) входят|"
    r"членами (?:ШОС|организации) являются|成员国(?:包括|有|为)", re.IGNORECASE)
SCO = re.compile(r"\bSCO\b|Shanghai Cooperation Organi[sz]ation|ШОС|Шанхайск|上合|上海合作组织")


def _members_listed(ctx: Context) -> None:
    """"The SCO … includes A, B and C": each a member of the SCO as of the page's date."""
    if not (ctx.publication and ctx.publication.full):
        return
    for sentence in ctx.sentences:
        cue = MEMBERS_LISTED.search(sentence.text)
        if not cue or not SCO.search(sentence.text[:cue.start()]):
            continue
        states = [m for m in ctx.matches_in(sentence.start + cue.end(), sentence.end, {"state"})]
        if len(states) < 2 or states[0].start - (sentence.start + cue.end()) > 30:
            continue
        if any(re.search(r"observer|dialogue|наблюдат|观察员|partner", ctx.text[a.end:b.start], re.IGNORECASE)
               for a, b in zip(states, states[1:])):
            continue  # a list that changes role midway is read by the enumeration rule
        quote = ctx.quote(sentence.start, sentence.end)
        date_quote = ctx.quote(ctx.publication.start, ctx.publication.end)
        for state in states:
            name = state.path.split("/")[-1]
            ctx.add(Proposal("participation", f"membership/sco/{name}/member", {
                "a": "Membership", "memberState": state.path, "organisation": "org/sco", "role": "member",
                "asOf": ctx.publication.first}, [quote, date_quote], 0.6,
                "a state the text lists as the SCO's, as of the page's date"))


def propose_organisations(ctx: Context) -> None:
    """Propose attending organisations, the SCO's members listed, and terrorist organisations' names."""
    _members_listed(ctx)
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
