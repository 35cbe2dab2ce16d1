"""The rule policy (Art. 33): the version in force on a day, publishing a new one; one person's facts."""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rawsql
from core.actions import Refusal
from core.events import record
from reservists.models import Reservist

from .. import events, rules
from ..models import RulePolicy

POLICY_FIELDS = [
    "temporary_cap_days",
    "edu_window_years",
    "edu_max_days",
    "edu_max_times",
    "edu_duty_combined",
    "rollcall_window_years",
    "rollcall_max_times",
    "rollcall_max_days",
    "leave_max_share",
    "leave_max_days",
    "leave_min_days_served",
]


def policy_for(day) -> RulePolicy:
    policy = _in_force_on(day)
    if policy is None:  # before the first version: the law's defaults as version 1
        policy = RulePolicy.objects.order_by("effective_from", "version").first()
    if policy is None:
        # No version at all (a fresh or flushed database): the law's own parameters are version 1.
        policy, _created = RulePolicy.objects.get_or_create(
            version=1,
            defaults={
                "effective_from": datetime.date(1900, 1, 1),
                "note": "The defaults of Art. 26-28 of the enforcement rules.",
            },
        )
    return policy


def _in_force_on(day) -> RulePolicy | None:
    """`RulePolicy.objects.in_force_on(day)` as SQL written once: every self-service page asks it, and the
    ORM spent more time compiling the query than PostgreSQL answering it. Read each time, never cached: a new
    version may be published at any moment (and a test's rollback takes one away)."""
    rows = rawsql.fetch(_in_force_sql(), [day])
    return rawsql.instance(RulePolicy, rows[0])[0] if rows else None


@functools.cache
def _in_force_sql() -> str:
    return (
        f"SELECT {rawsql.columns(RulePolicy, 'p')} FROM {RulePolicy._meta.db_table} p "
        "WHERE p.effective_from <= %s ORDER BY p.effective_from DESC, p.version DESC LIMIT 1"
    )


