"""Rules for meetings: kind, series and edition, dates, city, host and chair, who took part.

A meeting of a numbered series is named by an ordinal ("40th", "fortieth", "40-е",
"сорокового", "第二十次") next to the words for its kind; its path is
``meeting/<series>/<edition>``, as the curated mappings name it, so a draft meets the graph.
A meeting the text does not number is not proposed: it would need a name the text does not give.

States taking part are read from enumerations: the role is the cue word of the part of the
sentence that lists them ("member states: …; observer states: …", "Delegations … from …",
"invited as observers", "Under the presidency of …", "… hosted").
"""

from __future__ import annotations

import re

from kg.draft.context import Context, Proposal
from kg.draft.figures import ORDINAL, ordinal_en, ordinal_value

ORD = {
    "en": r"(?P<ord>\d{1,3}(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty)[- ])?[a-z]+(?:st|nd|rd|th))",
    "ru": r"(?P<ord>\d{1,3}-?(?:[а-я]{1,3})|(?:(?:двадцать|тридцать|сорок|пятьдесят)\s+)?[а-яё]+)",
    "zh": r"第(?P<ord>[零〇一二三四五六七八九十百两\d]+)(?:次|届)",
}
SERIES = [
    # series, class, label, phrase after the ordinal, by language
    ("rats-conference", "ScientificPracticalConference", "scientific-practical conference of the SCO RATS", {
        "en": r"(?:(?:international|annual|regular|anniversary)\s+)*scientific(?:[- ]and[- ]|-)practical\s+conference",
        "ru": r"(?:(?:международн|ежегодн)[а-я]*\s+)*научно-практическ[а-я]*\s+конференци[а-я]*",
        "zh": r"[^，。,]{0,12}(?:科学实践|学术实践|学术)(?:会议|研讨会)",
    }),
    ("rats-council", "CouncilMeeting", "meeting of the Council of the SCO RATS", {
        "en": r"(?:(?:regular|plenary|extraordinary)\s+)?(?:meeting|session)\s+of\s+the\s+(?:SCO\s+)?(?:RATS\s+)?Council"
              r"|(?:SCO\s+)?(?:RATS\s+)?Council\s+(?:meeting|session)",
        "ru": r"(?:(?:очередн|внеочередн)[а-я]*\s+)?заседани[а-я]*\s+Совета",
        "zh": r"(?:会议)",
    }),
]
ZH_COUNCIL = re.compile(r"理事会(?:第(?P<ord>[零〇一二三四五六七八九十百两\d]+)次)会议")
HELD = re.compile(r"\b(?:held|took place|hosted|was attended|convened|opened|gathered|met)\b|состоял|прош[её]л|прошл|"
                  r"проходил|проведен|провел|открыл|举行|召开|举办", re.IGNORECASE)
VENUE = {
    "en": r"(?:held|took place|gathered|convened|met|opened|was hosted|hosted|meeting|conference|session)\s+"
          r"(?:on\s+[^.;]{3,30}?\s+)?in\s+"
          r"(?:the\s+city\s+of\s+)?$",
    "ru": r"(?:\bв|\bво)\s+(?:городе\s+)?$",
    "zh": r"(?:在|于)$",
}
TITLE = re.compile(r"[“\"«]([^”\"»]{8,160})[”\"»]")
ROLES = [
    # role, cue (matched case-insensitively in the part of the sentence that lists the states)
    ("observer", r"observer|наблюдател|观察员"),
    ("dialoguePartner", r"dialogue partner|партн[её]р[а-я]* по диалогу|对话伙伴"),
    ("member", r"member[- ]states?|member[- ]countries|member[- ]nations|государств[а-я]*[- ]член|стран[а-я]*[- ]участниц|成员国"),
    ("delegation", r"delegations?|took part|take part|attended|participated|representatives|делегаци|"
                   r"участвовал|приняли участие|представител|代表团|出席|参加"),
]
AS_ROLE = (r"\s*(?:(?:were|was|are|is)\s+)?(?:(?:invited|present|attending|represented)\s+)?(?:as\s+)?(?:the\s+)?"
           r"(?:SCO\s+)?|\s*(?:作为|等)?\s*\d*个?|\s*(?:в качестве|как)\s+")
CHAIR = {
    "en": r"(?:under\s+the\s+(?:presidency|chairmanship|chairship)\s+of|chaired\s+by|presided\s+over\s+by)\s+(?:the\s+)?$",
    "ru": r"под\s+председательством\s+$",
    "zh": r"(?:在|由)$",
}
HOSTED_BY = {"en": r"hosted\s+by\s+(?:the\s+)?$", "ru": r"(?:принимал[аио]?|принимает)\s+$", "zh": r"$^"}
ATTENDANCE = re.compile(r"attend|took part|take part|participa|representatives|delegation|gathered|"
                        r"присутств|участ|делегац|представител|出席|参加|与会", re.IGNORECASE)


