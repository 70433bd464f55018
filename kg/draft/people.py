"""Rules for people: who is named, with which post, and what they did at the meeting.

People are found by the authority data's spellings in every script, and, for someone the
authority data does not know, by a known post followed by a capitalised name ("Director of
the RATS Executive Committee Jumakhon Giyosov"), proposed as a new entity.

A post is recognised when every content word of one of its labels occurs in the words next
to the name, in any order and case ("the director of the SCO RATS executive committee",
"Chairman of the National Security Committee of the Republic of Kazakhstan"); Russian words
are compared by their lemma (pymorphy3), so "директора исполнительного комитета" matches
"директор исполнительного комитета"; Chinese labels must occur as written.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.draft.context import Context, Proposal
from kg.draft.figures import ru_lemma

STOP = {"the", "of", "and", "at", "in", "for", "a", "an", "on", "to", "by", "under", "named", "after", "its",
        "republic", "и", "в", "по", "при", "на", "的"}
ORGANS = {"sco", "rats", "шос", "ратс"}
HAN = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[\w]+(?:[-'][\w]+)*")
SPEECH = re.compile(r"\b(?:said|says|noted|stressed|emphasi[sz]ed|added|stated|told|highlighted|underlined|"
                    r"underscored|reported|concluded|believes|delivered|spoke|addressed|announced|remarked|"
                    r"pointed out|recalled)\b|заявил|отметил|сказал|подчеркнул|сообщил|выступ|рассказал|"
                    r"добавил|表示|指出|说|强调|介绍", re.IGNORECASE)
MESSAGE = re.compile(r"sent a message|message of greetings|направил послание|приветствие|致信|贺信", re.IGNORECASE)
HEADED = re.compile(r"headed by|led by|во главе с|возглавляем|率领", re.IGNORECASE)
CAPITALISED = {"latin": re.compile(r"(?<![\w-])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?![\w-])"),
               "cyrillic": re.compile(r"(?<![\w-])[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?(?![\w-])")}
NOT_NAMES = {"The", "In", "At", "On", "He", "She", "It", "According", "Director", "Chairman", "Deputy", "Head",
             "Professor", "Mr", "Mrs", "Ms", "General", "Secretary", "Minister", "President", "Foreign", "Major",
             "Executive", "Committee", "Council", "Republic", "State", "Institute", "Center", "Centre", "Conference",
             "Как", "По", "В", "На", "Директор", "Председатель", "Заместитель", "Глава", "Генеральный", "Министр",
             "Республики", "Совета", "Об", "Это", "Он", "Она"}


def candidate_names(text: str, script: str, taken: list) -> list[tuple[int, int, str]]:
    """Runs of two or three capitalised words outside the authority data's matches: names, maybe.

    >>> candidate_names("Director of the SCO RATS Executive Committee Jumakhon Giyosov said", "latin", [])
    [(45, 61, 'Jumakhon Giyosov')]
    """
    words = [m for m in CAPITALISED[script].finditer(text)
             if m.group(0) not in NOT_NAMES and not any(m.start() < e and m.end() > s for s, e in taken)]
    runs, current = [], []
    for word in words:
        if current and (word.start() - current[-1].end() > 1 or not text[current[-1].end():word.start()].isspace()):
            runs.append(current)
            current = []
        current.append(word)
    runs.append(current)
    return [(run[0].start(), run[-1].end(), text[run[0].start():run[-1].end()]) for run in runs if 2 <= len(run) <= 3
            and not re.search(r"\b(?:of|in|at|for|the)\s+$", text[max(0, run[0].start() - 5):run[0].start()])]


TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                     "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def slug(name: str) -> str:
    """Return the path segment for a name, transliterated from Cyrillic.

    >>> slug("Джумахон Гиесов")
    'dzhumakhon-giesov'
    """
    latin = "".join(TRANSLIT.get(c, c) for c in name.lower())
    return re.sub(r"[^a-z0-9]+", "-", latin).strip("-")


def _norm(word: str, language: str) -> str:
    word = word.lower()
    if re.search(r"[\u0400-\u04ff]", word):
        return ru_lemma(word)
    word = re.sub(r"iz(e|ed|es|ing|ation|ations)$", r"is\1", word)  # organization, organisation
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


@lru_cache(maxsize=4096)
def _tokens(phrase: str, language: str) -> tuple:
    words = []
    for m in WORD.finditer(phrase):
        if HAN.search(m.group(0)):  # Chinese has no spaces: compare pairs of characters
            run = m.group(0)
            words += [(run[i:i + 2], m.start() + i, m.start() + i + 2) for i in range(max(1, len(run) - 1))]
            continue
        for part in m.group(0).split("-"):
            norm = _norm(part, language)
            if norm == "акт" and words and words[-1][0] == "террористический":
                words[-1] = ("теракт", words[-1][1], m.end())  # "террористических актов" is "терактов"
                continue
            if norm not in STOP and len(norm) > 1:
                words.append((norm, m.start(), m.end()))
    return tuple(words)


PLACE_AND_TITLE = re.compile(r"\s+(?:at|of|named\s+after)\s+(?:the\s+)?[A-Z][\w.-]*(?:\s+(?:[A-Z][\w.-]*|named|after|of|the|and))*"
                             r"\s*,?\s*(?:(?:[Pp]rofessor|Dr\.?|(?:(?:Major|Lieutenant|Brigadier)[- ])?General|Colonel)\s*)?")
""""Director of the Institute … at Moscow State University named after MV Lomonosov, Professor Alexey Maslov":
the post's words, a name or place of its organisation ("at …", "named after …"), a title, then the name."""


