"""A county official assigns a person to a shelter without a full national ID (issue 18): from a search on the
shelter's page, or from the reservist's page, by record number; scope-checked."""

import pytest
from django.urls import reverse

from core.choices import AuditAction
from core.models import AuditEvent
from core.testing import logged_in

from ..models import ShelterAssignment
from .factories import make_reservist, make_shelter

pytestmark = pytest.mark.django_db


def search(client, shelter, text):
    url = reverse("civil_defense:shelter-detail", args=[shelter.pk])
    response = client.post(url, {"q": text}, follow=True)
    assert response.status_code == 200
    assert text not in response.redirect_chain[-1][0]  # the search text stays out of the URL
    return response


def test_county_official_finds_by_given_name_and_assigns(users):
    shelter = make_shelter(capacity=5)
    person = make_reservist(name="王小明")
    make_reservist(name="陳大文")
    make_reservist("TW-TPE", name="張小明")  # another county: never found
    client = logged_in(users.county_a)
    response = search(client, shelter, "小明")
    found = response.context["found"]
    assert [r.pk for r in found] == [person.pk]
    page = response.content.decode()
    assert person.masked_national_id in page and person.national_id not in page  # masked for local_gov
    response = client.post(
        reverse("civil_defense:shelter-assign", args=[shelter.pk]), {"reservist": person.pk}, follow=True
    )
    assert ShelterAssignment.objects.filter(shelter=shelter, reservist=person, released_at__isnull=True).exists()
    assert [a.reservist_id for a in response.context["assignments"]] == [person.pk]
    assert "王小明" in response.content.decode()


def test_search_by_the_id_as_shown_is_logged_and_found(users):
    shelter = make_shelter()
    person = make_reservist()
    client = logged_in(users.county_a)
    response = search(client, shelter, person.masked_national_id)
    assert [r.pk for r in response.context["found"]] == [person.pk]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PII, username=users.county_a.username).exists()


def test_search_by_hidden_digits_is_refused_with_a_message(users):
    shelter = make_shelter()
    person = make_reservist()
    response = search(logged_in(users.county_a), shelter, person.national_id[:5])
    assert response.context["search_errors"] and not response.context["found"]


def test_a_reservist_of_another_county_cannot_be_assigned_by_number(users):
    shelter = make_shelter()
    theirs = make_reservist("TW-TPE")
    client = logged_in(users.county_a)
    response = client.post(
        reverse("civil_defense:shelter-assign", args=[shelter.pk]), {"reservist": theirs.pk}, follow=True
    )
    assert not ShelterAssignment.objects.exists()
    assert "您的轄區內沒有這位後備軍人" in response.content.decode()
    bad = client.post(reverse("civil_defense:shelter-assign", args=[shelter.pk]), {"reservist": "x"}, follow=True)
    assert bad.status_code == 200 and not ShelterAssignment.objects.exists()


def test_from_the_reservists_page_choose_a_shelter_of_their_county(users):
    near, other = make_shelter(name="板橋國小"), make_shelter("TW-TPE", name="臺北避難所")
    person = make_reservist(name="王小明")
    client = logged_in(users.county_a)
    url = reverse("civil_defense:reservist-shelter", args=[person.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert [s.pk for s in response.context["shelters"]] == [near.pk]  # not another county's
    page = response.content.decode()
    assert "板橋國小" in page and "臺北避難所" not in page and person.national_id not in page
    client.post(reverse("civil_defense:shelter-assign", args=[near.pk]), {"reservist": person.pk})
    response = client.get(url)
    assert response.context["current"].shelter == near
    assert "板橋國小" in response.content.decode()
    assert other.pk


def test_the_reservists_shelter_page_is_404_outside_the_county(users):
    theirs = make_reservist("TW-TPE")
    assert (
        logged_in(users.county_a).get(reverse("civil_defense:reservist-shelter", args=[theirs.pk])).status_code == 404
    )
    assert (
        logged_in(users.county_b).get(reverse("civil_defense:reservist-shelter", args=[theirs.pk])).status_code == 200
    )
