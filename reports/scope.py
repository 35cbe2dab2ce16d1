"""The scope a report covers: the nation, one county, or one agency's records.

`ReportScope.parse("TW-NWT")` turns the public scope code into an object; `apply(queryset)` filters any scoped
model through the same `core.scope.scope_q` that `for_user` uses, so a county report counts exactly what that
county's official would see, and an agency report what the agency would see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from core.models import Organisation, Region
from core.scope import UserScope, get_scope, scope_q

from .choices import ScopeKind

COUNTY_CODE = re.compile(r"^TW-[A-Z]{3}$")
AGENCY_CODE = re.compile(r"^agency:(\d{1,18})$")


class MalformedScope(ValidationError):
    """The scope text is not "nation", a county code or "agency:<id>" (400)."""


@dataclass(frozen=True)
class ReportScope:
    kind: str
    county: Region | None = None
    organisation: Organisation | None = None

    @classmethod
    def nation(cls) -> ReportScope:
        return cls(ScopeKind.NATION)

    @classmethod
    def parse(cls, text: str) -> ReportScope:
        """Parse a scope code. Malformed -> MalformedScope (400); well-formed but unknown -> Http404."""
        text = (text or "").strip()
        if text.lower() == "nation":
            return cls.nation()
        if COUNTY_CODE.match(text.upper()) and text[:3].upper() == "TW-":
            county = Region.objects.counties().filter(code=text.upper()).first()
            if county is None:
                raise Http404
            return cls(ScopeKind.COUNTY, county=county)
        match = AGENCY_CODE.match(text)
        if match:
            organisation = Organisation.objects.filter(pk=int(match.group(1))).first()
            if organisation is None:
                raise Http404
            return cls(ScopeKind.AGENCY, organisation=organisation)
        raise MalformedScope(
            _('Give the scope as "nation", a county code such as TW-NWT, or "agency:<organisation id>".'),
            code="invalid",
        )

    @property
    def key(self) -> str:
        if self.kind == ScopeKind.COUNTY:
            return self.county.code
        if self.kind == ScopeKind.AGENCY:
            return f"agency:{self.organisation.pk}"
        return "nation"

    @property
    def label(self) -> str:
        if self.kind == ScopeKind.COUNTY:
            return self.county.name
        if self.kind == ScopeKind.AGENCY:
            return str(self.organisation)
        return str(ScopeKind.NATION.label)

    @cached_property
    def user_scope(self) -> UserScope:
        """The scope as core.scope sees a user's: what an official of exactly this scope would see."""
        if self.kind == ScopeKind.NATION:
            return UserScope(nation=True)
        if self.kind == ScopeKind.COUNTY:
            ids = set(Region.objects.filter(parent=self.county).values_list("id", flat=True))
            return UserScope(region_ids=frozenset(ids | {self.county.pk}))
        return UserScope(organisation_ids=frozenset({self.organisation.pk}))

    def q(self, model):
        """The filter for `model` under this scope (None: everything)."""
        return scope_q(model, self.user_scope)

    def apply(self, queryset):
        q = self.q(queryset.model)
        return queryset if q is None else queryset.filter(q)

    def allowed_for(self, user) -> bool:
        """May `user` have a report of this scope? Only within their own scope."""
        scope = get_scope(user)
        if scope.nation:
            return True
        if self.kind == ScopeKind.COUNTY:
            return self.county.pk in scope.region_ids
        if self.kind == ScopeKind.AGENCY:
            return self.organisation.pk in scope.organisation_ids
        return False

    def principal(self) -> UserScope:
        """What to pass to another app's metrics functions: the scope itself (`for_user` takes a UserScope as
        "an official of exactly this scope" who may view; the report's permission was checked on request)."""
        return self.user_scope

    def model_fields(self) -> dict:
        return {
            "scope_kind": self.kind,
            "scope_key": self.key,
            "county": self.county,
            "organisation": self.organisation,
        }

    @classmethod
    def of_report(cls, report) -> ReportScope:
        return cls(report.scope_kind, county=report.county, organisation=report.organisation)


def scopes_for_user(user) -> list[ReportScope]:
    """The scopes a user may ask reports for (for the request form)."""
    scope = get_scope(user)
    if scope.nation:
        result = [ReportScope.nation()]
        result += [ReportScope(ScopeKind.COUNTY, county=c) for c in Region.objects.counties()]
        return result
    result = [
        ReportScope(ScopeKind.COUNTY, county=c) for c in Region.objects.counties().filter(id__in=scope.region_ids)
    ]
    result += [
        ReportScope(ScopeKind.AGENCY, organisation=o)
        for o in Organisation.objects.filter(id__in=scope.organisation_ids)
    ]
    return result


class UserAreaScope:
    """A user's own scope as a report scope, for the live dashboard: exactly what `for_user` lets them see.

    Quacks like ReportScope (kind, key, label, apply, county): a county official's dashboard is their county,
    a township clerk's their township, an agency's their organisation, a nationwide role's the nation."""

    def __init__(self, user):
        self.user = user
        self.user_scope = get_scope(user)
        counties = list(Region.objects.counties().filter(id__in=self.user_scope.region_ids))
        self.county = counties[0] if len(counties) == 1 else None
        if self.user_scope.nation:
            self.kind = ScopeKind.NATION
        elif self.user_scope.region_ids:
            self.kind = ScopeKind.COUNTY
        else:
            self.kind = ScopeKind.AGENCY
        self.organisation = None
        if self.kind == ScopeKind.AGENCY and len(self.user_scope.organisation_ids) == 1:
            self.organisation = Organisation.objects.filter(pk=next(iter(self.user_scope.organisation_ids))).first()

    @property
    def key(self) -> str:
        if self.user_scope.nation:
            return "nation"
        regions = ",".join(str(i) for i in sorted(self.user_scope.region_ids))
        orgs = ",".join(str(i) for i in sorted(self.user_scope.organisation_ids))
        return f"r{regions}|o{orgs}"

    @property
    def label(self) -> str:
        if self.kind == ScopeKind.NATION:
            return str(ScopeKind.NATION.label)
        if self.county is not None:
            return self.county.name
        if self.organisation is not None:
            return str(self.organisation)
        names = Region.objects.filter(id__in=self.user_scope.region_ids, parent__isnull=False)[:3]
        return "、".join(r.name for r in names)

    def q(self, model):
        return scope_q(model, self.user_scope)

    def apply(self, queryset):
        q = self.q(queryset.model)
        return queryset if q is None else queryset.filter(q)

    def principal(self) -> UserScope:
        # Same as a report of this scope: the dashboard shows the report's indicators, and nationwide users
        # share one cached entry (see reports.dashboard).
        return self.user_scope
