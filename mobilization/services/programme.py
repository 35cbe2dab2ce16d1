"""The annual programme's workflow and the rules that tie orders to it (Art. 24, 26, 27, 28).

- A programme version is drafted (with its lines), submitted, and approved or rejected by an approver who did not
  draft or submit it; the approval records the Executive Yuan's reference and date. An approved version is fixed.
- An amendment is a new draft version of the same year, prefilled with the lines in force; its approval supersedes
  the earlier version (kept on record) and moves the orders to the new version's line with the same key.
- Once a year has an approved programme, an Educational or Duty (Art. 27), Roll-Call (Art. 28) order must name one
  of its lines of the same type and stay within what the line has left, its period, days and counties, unless
  the order carries the "military needs" override with its justification. A year without an approved programme
  accepts orders with a warning citing the same articles. A Temporary order (Art. 26) may name a line or stand
  alone; a General order (Art. 25) is ordered by the President.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import events
from core.actions import NOT_PERMITTED, Action, Refusal, refuse
from core.audit import audit_context
from reservists.choices import MobilizationType

from ..choices import OrderStatus, ProgrammeStatus
from ..events import LINE_ADDED, LINE_CHANGED, LINE_REMOVED, PROGRAMME_CREATED
from ..models import AnnualProgramme, CallUpOrder, ProgrammeLine

# Orders that no longer draw on their line.
NOT_DRAWING = (OrderStatus.CANCELLED, OrderStatus.REJECTED)
# The types whose orders must follow the programme, with the article that says so.
PROGRAMME_ARTICLE = {
    MobilizationType.EDUCATIONAL: "27",
    MobilizationType.DUTY: "27",
    MobilizationType.ROLL_CALL: "28",
}


def article_for(mobilization_type: str) -> str:
    return PROGRAMME_ARTICLE.get(mobilization_type, "26" if mobilization_type == MobilizationType.TEMPORARY else "24")


# ----- figures ------------------------------------------------------------------------------------------


def drawn_by_line(line_ids, *, exclude_order: int | None = None) -> dict[int, int]:
    """People drawn by orders per line: the quotas of every order naming it, but cancelled or rejected ones
    (drafts count, so two drafts cannot both take the last places)."""
    orders = CallUpOrder.objects.filter(programme_line_id__in=list(line_ids)).exclude(status__in=NOT_DRAWING)
    if exclude_order:
        orders = orders.exclude(pk=exclude_order)
    rows = orders.order_by().values("programme_line_id").annotate(n=Sum("quota"))
    return {row["programme_line_id"]: row["n"] or 0 for row in rows}


def with_figures(lines) -> list[ProgrammeLine]:
    """Lines with `drawn` and `remaining` set, in one query."""
    lines = list(lines)
    drawn = drawn_by_line([line.pk for line in lines])
    for line in lines:
        line.drawn = drawn.get(line.pk, 0)
        line.remaining = max(line.number - line.drawn, 0)
    return lines


def period_bounds(period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day of a month (2027-03) or a quarter (2027-Q1)."""
    year, part = period.split("-")
    year = int(year)
    if part.upper().startswith("Q"):
        quarter = int(part[1:])
        first = datetime.date(year, 3 * quarter - 2, 1)
        months = 3
    else:
        first = datetime.date(year, int(part), 1)
        months = 1
    month = first.month + months
    after = datetime.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def valid_period(period: str, year: int) -> bool:
    try:
        first, _last = period_bounds(period)
    except (ValueError, IndexError):
        return False
    return first.year == year and (len(period) == 7)


# ----- orders against the programme ---------------------------------------------------------------------


@dataclass
class OrderFacts:
    mobilization_type: str
    report_date: datetime.date | None
    quota: int | None
    days: int | None
    line: ProgrammeLine | None
    override: bool
    justification: str
    county_ids: set[int] | None  # the counties the order targets (a township counts as its county); None: nationwide
    order_id: int | None = None
    wartime: bool = False
    order_reference: str = ""
    override_window_years: int | None = None
    override_max_times: int | None = None
    override_max_days: int | None = None


def order_refusals(facts: OrderFacts) -> list[Refusal]:
    """Why the law refuses this order as drafted (empty when it may be saved): first the rule policy in force
    (days per call-up of its type, raised limits, the report date, Art. 25), then the annual programme. The one
    source of these refusals for the order form and the API."""
    from .policy import order_policy_refusals

    return order_policy_refusals(facts) + programme_refusals(facts)


