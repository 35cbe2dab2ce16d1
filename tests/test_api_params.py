"""Every list endpoint of the API schema refuses a parameter it does not understand: 400 naming it.

The endpoints come from the schema itself (drf-spectacular), so a new list endpoint is walked without editing this
file; the allowed parameters of each come from the same schema (core.api.params.StrictQueryMixin)."""

import re

import pytest
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator

from core.testing import api_client
from exercises.tests.factories import make_exercise

pytestmark = pytest.mark.django_db

BOGUS = "statuss"  # a typo of a real filter: it must never silently widen a list


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return components[ref.rsplit("/", 1)[-1]]
    return schema


def list_operations() -> list[tuple[str, dict]]:
    """(path, operation) of every GET whose 200 answer is a list: an array, or an object with `results`."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        body = content.get("application/json", {}).get("schema")
        if body is None:
            continue
        body = _resolve(body, components)
        if body.get("type") == "array" or "results" in body.get("properties", {}):
            found.append((path, operation))
    return found


def test_the_walk_finds_the_list_endpoints():
    paths = {path for path, _ in list_operations()}
    assert len(paths) >= 40
    for expected in ("/api/reservists/", "/api/mobilization/orders/", "/api/mobilization/orders/{id}/candidates/"):
        assert expected in paths
    assert "/api/accounts/" in paths and "/api/cip/assets/" in paths and "/api/materiel/resources/" in paths


def test_every_list_endpoint_refuses_an_unknown_parameter_by_name():
    admin = get_user_model().objects.create_superuser("walker", password="x-walker-pass-1")
    client = api_client(admin)
    # A nested list checks its parent with the permissions, before the parameters (404 first): give it a real one.
    ids = {"exercise_pk": str(make_exercise().pk)}
    answered = {}
    for path, _operation in list_operations():
        url = re.sub(r"\{([^}]+)\}", lambda m: ids.get(m.group(1), "1"), path)
        response = client.get(url, {BOGUS: "1"})
        answered[path] = (response.status_code, response.content[:200])
    wrong = {path: answer for path, answer in answered.items() if answer[0] != 400 or BOGUS.encode() not in answer[1]}
    assert wrong == {}


def test_documented_parameters_are_still_understood(users):
    client = api_client(users.staff)
    assert client.get("/api/mobilization/orders/", {"status": "draft", "page": 1}).status_code == 200
    assert client.get("/api/reservists/", {"county": "TW-NWT", "page_size": 10}).status_code == 200
    assert client.get("/api/materiel/resources/", {"kind": "truck", "after": 5}).status_code == 200
    assert client.get("/api/regions/", {"level": "county"}).status_code == 200
    assert client.get("/api/mobilization/notices/", {"township": "220"}).status_code == 200


def test_the_refusal_names_each_unknown_parameter_in_the_readers_language(users):
    client = api_client(users.staff)
    response = client.get("/api/mobilization/orders/", {"stauts": "draft", "colour": "red"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"stauts", "colour"}
    assert "stauts" in str(body["stauts"])
