"""Rules for statistics: a figure, what it counts, its qualifier, period, area and reporter.

What a figure counts is the measure of the authority data whose label's words best cover the
words of the figure's clause ("69 terrorist attacks have been prevented" against "terrorist
attacks prevented"; Russian words by lemma, so "предотвращено более 40 терактов" meets
"предотвращённые теракты"). A figure no measure fits is written commented out, with its
value, for the curator to give it a measure.

Qualifiers: "more than", "over", "exceeds", "более", "свыше", "超过" give moreThan; "at least",
"не менее", "至少" atLeast; "about", "approximately", "some", "nearly", "около", "примерно",
"почти", "约", "近" approximately; a bare figure is exactly. Years, dates, times, ordinals,
numbers in names ("Solidarity-2019") and a number alone on a line (a page counter) are not
figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.draft.context import Context, Proposal
from kg.draft.figures import FIGURE, ORDINAL, figure_value
from kg.draft.people import SPEECH, _tokens

QUALIFIERS = [
    ("moreThan", r"more than|over|upwards of|in excess of|exceed(?:s|ed|ing)?|above|более чем|более|свыше|больше|"
                 r"超过|逾|多于"),
    ("atLeast", r"at least|no fewer than|no less than|не менее|как минимум|по меньшей мере|至少|不少于"),
    ("approximately", r"about|approximately|around|some|nearly|almost|roughly|close to|an estimated|около|примерно|"
                      r"почти|порядка|приблизительно|约|近|大约"),
]
QUALIFIER_BEFORE = re.compile(r"(?:(?<![A-Za-z\u0400-\u04ff])(?:" + "|".join(f"(?P<{n}>{p})" for n, p in QUALIFIERS) + r"))\s*$",
                              re.IGNORECASE)
BOUNDARY = re.compile(r"[;:()«»“”\"]|[.,](?=\s|$)|\s(?:and|и|а также)\s(?=(?:\S+\s){0,2}\S*\d)|\s[—–]\s|[，。；、]")
YEAR_CONTEXT = re.compile(r"(?:\b(?:in|since|of|by|until|from|to|year|the)|\b(?:в|с|до|к|за|году|года))\s*$",
                          re.IGNORECASE)
PERIODS = {
    "en": r"(?:in|during|for)\s+(?P<year>(?:19|20)\d{2})(?!\d)|over the (?:past|last) \w+ (?:years|months)|"
          r"(?:every|each|last|this|the current) year|since the (?:start|beginning) of (?:the year|(?:19|20)\d{2})|"
          r"in a relatively short period of time",
    "ru": r"(?:в|за)\s+(?:прошедшем\s+)?(?P<year>(?:19|20)\d{2})\s*(?:году|год)|в прошлом году|в этом году|"
          r"в текущем году|ежегодно|с начала (?:(?:нынешнего|этого|текущего) )?(?:года|(?:19|20)\d{2} (?:года|г\.))|"
          r"за последние \w+ (?:года|лет)",
    "zh": r"(?P<year>(?:19|20)\d{2})年(?!\d{1,2}月)|去年|今年|每年",
}
SCO_SPACE = re.compile(r"\bin our region\b|SCO (?:space|region|states|countries)|(?:в|на) (?:странах|государствах|"
                       r"пространстве) (?:ШОС|организации|Шанхайской)|спецслужбы стран (?:ШОС|Шанхайской)|"
                       r"на территории государств-членов (?:ШОС|организации)|上合组织(?:成员国|地区|国家)", re.IGNORECASE)
ABOUT_MEETING = {"participants", "participating-countries", "participating-international-organisations",
                 "participating-research-centres", "delegation-members"}
PRONOUN = re.compile(r"\b(?:according to (?:him|her)|he (?:added|said|noted|stressed|reported)|she (?:added|said))\b|"
                     r"по (?:его|её) словам|по словам|он (?:добавил|отметил|сообщил)|他(?:说|表示|指出)", re.IGNORECASE)


ORG_SOURCE = re.compile(r"\b(?:according to|as reported by)\s+(?:the\s+)?|по (?:данным|информации|сведениям)\s+|据",
                        re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def _clause(text: str, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    left = low
    for m in BOUNDARY.finditer(text, low, high):  # to the sentence's end: "and" looks ahead for a figure
        if m.end() > start:
            break
        left = m.end()
    right = high
    m = BOUNDARY.search(text, end, high)
    if m:
        right = m.start()
    return left, right


def _head(ctx, m) -> set:
    """The words a figure counts: the two after it (before it in Chinese), within its clause."""
    sentence = ctx.sentence_at(m.start())
    left, right = _clause(ctx.text, m.start(), m.end(), sentence.start, sentence.end)
    if ctx.language == "zh":
        return {w for w, _, _ in _tokens(ctx.text[left:m.start()], ctx.language)[-2:]}
    return {w for w, _, _ in _tokens(ctx.text[m.end():right], ctx.language)[:2]}


def _next_boundary(text, right, high):
    m = BOUNDARY.search(text, right + 1, high)
    return m.start() if m else high


def _measures(ctx: Context):
    measures = []
    for entity in ctx.gazetteer.of_kind("measure"):
        for label, language, _hidden in entity.labels:
            order = [w for w, _, _ in _tokens(label, language)]
            if order:
                measures.append((entity.path, set(order), label, order, "ru" if re.search("[\u0400-\u04ff]", label)
                                 else "zh" if re.search("[\u4e00-\u9fff]", label) else "en"))
    return measures


def _best_measure(measures, words, head=frozenset()):
    """The measure whose label's words the clause covers best; a label holding the figure's own noun
    (``head``: the words right after it, or right before it in Chinese) first."""
    best = None
    for path, needed, label, order, language in measures:
        hit = len(needed & words)
        if not hit:
            continue
        ratio = hit / len(needed)
        action = order[-1] if language == "en" else order[0]  # "individuals detained", "задержанные лица"
        if ratio < 0.5 or (hit < 2 and len(needed) > 2) or (
                hit == 1 and len(needed) == 2 and not needed & words & (head | {action})):
            continue  # one word of two must be the figure's own noun or the action: not "182 leaders, members"
        key = (ratio, bool(needed & head), hit)
        if best is None or key > best[0]:
            best = (key, path, label)
    return best


def propose_statistics(ctx: Context) -> None:
    """Propose a statistic for each figure whose clause names what it counts."""
    measures = _measures(ctx)
    pattern = FIGURE.get(ctx.language, FIGURE["en"])
    used: dict[str, int] = {}
    skip = [(d.start, d.end) for d in ctx.dates] + [(f.start, f.end) for f in _ordinals(ctx)] + ctx.ordinals
    if ctx.dateline:
        skip.append(ctx.dateline)
    skip += [m.span() for m in re.finditer(PERIODS.get(ctx.language, PERIODS["en"]), ctx.text, re.IGNORECASE)
             if not m.groupdict().get("year")]  # "over the past three years": a period, not a figure
    figures = [m for m in pattern.finditer(ctx.text) if not any(m.start() < e and m.end() > s for s, e in skip)]
    heads = {m.start(): _head(ctx, m) for m in figures}
    for m in figures:
        value = figure_value(m, ctx.language)
        if value is None or not _is_figure(ctx, m, value):
            continue
        sentence = ctx.sentence_at(m.start())
        left, right = _clause(ctx.text, m.start(), m.end(), sentence.start, sentence.end)
        head = heads[m.start()]
        others = set().union(*(h for at, h in heads.items() if at != m.start() and sentence.start <= at < sentence.end))
        best = None
        for _ in range(3):  # "91 crimes of a terrorist, separatist, and extremist nature have been stopped"
            # the nouns other figures of the sentence count are not this one's ("160 participants from 17 countries")
            words = {w for w, _, _ in _tokens(ctx.text[left:right], ctx.language)} - (others - head)
            best = _best_measure(measures, words, head)
            if best or right >= sentence.end or pattern.search(ctx.text, right, _next_boundary(ctx.text, right, sentence.end)):
                break
            right = _next_boundary(ctx.text, right, sentence.end)
        form = _counted_by_form(ctx, m, sentence)
        if form and (best is None or form[0][1]):  # "a three-member team": the compound says what is counted
            best = form
        before = ctx.text[left:m.start()]
        qualifier = QUALIFIER_BEFORE.search(before)
        name = next((n for n, _ in QUALIFIERS if qualifier and qualifier.group(n)), "exactly")
        if ctx.language == "zh" and ctx.text[m.end():m.end() + 1] in "多余":
            name = "moreThan"
        if _verb_first(ctx, left, m.start()):
            start = left
        else:
            start = left + qualifier.start() if qualifier else m.start()
        quote = ctx.quote(start, right)
        if best is None:
            if quote and len(ctx.text[left:right].split()) >= 2:
                ctx.add(Proposal("statistic", "statistic/unknown", {"a": "Statistic", "value": value, "qualifier": name},
                                 quote, 0.2, "a figure", unsure=f"no measure of the authority data fits "
                                 f"'{ctx.text[left:right].strip()[:60]}': add one and give it here"))
            continue
        (ratio, _noun, _hit), measure, label = best
        if (measure == "measure/member-states" and SOME_OF_THEM.search(ctx.text, max(0, m.start() - 12), m.start())
                and re.match(r"\s+(?:SCO\s+)?member\s+(?:states|countries)", ctx.text[m.end():m.end() + 30])):
            continue  # "forces from two SCO member states": states some take part from, not the organisation's members
        props = {"a": "Statistic", "measure": measure, "value": value, "qualifier": name}
        period = _period(ctx, sentence, m.start())
        if period:
            props["period"] = period
        if SCO_SPACE.search(sentence.text) and "region/sco-space" in ctx.gazetteer.entities:
            props["area"] = "region/sco-space"
        else:
            place = next((s for s in ctx.matches_in(m.end(), right, {"state"})
                          if re.search(r"\b(?:in|within)\s+(?:the\s+)?$|\bв\s+$|在$", ctx.text[s.start - 8:s.start])), None)
            if place:  # "two terrorist attacks are prevented in Kazakhstan"
                props["area"] = place.path
        meeting = ctx.meeting_at(m.start())
        slug = measure.split("/")[-1]
        if meeting and slug in ABOUT_MEETING:
            props["about"] = meeting[1]
        organisation = re.match(r"-member\s+(?:the\s+)?", ctx.text[m.end():m.end() + 16])
        if slug == "member-states" and organisation:  # "the eight-member SCO": the organisation's members
            named = ctx.matches_in(m.end() + organisation.end(), m.end() + organisation.end() + 60, {"org"})
            if named and named[0].start == m.end() + organisation.end():
                props["about"] = named[0].path
        prefix = f"{meeting[2]}-{meeting[3]}" if meeting else _prefix(props)
        subject = f"statistic/{prefix}/{slug}"
        if any(f.subject.startswith(subject) and f.props.get("value") == value and f.props.get("measure") == measure
               and f.props.get("period") == props.get("period") for f in ctx.facts):
            continue  # the same figure of the same measure stated again ("The three-member team …"): one statistic
        used[subject] = used.get(subject, 0) + 1
        if used[subject] > 1:
            subject += "-" + (period if period and period.isdigit() else str(used[subject]))
        confidence = round(0.5 + 0.35 * ratio, 2)
        ctx.add(Proposal("statistic", subject, props, quote, confidence,
                         f"a figure whose clause matches the measure '{label}'"))
        reporter = _reporter(ctx, sentence, m.start())
        if reporter and quote and reporter[1] != quote:
            reporter = (reporter[0], [reporter[1], quote])  # who said it, and the figure they said
        if reporter:
            extra = {"reportedBy": reporter[0]}
            if meeting and slug not in ABOUT_MEETING:
                extra["reportedAt"] = meeting[1]
            ctx.add(Proposal("statistic", subject, extra, reporter[1], 0.6, "the person the text says reported it"))


SOME_OF_THEM = re.compile(r"\b(?:from|of)\s+(?:the\s+)?$", re.IGNORECASE)
COUNTRIES_AFTER = re.compile(r"\s*(?:(?:SCO\s+)?(?:member\s+)?(?:countries|states|nations)\b|(?:государств|стран)"
                             r"[а-я]*|个?(?:成员国|国家))", re.IGNORECASE)
MEMBER_COMPOUND = re.compile(r"-member\s+(?:(?P<org>(?:the\s+)?[A-Z][\w-]*)|(?P<group>team|delegation|group|panel)\b)")


def _counted_by_form(ctx, m, sentence):
    """What a figure counts when no measure label fits its words, by the form of the phrase:
    "6个成员国的代表参加了会议", "from 17 countries" in a sentence about who attended: participating countries;
    "the eight-member SCO": an organisation's member states; "a three-member team": a delegation's members."""
    from kg.draft.meetings import ATTENDANCE

    known = ctx.gazetteer.entities
    compound = MEMBER_COMPOUND.match(ctx.text, m.end())
    if compound and compound.group("org") and "measure/member-states" in known:
        at = compound.start("org")
        if any(o.start <= at + 4 and o.end > at for o in ctx.matches_in(at, at + 60, {"org"})):
            return (0.5, True, 1), "measure/member-states", "member states of an organisation"
    if compound and compound.group("group") and "measure/delegation-members" in known:
        return (0.5, True, 1), "measure/delegation-members", "members of a delegation"
    if (COUNTRIES_AFTER.match(ctx.text, m.end()) and ATTENDANCE.search(sentence.text)
            and "measure/participating-countries" in known and ctx.meetings):
        return (0.5, False, 1), "measure/participating-countries", "participating countries"
    return None


def _ordinals(ctx):
    """Ordinals in digits ("40th", "24-е", "第20次"): never figures."""
    return [Span(m.start(), m.end()) for m in ORDINAL.get(ctx.language, ORDINAL["en"]).finditer(ctx.text)
            if m.groupdict().get("digits") or ctx.language == "zh"]


def _is_figure(ctx, m, value):
    text = ctx.text
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line = text[line_start:len(text) if line_end < 0 else line_end]
    if not re.search(r"[^\W\d_]", line):
        return False  # a number alone on its line: a page counter or a view count
    if re.search(r"(?:No\.|№|#)\s*$", text[max(0, m.start() - 5):m.start()]):
        return False
    if m.group("num") and re.fullmatch(r"(?:19|20)\d{2}", m.group("num")) and not m.group("scale"):
        if YEAR_CONTEXT.search(text[max(0, m.start() - 12):m.start()]) or re.match(r"\s*(?:年|году|года|г\.|year)",
                                                                                  text[m.end():m.end() + 6]):
            return False
        if not re.match(r"\s+[a-zа-я]", text[m.end():m.end() + 3]):
            return False
    if m.group("word") and m.group("word").lower() in ("one", "hundred", "dozen"):
        return False
    return int(float(value)) > 0 if value.replace(".", "").isdigit() else False


def _verb_first(ctx, left, number):
    """Russian puts the verb before the figure ("предотвращено более 40 терактов"): quote the clause from it."""
    return ctx.language in ("ru", "zh") and bool(ctx.text[left:number].strip())


def _period(ctx, sentence, at):
    best = None
    for m in re.finditer(PERIODS.get(ctx.language, PERIODS["en"]), sentence.text, re.IGNORECASE):
        distance = abs(sentence.start + m.start() - at) + (0 if sentence.start + m.start() < at else 40)
        if best is None or distance < best[0]:
            phrase = m.group(0)
            best = (distance, m.group("year") if m.groupdict().get("year") else phrase[0].lower() + phrase[1:])
    return best[1] if best else None


def _prefix(props):
    period = props.get("period", "")
    area = props.get("area", "").split("/")[-1]
    parts = [p for p in (area, period if period.isdigit() else "") if p]
    return "-".join(parts) or "report"


def _reporter(ctx, sentence, at):
    """Who reported the figure: a person named with a verb of speech in the same line, or the one 'he' refers to."""
    line_start = ctx.text.rfind("\n", 0, at) + 1
    line_end = ctx.text.find("\n", at)
    line_end = len(ctx.text) if line_end < 0 else line_end
    for start, end, path in ctx.persons:
        if line_start <= start < line_end:
            cue = None
            for c in SPEECH.finditer(ctx.text, max(line_start, start - 40), min(line_end, end + 40)):
                cue = c
                break
            if cue:
                quote = ctx.quote(min(cue.start(), start), max(cue.end(), end))
                if quote:
                    return path, quote
    source = ORG_SOURCE.search(ctx.text, line_start, line_end)
    if source:  # "По данным РАТС, …", "According to the RATS, …": an organisation reports it
        named = ctx.matches_in(source.end(), source.end() + 80, {"org"})
        if named and named[0].start - source.end() <= 4:
            quote = ctx.quote(source.start(), named[0].end)
            if quote:
                return named[0].path, quote
    pronoun = PRONOUN.search(ctx.text, line_start, line_end)
    if pronoun:
        earlier = [p for p in ctx.persons if p[0] < line_start]
        if earlier:
            quote = ctx.quote(pronoun.start(), pronoun.end())
            if quote:
                return earlier[-1][2], quote
    return None
