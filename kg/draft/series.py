"""Numbered meetings of the other series of the authority data, found by the series' own labels.

The two series the texts name most (scientific-practical conferences, Council meetings) have
rules of their own (:mod:`kg.draft.meetings`). Every other series of the authority data is
found by its labels: an ordinal ("15-го", "second", "第三次") followed, within a few words, by
most of the content words of one of the series' labels, the first of them right after the
ordinal ("15-го заседания генеральных прокуроров стран-участниц … ШОС" against "заседания
генеральных прокуроров государств-членов ШОС"; "the second online counter-terrorism
exercises of the SCO member countries" against "SCO online counter-terrorism exercise").
Words are compared as the post rule compares them (Russian by lemma). The path is
``meeting/<series>/<edition>``, as for the two main series.
"""

from __future__ import annotations

from kg.draft.context import Context
from kg.draft.figures import ORDINAL, ordinal_en, ordinal_value
from kg.draft.people import ORGANS, _tokens

MAIN = {"series/rats-conference", "series/rats-council"}
GENERIC = {"meetings", "meeting", "заседание", "заседания", "会议"} | ORGANS
"""Words of a series label that say nothing of which series it is."""
KIND = {"meeting", "заседание", "exercise", "учение", "conference", "конференция", "会议", "演习", "会晤"}
"""Words for a kind of meeting (as _tokens gives them): one must follow the ordinal."""


def _labels(ctx: Context) -> list[tuple[str, str, list[str]]]:
    found = []
    for entity in ctx.gazetteer.of_kind("series"):
        if entity.path in MAIN:
            continue
        for label, language, _hidden in entity.labels:
            words = [w for w, _, _ in _tokens(label, language or ctx.language)]
            if len([w for w in words if w not in GENERIC]) >= 2:
                found.append((entity.path, label, words))
    return found


def other_series(ctx: Context, describe) -> None:
    """Find ordinals naming an edition of another series; ``describe`` proposes what the sentence says of it."""
    labels = _labels(ctx)
    if not labels:
        return
    pattern = ORDINAL.get(ctx.language, ORDINAL["en"])
    for m in pattern.finditer(ctx.text):
        if any(s <= m.start() < e for s, e in ctx.ordinals):
            continue  # already an edition of a main series
        sentence = ctx.sentence_at(m.start())
        after = _tokens(ctx.text[m.end():min(sentence.end, m.end() + 120)], ctx.language)
        if not after:
            continue
        words = {w for w, _, _ in after[:10]}
        best = None
        for path, label, needed in labels:
            run = 0  # the words right after the ordinal that are the label's: "joint online counter terrorism exercise"
            while run < len(after) and after[run][0] in needed:
                run += 1
            named = {w for w, _, _ in after[:run]}
            covered = len(set(needed) & words) / len(set(needed))
            if run < 2 or covered < 0.5 or not named & KIND or not named - GENERIC:
                continue  # the kind of meeting must be among them: not "the first joint anti-terrorism drill"
            if best is None or (run, covered) > best[0]:
                best = ((run, covered), path, label)
        if not best:
            continue
        value = ordinal_value(m, ctx.language)
        if not value or not 0 < value < 500:
            continue
        _, path, label = best
        series = path.split("/", 1)[1]
        meeting = f"meeting/{series}/{value}"
        cls = "Exercise" if "exercise" in label.lower() or "учени" in label.lower() else "Meeting"
        ctx.ordinals.append(m.span())
        ctx.meetings.append((m.start(), meeting, series, value))
        ctx.declare(meeting, cls, f"{ordinal_en(value)} of the series '{ctx.gazetteer.entities[path].label}'",
                    f"an ordinal before the words of the series' label '{label}'")
        describe(ctx, m.start(), m.end(), meeting, series, value, cls)
