"""CSV/XLSX imports of the registry on core.importing: reservists (upsert by national ID) and service records."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import Column, Importer, RowError, choice_parser, copy_rows, parse_date, parse_int, temp_table_like
from core.pii import normalise_national_id, validate_national_id
from core.regions import township_ids
from core.scope import OutOfScope, get_scope

from .choices import Branch, Category, MobilizationType, ReservistStatus, ServiceSource
from .models import ReserveUnit, Reservist, ServiceRecord
from .services import check_reservist_dates
from .signals import announce


def parse_national_id(value: str) -> str:
    value = normalise_national_id(value)
    validate_national_id(value)
    return value


def parse_email(value: str) -> str:
    validate_email(value)
    return value


class RegistryImporter(Importer):
    """Shared by both imports: the user's townships and the national IDs already in the registry."""

    def __init__(self, user=None, params=None):
        super().__init__(user, params)
        self.scope = get_scope(user)
        self.today = timezone.localdate()

    def existing(self, national_ids: list[str]) -> dict[str, tuple[int, int]]:
        """national_id -> (id, township_id) of registered reservists, in one query."""
        rows = Reservist.objects.extra(where=["national_id = ANY(%s)"], params=[national_ids]).values_list(
            "national_id", "id", "township_id"
        )
        return {nid: (pk, township) for nid, pk, township in rows}

    def in_scope(self, township_id: int) -> bool:
        return self.scope.nation or township_id in self.scope.region_ids

    def duplicates(self, rows, key) -> list[RowError]:
        seen: dict = {}
        errors = []
        for row in rows:
            value = key(row.values)
            if value in seen:
                errors.append(
                    RowError(
                        row.number,
                        self.column_label("national_id"),
                        _("Same record as row %(row)d.") % {"row": seen[value]},
                    )
                )
            else:
                seen[value] = row.number
        return errors


class ReservistImport(RegistryImporter):
    tables = ("reservists_reservist",)
    kind = "reservists.import"
    permission = "reservists.add_reservist"
    title = gettext_lazy("Import reservists")
    columns = [
        Column("national_id", gettext_lazy("national ID"), parse=parse_national_id, example="A123456789"),
        Column("name", gettext_lazy("name"), max_length=100, example="王小明"),
        Column("birth_date", gettext_lazy("birth date"), parse=parse_date, example="1995-04-12"),
        Column("category", gettext_lazy("category"), parse=choice_parser(Category), example="reservist"),
        Column("branch", gettext_lazy("branch"), parse=choice_parser(Branch), example="army"),
        Column("rank", gettext_lazy("rank"), required=False, max_length=30, example="上兵"),
        Column("specialty", gettext_lazy("specialty (MOS code)"), required=False, max_length=20, example="11A1"),
        Column("retirement_date", gettext_lazy("retirement date"), parse=parse_date, example="2019-06-30"),
        Column("township", gettext_lazy("household-registration township"), max_length=16, example="220"),
        Column("address", gettext_lazy("address"), required=False, max_length=300, example="新北市板橋區中山路1段1號"),
        Column("phone", gettext_lazy("phone"), required=False, max_length=30, example="0912345678"),
        Column("email", gettext_lazy("e-mail"), required=False, max_length=254, parse=parse_email),
        Column("occupation", gettext_lazy("occupation"), required=False, max_length=100),
        Column("employer", gettext_lazy("employer"), required=False, max_length=200),
        Column("reserve_unit", gettext_lazy("assigned reserve unit"), required=False, max_length=30, default=None),
        Column(
            "status",
            gettext_lazy("status"),
            required=False,
            parse=choice_parser(ReservistStatus),
            default=ReservistStatus.ACTIVE,
            example="active",
        ),
    ]
    fields = [
        "national_id",
        "name",
        "birth_date",
        "category",
        "branch",
        "rank",
        "specialty",
        "retirement_date",
        "township_id",
        "address",
        "phone",
        "email",
        "occupation",
        "employer",
        "reserve_unit_id",
        "status",
    ]

    def __init__(self, user=None, params=None):
        super().__init__(user, params)
        mine = None if self.scope.nation else set(self.scope.region_ids)
        self.townships = {code: pk for code, pk in township_ids().items() if mine is None or pk in mine}
        units = ReserveUnit.objects.for_user(user) if user is not None else ReserveUnit.objects.all()
        self.units = dict(units.values_list("code", "id"))

    def validate_row(self, values):
        errors = check_reservist_dates(values["birth_date"], values["retirement_date"], self.today)
        township = self.townships.get(values["township"])
        if township is None:
            errors["township"] = _("No township with the code %(code)s in your area.") % {"code": values["township"]}
        values["township_id"] = township
        values["reserve_unit_id"] = None
        if values["reserve_unit"]:
            values["reserve_unit_id"] = self.units.get(values["reserve_unit"])
            if values["reserve_unit_id"] is None:
                errors["reserve_unit"] = _("No reserve unit with the code %(code)s.") % {"code": values["reserve_unit"]}
        if errors:
            raise ValidationError(errors)
        return values

    def validate_all(self, rows):
        errors = self.duplicates(rows, lambda v: v["national_id"])
        if not self.scope.nation:
            existing = self.existing([r.values["national_id"] for r in rows])
            for row in rows:
                found = existing.get(row.values["national_id"])
                if found and not self.in_scope(found[1]):
                    errors.append(
                        RowError(
                            row.number,
                            self.column_label("national_id"),
                            _("This person is registered outside your area; ask the MND to change the record."),
                        )
                    )
        return errors

    def write(self, cursor, rows):
        temp_table_like(cursor, "tmp_reservist_import", "reservists_reservist", self.fields)
        copy_rows(cursor, "tmp_reservist_import", self.fields, ([r.values[f] for f in self.fields] for r in rows))
        if not self.scope.nation:  # scope again, inside the transaction
            cursor.execute(
                "SELECT count(*) FROM tmp_reservist_import t JOIN reservists_reservist r USING (national_id) "
                "WHERE NOT (r.township_id = ANY(%s))",
                [list(self.scope.region_ids)],
            )
            if cursor.fetchone()[0]:
                raise OutOfScope
        # People whose status or township the import changes: mobilization releases the notices that no longer
        # bind them (reservists.signals), in this same transaction.
        cursor.execute(
            "SELECT r.id FROM tmp_reservist_import t JOIN reservists_reservist r USING (national_id) "
            "WHERE r.status IS DISTINCT FROM t.status OR r.township_id IS DISTINCT FROM t.township_id"
        )
        changed_people = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(self.fields)
        updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in self.fields if f != "national_id")
        changed = " OR ".join(
            f"reservists_reservist.{f} IS DISTINCT FROM EXCLUDED.{f}" for f in self.fields if f != "national_id"
        )
        cursor.execute(
            f"INSERT INTO reservists_reservist ({columns}, created_at, updated_at) "
            f"SELECT {columns}, now(), now() FROM tmp_reservist_import "
            f"ON CONFLICT (national_id) DO UPDATE SET {updates}, updated_at = now() WHERE {changed}"
        )
        written = cursor.rowcount
        announce(changed_people, cause="registry", user=self.user)
        return written


