import io

import pytest

from core import demo as core_demo

from .. import demo
from ..models import Asset, Dependency, ProtectionPlan
from ..services import affected_ids

pytestmark = pytest.mark.django_db


class _Command:
    stdout = io.StringIO()


def test_demo_is_idempotent_and_connected():
    core_demo.seed_organisations()
    core_demo.seed_users()
    demo.seed(_Command(), {})
    assets, deps, plans = Asset.objects.count(), Dependency.objects.count(), ProtectionPlan.objects.count()
    assert assets >= 36 and deps >= 40 and plans >= 5
    demo.seed(_Command(), {})
    assert (Asset.objects.count(), Dependency.objects.count(), ProtectionPlan.objects.count()) == (assets, deps, plans)
    assert Asset.objects.filter(operator__code__in=["taipower", "water-corp", "cht"]).count() >= 15
    assert Asset.objects.exclude(risk_level="").count() == assets
    longtan = Asset.objects.get(name="龍潭超高壓變電所")
    affected = dict(affected_ids(longtan.pk))
    hospital = Asset.objects.get(name="臺大醫院")
    assert affected[hospital.pk] == 2  # 龍潭 -> 板橋一次變電所 -> 臺大醫院
    assert ProtectionPlan.objects.filter(status="approved").exists()
