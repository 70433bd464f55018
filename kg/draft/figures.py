"""Read numbers and ordinals as the texts write them, in English, Russian and Chinese.

* figures: "1,440", "13,166", "1 600", "1,5 тыс." (1500), "около 240 тыс." (240000), "2.5 million",
  "ten" and "десять" (number-parser), "二十" and "1.5万" (cn2an);
* ordinals: "40th", "fortieth", "twenty-fourth" (number-parser), "40-е", "40-го", "сорокового",
  "двадцать четвёртого" (pymorphy3 gives the lemma "сороковой" of every case form; a small
  table gives its value), "第二十次" and "第20次" (cn2an).

The libraries are loaded once, on first use, and need nothing from the network.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an
from number_parser import parse_number, parse_ordinal

RU_ORDINALS = {
    "первый": 1, "второй": 2, "третий": 3, "четвёртый": 4, "четвертый": 4, "пятый": 5, "шестой": 6, "седьмой": 7,
    "восьмой": 8, "девятый": 9, "десятый": 10, "одиннадцатый": 11, "двенадцатый": 12, "тринадцатый": 13,
    "четырнадцатый": 14, "пятнадцатый": 15, "шестнадцатый": 16, "семнадцатый": 17, "восемнадцатый": 18,
    "девятнадцатый": 19, "двадцатый": 20, "тридцатый": 30, "сороковой": 40, "пятидесятый": 50,
    "шестидесятый": 60, "семидесятый": 70, "восьмидесятый": 80, "девяностый": 90, "сотый": 100,
}
RU_TENS = {"двадцать": 20, "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
           "восемьдесят": 80, "девяносто": 90}

EN_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ])?"
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|"
    r"fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth)"
)
ORDINAL = {
    "en": re.compile(r"(?<![\w-])(?:(?P<digits>\d{1,3})(?:st|nd|rd|th)|(?P<words>" + EN_ORDINAL_WORDS + r"))(?![\w])",
                     re.IGNORECASE),
    "ru": re.compile(r"(?<![\w-])(?:(?P<digits>\d{1,3})-?(?:[а-я]{1,3})|(?P<words>(?:(?:двадцать|тридцать|сорок|"
                     r"пятьдесят|шестьдесят|семьдесят|восемьдесят|девяносто)\s+)?[а-яё]+(?:ый|ой|ий|ого|ому|ом|ое|ая|"
                     r"ой|ую|ых|ые|ым|его|ему|ем|ее|ья|ье|ьей)))(?![\w])", re.IGNORECASE),
    "zh": re.compile(r"第(?P<words>[零〇一二三四五六七八九十百两\d]+)(?:次|届)"),
}

EN_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                   "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                   "hundred|dozen")
RU_NUMBER_WORDS = ("два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|одиннадцать|двенадцать|пятнадцать|"
                   "двадцать|тридцать|сорок|пятьдесят|сто")

FIGURE = {
    "en": re.compile(
        r"(?<![\w.,/:-])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<scale>thousand|million|billion))?(?![\w:/-]|[.,]\d)"
        r"|(?<![\w-])(?P<word>(?:" + EN_NUMBER_WORDS + r")(?:[- ](?:" + EN_NUMBER_WORDS + r"))?)(?![\w]|-(?!member\b))",
        re.IGNORECASE),  # "the eight-member SCO", "a three-member team": a figure too
    "ru": re.compile(
        r"(?<![\w.,/:-])(?P<num>\d{1,3}(?:[\u00a0 ]\d{3})+|\d+(?:,\d+)?)(?:\s*(?P<scale>тыс\.|тысяч[а-я]*|млн\.?|"
        r"миллион[а-я]*))?(?![\w:/-]|[.,]\d)"
        r"|(?<![\w-])(?P<word>(?:" + RU_NUMBER_WORDS + r"))(?![\w-])",
        re.IGNORECASE),
    "zh": re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<scale>万|亿)?|(?P<word>[一二三四五六七八九十百千万两]+)(?=[名个起次人条])"),
}
SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9, "тыс.": 1000, "млн": 10**6, "млн.": 10**6,
          "万": 10**4, "亿": 10**8}


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def ru_lemma(word: str) -> str:
    """Return the dictionary form of a Russian word (pymorphy3).

    >>> ru_lemma("сорокового")
    'сороковой'
    """
    return _morph().parse(word.lower())[0].normal_form


def ordinal_value(match: re.Match, language: str) -> int | None:
    """Return the number an ORDINAL match stands for, or None if it is not an ordinal."""
    if match.groupdict().get("digits"):
        return int(match.group("digits"))
    words = match.group("words")
    if language == "en":
        return parse_ordinal(words.lower())
    if language == "zh":
        return int(words) if words.isdigit() else int(cn2an.cn2an(words, "smart"))
    parts = words.lower().split()
    total = 0
    if len(parts) == 2:
        if parts[0] not in RU_TENS:
            return None
        total, parts = RU_TENS[parts[0]], parts[1:]
    value = next((RU_ORDINALS[p.normal_form] for p in _morph().parse(parts[0]) if p.normal_form in RU_ORDINALS), None)
    return None if value is None else total + value


def figure_value(match: re.Match, language: str) -> str | None:
    """Return the value a FIGURE match stands for, as the integer or decimal string a mapping gives.

    >>> figure_value(FIGURE["ru"].search("задержано 1,5 тыс. их членов"), "ru")
    '1500'
    >>> figure_value(FIGURE["en"].search("1,440 incidents"), "en")
    '1440'
    """
    if match.group("word"):
        word = match.group("word").lower()
        if language == "zh":
            value = cn2an.cn2an(word, "smart")
        elif word == "dozen":
            value = 12
        else:
            value = parse_number(word, language=language if language in ("en", "ru") else "en")
        return None if value is None else str(int(value))
    raw = match.group("num")
    if language == "ru":
        raw = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    else:
        raw = raw.replace(",", "")
    scale = match.group("scale")
    factor = 1
    if scale:
        key = scale.lower()
        factor = next((v for k, v in SCALES.items() if key.startswith(k.rstrip("."))), 1)
    if "." in raw:
        whole = float(raw) * factor
        return str(int(whole)) if whole == int(whole) else raw
    return str(int(raw) * factor)


def ordinal_en(n: int) -> str:
    """``n`` as an English ordinal in digits, for labels: 1st, 2nd, 11th, 23rd."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
