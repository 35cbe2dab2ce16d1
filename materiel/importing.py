"""The capacity survey import (CSV or XLSX) of one county, on core's all-or-nothing importer.

Headers may be the column names (kind, registration...) or their labels in Chinese or English (類別, 登記號碼...).
Every row is checked first: the kind, owner (an organisation by code or a person by national ID and name), the
township within the survey's county, coordinates, capacity against the kind's attributes (`payload_t=12;
seats=40`), the condition and dates. A registration already held by another county's resource, or twice in the
file, is an error. One bad row: nothing is written. Otherwise the rows are upserted by (kind, registration) in
one statement and the county's survey moves to "in progress".
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import events as core_events
from core.importing import Column, Importer, RowError, choice_parser, copy_rows, parse_date, temp_table_like
from core.models import Organisation
from core.pii import normalise_national_id, validate_national_id
from core.regions import county_township_ids, township_ids

from . import events
from .choices import Condition, SurveyStatus
from .models import CountySurvey, Kind, Resource

MAX_ROWS = 200_000
LOOKUP_CHUNK = 5000
WRITE_COLUMNS = [
    "kind_id",
    "registration",
    "name",
    "owner_organisation_id",
    "owner_national_id",
    "owner_name",
    "driver_national_id",
    "township_id",
    "address",
    "latitude",
    "longitude",
    "capacity",
    "condition",
    "inspection_due_on",
    "insurance_due_on",
]


def parse_national_id(value: str) -> str:
    value = normalise_national_id(value)
    validate_national_id(value)
    return value


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        raise ValidationError(_("%(value)s is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(value)s is not a number.") % {"value": value})
    return number


def parse_capacity(value: str) -> dict:
    """`payload_t=12; seats=40` (also with full-width ＝ and ；) -> {"payload_t": "12", "seats": "40"}."""
    result = {}
    for part in value.replace("；", ";").replace("＝", "=").split(";"):
        if not part.strip():
            continue
        name, sep, number = part.partition("=")
        if not sep or not name.strip():
            raise ValidationError(
                _("Write capacity as name=value pairs separated by semicolons, e.g. payload_t=12; not %(part)s.")
                % {"part": part.strip()}
            )
        result[name.strip()] = number.strip()
    return result


class SurveyImport(Importer):
    kind = "materiel.survey"
    permission = "materiel.change_countysurvey"
    title = gettext_lazy("Capacity survey import")
    columns = [
        Column("kind", gettext_lazy("kind"), max_length=100, example="truck"),
        Column("registration", gettext_lazy("registration number"), max_length=40, example="KLA-1234"),
        Column("name", gettext_lazy("description"), required=False, max_length=200, example="3.5噸貨車"),
        Column("owner_organisation", gettext_lazy("owner organisation code"), required=False, max_length=50),
        Column(
            "owner_national_id",
            gettext_lazy("owner national ID"),
            required=False,
            parse=parse_national_id,
            example="A123456789",
        ),
        Column("owner_name", gettext_lazy("owner name"), required=False, max_length=100, example="王小明"),
        Column(
            "driver_national_id", gettext_lazy("registered driver national ID"), required=False, parse=parse_national_id
        ),
        Column("township", gettext_lazy("township zipcode"), max_length=16, example="220"),
        Column("address", gettext_lazy("address"), required=False, max_length=300),
        Column("latitude", gettext_lazy("latitude"), parse=parse_decimal, example="25.01"),
        Column("longitude", gettext_lazy("longitude"), parse=parse_decimal, example="121.46"),
        Column(
            "capacity",
            gettext_lazy("capacity"),
            required=False,
            parse=parse_capacity,
            default={},
            example="payload_t=3.5",
        ),
        Column(
            "condition",
            gettext_lazy("condition"),
            required=False,
            parse=choice_parser(Condition),
            default=Condition.GOOD,
            example="good",
        ),
        Column("inspection_due_on", gettext_lazy("inspection due on"), required=False, parse=parse_date, default=None),
        Column("insurance_due_on", gettext_lazy("insurance due on"), required=False, parse=parse_date, default=None),
    ]

    def __init__(self, user=None, params=None):
        super().__init__(user, params)
        self._kinds = None

    # ----- lookups, once per import -----
    def kinds(self) -> dict[str, Kind]:
        if self._kinds is None:
            self._kinds = {}
            for kind in Kind.objects.all():
                for key in (kind.code, kind.name_zh, kind.name_en):
                    self._kinds[key.strip().lower()] = kind
        return self._kinds

    def survey(self) -> CountySurvey | None:
        return (
            CountySurvey.objects.for_user(self.user)
            .select_related("cycle", "county")
            .filter(pk=self.params.get("survey"))
            .first()
        )

    # ----- checks -----
    def validate_row(self, values: dict) -> dict:
        errors: dict[str, list] = {}
        kind = self.kinds().get(str(values["kind"]).strip().lower())
        if kind is None:
            errors["kind"] = [
                _("%(value)s is not a kind of resource; see /api/materiel/kinds/.") % {"value": values["kind"]}
            ]
        values["registration"] = values["registration"].strip().upper()
        has_org, has_person = bool(values["owner_organisation"]), bool(values["owner_national_id"])
        if has_org == has_person:
            errors["owner_organisation"] = [_("Give either the owner organisation's code or the owner's national ID.")]
        if has_person and not values["owner_name"]:
            errors["owner_name"] = [_("Give the name of the person who owns it.")]
        if not (Decimal(21) <= values["latitude"] <= Decimal(27)):
            errors["latitude"] = [_("A latitude in Taiwan is between 21 and 27.")]
        if not (Decimal(118) <= values["longitude"] <= Decimal(123)):
            errors["longitude"] = [_("A longitude in Taiwan is between 118 and 123.")]
        if kind is not None:
            try:
                values["capacity"] = kind.clean_capacity(values["capacity"])
            except ValidationError as exc:
                errors["capacity"] = exc.message_dict["capacity"]
            values["kind"] = kind
        if errors:
            raise ValidationError(errors)
        return values

    def validate_all(self, rows):
        survey = self.survey()
        if survey is None:
            yield RowError(0, "", _("The survey is not in your area."))
            return
        if survey.status in (SurveyStatus.SUBMITTED, SurveyStatus.ACCEPTED):
            yield RowError(0, "", _("This survey is already submitted; MND must return it before it changes."))
            return
        if len(rows) > MAX_ROWS:
            yield RowError(0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})
            return
        in_county = set(county_township_ids(survey.county.code))
        townships = {code: pk for code, pk in township_ids().items() if pk in in_county}
        organisation_codes = {r.values["owner_organisation"] for r in rows if r.values["owner_organisation"]}
        organisations = dict(Organisation.objects.filter(code__in=organisation_codes).values_list("code", "pk"))
        township_label = self.column_label("township")
        registration_label = self.column_label("registration")
        org_label = self.column_label("owner_organisation")
        seen: dict[tuple[int, str], int] = {}
        for row in rows:
            values = row.values
            code = values["township"].strip()
            if code not in townships:
                yield RowError(
                    row.number,
                    township_label,
                    _("%(code)s is not a township of %(county)s.") % {"code": code, "county": survey.county.name},
                )
            else:
                values["township_id"] = townships[code]
            if values["owner_organisation"]:
                if values["owner_organisation"] not in organisations:
                    yield RowError(
                        row.number,
                        org_label,
                        _("No organisation has the code %(code)s.") % {"code": values["owner_organisation"]},
                    )
                else:
                    values["owner_organisation_id"] = organisations[values["owner_organisation"]]
            key = (values["kind"].pk, values["registration"])
            if key in seen:
                yield RowError(
                    row.number,
                    registration_label,
                    _("The same kind and registration number is already on row %(row)d of this file.")
                    % {"row": seen[key]},
                )
            else:
                seen[key] = row.number
        # A registration held by another county's resource is not this county's to overwrite.
        registrations = sorted({key[1] for key in seen})
        for start in range(0, len(registrations), LOOKUP_CHUNK):
            elsewhere = (
                Resource.objects.filter(registration__in=registrations[start : start + LOOKUP_CHUNK])
                .exclude(township__parent=survey.county)
                .values_list("kind_id", "registration")
            )
            for key in elsewhere:
                if key in seen:
                    yield RowError(
                        seen[key],
                        registration_label,
                        _("This registration number is registered in another county; that county must release it."),
                    )

    # ----- the write -----
    def write(self, cursor, rows) -> int:
        survey = self.survey()
        temp_table_like(cursor, "tmp_materiel_import", "materiel_resource", WRITE_COLUMNS)
        copy_rows(
            cursor,
            "tmp_materiel_import",
            WRITE_COLUMNS,
            (
                (
                    r.values["kind"].pk,
                    r.values["registration"],
                    r.values["name"],
                    r.values.get("owner_organisation_id"),
                    r.values["owner_national_id"],
                    r.values["owner_name"],
                    r.values["driver_national_id"],
                    r.values["township_id"],
                    r.values["address"],
                    r.values["latitude"],
                    r.values["longitude"],
                    json.dumps(r.values["capacity"], ensure_ascii=False),
                    r.values["condition"],
                    r.values["inspection_due_on"],
                    r.values["insurance_due_on"],
                )
                for r in rows
            ),
        )
        columns = ", ".join(WRITE_COLUMNS)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in WRITE_COLUMNS if c not in ("kind_id", "registration"))
        cursor.execute(
            f"INSERT INTO materiel_resource ({columns}, is_active, created_at, updated_at) "
            f"SELECT {columns}, true, now(), now() FROM tmp_materiel_import "
            f"ON CONFLICT (kind_id, registration) DO UPDATE SET {updates}, is_active = true, updated_at = now()"
        )
        written = cursor.rowcount
        before = {"status": survey.status, "imported_rows": survey.imported_rows}
        CountySurvey.objects.filter(pk=survey.pk).update(
            status=SurveyStatus.IN_PROGRESS if survey.status == SurveyStatus.NOT_STARTED else survey.status,
            imported_rows=len(rows),
            updated_at=timezone.now(),
        )
        survey.refresh_from_db()
        core_events.record(
            events.SURVEY_IMPORTED,
            user=self.user,
            obj=survey,
            before=before,
            after={"status": survey.status, "imported_rows": survey.imported_rows},
            note=self.params.get("filename", ""),
        )
        return written