def publish_policy(*, user, effective_from, note: str = "", **values) -> RulePolicy:
    """A new policy version (never an edit in place). Only mnd_admin holds `add_rulepolicy`."""
    if not user.has_perm("mobilization.add_rulepolicy"):
        raise PermissionDenied
    with transaction.atomic():
        # Serialise publishers so two admins cannot take the same version number.
        RulePolicy.objects.select_for_update().order_by("-version").first()
        version = (RulePolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        policy = RulePolicy(
            version=version,
            effective_from=effective_from,
            note=note,
            created_by=user,
            created_by_name=user.get_username(),
            **{k: v for k, v in values.items() if k in POLICY_FIELDS},
        )
        policy.full_clean()
        policy.save()
        record(
            events.POLICY_PUBLISHED,
            user=user,
            obj=policy,
            after={
                "version": version,
                "effective_from": effective_from,
                **{f: getattr(policy, f) for f in POLICY_FIELDS},
            },
            note=note,
        )
    return policy


# ----- an order against the policy in force -----------------------------------------------------------


def roc_date(day: datetime.date) -> str:
    from django.utils.translation import get_language

    from core.dates import format_roc

    return format_roc(day, english=(get_language() or "").startswith("en"))


def today() -> datetime.date:
    """The day an order's report date is compared with (one place, so tests can fix it)."""
    return timezone.localdate()


def order_policy_refusals(facts) -> list[Refusal]:
    """Why the rule policy in force on the report date refuses an order as drafted (empty when it may be
    saved): the days of one call-up of its type (Art. 26-28), raised limits that raise nothing, a report date
    already past, a General Mobilization without the President's order (Art. 25). `facts` is a
    `services.programme.OrderFacts`; the order form and the API both ask this through `order_refusals`."""
    kind, day, days = facts.mobilization_type, facts.report_date, facts.days
    if day is None or not kind:
        return []
    refusals: list[Refusal] = []
    if day < today():
        refusals.append(
            Refusal(
                "order.report_date_past",
                _("The report date %(date)s has passed: choose a day from today on.") % {"date": roc_date(day)},
                field="report_date",
                status=400,
            )
        )
    if kind == rules.GENERAL and not (facts.order_reference or "").strip():
        refusals.append(
            Refusal(
                "art25.president_order_missing",
                _(
                    "Art. 25: a General Mobilization is ordered by the President; enter the reference of the "
                    "President's order."
                ),
                article="25",
                field="order_reference",
                status=400,
            )
        )
    policy = policy_for(day)
    params = policy.params()
    overrides = rules.Overrides(facts.override_window_years, facts.override_max_times, facts.override_max_days)
    found = rules.limits(kind, params, overrides)
    if found is not None:
        article, base, _effective = found
        type_label = _("Educational or Duty Mobilization") if article == "27" else _("Roll-Call Mobilization")
        names = (
            ("override_window_years", _("window (years from retirement)")),
            ("override_max_times", _("number of call-ups")),
            ("override_max_days", _("days per call-up")),
        )
        for (name, label), value, limit in zip(
            names, (overrides.window_years, overrides.max_times, overrides.max_days), base, strict=True
        ):
            if value is not None and value <= limit:
                refusals.append(
                    Refusal(
                        "order.override_not_raised",
                        _(
                            "Art. %(article)s: the policy in force (version %(version)s) already allows %(limit)s for "
                            "the %(what)s; a limit raised by military needs must be above it, or left empty."
                        )
                        % {"article": article, "version": policy.version, "limit": limit, "what": label},
                        article=article,
                        field=name,
                        status=400,
                    )
                )
        allowed = base[2] if overrides.max_days is None else max(base[2], overrides.max_days)
        if days and days > allowed:
            if overrides.max_days is None:
                message = _(
                    "Art. %(article)s: %(type)s lasts at most %(limit)s days per call-up (policy version "
                    "%(version)s); this order asks %(days)s. Lower the days, or raise the limit by military needs "
                    "with its justification."
                )
            else:
                message = _(
                    "Art. %(article)s: %(type)s lasts at most %(limit)s days per call-up, raised by military needs "
                    "to %(raised)s; this order asks %(days)s."
                )
            refusals.append(
                Refusal(
                    f"art{article}.days_exceeded",
                    message
                    % {
                        "article": article,
                        "type": type_label,
                        "limit": base[2],
                        "raised": allowed,
                        "version": policy.version,
                        "days": days,
                    },
                    article=article,
                    field="days",
                    status=400,
                )
            )
    elif kind == rules.TEMPORARY and not facts.wartime and days and days > params.temporary_cap_days:
        refusals.append(
            Refusal(
                "art26.days_exceeded",
                _(
                    "Art. 26: in ordinary time a Temporary Mobilization keeps a person in camp at most %(limit)s days "
                    "(policy version %(version)s); this order asks %(days)s."
                )
                % {"limit": params.temporary_cap_days, "version": policy.version, "days": days},
                article="26",
                field="days",
                status=400,
            )
        )
    return refusals


# ----- one person ----------------------------------------------------------------------------------


def person_facts(reservist: Reservist) -> rules.Person:
    services = tuple(
        rules.Service(s.mobilization_type, s.start_date, s.days)
        for s in reservist.service_records.all().only("mobilization_type", "start_date", "days")
    )
    grants = tuple(
        rules.Grant(g.kind, g.basis, g.valid_from, g.valid_until)
        for g in reservist.priority_grants.all().only("kind", "basis", "valid_from", "valid_until")
    )
    return rules.Person(reservist.pk, reservist.status, reservist.retirement_date, services, grants)


def evaluate_reservist(reservist: Reservist, proposal: rules.Proposal, overrides: rules.Overrides | None = None):
    policy = policy_for(proposal.start_date)
    return rules.evaluate(person_facts(reservist), proposal, policy.params(), overrides)
