"""Belgian public holidays (the `holidays` library), named in French, Dutch or English."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

# The library's language codes for ours; it names Belgian holidays in each of them.
LIBRARY_LANGUAGES = {"fr": "fr", "nl": "nl", "en": "en_US"}


@lru_cache(maxsize=64)
def _year(year: int, lang: str) -> dict[date, str]:
    return dict(holidays.Belgium(years=year, language=LIBRARY_LANGUAGES.get(lang, "fr")))


def belgian_holidays(first: date, last: date, lang: str = "fr") -> dict[date, str]:
    """The Belgian public holidays from `first` to `last` (both included), each with its name in `lang`."""
    found: dict[date, str] = {}
    for year in range(first.year, last.year + 1):
        found.update((day, name) for day, name in _year(year, lang).items() if first <= day <= last)
    return dict(sorted(found.items()))


def is_belgian_holiday(day: date) -> bool:
    return day in _year(day.year, "fr")
