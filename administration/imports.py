"""Provisioning many accounts at once (every township office of a county, say) on core's importer:
every row is checked first; any problem and nothing is created."""

from collections import Counter

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import Role
from core.importing import Column, Importer, RowError, choice_parser

from .access import Access, authority, powerful, reason_labels, validate


def parse_codes(value: str) -> list[str]:
    return [
        c.strip().upper() if c.strip().lower().startswith("tw") else c.strip()
        for c in value.replace(";", " ").replace(",", " ").split()
        if c.strip()
    ]


class AccountImport(Importer):
    kind = "administration.accounts"
    permission = "administration.add_account"
    title = gettext_lazy("Accounts")
    columns = [
        Column("username", gettext_lazy("username"), max_length=150, example="banqiao01"),
        Column("full_name", gettext_lazy("name"), required=False, max_length=150, example="王小明"),
        Column("email", gettext_lazy("e-mail"), max_length=254, example="banqiao01@example.gov.tw"),
        Column("phone", gettext_lazy("phone"), required=False, max_length=30, example="02-29603456"),
        Column("role", gettext_lazy("role"), parse=choice_parser(Role), example="township_office"),
        Column("regions", gettext_lazy("regions"), required=False, parse=parse_codes, default=[], example="220"),
        Column("organisation", gettext_lazy("organisation"), required=False, max_length=50, example=""),
    ]

    def validate_row(self, values):
        from django.core.validators import validate_email

        try:
            validate_email(values["email"])
        except ValidationError:
            raise ValidationError(
                {"email": _("%(value)s is not an e-mail address.") % {"value": values["email"]}}
            ) from None
        return values

    def access(self, values) -> Access:
        return Access.of(values["role"], values["regions"], values["organisation"])

    def validate_all(self, rows):
        user_model = get_user_model()
        counts = Counter(row.values["username"] for row in rows)
        taken = set(user_model.objects.filter(username__in=list(counts)).values_list("username", flat=True))
        for row in rows:
            username = row.values["username"]
            if counts[username] > 1:
                yield RowError(
                    row.number, self.column_label("username"), _("%(u)s appears more than once.") % {"u": username}
                )
            if username in taken:
                yield RowError(
                    row.number, self.column_label("username"), _("The username %(u)s is taken.") % {"u": username}
                )
            access = self.access(row.values)
            for refusal in validate(access):
                yield RowError(row.number, self.column_label(refusal.field or "role"), str(refusal.message))
            reasons = powerful(Access(), access)
            if reasons:
                yield RowError(
                    row.number,
                    self.column_label("role"),
                    _("%(what)s needs a second administrator's approval: create this account on its own.")
                    % {"what": reason_labels(reasons)},
                )
            if self.user is not None:
                for refusal in authority(self.user, None, access):
                    yield RowError(row.number, self.column_label("regions"), str(refusal.message))

    def write(self, cursor, rows) -> int:
        from .actions import CreateAccount

        action = CreateAccount()
        note = _("import %(file)s") % {"file": self.params.get("filename", "")}
        with transaction.atomic():
            for row in rows:
                values = row.values
                action.execute(
                    self.user,
                    username=values["username"],
                    access=self.access(values),
                    full_name=values["full_name"],
                    email=values["email"],
                    phone=values["phone"],
                    note=note,
                )
        return len(rows)


IMPORTERS = {"accounts": AccountImport}
