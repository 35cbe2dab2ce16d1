"""API token authentication (core.api.authentication): one plain query, DRF's answers."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIRequestFactory

from core.api.authentication import TokenAuthentication

pytestmark = pytest.mark.django_db


def test_a_token_names_its_user_and_is_the_request_auth(users):
    token = Token.objects.create(user=users.staff)
    request = APIRequestFactory().get("/api/reservists/", HTTP_AUTHORIZATION=f"Token {token.key}")
    user, auth = TokenAuthentication().authenticate(request)
    assert user == users.staff and user.username == users.staff.username and user.has_perm("reservists.view_reservist")
    assert isinstance(auth, Token) and auth.pk == token.key and auth.user_id == users.staff.pk
    assert auth.created == token.created and auth.user is user and not auth._state.adding
    assert not hasattr(user, "_token_created")


def test_unknown_and_inactive_are_refused_with_drfs_messages(users):
    client = Client(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567", HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/reservists/")
    assert response.status_code == 401 and "Invalid token." in response.content.decode()
    users.staff.is_active = False
    users.staff.save()
    # Deactivating revokes the account's tokens (core/tokens.py); one made afterwards still meets DRF's check.
    token = Token.objects.create(user=users.staff)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en").get("/api/reservists/")
    assert response.status_code == 401 and "User inactive or deleted." in response.content.decode()
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/reservists/")
    assert response.status_code == 401 and "User inactive" not in response.content.decode()  # zh-Hant by default


def test_a_valid_token_reads_the_registry(users):
    token = Token.objects.create(user=users.staff)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/reservists/")
    assert response.status_code == 200 and "results" in response.json()
