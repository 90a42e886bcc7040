"""Dates as embeds print them ("May 22, 2023", "22 May 2023", "22. Mai 2023"), to ISO form."""

from __future__ import annotations

import re
from datetime import date

# Month names in the languages embeds are most often rendered in; the first three letters
# (or the whole word for short names) identify a month, so abbreviations match too.
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janvier enero gennaio janeiro januari январь января січня stycznia",
        "february feb februar février fevrier febrero "
        "febbraio fevereiro februari февраля лютого lutego",
        "march mar märz maerz mars marzo março maart марта березня marca",
        "april apr avril abril aprile апреля квітня kwietnia",
        "may mai mayo maggio maio mei мая травня maja",
        "june jun juni juin junio giugno junho июня червня czerwca",
        "july jul juli juillet julio luglio julho июля липня lipca",
        "august aug août aout agosto augustus августа серпня sierpnia",
        "september sep sept septembre septiembre settembre setembro сентября вересня września",
        "october oct oktober octobre octubre ottobre outubro октября жовтня października",
        "november nov novembre noviembre novembro ноября листопада listopada",
        "december dec dezember décembre decembre "
        "diciembre dicembre dezembro декабря грудня grudnia",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

MONTH = r"[^\W\d_]{3,12}\.?"
DATE_PATTERN = (
    # May 22, 2023
    rf"(?:{MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    # 22 May 2023, 22. Mai 2023, 3 de marzo de 2021
    rf"|\d{{1,2}}\.?\s+(?:de\s+)?{MONTH}\s+(?:de\s+)?\d{{4}}(?:\s*г\.)?)"
)
_MONTH_FIRST = re.compile(rf"\b({MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})")
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\.?\s+(?:de\s+)?({MONTH})\s+(?:de\s+)?(\d{{4}})")


# Three-letter abbreviations of every name above ("Okt", "Dez", "Gen"), where they name one
# month only ("jui" is both juin and juillet, so it is left out).
_ABBREVIATIONS: dict[str, set[int]] = {}
for _name, _number in _MONTHS.items():
    _ABBREVIATIONS.setdefault(_name[:3], set()).add(_number)
for _prefix, _numbers in _ABBREVIATIONS.items():
    if len(_numbers) == 1:
        _MONTHS.setdefault(_prefix, _numbers.pop())


def month_number(name: str) -> int | None:
    word = name.lower().rstrip(".")
    return _MONTHS.get(word) or (_MONTHS.get(word[:3]) if len(word) >= 3 else None)


def parse_date(text: str | None) -> str | None:
    """ISO date (YYYY-MM-DD) of the first date printed in the text, or None.

    Dates come with times and weekdays around them ("05:38 PM - 07 Jun 2019",
    "Wednesday, September 23, 2015", "11 January 2026 at 05:43"), so the text is searched.
    """
    if not text:
        return None
    text = " ".join(text.split())
    candidates = [
        (m.start(), m.group(1), m.group(2), m.group(3)) for m in _MONTH_FIRST.finditer(text)
    ]
    candidates += [
        (m.start(), m.group(2), m.group(1), m.group(3)) for m in _DAY_FIRST.finditer(text)
    ]
    for _, month_name, day, year in sorted(candidates):
        month = month_number(month_name)
        if month is None:
            continue
        try:
            return date(int(year), month, int(day)).isoformat()
        except ValueError:
            continue
    return None
