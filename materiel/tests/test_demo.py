import io

import pytest

from core import demo as core_demo

from .. import demo
from ..models import CountySurvey, Requirement, Requisition, RequisitionNotice, Resource

pytestmark = pytest.mark.django_db


class _Command:
    stdout = io.StringIO()


def test_demo_is_idempotent_and_spread_over_counties():
    core_demo.seed_organisations()
    demo.seed(_Command(), {})
    counts = (Resource.objects.count(), Requirement.objects.count(), Requisition.objects.count())
    assert counts[0] >= 300
    demo.seed(_Command(), {})
    assert (Resource.objects.count(), Requirement.objects.count(), Requisition.objects.count()) == counts
    assert Resource.objects.values("township__parent").distinct().count() == 5
    assert CountySurvey.objects.get(county__code="TW-NWT", cycle__year__gt=2000, status="not_started")
    assert RequisitionNotice.objects.filter(status="handed_over").count() == 4
    person = Resource.objects.exclude(owner_national_id="").first()
    person.full_clean()  # demo owners have valid national IDs


def test_readiness_figures_and_report_section(users):
    import datetime

    from core.testing import logged_in
    from exercises import demo as exercises_demo
    from reports.scope import ReportScope
    from reports.sections import materiel as report_section

    core_demo.seed_organisations()
    demo.seed(_Command(), {})
    nation = report_section.gather(ReportScope.parse("nation"), datetime.date.today())
    assert nation["registered"] >= 300 and nation["required"] == 15
    # The handover rate is the drill's: the exercises demo (seeded after this one) names the order in its Han Kuang
    # drill and records the handover times.
    assert nation["drill"] == {"exercise": None, "due": 0, "handed_over": 0, "on_time": 0}
    exercises_demo.seed(_Command(), {})
    nation = report_section.gather(ReportScope.parse("nation"), datetime.date.today())
    assert nation["drill"]["exercise"].endswith("漢光演習 新北市聯合應變演練")
    assert {k: nation["drill"][k] for k in ("due", "handed_over", "on_time")} == {
        "due": 6,
        "handed_over": 4,
        "on_time": 4,
    }
    survey, handover = report_section.indicators(nation)
    assert handover.display.startswith("66.7%") and handover.status == "bad"
    assert survey.value == round(2 / 22, 4)
    county = report_section.gather(ReportScope.parse("TW-TPE"), datetime.date.today())
    assert county["drill"]["exercise"] is None and county["survey"] == {
        "year": datetime.date.today().year,
        "total": 1,
        "done": 1,
        "accepted": 1,
    }
    page = logged_in(users.staff).get("/").content.decode()
    assert "物力動員" in page