def find_post(ctx: Context, start: int, end: int, before: bool):
    """The post whose label's words all occur in text[start:end]; with the span of those words."""
    window = ctx.text[start:end]
    zh = ctx.language == "zh"
    found = _tokens(window, ctx.language)
    words = {w for w, _, _ in found}
    best = None
    for entity in ctx.gazetteer.of_kind("post"):
        for label, _language, _hidden in entity.labels:
            if re.search(r"[\u4e00-\u9fff]", label):
                at = window.rfind(label) if before else window.find(label)
                if zh and at >= 0 and (best is None or len(label) > best[0]):
                    best = (len(label), entity.path, start + at, start + at + len(label))
                continue
            needed = {w for w, _, _ in _tokens(label, ctx.language)}
            if needed - ORGANS and (needed - ORGANS) <= words and len(needed - words) <= 1:
                needed = needed & words  # the organisation's acronym left out: "RATS Director of the Executive Committee"
            if not needed or not needed <= words:
                continue
            positions = [(s, e) for w, s, e in found if w in needed]
            if before:  # the label's words nearest the name
                last = {}
                for w, s, e in found:
                    if w in needed:
                        last[w] = (s, e)
                positions = list(last.values())
            else:
                first = {}
                for w, s, e in found:
                    if w in needed and w not in first:
                        first[w] = (s, e)
                positions = list(first.values())
            span = (start + min(s for s, _ in positions), start + max(e for _, e in positions))
            gap = ctx.text[span[1]:end] if before else ctx.text[start:span[0]]
            if len(gap.split()) > 3 and not (before and PLACE_AND_TITLE.fullmatch(gap)):
                continue
            if best is None or len(needed) > best[0]:
                best = (len(needed), entity.path, *span)
    return best


def propose_people(ctx: Context) -> None:
    """Propose each person's stated name, post and part in the meeting."""
    known = ctx.matches_in(0, len(ctx.text), {"person"})
    names = [(m.start, m.end, m.path, m.text) for m in known]
    taken = [(m.start, m.end) for m in ctx.matches]
    script = "cyrillic" if ctx.language == "ru" else "latin"
    if ctx.language != "zh":
        names += [(s, e, None, name) for s, e, name in candidate_names(ctx.text, script, taken)]
    names.sort()
    seen_names, holdings, known_post, named_with_post, titled = set(), set(), {}, set(), set()
    for start, end, path, name in names:
        sentence = ctx.sentence_at(start)
        post = find_post(ctx, max(sentence.start, start - 120), start, before=True)
        after = ctx.text[end:min(sentence.end, end + 120)]
        if not post and (re.match(r",\s*(?:the\s+)?|\s*[-–—]\s*|,\s*|\s+(?:is|was)\s+(?:an?|the)\s+", after)
                         or ctx.language == "zh"):
            post = find_post(ctx, end, min(sentence.end, end + 120), before=False)
        if path is None:
            if not post:
                continue
            path = f"person/{slug(name)}"
            ctx.declare(path, "Person", name, "a name after a known post, not in the authority data")
        ctx.persons.append((start, end, path))
        person = path.split("/")[-1]
        new = path in ctx.entities
        if post:
            _, post_path, post_start, post_end = post
            begin, finish = min(post_start, start), max(post_end, end)
            quote = ctx.quote(begin, finish)
            holding = f"holding/{post_path.split('/')[-1]}/{person}"
            props = {"a": "PostHolding", "holder": path, "post": post_path}
            meeting = ctx.meeting_at(start) if at_the_meeting(ctx, start) else None
            if meeting:
                props["atMeeting"] = meeting[1]
            elif ctx.publication:
                props["asOf"] = ctx.publication.first
                quote = [quote, ctx.quote(ctx.publication.start, ctx.publication.end)]
            if holding in holdings:
                props = {"holder": path}
            holdings.add(holding)
            ctx.add(Proposal("person", holding, props, quote, 0.5 if new else 0.8,
                             f"a post of the authority data next to the name ({post_path})"))
            if name not in named_with_post:  # again if first seen bare: the quote that says who it is
                seen_names.add(name)
                named_with_post.add(name)
                ctx.add(Proposal("person", path, {"statedName": name}, quote, 0.55 if new else 0.85,
                                 "the name as the text writes it"))
        elif name not in seen_names and path:
            seen_names.add(name)
            ctx.add(Proposal("person", path, {"statedName": name}, ctx.quote(start, end), 0.7,
                             "a spelling of a person in the authority data"))
        if path not in titled and _title(ctx, start, end, path):
            titled.add(path)
        _part(ctx, start, end, path, sentence, post[1] if post else known_post.get(path))
        if post:
            known_post.setdefault(path, post[1])


