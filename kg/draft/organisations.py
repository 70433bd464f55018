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
ROLE_AFTER = re.compile(r"^\s*(?:are|is|have been|remain)\s+(?:the\s+)?(?:SCO\s+|SCO's\s+)?(?P<role>observer|dialogue partner|"
                        r"member)(?:s|\s+states|\s+countries|\s+nations)?\b|^\s*(?:являются|—)\s+(?P<ru>наблюдател|"
                        r"партн[её]р|член)", re.IGNORECASE)
SCO = re.compile(r"\bSCO\b|Shanghai Cooperation Organi[sz]ation|ШОС|Шанхайск|上合|上海合作组织")
RU_ROLES = {"наблюдател": "observer", "партн": "dialoguePartner", "член": "member"}


def _as_of(ctx):
    """The date a listed status holds on: the page's date, else the dateline's date (perhaps without a year)."""
    if ctx.publication:
        return ctx.publication.first, ctx.quote(ctx.publication.start, ctx.publication.end)
    if ctx.dateline:
        dated = [d for d in ctx.dates if d.start >= ctx.dateline[0] and d.end <= ctx.dateline[1]]
        if dated:
            return dated[0].first, ctx.quote(*ctx.dateline)
    return None, None


def _members_listed(ctx: Context) -> None:
    """"The SCO … includes A, B and C", "A and B are the SCO observer countries": the SCO status, as of the page's date."""
    previous = None
    for sentence in ctx.sentences:
        about_sco = SCO.search(sentence.text) or (previous is not None and SCO.search(previous.text))
        previous = sentence
        if not about_sco:
            continue
        states = ctx.matches_in(sentence.start, sentence.end, {"state"})
        if len(states) < 2:
            continue
        role, begin = None, sentence.start
        cue = MEMBERS_LISTED.search(sentence.text)
        if cue and 0 <= states[0].start - (sentence.start + cue.end()) <= 30:
            role = "member"
        after = ROLE_AFTER.search(ctx.text[states[-1].end:sentence.end])
        if after and states[0].start - sentence.start < 20:
            word = (after.group("role") or after.group("ru") or "").lower()
            role = RU_ROLES.get(word[:5] if word.startswith("партн") else word) or \
                {"observer": "observer", "dialogue partner": "dialoguePartner", "member": "member"}.get(word, role)
        if not role or any(re.search(r"observer|dialogue|наблюдат|观察员|partner", ctx.text[a.end:b.start], re.IGNORECASE)
                           for a, b in zip(states, states[1:])):
            continue  # a list that changes role midway is read by the enumeration rule
        as_of, date_quote = _as_of(ctx)
        quote = ctx.quote(begin, sentence.end)
        slug = {"dialoguePartner": "dialogue-partner"}.get(role, role)
        for state in states:
            props = {"a": "Membership", "memberState": state.path, "organisation": "org/sco", "role": role}
            if as_of:
                props["asOf"] = as_of
            ctx.add(Proposal("participation", f"membership/sco/{state.path.split('/')[-1]}/{slug}", props,
                             [quote, date_quote] if as_of else quote, 0.6,
                             "a state the text lists by its SCO status, as of the page's date"))


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
            if re.search(r"member states|observer|dialogue|государств[а-я]*-член|наблюдат|成员国|观察员", ctx.text[a:b],
                         re.IGNORECASE) and ctx.matches_in(a, b, {"state"}):
                continue  # states by their role: the enumeration rule's
            orgs = [m for m in ctx.matches_in(a, b, {"org"}) if not m.text.isupper()
                    and m.path not in ("org/sco", "org/sco-rats") and not _part_of_a_name(ctx, m)]
            if not orgs:
                continue
            quote = ctx.quote(orgs[0].start, orgs[-1].end)
            for org in orgs:
                ctx.add(Proposal("participation", f"participation/{series}/{edition}/{org.path.split('/')[-1]}", {
                    "a": "Participation", "meeting": path, "participant": org.path, "role": "delegation"},
                    quote, 0.55, "an organisation named in a sentence about who attended"))


def _part_of_a_name(ctx: Context, match) -> bool:
    """"the Secretariat of the CSTO", "under the Russian Ministry …", "United Nations (UN) Office …": not the attendee."""
    before = ctx.text[max(0, match.start - 12):match.start]
    after = ctx.text[match.end:match.end + 16]
    return bool(re.search(r"\b(?:of|under)\s+(?:the\s+)?$", before) or re.match(r"\s*\([^)]{1,10}\)\s+[A-Z]", after)
                or re.match(r"['’]s\b", after))
