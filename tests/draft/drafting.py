"""What the drafter's tests share: drafting a text and reading its facts, and three texts.

Each test drafts a text, reads the draft with the mapper engine (so it must be valid) and
checks the facts it states, as (subject, property, value) with the quote's words. The
``drafter`` fixture (the project's authority data with the spellings of ``labels.ttl``) is
in ``conftest.py``.
"""

from __future__ import annotations

import yaml

from kg.sources.mapper import map_source


def drafted(drafter, vocabulary, text, language=None):
    """Draft ``text``, check the engine maps it, and return {(subject, property): [(value, quote)]}."""
    mapping = drafter.draft(text, language)
    map_source(mapping, text, source_id="t", vocabulary=vocabulary, known=drafter.known)
    facts = {}
    for fact in yaml.safe_load(mapping)["facts"]:
        for key, value in fact.items():
            if key not in ("subject", "quote"):
                facts.setdefault((fact["subject"], key), []).append((value, fact["quote"]))
    return mapping, facts


def values(facts, subject, key):
    return [value for value, _ in facts.get((subject, key), [])]


EN_CONFERENCE = (
    "TASHKENT – Kazakhstan hosted on Nov. 7-8 the fortieth scientific and practical conference of the SCO RATS.\n"
    "More than 150 participants from 12 countries gathered in Tashkent, including member and observer states.\n"
    "“About 1,500 online materials were blocked, at least 20 terrorist attacks have been prevented and nearly 300 "
    "individuals detained,” said Ruslan Mirzayev, the director of the SCO RATS executive committee.\n"
    "The hall seats 1500 people.\n"
    "3 270"
)


RU_COUNCIL = (
    "Ташкент. 12 апреля. В Ташкенте прошло сорок второе заседание Совета РАТС ШОС под председательством Казахстана.\n"
    "В заседании приняли участие делегации государств-членов ШОС: Индии, Казахстана, Китая и России; "
    "наблюдатели — Белоруссия и Монголия.\n"
    "Как сообщил директор исполкома РАТС ШОС Руслан Мирзаев, в 2023 году в странах ШОС предотвращено более 40 "
    "терактов, задержано 1,5 тыс. их членов и пособников, а также заблокировано около 240 тыс. интернет-ресурсов."
)


ZH_COUNCIL = ("新华网塔什干3月27日电 上海合作组织地区反恐怖机构理事会第二十次会议27日在塔什干举行。"
              "哈萨克斯坦、中国和俄罗斯等成员国代表团出席会议，白俄罗斯和蒙古作为观察员国参加。\n"
              "地区反恐怖机构执委会主任鲁斯兰·米尔扎耶夫表示，去年共预防恐怖袭击超过40起。")