def programme_refusals(facts: OrderFacts) -> list[Refusal]:
    """Why the programme refuses this order as drafted (empty when it may be saved). Each refusal cites the
    article that ties this type of order to the annual programme."""
    if facts.report_date is None or not facts.mobilization_type:
        return []
    article = article_for(facts.mobilization_type)
    programme = AnnualProgramme.objects.in_force(facts.report_date.year)
    refusals: list[Refusal] = []
    override = facts.override
    if override and not (facts.justification or "").strip():
        refusals.append(
            Refusal(
                "programme.override_justification",
                _("Art. %(article)s: going beyond the annual programme by military needs needs its justification.")
                % {"article": article},
                article=article,
                field="override_justification",
            )
        )
    line = facts.line
    if line is None:
        if programme is not None and facts.mobilization_type in PROGRAMME_ARTICLE and not override:
            refusals.append(
                Refusal(
                    "programme.line_required",
                    _(
                        "Art. 24 and %(article)s: the %(year)s annual programme is approved; name the programme "
                        "line this order implements, or mark it as beyond the programme by military needs."
                    )
                    % {"article": article, "year": facts.report_date.year},
                    article=article,
                    field="programme_line",
                )
            )
        return refusals
    if line.mobilization_type != facts.mobilization_type:
        refusals.append(
            Refusal(
                "programme.type_mismatch",
                _("The programme line %(line)s is for %(type)s, not for this type of call-up.")
                % {"line": line.key, "type": line.get_mobilization_type_display()},
                article=article,
                field="programme_line",
            )
        )
    if programme is None or line.programme_id != programme.pk:
        refusals.append(
            Refusal(
                "programme.line_not_in_force",
                _("The programme line %(line)s is not a line of the approved programme of %(year)s.")
                % {"line": line.key, "year": facts.report_date.year},
                article=article,
                field="programme_line",
            )
        )
        return refusals
    if override:
        return refusals
    drawn = drawn_by_line([line.pk], exclude_order=facts.order_id).get(line.pk, 0)
    remaining = max(line.number - drawn, 0)
    if facts.quota and facts.quota > remaining:
        refusals.append(
            Refusal(
                "programme.line_exceeded",
                _(
                    "Art. 24 and %(article)s: the programme line %(line)s has %(remaining)s of %(number)s people "
                    "left; this order calls %(quota)s. Lower the quota or mark it as beyond the programme by "
                    "military needs."
                )
                % {
                    "article": article,
                    "line": line.key,
                    "remaining": f"{remaining:,}",
                    "number": f"{line.number:,}",
                    "quota": f"{facts.quota:,}",
                },
                article=article,
                field="quota",
            )
        )
    if facts.days and facts.days > line.days:
        refusals.append(
            Refusal(
                "programme.days_exceeded",
                _("The programme line %(line)s plans %(planned)s days per call-up; this order asks %(days)s.")
                % {"line": line.key, "planned": line.days, "days": facts.days},
                article=article,
                field="days",
            )
        )
    first, last = period_bounds(line.period)
    if not first <= facts.report_date <= last:
        refusals.append(
            Refusal(
                "programme.period_mismatch",
                _("The programme line %(line)s is for %(period)s; the report date falls outside it.")
                % {"line": line.key, "period": line.period},
                article=article,
                field="report_date",
            )
        )
    line_counties = {r.pk for r in line.target_regions.all()}
    if line_counties and (facts.county_ids is None or not facts.county_ids <= line_counties):
        refusals.append(
            Refusal(
                "programme.region_mismatch",
                _("The programme line %(line)s is for other counties than this order targets.") % {"line": line.key},
                article=article,
                field="target_regions",
            )
        )
    return refusals


def refusal_errors(refusals: list[Refusal]) -> dict:
    """A form's or serializer's errors: the message beside each field, and every reason with its article."""
    errors: dict = {}
    for refusal in refusals:
        errors.setdefault(refusal.field or "non_field_errors", []).append(str(refusal.message))
    errors["reasons"] = [refusal.as_dict() for refusal in refusals]
    return errors


def order_warnings(order: CallUpOrder) -> list[Refusal]:
    """What the approver is told about the order and the programme (not refusals: the order may be decided)."""
    warnings: list[Refusal] = []
    if order.mobilization_type not in PROGRAMME_ARTICLE or order.report_date is None:
        return warnings
    article = article_for(order.mobilization_type)
    if AnnualProgramme.objects.in_force(order.report_date.year) is None:
        warnings.append(
            Refusal(
                "programme.none_approved",
                _(
                    "Art. 24 and %(article)s: %(type)s is implemented according to the annual programme, and "
                    "the %(year)s programme has not been approved."
                )
                % {"article": article, "type": order.get_mobilization_type_display(), "year": order.report_date.year},
                article=article,
            )
        )
    if order.programme_override:
        warnings.append(
            Refusal(
                "programme.override",
                _("Beyond the annual programme by military needs: %(why)s") % {"why": order.override_justification},
                article=article,
            )
        )
    return warnings


