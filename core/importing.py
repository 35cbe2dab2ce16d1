"""All-or-nothing bulk import of CSV and XLSX files, run as a background job.

An app declares one class per kind of import:

    class ReservistImport(Importer):
        kind = "reservists.import"                 # the Job kind
        permission = "reservists.add_reservist"    # checked before the job starts
        columns = [
            Column("national_id", _("national ID"), parse=parse_national_id, example="A123456789"),
            Column("birth_date", _("birth date"), parse=parse_date, example="1990-05-01"),
            Column("rank", _("rank"), required=False, max_length=30),
        ]

        def validate_row(self, row):                # cross-field checks of one row (optional)
            if row["retirement_date"] <= row["birth_date"]:
                raise ValidationError({"retirement_date": _("...")})
            return row

        def validate_all(self, rows):               # checks that need the database or all rows (optional)
            yield RowError(row_number, "national_id", _("..."))

        def write(self, cursor, rows):              # set-based write; return the number of rows written
            copy_rows(cursor, "tmp_import", [...], rows)
            cursor.execute("INSERT INTO ... SELECT ... FROM tmp_import ON CONFLICT ... DO UPDATE ...")
            return len(rows)

How a run goes (`run_import`): read the file (CSV in UTF-8, UTF-8 with BOM or Big5; XLSX through openpyxl in
read-only mode), parse and check EVERY row, collecting `RowError(row, column, message)` in the language of the
user who started the job; if any row fails nothing is written and the job fails with the errors in
`job.result["errors"]`; otherwise `write()` runs in one transaction whose writes are attributed to the user
(`core.audit.set_local_context`), so the audit triggers log every row. Row numbers are the spreadsheet's
(the header is row 1, the first data row is row 2).

Views use `start_import(importer_class, user, uploaded_file)` (returns the Job to redirect to) and
`template_response(importer_class, "csv" | "xlsx")` for the empty template with an example row.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext

from . import csvexport, jobs
from .audit import set_local_context
from .dates import parse_roc

MAX_REPORTED_ERRORS = 1000
# A reported error quotes at most this much of the file (a cell value in a message): the job's result is a short
# list, never a copy of the upload.
MAX_ERROR_TEXT = 200
PROGRESS_EVERY = 5000
ENCODINGS = ("utf-8-sig", "big5")


# ----- columns and parsers -----------------------------------------------------------------------


def parse_text(value: str) -> str:
    return value


def parse_date(value: str) -> datetime.date:
    """ISO (2026-03-01), slashes (2026/3/1) or the ROC calendar (115/03/01, 民國115年3月1日)."""
    text = value.strip()
    if len(text) == 10 and text[4] == "-":
        try:
            return datetime.date.fromisoformat(text)  # the common case, in C
        except ValueError:
            pass
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    try:
        if match:
            return datetime.date(*(int(g) for g in match.groups()))
        return parse_roc(text)
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a date; write it as 2026-03-01 or in the ROC calendar as 115/03/01.") % {"value": value}
        ) from None


def parse_int(value: str) -> int:
    text = value.strip()
    if text.endswith(".0"):  # spreadsheets write whole numbers as floats
        text = text[:-2]
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValidationError(_("%(value)s is not a whole number.") % {"value": value})
    return int(text)


def choice_parser(choices) -> Callable[[str], str]:
    """A parser for a TextChoices: accepts the value (army) or the label in any language."""
    values = {str(v).lower(): v for v in choices.values}

    def parse(value: str) -> str:
        key = value.strip().lower()
        if key in values:
            return values[key]
        for lang in ("zh-hant", "en"):
            with translation.override(lang):
                for choice_value, label in choices.choices:
                    if str(label).lower() == key:
                        return choice_value
        raise ValidationError(
            _("%(value)s is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices.values)}
        )

    return parse


@dataclass(eq=False)
class Column:
    """One column of the file: its header name, a translated label, and how to parse a cell.

    `parse(text)` returns the value or raises ValidationError with a message for the user.
    An empty cell gives `default` for an optional column and "required" for a required one."""

    name: str
    label: str
    parse: Callable[[str], object] = parse_text
    required: bool = True
    max_length: int | None = None
    default: object = ""
    example: str = ""

    def headers(self) -> set[str]:
        names = {self.name.lower()}
        for lang in ("zh-hant", "en"):
            with translation.override(lang):
                names.add(str(self.label).strip().lower())
        return names

    def clean(self, raw) -> object:
        text = "" if raw is None else str(raw).strip()
        if text == "":
            if self.required:
                raise ValidationError(_("This column is required."))
            return self.default
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(
                _("At most %(max)d characters (this has %(n)d).") % {"max": self.max_length, "n": len(text)}
            )
        return self.parse(text)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": _bounded(self.column), "message": _bounded(self.message)}


def _bounded(text: str, limit: int = MAX_ERROR_TEXT) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ImportFailed(Exception):
    """The file cannot be read at all (wrong format, encoding, missing columns)."""


@dataclass
class Row:
    number: int
    values: dict


class Importer:
    """Base class of one kind of import. Subclasses set `kind`, `permission`, `columns` and `write`."""

    kind = "import"
    permission: str | None = None
    columns: list[Column] = []
    # Rows a file may hold (None: PORTAL_IMPORT_MAX_ROWS): reading stops, and the import fails, at the first row
    # beyond it, before the rest of the file is parsed.
    max_rows: int | None = None
    title = gettext_lazy("Import")
    # The tables a large import loads: left ready to read (statistics, visibility map) once it is committed.
    tables: tuple[str, ...] = ()

    def __init__(self, user=None, params: dict | None = None):
        self.user = user
        self.params = params or {}

    # --- hooks for subclasses ---
    def validate_row(self, values: dict) -> dict:
        """Cross-field checks of one parsed row; raise ValidationError({column: message}). Return the row."""
        return values

    def validate_all(self, rows: list[Row]) -> Iterable[RowError]:
        """Checks across rows or against the database (duplicates, lookups, scope). Yield RowErrors."""
        return ()

    def write(self, cursor, rows: list[Row]) -> int:
        raise NotImplementedError

    # --- the machinery ---
    def row_limit(self) -> int:
        default = settings.PORTAL_IMPORT_MAX_ROWS
        return default if self.max_rows is None else min(self.max_rows, default)

    def column_label(self, name: str) -> str:
        for column in self.columns:
            if column.name == name:
                return str(column.label)
        return name

    def map_headers(self, headers: list) -> list[Column | None]:
        by_header = {}
        for column in self.columns:
            for header in column.headers():
                by_header[header] = column
        mapped = [by_header.get(str(h or "").strip().lower()) for h in headers]
        missing = [c for c in self.columns if c.required and c not in mapped]
        if missing:
            raise ImportFailed(
                _("The file lacks the required columns: %(columns)s. Download the template to see them.")
                % {"columns": ", ".join(f"{c.name} ({c.label})" for c in missing)}
            )
        return mapped

    def parse(self, table: Iterator[list], progress: Callable[[int], None] | None = None):
        """(rows, errors): every row parsed and checked; errors of all rows, not just the first."""
        try:
            headers = next(table)
        except StopIteration:
            raise ImportFailed(_("The file is empty.")) from None
        mapped = self.map_headers(headers)
        # (column, position in the file or None), worked out once: identity, not dataclass equality
        positions = [(column, next((i for i, m in enumerate(mapped) if m is column), None)) for column in self.columns]
        rows: list[Row] = []
        errors: list[RowError] = []
        limit = self.row_limit()
        for number, cells in enumerate(table, start=2):
            if number - 1 > limit:
                raise ImportFailed(_("At most %(n)d rows per file.") % {"n": limit})
            if not any(cells) or not any(str(c).strip() for c in cells if c is not None):
                continue  # blank lines are not rows
            values: dict = {}
            row_ok = True
            width = len(cells)
            for column, index in positions:
                if index is None:
                    values[column.name] = column.default
                    continue
                try:
                    values[column.name] = column.clean(cells[index] if index < width else None)
                except ValidationError as exc:
                    row_ok = False
                    errors.extend(RowError(number, str(column.label), str(m)) for m in exc.messages)
            if row_ok:
                try:
                    values = self.validate_row(values)
                except ValidationError as exc:
                    errors.extend(self._row_errors(number, exc))
                    row_ok = False
            if row_ok:
                rows.append(Row(number, values))
            if progress and number % PROGRESS_EVERY == 0:
                progress(number)
        # Database and cross-row checks on the rows that parsed, so one pass reports every problem.
        errors.extend(self.validate_all(rows))
        errors.sort(key=lambda e: e.row)
        return rows, errors

    def _row_errors(self, number: int, exc: ValidationError) -> list[RowError]:
        if hasattr(exc, "error_dict"):
            return [
                RowError(number, self.column_label(field), str(message))
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        return [RowError(number, "", str(m)) for m in exc.messages]


# ----- reading files -----------------------------------------------------------------------------


def decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(_("The file's text encoding is not UTF-8 or Big5; save it as UTF-8 CSV."))


def read_table(data: bytes, filename: str) -> Iterator[list]:
    """Rows of cells (header first) from a CSV or XLSX file."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        return iter(csv.reader(io.StringIO(decode(data), newline="")))
    raise ImportFailed(_("Upload a .csv or .xlsx file."))


