"""The call-up, civil-defense, CI and exercise sections against records made here, counted by hand."""

import datetime

from core.models import Region
from reports.scope import ReportScope
from reports.sections import call_ups

from .conftest import AS_OF


def make_order(title, quota, status, *, regions=(), report_date=AS_OF):
    from mobilization.models import CallUpOrder

    order = CallUpOrder.objects.create(
        mobilization_type="educational", title=title, report_date=report_date, days=5, quota=quota, status=status
    )
    order.target_regions.set(Region.objects.filter(code__in=regions))
    return order


def candidates(order, people, *, ranked=True, excluded=False):
    from mobilization.models import Candidate

    Candidate.objects.bulk_create(
        Candidate(
            order=order,
            reservist=p,
            township_id=p.township_id,
            decision="eligible",
            rank=i + 1 if ranked else None,
            policy_version=1,
            excluded=excluded,
        )
        for i, p in enumerate(people)
    )


def test_call_up_fill_rate_against_quota(registry):
    nwt, tpe = registry["nwt"], registry["tpe"]
    national = make_order("全國教召", quota=4, status="approved")
    candidates(national, nwt[:3] + tpe[:2])  # 5 first-wave people for a quota of 4: full
    county_only = make_order("新北教召", quota=4, status="selected", regions=["220"])
    candidates(county_only, nwt[:2])  # 2 of 4
    make_order("草稿", quota=100, status="draft")  # no selection standing: not counted
    make_order("去年", quota=100, status="closed", report_date=AS_OF - datetime.timedelta(days=400))  # too old

    nation = call_ups.gather(ReportScope.parse("nation"), AS_OF)
    assert nation["orders"] == 3 and nation["live_orders"] == 2
    assert (nation["filled"], nation["quota"]) == (min(5, 4) + 2, 8)
    assert (nation["no_shows"], nation["due"]) == (0, 0)  # no notices yet: the rate says "no data yet"
    no_show = next(i for i in call_ups.indicators(nation) if i.key == "call_ups.no_show_rate")
    assert no_show.value is None
    fill = next(i for i in call_ups.indicators(nation) if i.key == "call_ups.fill_rate")
    assert fill.value == 0.75 and fill.status == "bad"

    county = call_ups.gather(ReportScope.parse("TW-NWT"), AS_OF)
    # Only the order aimed wholly at the county has its quota counted; both orders' NWT people are shown.
    assert (county["filled"], county["quota"]) == (2, 4)
    assert county["first_wave_people"] == 3 + 2
    taipei = call_ups.gather(ReportScope.parse("TW-TPE"), AS_OF)
    assert taipei["live_orders"] == 1 and taipei["first_wave_people"] == 2 and taipei["quota"] == 0


def notices(order, people, attendance):
    from mobilization.models import Notice

    return [
        Notice.objects.create(
            order=order,
            reservist=p,
            township_id=p.township_id,
            sequence=i + 1,
            number=f"{order.pk}-{i + 1}",
            report_date=order.report_date,
            report_time=datetime.time(8),
            assembly_point="營區",
            verification_code=f"CODE{order.pk}X{i}",
            attendance=value,
        )
        for i, (p, value) in enumerate(zip(people, attendance, strict=True))
    ]


def test_no_shows_and_postponements_come_from_the_notices(registry):
    from mobilization.models import Postponement

    nwt, tpe = registry["nwt"], registry["tpe"]
    order = make_order("全國教召", quota=10, status="issued")
    made = notices(order, nwt[:4] + tpe[:2], ["present", "absent", "present", None, "absent", "absent"])
    Postponement.objects.create(
        notice=made[3],
        kind="illness",
        reason="住院",
        days=2,
        status="approved",
        original_report_date=order.report_date,
        new_report_date=order.report_date + datetime.timedelta(days=2),
    )
    nation = call_ups.gather(ReportScope.parse("nation"), AS_OF)
    assert (nation["due"], nation["no_shows"], nation["postponements"]) == (5, 3, 1)
    rate = next(i for i in call_ups.indicators(nation) if i.key == "call_ups.no_show_rate")
    assert rate.value == 3 / 5 and rate.status == "bad"
    county = call_ups.gather(ReportScope.parse("TW-NWT"), AS_OF)
    assert (county["due"], county["no_shows"], county["postponements"]) == (3, 1, 1)
    taipei = call_ups.gather(ReportScope.parse("TW-TPE"), AS_OF)
    assert (taipei["due"], taipei["no_shows"], taipei["postponements"]) == (2, 2, 0)


