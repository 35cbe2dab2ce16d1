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


def format_roc_input(value: datetime.date | None) -> str:
    """How a date is typed back into a field: 115/03/01 (民國前 years, rare in a form, in the Gregorian form)."""
    if value is None:
        return ""
    year = roc_year(value)
    if year < 1:
        return value.isoformat()
    return f"{year:03d}/{value.month:02d}/{value.day:02d}"


ROC_SEPARATED = re.compile(r"\s*(?:民國)?\s*(\d{1,3})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?\s*")
GREGORIAN_SEPARATED = re.compile(r"\s*(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?\s*")
COMPACT = re.compile(r"\s*(\d{6,8})\s*")


def parse_roc(text: str) -> datetime.date:
    """Parse '115/03/01', '115-3-1' or '民國115年3月1日' into a date."""
    match = ROC_SEPARATED.fullmatch(text)
    if not match:
        raise ValueError(f"not an ROC date: {text!r}")
    year, month, day = (int(g) for g in match.groups())
    return datetime.date(year + ROC_OFFSET, month, day)


def parse_date_input(text: str, compact: bool = True) -> datetime.date:
    """A date as people type it, in either calendar:

    - 民國 (a year of one to three digits): 115/03/01, 115-03-01, 115.3.1, 民國115年3月1日, 79/05/31;
    - Gregorian (four digits): 2026-03-01, 2026/3/1;
    - with `compact`, digits only: 1150301 or 790531 (民國, 6-7 digits) and 20260301 (Gregorian, 8 digits).
    Raises ValueError for anything else or a day that does not exist (115/02/30)."""
    text = (text or "").strip()
    if match := GREGORIAN_SEPARATED.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    if match := ROC_SEPARATED.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        if year < 1:
            raise ValueError(f"no ROC year 0: {text!r}")
        return datetime.date(year + ROC_OFFSET, month, day)
    if compact and (match := COMPACT.fullmatch(text)):
        digits = match.group(1)
        year, month, day = int(digits[:-4]), int(digits[-4:-2]), int(digits[-2:])
        if len(digits) == 8:
            return datetime.date(year, month, day)
        if year < 1:
            raise ValueError(f"no ROC year 0: {text!r}")
        return datetime.date(year + ROC_OFFSET, month, day)
    raise ValueError(f"not a date: {text!r}")


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
