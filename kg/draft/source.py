"""Rules for the source itself: its title, publication date, dateline city, publisher, relays.

The traps the design names are kept apart here: a dateline city ("ASTANA –", "Ташкент. 28
марта", "新华网塔什干3月27日电") is where the report was filed, never the venue, and a page's
date ("Date: September 8, 2024", "Published: …", "发布时间:…", a stored " date 2022-10-14"
prefix) is the source's publication date, never a meeting's date.
"""

from __future__ import annotations

import re

from kg.draft.context import Context, Proposal

PUBLISHED = re.compile(r"(?im)(?:^|\s)(?:date|published|posted|updated|发布时间|发布日期|дата|опубликовано)\s*[:：]?\s*$")
RELAYS = {
    "en": r"(?:as reported by|according to|citing|reports?|reported by|told|quoted)\s*[“\"«]?\s*(?<=\s|[“\"«])(?:the\s+)?$",
    "ru": r"(?:сообщает|сообщил[аои]?|передает|передаёт|цитирует|по данным|по сообщению|со ссылкой на)\s+(?:[\w-]+\s+){0,3}$",
    "zh": r"(?:据|来源[:：]?)\s*$",
}
SOURCE_LINE = re.compile(r"(?im)^\s*(?:source|источник|来源)\s*[:：]\s*")


def propose_source_facts(ctx: Context) -> None:
    """Propose the dateline city, publication date, publisher, relays and title."""
    _dateline(ctx)
    _publication_date(ctx)
    _publisher_and_relays(ctx)
    _author(ctx)
    _title(ctx)


def _dateline(ctx: Context) -> None:
    head = ctx.text[:800]
    for match in ctx.matches_in(0, len(head), {"city"}):
        line_start = ctx.text.rfind("\n", 0, match.start) + 1
        before = ctx.text[line_start:match.start]
        after = ctx.text[match.end:match.end + 40]
        dated = next((d for d in ctx.dates if 0 <= d.start - match.end <= 25
                      and re.fullmatch(r"[\s,.]*(?:[A-ZА-ЯЁ]\w+[\s,.]+)?", ctx.text[match.end:d.start])), None)
        upper = match.text.isupper() and re.match(r"\s*[,–—-]", after)
        wire = ctx.language == "zh" and dated and ctx.text[dated.end:dated.end + 1] == "电"
        lead = not before.strip() or (ctx.language == "zh" and len(before.strip()) <= 4)
        if not lead or not (upper or dated and re.match(r"\s*[,.]", after) or wire):
            continue
        end = dated.end if dated else match.end + len(re.match(r"\s*[,–—-]", after).group(0))
        if wire:
            end += 1
        ctx.dateline = (match.start, end)
        quote = ctx.quote(match.start, end)
        ctx.add(Proposal("source", "source", {"datelineCity": match.path}, quote, 0.85,
                         "a city opening the report, before its date or a dash: where it was filed, not the venue"))
        if dated:  # "Ташкент. 28 марта": the day it was filed, with a year only if one is written
            ctx.add(Proposal("source", "source", {"datelineDate": dated.first}, quote, 0.8,
                             "the date of the dateline: when the report was filed, not a meeting's date"))
        return


def _publication_date(ctx: Context) -> None:
    for date in ctx.dates:
        line_start = ctx.text.rfind("\n", 0, date.start) + 1
        before = ctx.text[line_start:date.start]
        labelled = PUBLISHED.search(before)
        at_start = date.start < 40 and not ctx.text[:date.start].strip(" date\n")
        clock = re.search(r"\d{1,2}:\d{2}\s*,?\s*$", before) and date.start < 300
        if not (labelled or at_start or clock) or not date.has_year:
            continue
        ctx.publication = date
        start = line_start + (labelled.start() if labelled else len(before))
        value, end = date.first, date.end
        clock = re.match(r"[ T](\d{2}:\d{2}:\d{2})(?!\d)", ctx.text[date.end:date.end + 10])
        twelve = re.match(r" (\d{1,2}):(\d{2}) ?([AP]M)\b", ctx.text[date.end:date.end + 12])
        if clock and len(value) == 10:  # "2019-04-12 11:29:27": the page's time too
            value, end = f"{value}T{clock.group(1)}", date.end + clock.end()
        elif twelve and len(value) == 10 and 1 <= int(twelve.group(1)) <= 12:  # "Jul 23, 2024 07:56 PM"
            hour = int(twelve.group(1)) % 12 + (12 if twelve.group(3) == "PM" else 0)
            value, end = f"{value}T{hour:02d}:{twelve.group(2)}:00", date.end + twelve.end()
        quote = ctx.quote(start, end)
        ctx.add(Proposal("source", "source", {"publicationDate": value}, quote, 0.85 if labelled else 0.7,
                         "a date labelled as the page's, or standing at its head" if labelled or clock
                         else "the date opening the stored page"))
        return
    _date_closing_the_page(ctx)