class ServiceRecordImport(RegistryImporter):
    tables = ("reservists_servicerecord",)
    kind = "reservists.import_service_records"
    permission = "reservists.add_servicerecord"
    title = gettext_lazy("Import service records")
    columns = [
        Column("national_id", gettext_lazy("national ID"), parse=parse_national_id, example="A123456789"),
        Column(
            "mobilization_type",
            gettext_lazy("mobilization type"),
            parse=choice_parser(MobilizationType),
            example="educational",
        ),
        Column("start_date", gettext_lazy("start date"), parse=parse_date, example="2024-03-04"),
        Column("days", gettext_lazy("days"), parse=parse_int, example="14"),
        Column("reference", gettext_lazy("reference"), required=False, max_length=100),
    ]

    def validate_row(self, values):
        errors = {}
        if not 1 <= values["days"] <= 366:
            errors["days"] = _("Days must be between 1 and 366.")
        if values["start_date"] > self.today:
            errors["start_date"] = _("A served call-up cannot start in the future.")
        if errors:
            raise ValidationError(errors)
        return values

    def validate_all(self, rows):
        errors = self.duplicates(rows, lambda v: (v["national_id"], v["mobilization_type"], v["start_date"]))
        existing = self.existing(list({r.values["national_id"] for r in rows}))
        for row in rows:
            found = existing.get(row.values["national_id"])
            if found is None or not self.in_scope(found[1]):
                errors.append(
                    RowError(
                        row.number,
                        self.column_label("national_id"),
                        _("No reservist with this national ID in your area."),
                    )
                )
            else:
                row.values["reservist_id"] = found[0]
        return errors

    def write(self, cursor, rows):
        fields = ["reservist_id", "mobilization_type", "start_date", "days", "reference"]
        temp_table_like(cursor, "tmp_service_import", "reservists_servicerecord", fields)
        copy_rows(
            cursor,
            "tmp_service_import",
            fields,
            ([r.values[f] for f in fields] for r in rows),
        )
        table = ServiceRecord._meta.db_table
        # One record per (person, type, start date): a re-import corrects days and reference.
        cursor.execute(
            f"UPDATE {table} s SET days = t.days, reference = t.reference, updated_at = now() "
            "FROM tmp_service_import t WHERE s.reservist_id = t.reservist_id "
            "AND s.mobilization_type = t.mobilization_type AND s.start_date = t.start_date "
            "AND (s.days, s.reference) IS DISTINCT FROM (t.days, t.reference)"
        )
        updated = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} (reservist_id, mobilization_type, start_date, days, reference, source, "
            "created_at, updated_at) "
            "SELECT t.reservist_id, t.mobilization_type, t.start_date, t.days, t.reference, %s, now(), now() "
            f"FROM tmp_service_import t WHERE NOT EXISTS (SELECT 1 FROM {table} s "
            "WHERE s.reservist_id = t.reservist_id AND s.mobilization_type = t.mobilization_type "
            "AND s.start_date = t.start_date)",
            [ServiceSource.IMPORTED],
        )
        return updated + cursor.rowcount


IMPORTERS = {"reservists": ReservistImport, "service_records": ServiceRecordImport}
