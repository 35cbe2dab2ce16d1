import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_probe(live_server, users, page):
    from django.contrib.auth.models import Group, Permission
    from core.models import Region

    print("PROBE", Region.objects.count(), Group.objects.count(), Permission.objects.count())
