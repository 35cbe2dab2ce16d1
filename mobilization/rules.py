"""The call-up rules engine (Enforcement rules of the Act of Military Service System, Art. 24-33).

Pure functions: facts in, a decision with every applicable reason out. No database access here, so the
same rules can be explained for one person (`evaluate`) and checked against the set-based selection in SQL
(`selection.py`), which must produce exactly the same decisions and reasons (a property test holds them
together).

A reason is stored without its message (`article`, `item`, `code`, `params`); `render_reason` turns it into
the API's `{"article", "item", "code", "message"}` in the active language, so stored decisions read in
whichever language the reader uses.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from core.dates import reader_params

INELIGIBLE = "ineligible"
SUCCESSIVE = "successive"
LATER = "later"
ELIGIBLE = "eligible"
PRECEDENCE = (INELIGIBLE, SUCCESSIVE, LATER, ELIGIBLE)

GENERAL = "general"
TEMPORARY = "temporary"
EDUCATIONAL = "educational"
DUTY = "duty"
ROLL_CALL = "roll_call"
TYPES = (GENERAL, TEMPORARY, EDUCATIONAL, DUTY, ROLL_CALL)

ACTIVE = "active"


@dataclass(frozen=True)
class PolicyParams:
    """The parameters of Art. 26-28 in one policy version (defaults are the law's)."""

    version: int = 1
    temporary_cap_days: int = 365
    edu_window_years: int = 8
    edu_max_days: int = 20
    edu_max_times: int = 4
    edu_duty_combined: bool = True
    rollcall_window_years: int = 8
    rollcall_max_times: int = 1
    rollcall_max_days: int = 1


@dataclass(frozen=True)
class Overrides:
    """Caps raised "by military needs" (Art. 27, 28 proviso) on one order. None = the policy's value."""

    window_years: int | None = None
    max_times: int | None = None
    max_days: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.window_years, self.max_times, self.max_days))


@dataclass(frozen=True)
class Proposal:
    mobilization_type: str
    start_date: datetime.date
    days: int
    wartime: bool = False


@dataclass(frozen=True)
class Service:
    mobilization_type: str
    start_date: datetime.date
    days: int


@dataclass(frozen=True)
class Grant:
    kind: str  # successive | later
    basis: str  # art29.N | art30.N
    valid_from: datetime.date
    valid_until: datetime.date | None = None

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Person:
    id: int
    status: str
    retirement_date: datetime.date
    services: tuple[Service, ...] = ()
    grants: tuple[Grant, ...] = ()


@dataclass
class Outcome:
    decision: str
    reasons: list[dict] = field(default_factory=list)
    policy_version: int = 1


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The anniversary `years` after `day`; 29 February falls back to 28 February (as PostgreSQL does)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def reason(article: str, code: str, item: str | None = None, effect: str = INELIGIBLE, **params) -> dict:
    return {"article": article, "item": item, "code": code, "effect": effect, "params": params}


def _raised(policy_value: int, override: int | None) -> int:
    return policy_value if override is None else max(policy_value, override)


def counted_types(proposal_type: str, policy: PolicyParams) -> tuple[str, ...]:
    """Which earlier call-ups count towards the Art. 27/28 number of times."""
    if proposal_type in (EDUCATIONAL, DUTY):
        return (EDUCATIONAL, DUTY) if policy.edu_duty_combined else (proposal_type,)
    if proposal_type == ROLL_CALL:
        return (ROLL_CALL,)
    return ()


def limits(proposal_type: str, policy: PolicyParams, overrides: Overrides | None):
    """(article, policy (window, times, days), effective (window, times, days)) for Art. 27/28 types."""
    o = overrides or Overrides()
    if proposal_type in (EDUCATIONAL, DUTY):
        base = (policy.edu_window_years, policy.edu_max_times, policy.edu_max_days)
        article = "27"
    elif proposal_type == ROLL_CALL:
        base = (policy.rollcall_window_years, policy.rollcall_max_times, policy.rollcall_max_days)
        article = "28"
    else:
        return None
    eff = (_raised(base[0], o.window_years), _raised(base[1], o.max_times), _raised(base[2], o.max_days))
    return article, base, eff


def evaluate(person: Person, proposal: Proposal, policy: PolicyParams, overrides: Overrides | None = None) -> Outcome:
    """The decision for one person and one proposed call-up, with every reason that applies.

    Only service that started before the proposed start date counts towards the caps, and the proposed
    call-up itself counts (its days towards the Art. 26 total, itself towards the Art. 27/28 number).
    The order of the reasons is fixed (registry, Art. 26-28 checks, then grants by basis); selection.py
    builds them in the same order.
    """
    start = proposal.start_date
    reasons: list[dict] = []
    if person.status != ACTIVE:
        reasons.append(reason("24", f"registry.{person.status}", "1"))
    earlier = [s for s in person.services if s.start_date < start]
    kind = proposal.mobilization_type

    if kind == TEMPORARY:
        if proposal.wartime:
            reasons.append(reason("26", "art26.wartime_as_general", "2", effect="info"))
        else:
            served = sum(s.days for s in earlier if s.mobilization_type == TEMPORARY)
            cap = policy.temporary_cap_days
            if served + proposal.days > cap:
                reasons.append(reason("26", "art26.cap_exceeded", "2", served=served, days=proposal.days, cap=cap))

    lim = limits(kind, policy, overrides)
    if lim is not None:
        article, (p_window, p_times, p_days), (e_window, e_times, e_days) = lim
        pfx = f"art{article}"
        p_until = add_years(person.retirement_date, p_window)
        e_until = add_years(person.retirement_date, e_window)
        if start > e_until:
            reasons.append(reason(article, f"{pfx}.window_expired", None, years=e_window, until=e_until.isoformat()))
        elif start > p_until:
            reasons.append(reason(article, f"{pfx}.window_override", None, effect="info", years=e_window))
        if proposal.days > e_days:
            reasons.append(reason(article, f"{pfx}.days_exceeded", None, days=proposal.days, max=e_days))
        elif proposal.days > p_days:
            reasons.append(reason(article, f"{pfx}.days_override", None, effect="info", days=proposal.days, max=e_days))
        types = counted_types(kind, policy)
        count = sum(1 for s in earlier if s.mobilization_type in types)
        if count + 1 > e_times:
            reasons.append(reason(article, f"{pfx}.count_exceeded", None, count=count, max=e_times))
        elif count + 1 > p_times:
            reasons.append(reason(article, f"{pfx}.count_override", None, effect="info", count=count, max=e_times))

    bases = sorted({(g.basis, g.kind) for g in person.grants if g.valid_on(start)})
    for basis, grant_kind in bases:
        article, item = basis.removeprefix("art").split(".", 1)
        reasons.append(reason(article, basis, item, effect=grant_kind))

    return Outcome(decision_of(reasons), reasons, policy.version)


