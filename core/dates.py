"""Dates in the ROC (Minguo) calendar: year 1 is 1912, so 2026 is 民國115年."""

import datetime
import re

ROC_OFFSET = 1911


def roc_year(value: datetime.date) -> int:
    return value.year - ROC_OFFSET


def format_roc(value: datetime.date | None, english: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    year = roc_year(value)
    if english:
        return f"ROC {year}-{value.month:02d}-{value.day:02d}"
    if year < 1:
        return f"民國前{1 - year}年{value.month}月{value.day}日"
    return f"民國{year}年{value.month}月{value.day}日"


def parse_roc(text: str) -> datetime.date:
    """Parse '115/03/01', '115-3-1' or '民國115年3月1日' into a date."""
    import re

    match = re.fullmatch(r"\s*(?:民國)?(\d{1,3})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?\s*", text)
    if not match:
        raise ValueError(f"not an ROC date: {text!r}")
    year, month, day = (int(g) for g in match.groups())
    return datetime.date(year + ROC_OFFSET, month, day)


def reader_date(value: datetime.date | str | None, english: bool | None = None) -> str:
    """A date inside a sentence, in the reader's calendar: 民國112年11月25日 in Chinese, 2023-11-25 in English.

    Texts that carry dates (a rule's reason, a report's sentence) keep them as ISO data and call this when the
    text is read, so the same stored reason reads right in either language."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = value.date()
    if english is None:
        from django.utils.translation import get_language

        english = (get_language() or "").lower().startswith("en")
    return value.isoformat() if english else format_roc(value)


_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def reader_params(params: dict) -> dict:
    """A message's parameters with every ISO date (a stored reason's `until`) in the reader's calendar."""
    return {
        key: reader_date(value) if isinstance(value, str) and _ISO_DATE.fullmatch(value) else value
        for key, value in params.items()
    }
