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


MEMBERS_LISTED = [
    ("foundingMember", re.compile(r"\bfounding members? (?:included|include|are|were)\b|основател[а-я]* (?:ШОС )?(?:стали|были)|"
                                  r"创始成员国(?:包括|有|为)", re.IGNORECASE)),
    ("member", re.compile(r"\b(?:includes|include|comprises|consists of|brings together|unites|members? (?:are|include)|"
                          r"member states(?: are| include)?|(?:has|have) been joined by)\b|в (?:неё|нее|ее|её) входят|"
                          r"в состав (?:ШОС|организации) входят|членами (?:ШОС|организации) являются|成员国(?:包括|有|为)",
                          re.IGNORECASE)),
    ("joined", re.compile(r"(?:полноправными\s+)?членами\s+(?:ШОС|организации|объединения)\s+стали|"
                          r"в\s+(?:ШОС|организацию|объединение)\s+вступил[аио]?|о\s+при[её]ме|加入上合组织的有", re.IGNORECASE)),
]
JOIN_YEAR = re.compile(r"(?:\bin|\bв)\s+(?P<year>(?:19|20)\d{2})(?:-м|\s*(?:году|г\.))?(?!\d)", re.IGNORECASE)
ROLE_AFTER = re.compile(
    r"^\s*(?:(?:are|is|have been|remain)\s+(?:the\s+)?(?:SCO\s+|SCO's\s+)?(?P<role>observer|dialogue partner|member)"
    r"(?:s|\s+states|\s+countries|\s+nations)?\b|(?:were|was)\s+admitted\s+as\s+(?:full\s+)?(?P<admitted>members?)\b|"
    r"(?:are|is)\s+(?:willing|seeking|set|expected)\s+to\s+join\b(?P<join>)|will\s+join\b(?P<will>)|(?:являются|—)\s+(?P<ru>наблюдател|партн[её]р|член))",
    re.IGNORECASE)
ADDITION = re.compile(r"\bin addition to (?:these|those|the above|them)(?:\s+(?:states|countries|nations))?\b|"
                      r"\bbesides (?:these|those|them)(?:\s+(?:states|countries))?\b|помимо (?:этих|них)|除(?:这|上述)",
                      re.IGNORECASE)
""""(… in addition to these states, the SCO also includes A, B)": the states listed before share the status."""
SOME_OF = re.compile(r"\b(?:from|of)\s+(?:(?:two|three|four|five|six|seven|eight|nine|ten|several|some|\d+)\s+)?"
                     r"(?:the\s+)?(?:SCO\s+)?$", re.IGNORECASE)
CLAUSES = re.compile(r";|,\s+(?:while|whereas|and)\s+|\s+а\s+|，|；")
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
        cuts = [sentence.start] + [sentence.start + m.end() for m in CLAUSES.finditer(sentence.text)
                                   if not _list_goes_on(ctx, sentence.start + m.start(), sentence.start + m.end())]
        cuts.append(sentence.end)
        for begin, end in zip(cuts, cuts[1:]):
            _status_listed(ctx, begin, end)


def _in_addition(ctx, states, cue):
    """The states of the list right before "in addition to these states" (before the cue): they have the status too."""
    addition = None
    for found in ADDITION.finditer(ctx.text, states[0].start, cue):
        addition = found
    if not addition:
        return []
    earlier = [s for s in states if s.end <= addition.start()]
    if not earlier or addition.start() - earlier[-1].end > 30:
        return []
    kept = [earlier[-1]]
    for previous in reversed(earlier[:-1]):  # one list: the states only commas and "and" part
        if not re.fullmatch(r"\s*(?:,|,?\s*and|и|、|和)\s*", ctx.text[previous.end:kept[0].start]):
            break
        kept.insert(0, previous)
    return kept


def _list_goes_on(ctx, at, after):
    """", and" between two states of one list ("Pakistan, Russia, Tajikistan, and Uzbekistan"): not a new clause."""
    return bool(ctx.text[at:after].strip(" ,") == "and" and ctx.matches_in(after, after + 40, {"state"})
                and ctx.matches_in(after, after + 40, {"state"})[0].start == after
                and any(m.end == at for m in ctx.matches_in(max(0, at - 40), at, {"state"})))