def propose_meetings(ctx: Context) -> None:
    """Find the numbered meetings and propose what the text says of each."""
    for series, cls, label, phrases in SERIES:
        phrase = phrases.get(ctx.language, phrases["en"])
        if ctx.language == "zh" and series == "rats-council":
            pattern = ZH_COUNCIL
        elif ctx.language == "zh":
            pattern = re.compile(ORD["zh"] + phrase)
        else:
            pattern = re.compile(r"(?<![\w-])" + ORD[ctx.language if ctx.language in ORD else "en"] + r"\s+(?:" + phrase + ")",
                                 re.IGNORECASE)
        for m in pattern.finditer(ctx.text):
            edition = _edition(m, ctx.language)
            if not edition:
                continue
            path = f"meeting/{series}/{edition}"
            ctx.ordinals.append(m.span("ord"))
            ctx.meetings.append((m.start(), path, series, edition))
            ctx.declare(path, cls, f"{ordinal_en(edition)} {label}", "a numbered meeting of the series")
            _describe_meeting(ctx, m.start(), m.end(), path, series, edition, cls)
    if ctx.language == "en":
        _council_by_context(ctx)
    from kg.draft.series import other_series  # the other series of the authority data, by their labels

    other_series(ctx, _describe_meeting)
    ctx.meetings.sort()
    if ctx.meetings:
        _venue_elsewhere(ctx)
        _organiser(ctx)
        _states_taking_part(ctx)


BARE_MEETING = re.compile(r"(?<![\w-])" + ORD["en"] + r"\s+(?:regular\s+)?meeting\b", re.IGNORECASE)
COUNCIL_CONTEXT = re.compile(r"\bRATS\b|\bCouncil\b|Anti-Terror(?:ist)? Structure", re.IGNORECASE)
ORGANISED = re.compile(r"organi[sz](?:ing|ed|ation of the (?:conference|meeting|event))|at the invitation of|"
                       r"организова[а-я]*|организатор[а-я]*|主办|承办", re.IGNORECASE)


def _council_by_context(ctx):
    """"the RATS … during its 36th meeting": a numbered meeting of the Council, named by what precedes it."""
    for m in BARE_MEETING.finditer(ctx.text):
        if any(start <= m.start() < start + 80 for start, *_ in ctx.meetings):
            continue
        sentence = ctx.sentence_at(m.start())
        if not COUNCIL_CONTEXT.search(ctx.text, sentence.start, m.start()):
            continue
        edition = _edition(m, "en")
        if not edition:
            continue
        path = f"meeting/rats-council/{edition}"
        ctx.ordinals.append(m.span("ord"))
        ctx.meetings.append((m.start(), path, "rats-council", edition))
        ctx.declare(path, "CouncilMeeting", f"{ordinal_en(edition)} meeting of the Council of the SCO RATS",
                    "a numbered meeting of the RATS, named after the RATS")
        _describe_meeting(ctx, m.start(), m.end(), path, "rats-council", edition, "CouncilMeeting")


def _organiser(ctx):
    """The body the text credits with organising the meeting ("the efforts of the RATS Executive Committee in organising")."""
    for sentence in ctx.sentences:
        cue = next((c for c in ORGANISED.finditer(sentence.text) if not any(
            m.start <= sentence.start + c.start() < m.end for m in ctx.matches)), None)
        if not cue:
            continue  # "организ" in "Шанхайская организация сотрудничества" is a name, not organising
        orgs = [m for m in ctx.matches_in(sentence.start, sentence.end, {"org"})
                if "organi" not in m.text.lower() and not m.text.isupper()]
        if not orgs:
            continue
        at = sentence.start + cue.start()
        org = min(orgs, key=lambda m: abs(m.start - at))
        _, path, *_ = ctx.meeting_at(sentence.start)
        begin, finish = min(org.start, at), max(org.end, sentence.start + cue.end())
        ctx.add(Proposal("meeting", path, {"organiser": org.path}, ctx.quote(begin, finish), 0.5,
                         f"'{cue.group(0)}' with an organisation in one sentence"))
        return


def _edition(match, language):
    ordinal_pattern = ORDINAL.get(language, ORDINAL["en"])
    text = match.group("ord")
    if language == "zh":
        found = ORDINAL["zh"].search("第" + text + "次")
    else:
        found = ordinal_pattern.fullmatch(text)
    value = ordinal_value(found, language) if found else None
    return value if value and 0 < value < 500 else None



