"""The quarterly access review: every account with its role, scope, each grant with who gave it and when, and
its last log-in; the CSV export an auditor takes away; the sign-off of a quarter.

The lines come from what the portal enforces (groups, guardian grants, user permissions), joined with the
record of who granted them (`AccessGrant`): a grant made outside the portal (the shell, the admin site) shows
with its granter unknown, so the review never hides a grant the database holds.
"""

from __future__ import annotations

import io
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import csvexport, events
from core.actions import ActionRefused, Check, Refusal
from core.audit import audit_context
from core.models import Organisation, Region

from . import events as names
from .access import EXTRA_PERMISSIONS, role_label
from .choices import GrantKind
from .models import AccessGrant, AccessReview, Account
from .services import AccountFacts

EXPORT_CHUNK = 500


def current_quarter(now=None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def grant_label(kind: str, value: str, regions: dict, orgs: dict) -> str:
    if kind == GrantKind.ROLE:
        return role_label(value)
    if kind == GrantKind.NATION:
        return _("Nationwide")
    if kind == GrantKind.REGION:
        return str(regions.get(value, value))
    if kind == GrantKind.ORGANISATION:
        return str(orgs.get(value, value))
    return str(EXTRA_PERMISSIONS.get(value, value))


def review_rows(accounts) -> list[dict]:
    """One dict per account: the account, its facts, and its grant lines with who granted each and when."""
    accounts = list(accounts)
    facts = AccountFacts(accounts)
    recorded = defaultdict(dict)
    for grant in AccessGrant.objects.filter(user_id__in=[a.pk for a in accounts]):
        recorded[grant.user_id][(grant.kind, grant.value)] = grant
    regions = {
        r.code: r
        for r in Region.objects.filter(code__in={c for a in facts.access.values() for c in a.regions}).select_related(
            "parent"
        )
    }
    orgs = {o.code: o for o in Organisation.objects.filter(code__in={a.organisation for a in facts.access.values()})}
    order = {k: i for i, k in enumerate(GrantKind.values)}
    rows = []
    for account in accounts:
        access = facts.of(account)
        lines = []
        for kind, value in sorted(access.items(), key=lambda line: (order[line[0]], line[1])):
            grant = recorded[account.pk].get((kind, value))
            lines.append(
                {
                    "kind": GrantKind(kind).label,
                    "kind_value": kind,
                    "value": value,
                    "label": grant_label(kind, value, regions, orgs),
                    "granted_by": grant.granted_by_name if grant else "",
                    "granted_at": grant.granted_at if grant else None,
                    "approved_by": grant.approved_by_name if grant else "",
                    "approved_at": grant.approved_at if grant else None,
                }
            )
        rows.append(
            {
                "account": account,
                "role": role_label(access.role),
                "scope": facts.scope(account),
                "two_factor": account.pk in facts.two_factor,
                "locked": account.username in facts.locked,
                "lines": lines,
            }
        )
    return rows


EXPORT_HEADERS = [
    "username",
    "name",
    "active",
    "last_login",
    "role",
    "scope",
    "grant_kind",
    "grant_value",
    "grant",
    "granted_by",
    "granted_at",
    "approved_by",
    "approved_at",
]


def export_lines(accounts_queryset):
    """CSV text, one line per grant (an account without any: one line with the grant columns empty), header first.
    Every cell is neutralised against spreadsheet formulas."""

    def iso(value):
        return timezone.localtime(value).isoformat(timespec="seconds") if value else ""

    out = io.StringIO()
    writer = csvexport.writer(out)

    def flush():
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    writer.writerow(EXPORT_HEADERS)
    yield "\ufeff" + flush()
    last = 0
    while True:
        chunk = list(accounts_queryset.filter(pk__gt=last).order_by("pk")[:EXPORT_CHUNK])
        if not chunk:
            break
        last = chunk[-1].pk
        for row in review_rows(chunk):
            account = row["account"]
            head = [
                account.username,
                account.get_full_name(),
                "yes" if account.is_active else "no",
                iso(account.last_login),
                row["role"],
                row["scope"],
            ]
            for line in row["lines"] or [None]:
                tail = (
                    ["", "", "", "", "", "", ""]
                    if line is None
                    else [
                        line["kind_value"],
                        line["value"],
                        line["label"],
                        line["granted_by"],
                        iso(line["granted_at"]),
                        line["approved_by"],
                        iso(line["approved_at"]),
                    ]
                )
                writer.writerow(head + tail)
        yield flush()


def record_export(user, accounts: int) -> None:
    events.record(names.REVIEW_EXPORTED, user=user, after={"accounts": accounts, "quarter": current_quarter()})


def sign_off(user, note: str = "") -> AccessReview:
    """Sign off this quarter's review (once per quarter)."""
    if not user.has_perm("administration.add_accessreview"):
        raise ActionRefused(Check(None, 403, [Refusal("permission", _("You do not have permission to do this."))]))
    period = current_quarter()
    try:
        with audit_context(user, reason=note), transaction.atomic():
            review = AccessReview.objects.create(
                period=period,
                accounts=Account.objects.for_user(user).count(),
                note=note,
                completed_by=user,
                completed_by_name=user.get_username(),
            )
            events.record(
                names.REVIEW_COMPLETED,
                user=user,
                obj=review,
                after={"period": period, "accounts": review.accounts},
                note=note,
            )
    except IntegrityError:
        raise ActionRefused(
            Check(None, 409, [Refusal("done", _("The review of %(q)s is already signed off.") % {"q": period})])
        ) from None
    return review