def decision_of(reasons: list[dict]) -> str:
    effects = {r["effect"] for r in reasons}
    for decision in (INELIGIBLE, SUCCESSIVE, LATER):
        if decision in effects:
            return decision
    return ELIGIBLE


# ----- messages -----------------------------------------------------------------------------------

MESSAGES = {
    "registry.deceased": _("The reservist is deceased and cannot be called up."),
    "registry.emigrated": _("The reservist has emigrated and cannot be called up."),
    "registry.removed": _("The reservist has been removed from the registry and cannot be called up."),
    "art26.cap_exceeded": _(
        "In ordinary time the total service in camp under Temporary Mobilization is at most %(cap)s days: "
        "%(served)s days already served plus %(days)s days proposed exceed it."
    ),
    "art26.wartime_as_general": _(
        "In war or severe disorder, service under Temporary Mobilization counts as General Mobilization: "
        "the one-year cap does not apply."
    ),
    "art27.window_expired": _(
        "Educational and Duty Mobilization must take place within %(years)s years of the retirement date; "
        "the window ended on %(until)s."
    ),
    "art27.window_override": _(
        "Called beyond the regular window of Art. 27 because the order raises it to %(years)s years by military needs."
    ),
    "art27.days_exceeded": _(
        "Educational and Duty Mobilization last at most %(max)s days each time; %(days)s days were proposed."
    ),
    "art27.days_override": _(
        "%(days)s days exceed the regular limit of Art. 27; the order raises it to %(max)s days by military needs."
    ),
    "art27.count_exceeded": _(
        "Educational and Duty Mobilization are held at most %(max)s times; %(count)s have already been served."
    ),
    "art27.count_override": _(
        "Called more often than the regular limit of Art. 27 (%(count)s already served) because the order raises "
        "it to %(max)s times by military needs."
    ),
    "art28.window_expired": _(
        "Roll-Call Mobilization must take place within %(years)s years of the retirement date; "
        "the window ended on %(until)s."
    ),
    "art28.window_override": _(
        "Called beyond the regular window of Art. 28 because the order raises it to %(years)s years by military needs."
    ),
    "art28.days_exceeded": _("Roll-Call Mobilization lasts at most %(max)s day(s) each time; %(days)s were proposed."),
    "art28.days_override": _(
        "%(days)s days exceed the regular limit of Art. 28; the order raises it to %(max)s days by military needs."
    ),
    "art28.count_exceeded": _("Roll-Call Mobilization is held at most %(max)s time(s); %(count)s already served."),
    "art28.count_override": _(
        "Called more often than the regular limit of Art. 28 (%(count)s already served) because the order raises "
        "it to %(max)s times by military needs."
    ),
}
SUCCESSIVE_MESSAGE = _("Called up successively (Art. 29): %(basis)s. In principle they keep doing their original job.")
LATER_MESSAGE = _("Called up as late as possible (Art. 30): %(basis)s.")


def message_for(r: dict) -> str:
    code = r["code"]
    params = r.get("params") or {}
    if code.startswith(("art29.", "art30.")):
        from reservists.choices import GrantBasis

        try:
            label = GrantBasis(code).label
        except ValueError:
            label = code
        template = SUCCESSIVE_MESSAGE if code.startswith("art29.") else LATER_MESSAGE
        return str(template) % {"basis": label}
    template = MESSAGES.get(code)
    if template is None:
        return code
    # Dates are stored as ISO data and read in the reader's calendar (民國 in Chinese).
    return str(template) % reader_params(params) if params else str(template)


ARTICLE_LABEL = _("Art. %(article)s")
ARTICLE_ITEM_LABEL = _("Art. %(article)s(%(item)s)")


def article_label(r: dict) -> str:
    if r.get("article") in ("29", "30") and r.get("item"):
        return str(ARTICLE_ITEM_LABEL) % {"article": r["article"], "item": r["item"]}
    return str(ARTICLE_LABEL) % {"article": r.get("article")}


def render_reason(r: dict) -> dict:
    """A stored reason as the API shows it: article, item, code and the message in the active language."""
    return {"article": r["article"], "item": r.get("item"), "code": r["code"], "message": message_for(r)}


def render_reasons(reasons: list[dict]) -> list[dict]:
    return [render_reason(r) for r in reasons or []]
