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