TITLES = [
    ("militaryRank", re.compile(r"(?<![\w-])(?:(?:Major|Lieutenant|Brigadier|Colonel)[- ]General|(?:Lieutenant[- ])?Colonel)"
                                r"\s+$")),
    ("academicTitle", re.compile(r"(?<![\w-])(?:[Pp]rofessor|(?:[Dd]octor|[Cc]andidate) of [A-Z][a-z]+(?: [A-Z][a-z]+)? "
                                 r"Sciences),?\s+$")),
]
"""A rank or an academic title right before the name ("Major General Ghiyosov Jamakhon", "Professor Alexey Maslov",
"candidate of Political Sciences, Sergei Markov"); not a bare "General" ("Secretary General Sabyr Imandosov").
English only: a Russian title is declined ("генерал-майора"), and its nominative is not in the text to quote."""


def _title(ctx, start, end, path) -> bool:
    """Propose the rank or academic title the text puts right before a name; return whether it found one."""
    if ctx.language != "en":
        return False
    before = ctx.text[max(0, start - 60):start]
    for prop, pattern in TITLES:
        found = pattern.search(before)
        if found:
            begin = start - (len(before) - found.start())
            ctx.add(Proposal("person", path, {prop: found.group(0).strip(" ,")}, ctx.quote(begin, end), 0.7,
                             "a rank or academic title right before the name"))
            return True
    return False


MEETING_WORDS = re.compile(r"\b(?:meeting|conference|forum|session|event|participants)\b|заседани|конференци|"
                           r"совещани|форум|会议|论坛", re.IGNORECASE)


EXPERT = re.compile(r"\b(?:believes|considers|thinks|recalled|expert|professor|analyst|political scientist|"
                    r"candidate of|told (?:us|reporters|journalists))\b|эксперт|политолог|считает|полагает|专家|认为",
                    re.IGNORECASE)


AUTHOR_NOTE = re.compile(r"\b(?:is|was)\s+an?\s+(?:[a-z]+\s+)?(?:editor|journalist|correspondent|reporter|writer|"
                         r"columnist)\s+(?:for|at|with)\b")
"""The note on the author closing a page ("Puck Henry is an editor for ePrimefeed"): not said at the meeting."""


def at_the_meeting(ctx, offset) -> bool:
    """Whether the paragraph at ``offset`` is about the meeting: it names it, or the text has one meeting and
    this is not an expert's comment ("believes", "an expert at")."""
    if not ctx.meetings:
        return False
    start = ctx.text.rfind("\n", 0, offset) + 1
    end = ctx.text.find("\n", offset)
    end = len(ctx.text) if end < 0 else end
    if MEETING_WORDS.search(ctx.text, start, end):
        return True
    sentence = ctx.sentence_at(offset)
    return (len({path for _, path, *_ in ctx.meetings}) == 1 and not EXPERT.search(sentence.text)
            and not AUTHOR_NOTE.search(sentence.text))


def _part(ctx, start, end, path, sentence, post=None):
    meeting = ctx.meeting_at(start)
    if not meeting or not at_the_meeting(ctx, start):
        return
    line_start = ctx.text.rfind("\n", 0, start) + 1
    line_end = ctx.text.find("\n", start)
    names_it = MEETING_WORDS.search(ctx.text, line_start, len(ctx.text) if line_end < 0 else line_end)
    if not names_it and not (post or "").startswith("post/sco"):
        return  # said in a paragraph that does not name the meeting, by someone who holds no SCO post
    _, meeting_path, series, edition = meeting
    for pattern, role, confidence in ((MESSAGE, "messageSender", 0.6), (HEADED, "delegationHead", 0.6),
                                      (SPEECH, "speaker", 0.6)):
        cue = pattern.search(sentence.text)
        if not cue:
            continue
        if role == "delegationHead" and not (0 <= start - (sentence.start + cue.end()) < 80):
            continue
        at = sentence.start + cue.start()
        begin, finish = min(at, start), max(sentence.start + cue.end(), end)
        ctx.add(Proposal("participation", f"participation/{series}/{edition}/{path.split('/')[-1]}", {
            "a": "Participation", "meeting": meeting_path, "participant": path, "role": role},
            ctx.quote(begin, finish), confidence, f"'{cue.group(0)}' with the name in one sentence"))
        return