def _date_closing_the_page(ctx: Context) -> None:
    """A full date alone on its line after the last paragraph of the text ("4 October 2021" under a press release):
    the page's date, when none heads or labels it."""
    paragraphs = [m for m in re.finditer(r"[^\n]{200,}", ctx.text)]
    if not paragraphs:
        return
    for date in ctx.dates:
        line_start = ctx.text.rfind("\n", 0, date.start) + 1
        line_end = ctx.text.find("\n", date.end)
        line = ctx.text[line_start:len(ctx.text) if line_end < 0 else line_end]
        if date.full and date.start > paragraphs[-1].end() and line.strip() == date.text.strip():
            ctx.publication = date
            ctx.add(Proposal("source", "source", {"publicationDate": date.first}, ctx.quote(date.start, date.end), 0.6,
                             "a full date alone on its line after the text's last paragraph"))
            return


def _publisher_and_relays(ctx: Context) -> None:
    first_line = next((line for line in ctx.text.split("\n") if line.strip()), "")
    first_start = ctx.text.find(first_line)
    for match in ctx.matches:
        if match.kind not in ("media", "org"):
            continue
        line_start = ctx.text.rfind("\n", 0, match.start) + 1
        line_end = ctx.text.find("\n", match.end)
        line_end = len(ctx.text) if line_end < 0 else line_end
        before = ctx.text[line_start:match.start]
        if SOURCE_LINE.fullmatch(before) or SOURCE_LINE.match(before) and len(before) < 15:
            ctx.add(Proposal("source", "source", {"publisher": match.path}, ctx.quote(line_start, match.end), 0.8,
                             "named on a 'Source:' line"))
            continue
        window = ctx.text[max(0, match.start - 60):match.start]
        cue = re.search(RELAYS.get(ctx.language, RELAYS["en"]), window, re.IGNORECASE)
        on_dated_line = any(d.start >= line_start and d.end <= line_end for d in ctx.dates[:3]) and match.start < 600
        wire = ctx.dateline and (0 <= ctx.dateline[0] - match.end <= 2 or (
            0 <= match.start - ctx.dateline[1] <= 3 and ctx.text[match.start - 1] == "("))  # "TASHKENT, May 29 (Xinhua)"
        filed = ctx.dateline and match.kind == "media" and re.fullmatch(
            r"\s*(?:[.,]|[–—-]{1,2})\s*", ctx.text[ctx.dateline[1]:match.start])  # "ДУШАНБЕ, 7 ноя — Sputnik."
        if filed:
            ctx.add(Proposal("source", "source", {"publisher": match.path},
                             ctx.quote(ctx.dateline[0], match.end), 0.6,
                             "a news outlet's name right after the dateline: the outlet that filed the report"))
            continue
        contributor = re.search(r"\(\s*with\s+(?:inputs\s+from\s+)?(?:the\s+)?$", before, re.IGNORECASE)
        if match.kind == "media" and contributor and re.match(r"(?:\s+inputs)?\s*\)", ctx.text[match.end:line_end]):
            finish = match.end + len(re.match(r"(?:\s+inputs)?\s*\)", ctx.text[match.end:line_end]).group(0))
            ctx.add(Proposal("source", "source", {"relays": match.path},
                             ctx.quote(line_start + contributor.start(), finish), 0.7,
                             "'(With inputs from …)': an agency the report draws on"))
            continue
        if match.kind == "media" and wire:
            ctx.add(Proposal("source", "source", {"relays": match.path},
                             ctx.quote(min(match.start, ctx.dateline[0]), max(match.end, ctx.dateline[1])), 0.6,
                             "a news agency named with the dateline: the wire the report comes from"))
            continue
        if match.kind == "media" and on_dated_line and not cue and not ctx.text[match.end:line_end].strip(" .,)"):
            ctx.add(Proposal("source", "source", {"publisher": match.path}, ctx.quote(line_start, match.end), 0.6,
                             "a news outlet's name closing the line of the page's date"))
            continue
        if match.kind == "media" and re.match(r"(?i)\s*by\s", before) and re.search(r"[–—-]\s*$", before):
            ctx.add(Proposal("source", "source", {"relays": match.path}, ctx.quote(line_start, match.end), 0.6,
                             "a news agency after the author's name in the byline"))
            continue
        if match.kind == "media" and match.start == first_start and line_end - match.end <= 1:
            ctx.add(Proposal("source", "source", {"publisher": match.path}, ctx.quote(match.start, match.end), 0.75,
                             "a news outlet's name alone on the first line"))
            continue
        if match.kind == "media" and re.match(r"\s+(?:reports|сообщает|报道)\b", ctx.text[match.end:match.end + 12]):
            finish = match.end + len(re.match(r"\s+\S+", ctx.text[match.end:]).group(0))
            ctx.add(Proposal("source", "source", {"publisher": match.path}, ctx.quote(match.start, finish), 0.6,
                             "a news outlet saying it reports: the page's own"))
            continue
        said = re.match(r"(?:\s*\([^)]{1,12}\))?\s+(?:reported|said|сообщил[аои]?)\b", ctx.text[match.end:match.end + 30])
        if match.kind == "media" and said:  # "China Central Television (CCTV) reported on Tuesday": another outlet's report
            ctx.add(Proposal("source", "source", {"relays": match.path},
                             ctx.quote(match.start, match.end + said.end()), 0.6, "a news outlet the text says reported it"))
            continue
        if match.kind == "media" and cue:
            start = match.start - (len(window) - cue.start())
            ctx.add(Proposal("source", "source", {"relays": match.path}, ctx.quote(start, match.end), 0.7,
                             "a news outlet the text cites"))