XLSX_CHUNK = 1024 * 1024


def check_xlsx_archive(data: bytes, max_unzipped: int | None = None) -> None:
    """Refuse a workbook before openpyxl reads it: members that unzip to more than PORTAL_XLSX_MAX_UNZIPPED bytes
    (a zip bomb), or XML with a DOCTYPE (entity expansion: no spreadsheet program writes one). zipfile reads a
    member only up to its declared size, so the declared sizes bound the work of this check and of openpyxl."""
    limit = settings.PORTAL_XLSX_MAX_UNZIPPED if max_unzipped is None else max_unzipped
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ImportFailed(_("The file is not a readable XLSX workbook.")) from exc
    with archive:
        members = archive.infolist()
        total = sum(member.file_size for member in members)
        if total > limit:
            raise ImportFailed(
                _("The workbook unpacks to %(size)d MB, more than the %(limit)d MB allowed; save it as CSV instead.")
                % {"size": total // (1024 * 1024), "limit": limit // (1024 * 1024)}
            )
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as fh:
                    tail = b""
                    while chunk := fh.read(XLSX_CHUNK):
                        window = (tail + chunk).upper()
                        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                            raise ImportFailed(
                                _("The workbook contains XML declarations that spreadsheets never write; refused.")
                            )
                        tail = chunk[-16:]
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
                raise ImportFailed(_("The file is not a readable XLSX workbook.")) from exc


def _read_xlsx(data: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    check_xlsx_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ImportFailed(_("The file is not a readable XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]

    def cells():
        try:
            for row in sheet.iter_rows(values_only=True):
                yield [_xlsx_cell(v) for v in row]
        finally:
            workbook.close()

    return cells()


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ----- writing -----------------------------------------------------------------------------------


def copy_rows(cursor, table: str, columns: list[str], rows: Iterable[Iterable]) -> None:
    """COPY `rows` (tuples in `columns` order; None is NULL) into `table` (usually a temp table)."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    raw = getattr(cursor, "cursor", cursor)  # Django's CursorWrapper or a psycopg2 cursor
    raw.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def temp_table_like(cursor, name: str, source_table: str, columns: list[str]) -> None:
    """A temporary table with the types of `columns` of `source_table`, dropped at commit."""
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")  # a second import in the same transaction
    cursor.execute(
        f"CREATE TEMP TABLE {name} ON COMMIT DROP AS SELECT {', '.join(columns)} FROM {source_table} WITH NO DATA"
    )


# ----- running as a job --------------------------------------------------------------------------


def start_import(importer_class: type[Importer], user, uploaded_file, params: dict | None = None):
    """Store the upload, create the Job and queue the run (after commit). Returns the Job."""
    if importer_class.permission and not user.has_perm(importer_class.permission):
        raise PermissionDenied
    from .forms import check_upload_size

    check_upload_size(uploaded_file)  # the forms check it too; a command or a script calls this directly
    name = uploaded_file.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    path = default_storage.save(f"imports/{uuid.uuid4().hex}/{name}", uploaded_file)
    job = jobs.create_job(
        importer_class.kind,
        user,
        params={
            "importer": f"{importer_class.__module__}.{importer_class.__qualname__}",
            "path": path,
            "filename": name,
            "language": translation.get_language() or "zh-hant",
            **(params or {}),
        },
        message=jobs.text(gettext_noop("Waiting to start.")),
    )
    jobs.enqueue(job, run_import)
    return job


# Routed to the bulk queue (config/queues.py).
@shared_task(name="core.importing.run_import")
def run_import(job_id: int) -> None:
    """Celery task: validate every row, then write all of them in one transaction, or nothing."""
    with jobs.running(job_id, finish_on_exit=False) as job:
        language = job.params.get("language") or "zh-hant"  # the messages are in the starter's language
        with translation.override(language):
            _run(job)


def _run(job) -> None:
    from .models import Job

    importer_class = import_string(job.params["importer"])
    importer = importer_class(user=job.created_by, params=job.params)
    path = job.params["path"]
    with default_storage.open(path, "rb") as fh:
        data = fh.read()
    try:
        table = read_table(data, job.params.get("filename", path))
        jobs.set_progress(
            job.pk, done=0, total=max(1, data.count(b"\n")), message=jobs.text(gettext_noop("Checking every row…"))
        )
        rows, errors = importer.parse(table, progress=lambda n: jobs.set_progress(job.pk, done=n))
    except ImportFailed as exc:
        errors, rows = [RowError(0, "", str(exc))], []
    finally:
        default_storage.delete(path)
    if errors:
        Job.objects.filter(pk=job.pk).update(
            result={"errors": [e.as_dict() for e in errors[:MAX_REPORTED_ERRORS]], "error_count": len(errors)}
        )
        jobs.fail(
            job.pk,
            jobs.text(
                gettext_noop("%(n)d problem(s) found; nothing was imported. Correct the file and upload it again."),
                n=len(errors),
            ),
        )
        return
    jobs.set_progress(
        job.pk, done=len(rows), total=len(rows), message=jobs.text(gettext_noop("Writing %(n)d rows…"), n=len(rows))
    )
    with transaction.atomic(), connection.cursor() as cursor:
        set_local_context(cursor, job.created_by, reason=f"import {job.params.get('filename', '')}")
        written = importer.write(cursor, rows)
    if written >= SETTLE_AFTER_ROWS:
        ready_for_reading(*importer.tables)
    jobs.finish(
        job.pk,
        message=jobs.text(gettext_noop("%(n)d rows imported."), n=written),
        result={"rows": len(rows), "written": written, "errors": []},
    )


# ----- after a bulk load ---------------------------------------------------------------------------

SETTLE_AFTER_ROWS = 10_000  # below this autovacuum catches up before anyone notices


def ready_for_reading(*tables: str) -> None:
    """Leave freshly loaded tables as fast to read as old ones: statistics for the planner (ANALYZE) and, when
    not inside a transaction, VACUUM, which sets the visibility map and hint bits now. Without it the first
    query over the new rows (a nationwide selection right after a load) writes every page it reads and plans
    with stale row counts. Used by imports and by every bulk seed."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            if connection.in_atomic_block:
                cursor.execute(f"ANALYZE {quote(table)}")
            else:
                cursor.execute(f"VACUUM (ANALYZE) {quote(table)}")


# ----- the template file -------------------------------------------------------------------------


def template_headers(importer_class: type[Importer]) -> list[str]:
    """The header row in the reader's language (the importer accepts Chinese and English headers alike)."""
    return [str(capfirst(column.label)) for column in importer_class.columns]


def template_guide(importer_class: type[Importer]) -> list[list[str]]:
    """What each column takes: a guide kept apart from the data (a second sheet), so it is never imported."""
    rows = [[pgettext("import template", word) for word in ("Column", "Required", "Header in English", "Example")]]
    for column in importer_class.columns:
        required = pgettext("import template", "yes") if column.required else pgettext("import template", "no")
        rows.append([str(capfirst(column.label)), required, column.name, column.example])
    return rows


def template_response(importer_class: type[Importer], fmt: str = "csv") -> HttpResponse:
    """The file to fill in: the header row only, in the reader's language, with no example row that could be
    imported by mistake. The XLSX file carries a guide (each column, whether required, an example) on a second
    sheet, which the importer never reads (it reads the first sheet)."""
    headers = template_headers(importer_class)
    base = importer_class.kind.replace(".", "-")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = re.sub(r"[\\/*?:\[\]]", " ", str(importer_class.title))[:31] or "data"
        sheet.append(headers)
        guide = workbook.create_sheet(pgettext("import template", "Guide")[:31])
        for row in template_guide(importer_class):
            guide.append(row)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{base}-template.xlsx"'
        return response
    out = io.StringIO()
    writer = csvexport.writer(out)
    writer.writerow(headers)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{base}-template.csv"'
    return response