def _status_listed(ctx, begin, end):
    """One clause listing states by their SCO status, before the list or after it."""
    states = ctx.matches_in(begin, end, {"state"})
    if not states:
        return
    role, joined = None, False
    for name, pattern in MEMBERS_LISTED:
        cue = pattern.search(ctx.text, begin, end)
        # the states after the cue ("With Belarus becoming …, the SCO has been joined by China, …")
        listed = [s for s in states if cue and s.start >= cue.end()]
        if cue and SOME_OF.search(ctx.text, max(begin, cue.start() - 30), cue.start()):
            continue  # "forces from two SCO member states – A and B": where some came from, not the SCO's members
        if cue and listed and 0 <= listed[0].start - cue.end() <= 30:
            role, joined = ("member", True) if name == "joined" else (name, False)
            states = _in_addition(ctx, states, cue.start()) + listed
            break
    after = ROLE_AFTER.search(ctx.text[states[-1].end:end])
    leading = states[0].start - begin < 20 or re.search(r"\b(?:that|which|where|что)\s+$", ctx.text[begin:states[0].start])
    if not role and after and leading:
        if after.group("role"):
            role = {"observer": "observer", "dialogue partner": "dialoguePartner"}.get(after.group("role").lower(), "member")
        elif after.group("admitted") is not None:
            role, joined = "member", True
        elif after.group("join") is not None or after.group("will") is not None:
            role = "prospectiveMember"
        elif after.group("ru"):
            word = after.group("ru").lower()
            role = "observer" if word.startswith("наблюд") else "dialoguePartner" if word.startswith("партн") else "member"
    if not role or any(re.search(r"observer|dialogue|наблюдат|观察员|partner", ctx.text[a.end:b.start], re.IGNORECASE)
                       for a, b in zip(states, states[1:])):
        return  # a list that changes role midway is read by the enumeration rule
    as_of, date_quote = _as_of(ctx)
    quote = ctx.quote(begin, end)
    start_time = _joined_when(ctx, begin, end) if joined else None
    if joined:  # "were admitted as full members in 2017": when the membership began, not a status as of a date
        as_of = None
    slug = {"dialoguePartner": "dialogue-partner", "foundingMember": "founding-member",
            "prospectiveMember": "prospective-member"}.get(role, role)
    for state in states:
        props = {"a": "Membership", "memberState": state.path, "organisation": "org/sco", "role": role}
        if as_of:
            props["asOf"] = as_of
        if start_time:
            props["startTime"] = start_time
        ctx.add(Proposal("participation", f"membership/sco/{state.path.split('/')[-1]}/{slug}", props,
                         [quote, date_quote] if as_of else quote, 0.6,
                         "a state the text says joined the SCO, and when if it says so" if joined else
                         "a state the text lists by its SCO status, as of the page's date"))
        if after and after.group("will") is not None and role == "prospectiveMember":
            future = {"a": "Membership", "memberState": state.path, "organisation": "org/sco", "role": "member",
                      "status": "expected"}
            year = JOIN_YEAR.search(ctx.text, states[-1].end, end)
            if year:
                future["startTime"] = year.group("year")
            ctx.add(Proposal("participation", f"membership/sco/{state.path.split('/')[-1]}/member", future, quote, 0.5,
                             "'will join': a membership the text expects, from the year it gives"))


def _joined_when(ctx, begin, end):
    """The year (or the full date) a clause says states joined: "in 2017", "в 2017-м", "9 июня 2017 года … о приеме"."""
    sentence = ctx.sentence_at(begin)
    dated = [d for d in ctx.dates_in(sentence.start, end) if d.has_year]
    if dated:
        return dated[-1].first
    year = JOIN_YEAR.search(ctx.text, begin, end) or JOIN_YEAR.search(ctx.text, sentence.start, end)
    return year.group("year") if year else None


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