def test_civil_defense_section_matches_the_records(users):
    from django.db.models import Sum

    from civil_defense.demo import seed_county
    from civil_defense.models import Member, Shelter, TeamPosition
    from reports.sections import civil_defense

    seed_county("TW-NWT")
    seed_county("TW-TPE")
    figures = civil_defense.gather(ReportScope.parse("TW-NWT"), datetime.date.today())
    assert figures["available"]
    # Counted here straight from the tables, restricted to the county by its own fields.
    assert (
        figures["establishment"]
        == TeamPosition.objects.filter(team__county__code="TW-NWT").aggregate(n=Sum("authorised"))["n"]
    )
    assert figures["strength"] == Member.objects.filter(team__county__code="TW-NWT").count()
    assert (
        figures["shelter_capacity"]
        == Shelter.objects.filter(township__parent__code="TW-NWT").aggregate(n=Sum("capacity"))["n"]
    )
    nation = civil_defense.gather(ReportScope.parse("nation"), datetime.date.today())
    assert nation["strength"] == Member.objects.count() > figures["strength"]
    assert civil_defense.gather(ReportScope(kind="agency", organisation=None), AS_OF)["reason"] == "not_applicable"


def test_critical_infrastructure_section_and_its_charts(users, generate):
    from cip.models import Asset
    from cip.tests.factories import make_asset
    from core.models import Organisation
    from reports.sections import critical_infrastructure

    today = datetime.date.today()
    a1, a2 = make_asset("TW-NWT", level=1), make_asset("TW-NWT", level=2)
    make_asset("TW-TPE", level=3)
    Asset.objects.filter(pk=a1.pk).update(assessment_due_on=today - datetime.timedelta(days=3), likelihood=4, impact=5)
    Asset.objects.filter(pk=a2.pk).update(assessment_due_on=today + datetime.timedelta(days=30), likelihood=1, impact=2)

    agency = Organisation.objects.get(code="t-agency-a")
    scope = ReportScope.parse(f"agency:{agency.pk}")
    figures = critical_infrastructure.gather(scope, today)
    assert (figures["assets"], figures["overdue"]) == (2, 1)  # its own two assets; one past due
    assert figures["risk_matrix"] == {"4,5": 1, "1,2": 1}
    indicator = critical_infrastructure.indicators(figures)[0]
    assert indicator.value == 0.5 and indicator.status == "bad"
    nation = critical_infrastructure.gather(ReportScope.parse("nation"), today)
    assert nation["assets"] == Asset.objects.count() == 3
    charts = critical_infrastructure.charts_for(nation, ReportScope.parse("nation"), {})
    assert "<svg" in charts["sectors"] and "<svg" in charts["matrix"] and "<svg" in charts["map"]

    report = generate(users.agency, f"agency:{agency.pk}", as_of=today)
    assert report.status == "ready"
    assert report.figures["sections"]["critical_infrastructure"]["overdue_assets"][0][0] == a1.name


def test_exercises_section_matches_the_records(users):
    from django.core.management import call_command

    from exercises.models import CorrectiveAction, Evaluation
    from reports.sections import exercises

    call_command("seed_demo", "--no-users", reservists=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    today = datetime.date.today()
    figures = exercises.gather(ReportScope.parse("nation"), today)
    unfinished = CorrectiveAction.objects.unfinished()
    assert figures["open_actions"] == unfinished.count()
    assert figures["overdue_actions"] == unfinished.filter(due_date__lt=today).count()
    assert sum(row[3] for row in figures["ratings"]) == Evaluation.objects.count()
    county = exercises.gather(ReportScope.parse("TW-KIN"), today)  # no exercise there
    assert county["open_actions"] == 0 and county["ratings"] == []


def test_the_callable_window_is_the_rule_policy_in_force_on_the_report_date(registry):
    """Art. 33: the MND may change the window; a report uses the version in force on its own date."""
    from mobilization.models import RulePolicy
    from reports.sections import reservists

    nation = ReportScope.parse("nation")
    assert reservists.gather(nation, AS_OF)["callable"] == 6  # the law's 8 years: 4 in NWT, 2 in TPE
    version = (RulePolicy.objects.order_by("-version").first().version or 0) + 1
    RulePolicy.objects.create(
        version=version, effective_from=AS_OF, edu_window_years=5, rollcall_window_years=5, note="shorter"
    )
    # From that date only people retired on or after 2021-03-01 are callable: one (the 2020 retirements drop out).
    shorter = reservists.gather(nation, AS_OF)
    assert (shorter["callable"], shorter["window_years"], shorter["window_start"]) == (1, 5, "2021-03-01")
    assert "5" in reservists.indicators(shorter)[0].label
    # A report as of the day before still uses the law's 8 years.
    assert reservists.gather(nation, AS_OF - datetime.timedelta(days=1))["window_years"] == 8