def counties_of(regions) -> set[int] | None:
    """The counties a set of target regions lies in; None for nationwide (no region)."""
    regions = list(regions)
    if not regions:
        return None
    return {r.pk if r.level == "county" else r.parent_id for r in regions}


def facts_for(order: CallUpOrder, data: dict | None = None) -> OrderFacts:
    """The facts of an order as saved, or as `data` (a form's or serializer's cleaned values) would make it."""
    data = data or {}

    def value(name):
        return data[name] if name in data else getattr(order, name, None)

    regions = data["target_regions"] if "target_regions" in data else (order.target_regions.all() if order.pk else [])
    return OrderFacts(
        mobilization_type=value("mobilization_type"),
        report_date=value("report_date"),
        quota=value("quota"),
        days=value("days"),
        line=value("programme_line"),
        override=bool(value("programme_override")),
        justification=value("override_justification") or "",
        county_ids=counties_of(regions),
        order_id=order.pk,
        wartime=bool(value("wartime")),
        order_reference=value("order_reference") or "",
        override_window_years=value("override_window_years"),
        override_max_times=value("override_max_times"),
        override_max_days=value("override_max_days"),
    )


# ----- the programme's life ------------------------------------------------------------------------------


def create_version(*, user, year: int, note: str = "") -> AnnualProgramme:
    """A new draft version of `year`'s programme, prefilled with the lines in force (an amendment)."""
    if not user.has_perm("mobilization.add_annualprogramme"):
        raise refuse(403, Refusal("permission", NOT_PERMITTED))
    with audit_context(user), transaction.atomic():
        # One open version per year: lock the year's versions while numbering.
        existing = list(AnnualProgramme.objects.select_for_update().filter(year=year))
        if any(p.status in (ProgrammeStatus.DRAFT, ProgrammeStatus.SUBMITTED) for p in existing):
            raise refuse(
                409,
                Refusal(
                    "programme.open_version",
                    _("The %(year)s programme already has a version being drafted or decided.") % {"year": year},
                ),
            )
        in_force = next((p for p in existing if p.status == ProgrammeStatus.APPROVED), None)
        version = (max((p.version for p in existing), default=0)) + 1
        programme = AnnualProgramme.objects.create(
            year=year, version=version, amends=in_force, note=note, created_by=user
        )
        if in_force is not None:
            for line in in_force.lines.prefetch_related("target_regions"):
                regions = list(line.target_regions.all())
                line.pk = None
                line.id = None
                line.programme = programme
                line._state.adding = True
                line.save()
                line.target_regions.set(regions)
        events.record(
            PROGRAMME_CREATED,
            user=user,
            obj=programme,
            after={"year": year, "version": version, "amends": in_force.pk if in_force else None},
            note=note,
        )
    return programme


def _editable(user, programme: AnnualProgramme) -> None:
    if not user.has_perm("mobilization.change_annualprogramme"):
        raise refuse(403, Refusal("permission", NOT_PERMITTED))
    if programme.status != ProgrammeStatus.DRAFT:
        raise refuse(
            409,
            Refusal(
                "programme.fixed",
                _("This version is “%(status)s” and fixed; draft an amendment instead.")
                % {"status": programme.get_status_display()},
            ),
        )


def line_snapshot(line: ProgrammeLine) -> dict:
    return {
        "key": line.key,
        "mobilization_type": line.mobilization_type,
        "period": line.period,
        "target_regions": sorted(r.code for r in line.target_regions.all()),
        "number": line.number,
        "days": line.days,
    }


def save_line(*, user, programme: AnnualProgramme, line: ProgrammeLine | None = None, **values) -> ProgrammeLine:
    """Add a line to a draft version, or change one."""
    regions = values.pop("target_regions", None)
    with audit_context(user), transaction.atomic():
        programme = AnnualProgramme.objects.select_for_update().get(pk=programme.pk)
        _editable(user, programme)
        before = line_snapshot(line) if line is not None else None
        if line is None:
            line = ProgrammeLine(programme=programme)
        for key, value in values.items():
            setattr(line, key, value)
        line.full_clean(exclude=["programme"])
        line.save()
        if regions is not None:
            line.target_regions.set(regions)
        events.record(
            LINE_CHANGED if before else LINE_ADDED, user=user, obj=line, before=before, after=line_snapshot(line)
        )
    return line