def _title(ctx: Context) -> None:
    """The first short line standing alone, that is neither an outlet's name, a date nor a menu."""
    offset = 0
    for index, line in enumerate(ctx.text.split("\n")):
        start, offset = offset, offset + len(line) + 1
        words = line.split()
        if index > 12:
            return
        if not words:
            continue
        stripped = line.strip()
        if any(m.start <= start + len(line) - len(line.lstrip()) and m.end >= start + len(line.rstrip())
               for m in ctx.matches if m.kind == "media"):
            continue
        if any(d.start >= start and d.end <= start + len(line) and len(d.text) > len(stripped) / 2 for d in ctx.dates):
            continue
        short = 3 <= len(words) <= 25 if ctx.language != "zh" else 6 <= len(stripped) <= 60
        if not short or stripped.endswith(("...", "…")) or not (stripped[0].isupper() or ctx.language == "zh"):
            if len(words) > 25 or (ctx.language == "zh" and len(stripped) > 60):
                return  # the article has begun: a title comes before its text
            continue
        if stripped.endswith((".", "。")) and not stripped.endswith(("”.", "\".")):
            return
        if (re.search(r"[>|»]|[a-zа-яё][A-ZА-ЯЁ]| / ", stripped) or stripped.count(" ".join(words[:4])) > 1
                or stripped.isupper() or len(words) > 16):
            continue  # a breadcrumb, a menu glued together, a line that repeats itself
        begin = start + len(line) - len(line.lstrip())
        quote = ctx.quote(begin, begin + len(stripped))
        ctx.add(Proposal("source", "source", {"title": " ".join(stripped.split())}, quote, 0.6,
                         "the first short line standing alone: the headline"))
        return


AUTHOR_NOTE = re.compile(r"\s+(?:is|was)\s+an?\s+(?:[a-z]+\s+)?(?:editor|journalist|correspondent|reporter|writer|"
                         r"columnist|author)\s+(?:for|at|with|of)\s+$")
""""Puck Henry is an editor for ePrimefeed": the note on the author that closes a page."""
BYLINE = re.compile(r"(?i)(?:^|\s|\d)(?:by|author|written by|автор|作者)\s*[:：]?\s*$")


def _author(ctx: Context) -> None:
    """A byline ("By Zhang Tao", "作者:董龙江", "Автор: …") naming a person of the authority data, or the note
    on the author closing the page ("Puck Henry is an editor for ePrimefeed"): its author and its outlet."""
    if ctx.language == "en":
        _author_note(ctx)
    for match in ctx.matches:
        if match.kind != "person":
            continue
        line_start = ctx.text.rfind("\n", 0, match.start) + 1
        byline = BYLINE.search(ctx.text[line_start:match.start])
        previous_line = ctx.text[ctx.text.rfind("\n", 0, max(0, line_start - 1)) + 1:max(0, line_start - 1)]
        alone = not ctx.text[line_start:match.start].strip() and not ctx.text[match.end:ctx.text.find("\n", match.end)
                                                                                  ].strip()
        under_outlet = alone and any(m.kind == "media" and m.start >= line_start - len(previous_line) - 1
                                     and m.end <= line_start for m in ctx.matches) and match.start < 400
        if byline or under_outlet:
            begin = line_start + byline.start() if byline else line_start - len(previous_line) - 1
            ctx.add(Proposal("source", "source", {"author": match.path}, ctx.quote(max(0, begin), match.end), 0.7,
                             "a byline naming the author" if byline else "a name alone under the outlet's name"))
            return


def _author_note(ctx: Context) -> None:
    """"<person> is an editor for <outlet> …" opening a line near the page's end (the last 600 characters, where a
    site's menus may follow it): the author and the publisher."""
    lines_start = len(ctx.text.rstrip()) - 600
    for person in ctx.matches:
        line_start = ctx.text.rfind("\n", 0, person.start) + 1
        if person.kind != "person" or person.start < lines_start or ctx.text[line_start:person.start].strip():
            continue
        outlet = next((m for m in ctx.matches if m.kind == "media" and AUTHOR_NOTE.fullmatch(
            ctx.text[person.end:m.start])), None)
        if outlet:
            ctx.add(Proposal("source", "source", {"author": person.path}, ctx.quote(person.start, outlet.end), 0.6,
                             "a note on the author closing the page"))
            ctx.add(Proposal("source", "source", {"publisher": outlet.path}, ctx.quote(person.start, outlet.end), 0.6,
                             "the outlet the closing note on the author says they write for"))
            return