def _describe_meeting(ctx, start, end, path, series, edition, cls):
    sentence = ctx.sentence_at(start)
    props = {"a": cls, "partOfSeries": f"series/{series}", "editionNumber": str(edition)}
    dates = ctx.dates_in(sentence.start, sentence.end)
    if dates:
        props["startDate"] = dates[0].first
        if dates[0].last:
            props["endDate"] = dates[0].last
    city = _city_in(ctx, sentence.start, sentence.end)
    if city:
        props["location"] = city.path
    title = TITLE.search(ctx.text, end, sentence.end)
    if title and title.start() - end < 160:
        props["title"] = " ".join(title.group(1).split()).rstrip(".")
    if HELD.search(sentence.text):
        props["status"] = "held"
    confidence = 0.9 if len(props) > 3 else 0.8
    ctx.add(Proposal("meeting", path, props, ctx.quote(sentence.start, sentence.end), confidence,
                     "an ordinal with the words for the kind of meeting; date, city and title from the same sentence"))
    for date in dates[:1]:
        if not date.has_year and ctx.publication:
            year = ctx.publication.first[:4]
            inferred = {"startDate": year + date.first[1:]}
            if date.last:
                inferred["endDate"] = year + date.last[1:]
            ctx.inferred.append(Proposal(
                "date", path, inferred, [ctx.quote(date.start, date.end), ctx.quote(ctx.publication.start,
                                                                                     ctx.publication.end)],
                0.4, "the year of the page's publication date", unsure="the text gives no year: the page's year "
                f"({year}) is only a guess; keep it if the report is of that year"))
    _host_and_chair(ctx, sentence, path, series, edition)


def _city_in(ctx, start, end):
    skip = ctx.dateline or (-1, -1)
    for match in ctx.matches_in(start, end, {"city"}):
        if match.start < skip[1] and match.end > skip[0]:
            continue
        before = ctx.text[max(start, match.start - 50):match.start]
        after = ctx.text[match.end:match.end + 12]
        if re.search(VENUE.get(ctx.language, VENUE["en"]), before, re.IGNORECASE) or re.match(r"\s+hosted", after):
            return match
    return None


def _venue_elsewhere(ctx):
    """A city where the meeting "gathered", "was held" in another sentence than the one naming it."""
    start, path, *_ = ctx.meetings[0]
    if any(f.subject == path and "location" in f.props for f in ctx.facts):
        return
    for sentence in ctx.sentences:
        city = _city_in(ctx, sentence.start, sentence.end)
        if city and HELD.search(sentence.text):
            phrase_start = max(sentence.start, city.start - 30)
            held = list(HELD.finditer(ctx.text, phrase_start, city.start))
            begin = held[-1].start() if held else city.start
            ctx.add(Proposal("meeting", path, {"location": city.path}, ctx.quote(begin, city.end), 0.6,
                             "a city where the text says the participants gathered or the meeting was held"))
            return


def _host_and_chair(ctx, sentence, path, series, edition):
    for match in ctx.matches_in(sentence.start, sentence.end, {"state"}):
        before = ctx.text[max(sentence.start, match.start - 50):match.start]
        after = ctx.text[match.end:match.end + 10]
        role = None
        cue = re.search(CHAIR.get(ctx.language, CHAIR["en"]), before, re.IGNORECASE)
        if cue:
            role, begin, finish = "chair", match.start - (len(before) - cue.start()), match.end
        elif re.match(r"\s+hosted\b", after) or (ctx.language == "ru" and re.match(r"\s+принял", after)):
            role, begin, finish = "host", match.start, match.end + len(re.match(r"\s+\S+", after).group(0))
        else:
            cue = re.search(HOSTED_BY.get(ctx.language, HOSTED_BY["en"]), before, re.IGNORECASE)
            if cue:
                role, begin, finish = "host", match.start - (len(before) - cue.start()), match.end
        if role:
            participant = match.path.split("/")[-1]
            ctx.add(Proposal("participation", f"participation/{series}/{edition}/{participant}", {
                "a": "Participation", "meeting": path, "participant": match.path, "role": role},
                ctx.quote(begin, finish), 0.8, f"'{ctx.text[begin:finish]}': the state's role at the meeting"))


