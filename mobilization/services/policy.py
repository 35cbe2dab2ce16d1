"""The rule policy (Art. 33): the version in force on a day, publishing a new one; one person's facts."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

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
]


def policy_for(day) -> RulePolicy:
    policy = RulePolicy.objects.in_force_on(day)
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
