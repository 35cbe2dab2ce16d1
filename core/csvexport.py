"""CSV written by the portal: every export goes through `writer()`, which neutralises spreadsheet formulas.

OWASP's CSV-injection advice: a cell that starts with = + - @, a tab or a carriage return is read by Excel and
LibreOffice as a formula (`=cmd|' /C calc'!A0`, `+1+1`, `-2+3`), so such a cell is written with a leading single
quote, which spreadsheets show as text. Numbers, dates and None are not strings and pass unchanged.
"""

import csv

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value` as a spreadsheet reads it as text: a string that would start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


class Echo:
    """A file-like object whose write returns what it is given: csv rows as strings, for streaming responses."""

    def write(self, value):
        return value


class SafeWriter:
    """csv.writer's writerow/writerows, each cell passed through safe_cell."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(out=None, **kwargs) -> SafeWriter:
    """The CSV writer of every export; without `out`, writerow returns each line (for StreamingHttpResponse)."""
    return SafeWriter(out if out is not None else Echo(), **kwargs)
