"""Articles 24-33 of the enforcement rules, and where the portal enforces each one.

The policy page and the README list these; a test imports every code reference and resolves every page, so the
list cannot name something that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Enforcement:
    kind: str  # "rule" (a code path), "workflow" (an action or service), "form" (a check before saving)
    what: str
    code: str  # a dotted path to a module attribute
    page: str = ""  # a URL name where a person meets it, if any


@dataclass(frozen=True)
class Article:
    number: str
    summary: str
    enforced: tuple[Enforcement, ...]


ARTICLES = (
    Article(
        "24",
        _("Selection by the MND's responsible unit; the annual programme; shelters in war; residence moves approved."),
        (
            Enforcement("workflow", _("Selection run by MND staff"), "mobilization.services.start_selection"),
            Enforcement(
                "form",
                _("Orders draw on the approved annual programme"),
                "mobilization.services.programme.order_refusals",
                "mobilization:programme-list",
            ),
            Enforcement(
                "workflow",
                _("Shelter assignment by local civil defense"),
                "civil_defense.services.shelters.assign_reservist",
                "civil_defense:shelter-list",
            ),
            Enforcement(
                "workflow",
                _("Residence moves need an approval"),
                "reservists.services.decide_residence_move",
                "reservists:move-queue",
            ),
        ),
    ),
    Article(
        "25",
        _("General Mobilization is ordered by the President."),
        (
            Enforcement(
                "workflow", _("Submitting needs the President's order reference"), "mobilization.services.submit"
            ),
        ),
    ),
    Article(
        "26",
        _("Temporary Mobilization: at most one year in camp in ordinary time; in war as General Mobilization."),
        (Enforcement("rule", _("Cumulative days under Temporary Mobilization"), "mobilization.rules.evaluate"),),
    ),
    Article(
        "27",
        _("Educational and Duty Mobilization: within 8 years, at most 20 days and 4 times, by the annual programme."),
        (
            Enforcement("rule", _("Window, days and count of each person"), "mobilization.rules.evaluate"),
            Enforcement(
                "form",
                _("Drawn on a line of the annual programme, or overridden by military needs"),
                "mobilization.services.programme.order_refusals",
                "mobilization:programme-list",
            ),
        ),
    ),
    Article(
        "28",
        _("Roll-Call Mobilization: within 8 years, once, one day, by the annual programme."),
        (
            Enforcement("rule", _("Window, days and count of each person"), "mobilization.rules.evaluate"),
            Enforcement(
                "form",
                _("Drawn on a line of the annual programme, or overridden by military needs"),
                "mobilization.services.programme.order_refusals",
            ),
        ),
    ),
    Article(
        "29",
        _("Nine categories are called successively."),
        (
            Enforcement(
                "rule", _("Grants valid on the report date rank people as successive"), "mobilization.rules.evaluate"
            ),
        ),
    ),
    Article(
        "30",
        _("Four categories are called as late as possible."),
        (
            Enforcement(
                "rule", _("Grants valid on the report date rank people as later"), "mobilization.rules.evaluate"
            ),
        ),
    ),
    Article(
        "31",
        _("Postponement for illness or a major event, at most three days, not for Roll-Call."),
        (
            Enforcement(
                "workflow",
                _("Ground, days and type checked on every request"),
                "mobilization.services.notices.art31_refusals",
                "mobilization:postponement-list",
            ),
        ),
    ),
    Article(
        "32",
        _("Rotation leave during General or Temporary Mobilization by the MND's rules."),
        (
            Enforcement(
                "workflow",
                _("Share of a unit, longest leave and days served, from the policy"),
                "mobilization.services.leave.leave_refusals",
            ),
        ),
    ),
    Article(
        "33",
        _("The MND enacts these rules."),
        (
            Enforcement(
                "workflow",
                _("Versioned rule policy with an effective date"),
                "mobilization.services.publish_policy",
                "mobilization:policy",
            ),
        ),
    ),
)
