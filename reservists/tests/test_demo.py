import pytest
from django.core.management import call_command

from core.models import AuditEvent
from core.pii import validate_national_id
from reservists.demo import seed_registry
from reservists.models import PriorityGrant, ReserveUnit, Reservist, ServiceRecord

pytestmark = pytest.mark.django_db


def test_seed_is_realistic_and_idempotent():
    assert seed_registry(600) == 600
    people = list(Reservist.objects.select_related("township"))
    assert len(people) == 600
    for person in people[:200]:
        validate_national_id(person.national_id)
        assert person.retirement_date > person.birth_date
        assert person.township.level == "township"
    assert len({p.national_id for p in people}) == 600
    assert len({p.township.parent_id for p in people}) > 10
    assert 600 < ServiceRecord.objects.count() < 1200
    assert 10 <= PriorityGrant.objects.count() <= 30
    assert all(
        g.basis.startswith("art29." if g.kind == "successive" else "art30.") for g in PriorityGrant.objects.all()
    )
    assert ReserveUnit.objects.filter(code__startswith="RU-").count() >= 22
    assert AuditEvent.objects.filter(message__startswith="seed_demo: 600 synthetic").count() == 1
    assert seed_registry(600) == 0
    assert seed_registry(650) == 50 and Reservist.objects.count() == 650
    # the sequence continues after the explicit ids
    assert Reservist.objects.create(
        national_id="A123456789",
        name="新人",
        birth_date="1990-01-01",
        retirement_date="2012-01-01",
        branch="army",
        township=people[0].township,
    ).pk > max(p.pk for p in people)


def test_seed_demo_command_option():
    call_command("seed_demo", "--reservists", "40", "--no-users", stdout=__import__("io").StringIO())
    assert Reservist.objects.count() == 40
