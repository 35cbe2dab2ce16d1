"""Query budgets of the requests the load test makes (bench/locustfile.py): officials browsing the registry
list, opening records, calling the API and the dashboard. With a warm cache the user's session, permissions,
roles and scope cost no query (core.authz, cached sessions); a change that adds a query per request fails here.
"""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core.testing import county, logged_in
from reservists.tests.factories import make_reservist

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(users):
    return [make_reservist(county("TW-NWT")) for _ in range(3)]


@pytest.fixture
def api(users):
    from django.test import Client

    token, _ = Token.objects.get_or_create(user=users.staff)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        # the signed-in user's row, the page of reservists, how many matched (a COUNT stopped at 1,001 rows:
        # core.counting; past it, one EXPLAIN more)
        ("/reservists/", 3),
        # + the township filter's lookup
        ("/reservists/?township=220", 4),
        # + the person, service records, grants, moves, the call-up section's candidacies (a person with some
        # costs one more: which of their orders the user may see; mobilization_tags.recent_decisions)
        ("/reservists/{id}/", 6),
    ],
)
def test_registry_pages(users, registry, django_assert_max_num_queries, path, budget):
    client = logged_in(users.county_a)
    url = path.format(id=registry[0].pk)
    assert client.get(url).status_code == 200  # warms the user's cached authorisation
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("path", "budget"),
    [
        # the token with its user, the page, the record of who saw full national IDs
        ("/api/reservists/", 3),
        ("/api/reservists/{id}/", 3),
        # a search by the given name alone, and by a birth date (issue 18)
        ("/api/reservists/?q=小明", 3),
        ("/api/reservists/?q=79/05/31", 3),
    ],
)
def test_registry_api(users, registry, api, django_assert_max_num_queries, path, budget):
    url = path.format(id=registry[0].pk)
    assert api.get(url).status_code == 200
    with django_assert_max_num_queries(budget):
        assert api.get(url).status_code == 200


def test_dashboard_is_a_cache_read_once_warm(users, registry, settings, django_assert_max_num_queries):
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 60
    client = logged_in(users.county_a)
    first = client.get(reverse("dashboard"))
    assert first.status_code == 200
    with django_assert_max_num_queries(1):  # the user's row (the counties of their area are kept per process)
        again = client.get(reverse("dashboard"))
    assert again.status_code == 200
    assert [p.title for p in again.context["panels"]] == [p.title for p in first.context["panels"]]