def remove_line(*, user, line: ProgrammeLine) -> None:
    with audit_context(user), transaction.atomic():
        programme = AnnualProgramme.objects.select_for_update().get(pk=line.programme_id)
        _editable(user, programme)
        before = line_snapshot(line)
        events.record(LINE_REMOVED, user=user, obj=line, before=before)
        line.delete()


def four_eyes(user, programme: AnnualProgramme) -> list[Refusal]:
    if user.pk in (programme.created_by_id, programme.submitted_by_id):
        return [
            Refusal(
                "programme.same_person",
                _("The approver must be someone other than the person who drafted or submitted the programme."),
            )
        ]
    return []


class SubmitProgramme(Action):
    event = "mobilization.programme.submitted"
    label = gettext_lazy("Submit for approval")
    permission = "mobilization.submit_annualprogramme"
    model = AnnualProgramme
    from_states = {ProgrammeStatus.DRAFT}
    to_state = ProgrammeStatus.SUBMITTED

    def guard(self, user, obj, **params):
        if not obj.lines.exists():
            return [Refusal("programme.no_lines", _("Add the programme's lines before submitting it."))]
        return []

    def changes(self, user, obj, **params):
        return {"submitted_by": user, "submitted_at": timezone.now()}

    def effect(self, user, obj, note: str = "", **params):
        AnnualProgramme.objects.filter(pk=obj.pk).update(submission_comment=note)


class ApproveProgramme(Action):
    event = "mobilization.programme.approved"
    label = gettext_lazy("Approve")
    permission = "mobilization.approve_annualprogramme"
    model = AnnualProgramme
    from_states = {ProgrammeStatus.SUBMITTED}
    to_state = ProgrammeStatus.APPROVED

    def guard(self, user, obj, **params):
        return four_eyes(user, obj)

    def input_refusals(self, user, obj, approval_reference: str = "", approved_on=None, **params):
        refusals = []
        if not (approval_reference or "").strip():
            refusals.append(
                Refusal(
                    "programme.reference_required",
                    _("Art. 24: record the Executive Yuan's approval reference."),
                    article="24",
                    field="approval_reference",
                )
            )
        if approved_on is None:
            refusals.append(
                Refusal(
                    "programme.approved_on_required",
                    _("Record the date of the Executive Yuan's approval."),
                    article="24",
                    field="approved_on",
                )
            )
        return refusals

    def prepare(self, user, obj, **params):
        # The version in force steps aside first: one approved version per year (a database constraint).
        self.superseded = list(
            AnnualProgramme.objects.filter(year=obj.year, status=ProgrammeStatus.APPROVED).exclude(pk=obj.pk)
        )
        for old in self.superseded:
            if (
                AnnualProgramme.objects.filter(pk=old.pk, status=ProgrammeStatus.APPROVED).update(
                    status=ProgrammeStatus.SUPERSEDED, updated_at=timezone.now()
                )
                == 1
            ):
                events.record(
                    "mobilization.programme.superseded",
                    user=user,
                    obj=old,
                    before={"status": ProgrammeStatus.APPROVED},
                    after={"status": ProgrammeStatus.SUPERSEDED, "by": obj.pk},
                )

    def changes(self, user, obj, approval_reference: str = "", approved_on=None, **params):
        return {
            "approval_reference": approval_reference.strip(),
            "approved_on": approved_on,
            "decided_by": user,
            "decided_at": timezone.now(),
        }

    def effect(self, user, obj, note: str = "", **params):
        AnnualProgramme.objects.filter(pk=obj.pk).update(decision_comment=note)
        # Orders drawing on the superseded version now draw on the line of the same key in this one.
        for line in obj.lines.all():
            CallUpOrder.objects.filter(
                programme_line__programme__in=[p.pk for p in self.superseded], programme_line__key=line.key
            ).update(programme_line=line)

    def describe(self, obj, **params):
        return {"approval_reference": obj.approval_reference, "approved_on": obj.approved_on}


class RejectProgramme(Action):
    event = "mobilization.programme.rejected"
    label = gettext_lazy("Reject")
    permission = "mobilization.approve_annualprogramme"
    model = AnnualProgramme
    from_states = {ProgrammeStatus.SUBMITTED}
    to_state = ProgrammeStatus.REJECTED
    requires_note = True

    def guard(self, user, obj, **params):
        return four_eyes(user, obj)

    def changes(self, user, obj, **params):
        return {"decided_by": user, "decided_at": timezone.now()}

    def effect(self, user, obj, note: str = "", **params):
        AnnualProgramme.objects.filter(pk=obj.pk).update(decision_comment=note)


PROGRAMME_ACTIONS = {"submit": SubmitProgramme(), "approve": ApproveProgramme(), "reject": RejectProgramme()}