def _segments(text, start, end):
    """Cut a sentence into the parts that each list one group: at ';', ', and', ' and representatives'."""
    cuts = [start]
    for m in re.finditer(r";|,\s+and\s+(?=representatives|delegations|the\s+SCO|SCO|observer)|，|；|, а также|, а ",
                         text[start:end]):
        cuts.append(start + m.end())
    cuts.append(end)
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def _states_taking_part(ctx):
    for sentence in ctx.sentences:
        if not ATTENDANCE.search(sentence.text) and not re.search(r"member states|observer|государств[а-я]*-член|成员国",
                                                                   sentence.text, re.IGNORECASE):
            continue
        meeting = ctx.meeting_at(sentence.start)
        if not meeting:
            continue
        _, path, series, edition = meeting
        for a, b in _segments(ctx.text, sentence.start, sentence.end):
            segment = ctx.text[a:b]
            states = ctx.matches_in(a, b, {"state"})
            roles = [(m.start(), role) for role, cue in ROLES for m in re.finditer(cue, segment, re.IGNORECASE)]
            if not roles:
                continue
            if not states:
                if ATTENDANCE.search(sentence.text):
                    _categories(ctx, a, b, path, roles)
                continue
            role = next(role for role, cue in ROLES if re.search(cue, segment, re.IGNORECASE))
            cues = [a + m.start() for m in re.finditer(dict(ROLES)[role], segment, re.IGNORECASE)]
            listed = any(c < states[0].start and states[0].start - c < 60 for c in cues)
            after = any(c >= states[-1].end and re.fullmatch(AS_ROLE, ctx.text[states[-1].end:c], re.IGNORECASE)
                        for c in cues)  # "Belarus and Mongolia were invited as observers", "…作为观察员国"
            if not (listed or after):
                continue  # the cue does not introduce these states: "the borders of the SCO member states"
            first = min(min(r[0] for r in roles) + a, states[0].start)
            lead = re.search(r"(?:(?:the|SCO|RATS|ШОС)\s+){1,3}$", ctx.text[a:first], re.IGNORECASE)
            if lead:  # "the SCO observer states: …"
                first = a + lead.start()
            quote = ctx.quote(first, max(states[-1].end, b if b - states[-1].end < 40 else states[-1].end))
            for state in states:
                if any(f.subject.endswith("/" + state.path.split("/")[-1]) and f.props.get("role") in ("chair", "host")
                       and role == "delegation" for f in ctx.facts):
                    continue
                participant = state.path.split("/")[-1]
                ctx.add(Proposal("participation", f"participation/{series}/{edition}/{participant}", {
                    "a": "Participation", "meeting": path, "participant": state.path, "role": role},
                    quote, 0.75 if role != "delegation" else 0.65,
                    f"listed after '{segment[min(r[0] for r in roles):][:30].strip()}'"))
            sco = re.search(r"\bSCO\b|ШОС|上合|上海合作组织", segment) or (ctx.language == "zh" and _sco_before(ctx, sentence))
            if sco and role in ("member", "observer", "dialoguePartner"):
                _memberships(ctx, states, role, quote, path)


def _sco_before(ctx, sentence):
    """Chinese names the SCO once and then says only "成员国": the SCO in this sentence or the one before."""
    index = ctx.sentences.index(sentence)
    return any(re.search(r"上合|上海合作组织", s.text) for s in ctx.sentences[max(0, index - 1):index + 1])


def _categories(ctx, a, b, path, roles):
    segment = ctx.text[a:b]
    if not re.search(r"states|countries|partners|государств|стран|партн|国", segment, re.IGNORECASE):
        return
    found = []
    for role, cue in ROLES[:3]:
        for m in re.finditer(cue if role != "member" else r"member|государств[а-я]*[- ]член|成员国", segment, re.IGNORECASE):
            found.append((m.start(), role))
    categories = []
    for _, role in sorted(found):
        if role not in categories:
            categories.append(role)
    if not categories:
        return
    first = min(position for position, _ in found)
    last = max(m.end() for m in re.finditer(r"states|countries|partners(?: states)?|государств[а-я]*|стран[а-я]*|"
                                            r"партн[её]р[а-я]*(?: по диалогу)?|成员国|观察员国|对话伙伴", segment,
                                            re.IGNORECASE))
    begin = a + first
    while begin > a and not ctx.text[begin - 1].isspace():
        begin -= 1
    ctx.add(Proposal("participation", path, {"participantCategory": categories if len(categories) > 1 else categories[0]},
                     ctx.quote(begin, a + last), 0.6, "kinds of states named without naming the states"))


def _memberships(ctx, states, role, quote, meeting_path):
    """States the text lists by their SCO status: a membership in the SCO as of the meeting's first day."""
    start = next((f for f in ctx.facts if f.subject == meeting_path and "startDate" in f.props), None)
    dates = [d for d in ctx.dates if start and d.first == start.props["startDate"] and d.full]
    if dates:
        as_of, date_quote = dates[0].first, ctx.quote(dates[0].start, dates[0].end)
    elif ctx.publication and ctx.publication.full:
        as_of, date_quote = ctx.publication.first, ctx.quote(ctx.publication.start, ctx.publication.end)
    else:
        return
    slug = {"dialoguePartner": "dialogue-partner"}.get(role, role)
    for state in states:
        name = state.path.split("/")[-1]
        ctx.add(Proposal("participation", f"membership/sco/{name}/{slug}", {
            "a": "Membership", "memberState": state.path, "organisation": "org/sco", "role": role, "asOf": as_of},
            [quote, date_quote], 0.6, "a state listed by its SCO status, as of the meeting's (or the page's) date"))
